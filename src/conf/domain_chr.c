/*
 * domain_chr.c: <devices>/<serial>, <console> and <channel>
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_chr.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainChrType, GV_DOMAIN_CHR_TYPE_LAST, [GV_DOMAIN_CHR_TYPE_NONE] = "none",
             [GV_DOMAIN_CHR_TYPE_PTY] = "pty", [GV_DOMAIN_CHR_TYPE_FILE] = "file",
             [GV_DOMAIN_CHR_TYPE_UNIX] = "unix", [GV_DOMAIN_CHR_TYPE_TCP] = "tcp",
             [GV_DOMAIN_CHR_TYPE_NULL] = "null", [GV_DOMAIN_CHR_TYPE_SPICEVMC] = "spicevmc");

GV_ENUM_IMPL(
    gvDomainChrDevice, GV_DOMAIN_CHR_DEVICE_LAST, [GV_DOMAIN_CHR_DEVICE_SERIAL] = "serial",
    [GV_DOMAIN_CHR_DEVICE_CONSOLE] = "console", [GV_DOMAIN_CHR_DEVICE_CHANNEL] = "channel");

GV_ENUM_IMPL(gvDomainChrConsoleTarget,
             GV_DOMAIN_CHR_CONSOLE_TARGET_LAST, [GV_DOMAIN_CHR_CONSOLE_TARGET_NONE] = "none",
             [GV_DOMAIN_CHR_CONSOLE_TARGET_SERIAL] = "serial",
             [GV_DOMAIN_CHR_CONSOLE_TARGET_VIRTIO] = "virtio");

GV_ENUM_IMPL(gvDomainChrMode, GV_DOMAIN_CHR_MODE_LAST, [GV_DOMAIN_CHR_MODE_NONE] = "none",
             [GV_DOMAIN_CHR_MODE_BIND] = "bind", [GV_DOMAIN_CHR_MODE_CONNECT] = "connect");

GV_ENUM_IMPL(gvDomainChrProtocol,
             GV_DOMAIN_CHR_PROTOCOL_LAST, [GV_DOMAIN_CHR_PROTOCOL_NONE] = "none",
             [GV_DOMAIN_CHR_PROTOCOL_RAW] = "raw", [GV_DOMAIN_CHR_PROTOCOL_TELNET] = "telnet");

void
gvDomainChrDefFree(gvDomainChrDef *def)
{
    if (!def)
        return;
    g_free(def->path);
    g_free(def->host);
    g_free(def->service);
    g_free(def->name);
    g_free(def->logfile);
    g_free(def);
}

void
gvDomainChrSourceCopy(gvDomainChrDef *dst, const gvDomainChrDef *src)
{
    dst->type = src->type;
    g_free(dst->path);
    dst->path = g_strdup(src->path);
    dst->mode = src->mode;
    g_free(dst->host);
    dst->host = g_strdup(src->host);
    g_free(dst->service);
    dst->service = g_strdup(src->service);
    dst->protocol = src->protocol;
    g_free(dst->logfile);
    dst->logfile = g_strdup(src->logfile);
    dst->logappend = src->logappend;
}

bool
gvDomainChrSourceEqual(const gvDomainChrDef *a, const gvDomainChrDef *b)
{
    return a->type == b->type && g_strcmp0(a->path, b->path) == 0 && a->mode == b->mode &&
           g_strcmp0(a->host, b->host) == 0 && g_strcmp0(a->service, b->service) == 0 &&
           a->protocol == b->protocol && g_strcmp0(a->logfile, b->logfile) == 0 &&
           a->logappend == b->logappend;
}

static int
gvDomainChrSourceParseXML(xmlNodePtr node, gvDomainChrDef *def, bool inactive, GError **error)
{
    static const char *const fileAttrs[] = { "path", NULL };
    static const char *const unixAttrs[] = { "mode", "path", NULL };
    static const char *const tcpAttrs[] = { "mode", "host", "service", NULL };
    static const char *const protocolAttrs[] = { "type", NULL };
    static const char *const logAttrs[] = { "file", "append", NULL };
    xmlNodePtr src = gvXMLNodeGetChild(node, "source");
    xmlNodePtr log = gvXMLNodeGetChild(node, "log");
    xmlNodePtr proto = gvXMLNodeGetChild(node, "protocol");
    int v;

    if (proto && def->type != GV_DOMAIN_CHR_TYPE_TCP) {
        g_autofree char *path = gvXMLNodePath(proto);

        gvReportError(error, GV_ERR_XML_ERROR, "unexpected element %s: only type 'tcp' has one",
                      path);
        return -1;
    }
    if (src && (def->type == GV_DOMAIN_CHR_TYPE_NULL || def->type == GV_DOMAIN_CHR_TYPE_SPICEVMC)) {
        g_autofree char *path = gvXMLNodePath(src);

        gvReportError(error, GV_ERR_XML_ERROR, "unexpected element %s: type '%s' takes no <source>",
                      path, gvDomainChrTypeTypeToString(def->type));
        return -1;
    }
    switch ((gvDomainChrType)def->type) {
    case GV_DOMAIN_CHR_TYPE_FILE:
        if (!src) {
            g_autofree char *path = gvXMLNodePath(node);

            gvReportError(error, GV_ERR_XML_ERROR, "missing element <source> in %s", path);
            return -1;
        }
        if (gvXMLCheckNode(src, fileAttrs, NULL, false, error) < 0 ||
            gvXMLPropString(src, "path", GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &def->path,
                            error) < 0)
            return -1;
        break;
    case GV_DOMAIN_CHR_TYPE_UNIX:
        if (!src)
            break; /* a channel without a path gets one at start */
        v = GV_DOMAIN_CHR_MODE_NONE;
        if (gvXMLCheckNode(src, unixAttrs, NULL, false, error) < 0 ||
            gvXMLPropEnum(src, "mode", gvDomainChrModeTypeFromString, GV_XML_PROP_NONZERO, &v,
                          error) < 0 ||
            gvXMLPropString(src, "path", GV_XML_PROP_NONZERO, &def->path, error) < 0)
            return -1;
        def->mode = v;
        break;
    case GV_DOMAIN_CHR_TYPE_TCP:
        if (!src) {
            g_autofree char *path = gvXMLNodePath(node);

            gvReportError(error, GV_ERR_XML_ERROR, "missing element <source> in %s", path);
            return -1;
        }
        v = GV_DOMAIN_CHR_MODE_NONE;
        if (gvXMLCheckNode(src, tcpAttrs, NULL, false, error) < 0 ||
            gvXMLPropEnum(src, "mode", gvDomainChrModeTypeFromString, GV_XML_PROP_NONZERO, &v,
                          error) < 0 ||
            gvXMLPropString(src, "host", GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &def->host,
                            error) < 0 ||
            gvXMLPropString(src, "service", GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO,
                            &def->service, error) < 0)
            return -1;
        def->mode = v;
        if (!g_ascii_string_to_unsigned(def->service, 10, 1, 65535, NULL, NULL)) {
            g_autofree char *path = gvXMLNodePath(src);

            gvReportError(
                error, GV_ERR_XML_ERROR,
                "invalid value '%s' for attribute 'service' of %s: expected a port number 1 to 65535",
                def->service, path);
            return -1;
        }
        if (strspn(def->host,
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") !=
            strlen(def->host)) {
            g_autofree char *path = gvXMLNodePath(src);

            gvReportError(
                error, GV_ERR_XML_ERROR,
                "invalid value '%s' for attribute 'host' of %s: expected a host name or an IP address",
                def->host, path);
            return -1;
        }
        if (proto) {
            v = GV_DOMAIN_CHR_PROTOCOL_NONE;
            if (gvXMLCheckNode(proto, protocolAttrs, NULL, false, error) < 0 ||
                gvXMLPropEnum(proto, "type", gvDomainChrProtocolTypeFromString,
                              GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0)
                return -1;
            def->protocol = v;
        }
        break;
    case GV_DOMAIN_CHR_TYPE_PTY:
        /* <source path='/dev/pts/N'/>: live data, checked either way, kept if !@inactive */
        if (src) {
            static const char *const ptyAttrs[] = { "path", NULL };
            g_autofree char *pty = NULL;

            if (gvXMLCheckNode(src, ptyAttrs, NULL, false, error) < 0 ||
                gvXMLPropString(src, "path", GV_XML_PROP_NONZERO, &pty, error) < 0)
                return -1;
            if (pty && pty[0] != '/') {
                g_autofree char *where = gvXMLNodePath(src);

                gvReportError(error, GV_ERR_XML_ERROR,
                              "invalid pty path '%s' in %s: expected an absolute path", pty, where);
                return -1;
            }
            if (!inactive)
                def->path = g_steal_pointer(&pty);
        }
        break;
    case GV_DOMAIN_CHR_TYPE_NULL:
    case GV_DOMAIN_CHR_TYPE_SPICEVMC:
    case GV_DOMAIN_CHR_TYPE_NONE:
    case GV_DOMAIN_CHR_TYPE_LAST:
        break;
    }
    if (log) {
        if (gvXMLCheckNode(log, logAttrs, NULL, false, error) < 0 ||
            gvXMLPropString(log, "file", GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &def->logfile,
                            error) < 0 ||
            gvXMLPropTristateSwitch(log, "append", GV_XML_PROP_NONE, &def->logappend, error) < 0)
            return -1;
        if (def->logfile[0] != '/') {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "log file '%s' of the %s in <devices>/<%s>/<log> is not an absolute path",
                          def->logfile, gvDomainChrDeviceTypeToString(def->device),
                          gvDomainChrDeviceTypeToString(def->device));
            return -1;
        }
        if (def->type == GV_DOMAIN_CHR_TYPE_SPICEVMC) {
            g_autofree char *path = gvXMLNodePath(log);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "unexpected element %s: type 'spicevmc' has no log", path);
            return -1;
        }
    }
    if (def->path && def->path[0] != '/') {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "path '%s' of the %s in <devices>/<%s>/<source> is not an absolute path",
                      def->path, gvDomainChrDeviceTypeToString(def->device),
                      gvDomainChrDeviceTypeToString(def->device));
        return -1;
    }
    return 0;
}

