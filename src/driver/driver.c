/*
 * driver.c: the QEMU driver's domain registry and its state on disk
 */
#include <gvconfig.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "driver.h"
#include "gvbuffer.h"
#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvfile.h"
#include "gvxml.h"

gvDriver *
gvDriverNew(const char *root, GError **error)
{
    g_autoptr(gvDriver) drv = g_new0(gvDriver, 1);
    const char *r = root ? root : "";

    drv->configDir = g_strdup_printf("%s/etc/genvirt/domains", r);
    drv->stateDir = g_strdup_printf("%s/var/lib/genvirt", r);
    drv->runDir = g_strdup_printf("%s/run/genvirt", r);
    drv->logDir = g_strdup_printf("%s/var/log/genvirt", r);
    drv->domains = gvDomainObjListNew();
    g_mutex_init(&drv->defineLock);
    g_mutex_init(&drv->capsLock);
    drv->caps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    drv->oldCaps = g_ptr_array_new_with_free_func((GDestroyNotify)gvQemuCapsFree);
    drv->ctx = g_main_context_ref_thread_default();
    drv->nextID = 1;
    g_mutex_init(&drv->threadsLock);
    drv->threads = g_ptr_array_new();
    drv->accel = gvQemuHostAccel();
    drv->migrationHost = g_strdup(g_get_host_name());
    drv->migrationListen = g_strdup("0.0.0.0");
    /* a fixture tree of /proc and /sys in place of the host's (tests only) */
    drv->hostRoot = g_strdup(g_getenv("GENVIRT_HOST_ROOT") ? g_getenv("GENVIRT_HOST_ROOT") : "/");
    drv->graphicsPorts = gvPortAllocatorNew(GV_VNC_PORT_MIN, 65535);
    drv->root = g_strdup(root ? root : "");
    drv->migrateTLSDir = g_build_filename(drv->root[0] ? drv->root : "/", "etc/pki/qemu", NULL);
    drv->keepaliveInterval = 5;
    drv->monitorTimeoutMs = 30000;
    drv->keepaliveCount = 5;

    if (gvDirEnsure(drv->configDir, 0700, error) < 0 ||
        gvDirEnsure(drv->stateDir, 0700, error) < 0 || gvDirEnsure(drv->runDir, 0755, error) < 0 ||
        gvDirEnsure(drv->logDir, 0700, error) < 0)
        return NULL;
    /* replays what a crash left in the journal, before anything reads configDir */
    {
        g_autofree char *journal = g_build_filename(drv->stateDir, "domains.journal", NULL);

        if (!(drv->configs = gvJournalOpen(drv->configDir, journal, 0, -1, error)))
            return NULL;
    }
    return g_steal_pointer(&drv);
}

void
gvDriverFree(gvDriver *drv)
{
    if (!drv)
        return;
    gvJournalClose(drv->configs);
    gvDomainObjListFree(drv->domains);
    if (drv->caps) {
        GHashTableIter iter;
        gpointer value;

        g_hash_table_iter_init(&iter, drv->caps);
        while (g_hash_table_iter_next(&iter, NULL, &value))
            gvQemuCapsFree(value);
        g_hash_table_unref(drv->caps);
    }
    if (drv->oldCaps)
        g_ptr_array_unref(drv->oldCaps);
    if (drv->ctx)
        g_main_context_unref(drv->ctx);
    g_mutex_clear(&drv->defineLock);
    g_mutex_clear(&drv->capsLock);
    if (drv->threads)
        g_ptr_array_unref(drv->threads);
    g_mutex_clear(&drv->threadsLock);
    gvPortAllocatorFree(drv->graphicsPorts);
    g_free(drv->migrationHost);
    g_free(drv->migrationListen);
    g_free(drv->hostRoot);
    g_free(drv->migrateTLSDir);
    g_free(drv->root);
    g_free(drv->configDir);
    g_free(drv->stateDir);
    g_free(drv->runDir);
    g_free(drv->logDir);
    g_free(drv);
}

char *
gvDriverConfigPath(gvDriver *drv, const char *name)
{
    return g_strdup_printf("%s/%s.xml", drv->configDir, name);
}

char *
gvDriverStatusPath(gvDriver *drv, const char *name)
{
    return g_strdup_printf("%s/qemu/%s.xml", drv->runDir, name);
}

char *
gvDriverAutostartPath(gvDriver *drv, const char *name)
{
    return g_strdup_printf("%s/autostart/%s.xml", drv->configDir, name);
}

