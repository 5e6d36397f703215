/*
 * gvfile.c: durable file writes and bounded reads
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvfile.h"

/* fsync(2) of @path opened with @flags; @what names it in errors */
static int
gvFsyncPath(const char *path, int flags, bool missingOk, const char *what, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | flags);

    if (fd < 0) {
        if (missingOk && errno == ENOENT)
            return 0;
        gvReportSystemError(error, errno, "cannot open %s'%s'", what, path);
        return -1;
    }
    if (fsync(fd) < 0) {
        gvReportSystemError(error, errno, "cannot sync %s'%s'", what, path);
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int
gvFsyncDir(const char *dir, GError **error)
{
    return gvFsyncPath(dir, O_DIRECTORY, false, "directory ", error);
}

/*
 * Spare temporary files, created ahead of time by a background thread.
 * Creating a file is the slowest step of an atomic write on some file
 * systems (ext4 without a journal searches for an inode not recently
 * freed); a write takes a spare, so that cost is off the caller's path.
 * A crash leaves spares behind: they look like (and are removed as) the
 * temporary files of an interrupted write.
 */
#define GV_FILE_SPARES 8
/*
 * Removed files become spares too (gvFileRetire/gvFileRecycle), up to this
 * many per directory: a file system that, like ext4 without a journal,
 * skips recently freed inodes when it allocates one makes creating a file
 * after many removals slow (measured: 0.6 ms of CPU each after 1000
 * removals); reusing the removed files' inodes avoids both the freeing and
 * the allocating.  They are empty, hidden and removed at exit.
 */
#define GV_FILE_SPARES_KEPT 1024

static GMutex gvFileSpareLock;
static GHashTable *gvFileSpares; /* directory -> GQueue of paths */
static GThreadPool *gvFileSparePool;

static void
gvFileSpareRefill(gpointer data, gpointer opaque)
{
    g_autofree char *dir = data;

    for (;;) {
        g_autofree char *path = g_strdup_printf("%s/.spare.XXXXXX", dir);
        GQueue *q;
        int fd;

        g_mutex_lock(&gvFileSpareLock);
        q = g_hash_table_lookup(gvFileSpares, dir);
        if (!q || g_queue_get_length(q) >= GV_FILE_SPARES) {
            g_mutex_unlock(&gvFileSpareLock);
            return;
        }
        g_mutex_unlock(&gvFileSpareLock);
        if ((fd = g_mkstemp_full(path, O_WRONLY | O_CLOEXEC, 0600)) < 0)
            return;
        close(fd);
        g_mutex_lock(&gvFileSpareLock);
        /* the directory's spares may have been dropped meanwhile */
        if (!(q = g_hash_table_lookup(gvFileSpares, dir))) {
            g_mutex_unlock(&gvFileSpareLock);
            (void)unlink(path);
            return;
        }
        g_queue_push_tail(q, g_steal_pointer(&path));
        g_mutex_unlock(&gvFileSpareLock);
    }
}

/* A spare temporary file in @dir (to be opened), or NULL; asks for more */
static char *
gvFileTakeSpare(const char *dir)
{
    char *path;
    GQueue *q;

    g_mutex_lock(&gvFileSpareLock);
    if (!gvFileSpares) {
        gvFileSpares = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        gvFileSparePool = g_thread_pool_new(gvFileSpareRefill, NULL, 1, FALSE, NULL);
    }
    if (!(q = g_hash_table_lookup(gvFileSpares, dir))) {
        q = g_queue_new();
        g_hash_table_insert(gvFileSpares, g_strdup(dir), q);
    }
    path = g_queue_pop_head(q);
    if (gvFileSparePool && g_queue_get_length(q) < GV_FILE_SPARES / 2)
        g_thread_pool_push(gvFileSparePool, g_strdup(dir), NULL);
    g_mutex_unlock(&gvFileSpareLock);
    return path;
}

char *
gvFileRetire(const char *path, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    int tries;

    for (tries = 0; tries < 100; tries++) {
        g_autofree char *spare = g_strdup_printf("%s/.spare.XXXXXX", dir);
        char *x = spare + strlen(spare) - 6;
        static const char letters[] =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        int i;

        for (i = 0; i < 6; i++)
            x[i] = letters[g_random_int_range(0, sizeof(letters) - 1)];
        if (renameat2(AT_FDCWD, path, AT_FDCWD, spare, RENAME_NOREPLACE) == 0)
            return g_steal_pointer(&spare);
        if (errno == ENOENT)
            return NULL;
        if (errno != EEXIST)
            break;
    }
    gvReportSystemError(error, errno, "cannot remove '%s'", path);
    return NULL;
}

void
gvFileRecycle(const char *spare)
{
    g_autofree char *dir = g_path_get_dirname(spare);
    int fd = open(spare, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
    GQueue *q;

    if (fd < 0) {
        (void)unlink(spare);
        return;
    }
    close(fd);
    g_mutex_lock(&gvFileSpareLock);
    q = gvFileSpares ? g_hash_table_lookup(gvFileSpares, dir) : NULL;
    if (q && g_queue_get_length(q) < GV_FILE_SPARES_KEPT) {
        g_queue_push_tail(q, g_strdup(spare));
        spare = NULL;
    }
    g_mutex_unlock(&gvFileSpareLock);
    if (spare)
        (void)unlink(spare);
}

void
gvFileDropSpares(const char *dir)
{
    GQueue *q;
    char *path;

    g_mutex_lock(&gvFileSpareLock);
    if (gvFileSpares && (q = g_hash_table_lookup(gvFileSpares, dir))) {
        g_hash_table_remove(gvFileSpares, dir);
        while ((path = g_queue_pop_head(q))) {
            (void)unlink(path);
            g_free(path);
        }
        g_queue_free(q);
    }
    g_mutex_unlock(&gvFileSpareLock);
}

void
gvFileDropAllSpares(void)
{
    g_autoptr(GList) dirs = NULL;
    GList *l;

    g_mutex_lock(&gvFileSpareLock);
    if (gvFileSparePool) {
        GThreadPool *pool = g_steal_pointer(&gvFileSparePool);

        g_mutex_unlock(&gvFileSpareLock);
        g_thread_pool_free(pool, TRUE, TRUE);
        g_mutex_lock(&gvFileSpareLock);
    }
    if (gvFileSpares)
        dirs = g_hash_table_get_keys(gvFileSpares);
    for (l = dirs; l; l = l->next) {
        g_autofree char *dir = g_strdup(l->data);

        g_mutex_unlock(&gvFileSpareLock);
        gvFileDropSpares(dir);
        g_mutex_lock(&gvFileSpareLock);
    }
    g_mutex_unlock(&gvFileSpareLock);
}

/* the temporary file, written and renamed over @path; synced when @durable */
static int
gvFileWriteReplace(const char *path, const char *data, size_t len, unsigned int mode, bool durable,
                   GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *tmp = gvFileTakeSpare(dir);
    size_t done = 0;
    int fd = -1;

    if (tmp && (fd = open(tmp, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW)) < 0)
        g_clear_pointer(&tmp, g_free);
    if (!tmp) {
        tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
        if ((fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, (int)mode)) < 0) {
            gvReportSystemError(error, errno, "cannot create a temporary file for '%s'", path);
            return -1;
        }
    }
    /* mkstemp's mode is subject to the umask: make it exact */
    if (fchmod(fd, mode) < 0)
        goto error;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto error;
        }
        done += (size_t)n;
    }
    if (durable && fsync(fd) < 0)
        goto error;
    if (close(fd) < 0) {
        fd = -1;
        goto error;
    }
    fd = -1;
    /* the durable writes only: the temporary file is complete and synced */
    if (durable)
        GV_CRASH_POINT("file:before-rename");
    if (rename(tmp, path) < 0)
        goto error;
    if (!durable)
        return 0;
    GV_CRASH_POINT("file:before-dir-sync");
    return gvFsyncDir(dir, error);

