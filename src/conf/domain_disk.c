/*
 * domain_disk.c: <devices>/<disk>
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_disk.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainDiskType, GV_DOMAIN_DISK_TYPE_LAST, [GV_DOMAIN_DISK_TYPE_NONE] = "none",
             [GV_DOMAIN_DISK_TYPE_FILE] = "file", [GV_DOMAIN_DISK_TYPE_BLOCK] = "block");

GV_ENUM_IMPL(gvDomainDiskDevice, GV_DOMAIN_DISK_DEVICE_LAST, [GV_DOMAIN_DISK_DEVICE_NONE] = "none",
             [GV_DOMAIN_DISK_DEVICE_DISK] = "disk", [GV_DOMAIN_DISK_DEVICE_CDROM] = "cdrom");

GV_ENUM_IMPL(gvDomainDiskFormat, GV_DOMAIN_DISK_FORMAT_LAST, [GV_DOMAIN_DISK_FORMAT_NONE] = "none",
             [GV_DOMAIN_DISK_FORMAT_RAW] = "raw", [GV_DOMAIN_DISK_FORMAT_QCOW2] = "qcow2");

GV_ENUM_IMPL(gvDomainDiskBus, GV_DOMAIN_DISK_BUS_LAST, [GV_DOMAIN_DISK_BUS_NONE] = "none",
             [GV_DOMAIN_DISK_BUS_VIRTIO] = "virtio", [GV_DOMAIN_DISK_BUS_SATA] = "sata",
             [GV_DOMAIN_DISK_BUS_IDE] = "ide");

void
gvDomainDiskDefFree(gvDomainDiskDef *def)
{
    if (!def)
        return;
    g_free(def->src);
    g_free(def->dst);
    g_free(def);
}

int
gvDomainDiskIndexFromName(const char *dst)
{
    const char *p;
    int idx = 0;

    if (!dst || !(g_str_has_prefix(dst, "vd") || g_str_has_prefix(dst, "sd") ||
                  g_str_has_prefix(dst, "hd")))
        return -1;
    p = dst + 2;
    if (*p == '\0' || strlen(p) > 3)
        return -1;
    for (; *p; p++) {
        if (*p < 'a' || *p > 'z')
            return -1;
        idx = idx * 26 + (*p - 'a' + 1);
    }
    return idx - 1;
}

gvDomainDiskDef *
gvDomainDiskDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "type", "device", NULL };
    static const gvXMLChildSpec children[] = {
        { "driver", 1 }, { "source", 1 }, { "target", 1 }, { "readonly", 1 }, { NULL, 0 }
    };
    static const char *const driverAttrs[] = { "name", "type", NULL };
    static const char *const fileSourceAttrs[] = { "file", NULL };
    static const char *const blockSourceAttrs[] = { "dev", NULL };
    static const char *const targetAttrs[] = { "dev", "bus", NULL };
    g_autoptr(gvDomainDiskDef) def = g_new0(gvDomainDiskDef, 1);
    xmlNodePtr cur;
    int v;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0)
        return NULL;
    v = GV_DOMAIN_DISK_TYPE_NONE;
    if (gvXMLPropEnum(node, "type", gvDomainDiskTypeTypeFromString, GV_XML_PROP_NONZERO, &v,
                      error) < 0)
        return NULL;
    def->type = v;
    v = GV_DOMAIN_DISK_DEVICE_NONE;
    if (gvXMLPropEnum(node, "device", gvDomainDiskDeviceTypeFromString, GV_XML_PROP_NONZERO, &v,
                      error) < 0)
        return NULL;
    def->device = v;

    if ((cur = gvXMLNodeGetChild(node, "driver"))) {
        g_autofree char *name = NULL;

        if (gvXMLCheckNode(cur, driverAttrs, NULL, false, error) < 0)
            return NULL;
        if (gvXMLPropString(cur, "name", GV_XML_PROP_NONE, &name, error) < 0)
            return NULL;
        if (name && !g_str_equal(name, "qemu")) {
            g_autofree char *path = gvXMLNodePath(cur);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "unknown value '%s' for attribute 'name' of %s: expected 'qemu'", name,
                          path);
            return NULL;
        }
        v = GV_DOMAIN_DISK_FORMAT_NONE;
        if (gvXMLPropEnum(cur, "type", gvDomainDiskFormatTypeFromString, GV_XML_PROP_NONZERO, &v,
                          error) < 0)
            return NULL;
        def->format = v;
    }

    if ((cur = gvXMLNodeGetChild(node, "source"))) {
        bool block = def->type == GV_DOMAIN_DISK_TYPE_BLOCK;

        if (gvXMLCheckNode(cur, block ? blockSourceAttrs : fileSourceAttrs, NULL, false, error) < 0)
            return NULL;
        if (gvXMLPropString(cur, block ? "dev" : "file", GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO,
                            &def->src, error) < 0)
            return NULL;
    }

    if (!(cur = gvXMLNodeGetChild(node, "target"))) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "missing element <target> in %s", path);
        return NULL;
    }
    if (gvXMLCheckNode(cur, targetAttrs, NULL, false, error) < 0)
        return NULL;
    if (gvXMLPropString(cur, "dev", GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &def->dst, error) <
        0)
        return NULL;
    v = GV_DOMAIN_DISK_BUS_NONE;
    if (gvXMLPropEnum(cur, "bus", gvDomainDiskBusTypeFromString, GV_XML_PROP_NONZERO, &v, error) <
        0)
        return NULL;
    def->bus = v;
    if (gvDomainDiskIndexFromName(def->dst) < 0) {
        g_autofree char *path = gvXMLNodePath(cur);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid value '%s' for attribute 'dev' of %s: expected vdX, sdX or hdX",
                      def->dst, path);
        return NULL;
    }

    if ((cur = gvXMLNodeGetChild(node, "readonly"))) {
        if (gvXMLCheckNode(cur, NULL, NULL, false, error) < 0)
            return NULL;
        def->readonly = true;
    }
    return g_steal_pointer(&def);
}

void
gvDomainDiskDefFormat(gvBuffer *buf, const gvDomainDiskDef *def)
{
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

    gvBufferAsprintf(buf, "<disk type='%s' device='%s'>\n", gvDomainDiskTypeTypeToString(def->type),
                     gvDomainDiskDeviceTypeToString(def->device));
    gvBufferAsprintf(&childBuf, "<driver name='qemu' type='%s'/>\n",
                     gvDomainDiskFormatTypeToString(def->format));
    if (def->src) {
        gvBufferEscapeString(&childBuf,
                             def->type == GV_DOMAIN_DISK_TYPE_BLOCK ? "<source dev='%s'/>\n"
                                                                    : "<source file='%s'/>\n",
                             def->src);
    }
    gvBufferEscapeString(&childBuf, "<target dev='%s'", def->dst);
    gvBufferAsprintf(&childBuf, " bus='%s'/>\n", gvDomainDiskBusTypeToString(def->bus));
    if (def->readonly)
        gvBufferAddLit(&childBuf, "<readonly/>\n");
    gvBufferAddBuffer(buf, &childBuf);
    gvBufferAddLit(buf, "</disk>\n");
}

int
gvDomainDiskDefPostParse(gvDomainDiskDef *def, GError **error)
{
    if (def->type == GV_DOMAIN_DISK_TYPE_NONE)
        def->type = GV_DOMAIN_DISK_TYPE_FILE;
    if (def->device == GV_DOMAIN_DISK_DEVICE_NONE)
        def->device = GV_DOMAIN_DISK_DEVICE_DISK;
    if (def->format == GV_DOMAIN_DISK_FORMAT_NONE)
        def->format = GV_DOMAIN_DISK_FORMAT_RAW;
    if (def->bus == GV_DOMAIN_DISK_BUS_NONE) {
        if (g_str_has_prefix(def->dst, "vd"))
            def->bus = GV_DOMAIN_DISK_BUS_VIRTIO;
        else if (g_str_has_prefix(def->dst, "sd"))
            def->bus = GV_DOMAIN_DISK_BUS_SATA;
        else
            def->bus = GV_DOMAIN_DISK_BUS_IDE;
    }
    /* a CD-ROM is read-only media */
    if (def->device == GV_DOMAIN_DISK_DEVICE_CDROM)
        def->readonly = true;
    return 0;
}

