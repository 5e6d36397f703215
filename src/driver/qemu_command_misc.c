/*
 * qemu_command_misc.c: <redirdev>, <watchdog>, <panic>, <memballoon> and
 * <rng>, and the driver's checks of every device class against the binary
 */
#include <gvconfig.h>

#include "gverror.h"
#include "qemu_command_priv.h"

void
gvQemuBuildMiscCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    guint i;

    for (i = 0; i < def->redirdevs->len; i++) {
        const gvDomainRedirdevDef *r = g_ptr_array_index(def->redirdevs, i);
        g_autofree char *chardev = g_strdup_printf("charredir%u", i);
        g_autofree char *id = g_strdup_printf("redir%u", i);
        g_autofree char *port = g_strdup_printf("%u", r->info.addr.port);
        json_object *dev = json_object_new_object();

        gvCommandAddArg(cmd, "-chardev");
        gvCommandAddArgFormat(cmd, "spicevmc,id=%s,name=usbredir", chardev);
        gvJSONAddString(dev, "driver", "usb-redir");
        gvJSONAddString(dev, "chardev", chardev);
        gvJSONAddString(dev, "id", id);
        gvJSONAddString(dev, "bus", GV_QEMU_USB_BUS);
        gvJSONAddString(dev, "port", port);
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
    if (def->watchdog) {
        json_object *dev = json_object_new_object();

        gvJSONAddString(dev, "driver", gvDomainWatchdogModelTypeToString(def->watchdog->model));
        gvJSONAddString(dev, "id", "watchdog0");
        gvQemuDeviceAddPCIAddress(dev, def, &def->watchdog->info.addr);
        gvQemuAddJSONArg(cmd, "-device", dev);
        gvCommandAddArg(cmd, "-action");
        gvCommandAddArgFormat(cmd, "watchdog=%s",
                              gvDomainWatchdogActionTypeToString(def->watchdog->action));
    }
    if (def->panic) {
        json_object *dev = json_object_new_object();

        /* the ISA pvpanic device at QEMU's (and libvirt's) port 0x505 */
        gvJSONAddString(dev, "driver", "pvpanic");
        gvJSONAddInt(dev, "ioport", 0x505);
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
    if (def->memballoon && def->memballoon->model == GV_DOMAIN_MEMBALLOON_MODEL_VIRTIO) {
        json_object *dev = json_object_new_object();

        gvJSONAddString(dev, "driver", "virtio-balloon-pci");
        gvJSONAddString(dev, "id", "balloon0");
        gvQemuDeviceAddPCIAddress(dev, def, &def->memballoon->info.addr);
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
    for (i = 0; i < def->rngs->len; i++) {
        const gvDomainRNGDef *rng = g_ptr_array_index(def->rngs, i);
        g_autofree char *obj = g_strdup_printf("objrng%u", i);
        g_autofree char *id = g_strdup_printf("rng%u", i);
        json_object *backend = json_object_new_object();
        json_object *dev = json_object_new_object();

        if (rng->backend == GV_DOMAIN_RNG_BACKEND_RANDOM) {
            gvJSONAddString(backend, "qom-type", "rng-random");
            gvJSONAddString(backend, "id", obj);
            gvJSONAddString(backend, "filename", rng->path ? rng->path : "/dev/urandom");
        } else {
            gvJSONAddString(backend, "qom-type", "rng-builtin");
            gvJSONAddString(backend, "id", obj);
        }
        gvQemuAddJSONArg(cmd, "-object", backend);
        gvJSONAddString(dev, "driver", "virtio-rng-pci");
        gvJSONAddString(dev, "rng", obj);
        gvJSONAddString(dev, "id", id);
        if (rng->rateBytes) {
            gvJSONAddInt(dev, "max-bytes", (int)rng->rateBytes);
            gvJSONAddInt(dev, "period", (int)(rng->ratePeriod ? rng->ratePeriod : 1000));
        }
        gvQemuDeviceAddPCIAddress(dev, def, &rng->info.addr);
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
}

/* ---- driver checks ------------------------------------------------------ */

static int
gvQemuValidateDisks(const gvDomainDef *def, const gvQemuCaps *caps, GError **error)
{
    guint i;

    for (i = 0; i < def->disks->len; i++) {
        const gvDomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        g_autofree char *what = g_strdup_printf("disk '%s'", disk->dst);

        /* QEMU's ide-hd and scsi-hd cannot be read-only (only the CD-ROMs are) */
        if (disk->readonly && disk->device == GV_DOMAIN_DISK_DEVICE_DISK &&
            disk->bus != GV_DOMAIN_DISK_BUS_VIRTIO) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "read-only disk '%s' in <devices>/<disk> is not supported on bus '%s': use bus 'virtio' or a cdrom",
                disk->dst, gvDomainDiskBusTypeToString(disk->bus));
            return -1;
        }
        if (disk->io == GV_DOMAIN_DISK_IO_NATIVE && disk->cache != GV_DOMAIN_DISK_CACHE_NONE &&
            disk->cache != GV_DOMAIN_DISK_CACHE_DIRECTSYNC) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "disk '%s' in <devices>/<disk>/<driver>: io='native' needs cache='none' or cache='directsync' (QEMU's O_DIRECT)",
                disk->dst);
            return -1;
        }
        if (gvQemuRequireDevice(caps, gvQemuDiskDevice(disk), what, error) < 0)
            return -1;
    }
    return 0;
}