error:
    gvReportSystemError(error, errno, "cannot write '%s'", path);
    if (fd >= 0)
        close(fd);
    (void)unlink(tmp);
    return -1;
}

int
gvFileWriteAtomic(const char *path, const char *data, size_t len, unsigned int mode, GError **error)
{
    return gvFileWriteReplace(path, data, len, mode, true, error);
}

int
gvFileWriteVisible(const char *path, const char *data, size_t len, unsigned int mode,
                   GError **error)
{
    return gvFileWriteReplace(path, data, len, mode, false, error);
}

int
gvFileSync(const char *path, GError **error)
{
    return gvFsyncPath(path, O_NOFOLLOW, true, "", error);
}

int
gvFileRemoveDurable(const char *path, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);

    if (unlink(path) < 0 && errno != ENOENT) {
        gvReportSystemError(error, errno, "cannot remove '%s'", path);
        return -1;
    }
    return gvFsyncDir(dir, error);
}

int
gvDirEnsure(const char *path, unsigned int mode, GError **error)
{
    if (g_mkdir_with_parents(path, (int)mode) < 0) {
        gvReportSystemError(error, errno, "cannot create directory '%s'", path);
        return -1;
    }
    if (chmod(path, mode) < 0) {
        gvReportSystemError(error, errno, "cannot set the mode of directory '%s'", path);
        return -1;
    }
    return 0;
}

