/*
 * remote_stats.c: domain monitoring (statistics, vCPUs, memory, block and
 * interface counters) and small edits (memory, vCPUs, name, reset)
 *
 * The bounds below are libvirtd's (remote_daemon_dispatch.c), with its
 * messages; the values come from qemu_stats.c.
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "gvprocfs.h"
#include "qemu_domain_edit.h"
#include "qemu_driver.h"
#include "qemu_stats.h"
#include "remote_procs-gen.h"

/* virConnectGetAllDomainStatsFlags */
#define GV_STATS_FILTERS 0xffu /* the LIST_ALL_DOMAINS filters ACTIVE ... OTHER */
#define GV_STATS_NOWAIT (1u << 29)
#define GV_STATS_BACKING (1u << 30)
#define GV_STATS_ENFORCE (1u << 31)

/* virTypedParameterFlags */
#define GV_TYPED_PARAM_STRING_OKAY (1u << 2)

/* ---- statistics ------------------------------------------------------------ */

static gint
gvStatsCompareNames(gconstpointer a, gconstpointer b)
{
    const gvDomainObj *x = *(gvDomainObj *const *)a;
    const gvDomainObj *y = *(gvDomainObj *const *)b;

    return g_strcmp0(x->def->name, y->def->name);
}

/* The domains asked for (those that exist), or all of them; those @flags pass */
static GPtrArray *
gvStatsCollect(gvCall *call, const gvXdrArray *asked, unsigned int flags)
{
    g_autoptr(GPtrArray) all = NULL;
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainObjUnref);
    const gvRemoteDomain *doms = asked->v;
    guint i;

    if (asked->n > 0) {
        all = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainObjUnref);
        /* like libvirtd, domains that do not exist (any more) are skipped */
        for (i = 0; i < asked->n; i++) {
            gvDomainObj *obj = gvDomainObjListFindByUUID(call->daemon->drv->domains, doms[i].uuid);

            if (obj)
                g_ptr_array_add(all, obj);
        }
    } else {
        all = gvDomainObjListCollect(call->daemon->drv->domains);
        g_ptr_array_sort(all, gvStatsCompareNames);
    }
    for (i = 0; i < all->len; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);
        bool match;

        gvDomainObjLock(obj);
        match = gvCallDomainMatches(obj, flags & GV_STATS_FILTERS);
        gvDomainObjUnlock(obj);
        if (match)
            g_ptr_array_add(out, gvDomainObjRef(obj));
    }
    return out;
}

int
gvProcConnectGetAllDomainStats(gvCall *call, const gvConnectGetAllDomainStatsArgs *args,
                               gvConnectGetAllDomainStatsRet *ret, GError **error)
{
    unsigned int stats = args->stats;
    g_autoptr(GPtrArray) objs = NULL;
    g_autoptr(GPtrArray) lists = NULL;
    gvDomainStatsRecord *recs;
    guint i;

    if (gvCallCheckFlags(call, args->flags,
                         GV_STATS_FILTERS | GV_STATS_NOWAIT | GV_STATS_BACKING | GV_STATS_ENFORCE,
                         error) < 0)
        return -1;
    /* 0 is everything genvirt gathers; unknown groups are skipped unless enforced */
    if (stats == 0) {
        stats = GV_DOMAIN_STATS_SUPPORTED;
    } else if ((args->flags & GV_STATS_ENFORCE) && (stats & ~GV_DOMAIN_STATS_SUPPORTED)) {
        gvReportError(error, GV_ERR_OPERATION_UNSUPPORTED,
                      "Stats types bits 0x%x are not supported by this daemon",
                      stats & ~GV_DOMAIN_STATS_SUPPORTED);
        return -1;
    }
    stats &= GV_DOMAIN_STATS_SUPPORTED;
    /* statistics never wait for a job (NOWAIT is how they always are); no
     * disk has a backing chain genvirt manages (BACKING adds nothing) */
    objs = gvStatsCollect(call, &args->doms, args->flags);
    lists = gvQemuDomainsGetStats(call->daemon->drv, objs, stats);
    gvXdrArrayAlloc(&ret->retStats, objs->len, sizeof(gvDomainStatsRecord));
    recs = ret->retStats.v;
    for (i = 0; i < objs->len; i++) {
        gvCallSetDomain(&recs[i].dom, g_ptr_array_index(objs, i));
        recs[i].params = gvCallTypedParams(g_ptr_array_index(lists, i));
    }
    return 0;
}

