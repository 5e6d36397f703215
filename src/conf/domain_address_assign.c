/*
 * domain_address_assign.c: addresses for devices that have none, following
 * libvirt's QEMU driver for x86 pc (i440fx) and q35 machines
 *
 * PCI, in this order (each device takes the first free place that fits):
 *   fixed chipset places (pc: 00:01.1 IDE, 00:01.2 PIIX3 USB; q35: 00:1f.2
 *   SATA, 00:1b.0 ICH9 sound, 00:1d.x ICH9 USB), the primary video card
 *   (pc 00:02.0, q35 00:01.0), then PCI controllers, interfaces, sound
 *   cards, the other controllers, virtio disks, memballoon, RNGs, the
 *   watchdog, secondary video cards and virtio input devices.
 * On pc everything goes on bus 0 (or a pci-bridge) from slot 2 up.  On q35
 * pcie-root takes only root ports, eight to a slot (function 0 marked
 * multifunction); a PCIe device takes a root port of its own, and a
 * conventional PCI device (e1000, rtl8139, ich6, ac97, es1370, i6300esb,
 * lsilogic, cirrus...) a slot of a pcie-to-pci-bridge.  Missing root ports
 * and bridges are added (appended to the controllers); when the user gave
 * no PCI controller but the root, one spare root port is added for
 * hotplug.  USB devices take ports 1, 2, ... of USB controller 0 and
 * virtio-serial channels ports 1, 2, ... of virtio-serial controller 0.
 * Explicit addresses are kept and checked for clashes.
 */
#include <gvconfig.h>

#include "domain_conf.h"
#include "gverror.h"

#define GV_PCI_BUSES (GV_PCI_BUS_MAX + 1)

typedef enum {
    GV_PCI_KIND_PCIE = 0, /* a PCIe endpoint (virtio, e1000e, xhci, ...) */
    GV_PCI_KIND_PCI, /* a conventional PCI device */
    GV_PCI_KIND_ROOT_PORT, /* a pcie-root-port */
} gvPCIKind;

typedef struct {
    bool present;
    gvDomainPCIModel model;
    guint8 used[GV_PCI_SLOT_MAX + 1]; /* bitmask of the functions in use */
    bool reserved[GV_PCI_SLOT_MAX + 1]; /* the chipset's */
} gvPCIBus;

typedef struct {
    gvDomainDef *def;
    bool q35;
    gvPCIBus buses[GV_PCI_BUSES];
    int aggrSlot; /* the bus-0 slot being filled with root ports, or -1 */
} gvPCIState;

static const char *
gvPCIBusModelName(const gvPCIBus *bus)
{
    return gvDomainPCIModelTypeToString(bus->model);
}

/* ---- explicit addresses ------------------------------------------------- */

static void
gvPCISet(gvPCIState *st, gvDomainDeviceAddress *addr, unsigned int bus, unsigned int slot,
         unsigned int function, gvTristateSwitch multifunction)
{
    addr->type = GV_DOMAIN_ADDRESS_TYPE_PCI;
    addr->pci.domain = 0;
    addr->pci.bus = bus;
    addr->pci.slot = slot;
    addr->pci.function = function;
    addr->pci.multifunction = multifunction;
    st->buses[bus].used[slot] |= (guint8)(1u << function);
}

/* ---- finding room ------------------------------------------------------- */

static bool
gvPCIBusAccepts(const gvPCIState *st, const gvPCIBus *bus, gvPCIKind kind)
{
    switch ((gvDomainPCIModel)bus->model) {
    case GV_DOMAIN_PCI_MODEL_PCI_ROOT:
        return kind != GV_PCI_KIND_ROOT_PORT;
    case GV_DOMAIN_PCI_MODEL_PCIE_ROOT:
        return kind == GV_PCI_KIND_ROOT_PORT;
    case GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT:
        return kind == GV_PCI_KIND_PCIE;
    case GV_DOMAIN_PCI_MODEL_PCI_BRIDGE:
        return kind == GV_PCI_KIND_PCI || (!st->q35 && kind == GV_PCI_KIND_PCIE);
    case GV_DOMAIN_PCI_MODEL_PCIE_TO_PCI_BRIDGE:
        return kind == GV_PCI_KIND_PCI;
    case GV_DOMAIN_PCI_MODEL_DEFAULT:
    case GV_DOMAIN_PCI_MODEL_LAST:
        break;
    }
    return false;
}

/* The first slot of @bus with no function in use, or -1 */
static int
gvPCIBusFreeSlot(const gvPCIBus *bus)
{
    int first = 1;
    int last = GV_PCI_SLOT_MAX;
    int slot;

    if (bus->model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT)
        first = last = 0;
    for (slot = first; slot <= last; slot++) {
        if (!bus->reserved[slot] && bus->used[slot] == 0)
            return slot;
    }
    return -1;
}

