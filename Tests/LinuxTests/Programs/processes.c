/* processes: fork, wait4/waitpid/waitid status encoding and rusage, SIGCHLD, pipes
   and dup2 across fork, execve of itself (close-on-exec), a #! script, vfork,
   process groups and sessions, reparenting of an orphan, EPIPE and SIGPIPE,
   non-blocking pipes, poll and select. Compared with a native run.
   gcc -m32 -O1 -static -o processes processes.c */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static volatile int sigchld_count, sigpipe_count;
static void on_chld(int s) { (void)s; sigchld_count++; }
static void on_pipe(int s) { (void)s; sigpipe_count++; }

static int exec_mode(int argc, char **argv)
{
    if (strcmp(argv[1], "exec-child") == 0) {
        int fd = atoi(argv[2]);
        int closed = fcntl(fd, F_GETFD) < 0 && errno == EBADF;
        int kept = fcntl(atoi(argv[3]), F_GETFD) >= 0;
        printf("exec'd: argc=%d cloexec closed=%d inherited kept=%d ppid matches=%d\n", argc, closed, kept,
               getppid() == atoi(argv[4]));
        return 5;
    }
    if (strcmp(argv[1], "script-arg") == 0) {
        const char *base = strrchr(argv[2], '/');
        base = base ? base + 1 : argv[2];
        printf("interpreter got: %s %s %s\n", argv[1], strncmp(base, "gate-processes-", 15) == 0 ? "the script" : base,
               argc > 3 ? argv[3] : "-");
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 1) return exec_mode(argc, argv);
    setvbuf(stdout, NULL, _IONBF, 0);
    pid_t me = getpid();
    int st;

    /* Exit status and rusage through wait4. */
    pid_t c = fork();
    if (c == 0) { volatile double x = 1; for (int i = 0; i < 100000; i++) x *= 1.0000001; _exit(7); }
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    pid_t w = wait4(c, &st, 0, &ru);
    printf("wait4: same pid=%d exited=%d code=%d rusage sane=%d\n", w == c, WIFEXITED(st), WEXITSTATUS(st),
           ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);

    /* Killed by a signal. */
    c = fork();
    if (c == 0) { raise(SIGUSR1); _exit(0); }
    waitpid(c, &st, 0);
    printf("signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));

    /* waitid with WNOWAIT leaves the zombie for waitpid. */
    c = fork();
    if (c == 0) _exit(42);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    waitid(P_PID, c, &si, WEXITED | WNOWAIT);
    printf("waitid: signo=%d code=%d status=%d pid ok=%d\n", si.si_signo, si.si_code, si.si_status, si.si_pid == c);
    int same = waitpid(c, &st, 0) == c;
    printf("then waitpid: %d status=%d\n", same, WEXITSTATUS(st));
    printf("no children left: %d\n", waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD);

    /* WNOHANG while the child waits on a pipe; the byte it reads becomes its status. */
    int p[2];
    pipe(p);
    c = fork();
    if (c == 0) { char b; close(p[1]); _exit(read(p[0], &b, 1) == 1 ? b : 99); }
    close(p[0]);
    printf("WNOHANG on a live child: %d\n", waitpid(c, &st, WNOHANG));
    write(p[1], "\x21", 1);
    close(p[1]);
    waitpid(c, &st, 0);
    printf("child read the byte: status=%d\n", WEXITSTATUS(st));

    /* SIGCHLD, sigsuspend. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sigaction(SIGCHLD, &sa, 0);
    sigset_t block, old;
    sigemptyset(&block); sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);
    c = fork();
    if (c == 0) _exit(0);
    while (sigchld_count == 0) sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, 0);
    waitpid(c, &st, 0);
    printf("SIGCHLD handled: %d\n", sigchld_count);
    signal(SIGCHLD, SIG_DFL);

    /* dup2 across fork, then execve of this program with a close-on-exec descriptor. */
    pipe(p);
    int cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int kept = open("/dev/null", O_RDONLY);
    c = fork();
    if (c == 0) {
        dup2(p[1], 1);
        close(p[0]); close(p[1]);
        char a[16], b[16], d[16];
        snprintf(a, sizeof a, "%d", cloexec); snprintf(b, sizeof b, "%d", kept); snprintf(d, sizeof d, "%d", me);
        char *args[] = { argv[0], "exec-child", a, b, d, NULL };
        execve("/proc/self/exe", args, (char *[]){ NULL });
        _exit(127);
    }
    close(p[1]);
    char buf[256];
    int n = 0, r;
    while ((r = read(p[0], buf + n, sizeof buf - 1 - n)) > 0) n += r;
    buf[n] = 0;
    close(p[0]);
    waitpid(c, &st, 0);
    printf("from the pipe: %s", buf);
    printf("exec'd child status=%d\n", WEXITSTATUS(st));
    close(cloexec); close(kept);

    /* A #! script whose interpreter is this program. */
    char self[512], script[64];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    self[len > 0 ? len : 0] = 0;
    snprintf(script, sizeof script, "/tmp/gate-processes-%d.sh", (int)me);
    FILE *f = fopen(script, "w");
    fprintf(f, "#!%s script-arg\n", self);
    fclose(f);
    chmod(script, 0755);
    c = fork();
    if (c == 0) { execl(script, script, "extra", (char *)NULL); _exit(126); }
    waitpid(c, &st, 0);
    unlink(script);
    printf("script status=%d\n", WEXITSTATUS(st));

    /* vfork + execve: the parent goes on when the child has exec'd. */
    c = vfork();
    if (c == 0) { execl("/proc/self/exe", argv[0], "unknown-mode", (char *)NULL); _exit(127); }
    waitpid(c, &st, 0);
    printf("vfork child status=%d\n", WEXITSTATUS(st));
    static volatile int shared_word;
    c = vfork();
    if (c == 0) { shared_word = 0x5a; _exit(3); }
    waitpid(c, &st, 0);
    printf("vfork shares memory: word=%x status=%d\n", shared_word, WEXITSTATUS(st));

    /* posix_spawn (clone with CLONE_VM|CLONE_VFORK in glibc): the child's exec error
       comes back through the shared memory. */
    char *spawn_args[] = { argv[0], "unknown-mode", NULL };
    int sr = posix_spawn(&c, "/proc/self/exe", NULL, NULL, spawn_args, environ);
    waitpid(c, &st, 0);
    printf("posix_spawn: %d status=%d\n", sr, WEXITSTATUS(st));
    sr = posix_spawn(&c, "/nonexistent/program", NULL, NULL, spawn_args, environ);
    printf("posix_spawn of a missing file: %s\n", sr == ENOENT ? "ENOENT" : "?");

    /* Process groups and sessions. */
    pipe(p);
    c = fork();
    if (c == 0) {
        int ok1 = setpgid(0, 0) == 0 && getpgid(0) == getpid();
        int ok2 = setsid() < 0 && errno == EPERM;    /* a group leader cannot */
        char out[2] = { '0' + ok1, '0' + ok2 };
        write(p[1], out, 2);
        _exit(0);
    }
    waitpid(c, &st, 0);
    read(p[0], buf, 2);
    printf("child setpgid=%c setsid refused=%c\n", buf[0], buf[1]);
    close(p[0]); close(p[1]);
    c = fork();
    if (c == 0) { pid_t s = setsid(); _exit(s == getpid() && getsid(0) == getpid() && getpgid(0) == getpid() ? 0 : 1); }
    waitpid(c, &st, 0);
    printf("setsid in a fresh child: %d\n", WEXITSTATUS(st) == 0);
    printf("getppid of parent process differs from child view: %d\n", getppid() != me);

    /* An orphan is reparented. */
    pipe(p);
    c = fork();
    if (c == 0) {
        pid_t parent = getpid();
        if (fork() == 0) {
            for (int i = 0; i < 2000 && getppid() == parent; i++) usleep(1000);
            write(p[1], getppid() != parent ? "y" : "n", 1);
            _exit(0);
        }
        _exit(0);
    }
    close(p[1]);
    waitpid(c, &st, 0);
    buf[0] = '?';
    read(p[0], buf, 1);
    close(p[0]);
    printf("orphan reparented: %c\n", buf[0]);

    /* EPIPE and SIGPIPE. */
    signal(SIGPIPE, on_pipe);
    pipe(p);
    close(p[0]);
    errno = 0;
    r = write(p[1], "x", 1);
    printf("write to a closed pipe: %d %s sigpipe=%d\n", r, errno == EPIPE ? "EPIPE" : "?", sigpipe_count);
    close(p[1]);

    /* Non-blocking pipes. */
    pipe2(p, O_NONBLOCK);
    errno = 0;
    r = read(p[0], buf, 1);
    printf("empty non-blocking read: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : "?");
    long total = 0;
    static char big[4096];
    while ((r = write(p[1], big, sizeof big)) > 0) total += r;
    printf("filled the pipe: %ld bytes, then %s\n", total, errno == EAGAIN ? "EAGAIN" : "?");
    printf("flags: nonblock=%d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
    close(p[0]); close(p[1]);

    /* poll and select over pipes and a host descriptor. */
    int q[2];
    pipe(p); pipe(q);
    write(q[1], "z", 1);
    int devnull = open("/dev/null", O_RDONLY);
    struct pollfd pf[3] = { { p[0], POLLIN, 0 }, { q[0], POLLIN, 0 }, { devnull, POLLIN, 0 } };
    r = poll(pf, 3, 100);
    printf("poll: %d ready, revents %x %x %x\n", r, pf[0].revents, pf[1].revents, pf[2].revents);
    fd_set rs;
    FD_ZERO(&rs); FD_SET(p[0], &rs);
    struct timeval tv = { 0, 20000 };
    r = select(p[0] + 1, &rs, 0, 0, &tv);
    printf("select on an empty pipe: %d\n", r);
    c = fork();
    if (c == 0) { usleep(20000); write(p[1], "w", 1); _exit(0); }
    pf[0].revents = 0;
    r = poll(pf, 1, 5000);
    printf("poll woken by the child's write: %d revents %x\n", r, pf[0].revents);
    waitpid(c, &st, 0);
    close(p[1]);
    r = poll(pf, 1, 0);
    read(p[0], buf, 1);
    r = poll(pf, 1, 0);
    printf("after the last writer closed: %d revents %x\n", r, pf[0].revents);
    return 0;
}
