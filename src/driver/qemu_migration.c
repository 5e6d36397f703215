/*
 * qemu_migration.c: libvirt's v3 migration phases for QEMU domains
 */
#include <gvconfig.h>

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gvbuffer.h"
#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvfile.h"
#include "qemu_driver.h"
#include "qemu_migration.h"
#include "qemu_migration_tls.h"
#include "qemu_process.h"

#define GV_MIGRATE_SUPPORTED \
    (GV_MIGRATE_LIVE | GV_MIGRATE_PEER2PEER | GV_MIGRATE_PERSIST_DEST | \
     GV_MIGRATE_UNDEFINE_SOURCE | GV_MIGRATE_PAUSED | GV_MIGRATE_CHANGE_PROTECTION | \
     GV_MIGRATE_UNSAFE | GV_MIGRATE_OFFLINE | GV_MIGRATE_ABORT_ON_ERROR | \
     GV_MIGRATE_AUTO_CONVERGE | GV_MIGRATE_TLS)

#define GV_MIGRATION_PORT_MIN 49152
#define GV_MIGRATION_PORT_MAX 49215
#define GV_MIGRATION_TIMEOUT_MS (30 * 60 * 1000)

/* @source: Begin (else Prepare); both check, before anything starts */
static int
gvQemuMigrationCheckFlags(gvDriver *drv, unsigned int flags, bool source, GError **error)
{
    if (flags & (GV_MIGRATE_NON_SHARED_DISK | GV_MIGRATE_NON_SHARED_INC)) {
        gvReportError(
            error, GV_ERR_ARGUMENT_UNSUPPORTED,
            "migration with storage copy (--copy-storage-*) is not supported: the disks must be shared");
        return -1;
    }
    if (flags & GV_MIGRATE_TUNNELLED) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED,
                      "tunnelled migration is not supported: migration data goes over TCP");
        return -1;
    }
    if (flags & ~GV_MIGRATE_SUPPORTED) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED, "unsupported migration flags 0x%x",
                      flags & ~GV_MIGRATE_SUPPORTED);
        return -1;
    }
    if ((flags & GV_MIGRATE_OFFLINE) && !(flags & GV_MIGRATE_PERSIST_DEST)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "offline migration requires the --persistent flag");
        return -1;
    }
    /* an offline migration has no stream to encrypt */
    if (flags & GV_MIGRATE_OFFLINE)
        return 0;
    if (drv->migrateTLSForce && !(flags & GV_MIGRATE_TLS)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "this genvirtd instance allows migration only with VIR_MIGRATE_TLS flag "
                      "(migrate_tls_force on the %s host): use --tls",
                      source ? "source" : "destination");
        return -1;
    }
    if ((flags & GV_MIGRATE_TLS) &&
        gvQemuMigrationTLSCheckFiles(drv->migrateTLSDir, !source, error) < 0)
        return -1;
    return 0;
}

char *
gvQemuMigrationBegin(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    gvQemuDomainPriv *priv;
    char *xml = NULL;

    if (gvQemuMigrationCheckFlags(drv, flags, true, error) < 0)
        return NULL;
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, "migration-begin", GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        return NULL;
    }
    priv = gvQemuDomainGetPriv(obj);
    if (flags & GV_MIGRATE_OFFLINE) {
        if (!obj->persistent) {
            gvReportError(error, GV_ERR_OPERATION_INVALID,
                          "cannot migrate a transient domain offline");
            goto cleanup;
        }
        xml = gvDomainDefFormat(gvDomainObjGetPersistentDef(obj),
                                GV_DOMAIN_DEF_FORMAT_INACTIVE | GV_DOMAIN_DEF_FORMAT_SECURE |
                                    GV_DOMAIN_DEF_FORMAT_MIGRATABLE);
    } else {
        if (!gvDomainObjIsActive(obj)) {
            gvReportError(error, GV_ERR_OPERATION_INVALID, "domain is not running");
            goto cleanup;
        }
        if (priv->migrating) {
            gvReportError(error, GV_ERR_OPERATION_INVALID, "domain '%s' is already being migrated",
                          obj->def->name);
            goto cleanup;
        }
        /* the live GUID travels in the XML: QEMU's stream does not carry it */
        xml = gvDomainDefFormat(obj->def,
                                GV_DOMAIN_DEF_FORMAT_SECURE | GV_DOMAIN_DEF_FORMAT_MIGRATABLE);
        priv->migrating = true;
        priv->migrationStart = g_get_monotonic_time();
        priv->migrationTotal = 0;
        priv->migrationDone = 0;
        GV_CRASH_POINT("migration:src-begin");
    }
