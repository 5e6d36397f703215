/*
 * qemu_driver.c: domain lifecycle operations
 */
#include <gvconfig.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gvbuffer.h"
#include "gverror.h"
#include "gvfile.h"
#include "qemu_driver.h"
#include "qemu_managedsave.h"
#include "qemu_process.h"
#include "qemu_snapshot.h"

int
gvDriverBeginJob(gvDomainObj *obj, const char *job, GError **error)
{
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, job, GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        return -1;
    }
    return 0;
}

void
gvDriverEndJob(gvDomainObj *obj)
{
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
}

int
gvDriverCheckActive(gvDomainObj *obj, GError **error)
{
    if (!gvDomainObjIsActive(obj)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain is not running");
        return -1;
    }
    return 0;
}

int
gvDriverDomainCreate(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    unsigned int known =
        GV_DOMAIN_START_PAUSED | GV_DOMAIN_START_BYPASS_CACHE | GV_DOMAIN_START_FORCE_BOOT;
    int rc;

    if (flags & ~known) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~known, "virDomainCreateWithFlags");
        return -1;
    }
    if (gvDriverBeginJob(obj, "start", error) < 0)
        return -1;
    /* a managed save image is restored instead of a boot */
    rc = gvQemuManagedSaveStart(drv, obj, flags, error);
    if (rc == 0)
        rc = gvQemuProcessStart(drv, obj, flags & GV_DOMAIN_START_PAUSED, NULL, NULL, error);
    gvDriverEndJob(obj);
    return rc < 0 ? -1 : 0;
}

gvDomainObj *
gvDriverDomainCreateXML(gvDriver *drv, const char *xml, unsigned int flags, GError **error)
{
    g_autoptr(gvDomainDef) def = NULL;
    g_autoptr(gvDomainObj) existing = NULL;
    gvDomainObj *obj;

    if (flags & ~GV_DOMAIN_START_PAUSED) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~GV_DOMAIN_START_PAUSED, "virDomainCreateXML");
        return NULL;
    }
    if (!(def = gvDomainDefParseString(xml, GV_DOMAIN_DEF_PARSE_INACTIVE, error)))
        return NULL;
    if ((existing = gvDomainObjListFindByName(drv->domains, def->name)) ||
        (existing = gvDomainObjListFindByUUID(drv->domains, def->uuid))) {
        char uuidstr[GV_UUID_STRING_BUFLEN];

        gvReportError(error, GV_ERR_OPERATION_FAILED, "domain '%s' already exists with uuid %s",
                      existing->def->name, gvUUIDFormat(existing->def->uuid, uuidstr));
        return NULL;
    }
    if (def->genid && gvDomainGenidDefEnsureGuid(def->genid, error) < 0)
        return NULL;
    obj = gvDomainObjNew(g_steal_pointer(&def));
    obj->persistent = false;
    gvDomainObjListAdd(drv->domains, obj);
    if (gvDriverDomainCreate(drv, obj, flags, error) < 0) {
        gvDomainObjListRemove(drv->domains, obj);
        gvDomainObjUnref(obj);
        return NULL;
    }
    return obj;
}

int
gvDriverDomainDestroy(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    bool killed;
    int rc = -1;

    if (flags & ~GV_DOMAIN_DESTROY_GRACEFUL) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~GV_DOMAIN_DESTROY_GRACEFUL, "virDomainDestroyFlags");
        return -1;
    }
    gvDomainObjLock(obj);
    /*
     * Another call holds the job, maybe waiting for a QEMU that does not
     * answer: QEMU goes first, which ends that wait, then the job is ours.
     */
    killed = obj->jobActive && gvQemuProcessKillForDestroy(obj, flags & GV_DOMAIN_DESTROY_GRACEFUL);
    if (gvDomainObjBeginJob(obj, "destroy", GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        return -1;
    }
    if (killed && !gvDomainObjIsActive(obj))
        rc = 0; /* it went as asked while the other call ended */
    else if (gvDriverCheckActive(obj, error) == 0)
        rc = gvQemuProcessStop(drv, obj, GV_DOMAIN_SHUTOFF_DESTROYED,
                               flags & GV_DOMAIN_DESTROY_GRACEFUL, error);
    gvDriverEndJob(obj);
    return rc;
}

