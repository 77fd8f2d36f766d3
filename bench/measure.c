/* measure: runs one program and reports its wall time, CPU times, peak RSS and status.
 *
 * Usage: measure TIMEOUT_S PROGRAM [ARGS...]; the report goes to file descriptor 3 as
 * "wall_ns utime_us stime_us maxrss_kib wait_status timed_out".  bench/run.py builds this
 * with the host's gcc and runs every benchmark through it.
 *
 * Why not let Python fork the program itself: Linux keeps a process's peak RSS across
 * execve (signal->maxrss takes the old address space's high-water mark), so a program
 * forked from the Python runner starts with the interpreter's ~16 MiB already counted.
 * Forked from this small static process instead, the inherited mark is a few KiB. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>

static volatile pid_t child;
static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
    (void)sig;
    timed_out = 1;
    if (child > 0)
        kill(child, SIGKILL);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: measure TIMEOUT_S PROGRAM [ARGS...]\n");
        return 2;
    }
    unsigned timeout = (unsigned)strtoul(argv[1], NULL, 10);
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("measure: fork");
        return 2;
    }
    if (pid == 0) {
        close(3);
        execv(argv[2], argv + 2);
        fprintf(stderr, "measure: can't run %s: ", argv[2]);
        perror(NULL);
        _exit(127);
    }
    child = pid;
    if (timeout)
        alarm(timeout);
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("measure: wait4");
            return 2;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    alarm(0);
    long long wall = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    long long ut = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
    long long st = (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
    dprintf(3, "%lld %lld %lld %ld %d %d\n", wall, ut, st, ru.ru_maxrss, status, (int)timed_out);
    return 0;
}