static int gvPCIAssign(gvPCIState *st, gvDomainDeviceAddress *addr, gvPCIKind kind,
                       const char *what, GError **error);

static gvDomainControllerDef *
gvPCIAddController(gvPCIState *st, gvDomainPCIModel model, GError **error)
{
    gvDomainDeviceAddress addr = { 0 };
    gvDomainControllerDef *c;
    int idx = 1;
    guint i;

    /* its own place first: a bridge's root port comes before the bridge, as in libvirt */
    if (gvPCIAssign(st, &addr,
                    model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT ? GV_PCI_KIND_ROOT_PORT
                                                                : GV_PCI_KIND_PCIE,
                    "a new PCI controller", error) < 0)
        return NULL;
    for (i = 0; i < st->def->controllers->len; i++) {
        const gvDomainControllerDef *o = g_ptr_array_index(st->def->controllers, i);

        if (o->type == GV_DOMAIN_CONTROLLER_TYPE_PCI && o->idx >= idx)
            idx = o->idx + 1;
    }
    if (idx > GV_PCI_BUS_MAX) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "no room for another PCI controller: all %d PCI bus numbers are taken",
                      GV_PCI_BUSES);
        return NULL;
    }
    c = gvDomainControllerDefNew(GV_DOMAIN_CONTROLLER_TYPE_PCI, idx, model);
    c->implicit = true;
    if (model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT) {
        c->modelName = GV_DOMAIN_PCI_MODEL_NAME_PCIE_ROOT_PORT;
        c->chassis = idx;
    } else {
        c->modelName = GV_DOMAIN_PCI_MODEL_NAME_PCIE_PCI_BRIDGE;
    }
    c->info.addr = addr;
    g_ptr_array_add(st->def->controllers, c);
    st->buses[idx].present = true;
    st->buses[idx].model = model;
    return c;
}

/* A root port on pcie-root: the next function of the current slot of root ports */
static int
gvPCIAssignRootPort(gvPCIState *st, gvDomainDeviceAddress *addr, GError **error)
{
    gvPCIBus *root = &st->buses[0];
    int slot;
    unsigned int fn;

    if (st->aggrSlot >= 0 && root->used[st->aggrSlot] != 0xff) {
        for (fn = 0; fn <= GV_PCI_FUNCTION_MAX; fn++) {
            if (!(root->used[st->aggrSlot] & (1u << fn))) {
                gvPCISet(st, addr, 0, (unsigned int)st->aggrSlot, fn, GV_TRISTATE_SWITCH_ABSENT);
                return 0;
            }
        }
    }
    if ((slot = gvPCIBusFreeSlot(root)) < 0) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "no free slot on pcie-root for another pcie-root-port");
        return -1;
    }
    st->aggrSlot = slot;
    gvPCISet(st, addr, 0, (unsigned int)slot, 0, GV_TRISTATE_SWITCH_ON);
    return 0;
}

static int
gvPCIAssign(gvPCIState *st, gvDomainDeviceAddress *addr, gvPCIKind kind, const char *what,
            GError **error)
{
    int b;

    if (addr->type != GV_DOMAIN_ADDRESS_TYPE_NONE)
        return 0;
    if (kind == GV_PCI_KIND_ROOT_PORT) {
        if (!st->q35) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "%s: a pcie-root-port needs a q35 machine", what);
            return -1;
        }
        return gvPCIAssignRootPort(st, addr, error);
    }
    for (b = 0; b < GV_PCI_BUSES; b++) {
        gvPCIBus *bus = &st->buses[b];
        int slot;

        if (!bus->present || !gvPCIBusAccepts(st, bus, kind) || (slot = gvPCIBusFreeSlot(bus)) < 0)
            continue;
        gvPCISet(st, addr, (unsigned int)b, (unsigned int)slot, 0, GV_TRISTATE_SWITCH_ABSENT);
        return 0;
    }
    if (!st->q35) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "no free PCI slot for %s: add a <controller type='pci' model='pci-bridge'/>",
                      what);
        return -1;
    }
    /* q35: a new root port for a PCIe device, a new PCIe-to-PCI bridge for a PCI one */
    if (!gvPCIAddController(st,
                            kind == GV_PCI_KIND_PCIE ? GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT
                                                     : GV_DOMAIN_PCI_MODEL_PCIE_TO_PCI_BRIDGE,
                            error))
        return -1;
    return gvPCIAssign(st, addr, kind, what, error);
}

/* ---- device kinds ------------------------------------------------------- */

