/*
 * domain_graphics.h: <devices>/<graphics type='vnc'>
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_GRAPHICS_TYPE_NONE = 0,
    GV_DOMAIN_GRAPHICS_TYPE_VNC,
    GV_DOMAIN_GRAPHICS_TYPE_LAST
} gvDomainGraphicsType;
GV_ENUM_DECL(gvDomainGraphicsType);

#define GV_VNC_PORT_MIN 5900

typedef struct {
    gvDomainGraphicsType type;
    int port; /* -1: chosen at start */
    gvTristateBool autoport;
    int livePort; /* live only: the autoport port QEMU listens on; 0: none */
    char *listen; /* an IP address; NULL until post-parse */
} gvDomainGraphicsDef;

void gvDomainGraphicsDefFree(gvDomainGraphicsDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainGraphicsDef, gvDomainGraphicsDefFree)

/*
 * With autoport='yes', a port is the one a running domain was given: live
 * data (like the domain's id), kept in livePort unless @inactive, shown by
 * the live XML, dropped by an inactive parse or format.
 */
gvDomainGraphicsDef *gvDomainGraphicsDefParseXML(xmlNodePtr node, bool inactive, GError **error);
void gvDomainGraphicsDefFormat(gvBuffer *buf, const gvDomainGraphicsDef *def, bool inactive);
void gvDomainGraphicsDefPostParse(gvDomainGraphicsDef *def);
int gvDomainGraphicsDefValidate(const gvDomainGraphicsDef *def, GError **error);
