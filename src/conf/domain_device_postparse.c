/*
 * domain_device_postparse.c: the defaults of <devices>, as libvirt's QEMU
 * driver fills them in for x86 pc and q35 machines
 *
 * - per device: buses, models, ports, <audio> ids;
 * - controllers without an index get the lowest free one of their type;
 * - the default controllers (USB, PCI root, q35's SATA), the PS/2 mouse
 *   and keyboard, a virtio memballoon, an <audio> backend and, with
 *   graphics, a video card;
 * - the console and serial mirror each other (a <console> alone gets a
 *   <serial>, a <serial> alone gets a <console>);
 * - the controllers the disks and virtio-serial devices need;
 * - then addresses (domain_address_assign.c).
 * New controllers are appended, in that order, as libvirt does.
 */
#include <gvconfig.h>

#include "domain_conf.h"
#include "gverror.h"

static gvDomainControllerDef *
gvDomainDefFindController(const gvDomainDef *def, gvDomainControllerType type, int idx)
{
    guint i;

    for (i = 0; i < def->controllers->len; i++) {
        gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type == type && c->idx == idx)
            return c;
    }
    return NULL;
}

static gvDomainControllerDef *
gvDomainDefAddController(gvDomainDef *def, gvDomainControllerType type, int idx, int model)
{
    gvDomainControllerDef *c = gvDomainControllerDefNew(type, idx, model);

    c->implicit = true;
    g_ptr_array_add(def->controllers, c);
    return c;
}

static void
gvDomainDefMaybeAddController(gvDomainDef *def, gvDomainControllerType type, int idx, int model)
{
    if (!gvDomainDefFindController(def, type, idx))
        (void)gvDomainDefAddController(def, type, idx, model);
}

/* index='N' for controllers without one: the lowest free index of their type */
static int
gvDomainControllersAssignIndexes(gvDomainDef *def, GError **error)
{
    guint i;

    for (i = 0; i < def->controllers->len; i++) {
        gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        int idx = 0;
        guint j;

        if (c->idx >= 0)
            continue;
        /* ICH9 UHCI companions share the index of their EHCI master */
        if (gvDomainControllerIsUHCICompanion(c)) {
            for (j = 0; j < def->controllers->len; j++) {
                gvDomainControllerDef *m = g_ptr_array_index(def->controllers, j);

                if (m != c && m->type == GV_DOMAIN_CONTROLLER_TYPE_USB &&
                    m->model == GV_DOMAIN_USB_MODEL_ICH9_EHCI1 && m->idx >= 0) {
                    idx = m->idx;
                    break;
                }
            }
            c->idx = idx;
            continue;
        }
        for (j = 0; j < def->controllers->len; j++) {
            gvDomainControllerDef *o = g_ptr_array_index(def->controllers, j);

            if (o != c && o->type == c->type && o->idx == idx) {
                idx++;
                j = (guint)-1;
            }
        }
        if (idx > GV_PCI_BUS_MAX) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "no free index for another %s controller in <devices>: indexes go from 0 to %d",
                gvDomainControllerTypeTypeToString(c->type), GV_PCI_BUS_MAX);
            return -1;
        }
        c->idx = idx;
    }
    return 0;
}

