/* fpframe: the FPU state in a signal frame, as a handler sees it through its ucontext
   (struct _fpstate: the fnsave image, status and magic, then, on a CPU with FXSR, the
   fxsave image), and what sigreturn puts back; compared with a native run.
   gcc -m32 -march=i686 -O2 -static -o fpframe fpframe.c */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

struct fpreg { unsigned short significand[4], exponent; };
struct fpxreg { unsigned short significand[4], exponent, padding[3]; };
struct fpstate {                         /* struct _fpstate, include/asm-i386/sigcontext.h */
    unsigned long cw, sw, tag, ipoff, cssel, dataoff, datasel;
    struct fpreg st[8];
    unsigned short status, magic;        /* magic 0xffff: fnsave data only */
    unsigned long fxsr_env[6], mxcsr, reserved;
    struct fpxreg fxsr_st[8];
};

static int has_fxsr(void)
{
    unsigned a = 1, b, c, d;
    asm volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    return d >> 24 & 1;
}

static void print_reg(const char *name, int i, const unsigned short *r)
{
    printf("  %s%d = %04x %04x%04x%04x%04x\n", name, i, r[4], r[3], r[2], r[1], r[0]);
}

static void on_trap(int sig, siginfo_t *si, void *u)
{
    ucontext_t *uc = u;
    struct fpstate *fp = (struct fpstate *)uc->uc_mcontext.fpregs;
    int fxsr = has_fxsr();
    if (!fp) { puts("no fpstate"); return; }
    printf("magic=%04x (%s) expected for this CPU=%d\n", fp->magic, fp->magic == 0xffff ? "fnsave" : "fxsr",
           fp->magic == (fxsr ? 0 : 0xffff));
    printf("cw=%08lx sw=%08lx tag=%08lx status=%04x\n", fp->cw, fp->sw, fp->tag, fp->status);
    for (int i = 0; i < 8; i++) {
        int phys = (i + (fp->sw >> 11 & 7)) & 7;
        if ((fp->tag >> (2 * phys) & 3) != 3) print_reg("st", i, fp->st[i].significand);
    }
    if (fp->magic == 0) {
        printf("fxsave: fcw=%04lx fsw=%04lx ftw=%02lx\n", fp->fxsr_env[0] & 0xffff, fp->fxsr_env[0] >> 16,
               fp->fxsr_env[1] & 0xff);
        int same = 1;
        for (int i = 0; i < 8; i++)
            if ((fp->fxsr_env[1] >> ((i + (fp->sw >> 11 & 7)) & 7) & 1)
                && memcmp(&fp->fxsr_st[i], &fp->st[i], 10) != 0) same = 0;
        printf("fxsave registers match the fnsave part=%d\n", same);
    }
    /* sigreturn takes the x87 state from the fnsave part: 42 into ST(0) and round to
       nearest there count, 99 into the fxsave image's ST(1) and its control word do not. */
    fp->st[0] = (struct fpreg){ {0, 0, 0, 0xa800}, 0x4004 };
    fp->cw = 0xffff037f;
    if (fp->magic == 0) {
        fp->fxsr_st[1] = (struct fpxreg){ {0, 0, 0, 0xc600}, 0x4005, {0} };
        fp->fxsr_env[0] = (fp->fxsr_env[0] & ~0xffffUL) | 0x0c7f;
    }
}

static volatile int clean;
static void on_usr1(int sig)
{
    unsigned short cw, sw, env[14];
    asm volatile("fnstcw %0\nfnstsw %1\nfnstenv %2\nfldcw %0" : "=m"(cw), "=m"(sw), "=m"(env));
    clean = cw == 0x37f && (sw & 0x3800) == 0 && env[4] == 0xffff;
    asm volatile("fldpi\nfstp %st(0)");  /* use the FPU in the handler */
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_SIGINFO;
    sa.sa_sigaction = on_trap;
    sigaction(SIGTRAP, &sa, 0);
    signal(SIGUSR1, on_usr1);

    static const long double inf = __builtin_infl(), denormal = 0x1p-16400L, three = 3.0L;
    unsigned char out[5][10];
    unsigned short cw = 0x0f7f, cw_after, sw_after;
    asm volatile("fninit\n"
                 "fldcw %[cw]\n"
                 "fld1\nfldz\nfldpi\nfldt %[inf]\nfldt %[den]\n"
                 "fld1\nfldt %[three]\nfdivrp\n"          /* 1/3: inexact, rounded toward zero */
                 "int3\n"
                 "fnstcw %[cwa]\nfnstsw %[swa]\n"
                 "fstpt %[o0]\nfstpt %[o1]\nfstpt %[o2]\nfstpt %[o3]\nfstpt %[o4]\nfstp %%st(0)\n"
                 : [o0] "=m"(out[0]), [o1] "=m"(out[1]), [o2] "=m"(out[2]), [o3] "=m"(out[3]), [o4] "=m"(out[4]),
                   [cwa] "=m"(cw_after), [swa] "=m"(sw_after)
                 : [cw] "m"(cw), [inf] "m"(inf), [den] "m"(denormal), [three] "m"(three));
    printf("after sigreturn: cw=%04x sw=%04x\n", cw_after, sw_after);
    for (int i = 0; i < 5; i++) {
        printf("  st%d =", i);
        for (int k = 9; k >= 0; k--) printf("%s%02x", k == 7 ? " " : "", out[i][k]);
        printf("\n");
    }

    /* A handler starts with a clean FPU; the interrupted code gets its own back. */
    unsigned short mine = 0x0e7f, back;
    asm volatile("fldcw %0" :: "m"(mine));
    raise(SIGUSR1);
    asm volatile("fnstcw %0" : "=m"(back));
    printf("handler FPU clean=%d, control word kept=%d\n", clean, back == mine);
    return 0;
}
