/*
 * qemu_stats.c: statistics, vCPUs, memory and disks of running domains
 */
#include <gvconfig.h>

#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "gverror.h"
#include "gvprocfs.h"
#include "qemu_process.h"
#include "qemu_stats.h"

#define GV_STATS_QMP_TIMEOUT_MS 10000
/* the QOM path of the memory balloon (its device id is balloon0) */
#define GV_QEMU_BALLOON_PATH "/machine/peripheral/balloon0"

/* ---- what a gatherer reads under the object lock -------------------------- */

typedef struct {
    char *dst;
    char *src; /* NULL: no medium */
    gvDomainDiskFormat format;
    char *node; /* the format layer's node name */
} gvStatsDisk;

static void
gvStatsDiskFree(gpointer opaque)
{
    gvStatsDisk *d = opaque;

    g_free(d->dst);
    g_free(d->src);
    g_free(d->node);
    g_free(d);
}

typedef struct {
    gvDomainObj *obj; /* a reference */
    char *name;
    int state;
    int reason;
    bool active;
    GPid pid;
    guint64 memory;
    guint64 currentMemory;
    unsigned int vcpus; /* online */
    unsigned int vcpusMax;
    guint nnets;
    bool noBalloon; /* QEMU said so before: not asked again */
    GPtrArray *disks; /* gvStatsDisk */
    gvQemuMonitor *mon; /* a reference, or NULL */
    /* commands in flight */
    gvQemuMonitorCall *blockstats;
    gvQemuMonitorCall *block;
    gvQemuMonitorCall *balloon;
    gvQemuMonitorCall *guestStats;
    gvQemuMonitorCall *cpus;
    gvQemuMonitorCall *haltPoll;
} gvStatsDomain;

/* A call still in flight is finished (and its answer dropped) */
static void
gvStatsFinishDrop(gvQemuMonitorCall **call)
{
    if (*call)
        (void)gvQemuMonitorCallFinish(g_steal_pointer(call), GV_STATS_QMP_TIMEOUT_MS, NULL, NULL,
                                      NULL);
}

static void
gvStatsDomainFree(gvStatsDomain *sd)
{
    if (!sd)
        return;
    gvStatsFinishDrop(&sd->blockstats);
    gvStatsFinishDrop(&sd->block);
    gvStatsFinishDrop(&sd->balloon);
    gvStatsFinishDrop(&sd->guestStats);
    gvStatsFinishDrop(&sd->cpus);
    gvStatsFinishDrop(&sd->haltPoll);
    if (sd->mon)
        gvQemuMonitorUnref(sd->mon);
    if (sd->disks)
        g_ptr_array_unref(sd->disks);
    gvDomainObjUnref(sd->obj);
    g_free(sd->name);
    g_free(sd);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvStatsDomain, gvStatsDomainFree)

static gvStatsDomain *
gvStatsDomainRead(gvDomainObj *obj)
{
    gvStatsDomain *sd = g_new0(gvStatsDomain, 1);
    gvQemuDomainPriv *priv;
    const gvDomainDef *def;
    guint i;

    gvDomainObjLock(obj);
    priv = gvQemuDomainGetPriv(obj);
    def = obj->def;
    sd->obj = gvDomainObjRef(obj);
    sd->name = g_strdup(def->name);
    sd->state = obj->state;
    sd->reason = obj->reason;
    sd->active = gvDomainObjIsActive(obj);
    sd->pid = sd->active ? priv->pid : 0;
    sd->memory = def->memory;
    sd->currentMemory = def->currentMemory;
    sd->vcpus = gvDomainDefGetVcpus(def);
    sd->vcpusMax = def->vcpus;
    sd->nnets = def->nets->len;
    sd->disks = g_ptr_array_new_with_free_func(gvStatsDiskFree);
    for (i = 0; i < def->disks->len; i++) {
        const gvDomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        gvStatsDisk *d = g_new0(gvStatsDisk, 1);

        d->dst = g_strdup(disk->dst);
        d->src = g_strdup(disk->src);
        d->format = disk->format;
        d->node = gvQemuDiskFormatNode(disk);
        g_ptr_array_add(sd->disks, d);
    }
    if (sd->active && priv->mon && !priv->starting)
        sd->mon = gvQemuMonitorRef(priv->mon);
    sd->noBalloon = priv->noBalloon;
    gvDomainObjUnlock(obj);
    return sd;
}

