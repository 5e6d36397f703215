/*
 * qemu_save.c: save a running domain to a file, restore it from one
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "gvbuffer.h"
#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvsaveimage.h"
#include "qemu_driver.h"
#include "qemu_migration.h"
#include "qemu_save.h"

#define GV_SAVE_KNOWN_FLAGS \
    (GV_DOMAIN_SAVE_BYPASS_CACHE | GV_DOMAIN_SAVE_RUNNING | GV_DOMAIN_SAVE_PAUSED | \
     GV_DOMAIN_SAVE_RESET_NVRAM)

/* QEMU's default max-bandwidth (32 MiB/s) is for live migration over a network */
#define GV_SAVE_BANDWIDTH G_GINT64_CONSTANT(0x7fffffffffffffff)

static int
gvQemuSaveCheckFlags(unsigned int flags, unsigned int known, const char *api, GError **error)
{
    if (flags & ~known) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~known, api);
        return -1;
    }
    if ((flags & GV_DOMAIN_SAVE_RUNNING) && (flags & GV_DOMAIN_SAVE_PAUSED)) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "Flags 'VIR_DOMAIN_SAVE_RUNNING' and 'VIR_DOMAIN_SAVE_PAUSED' are mutually "
                      "exclusive");
        return -1;
    }
    return 0;
}

static int
gvQemuSaveCheckPath(const char *path, GError **error)
{
    if (!path || !g_path_is_absolute(path)) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "save image path '%s' is not absolute: the daemon opens it on its own host",
                      path ? path : "");
        return -1;
    }
    return 0;
}

/*
 * An alternate XML for an image holding @image: parsed, checked for the
 * same guest ABI, an auto='yes' genid without a value taking the image's.
 */
static gvDomainDef *
gvQemuSaveAlternateDef(const gvDomainDef *image, const char *dxml, GError **error)
{
    g_autoptr(gvDomainDef) def = gvDomainDefParseString(dxml, GV_DOMAIN_DEF_PARSE_INACTIVE, error);

    if (!def)
        return NULL;
    gvDomainDefAdoptGenid(def, image);
    if (gvDomainDefCheckABIStability(image, def, error) < 0)
        return NULL;
    if (def->genid && !def->genid->hasGuid) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "the alternate XML of domain '%s' has a genid but the image has none",
                      def->name);
        return NULL;
    }
    return g_steal_pointer(&def);
}

/* ---- save ------------------------------------------------------------------- */

/* migrate-set-parameters max-bandwidth; the old value in @old (when given) */
static int
gvQemuSaveSetBandwidth(gvQemuMonitor *mon, gint64 value, gint64 *old, GError **error)
{
    json_object *args;

    if (old) {
        g_autoptr(json_object) ret = NULL;
        json_object *v;

        if (gvQemuMonitorCommand(mon, "query-migrate-parameters", NULL, 10000, &ret, error) < 0)
            return -1;
        *old = json_object_object_get_ex(ret, "max-bandwidth", &v) ? json_object_get_int64(v) : 0;
    }
    args = json_object_new_object();
    json_object_object_add(args, "max-bandwidth", json_object_new_int64(value));
    return gvQemuMonitorCommand(mon, "migrate-set-parameters", args, 10000, NULL, error);
}

/* QEMU's MIGRATION events on: the save's end wakes gvQemuMigrationWait */
static int
gvQemuSaveEnableEvents(gvQemuMonitor *mon, GError **error)
{
    json_object *args = json_object_new_object();
    json_object *caps = json_object_new_array();
    json_object *cap = json_object_new_object();

    json_object_object_add(cap, "capability", json_object_new_string("events"));
    json_object_object_add(cap, "state", json_object_new_boolean(1));
    json_object_array_add(caps, cap);
    json_object_object_add(args, "capabilities", caps);
    return gvQemuMonitorCommand(mon, "migrate-set-capabilities", args, 10000, NULL, error);
}

/*
 * QEMU writes its migration stream to @fd (its copy shares our file offset),
 * the image @path
 */