cleanup:
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    return xml;
}

/*
 * A free TCP port for QEMU to listen on (QEMU binds it itself right after),
 * from @from on, wrapping around the range; @from 0: where the last search
 * of this daemon left off, so that searches close in time try other ports.
 */
int
gvQemuMigrationFindPort(int from)
{
    static gint next;
    int range = GV_MIGRATION_PORT_MAX - GV_MIGRATION_PORT_MIN + 1;
    int start = from > 0 ? from - GV_MIGRATION_PORT_MIN : g_atomic_int_add(&next, 1);
    int i;

    for (i = 0; i < range; i++) {
        int port = GV_MIGRATION_PORT_MIN + (((start + i) % range) + range) % range;
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        int rc;

        if (fd < 0)
            return -1;
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
        close(fd);
        if (rc == 0) {
            if (from == 0)
                g_atomic_int_set(&next, port - GV_MIGRATION_PORT_MIN + 1);
            return port;
        }
    }
    return -1;
}

gvDomainObj *
gvQemuMigrationPrepare(gvDriver *drv, const char *xml, const char *uriIn, unsigned int flags,
                       char **uriOut, GError **error)
{
    g_autoptr(gvDomainDef) def = NULL;
    g_autoptr(gvDomainObj) existing = NULL;
    g_autofree char *host = NULL;
    g_autofree char *listen = NULL;
    g_autofree char *incoming = NULL;
    gvDomainObj *obj = NULL;
    bool created = false;
    int port = 0;
    unsigned int startFlags = GV_DOMAIN_START_PAUSED;

    if (gvQemuMigrationCheckFlags(drv, flags, false, error) < 0)
        return NULL;
    if (!xml) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "no destination_xml given to prepare the migration");
        return NULL;
    }
    if (!(def = gvDomainDefParseString(xml, GV_DOMAIN_DEF_PARSE_INACTIVE, error)))
        return NULL;
    if (def->genid && !def->genid->hasGuid) {
        gvReportError(
            error, GV_ERR_OPERATION_INVALID,
            "the migrated genid of domain '%s' has no GUID: the source must send its live value",
            def->name);
        return NULL;
    }
    if ((existing = gvDomainObjListFindByUUID(drv->domains, def->uuid)) ||
        (existing = gvDomainObjListFindByName(drv->domains, def->name))) {
        g_autoptr(gvDomainDef) mine = NULL;

        gvDomainObjLock(existing);
        if (!g_str_equal(existing->def->name, def->name) ||
            memcmp(existing->def->uuid, def->uuid, GV_UUID_BUFLEN) != 0) {
            gvReportError(error, GV_ERR_OPERATION_FAILED,
                          "domain '%s' is already defined here with another name or uuid",
                          existing->def->name);
            gvDomainObjUnlock(existing);
            return NULL;
        }
        if (gvDomainObjIsActive(existing)) {
            gvReportError(error, GV_ERR_OPERATION_INVALID, "domain '%s' is already active here",
                          def->name);
            gvDomainObjUnlock(existing);
            return NULL;
        }
        /* our own definition of it must be able to take over the guest */
        mine = gvDomainDefCopy(gvDomainObjGetPersistentDef(existing), error);
        gvDomainObjUnlock(existing);
        if (!mine)
            return NULL;
        gvDomainDefAdoptGenid(mine, def);
        if (gvDomainDefCheckABIStability(def, mine, error) < 0)
            return NULL;
        obj = gvDomainObjRef(existing);
    }

    if (flags & GV_MIGRATE_OFFLINE) {
        /* no QEMU: Finish defines it; libvirt's client still wants a URI */
        *uriOut = g_strdup_printf("tcp:%s:0", drv->migrationHost);
        if (!obj) {
            obj = gvDomainObjNew(g_steal_pointer(&def));
            obj->persistent = false;
            gvDomainObjListAdd(drv->domains, obj);
        }
        return obj;
    }

    /* where QEMU listens, and what the source is told */
    if (uriIn && g_str_has_prefix(uriIn, "tcp:")) {
        const char *rest = uriIn + 4;
        const char *colon;

        while (*rest == '/')
            rest++;
        if ((colon = strrchr(rest, ':'))) {
            host = g_strndup(rest, colon - rest);
            port = (int)g_ascii_strtoll(colon + 1, NULL, 10);
        } else {
            host = g_strdup(rest);
        }
    } else if (uriIn) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED,
                      "migration URI '%s' is not supported: use tcp:HOST[:PORT]", uriIn);
        goto error;
    }
    if (!host)
        host = g_strdup(drv->migrationHost);
    if (port <= 0 || port > 65535) {
        port = gvQemuMigrationFindPort(0);
        startFlags |= GV_DOMAIN_START_INCOMING_ANY_PORT;
    }
    if (port < 0) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "no free port between %d and %d for the migration", GV_MIGRATION_PORT_MIN,
                      GV_MIGRATION_PORT_MAX);
        goto error;
    }
    incoming = g_strdup_printf("tcp:%s:%d", drv->migrationListen, port);
    GV_CRASH_POINT("migration:dst-prepare-start");

    if (!obj) {
        obj = gvDomainObjNew(g_steal_pointer(&def));
        obj->persistent = false;
        gvDomainObjListAdd(drv->domains, obj);
        created = true;
    } else {
        gvDomainObjLock(obj);
        /* the source's definition, its live GUID included, runs here; ours waits */
        gvDomainDefFree(obj->newDef);
        obj->newDef = obj->def;
        obj->def = g_steal_pointer(&def);
        gvDomainObjUnlock(obj);
    }
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, "migration-in", GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        goto error;
    }
    if (flags & GV_MIGRATE_TLS)
        startFlags |= GV_DOMAIN_START_INCOMING_TLS;
    /* recorded with the incoming QEMU: a restart after Finish resumed it honours them */
    gvQemuDomainGetPriv(obj)->migrationFlags = flags;
    if (gvQemuProcessStart(drv, obj, startFlags, NULL, incoming, error) < 0) {
        if (!created && obj->newDef) {
            gvDomainDefFree(obj->def);
            obj->def = g_steal_pointer(&obj->newDef);
        }
        gvDomainObjEndJob(obj);
        gvDomainObjUnlock(obj);
        goto error;
    }
    gvQemuDomainGetPriv(obj)->migrating = true;
    port = gvQemuDomainGetPriv(obj)->incomingPort;
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    GV_CRASH_POINT("migration:dst-prepare-done");
    *uriOut = g_strdup_printf("tcp:%s:%d", host, port);
    g_message("domain '%s': waiting for an incoming migration on %s%s", obj->def->name, incoming,
              (flags & GV_MIGRATE_TLS) ? " over TLS" : "");
    return obj;

