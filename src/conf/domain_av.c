/*
 * domain_av.c: <input>, <video>, <sound> and <audio>
 */
#include <gvconfig.h>

#include "domain_device.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(
    gvDomainInputType, GV_DOMAIN_INPUT_TYPE_LAST, [GV_DOMAIN_INPUT_TYPE_MOUSE] = "mouse",
    [GV_DOMAIN_INPUT_TYPE_TABLET] = "tablet", [GV_DOMAIN_INPUT_TYPE_KEYBOARD] = "keyboard");

GV_ENUM_IMPL(gvDomainInputBus, GV_DOMAIN_INPUT_BUS_LAST, [GV_DOMAIN_INPUT_BUS_DEFAULT] = "default",
             [GV_DOMAIN_INPUT_BUS_PS2] = "ps2", [GV_DOMAIN_INPUT_BUS_USB] = "usb",
             [GV_DOMAIN_INPUT_BUS_VIRTIO] = "virtio");

GV_ENUM_IMPL(gvDomainVideoType, GV_DOMAIN_VIDEO_TYPE_LAST,
             [GV_DOMAIN_VIDEO_TYPE_DEFAULT] = "default", [GV_DOMAIN_VIDEO_TYPE_NONE] = "none",
             [GV_DOMAIN_VIDEO_TYPE_VGA] = "vga", [GV_DOMAIN_VIDEO_TYPE_CIRRUS] = "cirrus",
             [GV_DOMAIN_VIDEO_TYPE_QXL] = "qxl", [GV_DOMAIN_VIDEO_TYPE_VIRTIO] = "virtio",
             [GV_DOMAIN_VIDEO_TYPE_BOCHS] = "bochs", [GV_DOMAIN_VIDEO_TYPE_RAMFB] = "ramfb");

GV_ENUM_IMPL(gvDomainSoundModel, GV_DOMAIN_SOUND_MODEL_LAST, [GV_DOMAIN_SOUND_MODEL_ICH6] = "ich6",
             [GV_DOMAIN_SOUND_MODEL_ICH9] = "ich9", [GV_DOMAIN_SOUND_MODEL_AC97] = "ac97",
             [GV_DOMAIN_SOUND_MODEL_ES1370] = "es1370");

GV_ENUM_IMPL(gvDomainAudioType, GV_DOMAIN_AUDIO_TYPE_LAST, [GV_DOMAIN_AUDIO_TYPE_NONE] = "none",
             [GV_DOMAIN_AUDIO_TYPE_SPICE] = "spice");

void
gvDomainInputDefFree(gvDomainInputDef *def)
{
    g_free(def);
}

void
gvDomainVideoDefFree(gvDomainVideoDef *def)
{
    g_free(def);
}

void
gvDomainSoundDefFree(gvDomainSoundDef *def)
{
    g_free(def);
}

void
gvDomainAudioDefFree(gvDomainAudioDef *def)
{
    g_free(def);
}

/* ---- <input> ------------------------------------------------------------ */