int
gvDriverSaveConfig(gvDriver *drv, const gvDomainDef *def, GError **error)
{
    g_autofree char *file = g_strdup_printf("%s.xml", def->name);
    char *xml = gvDomainDefFormat(def, GV_DOMAIN_DEF_FORMAT_INACTIVE | GV_DOMAIN_DEF_FORMAT_SECURE);
    int rc = gvJournalPut(drv->configs, file, xml, strlen(xml), error);

    gvSecretFree(xml);
    return rc;
}

int
gvDriverRemoveConfig(gvDriver *drv, const char *name, GError **error)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return gvJournalRemove(drv->configs, file, error);
}

/* ---- loading ------------------------------------------------------------ */

static void
gvDriverRejectConfig(const char *path, const char *why)
{
    g_autofree char *aside = g_strdup_printf("%s.rejected", path);

    if (g_file_test(aside, G_FILE_TEST_EXISTS)) {
        g_free(aside);
        aside = g_strdup_printf("%s.rejected.%" G_GINT64_FORMAT, path, g_get_real_time());
    }
    if (rename(path, aside) < 0)
        g_warning("cannot load domain config '%s': %s (and cannot move it aside: %s)", path, why,
                  g_strerror(errno));
    else
        g_warning("cannot load domain config '%s': %s; kept aside as '%s'", path, why, aside);
}

int
gvDriverLoadConfigs(gvDriver *drv)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GError) local = NULL;
    const char *name;
    int loaded = 0;

    if (!(dir = g_dir_open(drv->configDir, 0, &local))) {
        g_warning("cannot read the config directory: %s", local->message);
        return 0;
    }
    while ((name = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename(drv->configDir, name, NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(gvDomainDef) def = NULL;
        g_autofree char *stem = NULL;
        g_autoptr(gvDomainObj) obj = NULL;
        g_autoptr(gvDomainObj) dup = NULL;
        char *xml = NULL;
        size_t len;

        if (gvFileIsAtomicTemp(name)) {
            /* a spare, or a write that a crash cut short: the real file is intact */
            if (g_str_has_prefix(name, ".spare."))
                g_debug("removing spare '%s'", path);
            else
                g_message("removing '%s', left by an interrupted write", path);
            (void)unlink(path);
            continue;
        }
        if (!g_str_has_suffix(name, ".xml"))
            continue;
        if (gvFileReadBounded(path, GV_XML_MAX_LEN, &xml, &len, &error) < 0) {
            gvDriverRejectConfig(path, error->message);
            continue;
        }
        def = gvDomainDefParseString(xml, GV_DOMAIN_DEF_PARSE_INACTIVE, &error);
        gvSecretFree(xml);
        if (!def) {
            gvDriverRejectConfig(path, error->message);
            continue;
        }
        stem = g_strndup(name, strlen(name) - strlen(".xml"));
        if (!g_str_equal(stem, def->name)) {
            g_autofree char *why = g_strdup_printf("it holds domain '%s'", def->name);

            gvDriverRejectConfig(path, why);
            continue;
        }
        if ((dup = gvDomainObjListFindByUUID(drv->domains, def->uuid))) {
            g_autofree char *why =
                g_strdup_printf("its uuid is also domain '%s''s", dup->def->name);

            gvDriverRejectConfig(path, why);
            continue;
        }
        /* a hand-written config may lack the genid value: give it one now */
        if (def->genid) {
            int rc = gvDomainGenidDefEnsureGuid(def->genid, &error);

            if (rc < 0 || (rc > 0 && gvDriverSaveConfig(drv, def, &error) < 0)) {
                g_warning("cannot store a generated genid for domain '%s': %s", def->name,
                          error->message);
                continue;
            }
        }
        obj = gvDomainObjNew(g_steal_pointer(&def));
        obj->persistent = true;
        gvDomainObjListAdd(drv->domains, obj);
        loaded++;
    }
    return loaded;
}

/* ---- define / undefine -------------------------------------------------- */

typedef struct {
    gvDriver *drv;
} gvDriverDefineCtx;

/* A redefinition without <uuid> keeps the existing domain's uuid */
static void
gvDriverDefineHook(gvDomainDef *def, gpointer opaque)
{
    gvDriverDefineCtx *ctx = opaque;
    g_autoptr(gvDomainObj) existing = NULL;

    if (def->hasUUID || !def->name)
        return;
    if ((existing = gvDomainObjListFindByName(ctx->drv->domains, def->name))) {
        memcpy(def->uuid, existing->def->uuid, GV_UUID_BUFLEN);
        def->hasUUID = true;
    }
}

/* ---- state and events ------------------------------------------------------ */

void
gvDriverEmitEvent(gvDriver *drv, gvDomainObj *obj, gvDomainEventID id, int event, int detail)
{
    gvDomainEvent ev = { id, obj->def->name, { 0 }, obj->def->id, event, detail };

    memcpy(ev.uuid, obj->def->uuid, GV_UUID_BUFLEN);
    if (drv->eventFunc)
        drv->eventFunc(&ev, drv->eventOpaque);
}

void
gvDriverSetState(gvDriver *drv, gvDomainObj *obj, gvDomainState state, int reason)
{
    gvDomainLifecycle events[GV_DOMAIN_LIFECYCLE_MAX];
    int n = gvDomainLifecycleForState(obj->state, state, reason, events);
    int i;

    obj->state = state;
    obj->reason = reason;
    for (i = 0; i < n; i++)
        gvDriverEmitEvent(drv, obj, GV_DOMAIN_EVENT_ID_LIFECYCLE, events[i].event,
                          events[i].detail);
}

void
gvDriverSetStateEvent(gvDriver *drv, gvDomainObj *obj, gvDomainState state, int reason,
                      gvDomainEventType event, int detail)
{
    obj->state = state;
    obj->reason = reason;
    gvDriverEmitEvent(drv, obj, GV_DOMAIN_EVENT_ID_LIFECYCLE, event, detail);
}

/* ---- define / undefine ------------------------------------------------------ */

static bool
gvDriverGenidEqual(const gvDomainDef *a, const gvDomainDef *b)
{
    return a && b && a->genid && b->genid && a->genid->hasGuid && b->genid->hasGuid &&
           memcmp(a->genid->guid, b->genid->guid, GV_UUID_BUFLEN) == 0;
}

gvDomainObj *
gvDriverFindGenidOwner(gvDriver *drv, const gvDomainDef *def)
{
    g_autoptr(GPtrArray) all = NULL;
    gvDomainObj *found = NULL;
    guint i;

    if (!def->genid || !def->genid->hasGuid)
        return NULL;
    all = gvDomainObjListCollect(drv->domains);
    for (i = 0; i < all->len && !found; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);

        /* the same UUID is the same machine (a redefinition, a migration) */
        if (memcmp(obj->def->uuid, def->uuid, GV_UUID_BUFLEN) == 0)
            continue;
        gvDomainObjLock(obj);
        if (gvDriverGenidEqual(obj->def, def) || gvDriverGenidEqual(obj->newDef, def))
            found = gvDomainObjRef(obj);
        gvDomainObjUnlock(obj);
    }
    return found;
}

