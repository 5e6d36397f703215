/*
 * storage_conf.c: storage pool and volume XML (<pool>, <volume>)
 */
#include <gvconfig.h>

#include <string.h>

#include "gvbuffer.h"
#include "gverror.h"
#include "gvxml.h"
#include "storage_conf.h"

GV_ENUM_IMPL(gvStoragePoolType, GV_STORAGE_POOL_TYPE_LAST, [GV_STORAGE_POOL_TYPE_NONE] = "none",
             [GV_STORAGE_POOL_TYPE_DIR] = "dir");

GV_ENUM_IMPL(gvStorageVolFormat, GV_STORAGE_VOL_FORMAT_LAST, [GV_STORAGE_VOL_FORMAT_NONE] = "none",
             [GV_STORAGE_VOL_FORMAT_RAW] = "raw", [GV_STORAGE_VOL_FORMAT_QCOW2] = "qcow2",
             [GV_STORAGE_VOL_FORMAT_QCOW] = "qcow");

GV_ENUM_IMPL(
    gvStorageVolType,
    GV_STORAGE_VOL_TYPE_LAST, [GV_STORAGE_VOL_FILE] = "file", [GV_STORAGE_VOL_BLOCK] = "block");

/* ---- names and paths ---------------------------------------------------- */

int
gvStorageNameCheck(const char *name, const char *what, GError **error)
{
    if (*name == '\0' || strlen(name) > GV_STORAGE_NAME_MAX || strchr(name, '/') ||
        strchr(name, '\n') || name[0] == '.') {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid %s name '%s': expected 1 to %d characters, no '/' nor new line, "
                      "not starting with '.'",
                      what, name, GV_STORAGE_NAME_MAX);
        return -1;
    }
    return 0;
}

bool
gvStoragePathIsCanonical(const char *path)
{
    g_auto(GStrv) parts = NULL;
    size_t len = strlen(path);
    size_t i;

    if (path[0] != '/' || len > GV_STORAGE_PATH_MAX)
        return false;
    if (g_str_equal(path, "/"))
        return true;
    parts = g_strsplit(path + 1, "/", -1);
    for (i = 0; parts[i]; i++) {
        if (*parts[i] == '\0' || g_str_equal(parts[i], ".") || g_str_equal(parts[i], ".."))
            return false;
    }
    return true;
}

/* The trimmed text of the single child @name of @node, or NULL if absent */
static int
gvStorageChildText(xmlNodePtr node, const char *name, char **out, GError **error)
{
    xmlNodePtr child = gvXMLNodeGetChild(node, name);

    if (!child)
        return 0;
    if (gvXMLCheckNode(child, NULL, NULL, true, error) < 0)
        return -1;
    *out = gvXMLNodeContent(child, true);
    return 1;
}

static int
gvStoragePathParse(xmlNodePtr node, const char *name, char **out, GError **error)
{
    g_autofree char *path = NULL;
    int rc;

    if ((rc = gvStorageChildText(node, name, &path, error)) <= 0)
        return rc;
    if (!gvStoragePathIsCanonical(path)) {
        g_autofree char *where = gvXMLNodePath(gvXMLNodeGetChild(node, name));

        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid path '%s' in %s: expected an absolute path without '.', '..' or "
                      "'//', at most %d characters",
                      path, where, GV_STORAGE_PATH_MAX);
        return -1;
    }
    *out = g_steal_pointer(&path);
    return 1;
}

/* ---- <permissions> ------------------------------------------------------- */

static void
gvStoragePermsClear(gvStoragePerms *perms)
{
    g_clear_pointer(&perms->label, g_free);
}

static int
gvStoragePermsNumber(xmlNodePtr node, const char *name, int base, unsigned long long max, bool *has,
                     unsigned int *out, GError **error)
{
    g_autofree char *text = NULL;
    guint64 value;
    int rc;

    if ((rc = gvStorageChildText(node, name, &text, error)) <= 0)
        return rc;
    /* libvirt writes -1 for "not set" */
    if (g_str_equal(text, "-1"))
        return 0;
    if (!g_ascii_string_to_unsigned(text, base, 0, max, &value, NULL)) {
        g_autofree char *where = gvXMLNodePath(gvXMLNodeGetChild(node, name));

        gvReportError(error, GV_ERR_XML_ERROR, "invalid value '%s' in %s: expected %s", text, where,
                      base == 8 ? "an octal mode up to 0777" : "a number (or -1)");
        return -1;
    }
    *has = true;
    *out = (unsigned int)value;
    return 1;
}

