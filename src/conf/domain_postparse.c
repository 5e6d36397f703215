/*
 * domain_postparse.c: the defaults a parsed <domain> gets
 *
 * Everything filled in here is formatted back out, so the output of
 * format(parse(x)) parses to the same bytes again.
 */
#include <gvconfig.h>

#include "domain_conf.h"
#include "gverror.h"

const char *
gvDomainDefDefaultEmulator(gvArch arch)
{
    switch ((gvArch)arch) {
    case GV_ARCH_I686:
        return "/usr/bin/qemu-system-i386";
    case GV_ARCH_NONE:
    case GV_ARCH_X86_64:
    case GV_ARCH_LAST:
        break;
    }
    return "/usr/bin/qemu-system-x86_64";
}

int
gvDomainDefPostParse(gvDomainDef *def, GError **error)
{
    if (!def->hasUUID) {
        if (gvUUIDGenerate(def->uuid, error) < 0)
            return -1;
        def->hasUUID = true;
    }
    if (def->currentMemory == 0)
        def->currentMemory = def->memory;
    if (def->vcpus == 0)
        def->vcpus = 1;
    gvDomainOSDefPostParse(&def->os);
    gvDomainClockDefPostParse(&def->clock);
    if (def->onPoweroff == GV_DOMAIN_LIFECYCLE_NONE)
        def->onPoweroff = GV_DOMAIN_LIFECYCLE_DESTROY;
    if (def->onReboot == GV_DOMAIN_LIFECYCLE_NONE)
        def->onReboot = GV_DOMAIN_LIFECYCLE_RESTART;
    if (def->onCrash == GV_DOMAIN_LIFECYCLE_NONE)
        def->onCrash = GV_DOMAIN_LIFECYCLE_DESTROY;
    if (def->cpu)
        gvDomainCPUDefPostParse(def->cpu);
    if (!def->emulator)
        def->emulator = g_strdup(gvDomainDefDefaultEmulator(def->os.arch));

    return gvDomainDevicesPostParse(def, error);
}
