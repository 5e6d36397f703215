/*
 * domain_event.h: domain events, with libvirt's numbers
 *
 * Pure data and mappings: which lifecycle event(s) a state change means
 * (the one rule every state change in the driver goes through), and the
 * names virsh prints for them.  Delivery is the daemon's business.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "domain_obj.h"
#include "gvenum.h"
#include "gvuuid.h"

/* virDomainEventID; genvirt's own events live above GV_DOMAIN_EVENT_ID_LAST */
typedef enum {
    GV_DOMAIN_EVENT_ID_LIFECYCLE = 0,
    GV_DOMAIN_EVENT_ID_REBOOT = 1,
    GV_DOMAIN_EVENT_ID_RTC_CHANGE = 2,
    GV_DOMAIN_EVENT_ID_WATCHDOG = 3,
    GV_DOMAIN_EVENT_ID_IO_ERROR = 4,
    GV_DOMAIN_EVENT_ID_GRAPHICS = 5,
    GV_DOMAIN_EVENT_ID_IO_ERROR_REASON = 6,
    GV_DOMAIN_EVENT_ID_CONTROL_ERROR = 7,
    GV_DOMAIN_EVENT_ID_BLOCK_JOB = 8,
    GV_DOMAIN_EVENT_ID_DISK_CHANGE = 9,
    GV_DOMAIN_EVENT_ID_TRAY_CHANGE = 10,
    GV_DOMAIN_EVENT_ID_PMWAKEUP = 11,
    GV_DOMAIN_EVENT_ID_PMSUSPEND = 12,
    GV_DOMAIN_EVENT_ID_BALLOON_CHANGE = 13,
    GV_DOMAIN_EVENT_ID_PMSUSPEND_DISK = 14,
    GV_DOMAIN_EVENT_ID_DEVICE_REMOVED = 15,
    GV_DOMAIN_EVENT_ID_BLOCK_JOB_2 = 16,
    GV_DOMAIN_EVENT_ID_TUNABLE = 17,
    GV_DOMAIN_EVENT_ID_AGENT_LIFECYCLE = 18,
    GV_DOMAIN_EVENT_ID_DEVICE_ADDED = 19,
    GV_DOMAIN_EVENT_ID_MIGRATION_ITERATION = 20,
    GV_DOMAIN_EVENT_ID_JOB_COMPLETED = 21,
    GV_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED = 22,
    GV_DOMAIN_EVENT_ID_METADATA_CHANGE = 23,
    GV_DOMAIN_EVENT_ID_BLOCK_THRESHOLD = 24,
    GV_DOMAIN_EVENT_ID_MEMORY_FAILURE = 25,
    GV_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE = 26,
    GV_DOMAIN_EVENT_ID_LAST,
    /* genvirt's program: the domain got a new generation ID */
    GV_DOMAIN_EVENT_ID_GENID_CHANGED = 1000,
} gvDomainEventID;

/* virDomainEventType */
typedef enum {
    GV_DOMAIN_EVENT_DEFINED = 0,
    GV_DOMAIN_EVENT_UNDEFINED = 1,
    GV_DOMAIN_EVENT_STARTED = 2,
    GV_DOMAIN_EVENT_SUSPENDED = 3,
    GV_DOMAIN_EVENT_RESUMED = 4,
    GV_DOMAIN_EVENT_STOPPED = 5,
    GV_DOMAIN_EVENT_SHUTDOWN = 6,
    GV_DOMAIN_EVENT_PMSUSPENDED = 7,
    GV_DOMAIN_EVENT_CRASHED = 8,
    GV_DOMAIN_EVENT_LAST
} gvDomainEventType;

/* the details of each type (virDomainEvent*DetailType) */
typedef enum {
    GV_DOMAIN_EVENT_DEFINED_ADDED = 0,
    GV_DOMAIN_EVENT_DEFINED_UPDATED = 1,
    GV_DOMAIN_EVENT_DEFINED_RENAMED = 2,
    GV_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT = 3,
    GV_DOMAIN_EVENT_DEFINED_LAST
} gvDomainEventDefinedDetail;

typedef enum {
    GV_DOMAIN_EVENT_UNDEFINED_REMOVED = 0,
    GV_DOMAIN_EVENT_UNDEFINED_RENAMED = 1,
    GV_DOMAIN_EVENT_UNDEFINED_LAST
} gvDomainEventUndefinedDetail;

typedef enum {
    GV_DOMAIN_EVENT_STARTED_BOOTED = 0,
    GV_DOMAIN_EVENT_STARTED_MIGRATED = 1,
    GV_DOMAIN_EVENT_STARTED_RESTORED = 2,
    GV_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT = 3,
    GV_DOMAIN_EVENT_STARTED_WAKEUP = 4,
    GV_DOMAIN_EVENT_STARTED_LAST
} gvDomainEventStartedDetail;

