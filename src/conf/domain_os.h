/*
 * domain_os.h: <os>, how the guest boots
 *
 * <type> (arch, machine), <boot dev>, and direct kernel boot (<kernel>,
 * <initrd>, <cmdline>).  The files of a direct kernel boot are opened and
 * checked by the driver when the domain starts, not here.
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
} gvDomainOSDef;

/* Frees what @os holds (it is embedded in gvDomainDef) */
void gvDomainOSDefClear(gvDomainOSDef *os);
int gvDomainOSDefParseXML(xmlNodePtr node, gvDomainOSDef *os, GError **error);
void gvDomainOSDefFormat(gvBuffer *buf, const gvDomainOSDef *os);
void gvDomainOSDefPostParse(gvDomainOSDef *os);
int gvDomainOSDefValidate(const gvDomainOSDef *os, GError **error);
