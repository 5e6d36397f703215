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
#include "gvfile.h"
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

static int gvQemuBootOpenFileIn(const char *path, const char *what, const char *element,
                                unsigned char *header, size_t *len, GError **error);

/* The file of <os>/<@what> */
static int
gvQemuBootOpenFile(const char *path, const char *what, unsigned char *header, size_t *len,
                   GError **error)
{
    g_autofree char *element = g_strdup_printf("<os>/<%s>", what);

    return gvQemuBootOpenFileIn(path, what, element, header, len, error);
}

/*
 * Opens @path the way QEMU will (read-only), refuses anything but a
 * non-empty regular file, and reads its first bytes into @header.
 */
static int
gvQemuBootOpenFileIn(const char *path, const char *what, const char *element, unsigned char *header,
                     size_t *len, GError **error)
{
    struct stat sb;
    ssize_t n;
    int fd;

    /* O_NONBLOCK: a FIFO must not block the open; it is refused below */
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
        gvReportSystemError(error, errno, "cannot open the %s '%s' of %s", what, path, element);
        return -1;
    }
    if (fstat(fd, &sb) < 0) {
        gvReportSystemError(error, errno, "cannot stat the %s '%s' of %s", what, path, element);
        close(fd);
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED, "the %s '%s' of %s is not a regular file",
                      what, path, element);
        close(fd);
        return -1;
    }
    if (sb.st_size == 0) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED, "the %s '%s' of %s is empty", what, path,
                      element);
        close(fd);
        return -1;
    }
    *len = 0;
    if (header) {
        do {
            n = pread(fd, header, GV_QEMU_KERNEL_HEADER_LEN, 0);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            gvReportSystemError(error, errno, "cannot read the %s '%s' of %s", what, path, element);
            close(fd);
            return -1;
        }
        *len = (size_t)n;
    }
    close(fd);
    return 0;
}

/* glibc takes an unknown TZ for UTC without a word: the zone must exist */
static int
gvQemuBootCheckTimezone(const gvDomainDef *def, GError **error)
{
    g_autofree char *path = NULL;

    if (def->clock.offset != GV_DOMAIN_CLOCK_OFFSET_TIMEZONE)
        return 0;
    path = g_build_filename(GV_QEMU_ZONEINFO_DIR, def->clock.timezone, NULL);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "timezone '%s' in <clock> is not known to this host (no %s)",
                      def->clock.timezone, path);
        return -1;
    }
    return 0;
}

/* The NVRAM @os->nvram (re)written from its template, 0600 in a 0700 directory */
static int
gvQemuBootCreateNvram(const gvDomainOSDef *os, GError **error)
{
    g_autofree char *dir = NULL;
    g_autofree char *data = NULL;
    size_t len = 0;

    if (gvQemuBootOpenFileIn(os->nvramTemplate, "nvram template", "<os>/<nvram>", NULL, &len,
                             error) < 0 ||
        gvFileReadBounded(os->nvramTemplate, GV_QEMU_NVRAM_MAX_LEN, &data, &len, error) < 0)
        return -1;
    dir = g_path_get_dirname(os->nvram);
    if (gvDirEnsure(dir, 0700, error) < 0 ||
        gvFileWriteAtomic(os->nvram, data, len, 0600, error) < 0)
        return -1;
    g_debug("created NVRAM '%s' from '%s'", os->nvram, os->nvramTemplate);
    return 0;
}

/*
 * The firmware: the loader must be a readable, non-empty regular file; the
 * NVRAM is the guest's own (created from its template the first time, 0600
 * in a 0700 directory, as libvirt copies it) and must be a regular file.
 */
static int
gvQemuBootCheckFirmware(const gvDomainDef *def, GError **error)
{
    const gvDomainOSDef *os = &def->os;
    size_t len = 0;
    struct stat sb;

    if (os->loader && os->loader->path &&
        gvQemuBootOpenFile(os->loader->path, "loader", NULL, &len, error) < 0)
        return -1;
    if (!os->nvram)
        return 0;
    if (stat(os->nvram, &sb) == 0) {
        if (!S_ISREG(sb.st_mode)) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "the nvram '%s' of <os>/<nvram> is not a regular file", os->nvram);
            return -1;
        }
        return 0;
    }
    if (errno != ENOENT) {
        gvReportSystemError(error, errno, "cannot stat the nvram '%s' of <os>/<nvram>", os->nvram);
        return -1;
    }
    if (!os->nvramTemplate) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "the nvram '%s' of <os>/<nvram> does not exist and there is no template to create it from (<nvram template='...'>)",
            os->nvram);
        return -1;
    }
    return gvQemuBootCreateNvram(os, error);
}

int
gvQemuBootResetNvram(const gvDomainDef *def, GError **error)
{
    const gvDomainOSDef *os = &def->os;

    if (!os->nvram)
        return 0;
    if (!os->nvramTemplate) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "cannot reset the nvram '%s' of <os>/<nvram> (--reset-nvram): there is no template to recreate it from (<nvram template='...'>)",
            os->nvram);
        return -1;
    }
    return gvQemuBootCreateNvram(os, error);
}

int
gvQemuBootCheckFiles(const gvDomainDef *def, GError **error)
{
    unsigned char header[GV_QEMU_KERNEL_HEADER_LEN];
    size_t len = 0;
    const char *kind;

    if (gvQemuBootCheckTimezone(def, error) < 0 || gvQemuBootCheckFirmware(def, error) < 0)
        return -1;
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
