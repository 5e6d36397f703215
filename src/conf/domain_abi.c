/*
 * domain_abi.c: what must not change under a running guest
 *
 * Used for migration (the destination definition against the source's) and
 * restore with an alternate XML.  Every mismatch gets its own message with
 * both values; all of them are reported together.
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_conf.h"
#include "gverror.h"

static void G_GNUC_PRINTF(2, 3) gvABIMismatch(GPtrArray *msgs, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(msgs, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static void
gvDomainGenidCheckABIStability(const gvDomainGenidDef *src, const gvDomainGenidDef *dst,
                               GPtrArray *msgs)
{
    if (!src || !dst) {
        if (src != dst)
            gvABIMismatch(msgs, "target genid device '%s' does not match source genid device '%s'",
                          dst ? "present" : "absent", src ? "present" : "absent");
        return;
    }
    if (src->model != dst->model)
        gvABIMismatch(msgs, "target genid model '%s' does not match source model '%s'",
                      gvDomainGenidModelTypeToString(dst->model),
                      gvDomainGenidModelTypeToString(src->model));
    /* a destination without a value takes the source's: no mismatch */
    if (src->hasGuid && dst->hasGuid && memcmp(src->guid, dst->guid, GV_UUID_BUFLEN) != 0) {
        char s[GV_UUID_STRING_BUFLEN];
        char d[GV_UUID_STRING_BUFLEN];

        gvABIMismatch(msgs, "target genid guid '%s' does not match source guid '%s'",
                      gvUUIDFormat(dst->guid, d), gvUUIDFormat(src->guid, s));
        explicit_bzero(s, sizeof(s));
        explicit_bzero(d, sizeof(d));
    }
}

static void
gvDomainDisksCheckABIStability(const gvDomainDef *src, const gvDomainDef *dst, GPtrArray *msgs)
{
    guint i;

    if (src->disks->len != dst->disks->len) {
        gvABIMismatch(msgs, "target disk count '%u' does not match source count '%u'",
                      dst->disks->len, src->disks->len);
        return;
    }
    for (i = 0; i < src->disks->len; i++) {
        const gvDomainDiskDef *s = g_ptr_array_index(src->disks, i);
        const gvDomainDiskDef *d = g_ptr_array_index(dst->disks, i);

        if (!g_str_equal(s->dst, d->dst))
            gvABIMismatch(msgs, "target disk %u is '%s', the source's '%s'", i + 1, d->dst, s->dst);
        if (s->bus != d->bus)
            gvABIMismatch(msgs, "target disk '%s' is on bus '%s', the source's on bus '%s'", d->dst,
                          gvDomainDiskBusTypeToString(d->bus), gvDomainDiskBusTypeToString(s->bus));
        if (s->device != d->device)
            gvABIMismatch(msgs, "target disk '%s' is a '%s', the source's a '%s'", d->dst,
                          gvDomainDiskDeviceTypeToString(d->device),
                          gvDomainDiskDeviceTypeToString(s->device));
        if (s->readonly != d->readonly)
            gvABIMismatch(msgs, "target disk '%s' is %s, the source's is %s", d->dst,
                          d->readonly ? "read-only" : "writable",
                          s->readonly ? "read-only" : "writable");
    }
}

static void
gvDomainNetsCheckABIStability(const gvDomainDef *src, const gvDomainDef *dst, GPtrArray *msgs)
{
    guint i;

    if (src->nets->len != dst->nets->len) {
        gvABIMismatch(msgs, "target interface count '%u' does not match source count '%u'",
                      dst->nets->len, src->nets->len);
        return;
    }
    for (i = 0; i < src->nets->len; i++) {
        const gvDomainNetDef *s = g_ptr_array_index(src->nets, i);
        const gvDomainNetDef *d = g_ptr_array_index(dst->nets, i);
        char smac[GV_MAC_STRING_BUFLEN];
        char dmac[GV_MAC_STRING_BUFLEN];

        if (s->model != d->model)
            gvABIMismatch(msgs, "target interface %u has model '%s', the source's model '%s'",
                          i + 1, gvDomainNetModelTypeToString(d->model),
                          gvDomainNetModelTypeToString(s->model));
        if (memcmp(s->mac, d->mac, GV_MAC_BUFLEN) != 0)
            gvABIMismatch(msgs, "target interface %u has MAC '%s', the source's MAC '%s'", i + 1,
                          gvMacAddrFormat(d->mac, dmac), gvMacAddrFormat(s->mac, smac));
    }
}

