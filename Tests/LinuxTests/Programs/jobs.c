/* jobs: stop signals and job control between processes — SIGSTOP, SIGTSTP, SIGTTIN and
   SIGTTOU stop a process (every thread of it), SIGCONT continues it, wait4/waitid report
   both, the parent gets SIGCHLD (not with SA_NOCLDSTOP), and an orphaned process group
   ignores the terminal stop signals; compared with a native run.
   gcc -m32 -march=i686 -O2 -static -pthread -o jobs jobs.c */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int report[2];                   /* workers -> the session leader */
static void say(char c) { (void)!write(report[1], &c, 1); }
static void on_usr1(int s) { say('u'); }
static void on_cont(int s) { say('c'); }
static void on_tstp(int s) { say('t'); }
static void on_hup(int s) { say('h'); }
/* Which of SIGTSTP and SIGCONT are pending (both blocked in this worker). */
static void on_usr1_pending(int s)
{
    sigset_t p;
    sigpending(&p);
    say(sigismember(&p, SIGTSTP) ? 'T' : '-');
    say(sigismember(&p, SIGCONT) ? 'C' : '-');
}

/* One byte from `fd` within `ms` milliseconds, or '-'. */
static char next_byte(int fd, int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    char c;
    for (;;) {
        int n = poll(&p, 1, ms);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return '-';
        return read(fd, &c, 1) == 1 ? c : '-';
    }
}

enum { OWN_GROUP = 1, CONT_HANDLER = 2, TSTP_HANDLER = 4, HUP_HANDLER = 8, BLOCK_TSTP_CONT = 16 };
static pid_t worker(int flags)
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        if (flags & OWN_GROUP) setpgid(0, 0);
        signal(SIGUSR1, on_usr1);
        if (flags & CONT_HANDLER) signal(SIGCONT, on_cont);
        if (flags & TSTP_HANDLER) signal(SIGTSTP, on_tstp);
        if (flags & HUP_HANDLER) signal(SIGHUP, on_hup);
        if (flags & BLOCK_TSTP_CONT) {
            sigset_t b;
            sigemptyset(&b); sigaddset(&b, SIGTSTP); sigaddset(&b, SIGCONT);
            sigprocmask(SIG_BLOCK, &b, 0);
            signal(SIGUSR1, on_usr1_pending);
        }
        say('r');
        for (;;) pause();
    }
    if (flags & OWN_GROUP) setpgid(p, p);    /* both sides, as a shell does */
    if (next_byte(report[0], 5000) != 'r') puts("worker did not start");
    return p;
}

static volatile int records;
static int rec_code[16], rec_status[16], rec_pid[16];
static void on_chld(int s, siginfo_t *si, void *u)
{
    if (records < 16) { rec_code[records] = si->si_code; rec_status[records] = si->si_status; rec_pid[records] = si->si_pid; }
    records++;
}
static void print_records(const char *what, pid_t child)
{
    printf("  %s: SIGCHLD", what);
    if (!records) printf(" none");
    for (int i = 0; i < records && i < 16; i++)
        printf(" code=%d status=%d%s", rec_code[i], rec_status[i], rec_pid[i] == child ? "" : " (other pid)");
    printf("\n");
    records = 0;
}

static void wait_status(const char *what, pid_t child, int options)
{
    int st = 0;
    pid_t r = waitpid(child, &st, options);
    if (r != child) { printf("%s: waitpid=%d\n", what, r == 0 ? 0 : -1); return; }
    printf("%s: status=%#x", what, st);
    if (WIFSTOPPED(st)) printf(" stopped sig=%d", WSTOPSIG(st));
    if (WIFCONTINUED(st)) printf(" continued");
    if (WIFSIGNALED(st)) printf(" killed sig=%d", WTERMSIG(st));
    if (WIFEXITED(st)) printf(" exited %d", WEXITSTATUS(st));
    printf("\n");
}

static void signal_and_wait(pid_t child, int sig, const char *what, int options)
{
    kill(child, sig);
    wait_status(what, child, options);
}