static gvPCIKind
gvPCIControllerKind(const gvDomainControllerDef *c)
{
    switch ((gvDomainControllerType)c->type) {
    case GV_DOMAIN_CONTROLLER_TYPE_PCI:
        if (c->model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT)
            return GV_PCI_KIND_ROOT_PORT;
        return c->model == GV_DOMAIN_PCI_MODEL_PCI_BRIDGE ? GV_PCI_KIND_PCI : GV_PCI_KIND_PCIE;
    case GV_DOMAIN_CONTROLLER_TYPE_USB:
        return c->model == GV_DOMAIN_USB_MODEL_QEMU_XHCI || c->model == GV_DOMAIN_USB_MODEL_NEC_XHCI
                   ? GV_PCI_KIND_PCIE
                   : GV_PCI_KIND_PCI;
    case GV_DOMAIN_CONTROLLER_TYPE_SCSI:
        return c->model == GV_DOMAIN_SCSI_MODEL_LSILOGIC ? GV_PCI_KIND_PCI : GV_PCI_KIND_PCIE;
    case GV_DOMAIN_CONTROLLER_TYPE_IDE:
        return GV_PCI_KIND_PCI;
    case GV_DOMAIN_CONTROLLER_TYPE_SATA:
    case GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
    case GV_DOMAIN_CONTROLLER_TYPE_FDC:
    case GV_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    return GV_PCI_KIND_PCIE;
}

static gvPCIKind
gvPCISoundKind(const gvDomainSoundDef *s)
{
    return s->model == GV_DOMAIN_SOUND_MODEL_ICH9 ? GV_PCI_KIND_PCIE : GV_PCI_KIND_PCI;
}

static gvPCIKind
gvPCIVideoKind(const gvDomainVideoDef *v)
{
    return v->type == GV_DOMAIN_VIDEO_TYPE_VIRTIO ? GV_PCI_KIND_PCIE : GV_PCI_KIND_PCI;
}

static bool
gvVideoHasPCI(const gvDomainVideoDef *v)
{
    return v->type != GV_DOMAIN_VIDEO_TYPE_NONE && v->type != GV_DOMAIN_VIDEO_TYPE_RAMFB;
}

static bool
gvControllerHasPCI(const gvDomainControllerDef *c)
{
    if (c->type == GV_DOMAIN_CONTROLLER_TYPE_FDC)
        return false;
    if (c->type == GV_DOMAIN_CONTROLLER_TYPE_USB && c->model == GV_DOMAIN_USB_MODEL_NONE)
        return false;
    if (c->type == GV_DOMAIN_CONTROLLER_TYPE_PCI &&
        (c->model == GV_DOMAIN_PCI_MODEL_PCI_ROOT || c->model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT))
        return false;
    return true;
}

/* The function of an ICH9 USB controller in its slot: EHCI 7, UHCI 0, 1, 2 */
static unsigned int
gvUSBCompanionFunction(const gvDomainControllerDef *c)
{
    switch (c->model) {
    case GV_DOMAIN_USB_MODEL_ICH9_EHCI1:
        return 7;
    case GV_DOMAIN_USB_MODEL_ICH9_UHCI2:
        return 1;
    case GV_DOMAIN_USB_MODEL_ICH9_UHCI3:
        return 2;
    default:
        return 0;
    }
}

/* ICH9 EHCI and its UHCI companions of one index share a slot */
static int
gvPCIAssignUSBGroup(gvPCIState *st, gvDomainControllerDef *first, int fixedSlot, GError **error)
{
    gvDomainDeviceAddress slotAddr = { 0 };
    guint i;

    if (fixedSlot >= 0) {
        slotAddr.type = GV_DOMAIN_ADDRESS_TYPE_PCI;
        slotAddr.pci.slot = (unsigned int)fixedSlot;
    } else {
        if (gvPCIAssign(st, &slotAddr, GV_PCI_KIND_PCI, "an ICH9 USB controller", error) < 0)
            return -1;
        /* only the slot was wanted: the functions are set below */
        st->buses[slotAddr.pci.bus].used[slotAddr.pci.slot] = 0;
    }
    for (i = 0; i < st->def->controllers->len; i++) {
        gvDomainControllerDef *c = g_ptr_array_index(st->def->controllers, i);
        unsigned int fn;

        if (!gvDomainControllerIsICH9USB(c) || c->idx != first->idx ||
            c->info.addr.type != GV_DOMAIN_ADDRESS_TYPE_NONE)
            continue;
        fn = gvUSBCompanionFunction(c);
        if (st->buses[slotAddr.pci.bus].used[slotAddr.pci.slot] & (1u << fn)) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "two ICH9 USB controllers of model '%s' have index '%d'",
                          gvDomainUSBModelTypeToString(c->model), c->idx);
            return -1;
        }
        gvPCISet(st, &c->info.addr, slotAddr.pci.bus, slotAddr.pci.slot, fn,
                 fn == 0 ? GV_TRISTATE_SWITCH_ON : GV_TRISTATE_SWITCH_ABSENT);
    }
    return 0;
}

/* ---- the passes --------------------------------------------------------- */

