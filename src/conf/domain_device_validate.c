/*
 * domain_device_validate.c: the rules between devices of a post-parsed
 * <devices> (consoles, channels, controllers, drive addresses, boot order)
 */
#include <gvconfig.h>

#include "domain_conf.h"
#include "gverror.h"

static bool
gvDomainDefHasSpice(const gvDomainDef *def)
{
    guint i;

    for (i = 0; i < def->graphics->len; i++) {
        const gvDomainGraphicsDef *g = g_ptr_array_index(def->graphics, i);

        if (g->type == GV_DOMAIN_GRAPHICS_TYPE_SPICE)
            return true;
    }
    return false;
}

static int
gvDomainConsolesValidate(const gvDomainDef *def, GError **error)
{
    guint i;

    for (i = 0; i < def->consoles->len; i++) {
        const gvDomainChrDef *con = g_ptr_array_index(def->consoles, i);

        if (gvDomainChrDefValidate(con, error) < 0)
            return -1;
        /* post-parse made the first console serial 0 itself (libvirt's rule) */
        if (con->target == GV_DOMAIN_CHR_CONSOLE_TARGET_SERIAL && i > 0) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "only the first <console> in <devices> can be a serial console: use <target type='virtio'> for console %u",
                i + 1);
            return -1;
        } else if (con->target == GV_DOMAIN_CHR_CONSOLE_TARGET_VIRTIO && con->port != 0) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "virtio console in <devices>/<console>/<target> must use port 0, not '%d'",
                con->port);
            return -1;
        }
    }
    for (i = 0; i < def->serials->len; i++) {
        if (gvDomainChrDefValidate(g_ptr_array_index(def->serials, i), error) < 0)
            return -1;
    }
    return 0;
}

static int
gvDomainChannelsValidate(const gvDomainDef *def, GError **error)
{
    guint i;
    guint j;

    for (i = 0; i < def->channels->len; i++) {
        const gvDomainChrDef *chr = g_ptr_array_index(def->channels, i);

        if (gvDomainChrDefValidate(chr, error) < 0)
            return -1;
        if (chr->type == GV_DOMAIN_CHR_TYPE_SPICEVMC && !gvDomainDefHasSpice(def)) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "channel '%s' of type 'spicevmc' in <devices>/<channel> needs <graphics type='spice'>",
                chr->name);
            return -1;
        }
        for (j = 0; j < i; j++) {
            const gvDomainChrDef *other = g_ptr_array_index(def->channels, j);

            if (g_str_equal(chr->name, other->name)) {
                gvReportError(error, GV_ERR_XML_ERROR,
                              "channel name '%s' in <devices>/<channel>/<target> is used twice",
                              chr->name);
                return -1;
            }
        }
    }
    if (def->redirdevs->len > 0 && !gvDomainDefHasSpice(def)) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "<redirdev type='spicevmc'> in <devices> needs <graphics type='spice'>");
        return -1;
    }
    return 0;
}

static int
gvDomainControllersValidate(const gvDomainDef *def, GError **error)
{
    bool q35 = gvDomainDefMachineIsQ35(def->os.machine);
    guint i;
    guint j;

    for (i = 0; i < def->controllers->len; i++) {
        const gvDomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        g_autofree char *desc = NULL;

        for (j = 0; j < i; j++) {
            const gvDomainControllerDef *o = g_ptr_array_index(def->controllers, j);

            /* ICH9 EHCI and its UHCI companions are one USB bus */
            if (o->type == c->type && o->idx == c->idx &&
                !(o->model != c->model && gvDomainControllerIsICH9USB(c) &&
                  gvDomainControllerIsICH9USB(o))) {
                gvReportError(error, GV_ERR_XML_ERROR,
                              "two %s controllers in <devices>/<controller> have index '%d'",
                              gvDomainControllerTypeTypeToString(c->type), c->idx);
                return -1;
            }
        }
        for (j = 0; j < i && c->type == GV_DOMAIN_CONTROLLER_TYPE_PCI &&
                    c->model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT;
             j++) {
            const gvDomainControllerDef *o = g_ptr_array_index(def->controllers, j);

            /* QEMU: "Can't add chassis slot" */
            if (o->type == GV_DOMAIN_CONTROLLER_TYPE_PCI &&
                o->model == GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT && o->chassis == c->chassis) {
                gvReportError(
                    error, GV_ERR_CONFIG_UNSUPPORTED,
                    "pcie-root-ports %d and %d in <devices>/<controller>/<target> have the same chassis '%d': give them different ones",
                    o->idx, c->idx, c->chassis);
                return -1;
            }
        }
        if (c->type == GV_DOMAIN_CONTROLLER_TYPE_IDE && (q35 || c->idx > 0)) {
            desc = gvDomainControllerDefDescribe(c);
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "%s in <devices>/<controller>: machine '%s' has %s", desc,
                          def->os.machine, q35 ? "no IDE controller" : "only IDE controller 0");
            return -1;
        }
        if (c->type == GV_DOMAIN_CONTROLLER_TYPE_FDC && (q35 || c->idx > 0)) {
            desc = gvDomainControllerDefDescribe(c);
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "%s in <devices>/<controller>: only a 'pc' machine has a floppy controller, as controller 0",
                desc);
            return -1;
        }
        if (c->ports >= 0 && c->type == GV_DOMAIN_CONTROLLER_TYPE_USB &&
            c->model != GV_DOMAIN_USB_MODEL_QEMU_XHCI && c->model != GV_DOMAIN_USB_MODEL_NEC_XHCI) {
            desc = gvDomainControllerDefDescribe(c);
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "%s in <devices>/<controller>: only an xHCI controller takes 'ports'",
                          desc);
            return -1;
        }
        if (c->startport >= 0 && !gvDomainControllerIsUHCICompanion(c)) {
            desc = gvDomainControllerDefDescribe(c);
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "%s in <devices>/<controller>: only an ICH9 UHCI companion has a <master>", desc);
            return -1;
        }
        if (c->type == GV_DOMAIN_CONTROLLER_TYPE_USB && c->model == GV_DOMAIN_USB_MODEL_NONE &&
            def->controllers->len > 0) {
            for (j = 0; j < def->controllers->len; j++) {
                const gvDomainControllerDef *o = g_ptr_array_index(def->controllers, j);

                if (o != c && o->type == GV_DOMAIN_CONTROLLER_TYPE_USB) {
                    gvReportError(
                        error, GV_ERR_XML_ERROR,
                        "a USB controller of model 'none' in <devices>/<controller> must be the only USB controller");
                    return -1;
                }
            }
        }
    }
    return 0;
}

