/*
 * qemu_graphics.h: the ports of a running domain's displays
 *
 * A VNC or SPICE display with autoport='yes' gets the lowest free port from
 * 5900 up (drv->graphicsPorts: one range for both, as libvirt's) when QEMU
 * starts; QEMU is told that port, the live XML shows it, and it is released
 * when QEMU is gone.  Fixed ports are marked as taken while their domain
 * runs.  After a daemon restart the ports in
 * the status files (the live definitions) are taken again.
 */
#pragma once

#include "driver.h"

/* Gives @live's autoport displays their ports; on failure none is kept */
int gvQemuGraphicsAllocPorts(gvDriver *drv, gvDomainDef *live, GError **error);
/* The ports of @live are ours again (a reconnect) */
void gvQemuGraphicsReservePorts(gvDriver *drv, const gvDomainDef *live);
/* QEMU is gone: the ports of @live are free */
void gvQemuGraphicsReleasePorts(gvDriver *drv, gvDomainDef *live);
