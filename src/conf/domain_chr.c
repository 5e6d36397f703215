/*
 * domain_chr.c: <devices>/<serial> and <devices>/<console> (pty)
 */
#include <gvconfig.h>

#include "domain_chr.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(
    gvDomainChrType,
    GV_DOMAIN_CHR_TYPE_LAST, [GV_DOMAIN_CHR_TYPE_NONE] = "none", [GV_DOMAIN_CHR_TYPE_PTY] = "pty");

GV_ENUM_IMPL(gvDomainChrDevice, GV_DOMAIN_CHR_DEVICE_LAST, [GV_DOMAIN_CHR_DEVICE_SERIAL] = "serial",
             [GV_DOMAIN_CHR_DEVICE_CONSOLE] = "console");

GV_ENUM_IMPL(gvDomainChrConsoleTarget,
             GV_DOMAIN_CHR_CONSOLE_TARGET_LAST, [GV_DOMAIN_CHR_CONSOLE_TARGET_NONE] = "none",
             [GV_DOMAIN_CHR_CONSOLE_TARGET_SERIAL] = "serial",
             [GV_DOMAIN_CHR_CONSOLE_TARGET_VIRTIO] = "virtio");

void
gvDomainChrDefFree(gvDomainChrDef *def)
{
    if (!def)
        return;
    g_free(def->path);
    g_free(def);
}

/* <source path='/dev/pts/N'/>: live data, checked either way, kept if !@inactive */
static int
gvDomainChrSourceParseXML(xmlNodePtr node, gvDomainChrDef *def, bool inactive, GError **error)
{
    static const char *const attrs[] = { "path", NULL };
    g_autofree char *path = NULL;

    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0 ||
        gvXMLPropString(node, "path", GV_XML_PROP_NONZERO, &path, error) < 0)
        return -1;
    if (path && path[0] != '/') {
        g_autofree char *where = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid pty path '%s' in %s: expected an absolute path", path, where);
        return -1;
    }
    if (!inactive)
        def->path = g_steal_pointer(&path);
    return 0;
}

gvDomainChrDef *
gvDomainChrDefParseXML(xmlNodePtr node, gvDomainChrDevice device, bool inactive, GError **error)
{
    /* tty: the pty path again, as libvirt writes it on a live <console>; <source> has it */
    static const char *const attrs[] = { "type", "tty", NULL };
    static const gvXMLChildSpec children[] = { { "source", 1 }, { "target", 1 }, { NULL, 0 } };
    xmlNodePtr source;
    static const char *const serialTargetAttrs[] = { "port", NULL };
    static const char *const consoleTargetAttrs[] = { "type", "port", NULL };
    g_autoptr(gvDomainChrDef) def = g_new0(gvDomainChrDef, 1);
    xmlNodePtr target;
    int v = GV_DOMAIN_CHR_TYPE_NONE;

    def->device = device;
    def->port = -1;
    if (gvXMLCheckNode(node, attrs, children, false, error) < 0)
        return NULL;
    if (gvXMLPropEnum(node, "type", gvDomainChrTypeTypeFromString,
                      GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0)
        return NULL;
    def->type = v;

    if ((source = gvXMLNodeGetChild(node, "source")) &&
        gvDomainChrSourceParseXML(source, def, inactive, error) < 0)
        return NULL;
    if ((target = gvXMLNodeGetChild(node, "target"))) {
        unsigned int port;
        int rc;

        if (gvXMLCheckNode(target,
                           device == GV_DOMAIN_CHR_DEVICE_CONSOLE ? consoleTargetAttrs
                                                                  : serialTargetAttrs,
                           NULL, false, error) < 0)
            return NULL;
        if ((rc = gvXMLPropUInt(target, "port", GV_XML_PROP_NONE, &port, error)) < 0)
            return NULL;
        if (rc > 0) {
            if (port > 3) {
                g_autofree char *path = gvXMLNodePath(target);

                gvReportError(error, GV_ERR_XML_ERROR,
                              "invalid value '%u' for attribute 'port' of %s: expected 0 to 3",
                              port, path);
                return NULL;
            }
            def->port = (int)port;
        }
        if (device == GV_DOMAIN_CHR_DEVICE_CONSOLE) {
            v = GV_DOMAIN_CHR_CONSOLE_TARGET_NONE;
            if (gvXMLPropEnum(target, "type", gvDomainChrConsoleTargetTypeFromString,
                              GV_XML_PROP_NONZERO, &v, error) < 0)
                return NULL;
            def->target = v;
        }
    }
    return g_steal_pointer(&def);
}

void
gvDomainChrDefFormat(gvBuffer *buf, const gvDomainChrDef *def, bool inactive)
{
    const char *elem = gvDomainChrDeviceTypeToString(def->device);
    const char *path = inactive ? NULL : def->path;

    gvBufferAsprintf(buf, "<%s type='%s'", elem, gvDomainChrTypeTypeToString(def->type));
    if (path && def->device == GV_DOMAIN_CHR_DEVICE_CONSOLE)
        gvBufferEscapeString(buf, " tty='%s'", path);
    gvBufferAddLit(buf, ">\n");
    gvBufferAdjustIndent(buf, 2);
    if (path)
        gvBufferEscapeString(buf, "<source path='%s'/>\n", path);
    if (def->device == GV_DOMAIN_CHR_DEVICE_CONSOLE)
        gvBufferAsprintf(buf, "<target type='%s' port='%d'/>\n",
                         gvDomainChrConsoleTargetTypeToString(def->target), def->port);
    else
        gvBufferAsprintf(buf, "<target port='%d'/>\n", def->port);
    gvBufferAdjustIndent(buf, -2);
    gvBufferAsprintf(buf, "</%s>\n", elem);
}
