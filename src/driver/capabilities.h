/*
 * capabilities.h: the <capabilities> document of CONNECT_GET_CAPABILITIES
 *
 * Built from the host as host_info.c read it and from the probed QEMU
 * capabilities of each guest architecture, in libvirt 9.0's format
 * (capability.rng), so that virtinst, virt-manager, libvirt-dbus and
 * `virsh freecell --all` read it as they read libvirtd's.  Pure.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "domain_conf.h"
#include "host_info.h"
#include "qemu_capabilities.h"

typedef struct {
    gvArch arch;
    const char *emulator;
    const gvQemuCaps *caps;
} gvCapsGuest;

typedef struct {
    const char *arch; /* the host's, "x86_64" */
    const unsigned char *uuid; /* 16 bytes, or NULL */
    const gvHostInfo *host;
    const char *cpuModel; /* the host CPU as a model (what host-model resolves to), or NULL */
    bool kvm; /* guests may be of domain type kvm */
    const gvCapsGuest *guests;
    size_t nguests;
} gvCapsInput;

char *gvCapabilitiesFormat(const gvCapsInput *in);

/*
 * The machines of @caps in the order libvirt lists them: the default
 * first, then the others in QEMU's order; "none" left out.
 */
GPtrArray *gvCapabilitiesMachines(const gvQemuCaps *caps);
