/*
 * remote_storage.c: image files as storage volumes, read-only
 * (protocol/storage.rpc; the files are src/driver/storage_files.c's)
 *
 * A volume names its file by its key (the path); its pool is the
 * directory it is in.  No pool is ever listed or created.
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "gvuuid.h"
#include "remote_procs-gen.h"
#include "storage_files.h"

/* virStoragePoolState */
#define GV_STORAGE_POOL_RUNNING 2
/* virStorageXMLFlags */
#define GV_STORAGE_XML_INACTIVE (1 << 0)

static void
gvStorageSetPool(gvRemoteStoragePool *out, const char *dir)
{
    g_free(out->name);
    out->name = g_strdup(dir);
    gvStoragePoolUUID(dir, out->uuid);
}

static void
gvStorageSetVol(gvRemoteStorageVol *out, const gvStorageFile *f)
{
    g_free(out->pool);
    g_free(out->name);
    g_free(out->key);
    out->pool = g_path_get_dirname(f->path);
    out->name = g_path_get_basename(f->path);
    out->key = g_strdup(f->path);
}

/* The file of a volume the client names: its key is the path */
static int
gvStorageLookupVol(const gvRemoteStorageVol *vol, gvStorageFile *f, GError **error)
{
    return gvStorageFileLookup(vol->key, f, error);
}

/* ---- no pools are listed -------------------------------------------------------- */

int
gvProcConnectNumOfStoragePools(gvCall *call, const gvRpcVoid *args, gvIntRet *ret, GError **error)
{
    ret->num = 0;
    return 0;
}

int
gvProcConnectNumOfDefinedStoragePools(gvCall *call, const gvRpcVoid *args, gvIntRet *ret,
                                      GError **error)
{
    ret->num = 0;
    return 0;
}

int
gvProcConnectListStoragePools(gvCall *call, const gvIntArgs *args, gvStorageNamesRet *ret,
                              GError **error)
{
    return 0;
}

int
gvProcConnectListDefinedStoragePools(gvCall *call, const gvIntArgs *args, gvStorageNamesRet *ret,
                                     GError **error)
{
    return 0;
}

int
gvProcConnectListAllStoragePools(gvCall *call, const gvNeedResultsArgs *args,
                                 gvListAllStoragePoolsRet *ret, GError **error)
{
    /* every filter flag gives the same empty list */
    ret->ret = 0;
    return 0;
}

/* ---- pools ------------------------------------------------------------------------ */

int
gvProcStoragePoolLookupByName(gvCall *call, const gvLookupByNameArgs *args, gvStoragePoolRet *ret,
                              GError **error)
{
    if (gvStoragePoolCheck(args->name, error) < 0)
        return -1;
    gvStorageSetPool(&ret->pool, args->name);
    return 0;
}

int
gvProcStoragePoolLookupByTargetPath(gvCall *call, const gvPathArgs *args, gvStoragePoolRet *ret,
                                    GError **error)
{
    if (gvStoragePoolCheck(args->path, NULL) < 0) {
        gvReportError(error, GV_ERR_NO_STORAGE_POOL,
                      "no storage pool with matching target path '%s'", args->path);
        return -1;
    }
    gvStorageSetPool(&ret->pool, args->path);
    return 0;
}

int
gvProcStoragePoolLookupByUUID(gvCall *call, const gvLookupByUUIDArgs *args, gvStoragePoolRet *ret,
                              GError **error)
{
    char uuid[GV_UUID_STRING_BUFLEN];

    /* a pool's UUID is a hash of its directory: it cannot be looked up */
    gvReportError(error, GV_ERR_NO_STORAGE_POOL, "no storage pool with matching uuid '%s'",
                  gvUUIDFormat(args->uuid, uuid));
    return -1;
}

int
gvProcStoragePoolLookupByVolume(gvCall *call, const gvStorageVolArgs *args, gvStoragePoolRet *ret,
                                GError **error)
{
    g_auto(gvStorageFile) f = { 0 };
    g_autofree char *dir = NULL;

    if (gvStorageLookupVol(&args->vol, &f, error) < 0)
        return -1;
    dir = g_path_get_dirname(f.path);
    gvStorageSetPool(&ret->pool, dir);
    return 0;
}

int
gvProcStoragePoolGetInfo(gvCall *call, const gvStoragePoolArgs *args, gvStoragePoolGetInfoRet *ret,
                         GError **error)
{
    gvStoragePoolInfo info;

    if (gvStoragePoolGetInfo(args->pool.name, &info, error) < 0)
        return -1;
    ret->state = GV_STORAGE_POOL_RUNNING;
    ret->capacity = info.capacity;
    ret->allocation = info.allocation;
    ret->available = info.available;
    return 0;
}

int
gvProcStoragePoolGetXMLDesc(gvCall *call, const gvStoragePoolFlagsArgs *args, gvStringRet *ret,
                            GError **error)
{
    if (gvCallCheckFlags(call, args->flags, GV_STORAGE_XML_INACTIVE, error) < 0 ||
        gvStoragePoolCheck(args->pool.name, error) < 0)
        return -1;
    ret->str = gvStoragePoolFormatXML(args->pool.name);
    return 0;
}

int
gvProcStoragePoolGetAutostart(gvCall *call, const gvStoragePoolArgs *args, gvIntRet *ret,
                              GError **error)
{
    if (gvStoragePoolCheck(args->pool.name, error) < 0)
        return -1;
    ret->num = 0;
    return 0;
}

