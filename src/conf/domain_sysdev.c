/*
 * domain_sysdev.c: <memballoon>, <rng>, <watchdog>, <panic> and <redirdev>
 */
#include <gvconfig.h>

#include "domain_device.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainMemballoonModel,
             GV_DOMAIN_MEMBALLOON_MODEL_LAST, [GV_DOMAIN_MEMBALLOON_MODEL_VIRTIO] = "virtio",
             [GV_DOMAIN_MEMBALLOON_MODEL_NONE] = "none");

GV_ENUM_IMPL(gvDomainRNGBackend,
             GV_DOMAIN_RNG_BACKEND_LAST, [GV_DOMAIN_RNG_BACKEND_RANDOM] = "random",
             [GV_DOMAIN_RNG_BACKEND_BUILTIN] = "builtin");

GV_ENUM_IMPL(gvDomainWatchdogModel,
             GV_DOMAIN_WATCHDOG_MODEL_LAST, [GV_DOMAIN_WATCHDOG_MODEL_I6300ESB] = "i6300esb",
             [GV_DOMAIN_WATCHDOG_MODEL_IB700] = "ib700");

GV_ENUM_IMPL(gvDomainWatchdogAction,
             GV_DOMAIN_WATCHDOG_ACTION_LAST, [GV_DOMAIN_WATCHDOG_ACTION_RESET] = "reset",
             [GV_DOMAIN_WATCHDOG_ACTION_SHUTDOWN] = "shutdown",
             [GV_DOMAIN_WATCHDOG_ACTION_POWEROFF] = "poweroff",
             [GV_DOMAIN_WATCHDOG_ACTION_PAUSE] = "pause", [GV_DOMAIN_WATCHDOG_ACTION_NONE] = "none",
             [GV_DOMAIN_WATCHDOG_ACTION_INJECT_NMI] = "inject-nmi");

GV_ENUM_IMPL(gvDomainPanicModel, GV_DOMAIN_PANIC_MODEL_LAST, [GV_DOMAIN_PANIC_MODEL_ISA] = "isa");

void
gvDomainMemballoonDefFree(gvDomainMemballoonDef *def)
{
    g_free(def);
}

void
gvDomainRNGDefFree(gvDomainRNGDef *def)
{
    if (!def)
        return;
    g_free(def->path);
    g_free(def);
}

void
gvDomainWatchdogDefFree(gvDomainWatchdogDef *def)
{
    g_free(def);
}

void
gvDomainPanicDefFree(gvDomainPanicDef *def)
{
    g_free(def);
}

void
gvDomainRedirdevDefFree(gvDomainRedirdevDef *def)
{
    g_free(def);
}

/* ---- <memballoon> ------------------------------------------------------- */

gvDomainMemballoonDef *
gvDomainMemballoonDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "model", NULL };
    static const gvXMLChildSpec children[] = { { "stats", 1 }, { "address", 1 }, { NULL, 0 } };
    static const char *const statsAttrs[] = { "period", NULL };
    g_autoptr(gvDomainMemballoonDef) def = g_new0(gvDomainMemballoonDef, 1);
    xmlNodePtr cur;
    int v = 0;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0 ||
        gvXMLPropEnum(node, "model", gvDomainMemballoonModelTypeFromString, GV_XML_PROP_REQUIRED,
                      &v, error) < 0)
        return NULL;
    def->model = v;
    if ((cur = gvXMLNodeGetChild(node, "stats")) &&
        (gvXMLCheckNode(cur, statsAttrs, NULL, false, error) < 0 ||
         gvXMLPropUInt(cur, "period", GV_XML_PROP_REQUIRED, &def->period, error) < 0))
        return NULL;
    if (gvDomainDeviceInfoParseXML(node, GV_ADDR_PCI, false, &def->info, error) < 0)
        return NULL;
    if (def->model == GV_DOMAIN_MEMBALLOON_MODEL_NONE &&
        (def->period || def->info.addr.type != GV_DOMAIN_ADDRESS_TYPE_NONE)) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "<memballoon model='none'> in <devices> takes no <stats> and no <address>");
        return NULL;
    }
    return g_steal_pointer(&def);
}

