/*
 * domain_graphics.c: <devices>/<graphics type='vnc'|'spice'>
 */
#include <gvconfig.h>

#include <arpa/inet.h>
#include <string.h>

#include "domain_graphics.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainGraphicsType,
             GV_DOMAIN_GRAPHICS_TYPE_LAST, [GV_DOMAIN_GRAPHICS_TYPE_NONE] = "none",
             [GV_DOMAIN_GRAPHICS_TYPE_VNC] = "vnc", [GV_DOMAIN_GRAPHICS_TYPE_SPICE] = "spice");

GV_ENUM_IMPL(
    gvDomainGraphicsListen,
    GV_DOMAIN_GRAPHICS_LISTEN_LAST, [GV_DOMAIN_GRAPHICS_LISTEN_DEFAULT] = "default",
    [GV_DOMAIN_GRAPHICS_LISTEN_ADDRESS] = "address", [GV_DOMAIN_GRAPHICS_LISTEN_NONE] = "none");

GV_ENUM_IMPL(
    gvDomainSpiceImage, GV_DOMAIN_SPICE_IMAGE_LAST, [GV_DOMAIN_SPICE_IMAGE_DEFAULT] = "default",
    [GV_DOMAIN_SPICE_IMAGE_AUTO_GLZ] = "auto_glz", [GV_DOMAIN_SPICE_IMAGE_AUTO_LZ] = "auto_lz",
    [GV_DOMAIN_SPICE_IMAGE_QUIC] = "quic", [GV_DOMAIN_SPICE_IMAGE_GLZ] = "glz",
    [GV_DOMAIN_SPICE_IMAGE_LZ] = "lz", [GV_DOMAIN_SPICE_IMAGE_OFF] = "off");

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
    gvSecretFree(def->passwd);
    g_free(def);
}

static int
gvGraphicsCheckAddress(xmlNodePtr node, const char *attr, const char *value, GError **error)
{
    g_autofree char *path = NULL;

    if (gvIsIPAddress(value))
        return 0;
    path = gvXMLNodePath(node);
    gvReportError(error, GV_ERR_XML_ERROR,
                  "invalid value '%s' for attribute '%s' of %s: expected an IP address", value,
                  attr, path);
    return -1;
}

static int
gvGraphicsPortParse(xmlNodePtr node, const char *name, int *out, GError **error)
{
    int rc;

    if ((rc = gvXMLPropInt(node, name, GV_XML_PROP_NONE, out, error)) < 0)
        return -1;
    if (rc > 0 && *out != -1 && *out != 0 && (*out < GV_VNC_PORT_MIN || *out > 65535)) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid value '%d' for attribute '%s' of %s: expected -1 or %d to 65535",
                      *out, name, path, GV_VNC_PORT_MIN);
        return -1;
    }
    return rc;
}

static int
gvDomainGraphicsListenParseXML(xmlNodePtr node, gvDomainGraphicsDef *def, GError **error)
{
    static const char *const attrs[] = { "type", "address", NULL };
    g_autofree char *address = NULL;
    int v = 0;

    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0 ||
        gvXMLPropEnum(node, "type", gvDomainGraphicsListenTypeFromString,
                      GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0 ||
        gvXMLPropString(node, "address", GV_XML_PROP_NONE, &address, error) < 0)
        return -1;
    def->listenType = v;
    if (address && def->listenType != GV_DOMAIN_GRAPHICS_LISTEN_ADDRESS) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "attribute 'address' of %s needs type='address'",
                      path);
        return -1;
    }
    if (address) {
        if (gvGraphicsCheckAddress(node, "address", address, error) < 0)
            return -1;
        if (def->listen && !g_str_equal(def->listen, address)) {
            g_autofree char *path = gvXMLNodePath(node);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "listen address '%s' of %s does not match attribute listen='%s'", address,
                          path, def->listen);
            return -1;
        }
        if (!def->listen)
            def->listen = g_steal_pointer(&address);
    }
    return 0;
}

