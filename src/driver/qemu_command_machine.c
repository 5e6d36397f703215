/*
 * qemu_command_machine.c: the machine-level parts of the QEMU command line
 *
 * Each builder is pure: the definition, the capabilities and the context in,
 * arguments out.  gvQemuValidateMachineDef refuses, before anything runs,
 * whatever this QEMU cannot give the guest exactly as written.
 */
#include <gvconfig.h>

#include <string.h>
#include <time.h>

#include "gverror.h"
#include "qemu_command_machine.h"

gvQemuAccel
gvQemuDomainAccel(const gvDomainDef *def, const gvQemuBuildCtx *ctx)
{
    return def->virtType == GV_DOMAIN_VIRT_QEMU ? GV_QEMU_ACCEL_TCG : ctx->accel;
}

/* ---- validation ----------------------------------------------------------- */

/* QEMU's dependencies between the Hyper-V enlightenments (it refuses a start without them) */
static const struct {
    gvDomainHyperv feature;
    gvDomainHyperv needs;
} gvQemuHypervDeps[] = {
    { GV_DOMAIN_HYPERV_SYNIC, GV_DOMAIN_HYPERV_VPINDEX },
    { GV_DOMAIN_HYPERV_STIMER, GV_DOMAIN_HYPERV_SYNIC },
    { GV_DOMAIN_HYPERV_TLBFLUSH, GV_DOMAIN_HYPERV_VPINDEX },
    { GV_DOMAIN_HYPERV_IPI, GV_DOMAIN_HYPERV_VPINDEX },
    { GV_DOMAIN_HYPERV_EVMCS, GV_DOMAIN_HYPERV_VAPIC },
};

static int
gvQemuValidateHyperv(const gvDomainDef *def, bool kvm, GError **error)
{
    const gvDomainFeaturesDef *feat = &def->featureDefs;
    const gvDomainTimerDef *hvclock =
        gvDomainClockDefFindTimer(&def->clock, GV_DOMAIN_TIMER_NAME_HYPERVCLOCK);
    size_t i;

    if (!gvDomainFeaturesDefHasHyperv(feat))
        return 0;
    if (!kvm) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "the Hyper-V enlightenments of <features>/<hyperv> need KVM, but domain '%s' runs under TCG",
            def->name);
        return -1;
    }
    if (feat->hypervMode == GV_DOMAIN_HYPERV_MODE_PASSTHROUGH)
        return 0;
    for (i = 0; i < G_N_ELEMENTS(gvQemuHypervDeps); i++) {
        if (feat->hyperv[gvQemuHypervDeps[i].feature] == GV_TRISTATE_SWITCH_ON &&
            feat->hyperv[gvQemuHypervDeps[i].needs] != GV_TRISTATE_SWITCH_ON) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "Hyper-V <%s> in <features>/<hyperv> needs <%s state='on'/> too",
                          gvDomainHypervTypeToString(gvQemuHypervDeps[i].feature),
                          gvDomainHypervTypeToString(gvQemuHypervDeps[i].needs));
            return -1;
        }
    }
    /* the synthetic timers count in the reference time of hv-time */
    if (feat->hyperv[GV_DOMAIN_HYPERV_STIMER] == GV_TRISTATE_SWITCH_ON &&
        (!hvclock || hvclock->present != GV_TRISTATE_BOOL_YES)) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "Hyper-V <stimer> in <features>/<hyperv> needs <timer name='hypervclock' present='yes'/> in <clock>");
        return -1;
    }
    if (feat->stimerDirect == GV_TRISTATE_SWITCH_ON &&
        feat->hyperv[GV_DOMAIN_HYPERV_STIMER] != GV_TRISTATE_SWITCH_ON) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "Hyper-V <stimer>/<direct> in <features>/<hyperv> needs <stimer state='on'>");
        return -1;
    }
    return 0;
}

static int G_GNUC_PRINTF(3, 4)
    gvQemuTimerUnsupported(const gvDomainTimerDef *t, GError **error, const char *fmt, ...)
{
    g_autofree char *why = NULL;
    va_list ap;

    va_start(ap, fmt);
    why = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED, "<timer name='%s'> in <clock>: %s",
                  gvDomainTimerNameTypeToString(t->name), why);
    return -1;
}