static int
gvQemuSaveStream(gvDomainObj *obj, gvQemuMonitor *mon, int fd, const char *path, GError **error)
{
    gint64 oldBandwidth = 0;
    json_object *args;
    int rc;

    if (gvQemuSaveEnableEvents(mon, error) < 0 ||
        gvQemuSaveSetBandwidth(mon, GV_SAVE_BANDWIDTH, &oldBandwidth, error) < 0)
        return -1;
    args = json_object_new_object();
    json_object_object_add(args, "fdname", json_object_new_string("gv-save"));
    rc = gvQemuMonitorCommandWithFd(mon, "getfd", args, fd, 10000, NULL, error);
    if (rc == 0) {
        args = json_object_new_object();
        json_object_object_add(args, "uri", json_object_new_string("fd:gv-save"));
        rc = gvQemuMonitorCommand(mon, "migrate", args, 10000, NULL, error);
    }
    /* QEMU's own write error ("Unable to write to file: ...") names no file */
    if (rc == 0 && (rc = gvQemuMigrationWait(obj, mon, NULL, NULL, error)) < 0)
        gvErrorPrefix(error, "cannot write save image '%s': ", path);
    if (rc < 0) {
        g_autoptr(GError) local = NULL;

        /* the guest runs on here: as it was */
        (void)gvQemuMonitorCommand(mon, "migrate_cancel", NULL, 10000, NULL, &local);
        (void)gvQemuSaveSetBandwidth(mon, oldBandwidth, NULL, &local);
    }
    return rc;
}

int
gvQemuSaveLocked(gvDriver *drv, gvDomainObj *obj, const char *path, const char *dxml,
                 unsigned int flags, GError **error)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    gvSaveImageWriter w = GV_SAVE_IMAGE_WRITER_INIT;
    g_autoptr(gvDomainDef) alt = NULL;
    gvQemuMonitor *mon;
    gvSaveImageState state;
    g_autofree char *name = g_strdup(obj->def->name);
    char *xml = NULL;
    bool wasRunning;
    int rc;

    if (!gvDomainObjIsActive(obj)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain is not running");
        return -1;
    }
    if (!(mon = priv->mon)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "the QEMU monitor of domain '%s' is not connected", obj->def->name);
        return -1;
    }
    if (priv->migrating || priv->incoming) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain '%s' is being migrated",
                      obj->def->name);
        return -1;
    }
    if (dxml && !(alt = gvQemuSaveAlternateDef(obj->def, dxml, error)))
        return -1;
    /* the live definition, its live GUID included: QEMU's stream does not carry it */
    xml = gvDomainDefFormat(alt ? alt : obj->def,
                            GV_DOMAIN_DEF_FORMAT_SECURE | GV_DOMAIN_DEF_FORMAT_MIGRATABLE);
    wasRunning = obj->state == GV_DOMAIN_RUNNING;
    if (flags & GV_DOMAIN_SAVE_RUNNING)
        state = GV_SAVE_IMAGE_STATE_RUNNING;
    else if (flags & GV_DOMAIN_SAVE_PAUSED)
        state = GV_SAVE_IMAGE_STATE_PAUSED;
    else
        state = wasRunning ? GV_SAVE_IMAGE_STATE_RUNNING : GV_SAVE_IMAGE_STATE_PAUSED;

    priv->saving = true;
    priv->abortJob = false;
    priv->migrationStart = g_get_monotonic_time();
    priv->migrationTotal = 0;
    priv->migrationDone = 0;
    gvQemuMonitorRef(mon);
    gvDomainObjUnlock(obj);

    rc = gvSaveImageWriterStart(&w, path, xml, state, error);
    gvSecretFree(g_steal_pointer(&xml));
    /* a non-live save: the guest stops first, so its memory is written once */
    if (rc == 0 && wasRunning && (rc = gvQemuMonitorStop(mon, error)) == 0) {
        g_autoptr(GError) local = NULL;

        gvDomainObjLock(obj);
        /* QEMU's STOP event may have been first */
        if (obj->state == GV_DOMAIN_RUNNING)
            gvDriverSetState(drv, obj, GV_DOMAIN_PAUSED, GV_DOMAIN_PAUSED_SAVE);
        /* a restarted daemon resumes a guest that a save cut short left paused */
        if (gvQemuProcessWriteStatus(drv, obj, &local) < 0)
            g_warning("domain '%s': %s", name, local->message);
        gvDomainObjUnlock(obj);
    }
    /* the image has its header, not yet the guest's memory */
    if (rc == 0)
        GV_CRASH_POINT("save:image-started");
    if (rc == 0)
        rc = gvQemuSaveStream(obj, mon, w.fd, path, error);
    /* the stream is written, the image not yet complete and synced */
    if (rc == 0)
        GV_CRASH_POINT("save:streamed");
    if (rc == 0)
        rc = gvSaveImageWriterFinish(&w, flags & GV_DOMAIN_SAVE_BYPASS_CACHE, error);
    if (rc < 0 && wasRunning) {
        g_autoptr(GError) local = NULL;

        if (gvQemuMonitorCont(mon, &local) < 0)
            g_warning("domain '%s': cannot resume the guest after a failed save: %s", name,
                      local->message);
    }
    gvSaveImageWriterClear(&w);
    gvQemuMonitorUnref(mon);
    gvDomainObjLock(obj);
    priv->saving = false;
    priv->abortJob = false;
    if (rc < 0) {
        if (wasRunning) {
            g_autoptr(GError) local = NULL;

            /* QEMU's RESUME event may have been first */
            if (obj->state == GV_DOMAIN_PAUSED)
                gvDriverSetState(drv, obj, GV_DOMAIN_RUNNING, GV_DOMAIN_RUNNING_SAVE_CANCELED);
            if (gvDomainObjIsActive(obj) && gvQemuProcessWriteStatus(drv, obj, &local) < 0)
                g_warning("domain '%s': %s", name, local->message);
        }
        return -1;
    }
    g_message("domain '%s' saved to '%s'", obj->def->name, path);
    /* the image is complete and durable: this QEMU may go */
    GV_CRASH_POINT("save:image-complete");
    if (gvQemuProcessStop(drv, obj, GV_DOMAIN_SHUTOFF_SAVED, false, error) < 0)
        return -1;
    GV_CRASH_POINT("save:qemu-stopped");
    return 0;
}

