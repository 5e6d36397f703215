/*
 * remote_storage.c: storage pools and volumes (protocol/storage.rpc)
 *
 * Two kinds of pool answer here: the defined directory pools of
 * src/driver/storage_driver.c, named by their name and UUID, and, for
 * image files in no pool's directory, the implicit pool of that directory
 * (src/driver/storage_files.c): named by the directory's path, read-only,
 * never listed.  A pool name starting with '/' is an implicit one.
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "gvuuid.h"
#include "remote_procs-gen.h"
#include "storage_driver.h"
#include "storage_files.h"

/* virConnectListAllStoragePoolsFlags we know */
#define GV_STORAGE_LIST_ALL_FLAGS ((1U << 20) - 1)

static bool
gvStorageImplicit(const char *pool)
{
    return pool[0] == '/';
}

/* The driver's name for the pool the client names (borrowing its name) */
static gvStoragePoolRef
gvStorageRef(const gvRemoteStoragePool *pool)
{
    gvStoragePoolRef ref = { (char *)pool->name, { 0 } };

    memcpy(ref.uuid, pool->uuid, GV_UUID_BUFLEN);
    return ref;
}

static void
gvStorageSetPoolRef(gvRemoteStoragePool *out, const gvStoragePoolRef *ref)
{
    g_free(out->name);
    out->name = g_strdup(ref->name);
    memcpy(out->uuid, ref->uuid, GV_UUID_BUFLEN);
}

static void
gvStorageSetImplicitPool(gvRemoteStoragePool *out, const char *dir)
{
    g_free(out->name);
    out->name = g_strdup(dir);
    gvStoragePoolUUID(dir, out->uuid);
}

/* A volume of pool @pool (NULL: the implicit pool of its directory) */
static void
gvStorageSetVol(gvRemoteStorageVol *out, const char *pool, const gvStorageFile *f)
{
    g_free(out->pool);
    g_free(out->name);
    g_free(out->key);
    out->pool = pool ? g_strdup(pool) : g_path_get_dirname(f->path);
    out->name = g_path_get_basename(f->path);
    out->key = g_strdup(f->path);
}

/* The file of a volume the client names */
static int
gvStorageResolveVol(gvCall *call, const gvRemoteStorageVol *vol, gvStorageFile *f, GError **error)
{
    if (gvStorageImplicit(vol->pool))
        return gvStorageFileLookup(vol->key, f, error);
    return gvStorageVolLookupByName(call->daemon->storage, vol->pool, vol->name, f, error);
}

static int
gvStorageReadOnlyPool(const char *name, GError **error)
{
    gvReportError(error, GV_ERR_OPERATION_INVALID,
                  "storage pool '%s' is the implicit pool of a directory: define a pool for "
                  "that directory to change it",
                  name);
    return -1;
}

/* ---- lists --------------------------------------------------------------------- */

static GPtrArray *
gvStorageNames(gvCall *call, unsigned int flags)
{
    g_autoptr(GPtrArray) pools = gvStoragePoolList(call->daemon->storage, flags);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    guint i;

    for (i = 0; i < pools->len; i++) {
        gvStoragePoolRef *ref = g_ptr_array_index(pools, i);

        g_ptr_array_add(names, g_steal_pointer(&ref->name));
    }
    return names;
}

static int
gvStorageListNames(gvCall *call, int maxnames, unsigned int flags, gvStorageNamesRet *ret,
                   GError **error)
{
    g_autoptr(GPtrArray) names = NULL;

    if (maxnames < 0 || maxnames > GV_REMOTE_STORAGE_POOL_LIST_MAX) {
        gvReportError(error, GV_ERR_INVALID_ARG, "maxnames '%d' is not between 0 and %d", maxnames,
                      GV_REMOTE_STORAGE_POOL_LIST_MAX);
        return -1;
    }
    names = gvStorageNames(call, flags);
    gvCallSetNames(&ret->names, names, (guint)maxnames);
    return 0;
}

int
gvProcConnectNumOfStoragePools(gvCall *call, const gvRpcVoid *args, gvIntRet *ret, GError **error)
{
    g_autoptr(GPtrArray) names = gvStorageNames(call, GV_STORAGE_LIST_ACTIVE);

    ret->num = (gint32)names->len;
    return 0;
}