int
gvProcDomainMemoryStats(gvCall *call, const gvDomainMemoryStatsArgs *args,
                        gvDomainMemoryStatsRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = NULL;
    gvMemoryStat stats[GV_MEMORY_STAT_NR];
    gvDomainMemoryStat *out;
    int n;
    int i;

    if (args->maxStats > GV_REMOTE_DOMAIN_MEMORY_STATS_MAX) {
        gvReportError(error, GV_ERR_RPC, "maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX");
        return -1;
    }
    if (!(obj = gvCallLookupDomain(call, &args->dom, error)))
        return -1;
    /* the client copies what comes into an array of maxStats: never more */
    n = gvQemuDomainMemoryStats(call->daemon->drv, obj, stats,
                                MIN(args->maxStats, (guint32)G_N_ELEMENTS(stats)), args->flags,
                                error);
    if (n < 0)
        return -1;
    gvXdrArrayAlloc(&ret->stats, (guint32)n, sizeof(gvDomainMemoryStat));
    out = ret->stats.v;
    for (i = 0; i < n; i++) {
        out[i].tag = stats[i].tag;
        out[i].val = stats[i].val;
    }
    return 0;
}

int
gvProcDomainGetBlockInfo(gvCall *call, const gvDomainGetBlockInfoArgs *args,
                         gvDomainGetBlockInfoRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    gvBlockInfo info;

    if (!obj ||
        gvQemuDomainGetBlockInfo(call->daemon->drv, obj, args->path, args->flags, &info, error) < 0)
        return -1;
    ret->allocation = info.allocation;
    ret->capacity = info.capacity;
    ret->physical = info.physical;
    return 0;
}

int
gvProcDomainBlockStats(gvCall *call, const gvDomainBlockStatsArgs *args, gvDomainBlockStatsRet *ret,
                       GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    gvQemuBlockStats st;

    if (!obj || gvQemuDomainBlockStats(call->daemon->drv, obj, args->path, &st, error) < 0)
        return -1;
    ret->rdReq = st.rdReq;
    ret->rdBytes = st.rdBytes;
    ret->wrReq = st.wrReq;
    ret->wrBytes = st.wrBytes;
    ret->errs = st.errs;
    return 0;
}

/* virDomainBlockStatsFlags' fields, in libvirt's order; -1 ones are left out */
static void
gvStatsBlockParams(const gvQemuBlockStats *st, gvParamList *p)
{
    const struct {
        const char *field;
        gint64 value;
    } fields[] = {
        { "wr_bytes", st->wrBytes },
        { "wr_operations", st->wrReq },
        { "rd_bytes", st->rdBytes },
        { "rd_operations", st->rdReq },
        { "flush_operations", st->flReq },
        { "wr_total_times", st->wrTimes },
        { "rd_total_times", st->rdTimes },
        { "flush_total_times", st->flTimes },
        { "errs", st->errs },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (fields[i].value != -1)
            gvParamListAddLLong(p, fields[i].value, "%s", fields[i].field);
    }
}

int
gvProcDomainBlockStatsFlags(gvCall *call, const gvDomainBlockStatsFlagsArgs *args,
                            gvDomainBlockStatsFlagsRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = NULL;
    g_autoptr(gvParamList) params = gvParamListNew();
    gvQemuBlockStats st;

    if (args->nparams > GV_REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX) {
        gvReportError(error, GV_ERR_RPC, "nparams too large");
        return -1;
    }
    if (args->nparams < 0) {
        gvReportError(error, GV_ERR_INVALID_ARG, "nparams in %s must not be negative: %d",
                      call->proc->api, args->nparams);
        return -1;
    }
    if (gvCallCheckFlags(call, args->flags, GV_TYPED_PARAM_STRING_OKAY, error) < 0 ||
        !(obj = gvCallLookupDomain(call, &args->dom, error)) ||
        gvQemuDomainBlockStats(call->daemon->drv, obj, args->path, &st, error) < 0)
        return -1;
    gvStatsBlockParams(&st, params);
    ret->nparams = (gint32)gvParamListForRequest(params, (guint)args->nparams,
                                                 args->flags & GV_TYPED_PARAM_STRING_OKAY);
    ret->params = gvCallTypedParams(params);
    return 0;
}

