/*
 * snapshot_conf.c: <domainsnapshot>, the metadata of an internal snapshot
 */
#include <gvconfig.h>

#include <string.h>

#include "gvbuffer.h"
#include "gverror.h"
#include "gvxml.h"
#include "snapshot_conf.h"

GV_ENUM_IMPL(gvSnapshotState, GV_SNAPSHOT_STATE_LAST, [GV_SNAPSHOT_STATE_NONE] = "nostate",
             [GV_SNAPSHOT_STATE_RUNNING] = "running", [GV_SNAPSHOT_STATE_PAUSED] = "paused",
             [GV_SNAPSHOT_STATE_SHUTOFF] = "shutoff");

void
gvDomainSnapshotDefFree(gvDomainSnapshotDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->description);
    g_free(def->parent);
    gvDomainDefFree(def->dom);
    g_free(def);
}

int
gvDomainSnapshotNameValidate(const char *name, GError **error)
{
    const char *p;

    if (!name[0] || strlen(name) > GV_SNAPSHOT_NAME_MAX || name[0] == '.' || name[0] == '-') {
        gvReportError(
            error, GV_ERR_XML_ERROR,
            "invalid snapshot name '%s' in <domainsnapshot>/<name>: 1 to %d characters, not starting with '.' or '-'",
            name, GV_SNAPSHOT_NAME_MAX);
        return -1;
    }
    for (p = name; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("._-+:@", *p)) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "invalid snapshot name '%s' in <domainsnapshot>/<name>: only letters, digits and . _ - + : @",
                name);
            return -1;
        }
    }
    return 0;
}

static gvDomainSnapshotDef *
gvDomainSnapshotDefParseNode(xmlNodePtr root, bool stored, GError **error)
{
    static const gvXMLChildSpec request[] = { { "name", 1 }, { "description", 1 }, { NULL, 0 } };
    static const gvXMLChildSpec full[] = { { "name", 1 },   { "description", 1 },  { "state", 1 },
                                           { "parent", 1 }, { "creationTime", 1 }, { "memory", 1 },
                                           { "disks", 1 },  { "domain", 1 },       { NULL, 0 } };
    g_autoptr(gvDomainSnapshotDef) def = g_new0(gvDomainSnapshotDef, 1);
    xmlNodePtr cur;

    if (!g_str_equal((const char *)root->name, "domainsnapshot")) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "unexpected root element <%s>, expecting <domainsnapshot>", root->name);
        return NULL;
    }
    if (gvXMLCheckNode(root, NULL, stored ? full : request, false, error) < 0)
        return NULL;
    if ((cur = gvXMLNodeGetChild(root, "name"))) {
        if (gvXMLCheckNode(cur, NULL, NULL, true, error) < 0)
            return NULL;
        def->name = gvXMLNodeContent(cur, true);
        if (gvDomainSnapshotNameValidate(def->name, error) < 0)
            return NULL;
    }
    if ((cur = gvXMLNodeGetChild(root, "description"))) {
        if (gvXMLCheckNode(cur, NULL, NULL, true, error) < 0)
            return NULL;
        def->description = gvXMLNodeContent(cur, false);
    }
    if (!stored)
        return g_steal_pointer(&def);

    if (!def->name) {
        gvReportError(error, GV_ERR_XML_ERROR, "missing element <name> in <domainsnapshot>");
        return NULL;
    }
    if ((cur = gvXMLNodeGetChild(root, "state"))) {
        g_autofree char *state = gvXMLNodeContent(cur, true);
        int v = gvSnapshotStateTypeFromString(state);

        if (v <= 0) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "unknown snapshot state '%s' in <domainsnapshot>/<state>", state);
            return NULL;
        }
        def->state = v;
    }
    if ((cur = gvXMLNodeGetChild(root, "parent"))) {
        static const gvXMLChildSpec parentChildren[] = { { "name", 1 }, { NULL, 0 } };
        xmlNodePtr pname;

        if (gvXMLCheckNode(cur, NULL, parentChildren, false, error) < 0)
            return NULL;
        if ((pname = gvXMLNodeGetChild(cur, "name")))
            def->parent = gvXMLNodeContent(pname, true);
    }
    if ((cur = gvXMLNodeGetChild(root, "creationTime"))) {
        unsigned long long t;

        if (gvXMLNodeContentULongLong(cur, G_MAXINT64, &t, error) < 0)
            return NULL;
        def->creationTime = (gint64)t;
    }
    if ((cur = gvXMLNodeGetChild(root, "domain")) &&
        !(def->dom = gvDomainDefParseNodeFull(cur, GV_DOMAIN_DEF_PARSE_INACTIVE, error)))
        return NULL;
    /* <memory> and <disks> only restate "internal": nothing to keep */
    return g_steal_pointer(&def);
}

