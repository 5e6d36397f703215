/*
 * domain_devices.c: the <devices> element, its children in and out
 */
#include <gvconfig.h>

#include "domain_conf.h"
#include "gverror.h"
#include "gvxml.h"

void
gvDomainDevicesInit(gvDomainDef *def)
{
    def->controllers = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainControllerDefFree);
    def->channels = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainChrDefFree);
    def->inputs = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainInputDefFree);
    def->sounds = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainSoundDefFree);
    def->audios = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainAudioDefFree);
    def->videos = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainVideoDefFree);
    def->redirdevs = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainRedirdevDefFree);
    def->rngs = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainRNGDefFree);
}

void
gvDomainDevicesClear(gvDomainDef *def)
{
    g_ptr_array_unref(def->controllers);
    g_ptr_array_unref(def->channels);
    g_ptr_array_unref(def->inputs);
    g_ptr_array_unref(def->sounds);
    g_ptr_array_unref(def->audios);
    g_ptr_array_unref(def->videos);
    g_ptr_array_unref(def->redirdevs);
    g_ptr_array_unref(def->rngs);
    gvDomainWatchdogDefFree(def->watchdog);
    gvDomainMemballoonDefFree(def->memballoon);
    gvDomainPanicDefFree(def->panic);
}

bool
gvDomainDefMachineIsQ35(const char *machine)
{
    return g_str_equal(machine, "q35") || g_str_has_prefix(machine, "pc-q35-");
}

/* Adds @dev to @array, or fails with the parser's error */
static int
gvDomainDeviceAdd(GPtrArray *array, gpointer dev)
{
    if (!dev)
        return -1;
    g_ptr_array_add(array, dev);
    return 0;
}

