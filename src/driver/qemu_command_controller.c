/*
 * qemu_command_controller.c: <controller> and the PCI addresses of devices
 */
#include <gvconfig.h>

#include "qemu_command_priv.h"

void
gvQemuDeviceAddPCIAddress(json_object *dev, const gvDomainDef *def,
                          const gvDomainDeviceAddress *addr)
{
    g_autofree char *bus = NULL;
    g_autofree char *slot = NULL;

    if (addr->type != GV_DOMAIN_ADDRESS_TYPE_PCI)
        return;
    if (addr->pci.bus == 0)
        bus = g_strdup(gvDomainDefMachineIsQ35(def->os.machine) ? "pcie.0" : "pci.0");
    else
        bus = g_strdup_printf("pci.%u", addr->pci.bus);
    gvJSONAddString(dev, "bus", bus);
    if (addr->pci.multifunction == GV_TRISTATE_SWITCH_ON)
        gvJSONAddBool(dev, "multifunction", true);
    if (addr->pci.function)
        slot = g_strdup_printf("0x%x.0x%x", addr->pci.slot, addr->pci.function);
    else
        slot = g_strdup_printf("0x%x", addr->pci.slot);
    gvJSONAddString(dev, "addr", slot);
}

void
gvQemuDeviceAddBoot(json_object *dev, const gvDomainDeviceInfo *info)
{
    if (info->bootIndex > 0)
        gvJSONAddInt(dev, "bootindex", (int)info->bootIndex);
}

const char *
gvQemuUSBDevice(gvDomainUSBModel model)
{
    switch (model) {
    case GV_DOMAIN_USB_MODEL_PIIX3_UHCI:
        return "piix3-usb-uhci";
    case GV_DOMAIN_USB_MODEL_ICH9_EHCI1:
        return "ich9-usb-ehci1";
    case GV_DOMAIN_USB_MODEL_ICH9_UHCI1:
        return "ich9-usb-uhci1";
    case GV_DOMAIN_USB_MODEL_ICH9_UHCI2:
        return "ich9-usb-uhci2";
    case GV_DOMAIN_USB_MODEL_ICH9_UHCI3:
        return "ich9-usb-uhci3";
    case GV_DOMAIN_USB_MODEL_QEMU_XHCI:
        return "qemu-xhci";
    case GV_DOMAIN_USB_MODEL_NEC_XHCI:
        return "nec-usb-xhci";
    case GV_DOMAIN_USB_MODEL_NONE:
    case GV_DOMAIN_USB_MODEL_DEFAULT:
    case GV_DOMAIN_USB_MODEL_LAST:
        break;
    }
    return NULL;
}