int
gvProcStoragePoolIsActive(gvCall *call, const gvStoragePoolArgs *args, gvIntRet *ret,
                          GError **error)
{
    if (gvStoragePoolCheck(args->pool.name, error) < 0)
        return -1;
    ret->num = 1;
    return 0;
}

int
gvProcStoragePoolIsPersistent(gvCall *call, const gvStoragePoolArgs *args, gvIntRet *ret,
                              GError **error)
{
    if (gvStoragePoolCheck(args->pool.name, error) < 0)
        return -1;
    ret->num = 0; /* nothing is defined: it exists as long as the directory does */
    return 0;
}

int
gvProcStoragePoolNumOfVolumes(gvCall *call, const gvStoragePoolArgs *args, gvIntRet *ret,
                              GError **error)
{
    g_autoptr(GPtrArray) names =
        gvStoragePoolListVolumes(args->pool.name, GV_REMOTE_STORAGE_VOL_LIST_MAX, error);

    if (!names)
        return -1;
    ret->num = (gint32)names->len;
    return 0;
}

int
gvProcStoragePoolListVolumes(gvCall *call, const gvStoragePoolListVolumesArgs *args,
                             gvStorageNamesRet *ret, GError **error)
{
    g_autoptr(GPtrArray) names = NULL;

    if (args->maxnames < 0 || args->maxnames > GV_REMOTE_STORAGE_VOL_LIST_MAX) {
        gvReportError(error, GV_ERR_INVALID_ARG, "maxnames '%d' is not between 0 and %d",
                      args->maxnames, GV_REMOTE_STORAGE_VOL_LIST_MAX);
        return -1;
    }
    if (!(names = gvStoragePoolListVolumes(args->pool.name, (guint)args->maxnames, error)))
        return -1;
    gvCallSetNames(&ret->names, names, (guint)args->maxnames);
    return 0;
}

int
gvProcStoragePoolListAllVolumes(gvCall *call, const gvStoragePoolListAllVolumesArgs *args,
                                gvListAllStorageVolsRet *ret, GError **error)
{
    g_autoptr(GPtrArray) names = NULL;
    gvRemoteStorageVol *v;
    guint n = 0;
    guint i;

    if (gvCallCheckFlags(call, args->flags, 0, error) < 0 ||
        !(names = gvStoragePoolListVolumes(args->pool.name, GV_REMOTE_STORAGE_VOL_LIST_MAX, error)))
        return -1;
    ret->ret = names->len;
    if (!args->needResults)
        return 0;
    gvXdrArrayAlloc(&ret->vols, names->len, sizeof(gvRemoteStorageVol));
    v = ret->vols.v;
    for (i = 0; i < names->len; i++) {
        g_auto(gvStorageFile) f = { 0 };

        /* gone, or replaced by a directory, since the listing: left out */
        if (gvStorageFileLookupInPool(args->pool.name, g_ptr_array_index(names, i), &f, NULL) < 0)
            continue;
        gvStorageSetVol(&v[n++], &f);
    }
    ret->vols.n = n;
    ret->ret = n;
    return 0;
}

/* ---- volumes ---------------------------------------------------------------------- */

int
gvProcStorageVolLookupByPath(gvCall *call, const gvPathArgs *args, gvStorageVolRet *ret,
                             GError **error)
{
    g_auto(gvStorageFile) f = { 0 };

    if (gvStorageFileLookup(args->path, &f, error) < 0)
        return -1;
    gvStorageSetVol(&ret->vol, &f);
    return 0;
}

int
gvProcStorageVolLookupByKey(gvCall *call, const gvPathArgs *args, gvStorageVolRet *ret,
                            GError **error)
{
    g_auto(gvStorageFile) f = { 0 };

    if (gvStorageFileLookup(args->path, &f, NULL) < 0) {
        gvReportError(error, GV_ERR_NO_STORAGE_VOL, "no storage vol with matching key '%s'",
                      args->path);
        return -1;
    }
    gvStorageSetVol(&ret->vol, &f);
    return 0;
}

int
gvProcStorageVolLookupByName(gvCall *call, const gvStorageVolLookupByNameArgs *args,
                             gvStorageVolRet *ret, GError **error)
{
    g_auto(gvStorageFile) f = { 0 };

    if (gvStorageFileLookupInPool(args->pool.name, args->name, &f, error) < 0)
        return -1;
    gvStorageSetVol(&ret->vol, &f);
    return 0;
}

int
gvProcStorageVolGetInfo(gvCall *call, const gvStorageVolArgs *args, gvStorageVolGetInfoRet *ret,
                        GError **error)
{
    g_auto(gvStorageFile) f = { 0 };

    if (gvStorageLookupVol(&args->vol, &f, error) < 0)
        return -1;
    ret->type = (gint32)f.type;
    ret->capacity = f.capacity;
    ret->allocation = f.allocation;
    return 0;
}

int
gvProcStorageVolGetXMLDesc(gvCall *call, const gvStorageVolFlagsArgs *args, gvStringRet *ret,
                           GError **error)
{
    g_auto(gvStorageFile) f = { 0 };

    if (gvCallCheckFlags(call, args->flags, 0, error) < 0 ||
        gvStorageLookupVol(&args->vol, &f, error) < 0)
        return -1;
    ret->str = gvStorageFileFormatXML(&f);
    return 0;
}

int
gvProcStorageVolGetPath(gvCall *call, const gvStorageVolArgs *args, gvStringRet *ret,
                        GError **error)
{
    g_auto(gvStorageFile) f = { 0 };

    if (gvStorageLookupVol(&args->vol, &f, error) < 0)
        return -1;
    ret->str = g_strdup(f.path);
    return 0;
}
