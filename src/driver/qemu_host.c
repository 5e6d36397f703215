/*
 * qemu_host.c: the driver's host calls
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "capabilities.h"
#include "domain_capabilities.h"
#include "gverror.h"
#include "host_sysinfo.h"
#include "qemu_capabilities_cpu.h"
#include "qemu_command.h"
#include "qemu_firmware.h"
#include "qemu_host.h"

const char *
gvDriverHostArch(void)
{
    static char arch[65];

    if (arch[0] == '\0') {
        struct utsname u;

        if (uname(&u) < 0)
            g_strlcpy(arch, "x86_64", sizeof(arch));
        else if (g_str_equal(u.machine, "i386") || g_str_equal(u.machine, "i586"))
            g_strlcpy(arch, "i686", sizeof(arch));
        else
            g_strlcpy(arch, u.machine, sizeof(arch));
    }
    return arch;
}

/* KVM's limit of vCPUs per guest, as libvirt asks it */
static unsigned int
gvDriverKVMMaxVcpus(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    int n;

    if (fd < 0)
        return 0;
    if ((n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS)) <= 0 &&
        (n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS)) <= 0)
        n = 4; /* the kernel's documented minimum */
    close(fd);
    return (unsigned int)n;
}

/* Domains of type kvm can run: the one accelerator setting, and QEMU ran under KVM */
static bool
gvDriverKVMUsable(gvDriver *drv, const gvQemuCaps *caps)
{
    return drv->accel == GV_QEMU_ACCEL_KVM && gvQemuCapsCPUData(caps, GV_QEMU_ACCEL_KVM);
}

/* The guest architecture a QEMU target serves ("i386" -> i686) */
static int
gvDriverEmulatorArch(const gvQemuCaps *caps)
{
    if (!caps->arch)
        return -1;
    if (g_str_equal(caps->arch, "i386"))
        return GV_ARCH_I686;
    return gvArchTypeFromString(caps->arch);
}

static gvHostInfo *
gvDriverReadHost(gvDriver *drv, unsigned int what, GError **error)
{
    return gvHostInfoRead(drv->hostRoot, what, error);
}

int
gvDriverNodeGetInfo(gvDriver *drv, char model[32], gvHostNodeInfo *info, GError **error)
{
    g_autoptr(gvHostInfo) host =
        gvDriverReadHost(drv, GV_HOST_READ_CPUINFO | GV_HOST_READ_CPU_TOPOLOGY, error);

    if (!host)
        return -1;
    gvHostInfoGetNodeInfo(host, info);
    memset(model, 0, 32);
    g_strlcpy(model, gvDriverHostArch(), 32);
    return 0;
}

char *
gvDriverGetCapabilities(gvDriver *drv, GError **error)
{
    /* libvirt's order: i686 before x86_64 */
    static const gvArch archs[] = { GV_ARCH_I686, GV_ARCH_X86_64 };
    g_autoptr(gvHostInfo) host = gvDriverReadHost(drv, GV_HOST_READ_ALL, error);
    gvCapsGuest guests[G_N_ELEMENTS(archs)];
    gvCapsInput in = { 0 };
    const gvCapsGuest *hostGuest = NULL;
    g_autoptr(gvDomainCPUDef) hostModel = NULL;
    unsigned char uuid[16];
    int hostArch = gvArchTypeFromString(gvDriverHostArch());
    size_t i;

    if (!host)
        return NULL;
    in.arch = gvDriverHostArch();
    in.uuid = gvHostReadUUID(drv->hostRoot, uuid) ? uuid : NULL;
    in.host = host;
    in.guests = guests;
    in.kvm = drv->accel == GV_QEMU_ACCEL_KVM;
    for (i = 0; i < G_N_ELEMENTS(archs); i++) {
        const char *emulator = gvDomainDefDefaultEmulator(archs[i]);
        g_autoptr(GError) local = NULL;
        const gvQemuCaps *caps;

        if (access(emulator, X_OK) < 0)
            continue;
        /* like libvirtd, an emulator that cannot be probed is left out */
        if (!(caps = gvDriverGetCaps(drv, emulator, &local))) {
            g_debug("capabilities without '%s': %s", emulator, local->message);
            continue;
        }
        guests[in.nguests].arch = archs[i];
        guests[in.nguests].emulator = emulator;
        guests[in.nguests].caps = caps;
        if ((int)archs[i] == hostArch)
            hostGuest = &guests[in.nguests];
        in.nguests++;
        in.kvm = in.kvm && gvDriverKVMUsable(drv, caps);
    }
    /* the host's CPU as a model: what host-model gives a guest of the best type here */
    if (hostGuest &&
        (hostModel = gvQemuCPUHostModel(hostGuest->caps, hostGuest->emulator,
                                        in.kvm ? GV_QEMU_ACCEL_KVM : GV_QEMU_ACCEL_TCG, NULL)))
        in.cpuModel = hostModel->model;
    return gvCapabilitiesFormat(&in);
}

