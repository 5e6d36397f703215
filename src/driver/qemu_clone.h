/*
 * qemu_clone.h: a copy of a machine with a generation of its own (genvirsh clone)
 *
 * The clone gets a new name, UUID, MAC addresses and genid GUID (DESIGN.md
 * 2.2: "clone: new for the clone"), and disks of its own: by default qcow2
 * overlays.  A base image two machines read must never be written again,
 * so the overlay mode puts the source on a fresh overlay of the same base
 * too (its config names the new file); that needs the source shut off and
 * without snapshots (they live in the base).  GV_DOMAIN_CLONE_COPY makes
 * full copies instead (qemu-img convert: the active layer only, so the
 * source's internal snapshots are not copied), of a shut-off or paused
 * source.  GV_DOMAIN_CLONE_REFLINK makes each new file a reflink of the
 * whole source file (FICLONE; its blocks shared until written, the same
 * format and backing file), then deletes the internal snapshots a qcow2
 * carries; on a file system without reflinks it fails naming the file and
 * the file system, never falling back to a copy; the same sources as for
 * a copy.  Read-only and shareable disks (CD-ROMs) are shared.  Every new
 * file is 0600 and fsync'ed, and the clone's config is written durably,
 * before the call returns; on failure the files made are removed.
 */
#pragma once

#include "driver.h"

/* gvDomainCloneFlags */
#define GV_DOMAIN_CLONE_COPY (1 << 0)
#define GV_DOMAIN_CLONE_REFLINK (1 << 1)

/*
 * @files: "TARGET=PATH" strings (the new file of the disk with <target
 * dev='TARGET'>), NULL-terminated or NULL.  Returns the clone, referenced.
 */
gvDomainObj *gvQemuDomainClone(gvDriver *drv, gvDomainObj *obj, const char *name,
                               const char *const *files, unsigned int flags, GError **error);
