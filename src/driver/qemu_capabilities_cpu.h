/*
 * qemu_capabilities_cpu.h: what a QEMU binary says about CPU models
 *
 * From QMP, once per binary: query-cpu-definitions (the models, and under
 * each accelerator which features of each the host cannot give), and
 * query-cpu-model-expansion of type 'static' for each model and for the
 * host's CPU ('host' under KVM, 'max' under TCG).  host-model is resolved
 * from this data (gvQemuCPUCapsResolveHostModel), not from a table of our
 * own, and custom models are checked against it.
 */
#pragma once

#include "qemu_capabilities.h"

typedef struct {
    char *name;
    char *vendor; /* "GenuineIntel", "AuthenticAMD", ... */
    GHashTable *features; /* the features on in its static expansion (a set) */
} gvQemuCPUModel;

typedef struct {
    bool probed;
    char *hostVendor;
    GHashTable *hostFeatures; /* every boolean feature: name -> GINT_TO_POINTER(1 on, 2 off) */
    GHashTable *unavailable; /* model name -> GStrv of the features this host lacks */
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

/* From the probe's replies: the models and their static expansions */
void gvQemuCPUCapsAddModel(gvQemuCPUCaps *cpu, const char *name, json_object *expansion);
/* From the probe's replies under @accel: query-cpu-definitions, the host's expansion */
void gvQemuCPUCapsSetAccel(gvQemuCPUCaps *cpu, gvQemuAccel accel, json_object *definitions,
                           json_object *hostExpansion);

const gvQemuCPUModel *gvQemuCPUCapsFindModel(const gvQemuCPUCaps *cpu, const char *name);
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