static int
gvQemuValidateTimers(const gvDomainDef *def, bool kvm, GError **error)
{
    size_t i;

    for (i = 0; i < def->clock.ntimers; i++) {
        const gvDomainTimerDef *t = &def->clock.timers[i];
        const char *policy = gvDomainTimerTickpolicyTypeToString(t->tickpolicy);

        switch (t->name) {
        case GV_DOMAIN_TIMER_NAME_RTC:
            if (t->present == GV_TRISTATE_BOOL_NO)
                return gvQemuTimerUnsupported(t, error, "QEMU's x86 machines always have one");
            if (t->tickpolicy == GV_DOMAIN_TIMER_TICKPOLICY_MERGE ||
                t->tickpolicy == GV_DOMAIN_TIMER_TICKPOLICY_DISCARD)
                return gvQemuTimerUnsupported(
                    t, error, "tickpolicy '%s' is not supported by QEMU (delay or catchup)",
                    policy);
            if (t->track == GV_DOMAIN_TIMER_TRACK_BOOT)
                return gvQemuTimerUnsupported(
                    t, error, "track 'boot' is not supported by QEMU (guest, wall or realtime)");
            break;
        case GV_DOMAIN_TIMER_NAME_PIT:
            if (t->present == GV_TRISTATE_BOOL_NO)
                return gvQemuTimerUnsupported(t, error, "QEMU's x86 machines always have one");
            if (t->tickpolicy == GV_DOMAIN_TIMER_TICKPOLICY_MERGE)
                return gvQemuTimerUnsupported(
                    t, error,
                    "tickpolicy 'merge' is not supported by QEMU (delay, catchup or discard)");
            /* only KVM's in-kernel PIT has a lost tick policy */
            if (!kvm && t->tickpolicy != GV_DOMAIN_TIMER_TICKPOLICY_NONE &&
                t->tickpolicy != GV_DOMAIN_TIMER_TICKPOLICY_DELAY)
                return gvQemuTimerUnsupported(
                    t, error,
                    "tickpolicy '%s' needs KVM's in-kernel PIT, but domain '%s' runs under TCG",
                    policy, def->name);
            break;
        case GV_DOMAIN_TIMER_NAME_HPET:
        case GV_DOMAIN_TIMER_NAME_KVMCLOCK:
        case GV_DOMAIN_TIMER_NAME_HYPERVCLOCK:
            if (t->tickpolicy != GV_DOMAIN_TIMER_TICKPOLICY_NONE)
                return gvQemuTimerUnsupported(t, error, "QEMU has no tickpolicy for it");
            if (t->name != GV_DOMAIN_TIMER_NAME_HPET && t->present == GV_TRISTATE_BOOL_YES && !kvm)
                return gvQemuTimerUnsupported(
                    t, error, "it is a KVM clock, but domain '%s' runs under TCG", def->name);
            break;
        case GV_DOMAIN_TIMER_NAME_NONE:
        case GV_DOMAIN_TIMER_NAME_LAST:
            break;
        }
    }
    return 0;
}

static int
gvQemuValidateLifecycle(const gvDomainDef *def, GError **error)
{
    static const struct {
        const char *element;
        size_t offset;
    } actions[] = {
        { "on_poweroff", G_STRUCT_OFFSET(gvDomainDef, onPoweroff) },
        { "on_reboot", G_STRUCT_OFFSET(gvDomainDef, onReboot) },
        { "on_crash", G_STRUCT_OFFSET(gvDomainDef, onCrash) },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(actions); i++) {
        gvDomainLifecycleAction a =
            G_STRUCT_MEMBER(gvDomainLifecycleAction, def, actions[i].offset);

        switch (a) {
        case GV_DOMAIN_LIFECYCLE_RENAME_RESTART:
        case GV_DOMAIN_LIFECYCLE_COREDUMP_DESTROY:
        case GV_DOMAIN_LIFECYCLE_COREDUMP_RESTART:
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "action '%s' in <%s> is not supported by genvirt's QEMU driver",
                          gvDomainLifecycleTypeToString(a), actions[i].element);
            return -1;
        case GV_DOMAIN_LIFECYCLE_RESTART:
        case GV_DOMAIN_LIFECYCLE_PRESERVE:
            /*
             * A guest power-off ends the domain (the SHUTDOWN event), and a
             * guest reboot is QEMU's own: neither can restart or preserve
             * it yet.  A crash is only seen through a panic device, so
             * <on_crash> keeps whatever it says.
             */
            if (i == 0 || (i == 1 && a == GV_DOMAIN_LIFECYCLE_PRESERVE)) {
                gvReportError(
                    error, GV_ERR_CONFIG_UNSUPPORTED,
                    "action '%s' in <%s> is not supported by genvirt's QEMU driver yet: the guest would be %s",
                    gvDomainLifecycleTypeToString(a), actions[i].element,
                    i == 0 ? "destroyed" : "restarted");
                return -1;
            }
            break;
        case GV_DOMAIN_LIFECYCLE_NONE:
        case GV_DOMAIN_LIFECYCLE_DESTROY:
        case GV_DOMAIN_LIFECYCLE_LAST:
            break;
        }
    }
    return 0;
}