/* A balloon does not come and go while QEMU runs: remembered until it stops */
static void
gvStatsRememberNoBalloon(gvDomainObj *obj, GPid pid)
{
    gvQemuDomainPriv *priv;

    gvDomainObjLock(obj);
    priv = gvQemuDomainGetPriv(obj);
    if (priv->pid == pid)
        priv->noBalloon = true;
    gvDomainObjUnlock(obj);
}

/* ---- /proc ------------------------------------------------------------------ */

/* The resident memory of QEMU in KiB */
static bool
gvStatsRSS(GPid pid, guint64 *kib)
{
    gvProcStat st;

    if (!gvProcReadStat(pid, 0, &st))
        return false;
    *kib = st.rss * gvProcPageSize() / 1024;
    return true;
}

/* The affinity of thread @tid into @map (@maplen bytes) */
static bool
gvStatsAffinity(pid_t tid, guint8 *map, gsize maplen)
{
    long ncpus = sysconf(_SC_NPROCESSORS_CONF);
    size_t setsize;
    cpu_set_t *set;
    bool ok;
    long c;

    if (ncpus <= 0)
        ncpus = 1;
    /* room for CPU numbers past the configured count (sparse hosts) */
    ncpus = MAX(ncpus, (long)(maplen * 8));
    set = CPU_ALLOC((int)ncpus);
    setsize = CPU_ALLOC_SIZE((int)ncpus);
    CPU_ZERO_S(setsize, set);
    ok = sched_getaffinity(tid, setsize, set) == 0;
    memset(map, 0, maplen);
    for (c = 0; ok && c < (long)(maplen * 8); c++) {
        if (CPU_ISSET_S((int)c, setsize, set))
            map[c / 8] |= (guint8)(1u << (c % 8));
    }
    CPU_FREE(set);
    return ok;
}

/* Every host CPU (no pinning): the configured ones */
static void
gvStatsAllCpus(guint8 *map, gsize maplen)
{
    long ncpus = sysconf(_SC_NPROCESSORS_CONF);
    long c;

    memset(map, 0, maplen);
    for (c = 0; c < ncpus && c < (long)(maplen * 8); c++)
        map[c / 8] |= (guint8)(1u << (c % 8));
}

/* ---- QMP ------------------------------------------------------------------------ */

static json_object *
gvStatsHaltPollArgs(void)
{
    json_object *args = json_object_new_object();
    json_object *providers = json_object_new_array();
    json_object *kvm = json_object_new_object();
    json_object *names = json_object_new_array();

    json_object_array_add(names, json_object_new_string("halt_poll_success_ns"));
    json_object_array_add(names, json_object_new_string("halt_poll_fail_ns"));
    json_object_object_add(kvm, "provider", json_object_new_string("kvm"));
    json_object_object_add(kvm, "names", names);
    json_object_array_add(providers, kvm);
    json_object_object_add(args, "target", json_object_new_string("vcpu"));
    json_object_object_add(args, "providers", providers);
    return args;
}

static json_object *
gvStatsGuestStatsArgs(void)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "path", json_object_new_string(GV_QEMU_BALLOON_PATH));
    json_object_object_add(args, "property", json_object_new_string("guest-stats"));
    return args;
}

/* Sends what @stats needs from QEMU; errors show when the replies are read */
static void
gvStatsStart(gvDriver *drv, gvStatsDomain *sd, unsigned int stats)
{
    if (!sd->mon)
        return;
    if ((stats & GV_DOMAIN_STATS_BLOCK) && sd->disks->len > 0) {
        sd->blockstats = gvQemuMonitorCallStart(sd->mon, "query-blockstats", NULL, NULL);
        sd->block = gvQemuMonitorCallStart(sd->mon, "query-block", NULL, NULL);
    }
    if ((stats & GV_DOMAIN_STATS_BALLOON) && !sd->noBalloon) {
        sd->balloon = gvQemuMonitorCallStart(sd->mon, "query-balloon", NULL, NULL);
        sd->guestStats = gvQemuMonitorCallStart(sd->mon, "qom-get", gvStatsGuestStatsArgs(), NULL);
    }
    if (stats & GV_DOMAIN_STATS_VCPU)
        sd->cpus = gvQemuMonitorCallStart(sd->mon, "query-cpus-fast", NULL, NULL);
    /* only KVM counts halt polling */
    if ((stats & GV_DOMAIN_STATS_CPU_TOTAL) && drv->accel == GV_QEMU_ACCEL_KVM)
        sd->haltPoll = gvQemuMonitorCallStart(sd->mon, "query-stats", gvStatsHaltPollArgs(), NULL);
}

