/*
 * qemu_host.h: the driver's host calls: node info and statistics, the
 * capabilities and domain capabilities documents, sysinfo, vCPU limits
 *
 * Each reads the host afresh (host_info.c, under drv->hostRoot) and uses
 * the cached QEMU capabilities (gvDriverGetCaps), with libvirt's semantics
 * for the arguments, so the stock clients get what libvirtd would say.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "driver.h"
#include "host_info.h"

/* The host's architecture (uname), as libvirt names it: "x86_64" */
const char *gvDriverHostArch(void);

/* virNodeGetInfo: @model gets the architecture name, zero-filled */
int gvDriverNodeGetInfo(gvDriver *drv, char model[32], gvHostNodeInfo *info, GError **error);

char *gvDriverGetCapabilities(gvDriver *drv, GError **error);

/* NULL arguments are the defaults: the host's arch, its emulator, the default machine, kvm if usable */
char *gvDriverGetDomainCapabilities(gvDriver *drv, const char *emulator, const char *arch,
                                    const char *machine, const char *virttype, GError **error);

/* virConnectGetMaxVcpus: @type NULL, "qemu" or "kvm" (any case) */
int gvDriverGetMaxVcpus(gvDriver *drv, const char *type, GError **error);

/* virConnectGetCPUModelNames: the CPU models <cpu><model> accepts for @arch */
GPtrArray *gvDriverGetCPUModelNames(gvDriver *drv, const char *arch, GError **error);

/*
 * The two-pass statistics calls: *@nparams 0 asks for the count (stats
 * untouched), otherwise it must be that count, and @stats gets that many.
 */
int gvDriverNodeGetCPUStats(gvDriver *drv, int cpuNum, int *nparams,
                            gvHostStat stats[GV_HOST_CPU_STATS_COUNT], GError **error);
int gvDriverNodeGetMemoryStats(gvDriver *drv, int cellNum, int *nparams,
                               gvHostStat stats[GV_HOST_MEMORY_STATS_ALL], GError **error);

/* Bytes free in the cells from @startCell on, at most @maxCells: guint64 */
GArray *gvDriverNodeGetCellsFreeMemory(gvDriver *drv, int startCell, int maxCells, GError **error);
int gvDriverNodeGetFreeMemory(gvDriver *drv, unsigned long long *bytes, GError **error);

/*
 * virNodeGetCPUMap: returns the number of CPUs (the highest present id + 1),
 * fills @map (when not NULL) with a bit per online CPU and @online (when
 * not NULL) with their number.
 */
int gvDriverNodeGetCPUMap(gvDriver *drv, GByteArray **map, unsigned int *online, GError **error);

/* @full: with serial numbers and the system UUID (read-write clients) */
char *gvDriverGetSysinfo(gvDriver *drv, bool full);