gvDomainGraphicsDef *
gvDomainGraphicsDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "type",   "port",    "autoport", "listen",
                                         "passwd", "tlsPort", NULL };
    static const gvXMLChildSpec children[] = { { "listen", 1 }, { "image", 1 }, { NULL, 0 } };
    static const char *const imageAttrs[] = { "compression", NULL };
    g_autoptr(gvDomainGraphicsDef) def = g_new0(gvDomainGraphicsDef, 1);
    xmlNodePtr cur;
    int v = GV_DOMAIN_GRAPHICS_TYPE_NONE;
    bool spice;

    if (gvXMLPropEnum(node, "type", gvDomainGraphicsTypeTypeFromString,
                      GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0)
        return NULL;
    def->type = v;
    spice = def->type == GV_DOMAIN_GRAPHICS_TYPE_SPICE;
    def->port = spice ? 0 : -1;
    if (gvXMLCheckNode(node, attrs, children, false, error) < 0)
        return NULL;
    if (gvGraphicsPortParse(node, "port", &def->port, error) < 0)
        return NULL;
    if (!spice && def->port == 0) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid value '0' for attribute 'port' of %s: expected -1 or %d to 65535",
                      path, GV_VNC_PORT_MIN);
        return NULL;
    }
    if (xmlHasProp(node, (const xmlChar *)"tlsPort") && !spice) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "unknown attribute 'tlsPort' of %s", path);
        return NULL;
    }
    if (gvGraphicsPortParse(node, "tlsPort", &def->tlsPort, error) < 0)
        return NULL;
    if (gvXMLPropTristateBool(node, "autoport", GV_XML_PROP_NONE, &def->autoport, error) < 0)
        return NULL;
    if (gvXMLPropString(node, "listen", GV_XML_PROP_NONE, &def->listen, error) < 0)
        return NULL;
    if (def->listen && gvGraphicsCheckAddress(node, "listen", def->listen, error) < 0)
        return NULL;
    if (gvXMLPropString(node, "passwd", GV_XML_PROP_NONE, &def->passwd, error) < 0)
        return NULL;
    if (def->passwd && strlen(def->passwd) > (spice ? 60 : 8)) {
        g_autofree char *path = gvXMLNodePath(node);

        /* the value is a secret: never in a message */
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "the password of %s is longer than %s allows (%d characters)", path,
                      spice ? "SPICE" : "VNC", spice ? 60 : 8);
        return NULL;
    }
    if ((cur = gvXMLNodeGetChild(node, "listen")) &&
        gvDomainGraphicsListenParseXML(cur, def, error) < 0)
        return NULL;
    if (def->listen && def->listenType == GV_DOMAIN_GRAPHICS_LISTEN_DEFAULT)
        def->listenType = GV_DOMAIN_GRAPHICS_LISTEN_ADDRESS;
    if ((cur = gvXMLNodeGetChild(node, "image"))) {
        if (!spice) {
            g_autofree char *path = gvXMLNodePath(cur);

            gvReportError(error, GV_ERR_XML_ERROR, "unexpected element %s: it is for SPICE only",
                          path);
            return NULL;
        }
        v = 0;
        if (gvXMLCheckNode(cur, imageAttrs, NULL, false, error) < 0 ||
            gvXMLPropEnum(cur, "compression", gvDomainSpiceImageTypeFromString,
                          GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0)
            return NULL;
        def->image = v;
    }
    return g_steal_pointer(&def);
}

