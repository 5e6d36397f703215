/*
 * domain_os.c: <os>, how the guest boots
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_os.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(
    gvDomainOS,
    GV_DOMAIN_OS_TYPE_LAST, [GV_DOMAIN_OS_TYPE_NONE] = "none", [GV_DOMAIN_OS_TYPE_HVM] = "hvm");

GV_ENUM_IMPL(
    gvArch,
    GV_ARCH_LAST, [GV_ARCH_NONE] = "none", [GV_ARCH_X86_64] = "x86_64", [GV_ARCH_I686] = "i686");

GV_ENUM_IMPL(gvDomainBoot, GV_DOMAIN_BOOT_LAST, [GV_DOMAIN_BOOT_NONE] = "none",
             [GV_DOMAIN_BOOT_HD] = "hd", [GV_DOMAIN_BOOT_CDROM] = "cdrom",
             [GV_DOMAIN_BOOT_NETWORK] = "network", [GV_DOMAIN_BOOT_FLOPPY] = "fd");

GV_ENUM_IMPL(gvDomainOSFirmware, GV_DOMAIN_OS_FIRMWARE_LAST, [GV_DOMAIN_OS_FIRMWARE_NONE] = "none",
             [GV_DOMAIN_OS_FIRMWARE_BIOS] = "bios", [GV_DOMAIN_OS_FIRMWARE_EFI] = "efi");

GV_ENUM_IMPL(gvDomainOSFirmwareFeature, GV_DOMAIN_OS_FIRMWARE_FEATURE_LAST,
             [GV_DOMAIN_OS_FIRMWARE_FEATURE_ENROLLED_KEYS] = "enrolled-keys",
             [GV_DOMAIN_OS_FIRMWARE_FEATURE_SECURE_BOOT] = "secure-boot");

GV_ENUM_IMPL(gvDomainLoaderType, GV_DOMAIN_LOADER_TYPE_LAST, [GV_DOMAIN_LOADER_TYPE_NONE] = "none",
             [GV_DOMAIN_LOADER_TYPE_ROM] = "rom", [GV_DOMAIN_LOADER_TYPE_PFLASH] = "pflash");

GV_ENUM_IMPL(
    gvDomainSmbios,
    GV_DOMAIN_SMBIOS_LAST, [GV_DOMAIN_SMBIOS_NONE] = "none", [GV_DOMAIN_SMBIOS_EMULATE] = "emulate",
    [GV_DOMAIN_SMBIOS_HOST] = "host", [GV_DOMAIN_SMBIOS_SYSINFO] = "sysinfo");

void
gvDomainLoaderDefFree(gvDomainLoaderDef *loader)
{
    if (!loader)
        return;
    g_free(loader->path);
    g_free(loader);
}

void
gvDomainOSDefClear(gvDomainOSDef *os)
{
    gvDomainLoaderDefFree(os->loader);
    g_free(os->nvram);
    g_free(os->nvramTemplate);
    g_free(os->machine);
    g_free(os->kernel);
    g_free(os->initrd);
    g_free(os->cmdline);
    memset(os, 0, sizeof(*os));
}

/* ---- <type> ------------------------------------------------------------- */

static int
gvDomainOSTypeParseXML(xmlNodePtr node, gvDomainOSDef *os, GError **error)
{
    static const char *const attrs[] = { "arch", "machine", NULL };
    g_autofree char *type = gvXMLNodeContent(node, true);
    int v = GV_ARCH_NONE;

    if (gvXMLCheckNode(node, attrs, NULL, true, error) < 0)
        return -1;
    if ((v = gvDomainOSTypeFromString(type)) <= 0) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "unknown OS type '%s' in %s: expected 'hvm'", type,
                      path);
        return -1;
    }
    os->type = v;
    v = GV_ARCH_NONE;
    if (gvXMLPropEnum(node, "arch", gvArchTypeFromString, GV_XML_PROP_NONZERO, &v, error) < 0)
        return -1;
    os->arch = v;
    if (gvXMLPropString(node, "machine", GV_XML_PROP_NONZERO, &os->machine, error) < 0)
        return -1;
    if (os->machine && strspn(os->machine, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789._-") != strlen(os->machine)) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(
            error, GV_ERR_XML_ERROR,
            "invalid value '%s' for attribute 'machine' of %s: expected letters, digits, '.', '_' or '-'",
            os->machine, path);
        return -1;
    }
    return 0;
}

