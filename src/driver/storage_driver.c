/*
 * storage_driver.c: directory storage pools and their volumes
 */
#include <gvconfig.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gverror.h"
#include "gvfile.h"
#include "qemu_img.h"
#include "storage_driver.h"

#define GV_STORAGE_CONFIG_MAX (1024 * 1024)
/* libvirt's mode for a directory its build makes */
#define GV_STORAGE_POOL_DIR_MODE 0711
#define GV_STORAGE_VOL_MODE 0600

typedef struct {
    gvStoragePoolDef *def; /* what runs (or the config of an inactive pool) */
    gvStoragePoolDef *newDef; /* the config, when redefined while active */
    bool active;
    bool persistent;
    bool autostart;
} gvStoragePoolObj;

struct _gvStorageDriver {
    char *root; /* "" or --root */
    char *configDir;
    char *autostartDir;
    char *stateDir;
    GMutex lock;
    GPtrArray *pools; /* gvStoragePoolObj */
    GHashTable *building; /* paths of the volumes qemu-img is making */
};

void
gvStoragePoolRefClear(gvStoragePoolRef *ref)
{
    g_clear_pointer(&ref->name, g_free);
}

void
gvStoragePoolRefFree(gvStoragePoolRef *ref)
{
    if (!ref)
        return;
    gvStoragePoolRefClear(ref);
    g_free(ref);
}

static void
gvStoragePoolObjFree(gvStoragePoolObj *obj)
{
    if (!obj)
        return;
    gvStoragePoolDefFree(obj->def);
    gvStoragePoolDefFree(obj->newDef);
    g_free(obj);
}

static void
gvStoragePoolRefSet(gvStoragePoolRef *out, const gvStoragePoolObj *obj)
{
    g_free(out->name);
    out->name = g_strdup(obj->def->name);
    memcpy(out->uuid, obj->def->uuid, GV_UUID_BUFLEN);
}

gvStorageDriver *
gvStorageDriverNew(const char *root, GError **error)
{
    g_autoptr(gvStorageDriver) sd = g_new0(gvStorageDriver, 1);
    const char *r = root ? root : "";

    sd->root = g_strdup(r);
    sd->configDir = g_strdup_printf("%s/etc/genvirt/storage", r);
    sd->autostartDir = g_strdup_printf("%s/autostart", sd->configDir);
    sd->stateDir = g_strdup_printf("%s/run/genvirt/storage", r);
    g_mutex_init(&sd->lock);
    sd->pools = g_ptr_array_new_with_free_func((GDestroyNotify)gvStoragePoolObjFree);
    sd->building = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (gvDirEnsure(sd->configDir, 0700, error) < 0 || gvDirEnsure(sd->stateDir, 0700, error) < 0)
        return NULL;
    return g_steal_pointer(&sd);
}

void
gvStorageDriverFree(gvStorageDriver *sd)
{
    if (!sd)
        return;
    g_ptr_array_unref(sd->pools);
    g_hash_table_unref(sd->building);
    g_mutex_clear(&sd->lock);
    g_free(sd->root);
    g_free(sd->configDir);
    g_free(sd->autostartDir);
    g_free(sd->stateDir);
    g_free(sd);
}

/* ---- paths and files ------------------------------------------------------ */

static char *
gvStorageConfigPath(gvStorageDriver *sd, const char *name)
{
    return g_strdup_printf("%s/%s.xml", sd->configDir, name);
}

static char *
gvStorageAutostartPath(gvStorageDriver *sd, const char *name)
{
    return g_strdup_printf("%s/%s.xml", sd->autostartDir, name);
}

static char *
gvStorageStatePath(gvStorageDriver *sd, const char *name)
{
    return g_strdup_printf("%s/%s.xml", sd->stateDir, name);
}

static char *
gvStorageVolPath(const gvStoragePoolDef *def, const char *name)
{
    if (g_str_equal(def->targetPath, "/"))
        return g_strconcat("/", name, NULL);
    return g_strconcat(def->targetPath, "/", name, NULL);
}

/* libvirt's own directories go under --root (storage_driver.h) */
static void
gvStorageMapTarget(gvStorageDriver *sd, gvStoragePoolDef *def)
{
    char *mapped;

    if (!sd->root[0] || !(g_str_equal(def->targetPath, "/var/lib/libvirt") ||
                          g_str_has_prefix(def->targetPath, "/var/lib/libvirt/")))
        return;
    mapped = g_strconcat(sd->root, def->targetPath, NULL);
    g_free(def->targetPath);
    def->targetPath = mapped;
}

static int
gvStorageWriteDef(const char *path, const gvStoragePoolDef *def, GError **error)
{
    g_autofree char *xml = gvStoragePoolDefFormat(def, NULL);

    return gvFileWriteAtomic(path, xml, strlen(xml), 0600, error);
}

static int
gvStorageWriteConfig(gvStorageDriver *sd, const gvStoragePoolDef *def, GError **error)
{
    g_autofree char *path = gvStorageConfigPath(sd, def->name);

    return gvStorageWriteDef(path, def, error);
}

static int
gvStorageRemoveAutostart(gvStorageDriver *sd, const char *name, GError **error)
{
    g_autofree char *link = gvStorageAutostartPath(sd, name);

    if (unlink(link) < 0 && errno != ENOENT) {
        gvReportSystemError(error, errno, "failed to delete symlink '%s'", link);
        return -1;
    }
    /* durable when the directory exists; no directory, no link */
    (void)gvFsyncDir(sd->autostartDir, NULL);
    return 0;
}

/* ---- the registry (sd->lock held) ------------------------------------------- */

static gvStoragePoolObj *
gvStorageFindByName(gvStorageDriver *sd, const char *name)
{
    guint i;

    for (i = 0; i < sd->pools->len; i++) {
        gvStoragePoolObj *obj = g_ptr_array_index(sd->pools, i);

        if (g_str_equal(obj->def->name, name))
            return obj;
    }
    return NULL;
}