int
gvProcConnectNumOfDefinedStoragePools(gvCall *call, const gvRpcVoid *args, gvIntRet *ret,
                                      GError **error)
{
    g_autoptr(GPtrArray) names = gvStorageNames(call, GV_STORAGE_LIST_INACTIVE);

    ret->num = (gint32)names->len;
    return 0;
}

int
gvProcConnectListStoragePools(gvCall *call, const gvIntArgs *args, gvStorageNamesRet *ret,
                              GError **error)
{
    return gvStorageListNames(call, args->num, GV_STORAGE_LIST_ACTIVE, ret, error);
}

int
gvProcConnectListDefinedStoragePools(gvCall *call, const gvIntArgs *args, gvStorageNamesRet *ret,
                                     GError **error)
{
    return gvStorageListNames(call, args->num, GV_STORAGE_LIST_INACTIVE, ret, error);
}

int
gvProcConnectListAllStoragePools(gvCall *call, const gvNeedResultsArgs *args,
                                 gvListAllStoragePoolsRet *ret, GError **error)
{
    g_autoptr(GPtrArray) pools = NULL;
    gvRemoteStoragePool *v;
    guint i;

    if (gvCallCheckFlags(call, args->flags, GV_STORAGE_LIST_ALL_FLAGS, error) < 0)
        return -1;
    pools = gvStoragePoolList(call->daemon->storage, args->flags);
    ret->ret = pools->len;
    if (!args->needResults)
        return 0;
    gvXdrArrayAlloc(&ret->pools, pools->len, sizeof(gvRemoteStoragePool));
    v = ret->pools.v;
    for (i = 0; i < pools->len; i++)
        gvStorageSetPoolRef(&v[i], g_ptr_array_index(pools, i));
    return 0;
}

/* ---- pools: define, start, stop ------------------------------------------------- */

int
gvProcStoragePoolDefineXML(gvCall *call, const gvXMLFlagsArgs *args, gvStoragePoolRet *ret,
                           GError **error)
{
    g_auto(gvStoragePoolRef) ref = { 0 };

    /* VIR_STORAGE_POOL_DEFINE_VALIDATE: the parser is always strict */
    if (gvCallCheckFlags(call, args->flags, 1, error) < 0 ||
        gvStoragePoolDefine(call->daemon->storage, args->xml, &ref, error) < 0)
        return -1;
    gvStorageSetPoolRef(&ret->pool, &ref);
    return 0;
}

int
gvProcStoragePoolCreateXML(gvCall *call, const gvXMLFlagsArgs *args, gvStoragePoolRet *ret,
                           GError **error)
{
    g_auto(gvStoragePoolRef) ref = { 0 };

    if (gvCallCheckFlags(call, args->flags,
                         GV_STORAGE_CREATE_BUILD | GV_STORAGE_CREATE_BUILD_OVERWRITE |
                             GV_STORAGE_CREATE_BUILD_NO_OVERWRITE,
                         error) < 0 ||
        gvStoragePoolCreateXML(call->daemon->storage, args->xml, args->flags, &ref, error) < 0)
        return -1;
    gvStorageSetPoolRef(&ret->pool, &ref);
    return 0;
}

int
gvProcStoragePoolCreate(gvCall *call, const gvStoragePoolFlagsArgs *args, gvRpcVoid *ret,
                        GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(&args->pool);

    if (gvStorageImplicit(args->pool.name))
        return gvStorageReadOnlyPool(args->pool.name, error);
    if (gvCallCheckFlags(call, args->flags,
                         GV_STORAGE_CREATE_BUILD | GV_STORAGE_CREATE_BUILD_OVERWRITE |
                             GV_STORAGE_CREATE_BUILD_NO_OVERWRITE,
                         error) < 0)
        return -1;
    return gvStoragePoolCreate(call->daemon->storage, &ref, args->flags, error);
}

int
gvProcStoragePoolBuild(gvCall *call, const gvStoragePoolFlagsArgs *args, gvRpcVoid *ret,
                       GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(&args->pool);

    if (gvStorageImplicit(args->pool.name))
        return gvStorageReadOnlyPool(args->pool.name, error);
    if (gvCallCheckFlags(call, args->flags,
                         GV_STORAGE_BUILD_NO_OVERWRITE | GV_STORAGE_BUILD_OVERWRITE, error) < 0)
        return -1;
    return gvStoragePoolBuild(call->daemon->storage, &ref, args->flags, error);
}

