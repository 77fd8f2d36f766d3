/* threads: 8 pthreads with a mutex+condvar ping-pong ring, a barrier, lock xadd and
   lock cmpxchg counters, __thread variables and pthread_join, exact counts.
   gcc -m32 -O2 -static -pthread -o threads threads.c */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 8
#define ROUNDS 200
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn = 0;              /* whose turn in the ping-pong ring */
static long shared_count = 0;     /* protected by m */
static volatile int atomic_xadd = 0;
static volatile int atomic_cas = 0;
static pthread_barrier_t barrier;
static __thread int tls_value = 7;
static __thread char tls_name[16];
static long results[N];

static void cas_add(volatile int *p, int d) {
  int old, ok;
  do {
    old = *p;
    __asm__ volatile("lock cmpxchgl %2, %1; sete %b0" : "=q"(ok), "+m"(*p), "=r"(d), "+a"(old) : "2"(old + d) : "memory", "cc");
  } while (!ok);
}

static void *worker(void *arg) {
  int id = (int)(long)arg;
  tls_value = id * 100;
  snprintf(tls_name, sizeof tls_name, "worker-%d", id);
  pthread_barrier_wait(&barrier);
  for (int r = 0; r < ROUNDS; r++) {
    pthread_mutex_lock(&m);
    while (turn != id) pthread_cond_wait(&cv, &m);
    shared_count++;
    turn = (turn + 1) % N;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&m);
    __asm__ volatile("lock xaddl %0, %1" : "+r"((int){1}), "+m"(atomic_xadd) :: "memory");
    cas_add(&atomic_cas, 2);
  }
  int w = pthread_barrier_wait(&barrier);
  results[id] = tls_value + (long)strlen(tls_name) + (w == PTHREAD_BARRIER_SERIAL_THREAD ? 1000 : 0);
  return (void *)(long)(id + 1);
}

int main(void) {
  pthread_t t[N];
  pthread_barrier_init(&barrier, NULL, N);
  tls_value = 1;
  for (long i = 0; i < N; i++) pthread_create(&t[i], NULL, worker, (void *)i);
  long sum = 0; int serial = 0;
  for (int i = 0; i < N; i++) {
    void *ret; pthread_join(t[i], &ret); sum += (long)ret;
  }
  for (int i = 0; i < N; i++) { if (results[i] >= 1000) { serial++; results[i] -= 1000; } printf("thread %d: tls %ld\n", i, results[i]); }
  printf("joined sum %ld, serial threads %d\n", sum, serial);
  printf("mutex count %ld, xadd %d, cmpxchg %d, main tls %d\n", shared_count, atomic_xadd, atomic_cas, tls_value);
  return 0;
}
