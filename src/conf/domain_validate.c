/*
 * domain_validate.c: semantic rules on a post-parsed, const <domain>
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_conf.h"
#include "gverror.h"

static int
gvDomainDefValidateName(const char *name, GError **error)
{
    const char *p;

    if (name[0] == '\0') {
        gvReportError(error, GV_ERR_XML_ERROR, "empty domain name in <name>");
        return -1;
    }
    if (strlen(name) > GV_DOMAIN_NAME_MAX) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "domain name '%.20s...' in <name> is longer than %d bytes", name,
                      GV_DOMAIN_NAME_MAX);
        return -1;
    }
    if (!g_utf8_validate(name, -1, NULL)) {
        gvReportError(error, GV_ERR_XML_ERROR, "domain name in <name> is not valid UTF-8");
        return -1;
    }
    /* the name is also a file name and a QEMU option value */
    if (strchr(name, '/') || name[0] == '.' || name[0] == '-') {
        gvReportError(
            error, GV_ERR_XML_ERROR,
            "invalid domain name '%s' in <name>: it may not contain '/' nor start with '.' or '-'",
            name);
        return -1;
    }
    for (p = name; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "invalid domain name in <name>: control character 0x%02x at offset %zu",
                          (unsigned char)*p, (size_t)(p - name));
            return -1;
        }
    }
    return 0;
}

/*
 * "pc", "q35", "pc-i440fx-7.2", "pc-q35-7.2", and the old "pc-0.x"/"pc-1.x"
 * names of the i440fx machine.
 */
bool
gvDomainDefMachineIsX86PC(const char *machine)
{
    return g_str_equal(machine, "pc") || g_str_equal(machine, "q35") ||
           g_str_has_prefix(machine, "pc-i440fx-") || g_str_has_prefix(machine, "pc-q35-") ||
           g_str_has_prefix(machine, "pc-0.") || g_str_has_prefix(machine, "pc-1.");
}

/* The machine's version ("pc-q35-2.4" -> 2004), or -1 for an alias like "pc". */
static int
gvDomainDefMachineVersion(const char *machine)
{
    const char *ver = NULL;
    guint64 major;
    guint64 minor;
    g_autofree char *majorStr = NULL;
    const char *dot;

    if (g_str_has_prefix(machine, "pc-i440fx-"))
        ver = machine + strlen("pc-i440fx-");
    else if (g_str_has_prefix(machine, "pc-q35-"))
        ver = machine + strlen("pc-q35-");
    else if (g_str_has_prefix(machine, "pc-"))
        ver = machine + strlen("pc-");
    if (!ver || !(dot = strchr(ver, '.')))
        return -1;
    majorStr = g_strndup(ver, dot - ver);
    if (!g_ascii_string_to_unsigned(majorStr, 10, 0, 999, &major, NULL) ||
        !g_ascii_string_to_unsigned(dot + 1, 10, 0, 999, &minor, NULL))
        return -1;
    return (int)(major * 1000 + minor);
}

bool
gvDomainDefMachineHasGenid(const char *machine)
{
    int version = gvDomainDefMachineVersion(machine);

    return gvDomainDefMachineIsX86PC(machine) && (version < 0 || version >= 2005);
}

/*
 * Whether a Linux kernel booted with @cmdline leaves ACPI off, so that it
 * never finds the genid device (QEMU says nothing): the last "acpi=off" or
 * "acpi=force" before "--" decides.  Seen on Debian's 6.1: "acpi=off" hides
 * the device, "acpi=off acpi=force" does not, and "acpi=ht" and the other
 * acpi= values leave it visible.  Parameters split at white space outside
 * double quotes, as the kernel splits them; the quotes do not count.
 */
