/*
 * domain_metadata.c: <metadata>, and the metadata API
 */
#include <gvconfig.h>

#include <string.h>

#include <libxml/uri.h>

#include "domain_conf.h"
#include "gverror.h"
#include "gvxml.h"

static bool
gvXMLTextIsBlank(const xmlChar *s)
{
    for (; s && *s; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    }
    return true;
}

/*
 * Removes white-space-only text between elements, as libxml2 does when it
 * does not keep blanks (what libvirt parses with): an element that holds
 * real text keeps all of its text, and so does one with only white space.
 */
static void
gvDomainMetadataStripBlanks(xmlNodePtr node)
{
    xmlNodePtr cur;
    xmlNodePtr next;
    bool hasText = false;
    bool hasOther = false;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE)
            hasText = hasText || !gvXMLTextIsBlank(cur->content);
        else
            hasOther = true;
    }
    for (cur = node->children; cur; cur = next) {
        next = cur->next;
        if (cur->type == XML_ELEMENT_NODE) {
            gvDomainMetadataStripBlanks(cur);
        } else if (cur->type == XML_TEXT_NODE && !hasText && hasOther) {
            xmlUnlinkNode(cur);
            xmlFreeNode(cur);
        }
    }
}

static xmlNodePtr
gvDomainMetadataFindNs(xmlNodePtr root, const char *uri)
{
    xmlNodePtr cur;

    for (cur = root ? root->children : NULL; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && cur->ns && cur->ns->href &&
            g_str_equal((const char *)cur->ns->href, uri))
            return cur;
    }
    return NULL;
}

static xmlDocPtr
gvDomainMetadataNewDoc(void)
{
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");

    xmlDocSetRootElement(doc, xmlNewDocNode(doc, NULL, (const xmlChar *)"metadata", NULL));
    return doc;
}

int
gvDomainMetadataParseXML(xmlNodePtr node, xmlDocPtr *out, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree char *path = gvXMLNodePath(node);
    xmlNodePtr root;
    xmlNodePtr cur;
    unsigned int n = 0;

    if (node->properties) {
        gvReportError(error, GV_ERR_XML_ERROR, "unknown attribute '%s' of %s",
                      (const char *)node->properties->name, path);
        return -1;
    }
    doc = gvDomainMetadataNewDoc();
    root = xmlDocGetRootElement(doc);
    for (cur = node->children; cur; cur = cur->next) {
        xmlNodePtr copy;

        if (cur->type == XML_TEXT_NODE) {
            if (!gvXMLTextIsBlank(cur->content)) {
                g_autofree char *snippet = g_strstrip(g_strndup((const char *)cur->content, 40));

                gvReportError(error, GV_ERR_XML_ERROR, "unexpected text '%s' in %s", snippet, path);
                return -1;
            }
            continue;
        }
        if (cur->type == XML_COMMENT_NODE || cur->type == XML_PI_NODE)
            continue;
        if (cur->type != XML_ELEMENT_NODE) {
            gvReportError(error, GV_ERR_XML_ERROR, "unsupported XML content (node type %d) in %s",
                          (int)cur->type, path);
            return -1;
        }
        /* libvirt silently drops these; genvirt drops nothing */
        if (!cur->ns || !cur->ns->href || !cur->ns->href[0]) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "element <%s> in %s has no namespace: each element of <metadata> needs its own namespace",
                (const char *)cur->name, path);
            return -1;
        }
        if (gvDomainMetadataFindNs(root, (const char *)cur->ns->href)) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "namespace '%s' is used by two elements of %s: one element per namespace",
                          (const char *)cur->ns->href, path);
            return -1;
        }
        if (++n > GV_DOMAIN_METADATA_MAX_ELEMENTS) {
            gvReportError(error, GV_ERR_XML_ERROR, "more than %d elements in %s",
                          GV_DOMAIN_METADATA_MAX_ELEMENTS, path);
            return -1;
        }
        /* a copy without a parent declares the namespaces it uses on itself */
        if (!(copy = xmlDocCopyNode(cur, doc, 1))) {
            gvReportError(error, GV_ERR_INTERNAL_ERROR, "cannot copy %s", path);
            return -1;
        }
        xmlAddChild(root, copy);
        gvDomainMetadataStripBlanks(copy);
    }
    *out = g_steal_pointer(&doc);
    return 0;
}

/* libxml2's own dump, indented as libvirt indents it (2 spaces a level) */
static char *
gvDomainMetadataDump(xmlDocPtr doc, xmlNodePtr node, int level)
{
    xmlBufferPtr xmlbuf = xmlBufferCreate();
    char *ret;

    if (xmlNodeDump(xmlbuf, doc, node, level, 1) < 0) {
        xmlBufferFree(xmlbuf);
        return NULL;
    }
    ret = g_strdup((const char *)xmlBufferContent(xmlbuf));
    xmlBufferFree(xmlbuf);
    return ret;
}

void
gvDomainMetadataFormat(gvBuffer *buf, xmlDocPtr metadata)
{
    g_autofree char *dump = NULL;

    if (!metadata)
        return;
    dump = gvDomainMetadataDump(metadata, xmlDocGetRootElement(metadata), buf->indent / 2);
    if (!dump)
        return; /* out of memory in libxml2 */
    gvBufferAddLit(buf, dump);
    gvBufferAddLit(buf, "\n");
}

/* ---- the API ------------------------------------------------------------- */

/*
 * @node and the elements below it in namespace @old (or none) go into @ns,
 * and so do the attributes in @old
 */