/* Runs a monitor command of a running domain, with its job held */
static int
gvDriverMonitorSimple(gvDriver *drv, gvDomainObj *obj, const char *job,
                      int (*fn)(gvQemuMonitor *mon, GError **error), GError **error)
{
    gvQemuMonitor *mon = NULL;
    int rc = -1;

    if (gvDriverBeginJob(obj, job, error) < 0)
        return -1;
    if (gvDriverCheckActive(obj, error) < 0)
        goto cleanup;
    if (!(mon = gvQemuDomainGetPriv(obj)->mon)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "the QEMU monitor of domain '%s' is not connected", obj->def->name);
        goto cleanup;
    }
    gvQemuMonitorRef(mon);
    gvDomainObjUnlock(obj);
    rc = fn(mon, error);
    gvQemuMonitorUnref(mon);
    gvDomainObjLock(obj);
cleanup:
    /* QEMU's STOP or RESUME event may have come first: then nothing changes here */
    if (rc == 0 && g_str_equal(job, "suspend"))
        gvDriverSetState(drv, obj, GV_DOMAIN_PAUSED, GV_DOMAIN_PAUSED_USER);
    else if (rc == 0 && g_str_equal(job, "resume"))
        gvDriverSetState(drv, obj, GV_DOMAIN_RUNNING, GV_DOMAIN_RUNNING_UNPAUSED);
    gvDriverEndJob(obj);
    return rc;
}

int
gvDriverDomainShutdown(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    /* ACPI power button; the guest decides, QEMU tells us with SHUTDOWN */
    return gvDriverMonitorSimple(drv, obj, "shutdown", gvQemuMonitorPowerdown, error);
}

int
gvDriverDomainReboot(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    return gvDriverMonitorSimple(drv, obj, "reboot", gvQemuMonitorReset, error);
}

int
gvDriverDomainReset(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    if (flags != 0) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s", flags,
                      "virDomainReset");
        return -1;
    }
    /* the hardware reset button: no guest cooperation */
    return gvDriverMonitorSimple(drv, obj, "reset", gvQemuMonitorReset, error);
}

int
gvDriverDomainSuspend(gvDriver *drv, gvDomainObj *obj, GError **error)
{
    return gvDriverMonitorSimple(drv, obj, "suspend", gvQemuMonitorStop, error);
}

int
gvDriverDomainResume(gvDriver *drv, gvDomainObj *obj, GError **error)
{
    return gvDriverMonitorSimple(drv, obj, "resume", gvQemuMonitorCont, error);
}

int
gvDriverDomainSetAutostart(gvDriver *drv, gvDomainObj *obj, bool autostart, GError **error)
{
    g_autofree char *link = NULL;
    g_autofree char *target = NULL;
    g_autofree char *dir = g_strdup_printf("%s/autostart", drv->configDir);
    int rc = -1;

    if (gvDriverBeginJob(obj, "autostart", error) < 0)
        return -1;
    if (!obj->persistent) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "cannot set autostart for transient domain");
        goto cleanup;
    }
    link = gvDriverAutostartPath(drv, obj->def->name);
    target = gvDriverConfigPath(drv, obj->def->name);
    if (autostart) {
        if (gvFileReplaceSymlink(dir, link, target, error) < 0)
            goto cleanup;
    } else if (unlink(link) < 0 && errno != ENOENT) {
        gvReportSystemError(error, errno, "failed to delete symlink '%s'", link);
        goto cleanup;
    }
    obj->autostart = autostart;
    rc = 0;
cleanup:
    gvDriverEndJob(obj);
    return rc;
}

int
gvDriverDomainGetLiveGenid(gvDriver *drv, gvDomainObj *obj, unsigned char guid[16], GError **error)
{
    gvQemuMonitor *mon;
    int rc;

    gvDomainObjLock(obj);
    if (gvDriverCheckActive(obj, error) < 0) {
        gvDomainObjUnlock(obj);
        return -1;
    }
    if (!obj->def->genid) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain '%s' has no genid device",
                      obj->def->name);
        gvDomainObjUnlock(obj);
        return -1;
    }
    if (!(mon = gvQemuDomainGetPriv(obj)->mon)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "the QEMU monitor of domain '%s' is not connected", obj->def->name);
        gvDomainObjUnlock(obj);
        return -1;
    }
    gvQemuMonitorRef(mon);
    gvDomainObjUnlock(obj);
    rc = gvQemuMonitorQueryGenid(mon, guid, error);
    gvQemuMonitorUnref(mon);
    return rc;
}

