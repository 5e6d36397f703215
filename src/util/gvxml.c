/*
 * gvxml.c: safe XML parsing and strict, path-naming helpers
 */
#include <gvconfig.h>

#include <malloc.h>
#include <string.h>
#include <libxml/relaxng.h>

#include "gverror.h"
#include "gvxml.h"

/* GLib's allocator is the C library's: malloc_usable_size applies */
static void
gvXMLSecureFree(void *p)
{
    if (!p)
        return;
    explicit_bzero(p, malloc_usable_size(p));
    g_free(p);
}

static void *
gvXMLSecureMalloc(size_t n)
{
    return g_try_malloc(n);
}

/* Never in place: the old block is wiped and freed, what it held copied */
static void *
gvXMLSecureRealloc(void *p, size_t n)
{
    size_t old;
    void *q;

    if (!p)
        return g_try_malloc(n);
    if (!(q = g_try_malloc(n)))
        return NULL;
    old = malloc_usable_size(p);
    memcpy(q, p, MIN(old, n));
    gvXMLSecureFree(p);
    return q;
}

static char *
gvXMLSecureStrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = g_try_malloc(n);

    if (d)
        memcpy(d, s, n);
    return d;
}

void
gvXMLInitSecureMemory(void)
{
    (void)xmlMemSetup(gvXMLSecureFree, gvXMLSecureMalloc, gvXMLSecureRealloc, gvXMLSecureStrdup);
}

typedef struct {
    bool sawDoctype;
    int doctypeLine;
} gvXMLParseState;

static void
gvXMLRefuseInternalSubset(void *opaque, const xmlChar *name, const xmlChar *externalID,
                          const xmlChar *systemID)
{
    xmlParserCtxtPtr ctxt = opaque;
    gvXMLParseState *state = ctxt->_private;

    state->sawDoctype = true;
    state->doctypeLine = xmlSAX2GetLineNumber(ctxt);
    xmlStopParser(ctxt);
}

static void
gvXMLIgnoreError(void *opaque, xmlErrorPtr err)
{
    /* errors are picked up from the context after the parse */
}

xmlDocPtr
gvXMLParseString(const char *xml, gssize len, const char *what, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlParserCtxtPtr ctxt = NULL;
    gvXMLParseState state = { 0 };
    size_t n;

    if (!xml) {
        gvReportError(error, GV_ERR_XML_ERROR, "no %s given", what);
        return NULL;
    }
    n = len < 0 ? strnlen(xml, (size_t)GV_XML_MAX_LEN + 1) : (size_t)len;
    if (n > GV_XML_MAX_LEN) {
        gvReportError(error, GV_ERR_XML_ERROR, "%s is larger than the limit of %d bytes", what,
                      GV_XML_MAX_LEN);
        return NULL;
    }
    if (n == 0) {
        gvReportError(error, GV_ERR_XML_ERROR, "%s is empty", what);
        return NULL;
    }

    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "cannot create an XML parser context");
        return NULL;
    }
    ctxt->_private = &state;
    ctxt->sax->internalSubset = gvXMLRefuseInternalSubset;
    xmlSetStructuredErrorFunc(NULL, gvXMLIgnoreError);

    doc = xmlCtxtReadMemory(ctxt, xml, (int)n, what, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                XML_PARSE_NOCDATA);
    xmlSetStructuredErrorFunc(NULL, NULL);

    if (state.sawDoctype) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "%s line %d: a DOCTYPE is not allowed (no DTDs and no entities)", what,
                      state.doctypeLine);
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    if (!doc || !ctxt->wellFormed) {
        const xmlError *err = &ctxt->lastError;
        g_autofree char *msg = g_strdup(err->message ? err->message : "not well-formed");

        g_strchomp(msg);
        gvReportError(error, GV_ERR_XML_ERROR, "%s line %d: %s", what, err->line, msg);
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    xmlFreeParserCtxt(ctxt);
    if (!xmlDocGetRootElement(doc)) {
        gvReportError(error, GV_ERR_XML_ERROR, "%s has no root element", what);
        return NULL;
    }
    return g_steal_pointer(&doc);
}

