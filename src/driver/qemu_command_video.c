/*
 * qemu_command_video.c: <input>, <audio>, <graphics>, <video> and <sound>
 */
#include <gvconfig.h>

#include <string.h>

#include "qemu_command_priv.h"

static const char *
gvQemuInputDevice(const gvDomainInputDef *in)
{
    bool usb = in->bus == GV_DOMAIN_INPUT_BUS_USB;

    switch ((gvDomainInputType)in->type) {
    case GV_DOMAIN_INPUT_TYPE_MOUSE:
        return usb ? "usb-mouse" : "virtio-mouse-pci";
    case GV_DOMAIN_INPUT_TYPE_TABLET:
        return usb ? "usb-tablet" : "virtio-tablet-pci";
    case GV_DOMAIN_INPUT_TYPE_KEYBOARD:
        return usb ? "usb-kbd" : "virtio-keyboard-pci";
    case GV_DOMAIN_INPUT_TYPE_LAST:
        break;
    }
    return NULL;
}

void
gvQemuBuildInputCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    guint i;

    for (i = 0; i < def->inputs->len; i++) {
        const gvDomainInputDef *in = g_ptr_array_index(def->inputs, i);
        g_autofree char *id = g_strdup_printf("input%u", i);
        json_object *dev;

        /* PS/2 is the machine's i8042 */
        if (in->bus == GV_DOMAIN_INPUT_BUS_PS2)
            continue;
        dev = json_object_new_object();
        gvJSONAddString(dev, "driver", gvQemuInputDevice(in));
        gvJSONAddString(dev, "id", id);
        if (in->bus == GV_DOMAIN_INPUT_BUS_USB) {
            g_autofree char *port = g_strdup_printf("%u", in->info.addr.port);

            gvJSONAddString(dev, "bus", GV_QEMU_USB_BUS);
            gvJSONAddString(dev, "port", port);
        } else {
            gvQemuDeviceAddPCIAddress(dev, def, &in->info.addr);
        }
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
}

void
gvQemuBuildAudioCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    guint i;

    for (i = 0; i < def->audios->len; i++) {
        const gvDomainAudioDef *a = g_ptr_array_index(def->audios, i);
        json_object *dev = json_object_new_object();
        g_autofree char *id = g_strdup_printf("audio%u", a->id);

        gvJSONAddString(dev, "id", id);
        gvJSONAddString(dev, "driver", gvDomainAudioTypeTypeToString(a->type));
        gvQemuAddJSONArg(cmd, "-audiodev", dev);
    }
}

static char *
gvQemuGraphicsListen(const gvDomainGraphicsDef *gfx)
{
    const char *listen = gfx->listen ? gfx->listen : GV_GRAPHICS_LISTEN_DEFAULT;

    return strchr(listen, ':') ? g_strdup_printf("[%s]", listen) : g_strdup(listen);
}

void
gvQemuBuildGraphicsCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuBuildCtx *ctx)
{
    const gvDomainAudioDef *audio = def->audios->len ? g_ptr_array_index(def->audios, 0) : NULL;
    guint i;

    if (def->graphics->len == 0) {
        gvCommandAddArgList(cmd, "-display", "none", NULL);
        return;
    }
    for (i = 0; i < def->graphics->len; i++) {
        const gvDomainGraphicsDef *gfx = g_ptr_array_index(def->graphics, i);
        g_autofree char *listen = gvQemuGraphicsListen(gfx);
        GString *opt = g_string_new(NULL);

        switch ((gvDomainGraphicsType)gfx->type) {
        case GV_DOMAIN_GRAPHICS_TYPE_VNC:
            gvCommandAddArg(cmd, "-vnc");
            if (gfx->autoport == GV_TRISTATE_BOOL_YES)
                /* QEMU takes the first free display from 0 up */
                g_string_append_printf(opt, "%s:0,to=%d", listen, 65535 - GV_VNC_PORT_MIN);
            else
                g_string_append_printf(opt, "%s:%d", listen, gfx->port - GV_VNC_PORT_MIN);
            /* the password is set over QMP after start: never on the command line */
            if (gfx->passwd)
                g_string_append(opt, ",password=on");
            if (audio)
                g_string_append_printf(opt, ",audiodev=audio%u", audio->id);
            break;
        case GV_DOMAIN_GRAPHICS_TYPE_SPICE:
            gvCommandAddArg(cmd, "-spice");
            if (gfx->listenType == GV_DOMAIN_GRAPHICS_LISTEN_NONE)
                g_string_append(opt, "port=0");
            else
                g_string_append_printf(opt, "port=%d,addr=%s",
                                       gfx->autoport == GV_TRISTATE_BOOL_YES ? ctx->spicePort
                                                                             : gfx->port,
                                       gfx->listen ? gfx->listen : GV_GRAPHICS_LISTEN_DEFAULT);
            if (!gfx->passwd)
                g_string_append(opt, ",disable-ticketing=on");
            if (gfx->image != GV_DOMAIN_SPICE_IMAGE_DEFAULT)
                g_string_append_printf(opt, ",image-compression=%s",
                                       gvDomainSpiceImageTypeToString(gfx->image));
            g_string_append(opt, ",seamless-migration=on");
            break;
        case GV_DOMAIN_GRAPHICS_TYPE_NONE:
        case GV_DOMAIN_GRAPHICS_TYPE_LAST:
            break;
        }
        gvCommandAddArg(cmd, opt->str);
        g_string_free(opt, TRUE);
    }
}