int
gvDriverDomainMonitorCommand(gvDriver *drv, gvDomainObj *obj, const char *cmd, unsigned int flags,
                             char **result, GError **error)
{
    gvQemuDomainPriv *priv;
    gvQemuMonitor *mon;
    int rc;

    if (flags != 0) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED,
                      "HMP commands are not supported: send QMP JSON");
        return -1;
    }
    if (gvDriverBeginJob(obj, "monitor-command", error) < 0)
        return -1;
    priv = gvQemuDomainGetPriv(obj);
    if (gvDriverCheckActive(obj, error) < 0 || !(mon = priv->mon)) {
        if (!error || !*error)
            gvReportError(error, GV_ERR_OPERATION_INVALID, "the QEMU monitor is not connected");
        gvDriverEndJob(obj);
        return -1;
    }
    if (!priv->tainted) {
        g_autofree char *logPath = g_strdup_printf("%s/%s.log", drv->logDir, obj->def->name);
        FILE *log = fopen(logPath, "ae");

        priv->tainted = true;
        if (log) {
            fputs("Domain is tainted: custom-monitor\n", log);
            fclose(log);
        }
        g_warning("domain '%s' is tainted: custom-monitor", obj->def->name);
    }
    gvQemuMonitorRef(mon);
    gvDomainObjUnlock(obj);
    rc = gvQemuMonitorCommandRaw(mon, cmd, 60000, result, error);
    gvQemuMonitorUnref(mon);
    gvDomainObjLock(obj);
    gvDriverEndJob(obj);
    return rc;
}

typedef struct {
    gvDriver *drv;
    gvDomainObj *obj;
    gint *pending;
} gvDriverAutostartJob;

static gpointer
gvDriverAutostartThread(gpointer opaque)
{
    gvDriverAutostartJob *job = opaque;
    g_autoptr(GError) error = NULL;

    if (gvDriverDomainCreate(job->drv, job->obj, 0, &error) < 0)
        g_warning("cannot autostart domain '%s': %s", job->obj->def->name, error->message);
    gvDomainObjUnref(job->obj);
    g_atomic_int_dec_and_test(job->pending);
    g_main_context_wakeup(job->drv->ctx);
    g_free(job);
    return NULL;
}

void
gvDriverStartup(gvDriver *drv)
{
    g_autoptr(GPtrArray) all = NULL;
    gint pending = 0;
    guint i;

    gvQemuSnapshotLoadAll(drv);
    /* after the reconnect: a domain still running has no valid managed save image */
    gvQemuProcessReconnectAll(drv);
    gvQemuManagedSaveLoadAll(drv);
    all = gvDomainObjListCollect(drv->domains);
    for (i = 0; i < all->len; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);
        g_autofree char *link = NULL;
        bool start;

        gvDomainObjLock(obj);
        link = gvDriverAutostartPath(drv, obj->def->name);
        obj->autostart = obj->persistent && g_file_test(link, G_FILE_TEST_IS_SYMLINK);
        start = obj->autostart && !gvDomainObjIsActive(obj);
        gvDomainObjUnlock(obj);
        if (start) {
            gvDriverAutostartJob *job = g_new0(gvDriverAutostartJob, 1);

            job->drv = drv;
            job->obj = gvDomainObjRef(obj);
            job->pending = &pending;
            g_atomic_int_inc(&pending);
            g_thread_unref(g_thread_new("autostart", gvDriverAutostartThread, job));
        }
    }
    /* starting needs the main loop (monitors, child watches) */
    while (g_atomic_int_get(&pending) > 0)
        g_main_context_iteration(drv->ctx, TRUE);
}

typedef struct {
    GThread *thread;
    gint done;
    GMainContext *ctx;
} gvDriverJoin;

static gpointer
gvDriverJoinThread(gpointer opaque)
{
    gvDriverJoin *j = opaque;

    g_thread_join(j->thread);
    g_atomic_int_set(&j->done, 1);
    g_main_context_wakeup(j->ctx);
    return NULL;
}