static void
gvDomainOSTypeFormat(gvBuffer *buf, const gvDomainOSDef *os)
{
    gvBufferAsprintf(buf, "<type arch='%s' machine='%s'>%s</type>\n", gvArchTypeToString(os->arch),
                     os->machine, gvDomainOSTypeToString(os->type));
}

/* ---- <boot> ------------------------------------------------------------- */

static int
gvDomainOSBootParseXML(xmlNodePtr node, gvDomainOSDef *os, GError **error)
{
    static const char *const attrs[] = { "dev", NULL };
    int v = GV_DOMAIN_BOOT_NONE;

    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0)
        return -1;
    if (gvXMLPropEnum(node, "dev", gvDomainBootTypeFromString,
                      GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0)
        return -1;
    os->boot[os->nboot++] = v;
    return 0;
}

static void
gvDomainOSBootFormat(gvBuffer *buf, const gvDomainOSDef *os)
{
    size_t i;

    for (i = 0; i < os->nboot; i++)
        gvBufferAsprintf(buf, "<boot dev='%s'/>\n", gvDomainBootTypeToString(os->boot[i]));
}

/* ---- <kernel>, <initrd>, <cmdline> -------------------------------------- */

/* A text-only element: the path trimmed, the command line as written */
static int
gvDomainOSTextParseXML(xmlNodePtr node, bool trim, char **out, GError **error)
{
    if (gvXMLCheckNode(node, NULL, NULL, true, error) < 0)
        return -1;
    *out = gvXMLNodeContent(node, trim);
    return 0;
}

static void
gvDomainOSKernelFormat(gvBuffer *buf, const gvDomainOSDef *os)
{
    if (os->kernel)
        gvBufferEscapeString(buf, "<kernel>%s</kernel>\n", os->kernel);
    if (os->initrd)
        gvBufferEscapeString(buf, "<initrd>%s</initrd>\n", os->initrd);
    if (os->cmdline)
        gvBufferEscapeString(buf, "<cmdline>%s</cmdline>\n", os->cmdline);
}

static int
gvDomainOSPathValidate(const char *path, const char *what, GError **error)
{
    if (path[0] != '/') {
        gvReportError(error, GV_ERR_XML_ERROR, "%s '%s' in <os>/<%s> is not an absolute path", what,
                      path, what);
        return -1;
    }
    return 0;
}

/* ---- firmware: <firmware>, <loader>, <nvram> ------------------------------ */

static int
gvDomainOSFirmwareParseXML(xmlNodePtr node, gvDomainOSDef *os, GError **error)
{
    static const gvXMLChildSpec children[] = { { "feature", GV_DOMAIN_OS_FIRMWARE_FEATURE_LAST },
                                               { NULL, 0 } };
    static const char *const attrs[] = { "enabled", "name", NULL };
    xmlNodePtr cur;

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0)
        return -1;
    for (cur = node->children; cur; cur = cur->next) {
        gvTristateBool enabled = GV_TRISTATE_BOOL_ABSENT;
        int f = 0;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (gvXMLCheckNode(cur, attrs, NULL, false, error) < 0 ||
            gvXMLPropTristateBool(cur, "enabled", GV_XML_PROP_REQUIRED, &enabled, error) < 0 ||
            gvXMLPropEnum(cur, "name", gvDomainOSFirmwareFeatureTypeFromString,
                          GV_XML_PROP_REQUIRED, &f, error) < 0)
            return -1;
        if (os->firmwareFeatures[f] != GV_TRISTATE_BOOL_ABSENT) {
            g_autofree char *path = gvXMLNodePath(cur);

            gvReportError(error, GV_ERR_XML_ERROR, "firmware feature '%s' in %s is given twice",
                          gvDomainOSFirmwareFeatureTypeToString(f), path);
            return -1;
        }
        os->firmwareFeatures[f] = enabled;
    }
    return 0;
}