/*
 * A definition whose genid value another domain (another UUID) holds is a
 * copy (virt-clone copies the GUID): auto='yes' gets a new value, said in
 * the log and by a GENID_CHANGED event (*@renewed); auto='no' is refused,
 * naming both domains.  Never the value itself in a message.
 */
static int
gvDriverDefineCheckGenid(gvDriver *drv, gvDomainDef *def, bool *renewed, GError **error)
{
    g_autoptr(gvDomainObj) owner = gvDriverFindGenidOwner(drv, def);
    char uuidstr[GV_UUID_STRING_BUFLEN];
    g_autofree char *ownerName = NULL;

    *renewed = false;
    if (!owner)
        return 0;
    gvDomainObjLock(owner);
    ownerName = g_strdup(owner->def->name);
    gvUUIDFormat(owner->def->uuid, uuidstr);
    gvDomainObjUnlock(owner);
    if (def->genid->autoGen == GV_TRISTATE_BOOL_NO) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "the fixed genid guid (auto='no') of domain '%s' in "
                      "<devices>/<genid>/<guid> is the value of domain '%s' (uuid %s): two "
                      "machines would share one generation ID; give it another value or "
                      "auto='yes'",
                      def->name, ownerName, uuidstr);
        return -1;
    }
    if (gvDomainGenidDefRegenerate(def->genid, error) < 0)
        return -1;
    g_warning("domain '%s' was defined with the genid value of domain '%s' (uuid %s), a copy: "
              "it gets a new one",
              def->name, ownerName, uuidstr);
    *renewed = true;
    return 0;
}