gvDomainChrDef *
gvDomainChrDefParseXML(xmlNodePtr node, gvDomainChrDevice device, bool inactive, GError **error)
{
    /* tty: the pty path again, as libvirt writes it on a live <console>; <source> has it */
    static const char *const attrs[] = { "type", "tty", NULL };
    static const gvXMLChildSpec children[] = { { "source", 1 }, { "protocol", 1 }, { "log", 1 },
                                               { "target", 1 }, { "address", 1 },  { NULL, 0 } };
    static const gvXMLChildSpec serialTargetChildren[] = { { "model", 1 }, { NULL, 0 } };
    static const char *const serialTargetAttrs[] = { "type", "port", NULL };
    static const char *const consoleTargetAttrs[] = { "type", "port", NULL };
    static const char *const channelTargetAttrs[] = { "type", "name", NULL };
    static const char *const modelAttrs[] = { "name", NULL };
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
    if (def->type == GV_DOMAIN_CHR_TYPE_SPICEVMC && device != GV_DOMAIN_CHR_DEVICE_CHANNEL) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "type 'spicevmc' of %s is for a <channel> only",
                      path);
        return NULL;
    }
    if (gvDomainChrSourceParseXML(node, def, inactive, error) < 0)
        return NULL;

    target = gvXMLNodeGetChild(node, "target");
    switch ((gvDomainChrDevice)device) {
    case GV_DOMAIN_CHR_DEVICE_SERIAL:
    case GV_DOMAIN_CHR_DEVICE_CONSOLE:
        if (target) {
            unsigned int port;
            int rc;

            if (gvXMLCheckNode(target,
                               device == GV_DOMAIN_CHR_DEVICE_CONSOLE ? consoleTargetAttrs
                                                                      : serialTargetAttrs,
                               device == GV_DOMAIN_CHR_DEVICE_SERIAL ? serialTargetChildren : NULL,
                               false, error) < 0)
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
            } else {
                /* QEMU's x86 serial port: <target type='isa-serial'><model name='isa-serial'/> */
                g_autofree char *type = NULL;
                g_autofree char *model = NULL;
                xmlNodePtr m = gvXMLNodeGetChild(target, "model");

                if (gvXMLPropString(target, "type", GV_XML_PROP_NONE, &type, error) < 0)
                    return NULL;
                if (m && (gvXMLCheckNode(m, modelAttrs, NULL, false, error) < 0 ||
                          gvXMLPropString(m, "name", GV_XML_PROP_REQUIRED, &model, error) < 0))
                    return NULL;
                if ((type && !g_str_equal(type, "isa-serial")) ||
                    (model && !g_str_equal(model, "isa-serial"))) {
                    g_autofree char *path = gvXMLNodePath(target);

                    gvReportError(error, GV_ERR_XML_ERROR,
                                  "unsupported serial target '%s' in %s: expected 'isa-serial'",
                                  type && !g_str_equal(type, "isa-serial") ? type : model, path);
                    return NULL;
                }
            }
        }
        break;
    case GV_DOMAIN_CHR_DEVICE_CHANNEL: {
        g_autofree char *type = NULL;
        const char *p;

        if (!target) {
            g_autofree char *path = gvXMLNodePath(node);

            gvReportError(error, GV_ERR_XML_ERROR, "missing element <target> in %s", path);
            return NULL;
        }
        if (gvXMLCheckNode(target, channelTargetAttrs, NULL, false, error) < 0 ||
            gvXMLPropString(target, "type", GV_XML_PROP_REQUIRED, &type, error) < 0 ||
            gvXMLPropString(target, "name", GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &def->name,
                            error) < 0)
            return NULL;
        if (!g_str_equal(type, "virtio")) {
            g_autofree char *path = gvXMLNodePath(target);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "unknown value '%s' for attribute 'type' of %s: expected 'virtio'", type,
                          path);
            return NULL;
        }
        for (p = def->name; *p; p++) {
            if (!g_ascii_isalnum(*p) && !strchr("._-", *p))
                break;
        }
        if (*p || strlen(def->name) > 128) {
            g_autofree char *path = gvXMLNodePath(target);

            gvReportError(
                error, GV_ERR_XML_ERROR,
                "invalid value '%s' for attribute 'name' of %s: expected letters, digits, '.', '_' or '-'",
                def->name, path);
            return NULL;
        }
        if (gvDomainDeviceInfoParseXML(node, GV_ADDR_VSERIAL, false, &def->info, error) < 0)
            return NULL;
        break;
    }
    case GV_DOMAIN_CHR_DEVICE_LAST:
        break;
    }
    if (device != GV_DOMAIN_CHR_DEVICE_CHANNEL && gvXMLNodeGetChild(node, "address")) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "unexpected element <address> in %s", path);
        return NULL;
    }
    return g_steal_pointer(&def);
}

