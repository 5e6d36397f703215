/*
 * qemu_process_reconnect.c: a restarted daemon finds its QEMUs again: the
 * status files, the reconnect, and the settling of what a crash cut short
 * (a start, a save, a migration on either side)
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

#include "gvbuffer.h"
#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvfile.h"
#include "gvxml.h"
#include "qemu_boot.h"
#include "qemu_firmware.h"
#include "qemu_graphics.h"
#include "qemu_migration_tls.h"
#include "qemu_preflight.h"
#include "qemu_process.h"
#include "qemu_process_priv.h"
#include "qemu_interface.h"
#include "qemu_process_devices.h"
#include "qemu_migration.h"
#include "snapshot_conf.h"

/* ---- reconnect ----------------------------------------------------------- */

/* QEMU @pid is alive and is the one running domain @uuid */
static bool
gvQemuProcessIsOurs(GPid pid, const unsigned char *uuid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
    g_autofree char *cmdline = NULL;
    char uuidstr[GV_UUID_STRING_BUFLEN];
    gsize len;
    gsize i;

    if (pid <= 0 || !g_file_get_contents(path, &cmdline, &len, NULL))
        return false;
    gvUUIDFormat(uuid, uuidstr);
    for (i = 0; i + 1 < len; i++) {
        if (g_str_equal(cmdline + i, "-uuid") && i + 6 < len &&
            g_str_equal(cmdline + i + 6, uuidstr))
            return true;
        i += strlen(cmdline + i);
    }
    return false;
}

static int
gvQemuProcessWatchPidfd(gvDriver *drv, gvDomainObj *obj, GError **error)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    gvQemuWatchCtx *w;
    GSource *src;
    int fd = (int)syscall(SYS_pidfd_open, priv->pid, 0);

    if (fd < 0) {
        gvReportSystemError(error, errno, "cannot watch QEMU process %d", (int)priv->pid);
        return -1;
    }
    priv->pidfd = fd;
    w = g_new0(gvQemuWatchCtx, 1);
    w->drv = drv;
    w->obj = gvDomainObjRef(obj);
    src = g_unix_fd_source_new(fd, G_IO_IN);
    g_source_set_callback(src, G_SOURCE_FUNC(gvQemuPidfdReady), w, gvQemuWatchCtxFree);
    g_source_attach(src, drv->ctx);
    priv->exitSource = src;
    return 0;
}

typedef struct {
    GPid pid;
    gint64 started;
    int state;
    int reason;
    bool persistent;
    bool tainted;
    bool incoming;
    bool starting; /* a start a crash cut short before QEMU was checked */
    int phase; /* gvQemuMigrationOutPhase of an outgoing migration */
    char *peer;
    unsigned int migrationFlags;
    char *monitor;
    gvDomainDef *def;
} gvQemuStatus;

static void
gvQemuStatusClear(gvQemuStatus *st)
{
    g_free(st->monitor);
    g_free(st->peer);
    gvDomainDefFree(st->def);
}