int
gvProcStoragePoolDestroy(gvCall *call, const gvStoragePoolArgs *args, gvRpcVoid *ret,
                         GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(&args->pool);

    if (gvStorageImplicit(args->pool.name))
        return gvStorageReadOnlyPool(args->pool.name, error);
    return gvStoragePoolDestroy(call->daemon->storage, &ref, error);
}

int
gvProcStoragePoolDelete(gvCall *call, const gvStoragePoolFlagsArgs *args, gvRpcVoid *ret,
                        GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(&args->pool);

    if (gvStorageImplicit(args->pool.name))
        return gvStorageReadOnlyPool(args->pool.name, error);
    /* VIR_STORAGE_POOL_DELETE_NORMAL only: nothing is zeroed */
    if (gvCallCheckFlags(call, args->flags, 0, error) < 0)
        return -1;
    return gvStoragePoolDelete(call->daemon->storage, &ref, args->flags, error);
}

int
gvProcStoragePoolUndefine(gvCall *call, const gvStoragePoolArgs *args, gvRpcVoid *ret,
                          GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(&args->pool);

    if (gvStorageImplicit(args->pool.name))
        return gvStorageReadOnlyPool(args->pool.name, error);
    return gvStoragePoolUndefine(call->daemon->storage, &ref, error);
}

int
gvProcStoragePoolRefresh(gvCall *call, const gvStoragePoolFlagsArgs *args, gvRpcVoid *ret,
                         GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(&args->pool);

    if (gvCallCheckFlags(call, args->flags, 0, error) < 0)
        return -1;
    /* an implicit pool is read afresh at each call too */
    if (gvStorageImplicit(args->pool.name))
        return gvStoragePoolCheck(args->pool.name, error);
    return gvStoragePoolRefresh(call->daemon->storage, &ref, error);
}

int
gvProcStoragePoolSetAutostart(gvCall *call, const gvStoragePoolSetAutostartArgs *args,
                              gvRpcVoid *ret, GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(&args->pool);

    if (gvStorageImplicit(args->pool.name))
        return gvStorageReadOnlyPool(args->pool.name, error);
    return gvStoragePoolSetAutostart(call->daemon->storage, &ref, args->autostart != 0, error);
}

/* ---- pools: lookups and information -------------------------------------------- */

int
gvProcStoragePoolLookupByName(gvCall *call, const gvLookupByNameArgs *args, gvStoragePoolRet *ret,
                              GError **error)
{
    g_auto(gvStoragePoolRef) ref = { 0 };

    if (gvStorageImplicit(args->name)) {
        if (gvStoragePoolCheck(args->name, error) < 0)
            return -1;
        gvStorageSetImplicitPool(&ret->pool, args->name);
        return 0;
    }
    if (gvStoragePoolLookupByName(call->daemon->storage, args->name, &ref, error) < 0)
        return -1;
    gvStorageSetPoolRef(&ret->pool, &ref);
    return 0;
}

int
gvProcStoragePoolLookupByTargetPath(gvCall *call, const gvPathArgs *args, gvStoragePoolRet *ret,
                                    GError **error)
{
    g_auto(gvStoragePoolRef) ref = { 0 };

    if (gvStoragePoolLookupByTarget(call->daemon->storage, args->path, &ref) == 1) {
        gvStorageSetPoolRef(&ret->pool, &ref);
        return 0;
    }
    if (gvStoragePoolCheck(args->path, NULL) < 0) {
        gvReportError(error, GV_ERR_NO_STORAGE_POOL,
                      "no storage pool with matching target path '%s'", args->path);
        return -1;
    }
    gvStorageSetImplicitPool(&ret->pool, args->path);
    return 0;
}

int
gvProcStoragePoolLookupByUUID(gvCall *call, const gvLookupByUUIDArgs *args, gvStoragePoolRet *ret,
                              GError **error)
{
    g_auto(gvStoragePoolRef) ref = { 0 };

    /* an implicit pool's UUID is a hash of its directory: it cannot be looked up */
    if (gvStoragePoolLookupByUUID(call->daemon->storage, args->uuid, &ref, error) < 0)
        return -1;
    gvStorageSetPoolRef(&ret->pool, &ref);
    return 0;
}