const char *
gvQemuVideoDevice(gvDomainVideoType type, bool primary)
{
    switch (type) {
    case GV_DOMAIN_VIDEO_TYPE_VGA:
        return "VGA";
    case GV_DOMAIN_VIDEO_TYPE_CIRRUS:
        return "cirrus-vga";
    case GV_DOMAIN_VIDEO_TYPE_QXL:
        return primary ? "qxl-vga" : "qxl";
    case GV_DOMAIN_VIDEO_TYPE_VIRTIO:
        return primary ? "virtio-vga" : "virtio-gpu-pci";
    case GV_DOMAIN_VIDEO_TYPE_BOCHS:
        return "bochs-display";
    case GV_DOMAIN_VIDEO_TYPE_RAMFB:
        return "ramfb";
    case GV_DOMAIN_VIDEO_TYPE_NONE:
    case GV_DOMAIN_VIDEO_TYPE_DEFAULT:
    case GV_DOMAIN_VIDEO_TYPE_LAST:
        break;
    }
    return NULL;
}

void
gvQemuBuildVideoCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    guint i;

    for (i = 0; i < def->videos->len; i++) {
        const gvDomainVideoDef *v = g_ptr_array_index(def->videos, i);
        const char *driver = gvQemuVideoDevice(v->type, i == 0);
        g_autofree char *id = g_strdup_printf("video%u", i);
        json_object *dev;

        if (!driver)
            continue;
        dev = json_object_new_object();
        gvJSONAddString(dev, "driver", driver);
        gvJSONAddString(dev, "id", id);
        switch ((gvDomainVideoType)v->type) {
        case GV_DOMAIN_VIDEO_TYPE_QXL:
            gvJSONAddInt(dev, "max_outputs", (int)v->heads);
            gvJSONAddInt(dev, "ram_size", (int)(v->ram * 1024));
            gvJSONAddInt(dev, "vram_size", (int)(v->vram * 1024));
            gvJSONAddInt(dev, "vram64_size_mb", 0);
            gvJSONAddInt(dev, "vgamem_mb", (int)(v->vgamem / 1024));
            break;
        case GV_DOMAIN_VIDEO_TYPE_VIRTIO:
            gvJSONAddInt(dev, "max_outputs", (int)v->heads);
            break;
        case GV_DOMAIN_VIDEO_TYPE_VGA:
        case GV_DOMAIN_VIDEO_TYPE_BOCHS:
            if (v->vram != 16384)
                gvJSONAddInt(dev, v->type == GV_DOMAIN_VIDEO_TYPE_VGA ? "vgamem_mb" : "vgamem",
                             v->type == GV_DOMAIN_VIDEO_TYPE_VGA ? (int)(v->vram / 1024)
                                                                 : (int)(v->vram * 1024));
            break;
        case GV_DOMAIN_VIDEO_TYPE_CIRRUS:
        case GV_DOMAIN_VIDEO_TYPE_RAMFB:
        case GV_DOMAIN_VIDEO_TYPE_NONE:
        case GV_DOMAIN_VIDEO_TYPE_DEFAULT:
        case GV_DOMAIN_VIDEO_TYPE_LAST:
            break;
        }
        gvQemuDeviceAddPCIAddress(dev, def, &v->info.addr);
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
}

static const char *
gvQemuSoundDevice(gvDomainSoundModel model)
{
    switch (model) {
    case GV_DOMAIN_SOUND_MODEL_ICH6:
        return "intel-hda";
    case GV_DOMAIN_SOUND_MODEL_ICH9:
        return "ich9-intel-hda";
    case GV_DOMAIN_SOUND_MODEL_AC97:
        return "AC97";
    case GV_DOMAIN_SOUND_MODEL_ES1370:
        return "ES1370";
    case GV_DOMAIN_SOUND_MODEL_LAST:
        break;
    }
    return NULL;
}

void
gvQemuBuildSoundCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    guint i;

    for (i = 0; i < def->sounds->len; i++) {
        const gvDomainSoundDef *s = g_ptr_array_index(def->sounds, i);
        bool hda = s->model == GV_DOMAIN_SOUND_MODEL_ICH6 || s->model == GV_DOMAIN_SOUND_MODEL_ICH9;
        g_autofree char *id = g_strdup_printf("sound%u", i);
        g_autofree char *audiodev = g_strdup_printf("audio%u", s->audioId);
        json_object *dev = json_object_new_object();

        gvJSONAddString(dev, "driver", gvQemuSoundDevice(s->model));
        gvJSONAddString(dev, "id", id);
        if (!hda)
            gvJSONAddString(dev, "audiodev", audiodev);
        gvQemuDeviceAddPCIAddress(dev, def, &s->info.addr);
        gvQemuAddJSONArg(cmd, "-device", dev);
        if (hda) {
            g_autofree char *codec = g_strdup_printf("sound%u-codec0", i);
            g_autofree char *bus = g_strdup_printf("sound%u.0", i);

            dev = json_object_new_object();
            gvJSONAddString(dev, "driver", "hda-duplex");
            gvJSONAddString(dev, "id", codec);
            gvJSONAddString(dev, "bus", bus);
            gvJSONAddInt(dev, "cad", 0);
            gvJSONAddString(dev, "audiodev", audiodev);
            gvQemuAddJSONArg(cmd, "-device", dev);
        }
    }
}
