/*
 * qemu_command_cpu.c: -cpu and -smp, and the checks of <cpu> against what
 * QEMU says of this host (qemu_capabilities_cpu.c)
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "qemu_capabilities_cpu.h"
#include "qemu_command_machine.h"

static const char *
gvQemuAccelName(gvQemuAccel accel)
{
    return accel == GV_QEMU_ACCEL_KVM ? "KVM" : "TCG";
}

/* ---- host-model ----------------------------------------------------------- */

/* What @orig (mode host-model) of a domain of @emulator becomes under @accel */
static gvDomainCPUDef *
gvQemuResolveHostModel(const gvDomainCPUDef *orig, const char *emulator, const gvQemuCaps *caps,
                       gvQemuAccel accel, GError **error)
{
    const gvQemuCPUCaps *cpu = gvQemuCapsCPUData(caps, accel);
    g_autoptr(GArray) changes = NULL;
    const gvQemuCPUModel *model;
    gvDomainCPUDef *ret;
    guint i;

    if (!cpu) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "<cpu mode='host-model'> needs what QEMU says of this host's CPU under %s, and the capabilities of '%s' have nothing on it",
            gvQemuAccelName(accel), emulator);
        return NULL;
    }
    if (!(model = gvQemuCPUCapsResolveHostModel(cpu, accel, &changes))) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "<cpu mode='host-model'>: no CPU model of this QEMU has the vendor '%s' of this host's CPU under %s",
            cpu->accel[accel].hostVendor ? cpu->accel[accel].hostVendor : "(unknown)",
            gvQemuAccelName(accel));
        return NULL;
    }
    ret = gvDomainCPUDefCopy(orig);
    ret->mode = GV_DOMAIN_CPU_MODE_CUSTOM;
    ret->match = GV_DOMAIN_CPU_MATCH_EXACT;
    ret->check = GV_DOMAIN_CPU_CHECK_PARTIAL;
    ret->fallback = GV_DOMAIN_CPU_FALLBACK_FORBID;
    g_free(ret->model);
    ret->model = g_strdup(model->name);
    g_free(ret->vendor);
    ret->vendor = g_strdup(gvQemuCPUVendorName(model->vendor));
    /* what the user wrote about a feature wins over the host's state */
    for (i = 0; i < changes->len; i++) {
        const gvQemuCPUFeatureChange *c = &g_array_index(changes, gvQemuCPUFeatureChange, i);

        if (!gvDomainCPUDefFindFeature(orig, c->name))
            gvDomainCPUDefSetFeature(ret, c->name,
                                     c->on ? GV_DOMAIN_CPU_FEATURE_REQUIRE
                                           : GV_DOMAIN_CPU_FEATURE_DISABLE);
    }
    return ret;
}

int
gvQemuDomainResolveCPU(gvDomainDef *def, const gvQemuCaps *caps, gvQemuAccel accel, GError **error)
{
    gvDomainCPUDef *resolved;

    if (def->virtType == GV_DOMAIN_VIRT_QEMU)
        accel = GV_QEMU_ACCEL_TCG;
    if (!def->cpu || def->cpu->mode != GV_DOMAIN_CPU_MODE_HOST_MODEL)
        return 0;
    if (!(resolved = gvQemuResolveHostModel(def->cpu, def->emulator, caps, accel, error)))
        return -1;
    gvDomainCPUDefFree(def->cpu);
    def->cpu = resolved;
    return 0;
}

gvDomainCPUDef *
gvQemuCPUHostModel(const gvQemuCaps *caps, const char *emulator, gvQemuAccel accel, GError **error)
{
    g_autoptr(gvDomainCPUDef) cpu = gvDomainCPUDefNew();

    /* <cpu mode='host-model'/> as post-parse leaves it */
    cpu->mode = GV_DOMAIN_CPU_MODE_HOST_MODEL;
    gvDomainCPUDefPostParse(cpu);
    return gvQemuResolveHostModel(cpu, emulator, caps, accel, error);
}

/* ---- validation ----------------------------------------------------------- */

static bool
gvQemuCPUFeatureOn(gvDomainCPUFeaturePolicy policy)
{
    switch (policy) {
    case GV_DOMAIN_CPU_FEATURE_FORCE:
    case GV_DOMAIN_CPU_FEATURE_REQUIRE:
    case GV_DOMAIN_CPU_FEATURE_OPTIONAL:
        return true;
    case GV_DOMAIN_CPU_FEATURE_DISABLE:
    case GV_DOMAIN_CPU_FEATURE_FORBID:
    case GV_DOMAIN_CPU_FEATURE_NONE:
    case GV_DOMAIN_CPU_FEATURE_LAST:
        break;
    }
    return false;
}

