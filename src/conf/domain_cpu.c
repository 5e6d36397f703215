/*
 * domain_cpu.c: <cpu> and <vcpu>
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_cpu.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(
    gvDomainCPUMode, GV_DOMAIN_CPU_MODE_LAST, [GV_DOMAIN_CPU_MODE_NONE] = "none",
    [GV_DOMAIN_CPU_MODE_HOST_PASSTHROUGH] = "host-passthrough",
    [GV_DOMAIN_CPU_MODE_HOST_MODEL] = "host-model", [GV_DOMAIN_CPU_MODE_CUSTOM] = "custom");

GV_ENUM_IMPL(gvDomainCPUMatch, GV_DOMAIN_CPU_MATCH_LAST, [GV_DOMAIN_CPU_MATCH_NONE] = "none",
             [GV_DOMAIN_CPU_MATCH_MINIMUM] = "minimum", [GV_DOMAIN_CPU_MATCH_EXACT] = "exact",
             [GV_DOMAIN_CPU_MATCH_STRICT] = "strict");

GV_ENUM_IMPL(gvDomainCPUCheck, GV_DOMAIN_CPU_CHECK_LAST, [GV_DOMAIN_CPU_CHECK_DEFAULT] = "default",
             [GV_DOMAIN_CPU_CHECK_NONE] = "none", [GV_DOMAIN_CPU_CHECK_PARTIAL] = "partial",
             [GV_DOMAIN_CPU_CHECK_FULL] = "full");

GV_ENUM_IMPL(gvDomainCPUFallback,
             GV_DOMAIN_CPU_FALLBACK_LAST, [GV_DOMAIN_CPU_FALLBACK_NONE] = "none",
             [GV_DOMAIN_CPU_FALLBACK_ALLOW] = "allow", [GV_DOMAIN_CPU_FALLBACK_FORBID] = "forbid");

GV_ENUM_IMPL(
    gvDomainCPUFeaturePolicy, GV_DOMAIN_CPU_FEATURE_LAST, [GV_DOMAIN_CPU_FEATURE_NONE] = "none",
    [GV_DOMAIN_CPU_FEATURE_FORCE] = "force", [GV_DOMAIN_CPU_FEATURE_REQUIRE] = "require",
    [GV_DOMAIN_CPU_FEATURE_OPTIONAL] = "optional", [GV_DOMAIN_CPU_FEATURE_DISABLE] = "disable",
    [GV_DOMAIN_CPU_FEATURE_FORBID] = "forbid");

GV_ENUM_IMPL(
    gvDomainVcpuPlacement, GV_DOMAIN_VCPU_PLACEMENT_LAST, [GV_DOMAIN_VCPU_PLACEMENT_NONE] = "none",
    [GV_DOMAIN_VCPU_PLACEMENT_STATIC] = "static", [GV_DOMAIN_VCPU_PLACEMENT_AUTO] = "auto");

static void
gvDomainCPUFeatureDefFree(gvDomainCPUFeatureDef *f)
{
    g_free(f->name);
    g_free(f);
}

gvDomainCPUDef *
gvDomainCPUDefNew(void)
{
    gvDomainCPUDef *cpu = g_new0(gvDomainCPUDef, 1);

    cpu->features = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainCPUFeatureDefFree);
    return cpu;
}

void
gvDomainCPUDefFree(gvDomainCPUDef *cpu)
{
    if (!cpu)
        return;
    g_free(cpu->model);
    g_free(cpu->vendor);
    g_ptr_array_unref(cpu->features);
    g_free(cpu);
}

gvDomainCPUDef *
gvDomainCPUDefCopy(const gvDomainCPUDef *cpu)
{
    gvDomainCPUDef *copy = gvDomainCPUDefNew();
    guint i;

    copy->mode = cpu->mode;
    copy->match = cpu->match;
    copy->check = cpu->check;
    copy->migratable = cpu->migratable;
    copy->model = g_strdup(cpu->model);
    copy->fallback = cpu->fallback;
    copy->vendor = g_strdup(cpu->vendor);
    copy->hasTopology = cpu->hasTopology;
    copy->sockets = cpu->sockets;
    copy->dies = cpu->dies;
    copy->cores = cpu->cores;
    copy->threads = cpu->threads;
    for (i = 0; i < cpu->features->len; i++) {
        const gvDomainCPUFeatureDef *f = g_ptr_array_index(cpu->features, i);

        gvDomainCPUDefSetFeature(copy, f->name, f->policy);
    }
    return copy;
}

const gvDomainCPUFeatureDef *
gvDomainCPUDefFindFeature(const gvDomainCPUDef *cpu, const char *name)
{
    guint i;

    for (i = 0; i < cpu->features->len; i++) {
        const gvDomainCPUFeatureDef *f = g_ptr_array_index(cpu->features, i);

        if (g_str_equal(f->name, name))
            return f;
    }
    return NULL;
}

void
gvDomainCPUDefSetFeature(gvDomainCPUDef *cpu, const char *name, gvDomainCPUFeaturePolicy policy)
{
    gvDomainCPUFeatureDef *f = (gvDomainCPUFeatureDef *)gvDomainCPUDefFindFeature(cpu, name);

    if (!f) {
        f = g_new0(gvDomainCPUFeatureDef, 1);
        f->name = g_strdup(name);
        g_ptr_array_add(cpu->features, f);
    }
    f->policy = policy;
}

/* Letters, digits, '.', '_' and '-': CPU models, features and vendors reach QEMU's -cpu */
static bool
gvDomainCPUNameIsValid(const char *name)
{
    return name[0] != '\0' && strlen(name) <= GV_DOMAIN_CPU_NAME_MAX &&
           strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789._-") == strlen(name);
}

