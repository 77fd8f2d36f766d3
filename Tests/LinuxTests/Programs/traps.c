/* traps: SIGTRAP from int3, int $3, icebp and the single-step trap (EFLAGS.TF set by
   popf or by a handler through the sigcontext), the siginfo and sigcontext trapno/err/cr2
   Linux gives every CPU exception, and SIGTRAP's default action; compared with a native run.
   gcc -m32 -march=i686 -O2 -static -o traps traps.c */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile int steps, step_limit, set_tf;
static unsigned long base;              /* printed addresses are relative to this label */
static unsigned long step_eip[32];
static int step_code[32], step_addr_ok[32];

static long rel(unsigned long a) { return (long)(a - base); }

static void show(const char *what, int sig, siginfo_t *si, ucontext_t *uc)
{
    mcontext_t *m = &uc->uc_mcontext;
    void *eip = (void *)m->gregs[REG_EIP];
    printf("%s: sig=%d code=%d addr=%s eip=%+ld trapno=%d err=%#x cr2=%s\n", what, sig, si->si_code,
           si->si_addr == 0 ? "0" : si->si_addr == eip ? "eip" : si->si_addr == (void *)m->cr2 ? "cr2" : "other",
           rel(m->gregs[REG_EIP]), m->gregs[REG_TRAPNO], m->gregs[REG_ERR], m->cr2 ? "set" : "0");
}

/* SIGTRAP: report it; count single steps and stop stepping after step_limit of them. */
static void on_trap(int sig, siginfo_t *si, void *u)
{
    ucontext_t *uc = u;
    greg_t *g = uc->uc_mcontext.gregs;
    if (g[REG_TRAPNO] == 1 && si->si_code != 1) {
        if (steps < 32) {
            step_eip[steps] = g[REG_EIP];
            step_code[steps] = si->si_code;
            step_addr_ok[steps] = si->si_addr == (void *)g[REG_EIP];
        }
        if (++steps >= step_limit) g[REG_EFL] &= ~0x100;
        return;
    }
    show("trap", sig, si, uc);
    if (set_tf) { g[REG_EFL] |= 0x100; set_tf = 0; }
}

static void on_fault(int sig, siginfo_t *si, void *u)
{
    ucontext_t *uc = u;
    show("fault", sig, si, uc);
    siglongjmp(env, 1);
}

static void on_usr1(int sig, siginfo_t *si, void *u)
{
    ucontext_t *uc = u;
    mcontext_t *m = &uc->uc_mcontext;
    printf("usr1: trapno=%d err=%#x cr2=%s\n", m->gregs[REG_TRAPNO], m->gregs[REG_ERR], m->cr2 ? "set" : "0");
}

static void print_steps(const char *what)
{
    printf("%s: %d steps:", what, steps);
    for (int i = 0; i < steps && i < 32; i++)
        printf(" %+ld/%d%s", rel(step_eip[i]), step_code[i], step_addr_ok[i] ? "" : "!addr");
    printf("\n");
}