int
gvQemuSave(gvDriver *drv, gvDomainObj *obj, const char *path, const char *dxml, unsigned int flags,
           GError **error)
{
    int rc;

    if (gvQemuSaveCheckFlags(
            flags, GV_DOMAIN_SAVE_BYPASS_CACHE | GV_DOMAIN_SAVE_RUNNING | GV_DOMAIN_SAVE_PAUSED,
            "virDomainSaveFlags", error) < 0 ||
        gvQemuSaveCheckPath(path, error) < 0)
        return -1;
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, "save", GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        return -1;
    }
    rc = gvQemuSaveLocked(drv, obj, path, dxml, flags, error);
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    return rc;
}

/* ---- images ------------------------------------------------------------------ */

int
gvQemuSaveImageLoad(const char *path, gvDomainDef **def, guint32 *state, int *fd, GError **error)
{
    gvSaveImageHeader hdr;
    g_autoptr(GError) local = NULL;
    char *xml = NULL;
    gvDomainDef *parsed;
    int imageFd = -1;

    if (gvSaveImageOpen(path, false, &hdr, &xml, &imageFd, error) < 0)
        return -1;
    parsed = gvDomainDefParseString(xml, GV_DOMAIN_DEF_PARSE_INACTIVE, &local);
    gvSecretFree(xml);
    if (!parsed) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "the domain XML in save image '%s' is not valid: %s", path, local->message);
        close(imageFd);
        return -1;
    }
    *def = parsed;
    *state = hdr.state;
    *fd = imageFd;
    return 0;
}

char *
gvQemuSaveImageGetXMLDesc(const char *path, bool secure, GError **error)
{
    g_autoptr(gvDomainDef) def = NULL;
    guint32 state;
    int fd;

    if (gvQemuSaveCheckPath(path, error) < 0 ||
        gvQemuSaveImageLoad(path, &def, &state, &fd, error) < 0)
        return NULL;
    close(fd);
    return gvDomainDefFormat(def, GV_DOMAIN_DEF_FORMAT_MIGRATABLE |
                                      (secure ? GV_DOMAIN_DEF_FORMAT_SECURE : 0));
}