static int
gvDomainCPUNameCheck(xmlNodePtr node, const char *what, const char *name, GError **error)
{
    g_autofree char *path = NULL;

    if (gvDomainCPUNameIsValid(name))
        return 0;
    path = gvXMLNodePath(node);
    gvReportError(error, GV_ERR_XML_ERROR,
                  "invalid %s '%s' in %s: expected up to %d letters, digits, '.', '_' or '-'", what,
                  name, path, GV_DOMAIN_CPU_NAME_MAX);
    return -1;
}

/* ---- <cpu> children -------------------------------------------------------- */

static int
gvDomainCPUModelParseXML(xmlNodePtr node, gvDomainCPUDef *cpu, GError **error)
{
    static const char *const attrs[] = { "fallback", NULL };
    int v = GV_DOMAIN_CPU_FALLBACK_NONE;

    if (gvXMLCheckNode(node, attrs, NULL, true, error) < 0 ||
        gvXMLPropEnum(node, "fallback", gvDomainCPUFallbackTypeFromString, GV_XML_PROP_NONZERO, &v,
                      error) < 0)
        return -1;
    cpu->fallback = v;
    cpu->model = gvXMLNodeContent(node, true);
    return gvDomainCPUNameCheck(node, "CPU model", cpu->model, error);
}

static int
gvDomainCPUTopologyParseXML(xmlNodePtr node, gvDomainCPUDef *cpu, GError **error)
{
    static const char *const attrs[] = { "sockets", "dies", "cores", "threads", NULL };

    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0 ||
        gvXMLPropUInt(node, "sockets", GV_XML_PROP_NONZERO, &cpu->sockets, error) < 0 ||
        gvXMLPropUInt(node, "dies", GV_XML_PROP_NONZERO, &cpu->dies, error) < 0 ||
        gvXMLPropUInt(node, "cores", GV_XML_PROP_NONZERO, &cpu->cores, error) < 0 ||
        gvXMLPropUInt(node, "threads", GV_XML_PROP_NONZERO, &cpu->threads, error) < 0)
        return -1;
    cpu->hasTopology = true;
    return 0;
}