error:
    /* a domain defined here keeps its definition on disk untouched */
    if (obj && created)
        gvDomainObjListRemove(drv->domains, obj);
    if (obj)
        gvDomainObjUnref(obj);
    return NULL;
}

int
gvQemuMigrationWait(gvDomainObj *obj, gvQemuMonitor *mon, gvQemuMigrationAliveFunc alive,
                    gpointer opaque, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)GV_MIGRATION_TIMEOUT_MS * 1000;
    bool saving;
    bool progressed = false;
    guint events;

    /*
     * A save (gvQemuSaveStream turned QEMU's MIGRATION events on) sleeps
     * after each query-migrate until an event that ends a migration comes
     * (gvQemuMonitorEvent counts them), or 50 ms for the progress figures:
     * no 1-5 ms polling that competes with QEMU for the CPUs and adds its
     * interval to the save.  An event before the first wait is no loss: each
     * query-migrate comes before a wait.  A migration polls every 5 ms.
     */
    gvDomainObjLock(obj);
    saving = gvQemuDomainGetPriv(obj)->saving;
    events = gvQemuDomainGetPriv(obj)->migrationEvents;
    gvDomainObjUnlock(obj);
    for (;;) {
        g_autoptr(json_object) ret = NULL;
        json_object *v;
        json_object *ram;
        const char *status = NULL;

        if (gvQemuMonitorCommand(mon, "query-migrate", NULL, 10000, &ret, error) < 0)
            return -1;
        if (json_object_object_get_ex(ret, "status", &v))
            status = json_object_get_string(v);
        if (json_object_object_get_ex(ret, "ram", &ram)) {
            gvQemuDomainPriv *priv;

            gvDomainObjLock(obj);
            priv = gvQemuDomainGetPriv(obj);
            if (json_object_object_get_ex(ram, "total", &v))
                priv->migrationTotal = (guint64)json_object_get_int64(v);
            if (json_object_object_get_ex(ram, "transferred", &v))
                priv->migrationDone = (guint64)json_object_get_int64(v);
            if (!saving && !progressed && priv->migrationDone > 0) {
                progressed = true;
                /* the stream flows: QEMU goes on sending without us */
                GV_CRASH_POINT("migration:src-perform-progress");
            }
            gvDomainObjUnlock(obj);
        }
        if (status && g_str_equal(status, "completed")) {
            /* the destination QEMU has it all; the source QEMU is paused */
            if (!saving)
                GV_CRASH_POINT("migration:src-perform-completed");
            return 0;
        }
        if (status && (g_str_equal(status, "failed") || g_str_equal(status, "cancelled"))) {
            const char *desc = json_object_object_get_ex(ret, "error-desc", &v)
                                   ? json_object_get_string(v)
                                   : status;
            bool aborted;

            gvDomainObjLock(obj);
            aborted = gvQemuDomainGetPriv(obj)->abortJob;
            gvDomainObjUnlock(obj);
            if (aborted)
                gvReportError(error, GV_ERR_OPERATION_ABORTED, "%s job: canceled by client",
                              saving ? "domain save" : "migration out");
            else
                gvReportError(error, GV_ERR_OPERATION_FAILED, "migration failed: %s", desc);
            return -1;
        }
        if (g_get_monotonic_time() > deadline) {
            gvReportError(error, GV_ERR_OPERATION_TIMEOUT, "migration did not finish in time");
            return -1;
        }
        if (alive && !alive(opaque)) {
            gvReportError(error, GV_ERR_OPERATION_FAILED, "Lost connection to destination host");
            return -1;
        }
        if (saving) {
            gint64 until = g_get_monotonic_time() + 50 * G_TIME_SPAN_MILLISECOND;

            gvDomainObjLock(obj);
            while (gvQemuDomainGetPriv(obj)->migrationEvents == events) {
                if (!g_cond_wait_until(&obj->jobCond, &obj->lock, until))
                    break;
            }
            events = gvQemuDomainGetPriv(obj)->migrationEvents;
            gvDomainObjUnlock(obj);
        } else {
            g_usleep(5000);
        }
    }
}