int
gvProcStoragePoolLookupByVolume(gvCall *call, const gvStorageVolArgs *args, gvStoragePoolRet *ret,
                                GError **error)
{
    g_auto(gvStorageFile) f = { 0 };
    g_autofree char *dir = NULL;

    if (gvStorageImplicit(args->vol.pool)) {
        if (gvStorageFileLookup(args->vol.key, &f, error) < 0)
            return -1;
        dir = g_path_get_dirname(f.path);
        gvStorageSetImplicitPool(&ret->pool, dir);
        return 0;
    }
    return gvProcStoragePoolLookupByName(call, &(gvLookupByNameArgs){ args->vol.pool }, ret, error);
}

int
gvProcStoragePoolGetInfo(gvCall *call, const gvStoragePoolArgs *args, gvStoragePoolGetInfoRet *ret,
                         GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(&args->pool);
    gvStoragePoolStatus st;

    if (gvStorageImplicit(args->pool.name)) {
        if (gvStoragePoolGetInfo(args->pool.name, &st.info, error) < 0)
            return -1;
        st.active = true;
    } else if (gvStoragePoolGetStatus(call->daemon->storage, &ref, &st, error) < 0) {
        return -1;
    }
    ret->state = st.active ? GV_STORAGE_POOL_RUNNING : GV_STORAGE_POOL_INACTIVE;
    ret->capacity = st.info.capacity;
    ret->allocation = st.info.allocation;
    ret->available = st.info.available;
    return 0;
}

int
gvProcStoragePoolGetXMLDesc(gvCall *call, const gvStoragePoolFlagsArgs *args, gvStringRet *ret,
                            GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(&args->pool);

    if (gvCallCheckFlags(call, args->flags, GV_STORAGE_XML_INACTIVE, error) < 0)
        return -1;
    if (gvStorageImplicit(args->pool.name)) {
        if (gvStoragePoolCheck(args->pool.name, error) < 0)
            return -1;
        ret->str = gvStoragePoolFormatXML(args->pool.name);
        return 0;
    }
    ret->str = gvStoragePoolGetXMLDesc(call->daemon->storage, &ref, args->flags, error);
    return ret->str ? 0 : -1;
}

/* The status of a pool; an implicit one is active, transient, not autostarted */
static int
gvStorageStatus(gvCall *call, const gvRemoteStoragePool *pool, gvStoragePoolStatus *st,
                GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(pool);

    if (gvStorageImplicit(pool->name)) {
        if (gvStoragePoolCheck(pool->name, error) < 0)
            return -1;
        memset(st, 0, sizeof(*st));
        st->active = true;
        return 0;
    }
    return gvStoragePoolGetStatus(call->daemon->storage, &ref, st, error);
}

int
gvProcStoragePoolGetAutostart(gvCall *call, const gvStoragePoolArgs *args, gvIntRet *ret,
                              GError **error)
{
    gvStoragePoolStatus st;

    if (gvStorageStatus(call, &args->pool, &st, error) < 0)
        return -1;
    ret->num = st.autostart;
    return 0;
}

int
gvProcStoragePoolIsActive(gvCall *call, const gvStoragePoolArgs *args, gvIntRet *ret,
                          GError **error)
{
    gvStoragePoolStatus st;

    if (gvStorageStatus(call, &args->pool, &st, error) < 0)
        return -1;
    ret->num = st.active;
    return 0;
}

int
gvProcStoragePoolIsPersistent(gvCall *call, const gvStoragePoolArgs *args, gvIntRet *ret,
                              GError **error)
{
    gvStoragePoolStatus st;

    if (gvStorageStatus(call, &args->pool, &st, error) < 0)
        return -1;
    ret->num = st.persistent;
    return 0;
}

/* ---- a pool's volumes ------------------------------------------------------------ */

static GPtrArray *
gvStorageVolumes(gvCall *call, const gvRemoteStoragePool *pool, guint max, GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(pool);

    if (gvStorageImplicit(pool->name))
        return gvStorageDirListVolumes(pool->name, max, error);
    return gvStoragePoolListVolumes(call->daemon->storage, &ref, max, error);
}

