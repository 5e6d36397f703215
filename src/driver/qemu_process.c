/*
 * qemu_process.c: QEMU processes: start, stop, exit, status
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
#include "gvjson.h"
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

#define GV_QEMU_MONITOR_TIMEOUT_MS 30000
#define GV_QEMU_TERM_WAIT_MS 5000
#define GV_QEMU_KILL_WAIT_MS 10000

static void
gvQemuDomainPrivFree(gpointer opaque)
{
    gvQemuDomainPriv *priv = opaque;

    if (priv->mon) {
        gvQemuMonitorClose(priv->mon);
        gvQemuMonitorUnref(priv->mon);
    }
    if (priv->pidfd >= 0)
        close(priv->pidfd);
    g_free(priv->monitorPath);
    g_free(priv->migrationPeer);
    if (priv->snapshots)
        g_ptr_array_unref(priv->snapshots);
    g_free(priv->currentSnapshot);
    g_free(priv);
}

gvQemuDomainPriv *
gvQemuDomainGetPriv(gvDomainObj *obj)
{
    if (!obj->priv) {
        gvQemuDomainPriv *priv = g_new0(gvQemuDomainPriv, 1);

        priv->pidfd = -1;
        priv->snapshots = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainSnapshotDefFree);
        obj->priv = priv;
        obj->privFree = gvQemuDomainPrivFree;
    }
    return obj->priv;
}

void
gvQemuWatchCtxFree(gpointer opaque)
{
    gvQemuWatchCtx *w = opaque;

    gvDomainObjUnref(w->obj);
    g_free(w);
}

/* ---- status files ------------------------------------------------------- */

GV_ENUM_IMPL(gvQemuMigrationOutPhase, GV_QEMU_MIGRATION_OUT_LAST,
             [GV_QEMU_MIGRATION_OUT_NONE] = "none", [GV_QEMU_MIGRATION_OUT_PERFORM] = "perform",
             [GV_QEMU_MIGRATION_OUT_PERFORM_DONE] = "perform-done",
             [GV_QEMU_MIGRATION_OUT_CONFIRM] = "confirm");

/*
 * The status file of @obj running @def.  @starting: a start not yet
 * checked, whose QEMU (pid 0: maybe not spawned yet) a restarted daemon
 * stops rather than adopts.  Only the last write of a start is @durable:
 * a crash of the daemon alone loses no written file, and one of the
 * machine takes QEMU with it.
 */
static int
gvQemuProcessWriteStatusFull(gvDriver *drv, gvDomainObj *obj, const gvDomainDef *def, int state,
                             int reason, bool starting, bool durable, GError **error)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    g_autofree char *path = gvDriverStatusPath(drv, def->name);
    g_auto(gvBuffer) buf = GV_BUFFER_INIT;
    char *xml = gvDomainDefFormat(def, GV_DOMAIN_DEF_FORMAT_SECURE);
    char *all;
    int rc;

    gvBufferAsprintf(&buf,
                     "<domstatus state='%d' reason='%d' pid='%d' started='%" G_GINT64_FORMAT
                     "' persistent='%s' tainted='%s'%s%s",
                     state, reason, (int)priv->pid, priv->startTime, obj->persistent ? "yes" : "no",
                     priv->tainted ? "yes" : "no", priv->incoming ? " migration='incoming'" : "",
                     starting ? " starting='yes'" : "");
    if (priv->incoming)
        gvBufferAsprintf(&buf, " migrationFlags='%u'", priv->migrationFlags);
    if (priv->migrationPhase != GV_QEMU_MIGRATION_OUT_NONE) {
        gvBufferAsprintf(&buf, " migration='out' phase='%s' migrationFlags='%u'",
                         gvQemuMigrationOutPhaseTypeToString(priv->migrationPhase),
                         priv->migrationFlags);
        if (priv->migrationPeer)
            gvBufferEscapeString(&buf, " peer='%s'", priv->migrationPeer);
    }
    gvBufferEscapeString(&buf, " monitor='%s'>\n", priv->monitorPath);
    gvBufferAdjustIndent(&buf, 2);
    {
        g_auto(GStrv) lines = g_strsplit(xml, "\n", -1);
        size_t i;

        for (i = 0; lines[i] && lines[i][0]; i++)
            gvBufferAsprintf(&buf, "%s\n", lines[i]);
        for (i = 0; lines[i]; i++)
            explicit_bzero(lines[i], strlen(lines[i]));
    }
    gvSecretFree(xml);
    gvBufferAdjustIndent(&buf, -2);
    gvBufferAddLit(&buf, "</domstatus>\n");
    all = gvBufferContentAndReset(&buf);
    if (durable)
        rc = gvFileWriteAtomic(path, all, strlen(all), 0600, error);
    else
        rc = gvFileWriteVisible(path, all, strlen(all), 0600, error);
    gvSecretFree(all);
    return rc;
}

int
gvQemuProcessWriteStatus(gvDriver *drv, gvDomainObj *obj, GError **error)
{
    return gvQemuProcessWriteStatusFull(drv, obj, obj->def, obj->state, obj->reason, false, true,
                                        error);
}

int
gvQemuProcessSetMigrationPhase(gvDriver *drv, gvDomainObj *obj, gvQemuMigrationOutPhase phase,
                               const char *peer, unsigned int flags, GError **error)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);

    priv->migrationPhase = phase;
    if (phase == GV_QEMU_MIGRATION_OUT_NONE) {
        g_clear_pointer(&priv->migrationPeer, g_free);
        priv->migrationFlags = 0;
    } else {
        if (peer) {
            g_free(priv->migrationPeer);
            priv->migrationPeer = g_strdup(peer);
        }
        priv->migrationFlags = flags;
    }
    if (!gvDomainObjIsActive(obj))
        return 0;
    return gvQemuProcessWriteStatus(drv, obj, error);
}

void
gvQemuProcessRemoveStatus(gvDriver *drv, const char *name)
{
    g_autofree char *path = gvDriverStatusPath(drv, name);
    g_autoptr(GError) error = NULL;

    if (gvFileRemoveDurable(path, &error) < 0)
        g_warning("%s", error->message);
}

