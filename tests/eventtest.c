/*
 * eventtest.c: which lifecycle events a state change means (libvirt's)
 */
#include <gvconfig.h>

#include "domain_event.h"
#include "testutils.h"

typedef struct {
    const char *name;
    gvDomainState from;
    gvDomainState to;
    int reason;
    int n;
    gvDomainLifecycle want[GV_DOMAIN_LIFECYCLE_MAX];
} gvEventCase;

#define S GV_DOMAIN_EVENT_STARTED
#define P GV_DOMAIN_EVENT_SUSPENDED
#define R GV_DOMAIN_EVENT_RESUMED
#define X GV_DOMAIN_EVENT_STOPPED

static const gvEventCase gvEventCases[] = {
    { "boot",
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_RUNNING,
      GV_DOMAIN_RUNNING_BOOTED,
      1,
      { { S, GV_DOMAIN_EVENT_STARTED_BOOTED } } },
    { "start paused",
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_PAUSED_USER,
      2,
      { { S, GV_DOMAIN_EVENT_STARTED_BOOTED }, { P, GV_DOMAIN_EVENT_SUSPENDED_PAUSED } } },
    { "incoming migration",
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_PAUSED_MIGRATION,
      1,
      { { S, GV_DOMAIN_EVENT_STARTED_MIGRATED } } },
    { "migration finished",
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_RUNNING,
      GV_DOMAIN_RUNNING_MIGRATED,
      1,
      { { R, GV_DOMAIN_EVENT_RESUMED_MIGRATED } } },
    { "migration canceled",
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_RUNNING,
      GV_DOMAIN_RUNNING_MIGRATION_CANCELED,
      1,
      { { R, GV_DOMAIN_EVENT_RESUMED_MIGRATED } } },
    { "source pauses",
      GV_DOMAIN_RUNNING,
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_PAUSED_MIGRATION,
      1,
      { { P, GV_DOMAIN_EVENT_SUSPENDED_MIGRATED } } },
    { "suspend",
      GV_DOMAIN_RUNNING,
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_PAUSED_USER,
      1,
      { { P, GV_DOMAIN_EVENT_SUSPENDED_PAUSED } } },
    { "resume",
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_RUNNING,
      GV_DOMAIN_RUNNING_UNPAUSED,
      1,
      { { R, GV_DOMAIN_EVENT_RESUMED_UNPAUSED } } },
    { "revert running",
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_RUNNING,
      GV_DOMAIN_RUNNING_FROM_SNAPSHOT,
      1,
      { { S, GV_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT } } },
    { "revert paused",
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_PAUSED_FROM_SNAPSHOT,
      2,
      { { S, GV_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT },
        { P, GV_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT } } },
    { "restore",
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_RUNNING,
      GV_DOMAIN_RUNNING_RESTORED,
      1,
      { { S, GV_DOMAIN_EVENT_STARTED_RESTORED } } },
    { "restore paused",
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_PAUSED_SAVE,
      2,
      { { S, GV_DOMAIN_EVENT_STARTED_RESTORED }, { P, GV_DOMAIN_EVENT_SUSPENDED_RESTORED } } },
    { "destroy",
      GV_DOMAIN_RUNNING,
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_SHUTOFF_DESTROYED,
      1,
      { { X, GV_DOMAIN_EVENT_STOPPED_DESTROYED } } },
    { "destroy paused",
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_SHUTOFF_DESTROYED,
      1,
      { { X, GV_DOMAIN_EVENT_STOPPED_DESTROYED } } },
    { "guest off",
      GV_DOMAIN_SHUTDOWN,
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_SHUTOFF_SHUTDOWN,
      1,
      { { X, GV_DOMAIN_EVENT_STOPPED_SHUTDOWN } } },
    { "crash",
      GV_DOMAIN_RUNNING,
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_SHUTOFF_CRASHED,
      1,
      { { X, GV_DOMAIN_EVENT_STOPPED_CRASHED } } },
    { "migrated away",
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_SHUTOFF_MIGRATED,
      1,
      { { X, GV_DOMAIN_EVENT_STOPPED_MIGRATED } } },
    { "saved",
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_SHUTOFF_SAVED,
      1,
      { { X, GV_DOMAIN_EVENT_STOPPED_SAVED } } },
    { "stopped for revert",
      GV_DOMAIN_RUNNING,
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_SHUTOFF_FROM_SNAPSHOT,
      1,
      { { X, GV_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT } } },
    { "failed",
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_SHUTOFF_FAILED,
      1,
      { { X, GV_DOMAIN_EVENT_STOPPED_FAILED } } },
    { "shutting down",
      GV_DOMAIN_RUNNING,
      GV_DOMAIN_SHUTDOWN,
      GV_DOMAIN_SHUTDOWN_USER,
      1,
      { { GV_DOMAIN_EVENT_SHUTDOWN, GV_DOMAIN_EVENT_SHUTDOWN_FINISHED } } },
    /* no change, no event */
    { "paused again",
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_PAUSED,
      GV_DOMAIN_PAUSED_MIGRATION,
      0,
      { { 0 } } },
    { "off stays off",
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_SHUTOFF,
      GV_DOMAIN_SHUTOFF_FROM_SNAPSHOT,
      0,
      { { 0 } } },
};

static void
testLifecycle(const void *opaque)
{
    const gvEventCase *c = opaque;
    gvDomainLifecycle got[GV_DOMAIN_LIFECYCLE_MAX] = { { 0 } };
    int n = gvDomainLifecycleForState(c->from, c->to, c->reason, got);
    int i;

    g_assert_cmpint(n, ==, c->n);
    for (i = 0; i < n; i++) {
        g_assert_cmpint(got[i].event, ==, c->want[i].event);
        g_assert_cmpint(got[i].detail, ==, c->want[i].detail);
    }
}

static void
testNames(const void *opaque)
{
    /* virsh's words */
    g_assert_cmpstr(gvDomainEventTypeName(GV_DOMAIN_EVENT_STARTED), ==, "Started");
    g_assert_cmpstr(gvDomainEventDetailName(GV_DOMAIN_EVENT_STARTED, 3), ==, "Snapshot");
    g_assert_cmpstr(gvDomainEventDetailName(GV_DOMAIN_EVENT_SHUTDOWN, 1), ==,
                    "Finished after guest request");
    g_assert_cmpstr(gvDomainEventDetailName(GV_DOMAIN_EVENT_SUSPENDED, 2), ==, "I/O Error");
    g_assert_cmpstr(gvDomainEventTypeName(99), ==, "unknown");
    g_assert_cmpstr(gvDomainEventDetailName(GV_DOMAIN_EVENT_STOPPED, 7), ==, "unknown");
    g_assert_cmpstr(gvDomainEventDetailName(-1, 0), ==, "unknown");
    g_assert_cmpstr(gvDomainGenidChangedTypeToString(GV_DOMAIN_GENID_CHANGED_RESTORE), ==,
                    "restore");
}

int
main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);
    for (i = 0; i < G_N_ELEMENTS(gvEventCases); i++) {
        g_autofree char *path = g_strdup_printf("/event/lifecycle/%s", gvEventCases[i].name);

        gvTestRun(path, testLifecycle, &gvEventCases[i]);
    }
    gvTestRun("/event/names", testNames, NULL);
    return g_test_run();
}