int
gvProcStoragePoolNumOfVolumes(gvCall *call, const gvStoragePoolArgs *args, gvIntRet *ret,
                              GError **error)
{
    g_autoptr(GPtrArray) names =
        gvStorageVolumes(call, &args->pool, GV_REMOTE_STORAGE_VOL_LIST_MAX, error);

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
    if (!(names = gvStorageVolumes(call, &args->pool, (guint)args->maxnames, error)))
        return -1;
    gvCallSetNames(&ret->names, names, (guint)args->maxnames);
    return 0;
}

int
gvProcStoragePoolListAllVolumes(gvCall *call, const gvStoragePoolListAllVolumesArgs *args,
                                gvListAllStorageVolsRet *ret, GError **error)
{
    g_autoptr(GPtrArray) names = NULL;
    bool implicit = gvStorageImplicit(args->pool.name);
    gvRemoteStorageVol *v;
    guint n = 0;
    guint i;

    if (gvCallCheckFlags(call, args->flags, 0, error) < 0 ||
        !(names = gvStorageVolumes(call, &args->pool, GV_REMOTE_STORAGE_VOL_LIST_MAX, error)))
        return -1;
    ret->ret = names->len;
    if (!args->needResults)
        return 0;
    gvXdrArrayAlloc(&ret->vols, names->len, sizeof(gvRemoteStorageVol));
    v = ret->vols.v;
    for (i = 0; i < names->len; i++) {
        g_auto(gvStorageFile) f = { 0 };
        const char *name = g_ptr_array_index(names, i);
        int rc = implicit ? gvStorageFileLookupInDir(args->pool.name, name, &f, NULL)
                          : gvStorageVolLookupByName(call->daemon->storage, args->pool.name, name,
                                                     &f, NULL);

        /* gone, or replaced by a directory, since the listing: left out */
        if (rc < 0)
            continue;
        gvStorageSetVol(&v[n++], implicit ? NULL : args->pool.name, &f);
    }
    ret->vols.n = n;
    ret->ret = n;
    return 0;
}

/* ---- volumes: lookups and information ------------------------------------------ */

/* The volume at @path: of the active pool whose directory it is in, or implicit */
static int
gvStorageVolByPath(gvCall *call, const char *path, const char *what, gvStorageVolRet *ret,
                   GError **error)
{
    g_auto(gvStoragePoolRef) pool = { 0 };
    g_auto(gvStorageFile) f = { 0 };
    int rc = gvStorageVolLookupByPath(call->daemon->storage, path, &pool, &f, error);

    if (rc < 0)
        return -1;
    if (rc == 0 && gvStorageFileLookup(path, &f, NULL) < 0) {
        gvReportError(error, GV_ERR_NO_STORAGE_VOL, "no storage vol with matching %s '%s'", what,
                      path);
        return -1;
    }
    gvStorageSetVol(&ret->vol, rc == 1 ? pool.name : NULL, &f);
    return 0;
}

int
gvProcStorageVolLookupByPath(gvCall *call, const gvPathArgs *args, gvStorageVolRet *ret,
                             GError **error)
{
    /* NO_STORAGE_VOL (50) for no such file: virtinst then looks for its pool */
    return gvStorageVolByPath(call, args->path, "path", ret, error);
}

int
gvProcStorageVolLookupByKey(gvCall *call, const gvPathArgs *args, gvStorageVolRet *ret,
                            GError **error)
{
    return gvStorageVolByPath(call, args->path, "key", ret, error);
}

int
gvProcStorageVolLookupByName(gvCall *call, const gvStorageVolLookupByNameArgs *args,
                             gvStorageVolRet *ret, GError **error)
{
    g_auto(gvStorageFile) f = { 0 };
    bool implicit = gvStorageImplicit(args->pool.name);

    if (implicit) {
        if (gvStorageFileLookupInDir(args->pool.name, args->name, &f, error) < 0)
            return -1;
    } else if (gvStorageVolLookupByName(call->daemon->storage, args->pool.name, args->name, &f,
                                        error) < 0) {
        return -1;
    }
    gvStorageSetVol(&ret->vol, implicit ? NULL : args->pool.name, &f);
    return 0;
}