int
gvQemuMigrationPerform(gvDriver *drv, gvDomainObj *obj, const char *uri, const char *peer,
                       unsigned int flags, gvQemuMigrationAliveFunc alive, gpointer opaque,
                       GError **error)
{
    gvQemuDomainPriv *priv;
    gvQemuMonitor *mon;
    json_object *args;
    int rc = -1;

    if (flags & GV_MIGRATE_OFFLINE)
        return 0;
    if (!uri || !g_str_has_prefix(uri, "tcp:")) {
        gvReportError(error, GV_ERR_INVALID_ARG, "migration URI '%s' is not tcp:HOST:PORT",
                      uri ? uri : "");
        return -1;
    }
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, "migration-out", GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        return -1;
    }
    priv = gvQemuDomainGetPriv(obj);
    if (!gvDomainObjIsActive(obj) || !(mon = priv->mon)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain is not running");
        goto cleanup;
    }
    priv->migrating = true;
    priv->abortJob = false;
    /* before migrate is sent: a restart cancels the stream and resumes the guest */
    if (gvQemuProcessSetMigrationPhase(drv, obj, GV_QEMU_MIGRATION_OUT_PERFORM, peer, flags,
                                       error) < 0) {
        priv->migrating = false;
        goto cleanup;
    }
    gvQemuMonitorRef(mon);
    gvDomainObjUnlock(obj);
    GV_CRASH_POINT("migration:src-perform-start");
    if (flags & GV_MIGRATE_TLS) {
        g_autofree char *host = gvQemuMigrationURIHost(uri);

        /* the destination's certificate must name the host we send to */
        rc = gvQemuMigrationTLSEnable(mon, drv->migrateTLSDir, false, host, error);
    } else {
        /* credentials left from an incoming TLS migration must not apply */
        gvQemuMigrationTLSDisable(mon);
        rc = 0;
    }
    if (rc == 0) {
        args = json_object_new_object();
        json_object_object_add(args, "uri", json_object_new_string(uri));
        rc = gvQemuMonitorCommand(mon, "migrate", args, 10000, NULL, error);
    }
    if (rc == 0)
        GV_CRASH_POINT("migration:src-perform-migrate-sent");
    if (rc == 0)
        rc = gvQemuMigrationWait(obj, mon, alive, opaque, error);
    if (rc < 0) {
        g_autoptr(GError) local = NULL;

        /* the source keeps running */
        (void)gvQemuMonitorCommand(mon, "migrate_cancel", NULL, 10000, NULL, &local);
    }
    if (flags & GV_MIGRATE_TLS)
        gvQemuMigrationTLSDisable(mon);
    gvQemuMonitorUnref(mon);
    gvDomainObjLock(obj);
    if (rc < 0) {
        g_autoptr(GError) local = NULL;

        priv->migrating = false;
        if (obj->state == GV_DOMAIN_PAUSED && obj->reason == GV_DOMAIN_PAUSED_MIGRATION)
            gvDriverSetState(drv, obj, GV_DOMAIN_RUNNING, GV_DOMAIN_RUNNING_MIGRATION_CANCELED);
        if (gvQemuProcessSetMigrationPhase(drv, obj, GV_QEMU_MIGRATION_OUT_NONE, NULL, 0, &local) <
            0)
            g_warning("domain '%s': %s", obj->def->name, local->message);
    } else {
        /* QEMU has stopped the guest here; Confirm ends it */
        gvDriverSetState(drv, obj, GV_DOMAIN_PAUSED, GV_DOMAIN_PAUSED_MIGRATION);
        /* durable before anyone can send Finish: from here a restart asks the destination */
        rc = gvQemuProcessSetMigrationPhase(drv, obj, GV_QEMU_MIGRATION_OUT_PERFORM_DONE, NULL,
                                            flags, error);
        if (rc == 0)
            GV_CRASH_POINT("migration:src-perform-done");
    }
