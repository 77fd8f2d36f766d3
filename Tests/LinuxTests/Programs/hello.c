/* The glibc hello: gcc -m32 -static -O2 -o hello-static hello.c */
#include <stdio.h>
int main(int argc, char **argv) {
    printf("hello, world from %s with %d argument(s)\n", argc > 0 ? "i386" : "?", argc - 1);
    return 0;
}
