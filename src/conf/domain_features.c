/*
 * domain_features.c: <features>
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_features.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainFeature, GV_DOMAIN_FEATURE_LAST, [GV_DOMAIN_FEATURE_ACPI] = "acpi",
             [GV_DOMAIN_FEATURE_APIC] = "apic", [GV_DOMAIN_FEATURE_PAE] = "pae");

GV_ENUM_IMPL(gvDomainHyperv, GV_DOMAIN_HYPERV_LAST, [GV_DOMAIN_HYPERV_RELAXED] = "relaxed",
             [GV_DOMAIN_HYPERV_VAPIC] = "vapic", [GV_DOMAIN_HYPERV_SPINLOCKS] = "spinlocks",
             [GV_DOMAIN_HYPERV_VPINDEX] = "vpindex", [GV_DOMAIN_HYPERV_RUNTIME] = "runtime",
             [GV_DOMAIN_HYPERV_SYNIC] = "synic", [GV_DOMAIN_HYPERV_STIMER] = "stimer",
             [GV_DOMAIN_HYPERV_RESET] = "reset", [GV_DOMAIN_HYPERV_VENDOR_ID] = "vendor_id",
             [GV_DOMAIN_HYPERV_FREQUENCIES] = "frequencies",
             [GV_DOMAIN_HYPERV_REENLIGHTENMENT] = "reenlightenment",
             [GV_DOMAIN_HYPERV_TLBFLUSH] = "tlbflush", [GV_DOMAIN_HYPERV_IPI] = "ipi",
             [GV_DOMAIN_HYPERV_EVMCS] = "evmcs");

GV_ENUM_IMPL(
    gvDomainHypervMode, GV_DOMAIN_HYPERV_MODE_LAST, [GV_DOMAIN_HYPERV_MODE_NONE] = "none",
    [GV_DOMAIN_HYPERV_MODE_CUSTOM] = "custom", [GV_DOMAIN_HYPERV_MODE_PASSTHROUGH] = "passthrough");

void
gvDomainFeaturesDefClear(gvDomainFeaturesDef *feat)
{
    g_free(feat->vendorId);
    memset(feat, 0, sizeof(*feat));
}

/* <NAME state='on|off'/>: @required, or 'on' when absent (libvirt's <smm/>) */
static int
gvDomainFeatureStateParseXML(xmlNodePtr node, bool required, gvTristateSwitch *state,
                             GError **error)
{
    *state = GV_TRISTATE_SWITCH_ON;
    return gvXMLPropTristateSwitch(node, "state", required ? GV_XML_PROP_REQUIRED : 0, state,
                                   error);
}

/* ---- <hyperv> ----------------------------------------------------------- */

static int
gvDomainHypervParseFeature(xmlNodePtr node, gvDomainHyperv f, gvDomainFeaturesDef *feat,
                           GError **error)
{
    static const char *const stateAttrs[] = { "state", NULL };
    static const char *const spinlockAttrs[] = { "state", "retries", NULL };
    static const char *const vendorAttrs[] = { "state", "value", NULL };
    static const gvXMLChildSpec stimerChildren[] = { { "direct", 1 }, { NULL, 0 } };
    const char *const *attrs = stateAttrs;
    const gvXMLChildSpec *children = NULL;
    xmlNodePtr cur;

    if (f == GV_DOMAIN_HYPERV_SPINLOCKS)
        attrs = spinlockAttrs;
    else if (f == GV_DOMAIN_HYPERV_VENDOR_ID)
        attrs = vendorAttrs;
    else if (f == GV_DOMAIN_HYPERV_STIMER)
        children = stimerChildren;
    if (gvXMLCheckNode(node, attrs, children, false, error) < 0 ||
        gvDomainFeatureStateParseXML(node, true, &feat->hyperv[f], error) < 0)
        return -1;
    if (f == GV_DOMAIN_HYPERV_SPINLOCKS && feat->hyperv[f] == GV_TRISTATE_SWITCH_ON &&
        gvXMLPropUInt(node, "retries", GV_XML_PROP_REQUIRED, &feat->spinlockRetries, error) < 0)
        return -1;
    if (f == GV_DOMAIN_HYPERV_VENDOR_ID && feat->hyperv[f] == GV_TRISTATE_SWITCH_ON &&
        gvXMLPropString(node, "value", GV_XML_PROP_REQUIRED, &feat->vendorId, error) < 0)
        return -1;
    if (f == GV_DOMAIN_HYPERV_STIMER && (cur = gvXMLNodeGetChild(node, "direct"))) {
        if (gvXMLCheckNode(cur, stateAttrs, NULL, false, error) < 0 ||
            gvDomainFeatureStateParseXML(cur, true, &feat->stimerDirect, error) < 0)
            return -1;
    }
    return 0;
}