cleanup:
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    return rc;
}

/* Waits until the incoming QEMU has the whole guest */
static int
gvQemuMigrationWaitIncoming(gvQemuMonitor *mon, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;

    for (;;) {
        g_autofree char *status = NULL;

        if (gvQemuMonitorQueryStatus(mon, &status, error) < 0)
            return -1;
        if (!g_str_equal(status, "inmigrate"))
            return 0;
        if (g_get_monotonic_time() > deadline) {
            gvReportError(error, GV_ERR_OPERATION_TIMEOUT, "the incoming migration did not end");
            return -1;
        }
        g_usleep(5000);
    }
}

gvDomainObj *
gvQemuMigrationFinish(gvDriver *drv, const char *name, unsigned int flags, bool cancelled,
                      GError **error)
{
    g_autoptr(gvDomainObj) obj = NULL;
    gvQemuDomainPriv *priv;
    gvQemuMonitor *mon = NULL;
    unsigned char guid[GV_UUID_BUFLEN];
    int rc = -1;

    if (!name || !(obj = gvDomainObjListFindByName(drv->domains, name))) {
        gvReportError(error, GV_ERR_NO_DOMAIN, "no domain with matching name '%s'",
                      name ? name : "");
        return NULL;
    }
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, "migration-finish", GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        return NULL;
    }
    priv = gvQemuDomainGetPriv(obj);

    if (flags & GV_MIGRATE_OFFLINE) {
        if (cancelled) {
            if (!obj->persistent)
                goto drop;
            rc = 0;
            goto cleanup;
        }
        rc = gvDriverSaveConfig(drv, gvDomainObjGetPersistentDef(obj), error);
        if (rc == 0)
            obj->persistent = true;
        goto cleanup;
    }

    if (cancelled || !gvDomainObjIsActive(obj) || !(mon = priv->mon)) {
        if (!cancelled)
            gvReportError(error, GV_ERR_OPERATION_FAILED,
                          "domain '%s' has no incoming QEMU to finish", name);
        if (gvDomainObjIsActive(obj))
            (void)gvQemuProcessStop(drv, obj, GV_DOMAIN_SHUTOFF_FAILED, false, NULL);
        priv->migrating = false;
        goto drop;
    }
    gvQemuMonitorRef(mon);
    gvDomainObjUnlock(obj);
    GV_CRASH_POINT("migration:dst-finish-start");
    if (gvQemuMigrationWaitIncoming(mon, error) == 0 &&
        (!obj->def->genid || gvQemuMonitorQueryGenid(mon, guid, error) == 0)) {
        rc = 0;
        /* the destination must present the source's GUID */
        if (obj->def->genid && memcmp(guid, obj->def->genid->guid, GV_UUID_BUFLEN) != 0) {
            char got[GV_UUID_STRING_BUFLEN];
            char want[GV_UUID_STRING_BUFLEN];

            gvReportError(error, GV_ERR_OPERATION_FAILED,
                          "after migration QEMU reports genid '%s', not the source's '%s'",
                          gvUUIDFormat(guid, got), gvUUIDFormat(obj->def->genid->guid, want));
            rc = -1;
        }
        if (rc == 0)
            GV_CRASH_POINT("migration:dst-finish-received");
        if (rc == 0 && !(flags & GV_MIGRATE_PAUSED))
            rc = gvQemuMonitorCont(mon, error);
        if (rc == 0)
            GV_CRASH_POINT("migration:dst-finish-cont");
    }
    gvQemuMonitorUnref(mon);
    gvDomainObjLock(obj);
    priv->migrating = false;
    if (rc < 0) {
        (void)gvQemuProcessStop(drv, obj, GV_DOMAIN_SHUTOFF_FAILED, false, NULL);
        goto drop;
    }
    if (flags & GV_MIGRATE_PAUSED)
        gvDriverSetStateEvent(drv, obj, GV_DOMAIN_PAUSED, GV_DOMAIN_PAUSED_USER,
                              GV_DOMAIN_EVENT_SUSPENDED, GV_DOMAIN_EVENT_SUSPENDED_PAUSED);
    else
        gvDriverSetState(drv, obj, GV_DOMAIN_RUNNING, GV_DOMAIN_RUNNING_MIGRATED);
    priv->incoming = false;
    if ((flags & GV_MIGRATE_PERSIST_DEST) && !obj->persistent) {
        if (gvDriverSaveConfig(drv, obj->def, error) == 0) {
            obj->persistent = true;
            if ((obj->newDef = gvDomainDefCopy(obj->def, NULL)))
                obj->newDef->id = -1; /* the saved definition is not running */
            gvDriverEmitEvent(drv, obj, GV_DOMAIN_EVENT_ID_LIFECYCLE, GV_DOMAIN_EVENT_DEFINED,
                              GV_DOMAIN_EVENT_DEFINED_ADDED);
            GV_CRASH_POINT("migration:dst-finish-config");
        }
    }
    {
        g_autoptr(GError) local = NULL;

        if (gvQemuProcessWriteStatus(drv, obj, &local) < 0)
            g_warning("domain '%s': %s", name, local->message);
    }
    GV_CRASH_POINT("migration:dst-finish-done");
    g_message("domain '%s' migrated in, genid checked", name);
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    return g_steal_pointer(&obj);