/* The two bytes on_usr1_pending reports. */
static void show_pending(pid_t child, const char *what)
{
    kill(child, SIGUSR1);
    char a = next_byte(report[0], 5000), b = next_byte(report[0], 5000);
    printf("  %s: pending %c%c\n", what, a, b);
}

static void waitid_report(const char *what, pid_t child, int options)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int r = waitid(P_PID, child, &si, options);
    printf("%s: waitid=%d pid=%s code=%d status=%d\n", what, r, si.si_pid == child ? "child" : si.si_pid ? "other" : "0",
           si.si_code, si.si_status);
}

static int ticks[2];
static void *ticker(void *arg)
{
    char c = *(char *)arg;
    for (;;) { (void)!write(ticks[1], &c, 1); usleep(2000); }
    return 0;
}

static int session(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, 0);
    if (pipe(report) != 0) return 1;

    /* A job in its own process group of this session. */
    pid_t w = worker(OWN_GROUP | CONT_HANDLER);
    kill(w, SIGSTOP);
    wait_status("SIGSTOP", w, WUNTRACED);
    print_records("stopped", w);
    wait_status("again", w, WUNTRACED | WNOHANG);
    kill(w, SIGUSR1);
    printf("  USR1 while stopped: %c\n", next_byte(report[0], 200));
    kill(w, SIGCONT);
    wait_status("SIGCONT", w, WCONTINUED);
    char a = next_byte(report[0], 5000), b = next_byte(report[0], 5000);
    printf("  after SIGCONT: %c%c\n", a, b);
    print_records("continued", w);
    wait_status("again", w, WCONTINUED | WNOHANG);

    kill(w, SIGTSTP);
    waitid_report("SIGTSTP, WNOWAIT", w, WSTOPPED | WNOWAIT);
    waitid_report("still there", w, WSTOPPED);
    waitid_report("reported once", w, WSTOPPED | WNOHANG);
    print_records("stopped", w);
    kill(w, SIGCONT);
    waitid_report("SIGCONT", w, WCONTINUED);
    printf("  handler: %c\n", next_byte(report[0], 5000));
    print_records("continued", w);

    signal_and_wait(w, SIGTTIN, "SIGTTIN", WUNTRACED);
    signal_and_wait(w, SIGCONT, "SIGCONT", WCONTINUED);
    printf("  handler: %c\n", next_byte(report[0], 5000));
    signal_and_wait(w, SIGTTOU, "SIGTTOU", WUNTRACED);
    print_records("TTIN, CONT, TTOU", w);

    /* SA_NOCLDSTOP: no SIGCHLD for a stop or a continue; SIGKILL ends a stopped process. */
    sa.sa_flags |= SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, 0);
    signal_and_wait(w, SIGCONT, "SIGCONT, SA_NOCLDSTOP", WCONTINUED);
    printf("  handler: %c\n", next_byte(report[0], 5000));
    signal_and_wait(w, SIGSTOP, "SIGSTOP, SA_NOCLDSTOP", WUNTRACED);
    print_records("no stop or continue", w);
    signal_and_wait(w, SIGKILL, "SIGKILL", 0);
    print_records("killed", w);
    sa.sa_flags &= ~SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, 0);

    /* Sending SIGCONT throws away a pending stop signal, and a stop signal a pending
       SIGCONT (both blocked here, so they stay pending). */
    w = worker(OWN_GROUP | BLOCK_TSTP_CONT);
    kill(w, SIGTSTP);
    show_pending(w, "SIGTSTP");
    kill(w, SIGCONT);
    show_pending(w, "then SIGCONT");
    kill(w, SIGTSTP);
    show_pending(w, "then SIGTSTP");
    signal_and_wait(w, SIGKILL, "  SIGKILL", 0);
    print_records("killed", w);

    /* A handler for SIGTSTP: the process does not stop. */
    w = worker(OWN_GROUP | TSTP_HANDLER);
    kill(w, SIGTSTP);
    printf("SIGTSTP handled: %c\n", next_byte(report[0], 5000));
    wait_status("  not stopped", w, WUNTRACED | WNOHANG);
    kill(w, SIGKILL);
    wait_status("  SIGKILL", w, 0);
    print_records("killed", w);

    /* This session's own group is orphaned (its leader's parent is in another
       session): SIGTSTP, SIGTTIN and SIGTTOU do not stop a member, SIGSTOP does. */
    w = worker(0);
    kill(w, SIGTSTP); kill(w, SIGTTIN); kill(w, SIGTTOU);
    kill(w, SIGUSR1);
    printf("orphaned group, terminal stops ignored: %c\n", next_byte(report[0], 5000));
    wait_status("  not stopped", w, WUNTRACED | WNOHANG);
    kill(w, SIGSTOP);
    wait_status("  SIGSTOP", w, WUNTRACED);
    kill(w, SIGCONT);
    wait_status("  SIGCONT", w, WCONTINUED);
    kill(w, SIGUSR1);
    printf("  running: %c\n", next_byte(report[0], 5000));
    print_records("stop, continue", w);
    kill(w, SIGKILL);
    wait_status("  SIGKILL", w, 0);
    print_records("killed", w);

    /* A process whose exit orphans a group with a stopped member: the group gets
       SIGHUP and SIGCONT (the handlers run in the order their frames stack up). */
    int pids[2];
    if (pipe(pids) != 0) return 1;
    fflush(stdout);
    pid_t m = fork();
    if (m == 0) {
        pid_t j = worker(OWN_GROUP | CONT_HANDLER | HUP_HANDLER);
        kill(j, SIGSTOP);
        int st;
        waitpid(j, &st, WUNTRACED);
        (void)!write(pids[1], &j, sizeof j);
        _exit(0);
    }
    pid_t orphan = 0;
    (void)!read(pids[0], &orphan, sizeof orphan);
    wait_status("group orphaned by an exit", m, 0);
    a = next_byte(report[0], 5000); b = next_byte(report[0], 5000);
    printf("  stopped member got: %c%c\n", a, b);
    kill(orphan, SIGKILL);
    print_records("middle process", m);

    /* Every thread of a stopped process stops. */
    if (pipe(ticks) != 0) return 1;
    fflush(stdout);
    w = fork();
    if (w == 0) {
        static char ids[2] = { 'a', 'b' };
        pthread_t t;
        pthread_create(&t, 0, ticker, &ids[0]);
        pthread_create(&t, 0, ticker, &ids[1]);
        for (;;) pause();
    }
    int seen = 0;
    while (seen != 3) { char c = next_byte(ticks[0], 5000); if (c == '-') break; seen |= c == 'a' ? 1 : c == 'b' ? 2 : 0; }
    printf("threads: both running=%d\n", seen == 3);
    kill(w, SIGSTOP);
    wait_status("  SIGSTOP", w, WUNTRACED);
    while (next_byte(ticks[0], 0) != '-') {}
    usleep(100000);
    printf("  all stopped=%d\n", next_byte(ticks[0], 0) == '-');
    kill(w, SIGCONT);
    wait_status("  SIGCONT", w, WCONTINUED);
    seen = 0;
    while (seen != 3) { char c = next_byte(ticks[0], 5000); if (c == '-') break; seen |= c == 'a' ? 1 : c == 'b' ? 2 : 0; }
    printf("  both running again=%d\n", seen == 3);
    kill(w, SIGKILL);
    wait_status("  SIGKILL", w, 0);
    print_records("stop, continue, kill", w);
    return 0;
}

int main(void)
{
    /* The test runs in a session of its own, whatever started it. */
    fflush(stdout);
    pid_t s = fork();
    if (s == 0) {
        if (setsid() < 0) { puts("setsid failed"); _exit(1); }
        int r = session();
        fflush(stdout);
        _exit(r);
    }
    int st;
    waitpid(s, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}