/* ---- exit ---------------------------------------------------------------- */

/*
 * QEMU is gone (main loop, or a worker after a failed start): the domain
 * becomes shut off.  With @obj locked.
 */
void
gvQemuProcessExitedLocked(gvDriver *drv, gvDomainObj *obj)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    int reason;

    if (priv->exited)
        return;
    priv->exited = true;
    g_cond_broadcast(&obj->jobCond);
    if (priv->starting)
        return; /* the start cleans up after itself */

    /* whichever watch noticed it, none may fire again for a later QEMU */
    if (priv->exitSource) {
        g_source_destroy(priv->exitSource);
        g_clear_pointer(&priv->exitSource, g_source_unref);
    }
    if (priv->pidfd >= 0) {
        close(priv->pidfd);
        priv->pidfd = -1;
    }
    reason = priv->stopping ? priv->stopReason : GV_DOMAIN_SHUTOFF_CRASHED;
    g_message("domain '%s': QEMU (pid %d) exited, %s", obj->def->name, (int)priv->pid,
              reason == GV_DOMAIN_SHUTOFF_CRASHED ? "unexpectedly" : "as asked");
    if (priv->mon) {
        gvQemuMonitorClose(priv->mon);
        g_clear_pointer(&priv->mon, gvQemuMonitorUnref);
    }
    if (priv->monitorPath)
        (void)unlink(priv->monitorPath);
    gvQemuProcessRemoveStatus(drv, obj->def->name);
    priv->migrationPhase = GV_QEMU_MIGRATION_OUT_NONE;
    g_clear_pointer(&priv->migrationPeer, g_free);
    priv->incoming = false;
    obj->def->id = -1;
    gvQemuGraphicsReleasePorts(drv, obj->def);
    gvDriverSetState(drv, obj, GV_DOMAIN_SHUTOFF, reason);
    if (obj->newDef) {
        gvDomainDefFree(obj->def);
        obj->def = g_steal_pointer(&obj->newDef);
    }
    priv->pid = 0;
    if (!obj->persistent && !priv->restarting) {
        /* a transient domain disappears */
        gvDomainObjUnlock(obj);
        gvDomainObjListRemove(drv->domains, obj);
        gvDomainObjLock(obj);
    }
}

static void
gvQemuChildExited(GPid pid, gint status, gpointer opaque)
{
    gvQemuWatchCtx *w = opaque;
    gvQemuDomainPriv *priv;

    gvDomainObjLock(w->obj);
    priv = gvQemuDomainGetPriv(w->obj);
    if (priv->pid == pid) {
        g_clear_pointer(&priv->exitSource, g_source_unref);
        gvQemuProcessExitedLocked(w->drv, w->obj);
    }
    gvDomainObjUnlock(w->obj);
    g_spawn_close_pid(pid);
}

gboolean
gvQemuPidfdReady(gint fd, GIOCondition cond, gpointer opaque)
{
    gvQemuWatchCtx *w = opaque;
    gvQemuDomainPriv *priv;

    gvDomainObjLock(w->obj);
    priv = gvQemuDomainGetPriv(w->obj);
    if (priv->pidfd == fd) {
        close(priv->pidfd);
        priv->pidfd = -1;
        g_clear_pointer(&priv->exitSource, g_source_unref);
        gvQemuProcessExitedLocked(w->drv, w->obj);
    }
    gvDomainObjUnlock(w->obj);
    return G_SOURCE_REMOVE;
}

/* ---- monitor callbacks (main loop) -------------------------------------- */

static void
gvQemuMonitorEOF(gvQemuMonitor *mon, gpointer opaque)
{
    gvQemuWatchCtx *w = opaque;
    gvQemuDomainPriv *priv;

    /*
     * QEMU closes its monitor when it exits; the domain changes state when
     * the process is gone (child watch or pidfd: its locks and files are
     * released by then).  Without such a watch, this is the only notice.
     */
    gvDomainObjLock(w->obj);
    priv = gvQemuDomainGetPriv(w->obj);
    if (priv->mon == mon && !priv->starting) {
        g_debug("domain '%s': QEMU closed its monitor", w->obj->def->name);
        if (!priv->exitSource)
            gvQemuProcessExitedLocked(w->drv, w->obj);
    }
    gvDomainObjUnlock(w->obj);
}

static void
gvQemuMonitorEvent(gvQemuMonitor *mon, gvQemuEvent event, json_object *data, gpointer opaque)
{
    gvQemuWatchCtx *w = opaque;
    gvDomainObj *obj = w->obj;
    gvQemuDomainPriv *priv;
    json_object *guest = NULL;

    gvDomainObjLock(obj);
    priv = gvQemuDomainGetPriv(obj);
    if (priv->mon != mon || priv->starting) {
        gvDomainObjUnlock(obj);
        return;
    }
    switch (event) {
    case GV_QEMU_EVENT_SHUTDOWN:
        /* the guest powered off (QEMU waits, -no-shutdown): end it */
        if (data && json_object_object_get_ex(data, "guest", &guest) &&
            json_object_get_boolean(guest) && !priv->stopping) {
            priv->stopping = true;
            priv->stopReason = GV_DOMAIN_SHUTOFF_SHUTDOWN;
            gvDriverSetStateEvent(w->drv, obj, GV_DOMAIN_SHUTDOWN, GV_DOMAIN_SHUTDOWN_USER,
                                  GV_DOMAIN_EVENT_SHUTDOWN, GV_DOMAIN_EVENT_SHUTDOWN_GUEST);
            (void)kill(priv->pid, SIGTERM);
        }
        break;
    case GV_QEMU_EVENT_STOP:
        /* a migration stops the source when it completes */
        if (obj->state == GV_DOMAIN_RUNNING) {
            int reason = GV_DOMAIN_PAUSED_USER;

            if (priv->saving)
                reason = GV_DOMAIN_PAUSED_SAVE;
            else if (priv->migrating)
                reason = GV_DOMAIN_PAUSED_MIGRATION;
            gvDriverSetState(w->drv, obj, GV_DOMAIN_PAUSED, reason);
        }
        break;
    case GV_QEMU_EVENT_RESUME:
        if (obj->state == GV_DOMAIN_PAUSED) {
            int reason = GV_DOMAIN_RUNNING_UNPAUSED;

            if (priv->incoming)
                reason = GV_DOMAIN_RUNNING_MIGRATED;
            else if (priv->saving)
                reason = GV_DOMAIN_RUNNING_SAVE_CANCELED;
            else if (obj->reason == GV_DOMAIN_PAUSED_MIGRATION)
                reason = GV_DOMAIN_RUNNING_MIGRATION_CANCELED;
            gvDriverSetState(w->drv, obj, GV_DOMAIN_RUNNING, reason);
        }
        break;
    case GV_QEMU_EVENT_RESET:
        /* the guest rebooted, or system_reset: no state change, the reboot event */
        gvDriverEmitEvent(w->drv, obj, GV_DOMAIN_EVENT_ID_REBOOT, 0, 0);
        break;
    case GV_QEMU_EVENT_MIGRATION: {
        const char *status = data ? gvJSONGetString(data, "status") : NULL;

        /* the end of a save's stream: its worker waits on jobCond, then asks query-migrate */
        if (status && (g_str_equal(status, "completed") || g_str_equal(status, "failed") ||
                       g_str_equal(status, "cancelled"))) {
            priv->migrationEvents++;
            g_cond_broadcast(&obj->jobCond);
        }
        break;
    }
    case GV_QEMU_EVENT_POWERDOWN:
    case GV_QEMU_EVENT_LAST:
        break;
    }
    gvDomainObjUnlock(obj);
}

