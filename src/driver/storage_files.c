/*
 * storage_files.c: image files as storage volumes, read-only
 */
#include <gvconfig.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "gverror.h"
#include "gvuuid.h"
#include "storage_files.h"

void
gvStorageFileClear(gvStorageFile *f)
{
    g_clear_pointer(&f->path, g_free);
    memset(f, 0, sizeof(*f));
}

gvStorageVolFormat
gvStorageProbeFormat(const guint8 *head, size_t len, unsigned long long *capacity)
{
    guint32 version;
    guint64 size;

    /* qcow and qcow2 both keep the guest size at offset 24 */
    if (len >= 32 && memcmp(head, "QFI\xfb", 4) == 0) {
        memcpy(&version, head + 4, 4);
        memcpy(&size, head + 24, 8);
        *capacity = GUINT64_FROM_BE(size);
        return GUINT32_FROM_BE(version) >= 2 ? GV_STORAGE_VOL_FORMAT_QCOW2
                                             : GV_STORAGE_VOL_FORMAT_QCOW;
    }
    return GV_STORAGE_VOL_FORMAT_RAW;
}

static int
gvStorageNoVolume(const char *what, const char *value, GError **error)
{
    gvReportError(error, GV_ERR_NO_STORAGE_VOL, "no storage vol with matching %s '%s'", what,
                  value);
    return -1;
}

int
gvStorageFileLookup(const char *path, gvStorageFile *out, GError **error)
{
    guint8 head[512];
    struct stat sb;
    ssize_t n;
    int fd;

    if (!gvStoragePathIsCanonical(path) || stat(path, &sb) < 0 ||
        !(S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode)))
        return gvStorageNoVolume("path", path, error);
    /* O_NONBLOCK: whatever replaced the file meanwhile, opening it cannot hang */
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
        gvReportSystemError(error, errno, "cannot open volume '%s'", path);
        return -1;
    }
    if (fstat(fd, &sb) < 0 || !(S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode))) {
        close(fd);
        return gvStorageNoVolume("path", path, error);
    }
    memset(out, 0, sizeof(*out));
    if (S_ISBLK(sb.st_mode)) {
        guint64 size = 0;

        out->type = GV_STORAGE_VOL_BLOCK;
        if (ioctl(fd, BLKGETSIZE64, &size) < 0)
            size = 0;
        out->physical = out->allocation = out->capacity = size;
    } else {
        out->type = GV_STORAGE_VOL_FILE;
        out->physical = out->capacity = (unsigned long long)sb.st_size;
        out->allocation = (unsigned long long)sb.st_blocks * 512;
    }
    while ((n = pread(fd, head, sizeof(head), 0)) < 0 && errno == EINTR)
        ;
    close(fd);
    out->format = gvStorageProbeFormat(head, n > 0 ? (size_t)n : 0, &out->capacity);
    out->path = g_strdup(path);
    return 0;
}

int
gvStorageFileLookupInDir(const char *dir, const char *name, gvStorageFile *out, GError **error)
{
    g_autofree char *path = NULL;

    if (gvStoragePoolCheck(dir, error) < 0)
        return -1;
    if (*name == '\0' || strchr(name, '/') || g_str_equal(name, ".") || g_str_equal(name, ".."))
        return gvStorageNoVolume("name", name, error);
    path = g_str_equal(dir, "/") ? g_strconcat("/", name, NULL) : g_strconcat(dir, "/", name, NULL);
    if (gvStorageFileLookup(path, out, NULL) < 0)
        return gvStorageNoVolume("name", name, error);
    return 0;
}

char *
gvStorageFileFormatXML(const gvStorageFile *f, const char *name)
{
    gvStorageVolDef def = { 0 };
    g_autofree char *base = g_path_get_basename(f->path);

    def.name = (char *)(name ? name : base);
    def.key = f->path;
    def.path = f->path;
    def.type = f->type;
    def.format = f->format;
    def.capacity = f->capacity;
    def.allocation = f->allocation;
    def.physical = f->physical;
    return gvStorageVolDefFormat(&def);
}

/* ---- pools ------------------------------------------------------------------ */

int
gvStoragePoolCheck(const char *dir, GError **error)
{
    struct stat sb;

    if (!gvStoragePathIsCanonical(dir) || stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        gvReportError(error, GV_ERR_NO_STORAGE_POOL, "no storage pool with matching name '%s'",
                      dir);
        return -1;
    }
    return 0;
}

int
gvStoragePoolGetInfo(const char *dir, gvStoragePoolInfo *info, GError **error)
{
    struct statvfs sv;

    if (gvStoragePoolCheck(dir, error) < 0)
        return -1;
    if (statvfs(dir, &sv) < 0) {
        gvReportSystemError(error, errno, "cannot look at the file system of '%s'", dir);
        return -1;
    }
    info->capacity = (unsigned long long)sv.f_blocks * sv.f_frsize;
    info->allocation = (unsigned long long)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
    info->available = (unsigned long long)sv.f_bavail * sv.f_frsize;
    return 0;
}

void
gvStoragePoolUUID(const char *dir, unsigned char uuid[16])
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    guint8 digest[32];
    gsize len = sizeof(digest);

    g_checksum_update(sum, (const guchar *)"genvirt storage pool:", -1);
    g_checksum_update(sum, (const guchar *)dir, -1);
    g_checksum_get_digest(sum, digest, &len);
    memcpy(uuid, digest, 16);
    uuid[6] = (uuid[6] & 0x0f) | 0x50; /* version 5: name-based (SHA) */
    uuid[8] = (uuid[8] & 0x3f) | 0x80;
}

char *
gvStoragePoolFormatXML(const char *dir)
{
    gvStoragePoolDef def = { 0 };
    gvStoragePoolInfo info = { 0 };
    gvStoragePoolStats stats;

    def.type = GV_STORAGE_POOL_TYPE_DIR;
    def.name = (char *)dir;
    def.targetPath = (char *)dir;
    gvStoragePoolUUID(dir, def.uuid);
    def.hasUUID = true;
    (void)gvStoragePoolGetInfo(dir, &info, NULL);
    stats.capacity = info.capacity;
    stats.allocation = info.allocation;
    stats.available = info.available;
    return gvStoragePoolDefFormat(&def, &stats);
}

static gint
gvStorageCompareNames(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
gvStorageDirListVolumes(const char *dir, guint max, GError **error)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    struct dirent *ent;
    DIR *d;

    if (gvStoragePoolCheck(dir, error) < 0)
        return NULL;
    if (!(d = opendir(dir))) {
        gvReportSystemError(error, errno, "cannot list the volumes of '%s'", dir);
        return NULL;
    }
    while ((ent = readdir(d)) && names->len < max) {
        struct stat sb;

        if (g_str_equal(ent->d_name, ".") || g_str_equal(ent->d_name, ".."))
            continue;
        if (fstatat(dirfd(d), ent->d_name, &sb, 0) == 0 &&
            (S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode)))
            g_ptr_array_add(names, g_strdup(ent->d_name));
    }
    closedir(d);
    g_ptr_array_sort(names, gvStorageCompareNames);
    return g_steal_pointer(&names);
}