void
gvDomainMemballoonDefFormat(gvBuffer *buf, const gvDomainMemballoonDef *def)
{
    g_auto(gvBuffer) attrBuf = GV_BUFFER_INIT;
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

    gvBufferAsprintf(&attrBuf, " model='%s'", gvDomainMemballoonModelTypeToString(def->model));
    if (def->period)
        gvBufferAsprintf(&childBuf, "<stats period='%u'/>\n", def->period);
    gvDomainDeviceAddressFormat(&childBuf, &def->info.addr);
    gvXMLFormatElement(buf, "memballoon", &attrBuf, &childBuf);
}

/* ---- <rng> -------------------------------------------------------------- */

gvDomainRNGDef *
gvDomainRNGDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "model", NULL };
    static const gvXMLChildSpec children[] = {
        { "backend", 1 }, { "rate", 1 }, { "address", 1 }, { NULL, 0 }
    };
    static const char *const backendAttrs[] = { "model", NULL };
    static const char *const rateAttrs[] = { "bytes", "period", NULL };
    g_autoptr(gvDomainRNGDef) def = g_new0(gvDomainRNGDef, 1);
    g_autofree char *model = NULL;
    xmlNodePtr cur;
    int v = 0;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0 ||
        gvXMLPropString(node, "model", GV_XML_PROP_REQUIRED, &model, error) < 0)
        return NULL;
    if (!g_str_equal(model, "virtio")) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "unknown value '%s' for attribute 'model' of %s: expected 'virtio'", model,
                      path);
        return NULL;
    }
    if (!(cur = gvXMLNodeGetChild(node, "backend"))) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "missing element <backend> in %s", path);
        return NULL;
    }
    if (gvXMLCheckNode(cur, backendAttrs, NULL, true, error) < 0 ||
        gvXMLPropEnum(cur, "model", gvDomainRNGBackendTypeFromString, GV_XML_PROP_REQUIRED, &v,
                      error) < 0)
        return NULL;
    def->backend = v;
    if (def->backend == GV_DOMAIN_RNG_BACKEND_RANDOM) {
        def->path = gvXMLNodeContent(cur, true);
        if (def->path[0] == '\0')
            g_clear_pointer(&def->path, g_free);
    } else {
        g_autofree char *text = gvXMLNodeContent(cur, true);

        if (text[0] != '\0') {
            g_autofree char *path = gvXMLNodePath(cur);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "unexpected text '%s' in %s: the builtin backend takes no device", text,
                          path);
            return NULL;
        }
    }
    if ((cur = gvXMLNodeGetChild(node, "rate")) &&
        (gvXMLCheckNode(cur, rateAttrs, NULL, false, error) < 0 ||
         gvXMLPropUInt(cur, "bytes", GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &def->rateBytes,
                       error) < 0 ||
         gvXMLPropUInt(cur, "period", GV_XML_PROP_NONZERO, &def->ratePeriod, error) < 0))
        return NULL;
    if (gvDomainDeviceInfoParseXML(node, GV_ADDR_PCI, false, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

void
gvDomainRNGDefFormat(gvBuffer *buf, const gvDomainRNGDef *def)
{
    gvBufferAddLit(buf, "<rng model='virtio'>\n");
    gvBufferAdjustIndent(buf, 2);
    if (def->rateBytes) {
        gvBufferAsprintf(buf, "<rate bytes='%u'", def->rateBytes);
        if (def->ratePeriod)
            gvBufferAsprintf(buf, " period='%u'", def->ratePeriod);
        gvBufferAddLit(buf, "/>\n");
    }
    if (def->backend == GV_DOMAIN_RNG_BACKEND_RANDOM)
        gvBufferEscapeString(buf, "<backend model='random'>%s</backend>\n", def->path);
    else
        gvBufferAddLit(buf, "<backend model='builtin'/>\n");
    gvDomainDeviceAddressFormat(buf, &def->info.addr);
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</rng>\n");
}

/* ---- <watchdog> --------------------------------------------------------- */

gvDomainWatchdogDef *
gvDomainWatchdogDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "model", "action", NULL };
    static const gvXMLChildSpec children[] = { { "address", 1 }, { NULL, 0 } };
    g_autoptr(gvDomainWatchdogDef) def = g_new0(gvDomainWatchdogDef, 1);
    int v = 0;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0 ||
        gvXMLPropEnum(node, "model", gvDomainWatchdogModelTypeFromString, GV_XML_PROP_REQUIRED, &v,
                      error) < 0)
        return NULL;
    def->model = v;
    v = GV_DOMAIN_WATCHDOG_ACTION_RESET;
    if (gvXMLPropEnum(node, "action", gvDomainWatchdogActionTypeFromString, GV_XML_PROP_NONE, &v,
                      error) < 0)
        return NULL;
    def->action = v;
    if (gvDomainDeviceInfoParseXML(
            node, def->model == GV_DOMAIN_WATCHDOG_MODEL_I6300ESB ? GV_ADDR_PCI : 0, false,
            &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

void
gvDomainWatchdogDefFormat(gvBuffer *buf, const gvDomainWatchdogDef *def)
{
    g_auto(gvBuffer) attrBuf = GV_BUFFER_INIT;
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

    gvBufferAsprintf(&attrBuf, " model='%s' action='%s'",
                     gvDomainWatchdogModelTypeToString(def->model),
                     gvDomainWatchdogActionTypeToString(def->action));
    gvDomainDeviceAddressFormat(&childBuf, &def->info.addr);
    gvXMLFormatElement(buf, "watchdog", &attrBuf, &childBuf);
}

/* ---- <panic> ------------------------------------------------------------ */

gvDomainPanicDef *
gvDomainPanicDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "model", NULL };
    g_autoptr(gvDomainPanicDef) def = g_new0(gvDomainPanicDef, 1);
    int v = GV_DOMAIN_PANIC_MODEL_ISA;

    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0 ||
        gvXMLPropEnum(node, "model", gvDomainPanicModelTypeFromString, GV_XML_PROP_NONE, &v,
                      error) < 0)
        return NULL;
    def->model = v;
    return g_steal_pointer(&def);
}