/* check='partial': what the model and the features need is on this host */
static int
gvQemuValidateCPUHost(const gvDomainCPUDef *cpu, const gvQemuCPUCaps *data, gvQemuAccel accel,
                      GError **error)
{
    char **unavailable = g_hash_table_lookup(data->accel[accel].unavailable, cpu->model);
    g_autoptr(GString) missing = g_string_new(NULL);
    size_t i;

    for (i = 0; unavailable && unavailable[i]; i++) {
        const gvDomainCPUFeatureDef *f = gvDomainCPUDefFindFeature(cpu, unavailable[i]);

        /* disabled (or forced) on purpose */
        if (f && (f->policy != GV_DOMAIN_CPU_FEATURE_REQUIRE))
            continue;
        g_string_append_printf(missing, "%s'%s'", missing->len ? ", " : "", unavailable[i]);
    }
    for (i = 0; i < cpu->features->len; i++) {
        const gvDomainCPUFeatureDef *f = g_ptr_array_index(cpu->features, i);
        int has = gvQemuCPUCapsHostHas(data, accel, f->name);

        if (f->policy == GV_DOMAIN_CPU_FEATURE_REQUIRE && has == 0 &&
            !strstr(missing->str, f->name))
            g_string_append_printf(missing, "%s'%s'", missing->len ? ", " : "", f->name);
        if (f->policy == GV_DOMAIN_CPU_FEATURE_FORBID && has == 1) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "CPU feature '%s' in <cpu>/<feature> is forbidden, but %s has it",
                          f->name,
                          accel == GV_QEMU_ACCEL_KVM ? "this host's CPU under KVM" : "TCG");
            return -1;
        }
    }
    if (missing->len > 0) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "CPU model '%s' in <cpu>/<model> cannot run as written under %s here: %s lacks %s (check='partial'; disable them with <feature policy='disable'>, or use check='none')",
            cpu->model, gvQemuAccelName(accel),
            accel == GV_QEMU_ACCEL_KVM ? "this host's CPU" : "TCG", missing->str);
        return -1;
    }
    return 0;
}

int
gvQemuValidateCPUDef(const gvDomainDef *def, const gvQemuCaps *caps, const gvQemuBuildCtx *ctx,
                     GError **error)
{
    gvQemuAccel accel = gvQemuDomainAccel(def, ctx);
    const gvQemuCPUCaps *data = gvQemuCapsCPUData(caps, accel);
    g_autoptr(gvDomainCPUDef) resolved = NULL;
    const gvDomainCPUDef *cpu = def->cpu;
    guint i;

    if (def->vcpuPlacement == GV_DOMAIN_VCPU_PLACEMENT_AUTO) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "placement 'auto' in <vcpu> needs numad, which genvirt does not use");
        return -1;
    }
    if (!cpu)
        return 0;
    if (cpu->mode == GV_DOMAIN_CPU_MODE_HOST_MODEL) {
        if (!(resolved = gvQemuResolveHostModel(def->cpu, def->emulator, caps, accel, error)))
            return -1;
        cpu = resolved;
    }
    if (cpu->model) {
        bool known = data ? gvQemuCPUCapsFindModel(data, cpu->model) != NULL : false;

        if (!data) {
            g_autofree char *type = g_strdup_printf(
                "%s-%s-cpu", cpu->model, def->os.arch == GV_ARCH_I686 ? "i386" : "x86_64");

            known = gvQemuCapsHasDevice(caps, type);
        }
        /* fallback='allow' finds no other model either: genvirt never swaps the model */
        if (!known) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "CPU model '%s' in <cpu>/<model> is not supported by this QEMU binary",
                          cpu->model);
            return -1;
        }
    }
    if (!data)
        return 0;
    for (i = 0; i < cpu->features->len; i++) {
        const gvDomainCPUFeatureDef *f = g_ptr_array_index(cpu->features, i);

        if (gvQemuCPUCapsHostHas(data, accel, f->name) < 0) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "CPU feature '%s' in <cpu>/<feature> is not known to this QEMU binary",
                          f->name);
            return -1;
        }
    }
    if (cpu->vendor) {
        const gvQemuCPUModel *m = gvQemuCPUCapsFindModel(data, cpu->model);
        const char *modelVendor = m ? gvQemuCPUVendorName(m->vendor) : NULL;

        if (g_strcmp0(modelVendor, cpu->vendor) != 0) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "CPU vendor '%s' in <cpu>/<vendor> is not the vendor '%s' of model '%s'",
                          cpu->vendor, modelVendor ? modelVendor : "(unknown)", cpu->model);
            return -1;
        }
    }
    if (cpu->model && cpu->check == GV_DOMAIN_CPU_CHECK_PARTIAL &&
        gvQemuValidateCPUHost(cpu, data, accel, error) < 0)
        return -1;
    return 0;
}