gvDomainInputDef *
gvDomainInputDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "type", "bus", NULL };
    static const gvXMLChildSpec children[] = { { "address", 1 }, { NULL, 0 } };
    g_autoptr(gvDomainInputDef) def = g_new0(gvDomainInputDef, 1);
    int v = 0;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0 ||
        gvXMLPropEnum(node, "type", gvDomainInputTypeTypeFromString, GV_XML_PROP_REQUIRED, &v,
                      error) < 0)
        return NULL;
    def->type = v;
    v = 0;
    if (gvXMLPropEnum(node, "bus", gvDomainInputBusTypeFromString, GV_XML_PROP_NONZERO, &v, error) <
        0)
        return NULL;
    def->bus = v;
    if (gvDomainDeviceInfoParseXML(node, GV_ADDR_PCI | GV_ADDR_USB, false, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

void
gvDomainInputDefFormat(gvBuffer *buf, const gvDomainInputDef *def)
{
    g_auto(gvBuffer) attrBuf = GV_BUFFER_INIT;
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

    gvBufferAsprintf(&attrBuf, " type='%s' bus='%s'", gvDomainInputTypeTypeToString(def->type),
                     gvDomainInputBusTypeToString(def->bus));
    gvDomainDeviceAddressFormat(&childBuf, &def->info.addr);
    gvXMLFormatElement(buf, "input", &attrBuf, &childBuf);
}

/* ---- <video> ------------------------------------------------------------ */

static int
gvVideoPropUInt(xmlNodePtr node, const char *name, unsigned int *out, GError **error)
{
    return gvXMLPropUInt(node, name, GV_XML_PROP_NONZERO, out, error);
}

gvDomainVideoDef *
gvDomainVideoDefParseXML(xmlNodePtr node, GError **error)
{
    static const gvXMLChildSpec children[] = { { "model", 1 }, { "address", 1 }, { NULL, 0 } };
    static const char *const modelAttrs[] = { "type",   "heads",   "vram", "ram",
                                              "vgamem", "primary", NULL };
    g_autoptr(gvDomainVideoDef) def = g_new0(gvDomainVideoDef, 1);
    xmlNodePtr model;
    int v = 0;

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0)
        return NULL;
    if ((model = gvXMLNodeGetChild(node, "model"))) {
        if (gvXMLCheckNode(model, modelAttrs, NULL, false, error) < 0 ||
            gvXMLPropEnum(model, "type", gvDomainVideoTypeTypeFromString,
                          GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0 ||
            gvVideoPropUInt(model, "heads", &def->heads, error) < 0 ||
            gvVideoPropUInt(model, "vram", &def->vram, error) < 0 ||
            gvVideoPropUInt(model, "ram", &def->ram, error) < 0 ||
            gvVideoPropUInt(model, "vgamem", &def->vgamem, error) < 0 ||
            gvXMLPropTristateBool(model, "primary", GV_XML_PROP_NONE, &def->primary, error) < 0)
            return NULL;
        def->type = v;
        if (def->heads > 16) {
            g_autofree char *path = gvXMLNodePath(model);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "invalid value '%u' for attribute 'heads' of %s: expected 1 to 16",
                          def->heads, path);
            return NULL;
        }
        if ((def->ram || def->vgamem) && def->type != GV_DOMAIN_VIDEO_TYPE_QXL) {
            g_autofree char *path = gvXMLNodePath(model);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "attributes 'ram' and 'vgamem' of %s are only for type 'qxl'", path);
            return NULL;
        }
    }
    if (gvDomainDeviceInfoParseXML(node, GV_ADDR_PCI, false, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

void
gvDomainVideoDefFormat(gvBuffer *buf, const gvDomainVideoDef *def)
{
    gvBufferAddLit(buf, "<video>\n");
    gvBufferAdjustIndent(buf, 2);
    gvBufferAsprintf(buf, "<model type='%s'", gvDomainVideoTypeTypeToString(def->type));
    if (def->ram)
        gvBufferAsprintf(buf, " ram='%u'", def->ram);
    if (def->vram)
        gvBufferAsprintf(buf, " vram='%u'", def->vram);
    if (def->vgamem)
        gvBufferAsprintf(buf, " vgamem='%u'", def->vgamem);
    if (def->heads)
        gvBufferAsprintf(buf, " heads='%u'", def->heads);
    if (def->primary == GV_TRISTATE_BOOL_YES)
        gvBufferAddLit(buf, " primary='yes'");
    gvBufferAddLit(buf, "/>\n");
    gvDomainDeviceAddressFormat(buf, &def->info.addr);
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</video>\n");
}

/* ---- <sound> ------------------------------------------------------------ */

gvDomainSoundDef *
gvDomainSoundDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "model", NULL };
    static const gvXMLChildSpec children[] = { { "audio", 1 }, { "address", 1 }, { NULL, 0 } };
    static const char *const audioAttrs[] = { "id", NULL };
    g_autoptr(gvDomainSoundDef) def = g_new0(gvDomainSoundDef, 1);
    xmlNodePtr cur;
    int v = 0;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0 ||
        gvXMLPropEnum(node, "model", gvDomainSoundModelTypeFromString, GV_XML_PROP_REQUIRED, &v,
                      error) < 0)
        return NULL;
    def->model = v;
    if ((cur = gvXMLNodeGetChild(node, "audio")) &&
        (gvXMLCheckNode(cur, audioAttrs, NULL, false, error) < 0 ||
         gvXMLPropUInt(cur, "id", GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &def->audioId,
                       error) < 0))
        return NULL;
    if (gvDomainDeviceInfoParseXML(node, GV_ADDR_PCI, false, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

void
gvDomainSoundDefFormat(gvBuffer *buf, const gvDomainSoundDef *def)
{
    g_auto(gvBuffer) attrBuf = GV_BUFFER_INIT;
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

    gvBufferAsprintf(&attrBuf, " model='%s'", gvDomainSoundModelTypeToString(def->model));
    /* libvirt writes <audio id> only when it is not the first backend */
    if (def->audioId > 1)
        gvBufferAsprintf(&childBuf, "<audio id='%u'/>\n", def->audioId);
    gvDomainDeviceAddressFormat(&childBuf, &def->info.addr);
    gvXMLFormatElement(buf, "sound", &attrBuf, &childBuf);
}

/* ---- <audio> ------------------------------------------------------------ */

gvDomainAudioDef *
gvDomainAudioDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "id", "type", NULL };
    g_autoptr(gvDomainAudioDef) def = g_new0(gvDomainAudioDef, 1);
    int v = 0;

    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0 ||
        gvXMLPropUInt(node, "id", GV_XML_PROP_NONZERO, &def->id, error) < 0 ||
        gvXMLPropEnum(node, "type", gvDomainAudioTypeTypeFromString, GV_XML_PROP_REQUIRED, &v,
                      error) < 0)
        return NULL;
    def->type = v;
    return g_steal_pointer(&def);
}

void
gvDomainAudioDefFormat(gvBuffer *buf, const gvDomainAudioDef *def)
{
    gvBufferAsprintf(buf, "<audio id='%u' type='%s'/>\n", def->id,
                     gvDomainAudioTypeTypeToString(def->type));
}
