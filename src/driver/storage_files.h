/*
 * storage_files.h: image files as storage volumes, read-only
 *
 * genvirt has no storage driver; it shows clients what exists.  A regular
 * file or a block device is a volume: name = its file name, key = its
 * path.  Its pool is the directory it is in, implicit (never defined nor
 * listed): name = the directory's path, UUID derived from it, unless a
 * defined pool has that directory (storage_driver.h).  Paths are
 * absolute and used as given, without "." or ".." or doubled slashes
 * (symbolic links are followed, not resolved).  Nothing here writes.
 *
 * Errors are libvirt's: NO_STORAGE_VOL (50) for a path that is no such
 * file (virtinst then looks for a pool, and fails only when it needs to
 * create one), NO_STORAGE_POOL (49) for a name that is no directory.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "storage_conf.h"

typedef struct {
    char *path;
    gvStorageVolType type;
    gvStorageVolFormat format; /* qcow2, qcow or raw */
    unsigned long long capacity; /* what the guest sees, bytes */
    unsigned long long allocation; /* what the host spends */
    unsigned long long physical; /* the file's size */
} gvStorageFile;

void gvStorageFileClear(gvStorageFile *f);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(gvStorageFile, gvStorageFileClear)

/* @path, checked as a volume path (absolute, canonical), or NULL with NO_STORAGE_VOL */
int gvStorageFileLookup(const char *path, gvStorageFile *out, GError **error);
/* The volume @name of the pool @dir */
int gvStorageFileLookupInDir(const char *dir, const char *name, gvStorageFile *out, GError **error);
/* @f's <volume> XML; @name: its name (NULL: the file name) */
char *gvStorageFileFormatXML(const gvStorageFile *f, const char *name);

/* The image format and guest size from the first bytes of an image (pure) */
gvStorageVolFormat gvStorageProbeFormat(const guint8 *head, size_t len,
                                        unsigned long long *capacity);

typedef struct {
    unsigned long long capacity;
    unsigned long long allocation;
    unsigned long long available;
} gvStoragePoolInfo;

/* @dir as a pool: an absolute canonical path of a directory, or NO_STORAGE_POOL */
int gvStoragePoolCheck(const char *dir, GError **error);
int gvStoragePoolGetInfo(const char *dir, gvStoragePoolInfo *info, GError **error);
void gvStoragePoolUUID(const char *dir, unsigned char uuid[16]);
char *gvStoragePoolFormatXML(const char *dir);
/* The volumes of @dir (file names, sorted), at most @max */
GPtrArray *gvStorageDirListVolumes(const char *dir, guint max, GError **error);