static bool
gvDomainDefCmdlineDisablesACPI(const char *cmdline)
{
    g_autoptr(GString) arg = g_string_new(NULL);
    bool quoted = false;
    bool off = false;
    const char *p;

    for (p = cmdline;; p++) {
        if (*p == '"') {
            quoted = !quoted;
            continue;
        }
        if (*p != '\0' && (quoted || !g_ascii_isspace(*p))) {
            g_string_append_c(arg, *p);
            continue;
        }
        if (g_str_equal(arg->str, "--"))
            break; /* the rest is for init */
        if (g_str_equal(arg->str, "acpi=off"))
            off = true;
        else if (g_str_equal(arg->str, "acpi=force"))
            off = false;
        g_string_truncate(arg, 0);
        if (*p == '\0')
            break;
    }
    return off;
}

static int
gvDomainDefValidateGenid(const gvDomainDef *def, GError **error)
{
    int version;

    if (gvDomainGenidDefValidate(def->genid, error) < 0)
        return -1;
    if (!def->features[GV_DOMAIN_FEATURE_ACPI]) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "genid in <devices>/<genid> needs ACPI: add <acpi/> to <features>");
        return -1;
    }
    if (def->os.cmdline && gvDomainDefCmdlineDisablesACPI(def->os.cmdline)) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "genid in <devices>/<genid> needs ACPI, which 'acpi=off' in <os>/<cmdline> turns off in the guest kernel: it would never see the device");
        return -1;
    }
    if (def->os.arch != GV_ARCH_X86_64 && def->os.arch != GV_ARCH_I686) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "genid in <devices>/<genid> needs an x86 guest, not arch '%s'",
                      gvArchTypeToString(def->os.arch));
        return -1;
    }
    if (!gvDomainDefMachineIsX86PC(def->os.machine)) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "genid in <devices>/<genid> needs a 'pc' or 'q35' machine, not machine '%s' in <os>/<type>",
            def->os.machine);
        return -1;
    }
    /* the device reads the GUID address through fw_cfg DMA (machine 2.5+) */
    version = gvDomainDefMachineVersion(def->os.machine);
    if (version >= 0 && version < 2005) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "genid in <devices>/<genid> needs fw_cfg DMA, which machine '%s' in <os>/<type> lacks (2.5 or newer needed)",
            def->os.machine);
        return -1;
    }
    return 0;
}

static int
gvDomainDefValidateDevices(const gvDomainDef *def, GError **error)
{
    guint i;
    guint j;

    for (i = 0; i < def->disks->len; i++) {
        const gvDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (gvDomainDiskDefValidate(disk, error) < 0)
            return -1;
        for (j = 0; j < i; j++) {
            const gvDomainDiskDef *other = g_ptr_array_index(def->disks, j);

            if (g_str_equal(disk->dst, other->dst)) {
                gvReportError(error, GV_ERR_XML_ERROR,
                              "target dev '%s' in <devices>/<disk>/<target> is used by two disks",
                              disk->dst);
                return -1;
            }
            /* sdX on IDE and hdX on SATA must not claim the same unit */
            if (disk->bus == other->bus &&
                gvDomainDiskIndexFromName(disk->dst) == gvDomainDiskIndexFromName(other->dst)) {
                gvReportError(
                    error, GV_ERR_XML_ERROR,
                    "disks '%s' and '%s' in <devices>/<disk> claim the same unit of bus '%s'",
                    other->dst, disk->dst, gvDomainDiskBusTypeToString(disk->bus));
                return -1;
            }
        }
        if (disk->bus == GV_DOMAIN_DISK_BUS_IDE &&
            (g_str_equal(def->os.machine, "q35") || g_str_has_prefix(def->os.machine, "pc-q35-"))) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "disk '%s' in <devices>/<disk>/<target> uses bus 'ide', which machine '%s' does not have: use 'sata'",
                disk->dst, def->os.machine);
            return -1;
        }
    }
    for (i = 0; i < def->nets->len; i++) {
        const gvDomainNetDef *net = g_ptr_array_index(def->nets, i);

        for (j = 0; j < i; j++) {
            const gvDomainNetDef *other = g_ptr_array_index(def->nets, j);

            if (memcmp(net->mac, other->mac, GV_MAC_BUFLEN) == 0) {
                char macstr[GV_MAC_STRING_BUFLEN];

                gvReportError(
                    error, GV_ERR_XML_ERROR,
                    "MAC address '%s' in <devices>/<interface>/<mac> is used by two interfaces",
                    gvMacAddrFormat(net->mac, macstr));
                return -1;
            }
        }
    }
    for (i = 0; i < def->serials->len; i++) {
        const gvDomainChrDef *chr = g_ptr_array_index(def->serials, i);

        /* post-parse numbers serial ports without one: a fifth gets port 4 */
        if (chr->port > 3) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "serial port '%d' in <devices>/<serial>/<target> is out of range: there are 4 serial ports, 0 to 3",
                chr->port);
            return -1;
        }

        for (j = 0; j < i; j++) {
            const gvDomainChrDef *other = g_ptr_array_index(def->serials, j);

            if (chr->port == other->port) {
                gvReportError(error, GV_ERR_XML_ERROR,
                              "serial port '%d' in <devices>/<serial>/<target> is used twice",
                              chr->port);
                return -1;
            }
        }
    }
    if (def->graphics->len > 1) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "only one <graphics> is supported in <devices>, not %u", def->graphics->len);
        return -1;
    }
    for (i = 0; i < def->graphics->len; i++) {
        if (gvDomainGraphicsDefValidate(g_ptr_array_index(def->graphics, i), error) < 0)
            return -1;
    }
    return gvDomainDevicesValidate(def, error);
}

