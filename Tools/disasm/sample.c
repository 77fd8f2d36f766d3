/* A small program for the disassembler's oracle test. Built with
 *   gcc -m32 -O2 -static sample.c
 * it pulls in the static glibc start code, stdio, string functions (including their
 * SSE2/SSSE3/SSE4 variants), 64-bit arithmetic helpers and x87 floating point. Only the
 * code matters: Tools/disasm/record.py and DisassemblerObjdumpTests disassemble its .text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long long mix(long long a, long long b) { return a / (b | 1) + a % (b | 3); }

int main(int argc, char **argv) {
    char buf[256];
    double x = argc * 1.5;
    long long acc = argc;
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);
        memcpy(buf, argv[i], n < sizeof buf - 1 ? n + 1 : sizeof buf - 1);
        acc = mix(acc * 31 + (long long)n, (long long)strcmp(buf, "gate"));
        x = x * 0.5 + sqrt((double)n) + (double)acc;
    }
    snprintf(buf, sizeof buf, "%lld %.3f", acc, x);
    puts(buf);
    return (int)(acc & 1);
}