static int
gvDomainDiskAddressesValidate(const gvDomainDef *def, GError **error)
{
    static const gvDomainControllerType busController[GV_DOMAIN_DISK_BUS_LAST] = {
        [GV_DOMAIN_DISK_BUS_SATA] = GV_DOMAIN_CONTROLLER_TYPE_SATA,
        [GV_DOMAIN_DISK_BUS_IDE] = GV_DOMAIN_CONTROLLER_TYPE_IDE,
        [GV_DOMAIN_DISK_BUS_SCSI] = GV_DOMAIN_CONTROLLER_TYPE_SCSI,
        [GV_DOMAIN_DISK_BUS_FDC] = GV_DOMAIN_CONTROLLER_TYPE_FDC,
    };
    guint i;
    guint j;

    for (i = 0; i < def->disks->len; i++) {
        const gvDomainDiskDef *d = g_ptr_array_index(def->disks, i);
        bool found = false;

        if (d->info.addr.type != GV_DOMAIN_ADDRESS_TYPE_DRIVE)
            continue;
        for (j = 0; j < def->controllers->len; j++) {
            const gvDomainControllerDef *c = g_ptr_array_index(def->controllers, j);

            if (c->type == busController[d->bus] && c->idx == (int)d->info.addr.controller)
                found = true;
        }
        if (!found) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "disk '%s' in <devices>/<disk>/<address> names %s controller %u, which does not exist",
                d->dst, gvDomainControllerTypeTypeToString(busController[d->bus]),
                d->info.addr.controller);
            return -1;
        }
        for (j = 0; j < i; j++) {
            const gvDomainDiskDef *o = g_ptr_array_index(def->disks, j);

            if (o->bus == d->bus && gvDomainDeviceAddressEqual(&o->info.addr, &d->info.addr)) {
                gvReportError(error, GV_ERR_XML_ERROR,
                              "disks '%s' and '%s' in <devices>/<disk> have the same drive address",
                              o->dst, d->dst);
                return -1;
            }
        }
    }
    return 0;
}

/* every device with a <boot order>, for the uniqueness check */
static void
gvDomainBootIndexes(const gvDomainDef *def, GArray *out)
{
    guint i;

    for (i = 0; i < def->disks->len; i++) {
        const gvDomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (d->info.bootIndex)
            g_array_append_val(out, d->info.bootIndex);
    }
    for (i = 0; i < def->nets->len; i++) {
        const gvDomainNetDef *n = g_ptr_array_index(def->nets, i);

        if (n->info.bootIndex)
            g_array_append_val(out, n->info.bootIndex);
    }
}

static int
gvDomainBootValidate(const gvDomainDef *def, GError **error)
{
    g_autoptr(GArray) idx = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    guint i;
    guint j;

    gvDomainBootIndexes(def, idx);
    if (idx->len > 0 && def->os.nboot > 0) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "per-device <boot order> cannot be used together with <os>/<boot dev>: keep one of them");
        return -1;
    }
    for (i = 0; i < idx->len; i++) {
        for (j = 0; j < i; j++) {
            if (g_array_index(idx, unsigned int, i) == g_array_index(idx, unsigned int, j)) {
                gvReportError(error, GV_ERR_XML_ERROR,
                              "boot order '%u' in <devices> is used by two devices",
                              g_array_index(idx, unsigned int, i));
                return -1;
            }
        }
    }
    return 0;
}

