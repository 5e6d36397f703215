/*
 * remote_host.c: the host and capability procedures (protocol/host.rpc)
 *
 * The wire's own rules live here (the bounds of remote_protocol.x, the
 * need_results and two-pass nparams conventions); what the answers mean is
 * the driver's (qemu_host.c).  The storage, network, interface, node device,
 * secret and network filter procedures of host.rpc have no handler: the
 * dispatcher answers them "not supported" from their description.
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "qemu_host.h"
#include "remote_procs-gen.h"

int
gvProcConnectGetCapabilities(gvCall *call, const gvRpcVoid *args, gvStringRet *ret, GError **error)
{
    return (ret->str = gvDriverGetCapabilities(call->daemon->drv, error)) ? 0 : -1;
}

int
gvProcConnectGetDomainCapabilities(gvCall *call, const gvConnectGetDomainCapabilitiesArgs *args,
                                   gvStringRet *ret, GError **error)
{
    /* no flags are defined (libvirt 9.0) */
    if (gvCallCheckFlags(call, args->flags, 0, error) < 0)
        return -1;

    ret->str = gvDriverGetDomainCapabilities(call->daemon->drv, args->emulatorbin, args->arch,
                                             args->machine, args->virttype, error);
    return ret->str ? 0 : -1;
}

int
gvProcConnectGetMaxVcpus(gvCall *call, const gvConnectGetMaxVcpusArgs *args, gvIntRet *ret,
                         GError **error)
{
    return (ret->num = gvDriverGetMaxVcpus(call->daemon->drv, args->type, error)) < 0 ? -1 : 0;
}

int
gvProcConnectGetCPUModelNames(gvCall *call, const gvConnectGetCPUModelNamesArgs *args,
                              gvConnectGetCPUModelNamesRet *ret, GError **error)
{
    g_autoptr(GPtrArray) names = NULL;

    if (gvCallCheckFlags(call, args->flags, 0, error) < 0 ||
        !(names = gvDriverGetCPUModelNames(call->daemon->drv, args->arch, error)))
        return -1;
    if (args->needResults)
        gvCallSetNames(&ret->models, names, GV_REMOTE_CONNECT_CPU_MODELS_MAX);
    ret->ret = (gint32)MIN(names->len, GV_REMOTE_CONNECT_CPU_MODELS_MAX);
    return 0;
}

int
gvProcConnectIsSecure(gvCall *call, const gvRpcVoid *args, gvIntRet *ret, GError **error)
{
    /* the client ANDs this with its own view of the transport */
    ret->num = gvNetServerClientIsSecure(call->client) ? 1 : 0;
    return 0;
}

int
gvProcConnectGetSysinfo(gvCall *call, const gvFlagsArgs *args, gvStringRet *ret, GError **error)
{
    if (gvCallCheckFlags(call, args->flags, 0, error) < 0)
        return -1;
    /* serial numbers and the system UUID only for read-write clients */
    ret->str = gvDriverGetSysinfo(call->daemon->drv, !call->readonly);
    return 0;
}

int
gvProcNodeGetInfo(gvCall *call, const gvRpcVoid *args, gvNodeGetInfoRet *ret, GError **error)
{
    gvHostNodeInfo info;

    if (gvDriverNodeGetInfo(call->daemon->drv, ret->model, &info, error) < 0)
        return -1;
    ret->memory = info.memory;
    ret->cpus = (gint32)info.cpus;
    ret->mhz = (gint32)info.mhz;
    ret->nodes = (gint32)info.nodes;
    ret->sockets = (gint32)info.sockets;
    ret->cores = (gint32)info.cores;
    ret->threads = (gint32)info.threads;
    return 0;
}

int
gvProcNodeGetFreeMemory(gvCall *call, const gvRpcVoid *args, gvUHyperRet *ret, GError **error)
{
    unsigned long long bytes;

    if (gvDriverNodeGetFreeMemory(call->daemon->drv, &bytes, error) < 0)
        return -1;
    ret->num = bytes;
    return 0;
}