static const char *
gvXMLNodeName(xmlNodePtr node)
{
    return (const char *)node->name;
}

char *
gvXMLNodePath(xmlNodePtr node)
{
    g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);
    GString *out = g_string_new(NULL);
    xmlNodePtr cur;
    guint i;

    for (cur = node; cur && cur->type == XML_ELEMENT_NODE; cur = cur->parent) {
        xmlNodePtr sib;
        bool others = false;

        if (cur->parent && cur->parent->type != XML_ELEMENT_NODE && cur != node)
            break; /* the root element is left out of paths below it */
        for (sib = cur->parent ? cur->parent->children : NULL; sib; sib = sib->next) {
            if (sib != cur && sib->type == XML_ELEMENT_NODE &&
                g_str_equal(gvXMLNodeName(sib), gvXMLNodeName(cur))) {
                others = true;
                break;
            }
        }
        if (others) {
            /* 1-based index among same-named siblings */
            unsigned int idx = 1;

            for (sib = cur->prev; sib; sib = sib->prev) {
                if (sib->type == XML_ELEMENT_NODE &&
                    g_str_equal(gvXMLNodeName(sib), gvXMLNodeName(cur)))
                    idx++;
            }
            g_ptr_array_add(parts, g_strdup_printf("<%s>[%u]", gvXMLNodeName(cur), idx));
        } else {
            g_ptr_array_add(parts, g_strdup_printf("<%s>", gvXMLNodeName(cur)));
        }
    }
    for (i = parts->len; i > 0; i--) {
        if (i != parts->len)
            g_string_append_c(out, '/');
        g_string_append(out, g_ptr_array_index(parts, i - 1));
    }
    return g_string_free(out, FALSE);
}

static bool
gvXMLIsBlank(const char *s)
{
    for (; *s; s++) {
        if (!g_ascii_isspace(*s))
            return false;
    }
    return true;
}

int
gvXMLCheckNode(xmlNodePtr node, const char *const *attrs, const gvXMLChildSpec *children, bool text,
               GError **error)
{
    xmlAttrPtr attr;
    xmlNodePtr child;
    g_autofree unsigned int *counts = NULL;
    size_t nchildren = 0;

    while (children && children[nchildren].name)
        nchildren++;
    counts = g_new0(unsigned int, nchildren + 1);

    for (attr = node->properties; attr; attr = attr->next) {
        const char *name = (const char *)attr->name;
        bool known = false;
        size_t i;

        for (i = 0; attrs && attrs[i]; i++) {
            if (g_str_equal(attrs[i], name)) {
                known = true;
                break;
            }
        }
        if (!known || attr->ns) {
            g_autofree char *path = gvXMLNodePath(node);

            gvReportError(error, GV_ERR_XML_ERROR, "unknown attribute '%s%s%s' of %s",
                          attr->ns && attr->ns->prefix ? (const char *)attr->ns->prefix : "",
                          attr->ns && attr->ns->prefix ? ":" : "", name, path);
            return -1;
        }
    }

    for (child = node->children; child; child = child->next) {
        switch (child->type) {
        case XML_ELEMENT_NODE: {
            const char *name = gvXMLNodeName(child);
            size_t i;
            bool known = false;

            for (i = 0; i < nchildren && !child->ns; i++) {
                if (g_str_equal(children[i].name, name)) {
                    known = true;
                    counts[i]++;
                    if (children[i].max != 0 && counts[i] > children[i].max) {
                        g_autofree char *path = gvXMLNodePath(node);

                        if (children[i].max == 1)
                            gvReportError(error, GV_ERR_XML_ERROR,
                                          "element <%s> can only appear once in %s", name, path);
                        else
                            gvReportError(error, GV_ERR_XML_ERROR,
                                          "element <%s> can appear at most %u times in %s", name,
                                          children[i].max, path);
                        return -1;
                    }
                    break;
                }
            }
            if (!known) {
                g_autofree char *path = gvXMLNodePath(node);

                gvReportError(error, GV_ERR_XML_ERROR, "unknown element <%s%s%s> in %s",
                              child->ns && child->ns->prefix ? (const char *)child->ns->prefix : "",
                              child->ns && child->ns->prefix ? ":" : "", name, path);
                return -1;
            }
            break;
        }
        case XML_TEXT_NODE:
            if (!text && child->content && !gvXMLIsBlank((const char *)child->content)) {
                g_autofree char *path = gvXMLNodePath(node);
                g_autofree char *snippet = g_strstrip(g_strndup((const char *)child->content, 40));

                gvReportError(error, GV_ERR_XML_ERROR, "unexpected text '%s' in %s", snippet, path);
                return -1;
            }
            break;
        case XML_COMMENT_NODE:
        case XML_PI_NODE:
            break;
        case XML_ATTRIBUTE_NODE:
        case XML_CDATA_SECTION_NODE:
        case XML_ENTITY_REF_NODE:
        case XML_ENTITY_NODE:
        case XML_DOCUMENT_NODE:
        case XML_DOCUMENT_TYPE_NODE:
        case XML_DOCUMENT_FRAG_NODE:
        case XML_NOTATION_NODE:
        case XML_HTML_DOCUMENT_NODE:
        case XML_DTD_NODE:
        case XML_ELEMENT_DECL:
        case XML_ATTRIBUTE_DECL:
        case XML_ENTITY_DECL:
        case XML_NAMESPACE_DECL:
        case XML_XINCLUDE_START:
        case XML_XINCLUDE_END:
#ifdef LIBXML_DOCB_ENABLED
        case XML_DOCB_DOCUMENT_NODE:
#endif
        default: {
            g_autofree char *path = gvXMLNodePath(node);

            gvReportError(error, GV_ERR_XML_ERROR, "unsupported XML content (node type %d) in %s",
                          (int)child->type, path);
            return -1;
        }
        }
    }
    return 0;
}