static const gvQemuMonitorCallbacks gvQemuMonitorCb = {
    .eof = gvQemuMonitorEOF,
    .event = gvQemuMonitorEvent,
};

/* Opens the monitor of @obj's QEMU; with @obj unlocked (it blocks) */
gvQemuMonitor *
gvQemuProcessOpenMonitor(gvDriver *drv, gvDomainObj *obj, const char *name, GPid pid,
                         const char *path, unsigned int timeoutMs, GError **error)
{
    gvQemuWatchCtx *w = g_new0(gvQemuWatchCtx, 1);
    gvQemuMonitor *mon;

    w->drv = drv;
    w->obj = gvDomainObjRef(obj);
    /* the monitor holds the context (and so the object) until it is freed */
    mon = gvQemuMonitorOpen(path, name, pid, drv->ctx, &gvQemuMonitorCb, w, gvQemuWatchCtxFree,
                            timeoutMs, error);
    if (mon)
        gvQemuMonitorSetMaxTimeout(mon, drv->monitorTimeoutMs);
    return mon;
}

/* ---- start --------------------------------------------------------------- */

/* A listening UNIX socket at @path for QEMU's monitor, passed as an fd */
static int
gvQemuProcessBindMonitor(const char *path, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "monitor path '%s' is too long", path);
        return -1;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    (void)unlink(path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || chmod(path, 0600) < 0 ||
        listen(fd, 8) < 0) {
        gvReportSystemError(error, errno, "cannot create the monitor socket '%s'", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* A sealed memfd holding @data: QEMU reads it, nobody can change it */
static int
gvQemuProcessSealedMemfd(const char *data, GError **error)
{
    size_t len = strlen(data);
    size_t done = 0;
    int fd = memfd_create("genvirt-genid", MFD_CLOEXEC | MFD_ALLOW_SEALING);

    if (fd < 0) {
        gvReportSystemError(error, errno, "cannot create a memfd for the genid configuration");
        return -1;
    }
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            gvReportSystemError(error, errno, "cannot write the genid configuration");
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    if (lseek(fd, 0, SEEK_SET) < 0 ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
        gvReportSystemError(error, errno, "cannot seal the genid configuration");
        close(fd);
        return -1;
    }
    return fd;
}

static void
gvQemuChildSetup(gpointer opaque)
{
    /* its own session: QEMU outlives the daemon and its terminal */
    (void)setsid();
}

static int
gvQemuProcessOpenLog(gvDriver *drv, const char *name, const gvCommand *cmd, GError **error)
{
    g_autofree char *path = g_strdup_printf("%s/%s.log", drv->logDir, name);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *ts = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");
    g_autofree char *line = gvCommandToString(cmd, false);
    g_autofree char *head = NULL;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0) {
        gvReportSystemError(error, errno, "cannot open the domain log '%s'", path);
        return -1;
    }
    /* the command line carries no GUID: it is safe to log */
    head = g_strdup_printf("%.23s: starting up\n%s", ts, line);
    if (write(fd, head, strlen(head)) < 0)
        g_debug("cannot write to '%s': %s", path, g_strerror(errno));
    return fd;
}

/* Waits, with @obj locked, until QEMU has exited or @timeoutMs passed */
static bool
gvQemuProcessWaitExit(gvDomainObj *obj, unsigned int timeoutMs)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    gint64 deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;

    while (!priv->exited) {
        if (!g_cond_wait_until(&obj->jobCond, &obj->lock, deadline))
            return priv->exited;
    }
    return true;
}

/* A start failed after QEMU was spawned: kill it and wait until it is gone */
static void
gvQemuProcessAbortStart(gvDriver *drv, gvDomainObj *obj)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);

    if (priv->mon) {
        gvQemuMonitorClose(priv->mon);
        g_clear_pointer(&priv->mon, gvQemuMonitorUnref);
    }
    if (priv->pid > 0 && !priv->exited) {
        (void)kill(priv->pid, SIGKILL);
        if (!gvQemuProcessWaitExit(obj, GV_QEMU_KILL_WAIT_MS))
            g_warning("domain '%s': QEMU (pid %d) did not exit after SIGKILL", obj->def->name,
                      (int)priv->pid);
    }
    if (priv->monitorPath)
        (void)unlink(priv->monitorPath);
    gvQemuProcessRemoveStatus(drv, obj->def->name);
    priv->pid = 0;
    priv->starting = false;
    /* never started as far as anyone was told: no event */
    obj->state = GV_DOMAIN_SHUTOFF;
    obj->reason = GV_DOMAIN_SHUTOFF_FAILED;
}

