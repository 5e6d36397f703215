/*
 * qemu_capabilities_cpu.h: what a QEMU binary says about CPU models
 *
 * From QMP, once per binary (gvQemuCapsProbe): query-cpu-definitions (the
 * models, whether they are deprecated, and under each accelerator which
 * features of each the host cannot give), and query-cpu-model-expansion of
 * type 'static' for each unversioned model and for the host's CPU ('host'
 * under KVM, 'max' under TCG).  The one source of CPU facts: host-model is
 * resolved from it (gvQemuCPUCapsResolveHostModel), custom models are
 * checked against it, and the capabilities documents list its models, their
 * usability and the resolved host-model, so what they say is what a domain
 * gets.
 */
#pragma once

#include "qemu_capabilities.h"

typedef struct {
    char *name; /* unversioned, as libvirt names them: "EPYC-Rome" */
    char *aliasOf; /* the versioned model QEMU runs for it: "EPYC-Rome-v1" */
    char *vendor; /* "GenuineIntel", "AuthenticAMD", ... */
    bool deprecated;
    GHashTable *features; /* the features on in its static expansion (a set) */
} gvQemuCPUModel;

typedef struct {
    bool probed; /* QEMU ran with this accelerator */
    char *hostVendor;
    GHashTable *hostFeatures; /* every boolean feature: name -> GINT_TO_POINTER(1 on, 2 off) */
    /* every model QEMU lists (versioned too) -> GStrv of the features this host lacks */
    GHashTable *unavailable;
} gvQemuCPUAccelCaps;

struct _gvQemuCPUCaps {
    GPtrArray *models; /* gvQemuCPUModel: the unversioned models, libvirt's names */
    gvQemuCPUAccelCaps accel[GV_QEMU_ACCEL_LAST];
};

gvQemuCPUCaps *gvQemuCPUCapsNew(void);
void gvQemuCPUCapsFree(gvQemuCPUCaps *cpu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvQemuCPUCaps, gvQemuCPUCapsFree)

/* {"models": [...], "kvm": {...}, "tcg": {...}}; NULL on malformed data */
gvQemuCPUCaps *gvQemuCPUCapsNewFromJSON(json_object *obj);
json_object *gvQemuCPUCapsToJSON(const gvQemuCPUCaps *cpu);

/* From the probe's replies: a model's entry of query-cpu-definitions, its static expansion */
void gvQemuCPUCapsAddModel(gvQemuCPUCaps *cpu, json_object *definition, json_object *expansion);
/* From the probe's replies under @accel: query-cpu-definitions, the host's expansion */
void gvQemuCPUCapsSetAccel(gvQemuCPUCaps *cpu, gvQemuAccel accel, json_object *definitions,
                           json_object *hostExpansion);

/* The CPU data of @caps when QEMU ran under @accel, else NULL */
const gvQemuCPUCaps *gvQemuCapsCPUData(const gvQemuCaps *caps, gvQemuAccel accel);

const gvQemuCPUModel *gvQemuCPUCapsFindModel(const gvQemuCPUCaps *cpu, const char *name);
/* The models sorted by name (the array owns nothing) */
GPtrArray *gvQemuCPUCapsSortedModels(const gvQemuCPUCaps *cpu);
/*
 * Whether model @name runs as QEMU defines it under @accel (no feature is
 * unavailable there): 1 yes, 0 no, -1 unknown (that accelerator was not
 * probed, or QEMU did not say)
 */
int gvQemuCPUCapsModelUsable(const gvQemuCPUCaps *cpu, gvQemuAccel accel, const char *name);
/* 1: the host's CPU under @accel has @feature on, 0: off, -1: QEMU has no such feature */
int gvQemuCPUCapsHostHas(const gvQemuCPUCaps *cpu, gvQemuAccel accel, const char *feature);

/* One feature a resolved host-model CPU adds to (on) or removes from (off) its model */
typedef struct {
    const char *name;
    bool on;
} gvQemuCPUFeatureChange;

/*
 * host-model: the model of this QEMU closest to the host's CPU under
 * @accel (same vendor, the fewest features to add or remove), and those
 * changes, sorted by name.  NULL when nothing was probed or no model fits.
 */
const gvQemuCPUModel *gvQemuCPUCapsResolveHostModel(const gvQemuCPUCaps *cpu, gvQemuAccel accel,
                                                    GArray **changes);

/* libvirt's <vendor> name of a QEMU vendor string ("AuthenticAMD" -> "AMD"), else @qemuVendor */
const char *gvQemuCPUVendorName(const char *qemuVendor);