xmlNodePtr
gvXMLNodeGetChild(xmlNodePtr node, const char *name)
{
    xmlNodePtr child;

    for (child = node->children; child; child = child->next) {
        if (child->type == XML_ELEMENT_NODE && !child->ns &&
            g_str_equal(gvXMLNodeName(child), name))
            return child;
    }
    return NULL;
}

int
gvXMLPropString(xmlNodePtr node, const char *name, unsigned int flags, char **out, GError **error)
{
    g_autoptr(xmlChar) val = xmlGetNoNsProp(node, (const xmlChar *)name);

    if (!val) {
        if (flags & GV_XML_PROP_REQUIRED) {
            g_autofree char *path = gvXMLNodePath(node);

            gvReportError(error, GV_ERR_XML_ERROR, "missing attribute '%s' of %s", name, path);
            return -1;
        }
        return 0;
    }
    if ((flags & GV_XML_PROP_NONZERO) && val[0] == '\0') {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "empty value for attribute '%s' of %s", name, path);
        return -1;
    }
    *out = g_strdup((const char *)val);
    return 1;
}

static void
gvXMLReportInvalidProp(xmlNodePtr node, const char *name, const char *value, const char *expected,
                       GError **error)
{
    g_autofree char *path = gvXMLNodePath(node);

    gvReportError(error, GV_ERR_XML_ERROR,
                  "invalid value '%s' for attribute '%s' of %s: expected %s", value, name, path,
                  expected);
}

int
gvXMLPropEnum(xmlNodePtr node, const char *name, int (*fromString)(const char *),
              unsigned int flags, int *out, GError **error)
{
    g_autofree char *val = NULL;
    int rc;
    int v;

    if ((rc = gvXMLPropString(node, name, flags & GV_XML_PROP_REQUIRED, &val, error)) <= 0)
        return rc;
    v = fromString(val);
    if (v < 0 || ((flags & GV_XML_PROP_NONZERO) && v == 0)) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "unknown value '%s' for attribute '%s' of %s", val,
                      name, path);
        return -1;
    }
    *out = v;
    return 1;
}

