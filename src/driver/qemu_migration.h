/*
 * qemu_migration.h: libvirt's v3 migration phases for QEMU domains
 *
 * Begin (source) hands out the migratable XML with the live GUID; Prepare
 * (destination) checks ABI stability against its own definition and starts
 * QEMU with -incoming and that GUID; Perform (source) runs QMP migrate over
 * TCP; Finish (destination) checks the GUID with query-vm-generation-id and
 * resumes; Confirm (source) ends the source, or resumes it when cancelled.
 * QEMU does not carry the GUID in its stream: the destination must be
 * started with the source's value, which is why it is stored.  With
 * GV_MIGRATE_TLS the stream is encrypted (qemu_migration_tls.h); a daemon
 * with migrate_tls_force refuses migrations without it in Begin and
 * Prepare, before anything starts.
 */
#pragma once

#include "driver.h"
#include "qemu_monitor.h"

/* virDomainMigrateFlags */
#define GV_MIGRATE_LIVE (1 << 0)
#define GV_MIGRATE_PEER2PEER (1 << 1)
#define GV_MIGRATE_TUNNELLED (1 << 2)
#define GV_MIGRATE_PERSIST_DEST (1 << 3)
#define GV_MIGRATE_UNDEFINE_SOURCE (1 << 4)
#define GV_MIGRATE_PAUSED (1 << 5)
#define GV_MIGRATE_NON_SHARED_DISK (1 << 6)
#define GV_MIGRATE_NON_SHARED_INC (1 << 7)
#define GV_MIGRATE_CHANGE_PROTECTION (1 << 8)
#define GV_MIGRATE_UNSAFE (1 << 9)
#define GV_MIGRATE_OFFLINE (1 << 10)
#define GV_MIGRATE_COMPRESSED (1 << 11)
#define GV_MIGRATE_ABORT_ON_ERROR (1 << 12)
#define GV_MIGRATE_AUTO_CONVERGE (1 << 13)
#define GV_MIGRATE_TLS (1 << 16)

/* Returns the XML for the destination (a secret: gvSecretFree) */
char *gvQemuMigrationBegin(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);

/* @uriIn: the user's "tcp:HOST[:PORT]" or NULL; @uriOut: where to send */
gvDomainObj *gvQemuMigrationPrepare(gvDriver *drv, const char *xml, const char *uriIn,
                                    unsigned int flags, char **uriOut, GError **error);

/* @alive, when given, is asked while data flows: false cancels the migration */
typedef bool (*gvQemuMigrationAliveFunc)(gpointer opaque);

/*
 * @peer: the destination daemon's URI, or NULL; recorded with the phase in
 * the status file, so that a source restarted after the stream completed
 * asks it whether it runs the guest (drv->migrationAskPeer)
 */
int gvQemuMigrationPerform(gvDriver *drv, gvDomainObj *obj, const char *uri, const char *peer,
                           unsigned int flags, gvQemuMigrationAliveFunc alive, gpointer opaque,
                           GError **error);

/* NULL when @cancelled (the incoming QEMU is removed) or on failure */
gvDomainObj *gvQemuMigrationFinish(gvDriver *drv, const char *name, unsigned int flags,
                                   bool cancelled, GError **error);

/*
 * @cancelled after a Perform that completed: the destination daemon is
 * asked first (it may have resumed the guest before its Finish failed to
 * answer); the source resumes only when it does not run it
 */
int gvQemuMigrationConfirm(gvDriver *drv, gvDomainObj *obj, unsigned int flags, bool cancelled,
                           GError **error);

/* virDomainJobType and virDomainJobOperation values */
#define GV_QEMU_JOB_NONE 0
#define GV_QEMU_JOB_UNBOUNDED 2
#define GV_QEMU_JOB_OPERATION_UNKNOWN 0
#define GV_QEMU_JOB_OPERATION_SAVE 2
#define GV_QEMU_JOB_OPERATION_RESTORE 3
#define GV_QEMU_JOB_OPERATION_MIGRATION_IN 4
#define GV_QEMU_JOB_OPERATION_MIGRATION_OUT 5

typedef struct {
    int type;
    int operation;
    guint64 elapsedMs;
    guint64 total; /* bytes of guest RAM, as query-migrate counts them */
    guint64 processed;
} gvQemuJobInfo;

/* virDomainGetJobInfo / GetJobStats of a migration or a save to a file */
int gvQemuMigrationJobInfo(gvDomainObj *obj, gvQemuJobInfo *info, GError **error);

/* virDomainAbortJob: cancels the outgoing migration or the save (migrate_cancel) */
int gvQemuMigrationAbortJob(gvDomainObj *obj, GError **error);

/*
 * Polls query-migrate until QEMU's outgoing stream is complete, recording
 * its progress for job info; a failure, an abort (GV_ERR_OPERATION_ABORTED),
 * or @alive answering false (when given) is an error.
 */
int gvQemuMigrationWait(gvDomainObj *obj, gvQemuMonitor *mon, gvQemuMigrationAliveFunc alive,
                        gpointer opaque, GError **error);

/*
 * A free port of the migration range (49152-49215) for an incoming QEMU, from
 * @from on (0: where the last search left off), or -1
 */
int gvQemuMigrationFindPort(int from);

/*
 * The connection that prepared domain @name as a migration destination
 * closed: when the run it prepared (domain ID @id) is still waiting for the
 * stream or for Finish, the migration is cancelled here (its QEMU stopped),
 * on a thread of its own, as libvirt does; the source then resumes the
 * guest.  A later Prepare of the same domain is left alone.
 */
void gvQemuMigrationAbortIncoming(gvDriver *drv, const char *name, int id);