/* The last line QEMU wrote to the domain log since @offset, or NULL */
static char *
gvQemuProcessLogTail(gvDriver *drv, const char *name, goffset offset)
{
    g_autofree char *path = g_strdup_printf("%s/%s.log", drv->logDir, name);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_auto(GStrv) lines = NULL;
    gssize i;

    if (!g_file_get_contents(path, &data, &len, NULL) || (gsize)offset >= len)
        return NULL;
    lines = g_strsplit(data + offset, "\n", -1);
    for (i = (gssize)g_strv_length(lines) - 1; i >= 0; i--) {
        g_strstrip(lines[i]);
        if (lines[i][0] && !g_str_has_suffix(lines[i], ": starting up"))
            return g_strndup(lines[i], 512);
    }
    return NULL;
}

static int
gvQemuProcessCheckDisks(const gvDomainDef *def, GError **error)
{
    guint i;

    for (i = 0; i < def->disks->len; i++) {
        const gvDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (disk->src && access(disk->src, disk->readonly ? R_OK : R_OK | W_OK) < 0) {
            gvReportSystemError(error, errno, "cannot access the source '%s' of disk '%s'",
                                disk->src, disk->dst);
            return -1;
        }
    }
    return 0;
}

/* firmware='efi': the firmware chosen from QEMU's descriptors, into the live definition */
static int
gvQemuProcessFillFirmware(gvDriver *drv, gvDomainDef *def, const gvQemuCaps *caps, GError **error)
{
    g_autoptr(GPtrArray) firmware = NULL;
    g_autofree char *nvramDir = NULL;

    if (def->os.firmware != GV_DOMAIN_OS_FIRMWARE_EFI || (def->os.loader && def->os.loader->path))
        return 0;
    firmware = gvQemuFirmwareLoadAll(GV_QEMU_FIRMWARE_SYSTEM_DIRS);
    nvramDir = g_strdup_printf("%s/qemu/nvram", drv->stateDir);
    return gvQemuFirmwareFillDomain(def, firmware, caps, nvramDir, error);
}

/*
 * <currentMemory> at start.  QEMU gives a guest all of <memory>; starting
 * with less means inflating the balloon before the guest runs, which
 * gvQemuProcessSetupDevices does (QMP 'balloon', before 'cont').  Without a
 * virtio <memballoon> (model='none') a smaller <currentMemory> would be a
 * silently bigger guest, so the start refuses it.
 */
static int
gvQemuProcessCheckCurrentMemory(const gvDomainDef *def, GError **error)
{
    if (def->currentMemory >= def->memory || gvQemuProcessHasBalloon(def))
        return 0;
    gvReportError(
        error, GV_ERR_CONFIG_UNSUPPORTED,
        "currentMemory '%llu' KiB in <currentMemory> of domain '%s' is less than its memory '%llu' KiB: starting with less needs a balloon device, which this domain does not have",
        def->currentMemory, def->name, def->memory);
    return -1;
}

json_object *
gvQemuProcessSnapshotDevices(const gvDomainDef *def, char **vmstate, GError **error)
{
    json_object *devices = json_object_new_array();
    guint i;

    *vmstate = NULL;
    for (i = 0; i < def->disks->len; i++) {
        const gvDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (!disk->src || disk->readonly)
            continue; /* empty or read-only media take no snapshot */
        if (disk->format != GV_DOMAIN_DISK_FORMAT_QCOW2) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "internal snapshots need qcow2 disks, but disk '%s' of domain '%s' is '%s'",
                disk->dst, def->name, gvDomainDiskFormatTypeToString(disk->format));
            g_clear_pointer(vmstate, g_free);
            json_object_put(devices);
            return NULL;
        }
        if (!*vmstate)
            *vmstate = gvQemuDiskFormatNode(disk);
        {
            g_autofree char *node = gvQemuDiskFormatNode(disk);

            json_object_array_add(devices, json_object_new_string(node));
        }
    }
    if (!*vmstate) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "domain '%s' has no writable qcow2 disk to hold an internal snapshot",
                      def->name);
        json_object_put(devices);
        return NULL;
    }
    return devices;
}

/*
 * The pty paths QEMU opened for @def's serial ports, consoles and channels, from
 * query-chardev, into the live definition (they are live XML only).
 */
static int
gvQemuProcessUpdateChrPaths(gvQemuMonitor *mon, gvDomainDef *def, GError **error)
{
    json_object *chardevs = NULL;
    guint i;
    int rc = -1;

    if (def->serials->len == 0 && def->consoles->len == 0 && def->channels->len == 0)
        return 0;
    if (gvQemuMonitorQueryChardev(mon, &chardevs, error) < 0)
        return -1;
    for (i = 0; i < def->serials->len; i++) {
        gvDomainChrDef *chr = g_ptr_array_index(def->serials, i);
        g_autofree char *label = g_strdup_printf("charserial%d", chr->port);
        int found;

        if (chr->type != GV_DOMAIN_CHR_TYPE_PTY)
            continue;
        g_clear_pointer(&chr->path, g_free);
        if ((found = gvQmpParseChardevPty(chardevs, label, &chr->path, error)) < 0)
            goto cleanup;
        if (found == 0) {
            gvReportError(error, GV_ERR_INTERNAL_ERROR,
                          "QEMU has no pty for serial port %d of domain '%s' (chardev '%s')",
                          chr->port, def->name, label);
            goto cleanup;
        }
    }
    for (i = 0; i < def->consoles->len; i++) {
        gvDomainChrDef *con = g_ptr_array_index(def->consoles, i);
        guint j;

        if (con->type != GV_DOMAIN_CHR_TYPE_PTY)
            continue;
        g_clear_pointer(&con->path, g_free);
        if (con->target == GV_DOMAIN_CHR_CONSOLE_TARGET_VIRTIO) {
            g_autofree char *label = g_strdup_printf("charconsole%u", i);
            int found = gvQmpParseChardevPty(chardevs, label, &con->path, error);

            if (found < 0)
                goto cleanup;
            if (found == 0) {
                gvReportError(error, GV_ERR_INTERNAL_ERROR,
                              "QEMU has no pty for the virtio console of domain '%s'", def->name);
                goto cleanup;
            }
            continue;
        }
        /* a serial console is that serial port's pty */
        for (j = 0; j < def->serials->len; j++) {
            const gvDomainChrDef *chr = g_ptr_array_index(def->serials, j);

            if (chr->port == con->port && chr->path)
                con->path = g_strdup(chr->path);
        }
    }
    for (i = 0; i < def->channels->len; i++) {
        gvDomainChrDef *chr = g_ptr_array_index(def->channels, i);
        g_autofree char *label = g_strdup_printf("charchannel%u", i);

        if (chr->type != GV_DOMAIN_CHR_TYPE_PTY)
            continue;
        g_clear_pointer(&chr->path, g_free);
        if (gvQmpParseChardevPty(chardevs, label, &chr->path, error) < 0)
            goto cleanup;
    }
    rc = 0;

cleanup:
    json_object_put(chardevs);
    return rc;
}