int
gvXMLPropUInt(xmlNodePtr node, const char *name, unsigned int flags, unsigned int *out,
              GError **error)
{
    g_autofree char *val = NULL;
    guint64 v;
    int rc;

    if ((rc = gvXMLPropString(node, name, flags & GV_XML_PROP_REQUIRED, &val, error)) <= 0)
        return rc;
    if (!g_ascii_string_to_unsigned(val, 10, (flags & GV_XML_PROP_NONZERO) ? 1 : 0, G_MAXUINT, &v,
                                    NULL)) {
        gvXMLReportInvalidProp(
            node, name, val,
            (flags & GV_XML_PROP_NONZERO) ? "a positive integer" : "an unsigned integer", error);
        return -1;
    }
    *out = (unsigned int)v;
    return 1;
}

int
gvXMLPropInt(xmlNodePtr node, const char *name, unsigned int flags, int *out, GError **error)
{
    g_autofree char *val = NULL;
    gint64 v;
    int rc;

    if ((rc = gvXMLPropString(node, name, flags & GV_XML_PROP_REQUIRED, &val, error)) <= 0)
        return rc;
    if (!g_ascii_string_to_signed(val, 10, G_MININT, G_MAXINT, &v, NULL) ||
        ((flags & GV_XML_PROP_NONZERO) && v == 0)) {
        gvXMLReportInvalidProp(node, name, val, "an integer", error);
        return -1;
    }
    *out = (int)v;
    return 1;
}

int
gvXMLPropTristateBool(xmlNodePtr node, const char *name, unsigned int flags, gvTristateBool *out,
                      GError **error)
{
    g_autofree char *val = NULL;
    int rc;

    if ((rc = gvXMLPropString(node, name, flags & GV_XML_PROP_REQUIRED, &val, error)) <= 0)
        return rc;
    if (g_str_equal(val, "yes")) {
        *out = GV_TRISTATE_BOOL_YES;
    } else if (g_str_equal(val, "no")) {
        *out = GV_TRISTATE_BOOL_NO;
    } else {
        gvXMLReportInvalidProp(node, name, val, "'yes' or 'no'", error);
        return -1;
    }
    return 1;
}

int
gvXMLPropTristateSwitch(xmlNodePtr node, const char *name, unsigned int flags,
                        gvTristateSwitch *out, GError **error)
{
    g_autofree char *val = NULL;
    int rc;

    if ((rc = gvXMLPropString(node, name, flags & GV_XML_PROP_REQUIRED, &val, error)) <= 0)
        return rc;
    if (g_str_equal(val, "on")) {
        *out = GV_TRISTATE_SWITCH_ON;
    } else if (g_str_equal(val, "off")) {
        *out = GV_TRISTATE_SWITCH_OFF;
    } else {
        gvXMLReportInvalidProp(node, name, val, "'on' or 'off'", error);
        return -1;
    }
    return 1;
}

int
gvXMLPropLongLong(xmlNodePtr node, const char *name, unsigned int flags, long long min,
                  long long max, long long *out, GError **error)
{
    g_autofree char *val = NULL;
    g_autofree char *expected = NULL;
    gint64 v;
    int rc;

    if ((rc = gvXMLPropString(node, name, flags & GV_XML_PROP_REQUIRED, &val, error)) <= 0)
        return rc;
    /* decimal digits only, an optional '-': no '+', no spaces, no hex */
    if (!g_ascii_isdigit(val[val[0] == '-' ? 1 : 0]) ||
        !g_ascii_string_to_signed(val, 10, min, max, &v, NULL)) {
        expected = g_strdup_printf("an integer from %lld to %lld", min, max);
        gvXMLReportInvalidProp(node, name, val, expected, error);
        return -1;
    }
    *out = v;
    return 1;
}

char *
gvXMLNodeContent(xmlNodePtr node, bool trim)
{
    g_autoptr(xmlChar) content = xmlNodeGetContent(node);
    char *ret = g_strdup(content ? (const char *)content : "");

    if (trim)
        g_strstrip(ret);
    return ret;
}

int
gvXMLNodeContentULongLong(xmlNodePtr node, unsigned long long max, unsigned long long *out,
                          GError **error)
{
    g_autofree char *val = gvXMLNodeContent(node, true);
    guint64 v;

    if (!g_ascii_string_to_unsigned(val, 10, 0, max, &v, NULL)) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid value '%s' in %s: expected an unsigned integer of at most %llu", val,
                      path, max);
        return -1;
    }
    *out = v;
    return 0;
}