/* The answer of @call (NULL when there was none), and QEMU's error class */
static json_object *
gvStatsFinish(gvQemuMonitorCall **call, char **errClass)
{
    json_object *ret = NULL;

    if (!*call)
        return NULL;
    if (gvQemuMonitorCallFinish(g_steal_pointer(call), GV_STATS_QMP_TIMEOUT_MS, &ret, errClass,
                                NULL) < 0)
        return NULL;
    return ret;
}

/* ---- the groups ----------------------------------------------------------------- */

static void
gvStatsState(gvStatsDomain *sd, gvParamList *p)
{
    gvParamListAddInt(p, sd->state, "state.state");
    gvParamListAddInt(p, sd->reason, "state.reason");
}

static void
gvStatsCpuTotal(gvStatsDomain *sd, gvParamList *p)
{
    g_autoptr(json_object) halt = gvStatsFinish(&sd->haltPoll, NULL);
    gvProcStat st;
    guint64 success;
    guint64 fail;

    if (!sd->active || !gvProcReadStat(sd->pid, 0, &st))
        return; /* a shut-off domain has used no CPU that genvirt knows of */
    gvParamListAddULLong(p, gvProcTicksToNs(st.utime + st.stime), "cpu.time");
    gvParamListAddULLong(p, gvProcTicksToNs(st.utime), "cpu.user");
    gvParamListAddULLong(p, gvProcTicksToNs(st.stime), "cpu.system");
    if (halt && gvQmpParseHaltPoll(halt, &success, &fail, NULL) > 0) {
        gvParamListAddULLong(p, success, "cpu.haltpoll.success.time");
        gvParamListAddULLong(p, fail, "cpu.haltpoll.fail.time");
    }
}

/*
 * The memory statistics of a running domain: the balloon's size (if it has
 * one), the guest's own numbers (if it reports them), QEMU's resident size.
 * With @balloonOut, whether QEMU says there is a balloon.
 */
static guint
gvStatsMemory(gvStatsDomain *sd, gvMemoryStat *stats, guint max, int *hasBalloon)
{
    g_autofree char *errClass = NULL;
    g_autoptr(json_object) balloon = gvStatsFinish(&sd->balloon, &errClass);
    g_autoptr(json_object) guest = gvStatsFinish(&sd->guestStats, NULL);
    guint n = 0;
    guint64 v;

    *hasBalloon = sd->noBalloon ? 0 : -1; /* or unknown */
    if (balloon && gvQmpParseBalloon(balloon, &v, NULL) == 0) {
        *hasBalloon = 1;
        if (n < max)
            stats[n++] = (gvMemoryStat){ GV_MEMORY_STAT_ACTUAL_BALLOON, v / 1024 };
    } else if (errClass && g_str_equal(errClass, "DeviceNotActive")) {
        *hasBalloon = 0;
        gvStatsRememberNoBalloon(sd->obj, sd->pid);
    }
    if (guest && *hasBalloon == 1)
        (void)gvQmpParseGuestStats(guest, stats, &n, max, NULL);
    if (n < max && gvStatsRSS(sd->pid, &v))
        stats[n++] = (gvMemoryStat){ GV_MEMORY_STAT_RSS, v };
    return n;
}