#define GV_QEMU_INCOMING_PORT_TRIES 16

/*
 * migrate-incoming on @uri, "tcp:ADDR:PORT"; with @anyPort, a port another
 * process took between our check and QEMU's bind is followed by the next
 * free one (QEMU allows another migrate-incoming after a failed one).
 */
static int
gvQemuProcessListenIncoming(gvQemuMonitor *mon, const char *uri, bool anyPort, int *portOut,
                            GError **error)
{
    const char *colon = strrchr(uri, ':');
    g_autofree char *prefix = g_strndup(uri, colon ? (gsize)(colon - uri) : strlen(uri));
    int port = colon ? (int)g_ascii_strtoll(colon + 1, NULL, 10) : 0;
    int attempt;

    for (attempt = 0;; attempt++) {
        g_autoptr(GError) local = NULL;
        g_autofree char *now = g_strdup_printf("%s:%d", prefix, port);
        json_object *args = json_object_new_object();

        json_object_object_add(args, "uri", json_object_new_string(now));
        if (gvQemuMonitorCommand(mon, "migrate-incoming", args, 10000, NULL, &local) == 0) {
            *portOut = port;
            return 0;
        }
        if (!anyPort || attempt >= GV_QEMU_INCOMING_PORT_TRIES ||
            !strstr(local->message, "Address already in use") ||
            (port = gvQemuMigrationFindPort(port + 1)) < 0) {
            g_propagate_error(error, g_steal_pointer(&local));
            return -1;
        }
        g_debug("migration port taken meanwhile, trying %d", port);
    }
}

/* Waits until the incoming QEMU has read its whole stream (a restore) */
static int
gvQemuProcessWaitRestored(gvQemuMonitor *mon, GError **error)
{
    for (;;) {
        g_autoptr(json_object) ret = NULL;
        json_object *v;
        const char *status = NULL;

        if (gvQemuMonitorCommand(mon, "query-migrate", NULL, 10000, &ret, error) < 0)
            return -1;
        if (json_object_object_get_ex(ret, "status", &v))
            status = json_object_get_string(v);
        if (status && g_str_equal(status, "completed"))
            return 0;
        if (status && (g_str_equal(status, "failed") || g_str_equal(status, "cancelled"))) {
            gvReportError(error, GV_ERR_OPERATION_FAILED, "QEMU could not load the saved state: %s",
                          json_object_object_get_ex(ret, "error-desc", &v)
                              ? json_object_get_string(v)
                              : status);
            return -1;
        }
        g_usleep(1000);
    }
}

/* getfd + migrate-incoming "fd:": QEMU reads the saved stream from @fd */
static int
gvQemuProcessLoadFromFd(gvQemuMonitor *mon, int fd, GError **error)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "fdname", json_object_new_string("gv-restore"));
    if (gvQemuMonitorCommandWithFd(mon, "getfd", args, fd, 10000, NULL, error) < 0)
        return -1;
    args = json_object_new_object();
    json_object_object_add(args, "uri", json_object_new_string("fd:gv-restore"));
    if (gvQemuMonitorCommand(mon, "migrate-incoming", args, 10000, NULL, error) < 0)
        return -1;
    return gvQemuProcessWaitRestored(mon, error);
}

int
gvQemuProcessStart(gvDriver *drv, gvDomainObj *obj, unsigned int flags, const char *snapshot,
                   const char *incoming, GError **error)
{
    gvQemuProcessStartOpts opts = GV_QEMU_PROCESS_START_OPTS_INIT;

    opts.snapshot = snapshot;
    opts.incoming = incoming;
    return gvQemuProcessStartWith(drv, obj, flags, &opts, error);
}