static const char *
gvABISwitch(gvTristateSwitch s)
{
    return s == GV_TRISTATE_SWITCH_ABSENT ? "default" : gvTristateSwitchTypeToString(s);
}

static void
gvDomainFeaturesCheckABIStability(const gvDomainDef *src, const gvDomainDef *dst, GPtrArray *msgs)
{
    const gvDomainFeaturesDef *s = &src->featureDefs;
    const gvDomainFeaturesDef *d = &dst->featureDefs;
    size_t i;

    for (i = 0; i < GV_DOMAIN_FEATURE_LAST; i++) {
        if (src->features[i] != dst->features[i])
            gvABIMismatch(msgs, "target feature '%s' is %s, the source's is %s",
                          gvDomainFeatureTypeToString(i), dst->features[i] ? "on" : "off",
                          src->features[i] ? "on" : "off");
    }
    if (s->apicEoi != d->apicEoi)
        gvABIMismatch(msgs, "target APIC EOI '%s' does not match source APIC EOI '%s'",
                      gvABISwitch(d->apicEoi), gvABISwitch(s->apicEoi));
    if (s->vmport != d->vmport)
        gvABIMismatch(msgs, "target vmport '%s' does not match source vmport '%s'",
                      gvABISwitch(d->vmport), gvABISwitch(s->vmport));
    if (s->smm != d->smm)
        gvABIMismatch(msgs, "target SMM '%s' does not match source SMM '%s'", gvABISwitch(d->smm),
                      gvABISwitch(s->smm));
    if (s->vmcoreinfo != d->vmcoreinfo)
        gvABIMismatch(msgs, "target vmcoreinfo '%s' does not match source vmcoreinfo '%s'",
                      gvABISwitch(d->vmcoreinfo), gvABISwitch(s->vmcoreinfo));
    if (s->hypervMode != d->hypervMode)
        gvABIMismatch(msgs, "target Hyper-V mode '%s' does not match source mode '%s'",
                      gvDomainHypervModeTypeToString(d->hypervMode),
                      gvDomainHypervModeTypeToString(s->hypervMode));
    for (i = 0; i < GV_DOMAIN_HYPERV_LAST; i++) {
        if (s->hyperv[i] != d->hyperv[i])
            gvABIMismatch(msgs, "target Hyper-V '%s' is '%s', the source's is '%s'",
                          gvDomainHypervTypeToString(i), gvABISwitch(d->hyperv[i]),
                          gvABISwitch(s->hyperv[i]));
    }
    if (s->hyperv[GV_DOMAIN_HYPERV_SPINLOCKS] == GV_TRISTATE_SWITCH_ON &&
        d->hyperv[GV_DOMAIN_HYPERV_SPINLOCKS] == GV_TRISTATE_SWITCH_ON &&
        s->spinlockRetries != d->spinlockRetries)
        gvABIMismatch(msgs, "target Hyper-V spinlock retries '%u' do not match source retries '%u'",
                      d->spinlockRetries, s->spinlockRetries);
    if (g_strcmp0(s->vendorId, d->vendorId) != 0)
        gvABIMismatch(msgs, "target Hyper-V vendor_id '%s' does not match source vendor_id '%s'",
                      d->vendorId ? d->vendorId : "", s->vendorId ? s->vendorId : "");
    if (s->stimerDirect != d->stimerDirect)
        gvABIMismatch(msgs, "target Hyper-V stimer direct '%s' does not match source '%s'",
                      gvABISwitch(d->stimerDirect), gvABISwitch(s->stimerDirect));
    if (s->kvmHidden != d->kvmHidden)
        gvABIMismatch(msgs, "target KVM hidden '%s' does not match source KVM hidden '%s'",
                      gvABISwitch(d->kvmHidden), gvABISwitch(s->kvmHidden));
}

