/*
 * domain_conf.h: the <domain> definition
 *
 * Pipeline: gvDomainDefParseNode (syntax only, what the user wrote)
 *        -> gvDomainDefPostParse (defaults)
 *        -> gvDomainDefValidate (semantic rules on a const def)
 * gvDomainDefParseString runs all three.  The driver adds its own checks
 * against the capabilities of the QEMU binary.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>
#include <libxml/tree.h>

#include "domain_chr.h"
#include "domain_clock.h"
#include "domain_controller.h"
#include "domain_cpu.h"
#include "domain_device.h"
#include "domain_disk.h"
#include "domain_features.h"
#include "domain_graphics.h"
#include "domain_lifecycle.h"
#include "domain_metadata.h"
#include "domain_net.h"
#include "domain_os.h"
#include "domain_sysinfo.h"
#include "genid_conf.h"
#include "gvbuffer.h"
#include "gvenum.h"
#include "gvuuid.h"

typedef enum {
    GV_DOMAIN_VIRT_NONE = 0,
    GV_DOMAIN_VIRT_QEMU,
    GV_DOMAIN_VIRT_KVM,
    GV_DOMAIN_VIRT_LAST
} gvDomainVirtType;
GV_ENUM_DECL(gvDomainVirt);

#define GV_DOMAIN_NAME_MAX 200
#define GV_DOMAIN_VCPUS_MAX 255
#define GV_DOMAIN_MEMORY_MAX_KIB (16ULL * 1024 * 1024 * 1024) /* 16 TiB */

typedef struct {
    gvDomainVirtType virtType;
    int id; /* -1 when not running */
    char *name;
    bool hasUUID;
    unsigned char uuid[GV_UUID_BUFLEN];
    char *title;
    char *description;
    xmlDocPtr metadata; /* root <metadata>, or NULL */
    unsigned long long memory; /* KiB; 0 until given */
    unsigned long long currentMemory;
    unsigned int vcpus; /* the maximum */
    unsigned int vcpusCurrent; /* online at boot; 0: all */
    gvDomainVcpuPlacement vcpuPlacement;
    gvDomainSysinfoDef *sysinfo;
    gvDomainOSDef os;
    bool features[GV_DOMAIN_FEATURE_LAST]; /* acpi, apic, pae */
    gvDomainFeaturesDef featureDefs; /* the rest of <features> */
    gvDomainCPUDef *cpu;
    gvDomainClockDef clock;
    gvDomainLifecycleAction onPoweroff;
    gvDomainLifecycleAction onReboot;
    gvDomainLifecycleAction onCrash;
    gvDomainPMDef pm;
    char *emulator;
    GPtrArray *disks; /* gvDomainDiskDef */
    GPtrArray *nets; /* gvDomainNetDef */
    GPtrArray *serials; /* gvDomainChrDef */
    GPtrArray *consoles; /* gvDomainChrDef */
    GPtrArray *graphics; /* gvDomainGraphicsDef */
    GPtrArray *controllers; /* gvDomainControllerDef, in libvirt's order */
    GPtrArray *channels; /* gvDomainChrDef */
    GPtrArray *inputs; /* gvDomainInputDef */
    GPtrArray *sounds; /* gvDomainSoundDef */
    GPtrArray *audios; /* gvDomainAudioDef */
    GPtrArray *videos; /* gvDomainVideoDef */
    GPtrArray *redirdevs; /* gvDomainRedirdevDef */
    GPtrArray *rngs; /* gvDomainRNGDef */
    gvDomainWatchdogDef *watchdog;
    gvDomainMemballoonDef *memballoon;
    gvDomainPanicDef *panic;
    gvDomainGenidDef *genid;
} gvDomainDef;

typedef enum {
    GV_DOMAIN_DEF_PARSE_INACTIVE = 1 << 0, /* ignore live-only data (id) */
    GV_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA = 1 << 1, /* RelaxNG first */
} gvDomainDefParseFlags;

typedef enum {
    GV_DOMAIN_DEF_FORMAT_INACTIVE = 1 << 0, /* leave out live-only data */
    GV_DOMAIN_DEF_FORMAT_SECURE = 1 << 1, /* include the genid GUID */
    GV_DOMAIN_DEF_FORMAT_MIGRATABLE = 1 << 2, /* for a migration destination */
} gvDomainDefFormatFlags;

