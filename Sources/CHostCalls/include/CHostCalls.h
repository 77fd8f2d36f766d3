// Host C library calls that Swift's Glibc module does not import: statfs(2) and
// fstatfs(2) (sys/vfs.h) and renameat2(2). Declared here rather than looked up with
// dlsym, which finds nothing in gate's statically linked executable.
#ifndef CHOSTCALLS_H
#define CHOSTCALLS_H

#if defined(__linux__)
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/// statfs(2) into a struct statfs (fifteen 8-byte words on 64-bit hosts).
static inline int gate_host_statfs(const char *path, void *buf) { return statfs(path, (struct statfs *)buf); }
static inline int gate_host_fstatfs(int fd, void *buf) { return fstatfs(fd, (struct statfs *)buf); }

/// renameat2(2) through the system call itself (glibc's wrapper is newer than some hosts).
static inline int gate_host_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
                                      unsigned int flags) {
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
}
#endif

#endif