typedef enum {
    GV_DOMAIN_EVENT_SUSPENDED_PAUSED = 0,
    GV_DOMAIN_EVENT_SUSPENDED_MIGRATED = 1,
    GV_DOMAIN_EVENT_SUSPENDED_IOERROR = 2,
    GV_DOMAIN_EVENT_SUSPENDED_WATCHDOG = 3,
    GV_DOMAIN_EVENT_SUSPENDED_RESTORED = 4,
    GV_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT = 5,
    GV_DOMAIN_EVENT_SUSPENDED_API_ERROR = 6,
    GV_DOMAIN_EVENT_SUSPENDED_POSTCOPY = 7,
    GV_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED = 8,
    GV_DOMAIN_EVENT_SUSPENDED_LAST
} gvDomainEventSuspendedDetail;

typedef enum {
    GV_DOMAIN_EVENT_RESUMED_UNPAUSED = 0,
    GV_DOMAIN_EVENT_RESUMED_MIGRATED = 1,
    GV_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT = 2,
    GV_DOMAIN_EVENT_RESUMED_POSTCOPY = 3,
    GV_DOMAIN_EVENT_RESUMED_POSTCOPY_FAILED = 4,
    GV_DOMAIN_EVENT_RESUMED_LAST
} gvDomainEventResumedDetail;

typedef enum {
    GV_DOMAIN_EVENT_STOPPED_SHUTDOWN = 0,
    GV_DOMAIN_EVENT_STOPPED_DESTROYED = 1,
    GV_DOMAIN_EVENT_STOPPED_CRASHED = 2,
    GV_DOMAIN_EVENT_STOPPED_MIGRATED = 3,
    GV_DOMAIN_EVENT_STOPPED_SAVED = 4,
    GV_DOMAIN_EVENT_STOPPED_FAILED = 5,
    GV_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT = 6,
    GV_DOMAIN_EVENT_STOPPED_LAST
} gvDomainEventStoppedDetail;

typedef enum {
    GV_DOMAIN_EVENT_SHUTDOWN_FINISHED = 0,
    GV_DOMAIN_EVENT_SHUTDOWN_GUEST = 1,
    GV_DOMAIN_EVENT_SHUTDOWN_HOST = 2,
    GV_DOMAIN_EVENT_SHUTDOWN_LAST
} gvDomainEventShutdownDetail;

typedef enum {
    GV_DOMAIN_EVENT_PMSUSPENDED_MEMORY = 0,
    GV_DOMAIN_EVENT_PMSUSPENDED_DISK = 1,
    GV_DOMAIN_EVENT_PMSUSPENDED_LAST
} gvDomainEventPMSuspendedDetail;

typedef enum {
    GV_DOMAIN_EVENT_CRASHED_PANICKED = 0,
    GV_DOMAIN_EVENT_CRASHED_CRASHLOADED = 1,
    GV_DOMAIN_EVENT_CRASHED_LAST
} gvDomainEventCrashedDetail;

/* Why a domain got a new generation ID (genvirt's genid event) */
typedef enum {
    GV_DOMAIN_GENID_CHANGED_REVERT = 0,
    GV_DOMAIN_GENID_CHANGED_RESTORE,
    GV_DOMAIN_GENID_CHANGED_CLONE,
    GV_DOMAIN_GENID_CHANGED_RENEW,
    GV_DOMAIN_GENID_CHANGED_DUPLICATE, /* defined with another domain's value */
    GV_DOMAIN_GENID_CHANGED_LAST
} gvDomainGenidChangedReason;
GV_ENUM_DECL(gvDomainGenidChanged);

/* One event of one domain, as the driver emits it */
typedef struct {
    gvDomainEventID id;
    char *name;
    unsigned char uuid[GV_UUID_BUFLEN];
    int domid;
    int event; /* LIFECYCLE: gvDomainEventType; GENID_CHANGED: unused */
    int detail; /* LIFECYCLE: the type's detail; GENID_CHANGED: the reason */
    const char *str; /* METADATA_CHANGE: the namespace URI of an element, or NULL */
} gvDomainEvent;

typedef struct {
    gvDomainEventType event;
    int detail;
} gvDomainLifecycle;

#define GV_DOMAIN_LIFECYCLE_MAX 2

/*
 * The lifecycle events of a change from @oldState to @newState for
 * @newReason, as libvirt's qemu driver emits them (at most
 * GV_DOMAIN_LIFECYCLE_MAX: a start into a paused state is STARTED, then
 * SUSPENDED).  Returns how many it wrote to @out; 0 when the state does
 * not change.
 */
int gvDomainLifecycleForState(gvDomainState oldState, gvDomainState newState, int newReason,
                              gvDomainLifecycle out[GV_DOMAIN_LIFECYCLE_MAX]);

/* virsh's words for an event type and its detail ("Started", "Booted"), or "unknown" */
const char *gvDomainEventTypeName(int event);
const char *gvDomainEventDetailName(int event, int detail);