static int
gvDomainCPUFeatureParseXML(xmlNodePtr node, gvDomainCPUDef *cpu, GError **error)
{
    static const char *const attrs[] = { "policy", "name", NULL };
    g_autofree char *name = NULL;
    int v = GV_DOMAIN_CPU_FEATURE_NONE;

    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0 ||
        gvXMLPropString(node, "name", GV_XML_PROP_REQUIRED, &name, error) < 0 ||
        gvDomainCPUNameCheck(node, "CPU feature", name, error) < 0 ||
        gvXMLPropEnum(node, "policy", gvDomainCPUFeaturePolicyTypeFromString, GV_XML_PROP_NONZERO,
                      &v, error) < 0)
        return -1;
    if (gvDomainCPUDefFindFeature(cpu, name)) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "CPU feature '%s' in %s is given twice", name, path);
        return -1;
    }
    /* libvirt: a feature without a policy is required */
    gvDomainCPUDefSetFeature(cpu, name,
                             v == GV_DOMAIN_CPU_FEATURE_NONE ? GV_DOMAIN_CPU_FEATURE_REQUIRE
                                                             : (gvDomainCPUFeaturePolicy)v);
    return 0;
}

/* ---- <cpu> ------------------------------------------------------------------- */

gvDomainCPUDef *
gvDomainCPUDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "mode", "match", "check", "migratable", NULL };
    static const gvXMLChildSpec children[] = { { "model", 1 },
                                               { "vendor", 1 },
                                               { "topology", 1 },
                                               { "feature", GV_DOMAIN_CPU_FEATURES_MAX },
                                               { NULL, 0 } };
    g_autoptr(gvDomainCPUDef) cpu = gvDomainCPUDefNew();
    xmlNodePtr cur;
    int v = GV_DOMAIN_CPU_MODE_NONE;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0 ||
        gvXMLPropEnum(node, "mode", gvDomainCPUModeTypeFromString, GV_XML_PROP_NONZERO, &v, error) <
            0)
        return NULL;
    cpu->mode = v;
    v = GV_DOMAIN_CPU_MATCH_NONE;
    if (gvXMLPropEnum(node, "match", gvDomainCPUMatchTypeFromString, GV_XML_PROP_NONZERO, &v,
                      error) < 0)
        return NULL;
    cpu->match = v;
    v = GV_DOMAIN_CPU_CHECK_DEFAULT;
    if (gvXMLPropEnum(node, "check", gvDomainCPUCheckTypeFromString, GV_XML_PROP_NONZERO, &v,
                      error) < 0 ||
        gvXMLPropTristateSwitch(node, "migratable", GV_XML_PROP_NONE, &cpu->migratable, error) < 0)
        return NULL;
    cpu->check = v;
    for (cur = node->children; cur; cur = cur->next) {
        const char *name = (const char *)cur->name;
        int rc = 0;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (g_str_equal(name, "model")) {
            rc = gvDomainCPUModelParseXML(cur, cpu, error);
        } else if (g_str_equal(name, "vendor")) {
            if (gvXMLCheckNode(cur, NULL, NULL, true, error) < 0)
                return NULL;
            cpu->vendor = gvXMLNodeContent(cur, true);
            rc = gvDomainCPUNameCheck(cur, "CPU vendor", cpu->vendor, error);
        } else if (g_str_equal(name, "topology")) {
            rc = gvDomainCPUTopologyParseXML(cur, cpu, error);
        } else if (g_str_equal(name, "feature")) {
            rc = gvDomainCPUFeatureParseXML(cur, cpu, error);
        }
        if (rc < 0)
            return NULL;
    }
    return g_steal_pointer(&cpu);
}

