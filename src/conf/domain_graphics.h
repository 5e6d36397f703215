/*
 * domain_graphics.h: <devices>/<graphics type='vnc'|'spice'>
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_GRAPHICS_TYPE_NONE = 0,
    GV_DOMAIN_GRAPHICS_TYPE_VNC,
    GV_DOMAIN_GRAPHICS_TYPE_SPICE,
    GV_DOMAIN_GRAPHICS_TYPE_LAST
} gvDomainGraphicsType;
GV_ENUM_DECL(gvDomainGraphicsType);

typedef enum {
    GV_DOMAIN_GRAPHICS_LISTEN_DEFAULT = 0, /* no <listen> given */
    GV_DOMAIN_GRAPHICS_LISTEN_ADDRESS,
    GV_DOMAIN_GRAPHICS_LISTEN_NONE,
    GV_DOMAIN_GRAPHICS_LISTEN_LAST
} gvDomainGraphicsListen;
GV_ENUM_DECL(gvDomainGraphicsListen);

typedef enum {
    GV_DOMAIN_SPICE_IMAGE_DEFAULT = 0,
    GV_DOMAIN_SPICE_IMAGE_AUTO_GLZ,
    GV_DOMAIN_SPICE_IMAGE_AUTO_LZ,
    GV_DOMAIN_SPICE_IMAGE_QUIC,
    GV_DOMAIN_SPICE_IMAGE_GLZ,
    GV_DOMAIN_SPICE_IMAGE_LZ,
    GV_DOMAIN_SPICE_IMAGE_OFF,
    GV_DOMAIN_SPICE_IMAGE_LAST
} gvDomainSpiceImage;
GV_ENUM_DECL(gvDomainSpiceImage);

#define GV_VNC_PORT_MIN 5900
/* the address QEMU listens on when the XML names none (libvirt's qemu.conf default) */
#define GV_GRAPHICS_LISTEN_DEFAULT "127.0.0.1"

typedef struct {
    gvDomainGraphicsType type;
    int port; /* -1: chosen at start; spice: 0 when absent */
    int tlsPort; /* spice: -1 chosen at start (genvirt has no TLS), 0 absent */
    gvTristateBool autoport;
    char *listen; /* an IP address, or NULL: GV_GRAPHICS_LISTEN_DEFAULT */
    gvDomainGraphicsListen listenType;
    char *passwd; /* a secret: formatted only with the SECURE flag */
    gvDomainSpiceImage image; /* spice <image compression=> */
} gvDomainGraphicsDef;

void gvDomainGraphicsDefFree(gvDomainGraphicsDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainGraphicsDef, gvDomainGraphicsDefFree)

gvDomainGraphicsDef *gvDomainGraphicsDefParseXML(xmlNodePtr node, GError **error);
void gvDomainGraphicsDefFormat(gvBuffer *buf, const gvDomainGraphicsDef *def, bool secure);
void gvDomainGraphicsDefPostParse(gvDomainGraphicsDef *def);
int gvDomainGraphicsDefValidate(const gvDomainGraphicsDef *def, GError **error);