ssize_t
gvSocketSendFd(int sock, const void *data, size_t len, int fd)
{
    struct iovec iov = { (void *)data, len };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = { 0 };
    struct cmsghdr *cmsg;

    memset(&control, 0, sizeof(control));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

size_t
gvFileReadFd(int fd, char *buf, size_t size)
{
    size_t done = 0;

    while (done < size) {
        ssize_t n = read(fd, buf + done, size - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    return done;
}

int
gvFileReadBounded(const char *path, size_t max, char **data, size_t *len, GError **error)
{
    struct stat sb;
    g_autofree char *buf = NULL;
    size_t done = 0;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
        gvReportSystemError(error, errno, "cannot open '%s'", path);
        return -1;
    }
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "'%s' is not a regular file", path);
        close(fd);
        return -1;
    }
    if ((size_t)sb.st_size > max) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "'%s' is larger than the limit of %zu bytes",
                      path, max);
        close(fd);
        return -1;
    }
    buf = g_malloc((size_t)sb.st_size + 1);
    done = gvFileReadFd(fd, buf, (size_t)sb.st_size);
    close(fd);
    buf[done] = '\0';
    *len = done;
    *data = g_steal_pointer(&buf);
    return 0;
}

int
gvFileReadOptional(const char *path, size_t max, char **data, GError **error)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    char chunk[4096];
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        gvReportSystemError(error, errno, "cannot open '%s'", path);
        return -1;
    }
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            gvReportSystemError(error, errno, "cannot read '%s'", path);
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        if (buf->len + (size_t)n > max) {
            gvReportError(error, GV_ERR_INTERNAL_ERROR,
                          "'%s' is larger than the limit of %zu bytes", path, max);
            close(fd);
            return -1;
        }
        g_string_append_len(buf, chunk, n);
    }
    close(fd);
    *data = g_string_free(g_steal_pointer(&buf), FALSE);
    return 1;
}

bool
gvFileIsAtomicTemp(const char *name)
{
    const char *dot = strrchr(name, '.');

    return name[0] == '.' && dot && dot != name && strlen(dot) == 7;
}

int
gvFileReplaceSymlink(const char *dir, const char *link, const char *target, GError **error)
{
    if (gvDirEnsure(dir, 0700, error) < 0)
        return -1;
    (void)unlink(link);
    if (symlink(target, link) < 0) {
        gvReportSystemError(error, errno, "failed to create symlink '%s' to '%s'", link, target);
        return -1;
    }
    return 0;
}
