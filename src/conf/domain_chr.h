/*
 * domain_chr.h: <devices>/<serial> and <devices>/<console> (pty)
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_CHR_TYPE_NONE = 0,
    GV_DOMAIN_CHR_TYPE_PTY,
    GV_DOMAIN_CHR_TYPE_LAST
} gvDomainChrType;
GV_ENUM_DECL(gvDomainChrType);

typedef enum {
    GV_DOMAIN_CHR_DEVICE_SERIAL = 0,
    GV_DOMAIN_CHR_DEVICE_CONSOLE,
    GV_DOMAIN_CHR_DEVICE_LAST
} gvDomainChrDevice;
GV_ENUM_DECL(gvDomainChrDevice);

typedef enum {
    GV_DOMAIN_CHR_CONSOLE_TARGET_NONE = 0,
    GV_DOMAIN_CHR_CONSOLE_TARGET_SERIAL,
    GV_DOMAIN_CHR_CONSOLE_TARGET_VIRTIO,
    GV_DOMAIN_CHR_CONSOLE_TARGET_LAST
} gvDomainChrConsoleTarget;
GV_ENUM_DECL(gvDomainChrConsoleTarget);

typedef struct {
    gvDomainChrDevice device;
    gvDomainChrType type;
    int port; /* <target port=>; -1 when absent */
    gvDomainChrConsoleTarget target; /* consoles only: <target type=> */
} gvDomainChrDef;

void gvDomainChrDefFree(gvDomainChrDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainChrDef, gvDomainChrDefFree)

gvDomainChrDef *gvDomainChrDefParseXML(xmlNodePtr node, gvDomainChrDevice device, GError **error);
void gvDomainChrDefFormat(gvBuffer *buf, const gvDomainChrDef *def);
