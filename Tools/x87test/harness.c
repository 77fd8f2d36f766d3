/*
 * Gate x87 differential harness (native i386 side).
 *
 * Build:  gcc -m32 -O1 -static -o x87harness harness.c        (non-PIE, no x87 use in C)
 *
 * Reads case specs on stdin, one per line (see README.md):
 *     name;code;CW SW TW;ST0 ... ST7;EAX EFLAGS;mem
 * and writes one corpus line per case:
 *     name;code;CW SW TW;ST0 ... ST7;EAX EFLAGS;mem;CW SW TW FIP FOP FDP;ST0 ... ST7;EAX EFLAGS;memdiff;exc
 * Lines starting with '#' are copied unchanged.
 *
 * The FPU state is loaded with frstor from a 108-byte image built from the spec, the
 * case's instruction bytes run at CODE_ADDR, and fnsave (non-waiting) captures the state
 * after them, so an unmasked exception stays pending instead of trapping. If the case's
 * own instruction finds an exception pending (#MF, SIGFPE) the state comes from the
 * signal frame and exc is "10".
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE_PAGE 0x20000000u
#define CODE_ADDR 0x20000800u
#define DATA_PAGE 0x30000000u
#define WIN_ADDR  0x30000E00u
#define WIN_SIZE  512u

static uint8_t *const code = (uint8_t *)CODE_PAGE;
static uint8_t *const data = (uint8_t *)DATA_PAGE;

uint32_t host_esp;
uint32_t entry_addr;
uint32_t landing_addr;
static uint8_t in_img[108] __attribute__((aligned(16)));
static uint8_t out_img[108] __attribute__((aligned(16)));
uint32_t out_eax, out_efl;
static volatile int got_sig;

void landing(void);
void run_case(void);

__asm__(
    ".text\n"
    ".globl run_case\n"
    "run_case:\n"
    "  pushl %ebp\n"
    "  pushl %ebx\n"
    "  pushl %esi\n"
    "  pushl %edi\n"
    "  movl %esp, host_esp\n"
    "  jmp *entry_addr\n"
    ".globl landing\n"
    "landing:\n"
    "  fninit\n"
    "  cld\n"
    "  popl %edi\n"
    "  popl %esi\n"
    "  popl %ebx\n"
    "  popl %ebp\n"
    "  ret\n");

static void handler(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    ucontext_t *uc = (ucontext_t *)ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    got_sig = sig;
    if (sig == SIGILL) {
        /* #UD: the state is what frstor loaded */
        memcpy(out_img, in_img, sizeof out_img);
    } else if (sig == SIGFPE && uc->uc_mcontext.fpregs) {
        struct _libc_fpstate *f = uc->uc_mcontext.fpregs;
        memset(out_img, 0, sizeof out_img);
        memcpy(out_img + 0, &f->cw, 4);
        memcpy(out_img + 4, &f->sw, 4);
        memcpy(out_img + 8, &f->tag, 4);
        memcpy(out_img + 12, &f->ipoff, 4);
        memcpy(out_img + 16, &f->cssel, 4);
        memcpy(out_img + 20, &f->dataoff, 4);
        memcpy(out_img + 24, &f->datasel, 4);
        memcpy(out_img + 28, f->_st, 80);
    }
    out_eax = g[REG_EAX];
    out_efl = g[REG_EFL];
    g[REG_ESP] = host_esp;
    g[REG_EIP] = (greg_t)(uintptr_t)landing;
    g[REG_EFL] = 0x202;
}

static void die(const char *msg, const char *line)
{
    fprintf(stderr, "x87harness: %s\n  case: %s\n", msg, line ? line : "");
    exit(1);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A hex number of up to 20 digits into hi:lo (16 + 64 bits). */
static void parse_hex80(const char **pp, uint16_t *hi, uint64_t *lo, const char *line)
{
    const char *p = *pp;
    while (*p == ' ') p++;
    uint64_t l = 0, h = 0;
    int n = 0;
    while (hexval(*p) >= 0) {
        h = (h << 4) | (l >> 60);
        l = (l << 4) | (uint64_t)hexval(*p);
        p++;
        n++;
    }
    if (n == 0 || n > 20) die("bad hex number", line);
    *hi = (uint16_t)h;
    *lo = l;
    *pp = p;
}

static uint32_t parse_u32(const char **pp, const char *line)
{
    uint16_t h; uint64_t l;
    parse_hex80(pp, &h, &l, line);
    if (h || l >> 32) die("number too large", line);
    return (uint32_t)l;
}

static uint8_t *emit8(uint8_t *p, uint8_t b) { *p++ = b; return p; }
static uint8_t *emit32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); return p + 4; }

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static uint32_t get16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static void print80(const uint8_t *r)
{
    uint64_t lo; memcpy(&lo, r, 8);
    unsigned hi = get16(r + 8);
    if (hi == 0 && lo == 0) printf("0");
    else printf("%04x%016llx", hi, (unsigned long long)lo);
}

