/*
 * qemu_image.c: sizes of a disk's image file
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gverror.h"
#include "qemu_image.h"

/* "QFI\xfb", big-endian */
#define GV_QCOW2_MAGIC 0x514649fbu

static guint64
gvGetBE(const unsigned char *p, size_t n)
{
    guint64 v = 0;
    size_t i;

    for (i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

bool
gvQemuImageParseQcow2Size(const unsigned char *buf, size_t len, guint64 *size)
{
    guint64 version;

    /* magic (4), version (4), backing file offset (8) and size (4), size (8) */
    if (!buf || len < GV_QCOW2_HEADER_MIN || gvGetBE(buf, 4) != GV_QCOW2_MAGIC)
        return false;
    version = gvGetBE(buf + 4, 4);
    if (version != 2 && version != 3)
        return false;
    *size = gvGetBE(buf + 24, 8);
    return true;
}

static ssize_t
gvReadFull(int fd, unsigned char *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = read(fd, buf + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

int
gvQemuImageGetInfo(const char *path, gvDomainDiskFormat format, gvBlockInfo *info, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    struct stat sb;
    gvBlockInfo out = { 0 };
    int rc = -1;

    if (fd < 0 || fstat(fd, &sb) < 0) {
        gvReportSystemError(error, errno, "cannot open the disk image '%s'", path);
        goto cleanup;
    }
    if (S_ISBLK(sb.st_mode)) {
        guint64 bytes = 0;

        if (ioctl(fd, BLKGETSIZE64, &bytes) < 0) {
            gvReportSystemError(error, errno, "cannot get the size of block device '%s'", path);
            goto cleanup;
        }
        out.physical = out.allocation = out.capacity = bytes;
    } else if (S_ISREG(sb.st_mode)) {
        out.physical = (guint64)sb.st_size;
        out.allocation = (guint64)sb.st_blocks * 512;
        out.capacity = out.physical;
    } else {
        gvReportError(error, GV_ERR_INTERNAL_ERROR,
                      "the disk image '%s' is neither a file nor a block device", path);
        goto cleanup;
    }
    if (format == GV_DOMAIN_DISK_FORMAT_QCOW2) {
        unsigned char hdr[GV_QCOW2_HEADER_MIN];
        ssize_t n = gvReadFull(fd, hdr, sizeof(hdr));

        if (n < 0) {
            gvReportSystemError(error, errno, "cannot read the disk image '%s'", path);
            goto cleanup;
        }
        if (!gvQemuImageParseQcow2Size(hdr, (size_t)n, &out.capacity)) {
            gvReportError(error, GV_ERR_INTERNAL_ERROR,
                          "the disk image '%s' has no qcow2 header, but its disk says qcow2", path);
            goto cleanup;
        }
    }
    *info = out;
    rc = 0;

cleanup:
    if (fd >= 0)
        close(fd);
    return rc;
}
