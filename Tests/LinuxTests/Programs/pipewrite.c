/* pipewrite: one blocking write of 300000 bytes into a pipe that a child drains:
   the call returns only when all of it went through (pipe_write), and the reader
   sees every byte. gcc -m32 -O1 -static -o pipewrite pipewrite.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
  int p[2]; pipe(p);
  size_t n = 300000; char *buf = malloc(n); for (size_t i = 0; i < n; i++) buf[i] = (char)(i * 7);
  pid_t c = fork();
  if (c == 0) { close(p[1]); size_t got = 0; unsigned sum = 0; char b[1000]; ssize_t r;
    while ((r = read(p[0], b, sizeof b)) > 0) { for (ssize_t i = 0; i < r; i++) sum = sum * 31 + (unsigned char)b[i]; got += r; }
    printf("reader got %zu bytes, sum %08x\n", got, sum); fflush(stdout); _exit(0); }
  close(p[0]);
  ssize_t w = write(p[1], buf, n);
  printf("one write of %zu returned %zd\n", n, w); fflush(stdout);
  close(p[1]); waitpid(c, 0, 0);
  return 0;
}