static int
gvDomainHypervParseXML(xmlNodePtr node, gvDomainFeaturesDef *feat, GError **error)
{
    static const char *const attrs[] = { "mode", NULL };
    gvXMLChildSpec children[GV_DOMAIN_HYPERV_LAST + 1] = { { NULL, 0 } };
    xmlNodePtr cur;
    int mode = GV_DOMAIN_HYPERV_MODE_CUSTOM;
    size_t i;

    for (i = 0; i < GV_DOMAIN_HYPERV_LAST; i++) {
        children[i].name = gvDomainHypervTypeToString(i);
        children[i].max = 1;
    }
    if (gvXMLCheckNode(node, attrs, children, false, error) < 0 ||
        gvXMLPropEnum(node, "mode", gvDomainHypervModeTypeFromString, GV_XML_PROP_NONZERO, &mode,
                      error) < 0)
        return -1;
    feat->hypervMode = mode;
    for (cur = node->children; cur; cur = cur->next) {
        int f;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        /* gvXMLCheckNode let only known enlightenments through */
        f = gvDomainHypervTypeFromString((const char *)cur->name);
        g_assert(f >= 0);
        if (gvDomainHypervParseFeature(cur, f, feat, error) < 0)
            return -1;
    }
    return 0;
}

static void
gvDomainHypervFormat(gvBuffer *buf, const gvDomainFeaturesDef *feat)
{
    size_t i;

    if (feat->hypervMode == GV_DOMAIN_HYPERV_MODE_NONE)
        return;
    gvBufferAsprintf(buf, "<hyperv mode='%s'", gvDomainHypervModeTypeToString(feat->hypervMode));
    for (i = 0; i < GV_DOMAIN_HYPERV_LAST; i++) {
        if (feat->hyperv[i] != GV_TRISTATE_SWITCH_ABSENT)
            break;
    }
    if (i == GV_DOMAIN_HYPERV_LAST) {
        gvBufferAddLit(buf, "/>\n");
        return;
    }
    gvBufferAddLit(buf, ">\n");
    gvBufferAdjustIndent(buf, 2);
    for (i = 0; i < GV_DOMAIN_HYPERV_LAST; i++) {
        gvTristateSwitch st = feat->hyperv[i];
        bool on = st == GV_TRISTATE_SWITCH_ON;

        if (st == GV_TRISTATE_SWITCH_ABSENT)
            continue;
        gvBufferAsprintf(buf, "<%s state='%s'", gvDomainHypervTypeToString(i),
                         gvTristateSwitchTypeToString(st));
        if (i == GV_DOMAIN_HYPERV_SPINLOCKS && on)
            gvBufferAsprintf(buf, " retries='%u'", feat->spinlockRetries);
        if (i == GV_DOMAIN_HYPERV_VENDOR_ID && on)
            gvBufferEscapeString(buf, " value='%s'", feat->vendorId);
        if (i == GV_DOMAIN_HYPERV_STIMER && feat->stimerDirect != GV_TRISTATE_SWITCH_ABSENT) {
            gvBufferAddLit(buf, ">\n");
            gvBufferAdjustIndent(buf, 2);
            gvBufferAsprintf(buf, "<direct state='%s'/>\n",
                             gvTristateSwitchTypeToString(feat->stimerDirect));
            gvBufferAdjustIndent(buf, -2);
            gvBufferAddLit(buf, "</stimer>\n");
            continue;
        }
        gvBufferAddLit(buf, "/>\n");
    }
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</hyperv>\n");
}