static int
gvQemuStatusParse(const char *path, gvQemuStatus *st, GError **error)
{
    g_autofree char *xml = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    xmlNodePtr root;
    xmlNodePtr dom;
    g_autofree char *persistent = NULL;
    g_autofree char *tainted = NULL;
    g_autofree char *started = NULL;
    g_autofree char *migration = NULL;
    g_autofree char *starting = NULL;
    g_autofree char *phase = NULL;
    unsigned int mflags = 0;
    size_t len;
    int pid = 0;
    guint64 t = 0;

    if (gvFileReadBounded(path, GV_XML_MAX_LEN, &xml, &len, error) < 0 ||
        !(doc = gvXMLParseString(xml, (gssize)len, "status XML", error)))
        return -1;
    explicit_bzero(xml, len);
    root = xmlDocGetRootElement(doc);
    if (!g_str_equal((const char *)root->name, "domstatus") ||
        gvXMLPropInt(root, "pid", GV_XML_PROP_REQUIRED, &pid, error) < 0 ||
        gvXMLPropInt(root, "state", GV_XML_PROP_REQUIRED, &st->state, error) < 0 ||
        gvXMLPropInt(root, "reason", GV_XML_PROP_REQUIRED, &st->reason, error) < 0 ||
        gvXMLPropString(root, "monitor", GV_XML_PROP_REQUIRED, &st->monitor, error) < 0 ||
        gvXMLPropString(root, "started", GV_XML_PROP_REQUIRED, &started, error) < 0 ||
        gvXMLPropString(root, "persistent", GV_XML_PROP_REQUIRED, &persistent, error) < 0 ||
        gvXMLPropString(root, "tainted", GV_XML_PROP_NONE, &tainted, error) < 0 ||
        gvXMLPropString(root, "migration", GV_XML_PROP_NONE, &migration, error) < 0 ||
        gvXMLPropString(root, "starting", GV_XML_PROP_NONE, &starting, error) < 0 ||
        gvXMLPropString(root, "phase", GV_XML_PROP_NONE, &phase, error) < 0 ||
        gvXMLPropString(root, "peer", GV_XML_PROP_NONE, &st->peer, error) < 0 ||
        gvXMLPropUInt(root, "migrationFlags", GV_XML_PROP_NONE, &mflags, error) < 0)
        return -1;
    st->incoming = migration && g_str_equal(migration, "incoming");
    st->starting = starting && g_str_equal(starting, "yes");
    if (migration && g_str_equal(migration, "out") && phase) {
        if ((st->phase = gvQemuMigrationOutPhaseTypeFromString(phase)) < 0) {
            gvReportError(error, GV_ERR_INTERNAL_ERROR,
                          "unknown migration phase '%s' in status file '%s'", phase, path);
            return -1;
        }
    }
    st->migrationFlags = mflags;
    if (!(dom = gvXMLNodeGetChild(root, "domain"))) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "status file '%s' has no <domain>", path);
        return -1;
    }
    if (!(st->def = gvDomainDefParseNodeFull(dom, 0, error)))
        return -1;
    (void)g_ascii_string_to_unsigned(started, 10, 0, G_MAXINT64, &t, NULL);
    st->started = (gint64)t;
    st->pid = pid;
    st->persistent = g_str_equal(persistent, "yes");
    st->tainted = tainted && g_str_equal(tainted, "yes");
    return 0;
}

/*
 * Stops the QEMU of a start that was cut short: by @pid when it is known
 * and ours, else (a crash between the spawn and the status file naming
 * its pid) through its @monitor socket, which only that QEMU listens on
 */