extern char l_int3[], l_int3b[], l_icebp[], l_popf[], l_handler_tf[], l_syscall[], l_faults[];

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_SIGINFO;
    sa.sa_sigaction = on_trap; sigaction(SIGTRAP, &sa, 0);
    sa.sa_sigaction = on_fault;
    sigaction(SIGSEGV, &sa, 0); sigaction(SIGILL, &sa, 0); sigaction(SIGFPE, &sa, 0); sigaction(SIGBUS, &sa, 0);
    sa.sa_sigaction = on_usr1; sigaction(SIGUSR1, &sa, 0);
    prctl(PR_SET_DUMPABLE, 0);      /* a core dump would mark the wait status */

    raise(SIGUSR1);                 /* no trap yet */

    /* int3 and int $3 (cd 03): SI_KERNEL, EIP after the instruction, trapno 3. */
    base = (unsigned long)l_int3;
    asm volatile(".globl l_int3\nl_int3: int3\nnop");
    base = (unsigned long)l_int3b;
    asm volatile(".globl l_int3b\nl_int3b: .byte 0xcd, 0x03\nnop");
    /* icebp (f1): the debug trap without TF, TRAP_BRKPT. */
    base = (unsigned long)l_icebp;
    asm volatile(".globl l_icebp\nl_icebp: .byte 0xf1\nnop");
    raise(SIGUSR1);                 /* the thread keeps the last trap's number */

    /* TF set by popf: a trap after each instruction from the one after popf. */
    base = (unsigned long)l_popf;
    steps = 0; step_limit = 5;
    asm volatile("pushf\norl $0x100,(%%esp)\npopf\n.globl l_popf\nl_popf:\n"
                 "nop\nmov $1,%%eax\nadd %%eax,%%eax\nlea 4(%%eax),%%eax\nnop\nnop\nnop\nnop" ::: "eax", "cc");
    print_steps("popf");

    /* TF cleared by popf: the popf itself still traps. */
    steps = 0; step_limit = 100;
    asm volatile("pushf\norl $0x100,(%%esp)\npopf\nnop\npushf\nandl $~0x100,(%%esp)\npopf\nnop\nnop" ::: "cc", "memory");
    printf("popf on and off: %d steps\n", steps);

    /* TF set by the SIGTRAP handler in the saved context: stepping starts after it returns. */
    base = (unsigned long)l_handler_tf;
    steps = 0; step_limit = 4; set_tf = 1;
    asm volatile(".globl l_handler_tf\nl_handler_tf: int3\nnop\nmov %%esp,%%eax\nnop\nnop\nnop\nnop" ::: "eax");
    print_steps("handler set TF");

    /* int $0x80 under TF: the call itself does not trap, the instruction after it does. */
    base = (unsigned long)l_syscall;
    steps = 0; step_limit = 5;
    int pid;
    asm volatile("pushf\norl $0x100,(%%esp)\npopf\n.globl l_syscall\nl_syscall:\n"
                 "mov $20,%%eax\nint $0x80\nnop\nnop\nnop\nnop\nnop" : "=a"(pid) :: "cc", "memory");
    print_steps("int $0x80");
    printf("getpid under TF ok=%d\n", pid == getpid());

    /* Faults: trapno, err and cr2 as the kernel records them. */
    base = (unsigned long)l_faults;
    asm volatile(".globl l_faults\nl_faults: nop");
    char *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    (void)*(volatile char *)ro;       /* present, so a write is a protection fault */
    if (!sigsetjmp(env, 1)) (void)*(volatile int *)0x1234;
    if (!sigsetjmp(env, 1)) *(volatile int *)0x2234 = 1;
    if (!sigsetjmp(env, 1)) *(volatile int *)(ro + 8) = 1;
    raise(SIGUSR1);
    if (!sigsetjmp(env, 1)) asm volatile("hlt");
    if (!sigsetjmp(env, 1)) asm volatile("int $0x81");
    if (!sigsetjmp(env, 1)) asm volatile("mov $0x40,%%eax\nmov %%eax,%%ds" ::: "eax");
    if (!sigsetjmp(env, 1)) asm volatile("ud2");
    if (!sigsetjmp(env, 1)) asm volatile("xor %%edx,%%edx\nmov $1,%%eax\nxor %%ecx,%%ecx\ndiv %%ecx" ::: "eax", "ecx", "edx");
    if (!sigsetjmp(env, 1)) asm volatile("mov $0x7fffffff,%%eax\nadd %%eax,%%eax\ninto" ::: "eax", "cc");
    if (!sigsetjmp(env, 1)) asm volatile(".byte 0xcd, 0x04");
    if (!sigsetjmp(env, 1)) { static int bounds[2] = {0, 1}; asm volatile("mov $5,%%eax\nbound %%eax,%0" :: "m"(bounds) : "eax"); }
    raise(SIGUSR1);

    /* SIGTRAP's default action kills (no core: the process is not dumpable). */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        signal(SIGTRAP, SIG_DFL);
        asm volatile("int3");
        _exit(0);
    }
    int st;
    waitpid(child, &st, 0);
    printf("child: signaled=%d sig=%d core=%d\n", WIFSIGNALED(st), WTERMSIG(st), WCOREDUMP(st) ? 1 : 0);
    /* A blocked SIGTRAP cannot hold off the trap: it kills too. */
    fflush(stdout);
    child = fork();
    if (child == 0) {
        sigset_t s;
        sigemptyset(&s); sigaddset(&s, SIGTRAP);
        sigprocmask(SIG_BLOCK, &s, 0);
        asm volatile("int3");
        _exit(0);
    }
    waitpid(child, &st, 0);
    printf("blocked: signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));

    fflush(stdout);
    signal(SIGTRAP, SIG_DFL);
    asm volatile("int3");
    puts("not reached");
    return 0;
}