int
gvDomainDefValidate(const gvDomainDef *def, GError **error)
{
    if (gvDomainDefValidateName(def->name, error) < 0)
        return -1;
    if (def->currentMemory > def->memory) {
        gvReportError(
            error, GV_ERR_XML_ERROR,
            "currentMemory '%llu' KiB in <currentMemory> is larger than memory '%llu' KiB in <memory>",
            def->currentMemory, def->memory);
        return -1;
    }
    if (def->memory < 1024) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "memory '%llu' KiB in <memory> is too small: at least 1024 KiB", def->memory);
        return -1;
    }
    if (def->vcpus > GV_DOMAIN_VCPUS_MAX) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "vcpu count '%u' in <vcpu> is more than the %d supported", def->vcpus,
                      GV_DOMAIN_VCPUS_MAX);
        return -1;
    }
    if (def->vcpusCurrent > def->vcpus) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "current vCPU count '%u' in <vcpu> is more than its maximum '%u'",
                      def->vcpusCurrent, def->vcpus);
        return -1;
    }
    if (def->cpu && gvDomainCPUDefValidate(def->cpu, def->vcpus, error) < 0)
        return -1;
    if (def->sysinfo && gvDomainSysinfoDefValidate(def->sysinfo, def->uuid, error) < 0)
        return -1;
    if (def->os.smbios == GV_DOMAIN_SMBIOS_SYSINFO && !def->sysinfo) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "<smbios mode='sysinfo'> in <os> needs a <sysinfo type='smbios'>");
        return -1;
    }
    if (def->os.loader && def->os.loader->secure == GV_TRISTATE_BOOL_YES &&
        def->os.loader->type == GV_DOMAIN_LOADER_TYPE_PFLASH &&
        def->featureDefs.smm != GV_TRISTATE_SWITCH_ON) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "secure='yes' of <os>/<loader> needs <smm state='on'/> in <features>");
        return -1;
    }
    if (gvDomainOSDefValidate(&def->os, error) < 0 ||
        gvDomainFeaturesDefValidate(&def->featureDefs, error) < 0 ||
        gvDomainClockDefValidate(&def->clock, error) < 0)
        return -1;
    if (def->emulator[0] != '/') {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "emulator '%s' in <devices>/<emulator> is not an absolute path",
                      def->emulator);
        return -1;
    }
    if (gvDomainDefValidateDevices(def, error) < 0)
        return -1;
    if (def->genid && gvDomainDefValidateGenid(def, error) < 0)
        return -1;
    return 0;
}
