/*
 * domain_os.h: <os>, how the guest boots
 *
 * <type> (arch, machine), <boot dev>, <bootmenu>, <smbios mode>, direct
 * kernel boot (<kernel>, <initrd>, <cmdline>) and the firmware: firmware='efi'
 * (autoselected by the driver from QEMU's firmware descriptors), <firmware>
 * features, <loader> and <nvram>.  The files are opened and checked by the
 * driver when the domain starts, not here.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>
#include <libxml/tree.h>

#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_OS_TYPE_NONE = 0,
    GV_DOMAIN_OS_TYPE_HVM,
    GV_DOMAIN_OS_TYPE_LAST
} gvDomainOSType;
GV_ENUM_DECL(gvDomainOS);

typedef enum { GV_ARCH_NONE = 0, GV_ARCH_X86_64, GV_ARCH_I686, GV_ARCH_LAST } gvArch;
GV_ENUM_DECL(gvArch);

typedef enum {
    GV_DOMAIN_BOOT_NONE = 0,
    GV_DOMAIN_BOOT_HD,
    GV_DOMAIN_BOOT_CDROM,
    GV_DOMAIN_BOOT_NETWORK,
    GV_DOMAIN_BOOT_FLOPPY,
    GV_DOMAIN_BOOT_LAST
} gvDomainBootDev;
GV_ENUM_DECL(gvDomainBoot);

#define GV_DOMAIN_BOOT_MAX 4
#define GV_DOMAIN_BOOTMENU_TIMEOUT_MAX 65535

typedef enum {
    GV_DOMAIN_OS_FIRMWARE_NONE = 0,
    GV_DOMAIN_OS_FIRMWARE_BIOS,
    GV_DOMAIN_OS_FIRMWARE_EFI,
    GV_DOMAIN_OS_FIRMWARE_LAST
} gvDomainOSFirmware;
GV_ENUM_DECL(gvDomainOSFirmware);

/* <firmware><feature name/> for firmware autoselection */
typedef enum {
    GV_DOMAIN_OS_FIRMWARE_FEATURE_ENROLLED_KEYS = 0,
    GV_DOMAIN_OS_FIRMWARE_FEATURE_SECURE_BOOT,
    GV_DOMAIN_OS_FIRMWARE_FEATURE_LAST
} gvDomainOSFirmwareFeature;
GV_ENUM_DECL(gvDomainOSFirmwareFeature);

typedef enum {
    GV_DOMAIN_LOADER_TYPE_NONE = 0,
    GV_DOMAIN_LOADER_TYPE_ROM,
    GV_DOMAIN_LOADER_TYPE_PFLASH,
    GV_DOMAIN_LOADER_TYPE_LAST
} gvDomainLoaderType;
GV_ENUM_DECL(gvDomainLoaderType);

typedef enum {
    GV_DOMAIN_SMBIOS_NONE = 0,
    GV_DOMAIN_SMBIOS_EMULATE,
    GV_DOMAIN_SMBIOS_HOST,
    GV_DOMAIN_SMBIOS_SYSINFO,
    GV_DOMAIN_SMBIOS_LAST
} gvDomainSmbiosMode;
GV_ENUM_DECL(gvDomainSmbios);

/* <loader readonly secure type>PATH</loader> */
typedef struct {
    char *path; /* absolute; NULL: chosen by firmware autoselection */
    gvTristateBool readonly;
    gvTristateBool secure;
    gvDomainLoaderType type;
} gvDomainLoaderDef;

typedef struct {
    gvDomainOSType type;
    gvArch arch;
    char *machine;
    gvDomainBootDev boot[GV_DOMAIN_BOOT_MAX];
    size_t nboot;
    /* direct kernel boot: absolute paths, and the command line as written */
    char *kernel;
    char *initrd;
    char *cmdline;
    /* firmware: autoselection (firmware='efi') or a loader and its NVRAM */
    gvDomainOSFirmware firmware;
    gvTristateBool firmwareFeatures[GV_DOMAIN_OS_FIRMWARE_FEATURE_LAST];
    gvDomainLoaderDef *loader;
    char *nvram; /* the guest's variable store, absolute */
    char *nvramTemplate;
    bool hasNvram; /* <nvram> was given (maybe with a template only) */
    gvTristateBool bootmenu;
    bool hasBootmenuTimeout;
    unsigned int bootmenuTimeout; /* ms */
    gvDomainSmbiosMode smbios;
} gvDomainOSDef;

/* Frees what @os holds (it is embedded in gvDomainDef) */
void gvDomainOSDefClear(gvDomainOSDef *os);
int gvDomainOSDefParseXML(xmlNodePtr node, gvDomainOSDef *os, GError **error);
void gvDomainOSDefFormat(gvBuffer *buf, const gvDomainOSDef *os);
void gvDomainOSDefPostParse(gvDomainOSDef *os);
void gvDomainLoaderDefFree(gvDomainLoaderDef *loader);
int gvDomainOSDefValidate(const gvDomainOSDef *os, GError **error);
