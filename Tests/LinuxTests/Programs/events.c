/* events: epoll over a pipe, an eventfd and a socketpair together (level- and
   edge-triggered, oneshot, EPOLLRDHUP, nested epoll, timeouts, epoll_pwait's mask,
   waits woken by a thread and by a child), eventfd (counter and semaphore modes,
   overflow, blocking reads and writes across a thread and a fork), POSIX timers
   delivering signals with si_value/si_timerid/si_overrun (SIGEV_SIGNAL, SIGEV_NONE,
   SIGEV_THREAD_ID, glibc's SIGEV_THREAD, TIMER_ABSTIME, intervals), and the
   ITIMER_VIRTUAL and ITIMER_PROF interval timers. The output is the same on every run.
   gcc -m32 -march=i686 -O2 -static -pthread -o events events.c */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(what, expr) do { if (!(expr)) { printf("FAIL %s: %s (errno %s)\n", what, #expr, strerrorname_np(errno)); exit(1); } } while (0)

static const char *err(int r) { return r < 0 ? strerrorname_np(errno) : "ok"; }

static int64_t now_ms(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&t, &t) < 0 && errno == EINTR) {}
}

/* epoll_wait, then the events sorted by their data, one line. */
static void show(const char *label, int ep, int timeout)
{
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, 8, timeout);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (ev[j].data.u64 < ev[i].data.u64) { struct epoll_event t = ev[i]; ev[i] = ev[j]; ev[j] = t; }
    printf("%s: %d", label, n);
    if (n < 0) printf(" %s", strerrorname_np(errno));
    for (int i = 0; i < n; i++) printf(" [%llx %x]", (unsigned long long)ev[i].data.u64, ev[i].events);
    printf("\n");
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event e = { .events = events, .data.u64 = data };
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static int mod(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event e = { .events = events, .data.u64 = data };
    return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

static void drain(int fd)
{
    char buf[256];
    while (read(fd, buf, sizeof buf) > 0) {}
}

/* MARK: epoll */

static int late_fd;
static void *late_writer(void *a)
{
    (void)a;
    sleep_ms(30);
    write(late_fd, "t", 1);
    return 0;
}

static volatile int usr1_seen;
static void on_usr1(int s) { (void)s; usr1_seen++; }

/* A child that sends SIGUSR1 to this process 30 ms from now. */
static pid_t usr1_later(void)
{
    pid_t c = fork();
    if (c == 0) {
        sleep_ms(30);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    return c;
}

static void epoll_basics(void)
{
    printf("epoll_create(0): %s\n", err(epoll_create(0)));
    printf("epoll_create1(1): %s\n", err(epoll_create1(1)));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK("epoll_create1", ep >= 0);
    printf("EPOLL_CLOEXEC sets FD_CLOEXEC: %d\n", fcntl(ep, F_GETFD) & FD_CLOEXEC);
    int ep0 = epoll_create(1);
    printf("epoll_create: FD_CLOEXEC %d\n", fcntl(ep0, F_GETFD) & FD_CLOEXEC);
    close(ep0);

    int p[2], s[2];
    CHECK("pipe", pipe2(p, O_NONBLOCK) == 0);
    int e = eventfd(0, EFD_NONBLOCK);
    CHECK("eventfd", e >= 0);
    CHECK("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
    CHECK("add pipe", add(ep, p[0], EPOLLIN, 0x1111222233330001ULL) == 0);
    CHECK("add eventfd", add(ep, e, EPOLLIN, 2) == 0);
    CHECK("add socket", add(ep, s[0], EPOLLIN | EPOLLRDHUP, 3) == 0);
    CHECK("add socket out", add(ep, s[1], EPOLLOUT, 4) == 0);
    show("only the socket is writable", ep, 0);
    write(p[1], "abc", 3);
    eventfd_write(e, 5);
    write(s[1], "xy", 2);
    show("all four", ep, 0);
    show("level-triggered: again", ep, 0);

    printf("add twice: %s\n", err(add(ep, e, EPOLLIN, 9)));
    printf("mod unknown: %s\n", err(mod(ep, p[1], EPOLLOUT, 9)));
    printf("del unknown: %s\n", err(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL)));
    printf("add itself: %s\n", err(add(ep, ep, EPOLLIN, 9)));
    int reg = open("/proc/self/exe", O_RDONLY);
    printf("add a regular file: %s\n", err(add(ep, reg, EPOLLIN, 9)));
    close(reg);
    printf("bad op: %s\n", err(epoll_ctl(ep, 7, p[0], &(struct epoll_event){ 0 })));
    printf("bad fd: %s\n", err(add(ep, 999, EPOLLIN, 9)));
    printf("bad epfd: %s\n", err(add(999, p[0], EPOLLIN, 9)));
    printf("not an epoll: %s\n", err(add(p[0], e, EPOLLIN, 9)));
    printf("bad event pointer: %s\n", err(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], (struct epoll_event *)16)));
    struct epoll_event one;
    printf("maxevents 0: %s\n", err(epoll_wait(ep, &one, 0, 0)));
    printf("wait on a pipe: %s\n", err(epoll_wait(p[0], &one, 1, 0)));
    struct epoll_event *volatile nowhere = (struct epoll_event *)16;
    printf("events at a bad address: %s\n", err(epoll_wait(ep, nowhere, 4, 0)));

    /* The socket's peer stops writing: EPOLLRDHUP. */
    shutdown(s[1], SHUT_WR);
    drain(p[0]);
    eventfd_t v;
    eventfd_read(e, &v);
    printf("eventfd read %llu\n", (unsigned long long)v);
    show("peer shut down", ep, 0);
    drain(s[0]);
    CHECK("del", epoll_ctl(ep, EPOLL_CTL_DEL, s[1], NULL) == 0);
    show("drained, out removed", ep, 0);
    CHECK("mod", mod(ep, s[0], EPOLLIN, 3) == 0);
    show("without EPOLLRDHUP", ep, 0);
    close(s[0]);
    show("a closed descriptor leaves the set", ep, 0);

    /* Timeouts. */
    CHECK("del socket peer", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0);
    int64_t t0 = now_ms(CLOCK_MONOTONIC);
    int n = epoll_wait(ep, &one, 1, 60);
    int64_t took = now_ms(CLOCK_MONOTONIC) - t0;
    printf("timeout: %d after >=55ms: %d\n", n, took >= 55);
    struct { int64_t sec, nsec; } ts = { 0, 40 * 1000000 };      /* __kernel_timespec */
    t0 = now_ms(CLOCK_MONOTONIC);
    n = syscall(441, ep, &one, 1, &ts, NULL, 8);   /* epoll_pwait2 */
    took = now_ms(CLOCK_MONOTONIC) - t0;
    printf("epoll_pwait2 timeout: %d after >=35ms: %d\n", n, took >= 35);

    /* A thread's write wakes a wait with no timeout. */
    int q[2];
    pipe2(q, O_NONBLOCK);
    late_fd = q[1];
    CHECK("add q", add(ep, q[0], EPOLLIN, 5) == 0);
    pthread_t th;
    pthread_create(&th, 0, late_writer, 0);
    show("woken by a thread", ep, -1);
    pthread_join(th, 0);
    drain(q[0]);
    close(q[0]);
    close(q[1]);

    /* A child's eventfd write wakes the parent. */
    eventfd_write(e, 0);
    pid_t c = fork();
    if (c == 0) {
        sleep_ms(30);
        eventfd_write(e, 40);
        _exit(0);
    }
    show("woken by a child", ep, 5000);
    waitpid(c, 0, 0);
    eventfd_read(e, &v);

    /* epoll_pwait: SIGUSR1 is blocked but the call's mask lets it in; the mask is
       back afterwards, and epoll_wait is never restarted (EINTR even with SA_RESTART). */
    struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
    sigaction(SIGUSR1, &sa, 0);
    sigset_t usr1, none, cur;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &usr1, 0);
    c = usr1_later();
    n = epoll_pwait(ep, &one, 1, 5000, &none);
    printf("epoll_pwait: %d %s handler %d\n", n, strerrorname_np(errno), usr1_seen);
    sigprocmask(SIG_BLOCK, 0, &cur);
    printf("mask back: %d\n", sigismember(&cur, SIGUSR1));
    waitpid(c, 0, 0);
    printf("epoll_pwait bad sigsetsize: %s\n", err(syscall(SYS_epoll_pwait, ep, &one, 1, 0, &none, 4)));
    /* ppoll and pselect take their masks the same way; an epoll descriptor is pollable. */
    c = usr1_later();
    struct pollfd pf = { ep, POLLIN, 0 };
    n = ppoll(&pf, 1, &(struct timespec){ 5, 0 }, &none);
    printf("ppoll: %d %s handler %d\n", n, strerrorname_np(errno), usr1_seen);
    waitpid(c, 0, 0);
    c = usr1_later();
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(ep, &readable);
    n = pselect(ep + 1, &readable, 0, 0, &(struct timespec){ 5, 0 }, &none);
    printf("pselect: %d %s handler %d\n", n, strerrorname_np(errno), usr1_seen);
    waitpid(c, 0, 0);
    sigprocmask(SIG_BLOCK, 0, &cur);
    printf("mask back: %d\n", sigismember(&cur, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &usr1, 0);
    c = usr1_later();
    n = epoll_wait(ep, &one, 1, 5000);
    printf("epoll_wait with SA_RESTART: %d %s handler %d\n", n, strerrorname_np(errno), usr1_seen);
    waitpid(c, 0, 0);
    close(ep);
    close(e);
    close(p[0]);
    close(p[1]);
    close(s[1]);
}

static void epoll_edges(void)
{
    int ep = epoll_create1(0);
    int p[2];
    pipe2(p, O_NONBLOCK);
    CHECK("add et", add(ep, p[0], EPOLLIN | EPOLLET, 1) == 0);
    show("ET empty", ep, 0);
    write(p[1], "a", 1);
    show("ET first write", ep, 0);
    show("ET nothing new", ep, 0);
    write(p[1], "b", 1);
    show("ET second write", ep, 0);
    char c;
    read(p[0], &c, 1);
    show("ET after a partial read", ep, 0);
    drain(p[0]);

    /* Oneshot: one report, then nothing until EPOLL_CTL_MOD re-arms it. */
    CHECK("mod oneshot", mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 2) == 0);
    write(p[1], "c", 1);
    show("oneshot", ep, 0);
    write(p[1], "d", 1);
    show("oneshot disarmed", ep, 0);
    CHECK("rearm", mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 3) == 0);
    show("oneshot re-armed", ep, 0);
    drain(p[0]);

    /* An item is (file, fd): a dup is a second item, and an item stays while its
       file is open, even after its own descriptor is closed. */
    int d = dup(p[0]);
    CHECK("add dup", add(ep, d, EPOLLIN, 9) == 0);
    CHECK("mod", mod(ep, p[0], EPOLLIN, 8) == 0);
    write(p[1], "e", 1);
    show("a descriptor and its dup", ep, 0);
    int keep = dup(p[0]);
    close(p[0]);
    show("first one closed, the file still open", ep, 0);
    printf("del the closed one: %s\n", err(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL)));
    CHECK("del dup", epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL) == 0);
    show("dup removed", ep, 0);
    close(d);
    show("still open through a third", ep, 0);
    p[0] = keep;
    drain(p[0]);
    CHECK("add again", add(ep, p[0], EPOLLIN, 4) == 0);

    /* The writer closes: EPOLLHUP with no data. */
    close(p[1]);
    show("writer gone", ep, 0);

    /* An epoll descriptor is pollable, and nests. */
    int inner = epoll_create1(0);
    int e = eventfd(0, EFD_NONBLOCK);
    add(inner, e, EPOLLIN, 6);
    CHECK("nest", add(ep, inner, EPOLLIN, 7) == 0);
    epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);
    struct pollfd pf = { inner, POLLIN, 0 };
    int r = poll(&pf, 1, 0);
    printf("poll on an idle epoll: %d %x\n", r, pf.revents);
    show("outer idle", ep, 0);
    eventfd_write(e, 1);
    r = poll(&pf, 1, 0);
    printf("poll on a ready epoll: %d %x\n", r, pf.revents);
    show("outer sees the inner one", ep, 0);
    show("inner", inner, 0);
    printf("a loop: %s\n", err(add(inner, ep, EPOLLIN, 8)));
    close(e);
    close(inner);
    close(p[0]);
    close(ep);
}