int main(void)
{
    if (mmap(code, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != code)
        die("cannot map code page", NULL);
    if (mmap(data, 0x1000, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != data)
        die("cannot map data page", NULL);

    static uint8_t altstack[1 << 16];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    if (sigaltstack(&ss, NULL)) die("sigaltstack", NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    int sigs[] = { SIGTRAP, SIGSEGV, SIGBUS, SIGILL, SIGFPE };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL)) die("sigaction", NULL);
    landing_addr = (uint32_t)(uintptr_t)landing;

    static char line[8192], work[8192];
    uint8_t win0[WIN_SIZE], bytes[64];

    while (fgets(line, sizeof line, stdin)) {
        size_t L = strlen(line);
        while (L && (line[L - 1] == '\n' || line[L - 1] == '\r')) line[--L] = 0;
        if (L == 0) continue;
        if (line[0] == '#') { puts(line); continue; }
        strcpy(work, line);
        char *f[8];
        int nf = 0;
        char *s = work;
        f[nf++] = s;
        for (; *s; s++)
            if (*s == ';') { *s = 0; if (nf >= 8) die("too many fields", line); f[nf++] = s + 1; }
        if (nf != 6) die("expected 6 fields", line);

        int n = 0;
        for (const char *p = f[1]; *p; p += 2) {
            if (hexval(p[0]) < 0 || hexval(p[1]) < 0 || n >= 60) die("bad code", line);
            bytes[n++] = (uint8_t)(hexval(p[0]) << 4 | hexval(p[1]));
        }
        if (n == 0) die("empty code", line);

        /* FPU image: control, status, tag, then the registers in ST order */
        memset(in_img, 0, sizeof in_img);
        /* fixed last-instruction/operand pointers, to see which instructions replace them */
        put16(in_img + 12, 0x5678); put16(in_img + 14, 0x1234);
        put16(in_img + 16, 0x0023); put16(in_img + 18, 0x0123);
        put16(in_img + 20, 0xdef0); put16(in_img + 22, 0x9abc);
        put16(in_img + 24, 0x002b);
        const char *p = f[2];
        put16(in_img + 0, parse_u32(&p, line));
        put16(in_img + 4, parse_u32(&p, line));
        put16(in_img + 8, parse_u32(&p, line));
        p = f[3];
        for (int i = 0; i < 8; i++) {
            uint16_t hi; uint64_t lo;
            parse_hex80(&p, &hi, &lo, line);
            memcpy(in_img + 28 + 10 * i, &lo, 8);
            put16(in_img + 28 + 10 * i + 8, hi);
        }
        p = f[4];
        uint32_t eax = parse_u32(&p, line), efl = parse_u32(&p, line);

        memset(data, 0, 0x1000);
        int m = 0;
        if (strcmp(f[5], "-") != 0)
            for (const char *q = f[5]; *q; q += 2) {
                if (hexval(q[0]) < 0 || hexval(q[1]) < 0 || m >= (int)WIN_SIZE) die("bad mem", line);
                data[(WIN_ADDR - DATA_PAGE) + m++] = (uint8_t)(hexval(q[0]) << 4 | hexval(q[1]));
            }
        memcpy(win0, data + (WIN_ADDR - DATA_PAGE), WIN_SIZE);

        /* prologue ending at CODE_ADDR: frstor in_img; mov $eax,%eax; push $efl; popf */
        memset(code, 0xf4, 0x1000);
        uint8_t *c = code + (CODE_ADDR - CODE_PAGE) - 17;
        entry_addr = (uint32_t)(uintptr_t)c;
        c = emit8(c, 0xdd); c = emit8(c, 0x25); c = emit32(c, (uint32_t)(uintptr_t)in_img);
        c = emit8(c, 0xb8); c = emit32(c, eax);
        c = emit8(c, 0x68); c = emit32(c, efl);
        c = emit8(c, 0x9d);
        if (c != code + (CODE_ADDR - CODE_PAGE)) die("prologue size", line);
        memcpy(c, bytes, n);
        c += n;
        /* epilogue: fnsave out_img; mov %eax,out_eax; pushf; pop out_efl; jmp *landing_addr */
        c = emit8(c, 0xdd); c = emit8(c, 0x35); c = emit32(c, (uint32_t)(uintptr_t)out_img);
        c = emit8(c, 0xa3); c = emit32(c, (uint32_t)(uintptr_t)&out_eax);
        c = emit8(c, 0x9c);
        c = emit8(c, 0x8f); c = emit8(c, 0x05); c = emit32(c, (uint32_t)(uintptr_t)&out_efl);
        c = emit8(c, 0xff); c = emit8(c, 0x25); c = emit32(c, (uint32_t)(uintptr_t)&landing_addr);

        got_sig = 0;
        memset(out_img, 0, sizeof out_img);
        run_case();
        if (got_sig && got_sig != SIGFPE && got_sig != SIGILL) die("unexpected signal", line);

        printf("%s;", line);
        printf("%04x %04x %04x %08x %04x %08x;", get16(out_img), get16(out_img + 4), get16(out_img + 8),
               get32(out_img + 12), get32(out_img + 16) >> 16, get32(out_img + 20));
        for (int i = 0; i < 8; i++) {
            if (i) putchar(' ');
            print80(out_img + 28 + 10 * i);
        }
        printf(";%08x %08x;", out_eax, out_efl & 0x8d5);
        /* memory differences as off:bytes runs */
        const uint8_t *w = data + (WIN_ADDR - DATA_PAGE);
        int any = 0;
        for (unsigned i = 0; i < WIN_SIZE;) {
            if (w[i] == win0[i]) { i++; continue; }
            unsigned j = i;
            while (j < WIN_SIZE && w[j] != win0[j]) j++;
            printf("%s%x:", any ? "," : "", i);
            for (unsigned k = i; k < j; k++) printf("%02x", w[k]);
            any = 1;
            i = j;
        }
        if (!any) printf("-");
        for (unsigned i = 0; i < 0x1000; i++)
            if ((i < WIN_ADDR - DATA_PAGE || i >= WIN_ADDR - DATA_PAGE + WIN_SIZE) && data[i])
                die("wrote outside the window", line);
        printf(";%s\n", got_sig == SIGFPE ? "10" : got_sig == SIGILL ? "06" : "-");
    }
    return 0;
}