static int
gvStoragePermsParseXML(xmlNodePtr node, gvStoragePerms *perms, GError **error)
{
    static const gvXMLChildSpec children[] = {
        { "mode", 1 }, { "owner", 1 }, { "group", 1 }, { "label", 1 }, { NULL, 0 }
    };

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0 ||
        gvStoragePermsNumber(node, "mode", 8, 0777, &perms->hasMode, &perms->mode, error) < 0 ||
        gvStoragePermsNumber(node, "owner", 10, G_MAXUINT32 - 1, &perms->hasOwner, &perms->owner,
                             error) < 0 ||
        gvStoragePermsNumber(node, "group", 10, G_MAXUINT32 - 1, &perms->hasGroup, &perms->group,
                             error) < 0 ||
        gvStorageChildText(node, "label", &perms->label, error) < 0)
        return -1;
    return 0;
}

static void
gvStoragePermsFormat(gvBuffer *buf, const gvStoragePerms *perms)
{
    g_auto(gvBuffer) child = GV_BUFFER_INIT_CHILD(buf);

    if (perms->hasMode)
        gvBufferAsprintf(&child, "<mode>%04o</mode>\n", perms->mode);
    if (perms->hasOwner)
        gvBufferAsprintf(&child, "<owner>%u</owner>\n", perms->owner);
    if (perms->hasGroup)
        gvBufferAsprintf(&child, "<group>%u</group>\n", perms->group);
    if (perms->label)
        gvBufferEscapeString(&child, "<label>%s</label>\n", perms->label);
    gvXMLFormatElement(buf, "permissions", NULL, &child);
}

/* ---- sizes: <capacity unit='G'>1</capacity> ------------------------------ */

/* A size in bytes (default unit); bounded so that value * unit fits */
static int
gvStorageSizeParseXML(xmlNodePtr node, bool *has, unsigned long long *bytes, GError **error)
{
    static const char *const attrs[] = { "unit", NULL };
    g_autofree char *unit = NULL;
    unsigned long long scale = 1;
    unsigned long long value;

    if (!node)
        return 0;
    if (gvXMLCheckNode(node, attrs, NULL, true, error) < 0 ||
        gvXMLPropString(node, "unit", GV_XML_PROP_NONE, &unit, error) < 0)
        return -1;
    if (unit && gvXMLUnitScale(node, unit, 6, &scale, error) < 0)
        return -1;
    if (gvXMLNodeContentULongLong(node, G_MAXUINT64 / scale, &value, error) < 0)
        return -1;
    *has = true;
    *bytes = value * scale;
    return 0;
}

/* ---- <pool> -------------------------------------------------------------- */

void
gvStoragePoolDefFree(gvStoragePoolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->targetPath);
    gvStoragePermsClear(&def->perms);
    g_free(def);
}

gvStoragePoolDef *
gvStoragePoolDefCopy(const gvStoragePoolDef *def)
{
    gvStoragePoolDef *ret = g_new0(gvStoragePoolDef, 1);

    *ret = *def;
    ret->name = g_strdup(def->name);
    ret->targetPath = g_strdup(def->targetPath);
    ret->perms.label = g_strdup(def->perms.label);
    return ret;
}

static int
gvStoragePoolTargetParseXML(xmlNodePtr node, gvStoragePoolDef *def, GError **error)
{
    static const gvXMLChildSpec children[] = { { "path", 1 }, { "permissions", 1 }, { NULL, 0 } };
    xmlNodePtr perms;
    int rc;

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0 ||
        (rc = gvStoragePathParse(node, "path", &def->targetPath, error)) < 0)
        return -1;
    if (rc == 0) {
        g_autofree char *where = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "missing <path> in %s: a dir pool needs its directory", where);
        return -1;
    }
    if ((perms = gvXMLNodeGetChild(node, "permissions")) &&
        gvStoragePermsParseXML(perms, &def->perms, error) < 0)
        return -1;
    return 0;
}

