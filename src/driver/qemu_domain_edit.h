/*
 * qemu_domain_edit.h: small edits of a domain: memory, vCPUs, its name
 *
 * Each runs under the domain's job.  A change of the persistent config is
 * made on a copy, validated like a define, written durably through the
 * config journal and only then installed.  A live change goes through QEMU
 * (the balloon, vCPU hot-plug) and is recorded in the status file, so a
 * daemon restart keeps it.
 */
#pragma once

#include "driver.h"

/*
 * virDomainSetMemoryFlags: @memory KiB, @flags GV_DOMAIN_AFFECT_* and
 * GV_DOMAIN_MEM_MAXIMUM.  Live only through a memory balloon.
 */
int gvQemuDomainSetMemoryFlags(gvDriver *drv, gvDomainObj *obj, guint64 memory, unsigned int flags,
                               GError **error);

/*
 * virDomainSetVcpusFlags: @flags GV_DOMAIN_AFFECT_* and GV_DOMAIN_VCPU_MAXIMUM.
 * Live: vCPUs are hot-plugged into the empty slots a domain booted with
 * fewer than its maximum has, and only hot-plugged ones are unplugged.
 */
int gvQemuDomainSetVcpusFlags(gvDriver *drv, gvDomainObj *obj, unsigned int nvcpus,
                              unsigned int flags, GError **error);

/*
 * virDomainRename of a shut-off persistent domain: its config is renamed
 * in one durable step, its autostart link and snapshots follow.
 */
int gvQemuDomainRename(gvDriver *drv, gvDomainObj *obj, const char *newName, unsigned int flags,
                       GError **error);