int
gvProcDomainInterfaceStats(gvCall *call, const gvDomainInterfaceStatsArgs *args,
                           gvDomainInterfaceStatsRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    gvQemuInterfaceStats st;

    if (!obj || gvQemuDomainInterfaceStats(call->daemon->drv, obj, args->device, &st, error) < 0)
        return -1;
    ret->rxBytes = st.rxBytes;
    ret->rxPackets = st.rxPackets;
    ret->rxErrs = st.rxErrs;
    ret->rxDrop = st.rxDrop;
    ret->txBytes = st.txBytes;
    ret->txPackets = st.txPackets;
    ret->txErrs = st.txErrs;
    ret->txDrop = st.txDrop;
    return 0;
}

/* ---- vCPUs ------------------------------------------------------------------- */

int
gvProcDomainGetVcpusFlags(gvCall *call, const gvDomainFlagsArgs *args, gvIntRet *ret,
                          GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj ||
        (ret->num = gvQemuDomainGetVcpusFlags(call->daemon->drv, obj, args->flags, error)) < 0)
        return -1;
    return 0;
}

int
gvProcDomainGetMaxVcpus(gvCall *call, const gvDomainArgs *args, gvIntRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    /* libvirt's qemu driver: the live maximum (a shut-off domain has none) */
    if (!obj ||
        (ret->num = gvQemuDomainGetVcpusFlags(
             call->daemon->drv, obj, GV_DOMAIN_AFFECT_LIVE | GV_DOMAIN_VCPU_MAXIMUM, error)) < 0)
        return -1;
    return 0;
}

/* libvirtd's bounds of a vCPU list and its CPU maps */
static int
gvStatsCheckMaps(gint32 count, gint32 maplen, const char *what, GError **error)
{
    if (count > GV_REMOTE_VCPUINFO_MAX) {
        gvReportError(error, GV_ERR_RPC, "%s > REMOTE_VCPUINFO_MAX", what);
        return -1;
    }
    if (count < 1 || maplen < 0) {
        gvReportError(error, GV_ERR_INVALID_ARG, "invalid %s %d or maplen %d", what, count, maplen);
        return -1;
    }
    if ((gint64)count * maplen > GV_REMOTE_CPUMAPS_MAX) {
        gvReportError(error, GV_ERR_RPC, "%s * maplen > REMOTE_CPUMAPS_MAX", what);
        return -1;
    }
    return 0;
}

int
gvProcDomainGetVcpus(gvCall *call, const gvDomainGetVcpusArgs *args, gvDomainGetVcpusRet *ret,
                     GError **error)
{
    g_autoptr(gvDomainObj) obj = NULL;
    g_autofree gvQemuVcpuInfo *info = NULL;
    g_autofree guint8 *maps = NULL;
    gvVcpuInfo *out;
    gsize mapsLen;
    int n;
    int i;

    if (gvStatsCheckMaps(args->maxinfo, args->maplen, "maxinfo", error) < 0 ||
        !(obj = gvCallLookupDomain(call, &args->dom, error)))
        return -1;
    mapsLen = (gsize)args->maxinfo * (gsize)args->maplen;
    info = g_new0(gvQemuVcpuInfo, args->maxinfo);
    maps = g_malloc0(MAX(mapsLen, 1));
    if ((n = gvQemuDomainGetVcpus(call->daemon->drv, obj, info, (guint)args->maxinfo, maps,
                                  (gsize)args->maplen, error)) < 0)
        return -1;
    gvXdrArrayAlloc(&ret->info, (guint32)n, sizeof(gvVcpuInfo));
    out = ret->info.v;
    for (i = 0; i < n; i++) {
        out[i].number = info[i].number;
        out[i].state = info[i].state;
        out[i].cpuTime = info[i].cpuTime;
        out[i].cpu = info[i].cpu;
    }
    /* like libvirtd: the maps of all maxinfo entries, unused ones zero */
    gvXdrOpaqueSet(&ret->cpumaps, maps, mapsLen);
    return 0;
}