static gvDomainSnapshotDef *
gvDomainSnapshotDefParse(const char *xml, bool stored, GError **error)
{
    g_autoptr(xmlDoc) doc = gvXMLParseString(xml, -1, "snapshot XML", error);

    if (!doc)
        return NULL;
    return gvDomainSnapshotDefParseNode(xmlDocGetRootElement(doc), stored, error);
}

gvDomainSnapshotDef *
gvDomainSnapshotDefParseRequest(const char *xml, GError **error)
{
    return gvDomainSnapshotDefParse(xml, false, error);
}

gvDomainSnapshotDef *
gvDomainSnapshotDefParseString(const char *xml, GError **error)
{
    return gvDomainSnapshotDefParse(xml, true, error);
}

char *
gvDomainSnapshotDefFormat(const gvDomainSnapshotDef *def, bool secure)
{
    g_auto(gvBuffer) buf = GV_BUFFER_INIT;
    guint i;

    gvBufferAddLit(&buf, "<domainsnapshot>\n");
    gvBufferAdjustIndent(&buf, 2);
    gvBufferEscapeString(&buf, "<name>%s</name>\n", def->name);
    if (def->description)
        gvBufferEscapeString(&buf, "<description>%s</description>\n", def->description);
    gvBufferAsprintf(&buf, "<state>%s</state>\n", gvSnapshotStateTypeToString(def->state));
    if (def->parent) {
        gvBufferAddLit(&buf, "<parent>\n");
        gvBufferEscapeString(&buf, "  <name>%s</name>\n", def->parent);
        gvBufferAddLit(&buf, "</parent>\n");
    }
    gvBufferAsprintf(&buf, "<creationTime>%" G_GINT64_FORMAT "</creationTime>\n",
                     def->creationTime);
    gvBufferAsprintf(&buf, "<memory snapshot='%s'/>\n",
                     def->state == GV_SNAPSHOT_STATE_SHUTOFF ? "no" : "internal");
    if (def->dom && def->dom->disks->len > 0) {
        gvBufferAddLit(&buf, "<disks>\n");
        for (i = 0; i < def->dom->disks->len; i++) {
            const gvDomainDiskDef *disk = g_ptr_array_index(def->dom->disks, i);

            gvBufferEscapeString(&buf, "  <disk name='%s' snapshot='internal'/>\n", disk->dst);
        }
        gvBufferAddLit(&buf, "</disks>\n");
    }
    if (def->dom) {
        char *xml = gvDomainDefFormat(def->dom, GV_DOMAIN_DEF_FORMAT_INACTIVE |
                                                    (secure ? GV_DOMAIN_DEF_FORMAT_SECURE : 0));
        g_auto(GStrv) lines = g_strsplit(xml, "\n", -1);
        size_t j;

        for (j = 0; lines[j] && lines[j][0]; j++)
            gvBufferAsprintf(&buf, "%s\n", lines[j]);
        for (j = 0; lines[j]; j++)
            explicit_bzero(lines[j], strlen(lines[j]));
        gvSecretFree(xml);
    }
    gvBufferAdjustIndent(&buf, -2);
    gvBufferAddLit(&buf, "</domainsnapshot>\n");
    return gvBufferContentAndReset(&buf);
}
