/*
 * qemu_command_disk.c: <disk> and <interface>
 */
#include <gvconfig.h>

#include "qemu_command_priv.h"

const char *
gvQemuNetModelDevice(gvDomainNetModel model)
{
    switch (model) {
    case GV_DOMAIN_NET_MODEL_VIRTIO:
        return "virtio-net-pci";
    case GV_DOMAIN_NET_MODEL_E1000:
        return "e1000";
    case GV_DOMAIN_NET_MODEL_E1000E:
        return "e1000e";
    case GV_DOMAIN_NET_MODEL_RTL8139:
        return "rtl8139";
    case GV_DOMAIN_NET_MODEL_NONE:
    case GV_DOMAIN_NET_MODEL_LAST:
        break;
    }
    return NULL;
}

const char *
gvQemuDiskDevice(const gvDomainDiskDef *disk)
{
    bool cdrom = disk->device == GV_DOMAIN_DISK_DEVICE_CDROM;

    switch ((gvDomainDiskBus)disk->bus) {
    case GV_DOMAIN_DISK_BUS_VIRTIO:
        return "virtio-blk-pci";
    case GV_DOMAIN_DISK_BUS_SATA:
    case GV_DOMAIN_DISK_BUS_IDE:
        return cdrom ? "ide-cd" : "ide-hd";
    case GV_DOMAIN_DISK_BUS_SCSI:
        return cdrom ? "scsi-cd" : "scsi-hd";
    case GV_DOMAIN_DISK_BUS_USB:
        return "usb-storage";
    case GV_DOMAIN_DISK_BUS_FDC:
        return "floppy";
    case GV_DOMAIN_DISK_BUS_NONE:
    case GV_DOMAIN_DISK_BUS_LAST:
        break;
    }
    return NULL;
}

/* QEMU's cache.direct and cache.no-flush for a cache mode; false when it has none */
static bool
gvQemuDiskCache(gvDomainDiskCache cache, bool *direct, bool *noFlush)
{
    switch (cache) {
    case GV_DOMAIN_DISK_CACHE_NONE:
        *direct = true;
        *noFlush = false;
        return true;
    case GV_DOMAIN_DISK_CACHE_WRITETHROUGH:
    case GV_DOMAIN_DISK_CACHE_WRITEBACK:
        *direct = false;
        *noFlush = false;
        return true;
    case GV_DOMAIN_DISK_CACHE_DIRECTSYNC:
        *direct = true;
        *noFlush = false;
        return true;
    case GV_DOMAIN_DISK_CACHE_UNSAFE:
        *direct = false;
        *noFlush = true;
        return true;
    case GV_DOMAIN_DISK_CACHE_DEFAULT:
    case GV_DOMAIN_DISK_CACHE_LAST:
        break;
    }
    return false;
}

static void
gvQemuBlockdevAddCache(json_object *node, const gvDomainDiskDef *disk)
{
    bool direct;
    bool noFlush;
    json_object *cache;

    if (!gvQemuDiskCache(disk->cache, &direct, &noFlush))
        return;
    cache = json_object_new_object();
    gvJSONAddBool(cache, "direct", direct);
    gvJSONAddBool(cache, "no-flush", noFlush);
    json_object_object_add(node, "cache", cache);
}