static void
gvQemuProcessQuitUnchecked(GPid pid, const unsigned char *uuid, const char *monitor)
{
    static const char quit[] = "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n";
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    struct timeval tv = { .tv_sec = 5 };
    char buf[512];
    int fd;

    if (pid > 0 && gvQemuProcessIsOurs(pid, uuid)) {
        (void)kill(pid, SIGKILL);
        return;
    }
    if (strlen(monitor) >= sizeof(addr.sun_path))
        return;
    memcpy(addr.sun_path, monitor, strlen(monitor) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return;
    /* no QEMU holds the socket: the start never spawned one */
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        close(fd);
        return;
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (send(fd, quit, sizeof(quit) - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof(quit) - 1)) {
        /* until QEMU hangs up: it has quit */
        while (read(fd, buf, sizeof(buf)) > 0)
            ;
    }
    close(fd);
}

/*
 * Phase one of a reconnect, at daemon start before any client is served:
 * reads a status file and makes the domain running again, with its
 * "reconnect" job held until its monitor answers.  Returns the domain to
 * reconnect (a reference), or NULL when there is nothing to reconnect.
 */
static gvDomainObj *
gvQemuProcessReconnectLoad(gvDriver *drv, const char *path)
{
    gvQemuStatus st = { 0 };
    g_autoptr(GError) error = NULL;
    gvDomainObj *obj = NULL;
    gvQemuDomainPriv *priv;
    g_autofree char *name = NULL;

    if (gvQemuStatusParse(path, &st, &error) < 0) {
        g_warning("cannot read status file '%s': %s; removing it", path, error->message);
        (void)unlink(path);
        gvQemuStatusClear(&st);
        return NULL;
    }
    name = g_strdup(st.def->name);
    /* a start cut short: its QEMU (if any) never ran as far as anyone was told */
    if (st.starting) {
        g_message("domain '%s': a start was cut short by the restart; its QEMU (pid %d) is stopped",
                  name, (int)st.pid);
        gvQemuProcessQuitUnchecked(st.pid, st.def->uuid, st.monitor);
        (void)unlink(st.monitor);
        gvQemuProcessRemoveStatus(drv, name);
        gvQemuStatusClear(&st);
        return NULL;
    }
    if (!gvQemuProcessIsOurs(st.pid, st.def->uuid)) {
        g_autoptr(gvDomainObj) known = gvDomainObjListFindByUUID(drv->domains, st.def->uuid);

        g_message("domain '%s': QEMU (pid %d) is gone; it is shut off (crashed)", name,
                  (int)st.pid);
        if (known) {
            /* it ran when the daemon stopped: it stopped, crashed */
            gvDomainObjLock(known);
            gvDriverSetStateEvent(drv, known, GV_DOMAIN_SHUTOFF, GV_DOMAIN_SHUTOFF_CRASHED,
                                  GV_DOMAIN_EVENT_STOPPED, GV_DOMAIN_EVENT_STOPPED_CRASHED);
            gvDomainObjUnlock(known);
        }
        (void)unlink(st.monitor);
        gvQemuProcessRemoveStatus(drv, name);
        gvQemuStatusClear(&st);
        return NULL;
    }
    /*
     * an incoming QEMU waits paused until Finish resumes it; one recorded
     * before its start was over has no domain ID yet: it gets one, and
     * phase two ends it
     */
    if (st.incoming) {
        if (st.def->id <= 0)
            st.def->id = g_atomic_int_add(&drv->nextID, 1);
        st.state = GV_DOMAIN_PAUSED;
        st.reason = GV_DOMAIN_PAUSED_MIGRATION;
    }
    /* its display keeps the port it listens on */
    gvQemuGraphicsReservePorts(drv, st.def);
    /* the running domain: the persistent object (if any) takes the live def */
    if ((obj = gvDomainObjListFindByUUID(drv->domains, st.def->uuid))) {
        gvDomainObjLock(obj);
        obj->newDef = obj->def;
        obj->def = g_steal_pointer(&st.def);
        obj->persistent = true;
    } else {
        obj = gvDomainObjNew(g_steal_pointer(&st.def));
        obj->persistent = false;
        gvDomainObjListAdd(drv->domains, obj);
        gvDomainObjLock(obj);
    }
    (void)gvDomainObjBeginJob(obj, "reconnect", 1000, NULL);
    obj->state = st.state;
    obj->reason = st.reason;
    priv = gvQemuDomainGetPriv(obj);
    priv->pid = st.pid;
    priv->startTime = st.started;
    priv->tainted = st.tainted;
    /* phase two ends or keeps a migration the restart cut short */
    priv->incoming = st.incoming;
    priv->migrating = st.incoming || st.phase != GV_QEMU_MIGRATION_OUT_NONE;
    priv->migrationPhase = st.phase;
    g_free(priv->migrationPeer);
    priv->migrationPeer = g_steal_pointer(&st.peer);
    priv->migrationFlags = st.migrationFlags;
    g_free(priv->monitorPath);
    priv->monitorPath = g_strdup(st.monitor);
    priv->starting = true; /* exit events wait until we are done */
    if (obj->def->id >= g_atomic_int_get(&drv->nextID))
        g_atomic_int_set(&drv->nextID, obj->def->id + 1);
    if (gvQemuProcessWatchPidfd(drv, obj, &error) < 0) {
        g_warning("domain '%s': %s", name, error->message);
        g_clear_error(&error);
    }
    gvDomainObjUnlock(obj);
    gvQemuStatusClear(&st);
    return obj;
}

/* QEMU's run state ("running", "inmigrate", "postmigrate", ...), with @obj unlocked */
static char *
gvQemuProcessRunState(gvQemuMonitor *mon)
{
    g_autoptr(GError) error = NULL;
    char *status = NULL;

    if (gvQemuMonitorQueryStatus(mon, &status, &error) < 0)
        return NULL;
    return status;
}

/*
 * A destination QEMU whose Finish the restart cut short (@obj locked, its
 * job held).  Once Finish resumed it the guest runs here, and the source
 * (which asks this daemon before it resumes its own copy) ends its side:
 * it is kept.  Before that, it can never finish: it is stopped.
 */
static void
gvQemuProcessRecoverMigrationIn(gvDriver *drv, gvDomainObj *obj, gvQemuMonitor *mon)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    g_autofree char *status = NULL;
    g_autoptr(GError) error = NULL;

    gvDomainObjUnlock(obj);
    status = gvQemuProcessRunState(mon);
    gvDomainObjLock(obj);
    if (priv->exited)
        return;
    if (status && g_str_equal(status, "running")) {
        g_message("domain '%s': its incoming migration was resumed before the restart: it runs "
                  "here now",
                  obj->def->name);
        priv->incoming = false;
        priv->migrating = false;
        gvDriverSetState(drv, obj, GV_DOMAIN_RUNNING, GV_DOMAIN_RUNNING_MIGRATED);
        /* --persistent: the definition comes with it, as Finish would have written it */
        if ((priv->migrationFlags & GV_MIGRATE_PERSIST_DEST) && !obj->persistent) {
            if (gvDriverSaveConfig(drv, obj->def, &error) == 0) {
                obj->persistent = true;
                if ((obj->newDef = gvDomainDefCopy(obj->def, NULL)))
                    obj->newDef->id = -1;
            } else {
                g_warning("domain '%s': %s", obj->def->name, error->message);
                g_clear_error(&error);
            }
        }
        priv->migrationFlags = 0;
        if (gvQemuProcessWriteStatus(drv, obj, &error) < 0)
            g_warning("domain '%s': %s", obj->def->name, error->message);
        return;
    }
    g_message("domain '%s': an incoming migration was cut short by the restart (QEMU %s); its "
              "QEMU (pid %d) is stopped",
              obj->def->name, status ? status : "does not answer", (int)priv->pid);
    priv->migrating = false;
    if (gvQemuProcessStop(drv, obj, GV_DOMAIN_SHUTOFF_FAILED, false, &error) < 0)
        g_warning("domain '%s': %s", obj->def->name, error->message);
}

