/*
 * storage_driver.h: directory storage pools and their volumes
 *
 * A pool is a directory (type 'dir'); its volumes are the regular files in
 * it, read from the directory at each call (so refresh has nothing to
 * do).  A volume's name is its file name, its key and path the full path.
 *
 * State, under the daemon's root like the domain configs:
 *   etc/genvirt/storage/NAME.xml            persistent pool configs (0600, dir 0700),
 *                                           written atomically and durably
 *   etc/genvirt/storage/autostart/NAME.xml  symbolic link: started with the daemon
 *   run/genvirt/storage/NAME.xml            the active pools (transient ones too),
 *                                           so a daemon restart keeps them active
 *
 * With --root DIR, a target path under libvirt's /var/lib/libvirt/ (where
 * virt-manager puts its "default" pool) is taken as DIR/var/lib/libvirt/...,
 * as libvirt's socket is DIR/run/libvirt/: tests and unprivileged daemons
 * never touch the host's directories.  Every other path is used as given.
 *
 * Thread-safe: one lock; a volume is created (qemu-img) without holding it.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "storage_conf.h"
#include "storage_files.h"

typedef struct _gvStorageDriver gvStorageDriver;

/* virStoragePoolState */
typedef enum {
    GV_STORAGE_POOL_INACTIVE = 0,
    GV_STORAGE_POOL_RUNNING = 2,
} gvStoragePoolState;

/* What names a pool on the wire */
typedef struct {
    char *name;
    unsigned char uuid[GV_UUID_BUFLEN];
} gvStoragePoolRef;

void gvStoragePoolRefClear(gvStoragePoolRef *ref);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(gvStoragePoolRef, gvStoragePoolRefClear)
void gvStoragePoolRefFree(gvStoragePoolRef *ref);

typedef struct {
    bool active;
    bool persistent;
    bool autostart;
    gvStoragePoolInfo info; /* zeros when inactive */
} gvStoragePoolStatus;

/* virConnectListAllStoragePoolsFlags */
#define GV_STORAGE_LIST_INACTIVE (1U << 0)
#define GV_STORAGE_LIST_ACTIVE (1U << 1)
#define GV_STORAGE_LIST_PERSISTENT (1U << 2)
#define GV_STORAGE_LIST_TRANSIENT (1U << 3)
#define GV_STORAGE_LIST_AUTOSTART (1U << 4)
#define GV_STORAGE_LIST_NO_AUTOSTART (1U << 5)
#define GV_STORAGE_LIST_DIR (1U << 6)
/* the other pool types, up to VIR_CONNECT_LIST_STORAGE_POOLS_ISCSI_DIRECT */
#define GV_STORAGE_LIST_OTHER_TYPES (((1U << 20) - 1) & ~((1U << 7) - 1))

/* virStoragePoolBuildFlags, virStoragePoolCreateFlags */
#define GV_STORAGE_BUILD_NO_OVERWRITE (1U << 2)
#define GV_STORAGE_BUILD_OVERWRITE (1U << 3)
#define GV_STORAGE_CREATE_BUILD (1U << 0)
#define GV_STORAGE_CREATE_BUILD_OVERWRITE (1U << 1)
#define GV_STORAGE_CREATE_BUILD_NO_OVERWRITE (1U << 2)
/* virStorageXMLFlags */
#define GV_STORAGE_XML_INACTIVE (1U << 0)
/* virStorageVolCreateFlags */
#define GV_STORAGE_VOL_CREATE_PREALLOC_METADATA (1U << 0)
#define GV_STORAGE_VOL_CREATE_REFLINK (1U << 1)
/* virStorageVolResizeFlags */
#define GV_STORAGE_VOL_RESIZE_ALLOCATE (1U << 0)
#define GV_STORAGE_VOL_RESIZE_DELTA (1U << 1)
#define GV_STORAGE_VOL_RESIZE_SHRINK (1U << 2)

/* @root: NULL or "" for the system paths */
gvStorageDriver *gvStorageDriverNew(const char *root, GError **error);
void gvStorageDriverFree(gvStorageDriver *sd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvStorageDriver, gvStorageDriverFree)