int
gvProcNodeGetCellsFreeMemory(gvCall *call, const gvNodeGetCellsFreeMemoryArgs *args,
                             gvNodeGetCellsFreeMemoryRet *ret, GError **error)
{
    g_autoptr(GArray) cells = NULL;

    if (args->maxcells > GV_REMOTE_NODE_MAX_CELLS) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "maxCells > REMOTE_NODE_MAX_CELLS");
        return -1;
    }
    if (!(cells = gvDriverNodeGetCellsFreeMemory(call->daemon->drv, args->startCell, args->maxcells,
                                                 error)))
        return -1;
    gvXdrArrayAlloc(&ret->cells, cells->len, sizeof(guint64));
    if (cells->len > 0)
        memcpy(ret->cells.v, cells->data, cells->len * sizeof(guint64));
    return 0;
}

/* The reply of a two-pass statistics call: @n entries, or only the count */
static void
gvHostSetStats(gvXdrArray *out, gint32 *outN, const gvHostStat *stats, int n, bool count)
{
    gvNodeStat *v;
    int i;

    *outN = n;
    if (count)
        return;
    gvXdrArrayAlloc(out, (guint32)n, sizeof(gvNodeStat));
    v = out->v;
    for (i = 0; i < n; i++) {
        v[i].field = g_strdup(stats[i].field);
        v[i].value = stats[i].value;
    }
}

static int
gvHostCheckNparams(int nparams, GError **error)
{
    if (nparams > GV_REMOTE_NODE_CPU_STATS_MAX) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "nparams too large");
        return -1;
    }
    if (nparams < 0) {
        gvReportError(error, GV_ERR_INVALID_ARG, "nparams '%d' is negative", nparams);
        return -1;
    }
    return 0;
}

int
gvProcNodeGetCPUStats(gvCall *call, const gvNodeGetCPUStatsArgs *args, gvNodeGetCPUStatsRet *ret,
                      GError **error)
{
    gvHostStat stats[GV_HOST_CPU_STATS_COUNT];
    int n = args->nparams;

    if (gvHostCheckNparams(n, error) < 0 || gvCallCheckFlags(call, args->flags, 0, error) < 0 ||
        gvDriverNodeGetCPUStats(call->daemon->drv, args->cpuNum, &n, stats, error) < 0)
        return -1;
    /* never more entries than asked for: the client copies them blindly */
    gvHostSetStats(&ret->params, &ret->nparams, stats, n, args->nparams == 0);
    return 0;
}

int
gvProcNodeGetMemoryStats(gvCall *call, const gvNodeGetMemoryStatsArgs *args,
                         gvNodeGetMemoryStatsRet *ret, GError **error)
{
    gvHostStat stats[GV_HOST_MEMORY_STATS_ALL];
    int n = args->nparams;

    if (gvHostCheckNparams(n, error) < 0 || gvCallCheckFlags(call, args->flags, 0, error) < 0 ||
        gvDriverNodeGetMemoryStats(call->daemon->drv, args->cellNum, &n, stats, error) < 0)
        return -1;
    gvHostSetStats(&ret->params, &ret->nparams, stats, n, args->nparams == 0);
    return 0;
}

int
gvProcNodeGetCPUMap(gvCall *call, const gvNodeGetCPUMapArgs *args, gvNodeGetCPUMapRet *ret,
                    GError **error)
{
    g_autoptr(GByteArray) map = NULL;
    unsigned int online = 0;
    int count;

    if (gvCallCheckFlags(call, args->flags, 0, error) < 0)
        return -1;
    if ((count = gvDriverNodeGetCPUMap(call->daemon->drv, args->needMap ? &map : NULL,
                                       args->needOnline ? &online : NULL, error)) < 0)
        return -1;
    if (map && map->len > GV_REMOTE_CPUMAP_MAX) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "the CPU map of %d CPUs is over %d bytes",
                      count, GV_REMOTE_CPUMAP_MAX);
        return -1;
    }
    if (map)
        gvXdrOpaqueSet(&ret->cpumap, map->data, map->len);
    ret->online = online;
    ret->ret = count;
    return 0;
}
