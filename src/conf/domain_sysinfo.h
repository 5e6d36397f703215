/*
 * domain_sysinfo.h: <sysinfo type='smbios'>, the SMBIOS tables the guest sees
 * (with <os><smbios mode='sysinfo'/>)
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "gvbuffer.h"
#include "gvenum.h"

/* The SMBIOS structures and their libvirt element names */
typedef enum {
    GV_DOMAIN_SYSINFO_BIOS = 0, /* type 0 */
    GV_DOMAIN_SYSINFO_SYSTEM, /* type 1 */
    GV_DOMAIN_SYSINFO_BASEBOARD, /* type 2 */
    GV_DOMAIN_SYSINFO_CHASSIS, /* type 3 */
    GV_DOMAIN_SYSINFO_LAST
} gvDomainSysinfoBlock;
GV_ENUM_DECL(gvDomainSysinfoBlock);

#define GV_DOMAIN_SYSINFO_ENTRIES_MAX 8
#define GV_DOMAIN_SYSINFO_OEM_MAX 64
#define GV_DOMAIN_SYSINFO_VALUE_MAX 1024

typedef struct {
    /* values by entry, in the block's entry order (NULL: not given) */
    char *values[GV_DOMAIN_SYSINFO_LAST][GV_DOMAIN_SYSINFO_ENTRIES_MAX];
    bool present[GV_DOMAIN_SYSINFO_LAST];
    GPtrArray *oemStrings; /* char *, type 11; NULL: no <oemStrings> */
} gvDomainSysinfoDef;

void gvDomainSysinfoDefFree(gvDomainSysinfoDef *sysinfo);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainSysinfoDef, gvDomainSysinfoDefFree)

gvDomainSysinfoDef *gvDomainSysinfoDefParseXML(xmlNodePtr node, GError **error);
void gvDomainSysinfoDefFormat(gvBuffer *buf, const gvDomainSysinfoDef *sysinfo);
/* @uuid: the domain's (the system uuid entry must be it) */
int gvDomainSysinfoDefValidate(const gvDomainSysinfoDef *sysinfo, const unsigned char *uuid,
                               GError **error);

/* The entry names of @block, NULL-terminated, in libvirt's order */
const char *const *gvDomainSysinfoEntryNames(gvDomainSysinfoBlock block);
/* The SMBIOS type of @block (0, 1, 2, 3) */
int gvDomainSysinfoSmbiosType(gvDomainSysinfoBlock block);
/* Two definitions give the guest the same tables */
bool gvDomainSysinfoDefEqual(const gvDomainSysinfoDef *a, const gvDomainSysinfoDef *b);