drop:
    if (!obj->persistent && !gvDomainObjIsActive(obj)) {
        gvDomainObjEndJob(obj);
        gvDomainObjUnlock(obj);
        gvDomainObjListRemove(drv->domains, obj);
        return NULL;
    }
cleanup:
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    return rc == 0 ? g_steal_pointer(&obj) : NULL;
}

int
gvQemuMigrationConfirm(gvDriver *drv, gvDomainObj *obj, unsigned int flags, bool cancelled,
                       GError **error)
{
    gvQemuDomainPriv *priv;
    int rc = 0;

    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, "migration-confirm", GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        return -1;
    }
    priv = gvQemuDomainGetPriv(obj);
    priv->migrating = false;
    if (cancelled && priv->migrationPhase == GV_QEMU_MIGRATION_OUT_PERFORM_DONE &&
        priv->migrationPeer && drv->migrationAskPeer) {
        g_autofree char *peer = g_strdup(priv->migrationPeer);
        unsigned char uuid[GV_UUID_BUFLEN];
        int there;

        /*
         * The stream was complete: Finish may have resumed the guest there
         * and then failed to answer (its daemon died).  Only the
         * destination can tell; the guest must never run on both.
         */
        memcpy(uuid, obj->def->uuid, GV_UUID_BUFLEN);
        gvDomainObjUnlock(obj);
        there = drv->migrationAskPeer(drv, peer, uuid);
        gvDomainObjLock(obj);
        if (there > 0) {
            g_message("domain '%s': the destination runs it although its Finish failed: the "
                      "migration is complete",
                      obj->def->name);
            cancelled = false;
        } else if (there < 0) {
            gvReportError(error, GV_ERR_OPERATION_FAILED,
                          "domain '%s' stays paused: the destination cannot tell whether it runs "
                          "the guest",
                          obj->def->name);
            rc = -1;
            goto cleanup;
        }
    }
    if (flags & GV_MIGRATE_OFFLINE) {
        if (!cancelled && (flags & GV_MIGRATE_UNDEFINE_SOURCE)) {
            gvDomainObjEndJob(obj);
            gvDomainObjUnlock(obj);
            return gvDriverUndefine(drv, obj, 0, error);
        }
        goto cleanup;
    }
    if (cancelled) {
        /* the destination did not take it: the guest goes on here */
        if (gvDomainObjIsActive(obj) && priv->mon) {
            gvQemuMonitor *mon = gvQemuMonitorRef(priv->mon);
            g_autofree char *status = NULL;

            gvDomainObjUnlock(obj);
            if (gvQemuMonitorQueryStatus(mon, &status, NULL) == 0 &&
                (g_str_equal(status, "postmigrate") || g_str_equal(status, "paused")) &&
                !(obj->state == GV_DOMAIN_PAUSED && obj->reason == GV_DOMAIN_PAUSED_USER))
                rc = gvQemuMonitorCont(mon, error);
            gvQemuMonitorUnref(mon);
            gvDomainObjLock(obj);
            if (rc == 0)
                gvDriverSetState(drv, obj, GV_DOMAIN_RUNNING, GV_DOMAIN_RUNNING_MIGRATION_CANCELED);
        }
        if (gvDomainObjIsActive(obj)) {
            g_autoptr(GError) local = NULL;

            if (gvQemuProcessSetMigrationPhase(drv, obj, GV_QEMU_MIGRATION_OUT_NONE, NULL, 0,
                                               &local) < 0)
                g_warning("domain '%s': %s", obj->def->name, local->message);
        }
        goto cleanup;
    }
    /* the destination runs it: a restart from here ends this side */
    if (gvDomainObjIsActive(obj) &&
        gvQemuProcessSetMigrationPhase(drv, obj, GV_QEMU_MIGRATION_OUT_CONFIRM, NULL, flags,
                                       error) < 0) {
        rc = -1;
        goto cleanup;
    }
    GV_CRASH_POINT("migration:src-confirm-start");
    if (gvDomainObjIsActive(obj))
        rc = gvQemuProcessStop(drv, obj, GV_DOMAIN_SHUTOFF_MIGRATED, false, error);
    if (rc == 0)
        GV_CRASH_POINT("migration:src-confirm-stopped");
    if (rc == 0 && (flags & GV_MIGRATE_UNDEFINE_SOURCE) && obj->persistent) {
        gvDomainObjEndJob(obj);
        gvDomainObjUnlock(obj);
        /* libvirt sends no UNDEFINED event for it: STOPPED MIGRATED says it all */
        rc = gvDriverUndefineFull(drv, obj, GV_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA, false, error);
        if (rc == 0)
            GV_CRASH_POINT("migration:src-confirm-undefined");
        return rc;
    }