int
gvDomainDevicesParseXML(xmlNodePtr node, gvDomainDef *def, unsigned int flags, GError **error)
{
    bool inactive = flags & GV_DOMAIN_DEF_PARSE_INACTIVE;
    static const gvXMLChildSpec children[] = {
        { "emulator", 1 }, { "disk", 0 },     { "controller", 0 }, { "interface", 0 },
        { "serial", 0 },   { "console", 0 },  { "channel", 0 },    { "input", 0 },
        { "graphics", 0 }, { "sound", 0 },    { "audio", 0 },      { "video", 0 },
        { "redirdev", 0 }, { "watchdog", 1 }, { "memballoon", 1 }, { "rng", 0 },
        { "panic", 1 },    { "tpm", 0 },      { "genid", 1 },      { NULL, 0 }
    };
    xmlNodePtr cur;

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0)
        return -1;
    for (cur = node->children; cur; cur = cur->next) {
        const char *name = (const char *)cur->name;
        int rc = 0;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (g_str_equal(name, "emulator")) {
            if (gvXMLCheckNode(cur, NULL, NULL, true, error) < 0)
                return -1;
            def->emulator = gvXMLNodeContent(cur, true);
        } else if (g_str_equal(name, "disk")) {
            rc = gvDomainDeviceAdd(def->disks, gvDomainDiskDefParseXML(cur, error));
        } else if (g_str_equal(name, "controller")) {
            rc = gvDomainDeviceAdd(def->controllers, gvDomainControllerDefParseXML(cur, error));
        } else if (g_str_equal(name, "interface")) {
            rc = gvDomainDeviceAdd(def->nets, gvDomainNetDefParseXML(cur, error));
        } else if (g_str_equal(name, "serial")) {
            rc = gvDomainDeviceAdd(
                def->serials,
                gvDomainChrDefParseXML(cur, GV_DOMAIN_CHR_DEVICE_SERIAL, inactive, error));
        } else if (g_str_equal(name, "console")) {
            rc = gvDomainDeviceAdd(
                def->consoles,
                gvDomainChrDefParseXML(cur, GV_DOMAIN_CHR_DEVICE_CONSOLE, inactive, error));
        } else if (g_str_equal(name, "channel")) {
            rc = gvDomainDeviceAdd(
                def->channels,
                gvDomainChrDefParseXML(cur, GV_DOMAIN_CHR_DEVICE_CHANNEL, inactive, error));
        } else if (g_str_equal(name, "input")) {
            rc = gvDomainDeviceAdd(def->inputs, gvDomainInputDefParseXML(cur, error));
        } else if (g_str_equal(name, "graphics")) {
            rc = gvDomainDeviceAdd(def->graphics, gvDomainGraphicsDefParseXML(cur, error));
        } else if (g_str_equal(name, "sound")) {
            rc = gvDomainDeviceAdd(def->sounds, gvDomainSoundDefParseXML(cur, error));
        } else if (g_str_equal(name, "audio")) {
            rc = gvDomainDeviceAdd(def->audios, gvDomainAudioDefParseXML(cur, error));
        } else if (g_str_equal(name, "video")) {
            rc = gvDomainDeviceAdd(def->videos, gvDomainVideoDefParseXML(cur, error));
        } else if (g_str_equal(name, "redirdev")) {
            rc = gvDomainDeviceAdd(def->redirdevs, gvDomainRedirdevDefParseXML(cur, error));
        } else if (g_str_equal(name, "rng")) {
            rc = gvDomainDeviceAdd(def->rngs, gvDomainRNGDefParseXML(cur, error));
        } else if (g_str_equal(name, "watchdog")) {
            if (!(def->watchdog = gvDomainWatchdogDefParseXML(cur, error)))
                return -1;
        } else if (g_str_equal(name, "memballoon")) {
            if (!(def->memballoon = gvDomainMemballoonDefParseXML(cur, error)))
                return -1;
        } else if (g_str_equal(name, "panic")) {
            if (!(def->panic = gvDomainPanicDefParseXML(cur, error)))
                return -1;
        } else if (g_str_equal(name, "tpm")) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "<tpm> in <devices> is not supported: genvirt does not run a TPM emulator (swtpm) for its guests");
            return -1;
        } else if (g_str_equal(name, "genid")) {
            if (!(def->genid = gvDomainGenidDefParseXML(cur, error)))
                return -1;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

#define GV_FORMAT_ALL(array, type, fn, buf) \
    do { \
        guint i_; \
        for (i_ = 0; i_ < (array)->len; i_++) \
            fn(buf, (const type *)g_ptr_array_index(array, i_)); \
    } while (0)

void
gvDomainDevicesFormat(gvBuffer *buf, const gvDomainDef *def, unsigned int flags)
{
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);
    bool secure = flags & GV_DOMAIN_DEF_FORMAT_SECURE;
    /* a pty path is live data; a migration destination opens its own */
    bool inactive = flags & (GV_DOMAIN_DEF_FORMAT_INACTIVE | GV_DOMAIN_DEF_FORMAT_MIGRATABLE);
    guint i;

    if (def->emulator)
        gvBufferEscapeString(&childBuf, "<emulator>%s</emulator>\n", def->emulator);
    GV_FORMAT_ALL(def->disks, gvDomainDiskDef, gvDomainDiskDefFormat, &childBuf);
    GV_FORMAT_ALL(def->controllers, gvDomainControllerDef, gvDomainControllerDefFormat, &childBuf);
    GV_FORMAT_ALL(def->nets, gvDomainNetDef, gvDomainNetDefFormat, &childBuf);
    for (i = 0; i < def->serials->len; i++)
        gvDomainChrDefFormat(&childBuf, g_ptr_array_index(def->serials, i), inactive);
    for (i = 0; i < def->consoles->len; i++)
        gvDomainChrDefFormat(&childBuf, g_ptr_array_index(def->consoles, i), inactive);
    for (i = 0; i < def->channels->len; i++)
        gvDomainChrDefFormat(&childBuf, g_ptr_array_index(def->channels, i), inactive);
    GV_FORMAT_ALL(def->inputs, gvDomainInputDef, gvDomainInputDefFormat, &childBuf);
    for (i = 0; i < def->graphics->len; i++)
        gvDomainGraphicsDefFormat(&childBuf, g_ptr_array_index(def->graphics, i), secure);
    GV_FORMAT_ALL(def->sounds, gvDomainSoundDef, gvDomainSoundDefFormat, &childBuf);
    GV_FORMAT_ALL(def->audios, gvDomainAudioDef, gvDomainAudioDefFormat, &childBuf);
    GV_FORMAT_ALL(def->videos, gvDomainVideoDef, gvDomainVideoDefFormat, &childBuf);
    GV_FORMAT_ALL(def->redirdevs, gvDomainRedirdevDef, gvDomainRedirdevDefFormat, &childBuf);
    if (def->watchdog)
        gvDomainWatchdogDefFormat(&childBuf, def->watchdog);
    if (def->memballoon)
        gvDomainMemballoonDefFormat(&childBuf, def->memballoon);
    GV_FORMAT_ALL(def->rngs, gvDomainRNGDef, gvDomainRNGDefFormat, &childBuf);
    if (def->panic)
        gvDomainPanicDefFormat(&childBuf, def->panic);
    if (def->genid)
        gvDomainGenidDefFormat(&childBuf, def->genid, secure);
    gvXMLFormatElement(buf, "devices", NULL, &childBuf);
}