static gvStoragePoolObj *
gvStorageFindByUUID(gvStorageDriver *sd, const unsigned char *uuid)
{
    guint i;

    for (i = 0; i < sd->pools->len; i++) {
        gvStoragePoolObj *obj = g_ptr_array_index(sd->pools, i);

        if (memcmp(obj->def->uuid, uuid, GV_UUID_BUFLEN) == 0)
            return obj;
    }
    return NULL;
}

static gvStoragePoolObj *
gvStorageFindByTarget(gvStorageDriver *sd, const char *path)
{
    guint i;

    for (i = 0; i < sd->pools->len; i++) {
        gvStoragePoolObj *obj = g_ptr_array_index(sd->pools, i);

        if (g_str_equal(obj->def->targetPath, path))
            return obj;
    }
    return NULL;
}

static gvStoragePoolObj *
gvStorageGet(gvStorageDriver *sd, const gvStoragePoolRef *ref, GError **error)
{
    gvStoragePoolObj *obj = gvStorageFindByUUID(sd, ref->uuid);
    char uuid[GV_UUID_STRING_BUFLEN];

    if (!obj) {
        gvReportError(error, GV_ERR_NO_STORAGE_POOL, "no storage pool with matching uuid '%s' (%s)",
                      gvUUIDFormat(ref->uuid, uuid), ref->name);
        return NULL;
    }
    return obj;
}

static gvStoragePoolObj *
gvStorageGetActive(gvStorageDriver *sd, const gvStoragePoolRef *ref, GError **error)
{
    gvStoragePoolObj *obj = gvStorageGet(sd, ref, error);

    if (obj && !obj->active) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "storage pool '%s' is not active",
                      obj->def->name);
        return NULL;
    }
    return obj;
}

static gvStoragePoolObj *
gvStorageGetActiveByName(gvStorageDriver *sd, const char *name, GError **error)
{
    gvStoragePoolObj *obj = gvStorageFindByName(sd, name);

    if (!obj) {
        gvReportError(error, GV_ERR_NO_STORAGE_POOL, "no storage pool with matching name '%s'",
                      name);
        return NULL;
    }
    if (!obj->active) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "storage pool '%s' is not active", name);
        return NULL;
    }
    return obj;
}

static void
gvStorageRemoveObj(gvStorageDriver *sd, gvStoragePoolObj *obj)
{
    g_ptr_array_remove(sd->pools, obj);
}

/*
 * A new def (@def, parsed, target mapped) against the registry: the same
 * name must be the same UUID, and no other pool may have its directory.
 * Returns the pool of that name, or NULL for a new one.
 */
static int
gvStorageCheckNew(gvStorageDriver *sd, gvStoragePoolDef *def, gvStoragePoolObj **existing,
                  GError **error)
{
    gvStoragePoolObj *byName = gvStorageFindByName(sd, def->name);
    gvStoragePoolObj *byTarget = gvStorageFindByTarget(sd, def->targetPath);
    char uuid[GV_UUID_STRING_BUFLEN];

    if (byName) {
        if (def->hasUUID && memcmp(byName->def->uuid, def->uuid, GV_UUID_BUFLEN) != 0) {
            gvReportError(error, GV_ERR_OPERATION_FAILED,
                          "pool '%s' is already defined with uuid %s", def->name,
                          gvUUIDFormat(byName->def->uuid, uuid));
            return -1;
        }
        memcpy(def->uuid, byName->def->uuid, GV_UUID_BUFLEN);
        def->hasUUID = true;
    } else if (def->hasUUID) {
        gvStoragePoolObj *byUUID = gvStorageFindByUUID(sd, def->uuid);

        if (byUUID) {
            gvReportError(error, GV_ERR_OPERATION_FAILED, "pool '%s' already exists with uuid %s",
                          byUUID->def->name, gvUUIDFormat(def->uuid, uuid));
            return -1;
        }
    } else {
        if (gvUUIDGenerate(def->uuid, error) < 0)
            return -1;
        def->hasUUID = true;
    }
    if (byTarget && byTarget != byName) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "storage source conflict with pool: '%s' (both at '%s')", byTarget->def->name,
                      def->targetPath);
        return -1;
    }
    *existing = byName;
    return 0;
}

static gvStoragePoolDef *
gvStorageParse(gvStorageDriver *sd, const char *xml, GError **error)
{
    g_autoptr(gvStoragePoolDef) def = gvStoragePoolDefParseString(xml, error);

    if (!def)
        return NULL;
    gvStorageMapTarget(sd, def);
    return g_steal_pointer(&def);
}

/* ---- start, build -------------------------------------------------------------- */

static int
gvStorageBuildDir(const gvStoragePoolDef *def, unsigned int flags, GError **error)
{
    struct stat sb;
    unsigned int mode = def->perms.hasMode ? def->perms.mode : GV_STORAGE_POOL_DIR_MODE;

    if ((flags & GV_STORAGE_BUILD_NO_OVERWRITE) && (flags & GV_STORAGE_BUILD_OVERWRITE)) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "flags 'overwrite' and 'no overwrite' of the build of pool '%s' exclude "
                      "each other",
                      def->name);
        return -1;
    }
    if (stat(def->targetPath, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode)) {
            gvReportError(error, GV_ERR_OPERATION_FAILED,
                          "cannot build pool '%s': '%s' exists and is no directory", def->name,
                          def->targetPath);
            return -1;
        }
        /* an existing directory is left as it is (libvirt changes its mode) */
    } else if (g_mkdir_with_parents(def->targetPath, (int)mode) < 0) {
        gvReportSystemError(error, errno, "cannot create directory '%s' of pool '%s'",
                            def->targetPath, def->name);
        return -1;
    } else if (chmod(def->targetPath, mode) < 0) {
        gvReportSystemError(error, errno, "cannot set the mode of directory '%s'", def->targetPath);
        return -1;
    }
    if ((def->perms.hasOwner || def->perms.hasGroup) &&
        chown(def->targetPath, def->perms.hasOwner ? def->perms.owner : (uid_t)-1,
              def->perms.hasGroup ? def->perms.group : (gid_t)-1) < 0) {
        gvReportSystemError(error, errno, "cannot set the owner of directory '%s'",
                            def->targetPath);
        return -1;
    }
    return 0;
}

