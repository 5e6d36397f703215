/*
 * domain_chr.h: <devices>/<serial> and <devices>/<console> (pty)
 *
 * A running domain's pty has a path, the slave side QEMU opened
 * (/dev/pts/N).  It is live data, like the domain's id: the live XML shows
 * it as <source path='...'/> (and, on a <console>, as tty='...', which
 * `virsh ttyconsole` reads); inactive XML and configs never carry it, and an
 * inactive parse ignores it.
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
    char *path; /* live only: the pty QEMU opened, or NULL */
} gvDomainChrDef;

void gvDomainChrDefFree(gvDomainChrDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainChrDef, gvDomainChrDefFree)

/* @inactive: ignore live-only data (the pty path) */
gvDomainChrDef *gvDomainChrDefParseXML(xmlNodePtr node, gvDomainChrDevice device, bool inactive,
                                       GError **error);
/* @inactive: leave out live-only data */
void gvDomainChrDefFormat(gvBuffer *buf, const gvDomainChrDef *def, bool inactive);
