/*
 * domain_sysinfo.c: <sysinfo type='smbios'>
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_sysinfo.h"
#include "gverror.h"
#include "gvuuid.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainSysinfoBlock, GV_DOMAIN_SYSINFO_LAST, [GV_DOMAIN_SYSINFO_BIOS] = "bios",
             [GV_DOMAIN_SYSINFO_SYSTEM] = "system", [GV_DOMAIN_SYSINFO_BASEBOARD] = "baseBoard",
             [GV_DOMAIN_SYSINFO_CHASSIS] = "chassis");

static const char *const gvSysinfoBiosEntries[] = { "vendor", "version", "date", "release", NULL };
static const char *const gvSysinfoSystemEntries[] = { "manufacturer", "product", "version",
                                                      "serial",       "uuid",    "sku",
                                                      "family",       NULL };
static const char *const gvSysinfoBaseBoardEntries[] = {
    "manufacturer", "product", "version", "serial", "asset", "location", NULL
};
static const char *const gvSysinfoChassisEntries[] = { "manufacturer", "version", "serial",
                                                       "asset",        "sku",     NULL };

const char *const *
gvDomainSysinfoEntryNames(gvDomainSysinfoBlock block)
{
    switch (block) {
    case GV_DOMAIN_SYSINFO_BIOS:
        return gvSysinfoBiosEntries;
    case GV_DOMAIN_SYSINFO_SYSTEM:
        return gvSysinfoSystemEntries;
    case GV_DOMAIN_SYSINFO_BASEBOARD:
        return gvSysinfoBaseBoardEntries;
    case GV_DOMAIN_SYSINFO_CHASSIS:
        return gvSysinfoChassisEntries;
    case GV_DOMAIN_SYSINFO_LAST:
        break;
    }
    return NULL;
}

int
gvDomainSysinfoSmbiosType(gvDomainSysinfoBlock block)
{
    return (int)block;
}

void
gvDomainSysinfoDefFree(gvDomainSysinfoDef *sysinfo)
{
    size_t i;
    size_t j;

    if (!sysinfo)
        return;
    for (i = 0; i < GV_DOMAIN_SYSINFO_LAST; i++) {
        for (j = 0; j < GV_DOMAIN_SYSINFO_ENTRIES_MAX; j++)
            g_free(sysinfo->values[i][j]);
    }
    if (sysinfo->oemStrings)
        g_ptr_array_unref(sysinfo->oemStrings);
    g_free(sysinfo);
}

static int
gvDomainSysinfoEntryIndex(const char *const *names, const char *name)
{
    int i;

    for (i = 0; names[i]; i++) {
        if (g_str_equal(names[i], name))
            return i;
    }
    return -1;
}

/* <entry name='...'>text</entry>: the text as written, one line */
static int
gvDomainSysinfoEntryParseXML(xmlNodePtr node, bool named, char **value, char **name, GError **error)
{
    static const char *const attrs[] = { "name", NULL };

    if (gvXMLCheckNode(node, named ? attrs : NULL, NULL, true, error) < 0)
        return -1;
    if (named && gvXMLPropString(node, "name", GV_XML_PROP_REQUIRED, name, error) < 0)
        return -1;
    *value = gvXMLNodeContent(node, false);
    if (strlen(*value) > GV_DOMAIN_SYSINFO_VALUE_MAX || strchr(*value, '\n')) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid value in %s: one line of at most %d bytes expected", path,
                      GV_DOMAIN_SYSINFO_VALUE_MAX);
        return -1;
    }
    return 0;
}

