/*
 * Gate differential-test harness (native i386 side).
 *
 * Build:  gcc -m32 -O1 -static -o harness harness.c      (non-PIE)
 *
 * Reads case specs on stdin, one per line:
 *     name;code;EAX ECX EDX EBX ESP EBP ESI EDI EFLAGS;seed;mask;mode
 * mode is 't' (single-step the instruction with EFLAGS.TF) or 'i'
 * (run without TF and stop at an int3 placed right after the instruction;
 * used for rep-prefixed string instructions and pushf/popf).
 * Lines starting with '#' are copied to stdout unchanged.
 *
 * Writes complete corpus lines on stdout:
 *     name;code;in-regs;seed;out-regs EFLAGS EIP;exc;memdiff;mask
 * See README.md for the machine model.
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
#define WIN_ADDR  0x30000F00u
#define WIN_OFF   0xF00u
#define WIN_SIZE  256u

static uint8_t *const code = (uint8_t *)CODE_PAGE;
static uint8_t *const data = (uint8_t *)DATA_PAGE;

/* ---- state shared with the signal handler / asm trampolines ---- */
uint32_t host_esp;          /* host ESP saved by run_case */
uint32_t entry_addr;        /* start of the prologue */
static volatile struct {
    uint32_t gpr[8];        /* EAX ECX EDX EBX ESP EBP ESI EDI */
    uint32_t efl, eip, trapno, err, cr2;
    int sig;
} res;

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
    "  cld\n"
    "  popl %edi\n"
    "  popl %esi\n"
    "  popl %ebx\n"
    "  popl %ebp\n"
    "  ret\n");

static void handler(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    /* the kernel does not clear EFLAGS.AC on signal delivery: do it first */
    __asm__ volatile("pushfl; andl $~0x40000, (%%esp); popfl" ::: "memory", "cc");
    ucontext_t *uc = (ucontext_t *)ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    res.gpr[0] = g[REG_EAX];
    res.gpr[1] = g[REG_ECX];
    res.gpr[2] = g[REG_EDX];
    res.gpr[3] = g[REG_EBX];
    res.gpr[4] = g[REG_ESP];
    res.gpr[5] = g[REG_EBP];
    res.gpr[6] = g[REG_ESI];
    res.gpr[7] = g[REG_EDI];
    res.efl = g[REG_EFL];
    res.eip = g[REG_EIP];
    res.trapno = g[REG_TRAPNO];
    res.err = g[REG_ERR];
    res.cr2 = uc->uc_mcontext.cr2;
    res.sig = sig;
    /* resume in the host: landing restores callee-saved registers */
    g[REG_ESP] = host_esp;
    g[REG_EIP] = (greg_t)(uintptr_t)landing;
    g[REG_EFL] = 0x202;      /* clears TF, DF, AC, NT, ID ... */
}

static void die(const char *msg, const char *line)
{
    fprintf(stderr, "harness: %s\n  case: %s\n", msg, line ? line : "");
    exit(1);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static uint32_t parse_u32(const char **pp, const char *line)
{
    const char *p = *pp;
    while (*p == ' ') p++;
    uint32_t v = 0;
    int n = 0;
    while (hexval(*p) >= 0) { v = (v << 4) | (uint32_t)hexval(*p); p++; n++; }
    if (n == 0 || n > 8) die("bad hex number", line);
    *pp = p;
    return v;
}

static void seed_window(uint8_t *w, uint32_t seed)
{
    uint32_t x = seed;
    for (int i = 0; i < 64; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        memcpy(w + 4 * i, &x, 4);
    }
}

static uint8_t *emit8(uint8_t *p, uint8_t b) { *p++ = b; return p; }
static uint8_t *emit32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); return p + 4; }

static uint8_t zero_area[WIN_OFF];
static uint8_t code_shadow[4096];