/* MARK: eventfd */

static int shared_efd;
static void *efd_writer(void *a)
{
    (void)a;
    sleep_ms(30);
    eventfd_write(shared_efd, 7);
    return 0;
}

static void eventfds(void)
{
    uint64_t v;
    int e = eventfd(3, 0);
    ssize_t r = read(e, &v, 8);
    printf("eventfd(3) read: %zd %llu\n", r, (unsigned long long)v);
    printf("short read: %s\n", err(read(e, &v, 4)));
    v = 1;
    printf("short write: %s\n", err(write(e, &v, 4)));
    v = ~0ULL;
    printf("write all-ones: %s\n", err(write(e, &v, 8)));
    v = 2;
    write(e, &v, 8);
    uint64_t big[2];
    r = read(e, big, 16);
    printf("long read: %zd %llu\n", r, (unsigned long long)big[0]);
    close(e);
    printf("bad flags: %s\n", err(eventfd(0, 2)));
    e = eventfd(0, EFD_CLOEXEC);
    printf("EFD_CLOEXEC: %d\n", fcntl(e, F_GETFD) & FD_CLOEXEC);
    char link[64] = { 0 }, path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", e);
    readlink(path, link, sizeof link - 1);
    printf("%s\n", link);
    close(e);

    /* Semaphore mode: each read takes one. */
    e = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    for (int i = 0; i < 4; i++) {
        r = read(e, &v, 8);
        printf("semaphore read %d: %zd %s %llu\n", i, r, err(r), r > 0 ? (unsigned long long)v : 0ULL);
    }
    close(e);

    /* The counter's ceiling is 0xfffffffffffffffe. */
    e = eventfd(0, EFD_NONBLOCK);
    v = 0xfffffffffffffffeULL;
    printf("fill: %zd\n", write(e, &v, 8));
    v = 1;
    printf("overflow: %s\n", err(write(e, &v, 8)));
    struct pollfd pf = { e, POLLIN | POLLOUT, 0 };
    r = poll(&pf, 1, 0);
    printf("poll full: %zd %x\n", r, pf.revents);
    read(e, &v, 8);
    pf.revents = 0;
    r = poll(&pf, 1, 0);
    printf("poll empty: %zd %x\n", r, pf.revents);
    printf("read empty: %s\n", err(read(e, &v, 8)));
    close(e);

    /* A blocking read sleeps until a thread writes. */
    shared_efd = eventfd(0, 0);
    pthread_t th;
    pthread_create(&th, 0, efd_writer, 0);
    r = read(shared_efd, &v, 8);
    printf("blocking read: %zd %llu\n", r, (unsigned long long)v);
    pthread_join(th, 0);

    /* A blocking write sleeps while the counter is full, until the parent reads. */
    v = 0xfffffffffffffffeULL;
    write(shared_efd, &v, 8);
    pid_t c = fork();
    if (c == 0) {
        uint64_t one = 5;
        _exit(write(shared_efd, &one, 8));
    }
    sleep_ms(40);
    read(shared_efd, &v, 8);
    int st = 0;
    waitpid(c, &st, 0);
    printf("parent read %llx, the child's blocked write returned %d\n", (unsigned long long)v, WEXITSTATUS(st));
    read(shared_efd, &v, 8);
    printf("then %llu\n", (unsigned long long)v);
    close(shared_efd);
}