bool
gvDomainFeaturesDefHasHyperv(const gvDomainFeaturesDef *feat)
{
    size_t i;

    if (feat->hypervMode == GV_DOMAIN_HYPERV_MODE_PASSTHROUGH)
        return true;
    for (i = 0; i < GV_DOMAIN_HYPERV_LAST; i++) {
        if (feat->hyperv[i] == GV_TRISTATE_SWITCH_ON)
            return true;
    }
    return false;
}

/* ---- <kvm> -------------------------------------------------------------- */

static int
gvDomainKvmFeaturesParseXML(xmlNodePtr node, gvDomainFeaturesDef *feat, GError **error)
{
    static const gvXMLChildSpec children[] = { { "hidden", 1 }, { NULL, 0 } };
    static const char *const stateAttrs[] = { "state", NULL };
    xmlNodePtr cur;

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0)
        return -1;
    if ((cur = gvXMLNodeGetChild(node, "hidden"))) {
        if (gvXMLCheckNode(cur, stateAttrs, NULL, false, error) < 0 ||
            gvDomainFeatureStateParseXML(cur, true, &feat->kvmHidden, error) < 0)
            return -1;
    }
    return 0;
}

static void
gvDomainKvmFeaturesFormat(gvBuffer *buf, const gvDomainFeaturesDef *feat)
{
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

    if (feat->kvmHidden != GV_TRISTATE_SWITCH_ABSENT)
        gvBufferAsprintf(&childBuf, "<hidden state='%s'/>\n",
                         gvTristateSwitchTypeToString(feat->kvmHidden));
    /* like libvirt, an empty <kvm/> is not written */
    gvXMLFormatElement(buf, "kvm", NULL, &childBuf);
}

/* ---- <features> --------------------------------------------------------- */

