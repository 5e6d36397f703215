/*
 * domain_lifecycle.h: <on_poweroff>, <on_reboot>, <on_crash> and <pm>
 */
#pragma once

#include <stdbool.h>
#include <glib.h>
#include <libxml/tree.h>

#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_LIFECYCLE_NONE = 0,
    GV_DOMAIN_LIFECYCLE_DESTROY,
    GV_DOMAIN_LIFECYCLE_RESTART,
    GV_DOMAIN_LIFECYCLE_PRESERVE,
    GV_DOMAIN_LIFECYCLE_RENAME_RESTART,
    GV_DOMAIN_LIFECYCLE_COREDUMP_DESTROY, /* on_crash only */
    GV_DOMAIN_LIFECYCLE_COREDUMP_RESTART, /* on_crash only */
    GV_DOMAIN_LIFECYCLE_LAST
} gvDomainLifecycleAction;
GV_ENUM_DECL(gvDomainLifecycle);

/* <on_NAME>ACTION</on_NAME>; @crash allows the coredump actions */
int gvDomainLifecycleParseXML(xmlNodePtr node, bool crash, gvDomainLifecycleAction *out,
                              GError **error);

/* <pm>: suspend-to-mem (S3) and suspend-to-disk (S4) */
typedef struct {
    gvTristateBool s3;
    gvTristateBool s4;
} gvDomainPMDef;

int gvDomainPMDefParseXML(xmlNodePtr node, gvDomainPMDef *pm, GError **error);
void gvDomainPMDefFormat(gvBuffer *buf, const gvDomainPMDef *pm);