static int
gvPCIBuildBuses(gvPCIState *st, GError **error)
{
    gvDomainDef *def = st->def;
    guint i;

    for (i = 0; i < def->controllers->len; i++) {
        const gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        bool root;
        gvDomainPCIModel rootModel =
            st->q35 ? GV_DOMAIN_PCI_MODEL_PCIE_ROOT : GV_DOMAIN_PCI_MODEL_PCI_ROOT;

        if (c->type != GV_DOMAIN_CONTROLLER_TYPE_PCI)
            continue;
        root =
            c->model == GV_DOMAIN_PCI_MODEL_PCI_ROOT || c->model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT;
        if (c->idx == 0 && c->model != (int)rootModel) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "the PCI controller with index='0' must be model='%s' for machine '%s', but model='%s' was found instead",
                gvDomainPCIModelTypeToString(rootModel), def->os.machine,
                gvDomainPCIModelTypeToString(c->model));
            return -1;
        }
        if (c->idx != 0 && root) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "a PCI controller of model '%s' must have index='0', not '%d'",
                          gvDomainPCIModelTypeToString(c->model), c->idx);
            return -1;
        }
        if (!st->q35 && (c->model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT ||
                         c->model == GV_DOMAIN_PCI_MODEL_PCIE_TO_PCI_BRIDGE)) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "PCI controller %d of model '%s' needs a q35 machine, not '%s'", c->idx,
                          gvDomainPCIModelTypeToString(c->model), def->os.machine);
            return -1;
        }
        if (st->buses[c->idx].present) {
            gvReportError(error, GV_ERR_XML_ERROR, "two PCI controllers have index '%d'", c->idx);
            return -1;
        }
        st->buses[c->idx].present = true;
        st->buses[c->idx].model = c->model;
    }
    if (!st->buses[0].present) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "no PCI root controller");
        return -1;
    }
    /* the chipset: host bridge, and PIIX3 (pc) or LPC/SATA/SMBus (q35) */
    st->buses[0].reserved[0] = true;
    if (st->q35)
        st->buses[0].reserved[0x1f] = true;
    else
        st->buses[0].reserved[1] = true;
    return 0;
}

/* A device that can sit on PCI; its name for messages is made only when needed */
typedef enum {
    GV_PCI_DEV_CONTROLLER = 0,
    GV_PCI_DEV_NET,
    GV_PCI_DEV_SOUND,
    GV_PCI_DEV_DISK,
    GV_PCI_DEV_MEMBALLOON,
    GV_PCI_DEV_RNG,
    GV_PCI_DEV_WATCHDOG,
    GV_PCI_DEV_VIDEO,
    GV_PCI_DEV_INPUT,
} gvPCIDeviceKind;

typedef struct {
    gvDomainDeviceAddress *addr;
    gvPCIDeviceKind kind;
    const void *dev;
    guint idx;
    bool chipset; /* may sit in the chipset's slots */
} gvPCIDevice;

static char *
gvPCIDeviceDescribe(const gvPCIDevice *d)
{
    char macstr[GV_MAC_STRING_BUFLEN];

    switch (d->kind) {
    case GV_PCI_DEV_CONTROLLER:
        return gvDomainControllerDefDescribe(d->dev);
    case GV_PCI_DEV_NET:
        return g_strdup_printf("interface '%s'",
                               gvMacAddrFormat(((const gvDomainNetDef *)d->dev)->mac, macstr));
    case GV_PCI_DEV_SOUND:
        return g_strdup_printf("sound %u", d->idx);
    case GV_PCI_DEV_DISK:
        return g_strdup_printf("disk '%s'", ((const gvDomainDiskDef *)d->dev)->dst);
    case GV_PCI_DEV_MEMBALLOON:
        return g_strdup("memballoon");
    case GV_PCI_DEV_RNG:
        return g_strdup_printf("rng %u", d->idx);
    case GV_PCI_DEV_WATCHDOG:
        return g_strdup("watchdog");
    case GV_PCI_DEV_VIDEO:
        return g_strdup_printf("video %u", d->idx);
    case GV_PCI_DEV_INPUT:
        return g_strdup_printf("input %u", d->idx);
    }
    return g_strdup("a device");
}

static void
gvPCIAddDevice(GArray *devs, gvDomainDeviceAddress *addr, gvPCIDeviceKind kind, const void *dev,
               guint idx, bool chipset)
{
    gvPCIDevice d = { addr, kind, dev, idx, chipset };

    /* only explicit addresses are reserved (and can clash) */
    if (addr->type == GV_DOMAIN_ADDRESS_TYPE_PCI)
        g_array_append_val(devs, d);
}

