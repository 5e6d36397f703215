/*
 * qemu_firmware.h: firmware autoselection (<os firmware='efi'>) from QEMU's
 * firmware descriptors (docs/interop/firmware.json in QEMU; Debian's ovmf
 * package installs them in /usr/share/qemu/firmware)
 */
#pragma once

#include "domain_conf.h"
#include "qemu_capabilities.h"

#define GV_QEMU_FIRMWARE_SYSTEM_DIRS "/etc/qemu/firmware:/usr/share/qemu/firmware"
#define GV_QEMU_FIRMWARE_MAX_FILES 256
#define GV_QEMU_FIRMWARE_MAX_LEN (64 * 1024)

typedef struct {
    char *file; /* the descriptor's file name, for messages */
    bool uefi;
    bool flash; /* mapping device "flash" (else "memory": -bios) */
    char *executable;
    char *nvramTemplate;
    GPtrArray *targets; /* "ARCH MACHINE-GLOB" strings */
    bool secureBoot;
    bool enrolledKeys;
    bool requiresSmm;
} gvQemuFirmware;

void gvQemuFirmwareFree(gvQemuFirmware *fw);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvQemuFirmware, gvQemuFirmwareFree)

/* One descriptor; NULL (with @error) when it is not one we can use */
gvQemuFirmware *gvQemuFirmwareParse(const char *file, const char *json, GError **error);

/*
 * The descriptors of @dirs (':'-separated, earlier ones win for one file
 * name, an empty file masks it), in file name order, as QEMU and libvirt
 * order them.  Unreadable or unusable descriptors are left out.
 */
GPtrArray *gvQemuFirmwareLoadAll(const char *dirs);

/*
 * A UEFI firmware in split flash (code and a varstore of its own) for a
 * guest of @arch on @machine (canonical, not an alias): what firmware='efi'
 * may choose
 */
bool gvQemuFirmwareIsUEFIFor(const gvQemuFirmware *fw, gvArch arch, const char *machine);

/*
 * firmware='efi': picks the first descriptor for the domain's arch and
 * machine (@caps resolves aliases like 'q35') that has what <firmware>
 * asks for, and writes it into @def: a read-only pflash <loader> (secure
 * with Secure Boot), the <nvram> template, the <nvram> path (under @nvramDir
 * as NAME_VARS.fd when none is given) and <smm state='on'/> when the
 * firmware needs SMM, as libvirt's live XML shows them.  A domain with a
 * loader path of its own, or without firmware='efi', is left alone.
 */
int gvQemuFirmwareFillDomain(gvDomainDef *def, const GPtrArray *firmware, const gvQemuCaps *caps,
                             const char *nvramDir, GError **error);
