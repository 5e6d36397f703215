/*
 * domain_event.c: which events a state change means, and their names
 */
#include <gvconfig.h>

#include "domain_event.h"

GV_ENUM_IMPL(
    gvDomainGenidChanged, GV_DOMAIN_GENID_CHANGED_LAST, [GV_DOMAIN_GENID_CHANGED_REVERT] = "revert",
    [GV_DOMAIN_GENID_CHANGED_RESTORE] = "restore", [GV_DOMAIN_GENID_CHANGED_CLONE] = "clone",
    [GV_DOMAIN_GENID_CHANGED_RENEW] = "renew", [GV_DOMAIN_GENID_CHANGED_DUPLICATE] = "duplicate");

static int
gvStartedDetail(gvDomainState newState, int reason)
{
    if (newState == GV_DOMAIN_PAUSED) {
        switch ((gvDomainPausedReason)reason) {
        case GV_DOMAIN_PAUSED_MIGRATION:
            return GV_DOMAIN_EVENT_STARTED_MIGRATED;
        case GV_DOMAIN_PAUSED_FROM_SNAPSHOT:
            return GV_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT;
        case GV_DOMAIN_PAUSED_SAVE:
            return GV_DOMAIN_EVENT_STARTED_RESTORED;
        case GV_DOMAIN_PAUSED_UNKNOWN:
        case GV_DOMAIN_PAUSED_USER:
        case GV_DOMAIN_PAUSED_DUMP:
        case GV_DOMAIN_PAUSED_IOERROR:
        case GV_DOMAIN_PAUSED_WATCHDOG:
        case GV_DOMAIN_PAUSED_SHUTTING_DOWN:
        case GV_DOMAIN_PAUSED_SNAPSHOT:
        case GV_DOMAIN_PAUSED_CRASHED:
        case GV_DOMAIN_PAUSED_STARTING_UP:
        case GV_DOMAIN_PAUSED_POSTCOPY:
        case GV_DOMAIN_PAUSED_POSTCOPY_FAILED:
        case GV_DOMAIN_PAUSED_LAST:
            break;
        }
        return GV_DOMAIN_EVENT_STARTED_BOOTED;
    }
    switch ((gvDomainRunningReason)reason) {
    case GV_DOMAIN_RUNNING_MIGRATED:
        return GV_DOMAIN_EVENT_STARTED_MIGRATED;
    case GV_DOMAIN_RUNNING_RESTORED:
        return GV_DOMAIN_EVENT_STARTED_RESTORED;
    case GV_DOMAIN_RUNNING_FROM_SNAPSHOT:
        return GV_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT;
    case GV_DOMAIN_RUNNING_WAKEUP:
        return GV_DOMAIN_EVENT_STARTED_WAKEUP;
    case GV_DOMAIN_RUNNING_UNKNOWN:
    case GV_DOMAIN_RUNNING_BOOTED:
    case GV_DOMAIN_RUNNING_UNPAUSED:
    case GV_DOMAIN_RUNNING_MIGRATION_CANCELED:
    case GV_DOMAIN_RUNNING_SAVE_CANCELED:
    case GV_DOMAIN_RUNNING_CRASHED:
    case GV_DOMAIN_RUNNING_POSTCOPY:
    case GV_DOMAIN_RUNNING_POSTCOPY_FAILED:
    case GV_DOMAIN_RUNNING_LAST:
        break;
    }
    return GV_DOMAIN_EVENT_STARTED_BOOTED;
}

/* SUSPENDED's detail for entering the paused state for @reason */
static int
gvSuspendedDetail(int reason, bool fromStart)
{
    switch ((gvDomainPausedReason)reason) {
    case GV_DOMAIN_PAUSED_MIGRATION:
        return GV_DOMAIN_EVENT_SUSPENDED_MIGRATED;
    case GV_DOMAIN_PAUSED_IOERROR:
        return GV_DOMAIN_EVENT_SUSPENDED_IOERROR;
    case GV_DOMAIN_PAUSED_WATCHDOG:
        return GV_DOMAIN_EVENT_SUSPENDED_WATCHDOG;
    case GV_DOMAIN_PAUSED_FROM_SNAPSHOT:
        return GV_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT;
    case GV_DOMAIN_PAUSED_SAVE:
        /* a restore into a paused state; pausing to save is a plain pause */
        return fromStart ? GV_DOMAIN_EVENT_SUSPENDED_RESTORED : GV_DOMAIN_EVENT_SUSPENDED_PAUSED;
    case GV_DOMAIN_PAUSED_POSTCOPY:
        return GV_DOMAIN_EVENT_SUSPENDED_POSTCOPY;
    case GV_DOMAIN_PAUSED_POSTCOPY_FAILED:
        return GV_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED;
    case GV_DOMAIN_PAUSED_UNKNOWN:
    case GV_DOMAIN_PAUSED_USER:
    case GV_DOMAIN_PAUSED_DUMP:
    case GV_DOMAIN_PAUSED_SHUTTING_DOWN:
    case GV_DOMAIN_PAUSED_SNAPSHOT:
    case GV_DOMAIN_PAUSED_CRASHED:
    case GV_DOMAIN_PAUSED_STARTING_UP:
    case GV_DOMAIN_PAUSED_LAST:
        break;
    }
    return GV_DOMAIN_EVENT_SUSPENDED_PAUSED;
}