typedef struct {
    GString *msg;
} gvXMLSchemaErrors;

static void
gvXMLSchemaError(void *opaque, xmlErrorPtr err)
{
    gvXMLSchemaErrors *errs = opaque;
    g_autofree char *msg = NULL;

    if (!err || !err->message || errs->msg->len > 4096)
        return;
    msg = g_strchomp(g_strdup(err->message));
    if (errs->msg->len > 0)
        g_string_append(errs->msg, "; ");
    if (err->node)
        g_string_append_printf(errs->msg, "%s (line %ld)", msg,
                               xmlGetLineNo((xmlNodePtr)err->node));
    else
        g_string_append(errs->msg, msg);
}

int
gvXMLValidateSchema(xmlDocPtr doc, const char *schemaPath, GError **error)
{
    xmlRelaxNGParserCtxtPtr pctxt = NULL;
    xmlRelaxNGPtr schema = NULL;
    xmlRelaxNGValidCtxtPtr vctxt = NULL;
    gvXMLSchemaErrors errs = { g_string_new(NULL) };
    int ret = -1;

    pctxt = xmlRelaxNGNewParserCtxt(schemaPath);
    if (!pctxt) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "cannot read schema '%s'", schemaPath);
        goto cleanup;
    }
    xmlRelaxNGSetParserStructuredErrors(pctxt, gvXMLSchemaError, &errs);
    schema = xmlRelaxNGParse(pctxt);
    if (!schema) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "cannot parse schema '%s': %s", schemaPath,
                      errs.msg->str);
        goto cleanup;
    }
    vctxt = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(vctxt, gvXMLSchemaError, &errs);
    if (xmlRelaxNGValidateDoc(vctxt, doc) != 0) {
        gvReportError(error, GV_ERR_XML_INVALID_SCHEMA, "%s",
                      errs.msg->len ? errs.msg->str : "document does not match the schema");
        goto cleanup;
    }
    ret = 0;

cleanup:
    if (vctxt)
        xmlRelaxNGFreeValidCtxt(vctxt);
    if (schema)
        xmlRelaxNGFree(schema);
    if (pctxt)
        xmlRelaxNGFreeParserCtxt(pctxt);
    g_string_free(errs.msg, TRUE);
    return ret;
}

typedef struct {
    const char *unit;
    unsigned int power; /* of 1024 or of 1000 */
    bool decimal;
} gvXMLSizeUnit;

static const gvXMLSizeUnit gvXMLSizeUnits[] = {
    { "b", 0, false },   { "bytes", 0, false }, { "KB", 1, true },   { "k", 1, false },
    { "KiB", 1, false }, { "MB", 2, true },     { "M", 2, false },   { "MiB", 2, false },
    { "GB", 3, true },   { "G", 3, false },     { "GiB", 3, false }, { "TB", 4, true },
    { "T", 4, false },   { "TiB", 4, false },   { "PB", 5, true },   { "P", 5, false },
    { "PiB", 5, false }, { "EB", 6, true },     { "E", 6, false },   { "EiB", 6, false },
};

int
gvXMLUnitScale(xmlNodePtr node, const char *unit, unsigned int maxPower, unsigned long long *scale,
               GError **error)
{
    g_autofree char *path = NULL;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(gvXMLSizeUnits); i++) {
        const gvXMLSizeUnit *u = &gvXMLSizeUnits[i];

        if (u->power <= maxPower && g_str_equal(u->unit, unit)) {
            unsigned long long base = u->decimal ? 1000 : 1024;
            unsigned int p;

            *scale = 1;
            for (p = 0; p < u->power; p++)
                *scale *= base;
            return 0;
        }
    }
    path = gvXMLNodePath(node);
    gvReportError(error, GV_ERR_XML_ERROR,
                  "unknown value '%s' for attribute 'unit' of %s: expected %s", unit, path,
                  maxPower >= 6 ? "b, bytes, k, KiB, M, MiB, G, GiB, T, TiB, P, PiB, E, EiB, KB, "
                                  "MB, GB, TB, PB or EB"
                                : "b, bytes, k, KiB, M, MiB, G, GiB, T, TiB, KB, MB, GB or TB");
    return -1;
}