int
gvProcDomainGetVcpuPinInfo(gvCall *call, const gvDomainGetVcpuPinInfoArgs *args,
                           gvDomainGetVcpuPinInfoRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = NULL;
    g_autofree guint8 *maps = NULL;
    gsize mapsLen;
    int n;

    if (gvStatsCheckMaps(args->ncpumaps, args->maplen, "ncpumaps", error) < 0 ||
        !(obj = gvCallLookupDomain(call, &args->dom, error)))
        return -1;
    if (args->maplen < 1) {
        gvReportError(error, GV_ERR_INVALID_ARG, "invalid maplen %d", args->maplen);
        return -1;
    }
    mapsLen = (gsize)args->ncpumaps * (gsize)args->maplen;
    maps = g_malloc0(mapsLen);
    if ((n = gvQemuDomainGetVcpuPinInfo(call->daemon->drv, obj, (guint)args->ncpumaps, maps,
                                        (gsize)args->maplen, args->flags, error)) < 0)
        return -1;
    gvXdrOpaqueSet(&ret->cpumaps, maps, mapsLen);
    ret->num = n;
    return 0;
}

int
gvProcDomainSetVcpusFlags(gvCall *call, const gvDomainSetVcpusFlagsArgs *args, gvRpcVoid *ret,
                          GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    return obj ? gvQemuDomainSetVcpusFlags(call->daemon->drv, obj, args->nvcpus, args->flags, error)
               : -1;
}

int
gvProcDomainSetVcpus(gvCall *call, const gvDomainSetVcpusArgs *args, gvRpcVoid *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    /* virDomainSetVcpus: the running domain */
    return obj ? gvQemuDomainSetVcpusFlags(call->daemon->drv, obj, args->nvcpus,
                                           GV_DOMAIN_AFFECT_LIVE, error)
               : -1;
}

int
gvProcNodeGetCPUMap(gvCall *call, const gvNodeGetCPUMapArgs *args, gvNodeGetCPUMapRet *ret,
                    GError **error)
{
    g_autofree guint8 *map = NULL;
    guint ncpus;
    guint online;

    if (gvCallCheckFlags(call, args->flags, 0, error) < 0 ||
        gvHostCpuMap(&ncpus, &map, &online, error) < 0)
        return -1;
    if (args->needMap)
        gvXdrOpaqueSet(&ret->cpumap, map, (ncpus + 7) / 8);
    if (args->needOnline)
        ret->online = online;
    ret->ret = (gint32)ncpus;
    return 0;
}

/* ---- memory ------------------------------------------------------------------- */

int
gvProcDomainSetMemoryFlags(gvCall *call, const gvDomainSetMemoryFlagsArgs *args, gvRpcVoid *ret,
                           GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    return obj ? gvQemuDomainSetMemoryFlags(call->daemon->drv, obj, args->memory, args->flags,
                                            error)
               : -1;
}

int
gvProcDomainSetMemory(gvCall *call, const gvDomainSetMemoryArgs *args, gvRpcVoid *ret,
                      GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    /* virDomainSetMemory: the running domain, through its balloon */
    return obj ? gvQemuDomainSetMemoryFlags(call->daemon->drv, obj, args->memory,
                                            GV_DOMAIN_AFFECT_LIVE, error)
               : -1;
}

int
gvProcDomainSetMaxMemory(gvCall *call, const gvDomainSetMemoryArgs *args, gvRpcVoid *ret,
                         GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    /* virDomainSetMaxMemory: the current definition (a running one refuses) */
    return obj ? gvQemuDomainSetMemoryFlags(call->daemon->drv, obj, args->memory,
                                            GV_DOMAIN_MEM_MAXIMUM, error)
               : -1;
}

/* ---- name and reset -------------------------------------------------------------- */

int
gvProcDomainRename(gvCall *call, const gvDomainRenameArgs *args, gvDomainRenameRet *ret,
                   GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj || gvQemuDomainRename(call->daemon->drv, obj, args->newName, args->flags, error) < 0)
        return -1;
    ret->retcode = 0;
    return 0;
}

int
gvProcDomainReset(gvCall *call, const gvDomainFlagsArgs *args, gvRpcVoid *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    return obj ? gvDriverDomainReset(call->daemon->drv, obj, args->flags, error) : -1;
}