static int
gvResumedDetail(int reason)
{
    switch ((gvDomainRunningReason)reason) {
    case GV_DOMAIN_RUNNING_MIGRATED:
    case GV_DOMAIN_RUNNING_MIGRATION_CANCELED:
        return GV_DOMAIN_EVENT_RESUMED_MIGRATED;
    case GV_DOMAIN_RUNNING_FROM_SNAPSHOT:
    case GV_DOMAIN_RUNNING_RESTORED:
        /* libvirt's qemu driver reports a resumed restore as from snapshot */
        return GV_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT;
    case GV_DOMAIN_RUNNING_POSTCOPY:
        return GV_DOMAIN_EVENT_RESUMED_POSTCOPY;
    case GV_DOMAIN_RUNNING_POSTCOPY_FAILED:
        return GV_DOMAIN_EVENT_RESUMED_POSTCOPY_FAILED;
    case GV_DOMAIN_RUNNING_UNKNOWN:
    case GV_DOMAIN_RUNNING_BOOTED:
    case GV_DOMAIN_RUNNING_UNPAUSED:
    case GV_DOMAIN_RUNNING_SAVE_CANCELED:
    case GV_DOMAIN_RUNNING_WAKEUP:
    case GV_DOMAIN_RUNNING_CRASHED:
    case GV_DOMAIN_RUNNING_LAST:
        break;
    }
    return GV_DOMAIN_EVENT_RESUMED_UNPAUSED;
}

static int
gvStoppedDetail(int reason)
{
    switch ((gvDomainShutoffReason)reason) {
    case GV_DOMAIN_SHUTOFF_SHUTDOWN:
        return GV_DOMAIN_EVENT_STOPPED_SHUTDOWN;
    case GV_DOMAIN_SHUTOFF_DESTROYED:
        return GV_DOMAIN_EVENT_STOPPED_DESTROYED;
    case GV_DOMAIN_SHUTOFF_CRASHED:
        return GV_DOMAIN_EVENT_STOPPED_CRASHED;
    case GV_DOMAIN_SHUTOFF_MIGRATED:
        return GV_DOMAIN_EVENT_STOPPED_MIGRATED;
    case GV_DOMAIN_SHUTOFF_SAVED:
        return GV_DOMAIN_EVENT_STOPPED_SAVED;
    case GV_DOMAIN_SHUTOFF_FROM_SNAPSHOT:
        return GV_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT;
    case GV_DOMAIN_SHUTOFF_UNKNOWN:
    case GV_DOMAIN_SHUTOFF_FAILED:
    case GV_DOMAIN_SHUTOFF_DAEMON:
    case GV_DOMAIN_SHUTOFF_LAST:
        break;
    }
    return GV_DOMAIN_EVENT_STOPPED_FAILED;
}

static bool
gvStateIsActive(gvDomainState state)
{
    return state != GV_DOMAIN_SHUTOFF && state != GV_DOMAIN_NOSTATE;
}

int
gvDomainLifecycleForState(gvDomainState oldState, gvDomainState newState, int newReason,
                          gvDomainLifecycle out[GV_DOMAIN_LIFECYCLE_MAX])
{
    bool wasActive = gvStateIsActive(oldState);

    if (oldState == newState)
        return 0;
    switch (newState) {
    case GV_DOMAIN_RUNNING:
        if (!wasActive) {
            out[0] = (gvDomainLifecycle){ GV_DOMAIN_EVENT_STARTED,
                                          gvStartedDetail(newState, newReason) };
            return 1;
        }
        if (oldState == GV_DOMAIN_PAUSED) {
            out[0] = (gvDomainLifecycle){ GV_DOMAIN_EVENT_RESUMED, gvResumedDetail(newReason) };
            return 1;
        }
        return 0;
    case GV_DOMAIN_PAUSED:
        if (!wasActive) {
            out[0] = (gvDomainLifecycle){ GV_DOMAIN_EVENT_STARTED,
                                          gvStartedDetail(newState, newReason) };
            /* an incoming migration is paused until it finishes: no SUSPENDED */
            if (newReason == GV_DOMAIN_PAUSED_MIGRATION)
                return 1;
            out[1] = (gvDomainLifecycle){ GV_DOMAIN_EVENT_SUSPENDED,
                                          gvSuspendedDetail(newReason, true) };
            return 2;
        }
        out[0] =
            (gvDomainLifecycle){ GV_DOMAIN_EVENT_SUSPENDED, gvSuspendedDetail(newReason, false) };
        return 1;
    case GV_DOMAIN_SHUTDOWN:
        if (!wasActive)
            return 0;
        out[0] = (gvDomainLifecycle){ GV_DOMAIN_EVENT_SHUTDOWN, GV_DOMAIN_EVENT_SHUTDOWN_FINISHED };
        return 1;
    case GV_DOMAIN_SHUTOFF:
        if (!wasActive)
            return 0;
        out[0] = (gvDomainLifecycle){ GV_DOMAIN_EVENT_STOPPED, gvStoppedDetail(newReason) };
        return 1;
    case GV_DOMAIN_CRASHED:
        out[0] = (gvDomainLifecycle){ GV_DOMAIN_EVENT_CRASHED, GV_DOMAIN_EVENT_CRASHED_PANICKED };
        return 1;
    case GV_DOMAIN_PMSUSPENDED:
        out[0] =
            (gvDomainLifecycle){ GV_DOMAIN_EVENT_PMSUSPENDED, GV_DOMAIN_EVENT_PMSUSPENDED_MEMORY };
        return 1;
    case GV_DOMAIN_NOSTATE:
    case GV_DOMAIN_BLOCKED:
    case GV_DOMAIN_STATE_LAST:
        break;
    }
    return 0;
}

