/*
 * domain_lifecycle.c: <on_poweroff>, <on_reboot>, <on_crash> and <pm>
 */
#include <gvconfig.h>

#include "domain_lifecycle.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainLifecycle, GV_DOMAIN_LIFECYCLE_LAST, [GV_DOMAIN_LIFECYCLE_NONE] = "none",
             [GV_DOMAIN_LIFECYCLE_DESTROY] = "destroy", [GV_DOMAIN_LIFECYCLE_RESTART] = "restart",
             [GV_DOMAIN_LIFECYCLE_PRESERVE] = "preserve",
             [GV_DOMAIN_LIFECYCLE_RENAME_RESTART] = "rename-restart",
             [GV_DOMAIN_LIFECYCLE_COREDUMP_DESTROY] = "coredump-destroy",
             [GV_DOMAIN_LIFECYCLE_COREDUMP_RESTART] = "coredump-restart");

int
gvDomainLifecycleParseXML(xmlNodePtr node, bool crash, gvDomainLifecycleAction *out, GError **error)
{
    g_autofree char *val = NULL;
    int v;

    if (gvXMLCheckNode(node, NULL, NULL, true, error) < 0)
        return -1;
    val = gvXMLNodeContent(node, true);
    v = gvDomainLifecycleTypeFromString(val);
    if (!crash && v >= GV_DOMAIN_LIFECYCLE_COREDUMP_DESTROY)
        v = -1;
    if (v <= 0) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "unknown action '%s' in %s: expected destroy, restart, %s", val, path,
                      crash ? "preserve, rename-restart, coredump-destroy or coredump-restart"
                            : "preserve or rename-restart");
        return -1;
    }
    *out = v;
    return 0;
}

/* ---- <pm> --------------------------------------------------------------- */

static int
gvDomainPMStateParseXML(xmlNodePtr node, gvTristateBool *out, GError **error)
{
    static const char *const attrs[] = { "enabled", NULL };

    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0 ||
        gvXMLPropTristateBool(node, "enabled", GV_XML_PROP_NONE, out, error) < 0)
        return -1;
    return 0;
}

int
gvDomainPMDefParseXML(xmlNodePtr node, gvDomainPMDef *pm, GError **error)
{
    static const gvXMLChildSpec children[] = { { "suspend-to-mem", 1 },
                                               { "suspend-to-disk", 1 },
                                               { NULL, 0 } };
    xmlNodePtr cur;

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0)
        return -1;
    if ((cur = gvXMLNodeGetChild(node, "suspend-to-mem")) &&
        gvDomainPMStateParseXML(cur, &pm->s3, error) < 0)
        return -1;
    if ((cur = gvXMLNodeGetChild(node, "suspend-to-disk")) &&
        gvDomainPMStateParseXML(cur, &pm->s4, error) < 0)
        return -1;
    return 0;
}

/* like libvirt, an element without 'enabled' (and an empty <pm/>) is not written */
void
gvDomainPMDefFormat(gvBuffer *buf, const gvDomainPMDef *pm)
{
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

    if (pm->s3 != GV_TRISTATE_BOOL_ABSENT)
        gvBufferAsprintf(&childBuf, "<suspend-to-mem enabled='%s'/>\n",
                         gvTristateBoolTypeToString(pm->s3));
    if (pm->s4 != GV_TRISTATE_BOOL_ABSENT)
        gvBufferAsprintf(&childBuf, "<suspend-to-disk enabled='%s'/>\n",
                         gvTristateBoolTypeToString(pm->s4));
    gvXMLFormatElement(buf, "pm", NULL, &childBuf);
}
