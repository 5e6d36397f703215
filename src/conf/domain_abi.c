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
    if (src->features[GV_DOMAIN_FEATURE_ACPI] != dst->features[GV_DOMAIN_FEATURE_ACPI])
        gvABIMismatch(msgs, "target ACPI '%s' does not match source ACPI '%s'",
                      dst->features[GV_DOMAIN_FEATURE_ACPI] ? "on" : "off",
                      src->features[GV_DOMAIN_FEATURE_ACPI] ? "on" : "off");
    if (src->features[GV_DOMAIN_FEATURE_APIC] != dst->features[GV_DOMAIN_FEATURE_APIC])
        gvABIMismatch(msgs, "target APIC '%s' does not match source APIC '%s'",
                      dst->features[GV_DOMAIN_FEATURE_APIC] ? "on" : "off",
                      src->features[GV_DOMAIN_FEATURE_APIC] ? "on" : "off");
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