static void
gvDomainControllersPostParse(gvDomainDef *def, bool q35)
{
    guint i;

    for (i = 0; i < def->controllers->len; i++) {
        gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        switch ((gvDomainControllerType)c->type) {
        case GV_DOMAIN_CONTROLLER_TYPE_PCI:
            if (c->model == GV_DOMAIN_PCI_MODEL_DEFAULT) {
                if (c->idx == 0)
                    c->model = q35 ? GV_DOMAIN_PCI_MODEL_PCIE_ROOT : GV_DOMAIN_PCI_MODEL_PCI_ROOT;
                else
                    c->model =
                        q35 ? GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT : GV_DOMAIN_PCI_MODEL_PCI_BRIDGE;
            }
            switch ((gvDomainPCIModel)c->model) {
            case GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT:
                if (c->modelName == GV_DOMAIN_PCI_MODEL_NAME_NONE)
                    c->modelName = GV_DOMAIN_PCI_MODEL_NAME_PCIE_ROOT_PORT;
                if (c->chassis < 0)
                    c->chassis = c->idx;
                break;
            case GV_DOMAIN_PCI_MODEL_PCI_BRIDGE:
                if (c->modelName == GV_DOMAIN_PCI_MODEL_NAME_NONE)
                    c->modelName = GV_DOMAIN_PCI_MODEL_NAME_PCI_BRIDGE;
                if (c->chassisNr < 0)
                    c->chassisNr = c->idx;
                break;
            case GV_DOMAIN_PCI_MODEL_PCIE_TO_PCI_BRIDGE:
                if (c->modelName == GV_DOMAIN_PCI_MODEL_NAME_NONE)
                    c->modelName = GV_DOMAIN_PCI_MODEL_NAME_PCIE_PCI_BRIDGE;
                break;
            case GV_DOMAIN_PCI_MODEL_DEFAULT:
            case GV_DOMAIN_PCI_MODEL_PCI_ROOT:
            case GV_DOMAIN_PCI_MODEL_PCIE_ROOT:
            case GV_DOMAIN_PCI_MODEL_LAST:
                break;
            }
            break;
        case GV_DOMAIN_CONTROLLER_TYPE_USB:
            if (c->model == GV_DOMAIN_USB_MODEL_DEFAULT)
                c->model = q35 ? GV_DOMAIN_USB_MODEL_QEMU_XHCI : GV_DOMAIN_USB_MODEL_PIIX3_UHCI;
            break;
        case GV_DOMAIN_CONTROLLER_TYPE_SCSI:
            /* libvirt's default for x86 QEMU with the lsi device */
            if (c->model == GV_DOMAIN_SCSI_MODEL_DEFAULT)
                c->model = GV_DOMAIN_SCSI_MODEL_LSILOGIC;
            break;
        case GV_DOMAIN_CONTROLLER_TYPE_IDE:
        case GV_DOMAIN_CONTROLLER_TYPE_FDC:
        case GV_DOMAIN_CONTROLLER_TYPE_SATA:
        case GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
        case GV_DOMAIN_CONTROLLER_TYPE_LAST:
            break;
        }
    }
}

static void
gvDomainChrPostParse(gvDomainChrDef *chr)
{
    if (chr->type == GV_DOMAIN_CHR_TYPE_TCP) {
        if (chr->mode == GV_DOMAIN_CHR_MODE_NONE)
            chr->mode = GV_DOMAIN_CHR_MODE_CONNECT;
        if (chr->protocol == GV_DOMAIN_CHR_PROTOCOL_NONE)
            chr->protocol = GV_DOMAIN_CHR_PROTOCOL_RAW;
    }
    if (chr->type == GV_DOMAIN_CHR_TYPE_UNIX && chr->path && chr->mode == GV_DOMAIN_CHR_MODE_NONE)
        chr->mode = GV_DOMAIN_CHR_MODE_CONNECT;
    if (chr->device == GV_DOMAIN_CHR_DEVICE_CONSOLE &&
        chr->target == GV_DOMAIN_CHR_CONSOLE_TARGET_NONE)
        chr->target = GV_DOMAIN_CHR_CONSOLE_TARGET_SERIAL;
}

static int
gvDomainSerialFreePort(const gvDomainDef *def)
{
    int port = 0;
    guint j;

    for (j = 0; j < def->serials->len; j++) {
        const gvDomainChrDef *other = g_ptr_array_index(def->serials, j);

        if (other->port == port) {
            port++;
            j = (guint)-1;
        }
    }
    return port;
}

