/* Files, directories, time, TLS and errno through glibc: the output depends only on
 * what the program does, so it is the same on every run and every host.
 * Build: gcc -m32 -O2 -o filesys filesys.c -lpthread (static: add -static) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static __thread int tls_counter = 41;
static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

int main(void) {
    char dir[] = "/tmp/gate-filesys-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    if (chdir(dir) != 0) { perror("chdir"); return 1; }

    int fd = open("data.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    const char *text = "line one\nline two\nline three\n";
    printf("write %zd\n", write(fd, text, strlen(text)));
    close(fd);

    struct stat st;
    stat("data.txt", &st);
    printf("size %lld mode %o regular %d\n", (long long)st.st_size, st.st_mode & 0777, S_ISREG(st.st_mode));

    FILE *f = fopen("data.txt", "r");
    char line[64];
    int n = 0;
    while (fgets(line, sizeof line, f)) n++;
    fclose(f);
    printf("lines %d\n", n);

    fd = open("data.txt", O_RDONLY);
    lseek(fd, 5, SEEK_SET);
    char buf[4] = {0};
    read(fd, buf, 3);
    printf("at 5: %s\n", buf);
    off_t end = lseek(fd, 0, SEEK_END);
    printf("end %lld\n", (long long)end);
    close(fd);

    mkdir("sub", 0755);
    symlink("data.txt", "link");
    char target[64] = {0};
    readlink("link", target, sizeof target - 1);
    printf("link -> %s\n", target);
    rename("data.txt", "sub/moved.txt");
    int gone = access("data.txt", F_OK);
    printf("old gone %d, errno %s\n", gone, strerror(errno));

    DIR *d = opendir(".");
    struct dirent *e;
    char *names[16];
    int count = 0;
    while ((e = readdir(d)) && count < 16)
        if (e->d_name[0] != '.') names[count++] = strdup(e->d_name);
    closedir(d);
    qsort(names, count, sizeof *names, cmp);
    for (int i = 0; i < count; i++) printf("entry %s\n", names[i]);

    errno = 0;
    if (open("/nonexistent/file", O_RDONLY) < 0) printf("open missing: %s (%d)\n", strerror(errno), errno);
    if (rmdir("sub") < 0) printf("rmdir full: %s\n", strerror(errno));

    unlink("sub/moved.txt");
    unlink("link");
    rmdir("sub");
    chdir("/");
    printf("cleanup %d\n", rmdir(dir));

    struct timeval tv;
    gettimeofday(&tv, NULL);
    time_t now = time(NULL);
    printf("time sane %d\n", tv.tv_sec > 1600000000 && now >= tv.tv_sec - 1);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    printf("monotonic sane %d\n", ts.tv_sec >= 0);

    tls_counter++;
    printf("tls %d\n", tls_counter);
    struct utsname u;
    uname(&u);
    printf("sysname %s machine-ok %d\n", u.sysname, u.machine[0] != 0);
    char *p = malloc(1 << 20);
    memset(p, 7, 1 << 20);
    printf("malloc ok %d\n", p[12345] == 7);
    free(p);
    printf("pid positive %d\n", getpid() > 0);
    return 0;
}