static const char *
gvABITimerPresent(const gvDomainTimerDef *t)
{
    if (!t)
        return "absent";
    return t->present == GV_TRISTATE_BOOL_ABSENT ? "default"
                                                 : gvTristateBoolTypeToString(t->present);
}

/* The clock the guest sees: the offset and which timers it has */
static void
gvDomainClockCheckABIStability(const gvDomainClockDef *src, const gvDomainClockDef *dst,
                               GPtrArray *msgs)
{
    int name;

    if (src->offset != dst->offset)
        gvABIMismatch(msgs, "target clock offset '%s' does not match source offset '%s'",
                      gvDomainClockOffsetTypeToString(dst->offset),
                      gvDomainClockOffsetTypeToString(src->offset));
    else if (src->offset == GV_DOMAIN_CLOCK_OFFSET_VARIABLE && src->basis != dst->basis)
        gvABIMismatch(msgs, "target clock basis '%s' does not match source basis '%s'",
                      gvDomainClockBasisTypeToString(dst->basis),
                      gvDomainClockBasisTypeToString(src->basis));
    else if (src->offset == GV_DOMAIN_CLOCK_OFFSET_TIMEZONE &&
             g_strcmp0(src->timezone, dst->timezone) != 0)
        gvABIMismatch(msgs, "target clock timezone '%s' does not match source timezone '%s'",
                      dst->timezone, src->timezone);
    for (name = GV_DOMAIN_TIMER_NAME_NONE + 1; name < GV_DOMAIN_TIMER_NAME_LAST; name++) {
        const gvDomainTimerDef *s = gvDomainClockDefFindTimer(src, name);
        const gvDomainTimerDef *d = gvDomainClockDefFindTimer(dst, name);

        if ((s ? s->present : GV_TRISTATE_BOOL_ABSENT) !=
            (d ? d->present : GV_TRISTATE_BOOL_ABSENT))
            gvABIMismatch(msgs, "target timer '%s' presence '%s' does not match source '%s'",
                          gvDomainTimerNameTypeToString(name), gvABITimerPresent(d),
                          gvABITimerPresent(s));
    }
}

/* The CPU the guest sees: libvirt's list (mode, model, vendor, topology, features) */
static void
gvDomainCPUCheckABIStability(const gvDomainCPUDef *src, const gvDomainCPUDef *dst, GPtrArray *msgs)
{
    guint i;

    if (!src || !dst) {
        if (src != dst)
            gvABIMismatch(msgs, "target CPU definition '%s' does not match source '%s'",
                          dst ? "present" : "absent", src ? "present" : "absent");
        return;
    }
    if (src->mode != dst->mode)
        gvABIMismatch(msgs, "target CPU mode '%s' does not match source mode '%s'",
                      gvDomainCPUModeTypeToString(dst->mode),
                      gvDomainCPUModeTypeToString(src->mode));
    if (g_strcmp0(src->model, dst->model) != 0)
        gvABIMismatch(msgs, "target CPU model '%s' does not match source model '%s'",
                      dst->model ? dst->model : "", src->model ? src->model : "");
    if (g_strcmp0(src->vendor, dst->vendor) != 0)
        gvABIMismatch(msgs, "target CPU vendor '%s' does not match source vendor '%s'",
                      dst->vendor ? dst->vendor : "", src->vendor ? src->vendor : "");
    if (src->hasTopology != dst->hasTopology || src->sockets != dst->sockets ||
        src->dies != dst->dies || src->cores != dst->cores || src->threads != dst->threads)
        gvABIMismatch(msgs,
                      "target CPU topology %u/%u/%u/%u does not match source topology "
                      "%u/%u/%u/%u (sockets/dies/cores/threads)",
                      dst->sockets, dst->dies, dst->cores, dst->threads, src->sockets, src->dies,
                      src->cores, src->threads);
    if (src->migratable != dst->migratable)
        gvABIMismatch(msgs, "target CPU migratable '%s' does not match source '%s'",
                      gvABISwitch(dst->migratable), gvABISwitch(src->migratable));
    for (i = 0; i < src->features->len; i++) {
        const gvDomainCPUFeatureDef *s = g_ptr_array_index(src->features, i);
        const gvDomainCPUFeatureDef *d = gvDomainCPUDefFindFeature(dst, s->name);

        if (!d || d->policy != s->policy)
            gvABIMismatch(msgs, "target CPU feature '%s' policy '%s' does not match source '%s'",
                          s->name, d ? gvDomainCPUFeaturePolicyTypeToString(d->policy) : "absent",
                          gvDomainCPUFeaturePolicyTypeToString(s->policy));
    }
    for (i = 0; i < dst->features->len; i++) {
        const gvDomainCPUFeatureDef *d = g_ptr_array_index(dst->features, i);

        if (!gvDomainCPUDefFindFeature(src, d->name))
            gvABIMismatch(msgs, "target CPU feature '%s' policy '%s' does not match source '%s'",
                          d->name, gvDomainCPUFeaturePolicyTypeToString(d->policy), "absent");
    }
}

