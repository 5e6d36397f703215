/*
 * qemu_renew.h: a new generation ID on demand (genvirsh domgenid --renew)
 *
 * "Restored from a backup" out of band (DESIGN.md 2.2): the user says the
 * machine went back in time behind genvirt's back.  A shut-off domain gets
 * a new GUID in its config now (the next start shows it).  A running one
 * cannot be told in place (QEMU cannot change the GUID of a running VM,
 * DESIGN.md 2.3), so it is refused unless GV_DOMAIN_GENID_RENEW_RESTART:
 * the guest is saved to a temporary image and restored from it with the
 * new value, so it sees the change without a reboot.
 */
#pragma once

#include "driver.h"

/* gvDomainGenidRenewFlags */
#define GV_DOMAIN_GENID_RENEW_RESTART (1 << 0)

int gvQemuDomainGenidRenew(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);