int main(void)
{
    /* map the code and data pages at their fixed addresses */
    munmap((void *)(DATA_PAGE + 0x1000), 0x1000);
    if (mmap(code, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != code)
        die("cannot map code page", NULL);
    if (mmap(data, 0x1000, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != data)
        die("cannot map data page", NULL);
    /* make sure neighbouring pages are really unmapped */
    if (mmap((void *)(DATA_PAGE + 0x1000), 0x1000, PROT_READ,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) !=
        (void *)(DATA_PAGE + 0x1000))
        die("page 0x30001000 is already mapped", NULL);
    munmap((void *)(DATA_PAGE + 0x1000), 0x1000);

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

    static char line[4096];
    static char work[4096];
    uint8_t win0[WIN_SIZE], bytes[64];

    while (fgets(line, sizeof line, stdin)) {
        size_t L = strlen(line);
        while (L && (line[L - 1] == '\n' || line[L - 1] == '\r')) line[--L] = 0;
        if (L == 0) continue;
        if (line[0] == '#') { puts(line); continue; }
        strcpy(work, line);

        /* split fields */
        char *f[8];
        int nf = 0;
        char *s = work;
        f[nf++] = s;
        for (; *s; s++)
            if (*s == ';') { *s = 0; if (nf >= 8) die("too many fields", line); f[nf++] = s + 1; }
        if (nf != 6) die("expected 6 fields", line);
        const char *name = f[0], *hex = f[1], *mask = f[4], *mode = f[5];

        /* instruction bytes */
        int n = 0;
        for (const char *p = hex; *p; p += 2) {
            if (hexval(p[0]) < 0 || hexval(p[1]) < 0 || n >= 15) die("bad code", line);
            bytes[n++] = (uint8_t)(hexval(p[0]) << 4 | hexval(p[1]));
        }
        if (n == 0) die("empty code", line);

        uint32_t in[9];
        const char *p = f[2];
        for (int i = 0; i < 9; i++) in[i] = parse_u32(&p, line);
        if (*p) die("junk after registers", line);
        p = f[3];
        uint32_t seed = parse_u32(&p, line);
        if (*p || seed == 0) die("bad seed", line);
        int int3mode;
        if (!strcmp(mode, "t")) int3mode = 0;
        else if (!strcmp(mode, "i")) int3mode = 1;
        else die("bad mode", line);

        uint32_t esp = in[4], efl = in[8];
        if (esp < WIN_ADDR + 4 || esp > DATA_PAGE + 0x1000) die("ESP_in outside window", line);
        if ((efl & 0x302) != 0x202 || (efl & ~0x00244fd7u)) die("bad EFLAGS_in", line);

        /* window: seed, then overlay EFLAGS_in|TF at [ESP-4, ESP) */
        seed_window(win0, seed);
        uint32_t ov = efl | 0x100;
        memcpy(win0 + (esp - 4 - WIN_ADDR), &ov, 4);
        memset(data, 0, WIN_OFF);
        memcpy(data + WIN_OFF, win0, WIN_SIZE);
        if (int3mode) {
            uint32_t ov2 = efl;   /* popf in the prologue must not set TF */
            memcpy(data + (esp - 4 - DATA_PAGE), &ov2, 4);
        }

        /* code page: 0xF4 everywhere, prologue ends exactly at CODE_ADDR */
        memset(code, 0xF4, 0x1000);
        uint8_t pro[64], *q = pro;
        static const uint8_t movop[8] = { 0xB8, 0xB9, 0xBA, 0xBB, 0, 0xBD, 0xBE, 0xBF };
        for (int r = 0; r < 8; r++)
            if (r != 4) { q = emit8(q, movop[r]); q = emit32(q, in[r]); }
        q = emit8(q, 0xBC); q = emit32(q, esp - 4);   /* mov esp, ESP_in-4 */
        q = emit8(q, 0x9D);                          /* popf */
        if (int3mode) {                              /* mov dword [ESP_in-4], EFLAGS_in|TF */
            q = emit8(q, 0xC7); q = emit8(q, 0x05);
            q = emit32(q, esp - 4); q = emit32(q, ov);
        }
        int plen = (int)(q - pro);
        memcpy(code + (CODE_ADDR - CODE_PAGE) - plen, pro, plen);
        memcpy(code + (CODE_ADDR - CODE_PAGE), bytes, n);
        if (int3mode) code[CODE_ADDR - CODE_PAGE + n] = 0xCC;
        memcpy(code_shadow, code, 0x1000);
        entry_addr = CODE_ADDR - plen;

        memset((void *)&res, 0, sizeof res);
        alarm(5);
        run_case();
        alarm(0);

        /* sanity checks */
        if (memcmp(data, zero_area, WIN_OFF)) die("test wrote below the window (0x30000000-0x30000eff)", line);
        if (memcmp(code, code_shadow, 0x1000)) die("test modified the code page", line);

        uint32_t eip = res.eip, trap = res.trapno;
        int exc = 1;
        if (!int3mode && res.sig == SIGTRAP && trap == 1) exc = 0;
        if (int3mode && res.sig == SIGTRAP && trap == 3 && eip == CODE_ADDR + n + 1) { exc = 0; eip--; }
        if (exc && trap == 1) die("unexpected debug trap", line);
        if (exc && int3mode && trap == 3) die("unexpected int3 in int3 mode", line);
        if (exc && !int3mode && trap == 13 && eip == CODE_ADDR + n)
            die("#GP after the instruction (single-step trap missing?)", line);

        printf("%s;%s;", name, hex);
        for (int i = 0; i < 9; i++) printf(i ? " %08x" : "%08x", in[i]);
        printf(";%08x;", seed);
        for (int i = 0; i < 8; i++) printf("%08x ", res.gpr[i]);
        printf("%08x %08x;", res.efl & ~0x10100u, eip);
        if (!exc) {
            printf("-;");
        } else {
            uint32_t err = 0, cr2 = 0;
            if (trap == 8 || (trap >= 10 && trap <= 14) || trap == 17) err = res.err;
            if (trap == 14) cr2 = res.cr2;
            printf("%02x,%08x,%08x;", trap, err, cr2);
        }
        const uint8_t *w1 = data + WIN_OFF;
        int any = 0;
        for (unsigned i = 0; i < WIN_SIZE;) {
            if (w1[i] == win0[i]) { i++; continue; }
            unsigned j = i;
            while (j < WIN_SIZE && w1[j] != win0[j]) j++;
            printf("%s%02x:", any ? "," : "", i);
            for (unsigned k = i; k < j; k++) printf("%02x", w1[k]);
            any = 1;
            i = j;
        }
        printf("%s;%s\n", any ? "" : "-", mask);
    }
    return 0;
}
