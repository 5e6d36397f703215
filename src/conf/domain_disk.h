/*
 * domain_disk.h: <devices>/<disk>
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "domain_address.h"
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
    GV_DOMAIN_DISK_DEVICE_FLOPPY,
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
    GV_DOMAIN_DISK_BUS_SCSI,
    GV_DOMAIN_DISK_BUS_USB,
    GV_DOMAIN_DISK_BUS_FDC,
    GV_DOMAIN_DISK_BUS_LAST
} gvDomainDiskBus;
GV_ENUM_DECL(gvDomainDiskBus);

typedef enum {
    GV_DOMAIN_DISK_CACHE_DEFAULT = 0,
    GV_DOMAIN_DISK_CACHE_NONE,
    GV_DOMAIN_DISK_CACHE_WRITETHROUGH,
    GV_DOMAIN_DISK_CACHE_WRITEBACK,
    GV_DOMAIN_DISK_CACHE_DIRECTSYNC,
    GV_DOMAIN_DISK_CACHE_UNSAFE,
    GV_DOMAIN_DISK_CACHE_LAST
} gvDomainDiskCache;
GV_ENUM_DECL(gvDomainDiskCache);

typedef enum {
    GV_DOMAIN_DISK_IO_DEFAULT = 0,
    GV_DOMAIN_DISK_IO_NATIVE,
    GV_DOMAIN_DISK_IO_THREADS,
    GV_DOMAIN_DISK_IO_URING,
    GV_DOMAIN_DISK_IO_LAST
} gvDomainDiskIO;
GV_ENUM_DECL(gvDomainDiskIO);

typedef enum {
    GV_DOMAIN_DISK_DISCARD_DEFAULT = 0,
    GV_DOMAIN_DISK_DISCARD_UNMAP,
    GV_DOMAIN_DISK_DISCARD_IGNORE,
    GV_DOMAIN_DISK_DISCARD_LAST
} gvDomainDiskDiscard;
GV_ENUM_DECL(gvDomainDiskDiscard);

typedef enum {
    GV_DOMAIN_DISK_DETECT_ZEROES_DEFAULT = 0,
    GV_DOMAIN_DISK_DETECT_ZEROES_OFF,
    GV_DOMAIN_DISK_DETECT_ZEROES_ON,
    GV_DOMAIN_DISK_DETECT_ZEROES_UNMAP,
    GV_DOMAIN_DISK_DETECT_ZEROES_LAST
} gvDomainDiskDetectZeroes;
GV_ENUM_DECL(gvDomainDiskDetectZeroes);

#define GV_DOMAIN_DISK_SERIAL_MAX 36

typedef struct {
    gvDomainDiskType type;
    gvDomainDiskDevice device;
    gvDomainDiskFormat format; /* <driver name='qemu' type='...'/> */
    char *src; /* <source file=|dev=> */
    char *dst; /* <target dev=> */
    gvDomainDiskBus bus; /* <target bus=> */
    bool readonly;
    bool shareable;
    gvDomainDiskCache cache;
    gvDomainDiskIO io;
    gvDomainDiskDiscard discard;
    gvDomainDiskDetectZeroes detectZeroes;
    char *serial; /* <serial> */
    gvDomainDeviceInfo info;
} gvDomainDiskDef;

void gvDomainDiskDefFree(gvDomainDiskDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainDiskDef, gvDomainDiskDefFree)

gvDomainDiskDef *gvDomainDiskDefParseXML(xmlNodePtr node, GError **error);
void gvDomainDiskDefFormat(gvBuffer *buf, const gvDomainDiskDef *def);
int gvDomainDiskDefPostParse(gvDomainDiskDef *def, GError **error);
int gvDomainDiskDefValidate(const gvDomainDiskDef *def, GError **error);

/* "vdb" -> 1, "sdaa" -> 26, "fdb" -> 1; -1 when @dst is not prefix + letters */
int gvDomainDiskIndexFromName(const char *dst);