/* Every device that has a PCI address before assignment */
static GArray *
gvPCIListDevices(gvDomainDef *def, bool q35)
{
    GArray *devs = g_array_new(FALSE, TRUE, sizeof(gvPCIDevice));
    guint i;

    for (i = 0; i < def->controllers->len; i++) {
        gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        bool chipset = (!q35 && c->idx == 0 &&
                        (c->type == GV_DOMAIN_CONTROLLER_TYPE_IDE ||
                         (c->type == GV_DOMAIN_CONTROLLER_TYPE_USB &&
                          c->model == GV_DOMAIN_USB_MODEL_PIIX3_UHCI))) ||
                       (q35 && c->idx == 0 && c->type == GV_DOMAIN_CONTROLLER_TYPE_SATA);

        gvPCIAddDevice(devs, &c->info.addr, GV_PCI_DEV_CONTROLLER, c, i, chipset);
    }
    for (i = 0; i < def->nets->len; i++) {
        gvDomainNetDef *n = g_ptr_array_index(def->nets, i);

        gvPCIAddDevice(devs, &n->info.addr, GV_PCI_DEV_NET, n, i, false);
    }
    for (i = 0; i < def->sounds->len; i++)
        gvPCIAddDevice(devs, &((gvDomainSoundDef *)g_ptr_array_index(def->sounds, i))->info.addr,
                       GV_PCI_DEV_SOUND, NULL, i, false);
    for (i = 0; i < def->disks->len; i++) {
        gvDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        gvPCIAddDevice(devs, &d->info.addr, GV_PCI_DEV_DISK, d, i, false);
    }
    if (def->memballoon)
        gvPCIAddDevice(devs, &def->memballoon->info.addr, GV_PCI_DEV_MEMBALLOON, NULL, 0, false);
    for (i = 0; i < def->rngs->len; i++)
        gvPCIAddDevice(devs, &((gvDomainRNGDef *)g_ptr_array_index(def->rngs, i))->info.addr,
                       GV_PCI_DEV_RNG, NULL, i, false);
    if (def->watchdog)
        gvPCIAddDevice(devs, &def->watchdog->info.addr, GV_PCI_DEV_WATCHDOG, NULL, 0, false);
    for (i = 0; i < def->videos->len; i++)
        gvPCIAddDevice(devs, &((gvDomainVideoDef *)g_ptr_array_index(def->videos, i))->info.addr,
                       GV_PCI_DEV_VIDEO, NULL, i, false);
    for (i = 0; i < def->inputs->len; i++)
        gvPCIAddDevice(devs, &((gvDomainInputDef *)g_ptr_array_index(def->inputs, i))->info.addr,
                       GV_PCI_DEV_INPUT, NULL, i, false);
    return devs;
}

static int
gvPCIReserve(gvPCIState *st, const gvPCIDevice *d, GError **error)
{
    gvDomainDeviceAddress *addr = d->addr;
    bool chipset = d->chipset;
    gvPCIBus *bus;
    g_autofree char *str = NULL;
    g_autofree char *what = NULL;

    bus = &st->buses[addr->pci.bus];
    if (!bus->present) {
        what = gvPCIDeviceDescribe(d);
        str = gvDomainDeviceAddressToString(addr);
        gvReportError(error, GV_ERR_XML_ERROR,
                      "%s has PCI address %s, but there is no PCI controller with index '%u'", what,
                      str + 4, addr->pci.bus);
        return -1;
    }
    if (!chipset && bus->reserved[addr->pci.slot]) {
        what = gvPCIDeviceDescribe(d);
        str = gvDomainDeviceAddressToString(addr);
        gvReportError(error, GV_ERR_XML_ERROR,
                      "%s has PCI address %s, which belongs to the machine's chipset", what,
                      str + 4);
        return -1;
    }
    if (bus->model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT && addr->pci.slot != 0) {
        what = gvPCIDeviceDescribe(d);
        str = gvDomainDeviceAddressToString(addr);
        gvReportError(error, GV_ERR_XML_ERROR,
                      "%s has PCI address %s, but a pcie-root-port has only slot 0", what, str + 4);
        return -1;
    }
    if ((bus->model == GV_DOMAIN_PCI_MODEL_PCI_BRIDGE ||
         bus->model == GV_DOMAIN_PCI_MODEL_PCIE_TO_PCI_BRIDGE) &&
        addr->pci.slot == 0) {
        what = gvPCIDeviceDescribe(d);
        str = gvDomainDeviceAddressToString(addr);
        gvReportError(error, GV_ERR_XML_ERROR,
                      "%s has PCI address %s, but slot 0 of a %s is not usable", what, str + 4,
                      gvPCIBusModelName(bus));
        return -1;
    }
    if (bus->used[addr->pci.slot] & (1u << addr->pci.function)) {
        what = gvPCIDeviceDescribe(d);
        str = gvDomainDeviceAddressToString(addr);
        gvReportError(error, GV_ERR_XML_ERROR, "PCI address %s of %s is used by two devices",
                      str + 4, what);
        return -1;
    }
    bus->used[addr->pci.slot] |= (guint8)(1u << addr->pci.function);
    return 0;
}