/* The outgoing stream of a cut-short Perform is cancelled; waits (bounded) until it is */
static void
gvQemuProcessCancelMigration(gvQemuMonitor *mon)
{
    g_autoptr(GError) error = NULL;
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    (void)gvQemuMonitorCommand(mon, "migrate_cancel", NULL, 10000, NULL, &error);
    while (g_get_monotonic_time() < deadline) {
        g_autoptr(json_object) ret = NULL;
        g_autoptr(GError) local = NULL;
        json_object *v;
        const char *st;

        if (gvQemuMonitorCommand(mon, "query-migrate", NULL, 10000, &ret, &local) < 0)
            return;
        if (!json_object_object_get_ex(ret, "status", &v))
            return;
        st = json_object_get_string(v);
        if (!g_str_equal(st, "active") && !g_str_equal(st, "setup") &&
            !g_str_equal(st, "cancelling") && !g_str_equal(st, "device"))
            return;
        g_usleep(10000);
    }
}

/*
 * A source QEMU whose outgoing migration the restart cut short (@obj
 * locked, its job held), by the phase its status file recorded:
 * - perform: the destination resumes only on a Finish sent after Perform
 *   succeeded, so it cannot run the guest: the stream is cancelled and the
 *   guest resumed here;
 * - perform-done: Finish may have run there: the destination daemon is
 *   asked (drv->migrationAskPeer) and this side ends or resumes by its
 *   answer; without one it stays paused (libvirt's "third party decides");
 * - confirm: the destination runs it: this side ends.
 * Returns true when the source definition is to be undefined
 * (--undefinesource).
 */