gvDomainObj *
gvDriverDefineXML(gvDriver *drv, const char *xml, unsigned int flags, GError **error)
{
    gvDriverDefineCtx ctx = { drv };
    g_autoptr(gvDomainDef) def = NULL;
    g_autoptr(gvDomainObj) byName = NULL;
    g_autoptr(gvDomainObj) byUUID = NULL;
    gvDomainObj *ret = NULL;
    unsigned int parseFlags = GV_DOMAIN_DEF_PARSE_INACTIVE;
    bool renewed = false;

    if (flags & ~GV_DOMAIN_DEFINE_VALIDATE) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~GV_DOMAIN_DEFINE_VALIDATE, "virDomainDefineXMLFlags");
        return NULL;
    }
    if (flags & GV_DOMAIN_DEFINE_VALIDATE)
        parseFlags |= GV_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA;

    g_mutex_lock(&drv->defineLock);
    if (!(def = gvDomainDefParseStringHook(xml, parseFlags, gvDriverDefineHook, &ctx, error)))
        goto cleanup;

    byName = gvDomainObjListFindByName(drv->domains, def->name);
    byUUID = gvDomainObjListFindByUUID(drv->domains, def->uuid);
    if (byName && byName != byUUID) {
        char uuidstr[GV_UUID_STRING_BUFLEN];

        gvReportError(error, GV_ERR_OPERATION_FAILED, "domain '%s' is already defined with uuid %s",
                      def->name, gvUUIDFormat(byName->def->uuid, uuidstr));
        goto cleanup;
    }
    if (byUUID && !byName) {
        char uuidstr[GV_UUID_STRING_BUFLEN];

        gvReportError(
            error, GV_ERR_OPERATION_FAILED,
            "domain '%s' already exists with uuid %s; renaming by define is not supported",
            byUUID->def->name, gvUUIDFormat(def->uuid, uuidstr));
        goto cleanup;
    }

    if (def->genid && !def->genid->hasGuid && def->genid->autoGen == GV_TRISTATE_BOOL_YES) {
        const gvDomainDef *old = NULL;

        if (byUUID) {
            gvDomainObjLock(byUUID);
            old = gvDomainObjGetPersistentDef(byUUID);
            /* redefining keeps the stored value unless the new XML gives one */
            if (old->genid && old->genid->hasGuid) {
                memcpy(def->genid->guid, old->genid->guid, GV_UUID_BUFLEN);
                def->genid->hasGuid = true;
            }
            gvDomainObjUnlock(byUUID);
        }
        if (gvDomainGenidDefEnsureGuid(def->genid, error) < 0)
            goto cleanup;
    }
    if (gvDriverDefineCheckGenid(drv, def, &renewed, error) < 0)
        goto cleanup;

    if (gvDriverSaveConfig(drv, def, error) < 0)
        goto cleanup;
    /* the config is durable; the domain list does not have it yet */
    GV_CRASH_POINT("define:config-written");

    if (byUUID) {
        /* a transient domain made persistent is "added", as libvirt says */
        bool updated;

        gvDomainObjLock(byUUID);
        updated = byUUID->persistent;
        if (gvDomainObjIsActive(byUUID)) {
            gvDomainDefFree(byUUID->newDef);
            byUUID->newDef = g_steal_pointer(&def);
        } else {
            gvDomainDefFree(byUUID->def);
            byUUID->def = g_steal_pointer(&def);
        }
        byUUID->persistent = true;
        gvDriverEmitEvent(drv, byUUID, GV_DOMAIN_EVENT_ID_LIFECYCLE, GV_DOMAIN_EVENT_DEFINED,
                          updated ? GV_DOMAIN_EVENT_DEFINED_UPDATED
                                  : GV_DOMAIN_EVENT_DEFINED_ADDED);
        if (renewed)
            gvDriverEmitEvent(drv, byUUID, GV_DOMAIN_EVENT_ID_GENID_CHANGED, 0,
                              GV_DOMAIN_GENID_CHANGED_DUPLICATE);
        gvDomainObjUnlock(byUUID);
        ret = gvDomainObjRef(byUUID);
    } else {
        ret = gvDomainObjNew(g_steal_pointer(&def));
        ret->persistent = true;
        gvDomainObjListAdd(drv->domains, ret);
        gvDomainObjLock(ret);
        if (drv->hooks && drv->hooks->defined)
            drv->hooks->defined(drv, ret);
        gvDriverEmitEvent(drv, ret, GV_DOMAIN_EVENT_ID_LIFECYCLE, GV_DOMAIN_EVENT_DEFINED,
                          GV_DOMAIN_EVENT_DEFINED_ADDED);
        if (renewed)
            gvDriverEmitEvent(drv, ret, GV_DOMAIN_EVENT_ID_GENID_CHANGED, 0,
                              GV_DOMAIN_GENID_CHANGED_DUPLICATE);
        gvDomainObjUnlock(ret);
    }
    g_debug("defined domain '%s'", ret->def->name);