static void
gvDomainChrSourceFormat(gvBuffer *buf, const gvDomainChrDef *def, bool inactive)
{
    switch ((gvDomainChrType)def->type) {
    case GV_DOMAIN_CHR_TYPE_PTY:
        if (def->path && !inactive)
            gvBufferEscapeString(buf, "<source path='%s'/>\n", def->path);
        break;
    case GV_DOMAIN_CHR_TYPE_FILE:
        gvBufferEscapeString(buf, "<source path='%s'/>\n", def->path);
        break;
    case GV_DOMAIN_CHR_TYPE_UNIX:
        if (!def->path)
            break;
        gvBufferAsprintf(buf, "<source mode='%s'", gvDomainChrModeTypeToString(def->mode));
        gvBufferEscapeString(buf, " path='%s'/>\n", def->path);
        break;
    case GV_DOMAIN_CHR_TYPE_TCP:
        gvBufferAsprintf(buf, "<source mode='%s'", gvDomainChrModeTypeToString(def->mode));
        gvBufferEscapeString(buf, " host='%s'", def->host);
        gvBufferEscapeString(buf, " service='%s'/>\n", def->service);
        gvBufferAsprintf(buf, "<protocol type='%s'/>\n",
                         gvDomainChrProtocolTypeToString(def->protocol));
        break;
    case GV_DOMAIN_CHR_TYPE_NULL:
    case GV_DOMAIN_CHR_TYPE_SPICEVMC:
    case GV_DOMAIN_CHR_TYPE_NONE:
    case GV_DOMAIN_CHR_TYPE_LAST:
        break;
    }
}