static int
gvPCIAssignFixed(gvPCIState *st, GError **error)
{
    gvDomainDef *def = st->def;
    gvPCIBus *root = &st->buses[0];
    guint i;
    bool ich9Sound = false;

    for (i = 0; i < def->controllers->len; i++) {
        gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        gvDomainDeviceAddress *a = &c->info.addr;

        if (a->type != GV_DOMAIN_ADDRESS_TYPE_NONE || c->idx != 0)
            continue;
        if (!st->q35 && c->type == GV_DOMAIN_CONTROLLER_TYPE_IDE && !(root->used[1] & (1u << 1)))
            gvPCISet(st, a, 0, 1, 1, GV_TRISTATE_SWITCH_ABSENT);
        else if (!st->q35 && c->type == GV_DOMAIN_CONTROLLER_TYPE_USB &&
                 c->model == GV_DOMAIN_USB_MODEL_PIIX3_UHCI && !(root->used[1] & (1u << 2)))
            gvPCISet(st, a, 0, 1, 2, GV_TRISTATE_SWITCH_ABSENT);
        else if (st->q35 && c->type == GV_DOMAIN_CONTROLLER_TYPE_SATA &&
                 !(root->used[0x1f] & (1u << 2)))
            gvPCISet(st, a, 0, 0x1f, 2, GV_TRISTATE_SWITCH_ABSENT);
        else if (st->q35 && gvDomainControllerIsICH9USB(c) && root->used[0x1d] == 0 &&
                 gvPCIAssignUSBGroup(st, c, 0x1d, error) < 0)
            return -1;
    }
    for (i = 0; st->q35 && i < def->sounds->len; i++) {
        gvDomainSoundDef *s = g_ptr_array_index(def->sounds, i);

        if (s->model == GV_DOMAIN_SOUND_MODEL_ICH9 && !ich9Sound &&
            s->info.addr.type == GV_DOMAIN_ADDRESS_TYPE_NONE && root->used[0x1b] == 0) {
            gvPCISet(st, &s->info.addr, 0, 0x1b, 0, GV_TRISTATE_SWITCH_ABSENT);
            ich9Sound = true;
        }
    }
    /* the primary video card: where QEMU puts the first display device */
    if (def->videos->len > 0) {
        gvDomainVideoDef *v = g_ptr_array_index(def->videos, 0);
        unsigned int slot = st->q35 ? 1 : 2;

        if (gvVideoHasPCI(v) && v->info.addr.type == GV_DOMAIN_ADDRESS_TYPE_NONE &&
            root->used[slot] == 0)
            gvPCISet(st, &v->info.addr, 0, slot, 0, GV_TRISTATE_SWITCH_ABSENT);
    }
    return 0;
}

static int
gvPCIAssignAll(gvPCIState *st, GError **error)
{
    gvDomainDef *def = st->def;
    guint i;

    for (i = 0; i < def->controllers->len; i++) {
        gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type == GV_DOMAIN_CONTROLLER_TYPE_PCI && gvControllerHasPCI(c) &&
            gvPCIAssign(st, &c->info.addr, gvPCIControllerKind(c), "a PCI controller", error) < 0)
            return -1;
    }
    for (i = 0; i < def->nets->len; i++) {
        gvDomainNetDef *n = g_ptr_array_index(def->nets, i);

        if (gvPCIAssign(st, &n->info.addr,
                        gvDomainNetModelIsConventionalPCI(n->model) ? GV_PCI_KIND_PCI
                                                                    : GV_PCI_KIND_PCIE,
                        "an interface", error) < 0)
            return -1;
    }
    for (i = 0; i < def->sounds->len; i++) {
        gvDomainSoundDef *s = g_ptr_array_index(def->sounds, i);

        if (gvPCIAssign(st, &s->info.addr, gvPCISoundKind(s), "a sound card", error) < 0)
            return -1;
    }
    for (i = 0; i < def->controllers->len; i++) {
        gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type == GV_DOMAIN_CONTROLLER_TYPE_PCI || !gvControllerHasPCI(c) ||
            c->info.addr.type != GV_DOMAIN_ADDRESS_TYPE_NONE)
            continue;
        if (gvDomainControllerIsICH9USB(c)) {
            if (gvPCIAssignUSBGroup(st, c, -1, error) < 0)
                return -1;
            continue;
        }
        if (c->type == GV_DOMAIN_CONTROLLER_TYPE_SATA && st->q35 && c->idx == 0)
            continue;
        if (gvPCIAssign(st, &c->info.addr, gvPCIControllerKind(c), "a controller", error) < 0)
            return -1;
    }
    for (i = 0; i < def->disks->len; i++) {
        gvDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (d->bus == GV_DOMAIN_DISK_BUS_VIRTIO &&
            gvPCIAssign(st, &d->info.addr, GV_PCI_KIND_PCIE, "a disk", error) < 0)
            return -1;
    }
    if (def->memballoon && def->memballoon->model == GV_DOMAIN_MEMBALLOON_MODEL_VIRTIO &&
        gvPCIAssign(st, &def->memballoon->info.addr, GV_PCI_KIND_PCIE, "the memballoon", error) < 0)
        return -1;
    for (i = 0; i < def->rngs->len; i++) {
        gvDomainRNGDef *r = g_ptr_array_index(def->rngs, i);

        if (gvPCIAssign(st, &r->info.addr, GV_PCI_KIND_PCIE, "an rng", error) < 0)
            return -1;
    }
    if (def->watchdog && def->watchdog->model == GV_DOMAIN_WATCHDOG_MODEL_I6300ESB &&
        gvPCIAssign(st, &def->watchdog->info.addr, GV_PCI_KIND_PCI, "the watchdog", error) < 0)
        return -1;
    for (i = 0; i < def->videos->len; i++) {
        gvDomainVideoDef *v = g_ptr_array_index(def->videos, i);

        if (gvVideoHasPCI(v) &&
            gvPCIAssign(st, &v->info.addr, gvPCIVideoKind(v), "a video card", error) < 0)
            return -1;
    }
    for (i = 0; i < def->inputs->len; i++) {
        gvDomainInputDef *in = g_ptr_array_index(def->inputs, i);

        if (in->bus == GV_DOMAIN_INPUT_BUS_VIRTIO &&
            gvPCIAssign(st, &in->info.addr, GV_PCI_KIND_PCIE, "an input device", error) < 0)
            return -1;
    }
    return 0;
}

