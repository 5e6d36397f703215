/*
 * host_info.h: the host as /proc and /sys describe it
 *
 * Every reader takes the directory the files are under: "/" on a real host,
 * a fixture tree in the tests (tests/host/NAME/).  They only read, and the
 * computations on what they read (libvirt's node info, the stats) are pure.
 *
 * Files read, under ROOT:
 *   proc/cpuinfo, proc/meminfo, proc/stat
 *   sys/devices/system/cpu/{present,online}
 *   sys/devices/system/cpu/cpuN/topology/{physical_package_id,die_id,core_id,
 *                                        thread_siblings_list}
 *   sys/devices/system/node/nodeN/{cpulist,meminfo,distance,
 *                                  hugepages/hugepages-SIZEkB/nr_hugepages}
 *   sys/kernel/mm/hugepages/hugepages-SIZEkB/nr_hugepages
 *   sys/kernel/iommu_groups/
 *   sys/class/dmi/id/product_uuid, etc/machine-id (the host UUID)
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#define GV_HOST_CPUS_MAX 16384 /* CPU ids from 0 to this - 1 */
#define GV_HOST_CELLS_MAX 1024 /* NUMA cell ids likewise (REMOTE_NODE_MAX_CELLS) */

typedef struct {
    unsigned int id;
    bool online;
    /* online CPUs only: */
    unsigned int socket; /* physical_package_id; 0 when absent or -1 */
    unsigned int die;
    unsigned int core;
    char *siblings; /* thread_siblings_list as the kernel wrote it */
    unsigned int nsiblings;
} gvHostCPU;

typedef struct {
    unsigned long long size; /* KiB */
    unsigned long long count;
} gvHostPages;

typedef struct {
    unsigned int id;
    unsigned long long memTotal; /* KiB */
    unsigned long long memFree; /* KiB */
    GArray *cpus; /* guint: the present CPUs of the cell, ascending */
    GArray *distances; /* guint: to each cell, in the order of gvHostInfo.cells */
    GArray *pages; /* gvHostPages: the system pages, then each huge page size */
} gvHostCell;

typedef struct {
    char *vendor; /* cpuinfo's vendor_id ("AuthenticAMD"), or NULL */
    char *modelName; /* "AMD EPYC 7B13" */
    bool hasSignature;
    unsigned int family;
    unsigned int model;
    unsigned int stepping;
    unsigned int microcode; /* 0: unknown */
    unsigned int mhz; /* the last "cpu MHz" of cpuinfo, as libvirt reads it; 0: unknown */
    unsigned int physBits; /* "address sizes"; 0: unknown */
    GPtrArray *cpus; /* gvHostCPU: every present CPU, ascending ids */
    bool numa; /* sys/devices/system/node exists */
    GPtrArray *cells; /* gvHostCell; without NUMA one cell 0 for the whole host */
    /* proc/meminfo, KiB */
    unsigned long long memTotal;
    unsigned long long memFree;
    unsigned long long buffers;
    unsigned long long cached;
    unsigned long long pageSize; /* KiB */
    GArray *pageSizes; /* unsigned long long KiB: the system page, then the huge page sizes */
    bool iommu; /* an IOMMU group exists */
} gvHostInfo;

/* What gvHostInfoRead reads (each file costs): proc/meminfo always, and the cells */
typedef enum {
    GV_HOST_READ_CPUINFO = 1 << 0, /* vendor, model, signature, mhz, address sizes */
    GV_HOST_READ_CPUS = 1 << 1, /* present and online CPUs, each cell's CPUs */
    GV_HOST_READ_CPU_TOPOLOGY = 1 << 2, /* each CPU's socket, die, core, siblings (+ CPUS) */
    GV_HOST_READ_CELL_MEMORY = 1 << 3, /* each cell's total and free memory */
    GV_HOST_READ_CELL_DETAILS = 1 << 4, /* distances, pages, huge page sizes, IOMMU (+ MEMORY) */
    GV_HOST_READ_ALL = (1 << 5) - 1,
} gvHostReadFlags;