static int
gvStorageCheckDir(const gvStoragePoolDef *def, GError **error)
{
    struct stat sb;

    if (stat(def->targetPath, &sb) < 0) {
        gvReportSystemError(error, errno, "cannot open directory '%s' of pool '%s'",
                            def->targetPath, def->name);
        return -1;
    }
    if (!S_ISDIR(sb.st_mode)) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "cannot start pool '%s': '%s' is no directory", def->name, def->targetPath);
        return -1;
    }
    return 0;
}

/* Makes @obj active: its new config applies, its state file is written */
static int
gvStorageStart(gvStorageDriver *sd, gvStoragePoolObj *obj, unsigned int flags, GError **error)
{
    g_autofree char *state = NULL;
    gvStoragePoolDef *def = obj->newDef ? obj->newDef : obj->def;

    if (flags & (GV_STORAGE_CREATE_BUILD | GV_STORAGE_CREATE_BUILD_OVERWRITE |
                 GV_STORAGE_CREATE_BUILD_NO_OVERWRITE)) {
        unsigned int build = 0;

        if (flags & GV_STORAGE_CREATE_BUILD_OVERWRITE)
            build |= GV_STORAGE_BUILD_OVERWRITE;
        if (flags & GV_STORAGE_CREATE_BUILD_NO_OVERWRITE)
            build |= GV_STORAGE_BUILD_NO_OVERWRITE;
        if (gvStorageBuildDir(def, build, error) < 0)
            return -1;
    }
    if (gvStorageCheckDir(def, error) < 0)
        return -1;
    state = gvStorageStatePath(sd, def->name);
    if (gvStorageWriteDef(state, def, error) < 0)
        return -1;
    if (obj->newDef) {
        gvStoragePoolDefFree(obj->def);
        obj->def = g_steal_pointer(&obj->newDef);
    }
    obj->active = true;
    return 0;
}

static void
gvStorageStop(gvStorageDriver *sd, gvStoragePoolObj *obj)
{
    g_autofree char *state = gvStorageStatePath(sd, obj->def->name);

    (void)gvFileRemoveDurable(state, NULL);
    obj->active = false;
    if (obj->newDef) {
        gvStoragePoolDefFree(obj->def);
        obj->def = g_steal_pointer(&obj->newDef);
    }
}

/* ---- loading ------------------------------------------------------------------- */

static void
gvStorageReject(const char *path, const char *why)
{
    g_autofree char *rejected = g_strdup_printf("%s.rejected", path);

    g_warning("storage pool config '%s' not loaded: %s; kept as '%s'", path, why, rejected);
    if (rename(path, rejected) < 0)
        g_warning("cannot rename '%s': %s", path, g_strerror(errno));
}

static gvStoragePoolDef *
gvStorageLoadFile(const char *path, GError **error)
{
    g_autofree char *xml = NULL;
    size_t len = 0;
    g_autoptr(gvStoragePoolDef) def = NULL;

    if (gvFileReadBounded(path, GV_STORAGE_CONFIG_MAX, &xml, &len, error) < 0 ||
        !(def = gvStoragePoolDefParseString(xml, error)))
        return NULL;
    if (!def->hasUUID) {
        gvReportError(error, GV_ERR_XML_ERROR, "the stored config has no <uuid>");
        return NULL;
    }
    return g_steal_pointer(&def);
}

/* NAME.xml files of @dir (not hidden, not rejected), sorted */
static GPtrArray *
gvStorageXMLFiles(const char *dir)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    struct dirent *ent;
    DIR *d = opendir(dir);

    if (!d)
        return names;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.' || !g_str_has_suffix(ent->d_name, ".xml") ||
            ent->d_type == DT_DIR)
            continue;
        g_ptr_array_add(names, g_strdup(ent->d_name));
    }
    closedir(d);
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    return names;
}

static bool
gvStorageNameFromFile(const char *file, const gvStoragePoolDef *def)
{
    g_autofree char *name = g_strndup(file, strlen(file) - 4);

    return g_str_equal(name, def->name);
}

int
gvStorageDriverLoad(gvStorageDriver *sd)
{
    g_autoptr(GPtrArray) configs = gvStorageXMLFiles(sd->configDir);
    g_autoptr(GPtrArray) states = gvStorageXMLFiles(sd->stateDir);
    guint i;
    int n;

    g_mutex_lock(&sd->lock);
    for (i = 0; i < configs->len; i++) {
        const char *file = g_ptr_array_index(configs, i);
        g_autofree char *path = g_build_filename(sd->configDir, file, NULL);
        g_autofree char *link = NULL;
        g_autoptr(GError) local = NULL;
        gvStoragePoolObj *obj;
        gvStoragePoolDef *def = gvStorageLoadFile(path, &local);

        if (!def) {
            gvStorageReject(path, local->message);
            continue;
        }
        if (!gvStorageNameFromFile(file, def) || gvStorageFindByName(sd, def->name) ||
            gvStorageFindByUUID(sd, def->uuid)) {
            gvStorageReject(path, "its name or uuid is not its own");
            gvStoragePoolDefFree(def);
            continue;
        }
        obj = g_new0(gvStoragePoolObj, 1);
        obj->def = def;
        obj->persistent = true;
        link = gvStorageAutostartPath(sd, def->name);
        obj->autostart = access(link, F_OK) == 0;
        g_ptr_array_add(sd->pools, obj);
    }
    /* the pools active before a restart stay active, transient ones too */
    for (i = 0; i < states->len; i++) {
        const char *file = g_ptr_array_index(states, i);
        g_autofree char *path = g_build_filename(sd->stateDir, file, NULL);
        g_autoptr(GError) local = NULL;
        g_autoptr(gvStoragePoolDef) def = gvStorageLoadFile(path, &local);
        gvStoragePoolObj *obj;

        if (!def || !gvStorageNameFromFile(file, def)) {
            g_warning("storage pool state '%s' dropped: %s", path,
                      local ? local->message : "not its name");
            (void)unlink(path);
            continue;
        }
        if ((obj = gvStorageFindByName(sd, def->name))) {
            if (memcmp(obj->def->uuid, def->uuid, GV_UUID_BUFLEN) != 0) {
                (void)unlink(path);
                continue;
            }
            /* the running def, and the config for the next start */
            obj->newDef = obj->def;
            obj->def = g_steal_pointer(&def);
        } else {
            obj = g_new0(gvStoragePoolObj, 1);
            obj->def = g_steal_pointer(&def);
            g_ptr_array_add(sd->pools, obj);
        }
        obj->active = gvStorageCheckDir(obj->def, NULL) == 0;
        if (!obj->active) {
            gvStorageStop(sd, obj);
            if (!obj->persistent)
                gvStorageRemoveObj(sd, obj);
        }
    }
    for (i = 0; i < sd->pools->len; i++) {
        gvStoragePoolObj *obj = g_ptr_array_index(sd->pools, i);
        g_autoptr(GError) local = NULL;

        if (obj->autostart && !obj->active && gvStorageStart(sd, obj, 0, &local) < 0)
            g_warning("autostart of storage pool '%s' failed: %s", obj->def->name, local->message);
    }
    n = (int)sd->pools->len;
    g_mutex_unlock(&sd->lock);
    return n;
}