void
gvDomainCPUDefFormatChildren(gvBuffer *buf, const gvDomainCPUDef *cpu)
{
    guint i;

    if (cpu->model) {
        if (cpu->fallback != GV_DOMAIN_CPU_FALLBACK_NONE)
            gvBufferAsprintf(buf, "<model fallback='%s'>",
                             gvDomainCPUFallbackTypeToString(cpu->fallback));
        else
            gvBufferAddLit(buf, "<model>");
        gvBufferEscapeString(buf, "%s</model>\n", cpu->model);
    }
    if (cpu->vendor)
        gvBufferEscapeString(buf, "<vendor>%s</vendor>\n", cpu->vendor);
    if (cpu->hasTopology)
        gvBufferAsprintf(buf, "<topology sockets='%u' dies='%u' cores='%u' threads='%u'/>\n",
                         cpu->sockets, cpu->dies, cpu->cores, cpu->threads);
    for (i = 0; i < cpu->features->len; i++) {
        const gvDomainCPUFeatureDef *f = g_ptr_array_index(cpu->features, i);

        gvBufferAsprintf(buf, "<feature policy='%s' name='%s'/>\n",
                         gvDomainCPUFeaturePolicyTypeToString(f->policy), f->name);
    }
}

/* libvirt's form: mode, match (custom with a model), check, migratable */
void
gvDomainCPUDefFormat(gvBuffer *buf, const gvDomainCPUDef *cpu)
{
    g_auto(gvBuffer) attrBuf = GV_BUFFER_INIT;
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

    gvBufferAsprintf(&attrBuf, " mode='%s'", gvDomainCPUModeTypeToString(cpu->mode));
    if (cpu->match != GV_DOMAIN_CPU_MATCH_NONE)
        gvBufferAsprintf(&attrBuf, " match='%s'", gvDomainCPUMatchTypeToString(cpu->match));
    if (cpu->check != GV_DOMAIN_CPU_CHECK_DEFAULT)
        gvBufferAsprintf(&attrBuf, " check='%s'", gvDomainCPUCheckTypeToString(cpu->check));
    if (cpu->migratable != GV_TRISTATE_SWITCH_ABSENT)
        gvBufferAsprintf(&attrBuf, " migratable='%s'",
                         gvTristateSwitchTypeToString(cpu->migratable));
    gvDomainCPUDefFormatChildren(&childBuf, cpu);
    gvXMLFormatElement(buf, "cpu", &attrBuf, &childBuf);
}

/* libvirt's defaults for the QEMU driver */
void
gvDomainCPUDefPostParse(gvDomainCPUDef *cpu)
{
    if (cpu->mode == GV_DOMAIN_CPU_MODE_NONE)
        cpu->mode = GV_DOMAIN_CPU_MODE_CUSTOM;
    switch (cpu->mode) {
    case GV_DOMAIN_CPU_MODE_CUSTOM:
        if (cpu->model) {
            if (cpu->match == GV_DOMAIN_CPU_MATCH_NONE)
                cpu->match = GV_DOMAIN_CPU_MATCH_EXACT;
            if (cpu->fallback == GV_DOMAIN_CPU_FALLBACK_NONE)
                cpu->fallback = GV_DOMAIN_CPU_FALLBACK_ALLOW;
            if (cpu->check == GV_DOMAIN_CPU_CHECK_DEFAULT)
                cpu->check = GV_DOMAIN_CPU_CHECK_PARTIAL;
        }
        break;
    case GV_DOMAIN_CPU_MODE_HOST_MODEL:
        if (cpu->check == GV_DOMAIN_CPU_CHECK_DEFAULT)
            cpu->check = GV_DOMAIN_CPU_CHECK_PARTIAL;
        /* libvirt takes match only with a custom model and drops it here (Nova writes it) */
        cpu->match = GV_DOMAIN_CPU_MATCH_NONE;
        break;
    case GV_DOMAIN_CPU_MODE_HOST_PASSTHROUGH:
        if (cpu->check == GV_DOMAIN_CPU_CHECK_DEFAULT)
            cpu->check = GV_DOMAIN_CPU_CHECK_NONE;
        if (cpu->migratable == GV_TRISTATE_SWITCH_ABSENT)
            cpu->migratable = GV_TRISTATE_SWITCH_ON;
        break;
    case GV_DOMAIN_CPU_MODE_NONE:
    case GV_DOMAIN_CPU_MODE_LAST:
        break;
    }
    if (cpu->hasTopology) {
        if (cpu->sockets == 0)
            cpu->sockets = 1;
        if (cpu->dies == 0)
            cpu->dies = 1;
        if (cpu->cores == 0)
            cpu->cores = 1;
        if (cpu->threads == 0)
            cpu->threads = 1;
    }
}