/*
 * Loads the pool configs and the active pools, then starts the autostart
 * ones.  A config that does not load is logged and renamed
 * NAME.xml.rejected.  Returns the number of pools.
 */
int gvStorageDriverLoad(gvStorageDriver *sd);

/* ---- pools: each names the pool by UUID (@ref->name for messages) ----------------- */

int gvStoragePoolDefine(gvStorageDriver *sd, const char *xml, gvStoragePoolRef *out,
                        GError **error);
/* A transient pool, started at once (@flags: GV_STORAGE_CREATE_*) */
int gvStoragePoolCreateXML(gvStorageDriver *sd, const char *xml, unsigned int flags,
                           gvStoragePoolRef *out, GError **error);
int gvStoragePoolLookupByName(gvStorageDriver *sd, const char *name, gvStoragePoolRef *out,
                              GError **error);
int gvStoragePoolLookupByUUID(gvStorageDriver *sd, const unsigned char *uuid, gvStoragePoolRef *out,
                              GError **error);
/* 1 with @out: the pool of directory @path; 0: none */
int gvStoragePoolLookupByTarget(gvStorageDriver *sd, const char *path, gvStoragePoolRef *out);

int gvStoragePoolCreate(gvStorageDriver *sd, const gvStoragePoolRef *ref, unsigned int flags,
                        GError **error);
int gvStoragePoolBuild(gvStorageDriver *sd, const gvStoragePoolRef *ref, unsigned int flags,
                       GError **error);
int gvStoragePoolDestroy(gvStorageDriver *sd, const gvStoragePoolRef *ref, GError **error);
/* Removes the (empty) directory of an inactive pool */
int gvStoragePoolDelete(gvStorageDriver *sd, const gvStoragePoolRef *ref, unsigned int flags,
                        GError **error);
int gvStoragePoolUndefine(gvStorageDriver *sd, const gvStoragePoolRef *ref, GError **error);
int gvStoragePoolRefresh(gvStorageDriver *sd, const gvStoragePoolRef *ref, GError **error);
int gvStoragePoolGetStatus(gvStorageDriver *sd, const gvStoragePoolRef *ref,
                           gvStoragePoolStatus *out, GError **error);
/* GV_STORAGE_XML_INACTIVE: the config of an active pool redefined since its start */
char *gvStoragePoolGetXMLDesc(gvStorageDriver *sd, const gvStoragePoolRef *ref, unsigned int flags,
                              GError **error);
int gvStoragePoolSetAutostart(gvStorageDriver *sd, const gvStoragePoolRef *ref, bool autostart,
                              GError **error);
/* The pools passing the GV_STORAGE_LIST_* @flags, sorted by name (gvStoragePoolRef *) */
GPtrArray *gvStoragePoolList(gvStorageDriver *sd, unsigned int flags);

/* ---- volumes of an active pool ------------------------------------------------------- */

/* File names, sorted, at most @max */
GPtrArray *gvStoragePoolListVolumes(gvStorageDriver *sd, const gvStoragePoolRef *ref, guint max,
                                    GError **error);
int gvStorageVolLookupByName(gvStorageDriver *sd, const char *pool, const char *name,
                             gvStorageFile *out, GError **error);
/*
 * 1: @path is a volume of an active pool (@pool and @out filled); 0: it is
 * in no active pool's directory; -1: it is in one, but no volume.
 */
int gvStorageVolLookupByPath(gvStorageDriver *sd, const char *path, gvStoragePoolRef *pool,
                             gvStorageFile *out, GError **error);
/*
 * Creates the volume @xml describes in pool @ref: qemu-img create, or,
 * with @from (the path of any volume), a copy converted to the new
 * format (qemu-img convert), grown to the capacity asked for.
 */
int gvStorageVolCreateXML(gvStorageDriver *sd, const gvStoragePoolRef *ref, const char *xml,
                          const char *from, unsigned int flags, gvStorageFile *out, GError **error);
int gvStorageVolDelete(gvStorageDriver *sd, const char *pool, const char *name, GError **error);
int gvStorageVolResize(gvStorageDriver *sd, const char *pool, const char *name,
                       unsigned long long capacity, unsigned int flags, GError **error);