/* ---- -cpu ------------------------------------------------------------------- */

/* The model and what <cpu> says of features; @cpu is resolved (not host-model) */
static void
gvQemuBuildCPUModel(GString *opts, const gvDomainDef *def, const gvDomainCPUDef *cpu, bool kvm)
{
    const char *generic = def->os.arch == GV_ARCH_I686 ? "qemu32" : "qemu64";
    guint i;

    if (!cpu) {
        g_string_append(opts, generic);
        return;
    }
    switch (cpu->mode) {
    case GV_DOMAIN_CPU_MODE_HOST_PASSTHROUGH:
        /* "host" exists only under KVM; "max" is TCG's everything-on CPU */
        g_string_append(opts, kvm ? "host" : "max");
        if (kvm && cpu->migratable != GV_TRISTATE_SWITCH_ABSENT)
            g_string_append_printf(opts, ",migratable=%s",
                                   gvTristateSwitchTypeToString(cpu->migratable));
        break;
    case GV_DOMAIN_CPU_MODE_CUSTOM:
        g_string_append(opts, cpu->model ? cpu->model : generic);
        break;
    case GV_DOMAIN_CPU_MODE_HOST_MODEL: /* resolved by the caller */
    case GV_DOMAIN_CPU_MODE_NONE:
    case GV_DOMAIN_CPU_MODE_LAST:
        g_string_append(opts, generic);
        break;
    }
    for (i = 0; i < cpu->features->len; i++) {
        const gvDomainCPUFeatureDef *f = g_ptr_array_index(cpu->features, i);

        g_string_append_printf(opts, ",%s=%s", f->name,
                               gvQemuCPUFeatureOn(f->policy) ? "on" : "off");
    }
    /* full: QEMU itself refuses to start a CPU it cannot give exactly */
    if (cpu->model && cpu->check == GV_DOMAIN_CPU_CHECK_FULL)
        g_string_append(opts, ",enforce");
}

/* The hv- property of each enlightenment (vendor_id and spinlocks take a value) */
static const char *const gvQemuHypervProps[GV_DOMAIN_HYPERV_LAST] = {
    [GV_DOMAIN_HYPERV_RELAXED] = "hv-relaxed",
    [GV_DOMAIN_HYPERV_VAPIC] = "hv-vapic",
    [GV_DOMAIN_HYPERV_SPINLOCKS] = "hv-spinlocks",
    [GV_DOMAIN_HYPERV_VPINDEX] = "hv-vpindex",
    [GV_DOMAIN_HYPERV_RUNTIME] = "hv-runtime",
    [GV_DOMAIN_HYPERV_SYNIC] = "hv-synic",
    [GV_DOMAIN_HYPERV_STIMER] = "hv-stimer",
    [GV_DOMAIN_HYPERV_RESET] = "hv-reset",
    [GV_DOMAIN_HYPERV_VENDOR_ID] = "hv-vendor-id",
    [GV_DOMAIN_HYPERV_FREQUENCIES] = "hv-frequencies",
    [GV_DOMAIN_HYPERV_REENLIGHTENMENT] = "hv-reenlightenment",
    [GV_DOMAIN_HYPERV_TLBFLUSH] = "hv-tlbflush",
    [GV_DOMAIN_HYPERV_IPI] = "hv-ipi",
    [GV_DOMAIN_HYPERV_EVMCS] = "hv-evmcs",
};