static bool
gvQemuProcessRecoverMigrationOut(gvDriver *drv, gvDomainObj *obj, gvQemuMonitor *mon)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    g_autoptr(GError) error = NULL;
    g_autofree char *status = NULL;
    g_autofree char *peer = g_strdup(priv->migrationPeer);
    unsigned char uuid[GV_UUID_BUFLEN];
    int phase = priv->migrationPhase;
    unsigned int flags = priv->migrationFlags;
    int decision = 0; /* 1: end here, 0: resume here, -1: stay paused */
    const char *name = obj->def->name;

    memcpy(uuid, obj->def->uuid, GV_UUID_BUFLEN);
    gvDomainObjUnlock(obj);
    switch ((gvQemuMigrationOutPhase)phase) {
    case GV_QEMU_MIGRATION_OUT_PERFORM:
        gvQemuProcessCancelMigration(mon);
        decision = 0;
        break;
    case GV_QEMU_MIGRATION_OUT_PERFORM_DONE:
        decision = -1;
        if (peer && drv->migrationAskPeer)
            decision = drv->migrationAskPeer(drv, peer, uuid);
        break;
    case GV_QEMU_MIGRATION_OUT_CONFIRM:
        decision = 1;
        break;
    case GV_QEMU_MIGRATION_OUT_NONE:
    case GV_QEMU_MIGRATION_OUT_LAST:
        break;
    }
    status = gvQemuProcessRunState(mon);
    gvDomainObjLock(obj);
    if (priv->exited)
        return false;
    priv->migrating = false;
    priv->migrationPhase = GV_QEMU_MIGRATION_OUT_NONE;
    g_clear_pointer(&priv->migrationPeer, g_free);
    if (decision > 0) {
        g_message("domain '%s': its outgoing migration had completed before the restart: the "
                  "destination runs it, its QEMU here is stopped",
                  name);
        if (gvQemuProcessStop(drv, obj, GV_DOMAIN_SHUTOFF_MIGRATED, false, &error) < 0) {
            g_warning("domain '%s': %s", name, error->message);
            return false;
        }
        return (flags & GV_MIGRATE_UNDEFINE_SOURCE) && obj->persistent;
    }
    if (!status) {
        g_warning("domain '%s': QEMU does not say whether it runs after a cut-short migration",
                  name);
    } else if (g_str_equal(status, "running")) {
        gvDriverSetState(drv, obj, GV_DOMAIN_RUNNING, GV_DOMAIN_RUNNING_MIGRATION_CANCELED);
    } else if (decision < 0) {
        g_warning("domain '%s': its outgoing migration was cut short after the stream completed "
                  "and the destination cannot be asked: it stays paused",
                  name);
        gvDriverSetState(drv, obj, GV_DOMAIN_PAUSED, GV_DOMAIN_PAUSED_MIGRATION);
    } else if (g_str_equal(status, "postmigrate") || g_str_equal(status, "paused") ||
               g_str_equal(status, "finish-migrate")) {
        gvDomainObjUnlock(obj);
        if (gvQemuMonitorCont(mon, &error) == 0) {
            gvDomainObjLock(obj);
            g_message("domain '%s': its outgoing migration was cut short by the restart: the "
                      "guest goes on here",
                      name);
            gvDriverSetState(drv, obj, GV_DOMAIN_RUNNING, GV_DOMAIN_RUNNING_MIGRATION_CANCELED);
        } else {
            gvDomainObjLock(obj);
            g_warning("domain '%s': cannot resume it: %s", name, error->message);
            g_clear_error(&error);
        }
    }
    if (gvDomainObjIsActive(obj) && gvQemuProcessWriteStatus(drv, obj, &error) < 0)
        g_warning("domain '%s': %s", name, error->message);
    return false;
}

/*
 * After a reconnect (@obj unlocked): a save the restart cut short leaves
 * the guest paused, and resumes it as a failed save does; and the state
 * becomes what QEMU says (a start cut short between `cont` and its last
 * status write recorded it paused).
 */
static void
gvQemuProcessReconnectSyncState(gvDriver *drv, gvDomainObj *obj, gvQemuMonitor *mon)
{
    g_autoptr(GError) local = NULL;
    g_autofree char *status = NULL;
    bool resume;
    gvDomainState state;
    int reason;

    gvDomainObjLock(obj);
    resume = obj->state == GV_DOMAIN_PAUSED && obj->reason == GV_DOMAIN_PAUSED_SAVE;
    gvDomainObjUnlock(obj);
    if (resume && gvQemuMonitorCont(mon, &local) < 0) {
        g_warning("domain '%s': cannot resume the guest of a save cut short: %s", obj->def->name,
                  local->message);
        return;
    }
    if (gvQemuMonitorQueryStatus(mon, &status, &local) < 0) {
        g_warning("domain '%s': %s", obj->def->name, local->message);
        return;
    }
    gvDomainObjLock(obj);
    state = obj->state;
    reason = obj->reason;
    if (resume) {
        gvDriverSetState(drv, obj, GV_DOMAIN_RUNNING, GV_DOMAIN_RUNNING_SAVE_CANCELED);
    } else if (g_str_equal(status, "running") && obj->state == GV_DOMAIN_PAUSED) {
        gvDriverSetState(drv, obj, GV_DOMAIN_RUNNING, GV_DOMAIN_RUNNING_UNPAUSED);
    } else if (!g_str_equal(status, "running") && obj->state == GV_DOMAIN_RUNNING) {
        gvDriverSetState(drv, obj, GV_DOMAIN_PAUSED, GV_DOMAIN_PAUSED_UNKNOWN);
    }
    if ((state != obj->state || reason != obj->reason) &&
        gvQemuProcessWriteStatus(drv, obj, &local) < 0)
        g_warning("domain '%s': %s", obj->def->name, local->message);
    gvDomainObjUnlock(obj);
}

/*
 * Phase two, on a thread of its own: connects to the monitor (retrying as
 * long as QEMU lives: it may be stopped, or slow), checks its GUID, and
 * lets go of the job.
 */