/* ---- pools ----------------------------------------------------------------------- */

int
gvStoragePoolDefine(gvStorageDriver *sd, const char *xml, gvStoragePoolRef *out, GError **error)
{
    g_autoptr(gvStoragePoolDef) def = gvStorageParse(sd, xml, error);
    gvStoragePoolObj *obj = NULL;
    int rc = -1;

    if (!def)
        return -1;
    g_mutex_lock(&sd->lock);
    if (gvStorageCheckNew(sd, def, &obj, error) < 0 || gvStorageWriteConfig(sd, def, error) < 0)
        goto cleanup;
    if (!obj) {
        obj = g_new0(gvStoragePoolObj, 1);
        obj->def = g_steal_pointer(&def);
        g_ptr_array_add(sd->pools, obj);
    } else if (obj->active) {
        gvStoragePoolDefFree(obj->newDef);
        obj->newDef = g_steal_pointer(&def);
    } else {
        gvStoragePoolDefFree(obj->def);
        obj->def = g_steal_pointer(&def);
    }
    obj->persistent = true;
    gvStoragePoolRefSet(out, obj);
    rc = 0;
cleanup:
    g_mutex_unlock(&sd->lock);
    return rc;
}

int
gvStoragePoolCreateXML(gvStorageDriver *sd, const char *xml, unsigned int flags,
                       gvStoragePoolRef *out, GError **error)
{
    g_autoptr(gvStoragePoolDef) def = gvStorageParse(sd, xml, error);
    gvStoragePoolObj *obj = NULL;
    int rc = -1;

    if (!def)
        return -1;
    g_mutex_lock(&sd->lock);
    if (gvStorageCheckNew(sd, def, &obj, error) < 0)
        goto cleanup;
    if (obj) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "storage pool '%s' already exists",
                      def->name);
        goto cleanup;
    }
    obj = g_new0(gvStoragePoolObj, 1);
    obj->def = g_steal_pointer(&def);
    if (gvStorageStart(sd, obj, flags, error) < 0) {
        gvStoragePoolObjFree(obj);
        goto cleanup;
    }
    g_ptr_array_add(sd->pools, obj);
    gvStoragePoolRefSet(out, obj);
    rc = 0;
cleanup:
    g_mutex_unlock(&sd->lock);
    return rc;
}

int
gvStoragePoolLookupByName(gvStorageDriver *sd, const char *name, gvStoragePoolRef *out,
                          GError **error)
{
    gvStoragePoolObj *obj;
    int rc = -1;

    g_mutex_lock(&sd->lock);
    if ((obj = gvStorageFindByName(sd, name))) {
        gvStoragePoolRefSet(out, obj);
        rc = 0;
    } else {
        gvReportError(error, GV_ERR_NO_STORAGE_POOL, "no storage pool with matching name '%s'",
                      name);
    }
    g_mutex_unlock(&sd->lock);
    return rc;
}

int
gvStoragePoolLookupByUUID(gvStorageDriver *sd, const unsigned char *uuid, gvStoragePoolRef *out,
                          GError **error)
{
    gvStoragePoolObj *obj;
    char str[GV_UUID_STRING_BUFLEN];
    int rc = -1;

    g_mutex_lock(&sd->lock);
    if ((obj = gvStorageFindByUUID(sd, uuid))) {
        gvStoragePoolRefSet(out, obj);
        rc = 0;
    } else {
        gvReportError(error, GV_ERR_NO_STORAGE_POOL, "no storage pool with matching uuid '%s'",
                      gvUUIDFormat(uuid, str));
    }
    g_mutex_unlock(&sd->lock);
    return rc;
}

int
gvStoragePoolLookupByTarget(gvStorageDriver *sd, const char *path, gvStoragePoolRef *out)
{
    gvStoragePoolObj *obj;
    int rc = 0;

    g_mutex_lock(&sd->lock);
    if ((obj = gvStorageFindByTarget(sd, path))) {
        gvStoragePoolRefSet(out, obj);
        rc = 1;
    }
    g_mutex_unlock(&sd->lock);
    return rc;
}

int
gvStoragePoolCreate(gvStorageDriver *sd, const gvStoragePoolRef *ref, unsigned int flags,
                    GError **error)
{
    gvStoragePoolObj *obj;
    int rc = -1;

    g_mutex_lock(&sd->lock);
    if (!(obj = gvStorageGet(sd, ref, error)))
        goto cleanup;
    if (obj->active) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "storage pool '%s' is already active",
                      obj->def->name);
        goto cleanup;
    }
    rc = gvStorageStart(sd, obj, flags, error);