static const char *
gvStatsMemoryName(gvMemoryStatTag tag)
{
    switch (tag) {
    case GV_MEMORY_STAT_SWAP_IN:
        return "swap_in";
    case GV_MEMORY_STAT_SWAP_OUT:
        return "swap_out";
    case GV_MEMORY_STAT_MAJOR_FAULT:
        return "major_fault";
    case GV_MEMORY_STAT_MINOR_FAULT:
        return "minor_fault";
    case GV_MEMORY_STAT_UNUSED:
        return "unused";
    case GV_MEMORY_STAT_AVAILABLE:
        return "available";
    case GV_MEMORY_STAT_RSS:
        return "rss";
    case GV_MEMORY_STAT_USABLE:
        return "usable";
    case GV_MEMORY_STAT_LAST_UPDATE:
        return "last-update";
    case GV_MEMORY_STAT_DISK_CACHES:
        return "disk_caches";
    case GV_MEMORY_STAT_HUGETLB_PGALLOC:
        return "hugetlb_pgalloc";
    case GV_MEMORY_STAT_HUGETLB_PGFAIL:
        return "hugetlb_pgfail";
    case GV_MEMORY_STAT_ACTUAL_BALLOON: /* that is balloon.current */
    case GV_MEMORY_STAT_NR:
        break;
    }
    return NULL;
}

static void
gvStatsBalloon(gvStatsDomain *sd, gvParamList *p)
{
    gvMemoryStat stats[GV_MEMORY_STAT_NR];
    int hasBalloon;
    guint n;
    guint i;

    if (!sd->active) {
        gvParamListAddULLong(p, sd->currentMemory, "balloon.current");
        gvParamListAddULLong(p, sd->memory, "balloon.maximum");
        return;
    }
    n = gvStatsMemory(sd, stats, G_N_ELEMENTS(stats), &hasBalloon);
    /* without a balloon the guest has all of its memory */
    if (hasBalloon == 0)
        gvParamListAddULLong(p, sd->memory, "balloon.current");
    for (i = 0; hasBalloon == 1 && i < n; i++) {
        if (stats[i].tag == GV_MEMORY_STAT_ACTUAL_BALLOON)
            gvParamListAddULLong(p, stats[i].val, "balloon.current");
    }
    gvParamListAddULLong(p, sd->memory, "balloon.maximum");
    for (i = 0; i < n; i++) {
        const char *name = gvStatsMemoryName(stats[i].tag);

        if (name)
            gvParamListAddULLong(p, stats[i].val, "balloon.%s", name);
    }
}

static void
gvStatsVcpu(gvStatsDomain *sd, gvParamList *p)
{
    g_autoptr(json_object) ret = gvStatsFinish(&sd->cpus, NULL);
    g_autoptr(GPtrArray) cpus = NULL;
    guint i;

    gvParamListAddUInt(p, sd->vcpus, "vcpu.current");
    gvParamListAddUInt(p, sd->vcpusMax, "vcpu.maximum");
    if (!sd->active || !ret || gvQmpParseCpusFast(ret, &cpus, NULL) < 0)
        return;
    for (i = 0; i < cpus->len; i++) {
        const gvQmpCpu *cpu = g_ptr_array_index(cpus, i);
        pid_t tid = (pid_t)cpu->threadId;
        gvProcStat st;
        guint64 run;
        guint64 delay;
        guint64 wait;

        gvParamListAddInt(p, GV_VCPU_RUNNING, "vcpu.%" G_GINT64_FORMAT ".state", cpu->cpuIndex);
        if (gvProcReadStat(sd->pid, tid, &st))
            gvParamListAddULLong(p, gvProcTicksToNs(st.utime + st.stime),
                                 "vcpu.%" G_GINT64_FORMAT ".time", cpu->cpuIndex);
        /* only when the kernel keeps schedstats */
        if (gvProcReadSchedWaitSum(sd->pid, tid, &wait) > 0)
            gvParamListAddULLong(p, wait, "vcpu.%" G_GINT64_FORMAT ".wait", cpu->cpuIndex);
        if (gvProcReadSchedstat(sd->pid, tid, &run, &delay))
            gvParamListAddULLong(p, delay, "vcpu.%" G_GINT64_FORMAT ".delay", cpu->cpuIndex);
    }
}