static void
gvQemuBuildHypervFlags(GString *opts, const gvDomainFeaturesDef *feat)
{
    size_t i;

    if (feat->hypervMode == GV_DOMAIN_HYPERV_MODE_PASSTHROUGH) {
        g_string_append(opts, ",hv-passthrough=on");
        return;
    }
    for (i = 0; i < GV_DOMAIN_HYPERV_LAST; i++) {
        /* off is QEMU's default: only what is on is written, as libvirt does */
        if (feat->hyperv[i] != GV_TRISTATE_SWITCH_ON)
            continue;
        if (i == GV_DOMAIN_HYPERV_SPINLOCKS)
            g_string_append_printf(opts, ",%s=0x%x", gvQemuHypervProps[i], feat->spinlockRetries);
        else if (i == GV_DOMAIN_HYPERV_VENDOR_ID)
            g_string_append_printf(opts, ",%s=%s", gvQemuHypervProps[i], feat->vendorId);
        else
            g_string_append_printf(opts, ",%s=on", gvQemuHypervProps[i]);
        if (i == GV_DOMAIN_HYPERV_STIMER && feat->stimerDirect == GV_TRISTATE_SWITCH_ON)
            g_string_append(opts, ",hv-stimer-direct=on");
    }
}

/*
 * Like libvirt, <apic/> and <pae/> only record the guest's expectation:
 * QEMU's x86 CPUs have both either way.
 */
void
gvQemuBuildCPUCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuCaps *caps,
                          const gvQemuBuildCtx *ctx)
{
    g_autoptr(gvDomainCPUDef) resolved = NULL;
    bool kvm = def->virtType == GV_DOMAIN_VIRT_KVM && ctx->accel == GV_QEMU_ACCEL_KVM;
    const gvDomainFeaturesDef *feat = &def->featureDefs;
    const gvDomainTimerDef *kvmclock =
        gvDomainClockDefFindTimer(&def->clock, GV_DOMAIN_TIMER_NAME_KVMCLOCK);
    const gvDomainTimerDef *hvclock =
        gvDomainClockDefFindTimer(&def->clock, GV_DOMAIN_TIMER_NAME_HYPERVCLOCK);
    GString *opts = g_string_new(NULL);
    size_t base;

    /* validated: host-model resolves */
    if (def->cpu && def->cpu->mode == GV_DOMAIN_CPU_MODE_HOST_MODEL)
        resolved = gvQemuResolveHostModel(def->cpu, def->emulator, caps,
                                          gvQemuDomainAccel(def, ctx), NULL);
    gvQemuBuildCPUModel(opts, def, resolved ? resolved : def->cpu, kvm);
    base = opts->len;
    if (feat->apicEoi != GV_TRISTATE_SWITCH_ABSENT)
        g_string_append_printf(opts, ",kvm-pv-eoi=%s", gvTristateSwitchTypeToString(feat->apicEoi));
    if (feat->kvmHidden == GV_TRISTATE_SWITCH_ON)
        g_string_append(opts, ",kvm=off");
    if (kvmclock && kvmclock->present != GV_TRISTATE_BOOL_ABSENT)
        g_string_append_printf(opts, ",kvmclock=%s",
                               kvmclock->present == GV_TRISTATE_BOOL_YES ? "on" : "off");
    if (hvclock && hvclock->present == GV_TRISTATE_BOOL_YES)
        g_string_append(opts, ",hv-time=on");
    gvQemuBuildHypervFlags(opts, feat);
    /* without <cpu> and flags, QEMU's default model is the same qemu64 */
    if (def->cpu || opts->len > base) {
        gvCommandAddArg(cmd, "-cpu");
        gvCommandAddArg(cmd, opts->str);
    }
    g_string_free(opts, TRUE);
}

/* ---- -smp ----------------------------------------------------------------- */

void
gvQemuBuildSMPCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    const gvDomainCPUDef *cpu = def->cpu;
    GString *opts = g_string_new(NULL);

    if (def->vcpusCurrent != 0)
        g_string_append_printf(opts, "%u,maxcpus=%u", def->vcpusCurrent, def->vcpus);
    else
        g_string_append_printf(opts, "%u", def->vcpus);
    if (cpu && cpu->hasTopology)
        g_string_append_printf(opts, ",sockets=%u,dies=%u,cores=%u,threads=%u", cpu->sockets,
                               cpu->dies, cpu->cores, cpu->threads);
    else
        g_string_append_printf(opts, ",sockets=%u,cores=1,threads=1", def->vcpus);
    gvCommandAddArg(cmd, "-smp");
    gvCommandAddArg(cmd, opts->str);
    g_string_free(opts, TRUE);
}