int
gvQemuSaveImageDefineXML(const char *path, const char *dxml, unsigned int flags, GError **error)
{
    g_autoptr(gvDomainDef) def = NULL;
    g_autoptr(gvDomainDef) alt = NULL;
    char *xml = NULL;
    guint32 state;
    int fd;
    int rc;

    if (gvQemuSaveCheckFlags(flags, GV_DOMAIN_SAVE_RUNNING | GV_DOMAIN_SAVE_PAUSED,
                             "virDomainSaveImageDefineXML", error) < 0 ||
        gvQemuSaveCheckPath(path, error) < 0 ||
        gvQemuSaveImageLoad(path, &def, &state, &fd, error) < 0)
        return -1;
    close(fd);
    if (dxml) {
        if (!(alt = gvQemuSaveAlternateDef(def, dxml, error)))
            return -1;
        xml = gvDomainDefFormat(alt, GV_DOMAIN_DEF_FORMAT_SECURE | GV_DOMAIN_DEF_FORMAT_MIGRATABLE);
    }
    state = 0;
    if (flags & GV_DOMAIN_SAVE_RUNNING)
        state = GV_SAVE_IMAGE_STATE_RUNNING;
    else if (flags & GV_DOMAIN_SAVE_PAUSED)
        state = GV_SAVE_IMAGE_STATE_PAUSED;
    rc = gvSaveImageUpdate(path, xml, state, error);
    gvSecretFree(xml);
    return rc;
}

/* ---- restore ------------------------------------------------------------------ */

int
gvQemuRestoreLocked(gvDriver *drv, gvDomainObj *obj, gvDomainDef *def, int fd,
                    const gvQemuRestoreOpts *opts, GError **error)
{
    g_autoptr(gvDomainDef) image = def;
    gvQemuProcessStartOpts start = GV_QEMU_PROCESS_START_OPTS_INIT;
    unsigned char old[GV_UUID_BUFLEN] = { 0 };
    bool newGenid = false;
    bool fixed = false;

    if (gvDomainObjIsActive(obj)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain '%s' is already active",
                      obj->def->name);
        return -1;
    }
    /* the file may be restored more than once: a GUID never seen before, each time */
    if (image->genid && opts->genidReason >= 0) {
        int regenerated;

        memcpy(old, image->genid->guid, GV_UUID_BUFLEN);
        do {
            if ((regenerated = gvDomainGenidDefRegenerate(image->genid, error)) < 0)
                return -1;
        } while (regenerated > 0 &&
                 (memcmp(image->genid->guid, old, GV_UUID_BUFLEN) == 0 ||
                  (obj->def->genid &&
                   memcmp(image->genid->guid, obj->def->genid->guid, GV_UUID_BUFLEN) == 0)));
        newGenid = regenerated > 0;
        fixed = regenerated == 0;
        explicit_bzero(old, sizeof(old));
    }
    /* a new GUID chosen, the config not yet updated */
    GV_CRASH_POINT("restore:guid-chosen");
    /* persisted before QEMU starts: the config learns the new GUID first */
    if (newGenid && obj->persistent && obj->def->genid &&
        obj->def->genid->autoGen == GV_TRISTATE_BOOL_YES) {
        g_autoptr(gvDomainDef) config = gvDomainDefCopy(obj->def, error);

        if (!config)
            return -1;
        memcpy(config->genid->guid, image->genid->guid, GV_UUID_BUFLEN);
        config->genid->hasGuid = true;
        if (gvDriverSaveConfig(drv, config, error) < 0)
            return -1;
        gvDomainDefFree(obj->def);
        obj->def = g_steal_pointer(&config);
        /* the config has the new GUID; no QEMU has it yet */
        GV_CRASH_POINT("restore:guid-persisted");
    }

    /* the image's definition runs; the config waits for the next shutdown */
    if (obj->persistent) {
        gvDomainDefFree(obj->newDef);
        obj->newDef = obj->def;
    } else {
        gvDomainDefFree(obj->def);
    }
    obj->def = g_steal_pointer(&image);
    obj->def->id = -1;
    start.restoreFd = fd;
    start.userPaused = opts->userPaused;
    start.resetNvram = opts->resetNvram;
    start.beforeRun = opts->beforeRun;
    start.opaque = opts->opaque;
    if (gvQemuProcessStartWith(drv, obj, opts->paused ? GV_DOMAIN_START_PAUSED : 0, &start, error) <
        0) {
        if (obj->persistent && obj->newDef) {
            gvDomainDefFree(obj->def);
            obj->def = g_steal_pointer(&obj->newDef);
        }
        return -1;
    }
    GV_CRASH_POINT("restore:started");
    if (opts->dropCache)
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    /* the value (never in an event) is stored and QEMU reported it */
    if (newGenid)
        gvDriverEmitEvent(drv, obj, GV_DOMAIN_EVENT_ID_GENID_CHANGED, 0, opts->genidReason);
    if (fixed)
        g_warning("domain '%s': genid is fixed (auto='no'): restored from a save image without "
                  "telling the guest",
                  obj->def->name);
    return 0;
}