/*
 * Reads what @what asks; the rest stays empty: without CPUS host->cpus is
 * empty and so are the cells' CPU lists, without CELL_MEMORY a NUMA cell's
 * memory is 0, without CELL_DETAILS distances and pages are empty,
 * pageSizes holds only the system page size and iommu is false.
 */
gvHostInfo *gvHostInfoRead(const char *root, unsigned int what, GError **error);
void gvHostInfoFree(gvHostInfo *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvHostInfo, gvHostInfoFree)

/* The present CPU @id, or NULL */
const gvHostCPU *gvHostInfoFindCPU(const gvHostInfo *host, unsigned int id);
/* The cell @id, or NULL */
const gvHostCell *gvHostInfoFindCell(const gvHostInfo *host, unsigned int id);

/* virNodeInfo as libvirt computes it from the same files */
typedef struct {
    unsigned long long memory; /* KiB */
    unsigned int cpus; /* online */
    unsigned int mhz;
    unsigned int nodes;
    unsigned int sockets; /* per node */
    unsigned int cores; /* per socket */
    unsigned int threads; /* per core */
} gvHostNodeInfo;

/*
 * libvirt's counting: per cell, the sockets of its online CPUs, the most
 * cores in one socket and the most thread siblings of one CPU; the maxima
 * over the cells; and when nodes * sockets * cores * threads does not make
 * every present CPU, the "unusual topology" answer 1 node, 1 socket, all
 * CPUs as cores, 1 thread.
 */
void gvHostInfoGetNodeInfo(const gvHostInfo *host, gvHostNodeInfo *info);

/* ---- statistics (read at each call) ------------------------------------- */

#define GV_HOST_CPU_STATS_COUNT 4 /* kernel, user, idle, iowait */
#define GV_HOST_MEMORY_STATS_ALL 4 /* total, free, buffers, cached */
#define GV_HOST_MEMORY_STATS_CELL 2 /* total, free */

typedef struct {
    const char *field; /* static: libvirt's VIR_NODE_*_STATS_* names */
    unsigned long long value;
} gvHostStat;

/*
 * The CPU times of @cpuNum (-1: all) from proc/stat in nanoseconds, with
 * @tickNs nanoseconds a clock tick: kernel (system + irq + softirq), user
 * (user + nice), idle, iowait.  An error names @cpuNum when it has no line.
 */
int gvHostReadCPUStats(const char *root, int cpuNum, unsigned long long tickNs,
                       gvHostStat stats[GV_HOST_CPU_STATS_COUNT], GError **error);

/*
 * The memory of @cellNum (-1: the whole host, from proc/meminfo: total,
 * free, buffers, cached) or of one cell (its meminfo: total, free), in KiB.
 * Without NUMA cell 0 is the whole host, as in libvirt.  Fills *@n entries.
 */
int gvHostReadMemoryStats(const char *root, int cellNum, gvHostStat stats[GV_HOST_MEMORY_STATS_ALL],
                          size_t *n, GError **error);

/* ---- pure parsers (exposed for the tests) -------------------------------- */

/* "0-3,8,10-11\n" -> ascending ids (guint), each below @max; false when malformed */
bool gvHostParseCPUList(const char *text, guint max, GArray **out);
/* The value in kB of the meminfo line KEY ("MemFree"), skipping a "Node N " prefix */
bool gvHostParseMeminfo(const char *text, const char *key, unsigned long long *kib);

/* ---- identity ------------------------------------------------------------ */

/*
 * The host's UUID: sys/class/dmi/id/product_uuid when it is readable and
 * not nil, else one derived (SHA-256) from etc/machine-id, which is thus
 * not revealed; false when neither exists.
 */
bool gvHostReadUUID(const char *root, unsigned char uuid[16]);