static int
gvDomainDefAssignPCIAddresses(gvDomainDef *def, GError **error)
{
    g_autofree gvPCIState *st = g_new0(gvPCIState, 1);
    g_autoptr(GArray) devs = NULL;
    bool userBuses = false;
    guint i;

    st->def = def;
    st->q35 = gvDomainDefMachineIsQ35(def->os.machine);
    st->aggrSlot = -1;
    if (gvPCIBuildBuses(st, error) < 0)
        return -1;
    for (i = 0; i < def->controllers->len; i++) {
        const gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type == GV_DOMAIN_CONTROLLER_TYPE_PCI && c->idx > 0 && !c->implicit)
            userBuses = true;
    }
    devs = gvPCIListDevices(def, st->q35);
    for (i = 0; i < devs->len; i++) {
        gvPCIDevice *d = &g_array_index(devs, gvPCIDevice, i);

        if (gvPCIReserve(st, d, error) < 0)
            return -1;
    }
    if (gvPCIAssignFixed(st, error) < 0 || gvPCIAssignAll(st, error) < 0)
        return -1;
    /* libvirt leaves one empty root port for hotplug when it laid out the bus itself */
    if (st->q35 && !userBuses && !gvPCIAddController(st, GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT, error))
        return -1;
    for (i = 0; i < def->controllers->len; i++) {
        gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type == GV_DOMAIN_CONTROLLER_TYPE_PCI &&
            c->model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT && c->port < 0 &&
            c->info.addr.type == GV_DOMAIN_ADDRESS_TYPE_PCI)
            c->port = (int)(c->info.addr.pci.slot << 3 | c->info.addr.pci.function);
    }
    return 0;
}

/* ---- USB and virtio-serial ---------------------------------------------- */

static int
gvUSBControllerPorts(const gvDomainControllerDef *c)
{
    if (c->ports > 0)
        return c->ports;
    switch (c->model) {
    case GV_DOMAIN_USB_MODEL_PIIX3_UHCI:
        return 2;
    case GV_DOMAIN_USB_MODEL_ICH9_EHCI1:
    case GV_DOMAIN_USB_MODEL_ICH9_UHCI1:
    case GV_DOMAIN_USB_MODEL_ICH9_UHCI2:
    case GV_DOMAIN_USB_MODEL_ICH9_UHCI3:
        return 6;
    case GV_DOMAIN_USB_MODEL_QEMU_XHCI:
    case GV_DOMAIN_USB_MODEL_NEC_XHCI:
        return 4;
    default:
        return 0;
    }
}

typedef struct {
    gvDomainDeviceAddress *addr;
    const char *what;
} gvUSBDevice;

