/* signals: handlers, frames and sigreturn, compared with a native run.
   gcc -m32 -O1 -static -o signals signals.c */
#include <errno.h>
#include <setjmp.h>
#include <sys/time.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static volatile int depth, order[8], norder;
static sigjmp_buf env;
static char altstack[16384];

static void on_usr2(int sig) { order[norder++] = sig; }
static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    ucontext_t *u = uc;
    order[norder++] = sig;
    printf("usr1: signo=%d code=%d pid_ok=%d mask_has_usr1=%d\n", si->si_signo, si->si_code,
           si->si_pid == getpid(), sigismember(&u->uc_sigmask, SIGUSR1) == 0 ? 0 : 1);
    raise(SIGUSR2);                     /* nested: USR2 runs inside USR1's handler */
    order[norder++] = -sig;
}
static void on_segv(int sig, siginfo_t *si, void *uc)
{
    printf("segv: signo=%d code=%d addr=%p\n", sig, si->si_code, si->si_addr);
    siglongjmp(env, 1);
}
static void on_fpe(int sig, siginfo_t *si, void *uc)
{
    printf("fpe: signo=%d code=%d\n", sig, si->si_code);
    siglongjmp(env, 2);
}
static void on_alt(int sig)
{
    char here;
    printf("altstack: on it=%d\n", &here >= altstack && &here < altstack + sizeof altstack);
}
static volatile unsigned long counted;
static int alarm_pipe[2];
static volatile int alarms;
static void on_alarm(int sig) { alarms++; (void)!write(alarm_pipe[1], "x", 1); }

/* A read from an empty pipe, interrupted by SIGALRM from an interval timer: with
   SA_RESTART the read runs again and gets the byte the handler wrote; without it,
   the read fails with EINTR and the byte waits in the pipe. */
static void pipe_read_interrupted(int flags, const char *name)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, 0);
    if (pipe(alarm_pipe) != 0) { puts("pipe failed"); return; }
    alarms = 0;
    struct itimerval it = { {0, 0}, {0, 20000} };
    setitimer(ITIMER_REAL, &it, 0);
    char c = 0;
    errno = 0;
    ssize_t n = read(alarm_pipe[0], &c, 1);
    int e = errno;
    printf("%s: read=%d errno=%s byte=%c alarms=%d\n", name, (int)n, e == EINTR ? "EINTR" : e ? "other" : "0",
           n == 1 ? c : '-', alarms);
    if (n != 1 && read(alarm_pipe[0], &c, 1) == 1) printf("%s: byte still in the pipe: %c\n", name, c);
    close(alarm_pipe[0]);
    close(alarm_pipe[1]);
}

static void on_count(int sig) { counted++; double x = 1.0; for (int i = 0; i < 5; i++) x = x * 3.5 + 1.25; (void)x; }

int main(void)
{
    struct sigaction sa;
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, 0);     /* whatever mask the parent left us */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1; sa.sa_flags = SA_SIGINFO; sigaction(SIGUSR1, &sa, 0);
    sa.sa_handler = on_usr2; sa.sa_flags = 0; sigaction(SIGUSR2, &sa, 0);
    raise(SIGUSR1);
    printf("order:");
    for (int i = 0; i < norder; i++) printf(" %d", order[i]);
    printf("\n");

    sa.sa_sigaction = on_segv; sa.sa_flags = SA_SIGINFO; sigaction(SIGSEGV, &sa, 0);
    if (sigsetjmp(env, 1) == 0) { *(volatile int *)16 = 1; puts("no fault?"); }
    else puts("recovered from SIGSEGV");

    sa.sa_sigaction = on_fpe; sigaction(SIGFPE, &sa, 0);
    volatile int zero = 0, n = 7;
    if (sigsetjmp(env, 1) == 0) { printf("%d\n", n / zero); }
    else puts("recovered from SIGFPE");

    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    sigaltstack(&ss, 0);
    sa.sa_handler = on_alt; sa.sa_flags = SA_ONSTACK; sigaction(SIGHUP, &sa, 0);
    raise(SIGHUP);

    sigset_t block, pending;
    sigemptyset(&block); sigaddset(&block, SIGUSR2);
    norder = 0;
    sigprocmask(SIG_BLOCK, &block, 0);
    raise(SIGUSR2);
    sigpending(&pending);
    printf("blocked USR2 pending=%d delivered=%d\n", sigismember(&pending, SIGUSR2), norder);
    sigprocmask(SIG_UNBLOCK, &block, 0);
    printf("after unblock delivered=%d\n", norder);

    sa.sa_handler = on_usr2; sa.sa_flags = SA_RESETHAND; sigaction(SIGWINCH, &sa, 0);
    raise(SIGWINCH);
    sigaction(SIGWINCH, 0, &sa);
    printf("resethand: back to default=%d\n", sa.sa_handler == SIG_DFL);

    /* Registers and the FPU survive thousands of interruptions. */
    sa.sa_handler = on_count; sa.sa_flags = 0; sigaction(SIGUSR2, &sa, 0);
    double acc = 0.5; uint32_t h = 2166136261u;
    for (int i = 0; i < 5000; i++) {
        acc = acc * 1.000001 + i * 0.25;
        h = (h ^ (uint32_t)i) * 16777619u;
        if (i % 3 == 0) raise(SIGUSR2);
    }
    printf("interrupted %lu times: acc=%.6f h=%08x\n", counted, acc, h);

    pipe_read_interrupted(SA_RESTART, "SA_RESTART");
    pipe_read_interrupted(0, "no SA_RESTART");

    signal(SIGTERM, SIG_DFL);
    fflush(stdout);
    raise(SIGTERM);
    puts("not reached");
    return 0;
}