static gvStoragePoolDef *
gvStoragePoolDefParseNode(xmlNodePtr root, GError **error)
{
    static const char *const attrs[] = { "type", NULL };
    static const gvXMLChildSpec children[] = { { "name", 1 },      { "uuid", 1 },
                                               { "capacity", 1 },  { "allocation", 1 },
                                               { "available", 1 }, { "source", 1 },
                                               { "target", 1 },    { NULL, 0 } };
    g_autoptr(gvStoragePoolDef) def = g_new0(gvStoragePoolDef, 1);
    g_autofree char *uuid = NULL;
    xmlNodePtr node;
    int type = GV_STORAGE_POOL_TYPE_NONE;
    bool ignored;
    unsigned long long ignoredSize;

    if (!g_str_equal((const char *)root->name, "pool")) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "unexpected root element <%s> of the storage pool XML: expected <pool>",
                      (const char *)root->name);
        return NULL;
    }
    if (gvXMLCheckNode(root, attrs, children, false, error) < 0)
        return NULL;
    if (gvXMLPropEnum(root, "type", gvStoragePoolTypeTypeFromString,
                      GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &type, error) < 0)
        return NULL;
    def->type = type;
    if (gvStorageChildText(root, "name", &def->name, error) < 0)
        return NULL;
    if (!def->name) {
        gvReportError(error, GV_ERR_XML_ERROR, "missing <name> in <pool>");
        return NULL;
    }
    if (gvStorageNameCheck(def->name, "storage pool", error) < 0 ||
        gvStorageChildText(root, "uuid", &uuid, error) < 0)
        return NULL;
    if (uuid) {
        if (!gvUUIDParse(uuid, def->uuid)) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "invalid uuid '%s' in <pool>/<uuid>: expected a UUID", uuid);
            return NULL;
        }
        def->hasUUID = true;
    }
    /* what our own dumpxml shows, so pool-edit round-trips: checked, ignored */
    if (gvStorageSizeParseXML(gvXMLNodeGetChild(root, "capacity"), &ignored, &ignoredSize, error) <
            0 ||
        gvStorageSizeParseXML(gvXMLNodeGetChild(root, "allocation"), &ignored, &ignoredSize,
                              error) < 0 ||
        gvStorageSizeParseXML(gvXMLNodeGetChild(root, "available"), &ignored, &ignoredSize, error) <
            0)
        return NULL;
    if ((node = gvXMLNodeGetChild(root, "source")) &&
        gvXMLCheckNode(node, NULL, NULL, false, error) < 0)
        return NULL;
    if (!(node = gvXMLNodeGetChild(root, "target"))) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "missing <target> in <pool>: a dir pool needs <target><path>");
        return NULL;
    }
    if (gvStoragePoolTargetParseXML(node, def, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

gvStoragePoolDef *
gvStoragePoolDefParseString(const char *xml, GError **error)
{
    g_autoptr(xmlDoc) doc = gvXMLParseString(xml, -1, "storage pool XML", error);

    if (!doc)
        return NULL;
    return gvStoragePoolDefParseNode(xmlDocGetRootElement(doc), error);
}

char *
gvStoragePoolDefFormat(const gvStoragePoolDef *def, const gvStoragePoolStats *stats)
{
    g_auto(gvBuffer) buf = GV_BUFFER_INIT;
    g_auto(gvBuffer) target = { NULL, 4 }; /* in <pool> */
    gvStoragePoolStats zero = { 0 };
    char uuid[GV_UUID_STRING_BUFLEN];

    if (!stats)
        stats = &zero;
    gvBufferAsprintf(&buf, "<pool type='%s'>\n", gvStoragePoolTypeTypeToString(def->type));
    gvBufferAdjustIndent(&buf, 2);
    gvBufferEscapeString(&buf, "<name>%s</name>\n", def->name);
    /* the driver gives every pool one */
    if (def->hasUUID)
        gvBufferAsprintf(&buf, "<uuid>%s</uuid>\n", gvUUIDFormat(def->uuid, uuid));
    gvBufferAsprintf(&buf, "<capacity unit='bytes'>%llu</capacity>\n", stats->capacity);
    gvBufferAsprintf(&buf, "<allocation unit='bytes'>%llu</allocation>\n", stats->allocation);
    gvBufferAsprintf(&buf, "<available unit='bytes'>%llu</available>\n", stats->available);
    gvBufferAddLit(&buf, "<source>\n");
    gvBufferAddLit(&buf, "</source>\n");
    gvBufferEscapeString(&target, "<path>%s</path>\n", def->targetPath);
    gvStoragePermsFormat(&target, &def->perms);
    gvXMLFormatElement(&buf, "target", NULL, &target);
    gvBufferAdjustIndent(&buf, -2);
    gvBufferAddLit(&buf, "</pool>\n");
    return gvBufferContentAndReset(&buf);
}

/* ---- <volume> ------------------------------------------------------------ */

void
gvStorageVolDefFree(gvStorageVolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->key);
    g_free(def->path);
    g_free(def->compat);
    g_free(def->backingPath);
    gvStoragePermsClear(&def->perms);
    g_free(def);
}

static int
gvStorageVolFormatParseXML(xmlNodePtr node, bool creatable, gvStorageVolFormat *out, GError **error)
{
    static const char *const attrs[] = { "type", NULL };
    g_autofree char *type = NULL;
    int value;

    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0 ||
        gvXMLPropString(node, "type", GV_XML_PROP_REQUIRED, &type, error) < 0)
        return -1;
    value = gvStorageVolFormatTypeFromString(type);
    if (value <= GV_STORAGE_VOL_FORMAT_NONE || (creatable && value == GV_STORAGE_VOL_FORMAT_QCOW)) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "unsupported volume format '%s' in %s: expected raw or qcow2", type, path);
        return -1;
    }
    *out = value;
    return 0;
}