int
gvProcStorageVolGetInfo(gvCall *call, const gvStorageVolArgs *args, gvStorageVolGetInfoRet *ret,
                        GError **error)
{
    g_auto(gvStorageFile) f = { 0 };

    if (gvStorageResolveVol(call, &args->vol, &f, error) < 0)
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
        gvStorageResolveVol(call, &args->vol, &f, error) < 0)
        return -1;
    ret->str = gvStorageFileFormatXML(&f, NULL);
    return 0;
}

int
gvProcStorageVolGetPath(gvCall *call, const gvStorageVolArgs *args, gvStringRet *ret,
                        GError **error)
{
    g_auto(gvStorageFile) f = { 0 };

    if (gvStorageResolveVol(call, &args->vol, &f, error) < 0)
        return -1;
    ret->str = g_strdup(f.path);
    return 0;
}

/* ---- volumes: create, copy, resize, delete --------------------------------------- */

#define GV_STORAGE_VOL_CREATE_FLAGS \
    (GV_STORAGE_VOL_CREATE_PREALLOC_METADATA | GV_STORAGE_VOL_CREATE_REFLINK)

int
gvProcStorageVolCreateXML(gvCall *call, const gvStorageVolCreateXMLArgs *args, gvStorageVolRet *ret,
                          GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(&args->pool);
    g_auto(gvStorageFile) f = { 0 };

    if (gvStorageImplicit(args->pool.name))
        return gvStorageReadOnlyPool(args->pool.name, error);
    if (gvCallCheckFlags(call, args->flags, GV_STORAGE_VOL_CREATE_FLAGS, error) < 0 ||
        gvStorageVolCreateXML(call->daemon->storage, &ref, args->xml, NULL, args->flags, &f,
                              error) < 0)
        return -1;
    gvStorageSetVol(&ret->vol, args->pool.name, &f);
    return 0;
}

int
gvProcStorageVolCreateXMLFrom(gvCall *call, const gvStorageVolCreateXMLFromArgs *args,
                              gvStorageVolRet *ret, GError **error)
{
    gvStoragePoolRef ref = gvStorageRef(&args->pool);
    g_auto(gvStorageFile) src = { 0 };
    g_auto(gvStorageFile) f = { 0 };

    if (gvStorageImplicit(args->pool.name))
        return gvStorageReadOnlyPool(args->pool.name, error);
    if (gvCallCheckFlags(call, args->flags, GV_STORAGE_VOL_CREATE_FLAGS, error) < 0 ||
        gvStorageResolveVol(call, &args->clonevol, &src, error) < 0 ||
        gvStorageVolCreateXML(call->daemon->storage, &ref, args->xml, src.path, args->flags, &f,
                              error) < 0)
        return -1;
    gvStorageSetVol(&ret->vol, args->pool.name, &f);
    return 0;
}

int
gvProcStorageVolDelete(gvCall *call, const gvStorageVolFlagsArgs *args, gvRpcVoid *ret,
                       GError **error)
{
    if (gvStorageImplicit(args->vol.pool))
        return gvStorageReadOnlyPool(args->vol.pool, error);
    /* VIR_STORAGE_VOL_DELETE_NORMAL only: nothing is zeroed */
    if (gvCallCheckFlags(call, args->flags, 0, error) < 0)
        return -1;
    return gvStorageVolDelete(call->daemon->storage, args->vol.pool, args->vol.name, error);
}

int
gvProcStorageVolResize(gvCall *call, const gvStorageVolResizeArgs *args, gvRpcVoid *ret,
                       GError **error)
{
    if (gvStorageImplicit(args->vol.pool))
        return gvStorageReadOnlyPool(args->vol.pool, error);
    if (gvCallCheckFlags(call, args->flags,
                         GV_STORAGE_VOL_RESIZE_ALLOCATE | GV_STORAGE_VOL_RESIZE_DELTA |
                             GV_STORAGE_VOL_RESIZE_SHRINK,
                         error) < 0)
        return -1;
    return gvStorageVolResize(call->daemon->storage, args->vol.pool, args->vol.name, args->capacity,
                              args->flags, error);
}