static int
gvDomainAVValidate(const gvDomainDef *def, GError **error)
{
    guint i;
    guint j;

    for (i = 0; i < def->inputs->len; i++) {
        const gvDomainInputDef *in = g_ptr_array_index(def->inputs, i);

        if (in->type == GV_DOMAIN_INPUT_TYPE_TABLET && in->bus == GV_DOMAIN_INPUT_BUS_PS2) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "a tablet in <devices>/<input> cannot use bus 'ps2': use 'usb' or 'virtio'");
            return -1;
        }
        if (in->bus == GV_DOMAIN_INPUT_BUS_PS2 &&
            in->info.addr.type != GV_DOMAIN_ADDRESS_TYPE_NONE) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "a PS/2 %s in <devices>/<input> has no <address>",
                          gvDomainInputTypeTypeToString(in->type));
            return -1;
        }
        for (j = 0; j < i; j++) {
            const gvDomainInputDef *o = g_ptr_array_index(def->inputs, j);

            if (in->bus == GV_DOMAIN_INPUT_BUS_PS2 && o->bus == in->bus && o->type == in->type) {
                gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                              "there is only one PS/2 %s: <devices>/<input> lists two",
                              gvDomainInputTypeTypeToString(in->type));
                return -1;
            }
        }
    }
    for (i = 0; i < def->videos->len; i++) {
        const gvDomainVideoDef *v = g_ptr_array_index(def->videos, i);

        if (v->type == GV_DOMAIN_VIDEO_TYPE_NONE && def->videos->len > 1) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "<video> of type 'none' in <devices> must be the only video device");
            return -1;
        }
        if (i > 0 && v->primary == GV_TRISTATE_BOOL_YES) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "only the first <video> in <devices> can be the primary one");
            return -1;
        }
        if (i > 0 && v->type != GV_DOMAIN_VIDEO_TYPE_QXL &&
            v->type != GV_DOMAIN_VIDEO_TYPE_VIRTIO) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "video type '%s' in <devices>/<video> is only valid as the primary video device",
                gvDomainVideoTypeTypeToString(v->type));
            return -1;
        }
        if (v->heads > 1 && v->type != GV_DOMAIN_VIDEO_TYPE_QXL &&
            v->type != GV_DOMAIN_VIDEO_TYPE_VIRTIO) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "video type '%s' in <devices>/<video>/<model> has one head, not %u",
                          gvDomainVideoTypeTypeToString(v->type), v->heads);
            return -1;
        }
        if (v->type == GV_DOMAIN_VIDEO_TYPE_RAMFB &&
            v->info.addr.type != GV_DOMAIN_ADDRESS_TYPE_NONE) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "a ramfb <video> in <devices> is not a PCI device and has no <address>");
            return -1;
        }
    }
    for (i = 0; i < def->audios->len; i++) {
        const gvDomainAudioDef *a = g_ptr_array_index(def->audios, i);

        if (a->type == GV_DOMAIN_AUDIO_TYPE_SPICE && !gvDomainDefHasSpice(def)) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "<audio type='spice'> in <devices> needs <graphics type='spice'>");
            return -1;
        }
        for (j = 0; j < i; j++) {
            if (((const gvDomainAudioDef *)g_ptr_array_index(def->audios, j))->id == a->id) {
                gvReportError(error, GV_ERR_XML_ERROR,
                              "audio id '%u' in <devices>/<audio> is used twice", a->id);
                return -1;
            }
        }
    }
    for (i = 0; i < def->sounds->len; i++) {
        const gvDomainSoundDef *s = g_ptr_array_index(def->sounds, i);
        bool found = false;

        for (j = 0; j < def->audios->len; j++) {
            if (((const gvDomainAudioDef *)g_ptr_array_index(def->audios, j))->id == s->audioId)
                found = true;
        }
        if (!found) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "sound '%s' in <devices>/<sound>/<audio> names audio id '%u', which no <audio> has",
                gvDomainSoundModelTypeToString(s->model), s->audioId);
            return -1;
        }
    }
    return 0;
}

int
gvDomainDevicesValidate(const gvDomainDef *def, GError **error)
{
    guint i;

    for (i = 0; i < def->nets->len; i++) {
        if (gvDomainNetDefValidate(g_ptr_array_index(def->nets, i), error) < 0)
            return -1;
    }
    if (gvDomainConsolesValidate(def, error) < 0 || gvDomainChannelsValidate(def, error) < 0 ||
        gvDomainControllersValidate(def, error) < 0 ||
        gvDomainDiskAddressesValidate(def, error) < 0 || gvDomainBootValidate(def, error) < 0 ||
        gvDomainAVValidate(def, error) < 0)
        return -1;
    if (def->memballoon && def->memballoon->model == GV_DOMAIN_MEMBALLOON_MODEL_NONE &&
        def->memballoon->period) {
        gvReportError(error, GV_ERR_XML_ERROR, "<memballoon model='none'> takes no <stats>");
        return -1;
    }
    return 0;
}