/* virsh's words (tools/virsh-domain-event.c), in enum order */
static const char *const gvEventTypeNames[GV_DOMAIN_EVENT_LAST] = {
    "Defined", "Undefined", "Started",     "Suspended", "Resumed",
    "Stopped", "Shutdown",  "PMSuspended", "Crashed",
};

static const char *const gvDefinedNames[] = { "Added", "Updated", "Renamed", "Snapshot" };
static const char *const gvUndefinedNames[] = { "Removed", "Renamed" };
static const char *const gvStartedNames[] = { "Booted", "Migrated", "Restored", "Snapshot",
                                              "Event wakeup" };
static const char *const gvSuspendedNames[] = { "Paused",    "Migrated",  "I/O Error",
                                                "Watchdog",  "Restored",  "Snapshot",
                                                "API error", "Post-copy", "Post-copy Error" };
static const char *const gvResumedNames[] = { "Unpaused", "Migrated", "Snapshot", "Post-copy",
                                              "Post-copy Error" };
static const char *const gvStoppedNames[] = { "Shutdown", "Destroyed", "Crashed", "Migrated",
                                              "Saved",    "Failed",    "Snapshot" };
static const char *const gvShutdownNames[] = { "Finished", "Finished after guest request",
                                               "Finished after host request" };
static const char *const gvPMSuspendedNames[] = { "Memory", "Disk" };
static const char *const gvCrashedNames[] = { "Panicked", "Crashloaded" };

G_STATIC_ASSERT(G_N_ELEMENTS(gvDefinedNames) == GV_DOMAIN_EVENT_DEFINED_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(gvUndefinedNames) == GV_DOMAIN_EVENT_UNDEFINED_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(gvStartedNames) == GV_DOMAIN_EVENT_STARTED_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(gvSuspendedNames) == GV_DOMAIN_EVENT_SUSPENDED_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(gvResumedNames) == GV_DOMAIN_EVENT_RESUMED_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(gvStoppedNames) == GV_DOMAIN_EVENT_STOPPED_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(gvShutdownNames) == GV_DOMAIN_EVENT_SHUTDOWN_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(gvPMSuspendedNames) == GV_DOMAIN_EVENT_PMSUSPENDED_LAST);
G_STATIC_ASSERT(G_N_ELEMENTS(gvCrashedNames) == GV_DOMAIN_EVENT_CRASHED_LAST);

const char *
gvDomainEventTypeName(int event)
{
    if (event < 0 || event >= GV_DOMAIN_EVENT_LAST)
        return "unknown";
    return gvEventTypeNames[event];
}

const char *
gvDomainEventDetailName(int event, int detail)
{
    const char *const *names = NULL;
    size_t n = 0;

#define GV_NAMES(t) \
    do { \
        names = t; \
        n = G_N_ELEMENTS(t); \
    } while (0)
    switch ((gvDomainEventType)event) {
    case GV_DOMAIN_EVENT_DEFINED:
        GV_NAMES(gvDefinedNames);
        break;
    case GV_DOMAIN_EVENT_UNDEFINED:
        GV_NAMES(gvUndefinedNames);
        break;
    case GV_DOMAIN_EVENT_STARTED:
        GV_NAMES(gvStartedNames);
        break;
    case GV_DOMAIN_EVENT_SUSPENDED:
        GV_NAMES(gvSuspendedNames);
        break;
    case GV_DOMAIN_EVENT_RESUMED:
        GV_NAMES(gvResumedNames);
        break;
    case GV_DOMAIN_EVENT_STOPPED:
        GV_NAMES(gvStoppedNames);
        break;
    case GV_DOMAIN_EVENT_SHUTDOWN:
        GV_NAMES(gvShutdownNames);
        break;
    case GV_DOMAIN_EVENT_PMSUSPENDED:
        GV_NAMES(gvPMSuspendedNames);
        break;
    case GV_DOMAIN_EVENT_CRASHED:
        GV_NAMES(gvCrashedNames);
        break;
    case GV_DOMAIN_EVENT_LAST:
        break;
    }
#undef GV_NAMES
    if (!names || detail < 0 || (size_t)detail >= n)
        return "unknown";
    return names[detail];
}