int
gvQemuValidateMachineDef(const gvDomainDef *def, const gvQemuCaps *caps, const gvQemuBuildCtx *ctx,
                         GError **error)
{
    bool kvm = gvQemuDomainAccel(def, ctx) == GV_QEMU_ACCEL_KVM;
    bool pc = gvDomainDefMachineIsX86PC(def->os.machine);

    if (!gvQemuCapsFindMachine(caps, def->os.machine)) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "machine '%s' in <os>/<type> is not supported by this QEMU binary",
                      def->os.machine);
        return -1;
    }
    if (gvQemuValidateCPUDef(def, caps, ctx, error) < 0 ||
        gvQemuValidateHyperv(def, kvm, error) < 0 || gvQemuValidateTimers(def, kvm, error) < 0 ||
        gvQemuValidateLifecycle(def, error) < 0)
        return -1;
    if (def->os.smbios == GV_DOMAIN_SMBIOS_HOST) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "<smbios mode='host'> in <os> is not supported: genvirt does not copy the host's SMBIOS tables (use mode='sysinfo')");
        return -1;
    }
    if (def->os.firmware == GV_DOMAIN_OS_FIRMWARE_EFI &&
        !(def->os.loader && def->os.loader->path)) {
        gvReportError(
            error, GV_ERR_INTERNAL_ERROR,
            "<os firmware='efi'> of domain '%s' has no firmware chosen yet (it is chosen at start)",
            def->name);
        return -1;
    }
    if (def->os.loader && def->os.loader->secure == GV_TRISTATE_BOOL_YES &&
        !gvDomainDefMachineIsQ35(def->os.machine)) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "secure='yes' of <os>/<loader> needs a 'q35' machine, not machine '%s' in <os>/<type>",
            def->os.machine);
        return -1;
    }
    if (!pc && (def->pm.s3 != GV_TRISTATE_BOOL_ABSENT || def->pm.s4 != GV_TRISTATE_BOOL_ABSENT)) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "<pm> needs a 'pc' or 'q35' machine, not machine '%s' in <os>/<type>",
                      def->os.machine);
        return -1;
    }
    if (!pc && (def->featureDefs.vmport != GV_TRISTATE_SWITCH_ABSENT ||
                def->featureDefs.smm != GV_TRISTATE_SWITCH_ABSENT ||
                def->featureDefs.vmcoreinfo != GV_TRISTATE_SWITCH_ABSENT)) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "<vmport>, <smm> and <vmcoreinfo> in <features> need a 'pc' or 'q35' machine, not machine '%s' in <os>/<type>",
            def->os.machine);
        return -1;
    }
    if (def->featureDefs.vmcoreinfo == GV_TRISTATE_SWITCH_ON &&
        !gvQemuCapsHasDevice(caps, "vmcoreinfo")) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "<vmcoreinfo> in <features> needs the QEMU device 'vmcoreinfo', which this QEMU binary does not have");
        return -1;
    }
    return 0;
}

/* ---- -machine, -accel ----------------------------------------------------- */

