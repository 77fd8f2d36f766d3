// Host C library calls that Swift's Glibc module does not import: statx(2), statfs(2)
// and fstatfs(2) (sys/vfs.h), renameat2(2), epoll and eventfd (sys/epoll.h,
// sys/eventfd.h), getrandom(2), and opening a directory only to look names up in it
// (O_PATH, which Swift's Glibc module leaves out). Declared here rather than looked up with dlsym, which finds nothing
// in gate's statically linked executable.
#ifndef CHOSTCALLS_H
#define CHOSTCALLS_H

#if defined(__linux__)
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef O_PATH
#define O_PATH 010000000   /* asm-generic/fcntl.h; glibc shows it only under _GNU_SOURCE */
#endif

/// A descriptor of directory `path` that serves only as the start of *at lookups:
/// O_PATH needs no read permission on the directory, only search; -1 on failure.
static inline int gate_host_open_directory(const char *path) {
    return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/// statx(2) into `buf`, the kernel's 256-byte struct statx. Its layout is the same on
/// every architecture, so an i386 guest's record is a copy of the host's. -1 with errno
/// ENOSYS where the host's headers have no statx (the kernel may also answer ENOSYS).
static inline int gate_host_statx(int dirfd, const char *path, int flags, unsigned int mask, void *buf) {
#ifdef SYS_statx
    return (int)syscall(SYS_statx, dirfd, path, flags, mask, buf);
#else
    (void)dirfd; (void)path; (void)flags; (void)mask; (void)buf;
    errno = ENOSYS;
    return -1;
#endif
}

/// statfs(2) into a struct statfs (fifteen 8-byte words on 64-bit hosts).
static inline int gate_host_statfs(const char *path, void *buf) { return statfs(path, (struct statfs *)buf); }
static inline int gate_host_fstatfs(int fd, void *buf) { return fstatfs(fd, (struct statfs *)buf); }

/// renameat2(2) through the system call itself (glibc's wrapper is newer than some hosts).
static inline int gate_host_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
                                      unsigned int flags) {
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
}

/// epoll_ctl(2) with the event's two fields passed apart: `struct epoll_event` is packed
/// on x86-64 hosts and padded on arm64 ones, and Swift sees neither layout reliably.
static inline int gate_host_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event e = { .events = events, .data.u64 = data };
    return epoll_ctl(epfd, op, fd, &e);
}

/// epoll_wait(2) into two plain arrays (events, data) of `max` entries each. One host
/// call: a second one would report the level-triggered descriptors again.
static inline int gate_host_epoll_wait(int epfd, uint32_t *events, uint64_t *data, int max, int timeout) {
    struct epoll_event small[16];
    struct epoll_event *buf = max <= 16 ? small : (struct epoll_event *)malloc(sizeof(struct epoll_event) * (size_t)max);
    if (!buf) { errno = ENOMEM; return -1; }
    int n = epoll_wait(epfd, buf, max, timeout);
    for (int i = 0; i < n; i++) { events[i] = buf[i].events; data[i] = buf[i].data.u64; }
    if (buf != small) free(buf);
    return n;
}

static inline int gate_host_epoll_create1(int flags) { return epoll_create1(flags); }
static inline int gate_host_eventfd(unsigned int initval, int flags) { return eventfd(initval, flags); }

/// Fills `buf` with `n` random bytes from the host kernel, a few calls at most
/// (getrandom(2) returns at most 32 MiB - 1 at a time); 0, or -1 with errno set.
static inline int gate_host_random(void *buf, size_t n) {
    unsigned char *p = (unsigned char *)buf;
    while (n > 0) {
        long r = syscall(SYS_getrandom, p, n, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}
#elif defined(__APPLE__)
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
/// macOS has no statx(2): Gate builds the record from stat(2) instead.
static inline int gate_host_statx(int dirfd, const char *path, int flags, unsigned int mask, void *buf) {
    (void)dirfd; (void)path; (void)flags; (void)mask; (void)buf;
    errno = ENOSYS;
    return -1;
}
static inline int gate_host_random(void *buf, size_t n) { arc4random_buf(buf, n); return 0; }
/// As on Linux, without O_PATH: the directory must be readable (else -1, and the
/// caller looks names up by whole paths).
static inline int gate_host_open_directory(const char *path) {
    return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}
#endif

#endif