/* MARK: POSIX timers */

static volatile int timer_hits, timer_code, timer_value, timer_id_ok, timer_overrun;
static timer_t handled_timer;
static void on_timer(int s, siginfo_t *si, void *uc)
{
    (void)s; (void)uc;
    timer_hits++;
    timer_code = si->si_code;
    timer_value = si->si_value.sival_int;
    timer_id_ok = si->si_timerid == (int)(intptr_t)handled_timer;
    timer_overrun = si->si_overrun;
}

static struct itimerspec spec(long value_ms, long interval_ms)
{
    struct itimerspec s = { { interval_ms / 1000, (interval_ms % 1000) * 1000000L },
                            { value_ms / 1000, (value_ms % 1000) * 1000000L } };
    return s;
}

static pid_t target_tid;
static volatile int thread_got, thread_value;
static void *timer_target(void *a)
{
    (void)a;
    target_tid = syscall(SYS_gettid);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN + 1);
    siginfo_t si;
    int sig = sigwaitinfo(&set, &si);
    thread_got = sig == SIGRTMIN + 1 && si.si_code == SI_TIMER && syscall(SYS_gettid) == target_tid;
    thread_value = si.si_value.sival_int;
    return 0;
}

static volatile int callback_value;
static void on_expiry(union sigval v) { callback_value = v.sival_int; }