static void
gvDomainMetadataSetNs(xmlNodePtr node, xmlNsPtr old, xmlNsPtr ns)
{
    xmlNodePtr cur;
    xmlAttrPtr attr;

    if (!node->ns || node->ns == old)
        xmlSetNs(node, ns);
    for (attr = node->properties; attr; attr = attr->next) {
        if (old && attr->ns == old)
            attr->ns = ns;
    }
    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE)
            gvDomainMetadataSetNs(cur, old, ns);
    }
}

/* Drops the declaration of @old from @node (nothing uses it any more) */
static void
gvDomainMetadataDropNsDef(xmlNodePtr node, xmlNsPtr old)
{
    xmlNsPtr *link;

    for (link = &node->nsDef; *link; link = &(*link)->next) {
        if (*link == old) {
            *link = old->next;
            old->next = NULL;
            xmlFreeNs(old);
            return;
        }
    }
}

static int
gvDomainMetadataSetElement(gvDomainDef *def, const char *value, const char *key, const char *uri,
                           GError **error)
{
    g_autoptr(xmlDoc) parsed = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    xmlURIPtr parsedUri;
    xmlNodePtr root;
    xmlNodePtr old;
    xmlNodePtr copy = NULL;

    if (!uri || !uri[0]) {
        gvReportError(error, GV_ERR_INVALID_ARG, "a metadata element needs a namespace URI");
        return -1;
    }
    if (!(parsedUri = xmlParseURI(uri))) {
        gvReportError(error, GV_ERR_INVALID_ARG, "invalid metadata namespace URI '%s'", uri);
        return -1;
    }
    xmlFreeURI(parsedUri);
    if (value) {
        xmlNsPtr ns;
        xmlNsPtr oldNs;
        xmlNodePtr proot;

        if (!key || xmlValidateNCName((const xmlChar *)key, 0) != 0) {
            gvReportError(error, GV_ERR_INVALID_ARG,
                          "invalid metadata namespace prefix '%s': expected an XML name",
                          key ? key : "");
            return -1;
        }
        if (!(parsed = gvXMLParseString(value, -1, "metadata element", error)))
            return -1;
        proot = xmlDocGetRootElement(parsed);
        /* the element's own namespace gives way to @uri, as in libvirt */
        oldNs = proot->ns;
        ns = xmlNewNs(proot, (const xmlChar *)uri, (const xmlChar *)key);
        gvDomainMetadataSetNs(proot, oldNs, ns);
        if (oldNs)
            gvDomainMetadataDropNsDef(proot, oldNs);
    }
    /* work on a copy: nothing changes on failure */
    doc = def->metadata ? xmlCopyDoc(def->metadata, 1) : gvDomainMetadataNewDoc();
    root = xmlDocGetRootElement(doc);
    if (parsed) {
        if (!(copy = xmlDocCopyNode(xmlDocGetRootElement(parsed), doc, 1))) {
            gvReportError(error, GV_ERR_INTERNAL_ERROR, "cannot copy the metadata element");
            return -1;
        }
        gvDomainMetadataStripBlanks(copy);
    }
    if ((old = gvDomainMetadataFindNs(root, uri))) {
        if (copy) {
            xmlReplaceNode(old, copy);
        } else {
            xmlUnlinkNode(old);
        }
        xmlFreeNode(old);
    } else if (copy) {
        xmlAddChild(root, copy);
    }
    if (def->metadata)
        xmlFreeDoc(def->metadata);
    def->metadata = g_steal_pointer(&doc);
    return 0;
}

int
gvDomainDefSetMetadata(gvDomainDef *def, int type, const char *value, const char *key,
                       const char *uri, GError **error)
{
    switch ((gvDomainMetadataType)type) {
    case GV_DOMAIN_METADATA_TITLE:
        if (value && strchr(value, '\n')) {
            gvReportError(error, GV_ERR_INVALID_ARG, "a domain title must not contain a newline");
            return -1;
        }
        g_free(def->title);
        def->title = value && value[0] ? g_strdup(value) : NULL;
        return 0;
    case GV_DOMAIN_METADATA_DESCRIPTION:
        g_free(def->description);
        def->description = value && value[0] ? g_strdup(value) : NULL;
        return 0;
    case GV_DOMAIN_METADATA_ELEMENT:
        return gvDomainMetadataSetElement(def, value, key, uri, error);
    case GV_DOMAIN_METADATA_LAST:
        break;
    }
    gvReportError(error, GV_ERR_INVALID_ARG, "unknown metadata type '%d'", type);
    return -1;
}

char *
gvDomainDefGetMetadata(const gvDomainDef *def, int type, const char *uri, GError **error)
{
    const char *text = NULL;
    xmlNodePtr node;

    switch ((gvDomainMetadataType)type) {
    case GV_DOMAIN_METADATA_TITLE:
        text = def->title;
        break;
    case GV_DOMAIN_METADATA_DESCRIPTION:
        text = def->description;
        break;
    case GV_DOMAIN_METADATA_ELEMENT:
        if (!uri || !uri[0]) {
            gvReportError(error, GV_ERR_INVALID_ARG, "a metadata element needs a namespace URI");
            return NULL;
        }
        if (def->metadata &&
            (node = gvDomainMetadataFindNs(xmlDocGetRootElement(def->metadata), uri))) {
            char *dump = gvDomainMetadataDump(def->metadata, node, 0);

            if (!dump)
                gvReportError(error, GV_ERR_INTERNAL_ERROR, "cannot format the metadata element");
            return dump;
        }
        break;
    case GV_DOMAIN_METADATA_LAST:
        gvReportError(error, GV_ERR_INVALID_ARG, "unknown metadata type '%d'", type);
        return NULL;
    }
    if (text)
        return g_strdup(text);
    gvReportError(error, GV_ERR_NO_DOMAIN_METADATA, "Requested metadata element is not present");
    return NULL;
}