int
gvQemuProcessStartWith(gvDriver *drv, gvDomainObj *obj, unsigned int flags,
                       const gvQemuProcessStartOpts *opts, GError **error)
{
    const char *snapshot = opts->snapshot;
    const char *incoming = opts->incoming;
    bool restore = opts->restoreFd >= 0;
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    g_autoptr(gvDomainDef) live = NULL;
    g_autoptr(gvCommand) cmd = NULL;
    g_autofree char *qemuDir = g_strdup_printf("%s/qemu", drv->runDir);
    g_autofree char *monitorPath = NULL;
    g_autofree char *home = NULL;
    g_autofree char *channelDir = NULL;
    const gvQemuCaps *caps;
    char *genidConfig = NULL;
    gvQemuMonitor *mon = NULL;
    gvQemuWatchCtx *w;
    GSource *watch;
    g_autofree gint *source_fds = NULL;
    g_autofree gint *target_fds = NULL;
    g_autofree int *tapFds = NULL;
    g_autofree int *tapTargets = NULL;
    guint ntaps = 0;
    guint t;
    gsize nfds = 0;
    int memfd = -1;
    int monfd = -1;
    int logfd = -1;
    goffset logOffset = -1;
    GPid pid = 0;
    unsigned char guid[GV_UUID_BUFLEN];
    gvQemuBuildCtx ctx = { .accel = drv->accel, .monitorFd = 4, .genidConfigFd = 3 };
    g_autoptr(GError) spawnErr = NULL;
    const char *name;
    bool portsTaken = false;
    int rc;

    if (gvDomainObjIsActive(obj)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain is already running");
        return -1;
    }
    /* the live definition starts as a copy of the persistent one */
    if (!(live = gvDomainDefCopy(obj->def, error)))
        return -1;
    name = obj->def->name;
    /*
     * A path of its own for each QEMU: a QEMU that exits removes its monitor
     * socket as its last act, which must never hit the next QEMU's (revert).
     * Named by the UUID (32 hex digits), not the name: a socket path has at
     * most 107 bytes, and a domain name may have 200.
     */
    {
        char hex[2 * GV_UUID_BUFLEN + 1];
        size_t i;

        for (i = 0; i < GV_UUID_BUFLEN; i++)
            g_snprintf(hex + 2 * i, 3, "%02x", obj->def->uuid[i]);
        monitorPath =
            g_strdup_printf("%s/%s.%d.mon", qemuDir, hex, g_atomic_int_add(&drv->nextMonitor, 1));
    }
    home = g_strdup_printf("%s/qemu/%s", drv->stateDir, name);
    ctx.homeDir = home;
    {
        char uuidstr[GV_UUID_STRING_BUFLEN];

        /* short: a UNIX socket path has at most 107 bytes */
        channelDir = g_strdup_printf("%s/ch-%.8s", qemuDir, gvUUIDFormat(obj->def->uuid, uuidstr));
    }
    ctx.incoming = incoming != NULL || restore;
    priv->incoming = incoming != NULL;
    if (incoming)
        flags |= GV_DOMAIN_START_PAUSED;
    priv->starting = true;
    priv->stopping = false;
    priv->exited = false;
    priv->tainted = false;
    priv->noBalloon = false;
    g_free(priv->monitorPath);
    priv->monitorPath = g_strdup(monitorPath);
    gvDomainObjUnlock(obj);

    if (!(caps = gvDriverGetCaps(drv, live->emulator, error)) ||
        gvQemuProcessFillFirmware(drv, live, caps, error) < 0 ||
        (opts->resetNvram && gvQemuBootResetNvram(live, error) < 0) ||
        gvQemuProcessCheckDisks(live, error) < 0 || gvQemuBootCheckFiles(live, error) < 0 ||
        gvQemuProcessCheckCurrentMemory(live, error) < 0 ||
        gvQemuPreflight(live, caps, drv->accel, error) < 0 ||
        gvQemuDomainResolveCPU(live, caps, drv->accel, error) < 0 ||
        gvDirEnsure(qemuDir, 0700, error) < 0 || gvDirEnsure(home, 0700, error) < 0 ||
        gvQemuProcessPrepareDevices(live, channelDir, &ctx, error) < 0)
        goto error_unlocked;
    if (gvQemuGraphicsAllocPorts(drv, live, error) < 0)
        goto error_unlocked;
    portsTaken = true;
    /* taps of bridge and ethernet interfaces: QEMU gets them as fds 5, 6, ... */
    ntaps = live->nets->len;
    tapFds = g_new0(int, ntaps + 1);
    tapTargets = g_new0(int, ntaps + 1);
    source_fds = g_new0(gint, ntaps + 2);
    target_fds = g_new0(gint, ntaps + 2);
    if (gvQemuInterfaceOpenTaps(live, tapFds, error) < 0) {
        ntaps = 0;
        goto error_unlocked;
    }
    for (t = 0; t < ntaps; t++)
        tapTargets[t] = tapFds[t] >= 0 ? (int)(5 + t) : -1;
    ctx.tapFds = tapTargets;
    ctx.ntapFds = ntaps;
    if (gvQemuBuildCommandLine(live, caps, &ctx, &cmd, &genidConfig, error) < 0)
        goto error_unlocked;
    if ((monfd = gvQemuProcessBindMonitor(monitorPath, error)) < 0)
        goto error_unlocked;
    if (genidConfig) {
        memfd = gvQemuProcessSealedMemfd(genidConfig, error);
        gvSecretFree(g_steal_pointer(&genidConfig));
        if (memfd < 0)
            goto error_unlocked;
        source_fds[nfds] = memfd;
        target_fds[nfds++] = 3;
    }
    source_fds[nfds] = monfd;
    target_fds[nfds++] = 4;
    for (t = 0; t < ntaps; t++) {
        if (tapFds[t] < 0)
            continue;
        source_fds[nfds] = tapFds[t];
        target_fds[nfds++] = tapTargets[t];
    }
    if ((logfd = gvQemuProcessOpenLog(drv, name, cmd, error)) < 0)
        goto error_unlocked;
    logOffset = lseek(logfd, 0, SEEK_END);
    /* a restarted daemon must find (and stop) a QEMU whose start a crash cut short */
    gvDomainObjLock(obj);
    priv->pid = 0;
    rc = gvQemuProcessWriteStatusFull(drv, obj, live, GV_DOMAIN_PAUSED,
                                      GV_DOMAIN_PAUSED_STARTING_UP, true, false, error);
    gvDomainObjUnlock(obj);
    if (rc < 0)
        goto error_unlocked;
    GV_CRASH_POINT("start:status-written");

    if (!g_spawn_async_with_pipes_and_fds(
            NULL, (const char *const *)gvCommandGetArgv(cmd), gvCommandGetEnv(cmd),
            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL, gvQemuChildSetup, NULL, -1,
            logfd, logfd, source_fds, target_fds, nfds, &pid, NULL, NULL, NULL, &spawnErr)) {
        gvReportError(error, GV_ERR_OPERATION_FAILED, "cannot start QEMU '%s': %s", live->emulator,
                      spawnErr->message);
        goto error_unlocked;
    }
    close(logfd);
    logfd = -1;
    if (memfd >= 0)
        close(memfd);
    memfd = -1;
    close(monfd);
    monfd = -1;
    /* QEMU holds the taps now: a bridge's tap goes when QEMU exits */
    gvQemuInterfaceCloseTaps(tapFds, ntaps);

    gvDomainObjLock(obj);
    priv->pid = pid;
    priv->startTime = g_get_real_time() / G_USEC_PER_SEC;
    w = g_new0(gvQemuWatchCtx, 1);
    w->drv = drv;
    w->obj = gvDomainObjRef(obj);
    watch = g_child_watch_source_new(pid);
    g_source_set_callback(watch, G_SOURCE_FUNC(gvQemuChildExited), w, gvQemuWatchCtxFree);
    g_source_attach(watch, drv->ctx);
    priv->exitSource = watch;
    rc = gvQemuProcessWriteStatusFull(drv, obj, live, GV_DOMAIN_PAUSED,
                                      GV_DOMAIN_PAUSED_STARTING_UP, true, false, error);
    gvDomainObjUnlock(obj);
    if (rc < 0) {
        gvDomainObjLock(obj);
        goto error;
    }
    /* QEMU runs (paused) with the GUID; nobody has checked it yet */
    GV_CRASH_POINT("start:spawned");

    if (!(mon = gvQemuProcessOpenMonitor(drv, obj, name, pid, monitorPath,
                                         GV_QEMU_MONITOR_TIMEOUT_MS, error))) {
        gvDomainObjLock(obj);
        goto error;
    }
    gvDomainObjLock(obj);
    priv->mon = mon;
    gvDomainObjUnlock(obj);

    /* a revert: load the snapshot into this fresh, paused QEMU */
    if (snapshot) {
        g_autofree char *vmstate = NULL;
        json_object *devices = gvQemuProcessSnapshotDevices(live, &vmstate, error);
        json_object *args;

        if (!devices) {
            gvDomainObjLock(obj);
            goto error;
        }
        args = json_object_new_object();
        json_object_object_add(args, "job-id", json_object_new_string("gv-snapshot-load"));
        json_object_object_add(args, "tag", json_object_new_string(snapshot));
        json_object_object_add(args, "vmstate", json_object_new_string(vmstate));
        json_object_object_add(args, "devices", devices);
        if (gvQemuMonitorRunJob(mon, "snapshot-load", args, "gv-snapshot-load", 600000, error) <
            0) {
            gvDomainObjLock(obj);
            goto error;
        }
    }
    /* a restore: the saved stream into this fresh, paused QEMU */
    if (restore && gvQemuProcessLoadFromFd(mon, opts->restoreFd, error) < 0) {
        gvDomainObjLock(obj);
        goto error;
    }
    if (restore)
        GV_CRASH_POINT("start:incoming-loaded");

    /* the GUID QEMU reports must be the one we passed */
    if (live->genid) {
        if (gvQemuMonitorQueryGenid(mon, guid, error) < 0) {
            gvDomainObjLock(obj);
            goto error;
        }
        if (memcmp(guid, live->genid->guid, GV_UUID_BUFLEN) != 0) {
            char got[GV_UUID_STRING_BUFLEN];
            char want[GV_UUID_STRING_BUFLEN];

            gvReportError(
                error, GV_ERR_OPERATION_FAILED,
                "QEMU reports genid '%s' for domain '%s', but '%s' was passed: QEMU stopped",
                gvUUIDFormat(guid, got), name, gvUUIDFormat(live->genid->guid, want));
            gvDomainObjLock(obj);
            goto error;
        }
    }
    if (gvQemuProcessSetupDevices(mon, live, error) < 0 ||
        gvQemuProcessUpdateChrPaths(mon, live, error) < 0) {
        gvDomainObjLock(obj);
        goto error;
    }
    /* a migration destination: listen for the stream; Finish resumes it */
    if (incoming) {
        json_object *args = json_object_new_object();

        if ((flags & GV_DOMAIN_START_INCOMING_TLS) &&
            gvQemuMigrationTLSEnable(mon, drv->migrateTLSDir, true, NULL, error) < 0) {
            json_object_put(args);
            gvDomainObjLock(obj);
            goto error;
        }
        json_object_put(args);
        if (gvQemuProcessListenIncoming(mon, incoming, flags & GV_DOMAIN_START_INCOMING_ANY_PORT,
                                        &priv->incomingPort, error) < 0) {
            gvDomainObjLock(obj);
            goto error;
        }
        /* the incoming QEMU listens; no status file names it yet */
        GV_CRASH_POINT("migration:dst-prepare-qemu-up");
    }
    /*
     * Checked and complete: from here a restarted daemon adopts this QEMU
     * (paused, or running once it is resumed) instead of stopping it,
     * since what comes next may consume what it was started from (a
     * managed save image)
     */
    if (!incoming) {
        gvDomainObjLock(obj);
        /* the id a reconnect finds it active by */
        live->id = g_atomic_int_add(&drv->nextID, 1);
        rc = gvQemuProcessWriteStatusFull(drv, obj, live, GV_DOMAIN_PAUSED,
                                          GV_DOMAIN_PAUSED_STARTING_UP, false, false, error);
        gvDomainObjUnlock(obj);
        if (rc < 0) {
            gvDomainObjLock(obj);
            goto error;
        }
    }
    GV_CRASH_POINT("start:verified");
    if (opts->beforeRun && opts->beforeRun(opts->opaque, error) < 0) {
        gvDomainObjLock(obj);
        goto error;
    }
    if (!(flags & GV_DOMAIN_START_PAUSED) && gvQemuMonitorCont(mon, error) < 0) {
        gvDomainObjLock(obj);
        goto error;
    }
    GV_CRASH_POINT("start:resumed");

    gvDomainObjLock(obj);
    if (priv->exited) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "QEMU exited while domain '%s' was starting: see its log", name);
        goto error;
    }
    if (live->id <= 0)
        live->id = g_atomic_int_add(&drv->nextID, 1);
    /* the persistent definition waits in newDef (it may already be there) */
    if (obj->persistent && !obj->newDef)
        obj->newDef = obj->def;
    else
        gvDomainDefFree(obj->def);
    obj->def = g_steal_pointer(&live);
    priv->starting = false;
    if (restore && (flags & GV_DOMAIN_START_PAUSED) && opts->userPaused) {
        /* libvirt: a managed save started --paused is restored, then paused by the user */
        gvDriverSetStateEvent(drv, obj, GV_DOMAIN_PAUSED, GV_DOMAIN_PAUSED_USER,
                              GV_DOMAIN_EVENT_STARTED, GV_DOMAIN_EVENT_STARTED_RESTORED);
        gvDriverEmitEvent(drv, obj, GV_DOMAIN_EVENT_ID_LIFECYCLE, GV_DOMAIN_EVENT_SUSPENDED,
                          GV_DOMAIN_EVENT_SUSPENDED_PAUSED);
    } else if (restore && (flags & GV_DOMAIN_START_PAUSED)) {
        gvDriverSetState(drv, obj, GV_DOMAIN_PAUSED, GV_DOMAIN_PAUSED_SAVE);
    } else if (restore) {
        gvDriverSetState(drv, obj, GV_DOMAIN_RUNNING, GV_DOMAIN_RUNNING_RESTORED);
        /* as libvirt's qemu driver: QEMU's RESUME of a restored guest */
        gvDriverEmitEvent(drv, obj, GV_DOMAIN_EVENT_ID_LIFECYCLE, GV_DOMAIN_EVENT_RESUMED,
                          GV_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT);
    } else if (flags & GV_DOMAIN_START_PAUSED) {
        if (incoming)
            gvDriverSetState(drv, obj, GV_DOMAIN_PAUSED, GV_DOMAIN_PAUSED_MIGRATION);
        else if (snapshot)
            gvDriverSetState(drv, obj, GV_DOMAIN_PAUSED, GV_DOMAIN_PAUSED_FROM_SNAPSHOT);
        else
            gvDriverSetState(drv, obj, GV_DOMAIN_PAUSED, GV_DOMAIN_PAUSED_USER);
    } else {
        gvDriverSetState(drv, obj, GV_DOMAIN_RUNNING,
                         snapshot ? GV_DOMAIN_RUNNING_FROM_SNAPSHOT : GV_DOMAIN_RUNNING_BOOTED);
    }
    {
        g_autoptr(GError) local = NULL;

        if (gvQemuProcessWriteStatus(drv, obj, &local) < 0)
            g_warning("domain '%s': %s", name, local->message);
    }
    g_message("domain '%s' started: QEMU pid %d, id %d", obj->def->name, (int)pid, obj->def->id);
    return 0;