static const char *
gvABIBool(gvTristateBool b)
{
    return b == GV_TRISTATE_BOOL_ABSENT ? "default" : gvTristateBoolTypeToString(b);
}

/*
 * The firmware the guest runs and the SMBIOS tables it reads.  Not the
 * paths: hosts may keep the same firmware and the NVRAM in other places.
 */
static void
gvDomainFirmwareCheckABIStability(const gvDomainDef *src, const gvDomainDef *dst, GPtrArray *msgs)
{
    const gvDomainLoaderDef *s = src->os.loader;
    const gvDomainLoaderDef *d = dst->os.loader;

    if (src->os.firmware != dst->os.firmware)
        gvABIMismatch(msgs, "target firmware '%s' does not match source firmware '%s'",
                      gvDomainOSFirmwareTypeToString(dst->os.firmware),
                      gvDomainOSFirmwareTypeToString(src->os.firmware));
    if ((s ? s->type : GV_DOMAIN_LOADER_TYPE_NONE) != (d ? d->type : GV_DOMAIN_LOADER_TYPE_NONE))
        gvABIMismatch(msgs, "target loader type '%s' does not match source loader type '%s'",
                      gvDomainLoaderTypeTypeToString(d ? d->type : GV_DOMAIN_LOADER_TYPE_NONE),
                      gvDomainLoaderTypeTypeToString(s ? s->type : GV_DOMAIN_LOADER_TYPE_NONE));
    if ((s ? s->readonly : GV_TRISTATE_BOOL_ABSENT) != (d ? d->readonly : GV_TRISTATE_BOOL_ABSENT))
        gvABIMismatch(msgs, "target loader readonly '%s' does not match source '%s'",
                      gvABIBool(d ? d->readonly : GV_TRISTATE_BOOL_ABSENT),
                      gvABIBool(s ? s->readonly : GV_TRISTATE_BOOL_ABSENT));
    if ((s ? s->secure : GV_TRISTATE_BOOL_ABSENT) != (d ? d->secure : GV_TRISTATE_BOOL_ABSENT))
        gvABIMismatch(msgs, "target loader secure '%s' does not match source '%s'",
                      gvABIBool(d ? d->secure : GV_TRISTATE_BOOL_ABSENT),
                      gvABIBool(s ? s->secure : GV_TRISTATE_BOOL_ABSENT));
    if ((src->os.nvram != NULL) != (dst->os.nvram != NULL))
        gvABIMismatch(msgs, "target NVRAM '%s' does not match source NVRAM '%s'",
                      dst->os.nvram ? "present" : "absent", src->os.nvram ? "present" : "absent");
    if (src->os.smbios != dst->os.smbios)
        gvABIMismatch(msgs, "target SMBIOS mode '%s' does not match source mode '%s'",
                      gvDomainSmbiosTypeToString(dst->os.smbios),
                      gvDomainSmbiosTypeToString(src->os.smbios));
    else if (src->os.smbios == GV_DOMAIN_SMBIOS_SYSINFO &&
             !gvDomainSysinfoDefEqual(src->sysinfo, dst->sysinfo))
        gvABIMismatch(msgs, "target SMBIOS tables (<sysinfo>) do not match the source's");
}