static int
gvDomainLoaderDefParseXML(xmlNodePtr node, gvDomainOSDef *os, GError **error)
{
    static const char *const attrs[] = { "readonly", "secure", "type", NULL };
    gvDomainLoaderDef *loader = g_new0(gvDomainLoaderDef, 1);
    int v = GV_DOMAIN_LOADER_TYPE_NONE;

    os->loader = loader;
    if (gvXMLCheckNode(node, attrs, NULL, true, error) < 0 ||
        gvXMLPropTristateBool(node, "readonly", GV_XML_PROP_NONE, &loader->readonly, error) < 0 ||
        gvXMLPropTristateBool(node, "secure", GV_XML_PROP_NONE, &loader->secure, error) < 0 ||
        gvXMLPropEnum(node, "type", gvDomainLoaderTypeTypeFromString, GV_XML_PROP_NONZERO, &v,
                      error) < 0)
        return -1;
    loader->type = v;
    loader->path = gvXMLNodeContent(node, true);
    if (loader->path[0] == '\0')
        g_clear_pointer(&loader->path, g_free);
    return 0;
}

static int
gvDomainNvramParseXML(xmlNodePtr node, gvDomainOSDef *os, GError **error)
{
    static const char *const attrs[] = { "template", NULL };

    if (gvXMLCheckNode(node, attrs, NULL, true, error) < 0 ||
        gvXMLPropString(node, "template", GV_XML_PROP_NONZERO, &os->nvramTemplate, error) < 0)
        return -1;
    os->hasNvram = true;
    os->nvram = gvXMLNodeContent(node, true);
    if (os->nvram[0] == '\0')
        g_clear_pointer(&os->nvram, g_free);
    return 0;
}

/* libvirt's order: <firmware>, <loader>, <nvram> */
static void
gvDomainOSFirmwareFormat(gvBuffer *buf, const gvDomainOSDef *os)
{
    g_auto(gvBuffer) featBuf = GV_BUFFER_INIT_CHILD(buf);
    size_t i;

    for (i = 0; i < GV_DOMAIN_OS_FIRMWARE_FEATURE_LAST; i++) {
        if (os->firmwareFeatures[i] != GV_TRISTATE_BOOL_ABSENT)
            gvBufferAsprintf(&featBuf, "<feature enabled='%s' name='%s'/>\n",
                             gvTristateBoolTypeToString(os->firmwareFeatures[i]),
                             gvDomainOSFirmwareFeatureTypeToString(i));
    }
    gvXMLFormatElement(buf, "firmware", NULL, &featBuf);
    if (os->loader) {
        const gvDomainLoaderDef *l = os->loader;

        gvBufferAddLit(buf, "<loader");
        if (l->readonly != GV_TRISTATE_BOOL_ABSENT)
            gvBufferAsprintf(buf, " readonly='%s'", gvTristateBoolTypeToString(l->readonly));
        if (l->secure != GV_TRISTATE_BOOL_ABSENT)
            gvBufferAsprintf(buf, " secure='%s'", gvTristateBoolTypeToString(l->secure));
        if (l->type != GV_DOMAIN_LOADER_TYPE_NONE)
            gvBufferAsprintf(buf, " type='%s'", gvDomainLoaderTypeTypeToString(l->type));
        if (l->path)
            gvBufferEscapeString(buf, ">%s</loader>\n", l->path);
        else
            gvBufferAddLit(buf, "/>\n");
    }
    if (os->hasNvram) {
        gvBufferAddLit(buf, "<nvram");
        if (os->nvramTemplate)
            gvBufferEscapeString(buf, " template='%s'", os->nvramTemplate);
        if (os->nvram)
            gvBufferEscapeString(buf, ">%s</nvram>\n", os->nvram);
        else
            gvBufferAddLit(buf, "/>\n");
    }
}

/* ---- <bootmenu>, <smbios> ------------------------------------------------- */

static int
gvDomainOSBootmenuParseXML(xmlNodePtr node, gvDomainOSDef *os, GError **error)
{
    static const char *const attrs[] = { "enable", "timeout", NULL };
    int rc;

    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0 ||
        gvXMLPropTristateBool(node, "enable", GV_XML_PROP_REQUIRED, &os->bootmenu, error) < 0 ||
        (rc = gvXMLPropUInt(node, "timeout", GV_XML_PROP_NONE, &os->bootmenuTimeout, error)) < 0)
        return -1;
    os->hasBootmenuTimeout = rc > 0;
    if (os->bootmenuTimeout > GV_DOMAIN_BOOTMENU_TIMEOUT_MAX) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid value '%u' for attribute 'timeout' of %s: at most %d (ms)",
                      os->bootmenuTimeout, path, GV_DOMAIN_BOOTMENU_TIMEOUT_MAX);
        return -1;
    }
    return 0;
}