/* Joins @t while the main loop keeps running (the thread may need it) */
static void
gvDriverJoinIterating(gvDriver *drv, GThread *t)
{
    gvDriverJoin j = { t, 0, drv->ctx };
    GThread *joiner = g_thread_new("join", gvDriverJoinThread, &j);

    while (!g_atomic_int_get(&j.done))
        g_main_context_iteration(drv->ctx, TRUE);
    g_thread_join(joiner);
}

void
gvDriverShutdown(gvDriver *drv)
{
    g_autoptr(GPtrArray) all = NULL;
    guint i;

    /* background reconnects give up; they need the loop to finish */
    g_atomic_int_set(&drv->shuttingDown, 1);
    g_mutex_lock(&drv->threadsLock);
    for (i = 0; i < drv->threads->len; i++) {
        GThread *t = g_ptr_array_index(drv->threads, i);

        g_mutex_unlock(&drv->threadsLock);
        gvDriverJoinIterating(drv, t);
        g_mutex_lock(&drv->threadsLock);
    }
    g_ptr_array_set_size(drv->threads, 0);
    g_mutex_unlock(&drv->threadsLock);
    all = gvDomainObjListCollect(drv->domains);

    for (i = 0; i < all->len; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);
        gvQemuDomainPriv *priv;

        gvDomainObjLock(obj);
        priv = gvQemuDomainGetPriv(obj);
        if (priv->exitSource) {
            g_source_destroy(priv->exitSource);
            g_clear_pointer(&priv->exitSource, g_source_unref);
        }
        if (priv->mon) {
            gvQemuMonitorClose(priv->mon);
            g_clear_pointer(&priv->mon, gvQemuMonitorUnref);
        }
        gvDomainObjUnlock(obj);
    }
    /* the closes finish on the main loop */
    while (g_main_context_iteration(drv->ctx, FALSE))
        ;
    /* the configs become durable in place; the journal is left empty */
    g_clear_pointer(&drv->configs, gvJournalClose);
}

char *
gvDriverDomainConsolePath(gvDriver *drv, gvDomainObj *obj, const char *dev, GError **error)
{
    const gvDomainChrDef *chr = NULL;
    guint i;

    gvDomainObjLock(obj);
    if (!gvDomainObjIsActive(obj)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain is not running");
        gvDomainObjUnlock(obj);
        return NULL;
    }
    if (!dev) {
        /* the first console, else the first serial port, as libvirt */
        if (obj->def->consoles->len > 0)
            chr = g_ptr_array_index(obj->def->consoles, 0);
        else if (obj->def->serials->len > 0)
            chr = g_ptr_array_index(obj->def->serials, 0);
    } else {
        for (i = 0; !chr && i < obj->def->serials->len; i++) {
            const gvDomainChrDef *c = g_ptr_array_index(obj->def->serials, i);
            g_autofree char *alias = g_strdup_printf("serial%d", c->port >= 0 ? c->port : (int)i);

            if (g_str_equal(dev, alias))
                chr = c;
        }
        for (i = 0; !chr && i < obj->def->consoles->len; i++) {
            g_autofree char *alias = g_strdup_printf("console%u", i);

            if (g_str_equal(dev, alias))
                chr = g_ptr_array_index(obj->def->consoles, i);
        }
    }
    if (!chr) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "cannot find character device %s",
                      dev ? dev : "<null>");
    } else if (chr->type != GV_DOMAIN_CHR_TYPE_PTY || !chr->path) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "character device %s is not using a PTY",
                      dev ? dev : "console0");
        chr = NULL;
    }
    gvDomainObjUnlock(obj);
    return chr ? g_strdup(chr->path) : NULL;
}

/* virDomainOpenGraphicsFlags */
#define GV_DOMAIN_OPEN_GRAPHICS_SKIPAUTH (1 << 0)

