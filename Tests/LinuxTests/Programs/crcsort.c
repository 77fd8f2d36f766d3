/* A libc-free i386 program: CRC-32 of a generated buffer, then a sort of an array,
 * printed in hex through raw int $0x80 write(2); the exit status is derived from both.
 * Build: gcc -m32 -march=i686 -O2 -nostdlib -static -fno-pic -no-pie -ffreestanding
 *        -fno-builtin -fno-stack-protector -o crcsort crcsort.c */
typedef unsigned int u32;

static int sys3(int nr, int a, int b, int c) {
    int r;
    __asm__ volatile ("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

static void put(const char *s, int n) { sys3(4, 1, (int)s, n); }

static void puthex(u32 v) {
    char b[9];
    for (int i = 7; i >= 0; i--) { b[i] = "0123456789abcdef"[v & 15]; v >>= 4; }
    b[8] = '\n';
    put(b, 9);
}

static u32 table[256];
static unsigned char buf[65536];
static int arr[5000];

static u32 crc32(const unsigned char *p, int n) {
    u32 c = 0xffffffffu;
    while (n--) c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

static void quicksort(int *a, int lo, int hi) {
    while (lo < hi) {
        int p = a[(lo + hi) / 2], i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i <= j) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
        else { quicksort(a, i, hi); hi = j; }
    }
}

void _start(void) {
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    u32 x = 12345;
    for (int i = 0; i < (int)sizeof buf; i++) { x = x * 1103515245u + 12345u; buf[i] = x >> 16; }
    u32 crc = crc32(buf, sizeof buf);
    put("crc32 ", 6);
    puthex(crc);
    for (int i = 0; i < 5000; i++) { x = x * 1103515245u + 12345u; arr[i] = (int)x >> 3; }
    quicksort(arr, 0, 4999);
    int sorted = 1;
    u32 sum = 0;
    for (int i = 0; i < 5000; i++) {
        if (i && arr[i - 1] > arr[i]) sorted = 0;
        sum = sum * 31 + (u32)arr[i];
    }
    put(sorted ? "sorted " : "UNSORTED ", sorted ? 7 : 9);
    puthex(sum);
    puthex((u32)arr[0]);
    puthex((u32)arr[4999]);
    long long q = (long long)sum * crc;
    puthex((u32)(q >> 32) / ((crc & 0xff) | 1));
    sys3(1, (int)((crc ^ sum) & 0x7f), 0, 0);
    for (;;) {}
}