static void
gvStatsInterface(gvStatsDomain *sd, gvParamList *p)
{
    if (!sd->active)
        return;
    /*
     * Every interface is QEMU's user-mode network: no host device, no
     * counters.  libvirt counts such interfaces and lists none of them.
     */
    gvParamListAddUInt(p, sd->nnets, "net.count");
}

static void
gvStatsBlock(gvStatsDomain *sd, gvParamList *p)
{
    g_autoptr(json_object) statsRet = gvStatsFinish(&sd->blockstats, NULL);
    g_autoptr(json_object) blockRet = gvStatsFinish(&sd->block, NULL);
    g_autoptr(GPtrArray) stats = NULL;
    g_autoptr(GPtrArray) images = NULL;
    guint i;

    if (statsRet)
        (void)gvQmpParseBlockstats(statsRet, &stats, NULL);
    if (blockRet)
        (void)gvQmpParseBlockImages(blockRet, &images, NULL);
    gvParamListAddUInt(p, sd->disks->len, "block.count");
    for (i = 0; i < sd->disks->len; i++) {
        const gvStatsDisk *d = g_ptr_array_index(sd->disks, i);
        const gvQmpBlockStats *s = gvQmpBlockStatsFind(stats, d->node);
        const gvQmpBlockImage *img = gvQmpBlockImageFind(images, d->node);
        gvBlockInfo info;

        gvParamListAddString(p, d->dst, "block.%u.name", i);
        if (!d->src)
            continue;
        gvParamListAddString(p, d->src, "block.%u.path", i);
        if (!sd->active) {
            if (gvQemuImageGetInfo(d->src, d->format, &info, NULL) == 0) {
                gvParamListAddULLong(p, info.allocation, "block.%u.allocation", i);
                gvParamListAddULLong(p, info.capacity, "block.%u.capacity", i);
                gvParamListAddULLong(p, info.physical, "block.%u.physical", i);
            }
            continue;
        }
        if (s) {
            gvParamListAddULLong(p, s->rdReq, "block.%u.rd.reqs", i);
            gvParamListAddULLong(p, s->rdBytes, "block.%u.rd.bytes", i);
            gvParamListAddULLong(p, s->rdTimes, "block.%u.rd.times", i);
            gvParamListAddULLong(p, s->wrReq, "block.%u.wr.reqs", i);
            gvParamListAddULLong(p, s->wrBytes, "block.%u.wr.bytes", i);
            gvParamListAddULLong(p, s->wrTimes, "block.%u.wr.times", i);
            gvParamListAddULLong(p, s->flReq, "block.%u.fl.reqs", i);
            gvParamListAddULLong(p, s->flTimes, "block.%u.fl.times", i);
            if (s->hasWrHighest)
                gvParamListAddULLong(p, s->wrHighest, "block.%u.allocation", i);
        }
        if (img) {
            gvParamListAddULLong(p, img->virtualSize, "block.%u.capacity", i);
            if (img->hasActualSize)
                gvParamListAddULLong(p, img->actualSize, "block.%u.physical", i);
        }
    }
}

GPtrArray *
gvQemuDomainsGetStats(gvDriver *drv, GPtrArray *doms, unsigned int stats)
{
    g_autoptr(GPtrArray) sds = g_ptr_array_new_with_free_func((GDestroyNotify)gvStatsDomainFree);
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)gvParamListFree);
    guint i;

    for (i = 0; i < doms->len; i++)
        g_ptr_array_add(sds, gvStatsDomainRead(g_ptr_array_index(doms, i)));
    /* every QEMU works on its answers at the same time */
    for (i = 0; i < sds->len; i++)
        gvStatsStart(drv, g_ptr_array_index(sds, i), stats);
    for (i = 0; i < sds->len; i++) {
        gvStatsDomain *sd = g_ptr_array_index(sds, i);
        gvParamList *p = gvParamListNew();

        if (stats & GV_DOMAIN_STATS_STATE)
            gvStatsState(sd, p);
        if (stats & GV_DOMAIN_STATS_CPU_TOTAL)
            gvStatsCpuTotal(sd, p);
        if (stats & GV_DOMAIN_STATS_BALLOON)
            gvStatsBalloon(sd, p);
        if (stats & GV_DOMAIN_STATS_VCPU)
            gvStatsVcpu(sd, p);
        if (stats & GV_DOMAIN_STATS_INTERFACE)
            gvStatsInterface(sd, p);
        if (stats & GV_DOMAIN_STATS_BLOCK)
            gvStatsBlock(sd, p);
        g_ptr_array_add(out, p);
    }
    return out;
}