static int
gvDomainSysinfoBlockParseXML(xmlNodePtr node, gvDomainSysinfoBlock block,
                             gvDomainSysinfoDef *sysinfo, GError **error)
{
    static const gvXMLChildSpec children[] = { { "entry", GV_DOMAIN_SYSINFO_ENTRIES_MAX },
                                               { NULL, 0 } };
    const char *const *names = gvDomainSysinfoEntryNames(block);
    xmlNodePtr cur;

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0)
        return -1;
    sysinfo->present[block] = true;
    for (cur = node->children; cur; cur = cur->next) {
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;
        int idx;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (gvDomainSysinfoEntryParseXML(cur, true, &value, &name, error) < 0)
            return -1;
        if ((idx = gvDomainSysinfoEntryIndex(names, name)) < 0) {
            g_autofree char *path = gvXMLNodePath(cur);
            g_autofree char *expected = g_strjoinv(", ", (char **)names);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "unknown value '%s' for attribute 'name' of %s: expected %s", name, path,
                          expected);
            return -1;
        }
        if (sysinfo->values[block][idx]) {
            g_autofree char *path = gvXMLNodePath(cur);

            gvReportError(error, GV_ERR_XML_ERROR, "entry '%s' in %s is given twice", name, path);
            return -1;
        }
        sysinfo->values[block][idx] = g_steal_pointer(&value);
    }
    return 0;
}

static int
gvDomainSysinfoOemParseXML(xmlNodePtr node, gvDomainSysinfoDef *sysinfo, GError **error)
{
    static const gvXMLChildSpec children[] = { { "entry", GV_DOMAIN_SYSINFO_OEM_MAX },
                                               { NULL, 0 } };
    xmlNodePtr cur;

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0)
        return -1;
    sysinfo->oemStrings = g_ptr_array_new_with_free_func(g_free);
    for (cur = node->children; cur; cur = cur->next) {
        char *value = NULL;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (gvDomainSysinfoEntryParseXML(cur, false, &value, NULL, error) < 0)
            return -1;
        g_ptr_array_add(sysinfo->oemStrings, value);
    }
    return 0;
}

gvDomainSysinfoDef *
gvDomainSysinfoDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "type", NULL };
    static const gvXMLChildSpec children[] = { { "bios", 1 },       { "system", 1 },
                                               { "baseBoard", 1 },  { "chassis", 1 },
                                               { "oemStrings", 1 }, { NULL, 0 } };
    g_autoptr(gvDomainSysinfoDef) sysinfo = g_new0(gvDomainSysinfoDef, 1);
    g_autofree char *type = NULL;
    xmlNodePtr cur;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0 ||
        gvXMLPropString(node, "type", GV_XML_PROP_REQUIRED, &type, error) < 0)
        return NULL;
    if (!g_str_equal(type, "smbios")) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "unknown value '%s' for attribute 'type' of <sysinfo>: expected 'smbios'",
                      type);
        return NULL;
    }
    for (cur = node->children; cur; cur = cur->next) {
        const char *name = (const char *)cur->name;
        int block;
        int rc;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (g_str_equal(name, "oemStrings"))
            rc = gvDomainSysinfoOemParseXML(cur, sysinfo, error);
        else if ((block = gvDomainSysinfoBlockTypeFromString(name)) >= 0)
            rc = gvDomainSysinfoBlockParseXML(cur, block, sysinfo, error);
        else
            rc = -1; /* gvXMLCheckNode let only known blocks through */
        if (rc < 0)
            return NULL;
    }
    return g_steal_pointer(&sysinfo);
}

void
gvDomainSysinfoDefFormat(gvBuffer *buf, const gvDomainSysinfoDef *sysinfo)
{
    size_t i;
    size_t j;

    gvBufferAddLit(buf, "<sysinfo type='smbios'>\n");
    gvBufferAdjustIndent(buf, 2);
    for (i = 0; i < GV_DOMAIN_SYSINFO_LAST; i++) {
        const char *const *names = gvDomainSysinfoEntryNames(i);
        g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

        if (!sysinfo->present[i])
            continue;
        for (j = 0; names[j]; j++) {
            if (!sysinfo->values[i][j])
                continue;
            gvBufferAsprintf(&childBuf, "<entry name='%s'>", names[j]);
            gvBufferEscapeString(&childBuf, "%s</entry>\n", sysinfo->values[i][j]);
        }
        gvXMLFormatElement(buf, gvDomainSysinfoBlockTypeToString(i), NULL, &childBuf);
    }
    if (sysinfo->oemStrings && sysinfo->oemStrings->len > 0) {
        gvBufferAddLit(buf, "<oemStrings>\n");
        gvBufferAdjustIndent(buf, 2);
        for (j = 0; j < sysinfo->oemStrings->len; j++)
            gvBufferEscapeString(buf, "<entry>%s</entry>\n",
                                 g_ptr_array_index(sysinfo->oemStrings, j));
        gvBufferAdjustIndent(buf, -2);
        gvBufferAddLit(buf, "</oemStrings>\n");
    }
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</sysinfo>\n");
}

