/*
 * qemu_monitor_stats.h: the QMP replies statistics are read from
 *
 * Pure parsers (no I/O; tested with fixtures in tests/qmp/ and fuzzed) of
 * query-blockstats, query-block, query-cpus-fast, query-hotpluggable-cpus,
 * query-balloon, the balloon's "guest-stats" QOM property and query-stats.
 * Each takes the "return" member of a reply and never keeps a reference
 * to it.  A malformed reply is an error naming the command; entries it
 * does not need (other nodes, unknown keys) are ignored.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>
#include <json-c/json.h>

/* One block node's counters (query-blockstats) */
typedef struct {
    char *node; /* "node-name" of the format layer */
    guint64 rdReq;
    guint64 rdBytes;
    guint64 rdTimes; /* ns */
    guint64 wrReq;
    guint64 wrBytes;
    guint64 wrTimes;
    guint64 flReq;
    guint64 flTimes;
    bool hasWrHighest;
    guint64 wrHighest; /* the protocol layer's highest offset written */
} gvQmpBlockStats;

/* A GPtrArray of gvQmpBlockStats, one per entry that has a node name */
int gvQmpParseBlockstats(json_object *ret, GPtrArray **out, GError **error);
const gvQmpBlockStats *gvQmpBlockStatsFind(GPtrArray *stats, const char *node);

/* The image of an inserted medium (query-block) */
typedef struct {
    char *node; /* "node-name" of the format layer */
    guint64 virtualSize; /* bytes the guest sees */
    bool hasActualSize;
    guint64 actualSize; /* bytes allocated on the host */
} gvQmpBlockImage;

/* A GPtrArray of gvQmpBlockImage, one per device with an inserted medium */
int gvQmpParseBlockImages(json_object *ret, GPtrArray **out, GError **error);
const gvQmpBlockImage *gvQmpBlockImageFind(GPtrArray *images, const char *node);

/* A vCPU (query-cpus-fast) */
typedef struct {
    gint64 cpuIndex;
    gint64 threadId; /* the host thread running it */
    char *qomPath;
} gvQmpCpu;

/* A GPtrArray of gvQmpCpu sorted by cpu-index */
int gvQmpParseCpusFast(json_object *ret, GPtrArray **out, GError **error);

/* A vCPU slot (query-hotpluggable-cpus) */
typedef struct {
    char *type; /* the device type to add */
    json_object *props; /* socket-id, core-id, ... (a reference) */
    char *qomPath; /* NULL while the slot is empty */
    gint64 socketId; /* -1 when absent */
    gint64 coreId;
    gint64 threadId;
} gvQmpHotpluggableCpu;

/* A GPtrArray of gvQmpHotpluggableCpu, ordered by socket, core and thread */
int gvQmpParseHotpluggableCpus(json_object *ret, GPtrArray **out, GError **error);

/* query-balloon's {"actual": BYTES} */
int gvQmpParseBalloon(json_object *ret, guint64 *actual, GError **error);

/* virDomainMemoryStatTags */
typedef enum {
    GV_MEMORY_STAT_SWAP_IN = 0,
    GV_MEMORY_STAT_SWAP_OUT = 1,
    GV_MEMORY_STAT_MAJOR_FAULT = 2,
    GV_MEMORY_STAT_MINOR_FAULT = 3,
    GV_MEMORY_STAT_UNUSED = 4,
    GV_MEMORY_STAT_AVAILABLE = 5,
    GV_MEMORY_STAT_ACTUAL_BALLOON = 6,
    GV_MEMORY_STAT_RSS = 7,
    GV_MEMORY_STAT_USABLE = 8,
    GV_MEMORY_STAT_LAST_UPDATE = 9,
    GV_MEMORY_STAT_DISK_CACHES = 10,
    GV_MEMORY_STAT_HUGETLB_PGALLOC = 11,
    GV_MEMORY_STAT_HUGETLB_PGFAIL = 12,
    GV_MEMORY_STAT_NR = 13
} gvMemoryStatTag;

typedef struct {
    gvMemoryStatTag tag;
    guint64 val; /* KiB, or a count (faults, pages), or seconds (last update) */
} gvMemoryStat;

/*
 * The balloon's "guest-stats" property: last-update, then each statistic
 * the guest reported (QEMU says "unknown" with 2^64-1), in libvirt's order,
 * memory in KiB.  Appends at most @max - *n entries to @stats.
 */
int gvQmpParseGuestStats(json_object *ret, gvMemoryStat *stats, guint *n, guint max,
                         GError **error);

/*
 * query-stats for vCPUs: the sums over every vCPU of KVM's
 * halt_poll_success_ns and halt_poll_fail_ns.  Returns 1, or 0 when no
 * provider reports them (TCG).
 */
int gvQmpParseHaltPoll(json_object *ret, guint64 *success, guint64 *fail, GError **error);

void gvQmpBlockStatsFree(gvQmpBlockStats *s);
void gvQmpBlockImageFree(gvQmpBlockImage *img);
void gvQmpCpuFree(gvQmpCpu *cpu);
void gvQmpHotpluggableCpuFree(gvQmpHotpluggableCpu *cpu);
