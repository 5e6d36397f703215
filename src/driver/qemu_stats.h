/*
 * qemu_stats.h: what a domain is doing: statistics, vCPUs, memory, disks
 *
 * Values come from QEMU (query-blockstats, query-block, query-cpus-fast,
 * query-balloon, the balloon's guest-stats, query-stats under KVM), from
 * /proc (the process's and each vCPU thread's CPU time, run-queue delay,
 * resident memory, affinity) and from the image files; nothing is made up:
 * what genvirt cannot know is left out (or is -1 where libvirt's fixed
 * structs document -1 as "unknown").  None of these takes the domain's job:
 * statistics never wait behind a migration or a snapshot.
 */
#pragma once

#include "driver.h"
#include "gvparams.h"
#include "qemu_image.h"
#include "qemu_monitor_stats.h"

/* virDomainStatsTypes */
#define GV_DOMAIN_STATS_STATE (1u << 0)
#define GV_DOMAIN_STATS_CPU_TOTAL (1u << 1)
#define GV_DOMAIN_STATS_BALLOON (1u << 2)
#define GV_DOMAIN_STATS_VCPU (1u << 3)
#define GV_DOMAIN_STATS_INTERFACE (1u << 4)
#define GV_DOMAIN_STATS_BLOCK (1u << 5)
/* the groups genvirt gathers */
#define GV_DOMAIN_STATS_SUPPORTED \
    (GV_DOMAIN_STATS_STATE | GV_DOMAIN_STATS_CPU_TOTAL | GV_DOMAIN_STATS_BALLOON | \
     GV_DOMAIN_STATS_VCPU | GV_DOMAIN_STATS_INTERFACE | GV_DOMAIN_STATS_BLOCK)

/* virDomainVcpuFlags, virDomainModificationImpact, virDomainMemoryModFlags */
#define GV_DOMAIN_AFFECT_CURRENT 0
#define GV_DOMAIN_AFFECT_LIVE (1u << 0)
#define GV_DOMAIN_AFFECT_CONFIG (1u << 1)
#define GV_DOMAIN_VCPU_MAXIMUM (1u << 2)
#define GV_DOMAIN_VCPU_GUEST (1u << 3)
#define GV_DOMAIN_VCPU_HOTPLUGGABLE (1u << 4)
#define GV_DOMAIN_MEM_MAXIMUM (1u << 2)

/* virVcpuState */
#define GV_VCPU_OFFLINE 0
#define GV_VCPU_RUNNING 1

/*
 * The @stats groups (GV_DOMAIN_STATS_*) of each domain of @doms (a list of
 * gvDomainObj), as libvirt's virConnectGetAllDomainStats names and types
 * them: one gvParamList per domain, in the same order.  The commands to
 * every QEMU go out at once and are collected after.
 */
GPtrArray *gvQemuDomainsGetStats(gvDriver *drv, GPtrArray *doms, unsigned int stats);

/*
 * With @obj locked: libvirt's modification impact.  CURRENT becomes LIVE
 * for a running domain, else CONFIG; LIVE needs it running, CONFIG needs it
 * persistent.
 */
int gvQemuDomainImpact(gvDomainObj *obj, unsigned int *flags, GError **error);

/* GetVcpusFlags: vCPUs of the live or persistent definition (@flags GV_DOMAIN_*) */
int gvQemuDomainGetVcpusFlags(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);

typedef struct {
    guint32 number;
    gint32 state; /* GV_VCPU_* */
    guint64 cpuTime; /* ns */
    gint32 cpu; /* the host CPU it last ran on */
} gvQemuVcpuInfo;

/*
 * The online vCPUs of a running domain (at most @maxinfo), and, when
 * @maplen > 0, each one's host CPU affinity in @cpumaps (@maplen bytes a
 * vCPU, bit n of byte k is CPU 8k+n).  Returns how many, or -1.
 */
int gvQemuDomainGetVcpus(gvDriver *drv, gvDomainObj *obj, gvQemuVcpuInfo *info, guint maxinfo,
                         guint8 *cpumaps, gsize maplen, GError **error);

/*
 * The CPU affinity of each vCPU (up to @ncpumaps) of the live (running)
 * or persistent definition: @cpumaps as for gvQemuDomainGetVcpus.
 */
int gvQemuDomainGetVcpuPinInfo(gvDriver *drv, gvDomainObj *obj, guint ncpumaps, guint8 *cpumaps,
                               gsize maplen, unsigned int flags, GError **error);

/* At most @max statistics of a running domain's memory, libvirt's order */
int gvQemuDomainMemoryStats(gvDriver *drv, gvDomainObj *obj, gvMemoryStat *stats, guint max,
                            unsigned int flags, GError **error);

/* The sizes of the disk @path (its target "vda" or its source) */
int gvQemuDomainGetBlockInfo(gvDriver *drv, gvDomainObj *obj, const char *path, unsigned int flags,
                             gvBlockInfo *info, GError **error);

/* A disk's counters; -1 is "unknown" (libvirt's virDomainBlockStatsStruct) */
typedef struct {
    gint64 rdReq;
    gint64 rdBytes;
    gint64 rdTimes;
    gint64 wrReq;
    gint64 wrBytes;
    gint64 wrTimes;
    gint64 flReq;
    gint64 flTimes;
    gint64 errs;
} gvQemuBlockStats;

/* The counters of disk @path, or of all disks summed when @path is "" */
int gvQemuDomainBlockStats(gvDriver *drv, gvDomainObj *obj, const char *path, gvQemuBlockStats *st,
                           GError **error);

/*
 * The counters of interface @device (its host name or MAC).  genvirt's
 * interfaces are QEMU's user-mode network, which counts nothing: like
 * libvirt for an interface without a host device, this fails.
 */
typedef struct {
    gint64 rxBytes;
    gint64 rxPackets;
    gint64 rxErrs;
    gint64 rxDrop;
    gint64 txBytes;
    gint64 txPackets;
    gint64 txErrs;
    gint64 txDrop;
} gvQemuInterfaceStats;

int gvQemuDomainInterfaceStats(gvDriver *drv, gvDomainObj *obj, const char *device,
                               gvQemuInterfaceStats *st, GError **error);