static void posix_timers(void)
{
    struct sigaction sa = { .sa_sigaction = on_timer, .sa_flags = SA_SIGINFO };
    sigaction(SIGUSR2, &sa, 0);
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2, .sigev_value.sival_int = 42 };
    CHECK("timer_create", timer_create(CLOCK_MONOTONIC, &ev, &handled_timer) == 0);
    struct itimerspec its = spec(20, 0), old;
    CHECK("settime", timer_settime(handled_timer, 0, &its, 0) == 0);
    while (!timer_hits) pause();
    printf("one-shot: hits %d code %d value %d id %d overrun %d\n", timer_hits, timer_code, timer_value,
           timer_id_ok, timer_overrun);
    timer_gettime(handled_timer, &old);
    printf("expired: %ld %ld\n", old.it_value.tv_sec, old.it_value.tv_nsec);

    /* Periodic, taken with sigwaitinfo while blocked. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, 0);
    its = spec(10, 10);
    timer_settime(handled_timer, 0, &its, 0);
    int codes = 0, values = 0, ids = 0;
    for (int i = 0; i < 5; i++) {
        siginfo_t si;
        if (sigwaitinfo(&set, &si) != SIGUSR2) break;
        codes += si.si_code == SI_TIMER;
        values += si.si_value.sival_int == 42;
        ids += si.si_timerid == (int)(intptr_t)handled_timer;
    }
    printf("periodic: 5 signals, codes %d values %d ids %d\n", codes, values, ids);

    /* Overruns: expiries while the signal is pending are counted, not queued. */
    its = spec(5, 5);
    timer_settime(handled_timer, 0, &its, 0);
    sleep_ms(80);
    siginfo_t si;
    sigwaitinfo(&set, &si);
    int over = timer_getoverrun(handled_timer);
    printf("overrun: si_overrun>=5 %d getoverrun matches %d\n", si.si_overrun >= 5, over == si.si_overrun);
    its = spec(0, 0);
    timer_settime(handled_timer, 0, &its, &old);
    printf("disarm returns the old interval: %ld ms, value>0 %d\n", old.it_interval.tv_nsec / 1000000,
           old.it_value.tv_sec > 0 || old.it_value.tv_nsec > 0);
    while (sigtimedwait(&set, &si, &(struct timespec){ 0, 0 }) > 0) {}
    timer_gettime(handled_timer, &old);
    printf("disarmed: %ld %ld %ld %ld\n", old.it_value.tv_sec, old.it_value.tv_nsec, old.it_interval.tv_sec,
           old.it_interval.tv_nsec);

    /* Absolute time on CLOCK_REALTIME. */
    timer_t rt;
    CHECK("realtime", timer_create(CLOCK_REALTIME, &ev, &rt) == 0);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    its = spec(0, 0);
    its.it_value = now;
    its.it_value.tv_nsec += 40 * 1000000L;
    if (its.it_value.tv_nsec >= 1000000000L) { its.it_value.tv_sec++; its.it_value.tv_nsec -= 1000000000L; }
    int64_t t0 = now_ms(CLOCK_REALTIME);
    timer_settime(rt, TIMER_ABSTIME, &its, 0);
    int sig = sigwaitinfo(&set, &si);
    printf("absolute: %d after >=35ms %d value %d\n", sig == SIGUSR2, now_ms(CLOCK_REALTIME) - t0 >= 35,
           si.si_value.sival_int);
    its.it_value.tv_sec -= 10;
    timer_settime(rt, TIMER_ABSTIME, &its, 0);
    printf("absolute in the past fires at once: %d\n", sigwaitinfo(&set, &si) == SIGUSR2);
    timer_delete(rt);

    /* timer_gettime counts down; settime hands back the old setting. */
    its = spec(2000, 500);
    timer_settime(handled_timer, 0, &its, 0);
    timer_gettime(handled_timer, &old);
    printf("gettime: value in (1.5s, 2s] %d interval %ld ms\n",
           old.it_value.tv_sec == 1 && old.it_value.tv_nsec > 500000000L, old.it_interval.tv_nsec / 1000000);
    its = spec(0, 0);
    timer_settime(handled_timer, 0, &its, &old);
    printf("old: value>1.5s %d\n", old.it_value.tv_sec == 1 && old.it_value.tv_nsec > 500000000L);

    /* SIGEV_NONE: nothing is sent, but the timer runs. */
    timer_t quiet;
    struct sigevent none = { .sigev_notify = SIGEV_NONE };
    CHECK("sigev_none", timer_create(CLOCK_MONOTONIC, &none, &quiet) == 0);
    its = spec(30, 0);
    timer_settime(quiet, 0, &its, 0);
    timer_gettime(quiet, &old);
    printf("SIGEV_NONE running: %d\n", old.it_value.tv_nsec > 0);
    sleep_ms(50);
    timer_gettime(quiet, &old);
    printf("SIGEV_NONE expired: %ld %ld\n", old.it_value.tv_sec, old.it_value.tv_nsec);
    timer_delete(quiet);

    /* The kernel's default sigevent (glibc always passes its own): SIGALRM carrying
       the timer's id. Ids count up per process and are not reused at once. */
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, 0);
    int plain = -1;
    CHECK("default", syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &plain) == 0);
    printf("next id: %d\n", plain - (int)(intptr_t)rt);
    its = spec(10, 0);
    timer_settime((timer_t)(intptr_t)plain, 0, &its, 0);
    sig = sigwaitinfo(&alrm, &si);
    printf("default: SIGALRM %d value is the id %d code %d\n", sig == SIGALRM, si.si_value.sival_int == plain,
           si.si_code);
    timer_delete((timer_t)(intptr_t)plain);

    /* SIGEV_THREAD_ID: to one thread. */
    sigset_t rtset;
    sigemptyset(&rtset);
    sigaddset(&rtset, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &rtset, 0);
    pthread_t th;
    pthread_create(&th, 0, timer_target, 0);
    while (!target_tid) sleep_ms(1);
    struct sigevent tev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGRTMIN + 1,
                            .sigev_value.sival_int = 77 };
    tev._sigev_un._tid = target_tid;
    timer_t tt;
    CHECK("thread id", timer_create(CLOCK_MONOTONIC, &tev, &tt) == 0);
    its = spec(20, 0);
    timer_settime(tt, 0, &its, 0);
    pthread_join(th, 0);
    printf("SIGEV_THREAD_ID: thread got it %d value %d\n", thread_got, thread_value);
    timer_delete(tt);
    tev._sigev_un._tid = 999999;
    printf("SIGEV_THREAD_ID to a stranger: %s\n", err(timer_create(CLOCK_MONOTONIC, &tev, &tt)));

    /* glibc's SIGEV_THREAD: a helper thread runs the function. */
    struct sigevent cb = { .sigev_notify = SIGEV_THREAD, .sigev_notify_function = on_expiry,
                           .sigev_value.sival_int = 99 };
    timer_t ct;
    CHECK("sigev_thread", timer_create(CLOCK_MONOTONIC, &cb, &ct) == 0);
    its = spec(20, 0);
    timer_settime(ct, 0, &its, 0);
    for (int i = 0; i < 2000 && !callback_value; i++) sleep_ms(1);
    printf("SIGEV_THREAD: callback got %d\n", callback_value);
    timer_delete(ct);

    /* Errors. */
    timer_t bad;
    printf("bad clock: %s\n", err(timer_create(99, &ev, &bad)));
    struct sigevent zero = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = 0 };
    printf("signal 0: %s\n", err(timer_create(CLOCK_MONOTONIC, &zero, &bad)));
    struct sigevent odd = { .sigev_notify = 7, .sigev_signo = SIGUSR2 };
    printf("bad notify: %s\n", err(timer_create(CLOCK_MONOTONIC, &odd, &bad)));
    its = spec(10, 0);
    its.it_value.tv_nsec = 1000000000L;
    printf("bad nsec: %s\n", err(timer_settime(handled_timer, 0, &its, 0)));
    printf("NULL setting: %s\n", err(syscall(SYS_timer_settime, handled_timer, 0, NULL, NULL)));
    CHECK("delete", timer_delete(handled_timer) == 0);
    its = spec(10, 0);
    printf("settime after delete: %s\n", err(timer_settime(handled_timer, 0, &its, 0)));
    printf("delete twice: %s\n", err(timer_delete(handled_timer)));
    printf("getoverrun after delete: %s\n", err(timer_getoverrun(handled_timer)));
    sigprocmask(SIG_UNBLOCK, &set, 0);
}