/* mm/dd/yy or mm/dd/yyyy, as the SMBIOS BIOS date is written */
static bool
gvDomainSysinfoDateIsValid(const char *date)
{
    size_t n = strlen(date);
    size_t i;

    if (n != 8 && n != 10)
        return false;
    for (i = 0; i < n; i++) {
        bool slash = i == 2 || i == 5;

        if (slash && date[i] != '/')
            return false;
        if (!slash && !g_ascii_isdigit(date[i]))
            return false;
    }
    return true;
}

/* "major.minor", each 0-255 */
static bool
gvDomainSysinfoReleaseIsValid(const char *release)
{
    g_auto(GStrv) parts = g_strsplit(release, ".", 3);
    guint64 v;

    return g_strv_length(parts) == 2 &&
           g_ascii_string_to_unsigned(parts[0], 10, 0, 255, &v, NULL) &&
           g_ascii_string_to_unsigned(parts[1], 10, 0, 255, &v, NULL);
}

int
gvDomainSysinfoDefValidate(const gvDomainSysinfoDef *sysinfo, const unsigned char *uuid,
                           GError **error)
{
    const char *date = sysinfo->values[GV_DOMAIN_SYSINFO_BIOS][2];
    const char *release = sysinfo->values[GV_DOMAIN_SYSINFO_BIOS][3];
    const char *sysuuid = sysinfo->values[GV_DOMAIN_SYSINFO_SYSTEM][4];
    unsigned char parsed[GV_UUID_BUFLEN];

    if (date && !gvDomainSysinfoDateIsValid(date)) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid BIOS date '%s' in <sysinfo>/<bios>: expected mm/dd/yy or mm/dd/yyyy",
                      date);
        return -1;
    }
    if (release && !gvDomainSysinfoReleaseIsValid(release)) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid BIOS release '%s' in <sysinfo>/<bios>: expected MAJOR.MINOR",
                      release);
        return -1;
    }
    /* libvirt: the guest's system UUID is the domain's */
    if (sysuuid && (!gvUUIDParse(sysuuid, parsed) || memcmp(parsed, uuid, GV_UUID_BUFLEN) != 0)) {
        char uuidstr[GV_UUID_STRING_BUFLEN];

        gvReportError(error, GV_ERR_XML_ERROR,
                      "system uuid '%s' in <sysinfo>/<system> is not the domain's uuid '%s'",
                      sysuuid, gvUUIDFormat(uuid, uuidstr));
        return -1;
    }
    return 0;
}

bool
gvDomainSysinfoDefEqual(const gvDomainSysinfoDef *a, const gvDomainSysinfoDef *b)
{
    size_t i;
    size_t j;

    if (!a || !b)
        return a == b;
    for (i = 0; i < GV_DOMAIN_SYSINFO_LAST; i++) {
        if (a->present[i] != b->present[i])
            return false;
        for (j = 0; j < GV_DOMAIN_SYSINFO_ENTRIES_MAX; j++) {
            if (g_strcmp0(a->values[i][j], b->values[i][j]) != 0)
                return false;
        }
    }
    if ((a->oemStrings ? a->oemStrings->len : 0) != (b->oemStrings ? b->oemStrings->len : 0))
        return false;
    for (j = 0; a->oemStrings && j < a->oemStrings->len; j++) {
        if (!g_str_equal(g_ptr_array_index(a->oemStrings, j), g_ptr_array_index(b->oemStrings, j)))
            return false;
    }
    return true;
}
