/*
 * domain_capabilities.h: the <domainCapabilities> document of
 * CONNECT_GET_DOMAIN_CAPABILITIES
 *
 * What a domain of one (emulator, arch, machine, domain type) may use, in
 * libvirt 9.0's format (domaincaps.rng).  Honest: it lists only what
 * genvirt's domain XML accepts, with the enum values taken from the conf
 * layer's own tables, so the lists grow with them.  Pure.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "domain_conf.h"
#include "qemu_capabilities.h"
#include "qemu_firmware.h"

typedef struct {
    const char *emulator;
    gvArch arch;
    const gvQemuCaps *caps;
    const gvQemuMachine *machine; /* resolved: never an alias */
    gvDomainVirtType virtType;
    unsigned int maxVcpus;
    /* what <cpu mode='host-model'/> becomes (gvQemuCPUHostModel); NULL: not supported */
    const gvDomainCPUDef *hostModel;
    const GPtrArray *firmware; /* gvQemuFirmware descriptors (gvQemuFirmwareLoadAll), or NULL */
} gvDomainCapsInput;

char *gvDomainCapsFormat(const gvDomainCapsInput *in);