/* virttype: NULL = the best this host has */
static int
gvDriverParseVirtType(const char *virttype, bool kvm, GError **error)
{
    if (!virttype)
        return kvm ? GV_DOMAIN_VIRT_KVM : GV_DOMAIN_VIRT_QEMU;
    if (g_ascii_strcasecmp(virttype, "kvm") == 0)
        return GV_DOMAIN_VIRT_KVM;
    if (g_ascii_strcasecmp(virttype, "qemu") == 0)
        return GV_DOMAIN_VIRT_QEMU;
    gvReportError(error, GV_ERR_INVALID_ARG, "unknown virttype: %s", virttype);
    return -1;
}

char *
gvDriverGetDomainCapabilities(gvDriver *drv, const char *emulator, const char *arch,
                              const char *machine, const char *virttype, GError **error)
{
    g_autoptr(gvDomainCPUDef) hostModel = NULL;
    g_autoptr(GPtrArray) firmware = NULL;
    gvDomainCapsInput in = { 0 };
    const gvQemuCaps *caps;
    int archValue = -1;
    int emulatorArch;
    int virt;
    unsigned int max;

    if (arch && (archValue = gvArchTypeFromString(arch)) <= GV_ARCH_NONE) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "unable to find any emulator to serve '%s' architecture", arch);
        return NULL;
    }
    if (!emulator) {
        if (archValue < 0 && (archValue = gvArchTypeFromString(gvDriverHostArch())) <= 0) {
            gvReportError(error, GV_ERR_INVALID_ARG,
                          "unable to find any emulator to serve '%s' architecture",
                          gvDriverHostArch());
            return NULL;
        }
        emulator = gvDomainDefDefaultEmulator(archValue);
    } else if (!g_path_is_absolute(emulator)) {
        gvReportError(error, GV_ERR_INVALID_ARG, "emulator '%s' is not an absolute path", emulator);
        return NULL;
    }
    if (!(caps = gvDriverGetCaps(drv, emulator, error)))
        return NULL;
    emulatorArch = gvDriverEmulatorArch(caps);
    if (archValue < 0)
        archValue = emulatorArch > 0 ? emulatorArch : GV_ARCH_X86_64;
    if (emulatorArch > 0 && emulatorArch != archValue) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "architecture from emulator '%s' doesn't match given architecture '%s'",
                      emulator, gvArchTypeToString(archValue));
        return NULL;
    }
    if ((virt = gvDriverParseVirtType(virttype, gvDriverKVMUsable(drv, caps), error)) < 0)
        return NULL;
    if (virt == GV_DOMAIN_VIRT_KVM && !gvDriverKVMUsable(drv, caps)) {
        gvReportError(error, GV_ERR_INVALID_ARG, "KVM is not supported by '%s' on this host",
                      emulator);
        return NULL;
    }
    in.machine = machine ? gvQemuCapsFindMachine(caps, machine) : gvQemuCapsDefaultMachine(caps);
    if (!in.machine || g_str_equal(in.machine->name, "none")) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "the machine '%s' is not supported by emulator '%s'",
                      machine ? machine : "(default)", emulator);
        return NULL;
    }
    max = in.machine->maxCpus ? in.machine->maxCpus : GV_DOMAIN_VCPUS_MAX;
    max = MIN(max, GV_DOMAIN_VCPUS_MAX);
    if (virt == GV_DOMAIN_VIRT_KVM && gvDriverKVMMaxVcpus() > 0)
        max = MIN(max, gvDriverKVMMaxVcpus());
    /* what a domain with <cpu mode='host-model'/> would get; none: not supported */
    hostModel = gvQemuCPUHostModel(
        caps, emulator, virt == GV_DOMAIN_VIRT_KVM ? GV_QEMU_ACCEL_KVM : GV_QEMU_ACCEL_TCG, NULL);
    firmware = gvQemuFirmwareLoadAll(GV_QEMU_FIRMWARE_SYSTEM_DIRS);
    in.hostModel = hostModel;
    in.firmware = firmware;
    in.emulator = emulator;
    in.arch = archValue;
    in.caps = caps;
    in.virtType = virt;
    in.maxVcpus = max;
    return gvDomainCapsFormat(&in);
}

