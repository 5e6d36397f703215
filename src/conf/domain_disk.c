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
             [GV_DOMAIN_DISK_DEVICE_DISK] = "disk", [GV_DOMAIN_DISK_DEVICE_CDROM] = "cdrom",
             [GV_DOMAIN_DISK_DEVICE_FLOPPY] = "floppy");

GV_ENUM_IMPL(gvDomainDiskFormat, GV_DOMAIN_DISK_FORMAT_LAST, [GV_DOMAIN_DISK_FORMAT_NONE] = "none",
             [GV_DOMAIN_DISK_FORMAT_RAW] = "raw", [GV_DOMAIN_DISK_FORMAT_QCOW2] = "qcow2");

GV_ENUM_IMPL(gvDomainDiskBus, GV_DOMAIN_DISK_BUS_LAST, [GV_DOMAIN_DISK_BUS_NONE] = "none",
             [GV_DOMAIN_DISK_BUS_VIRTIO] = "virtio", [GV_DOMAIN_DISK_BUS_SATA] = "sata",
             [GV_DOMAIN_DISK_BUS_IDE] = "ide", [GV_DOMAIN_DISK_BUS_SCSI] = "scsi",
             [GV_DOMAIN_DISK_BUS_USB] = "usb", [GV_DOMAIN_DISK_BUS_FDC] = "fdc");

GV_ENUM_IMPL(
    gvDomainDiskCache, GV_DOMAIN_DISK_CACHE_LAST, [GV_DOMAIN_DISK_CACHE_DEFAULT] = "default",
    [GV_DOMAIN_DISK_CACHE_NONE] = "none", [GV_DOMAIN_DISK_CACHE_WRITETHROUGH] = "writethrough",
    [GV_DOMAIN_DISK_CACHE_WRITEBACK] = "writeback",
    [GV_DOMAIN_DISK_CACHE_DIRECTSYNC] = "directsync", [GV_DOMAIN_DISK_CACHE_UNSAFE] = "unsafe");

GV_ENUM_IMPL(gvDomainDiskIO, GV_DOMAIN_DISK_IO_LAST, [GV_DOMAIN_DISK_IO_DEFAULT] = "default",
             [GV_DOMAIN_DISK_IO_NATIVE] = "native", [GV_DOMAIN_DISK_IO_THREADS] = "threads",
             [GV_DOMAIN_DISK_IO_URING] = "io_uring");

GV_ENUM_IMPL(gvDomainDiskDiscard,
             GV_DOMAIN_DISK_DISCARD_LAST, [GV_DOMAIN_DISK_DISCARD_DEFAULT] = "default",
             [GV_DOMAIN_DISK_DISCARD_UNMAP] = "unmap", [GV_DOMAIN_DISK_DISCARD_IGNORE] = "ignore");

GV_ENUM_IMPL(gvDomainDiskDetectZeroes,
             GV_DOMAIN_DISK_DETECT_ZEROES_LAST, [GV_DOMAIN_DISK_DETECT_ZEROES_DEFAULT] = "default",
             [GV_DOMAIN_DISK_DETECT_ZEROES_OFF] = "off", [GV_DOMAIN_DISK_DETECT_ZEROES_ON] = "on",
             [GV_DOMAIN_DISK_DETECT_ZEROES_UNMAP] = "unmap");

void
gvDomainDiskDefFree(gvDomainDiskDef *def)
{
    if (!def)
        return;
    g_free(def->src);
    g_free(def->dst);
    g_free(def->serial);
    g_free(def);
}

int
gvDomainDiskIndexFromName(const char *dst)
{
    const char *p;
    int idx = 0;

    if (!dst || !(g_str_has_prefix(dst, "vd") || g_str_has_prefix(dst, "sd") ||
                  g_str_has_prefix(dst, "hd") || g_str_has_prefix(dst, "fd")))
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

static int
gvDomainDiskDriverParseXML(xmlNodePtr cur, gvDomainDiskDef *def, GError **error)
{
    static const char *const driverAttrs[] = { "name",    "type",          "cache", "io",
                                               "discard", "detect_zeroes", NULL };
    g_autofree char *name = NULL;
    int v;

    if (gvXMLCheckNode(cur, driverAttrs, NULL, false, error) < 0)
        return -1;
    if (gvXMLPropString(cur, "name", GV_XML_PROP_NONE, &name, error) < 0)
        return -1;
    if (name && !g_str_equal(name, "qemu")) {
        g_autofree char *path = gvXMLNodePath(cur);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "unknown value '%s' for attribute 'name' of %s: expected 'qemu'", name, path);
        return -1;
    }
    v = 0;
    if (gvXMLPropEnum(cur, "type", gvDomainDiskFormatTypeFromString, GV_XML_PROP_NONZERO, &v,
                      error) < 0)
        return -1;
    def->format = v;
    v = 0;
    if (gvXMLPropEnum(cur, "cache", gvDomainDiskCacheTypeFromString, GV_XML_PROP_NONE, &v, error) <
        0)
        return -1;
    def->cache = v;
    v = 0;
    if (gvXMLPropEnum(cur, "io", gvDomainDiskIOTypeFromString, GV_XML_PROP_NONE, &v, error) < 0)
        return -1;
    def->io = v;
    v = 0;
    if (gvXMLPropEnum(cur, "discard", gvDomainDiskDiscardTypeFromString, GV_XML_PROP_NONE, &v,
                      error) < 0)
        return -1;
    def->discard = v;
    v = 0;
    if (gvXMLPropEnum(cur, "detect_zeroes", gvDomainDiskDetectZeroesTypeFromString,
                      GV_XML_PROP_NONE, &v, error) < 0)
        return -1;
    def->detectZeroes = v;
    return 0;
}

