/*
 * qemu_snapshot.h: internal snapshots (qcow2) and revert with a new GUID
 *
 * Metadata: STATEDIR/snapshots/DOMAIN/NAME.xml (<domainsnapshot>, 0600) and
 * STATEDIR/snapshots/DOMAIN/current.  A running domain's snapshot is a QMP
 * snapshot-save job (memory and disks); a shut-off one is qemu-img snapshot.
 * A revert never loads into a running QEMU: the old one is stopped and a new
 * one started with the snapshot loaded, after a new GUID (auto='yes') was
 * generated and persisted.  The GUID recorded in a snapshot never returns.
 */
#pragma once

#include "driver.h"
#include "snapshot_conf.h"

/* virDomainSnapshotRevertFlags */
#define GV_SNAPSHOT_REVERT_RUNNING (1 << 0)
#define GV_SNAPSHOT_REVERT_PAUSED (1 << 1)
#define GV_SNAPSHOT_REVERT_FORCE (1 << 2)

/* virDomainSnapshotDeleteFlags */
#define GV_SNAPSHOT_DELETE_CHILDREN (1 << 0)
#define GV_SNAPSHOT_DELETE_METADATA_ONLY (1 << 1)
#define GV_SNAPSHOT_DELETE_CHILDREN_ONLY (1 << 2)

/* virDomainSnapshotListFlags */
#define GV_SNAPSHOT_LIST_ROOTS (1 << 0) /* or DESCENDANTS for children lists */
#define GV_SNAPSHOT_LIST_METADATA (1 << 1)
#define GV_SNAPSHOT_LIST_LEAVES (1 << 2)
#define GV_SNAPSHOT_LIST_NO_LEAVES (1 << 3)
#define GV_SNAPSHOT_LIST_NO_METADATA (1 << 4)
#define GV_SNAPSHOT_LIST_INACTIVE (1 << 5)
#define GV_SNAPSHOT_LIST_ACTIVE (1 << 6)
#define GV_SNAPSHOT_LIST_DISK_ONLY (1 << 7)
#define GV_SNAPSHOT_LIST_INTERNAL (1 << 8)
#define GV_SNAPSHOT_LIST_EXTERNAL (1 << 9)
#define GV_SNAPSHOT_LIST_TOPOLOGICAL (1 << 10)

/* Loads the snapshot metadata of every domain (daemon start) */
void gvQemuSnapshotLoadAll(gvDriver *drv);

/* Returns the new snapshot's name */
char *gvQemuSnapshotCreate(gvDriver *drv, gvDomainObj *obj, const char *xml, unsigned int flags,
                           GError **error);
int gvQemuSnapshotRevert(gvDriver *drv, gvDomainObj *obj, const char *name, unsigned int flags,
                         GError **error);
int gvQemuSnapshotDelete(gvDriver *drv, gvDomainObj *obj, const char *name, unsigned int flags,
                         GError **error);

/*
 * Names of @obj's snapshots matching @flags (GV_SNAPSHOT_LIST_*); of the
 * children of @parent when it is given (all descendants with @descendants)
 */
GPtrArray *gvQemuSnapshotList(gvDomainObj *obj, const char *parent, bool descendants,
                              unsigned int flags, GError **error);
/* The snapshot's XML; NULL with NO_DOMAIN_SNAPSHOT when there is none */
char *gvQemuSnapshotGetXML(gvDomainObj *obj, const char *name, bool secure, GError **error);
int gvQemuSnapshotExists(gvDomainObj *obj, const char *name, GError **error);
/* 1 and @parent set, or -1 (a root: NO_DOMAIN_SNAPSHOT "does not have a parent") */
int gvQemuSnapshotGetParent(gvDomainObj *obj, const char *name, char **parent, GError **error);
/* The current snapshot's name, or NULL with an error */
char *gvQemuSnapshotCurrent(gvDomainObj *obj, GError **error);
bool gvQemuSnapshotIsCurrent(gvDomainObj *obj, const char *name);
guint gvQemuSnapshotCount(gvDomainObj *obj);
/* Removes every snapshot's metadata of @obj (undefine --snapshots-metadata) */
int gvQemuSnapshotRemoveAllMetadata(gvDriver *drv, gvDomainObj *obj, GError **error);

/* The undefine hook (gvDriverHooks): snapshots refuse it, or go with UNDEFINE_SNAPSHOTS_METADATA */
int gvQemuSnapshotUndefinePrepare(gvDriver *drv, gvDomainObj *obj, unsigned int flags,
                                  GError **error);

/*
 * A domain's rename: its snapshots directory moves from @oldName to
 * @newName (durably; nothing to do without snapshots) ...
 */
int gvQemuSnapshotMoveDir(gvDriver *drv, const char *oldName, const char *newName, GError **error);
/* ... and, once @obj has its new name, the snapshots' domains take it too */
void gvQemuSnapshotRenameDomain(gvDriver *drv, gvDomainObj *obj);
