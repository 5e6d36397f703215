/*
 * domain_chr.h: <devices>/<serial>, <console> and <channel>
 *
 * A running domain's pty has a path, the slave side QEMU opened
 * (/dev/pts/N).  It is live data, like the domain's id: the live XML shows
 * it as <source path='...'/> (and, on a <console>, as tty='...', which
 * `virsh ttyconsole` reads); inactive XML and configs never carry it, and an
 * inactive parse ignores it.  The paths of file and unix chardevs are config.
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "domain_address.h"
#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_CHR_TYPE_NONE = 0,
    GV_DOMAIN_CHR_TYPE_PTY,
    GV_DOMAIN_CHR_TYPE_FILE,
    GV_DOMAIN_CHR_TYPE_UNIX,
    GV_DOMAIN_CHR_TYPE_TCP,
    GV_DOMAIN_CHR_TYPE_NULL,
    GV_DOMAIN_CHR_TYPE_SPICEVMC,
    GV_DOMAIN_CHR_TYPE_LAST
} gvDomainChrType;
GV_ENUM_DECL(gvDomainChrType);

typedef enum {
    GV_DOMAIN_CHR_DEVICE_SERIAL = 0,
    GV_DOMAIN_CHR_DEVICE_CONSOLE,
    GV_DOMAIN_CHR_DEVICE_CHANNEL,
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

typedef enum {
    GV_DOMAIN_CHR_MODE_NONE = 0,
    GV_DOMAIN_CHR_MODE_BIND,
    GV_DOMAIN_CHR_MODE_CONNECT,
    GV_DOMAIN_CHR_MODE_LAST
} gvDomainChrMode;
GV_ENUM_DECL(gvDomainChrMode);

typedef enum {
    GV_DOMAIN_CHR_PROTOCOL_NONE = 0,
    GV_DOMAIN_CHR_PROTOCOL_RAW,
    GV_DOMAIN_CHR_PROTOCOL_TELNET,
    GV_DOMAIN_CHR_PROTOCOL_LAST
} gvDomainChrProtocol;
GV_ENUM_DECL(gvDomainChrProtocol);

typedef struct {
    gvDomainChrDevice device;
    gvDomainChrType type;
    /* <source>: path (file, unix; a pty's: live only), mode (unix, tcp), host and
     * service (tcp) */
    char *path;
    gvDomainChrMode mode;
    char *host;
    char *service;
    gvDomainChrProtocol protocol; /* tcp */
    char *logfile; /* <log file=>: a copy of the guest's output */
    gvTristateSwitch logappend; /* <log append=> */
    int port; /* <target port=>; -1 when absent (serial, console) */
    gvDomainChrConsoleTarget target; /* consoles only: <target type=> */
    char *name; /* channels: <target type='virtio' name=> */
    gvDomainDeviceInfo info; /* channels: the virtio-serial address */
} gvDomainChrDef;

void gvDomainChrDefFree(gvDomainChrDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainChrDef, gvDomainChrDefFree)

/* @inactive: ignore live-only data (the pty path) */
gvDomainChrDef *gvDomainChrDefParseXML(xmlNodePtr node, gvDomainChrDevice device, bool inactive,
                                       GError **error);
/* @inactive: leave out live-only data */
void gvDomainChrDefFormat(gvBuffer *buf, const gvDomainChrDef *def, bool inactive);
/* A copy of @src's host side (type and source) for the console that mirrors a serial */
void gvDomainChrSourceCopy(gvDomainChrDef *dst, const gvDomainChrDef *src);
bool gvDomainChrSourceEqual(const gvDomainChrDef *a, const gvDomainChrDef *b);
int gvDomainChrDefValidate(const gvDomainChrDef *def, GError **error);