cleanup:
    g_mutex_unlock(&sd->lock);
    return rc;
}

int
gvStoragePoolBuild(gvStorageDriver *sd, const gvStoragePoolRef *ref, unsigned int flags,
                   GError **error)
{
    gvStoragePoolObj *obj;
    int rc = -1;

    g_mutex_lock(&sd->lock);
    if (!(obj = gvStorageGet(sd, ref, error)))
        goto cleanup;
    if (obj->active) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "storage pool '%s' is already active: build it while inactive",
                      obj->def->name);
        goto cleanup;
    }
    rc = gvStorageBuildDir(obj->newDef ? obj->newDef : obj->def, flags, error);
cleanup:
    g_mutex_unlock(&sd->lock);
    return rc;
}

int
gvStoragePoolDestroy(gvStorageDriver *sd, const gvStoragePoolRef *ref, GError **error)
{
    gvStoragePoolObj *obj;
    int rc = -1;

    g_mutex_lock(&sd->lock);
    if (!(obj = gvStorageGetActive(sd, ref, error)))
        goto cleanup;
    gvStorageStop(sd, obj);
    if (!obj->persistent)
        gvStorageRemoveObj(sd, obj);
    rc = 0;
cleanup:
    g_mutex_unlock(&sd->lock);
    return rc;
}

int
gvStoragePoolDelete(gvStorageDriver *sd, const gvStoragePoolRef *ref, unsigned int flags,
                    GError **error)
{
    gvStoragePoolObj *obj;
    int rc = -1;

    g_mutex_lock(&sd->lock);
    if (!(obj = gvStorageGet(sd, ref, error)))
        goto cleanup;
    if (obj->active) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "storage pool '%s' is still active: destroy it first", obj->def->name);
        goto cleanup;
    }
    if (rmdir(obj->def->targetPath) < 0) {
        gvReportSystemError(error, errno, "failed to remove pool '%s' directory '%s'",
                            obj->def->name, obj->def->targetPath);
        goto cleanup;
    }
    rc = 0;
cleanup:
    g_mutex_unlock(&sd->lock);
    return rc;
}

int
gvStoragePoolUndefine(gvStorageDriver *sd, const gvStoragePoolRef *ref, GError **error)
{
    g_autofree char *config = NULL;
    gvStoragePoolObj *obj;
    int rc = -1;

    g_mutex_lock(&sd->lock);
    if (!(obj = gvStorageGet(sd, ref, error)))
        goto cleanup;
    if (!obj->persistent) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "storage pool '%s' is transient: destroy it instead", obj->def->name);
        goto cleanup;
    }
    config = gvStorageConfigPath(sd, obj->def->name);
    if (gvStorageRemoveAutostart(sd, obj->def->name, error) < 0 ||
        gvFileRemoveDurable(config, error) < 0)
        goto cleanup;
    obj->autostart = false;
    obj->persistent = false;
    g_clear_pointer(&obj->newDef, gvStoragePoolDefFree);
    /* an active pool runs on, transient */
    if (!obj->active)
        gvStorageRemoveObj(sd, obj);
    rc = 0;
cleanup:
    g_mutex_unlock(&sd->lock);
    return rc;
}

int
gvStoragePoolRefresh(gvStorageDriver *sd, const gvStoragePoolRef *ref, GError **error)
{
    gvStoragePoolObj *obj;
    int rc = -1;

    /* volumes are read from the directory at each call: only the check */
    g_mutex_lock(&sd->lock);
    if ((obj = gvStorageGetActive(sd, ref, error)))
        rc = gvStorageCheckDir(obj->def, error);
    g_mutex_unlock(&sd->lock);
    return rc;
}

int
gvStoragePoolGetStatus(gvStorageDriver *sd, const gvStoragePoolRef *ref, gvStoragePoolStatus *out,
                       GError **error)
{
    g_autofree char *dir = NULL;
    gvStoragePoolObj *obj;

    g_mutex_lock(&sd->lock);
    if (!(obj = gvStorageGet(sd, ref, error))) {
        g_mutex_unlock(&sd->lock);
        return -1;
    }
    memset(out, 0, sizeof(*out));
    out->active = obj->active;
    out->persistent = obj->persistent;
    out->autostart = obj->autostart;
    if (obj->active)
        dir = g_strdup(obj->def->targetPath);
    g_mutex_unlock(&sd->lock);
    if (dir)
        return gvStoragePoolGetInfo(dir, &out->info, error);
    return 0;
}

char *
gvStoragePoolGetXMLDesc(gvStorageDriver *sd, const gvStoragePoolRef *ref, unsigned int flags,
                        GError **error)
{
    g_autoptr(gvStoragePoolDef) def = NULL;
    gvStoragePoolStats stats = { 0 };
    gvStoragePoolInfo info;
    gvStoragePoolObj *obj;
    bool active;

    g_mutex_lock(&sd->lock);
    if (!(obj = gvStorageGet(sd, ref, error))) {
        g_mutex_unlock(&sd->lock);
        return NULL;
    }
    def = gvStoragePoolDefCopy((flags & GV_STORAGE_XML_INACTIVE) && obj->newDef ? obj->newDef
                                                                                : obj->def);
    active = obj->active;
    g_mutex_unlock(&sd->lock);
    if (active && gvStoragePoolGetInfo(def->targetPath, &info, NULL) == 0) {
        stats.capacity = info.capacity;
        stats.allocation = info.allocation;
        stats.available = info.available;
    }
    return gvStoragePoolDefFormat(def, &stats);
}

int
gvStoragePoolSetAutostart(gvStorageDriver *sd, const gvStoragePoolRef *ref, bool autostart,
                          GError **error)
{
    g_autofree char *link = NULL;
    g_autofree char *target = NULL;
    gvStoragePoolObj *obj;
    int rc = -1;

    g_mutex_lock(&sd->lock);
    if (!(obj = gvStorageGet(sd, ref, error)))
        goto cleanup;
    if (!obj->persistent) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "cannot set autostart for transient storage pool '%s'", obj->def->name);
        goto cleanup;
    }
    if (autostart) {
        link = gvStorageAutostartPath(sd, obj->def->name);
        target = gvStorageConfigPath(sd, obj->def->name);
        if (gvFileReplaceSymlink(sd->autostartDir, link, target, error) < 0)
            goto cleanup;
        if (gvFsyncDir(sd->autostartDir, error) < 0)
            goto cleanup;
    } else if (gvStorageRemoveAutostart(sd, obj->def->name, error) < 0) {
        goto cleanup;
    }
    obj->autostart = autostart;
    rc = 0;