/* ---- single calls ----------------------------------------------------------- */

static int
gvStatsCheckActive(const gvStatsDomain *sd, GError **error)
{
    if (!sd->active) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain is not running");
        return -1;
    }
    if (!sd->mon) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "the QEMU monitor of domain '%s' is not connected", sd->name);
        return -1;
    }
    return 0;
}

/* Getters read one definition: @flags within @known, not LIVE and CONFIG both */
static int
gvStatsCheckOneDef(unsigned int flags, unsigned int known, const char *api, GError **error)
{
    if (flags & ~known) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~known, api);
        return -1;
    }
    if ((flags & GV_DOMAIN_AFFECT_LIVE) && (flags & GV_DOMAIN_AFFECT_CONFIG)) {
        gvReportError(
            error, GV_ERR_INVALID_ARG,
            "flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive");
        return -1;
    }
    return 0;
}

int
gvQemuDomainImpact(gvDomainObj *obj, unsigned int *flags, GError **error)
{
    if ((*flags & (GV_DOMAIN_AFFECT_LIVE | GV_DOMAIN_AFFECT_CONFIG)) == 0)
        *flags |= gvDomainObjIsActive(obj) ? GV_DOMAIN_AFFECT_LIVE : GV_DOMAIN_AFFECT_CONFIG;
    if ((*flags & GV_DOMAIN_AFFECT_LIVE) && !gvDomainObjIsActive(obj)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain is not running");
        return -1;
    }
    if ((*flags & GV_DOMAIN_AFFECT_CONFIG) && !obj->persistent) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "transient domains do not have any persistent config");
        return -1;
    }
    return 0;
}

static int
gvStatsImpact(gvDomainObj *obj, unsigned int *flags, GError **error)
{
    int rc;

    gvDomainObjLock(obj);
    rc = gvQemuDomainImpact(obj, flags, error);
    gvDomainObjUnlock(obj);
    return rc;
}

int
gvQemuDomainGetVcpusFlags(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    unsigned int known = GV_DOMAIN_AFFECT_LIVE | GV_DOMAIN_AFFECT_CONFIG | GV_DOMAIN_VCPU_MAXIMUM |
                         GV_DOMAIN_VCPU_GUEST;
    const gvDomainDef *def;
    int n;

    if (gvStatsCheckOneDef(flags, known, "virDomainGetVcpusFlags", error) < 0)
        return -1;
    if (flags & GV_DOMAIN_VCPU_GUEST) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED,
                      "the vCPUs the guest sees need a guest agent, which genvirt does not use");
        return -1;
    }
    if (gvStatsImpact(obj, &flags, error) < 0)
        return -1;
    gvDomainObjLock(obj);
    def = (flags & GV_DOMAIN_AFFECT_CONFIG) ? gvDomainObjGetPersistentDef(obj) : obj->def;
    n = (int)((flags & GV_DOMAIN_VCPU_MAXIMUM) ? def->vcpus : gvDomainDefGetVcpus(def));
    gvDomainObjUnlock(obj);
    return n;
}

/* The vCPUs QEMU runs, with their threads */
static GPtrArray *
gvStatsQueryCpus(gvStatsDomain *sd, GError **error)
{
    g_autoptr(json_object) ret = NULL;
    GPtrArray *cpus = NULL;

    if (gvQemuMonitorCommand(sd->mon, "query-cpus-fast", NULL, GV_STATS_QMP_TIMEOUT_MS, &ret,
                             error) < 0 ||
        gvQmpParseCpusFast(ret, &cpus, error) < 0)
        return NULL;
    return cpus;
}

