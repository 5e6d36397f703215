/*
 * faultshim.c: an LD_PRELOAD library that makes writes fail, for the I/O
 * error tests (tests/integration/ioerror.py; issue 13, Faults)
 *
 * Device-mapper's "error" target needs the kernel's dm driver and a FUSE
 * file system needs a FUSE implementation; this shim needs neither.  It is
 * built in tests/ only and never installed.
 *
 * GV_FAULT_CONTROL=PATH names a control file.  While it exists and holds
 * "ERRNO PATTERN [OPS]" (ERRNO: EIO, ENOSPC, EROFS or EDQUOT; PATTERN: an
 * fnmatch(3) pattern, without FNM_PATHNAME, for absolute paths; OPS: a
 * comma-separated subset of write,fsync,rename, all if absent), every
 * write(2), pwrite(2), fsync(2), fdatasync(2), rename(2), renameat(2) and
 * renameat2(2) on a matching path fails with ERRNO and does nothing; the
 * path of an fd is what /proc/self/fd says, a rename matches by either
 * name.  Each injected failure is reported on stderr ("faultshim: OP PATH:
 * ERRNO").  Removing the file clears the fault at once, with no restart.
 */
/* both pwrite and pwrite64 are defined here: no redirection of one to the other */
#undef _FILE_OFFSET_BITS
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* exported: the preloaded definitions of libc's functions */
ssize_t write(int fd, const void *buf, size_t len);
ssize_t pwrite(int fd, const void *buf, size_t len, off_t off);
ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off);
int fsync(int fd);
int fdatasync(int fd);
int rename(const char *oldpath, const char *newpath);
int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
              unsigned int flags);

typedef enum {
    FAULT_OP_WRITE,
    FAULT_OP_FSYNC,
    FAULT_OP_RENAME,
} faultOp;

static const char *const faultOpNames[] = {
    [FAULT_OP_WRITE] = "write",
    [FAULT_OP_FSYNC] = "fsync",
    [FAULT_OP_RENAME] = "rename",
};

static const struct {
    const char *name;
    int err;
} faultErrnos[] = {
    { "EIO", EIO },
    { "ENOSPC", ENOSPC },
    { "EROFS", EROFS },
    { "EDQUOT", EDQUOT },
};

/* The error to inject for @op on @path, or 0 */
static int
faultCheck(faultOp op, const char *path)
{
    const char *control = getenv("GV_FAULT_CONTROL");
    char spec[1024];
    char errName[32];
    char pattern[800];
    char ops[128] = "";
    ssize_t n;
    size_t i;
    int fd;
    int err = 0;
    int saved = errno;

    if (!control || !path || path[0] != '/')
        return 0;
    /* raw syscalls: nothing here may recurse into the shim */
    fd = (int)syscall(SYS_openat, AT_FDCWD, control, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        errno = saved;
        return 0;
    }
    n = (ssize_t)syscall(SYS_read, fd, spec, sizeof(spec) - 1);
    syscall(SYS_close, fd);
    errno = saved;
    if (n <= 0)
        return 0;
    spec[n] = '\0';
    if (sscanf(spec, "%31s %799s %127s", errName, pattern, ops) < 2)
        return 0;
    if (ops[0] && !strstr(ops, faultOpNames[op]))
        return 0;
    if (fnmatch(pattern, path, 0) != 0)
        return 0;
    for (i = 0; i < sizeof(faultErrnos) / sizeof(faultErrnos[0]); i++) {
        if (strlen(errName) == strlen(faultErrnos[i].name) &&
            memcmp(errName, faultErrnos[i].name, strlen(errName)) == 0)
            err = faultErrnos[i].err;
    }
    if (err != 0) {
        char line[1200];
        int len =
            snprintf(line, sizeof(line), "faultshim: %s %s: %s\n", faultOpNames[op], path, errName);

        if (len > 0)
            syscall(SYS_write, STDERR_FILENO, line,
                    (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
    }
    return err;
}

/* The path of @fd, in @buf */
static const char *
faultFdPath(int fd, char *buf, size_t size)
{
    char link[64];
    ssize_t n;
    int saved = errno;

    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, buf, size - 1);
    errno = saved;
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return buf;
}

/* @name relative to @dirfd, absolute, in @buf */
static const char *
faultAtPath(int dirfd, const char *name, char *buf, size_t size)
{
    char dir[4096];
    int n;

    if (!name || name[0] == '/')
        return name;
    if (dirfd == AT_FDCWD) {
        int saved = errno;

        if (!getcwd(dir, sizeof(dir))) {
            errno = saved;
            return NULL;
        }
    } else if (!faultFdPath(dirfd, dir, sizeof(dir))) {
        return NULL;
    }
    n = snprintf(buf, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size ? buf : NULL;
}

static int
faultFd(faultOp op, int fd)
{
    char path[4096];

    return faultCheck(op, faultFdPath(fd, path, sizeof(path)));
}

static int
faultRename(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
    char a[4096];
    char b[4096];
    int err = faultCheck(FAULT_OP_RENAME, faultAtPath(olddirfd, oldpath, a, sizeof(a)));

    return err ? err : faultCheck(FAULT_OP_RENAME, faultAtPath(newdirfd, newpath, b, sizeof(b)));
}

#define FAULT_FAIL(err) \
    do { \
        errno = (err); \
        return -1; \
    } while (0)

ssize_t
write(int fd, const void *buf, size_t len)
{
    int err = faultFd(FAULT_OP_WRITE, fd);

    if (err)
        FAULT_FAIL(err);
    return (ssize_t)syscall(SYS_write, fd, buf, len);
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
    int err = faultFd(FAULT_OP_WRITE, fd);

    if (err)
        FAULT_FAIL(err);
    return (ssize_t)syscall(SYS_pwrite64, fd, buf, len, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off_t off)
{
    return pwrite(fd, buf, len, off);
}

int
fsync(int fd)
{
    int err = faultFd(FAULT_OP_FSYNC, fd);

    if (err)
        FAULT_FAIL(err);
    return (int)syscall(SYS_fsync, fd);
}

int
fdatasync(int fd)
{
    int err = faultFd(FAULT_OP_FSYNC, fd);

    if (err)
        FAULT_FAIL(err);
    return (int)syscall(SYS_fdatasync, fd);
}

int
rename(const char *oldpath, const char *newpath)
{
    return renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

int
renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
    return renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}

int
renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)
{
    int err = faultRename(olddirfd, oldpath, newdirfd, newpath);

    if (err)
        FAULT_FAIL(err);
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
}