/* MARK: ITIMER_VIRTUAL, ITIMER_PROF */

static volatile int vt, prof;
static void on_vt(int s) { (void)s; vt++; }
static void on_prof(int s) { (void)s; prof++; }

static void cpu_timers(void)
{
    signal(SIGVTALRM, on_vt);
    signal(SIGPROF, on_prof);
    struct itimerval it = { { 0, 10000 }, { 0, 10000 } }, cur;
    CHECK("virtual", setitimer(ITIMER_VIRTUAL, &it, 0) == 0);
    CHECK("prof", setitimer(ITIMER_PROF, &it, 0) == 0);
    getitimer(ITIMER_VIRTUAL, &cur);
    printf("getitimer virtual: interval %ld us, running %d\n", (long)cur.it_interval.tv_usec,
           cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0);
    volatile unsigned spin = 0;
    while (vt < 3 || prof < 3) spin++;
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_VIRTUAL, &off, &cur);
    printf("old virtual interval %ld us\n", (long)cur.it_interval.tv_usec);
    setitimer(ITIMER_PROF, &off, 0);
    printf("virtual and prof: %d %d\n", vt >= 3, prof >= 3);
    getitimer(ITIMER_PROF, &cur);
    printf("prof off: %ld %ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
    printf("bad which: %s\n", err(setitimer(5, &it, 0)));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, 0);     /* whatever the parent blocked */
    syscall(SYS_close_range, 3, ~0U, 0);    /* and whatever it left open: descriptors count from 3 */
    epoll_basics();
    epoll_edges();
    eventfds();
    posix_timers();
    cpu_timers();
    printf("done\n");
    return 0;
}