int
gvDriverGetMaxVcpus(gvDriver *drv, const char *type, GError **error)
{
    int hostArch = gvArchTypeFromString(gvDriverHostArch());
    const gvQemuCaps *caps;
    const gvQemuMachine *m;
    unsigned int max = GV_DOMAIN_VCPUS_MAX;

    if (type && g_ascii_strcasecmp(type, "qemu") != 0 && g_ascii_strcasecmp(type, "kvm") != 0) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unknown type '%s'", type);
        return -1;
    }
    if (!(caps = gvDriverGetCaps(
              drv, gvDomainDefDefaultEmulator(hostArch > 0 ? hostArch : GV_ARCH_X86_64), error)))
        return -1;
    if ((m = gvQemuCapsDefaultMachine(caps)) && m->maxCpus)
        max = MIN(max, m->maxCpus);
    if (type && g_ascii_strcasecmp(type, "kvm") == 0) {
        if (!gvDriverKVMUsable(drv, caps)) {
            gvReportError(error, GV_ERR_INVALID_ARG, "KVM is not supported on this host");
            return -1;
        }
        max = MIN(max, gvDriverKVMMaxVcpus());
    }
    return (int)max;
}

GPtrArray *
gvDriverGetCPUModelNames(gvDriver *drv, const char *arch, GError **error)
{
    int archValue = gvArchTypeFromString(arch);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) sorted = NULL;
    const gvQemuCaps *caps;
    guint i;

    if (archValue <= GV_ARCH_NONE) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "unable to find any emulator to serve '%s' architecture", arch);
        return NULL;
    }
    if (!(caps = gvDriverGetCaps(drv, gvDomainDefDefaultEmulator(archValue), error)))
        return NULL;
    /* what <cpu><model> accepts: QEMU's unversioned models (none without CPU data) */
    if (!caps->cpu)
        return g_steal_pointer(&names);
    sorted = gvQemuCPUCapsSortedModels(caps->cpu);
    for (i = 0; i < sorted->len; i++) {
        const gvQemuCPUModel *m = g_ptr_array_index(sorted, i);

        g_ptr_array_add(names, g_strdup(m->name));
    }
    return g_steal_pointer(&names);
}

int
gvDriverNodeGetCPUStats(gvDriver *drv, int cpuNum, int *nparams,
                        gvHostStat stats[GV_HOST_CPU_STATS_COUNT], GError **error)
{
    long tck = sysconf(_SC_CLK_TCK);

    if (*nparams == 0) {
        *nparams = GV_HOST_CPU_STATS_COUNT;
        return 0;
    }
    if (*nparams != GV_HOST_CPU_STATS_COUNT) {
        gvReportError(error, GV_ERR_INVALID_ARG, "nparams in virNodeGetCPUStats must be %d, not %d",
                      GV_HOST_CPU_STATS_COUNT, *nparams);
        return -1;
    }
    return gvHostReadCPUStats(drv->hostRoot, cpuNum,
                              1000000000ULL / (unsigned long long)(tck > 0 ? tck : 100), stats,
                              error);
}

