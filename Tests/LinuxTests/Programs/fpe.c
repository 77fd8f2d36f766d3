/* x87 exceptions unmasked with feenableexcept: #MF becomes SIGFPE with the si_code math_error picks.
   gcc -m32 -O1 -static -o fpe fpe.c -lm */
#define _GNU_SOURCE
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
static sigjmp_buf env;
static void h(int s, siginfo_t *si, void *u) { printf("SIGFPE code=%d\n", si->si_code); siglongjmp(env, 1); }
int main(void) {
    struct sigaction sa = {0}; sa.sa_sigaction = h; sa.sa_flags = SA_SIGINFO; sigaction(SIGFPE, &sa, 0);
    volatile double z = 0.0, one = 1.0, big = 1e308;
    int ex[] = { FE_DIVBYZERO, FE_INVALID, FE_OVERFLOW };
    for (int k = 0; k < 3; k++) {
        if (sigsetjmp(env, 1) == 0) {
            feclearexcept(FE_ALL_EXCEPT); feenableexcept(ex[k]);
            volatile double r = k == 0 ? one / z : k == 1 ? z / z : big * big;
            printf("no trap %g\n", r);
        }
        fedisableexcept(FE_ALL_EXCEPT);
    }
    return 0;
}
