/*
 * qemu_interface.h: the host side of <interface type='bridge'|'ethernet'>
 */
#pragma once

#include "domain_conf.h"

/*
 * Opens a tap device for every bridge and ethernet interface of @def: a new
 * one attached to the bridge (type='bridge'), or the existing one named by
 * <target dev> (type='ethernet').  @fds gets one entry per interface, -1
 * for the others; on failure every fd opened is closed again.
 * Needs CAP_NET_ADMIN.
 */
int gvQemuInterfaceOpenTaps(const gvDomainDef *def, int *fds, GError **error);
void gvQemuInterfaceCloseTaps(int *fds, size_t n);
