/*
 * snapshot_conf.h: <domainsnapshot>, the metadata of an internal snapshot
 *
 *   <domainsnapshot>
 *     <name>s1</name>
 *     <description>before the upgrade</description>
 *     <state>running</state>
 *     <parent><name>s0</name></parent>
 *     <creationTime>1700000000</creationTime>
 *     <memory snapshot='internal'/>
 *     <disks><disk name='vda' snapshot='internal'/></disks>
 *     <domain type='kvm'>...</domain>
 *   </domainsnapshot>
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "domain_conf.h"

/* virDomainSnapshotState: the domain's state when it was taken */
typedef enum {
    GV_SNAPSHOT_STATE_NONE = 0,
    GV_SNAPSHOT_STATE_RUNNING,
    GV_SNAPSHOT_STATE_PAUSED,
    GV_SNAPSHOT_STATE_SHUTOFF,
    GV_SNAPSHOT_STATE_LAST
} gvSnapshotState;
GV_ENUM_DECL(gvSnapshotState);

#define GV_SNAPSHOT_NAME_MAX 200

typedef struct {
    char *name;
    char *description;
    gvSnapshotState state;
    char *parent; /* NULL for a root */
    gint64 creationTime; /* seconds since the epoch */
    gvDomainDef *dom; /* the domain as it was */
} gvDomainSnapshotDef;

void gvDomainSnapshotDefFree(gvDomainSnapshotDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainSnapshotDef, gvDomainSnapshotDefFree)

/* A user's request: only <name> and <description> (internal snapshots) */
gvDomainSnapshotDef *gvDomainSnapshotDefParseRequest(const char *xml, GError **error);
/* Stored metadata: everything, with the domain */
gvDomainSnapshotDef *gvDomainSnapshotDefParseString(const char *xml, GError **error);
/* @secure: the domain's genid value included (read-write clients, storage) */
char *gvDomainSnapshotDefFormat(const gvDomainSnapshotDef *def, bool secure);

/* A snapshot name is also a file name and a qcow2 tag */
int gvDomainSnapshotNameValidate(const char *name, GError **error);
