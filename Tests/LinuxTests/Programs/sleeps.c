/* sleeps: nanosleep, clock_nanosleep and a timed FUTEX_WAIT interrupted by signals. A
   handler makes them fail with EINTR (and the time left, for relative sleeps); a stop
   and continue, which runs no handler, restarts them — a relative sleep or futex wait
   through restart_syscall to the same expiry, an absolute sleep as it was — so they wait
   their whole time; restart_syscall with nothing to restart fails with EINTR. Compared
   with a native run.
   gcc -m32 -march=i686 -O2 -static -o sleeps sleeps.c */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/futex.h>
#include <time.h>
#include <unistd.h>

static volatile int alarms;
static void on_alarm(int s) { alarms++; }

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static void arm(int ms)
{
    struct itimerval it = { {0, 0}, {0, ms * 1000} };
    setitimer(ITIMER_REAL, &it, 0);
}

/* rem after a 300 ms sleep cut short (at about 50 ms): written, and less than asked. */
static int rem_ok(struct timespec r) { return r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec < 300000000; }

static void interrupted_by_handler(int flags, const char *name)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, 0);
    struct timespec req = { 0, 300000000 }, rem = { 9, 9 };

    alarms = 0; arm(50); errno = 0;
    int r = nanosleep(&req, &rem);
    printf("%s: nanosleep=%d errno=%s rem_ok=%d alarms=%d\n", name, r, errno == EINTR ? "EINTR" : "other", rem_ok(rem), alarms);

    rem = (struct timespec){ 9, 9 }; alarms = 0; arm(50);
    r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
    printf("%s: clock_nanosleep=%s rem_ok=%d alarms=%d\n", name, r == EINTR ? "EINTR" : r ? "other" : "0", rem_ok(rem), alarms);

    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += 300000000;
    if (until.tv_nsec >= 1000000000) { until.tv_nsec -= 1000000000; until.tv_sec++; }
    rem = (struct timespec){ 9, 9 }; alarms = 0; arm(50);
    long long t0 = now_ms();
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, &rem);
    printf("%s: absolute clock_nanosleep=%s early=%d rem untouched=%d alarms=%d\n", name,
           r == EINTR ? "EINTR" : r ? "other" : "0", now_ms() - t0 < 250, rem.tv_sec == 9 && rem.tv_nsec == 9, alarms);

    static int word;
    alarms = 0; arm(50); errno = 0;
    t0 = now_ms();
    r = syscall(SYS_futex, &word, FUTEX_WAIT, 0, &req, 0, 0);
    printf("%s: futex wait=%d errno=%s early=%d alarms=%d\n", name, r, errno == EINTR ? "EINTR" : "other",
           now_ms() - t0 < 250, alarms);
}

/* A child sleeps 300 ms; its parent stops it at about 50 ms and continues it 100 ms
   later. No handler runs, so the sleep goes on: it returns 0 after its full time. */
enum { RELATIVE, ABSOLUTE, FUTEX };
static void stopped_and_continued(int kind)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        struct timespec req = { 0, 300000000 }, rem = { 9, 9 };
        long long t0 = now_ms();
        int r;
        if (kind == FUTEX) {
            static int word;
            errno = 0;
            r = syscall(SYS_futex, &word, FUTEX_WAIT, 0, &req, 0, 0);
            printf("futex wait across a stop: %d errno=%s full=%d\n", r, errno == ETIMEDOUT ? "ETIMEDOUT" : "other",
                   now_ms() - t0 >= 295);
        } else if (kind == ABSOLUTE) {
            struct timespec until;
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_nsec += 300000000;
            if (until.tv_nsec >= 1000000000) { until.tv_nsec -= 1000000000; until.tv_sec++; }
            r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, &rem);
            printf("absolute sleep across a stop: %d full=%d rem untouched=%d\n", r, now_ms() - t0 >= 295,
                   rem.tv_sec == 9 && rem.tv_nsec == 9);
        } else {
            /* The raw call: glibc's nanosleep passes the kernel a buffer of its own. */
            r = syscall(SYS_nanosleep, &req, &rem);
            /* The time left was written when the stop interrupted the sleep. */
            printf("sleep across a stop: %d full=%d rem written at the stop=%d\n", r, now_ms() - t0 >= 295, rem_ok(rem));
        }
        fflush(stdout);
        _exit(0);
    }
    usleep(50000);
    kill(c, SIGSTOP);
    int st;
    waitpid(c, &st, WUNTRACED);
    usleep(100000);
    kill(c, SIGCONT);
    waitpid(c, &st, 0);
    if (!WIFEXITED(st)) printf("child status %#x\n", st);
}

int main(void)
{
    interrupted_by_handler(SA_RESTART, "SA_RESTART");
    interrupted_by_handler(0, "no SA_RESTART");
    stopped_and_continued(RELATIVE);
    stopped_and_continued(ABSOLUTE);
    stopped_and_continued(FUTEX);
    errno = 0;
    long r = syscall(SYS_restart_syscall);
    printf("restart_syscall with nothing to restart: %ld errno=%s\n", r, errno == EINTR ? "EINTR" : "other");
    return 0;
}