static void
gvQemuBuildOneDisk(gvCommand *cmd, const gvDomainDef *def, const gvDomainDiskDef *disk)
{
    bool q35 = gvDomainDefMachineIsQ35(def->os.machine);
    const gvDomainDeviceAddress *a = &disk->info.addr;
    int idx = gvDomainDiskIndexFromName(disk->dst);
    g_autofree char *storage = g_strdup_printf("gv-%s-storage", disk->dst);
    g_autofree char *format = gvQemuDiskFormatNode(disk);
    g_autofree char *id = NULL;
    g_autofree char *bus = NULL;
    json_object *dev;

    if (disk->src) {
        json_object *file = json_object_new_object();
        json_object *fmt = json_object_new_object();

        gvJSONAddString(file, "driver",
                        disk->type == GV_DOMAIN_DISK_TYPE_BLOCK ? "host_device" : "file");
        gvJSONAddString(file, "filename", disk->src);
        if (disk->io == GV_DOMAIN_DISK_IO_NATIVE || disk->io == GV_DOMAIN_DISK_IO_THREADS ||
            disk->io == GV_DOMAIN_DISK_IO_URING)
            gvJSONAddString(file, "aio", gvDomainDiskIOTypeToString(disk->io));
        gvJSONAddString(file, "node-name", storage);
        gvQemuBlockdevAddCache(file, disk);
        gvJSONAddBool(file, "read-only", disk->readonly);
        if (disk->discard)
            gvJSONAddString(file, "discard", gvDomainDiskDiscardTypeToString(disk->discard));
        gvQemuAddJSONArg(cmd, "-blockdev", file);

        gvJSONAddString(fmt, "driver", gvDomainDiskFormatTypeToString(disk->format));
        gvJSONAddString(fmt, "file", storage);
        gvJSONAddString(fmt, "node-name", format);
        gvJSONAddBool(fmt, "read-only", disk->readonly);
        if (disk->discard)
            gvJSONAddString(fmt, "discard", gvDomainDiskDiscardTypeToString(disk->discard));
        if (disk->detectZeroes)
            gvJSONAddString(fmt, "detect-zeroes",
                            gvDomainDiskDetectZeroesTypeToString(disk->detectZeroes));
        gvQemuBlockdevAddCache(fmt, disk);
        gvQemuAddJSONArg(cmd, "-blockdev", fmt);
    }

    dev = json_object_new_object();
    gvJSONAddString(dev, "driver", gvQemuDiskDevice(disk));
    switch ((gvDomainDiskBus)disk->bus) {
    case GV_DOMAIN_DISK_BUS_VIRTIO:
        id = g_strdup_printf("virtio-disk%d", idx);
        gvQemuDeviceAddPCIAddress(dev, def, a);
        break;
    case GV_DOMAIN_DISK_BUS_SATA:
        /* q35's built-in AHCI is "ide", one unit per port */
        bus = q35 && a->controller == 0 ? g_strdup_printf("ide.%u", a->unit)
                                        : g_strdup_printf("sata%u.%u", a->controller, a->unit);
        id = g_strdup_printf("sata%u-0-%u", a->controller, a->unit);
        gvJSONAddString(dev, "bus", bus);
        break;
    case GV_DOMAIN_DISK_BUS_IDE:
        bus = g_strdup_printf("ide.%u", a->bus);
        id = g_strdup_printf("ide%u-%u-%u", a->controller, a->bus, a->unit);
        gvJSONAddString(dev, "bus", bus);
        gvJSONAddInt(dev, "unit", (int)a->unit);
        break;
    case GV_DOMAIN_DISK_BUS_SCSI:
        bus = g_strdup_printf("scsi%u.0", a->controller);
        id = g_strdup_printf("scsi%u-0-%u-%u", a->controller, a->target, a->unit);
        gvJSONAddString(dev, "bus", bus);
        gvJSONAddInt(dev, "channel", 0);
        gvJSONAddInt(dev, "scsi-id", (int)a->target);
        gvJSONAddInt(dev, "lun", (int)a->unit);
        break;
    case GV_DOMAIN_DISK_BUS_USB: {
        g_autofree char *port = g_strdup_printf("%u", a->port);

        id = g_strdup_printf("usb-disk%d", idx);
        gvJSONAddString(dev, "bus", GV_QEMU_USB_BUS);
        gvJSONAddString(dev, "port", port);
        break;
    }
    case GV_DOMAIN_DISK_BUS_FDC:
        id = g_strdup_printf("fdc0-0-%u", a->unit);
        gvJSONAddInt(dev, "unit", (int)a->unit);
        break;
    case GV_DOMAIN_DISK_BUS_NONE:
    case GV_DOMAIN_DISK_BUS_LAST:
        break;
    }
    if (disk->src)
        gvJSONAddString(dev, "drive", format);
    gvJSONAddString(dev, "id", id);
    gvQemuDeviceAddBoot(dev, &disk->info);
    if (disk->cache != GV_DOMAIN_DISK_CACHE_DEFAULT && disk->bus != GV_DOMAIN_DISK_BUS_FDC)
        gvJSONAddString(dev, "write-cache",
                        disk->cache == GV_DOMAIN_DISK_CACHE_WRITETHROUGH ||
                                disk->cache == GV_DOMAIN_DISK_CACHE_DIRECTSYNC
                            ? "off"
                            : "on");
    if (disk->serial)
        gvJSONAddString(dev, "serial", disk->serial);
    if (disk->bus == GV_DOMAIN_DISK_BUS_USB)
        gvJSONAddBool(dev, "removable", false);
    if (disk->shareable && disk->bus == GV_DOMAIN_DISK_BUS_VIRTIO)
        gvJSONAddBool(dev, "share-rw", true);
    gvQemuAddJSONArg(cmd, "-device", dev);
}

void
gvQemuBuildDiskCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    guint i;

    for (i = 0; i < def->disks->len; i++)
        gvQemuBuildOneDisk(cmd, def, g_ptr_array_index(def->disks, i));
}

void
gvQemuBuildNetCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuBuildCtx *ctx)
{
    guint i;

    for (i = 0; i < def->nets->len; i++) {
        const gvDomainNetDef *net = g_ptr_array_index(def->nets, i);
        json_object *dev = json_object_new_object();
        g_autofree char *netdev = g_strdup_printf("hostnet%u", i);
        g_autofree char *id = g_strdup_printf("net%u", i);
        char mac[GV_MAC_STRING_BUFLEN];

        gvCommandAddArg(cmd, "-netdev");
        if (net->type == GV_DOMAIN_NET_TYPE_USER)
            gvCommandAddArgFormat(cmd, "user,id=%s", netdev);
        else
            /* the tap genvirtd opened (bridge) or attached (ethernet) */
            gvCommandAddArgFormat(cmd, "tap,fd=%d,id=%s",
                                  ctx->tapFds && i < ctx->ntapFds ? ctx->tapFds[i] : -1, netdev);
        gvJSONAddString(dev, "driver", gvQemuNetModelDevice(net->model));
        gvJSONAddString(dev, "netdev", netdev);
        gvJSONAddString(dev, "id", id);
        gvJSONAddString(dev, "mac", gvMacAddrFormat(net->mac, mac));
        if (net->mtu)
            gvJSONAddInt(dev, "host_mtu", (int)net->mtu);
        gvQemuDeviceAddPCIAddress(dev, def, &net->info.addr);
        gvQemuDeviceAddBoot(dev, &net->info);
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
}
