/*
 * gvxml.h: safe XML parsing and strict, path-naming helpers
 */
#pragma once

#include <stdbool.h>
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "gvenum.h"

/*
 * Makes libxml2 wipe every block it frees or outgrows (xmlMemSetup): a
 * parsed domain XML holds the GUID in its nodes and its parser buffers.
 * Call once, first thing in main, before libxml2 allocates anything.
 */
void gvXMLInitSecureMemory(void);

/* The largest XML document we accept, checked before parsing. */
#define GV_XML_MAX_LEN (10 * 1024 * 1024)

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlChar, xmlFree)

/*
 * Parses @xml (of @len bytes, or up to its NUL when @len is -1) with network
 * access off, entities never substituted and any DOCTYPE refused, so neither
 * external entities nor an entity expansion bomb can get through.
 * @what names the document in messages ("domain XML").
 */
xmlDocPtr gvXMLParseString(const char *xml, gssize len, const char *what, GError **error);

/* "<devices>/<disk>[2]/<target>": where @node is, for messages. */
char *gvXMLNodePath(xmlNodePtr node);

/* One allowed child: @name, and @max occurrences (0 = any number). */
typedef struct {
    const char *name;
    unsigned int max;
} gvXMLChildSpec;

/*
 * Rejects attributes not in @attrs (NULL-terminated, may be NULL), child
 * elements not in @children (terminated by a NULL name, may be NULL), too
 * many of one child, namespaced nodes and non-blank text when @text is false.
 */
int gvXMLCheckNode(xmlNodePtr node, const char *const *attrs, const gvXMLChildSpec *children,
                   bool text, GError **error);

/* First child element called @name, or NULL */
xmlNodePtr gvXMLNodeGetChild(xmlNodePtr node, const char *name);

typedef enum {
    GV_XML_PROP_NONE = 0,
    GV_XML_PROP_REQUIRED = 1 << 0, /* absent is an error */
    GV_XML_PROP_NONZERO = 1 << 1, /* the value 0 (or the enum's "none") is an error */
} gvXMLPropFlags;

/*
 * The attribute helpers return 1 when the attribute was found and parsed
 * (and write @out), 0 when it is absent (and leave @out alone), and -1
 * with @error set otherwise.
 */
int gvXMLPropString(xmlNodePtr node, const char *name, unsigned int flags, char **out,
                    GError **error);
int gvXMLPropEnum(xmlNodePtr node, const char *name, int (*fromString)(const char *),
                  unsigned int flags, int *out, GError **error);
int gvXMLPropUInt(xmlNodePtr node, const char *name, unsigned int flags, unsigned int *out,
                  GError **error);
int gvXMLPropInt(xmlNodePtr node, const char *name, unsigned int flags, int *out, GError **error);
int gvXMLPropTristateBool(xmlNodePtr node, const char *name, unsigned int flags,
                          gvTristateBool *out, GError **error);
/* 'on' or 'off' */
int gvXMLPropTristateSwitch(xmlNodePtr node, const char *name, unsigned int flags,
                            gvTristateSwitch *out, GError **error);
/* A signed decimal (leading '-' allowed), bounded by [@min, @max] */
int gvXMLPropLongLong(xmlNodePtr node, const char *name, unsigned int flags, long long min,
                      long long max, long long *out, GError **error);

/* The text content of @node; @trim strips surrounding white space. */
char *gvXMLNodeContent(xmlNodePtr node, bool trim);

/* Parses the text of @node as an unsigned decimal, bounded by @max. */
/*
 * The scale of libvirt's size unit @unit (b, bytes, k, KiB, KB, ... up to
 * powers of @maxPower: 4 for TiB, 6 for EiB), for the attribute 'unit' of
 * @node; an unknown unit is an error naming it, the node and the choices.
 */
int gvXMLUnitScale(xmlNodePtr node, const char *unit, unsigned int maxPower,
                   unsigned long long *scale, GError **error);

int gvXMLNodeContentULongLong(xmlNodePtr node, unsigned long long max, unsigned long long *out,
                              GError **error);

/* Validates @doc against the RelaxNG schema at @schemaPath. */
int gvXMLValidateSchema(xmlDocPtr doc, const char *schemaPath, GError **error);
