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

void
gvDomainOSDefClear(gvDomainOSDef *os)
{
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

/* ---- <os> --------------------------------------------------------------- */

int
gvDomainOSDefParseXML(xmlNodePtr node, gvDomainOSDef *os, GError **error)
{
    static const gvXMLChildSpec children[] = { { "type", 1 },    { "boot", GV_DOMAIN_BOOT_MAX },
                                               { "kernel", 1 },  { "initrd", 1 },
                                               { "cmdline", 1 }, { NULL, 0 } };
    xmlNodePtr cur;

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0)
        return -1;
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
        if (rc < 0)
            return -1;
    }
    /* like libvirt, an empty command line is no command line */
    if (os->cmdline && os->cmdline[0] == '\0')
        g_clear_pointer(&os->cmdline, g_free);
    return 0;
}

/* libvirt's order: type, kernel, initrd, cmdline, boot */
void
gvDomainOSDefFormat(gvBuffer *buf, const gvDomainOSDef *os)
{
    gvBufferAddLit(buf, "<os>\n");
    gvBufferAdjustIndent(buf, 2);
    gvDomainOSTypeFormat(buf, os);
    gvDomainOSKernelFormat(buf, os);
    gvDomainOSBootFormat(buf, os);
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