static int
gvStorageVolTargetParseXML(xmlNodePtr node, gvStorageVolDef *def, GError **error)
{
    static const gvXMLChildSpec children[] = { { "path", 1 },        { "format", 1 },
                                               { "permissions", 1 }, { "compat", 1 },
                                               { "features", 1 },    { NULL, 0 } };
    static const gvXMLChildSpec featureChildren[] = { { "lazy_refcounts", 1 }, { NULL, 0 } };
    g_autofree char *ignoredPath = NULL;
    xmlNodePtr child;

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0 ||
        gvStoragePathParse(node, "path", &ignoredPath, error) < 0)
        return -1;
    if ((child = gvXMLNodeGetChild(node, "format")) &&
        gvStorageVolFormatParseXML(child, true, &def->format, error) < 0)
        return -1;
    if ((child = gvXMLNodeGetChild(node, "permissions")) &&
        gvStoragePermsParseXML(child, &def->perms, error) < 0)
        return -1;
    if (gvStorageChildText(node, "compat", &def->compat, error) < 0)
        return -1;
    if (def->compat && !g_str_equal(def->compat, "0.10") && !g_str_equal(def->compat, "1.1")) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid value '%s' in <volume>/<target>/<compat>: expected 0.10 or 1.1",
                      def->compat);
        return -1;
    }
    if ((child = gvXMLNodeGetChild(node, "features"))) {
        xmlNodePtr lazy;

        if (gvXMLCheckNode(child, NULL, featureChildren, false, error) < 0)
            return -1;
        if ((lazy = gvXMLNodeGetChild(child, "lazy_refcounts"))) {
            if (gvXMLCheckNode(lazy, NULL, NULL, false, error) < 0)
                return -1;
            def->lazyRefcounts = true;
        }
    }
    return 0;
}

static int
gvStorageVolBackingParseXML(xmlNodePtr node, gvStorageVolDef *def, GError **error)
{
    static const gvXMLChildSpec children[] = {
        { "path", 1 }, { "format", 1 }, { "permissions", 1 }, { NULL, 0 }
    };
    xmlNodePtr child;
    int rc;

    if (gvXMLCheckNode(node, NULL, children, false, error) < 0 ||
        (rc = gvStoragePathParse(node, "path", &def->backingPath, error)) < 0)
        return -1;
    if (rc == 0) {
        gvReportError(error, GV_ERR_XML_ERROR, "missing <path> in <volume>/<backingStore>");
        return -1;
    }
    if ((child = gvXMLNodeGetChild(node, "format")) &&
        gvStorageVolFormatParseXML(child, false, &def->backingFormat, error) < 0)
        return -1;
    return 0;
}