int
gvDriverDomainOpenGraphicsFD(gvDriver *drv, gvDomainObj *obj, unsigned int idx, unsigned int flags,
                             int *fdOut, GError **error)
{
    const gvDomainGraphicsDef *gfx;
    const char *protocol = NULL;
    gvQemuMonitor *mon = NULL;
    json_object *args;
    int sv[2] = { -1, -1 };
    int rc = -1;

    if (flags & ~GV_DOMAIN_OPEN_GRAPHICS_SKIPAUTH) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~GV_DOMAIN_OPEN_GRAPHICS_SKIPAUTH, "virDomainOpenGraphicsFD");
        return -1;
    }
    if (gvDriverBeginJob(obj, "open-graphics", error) < 0)
        return -1;
    if (gvDriverCheckActive(obj, error) < 0)
        goto cleanup;
    if (idx >= obj->def->graphics->len) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "No graphics backend with index %u", idx);
        goto cleanup;
    }
    gfx = g_ptr_array_index(obj->def->graphics, idx);
    switch ((gvDomainGraphicsType)gfx->type) {
    case GV_DOMAIN_GRAPHICS_TYPE_VNC:
        protocol = "vnc";
        break;
    case GV_DOMAIN_GRAPHICS_TYPE_SPICE:
        protocol = "spice";
        break;
    case GV_DOMAIN_GRAPHICS_TYPE_NONE:
    case GV_DOMAIN_GRAPHICS_TYPE_LAST:
        break;
    }
    if (!protocol) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "Can only open VNC or SPICE graphics backends, not %s",
                      gvDomainGraphicsTypeTypeToString(gfx->type));
        goto cleanup;
    }
    if (!(mon = gvQemuDomainGetPriv(obj)->mon)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "the QEMU monitor of domain '%s' is not connected", obj->def->name);
        goto cleanup;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        gvReportSystemError(error, errno, "cannot create a socket pair for the display");
        goto cleanup;
    }
    gvQemuMonitorRef(mon);
    gvDomainObjUnlock(obj);
    /* QEMU takes one end as a display client; the caller gets the other */
    args = json_object_new_object();
    json_object_object_add(args, "fdname", json_object_new_string("gv-graphicsfd"));
    if (gvQemuMonitorCommandWithFd(mon, "getfd", args, sv[1], GV_JOB_TIMEOUT_MS, NULL, error) ==
        0) {
        args = json_object_new_object();
        json_object_object_add(args, "protocol", json_object_new_string(protocol));
        json_object_object_add(args, "fdname", json_object_new_string("gv-graphicsfd"));
        json_object_object_add(args, "skipauth",
                               json_object_new_boolean(flags & GV_DOMAIN_OPEN_GRAPHICS_SKIPAUTH));
        json_object_object_add(args, "tls", json_object_new_boolean(0));
        rc = gvQemuMonitorCommand(mon, "add_client", args, GV_JOB_TIMEOUT_MS, NULL, error);
    }
    gvQemuMonitorUnref(mon);
    gvDomainObjLock(obj);
cleanup:
    if (sv[1] >= 0)
        close(sv[1]);
    if (rc == 0)
        *fdOut = sv[0];
    else if (sv[0] >= 0)
        close(sv[0]);
    gvDriverEndJob(obj);
    return rc;
}

/* virDomainModificationImpact */
#define GV_DOMAIN_AFFECT_LIVE (1 << 0)
#define GV_DOMAIN_AFFECT_CONFIG (1 << 1)

/*
 * Which definitions @flags (CURRENT, LIVE, CONFIG) mean for @obj (locked):
 * *@live, *@config.  libvirt's rules and messages.
 */
static int
gvDriverAffected(gvDomainObj *obj, unsigned int flags, bool *live, bool *config, GError **error)
{
    bool active = gvDomainObjIsActive(obj);

    if (flags == 0) {
        *live = active;
        *config = !active;
    } else {
        *live = flags & GV_DOMAIN_AFFECT_LIVE;
        *config = flags & GV_DOMAIN_AFFECT_CONFIG;
    }
    if (*live && !active) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain is not running");
        return -1;
    }
    if (*config && !obj->persistent) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "transient domains do not have any persistent config");
        return -1;
    }
    return 0;
}