static int
gvDomainOSSmbiosParseXML(xmlNodePtr node, gvDomainOSDef *os, GError **error)
{
    static const char *const attrs[] = { "mode", NULL };
    int v = GV_DOMAIN_SMBIOS_NONE;

    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0 ||
        gvXMLPropEnum(node, "mode", gvDomainSmbiosTypeFromString,
                      GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0)
        return -1;
    os->smbios = v;
    return 0;
}

static void
gvDomainOSBootmenuSmbiosFormat(gvBuffer *buf, const gvDomainOSDef *os)
{
    if (os->bootmenu != GV_TRISTATE_BOOL_ABSENT) {
        gvBufferAsprintf(buf, "<bootmenu enable='%s'", gvTristateBoolTypeToString(os->bootmenu));
        if (os->hasBootmenuTimeout)
            gvBufferAsprintf(buf, " timeout='%u'", os->bootmenuTimeout);
        gvBufferAddLit(buf, "/>\n");
    }
    if (os->smbios != GV_DOMAIN_SMBIOS_NONE)
        gvBufferAsprintf(buf, "<smbios mode='%s'/>\n", gvDomainSmbiosTypeToString(os->smbios));
}

static int
gvDomainOSFirmwareValidate(const gvDomainOSDef *os, GError **error)
{
    size_t i;

    if (os->loader && os->loader->path &&
        gvDomainOSPathValidate(os->loader->path, "loader", error) < 0)
        return -1;
    if (os->nvram && gvDomainOSPathValidate(os->nvram, "nvram", error) < 0)
        return -1;
    if (os->nvramTemplate && os->nvramTemplate[0] != '/') {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "template '%s' of <os>/<nvram> is not an absolute path", os->nvramTemplate);
        return -1;
    }
    if (os->firmware != GV_DOMAIN_OS_FIRMWARE_EFI) {
        for (i = 0; i < GV_DOMAIN_OS_FIRMWARE_FEATURE_LAST; i++) {
            if (os->firmwareFeatures[i] != GV_TRISTATE_BOOL_ABSENT) {
                gvReportError(error, GV_ERR_XML_ERROR,
                              "<firmware> features in <os> need firmware='efi' on <os>");
                return -1;
            }
        }
        if (os->loader && !os->loader->path) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "<loader> in <os> needs a path (or firmware='efi' on <os>)");
            return -1;
        }
    }
    if (os->loader && os->loader->secure == GV_TRISTATE_BOOL_YES &&
        os->loader->type != GV_DOMAIN_LOADER_TYPE_PFLASH) {
        gvReportError(
            error, GV_ERR_XML_ERROR,
            "secure='yes' of <os>/<loader> needs type='pflash': Secure Boot keeps its keys in flash");
        return -1;
    }
    if (os->hasNvram && os->firmware != GV_DOMAIN_OS_FIRMWARE_EFI &&
        (!os->loader || os->loader->type != GV_DOMAIN_LOADER_TYPE_PFLASH ||
         os->loader->readonly != GV_TRISTATE_BOOL_YES)) {
        gvReportError(
            error, GV_ERR_XML_ERROR,
            "<nvram> in <os> needs a read-only pflash loader (<loader readonly='yes' type='pflash'>) or firmware='efi'");
        return -1;
    }
    if (os->bootmenu != GV_TRISTATE_BOOL_YES && os->hasBootmenuTimeout) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "attribute 'timeout' of <os>/<bootmenu> needs enable='yes'");
        return -1;
    }
    return 0;
}

/* ---- <os> --------------------------------------------------------------- */