static gvStorageVolDef *
gvStorageVolDefParseNode(xmlNodePtr root, GError **error)
{
    static const char *const attrs[] = { "type", NULL };
    static const gvXMLChildSpec children[] = { { "name", 1 },         { "key", 1 },
                                               { "capacity", 1 },     { "allocation", 1 },
                                               { "physical", 1 },     { "target", 1 },
                                               { "backingStore", 1 }, { NULL, 0 } };
    g_autoptr(gvStorageVolDef) def = g_new0(gvStorageVolDef, 1);
    g_autofree char *ignoredKey = NULL;
    xmlNodePtr node;
    int type = GV_STORAGE_VOL_FILE;
    bool ignored;
    unsigned long long ignoredSize;

    if (!g_str_equal((const char *)root->name, "volume")) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "unexpected root element <%s> of the storage volume XML: expected <volume>",
                      (const char *)root->name);
        return NULL;
    }
    if (gvXMLCheckNode(root, attrs, children, false, error) < 0 ||
        gvXMLPropEnum(root, "type", gvStorageVolTypeTypeFromString, GV_XML_PROP_NONE, &type,
                      error) < 0)
        return NULL;
    if (type != GV_STORAGE_VOL_FILE) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "unsupported volume type '%s' of <volume>: a dir pool holds files",
                      gvStorageVolTypeTypeToString(type));
        return NULL;
    }
    def->type = type;
    if (gvStorageChildText(root, "name", &def->name, error) < 0)
        return NULL;
    if (!def->name) {
        gvReportError(error, GV_ERR_XML_ERROR, "missing <name> in <volume>");
        return NULL;
    }
    if (gvStorageNameCheck(def->name, "storage volume", error) < 0 ||
        gvStorageChildText(root, "key", &ignoredKey, error) < 0 ||
        gvStorageSizeParseXML(gvXMLNodeGetChild(root, "capacity"), &def->hasCapacity,
                              &def->capacity, error) < 0 ||
        gvStorageSizeParseXML(gvXMLNodeGetChild(root, "allocation"), &def->hasAllocation,
                              &def->allocation, error) < 0 ||
        gvStorageSizeParseXML(gvXMLNodeGetChild(root, "physical"), &ignored, &ignoredSize, error) <
            0)
        return NULL;
    if ((node = gvXMLNodeGetChild(root, "target")) &&
        gvStorageVolTargetParseXML(node, def, error) < 0)
        return NULL;
    if ((node = gvXMLNodeGetChild(root, "backingStore")) &&
        gvStorageVolBackingParseXML(node, def, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

gvStorageVolDef *
gvStorageVolDefParseString(const char *xml, GError **error)
{
    g_autoptr(xmlDoc) doc = gvXMLParseString(xml, -1, "storage volume XML", error);

    if (!doc)
        return NULL;
    return gvStorageVolDefParseNode(xmlDocGetRootElement(doc), error);
}

char *
gvStorageVolDefFormat(const gvStorageVolDef *def)
{
    g_auto(gvBuffer) buf = GV_BUFFER_INIT;
    g_auto(gvBuffer) target = { NULL, 4 }; /* in <volume> */

    gvBufferAsprintf(&buf, "<volume type='%s'>\n", gvStorageVolTypeTypeToString(def->type));
    gvBufferAdjustIndent(&buf, 2);
    gvBufferEscapeString(&buf, "<name>%s</name>\n", def->name);
    gvBufferEscapeString(&buf, "<key>%s</key>\n", def->key);
    gvBufferAsprintf(&buf, "<capacity unit='bytes'>%llu</capacity>\n", def->capacity);
    gvBufferAsprintf(&buf, "<allocation unit='bytes'>%llu</allocation>\n", def->allocation);
    gvBufferAsprintf(&buf, "<physical unit='bytes'>%llu</physical>\n", def->physical);
    gvBufferEscapeString(&target, "<path>%s</path>\n", def->path);
    if (def->format != GV_STORAGE_VOL_FORMAT_NONE)
        gvBufferAsprintf(&target, "<format type='%s'/>\n",
                         gvStorageVolFormatTypeToString(def->format));
    gvStoragePermsFormat(&target, &def->perms);
    gvXMLFormatElement(&buf, "target", NULL, &target);
    if (def->backingPath) {
        g_auto(gvBuffer) backing = GV_BUFFER_INIT_CHILD(&buf);

        gvBufferEscapeString(&backing, "<path>%s</path>\n", def->backingPath);
        if (def->backingFormat != GV_STORAGE_VOL_FORMAT_NONE)
            gvBufferAsprintf(&backing, "<format type='%s'/>\n",
                             gvStorageVolFormatTypeToString(def->backingFormat));
        gvXMLFormatElement(&buf, "backingStore", NULL, &backing);
    }
    gvBufferAdjustIndent(&buf, -2);
    gvBufferAddLit(&buf, "</volume>\n");
    return gvBufferContentAndReset(&buf);
}