cleanup:
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    return rc;
}

/* Locks @obj and returns its runtime state when it runs; NULL, unlocked, when not */
static gvQemuDomainPriv *
gvQemuMigrationLockActive(gvDomainObj *obj, GError **error)
{
    gvDomainObjLock(obj);
    if (!gvDomainObjIsActive(obj)) {
        gvDomainObjUnlock(obj);
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain is not running");
        return NULL;
    }
    return gvQemuDomainGetPriv(obj);
}

int
gvQemuMigrationJobInfo(gvDomainObj *obj, gvQemuJobInfo *info, GError **error)
{
    gvQemuDomainPriv *priv;
    bool busy;

    if (!(priv = gvQemuMigrationLockActive(obj, error)))
        return -1;
    busy = priv->migrating || priv->saving;
    memset(info, 0, sizeof(*info));
    info->type = busy ? GV_QEMU_JOB_UNBOUNDED : GV_QEMU_JOB_NONE;
    if (priv->saving)
        info->operation = GV_QEMU_JOB_OPERATION_SAVE;
    else if (priv->migrating && priv->incoming)
        info->operation = GV_QEMU_JOB_OPERATION_MIGRATION_IN;
    else if (priv->migrating)
        info->operation = GV_QEMU_JOB_OPERATION_MIGRATION_OUT;
    info->elapsedMs = busy ? (guint64)(g_get_monotonic_time() - priv->migrationStart) / 1000 : 0;
    info->total = priv->migrationTotal;
    info->processed = MIN(priv->migrationDone, priv->migrationTotal);
    gvDomainObjUnlock(obj);
    return 0;
}