int
gvQemuDomainGetVcpus(gvDriver *drv, gvDomainObj *obj, gvQemuVcpuInfo *info, guint maxinfo,
                     guint8 *cpumaps, gsize maplen, GError **error)
{
    g_autoptr(gvStatsDomain) sd = gvStatsDomainRead(obj);
    g_autoptr(GPtrArray) cpus = NULL;
    guint n = 0;
    guint i;

    if (!sd->active) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "cannot retrieve vcpu information for inactive domain");
        return -1;
    }
    if (gvStatsCheckActive(sd, error) < 0 || !(cpus = gvStatsQueryCpus(sd, error)))
        return -1;
    for (i = 0; i < cpus->len && n < maxinfo; i++, n++) {
        const gvQmpCpu *cpu = g_ptr_array_index(cpus, i);
        gvProcStat st = { 0 };
        bool known = gvProcReadStat(sd->pid, (pid_t)cpu->threadId, &st);

        info[n].number = (guint32)cpu->cpuIndex;
        info[n].state = GV_VCPU_RUNNING;
        info[n].cpuTime = known ? gvProcTicksToNs(st.utime + st.stime) : 0;
        info[n].cpu = known ? (gint32)st.processor : -1;
        if (maplen > 0 && !gvStatsAffinity((pid_t)cpu->threadId, cpumaps + n * maplen, maplen))
            gvStatsAllCpus(cpumaps + n * maplen, maplen);
    }
    return (int)n;
}

int
gvQemuDomainGetVcpuPinInfo(gvDriver *drv, gvDomainObj *obj, guint ncpumaps, guint8 *cpumaps,
                           gsize maplen, unsigned int flags, GError **error)
{
    g_autoptr(gvStatsDomain) sd = NULL;
    g_autoptr(GPtrArray) cpus = NULL;
    unsigned int vcpus;
    guint n;
    guint i;

    if (gvStatsCheckOneDef(flags, GV_DOMAIN_AFFECT_LIVE | GV_DOMAIN_AFFECT_CONFIG,
                           "virDomainGetVcpuPinInfo", error) < 0)
        return -1;
    if (gvStatsImpact(obj, &flags, error) < 0)
        return -1;
    gvDomainObjLock(obj);
    vcpus =
        ((flags & GV_DOMAIN_AFFECT_CONFIG) ? gvDomainObjGetPersistentDef(obj) : obj->def)->vcpus;
    gvDomainObjUnlock(obj);
    n = MIN(ncpumaps, vcpus);
    /* genvirt pins nothing: a vCPU may run on any host CPU */
    for (i = 0; i < n; i++)
        gvStatsAllCpus(cpumaps + i * maplen, maplen);
    if (!(flags & GV_DOMAIN_AFFECT_LIVE))
        return (int)n;
    /* what the kernel actually allows each running vCPU */
    sd = gvStatsDomainRead(obj);
    if (gvStatsCheckActive(sd, error) < 0 || !(cpus = gvStatsQueryCpus(sd, error)))
        return -1;
    for (i = 0; i < cpus->len; i++) {
        const gvQmpCpu *cpu = g_ptr_array_index(cpus, i);

        if (cpu->cpuIndex < (gint64)n)
            (void)gvStatsAffinity((pid_t)cpu->threadId, cpumaps + cpu->cpuIndex * maplen, maplen);
    }
    return (int)n;
}

int
gvQemuDomainMemoryStats(gvDriver *drv, gvDomainObj *obj, gvMemoryStat *stats, guint max,
                        unsigned int flags, GError **error)
{
    g_autoptr(gvStatsDomain) sd = gvStatsDomainRead(obj);
    int hasBalloon;

    if (flags != 0) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s", flags,
                      "virDomainMemoryStats");
        return -1;
    }
    if (gvStatsCheckActive(sd, error) < 0)
        return -1;
    gvStatsStart(drv, sd, GV_DOMAIN_STATS_BALLOON);
    return (int)gvStatsMemory(sd, stats, max, &hasBalloon);
}

/* The disk @path names: its target, else its source */
static const gvStatsDisk *
gvStatsFindDisk(const gvStatsDomain *sd, const char *path)
{
    guint i;

    for (i = 0; i < sd->disks->len; i++) {
        const gvStatsDisk *d = g_ptr_array_index(sd->disks, i);

        if (g_str_equal(d->dst, path))
            return d;
    }
    for (i = 0; i < sd->disks->len; i++) {
        const gvStatsDisk *d = g_ptr_array_index(sd->disks, i);

        if (d->src && g_str_equal(d->src, path))
            return d;
    }
    return NULL;
}

