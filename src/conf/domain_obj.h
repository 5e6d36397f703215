/*
 * domain_obj.h: live domain objects and the list of them
 *
 * A gvDomainObj holds the definition (def), the one to use after the
 * next shutdown (newDef, for a running domain redefined), and the state.
 * Objects are reference counted and locked one at a time.
 *
 * Lock order: the list lock, then an object lock.  Never take the list
 * lock while holding an object lock.
 *
 * The object lock is only ever held briefly: anything slow (starting QEMU,
 * waiting for it to exit, fsync) runs under the object's job instead, a
 * flag taken with gvDomainObjBeginJob and released with gvDomainObjEndJob,
 * so readers (list, dumpxml) never wait behind an operation in progress.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "domain_conf.h"

/* virDomainState */
typedef enum {
    GV_DOMAIN_NOSTATE = 0,
    GV_DOMAIN_RUNNING = 1,
    GV_DOMAIN_BLOCKED = 2,
    GV_DOMAIN_PAUSED = 3,
    GV_DOMAIN_SHUTDOWN = 4,
    GV_DOMAIN_SHUTOFF = 5,
    GV_DOMAIN_CRASHED = 6,
    GV_DOMAIN_PMSUSPENDED = 7,
    GV_DOMAIN_STATE_LAST
} gvDomainState;

/* The reasons of each state, with libvirt's values (virDomain*Reason) */
typedef enum {
    GV_DOMAIN_RUNNING_UNKNOWN = 0,
    GV_DOMAIN_RUNNING_BOOTED = 1,
    GV_DOMAIN_RUNNING_MIGRATED = 2,
    GV_DOMAIN_RUNNING_RESTORED = 3,
    GV_DOMAIN_RUNNING_FROM_SNAPSHOT = 4,
    GV_DOMAIN_RUNNING_UNPAUSED = 5,
    GV_DOMAIN_RUNNING_MIGRATION_CANCELED = 6,
    GV_DOMAIN_RUNNING_SAVE_CANCELED = 7,
    GV_DOMAIN_RUNNING_WAKEUP = 8,
    GV_DOMAIN_RUNNING_CRASHED = 9,
    GV_DOMAIN_RUNNING_POSTCOPY = 10,
    GV_DOMAIN_RUNNING_POSTCOPY_FAILED = 11,
    GV_DOMAIN_RUNNING_LAST
} gvDomainRunningReason;

typedef enum {
    GV_DOMAIN_PAUSED_UNKNOWN = 0,
    GV_DOMAIN_PAUSED_USER = 1,
    GV_DOMAIN_PAUSED_MIGRATION = 2,
    GV_DOMAIN_PAUSED_SAVE = 3,
    GV_DOMAIN_PAUSED_DUMP = 4,
    GV_DOMAIN_PAUSED_IOERROR = 5,
    GV_DOMAIN_PAUSED_WATCHDOG = 6,
    GV_DOMAIN_PAUSED_FROM_SNAPSHOT = 7,
    GV_DOMAIN_PAUSED_SHUTTING_DOWN = 8,
    GV_DOMAIN_PAUSED_SNAPSHOT = 9,
    GV_DOMAIN_PAUSED_CRASHED = 10,
    GV_DOMAIN_PAUSED_STARTING_UP = 11,
    GV_DOMAIN_PAUSED_POSTCOPY = 12,
    GV_DOMAIN_PAUSED_POSTCOPY_FAILED = 13,
    GV_DOMAIN_PAUSED_LAST
} gvDomainPausedReason;

typedef enum {
    GV_DOMAIN_SHUTDOWN_UNKNOWN = 0,
    GV_DOMAIN_SHUTDOWN_USER = 1,
    GV_DOMAIN_SHUTDOWN_LAST
} gvDomainShutdownReason;

