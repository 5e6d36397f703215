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
#include "domain_disk.h"
#include "domain_graphics.h"
#include "domain_net.h"
#include "domain_os.h"
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

typedef enum {
    GV_DOMAIN_FEATURE_ACPI = 0,
    GV_DOMAIN_FEATURE_APIC,
    GV_DOMAIN_FEATURE_LAST
} gvDomainFeature;
GV_ENUM_DECL(gvDomainFeature);

typedef enum {
    GV_DOMAIN_CPU_MODE_NONE = 0,
    GV_DOMAIN_CPU_MODE_HOST_PASSTHROUGH,
    GV_DOMAIN_CPU_MODE_HOST_MODEL,
    GV_DOMAIN_CPU_MODE_CUSTOM,
    GV_DOMAIN_CPU_MODE_LAST
} gvDomainCPUMode;
GV_ENUM_DECL(gvDomainCPUMode);

typedef enum {
    GV_DOMAIN_CLOCK_OFFSET_NONE = 0,
    GV_DOMAIN_CLOCK_OFFSET_UTC,
    GV_DOMAIN_CLOCK_OFFSET_LOCALTIME,
    GV_DOMAIN_CLOCK_OFFSET_LAST
} gvDomainClockOffset;
GV_ENUM_DECL(gvDomainClockOffset);

typedef enum {
    GV_DOMAIN_LIFECYCLE_NONE = 0,
    GV_DOMAIN_LIFECYCLE_DESTROY,
    GV_DOMAIN_LIFECYCLE_RESTART,
    GV_DOMAIN_LIFECYCLE_PRESERVE,
    GV_DOMAIN_LIFECYCLE_LAST
} gvDomainLifecycleAction;
GV_ENUM_DECL(gvDomainLifecycle);

#define GV_DOMAIN_NAME_MAX 200
#define GV_DOMAIN_VCPUS_MAX 255
#define GV_DOMAIN_MEMORY_MAX_KIB (16ULL * 1024 * 1024 * 1024) /* 16 TiB */

typedef struct {
    gvDomainCPUMode mode;
    char *model; /* custom only */
} gvDomainCPUDef;

typedef struct {
    gvDomainVirtType virtType;
    int id; /* -1 when not running */
    char *name;
    bool hasUUID;
    unsigned char uuid[GV_UUID_BUFLEN];
    char *title;
    char *description;
    unsigned long long memory; /* KiB; 0 until given */
    unsigned long long currentMemory;
    unsigned int vcpus;
    gvDomainOSDef os;
    bool features[GV_DOMAIN_FEATURE_LAST];
    gvDomainCPUDef *cpu;
    gvDomainClockOffset clockOffset;
    gvDomainLifecycleAction onPoweroff;
    gvDomainLifecycleAction onReboot;
    gvDomainLifecycleAction onCrash;
    char *emulator;
    GPtrArray *disks; /* gvDomainDiskDef */
    GPtrArray *nets; /* gvDomainNetDef */
    GPtrArray *serials; /* gvDomainChrDef */
    GPtrArray *consoles; /* gvDomainChrDef */
    GPtrArray *graphics; /* gvDomainGraphicsDef */
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