gvDomainDiskDef *
gvDomainDiskDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "type", "device", NULL };
    static const gvXMLChildSpec children[] = {
        { "driver", 1 }, { "source", 1 }, { "target", 1 },  { "readonly", 1 }, { "shareable", 1 },
        { "serial", 1 }, { "boot", 1 },   { "address", 1 }, { NULL, 0 }
    };
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

    if ((cur = gvXMLNodeGetChild(node, "driver")) &&
        gvDomainDiskDriverParseXML(cur, def, error) < 0)
        return NULL;

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
                      "invalid value '%s' for attribute 'dev' of %s: expected vdX, sdX, hdX or fdX",
                      def->dst, path);
        return NULL;
    }

    if ((cur = gvXMLNodeGetChild(node, "readonly"))) {
        if (gvXMLCheckNode(cur, NULL, NULL, false, error) < 0)
            return NULL;
        def->readonly = true;
    }
    if ((cur = gvXMLNodeGetChild(node, "shareable"))) {
        if (gvXMLCheckNode(cur, NULL, NULL, false, error) < 0)
            return NULL;
        def->shareable = true;
    }
    if ((cur = gvXMLNodeGetChild(node, "serial"))) {
        const char *p;

        if (gvXMLCheckNode(cur, NULL, NULL, true, error) < 0)
            return NULL;
        def->serial = gvXMLNodeContent(cur, true);
        /* what QEMU's serial property takes (libvirt's rule) */
        for (p = def->serial; *p; p++) {
            if (!g_ascii_isalnum(*p) && !strchr("_ .+-", *p))
                break;
        }
        if (*p || def->serial[0] == '\0' || strlen(def->serial) > GV_DOMAIN_DISK_SERIAL_MAX) {
            g_autofree char *path = gvXMLNodePath(cur);

            gvReportError(
                error, GV_ERR_XML_ERROR,
                "invalid disk serial '%s' in %s: expected 1 to %d letters, digits, '_', ' ', '.', '+' or '-'",
                def->serial, path, GV_DOMAIN_DISK_SERIAL_MAX);
            return NULL;
        }
    }
    if (gvDomainDeviceInfoParseXML(node, GV_ADDR_PCI | GV_ADDR_DRIVE | GV_ADDR_USB, true,
                                   &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

void
gvDomainDiskDefFormat(gvBuffer *buf, const gvDomainDiskDef *def)
{
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

    gvBufferAsprintf(buf, "<disk type='%s' device='%s'>\n", gvDomainDiskTypeTypeToString(def->type),
                     gvDomainDiskDeviceTypeToString(def->device));
    gvBufferAsprintf(&childBuf, "<driver name='qemu' type='%s'",
                     gvDomainDiskFormatTypeToString(def->format));
    if (def->cache)
        gvBufferAsprintf(&childBuf, " cache='%s'", gvDomainDiskCacheTypeToString(def->cache));
    if (def->io)
        gvBufferAsprintf(&childBuf, " io='%s'", gvDomainDiskIOTypeToString(def->io));
    if (def->discard)
        gvBufferAsprintf(&childBuf, " discard='%s'", gvDomainDiskDiscardTypeToString(def->discard));
    if (def->detectZeroes)
        gvBufferAsprintf(&childBuf, " detect_zeroes='%s'",
                         gvDomainDiskDetectZeroesTypeToString(def->detectZeroes));
    gvBufferAddLit(&childBuf, "/>\n");
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
    if (def->shareable)
        gvBufferAddLit(&childBuf, "<shareable/>\n");
    if (def->serial)
        gvBufferEscapeString(&childBuf, "<serial>%s</serial>\n", def->serial);
    gvDomainDeviceBootFormat(&childBuf, &def->info);
    gvDomainDeviceAddressFormat(&childBuf, &def->info.addr);
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
        else if (g_str_has_prefix(def->dst, "fd"))
            def->bus = GV_DOMAIN_DISK_BUS_FDC;
        else
            def->bus = GV_DOMAIN_DISK_BUS_IDE;
    }
    /* a CD-ROM is read-only media */
    if (def->device == GV_DOMAIN_DISK_DEVICE_CDROM)
        def->readonly = true;
    /* the drive address follows from the target name, as libvirt gives it */
    if (def->info.addr.type == GV_DOMAIN_ADDRESS_TYPE_NONE) {
        int idx = gvDomainDiskIndexFromName(def->dst);
        gvDomainDeviceAddress *a = &def->info.addr;

        switch ((gvDomainDiskBus)def->bus) {
        case GV_DOMAIN_DISK_BUS_SATA:
            a->type = GV_DOMAIN_ADDRESS_TYPE_DRIVE;
            a->controller = idx / 6;
            a->unit = idx % 6;
            break;
        case GV_DOMAIN_DISK_BUS_IDE:
            a->type = GV_DOMAIN_ADDRESS_TYPE_DRIVE;
            a->controller = idx / 4;
            a->bus = (idx % 4) / 2;
            a->unit = idx % 2;
            break;
        case GV_DOMAIN_DISK_BUS_SCSI:
            a->type = GV_DOMAIN_ADDRESS_TYPE_DRIVE;
            a->controller = idx / 7;
            a->unit = idx % 7;
            break;
        case GV_DOMAIN_DISK_BUS_FDC:
            a->type = GV_DOMAIN_ADDRESS_TYPE_DRIVE;
            a->unit = idx;
            break;
        case GV_DOMAIN_DISK_BUS_VIRTIO:
        case GV_DOMAIN_DISK_BUS_USB:
        case GV_DOMAIN_DISK_BUS_NONE:
        case GV_DOMAIN_DISK_BUS_LAST:
            break;
        }
    }
    return 0;
}

static unsigned int
gvDomainDiskBusAddressMask(gvDomainDiskBus bus)
{
    switch (bus) {
    case GV_DOMAIN_DISK_BUS_VIRTIO:
        return GV_ADDR_PCI;
    case GV_DOMAIN_DISK_BUS_USB:
        return GV_ADDR_USB;
    case GV_DOMAIN_DISK_BUS_SATA:
    case GV_DOMAIN_DISK_BUS_IDE:
    case GV_DOMAIN_DISK_BUS_SCSI:
    case GV_DOMAIN_DISK_BUS_FDC:
        return GV_ADDR_DRIVE;
    case GV_DOMAIN_DISK_BUS_NONE:
    case GV_DOMAIN_DISK_BUS_LAST:
        break;
    }
    return 0;
}

int
gvDomainDiskDefValidate(const gvDomainDiskDef *def, GError **error)
{
    const gvDomainDeviceAddress *a = &def->info.addr;

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
    if (a->type != GV_DOMAIN_ADDRESS_TYPE_NONE &&
        !(gvDomainDiskBusAddressMask(def->bus) & GV_ADDR_MASK(a->type))) {
        gvReportError(
            error, GV_ERR_XML_ERROR,
            "disk '%s' on bus '%s' cannot have an address of type '%s' in <devices>/<disk>/<address>",
            def->dst, gvDomainDiskBusTypeToString(def->bus), gvDomainAddressTypeToString(a->type));
        return -1;
    }
    if ((def->device == GV_DOMAIN_DISK_DEVICE_FLOPPY) != (def->bus == GV_DOMAIN_DISK_BUS_FDC)) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "disk '%s' in <devices>/<disk>: a floppy needs bus 'fdc' and bus 'fdc' takes only floppies",
            def->dst);
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
        if (a->controller > 0 || a->unit >= 6 || a->bus > 0) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "disk '%s' in <devices>/<disk>/<target> is past the 6 ports of the SATA controller",
                def->dst);
            return -1;
        }
        break;
    case GV_DOMAIN_DISK_BUS_IDE:
        if (a->controller > 0 || a->unit > 1) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "disk '%s' in <devices>/<disk>/<target> is past the 4 units of the IDE controller",
                def->dst);
            return -1;
        }
        break;
    case GV_DOMAIN_DISK_BUS_SCSI:
        if (a->unit > 255 || a->bus > 0) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "disk '%s' in <devices>/<disk>/<address> is past the units of its SCSI controller",
                def->dst);
            return -1;
        }
        break;
    case GV_DOMAIN_DISK_BUS_FDC:
        if (a->controller > 0 || a->bus > 0 || a->unit > 1) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "floppy '%s' in <devices>/<disk>: the floppy controller has 2 units, fda and fdb",
                def->dst);
            return -1;
        }
        break;
    case GV_DOMAIN_DISK_BUS_USB:
        if (def->device == GV_DOMAIN_DISK_DEVICE_CDROM) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "cdrom '%s' in <devices>/<disk>/<target> cannot use bus 'usb': use 'sata', 'scsi' or 'ide'",
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
    if ((def->discard || def->detectZeroes) && !def->src) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "disk '%s' in <devices>/<disk>/<driver> has discard or detect_zeroes but no <source>",
            def->dst);
        return -1;
    }
    if (def->detectZeroes == GV_DOMAIN_DISK_DETECT_ZEROES_UNMAP &&
        def->discard != GV_DOMAIN_DISK_DISCARD_UNMAP) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "disk '%s' in <devices>/<disk>/<driver>: detect_zeroes='unmap' needs discard='unmap'",
            def->dst);
        return -1;
    }
    return 0;
}