cleanup:
    g_mutex_unlock(&sd->lock);
    return rc;
}

static bool
gvStoragePoolMatches(const gvStoragePoolObj *obj, unsigned int flags)
{
    unsigned int types = flags & (GV_STORAGE_LIST_DIR | GV_STORAGE_LIST_OTHER_TYPES);

    if ((flags & (GV_STORAGE_LIST_ACTIVE | GV_STORAGE_LIST_INACTIVE)) &&
        !((obj->active && (flags & GV_STORAGE_LIST_ACTIVE)) ||
          (!obj->active && (flags & GV_STORAGE_LIST_INACTIVE))))
        return false;
    if ((flags & (GV_STORAGE_LIST_PERSISTENT | GV_STORAGE_LIST_TRANSIENT)) &&
        !((obj->persistent && (flags & GV_STORAGE_LIST_PERSISTENT)) ||
          (!obj->persistent && (flags & GV_STORAGE_LIST_TRANSIENT))))
        return false;
    if ((flags & (GV_STORAGE_LIST_AUTOSTART | GV_STORAGE_LIST_NO_AUTOSTART)) &&
        !((obj->autostart && (flags & GV_STORAGE_LIST_AUTOSTART)) ||
          (!obj->autostart && (flags & GV_STORAGE_LIST_NO_AUTOSTART))))
        return false;
    /* every pool is a dir pool */
    if (types && !(types & GV_STORAGE_LIST_DIR))
        return false;
    return true;
}

static gint
gvStorageRefCompare(gconstpointer a, gconstpointer b)
{
    const gvStoragePoolRef *ra = *(const gvStoragePoolRef *const *)a;
    const gvStoragePoolRef *rb = *(const gvStoragePoolRef *const *)b;

    return g_strcmp0(ra->name, rb->name);
}

GPtrArray *
gvStoragePoolList(gvStorageDriver *sd, unsigned int flags)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)gvStoragePoolRefFree);
    guint i;

    g_mutex_lock(&sd->lock);
    for (i = 0; i < sd->pools->len; i++) {
        gvStoragePoolObj *obj = g_ptr_array_index(sd->pools, i);
        gvStoragePoolRef *ref;

        if (!gvStoragePoolMatches(obj, flags))
            continue;
        ref = g_new0(gvStoragePoolRef, 1);
        gvStoragePoolRefSet(ref, obj);
        g_ptr_array_add(out, ref);
    }
    g_mutex_unlock(&sd->lock);
    g_ptr_array_sort(out, gvStorageRefCompare);
    return out;
}

/* ---- volumes ------------------------------------------------------------------ */

GPtrArray *
gvStoragePoolListVolumes(gvStorageDriver *sd, const gvStoragePoolRef *ref, guint max,
                         GError **error)
{
    g_autofree char *dir = NULL;
    gvStoragePoolObj *obj;

    g_mutex_lock(&sd->lock);
    if ((obj = gvStorageGetActive(sd, ref, error)))
        dir = g_strdup(obj->def->targetPath);
    g_mutex_unlock(&sd->lock);
    if (!dir)
        return NULL;
    return gvStorageDirListVolumes(dir, max, error);
}

int
gvStorageVolLookupByName(gvStorageDriver *sd, const char *pool, const char *name,
                         gvStorageFile *out, GError **error)
{
    g_autofree char *dir = NULL;
    gvStoragePoolObj *obj;

    g_mutex_lock(&sd->lock);
    if ((obj = gvStorageGetActiveByName(sd, pool, error)))
        dir = g_strdup(obj->def->targetPath);
    g_mutex_unlock(&sd->lock);
    if (!dir)
        return -1;
    return gvStorageFileLookupInDir(dir, name, out, error);
}

int
gvStorageVolLookupByPath(gvStorageDriver *sd, const char *path, gvStoragePoolRef *pool,
                         gvStorageFile *out, GError **error)
{
    g_autofree char *dir = NULL;
    gvStoragePoolObj *obj = NULL;
    guint i;

    if (!gvStoragePathIsCanonical(path))
        return 0;
    dir = g_path_get_dirname(path);
    g_mutex_lock(&sd->lock);
    for (i = 0; i < sd->pools->len; i++) {
        gvStoragePoolObj *o = g_ptr_array_index(sd->pools, i);

        if (o->active && g_str_equal(o->def->targetPath, dir)) {
            obj = o;
            break;
        }
    }
    if (obj)
        gvStoragePoolRefSet(pool, obj);
    g_mutex_unlock(&sd->lock);
    if (!obj)
        return 0;
    if (gvStorageFileLookup(path, out, NULL) < 0) {
        gvReportError(error, GV_ERR_NO_STORAGE_VOL, "no storage vol with matching path '%s'", path);
        return -1;
    }
    return 1;
}

/* qemu-img's arguments for the new volume @vol (no backing file: the caller adds it) */
static void
gvStorageVolCreateOptions(GPtrArray *argv, const gvStorageVolDef *vol, unsigned int flags)
{
    g_autoptr(GString) opts = g_string_new(NULL);

    if (vol->format == GV_STORAGE_VOL_FORMAT_QCOW2) {
        g_string_append_printf(opts, "compat=%s", vol->compat ? vol->compat : "1.1");
        if (vol->lazyRefcounts)
            g_string_append(opts, ",lazy_refcounts=on");
        if ((flags & GV_STORAGE_VOL_CREATE_PREALLOC_METADATA) && !vol->backingPath)
            g_string_append(opts, ",preallocation=metadata");
    } else if (vol->hasAllocation && vol->allocation >= vol->capacity && vol->capacity > 0) {
        /* a raw volume allocated in full, as libvirt's allocation = capacity asks */
        g_string_append(opts, "preallocation=falloc");
    }
    if (opts->len > 0) {
        g_ptr_array_add(argv, g_strdup("-o"));
        g_ptr_array_add(argv, g_strdup(opts->str));
    }
}