void
gvDomainChrDefFormat(gvBuffer *buf, const gvDomainChrDef *def, bool inactive)
{
    const char *elem = gvDomainChrDeviceTypeToString(def->device);

    gvBufferAsprintf(buf, "<%s type='%s'", elem, gvDomainChrTypeTypeToString(def->type));
    if (def->type == GV_DOMAIN_CHR_TYPE_PTY && def->path && !inactive &&
        def->device == GV_DOMAIN_CHR_DEVICE_CONSOLE)
        gvBufferEscapeString(buf, " tty='%s'", def->path);
    gvBufferAddLit(buf, ">\n");
    gvBufferAdjustIndent(buf, 2);
    gvDomainChrSourceFormat(buf, def, inactive);
    if (def->logfile) {
        gvBufferEscapeString(buf, "<log file='%s'", def->logfile);
        if (def->logappend != GV_TRISTATE_SWITCH_ABSENT)
            gvBufferAsprintf(buf, " append='%s'", gvTristateSwitchTypeToString(def->logappend));
        gvBufferAddLit(buf, "/>\n");
    }
    switch ((gvDomainChrDevice)def->device) {
    case GV_DOMAIN_CHR_DEVICE_CONSOLE:
        gvBufferAsprintf(buf, "<target type='%s' port='%d'/>\n",
                         gvDomainChrConsoleTargetTypeToString(def->target), def->port);
        break;
    case GV_DOMAIN_CHR_DEVICE_SERIAL:
        gvBufferAsprintf(buf, "<target type='isa-serial' port='%d'>\n", def->port);
        gvBufferAdjustIndent(buf, 2);
        gvBufferAddLit(buf, "<model name='isa-serial'/>\n");
        gvBufferAdjustIndent(buf, -2);
        gvBufferAddLit(buf, "</target>\n");
        break;
    case GV_DOMAIN_CHR_DEVICE_CHANNEL:
        gvBufferEscapeString(buf, "<target type='virtio' name='%s'/>\n", def->name);
        gvDomainDeviceAddressFormat(buf, &def->info.addr);
        break;
    case GV_DOMAIN_CHR_DEVICE_LAST:
        break;
    }
    gvBufferAdjustIndent(buf, -2);
    gvBufferAsprintf(buf, "</%s>\n", elem);
}

int
gvDomainChrDefValidate(const gvDomainChrDef *def, GError **error)
{
    const char *elem = gvDomainChrDeviceTypeToString(def->device);

    if (def->type == GV_DOMAIN_CHR_TYPE_UNIX && def->device != GV_DOMAIN_CHR_DEVICE_CHANNEL &&
        !def->path) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "%s of type 'unix' in <devices>/<%s> needs <source path>", elem, elem);
        return -1;
    }
    if (def->type == GV_DOMAIN_CHR_TYPE_UNIX && def->path && def->mode == GV_DOMAIN_CHR_MODE_NONE) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "%s of type 'unix' in <devices>/<%s>/<source> needs mode 'bind' or 'connect'",
                      elem, elem);
        return -1;
    }
    if (def->type == GV_DOMAIN_CHR_TYPE_UNIX && def->path && strlen(def->path) >= 108) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "socket path '%s' in <devices>/<%s>/<source> is longer than a UNIX socket path can be",
            def->path, elem);
        return -1;
    }
    return 0;
}
