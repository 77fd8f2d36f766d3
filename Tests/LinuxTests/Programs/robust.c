/* robust: glibc's robust mutexes, which rely on the kernel walking each thread's
   robust list (set_robust_list) when it exits: a mutex its owner died holding comes
   back with EOWNERDEAD, to the next locker or to one already waiting; after
   pthread_mutex_consistent it works again, and without it it becomes unusable.
   Compared with a native run. gcc -m32 -march=i686 -O2 -static -pthread -o robust robust.c */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_mutex_t m1, m2, m3;
static volatile int locked;

static const char *name(int e)
{
    return e == 0 ? "0" : e == EOWNERDEAD ? "EOWNERDEAD" : e == ENOTRECOVERABLE ? "ENOTRECOVERABLE"
         : e == EBUSY ? "EBUSY" : e == EPERM ? "EPERM" : "other";
}

static void *die_holding(void *arg)
{
    pthread_mutex_lock(arg);
    locked = 1;
    return 0;                                   /* exits still holding it */
}

static void *die_holding_later(void *arg)
{
    pthread_mutex_lock(arg);
    locked = 1;
    usleep(100000);                             /* the main thread is waiting by now */
    return 0;
}

static void init(pthread_mutex_t *m)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(m, &a);
}

int main(void)
{
    void *head; size_t len;
    long r = syscall(SYS_get_robust_list, 0, &head, &len);
    printf("get_robust_list: %ld len=%zu head set=%d\n", r, len, head != 0);
    printf("get_robust_list of no thread: %s\n", syscall(SYS_get_robust_list, 0x7ffffff0, &head, &len) < 0 && errno == ESRCH ? "ESRCH" : "other");
    printf("set_robust_list with a bad size: %s\n", syscall(SYS_set_robust_list, head, len + 4) < 0 && errno == EINVAL ? "EINVAL" : "other");

    init(&m1); init(&m2); init(&m3);
    pthread_t t;
    pthread_create(&t, 0, die_holding, &m1);
    pthread_join(t, 0);
    int e = pthread_mutex_lock(&m1);
    printf("lock after the owner died: %s\n", name(e));
    printf("consistent: %s\n", name(pthread_mutex_consistent(&m1)));
    printf("unlock: %s\n", name(pthread_mutex_unlock(&m1)));
    printf("lock again: %s\n", name(pthread_mutex_lock(&m1)));
    pthread_mutex_unlock(&m1);

    locked = 0;
    pthread_create(&t, 0, die_holding_later, &m2);
    while (!locked) usleep(1000);
    e = pthread_mutex_lock(&m2);                /* sleeps until the owner dies */
    printf("waiter woken by the owner's death: %s\n", name(e));
    pthread_join(t, 0);
    pthread_mutex_consistent(&m2);
    pthread_mutex_unlock(&m2);

    pthread_create(&t, 0, die_holding, &m3);
    pthread_join(t, 0);
    printf("trylock after the owner died: %s\n", name(pthread_mutex_trylock(&m3)));
    printf("unlock without consistent: %s\n", name(pthread_mutex_unlock(&m3)));
    printf("lock now: %s\n", name(pthread_mutex_lock(&m3)));
    return 0;
}