int
gvDriverNodeGetMemoryStats(gvDriver *drv, int cellNum, int *nparams,
                           gvHostStat stats[GV_HOST_MEMORY_STATS_ALL], GError **error)
{
    g_autofree char *nodeDir = g_build_filename(drv->hostRoot, "sys/devices/system/node", NULL);
    bool whole = cellNum == -1 || (cellNum == 0 && !g_file_test(nodeDir, G_FILE_TEST_IS_DIR));
    int want = whole ? GV_HOST_MEMORY_STATS_ALL : GV_HOST_MEMORY_STATS_CELL;
    size_t n = 0;

    if (*nparams == 0) {
        *nparams = want;
        return 0;
    }
    if (*nparams != want) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "nparams in virNodeGetMemoryStats must be %d for cellNum %d, not %d", want,
                      cellNum, *nparams);
        return -1;
    }
    if (gvHostReadMemoryStats(drv->hostRoot, cellNum, stats, &n, error) < 0)
        return -1;
    *nparams = (int)n;
    return 0;
}

GArray *
gvDriverNodeGetCellsFreeMemory(gvDriver *drv, int startCell, int maxCells, GError **error)
{
    g_autoptr(gvHostInfo) host = gvDriverReadHost(drv, GV_HOST_READ_CELL_MEMORY, error);
    g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(guint64));
    const gvHostCell *last;
    gint64 cell;
    gint64 end;

    if (!host)
        return NULL;
    last = g_ptr_array_index(host->cells, host->cells->len - 1);
    if (startCell < 0 || (unsigned int)startCell > last->id) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "start cell %d out of range (0-%u)", startCell,
                      last->id);
        return NULL;
    }
    if (!host->numa) {
        /* libvirt: without NUMA one cell, the host's free memory */
        guint64 bytes = (host->memFree + host->buffers) * 1024;

        if (maxCells > 0)
            g_array_append_val(out, bytes);
        return g_steal_pointer(&out);
    }
    end = MIN((gint64)startCell + MAX(maxCells, 0) - 1, (gint64)last->id);
    for (cell = startCell; cell <= end; cell++) {
        const gvHostCell *c = gvHostInfoFindCell(host, (unsigned int)cell);
        guint64 bytes = c ? c->memFree * 1024 : 0;

        g_array_append_val(out, bytes);
    }
    return g_steal_pointer(&out);
}

int
gvDriverNodeGetFreeMemory(gvDriver *drv, unsigned long long *bytes, GError **error)
{
    g_autoptr(gvHostInfo) host = gvDriverReadHost(drv, GV_HOST_READ_CELL_MEMORY, error);
    unsigned long long kib = 0;
    guint i;

    if (!host)
        return -1;
    if (!host->numa) {
        /* libvirt (gnulib's physmem_available): free and buffers */
        kib = host->memFree + host->buffers;
    } else {
        for (i = 0; i < host->cells->len; i++)
            kib += ((const gvHostCell *)g_ptr_array_index(host->cells, i))->memFree;
    }
    *bytes = kib * 1024;
    return 0;
}

int
gvDriverNodeGetCPUMap(gvDriver *drv, GByteArray **map, unsigned int *online, GError **error)
{
    g_autoptr(gvHostInfo) host = gvDriverReadHost(drv, GV_HOST_READ_CPUS, error);
    unsigned int count;
    unsigned int n = 0;
    guint i;

    if (!host)
        return -1;
    count = ((const gvHostCPU *)g_ptr_array_index(host->cpus, host->cpus->len - 1))->id + 1;
    if (map) {
        *map = g_byte_array_sized_new((count + 7) / 8);
        g_byte_array_set_size(*map, (count + 7) / 8);
        memset((*map)->data, 0, (*map)->len);
    }
    for (i = 0; i < host->cpus->len; i++) {
        const gvHostCPU *cpu = g_ptr_array_index(host->cpus, i);

        if (!cpu->online)
            continue;
        n++;
        if (map)
            (*map)->data[cpu->id / 8] |= (guint8)(1u << (cpu->id % 8));
    }
    if (online)
        *online = n;
    return (int)count;
}

char *
gvDriverGetSysinfo(gvDriver *drv, bool full)
{
    return gvHostSysinfoFormat(drv->hostRoot, full);
}