/* libvirt's console compatibility: the first console is the first serial port */
static void
gvDomainChrsPostParse(gvDomainDef *def)
{
    gvDomainChrDef *con0 = def->consoles->len ? g_ptr_array_index(def->consoles, 0) : NULL;
    guint i;

    for (i = 0; i < def->serials->len; i++)
        gvDomainChrPostParse(g_ptr_array_index(def->serials, i));
    for (i = 0; i < def->consoles->len; i++)
        gvDomainChrPostParse(g_ptr_array_index(def->consoles, i));
    for (i = 0; i < def->channels->len; i++)
        gvDomainChrPostParse(g_ptr_array_index(def->channels, i));
    for (i = 0; i < def->serials->len; i++) {
        gvDomainChrDef *chr = g_ptr_array_index(def->serials, i);

        if (chr->port == -1)
            chr->port = gvDomainSerialFreePort(def);
    }

    if (con0 && con0->target == GV_DOMAIN_CHR_CONSOLE_TARGET_SERIAL) {
        if (def->serials->len == 0) {
            gvDomainChrDef *serial = g_new0(gvDomainChrDef, 1);

            serial->device = GV_DOMAIN_CHR_DEVICE_SERIAL;
            serial->port = con0->port == -1 ? 0 : con0->port;
            gvDomainChrSourceCopy(serial, con0);
            g_ptr_array_add(def->serials, serial);
        } else {
            const gvDomainChrDef *serial0 = g_ptr_array_index(def->serials, 0);

            /* the console is serial 0 itself: its host side and its port */
            gvDomainChrSourceCopy(con0, serial0);
            con0->port = serial0->port;
        }
    } else if (def->serials->len > 0) {
        const gvDomainChrDef *serial0 = g_ptr_array_index(def->serials, 0);
        gvDomainChrDef *con = g_new0(gvDomainChrDef, 1);

        con->device = GV_DOMAIN_CHR_DEVICE_CONSOLE;
        con->target = GV_DOMAIN_CHR_CONSOLE_TARGET_SERIAL;
        con->port = serial0->port;
        gvDomainChrSourceCopy(con, serial0);
        g_ptr_array_insert(def->consoles, 0, con);
    }
    for (i = 0; i < def->consoles->len; i++) {
        gvDomainChrDef *con = g_ptr_array_index(def->consoles, i);

        if (con->port == -1)
            con->port = 0;
    }
}

static void
gvDomainInputsPostParse(gvDomainDef *def)
{
    bool mouse = false;
    bool keyboard = false;
    guint i;

    for (i = 0; i < def->inputs->len; i++) {
        gvDomainInputDef *in = g_ptr_array_index(def->inputs, i);

        if (in->bus == GV_DOMAIN_INPUT_BUS_DEFAULT)
            in->bus = in->type == GV_DOMAIN_INPUT_TYPE_TABLET ? GV_DOMAIN_INPUT_BUS_USB
                                                              : GV_DOMAIN_INPUT_BUS_PS2;
        if (in->bus == GV_DOMAIN_INPUT_BUS_PS2 && in->type == GV_DOMAIN_INPUT_TYPE_MOUSE)
            mouse = true;
        if (in->bus == GV_DOMAIN_INPUT_BUS_PS2 && in->type == GV_DOMAIN_INPUT_TYPE_KEYBOARD)
            keyboard = true;
    }
    /* the i8042 of every x86 PC: libvirt lists its mouse and keyboard */
    if (!mouse) {
        gvDomainInputDef *in = g_new0(gvDomainInputDef, 1);

        in->type = GV_DOMAIN_INPUT_TYPE_MOUSE;
        in->bus = GV_DOMAIN_INPUT_BUS_PS2;
        g_ptr_array_add(def->inputs, in);
    }
    if (!keyboard) {
        gvDomainInputDef *in = g_new0(gvDomainInputDef, 1);

        in->type = GV_DOMAIN_INPUT_TYPE_KEYBOARD;
        in->bus = GV_DOMAIN_INPUT_BUS_PS2;
        g_ptr_array_add(def->inputs, in);
    }
}

