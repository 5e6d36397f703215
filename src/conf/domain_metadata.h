/*
 * domain_metadata.h: <metadata>, and the metadata API (title, description,
 * one element per namespace)
 *
 * <metadata> holds elements of other applications, one per namespace URI
 * (libosinfo's, Nova's, virt-manager's...).  genvirt keeps each verbatim:
 * its namespace URI and prefix, attributes, text and children, formatted
 * the way libvirt formats them (libxml2's dump, re-indented), so
 * define -> dumpxml -> define gives the same bytes and a migration carries
 * them unchanged.
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "gvbuffer.h"

/* libvirt's virDomainMetadataType values */
typedef enum {
    GV_DOMAIN_METADATA_DESCRIPTION = 0,
    GV_DOMAIN_METADATA_TITLE = 1,
    GV_DOMAIN_METADATA_ELEMENT = 2,
    GV_DOMAIN_METADATA_LAST
} gvDomainMetadataType;

#define GV_DOMAIN_METADATA_MAX_ELEMENTS 64

/*
 * @node is <metadata>.  *@out receives a new document whose root is a
 * <metadata> holding a copy of each child element (its namespaces declared
 * on it), ignorable white space removed.
 */
int gvDomainMetadataParseXML(xmlNodePtr node, xmlDocPtr *out, GError **error);
void gvDomainMetadataFormat(gvBuffer *buf, xmlDocPtr metadata);

/* The metadata API itself is gvDomainDefSetMetadata/gvDomainDefGetMetadata (domain_conf.h) */