int
gvDomainFeaturesDefParseXML(xmlNodePtr node, bool *enabled, gvDomainFeaturesDef *feat,
                            GError **error)
{
    static const gvXMLChildSpec children[] = {
        { "acpi", 1 },   { "apic", 1 }, { "pae", 1 },        { "hyperv", 1 }, { "kvm", 1 },
        { "vmport", 1 }, { "smm", 1 },  { "vmcoreinfo", 1 }, { NULL, 0 }
    };
    static const char *const apicAttrs[] = { "eoi", NULL };
    static const char *const stateAttrs[] = { "state", NULL };
    xmlNodePtr cur;

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0)
        return -1;
    for (cur = node->children; cur; cur = cur->next) {
        const char *name = (const char *)cur->name;
        int rc = 0;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (g_str_equal(name, "hyperv")) {
            rc = gvDomainHypervParseXML(cur, feat, error);
        } else if (g_str_equal(name, "kvm")) {
            rc = gvDomainKvmFeaturesParseXML(cur, feat, error);
        } else if (g_str_equal(name, "vmport") || g_str_equal(name, "smm") ||
                   g_str_equal(name, "vmcoreinfo")) {
            gvTristateSwitch *st = &feat->smm;

            if (g_str_equal(name, "vmport"))
                st = &feat->vmport;
            else if (g_str_equal(name, "vmcoreinfo"))
                st = &feat->vmcoreinfo;

            if (gvXMLCheckNode(cur, stateAttrs, NULL, false, error) < 0 ||
                gvDomainFeatureStateParseXML(cur, false, st, error) < 0)
                return -1;
        } else {
            int f = gvDomainFeatureTypeFromString(name);

            g_assert(f >= 0);
            if (gvXMLCheckNode(cur, f == GV_DOMAIN_FEATURE_APIC ? apicAttrs : NULL, NULL, false,
                               error) < 0)
                return -1;
            if (f == GV_DOMAIN_FEATURE_APIC &&
                gvXMLPropTristateSwitch(cur, "eoi", GV_XML_PROP_NONE, &feat->apicEoi, error) < 0)
                return -1;
            enabled[f] = true;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* libvirt's order: acpi, apic, pae, hyperv, kvm, vmport, smm, vmcoreinfo */
void
gvDomainFeaturesDefFormat(gvBuffer *buf, const bool *enabled, const gvDomainFeaturesDef *feat)
{
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

    if (enabled[GV_DOMAIN_FEATURE_ACPI])
        gvBufferAddLit(&childBuf, "<acpi/>\n");
    if (enabled[GV_DOMAIN_FEATURE_APIC]) {
        if (feat->apicEoi != GV_TRISTATE_SWITCH_ABSENT)
            gvBufferAsprintf(&childBuf, "<apic eoi='%s'/>\n",
                             gvTristateSwitchTypeToString(feat->apicEoi));
        else
            gvBufferAddLit(&childBuf, "<apic/>\n");
    }
    if (enabled[GV_DOMAIN_FEATURE_PAE])
        gvBufferAddLit(&childBuf, "<pae/>\n");
    gvDomainHypervFormat(&childBuf, feat);
    gvDomainKvmFeaturesFormat(&childBuf, feat);
    if (feat->vmport != GV_TRISTATE_SWITCH_ABSENT)
        gvBufferAsprintf(&childBuf, "<vmport state='%s'/>\n",
                         gvTristateSwitchTypeToString(feat->vmport));
    if (feat->smm != GV_TRISTATE_SWITCH_ABSENT)
        gvBufferAsprintf(&childBuf, "<smm state='%s'/>\n", gvTristateSwitchTypeToString(feat->smm));
    if (feat->vmcoreinfo != GV_TRISTATE_SWITCH_ABSENT)
        gvBufferAsprintf(&childBuf, "<vmcoreinfo state='%s'/>\n",
                         gvTristateSwitchTypeToString(feat->vmcoreinfo));
    gvXMLFormatElement(buf, "features", NULL, &childBuf);
}

int
gvDomainFeaturesDefValidate(const gvDomainFeaturesDef *feat, GError **error)
{
    const char *p;

    if (feat->hyperv[GV_DOMAIN_HYPERV_SPINLOCKS] == GV_TRISTATE_SWITCH_ON &&
        feat->spinlockRetries < GV_DOMAIN_HYPERV_SPINLOCKS_MIN) {
        gvReportError(
            error, GV_ERR_XML_ERROR,
            "spinlock retries '%u' in <features>/<hyperv>/<spinlocks> are too few: at least %d",
            feat->spinlockRetries, GV_DOMAIN_HYPERV_SPINLOCKS_MIN);
        return -1;
    }
    if (feat->vendorId) {
        if (strlen(feat->vendorId) > GV_DOMAIN_HYPERV_VENDOR_ID_MAX) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "vendor_id value '%s' in <features>/<hyperv>/<vendor_id> is longer than %d characters",
                feat->vendorId, GV_DOMAIN_HYPERV_VENDOR_ID_MAX);
            return -1;
        }
        for (p = feat->vendorId; *p; p++) {
            if (!g_ascii_isalnum(*p) && *p != ' ' && *p != '_' && *p != '-') {
                gvReportError(
                    error, GV_ERR_XML_ERROR,
                    "invalid vendor_id value '%s' in <features>/<hyperv>/<vendor_id>: expected letters, digits, spaces, '_' or '-'",
                    feat->vendorId);
                return -1;
            }
        }
    }
    return 0;
}