/* The QEMU device of a controller, or NULL when it is built into the machine */
static const char *
gvQemuControllerDevice(const gvDomainDef *def, const gvDomainControllerDef *c)
{
    bool q35 = gvDomainDefMachineIsQ35(def->os.machine);

    switch ((gvDomainControllerType)c->type) {
    case GV_DOMAIN_CONTROLLER_TYPE_PCI:
        switch ((gvDomainPCIModel)c->model) {
        case GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT:
            return "pcie-root-port";
        case GV_DOMAIN_PCI_MODEL_PCI_BRIDGE:
            return "pci-bridge";
        case GV_DOMAIN_PCI_MODEL_PCIE_TO_PCI_BRIDGE:
            return "pcie-pci-bridge";
        case GV_DOMAIN_PCI_MODEL_PCI_ROOT:
        case GV_DOMAIN_PCI_MODEL_PCIE_ROOT:
        case GV_DOMAIN_PCI_MODEL_DEFAULT:
        case GV_DOMAIN_PCI_MODEL_LAST:
            break;
        }
        return NULL;
    case GV_DOMAIN_CONTROLLER_TYPE_USB:
        return gvQemuUSBDevice(c->model);
    case GV_DOMAIN_CONTROLLER_TYPE_SCSI:
        return c->model == GV_DOMAIN_SCSI_MODEL_LSILOGIC ? "lsi" : "virtio-scsi-pci";
    case GV_DOMAIN_CONTROLLER_TYPE_SATA:
        /* q35's AHCI at 00:1f.2 is built in */
        return q35 && c->idx == 0 ? NULL : "ich9-ahci";
    case GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
        return "virtio-serial-pci";
    case GV_DOMAIN_CONTROLLER_TYPE_IDE: /* PIIX3's */
    case GV_DOMAIN_CONTROLLER_TYPE_FDC: /* the ISA one of pc */
    case GV_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    return NULL;
}

static char *
gvQemuControllerId(const gvDomainControllerDef *c)
{
    switch ((gvDomainControllerType)c->type) {
    case GV_DOMAIN_CONTROLLER_TYPE_PCI:
        return g_strdup_printf("pci.%d", c->idx);
    case GV_DOMAIN_CONTROLLER_TYPE_USB:
        return c->idx == 0 ? g_strdup("usb") : g_strdup_printf("usb%d", c->idx);
    case GV_DOMAIN_CONTROLLER_TYPE_SCSI:
        return g_strdup_printf("scsi%d", c->idx);
    case GV_DOMAIN_CONTROLLER_TYPE_SATA:
        return g_strdup_printf("sata%d", c->idx);
    case GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
        return g_strdup_printf("virtio-serial%d", c->idx);
    case GV_DOMAIN_CONTROLLER_TYPE_IDE:
    case GV_DOMAIN_CONTROLLER_TYPE_FDC:
    case GV_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    return NULL;
}

static void
gvQemuBuildOneController(gvCommand *cmd, const gvDomainDef *def, const gvDomainControllerDef *c)
{
    const char *driver = gvQemuControllerDevice(def, c);
    g_autofree char *id = gvQemuControllerId(c);
    json_object *dev;

    if (!driver)
        return;
    dev = json_object_new_object();
    gvJSONAddString(dev, "driver", driver);
    if (c->type == GV_DOMAIN_CONTROLLER_TYPE_PCI &&
        c->model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT) {
        gvJSONAddInt(dev, "port", c->port);
        gvJSONAddInt(dev, "chassis", c->chassis);
    }
    if (c->type == GV_DOMAIN_CONTROLLER_TYPE_PCI && c->model == GV_DOMAIN_PCI_MODEL_PCI_BRIDGE)
        gvJSONAddInt(dev, "chassis_nr", c->chassisNr);
    if (c->type == GV_DOMAIN_CONTROLLER_TYPE_USB && c->ports > 0) {
        gvJSONAddInt(dev, "p2", c->ports);
        gvJSONAddInt(dev, "p3", c->ports);
    }
    if (gvDomainControllerIsUHCICompanion(c)) {
        /* a companion of the EHCI "usb": no id of its own */
        g_autofree char *master = g_strdup_printf("%s.0", c->idx == 0 ? "usb" : id);

        gvJSONAddString(dev, "masterbus", master);
        gvJSONAddInt(dev, "firstport", c->startport < 0 ? 0 : c->startport);
    } else {
        gvJSONAddString(dev, "id", id);
    }
    if (c->type == GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL && c->ports > 0)
        gvJSONAddInt(dev, "max_ports", c->ports);
    gvQemuDeviceAddPCIAddress(dev, def, &c->info.addr);
    gvQemuAddJSONArg(cmd, "-device", dev);
}

void
gvQemuBuildControllerCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    bool done[GV_PCI_BUS_MAX + 1] = { false };
    bool progress = true;
    guint i;

    /*
     * PCI controllers first, each after the one whose bus it sits on (a
     * bridge may have a lower index than its root port), else in index order
     */
    done[0] = true;
    while (progress) {
        progress = false;
        for (i = 0; i <= GV_PCI_BUS_MAX; i++) {
            guint j;

            for (j = 0; j < def->controllers->len; j++) {
                const gvDomainControllerDef *c = g_ptr_array_index(def->controllers, j);

                if (c->type != GV_DOMAIN_CONTROLLER_TYPE_PCI || c->idx != (int)i || done[i] ||
                    c->info.addr.type != GV_DOMAIN_ADDRESS_TYPE_PCI || !done[c->info.addr.pci.bus])
                    continue;
                gvQemuBuildOneController(cmd, def, c);
                done[i] = true;
                progress = true;
            }
        }
    }
    for (i = 0; i < def->controllers->len; i++) {
        const gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type != GV_DOMAIN_CONTROLLER_TYPE_PCI)
            gvQemuBuildOneController(cmd, def, c);
    }
}
