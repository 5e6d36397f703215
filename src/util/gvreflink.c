/*
 * gvreflink.c: whole-file reflink copies (FICLONE) and file system names
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "gverror.h"
#include "gvreflink.h"

static const struct {
    unsigned long magic;
    const char *name;
} gvFileSystems[] = {
    { EXT4_SUPER_MAGIC, "ext4" }, /* ext2 and ext3 share it */
    { XFS_SUPER_MAGIC, "xfs" },
    { BTRFS_SUPER_MAGIC, "btrfs" },
    { TMPFS_MAGIC, "tmpfs" },
    { RAMFS_MAGIC, "ramfs" },
    { OVERLAYFS_SUPER_MAGIC, "overlay" },
    { F2FS_SUPER_MAGIC, "f2fs" },
    { NFS_SUPER_MAGIC, "nfs" },
    { FUSE_SUPER_MAGIC, "fuse" },
    { V9FS_MAGIC, "9p" },
    { MSDOS_SUPER_MAGIC, "vfat" },
    { 0x2fc12fc1UL, "zfs" },
    { 0xca451a4eUL, "bcachefs" },
    { 0xff534d42UL, "cifs" },
    { 0xfe534d42UL, "smb2" },
};

char *
gvFileSystemName(const char *path)
{
    struct statfs sb;
    size_t i;

    if (statfs(path, &sb) < 0)
        return NULL;
    for (i = 0; i < G_N_ELEMENTS(gvFileSystems); i++) {
        if ((unsigned long)sb.f_type == gvFileSystems[i].magic)
            return g_strdup(gvFileSystems[i].name);
    }
    return g_strdup_printf("0x%lx", (unsigned long)sb.f_type);
}

/* The name of the file system of @path's directory, for messages: never NULL */
static char *
gvReflinkFsOf(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    char *name = gvFileSystemName(dir);

    return name ? name : g_strdup("unknown");
}

static void
gvReflinkReportError(const char *src, const char *dst, int err, GError **error)
{
    g_autofree char *srcFs = gvReflinkFsOf(src);
    g_autofree char *dstFs = gvReflinkFsOf(dst);

    switch (err) {
    case EXDEV:
        gvReportError(error, GV_ERR_OPERATION_UNSUPPORTED,
                      "cannot reflink '%s' to '%s': they are on two file systems (%s and %s), "
                      "and a reflink shares blocks within one (FICLONE: %s)",
                      src, dst, srcFs, dstFs, g_strerror(err));
        return;
    case EOPNOTSUPP:
    case ENOTTY:
    case ENOSYS:
    case EINVAL:
        gvReportError(error, GV_ERR_OPERATION_UNSUPPORTED,
                      "cannot reflink '%s' to '%s': the %s file system of '%s' does not support "
                      "reflinks (FICLONE: %s)",
                      src, dst, dstFs, dst, g_strerror(err));
        return;
    default:
        gvReportSystemError(error, err, "cannot reflink '%s' to '%s' (FICLONE)", src, dst);
        return;
    }
}

int
gvFileReflink(const char *src, const char *dst, unsigned int mode, GError **error)
{
    int sfd;
    int dfd;
    int err;

    if ((sfd = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
        gvReportSystemError(error, errno, "cannot open '%s' to reflink it", src);
        return -1;
    }
    if ((dfd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode)) < 0) {
        gvReportSystemError(error, errno, "cannot create '%s'", dst);
        close(sfd);
        return -1;
    }
    if (ioctl(dfd, FICLONE, sfd) < 0) {
        err = errno;
        close(dfd);
        close(sfd);
        (void)unlink(dst);
        gvReflinkReportError(src, dst, err, error);
        return -1;
    }
    close(sfd);
    if (close(dfd) < 0) {
        err = errno;
        (void)unlink(dst);
        gvReportSystemError(error, err, "cannot write '%s'", dst);
        return -1;
    }
    return 0;
}