gvDomainDef *gvDomainDefNew(void);
void gvDomainDefFree(gvDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainDef, gvDomainDefFree)

/* Syntax only: stores what the user wrote. */
gvDomainDef *gvDomainDefParseNode(xmlNodePtr root, unsigned int flags, GError **error);
/* Syntax, post-parse and validate, from a node of a larger document */
gvDomainDef *gvDomainDefParseNodeFull(xmlNodePtr root, unsigned int flags, GError **error);
/* Parse, post-parse and validate. */
gvDomainDef *gvDomainDefParseString(const char *xml, unsigned int flags, GError **error);
gvDomainDef *gvDomainDefParseFile(const char *path, unsigned int flags, GError **error);
/* Like gvDomainDefParseString, calling @hook between the syntax pass and post-parse */
typedef void (*gvDomainDefParseHook)(gvDomainDef *def, gpointer opaque);
gvDomainDef *gvDomainDefParseStringHook(const char *xml, unsigned int flags,
                                        gvDomainDefParseHook hook, gpointer opaque, GError **error);

char *gvDomainDefFormat(const gvDomainDef *def, unsigned int flags);

/* A deep copy, through format and parse. */
gvDomainDef *gvDomainDefCopy(const gvDomainDef *def, GError **error);

/* Where the schemas are: $GENVIRT_SCHEMA_DIR, the installed or the source tree. */
char *gvSchemaPath(const char *name);

/* domain_devices.c: the <devices> element */
int gvDomainDevicesParseXML(xmlNodePtr node, gvDomainDef *def, unsigned int flags, GError **error);
void gvDomainDevicesFormat(gvBuffer *buf, const gvDomainDef *def, unsigned int flags);
void gvDomainDevicesInit(gvDomainDef *def);
void gvDomainDevicesClear(gvDomainDef *def);
bool gvDomainDefMachineIsQ35(const char *machine);

/* domain_device_postparse.c: implicit controllers and devices, as libvirt adds them */
int gvDomainDevicesPostParse(gvDomainDef *def, GError **error);
/* domain_address_assign.c: PCI, USB and virtio-serial addresses */
int gvDomainDefAssignAddresses(gvDomainDef *def, GError **error);
/* domain_device_validate.c */
int gvDomainDevicesValidate(const gvDomainDef *def, GError **error);
/* domain_device_abi.c: device list, controllers and addresses */
void gvDomainDevicesCheckABIStability(const gvDomainDef *src, const gvDomainDef *dst,
                                      GPtrArray *msgs);

/* domain_postparse.c */
int gvDomainDefPostParse(gvDomainDef *def, GError **error);
/* The emulator a domain of @arch gets when it names none */
const char *gvDomainDefDefaultEmulator(gvArch arch);

/* domain_validate.c */
int gvDomainDefValidate(const gvDomainDef *def, GError **error);
bool gvDomainDefMachineIsX86PC(const char *machine);
/* Whether the genid device works on @machine: an x86 pc or q35 of 2.5 or later */
bool gvDomainDefMachineHasGenid(const char *machine);

/* domain_abi.c */
int gvDomainDefCheckABIStability(const gvDomainDef *src, const gvDomainDef *dst, GError **error);
/* A destination auto='yes' genid without a value takes the source's value. */
void gvDomainDefAdoptGenid(gvDomainDef *dst, const gvDomainDef *src);

/*
 * domain_metadata.c: the metadata API (what virDomainSetMetadata and
 * virDomainGetMetadata need), @type a gvDomainMetadataType.
 * TITLE and DESCRIPTION: @value is the new text, NULL or "" removes it;
 * @key and @uri are ignored.  ELEMENT: @value is an XML document whose root
 * element (and each descendant element without a namespace of its own) is
 * put in namespace @uri with prefix @key, replacing the element of that
 * namespace; @value NULL removes it.  Nothing changes on failure.
 */
int gvDomainDefSetMetadata(gvDomainDef *def, int type, const char *value, const char *key,
                           const char *uri, GError **error);
/* The title, the description, or the element of namespace @uri as XML; NULL
 * with GV_ERR_NO_DOMAIN_METADATA when there is none */
char *gvDomainDefGetMetadata(const gvDomainDef *def, int type, const char *uri, GError **error);
