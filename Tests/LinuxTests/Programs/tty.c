/* tty: a controlling terminal and job control on it — a session leader takes a
   pseudo-terminal (argv[1]) as its controlling terminal; tcgetpgrp, tcgetsid and
   tcsetpgrp with Linux's errors; a background job that reads it is stopped with
   SIGTTIN (EIO when it ignores SIGTTIN), one that changes it with SIGTTOU (unless it
   blocks SIGTTOU, as shells do), one that writes to it only when TOSTOP is set.
   Compared with a native run. gcc -m32 -march=i686 -O2 -static -o tty tty.c */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int tty;
static const char *err(int r) { return r == 0 ? "ok" : errno == EIO ? "EIO" : errno == ENOTTY ? "ENOTTY"
                                      : errno == EPERM ? "EPERM" : errno == ESRCH ? "ESRCH" : errno == EINVAL ? "EINVAL" : "other"; }

enum { READ, READ_IGNORING_TTIN, SET_FOREGROUND, SET_FOREGROUND_BLOCKING_TTOU, SET_ATTRIBUTES, WRITE };

/* A job in a process group of its own, in the background: it does `what` and exits
   with 0 if that worked, 10 + errno's meaning otherwise. */
static pid_t job(int what)
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        setpgid(0, 0);
        int r = 0;
        char c;
        struct termios t;
        sigset_t ttou;
        switch (what) {
        case READ: r = read(tty, &c, 1) < 0 ? -1 : 0; break;
        case READ_IGNORING_TTIN: signal(SIGTTIN, SIG_IGN); r = read(tty, &c, 1) < 0 ? -1 : 0; break;
        case SET_FOREGROUND: r = tcsetpgrp(tty, getpgrp()); break;
        case SET_FOREGROUND_BLOCKING_TTOU:
            sigemptyset(&ttou); sigaddset(&ttou, SIGTTOU);
            sigprocmask(SIG_BLOCK, &ttou, 0);
            r = tcsetpgrp(tty, getpgrp());
            break;
        case SET_ATTRIBUTES: tcgetattr(tty, &t); r = tcsetattr(tty, TCSANOW, &t); break;
        case WRITE: r = write(tty, "x", 1) == 1 ? 0 : -1; break;
        }
        _exit(r == 0 ? 0 : errno == EIO ? 11 : 12);
    }
    setpgid(p, p);
    return p;
}

static void report(const char *what, pid_t p)
{
    int st;
    waitpid(p, &st, WUNTRACED);
    if (WIFSTOPPED(st)) {
        printf("%s: stopped by %s\n", what, WSTOPSIG(st) == SIGTTIN ? "SIGTTIN" : WSTOPSIG(st) == SIGTTOU ? "SIGTTOU" : "other");
        kill(p, SIGKILL);
        waitpid(p, &st, 0);
    } else if (WIFEXITED(st)) {
        printf("%s: %s\n", what, WEXITSTATUS(st) == 0 ? "done" : WEXITSTATUS(st) == 11 ? "EIO" : "failed");
    } else {
        printf("%s: signal %d\n", what, WTERMSIG(st));
    }
}

static int session(const char *path)
{
    int before = open(path, O_RDWR | O_NOCTTY);
    pid_t fg = tcgetpgrp(before);
    printf("before: tcgetpgrp=%s\n", fg < 0 ? err(-1) : "a group");
    close(before);
    if (setsid() < 0) { puts("setsid failed"); return 1; }
    tty = open(path, O_RDWR);                   /* a session leader's first terminal */
    if (tty < 0) { puts("open failed"); return 1; }
    printf("controlling terminal: tcgetpgrp is mine=%d tcgetsid is mine=%d\n", tcgetpgrp(tty) == getpgrp(),
           tcgetsid(tty) == getsid(0));
    printf("TIOCSCTTY again: %s\n", err(ioctl(tty, TIOCSCTTY, 0)));
    printf("tcsetpgrp to no group: %s\n", err(tcsetpgrp(tty, 0x7ffffff0)));
    printf("tcsetpgrp to -1: %s\n", err(tcsetpgrp(tty, -1)));
    printf("tcsetpgrp to a group of another session: %s\n", err(tcsetpgrp(tty, getpgid(getppid()))));

    report("background read", job(READ));
    report("background read, SIGTTIN ignored", job(READ_IGNORING_TTIN));
    report("background tcsetpgrp", job(SET_FOREGROUND));
    report("background tcsetattr", job(SET_ATTRIBUTES));
    report("background write", job(WRITE));
    struct termios t;
    tcgetattr(tty, &t);
    t.c_lflag |= TOSTOP;
    tcsetattr(tty, TCSANOW, &t);
    report("background write with TOSTOP", job(WRITE));

    /* A job takes the terminal as a shell would give it one; then this process is in
       the background, and takes it back with SIGTTOU blocked. */
    pid_t j = job(SET_FOREGROUND_BLOCKING_TTOU);
    report("tcsetpgrp with SIGTTOU blocked", j);
    printf("foreground is the job's group=%d\n", tcgetpgrp(tty) == j);
    sigset_t ttou;
    sigemptyset(&ttou); sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, 0);
    int r = tcsetpgrp(tty, getpgrp());
    printf("take it back: %s, mine=%d\n", err(r), tcgetpgrp(tty) == getpgrp());
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    fflush(stdout);
    pid_t s = fork();
    if (s == 0) {
        int r = session(argv[1]);
        fflush(stdout);
        _exit(r);
    }
    int st;
    waitpid(s, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}
