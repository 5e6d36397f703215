/*
 * domain_graphics.c: <devices>/<graphics type='vnc'>
 */
#include <gvconfig.h>

#include <arpa/inet.h>

#include "domain_graphics.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainGraphicsType, GV_DOMAIN_GRAPHICS_TYPE_LAST,
             [GV_DOMAIN_GRAPHICS_TYPE_NONE] = "none", [GV_DOMAIN_GRAPHICS_TYPE_VNC] = "vnc");

/* A numeric IPv4 or IPv6 address */
static bool
gvIsIPAddress(const char *s)
{
    struct in6_addr a6;
    struct in_addr a4;

    return inet_pton(AF_INET, s, &a4) == 1 || inet_pton(AF_INET6, s, &a6) == 1;
}

void
gvDomainGraphicsDefFree(gvDomainGraphicsDef *def)
{
    if (!def)
        return;
    g_free(def->listen);
    g_free(def);
}

gvDomainGraphicsDef *
gvDomainGraphicsDefParseXML(xmlNodePtr node, bool inactive, GError **error)
{
    static const char *const attrs[] = { "type", "port", "autoport", "listen", NULL };
    g_autoptr(gvDomainGraphicsDef) def = g_new0(gvDomainGraphicsDef, 1);
    int v = GV_DOMAIN_GRAPHICS_TYPE_NONE;
    int rc;

    def->port = -1;
    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0)
        return NULL;
    if (gvXMLPropEnum(node, "type", gvDomainGraphicsTypeTypeFromString,
                      GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0)
        return NULL;
    def->type = v;
    if ((rc = gvXMLPropInt(node, "port", GV_XML_PROP_NONE, &def->port, error)) < 0)
        return NULL;
    if (rc > 0 && def->port != -1 && (def->port < GV_VNC_PORT_MIN || def->port > 65535)) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid value '%d' for attribute 'port' of %s: expected -1 or %d to 65535",
                      def->port, path, GV_VNC_PORT_MIN);
        return NULL;
    }
    if (gvXMLPropTristateBool(node, "autoport", GV_XML_PROP_NONE, &def->autoport, error) < 0)
        return NULL;
    /* an automatic port is the one a run was given: live data */
    if (def->autoport == GV_TRISTATE_BOOL_YES && def->port != -1) {
        if (!inactive)
            def->livePort = def->port;
        def->port = -1;
    }
    if (gvXMLPropString(node, "listen", GV_XML_PROP_NONE, &def->listen, error) < 0)
        return NULL;
    if (def->listen && !gvIsIPAddress(def->listen)) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid value '%s' for attribute 'listen' of %s: expected an IP address",
                      def->listen, path);
        return NULL;
    }
    return g_steal_pointer(&def);
}

void
gvDomainGraphicsDefFormat(gvBuffer *buf, const gvDomainGraphicsDef *def, bool inactive)
{
    int port = !inactive && def->livePort > 0 ? def->livePort : def->port;

    gvBufferAsprintf(buf, "<graphics type='%s' port='%d' autoport='%s'",
                     gvDomainGraphicsTypeTypeToString(def->type), port,
                     gvTristateBoolTypeToString(def->autoport));
    gvBufferEscapeString(buf, " listen='%s'/>\n", def->listen);
}

void
gvDomainGraphicsDefPostParse(gvDomainGraphicsDef *def)
{
    if (def->autoport == GV_TRISTATE_BOOL_ABSENT)
        def->autoport = def->port == -1 ? GV_TRISTATE_BOOL_YES : GV_TRISTATE_BOOL_NO;
    if (!def->listen)
        def->listen = g_strdup("127.0.0.1");
}

int
gvDomainGraphicsDefValidate(const gvDomainGraphicsDef *def, GError **error)
{
    if (def->autoport == GV_TRISTATE_BOOL_YES && def->port != -1) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "graphics port '%d' in <devices>/<graphics> conflicts with autoport='yes'",
                      def->port);
        return -1;
    }
    if (def->autoport == GV_TRISTATE_BOOL_NO && def->port == -1) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "graphics in <devices>/<graphics> has autoport='no' but no port");
        return -1;
    }
    return 0;
}