int
gvDriverDomainSetMetadata(gvDriver *drv, gvDomainObj *obj, int type, const char *value,
                          const char *key, const char *uri, unsigned int flags, GError **error)
{
    g_autoptr(gvDomainDef) newConfig = NULL;
    g_autoptr(gvDomainDef) newLive = NULL;
    bool live;
    bool config;
    int rc = -1;

    if (flags & ~(GV_DOMAIN_AFFECT_LIVE | GV_DOMAIN_AFFECT_CONFIG)) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~(GV_DOMAIN_AFFECT_LIVE | GV_DOMAIN_AFFECT_CONFIG),
                      "virDomainSetMetadata");
        return -1;
    }
    /* configs change under the define lock, taken before any domain lock */
    g_mutex_lock(&drv->defineLock);
    if (gvDriverBeginJob(obj, "metadata", error) < 0) {
        g_mutex_unlock(&drv->defineLock);
        return -1;
    }
    if (gvDriverAffected(obj, flags, &live, &config, error) < 0)
        goto cleanup;
    /* both changed on copies first: nothing changes unless both can */
    if (config && (!(newConfig = gvDomainDefCopy(gvDomainObjGetPersistentDef(obj), error)) ||
                   gvDomainDefSetMetadata(newConfig, type, value, key, uri, error) < 0))
        goto cleanup;
    if (live && (!(newLive = gvDomainDefCopy(obj->def, error)) ||
                 gvDomainDefSetMetadata(newLive, type, value, key, uri, error) < 0))
        goto cleanup;
    if (newLive)
        newLive->id = obj->def->id;
    if (newConfig && gvDriverSaveConfig(drv, newConfig, error) < 0)
        goto cleanup;
    if (newConfig) {
        if (gvDomainObjIsActive(obj)) {
            gvDomainDefFree(obj->newDef);
            obj->newDef = g_steal_pointer(&newConfig);
        } else {
            gvDomainDefFree(obj->def);
            obj->def = g_steal_pointer(&newConfig);
        }
    }
    if (newLive) {
        g_autoptr(GError) local = NULL;

        /* the persistent definition of a running domain waits in newDef */
        if (!obj->newDef && obj->persistent)
            obj->newDef = obj->def;
        else
            gvDomainDefFree(obj->def);
        obj->def = g_steal_pointer(&newLive);
        if (gvQemuProcessWriteStatus(drv, obj, &local) < 0)
            g_warning("domain '%s': %s", obj->def->name, local->message);
    }
    {
        gvDomainEvent ev = { GV_DOMAIN_EVENT_ID_METADATA_CHANGE,
                             obj->def->name,
                             { 0 },
                             obj->def->id,
                             type,
                             0,
                             type == GV_DOMAIN_METADATA_ELEMENT ? uri : NULL };

        memcpy(ev.uuid, obj->def->uuid, GV_UUID_BUFLEN);
        if (drv->eventFunc)
            drv->eventFunc(&ev, drv->eventOpaque);
    }
    rc = 0;
cleanup:
    gvDriverEndJob(obj);
    g_mutex_unlock(&drv->defineLock);
    return rc;
}

char *
gvDriverDomainGetMetadata(gvDriver *drv, gvDomainObj *obj, int type, const char *uri,
                          unsigned int flags, GError **error)
{
    bool live;
    bool config;
    char *ret = NULL;

    if (flags & ~(GV_DOMAIN_AFFECT_LIVE | GV_DOMAIN_AFFECT_CONFIG)) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~(GV_DOMAIN_AFFECT_LIVE | GV_DOMAIN_AFFECT_CONFIG),
                      "virDomainGetMetadata");
        return NULL;
    }
    if ((flags & GV_DOMAIN_AFFECT_LIVE) && (flags & GV_DOMAIN_AFFECT_CONFIG)) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "flags 'affect live' and 'affect config' are mutually exclusive");
        return NULL;
    }
    gvDomainObjLock(obj);
    if (gvDriverAffected(obj, flags, &live, &config, error) == 0)
        ret = gvDomainDefGetMetadata(live ? obj->def : gvDomainObjGetPersistentDef(obj), type, uri,
                                     error);
    gvDomainObjUnlock(obj);
    return ret;
}

/* Refusals first, then removals: snapshot metadata, the managed save image */
static int
gvQemuDomainUndefinePrepare(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    bool managed = gvQemuManagedSaveExists(obj);

    if (managed && !(flags & GV_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "Refusing to undefine while domain managed save image exists");
        return -1;
    }
    if (gvQemuSnapshotUndefinePrepare(drv, obj, flags, error) < 0)
        return -1;
    return managed ? gvQemuManagedSaveRemoveLocked(drv, obj, error) : 0;
}

static const gvDriverHooks gvQemuDriverHooks = {
    .undefinePrepare = gvQemuDomainUndefinePrepare,
    .defined = gvQemuManagedSaveProbe,
};

void
gvQemuDriverInit(gvDriver *drv)
{
    drv->hooks = &gvQemuDriverHooks;
}