int
gvQemuDomainGetBlockInfo(gvDriver *drv, gvDomainObj *obj, const char *path, unsigned int flags,
                         gvBlockInfo *info, GError **error)
{
    g_autoptr(gvStatsDomain) sd = gvStatsDomainRead(obj);
    const gvStatsDisk *d;

    if (flags != 0) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s", flags,
                      "virDomainGetBlockInfo");
        return -1;
    }
    if (!(d = gvStatsFindDisk(sd, path))) {
        gvReportError(error, GV_ERR_INVALID_ARG, "invalid path %s not assigned to domain", path);
        return -1;
    }
    if (!d->src) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "disk '%s' does not currently have a source assigned", path);
        return -1;
    }
    return gvQemuImageGetInfo(d->src, d->format, info, error);
}

int
gvQemuDomainBlockStats(gvDriver *drv, gvDomainObj *obj, const char *path, gvQemuBlockStats *st,
                       GError **error)
{
    g_autoptr(gvStatsDomain) sd = gvStatsDomainRead(obj);
    g_autoptr(json_object) ret = NULL;
    g_autoptr(GPtrArray) stats = NULL;
    const gvStatsDisk *only = NULL;
    gvQemuBlockStats out = { 0 };
    guint i;

    if (gvStatsCheckActive(sd, error) < 0)
        return -1;
    if (*path && !(only = gvStatsFindDisk(sd, path))) {
        gvReportError(error, GV_ERR_INVALID_ARG, "invalid path: %s", path);
        return -1;
    }
    if (only && !only->src) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "disk '%s' does not currently have a source assigned", path);
        return -1;
    }
    if (gvQemuMonitorCommand(sd->mon, "query-blockstats", NULL, GV_STATS_QMP_TIMEOUT_MS, &ret,
                             error) < 0 ||
        gvQmpParseBlockstats(ret, &stats, error) < 0)
        return -1;
    for (i = 0; i < sd->disks->len; i++) {
        const gvStatsDisk *d = g_ptr_array_index(sd->disks, i);
        const gvQmpBlockStats *s;

        if ((only && d != only) || !d->src)
            continue;
        if (!(s = gvQmpBlockStatsFind(stats, d->node))) {
            gvReportError(error, GV_ERR_INTERNAL_ERROR,
                          "QEMU has no statistics for disk '%s' (node '%s')", d->dst, d->node);
            return -1;
        }
        out.rdReq += (gint64)s->rdReq;
        out.rdBytes += (gint64)s->rdBytes;
        out.rdTimes += (gint64)s->rdTimes;
        out.wrReq += (gint64)s->wrReq;
        out.wrBytes += (gint64)s->wrBytes;
        out.wrTimes += (gint64)s->wrTimes;
        out.flReq += (gint64)s->flReq;
        out.flTimes += (gint64)s->flTimes;
    }
    /* QEMU counts failed operations per kind; libvirt's errs stays unknown */
    out.errs = -1;
    *st = out;
    return 0;
}

int
gvQemuDomainInterfaceStats(gvDriver *drv, gvDomainObj *obj, const char *device,
                           gvQemuInterfaceStats *st, GError **error)
{
    unsigned char mac[GV_MAC_BUFLEN];
    bool active;
    bool byMac = false;
    guint i;

    gvDomainObjLock(obj);
    active = gvDomainObjIsActive(obj);
    if (gvMacAddrParse(device, mac)) {
        for (i = 0; i < obj->def->nets->len; i++) {
            const gvDomainNetDef *net = g_ptr_array_index(obj->def->nets, i);

            if (memcmp(net->mac, mac, GV_MAC_BUFLEN) == 0)
                byMac = true;
        }
    }
    gvDomainObjUnlock(obj);
    if (!active) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain is not running");
        return -1;
    }
    if (byMac) {
        /* libvirt's answer for an interface without a host device */
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "Interface name not provided");
        return -1;
    }
    gvReportError(error, GV_ERR_INVALID_ARG, "'%s' is not a known interface", device);
    return -1;
}