error_unlocked:
    logOffset = -1;
    if (tapFds)
        gvQemuInterfaceCloseTaps(tapFds, ntaps);
    if (memfd >= 0)
        close(memfd);
    if (monfd >= 0)
        close(monfd);
    if (logfd >= 0)
        close(logfd);
    gvSecretFree(genidConfig);
    if (monitorPath)
        (void)unlink(monitorPath);
    gvDomainObjLock(obj);
error:
    if (portsTaken)
        gvQemuGraphicsReleasePorts(drv, live);
    gvQemuProcessAbortStart(drv, obj);
    /* QEMU's own words, from its log, say why */
    if (logOffset >= 0 && error && *error) {
        g_autofree char *said = gvQemuProcessLogTail(drv, obj->def->name, logOffset);

        if (said) {
            g_autofree char *msg = g_strdup_printf("%s: QEMU said: %s", (*error)->message, said);

            g_free((*error)->message);
            (*error)->message = g_steal_pointer(&msg);
        }
    }
    return -1;
}

/* ---- stop ---------------------------------------------------------------- */

bool
gvQemuProcessKillForDestroy(gvDomainObj *obj, bool graceful)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);

    if (!gvDomainObjIsActive(obj) || priv->pid <= 0 || priv->exited)
        return false;
    priv->stopping = true;
    priv->stopReason = GV_DOMAIN_SHUTOFF_DESTROYED;
    if (graceful) {
        (void)kill(priv->pid, SIGTERM);
        (void)kill(priv->pid, SIGCONT); /* a stopped QEMU must run to exit */
    } else {
        (void)kill(priv->pid, SIGKILL);
    }
    g_message("domain '%s': QEMU (pid %d) killed for a destroy while '%s' held the job",
              obj->def->name, (int)priv->pid, obj->jobName ? obj->jobName : "another call");
    return true;
}

