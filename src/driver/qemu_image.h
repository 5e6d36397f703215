/*
 * qemu_image.h: what a disk's image file holds, read from the file itself
 *
 * Sizes as libvirt's virDomainGetBlockInfo reports them: capacity is what
 * the guest sees (a qcow2 image's virtual size, else the file's size),
 * allocation the bytes the host has allocated for the file (st_blocks),
 * physical the file's size.  A block device is allocated whole.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "domain_disk.h"

/* The size of a qcow2 header */
#define GV_QCOW2_HEADER_MIN 32

/* The virtual size a qcow2 header declares; false when @buf is not one */
bool gvQemuImageParseQcow2Size(const unsigned char *buf, size_t len, guint64 *size);

typedef struct {
    guint64 allocation;
    guint64 capacity;
    guint64 physical;
} gvBlockInfo;

int gvQemuImageGetInfo(const char *path, gvDomainDiskFormat format, gvBlockInfo *info,
                       GError **error);
