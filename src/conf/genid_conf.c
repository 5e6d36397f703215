/*
 * genid_conf.c: the VM Generation ID device, <devices>/<genid>
 */
#include <gvconfig.h>

#include <string.h>

#include "genid_conf.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainGenidModel, GV_DOMAIN_GENID_MODEL_LAST, [GV_DOMAIN_GENID_MODEL_NONE] = "none",
             [GV_DOMAIN_GENID_MODEL_VMGENID] = "vmgenid");

void
gvDomainGenidDefFree(gvDomainGenidDef *def)
{
    if (!def)
        return;
    explicit_bzero(def, sizeof(*def));
    g_free(def);
}

gvDomainGenidDef *
gvDomainGenidDefCopy(const gvDomainGenidDef *def)
{
    gvDomainGenidDef *ret;

    if (!def)
        return NULL;
    ret = g_new0(gvDomainGenidDef, 1);
    *ret = *def;
    return ret;
}

/* Parses the text of @node (a <guid> or a legacy <genid>) into @def */
static int
gvDomainGenidDefParseValue(xmlNodePtr node, gvDomainGenidDef *def, GError **error)
{
    g_autofree char *text = gvXMLNodeContent(node, true);
    unsigned char guid[GV_UUID_BUFLEN];

    if (text[0] == '\0')
        return 0;
    if (!gvUUIDParse(text, guid)) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "invalid genid guid '%s' in %s: expected a UUID",
                      text, path);
        return -1;
    }
    if (gvUUIDIsNil(guid)) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(
            error, GV_ERR_XML_ERROR,
            "invalid genid guid '%s' in %s: the nil UUID means 'no ID' to QEMU and guests", text,
            path);
        return -1;
    }
    memcpy(def->guid, guid, sizeof(guid));
    def->hasGuid = true;
    explicit_bzero(guid, sizeof(guid));
    explicit_bzero(text, strlen(text));
    return 0;
}

gvDomainGenidDef *
gvDomainGenidDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "model", NULL };
    static const gvXMLChildSpec children[] = { { "guid", 1 }, { NULL, 0 } };
    static const char *const guidAttrs[] = { "auto", NULL };
    g_autoptr(gvDomainGenidDef) def = g_new0(gvDomainGenidDef, 1);
    xmlNodePtr guid;
    int model = GV_DOMAIN_GENID_MODEL_NONE;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0)
        return NULL;
    if (gvXMLPropEnum(node, "model", gvDomainGenidModelTypeFromString, GV_XML_PROP_NONZERO, &model,
                      error) < 0)
        return NULL;
    def->model = model;

    if ((guid = gvXMLNodeGetChild(node, "guid"))) {
        if (gvXMLCheckNode(guid, guidAttrs, NULL, true, error) < 0)
            return NULL;
        if (gvXMLPropTristateBool(guid, "auto", GV_XML_PROP_NONE, &def->autoGen, error) < 0)
            return NULL;
        if (gvDomainGenidDefParseValue(guid, def, error) < 0)
            return NULL;
    }
    return g_steal_pointer(&def);
}

gvDomainGenidDef *
gvDomainGenidDefParseLegacyXML(xmlNodePtr node, GError **error)
{
    g_autoptr(gvDomainGenidDef) def = g_new0(gvDomainGenidDef, 1);

    if (gvXMLCheckNode(node, NULL, NULL, true, error) < 0)
        return NULL;
    if (gvDomainGenidDefParseValue(node, def, error) < 0)
        return NULL;
    /* libvirt owns a legacy genid's value: it renews it on revert and restore */
    def->model = GV_DOMAIN_GENID_MODEL_VMGENID;
    def->autoGen = GV_TRISTATE_BOOL_YES;
    return g_steal_pointer(&def);
}

void
gvDomainGenidDefFormat(gvBuffer *buf, const gvDomainGenidDef *def, bool secure)
{
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);

    gvBufferAsprintf(buf, "<genid model='%s'>\n", gvDomainGenidModelTypeToString(def->model));
    if (def->hasGuid && secure) {
        char uuidstr[GV_UUID_STRING_BUFLEN];

        gvBufferAsprintf(&childBuf, "<guid auto='%s'>%s</guid>\n",
                         gvTristateBoolTypeToString(def->autoGen),
                         gvUUIDFormat(def->guid, uuidstr));
        explicit_bzero(uuidstr, sizeof(uuidstr));
    } else {
        /*
         * Without the value (read-only clients), every genid reads as one
         * genvirt owns (DESIGN 2.5): it reveals nothing and parses again.
         */
        gvBufferAddLit(&childBuf, "<guid auto='yes'/>\n");
    }
    gvBufferAddBuffer(buf, &childBuf);
    gvBufferAddLit(buf, "</genid>\n");
}

void
gvDomainGenidDefPostParse(gvDomainGenidDef *def)
{
    if (def->model == GV_DOMAIN_GENID_MODEL_NONE)
        def->model = GV_DOMAIN_GENID_MODEL_VMGENID;
    if (def->autoGen == GV_TRISTATE_BOOL_ABSENT)
        def->autoGen = def->hasGuid ? GV_TRISTATE_BOOL_NO : GV_TRISTATE_BOOL_YES;
}

int
gvDomainGenidDefValidate(const gvDomainGenidDef *def, GError **error)
{
    switch ((gvDomainGenidModel)def->model) {
    case GV_DOMAIN_GENID_MODEL_VMGENID:
        break;
    case GV_DOMAIN_GENID_MODEL_NONE:
    case GV_DOMAIN_GENID_MODEL_LAST:
    default:
        gvReportError(error, GV_ERR_INTERNAL_ERROR,
                      "unexpected genid model %d in <devices>/<genid>", def->model);
        return -1;
    }
    if (def->autoGen == GV_TRISTATE_BOOL_NO && !def->hasGuid) {
        gvReportError(
            error, GV_ERR_XML_ERROR,
            "genid <guid auto='no'> in <devices>/<genid>/<guid> has no value: a fixed GUID must be given");
        return -1;
    }
    return 0;
}

int
gvDomainGenidDefEnsureGuid(gvDomainGenidDef *def, GError **error)
{
    if (def->hasGuid || def->autoGen == GV_TRISTATE_BOOL_NO)
        return 0;
    if (gvUUIDGenerate(def->guid, error) < 0)
        return -1;
    def->hasGuid = true;
    return 1;
}

int
gvDomainGenidDefRegenerate(gvDomainGenidDef *def, GError **error)
{
    unsigned char fresh[GV_UUID_BUFLEN];

    if (def->autoGen == GV_TRISTATE_BOOL_NO)
        return 0;
    /* a revert must yield a value never seen before: never the same twice */
    do {
        if (gvUUIDGenerate(fresh, error) < 0)
            return -1;
    } while (def->hasGuid && memcmp(fresh, def->guid, sizeof(fresh)) == 0);
    memcpy(def->guid, fresh, sizeof(fresh));
    explicit_bzero(fresh, sizeof(fresh));
    def->hasGuid = true;
    return 1;
}