int
gvDomainDefCheckABIStability(const gvDomainDef *src, const gvDomainDef *dst, GError **error)
{
    g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func(g_free);

    if (memcmp(src->uuid, dst->uuid, GV_UUID_BUFLEN) != 0) {
        char s[GV_UUID_STRING_BUFLEN];
        char d[GV_UUID_STRING_BUFLEN];

        gvABIMismatch(msgs, "target domain uuid '%s' does not match source uuid '%s'",
                      gvUUIDFormat(dst->uuid, d), gvUUIDFormat(src->uuid, s));
    }
    gvDomainGenidCheckABIStability(src->genid, dst->genid, msgs);
    if (src->virtType != dst->virtType)
        gvABIMismatch(msgs, "target domain type '%s' does not match source type '%s'",
                      gvDomainVirtTypeToString(dst->virtType),
                      gvDomainVirtTypeToString(src->virtType));
    if (src->memory != dst->memory)
        gvABIMismatch(msgs, "target memory '%llu' KiB does not match source memory '%llu' KiB",
                      dst->memory, src->memory);
    if (src->vcpus != dst->vcpus)
        gvABIMismatch(msgs, "target vcpu count '%u' does not match source count '%u'", dst->vcpus,
                      src->vcpus);
    if (src->os.arch != dst->os.arch)
        gvABIMismatch(msgs, "target arch '%s' does not match source arch '%s'",
                      gvArchTypeToString(dst->os.arch), gvArchTypeToString(src->os.arch));
    if (!g_str_equal(src->os.machine, dst->os.machine))
        gvABIMismatch(msgs, "target machine '%s' does not match source machine '%s'",
                      dst->os.machine, src->os.machine);
    if ((src->vcpusCurrent ? src->vcpusCurrent : src->vcpus) !=
        (dst->vcpusCurrent ? dst->vcpusCurrent : dst->vcpus))
        gvABIMismatch(msgs, "target current vcpu count '%u' does not match source count '%u'",
                      dst->vcpusCurrent ? dst->vcpusCurrent : dst->vcpus,
                      src->vcpusCurrent ? src->vcpusCurrent : src->vcpus);
    gvDomainCPUCheckABIStability(src->cpu, dst->cpu, msgs);
    gvDomainFirmwareCheckABIStability(src, dst, msgs);
    gvDomainFeaturesCheckABIStability(src, dst, msgs);
    gvDomainClockCheckABIStability(&src->clock, &dst->clock, msgs);
    if (src->pm.s3 != dst->pm.s3)
        gvABIMismatch(msgs, "target suspend-to-mem '%s' does not match source '%s'",
                      gvABIBool(dst->pm.s3), gvABIBool(src->pm.s3));
    if (src->pm.s4 != dst->pm.s4)
        gvABIMismatch(msgs, "target suspend-to-disk '%s' does not match source '%s'",
                      gvABIBool(dst->pm.s4), gvABIBool(src->pm.s4));
    gvDomainDisksCheckABIStability(src, dst, msgs);
    gvDomainNetsCheckABIStability(src, dst, msgs);
    if (src->serials->len != dst->serials->len)
        gvABIMismatch(msgs, "target serial port count '%u' does not match source count '%u'",
                      dst->serials->len, src->serials->len);
    gvDomainDevicesCheckABIStability(src, dst, msgs);

    if (msgs->len > 0) {
        g_ptr_array_add(msgs, NULL);
        g_autofree char *joined = g_strjoinv("; ", (char **)msgs->pdata);

        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED, "%s", joined);
        explicit_bzero(joined, strlen(joined));
        return -1;
    }
    return 0;
}

void
gvDomainDefAdoptGenid(gvDomainDef *dst, const gvDomainDef *src)
{
    if (!src->genid || !dst->genid || !src->genid->hasGuid || dst->genid->hasGuid)
        return;
    if (dst->genid->autoGen != GV_TRISTATE_BOOL_YES)
        return;
    memcpy(dst->genid->guid, src->genid->guid, GV_UUID_BUFLEN);
    dst->genid->hasGuid = true;
}
