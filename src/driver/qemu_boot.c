/*
 * qemu_boot.c: the host files a domain boots from, checked before QEMU starts
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gverror.h"
#include "qemu_boot.h"

static guint32
gvLoadLE32(const unsigned char *p)
{
    return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

const char *
gvQemuKernelImageKind(const unsigned char *header, size_t len)
{
    size_t off;

    /* the Linux boot protocol: "HdrS" at 0x202 of a bzImage */
    if (len >= 0x206 && gvLoadLE32(header + 0x202) == 0x53726448)
        return "linux";
    /* multiboot: the magic, 4-byte aligned, in the first 8 KiB, with its checksum */
    for (off = 0; off + 12 <= len && off + 12 <= GV_QEMU_KERNEL_HEADER_LEN; off += 4) {
        guint32 magic = gvLoadLE32(header + off);
        guint32 flags = gvLoadLE32(header + off + 4);
        guint32 sum = gvLoadLE32(header + off + 8);

        if (magic == 0x1BADB002 && (guint32)(magic + flags + sum) == 0)
            return "multiboot";
    }
    /* an uncompressed ELF kernel (QEMU boots it through its PVH note) */
    if (len >= 4 && memcmp(header, "\177ELF", 4) == 0)
        return "elf";
    return NULL;
}

/*
 * Opens @path the way QEMU will (read-only), refuses anything but a
 * non-empty regular file, and reads its first bytes into @header.
 */
static int
gvQemuBootOpenFile(const char *path, const char *what, unsigned char *header, size_t *len,
                   GError **error)
{
    struct stat sb;
    ssize_t n;
    int fd;

    /* O_NONBLOCK: a FIFO must not block the open; it is refused below */
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
        gvReportSystemError(error, errno, "cannot open the %s '%s' of <os>/<%s>", what, path, what);
        return -1;
    }
    if (fstat(fd, &sb) < 0) {
        gvReportSystemError(error, errno, "cannot stat the %s '%s' of <os>/<%s>", what, path, what);
        close(fd);
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "the %s '%s' of <os>/<%s> is not a regular file", what, path, what);
        close(fd);
        return -1;
    }
    if (sb.st_size == 0) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED, "the %s '%s' of <os>/<%s> is empty", what,
                      path, what);
        close(fd);
        return -1;
    }
    *len = 0;
    if (header) {
        do {
            n = pread(fd, header, GV_QEMU_KERNEL_HEADER_LEN, 0);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            gvReportSystemError(error, errno, "cannot read the %s '%s' of <os>/<%s>", what, path,
                                what);
            close(fd);
            return -1;
        }
        *len = (size_t)n;
    }
    close(fd);
    return 0;
}

int
gvQemuBootCheckFiles(const gvDomainDef *def, GError **error)
{
    unsigned char header[GV_QEMU_KERNEL_HEADER_LEN];
    size_t len = 0;
    const char *kind;

    if (!def->os.kernel)
        return 0;
    if (gvQemuBootOpenFile(def->os.kernel, "kernel", header, &len, error) < 0)
        return -1;
    if (!(kind = gvQemuKernelImageKind(header, len))) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "the kernel '%s' of <os>/<kernel> is not a kernel QEMU can boot: neither a Linux bzImage, a multiboot image nor an ELF kernel",
            def->os.kernel);
        return -1;
    }
    if (!def->os.initrd)
        return 0;
    if (gvQemuBootOpenFile(def->os.initrd, "initrd", NULL, &len, error) < 0)
        return -1;
    /* QEMU's multiboot loader reads -initrd as "MODULE ARGS,MODULE ARGS" */
    if (g_str_equal(kind, "multiboot") && strpbrk(def->os.initrd, " ,")) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "the initrd '%s' of <os>/<initrd> cannot be passed to the multiboot kernel '%s': QEMU splits a multiboot initrd at spaces and commas",
            def->os.initrd, def->os.kernel);
        return -1;
    }
    return 0;
}