void
gvDomainPanicDefFormat(gvBuffer *buf, const gvDomainPanicDef *def)
{
    gvBufferAsprintf(buf, "<panic model='%s'/>\n", gvDomainPanicModelTypeToString(def->model));
}

/* ---- <redirdev> --------------------------------------------------------- */

gvDomainRedirdevDef *
gvDomainRedirdevDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "bus", "type", NULL };
    static const gvXMLChildSpec children[] = { { "address", 1 }, { NULL, 0 } };
    g_autoptr(gvDomainRedirdevDef) def = g_new0(gvDomainRedirdevDef, 1);
    g_autofree char *bus = NULL;
    g_autofree char *type = NULL;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0 ||
        gvXMLPropString(node, "bus", GV_XML_PROP_REQUIRED, &bus, error) < 0 ||
        gvXMLPropString(node, "type", GV_XML_PROP_REQUIRED, &type, error) < 0)
        return NULL;
    if (!g_str_equal(bus, "usb") || !g_str_equal(type, "spicevmc")) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(
            error, GV_ERR_XML_ERROR,
            "unsupported redirection bus '%s' type '%s' in %s: only bus='usb' type='spicevmc'", bus,
            type, path);
        return NULL;
    }
    if (gvDomainDeviceInfoParseXML(node, GV_ADDR_USB, false, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

void
gvDomainRedirdevDefFormat(gvBuffer *buf, const gvDomainRedirdevDef *def)
{
    g_auto(gvBuffer) attrBuf = GV_BUFFER_INIT;
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

    gvBufferAddLit(&attrBuf, " bus='usb' type='spicevmc'");
    gvDomainDeviceAddressFormat(&childBuf, &def->info.addr);
    gvXMLFormatElement(buf, "redirdev", &attrBuf, &childBuf);
}