static int
gvQemuValidateNets(const gvDomainDef *def, const gvQemuCaps *caps, const gvQemuBuildCtx *ctx,
                   GError **error)
{
    guint i;

    for (i = 0; i < def->nets->len; i++) {
        const gvDomainNetDef *net = g_ptr_array_index(def->nets, i);
        char mac[GV_MAC_STRING_BUFLEN];

        gvMacAddrFormat(net->mac, mac);
        if (gvQemuRequireDevice(caps, gvQemuNetModelDevice(net->model), "interface model", error) <
            0)
            return -1;
        switch ((gvDomainNetType)net->type) {
        case GV_DOMAIN_NET_TYPE_NETWORK:
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "interface '%s' of type 'network' (network '%s') in <devices>/<interface> is not supported: genvirt has no network driver; use type 'bridge' with the network's bridge, or type 'user'",
                mac, net->source);
            return -1;
        case GV_DOMAIN_NET_TYPE_BRIDGE:
        case GV_DOMAIN_NET_TYPE_ETHERNET:
            if (!ctx->tapFds || i >= ctx->ntapFds || ctx->tapFds[i] < 0) {
                gvReportError(
                    error, GV_ERR_CONFIG_UNSUPPORTED,
                    "interface '%s' of type '%s' in <devices>/<interface> needs a tap device, which genvirtd opens only when it starts the domain",
                    mac, gvDomainNetTypeTypeToString(net->type));
                return -1;
            }
            break;
        case GV_DOMAIN_NET_TYPE_USER:
        case GV_DOMAIN_NET_TYPE_NONE:
        case GV_DOMAIN_NET_TYPE_LAST:
            break;
        }
    }
    return 0;
}

static int
gvQemuValidateControllers(const gvDomainDef *def, const gvQemuCaps *caps, GError **error)
{
    guint i;

    for (i = 0; i < def->controllers->len; i++) {
        const gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        g_autofree char *what = gvDomainControllerDefDescribe(c);
        const char *dev = NULL;

        if (c->type == GV_DOMAIN_CONTROLLER_TYPE_USB)
            dev = gvQemuUSBDevice(c->model);
        else if (c->type == GV_DOMAIN_CONTROLLER_TYPE_SCSI)
            dev = c->model == GV_DOMAIN_SCSI_MODEL_LSILOGIC ? "lsi53c895a" : "virtio-scsi-pci";
        else if (c->type == GV_DOMAIN_CONTROLLER_TYPE_PCI &&
                 c->model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT)
            dev = "pcie-root-port";
        else if (c->type == GV_DOMAIN_CONTROLLER_TYPE_PCI &&
                 c->model == GV_DOMAIN_PCI_MODEL_PCIE_TO_PCI_BRIDGE)
            dev = "pcie-pci-bridge";
        else if (c->type == GV_DOMAIN_CONTROLLER_TYPE_PCI &&
                 c->model == GV_DOMAIN_PCI_MODEL_PCI_BRIDGE)
            dev = "pci-bridge";
        else if (c->type == GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL)
            dev = "virtio-serial-pci";
        if (dev && gvQemuRequireDevice(caps, dev, what, error) < 0)
            return -1;
    }
    return 0;
}

int
gvQemuValidateDevices(const gvDomainDef *def, const gvQemuCaps *caps, const gvQemuBuildCtx *ctx,
                      GError **error)
{
    guint i;

    if (gvQemuValidateDisks(def, caps, error) < 0 ||
        gvQemuValidateNets(def, caps, ctx, error) < 0 ||
        gvQemuValidateControllers(def, caps, error) < 0)
        return -1;
    for (i = 0; i < def->graphics->len; i++) {
        const gvDomainGraphicsDef *g = g_ptr_array_index(def->graphics, i);

        /* QEMU registers the spicevmc chardev only when it is built with SPICE */
        if (g->type == GV_DOMAIN_GRAPHICS_TYPE_SPICE &&
            !gvQemuCapsHasDevice(caps, "chardev-spicevmc")) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "<graphics type='spice'> in <devices> needs a QEMU built with SPICE, which this QEMU binary is not");
            return -1;
        }
    }
    for (i = 0; i < def->videos->len; i++) {
        const gvDomainVideoDef *v = g_ptr_array_index(def->videos, i);
        const char *dev = gvQemuVideoDevice(v->type, i == 0);

        if (dev && gvQemuRequireDevice(caps, dev, "video model", error) < 0)
            return -1;
    }
    if (def->rngs->len > 0 && gvQemuRequireDevice(caps, "virtio-rng-pci", "rng", error) < 0)
        return -1;
    if (def->redirdevs->len > 0 && gvQemuRequireDevice(caps, "usb-redir", "redirdev", error) < 0)
        return -1;
    if (def->panic && gvQemuRequireDevice(caps, "pvpanic", "panic", error) < 0)
        return -1;
    return 0;
}