int
gvDomainDiskDefValidate(const gvDomainDiskDef *def, GError **error)
{
    int idx = gvDomainDiskIndexFromName(def->dst);

    if (def->device == GV_DOMAIN_DISK_DEVICE_DISK && !def->src) {
        gvReportError(error, GV_ERR_XML_ERROR, "disk '%s' in <devices>/<disk> has no <source>",
                      def->dst);
        return -1;
    }
    if (def->src && def->src[0] != '/') {
        gvReportError(
            error, GV_ERR_XML_ERROR,
            "source '%s' of disk '%s' in <devices>/<disk>/<source> is not an absolute path",
            def->src, def->dst);
        return -1;
    }
    switch ((gvDomainDiskBus)def->bus) {
    case GV_DOMAIN_DISK_BUS_VIRTIO:
        if (def->device == GV_DOMAIN_DISK_DEVICE_CDROM) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "cdrom '%s' in <devices>/<disk>/<target> cannot use bus 'virtio': use 'sata' or 'ide'",
                def->dst);
            return -1;
        }
        break;
    case GV_DOMAIN_DISK_BUS_SATA:
        if (idx >= 6) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "disk '%s' in <devices>/<disk>/<target> is past the 6 ports of the SATA controller",
                def->dst);
            return -1;
        }
        break;
    case GV_DOMAIN_DISK_BUS_IDE:
        if (idx >= 4) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "disk '%s' in <devices>/<disk>/<target> is past the 4 units of the IDE controller",
                def->dst);
            return -1;
        }
        break;
    case GV_DOMAIN_DISK_BUS_NONE:
    case GV_DOMAIN_DISK_BUS_LAST:
    default:
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "unexpected disk bus %d", def->bus);
        return -1;
    }
    return 0;
}