static int
gvStorageVolRun(GPtrArray *argv, const char *what, GError **error)
{
    g_ptr_array_add(argv, NULL);
    return gvQemuImgRun((const char *const *)argv->pdata, what, error);
}

static int
gvStorageVolMake(const gvStorageVolDef *vol, const char *path, const char *from,
                 const gvStorageFile *src, unsigned int flags, GError **error)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    const char *fmt = gvStorageVolFormatTypeToString(vol->format);

    g_ptr_array_add(argv, g_strdup(GV_QEMU_IMG));
    if (from) {
        g_ptr_array_add(argv, g_strdup("convert"));
        g_ptr_array_add(argv, g_strdup("-q"));
        g_ptr_array_add(argv, g_strdup("-f"));
        g_ptr_array_add(argv, g_strdup(gvStorageVolFormatTypeToString(src->format)));
        g_ptr_array_add(argv, g_strdup("-O"));
        g_ptr_array_add(argv, g_strdup(fmt));
        gvStorageVolCreateOptions(argv, vol, flags);
        g_ptr_array_add(argv, g_strdup(from));
        g_ptr_array_add(argv, g_strdup(path));
        if (gvStorageVolRun(argv, "qemu-img convert", error) < 0)
            return -1;
        if (vol->capacity > src->capacity) {
            g_autoptr(GPtrArray) grow = g_ptr_array_new_with_free_func(g_free);

            g_ptr_array_add(grow, g_strdup(GV_QEMU_IMG));
            g_ptr_array_add(grow, g_strdup("resize"));
            g_ptr_array_add(grow, g_strdup("-q"));
            g_ptr_array_add(grow, g_strdup("-f"));
            g_ptr_array_add(grow, g_strdup(fmt));
            g_ptr_array_add(grow, g_strdup(path));
            g_ptr_array_add(grow, g_strdup_printf("%llu", vol->capacity));
            return gvStorageVolRun(grow, "qemu-img resize", error);
        }
        return 0;
    }
    g_ptr_array_add(argv, g_strdup("create"));
    g_ptr_array_add(argv, g_strdup("-q"));
    g_ptr_array_add(argv, g_strdup("-f"));
    g_ptr_array_add(argv, g_strdup(fmt));
    if (vol->backingPath) {
        g_ptr_array_add(argv, g_strdup("-b"));
        g_ptr_array_add(argv, g_strdup(vol->backingPath));
        g_ptr_array_add(argv, g_strdup("-F"));
        g_ptr_array_add(argv, g_strdup(gvStorageVolFormatTypeToString(vol->backingFormat)));
    }
    gvStorageVolCreateOptions(argv, vol, flags);
    g_ptr_array_add(argv, g_strdup(path));
    if (vol->hasCapacity || !vol->backingPath)
        g_ptr_array_add(argv, g_strdup_printf("%llu", vol->capacity));
    return gvStorageVolRun(argv, "qemu-img create", error);
}

/* Checks @vol against what genvirt can make; fills the defaults */
static int
gvStorageVolPrepare(gvStorageVolDef *vol, const gvStorageFile *src, unsigned int flags,
                    GError **error)
{
    if (flags & GV_STORAGE_VOL_CREATE_REFLINK) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED,
                      "reflink copies of volume '%s' are not supported", vol->name);
        return -1;
    }
    if (vol->format == GV_STORAGE_VOL_FORMAT_NONE)
        vol->format = GV_STORAGE_VOL_FORMAT_RAW;
    if (src) {
        if (!vol->hasCapacity || vol->capacity < src->capacity)
            vol->capacity = src->capacity;
        if (vol->backingPath) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "volume '%s' is a copy: it cannot have a backing store", vol->name);
            return -1;
        }
        return 0;
    }
    if (vol->backingPath) {
        if (vol->format != GV_STORAGE_VOL_FORMAT_QCOW2) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "volume '%s' has a backing store: its format must be qcow2, not '%s'",
                          vol->name, gvStorageVolFormatTypeToString(vol->format));
            return -1;
        }
        if (vol->backingFormat == GV_STORAGE_VOL_FORMAT_NONE) {
            g_auto(gvStorageFile) backing = { 0 };

            if (gvStorageFileLookup(vol->backingPath, &backing, NULL) < 0) {
                gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                              "backing store '%s' of volume '%s' is no image file",
                              vol->backingPath, vol->name);
                return -1;
            }
            vol->backingFormat = backing.format;
        }
        return 0;
    }
    if (!vol->hasCapacity) {
        gvReportError(error, GV_ERR_XML_ERROR, "missing <capacity> in the XML of volume '%s'",
                      vol->name);
        return -1;
    }
    return 0;
}