cleanup:
    g_mutex_unlock(&drv->defineLock);
    return ret;
}

int
gvDriverUndefine(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    return gvDriverUndefineFull(drv, obj, flags, true, error);
}

int
gvDriverUndefineFull(gvDriver *drv, gvDomainObj *obj, unsigned int flags, bool event,
                     GError **error)
{
    unsigned int known = GV_DOMAIN_UNDEFINE_MANAGED_SAVE | GV_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                         GV_DOMAIN_UNDEFINE_NVRAM | GV_DOMAIN_UNDEFINE_KEEP_NVRAM;
    int ret = -1;

    if (flags & ~known) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~known, "virDomainUndefineFlags");
        return -1;
    }
    g_mutex_lock(&drv->defineLock);
    gvDomainObjLock(obj);
    if (!obj->persistent) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "cannot undefine transient domain");
        goto cleanup;
    }
    if (drv->hooks && drv->hooks->undefinePrepare &&
        drv->hooks->undefinePrepare(drv, obj, flags, error) < 0)
        goto cleanup;
    if (gvDriverRemoveConfig(drv, obj->def->name, error) < 0)
        goto cleanup;
    GV_CRASH_POINT("undefine:config-removed");
    {
        g_autofree char *link = gvDriverAutostartPath(drv, obj->def->name);

        (void)unlink(link);
        obj->autostart = false;
    }
    obj->persistent = false;
    if (event)
        gvDriverEmitEvent(drv, obj, GV_DOMAIN_EVENT_ID_LIFECYCLE, GV_DOMAIN_EVENT_UNDEFINED,
                          GV_DOMAIN_EVENT_UNDEFINED_REMOVED);
    if (gvDomainObjIsActive(obj)) {
        /* it keeps running, as a transient domain */
        g_clear_pointer(&obj->newDef, gvDomainDefFree);
        gvDomainObjUnlock(obj);
    } else {
        gvDomainObjUnlock(obj);
        gvDomainObjListRemove(drv->domains, obj);
    }
    g_debug("undefined domain '%s'", obj->def->name);
    g_mutex_unlock(&drv->defineLock);
    return 0;

cleanup:
    gvDomainObjUnlock(obj);
    g_mutex_unlock(&drv->defineLock);
    return ret;
}

/* ---- lookups ------------------------------------------------------------ */

gvDomainObj *
gvDriverLookupByName(gvDriver *drv, const char *name, GError **error)
{
    gvDomainObj *obj = gvDomainObjListFindByName(drv->domains, name);

    if (!obj)
        gvReportError(error, GV_ERR_NO_DOMAIN, "no domain with matching name '%s'", name);
    return obj;
}

gvDomainObj *
gvDriverLookupByUUID(gvDriver *drv, const unsigned char *uuid, const char *name, GError **error)
{
    gvDomainObj *obj = gvDomainObjListFindByUUID(drv->domains, uuid);

    if (!obj) {
        char uuidstr[GV_UUID_STRING_BUFLEN];

        gvUUIDFormat(uuid, uuidstr);
        if (name)
            gvReportError(error, GV_ERR_NO_DOMAIN, "no domain with matching uuid '%s' (%s)",
                          uuidstr, name);
        else
            gvReportError(error, GV_ERR_NO_DOMAIN, "no domain with matching uuid '%s'", uuidstr);
    }
    return obj;
}

gvDomainObj *
gvDriverLookupByID(gvDriver *drv, int id, GError **error)
{
    gvDomainObj *obj = gvDomainObjListFindByID(drv->domains, id);

    if (!obj)
        gvReportError(error, GV_ERR_NO_DOMAIN, "no domain with matching id %d", id);
    return obj;
}

