/*
 * qemu_process.h: QEMU processes: start, stop, exit, status, reconnect
 *
 * Every function here is called with the domain object locked and its job
 * held; slow steps drop the object lock and take it again.
 */
#pragma once

#include "driver.h"
#include "qemu_monitor.h"

/* virDomainCreateFlags we honour */
#define GV_DOMAIN_START_PAUSED (1 << 0)
#define GV_DOMAIN_START_BYPASS_CACHE (1 << 2) /* a managed save image's pages leave the cache */
#define GV_DOMAIN_START_FORCE_BOOT (1 << 3) /* boot, discarding a managed save image */
/* internal: an incoming migration over TLS (QEMU's credentials before migrate-incoming) */
#define GV_DOMAIN_START_INCOMING_TLS (1 << 16)
/* an incoming migration on "tcp:ADDR:PORT" where PORT was chosen here: another if it is taken */
#define GV_DOMAIN_START_INCOMING_ANY_PORT (1 << 17)

typedef struct {
    GPid pid;
    gvQemuMonitor *mon;
    char *monitorPath;
    gint64 startTime; /* wall clock, seconds */
    int pidfd; /* after a reconnect: the exit watch */
    GSource *exitSource; /* child watch or pidfd watch, main loop */
    bool starting; /* the start has not finished */
    bool stopping; /* we asked it to go */
    int stopReason; /* the shut-off reason to record */
    bool exited;
    bool tainted; /* a user ran raw monitor commands */
    GPtrArray *snapshots; /* gvDomainSnapshotDef, oldest first */
    char *currentSnapshot;
    bool migrating; /* a migration of this domain is under way */
    bool saving; /* a save to a file is under way (its progress as a migration's) */
    bool abortJob; /* DOMAIN_ABORT_JOB asked for the save or migration to stop */
    bool
        restarting; /* the QEMU goes and another comes (renew --restart): keep a transient domain */
    bool managedSave; /* the domain has a managed save image */
    bool incoming; /* started for an incoming migration not yet finished */
    int incomingPort; /* the port it listens on */
    gint64 migrationStart; /* monotonic, for job info */
    guint64 migrationTotal; /* bytes, from query-migrate */
    guint64 migrationDone;
    guint migrationEvents; /* MIGRATION events that ended one (a save waits on jobCond for it) */
    bool noBalloon; /* this QEMU said it has no balloon (stats stop asking) */
    /* an outgoing migration, recorded in the status file so a restart can end it */
    int migrationPhase; /* gvQemuMigrationOutPhase */
    char *migrationPeer; /* the destination daemon's URI (asked after a crash), or NULL */
    unsigned int migrationFlags;
} gvQemuDomainPriv;

/*
 * Where an outgoing migration is, as the status file records it.  What a
 * restarted source does with its QEMU follows from it (qemu_process.c,
 * gvQemuProcessRecoverMigrationOut).
 */
typedef enum {
    GV_QEMU_MIGRATION_OUT_NONE = 0,
    GV_QEMU_MIGRATION_OUT_PERFORM, /* migrate may be sent: the destination cannot have resumed */
    GV_QEMU_MIGRATION_OUT_PERFORM_DONE, /* the stream is complete: Finish may have run there */
    GV_QEMU_MIGRATION_OUT_CONFIRM, /* the destination runs the guest: this side ends */
    GV_QEMU_MIGRATION_OUT_LAST
} gvQemuMigrationOutPhase;
GV_ENUM_DECL(gvQemuMigrationOutPhase);

/*
 * Records @phase (and the destination's URI @peer, when given) in @obj's
 * status file (@obj locked); durable before it returns
 */
int gvQemuProcessSetMigrationPhase(gvDriver *drv, gvDomainObj *obj, gvQemuMigrationOutPhase phase,
                                   const char *peer, unsigned int flags, GError **error);

gvQemuDomainPriv *gvQemuDomainGetPriv(gvDomainObj *obj);

/*
 * Starts QEMU with -S, checks the GUID and runs it (unless PAUSED).  With
 * @snapshot, the internal snapshot of that name is loaded first
 * (snapshot-load), so a revert is a fresh QEMU, never an in-place loadvm.
 */
int gvQemuProcessStart(gvDriver *drv, gvDomainObj *obj, unsigned int flags, const char *snapshot,
                       const char *incoming, GError **error);

/* Called with the domain unlocked, after the GUID check and before 'cont' */
typedef int (*gvQemuProcessBeforeRunFunc)(gpointer opaque, GError **error);

typedef struct {
    const char *snapshot; /* load this internal snapshot first (a revert) */
    const char *incoming; /* "tcp:ADDR:PORT": a migration destination */
    /*
     * >= 0: a restore: QEMU (-incoming defer) loads its migration stream
     * from this fd (getfd, migrate-incoming "fd:"), positioned at the
     * stream, before the GUID check; the domain becomes running (restored)
     * or paused (PAUSED_SAVE).  Taken by QEMU, left open here.
     */
    int restoreFd;
    bool userPaused; /* a restore with START_PAUSED by the user: SUSPENDED PAUSED */
    bool resetNvram; /* the NVRAM recreated from its template (gvQemuBootResetNvram) */
    gvQemuProcessBeforeRunFunc beforeRun;
    gpointer opaque;
} gvQemuProcessStartOpts;

#define GV_QEMU_PROCESS_START_OPTS_INIT \
    { \
        .restoreFd = -1 \
    }

int gvQemuProcessStartWith(gvDriver *drv, gvDomainObj *obj, unsigned int flags,
                           const gvQemuProcessStartOpts *opts, GError **error);

/* The node names of @def's disks, for snapshot jobs: first the vmstate one */
json_object *gvQemuProcessSnapshotDevices(const gvDomainDef *def, char **vmstate, GError **error);

/*
 * Stops QEMU: SIGTERM, then (unless @graceful) SIGKILL when it does not
 * go within a few seconds; waits until it is gone.  @reason is the
 * shut-off reason recorded (GV_DOMAIN_SHUTOFF_*).
 */
/*
 * A destroy while another call holds @obj's job (locked): QEMU is killed
 * (SIGKILL; @graceful: SIGTERM) so that a call waiting for its monitor
 * ends, and its exit is recorded as destroyed.  False when not running.
 */
bool gvQemuProcessKillForDestroy(gvDomainObj *obj, bool graceful);
int gvQemuProcessStop(gvDriver *drv, gvDomainObj *obj, int reason, bool graceful, GError **error);

/* Reads the status files and reconnects to every QEMU still alive */
void gvQemuProcessReconnectAll(gvDriver *drv);

/* CPU time of QEMU in nanoseconds (0 when not running) */
guint64 gvQemuProcessCPUTime(gvDomainObj *obj);

/* Writes the status file of a running domain */
int gvQemuProcessWriteStatus(gvDriver *drv, gvDomainObj *obj, GError **error);