static int
gvDomainDefAssignUSBAddresses(gvDomainDef *def, GError **error)
{
    g_autoptr(GArray) devs = g_array_new(FALSE, TRUE, sizeof(gvUSBDevice));
    const gvDomainControllerDef *usb = NULL;
    guint64 used = 0;
    int nports;
    guint i;

    for (i = 0; i < def->disks->len; i++) {
        gvDomainDiskDef *d = g_ptr_array_index(def->disks, i);
        gvUSBDevice u = { &d->info.addr, "a USB disk" };

        if (d->bus == GV_DOMAIN_DISK_BUS_USB)
            g_array_append_val(devs, u);
    }
    for (i = 0; i < def->inputs->len; i++) {
        gvDomainInputDef *in = g_ptr_array_index(def->inputs, i);
        gvUSBDevice u = { &in->info.addr, "a USB input device" };

        if (in->bus == GV_DOMAIN_INPUT_BUS_USB)
            g_array_append_val(devs, u);
    }
    for (i = 0; i < def->redirdevs->len; i++) {
        gvDomainRedirdevDef *r = g_ptr_array_index(def->redirdevs, i);
        gvUSBDevice u = { &r->info.addr, "a USB redirection device" };

        g_array_append_val(devs, u);
    }
    if (devs->len == 0)
        return 0;
    for (i = 0; i < def->controllers->len; i++) {
        const gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type == GV_DOMAIN_CONTROLLER_TYPE_USB && c->idx == 0 &&
            (!usb || c->model == GV_DOMAIN_USB_MODEL_ICH9_EHCI1))
            usb = c;
    }
    if (!usb || usb->model == GV_DOMAIN_USB_MODEL_NONE) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "cannot add %s: the USB bus is disabled (<controller type='usb' model='none'>)",
            g_array_index(devs, gvUSBDevice, 0).what);
        return -1;
    }
    nports = gvUSBControllerPorts(usb);
    for (i = 0; i < devs->len; i++) {
        gvDomainDeviceAddress *a = g_array_index(devs, gvUSBDevice, i).addr;

        if (a->type != GV_DOMAIN_ADDRESS_TYPE_USB)
            continue;
        if (a->bus != 0 || (int)a->port > nports) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "USB address %u:%u of %s is not a port of USB controller 0 (ports 1 to %d)", a->bus,
                a->port, g_array_index(devs, gvUSBDevice, i).what, nports);
            return -1;
        }
        if (used & (1ULL << a->port)) {
            gvReportError(error, GV_ERR_XML_ERROR, "USB port %u is used by two devices", a->port);
            return -1;
        }
        used |= 1ULL << a->port;
    }
    for (i = 0; i < devs->len; i++) {
        gvDomainDeviceAddress *a = g_array_index(devs, gvUSBDevice, i).addr;
        int port;

        if (a->type != GV_DOMAIN_ADDRESS_TYPE_NONE)
            continue;
        for (port = 1; port <= nports && (used & (1ULL << port)); port++)
            ;
        if (port > nports) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "no free port for %s on USB controller 0, which has %d: give the controller more ports",
                g_array_index(devs, gvUSBDevice, i).what, nports);
            return -1;
        }
        a->type = GV_DOMAIN_ADDRESS_TYPE_USB;
        a->port = (unsigned int)port;
        used |= 1ULL << port;
    }
    return 0;
}

static int
gvDomainDefAssignVirtioSerialAddresses(gvDomainDef *def, GError **error)
{
    guint32 used[32] = { 0 };
    guint i;

    for (i = 0; i < def->channels->len; i++) {
        gvDomainChrDef *chr = g_ptr_array_index(def->channels, i);
        gvDomainDeviceAddress *a = &chr->info.addr;

        if (a->type != GV_DOMAIN_ADDRESS_TYPE_VIRTIO_SERIAL)
            continue;
        if (used[a->controller] & (1u << a->port)) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "virtio-serial port %u:%u:%u is used by two channels", a->controller,
                          a->bus, a->port);
            return -1;
        }
        used[a->controller] |= 1u << a->port;
    }
    for (i = 0; i < def->channels->len; i++) {
        gvDomainChrDef *chr = g_ptr_array_index(def->channels, i);
        gvDomainDeviceAddress *a = &chr->info.addr;
        unsigned int port;

        if (a->type != GV_DOMAIN_ADDRESS_TYPE_NONE)
            continue;
        /* port 0 is the console's */
        for (port = 1; port <= GV_VSERIAL_PORT_MAX && (used[0] & (1u << port)); port++)
            ;
        if (port > GV_VSERIAL_PORT_MAX) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "no free port on virtio-serial controller 0 for channel '%s'", chr->name);
            return -1;
        }
        a->type = GV_DOMAIN_ADDRESS_TYPE_VIRTIO_SERIAL;
        a->port = port;
        used[0] |= 1u << port;
    }
    return 0;
}

int
gvDomainDefAssignAddresses(gvDomainDef *def, GError **error)
{
    if (def->os.arch != GV_ARCH_X86_64 && def->os.arch != GV_ARCH_I686)
        return 0;
    if (!gvDomainDefMachineIsX86PC(def->os.machine)) {
        /* isapc and microvm have no PCI bus to lay out */
        guint i;

        for (i = 0; i < def->controllers->len; i++) {
            const gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

            if (c->implicit)
                continue;
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "<controller> in <devices> needs a 'pc' or 'q35' machine, not '%s'",
                          def->os.machine);
            return -1;
        }
        return 0;
    }
    if (gvDomainDefAssignPCIAddresses(def, error) < 0 ||
        gvDomainDefAssignUSBAddresses(def, error) < 0 ||
        gvDomainDefAssignVirtioSerialAddresses(def, error) < 0)
        return -1;
    return 0;
}
