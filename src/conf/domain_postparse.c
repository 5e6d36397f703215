/*
 * domain_postparse.c: the defaults a parsed <domain> gets
 *
 * Everything filled in here is formatted back out, so the output of
 * format(parse(x)) parses to the same bytes again.
 */
#include <gvconfig.h>

#include "domain_conf.h"
#include "gverror.h"

static void
gvDomainChrDefsPostParse(GPtrArray *chrs)
{
    guint i;

    for (i = 0; i < chrs->len; i++) {
        gvDomainChrDef *chr = g_ptr_array_index(chrs, i);

        if (chr->device == GV_DOMAIN_CHR_DEVICE_CONSOLE) {
            if (chr->target == GV_DOMAIN_CHR_CONSOLE_TARGET_NONE)
                chr->target = GV_DOMAIN_CHR_CONSOLE_TARGET_SERIAL;
            if (chr->port == -1)
                chr->port = 0;
        } else if (chr->port == -1) {
            /* the first free port, counting up from 0 */
            int port = 0;
            guint j;

            for (j = 0; j < chrs->len; j++) {
                gvDomainChrDef *other = g_ptr_array_index(chrs, j);

                if (other->port == port) {
                    port++;
                    j = (guint)-1;
                }
            }
            chr->port = port;
        }
    }
}

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
    guint i;

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

    for (i = 0; i < def->disks->len; i++) {
        if (gvDomainDiskDefPostParse(g_ptr_array_index(def->disks, i), error) < 0)
            return -1;
    }
    for (i = 0; i < def->nets->len; i++) {
        if (gvDomainNetDefPostParse(g_ptr_array_index(def->nets, i), error) < 0)
            return -1;
    }
    gvDomainChrDefsPostParse(def->serials);
    gvDomainChrDefsPostParse(def->consoles);
    for (i = 0; i < def->graphics->len; i++)
        gvDomainGraphicsDefPostParse(g_ptr_array_index(def->graphics, i));
    if (def->genid)
        gvDomainGenidDefPostParse(def->genid);
    return 0;
}