/*
 * The domain object an image of @def restores into: the one defined with
 * its uuid and name (shut off), or a new transient one (@created)
 */
static gvDomainObj *
gvQemuRestoreFindObj(gvDriver *drv, const gvDomainDef *def, bool *created, GError **error)
{
    g_autoptr(gvDomainObj) byUUID = gvDomainObjListFindByUUID(drv->domains, def->uuid);
    g_autoptr(gvDomainObj) byName = gvDomainObjListFindByName(drv->domains, def->name);
    char uuidstr[GV_UUID_STRING_BUFLEN];
    char other[GV_UUID_STRING_BUFLEN];
    gvDomainDef *copy;
    gvDomainObj *obj;

    *created = false;
    if (byName && byName != byUUID) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "domain '%s' is already defined with uuid %s, not the image's %s", def->name,
                      gvUUIDFormat(byName->def->uuid, uuidstr), gvUUIDFormat(def->uuid, other));
        return NULL;
    }
    if (byUUID && !byName) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "domain '%s' already exists with uuid %s: the image holds it as '%s'",
                      byUUID->def->name, gvUUIDFormat(def->uuid, uuidstr), def->name);
        return NULL;
    }
    if (byUUID)
        return g_steal_pointer(&byUUID);
    if (!(copy = gvDomainDefCopy(def, error)))
        return NULL;
    obj = gvDomainObjNew(copy);
    obj->persistent = false;
    gvDomainObjListAdd(drv->domains, obj);
    *created = true;
    return obj;
}

int
gvQemuRestore(gvDriver *drv, const char *path, const char *dxml, unsigned int flags, GError **error)
{
    g_autoptr(gvDomainDef) def = NULL;
    g_autoptr(gvDomainObj) obj = NULL;
    gvQemuRestoreOpts opts = { .genidReason = GV_DOMAIN_GENID_CHANGED_RESTORE };
    bool created = false;
    guint32 state;
    int fd = -1;
    int rc = -1;

    if (gvQemuSaveCheckFlags(flags, GV_SAVE_KNOWN_FLAGS, "virDomainRestoreFlags", error) < 0 ||
        gvQemuSaveCheckPath(path, error) < 0 ||
        gvQemuSaveImageLoad(path, &def, &state, &fd, error) < 0)
        return -1;
    if (dxml) {
        gvDomainDef *alt = gvQemuSaveAlternateDef(def, dxml, error);

        if (!alt)
            goto cleanup;
        gvDomainDefFree(def);
        def = alt;
    }
    opts.paused = (flags & GV_DOMAIN_SAVE_PAUSED) ||
                  (state == GV_SAVE_IMAGE_STATE_PAUSED && !(flags & GV_DOMAIN_SAVE_RUNNING));
    opts.dropCache = flags & GV_DOMAIN_SAVE_BYPASS_CACHE;
    opts.resetNvram = flags & GV_DOMAIN_SAVE_RESET_NVRAM;

    g_mutex_lock(&drv->defineLock);
    obj = gvQemuRestoreFindObj(drv, def, &created, error);
    g_mutex_unlock(&drv->defineLock);
    if (!obj)
        goto cleanup;
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, "restore", GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        goto cleanup;
    }
    rc = gvQemuRestoreLocked(drv, obj, g_steal_pointer(&def), fd, &opts, error);
    if (rc == 0)
        g_message("domain '%s' restored from '%s'", obj->def->name, path);
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    if (rc < 0 && created)
        gvDomainObjListRemove(drv->domains, obj);

cleanup:
    if (fd >= 0)
        close(fd);
    return rc;
}