void
gvQemuBuildMachineCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuBuildCtx *ctx)
{
    const gvDomainFeaturesDef *feat = &def->featureDefs;
    const gvDomainTimerDef *hpet =
        gvDomainClockDefFindTimer(&def->clock, GV_DOMAIN_TIMER_NAME_HPET);
    GString *opts = g_string_new(NULL);

    g_string_append_printf(opts, "%s,usb=off,dump-guest-core=off,acpi=%s", def->os.machine,
                           def->features[GV_DOMAIN_FEATURE_ACPI] ? "on" : "off");
    if (feat->vmport != GV_TRISTATE_SWITCH_ABSENT)
        g_string_append_printf(opts, ",vmport=%s", gvTristateSwitchTypeToString(feat->vmport));
    if (feat->smm != GV_TRISTATE_SWITCH_ABSENT)
        g_string_append_printf(opts, ",smm=%s", gvTristateSwitchTypeToString(feat->smm));
    if (hpet && hpet->present == GV_TRISTATE_BOOL_NO)
        g_string_append(opts, ",hpet=off");
    if (def->os.loader && def->os.loader->type == GV_DOMAIN_LOADER_TYPE_PFLASH) {
        g_string_append(opts, ",pflash0=gv-pflash0-format");
        if (def->os.nvram)
            g_string_append(opts, ",pflash1=gv-pflash1-format");
    }
    gvCommandAddArg(cmd, "-machine");
    gvCommandAddArg(cmd, opts->str);
    g_string_free(opts, TRUE);
    gvCommandAddArg(cmd, "-accel");
    gvCommandAddArg(cmd, gvQemuAccelTypeToString(gvQemuDomainAccel(def, ctx)));
}

/* ---- -m ------------------------------------------------------------- */

void
gvQemuBuildMemoryCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    gvCommandAddArg(cmd, "-m");
    gvCommandAddArgFormat(cmd, "size=%lluk", def->memory);
    gvCommandAddArgList(cmd, "-overcommit", "mem-lock=off", NULL);
}

/* ---- -rtc and the clock ----------------------------------------------------- */

/* variable: the guest's RTC starts at now + adjustment, in UTC or local time */
static char *
gvQemuClockBase(const gvDomainClockDef *clock, const gvQemuBuildCtx *ctx)
{
    time_t t = (time_t)(ctx->now != 0 ? ctx->now : g_get_real_time() / G_USEC_PER_SEC);
    struct tm tm;

    t += (time_t)clock->adjustment;
    if (clock->basis == GV_DOMAIN_CLOCK_BASIS_LOCALTIME)
        localtime_r(&t, &tm);
    else
        gmtime_r(&t, &tm);
    return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void
gvQemuBuildClockCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuBuildCtx *ctx)
{
    const gvDomainClockDef *clock = &def->clock;
    const gvDomainTimerDef *rtc = gvDomainClockDefFindTimer(clock, GV_DOMAIN_TIMER_NAME_RTC);
    const gvDomainTimerDef *pit = gvDomainClockDefFindTimer(clock, GV_DOMAIN_TIMER_NAME_PIT);
    GString *opts = g_string_new("base=");

    switch (clock->offset) {
    case GV_DOMAIN_CLOCK_OFFSET_VARIABLE: {
        g_autofree char *base = gvQemuClockBase(clock, ctx);

        g_string_append(opts, base);
        break;
    }
    case GV_DOMAIN_CLOCK_OFFSET_TIMEZONE:
        /* QEMU's local time in that zone (the driver checked the zone exists) */
        gvCommandAddEnvPair(cmd, "TZ", clock->timezone);
        g_string_append(opts, "localtime");
        break;
    case GV_DOMAIN_CLOCK_OFFSET_LOCALTIME:
        g_string_append(opts, "localtime");
        break;
    case GV_DOMAIN_CLOCK_OFFSET_UTC:
    case GV_DOMAIN_CLOCK_OFFSET_NONE:
    case GV_DOMAIN_CLOCK_OFFSET_LAST:
        g_string_append(opts, "utc");
        break;
    }
    if (rtc) {
        switch (rtc->track) {
        case GV_DOMAIN_TIMER_TRACK_GUEST:
            g_string_append(opts, ",clock=vm");
            break;
        case GV_DOMAIN_TIMER_TRACK_WALL:
            g_string_append(opts, ",clock=host");
            break;
        case GV_DOMAIN_TIMER_TRACK_REALTIME:
            g_string_append(opts, ",clock=rt");
            break;
        case GV_DOMAIN_TIMER_TRACK_BOOT: /* refused by validation */
        case GV_DOMAIN_TIMER_TRACK_NONE:
        case GV_DOMAIN_TIMER_TRACK_LAST:
            break;
        }
        if (rtc->tickpolicy == GV_DOMAIN_TIMER_TICKPOLICY_CATCHUP)
            g_string_append(opts, ",driftfix=slew");
    }
    gvCommandAddArg(cmd, "-rtc");
    gvCommandAddArg(cmd, opts->str);
    g_string_free(opts, TRUE);

    /* KVM's in-kernel PIT: catchup is its default; TCG's PIT always delays */
    if (pit && gvQemuDomainAccel(def, ctx) == GV_QEMU_ACCEL_KVM) {
        switch (pit->tickpolicy) {
        case GV_DOMAIN_TIMER_TICKPOLICY_DELAY:
            gvCommandAddArgList(cmd, "-global", "kvm-pit.lost_tick_policy=delay", NULL);
            break;
        case GV_DOMAIN_TIMER_TICKPOLICY_DISCARD:
            gvCommandAddArgList(cmd, "-global", "kvm-pit.lost_tick_policy=discard", NULL);
            break;
        case GV_DOMAIN_TIMER_TICKPOLICY_CATCHUP:
        case GV_DOMAIN_TIMER_TICKPOLICY_MERGE: /* refused by validation */
        case GV_DOMAIN_TIMER_TICKPOLICY_NONE:
        case GV_DOMAIN_TIMER_TICKPOLICY_LAST:
            break;
        }
    }
}