int
gvStorageVolCreateXML(gvStorageDriver *sd, const gvStoragePoolRef *ref, const char *xml,
                      const char *from, unsigned int flags, gvStorageFile *out, GError **error)
{
    g_autoptr(gvStorageVolDef) vol = gvStorageVolDefParseString(xml, error);
    g_auto(gvStorageFile) src = { 0 };
    g_autofree char *path = NULL;
    gvStoragePoolObj *obj;
    struct stat sb;
    int fd;
    int rc = -1;

    if (!vol)
        return -1;
    if (from && gvStorageFileLookup(from, &src, error) < 0)
        return -1;
    if (gvStorageVolPrepare(vol, from ? &src : NULL, flags, error) < 0)
        return -1;
    g_mutex_lock(&sd->lock);
    if (!(obj = gvStorageGetActive(sd, ref, error))) {
        g_mutex_unlock(&sd->lock);
        return -1;
    }
    path = gvStorageVolPath(obj->def, vol->name);
    if (lstat(path, &sb) == 0 || g_hash_table_contains(sd->building, path)) {
        gvReportError(error, GV_ERR_STORAGE_VOL_EXIST, "'%s' (in pool '%s')", vol->name,
                      obj->def->name);
        g_mutex_unlock(&sd->lock);
        return -1;
    }
    if (from && g_str_equal(from, path)) {
        gvReportError(error, GV_ERR_INVALID_ARG, "volume '%s' cannot be a copy of itself",
                      vol->name);
        g_mutex_unlock(&sd->lock);
        return -1;
    }
    g_hash_table_add(sd->building, g_strdup(path));
    g_mutex_unlock(&sd->lock);

    /* the file, ours: qemu-img writes into it */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
              vol->perms.hasMode ? vol->perms.mode : GV_STORAGE_VOL_MODE);
    if (fd < 0) {
        gvReportSystemError(error, errno, "cannot create volume '%s'", path);
        goto cleanup;
    }
    if (vol->perms.hasMode && fchmod(fd, vol->perms.mode) < 0)
        g_debug("cannot set the mode of '%s': %s", path, g_strerror(errno));
    if ((vol->perms.hasOwner || vol->perms.hasGroup) &&
        fchown(fd, vol->perms.hasOwner ? vol->perms.owner : (uid_t)-1,
               vol->perms.hasGroup ? vol->perms.group : (gid_t)-1) < 0)
        g_debug("cannot set the owner of '%s': %s", path, g_strerror(errno));
    close(fd);
    if (gvStorageVolMake(vol, path, from, &src, flags, error) < 0) {
        (void)unlink(path);
        goto cleanup;
    }
    if (gvStorageFileLookup(path, out, error) < 0)
        goto cleanup;
    rc = 0;
cleanup:
    g_mutex_lock(&sd->lock);
    g_hash_table_remove(sd->building, path);
    g_mutex_unlock(&sd->lock);
    return rc;
}

static int
gvStorageNoVol(const char *name, GError **error)
{
    gvReportError(error, GV_ERR_NO_STORAGE_VOL, "no storage vol with matching name '%s'", name);
    return -1;
}

/* The path of volume @name of the active pool @pool, not being built */
static char *
gvStorageVolFind(gvStorageDriver *sd, const char *pool, const char *name, GError **error)
{
    g_autofree char *path = NULL;
    gvStoragePoolObj *obj;

    g_mutex_lock(&sd->lock);
    if ((obj = gvStorageGetActiveByName(sd, pool, error))) {
        path = gvStorageVolPath(obj->def, name);
        if (g_hash_table_contains(sd->building, path)) {
            gvReportError(error, GV_ERR_OPERATION_INVALID, "volume '%s' is still being created",
                          name);
            g_clear_pointer(&path, g_free);
        }
    }
    g_mutex_unlock(&sd->lock);
    return g_steal_pointer(&path);
}

int
gvStorageVolDelete(gvStorageDriver *sd, const char *pool, const char *name, GError **error)
{
    g_auto(gvStorageFile) f = { 0 };
    g_autofree char *path = NULL;

    if (gvStorageNameCheck(name, "storage volume", NULL) < 0)
        return gvStorageNoVol(name, error);
    if (!(path = gvStorageVolFind(sd, pool, name, error)) ||
        gvStorageFileLookup(path, &f, error) < 0)
        return -1;
    if (f.type != GV_STORAGE_VOL_FILE) {
        gvReportError(error, GV_ERR_OPERATION_UNSUPPORTED, "volume '%s' is no file: not deleted",
                      path);
        return -1;
    }
    if (unlink(path) < 0) {
        gvReportSystemError(error, errno, "cannot unlink file '%s'", path);
        return -1;
    }
    return 0;
}

int
gvStorageVolResize(gvStorageDriver *sd, const char *pool, const char *name,
                   unsigned long long capacity, unsigned int flags, GError **error)
{
    g_auto(gvStorageFile) f = { 0 };
    g_autofree char *path = NULL;
    g_autofree char *size = NULL;
    unsigned long long want = capacity;
    const char *argv[9];
    int n = 0;

    if (flags & GV_STORAGE_VOL_RESIZE_ALLOCATE) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED,
                      "resize of volume '%s' with allocation is not supported", name);
        return -1;
    }
    if (gvStorageNameCheck(name, "storage volume", NULL) < 0)
        return gvStorageNoVol(name, error);
    if (!(path = gvStorageVolFind(sd, pool, name, error)) ||
        gvStorageFileLookup(path, &f, error) < 0)
        return -1;
    if (flags & GV_STORAGE_VOL_RESIZE_DELTA) {
        if (flags & GV_STORAGE_VOL_RESIZE_SHRINK)
            want = capacity > f.capacity ? 0 : f.capacity - capacity;
        else
            want = f.capacity + capacity < f.capacity ? G_MAXUINT64 : f.capacity + capacity;
    }
    if (want < f.capacity && !(flags & GV_STORAGE_VOL_RESIZE_SHRINK)) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "cannot shrink volume '%s' from %llu to %llu bytes without the shrink flag",
                      name, f.capacity, want);
        return -1;
    }
    if (want == 0) {
        gvReportError(error, GV_ERR_INVALID_ARG, "volume '%s' cannot shrink to nothing", name);
        return -1;
    }
    if (f.format == GV_STORAGE_VOL_FORMAT_QCOW) {
        gvReportError(error, GV_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s' is qcow (version 1): not resized", name);
        return -1;
    }
    size = g_strdup_printf("%llu", want);
    argv[n++] = GV_QEMU_IMG;
    argv[n++] = "resize";
    argv[n++] = "-q";
    argv[n++] = "-f";
    argv[n++] = gvStorageVolFormatTypeToString(f.format);
    if (want < f.capacity)
        argv[n++] = "--shrink";
    argv[n++] = path;
    argv[n++] = size;
    argv[n] = NULL;
    return gvQemuImgRun(argv, "qemu-img resize", error);
}