int
gvDomainCPUDefValidate(const gvDomainCPUDef *cpu, unsigned int vcpus, GError **error)
{
    const char *mode = gvDomainCPUModeTypeToString(cpu->mode);

    if (cpu->mode != GV_DOMAIN_CPU_MODE_CUSTOM && cpu->model) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "<cpu mode='%s'> cannot have a <model> in <cpu>: use mode='custom'", mode);
        return -1;
    }
    if (cpu->mode == GV_DOMAIN_CPU_MODE_CUSTOM && !cpu->model && cpu->features->len > 0) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "<feature> in <cpu> needs a <model>: features change a CPU model");
        return -1;
    }
    if (cpu->vendor && !cpu->model) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "<vendor> in <cpu> needs a <model>: it names the model's vendor");
        return -1;
    }
    if (cpu->migratable != GV_TRISTATE_SWITCH_ABSENT &&
        cpu->mode != GV_DOMAIN_CPU_MODE_HOST_PASSTHROUGH) {
        gvReportError(
            error, GV_ERR_XML_ERROR,
            "attribute 'migratable' of <cpu> is only for mode 'host-passthrough', not '%s'", mode);
        return -1;
    }
    if (cpu->hasTopology) {
        guint64 n = (guint64)cpu->sockets * cpu->dies * cpu->cores * cpu->threads;

        if (n != vcpus) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "CPU topology in <cpu>/<topology> makes %" G_GUINT64_FORMAT
                          " vCPUs (sockets %u x dies %u x cores %u x threads %u), but <vcpu> is %u",
                          n, cpu->sockets, cpu->dies, cpu->cores, cpu->threads, vcpus);
            return -1;
        }
    }
    return 0;
}

/* ---- <vcpu> ------------------------------------------------------------------ */

int
gvDomainVcpuParseXML(xmlNodePtr node, unsigned int *max, unsigned int *current,
                     gvDomainVcpuPlacement *placement, GError **error)
{
    static const char *const attrs[] = { "placement", "current", NULL };
    unsigned long long n;
    int v = GV_DOMAIN_VCPU_PLACEMENT_NONE;

    if (gvXMLCheckNode(node, attrs, NULL, true, error) < 0 ||
        gvXMLPropEnum(node, "placement", gvDomainVcpuPlacementTypeFromString, GV_XML_PROP_NONZERO,
                      &v, error) < 0 ||
        gvXMLPropUInt(node, "current", GV_XML_PROP_NONZERO, current, error) < 0 ||
        gvXMLNodeContentULongLong(node, G_MAXUINT, &n, error) < 0)
        return -1;
    *placement = v;
    *max = (unsigned int)n;
    if (*max == 0) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid value '0' in <vcpu>: a domain needs at least one vCPU");
        return -1;
    }
    return 0;
}

/* placement is written only when it was given (libvirt always writes it) */
void
gvDomainVcpuFormat(gvBuffer *buf, unsigned int max, unsigned int current,
                   gvDomainVcpuPlacement placement)
{
    gvBufferAddLit(buf, "<vcpu");
    if (placement != GV_DOMAIN_VCPU_PLACEMENT_NONE)
        gvBufferAsprintf(buf, " placement='%s'", gvDomainVcpuPlacementTypeToString(placement));
    if (current != 0)
        gvBufferAsprintf(buf, " current='%u'", current);
    gvBufferAsprintf(buf, ">%u</vcpu>\n", max);
}