void
gvDomainGraphicsDefFormat(gvBuffer *buf, const gvDomainGraphicsDef *def, bool secure)
{
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);
    bool spice = def->type == GV_DOMAIN_GRAPHICS_TYPE_SPICE;

    gvBufferAsprintf(buf, "<graphics type='%s'", gvDomainGraphicsTypeTypeToString(def->type));
    if (!spice) {
        gvBufferAsprintf(buf, " port='%d'", def->port);
    } else if (def->autoport != GV_TRISTATE_BOOL_YES) {
        /* like libvirt: an automatic SPICE port is not written */
        if (def->port != 0)
            gvBufferAsprintf(buf, " port='%d'", def->port);
        if (def->tlsPort != 0)
            gvBufferAsprintf(buf, " tlsPort='%d'", def->tlsPort);
    }
    if (def->autoport != GV_TRISTATE_BOOL_ABSENT)
        gvBufferAsprintf(buf, " autoport='%s'", gvTristateBoolTypeToString(def->autoport));
    if (def->listen)
        gvBufferEscapeString(buf, " listen='%s'", def->listen);
    if (def->passwd && secure)
        gvBufferEscapeString(buf, " passwd='%s'", def->passwd);
    switch ((gvDomainGraphicsListen)def->listenType) {
    case GV_DOMAIN_GRAPHICS_LISTEN_ADDRESS:
        if (def->listen)
            gvBufferEscapeString(&childBuf, "<listen type='address' address='%s'/>\n", def->listen);
        else
            gvBufferAddLit(&childBuf, "<listen type='address'/>\n");
        break;
    case GV_DOMAIN_GRAPHICS_LISTEN_NONE:
        gvBufferAddLit(&childBuf, "<listen type='none'/>\n");
        break;
    case GV_DOMAIN_GRAPHICS_LISTEN_DEFAULT:
    case GV_DOMAIN_GRAPHICS_LISTEN_LAST:
        break;
    }
    if (def->image != GV_DOMAIN_SPICE_IMAGE_DEFAULT)
        gvBufferAsprintf(&childBuf, "<image compression='%s'/>\n",
                         gvDomainSpiceImageTypeToString(def->image));
    if (gvBufferIsEmpty(&childBuf)) {
        gvBufferAddLit(buf, "/>\n");
        return;
    }
    gvBufferAddLit(buf, ">\n");
    gvBufferAddBuffer(buf, &childBuf);
    gvBufferAddLit(buf, "</graphics>\n");
}

void
gvDomainGraphicsDefPostParse(gvDomainGraphicsDef *def)
{
    if (def->type == GV_DOMAIN_GRAPHICS_TYPE_SPICE) {
        if (def->autoport == GV_TRISTATE_BOOL_YES) {
            def->port = -1;
            def->tlsPort = 0;
        }
        if (def->port == -1 && def->autoport == GV_TRISTATE_BOOL_ABSENT)
            def->autoport = GV_TRISTATE_BOOL_YES;
        /* SPICE without any port listens nowhere (libvirt's listen type='none') */
        if (def->autoport != GV_TRISTATE_BOOL_YES && def->port == 0 &&
            def->listenType == GV_DOMAIN_GRAPHICS_LISTEN_DEFAULT)
            def->listenType = GV_DOMAIN_GRAPHICS_LISTEN_NONE;
    } else if (def->autoport == GV_TRISTATE_BOOL_ABSENT) {
        def->autoport = def->port == -1 ? GV_TRISTATE_BOOL_YES : GV_TRISTATE_BOOL_NO;
    }
    if (def->listenType == GV_DOMAIN_GRAPHICS_LISTEN_DEFAULT)
        def->listenType = GV_DOMAIN_GRAPHICS_LISTEN_ADDRESS;
}

int
gvDomainGraphicsDefValidate(const gvDomainGraphicsDef *def, GError **error)
{
    const char *type = gvDomainGraphicsTypeTypeToString(def->type);

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
    if (def->type == GV_DOMAIN_GRAPHICS_TYPE_SPICE && def->tlsPort != 0 &&
        def->autoport != GV_TRISTATE_BOOL_YES) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "spice tlsPort '%d' in <devices>/<graphics> needs TLS, which genvirt does not set up for SPICE",
            def->tlsPort);
        return -1;
    }
    if (def->listenType == GV_DOMAIN_GRAPHICS_LISTEN_NONE &&
        def->type == GV_DOMAIN_GRAPHICS_TYPE_VNC) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "%s graphics with <listen type='none'> in <devices>/<graphics> is not supported", type);
        return -1;
    }
    if (def->listenType == GV_DOMAIN_GRAPHICS_LISTEN_NONE && def->port != 0) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "%s graphics in <devices>/<graphics> has a port and <listen type='none'>",
                      type);
        return -1;
    }
    return 0;
}
