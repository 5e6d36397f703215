/*
 * domain_disk.h: <devices>/<disk>
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_DISK_TYPE_NONE = 0,
    GV_DOMAIN_DISK_TYPE_FILE,
    GV_DOMAIN_DISK_TYPE_BLOCK,
    GV_DOMAIN_DISK_TYPE_LAST
} gvDomainDiskType;
GV_ENUM_DECL(gvDomainDiskType);

typedef enum {
    GV_DOMAIN_DISK_DEVICE_NONE = 0,
    GV_DOMAIN_DISK_DEVICE_DISK,
    GV_DOMAIN_DISK_DEVICE_CDROM,
    GV_DOMAIN_DISK_DEVICE_LAST
} gvDomainDiskDevice;
GV_ENUM_DECL(gvDomainDiskDevice);

typedef enum {
    GV_DOMAIN_DISK_FORMAT_NONE = 0,
    GV_DOMAIN_DISK_FORMAT_RAW,
    GV_DOMAIN_DISK_FORMAT_QCOW2,
    GV_DOMAIN_DISK_FORMAT_LAST
} gvDomainDiskFormat;
GV_ENUM_DECL(gvDomainDiskFormat);

typedef enum {
    GV_DOMAIN_DISK_BUS_NONE = 0,
    GV_DOMAIN_DISK_BUS_VIRTIO,
    GV_DOMAIN_DISK_BUS_SATA,
    GV_DOMAIN_DISK_BUS_IDE,
    GV_DOMAIN_DISK_BUS_LAST
} gvDomainDiskBus;
GV_ENUM_DECL(gvDomainDiskBus);

typedef struct {
    gvDomainDiskType type;
    gvDomainDiskDevice device;
    gvDomainDiskFormat format; /* <driver name='qemu' type='...'/> */
    char *src; /* <source file=|dev=> */
    char *dst; /* <target dev=> */
    gvDomainDiskBus bus; /* <target bus=> */
    bool readonly;
} gvDomainDiskDef;

void gvDomainDiskDefFree(gvDomainDiskDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainDiskDef, gvDomainDiskDefFree)

gvDomainDiskDef *gvDomainDiskDefParseXML(xmlNodePtr node, GError **error);
void gvDomainDiskDefFormat(gvBuffer *buf, const gvDomainDiskDef *def);
int gvDomainDiskDefPostParse(gvDomainDiskDef *def, GError **error);
int gvDomainDiskDefValidate(const gvDomainDiskDef *def, GError **error);

/* "vdb" -> 1, "sdaa" -> 26; -1 when @dst is not prefix + letters */
int gvDomainDiskIndexFromName(const char *dst);