/* ---- lifecycle and power management --------------------------------------- */

void
gvQemuBuildLifecycleCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    /* the daemon decides what a guest power-off means (on_poweroff) */
    gvCommandAddArg(cmd, "-no-shutdown");
    if (def->onReboot == GV_DOMAIN_LIFECYCLE_DESTROY)
        gvCommandAddArg(cmd, "-no-reboot");
}

/* S3 and S4 are properties of the machine's ACPI PM device */
void
gvQemuBuildPMCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    const char *dev = gvDomainDefMachineIsQ35(def->os.machine) ? "ICH9-LPC" : "PIIX4_PM";

    if (def->pm.s3 != GV_TRISTATE_BOOL_ABSENT) {
        gvCommandAddArg(cmd, "-global");
        gvCommandAddArgFormat(cmd, "%s.disable_s3=%d", dev, def->pm.s3 == GV_TRISTATE_BOOL_NO);
    }
    if (def->pm.s4 != GV_TRISTATE_BOOL_ABSENT) {
        gvCommandAddArg(cmd, "-global");
        gvCommandAddArgFormat(cmd, "%s.disable_s4=%d", dev, def->pm.s4 == GV_TRISTATE_BOOL_NO);
    }
}

/* <vmcoreinfo state='on'/>: QEMU's device that hands the guest kernel's
 * crash notes (its vmcoreinfo) to a dump of the guest */
void
gvQemuBuildVMCoreInfoCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    json_object *dev;

    if (def->featureDefs.vmcoreinfo != GV_TRISTATE_SWITCH_ON)
        return;
    dev = json_object_new_object();
    gvJSONAddString(dev, "driver", "vmcoreinfo");
    gvQemuAddJSONArg(cmd, "-device", dev);
}

/* ---- -boot and direct kernel boot ----------------------------------------- */

static void
gvQemuBuildBootOrder(gvCommand *cmd, const gvDomainDef *def)
{
    GString *order;
    size_t i;

    if (def->os.nboot == 0 && def->os.bootmenu == GV_TRISTATE_BOOL_ABSENT)
        return;
    order = g_string_new(def->os.nboot > 0 ? "order=" : "");
    for (i = 0; i < def->os.nboot; i++) {
        switch (def->os.boot[i]) {
        case GV_DOMAIN_BOOT_HD:
            g_string_append_c(order, 'c');
            break;
        case GV_DOMAIN_BOOT_CDROM:
            g_string_append_c(order, 'd');
            break;
        case GV_DOMAIN_BOOT_NETWORK:
            g_string_append_c(order, 'n');
            break;
        case GV_DOMAIN_BOOT_FLOPPY:
            g_string_append_c(order, 'a');
            break;
        case GV_DOMAIN_BOOT_NONE:
        case GV_DOMAIN_BOOT_LAST:
            break;
        }
    }
    if (def->os.bootmenu != GV_TRISTATE_BOOL_ABSENT) {
        g_string_append_printf(order, "%smenu=%s", order->len > 0 ? "," : "",
                               def->os.bootmenu == GV_TRISTATE_BOOL_YES ? "on" : "off");
        if (def->os.hasBootmenuTimeout)
            g_string_append_printf(order, ",splash-time=%u", def->os.bootmenuTimeout);
    }
    gvCommandAddArg(cmd, "-boot");
    gvCommandAddArg(cmd, order->str);
    g_string_free(order, TRUE);
}

/*
 * Direct kernel boot.  QEMU takes the three values as they are (no QemuOpts
 * escaping); the driver opened and checked both files before the start.
 */