int
gvQemuMigrationAbortJob(gvDomainObj *obj, GError **error)
{
    gvQemuDomainPriv *priv;
    gvQemuMonitor *mon;
    int rc;

    if (!(priv = gvQemuMigrationLockActive(obj, error)))
        return -1;
    /* an incoming migration is ended by its source, or by Finish */
    if (!(priv->saving || (priv->migrating && !priv->incoming)) || !(mon = priv->mon)) {
        gvDomainObjUnlock(obj);
        gvReportError(error, GV_ERR_OPERATION_INVALID, "no job is active on the domain");
        return -1;
    }
    priv->abortJob = true;
    gvQemuMonitorRef(mon);
    gvDomainObjUnlock(obj);
    rc = gvQemuMonitorCommand(mon, "migrate_cancel", NULL, 10000, NULL, error);
    gvQemuMonitorUnref(mon);
    return rc;
}

typedef struct {
    gvDriver *drv;
    char *name;
    int id;
} gvQemuAbortCtx;

static gpointer
gvQemuMigrationAbortThread(gpointer opaque)
{
    gvQemuAbortCtx *ctx = opaque;
    g_autoptr(gvDomainObj) obj = gvDomainObjListFindByName(ctx->drv->domains, ctx->name);
    bool incoming = false;

    if (obj) {
        gvDomainObjLock(obj);
        /* that run only: a later Prepare of the same domain is another's */
        incoming = gvQemuDomainGetPriv(obj)->incoming && obj->def->id == ctx->id;
        gvDomainObjUnlock(obj);
    }
    if (incoming) {
        g_autoptr(GError) error = NULL;
        g_autoptr(gvDomainObj) done = NULL;

        g_message("domain '%s': the connection that prepared its incoming migration closed "
                  "before finishing it: the migration is cancelled here",
                  ctx->name);
        done = gvQemuMigrationFinish(ctx->drv, ctx->name, 0, true, &error);
    }
    g_free(ctx->name);
    g_free(ctx);
    return NULL;
}

void
gvQemuMigrationAbortIncoming(gvDriver *drv, const char *name, int id)
{
    gvQemuAbortCtx *ctx = g_new0(gvQemuAbortCtx, 1);

    ctx->drv = drv;
    ctx->name = g_strdup(name);
    ctx->id = id;
    /* a QEMU is stopped: never on the caller's thread (the main loop) */
    g_mutex_lock(&drv->threadsLock);
    g_ptr_array_add(drv->threads, g_thread_new("migration-abort", gvQemuMigrationAbortThread, ctx));
    g_mutex_unlock(&drv->threadsLock);
}