static void
gvDomainVideosPostParse(gvDomainDef *def)
{
    guint i;

    if (def->videos->len == 0 && def->graphics->len > 0) {
        gvDomainVideoDef *v = g_new0(gvDomainVideoDef, 1);

        v->type = GV_DOMAIN_VIDEO_TYPE_CIRRUS;
        g_ptr_array_add(def->videos, v);
    }
    for (i = 0; i < def->videos->len; i++) {
        gvDomainVideoDef *v = g_ptr_array_index(def->videos, i);

        if (v->type == GV_DOMAIN_VIDEO_TYPE_DEFAULT)
            v->type = GV_DOMAIN_VIDEO_TYPE_CIRRUS;
        if (v->type == GV_DOMAIN_VIDEO_TYPE_NONE)
            continue;
        if (i == 0)
            v->primary = GV_TRISTATE_BOOL_YES;
        if (v->heads == 0)
            v->heads = 1;
        switch ((gvDomainVideoType)v->type) {
        case GV_DOMAIN_VIDEO_TYPE_VGA:
        case GV_DOMAIN_VIDEO_TYPE_CIRRUS:
        case GV_DOMAIN_VIDEO_TYPE_BOCHS:
            if (v->vram == 0)
                v->vram = 16384;
            break;
        case GV_DOMAIN_VIDEO_TYPE_QXL:
            if (v->ram == 0)
                v->ram = 65536;
            if (v->vram == 0)
                v->vram = 65536;
            if (v->vgamem == 0)
                v->vgamem = 16384;
            break;
        case GV_DOMAIN_VIDEO_TYPE_VIRTIO:
        case GV_DOMAIN_VIDEO_TYPE_RAMFB:
        case GV_DOMAIN_VIDEO_TYPE_NONE:
        case GV_DOMAIN_VIDEO_TYPE_DEFAULT:
        case GV_DOMAIN_VIDEO_TYPE_LAST:
            break;
        }
    }
}

static void
gvDomainAudiosPostParse(gvDomainDef *def)
{
    const gvDomainAudioDef *first;
    guint i;

    for (i = 0; i < def->audios->len; i++) {
        gvDomainAudioDef *a = g_ptr_array_index(def->audios, i);

        if (a->id == 0)
            a->id = i + 1;
    }
    if (def->audios->len == 0) {
        gvDomainAudioDef *a = g_new0(gvDomainAudioDef, 1);
        guint j;

        a->id = 1;
        a->type = GV_DOMAIN_AUDIO_TYPE_NONE;
        for (j = 0; j < def->graphics->len; j++) {
            const gvDomainGraphicsDef *g = g_ptr_array_index(def->graphics, j);

            if (g->type == GV_DOMAIN_GRAPHICS_TYPE_SPICE)
                a->type = GV_DOMAIN_AUDIO_TYPE_SPICE;
        }
        g_ptr_array_add(def->audios, a);
    }
    first = g_ptr_array_index(def->audios, 0);
    for (i = 0; i < def->sounds->len; i++) {
        gvDomainSoundDef *s = g_ptr_array_index(def->sounds, i);

        if (s->audioId == 0)
            s->audioId = first->id;
    }
}