static void
gvQemuBuildKernelCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    if (def->os.kernel)
        gvCommandAddArgList(cmd, "-kernel", def->os.kernel, NULL);
    if (def->os.initrd)
        gvCommandAddArgList(cmd, "-initrd", def->os.initrd, NULL);
    if (def->os.cmdline)
        gvCommandAddArgList(cmd, "-append", def->os.cmdline, NULL);
}

void
gvQemuBuildBootCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    gvQemuBuildBootOrder(cmd, def);
    gvQemuBuildKernelCommandLine(cmd, def);
}

/* ---- firmware ------------------------------------------------------------------ */

/* One flash unit: a file protocol node and a raw format node over it */
static void
gvQemuBuildFlashBlockdevs(gvCommand *cmd, unsigned int unit, const char *path, bool readonly)
{
    g_autofree char *storage = g_strdup_printf("gv-pflash%u-storage", unit);
    g_autofree char *format = g_strdup_printf("gv-pflash%u-format", unit);
    json_object *file = json_object_new_object();
    json_object *fmt = json_object_new_object();

    gvJSONAddString(file, "driver", "file");
    gvJSONAddString(file, "filename", path);
    gvJSONAddString(file, "node-name", storage);
    gvJSONAddBool(file, "read-only", readonly);
    gvQemuAddJSONArg(cmd, "-blockdev", file);
    gvJSONAddString(fmt, "driver", "raw");
    gvJSONAddString(fmt, "file", storage);
    gvJSONAddString(fmt, "node-name", format);
    gvJSONAddBool(fmt, "read-only", readonly);
    gvQemuAddJSONArg(cmd, "-blockdev", fmt);
}

/*
 * A pflash loader is unit 0 (read-only code), the NVRAM unit 1 (the
 * guest's variables, read-write); -machine names both nodes.  A rom loader
 * is -bios.  Secure Boot: only SMM code may write the flash.
 */
void
gvQemuBuildFirmwareCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    const gvDomainLoaderDef *loader = def->os.loader;

    if (!loader || !loader->path)
        return;
    if (loader->type != GV_DOMAIN_LOADER_TYPE_PFLASH) {
        gvCommandAddArgList(cmd, "-bios", loader->path, NULL);
        return;
    }
    gvQemuBuildFlashBlockdevs(cmd, 0, loader->path, loader->readonly == GV_TRISTATE_BOOL_YES);
    if (def->os.nvram)
        gvQemuBuildFlashBlockdevs(cmd, 1, def->os.nvram, false);
    if (loader->secure == GV_TRISTATE_BOOL_YES)
        gvCommandAddArgList(cmd, "-global", "driver=cfi.pflash01,property=secure,value=on", NULL);
}

/* ---- -smbios --------------------------------------------------------------------- */

void
gvQemuBuildSmbiosCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    const gvDomainSysinfoDef *sysinfo = def->sysinfo;
    size_t i;
    size_t j;

    /* <sysinfo> reaches the guest only with <smbios mode='sysinfo'/>, as in libvirt */
    if (def->os.smbios != GV_DOMAIN_SMBIOS_SYSINFO || !sysinfo)
        return;
    for (i = 0; i < GV_DOMAIN_SYSINFO_LAST; i++) {
        const char *const *names = gvDomainSysinfoEntryNames(i);
        GString *opts;

        if (!sysinfo->present[i])
            continue;
        opts = g_string_new(NULL);
        g_string_append_printf(opts, "type=%d", gvDomainSysinfoSmbiosType(i));
        for (j = 0; names[j]; j++) {
            g_autofree char *value = NULL;

            if (!sysinfo->values[i][j])
                continue;
            value = gvQemuOptEscape(sysinfo->values[i][j]);
            g_string_append_printf(opts, ",%s=%s", names[j], value);
        }
        /* a block without entries is not a table QEMU can write */
        if (!strchr(opts->str, ',')) {
            g_string_free(opts, TRUE);
            continue;
        }
        gvCommandAddArg(cmd, "-smbios");
        gvCommandAddArg(cmd, opts->str);
        g_string_free(opts, TRUE);
    }
    for (j = 0; sysinfo->oemStrings && j < sysinfo->oemStrings->len; j++) {
        g_autofree char *value = gvQemuOptEscape(g_ptr_array_index(sysinfo->oemStrings, j));

        gvCommandAddArg(cmd, "-smbios");
        gvCommandAddArgFormat(cmd, "type=11,value=%s", value);
    }
}
