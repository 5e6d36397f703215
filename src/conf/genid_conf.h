/*
 * genid_conf.h: the VM Generation ID device, <devices>/<genid>
 *
 *   <genid model='vmgenid'>
 *     <guid auto='yes'>4d3b1d4e-8f4c-4e1c-9f5a-2b7c1e0d9a11</guid>
 *   </genid>
 *
 * auto='yes': genvirt owns the value (generated at define, renewed on a
 * revert, a restore or a clone); auto='no': the user's value, never changed.
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "gvbuffer.h"
#include "gvenum.h"
#include "gvuuid.h"

typedef enum {
    GV_DOMAIN_GENID_MODEL_NONE = 0, /* absent: post-parse picks vmgenid */
    GV_DOMAIN_GENID_MODEL_VMGENID,
    GV_DOMAIN_GENID_MODEL_LAST
} gvDomainGenidModel;
GV_ENUM_DECL(gvDomainGenidModel);

typedef struct {
    gvDomainGenidModel model;
    gvTristateBool autoGen; /* ABSENT until post-parse */
    bool hasGuid;
    unsigned char guid[GV_UUID_BUFLEN];
} gvDomainGenidDef;

void gvDomainGenidDefFree(gvDomainGenidDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainGenidDef, gvDomainGenidDefFree)

/* <devices>/<genid> */
gvDomainGenidDef *gvDomainGenidDefParseXML(xmlNodePtr node, GError **error);
/* legacy libvirt form: <genid/> or <genid>UUID</genid> under <domain> */
gvDomainGenidDef *gvDomainGenidDefParseLegacyXML(xmlNodePtr node, GError **error);

/* @secure: include the GUID value (GV_DOMAIN_DEF_FORMAT_SECURE) */
void gvDomainGenidDefFormat(gvBuffer *buf, const gvDomainGenidDef *def, bool secure);

void gvDomainGenidDefPostParse(gvDomainGenidDef *def);
int gvDomainGenidDefValidate(const gvDomainGenidDef *def, GError **error);

/* Gives an auto='yes' device without a value a fresh GUID; 1 if it did. */
int gvDomainGenidDefEnsureGuid(gvDomainGenidDef *def, GError **error);
/* Replaces the value of an auto='yes' device; 0 and nothing done for auto='no'. */
int gvDomainGenidDefRegenerate(gvDomainGenidDef *def, GError **error);

gvDomainGenidDef *gvDomainGenidDefCopy(const gvDomainGenidDef *def);