/* The controllers that disks and virtio-serial devices sit on */
static void
gvDomainDefAddImplicitControllers(gvDomainDef *def)
{
    static const struct {
        gvDomainDiskBus bus;
        gvDomainControllerType type;
    } diskControllers[] = {
        { GV_DOMAIN_DISK_BUS_IDE, GV_DOMAIN_CONTROLLER_TYPE_IDE },
        { GV_DOMAIN_DISK_BUS_FDC, GV_DOMAIN_CONTROLLER_TYPE_FDC },
        { GV_DOMAIN_DISK_BUS_SCSI, GV_DOMAIN_CONTROLLER_TYPE_SCSI },
        { GV_DOMAIN_DISK_BUS_SATA, GV_DOMAIN_CONTROLLER_TYPE_SATA },
    };
    size_t k;
    guint i;

    for (k = 0; k < G_N_ELEMENTS(diskControllers); k++) {
        for (i = 0; i < def->disks->len; i++) {
            const gvDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

            if (disk->bus != diskControllers[k].bus ||
                disk->info.addr.type != GV_DOMAIN_ADDRESS_TYPE_DRIVE)
                continue;
            gvDomainDefMaybeAddController(def, diskControllers[k].type,
                                          (int)disk->info.addr.controller,
                                          diskControllers[k].type == GV_DOMAIN_CONTROLLER_TYPE_SCSI
                                              ? GV_DOMAIN_SCSI_MODEL_LSILOGIC
                                              : 0);
        }
    }
    for (i = 0; i < def->channels->len; i++) {
        const gvDomainChrDef *chr = g_ptr_array_index(def->channels, i);

        gvDomainDefMaybeAddController(def, GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,
                                      chr->info.addr.type == GV_DOMAIN_ADDRESS_TYPE_VIRTIO_SERIAL
                                          ? (int)chr->info.addr.controller
                                          : 0,
                                      0);
    }
    for (i = 0; i < def->consoles->len; i++) {
        const gvDomainChrDef *chr = g_ptr_array_index(def->consoles, i);

        if (chr->target == GV_DOMAIN_CHR_CONSOLE_TARGET_VIRTIO)
            gvDomainDefMaybeAddController(def, GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL, 0, 0);
    }
}

int
gvDomainDevicesPostParse(gvDomainDef *def, GError **error)
{
    bool q35 = gvDomainDefMachineIsQ35(def->os.machine);
    guint i;

    for (i = 0; i < def->disks->len; i++) {
        if (gvDomainDiskDefPostParse(g_ptr_array_index(def->disks, i), error) < 0)
            return -1;
    }
    for (i = 0; i < def->nets->len; i++) {
        if (gvDomainNetDefPostParse(g_ptr_array_index(def->nets, i), error) < 0)
            return -1;
    }
    for (i = 0; i < def->graphics->len; i++)
        gvDomainGraphicsDefPostParse(g_ptr_array_index(def->graphics, i));
    if (def->genid)
        gvDomainGenidDefPostParse(def->genid);
    gvDomainChrsPostParse(def);
    if (gvDomainControllersAssignIndexes(def, error) < 0)
        return -1;

    /* libvirt's QEMU driver defaults for x86 machines */
    if ((def->os.arch == GV_ARCH_X86_64 || def->os.arch == GV_ARCH_I686) &&
        gvDomainDefMachineIsX86PC(def->os.machine)) {
        if (!gvDomainDefFindController(def, GV_DOMAIN_CONTROLLER_TYPE_USB, 0))
            (void)gvDomainDefAddController(def, GV_DOMAIN_CONTROLLER_TYPE_USB, 0,
                                           q35 ? GV_DOMAIN_USB_MODEL_QEMU_XHCI
                                               : GV_DOMAIN_USB_MODEL_PIIX3_UHCI);
        if (q35)
            gvDomainDefMaybeAddController(def, GV_DOMAIN_CONTROLLER_TYPE_SATA, 0, 0);
        gvDomainDefMaybeAddController(def, GV_DOMAIN_CONTROLLER_TYPE_PCI, 0,
                                      q35 ? GV_DOMAIN_PCI_MODEL_PCIE_ROOT
                                          : GV_DOMAIN_PCI_MODEL_PCI_ROOT);
        gvDomainInputsPostParse(def);
    }
    if (!def->memballoon && gvDomainDefMachineIsX86PC(def->os.machine)) {
        def->memballoon = g_new0(gvDomainMemballoonDef, 1);
        def->memballoon->model = GV_DOMAIN_MEMBALLOON_MODEL_VIRTIO;
    }
    gvDomainVideosPostParse(def);
    gvDomainAudiosPostParse(def);
    /* other machines (isapc, microvm) have none of these buses */
    if (gvDomainDefMachineIsX86PC(def->os.machine))
        gvDomainDefAddImplicitControllers(def);
    gvDomainControllersPostParse(def, q35);
    return gvDomainDefAssignAddresses(def, error);
}