int
gvQemuProcessStop(gvDriver *drv, gvDomainObj *obj, int reason, bool graceful, GError **error)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    GPid pid = priv->pid;

    if (!gvDomainObjIsActive(obj) || pid <= 0) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain is not running");
        return -1;
    }
    priv->stopping = true;
    priv->stopReason = reason;
    if (kill(pid, SIGTERM) < 0 && errno != ESRCH) {
        gvReportSystemError(error, errno, "failed to terminate process %d with SIGTERM", (int)pid);
        return -1;
    }
    /* a stopped QEMU (SIGSTOP) handles SIGTERM only once it runs */
    (void)kill(pid, SIGCONT);
    if (gvQemuProcessWaitExit(obj, GV_QEMU_TERM_WAIT_MS))
        return 0;
    if (graceful) {
        priv->stopping = false;
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "failed to terminate process %d with SIGTERM: it is still running", (int)pid);
        return -1;
    }
    (void)kill(pid, SIGKILL);
    if (!gvQemuProcessWaitExit(obj, GV_QEMU_KILL_WAIT_MS)) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "failed to kill process %d with SIGKILL: it is still running", (int)pid);
        return -1;
    }
    return 0;
}

guint64
gvQemuProcessCPUTime(gvDomainObj *obj)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    g_autofree char *path = NULL;
    g_autofree char *stat = NULL;
    g_auto(GStrv) fields = NULL;
    const char *end;
    guint64 utime;
    guint64 stime;
    long hz = sysconf(_SC_CLK_TCK);

    if (priv->pid <= 0 || hz <= 0)
        return 0;
    path = g_strdup_printf("/proc/%d/stat", (int)priv->pid);
    if (!g_file_get_contents(path, &stat, NULL, NULL) || !(end = strrchr(stat, ')')))
        return 0;
    /* after "pid (comm)": state is field 3, utime 14 and stime 15 */
    fields = g_strsplit(end + 2, " ", 16);
    if (g_strv_length(fields) < 14 ||
        !g_ascii_string_to_unsigned(fields[11], 10, 0, G_MAXUINT64, &utime, NULL) ||
        !g_ascii_string_to_unsigned(fields[12], 10, 0, G_MAXUINT64, &stime, NULL))
        return 0;
    return (utime + stime) * (1000000000ULL / (guint64)hz);
}
