/* waits: the calls that sleep, and how they end — rt_sigtimedwait (a signal, a
   timeout), sigsuspend, pause + alarm, nanosleep cut short by a signal, futex and
   condition-variable timeouts, semaphores, a rwlock, and tgkill between threads.
   gcc -m32 -O1 -static -pthread -o waits waits.c */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int alarms, usr1_thread_ok;
static void on_alarm(int s) { (void)s; alarms++; }
static pid_t main_tid;
static void on_usr1(int s) { (void)s; usr1_thread_ok = syscall(SYS_gettid) != main_tid; }

static sigset_t usr2_set;
static volatile int sigwait_got;
static void *late_waiter(void *a)
{
    (void)a;
    usleep(20000);          /* the signal comes before sigwait: it waits in the shared set */
    int sig = 0;
    sigwait(&usr2_set, &sig);
    sigwait_got = sig;
    return 0;
}

static sem_t sem;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int shared;

static void *poster(void *a)
{
    (void)a;
    usleep(10000);
    pthread_rwlock_wrlock(&rw);
    shared = 42;
    pthread_rwlock_unlock(&rw);
    sem_post(&sem);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &s, 0);
    for (int i = 0; i < 200 && !usr1_thread_ok; i++) usleep(1000);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    main_tid = syscall(SYS_gettid);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, 0);

    /* rt_sigtimedwait: a blocked signal sent by a child, then a timeout. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, 0);
    pid_t c = fork();
    if (c == 0) { kill(getppid(), SIGUSR2); _exit(0); }
    siginfo_t si;
    int r = sigwaitinfo(&set, &si);
    printf("sigwaitinfo: %d from child=%d code=%d\n", r, si.si_pid == c, si.si_code);
    waitpid(c, 0, 0);
    struct timespec ts = { 0, 20000000 };
    errno = 0;
    r = sigtimedwait(&set, &si, &ts);
    printf("sigtimedwait with nothing pending: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : "?");

    /* pause until SIGALRM. */
    alarms = 0;
    alarm(1);
    r = pause();
    printf("pause: %d %s alarms=%d\n", r, errno == EINTR ? "EINTR" : "?", alarms);

    /* nanosleep cut short. */
    struct itimerval it = { {0, 0}, {0, 20000} };
    setitimer(ITIMER_REAL, &it, 0);
    struct timespec req = { 5, 0 }, rem = { 0, 0 };
    errno = 0;
    r = nanosleep(&req, &rem);
    printf("nanosleep: %d %s remaining>3s=%d\n", r, errno == EINTR ? "EINTR" : "?", rem.tv_sec >= 3);
    struct itimerval back;
    getitimer(ITIMER_REAL, &back);
    printf("timer disarmed: %d\n", back.it_value.tv_sec == 0 && back.it_value.tv_usec == 0);

    /* sigsuspend with SIGUSR2 pending but blocked until the suspend mask opens it. */
    sa.sa_handler = on_alarm;
    sigaction(SIGUSR2, &sa, 0);
    alarms = 0;
    raise(SIGUSR2);
    sigset_t empty;
    sigemptyset(&empty);
    r = sigsuspend(&empty);
    sigset_t now;
    sigprocmask(SIG_SETMASK, 0, &now);
    printf("sigsuspend: %d handler ran=%d mask restored=%d\n", r, alarms, sigismember(&now, SIGUSR2));

    /* Futex and condition-variable timeouts. */
    int word = 1;
    struct timespec short_ts = { 0, 10000000 };
    errno = 0;
    r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, &short_ts, 0, 0);
    printf("futex wait timeout: %d %s\n", r, errno == ETIMEDOUT ? "ETIMEDOUT" : "?");
    errno = 0;
    r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 2, &short_ts, 0, 0);
    printf("futex wait on a changed word: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : "?");
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
    struct timespec abs;
    clock_gettime(CLOCK_REALTIME, &abs);
    abs.tv_nsec += 20000000;
    if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    pthread_mutex_lock(&m);
    r = pthread_cond_timedwait(&cv, &m, &abs);
    pthread_mutex_unlock(&m);
    printf("cond timedwait: %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : "?");

    /* A semaphore and a rwlock between threads; tgkill to the other thread. */
    sem_init(&sem, 0, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, 0);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, 0);
    pthread_t t;
    pthread_create(&t, 0, poster, 0);
    sem_wait(&sem);
    pthread_rwlock_rdlock(&rw);
    printf("sem_wait then rdlock: shared=%d\n", shared);
    pthread_rwlock_unlock(&rw);
    kill(getpid(), SIGUSR1);          /* blocked here: the other thread takes it */
    pthread_join(t, 0);
    printf("process signal went to the thread that did not block it: %d\n", usr1_thread_ok);
    clock_gettime(CLOCK_REALTIME, &abs);
    abs.tv_nsec += 10000000;
    if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    errno = 0;
    r = sem_timedwait(&sem, &abs);
    printf("sem_timedwait: %d %s\n", r, errno == ETIMEDOUT ? "ETIMEDOUT" : "?");

    /* A process signal every thread blocks stays shared until a thread's sigwait takes it. */
    sigemptyset(&usr2_set);
    sigaddset(&usr2_set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &usr2_set, 0);
    pthread_create(&t, 0, late_waiter, 0);
    kill(getpid(), SIGUSR2);
    pthread_join(t, 0);
    sigset_t pend;
    sigpending(&pend);
    printf("sigwait in another thread got %d, still pending %d\n", sigwait_got, sigismember(&pend, SIGUSR2));
    return 0;
}
