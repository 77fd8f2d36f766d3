/* rawclone: the raw clone system call through int $0x80, with the program's own
   stack for the child, CLONE_PARENT_SETTID and CLONE_CHILD_CLEARTID: the parent
   sleeps on the tid word with FUTEX_WAIT until the kernel clears it at the child's
   exit and wakes it. The child uses no libc (it shares the parent's TLS).
   gcc -m32 -O1 -static -o rawclone rawclone.c */
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FLAGS (0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x100000 | 0x200000)

static volatile int tid_word = -1;
static volatile int child_ran, child_tid, child_stack_ok;
static char *stack_low, *stack_high;

static int raw(int nr, int a, int b, int c)
{
    int r;
    __asm__ volatile("pushl %%ebx\n\tmovl %2, %%ebx\n\tint $0x80\n\tpopl %%ebx"
                     : "=a"(r) : "0"(nr), "r"(a), "c"(b), "d"(c) : "memory");
    return r;
}

void child_main(void)
{
    char here;
    child_stack_ok = &here > stack_low && &here < stack_high;
    child_tid = raw(SYS_gettid, 0, 0, 0);
    static const char msg[] = "child: running on its own stack\n";
    raw(SYS_write, 1, (int)msg, sizeof msg - 1);
    child_ran = 1;
}

static int raw_clone(unsigned flags, void *stack, volatile int *ptid, volatile int *ctid)
{
    int ret;
    __asm__ volatile(
        "pushl %%ebx\n\t"
        "movl %2, %%ebx\n\t"
        "int $0x80\n\t"
        "testl %%eax, %%eax\n\t"
        "jnz 1f\n\t"
        "call child_main\n\t"
        "movl $1, %%eax\n\t"          /* exit(0): this thread only */
        "xorl %%ebx, %%ebx\n\t"
        "int $0x80\n\t"
        "hlt\n"
        "1:\n\t"
        "popl %%ebx"
        : "=a"(ret)
        : "0"(SYS_clone), "m"(flags), "c"(stack), "d"(ptid), "S"(0), "D"(ctid)
        : "memory");
    return ret;
}

int main(void)
{
    size_t size = 64 * 1024;
    stack_low = malloc(size);
    stack_high = stack_low + size;
    void *top = (void *)(((unsigned long)stack_high - 16) & ~15ul);
    int tid = raw_clone(FLAGS, top, &tid_word, &tid_word);
    if (tid < 0) { printf("clone failed: %d\n", tid); return 1; }
    int waits = 0, woken = 0, already = 0;
    for (;;) {
        int v = tid_word;
        if (v == 0) break;
        waits++;
        long r = syscall(SYS_futex, &tid_word, FUTEX_WAIT, v, NULL, NULL, 0);
        if (r == 0) woken = 1;
    }
    if (waits == 0) already = 1;
    printf("clone returned the child's tid: %d\n", tid == child_tid);
    printf("tid word cleared by the kernel: %d\n", tid_word == 0);
    printf("child ran: %d, on its own stack: %d\n", child_ran, child_stack_ok);
    printf("parent saw the futex wake (or the word already clear): %d\n", woken || already);
    printf("same process: %d\n", getpid() != tid);
    return 0;
}