static gpointer
gvQemuProcessReconnectThread(gpointer opaque)
{
    gvQemuWatchCtx *job = opaque;
    gvDriver *drv = job->drv;
    gvDomainObj *obj = job->obj;
    gvQemuDomainPriv *priv;
    gvQemuMonitor *mon = NULL;
    unsigned char guid[GV_UUID_BUFLEN];
    g_autofree char *name = NULL;
    g_autofree char *path = NULL;
    bool warned = false;
    GPid pid;
    bool undefine = false;
    bool migrating;

    gvDomainObjLock(obj);
    priv = gvQemuDomainGetPriv(obj);
    name = g_strdup(obj->def->name);
    path = g_strdup(priv->monitorPath);
    pid = priv->pid;
    gvDomainObjUnlock(obj);

    while (!g_atomic_int_get(&drv->shuttingDown)) {
        g_autoptr(GError) error = NULL;
        bool exited;

        gvDomainObjLock(obj);
        exited = priv->exited;
        gvDomainObjUnlock(obj);
        if (exited)
            break;
        if ((mon = gvQemuProcessOpenMonitor(drv, obj, name, pid, path, 2000, &error)))
            break;
        if (!warned)
            g_warning("domain '%s': QEMU does not answer its monitor yet (%s); still trying", name,
                      error->message);
        warned = true;
    }

    gvDomainObjLock(obj);
    priv->starting = false;
    if (mon) {
        g_autoptr(GError) error = NULL;

        priv->mon = mon;
        /* ours until the end: the monitor outlives an exit noticed meanwhile */
        gvQemuMonitorRef(mon);
        gvDomainObjUnlock(obj);
        if (obj->def->genid && gvQemuMonitorQueryGenid(mon, guid, &error) == 0 &&
            memcmp(guid, obj->def->genid->guid, GV_UUID_BUFLEN) != 0)
            g_warning(
                "domain '%s': QEMU reports another genid than its status file: QEMU's is used",
                name);
        gvDomainObjLock(obj);
        migrating = priv->incoming || priv->migrationPhase != GV_QEMU_MIGRATION_OUT_NONE;
        gvDomainObjUnlock(obj);
        /* a migration cut short is settled below, by its own rules */
        if (!migrating)
            gvQemuProcessReconnectSyncState(drv, obj, mon);
        gvDomainObjLock(obj);
        if (obj->def->genid && !error)
            memcpy(obj->def->genid->guid, guid, GV_UUID_BUFLEN);
        g_message("domain '%s': reconnected to QEMU pid %d", name, (int)priv->pid);
        if (!priv->exited && priv->incoming)
            gvQemuProcessRecoverMigrationIn(drv, obj, mon);
        else if (!priv->exited && priv->migrationPhase != GV_QEMU_MIGRATION_OUT_NONE)
            undefine = gvQemuProcessRecoverMigrationOut(drv, obj, mon);
        gvDomainObjUnlock(obj);
        gvQemuMonitorUnref(mon);
        gvDomainObjLock(obj);
    }
    if (priv->exited) {
        priv->exited = false;
        gvQemuProcessExitedLocked(drv, obj);
    }
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    if (undefine) {
        g_autoptr(GError) error = NULL;

        /* --undefinesource: the definition went with the guest */
        if (gvDriverUndefineFull(drv, obj, GV_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA, false, &error) <
            0)
            g_warning("domain '%s': %s", name, error->message);
    }
    gvQemuWatchCtxFree(job);
    return NULL;
}

void
gvQemuProcessReconnectAll(gvDriver *drv)
{
    g_autofree char *dir = g_strdup_printf("%s/qemu", drv->runDir);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    if (!d)
        return;
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        gvQemuWatchCtx *job;
        gvDomainObj *obj;

        if (g_str_has_suffix(name, ".mon") || g_str_has_suffix(name, ".monitor"))
            continue;
        if (gvFileIsAtomicTemp(name) || !g_str_has_suffix(name, ".xml")) {
            (void)unlink(path);
            continue;
        }
        if (!(obj = gvQemuProcessReconnectLoad(drv, path)))
            continue;
        job = g_new0(gvQemuWatchCtx, 1);
        job->drv = drv;
        job->obj = obj;
        g_mutex_lock(&drv->threadsLock);
        g_ptr_array_add(drv->threads, g_thread_new("reconnect", gvQemuProcessReconnectThread, job));
        g_mutex_unlock(&drv->threadsLock);
    }
}
