/*
 * domain_features.h: <features>
 *
 * acpi, apic (eoi), pae; vmport, smm and vmcoreinfo (state='on|off'); the Hyper-V
 * enlightenments of <hyperv>; <kvm><hidden>.  The plain on/off features
 * (acpi, apic, pae) are gvDomainDef.features[]; the rest is here.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>
#include <libxml/tree.h>

#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_FEATURE_ACPI = 0,
    GV_DOMAIN_FEATURE_APIC,
    GV_DOMAIN_FEATURE_PAE,
    GV_DOMAIN_FEATURE_LAST
} gvDomainFeature;
GV_ENUM_DECL(gvDomainFeature);

/* libvirt's names and order */
typedef enum {
    GV_DOMAIN_HYPERV_RELAXED = 0,
    GV_DOMAIN_HYPERV_VAPIC,
    GV_DOMAIN_HYPERV_SPINLOCKS,
    GV_DOMAIN_HYPERV_VPINDEX,
    GV_DOMAIN_HYPERV_RUNTIME,
    GV_DOMAIN_HYPERV_SYNIC,
    GV_DOMAIN_HYPERV_STIMER,
    GV_DOMAIN_HYPERV_RESET,
    GV_DOMAIN_HYPERV_VENDOR_ID,
    GV_DOMAIN_HYPERV_FREQUENCIES,
    GV_DOMAIN_HYPERV_REENLIGHTENMENT,
    GV_DOMAIN_HYPERV_TLBFLUSH,
    GV_DOMAIN_HYPERV_IPI,
    GV_DOMAIN_HYPERV_EVMCS,
    GV_DOMAIN_HYPERV_LAST
} gvDomainHyperv;
GV_ENUM_DECL(gvDomainHyperv);

typedef enum {
    GV_DOMAIN_HYPERV_MODE_NONE = 0,
    GV_DOMAIN_HYPERV_MODE_CUSTOM,
    GV_DOMAIN_HYPERV_MODE_PASSTHROUGH,
    GV_DOMAIN_HYPERV_MODE_LAST
} gvDomainHypervMode;
GV_ENUM_DECL(gvDomainHypervMode);

#define GV_DOMAIN_HYPERV_SPINLOCKS_MIN 4095
#define GV_DOMAIN_HYPERV_VENDOR_ID_MAX 12

typedef struct {
    gvTristateSwitch apicEoi; /* <apic eoi='on|off'/> */
    gvTristateSwitch vmport;
    gvTristateSwitch smm;
    gvTristateSwitch vmcoreinfo; /* QEMU's vmcoreinfo device (guest kdump notes) */
    gvDomainHypervMode hypervMode; /* NONE: no <hyperv> */
    gvTristateSwitch hyperv[GV_DOMAIN_HYPERV_LAST];
    unsigned int spinlockRetries; /* with spinlocks on */
    gvTristateSwitch stimerDirect;
    char *vendorId; /* with vendor_id on */
    gvTristateSwitch kvmHidden;
} gvDomainFeaturesDef;

void gvDomainFeaturesDefClear(gvDomainFeaturesDef *feat);
/* Fills @enabled (indexed by gvDomainFeature) and @feat */
int gvDomainFeaturesDefParseXML(xmlNodePtr node, bool *enabled, gvDomainFeaturesDef *feat,
                                GError **error);
void gvDomainFeaturesDefFormat(gvBuffer *buf, const bool *enabled, const gvDomainFeaturesDef *feat);
int gvDomainFeaturesDefValidate(const gvDomainFeaturesDef *feat, GError **error);
/* Any Hyper-V enlightenment on (or passthrough mode) */
bool gvDomainFeaturesDefHasHyperv(const gvDomainFeaturesDef *feat);