char *
gvDriverGetXMLDesc(gvDriver *drv, gvDomainObj *obj, unsigned int flags, bool showSecrets)
{
    unsigned int fmt = 0;
    const gvDomainDef *def;
    char *xml;

    if (showSecrets)
        fmt |= GV_DOMAIN_DEF_FORMAT_SECURE;
    if (flags & GV_DOMAIN_XML_MIGRATABLE)
        fmt |= GV_DOMAIN_DEF_FORMAT_MIGRATABLE;
    gvDomainObjLock(obj);
    if ((flags & GV_DOMAIN_XML_INACTIVE) || !gvDomainObjIsActive(obj)) {
        fmt |= GV_DOMAIN_DEF_FORMAT_INACTIVE;
        def = gvDomainObjGetPersistentDef(obj);
    } else {
        def = obj->def;
    }
    xml = gvDomainDefFormat(def, fmt);
    gvDomainObjUnlock(obj);
    return xml;
}

/* Loads STATEDIR/caps/HASH.json when it was made from this very binary */
static gvQemuCaps *
gvDriverLoadCachedCaps(const char *cachePath, gint64 mtime)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *data = NULL;
    g_autoptr(json_object) obj = NULL;
    json_object *m;
    size_t len;

    if (gvFileReadBounded(cachePath, 4 * 1024 * 1024, &data, &len, &error) < 0)
        return NULL;
    if (!(obj = json_tokener_parse(data)) || !json_object_object_get_ex(obj, "binary-mtime", &m) ||
        json_object_get_int64(m) != mtime)
        return NULL;
    /* made by another version of the probe: probe again */
    if (!json_object_object_get_ex(obj, "probe-version", &m) ||
        json_object_get_int(m) != GV_QEMU_CAPS_PROBE_VERSION)
        return NULL;
    return gvQemuCapsNewFromJSON(obj, NULL);
}

const gvQemuCaps *
gvDriverGetCaps(gvDriver *drv, const char *emulator, GError **error)
{
    gvQemuCaps *caps;
    struct stat sb;
    gint64 mtime;
    g_autofree char *key = NULL;
    g_autofree char *hash = NULL;
    g_autofree char *cacheDir = NULL;
    g_autofree char *cachePath = NULL;

    if (stat(emulator, &sb) < 0) {
        gvReportSystemError(error, errno, "cannot find QEMU binary '%s'", emulator);
        return NULL;
    }
    mtime = (gint64)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
    g_mutex_lock(&drv->capsLock);
    caps = g_hash_table_lookup(drv->caps, emulator);
    if (caps && caps->mtime == mtime) {
        g_mutex_unlock(&drv->capsLock);
        return caps;
    }
    /* probing takes a while: other starts must not wait behind it */
    g_mutex_unlock(&drv->capsLock);
    /* probed with KVM or not: one file per accelerator (the format: "probe-version") */
    key = g_strdup_printf("%s:%s", gvQemuAccelTypeToString(drv->accel), emulator);
    hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
    cacheDir = g_build_filename(drv->stateDir, "caps", NULL);
    cachePath = g_strdup_printf("%s/%s.json", cacheDir, hash);
    if (!(caps = gvDriverLoadCachedCaps(cachePath, mtime))) {
        g_autoptr(json_object) obj = NULL;
        g_autoptr(GError) local = NULL;

        if (!(caps = gvQemuCapsProbe(emulator, drv->accel == GV_QEMU_ACCEL_KVM, 30000, error)))
            return NULL;
        obj = gvQemuCapsToJSON(caps);
        json_object_object_add(obj, "binary-mtime", json_object_new_int64(mtime));
        json_object_object_add(obj, "probe-version",
                               json_object_new_int(GV_QEMU_CAPS_PROBE_VERSION));
        if (gvDirEnsure(cacheDir, 0700, &local) < 0 ||
            gvFileWriteAtomic(cachePath, json_object_to_json_string(obj),
                              strlen(json_object_to_json_string(obj)), 0600, &local) < 0)
            g_warning("cannot cache the capabilities of '%s': %s", emulator, local->message);
        g_debug("probed QEMU binary '%s'", emulator);
    }
    g_mutex_lock(&drv->capsLock);
    {
        gvQemuCaps *other = g_hash_table_lookup(drv->caps, emulator);

        /* another thread probed it meanwhile: keep one */
        if (other && other->mtime == mtime) {
            gvQemuCapsFree(caps);
            g_mutex_unlock(&drv->capsLock);
            return other;
        }
    }
    caps->mtime = mtime;
    if (g_hash_table_lookup(drv->caps, emulator))
        g_ptr_array_add(drv->oldCaps, g_hash_table_lookup(drv->caps, emulator));
    g_hash_table_insert(drv->caps, g_strdup(emulator), caps);
    g_mutex_unlock(&drv->capsLock);
    return caps;
}