int
gvDomainOSDefParseXML(xmlNodePtr node, gvDomainOSDef *os, GError **error)
{
    static const gvXMLChildSpec children[] = { { "type", 1 },     { "boot", GV_DOMAIN_BOOT_MAX },
                                               { "kernel", 1 },   { "initrd", 1 },
                                               { "cmdline", 1 },  { "firmware", 1 },
                                               { "loader", 1 },   { "nvram", 1 },
                                               { "bootmenu", 1 }, { "smbios", 1 },
                                               { NULL, 0 } };
    static const char *const attrs[] = { "firmware", NULL };
    xmlNodePtr cur;
    int v = GV_DOMAIN_OS_FIRMWARE_NONE;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0 ||
        gvXMLPropEnum(node, "firmware", gvDomainOSFirmwareTypeFromString, GV_XML_PROP_NONZERO, &v,
                      error) < 0)
        return -1;
    os->firmware = v;
    for (cur = node->children; cur; cur = cur->next) {
        const char *name = (const char *)cur->name;
        int rc = 0;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (g_str_equal(name, "type"))
            rc = gvDomainOSTypeParseXML(cur, os, error);
        else if (g_str_equal(name, "boot"))
            rc = gvDomainOSBootParseXML(cur, os, error);
        else if (g_str_equal(name, "kernel"))
            rc = gvDomainOSTextParseXML(cur, true, &os->kernel, error);
        else if (g_str_equal(name, "initrd"))
            rc = gvDomainOSTextParseXML(cur, true, &os->initrd, error);
        else if (g_str_equal(name, "cmdline"))
            rc = gvDomainOSTextParseXML(cur, false, &os->cmdline, error);
        else if (g_str_equal(name, "firmware"))
            rc = gvDomainOSFirmwareParseXML(cur, os, error);
        else if (g_str_equal(name, "loader"))
            rc = gvDomainLoaderDefParseXML(cur, os, error);
        else if (g_str_equal(name, "nvram"))
            rc = gvDomainNvramParseXML(cur, os, error);
        else if (g_str_equal(name, "bootmenu"))
            rc = gvDomainOSBootmenuParseXML(cur, os, error);
        else if (g_str_equal(name, "smbios"))
            rc = gvDomainOSSmbiosParseXML(cur, os, error);
        if (rc < 0)
            return -1;
    }
    /* like libvirt, an empty command line is no command line */
    if (os->cmdline && os->cmdline[0] == '\0')
        g_clear_pointer(&os->cmdline, g_free);
    return 0;
}

/*
 * libvirt's order: type, firmware, loader, nvram, kernel, initrd, cmdline,
 * boot, bootmenu, smbios
 */
void
gvDomainOSDefFormat(gvBuffer *buf, const gvDomainOSDef *os)
{
    if (os->firmware != GV_DOMAIN_OS_FIRMWARE_NONE)
        gvBufferAsprintf(buf, "<os firmware='%s'>\n", gvDomainOSFirmwareTypeToString(os->firmware));
    else
        gvBufferAddLit(buf, "<os>\n");
    gvBufferAdjustIndent(buf, 2);
    gvDomainOSTypeFormat(buf, os);
    gvDomainOSFirmwareFormat(buf, os);
    gvDomainOSKernelFormat(buf, os);
    gvDomainOSBootFormat(buf, os);
    gvDomainOSBootmenuSmbiosFormat(buf, os);
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</os>\n");
}

void
gvDomainOSDefPostParse(gvDomainOSDef *os)
{
    if (os->type == GV_DOMAIN_OS_TYPE_NONE)
        os->type = GV_DOMAIN_OS_TYPE_HVM;
    if (os->arch == GV_ARCH_NONE)
        os->arch = GV_ARCH_X86_64;
    if (!os->machine)
        os->machine = g_strdup("pc");
}

int
gvDomainOSDefValidate(const gvDomainOSDef *os, GError **error)
{
    if (os->kernel && gvDomainOSPathValidate(os->kernel, "kernel", error) < 0)
        return -1;
    if (os->initrd && gvDomainOSPathValidate(os->initrd, "initrd", error) < 0)
        return -1;
    if (gvDomainOSFirmwareValidate(os, error) < 0)
        return -1;
    /* QEMU: "-initrd only allowed with -kernel option", the same for -append */
    if (!os->kernel && (os->initrd || os->cmdline)) {
        gvReportError(
            error, GV_ERR_XML_ERROR,
            "<%s> in <os> needs a <kernel>: an initrd and a command line are only for direct kernel boot",
            os->initrd ? "initrd" : "cmdline");
        return -1;
    }
    return 0;
}