typedef enum {
    GV_DOMAIN_SHUTOFF_UNKNOWN = 0,
    GV_DOMAIN_SHUTOFF_SHUTDOWN = 1,
    GV_DOMAIN_SHUTOFF_DESTROYED = 2,
    GV_DOMAIN_SHUTOFF_CRASHED = 3,
    GV_DOMAIN_SHUTOFF_MIGRATED = 4,
    GV_DOMAIN_SHUTOFF_SAVED = 5,
    GV_DOMAIN_SHUTOFF_FAILED = 6,
    GV_DOMAIN_SHUTOFF_FROM_SNAPSHOT = 7,
    GV_DOMAIN_SHUTOFF_DAEMON = 8,
    GV_DOMAIN_SHUTOFF_LAST
} gvDomainShutoffReason;

typedef enum {
    GV_DOMAIN_CRASHED_UNKNOWN = 0,
    GV_DOMAIN_CRASHED_PANICKED = 1,
    GV_DOMAIN_CRASHED_LAST
} gvDomainCrashedReason;

typedef struct {
    gint ref;
    GMutex lock;
    gvDomainDef *def; /* current: the live one when running */
    gvDomainDef *newDef; /* persistent config to use once it stops, or NULL */
    gvDomainState state;
    int reason;
    bool persistent;
    bool autostart;
    bool jobActive; /* an operation owns the domain */
    const char *jobName;
    GCond jobCond;
    gpointer priv; /* the driver's runtime state */
    GDestroyNotify privFree;
} gvDomainObj;

gvDomainObj *gvDomainObjNew(gvDomainDef *def);
gvDomainObj *gvDomainObjRef(gvDomainObj *obj);
void gvDomainObjUnref(gvDomainObj *obj);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainObj, gvDomainObjUnref)

static inline void
gvDomainObjLock(gvDomainObj *obj)
{
    g_mutex_lock(&obj->lock);
}

static inline void
gvDomainObjUnlock(gvDomainObj *obj)
{
    g_mutex_unlock(&obj->lock);
}

bool gvDomainObjIsActive(const gvDomainObj *obj);

/*
 * With @obj locked: waits (up to @timeoutMs) until no other job runs, then
 * owns the domain as @job.  The lock is released while waiting.
 */
int gvDomainObjBeginJob(gvDomainObj *obj, const char *job, unsigned int timeoutMs, GError **error);
/* With @obj locked */
void gvDomainObjEndJob(gvDomainObj *obj);
/* The persistent definition: newDef when set, else def */
const gvDomainDef *gvDomainObjGetPersistentDef(const gvDomainObj *obj);

typedef struct {
    GMutex lock;
    GHashTable *byUUID; /* raw 16 bytes -> gvDomainObj (a reference) */
    GHashTable *byName; /* name -> gvDomainObj (same reference) */
} gvDomainObjList;

gvDomainObjList *gvDomainObjListNew(void);
void gvDomainObjListFree(gvDomainObjList *list);

/* Each returns a new reference, or NULL */
gvDomainObj *gvDomainObjListFindByUUID(gvDomainObjList *list, const unsigned char *uuid);
gvDomainObj *gvDomainObjListFindByName(gvDomainObjList *list, const char *name);
gvDomainObj *gvDomainObjListFindByID(gvDomainObjList *list, int id);

/* Adds @obj (keyed by its def's name and uuid); the list takes a reference */
void gvDomainObjListAdd(gvDomainObjList *list, gvDomainObj *obj);
void gvDomainObjListRemove(gvDomainObjList *list, gvDomainObj *obj);
/*
 * Files @obj (now named @oldName) under @newName instead; false when
 * another domain has that name.  The caller renames obj->def afterwards.
 */
bool gvDomainObjListRename(gvDomainObjList *list, gvDomainObj *obj, const char *oldName,
                           const char *newName);
/* References to every object, in no particular order */
GPtrArray *gvDomainObjListCollect(gvDomainObjList *list);
guint gvDomainObjListCount(gvDomainObjList *list);
