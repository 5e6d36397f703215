/*
 * qemu_capabilities.h: what a QEMU binary can do
 *
 * Filled from QMP (query-version, query-target, query-machines,
 * qom-list-types, query-kvm, query-cpu-definitions and a static
 * query-cpu-model-expansion of each CPU model that is no alias) by the driver, or loaded from
 * a JSON file of the same data: the on-disk cache and the test fixtures in
 * tests/caps/ use one format.  The fields after "devices" are optional, so
 * files made before they existed still load.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>
#include <json-c/json.h>

#include "gvenum.h"

typedef enum { GV_QEMU_ACCEL_KVM = 0, GV_QEMU_ACCEL_TCG, GV_QEMU_ACCEL_LAST } gvQemuAccel;
GV_ENUM_DECL(gvQemuAccel);

/* What QEMU says about CPU models: qemu_capabilities_cpu.c */
typedef struct _gvQemuCPUCaps gvQemuCPUCaps;

typedef struct {
    char *name;
    char *alias; /* "pc" for "pc-i440fx-7.2", or NULL */
    bool isDefault;
    unsigned int maxCpus; /* query-machines' cpu-max; 0: unknown */
    bool deprecated;
} gvQemuMachine;

typedef enum {
    GV_QEMU_CPU_USABLE_UNKNOWN = 0,
    GV_QEMU_CPU_USABLE_YES,
    GV_QEMU_CPU_USABLE_NO,
    GV_QEMU_CPU_USABLE_LAST
} gvQemuCPUUsable;

typedef struct {
    char *name; /* "EPYC-Rome", "EPYC-Rome-v1" */
    char *aliasOf; /* "EPYC-Rome-v1" for "EPYC-Rome", or NULL */
    gvQemuCPUUsable usable; /* with the accelerator the binary was probed with */
    bool deprecated;
    unsigned int nfeatures; /* features its static expansion turns on */
} gvQemuCPUDefinition;

typedef struct {
    char *binary;
    unsigned int version; /* major * 1000000 + minor * 1000 + micro */
    char *arch; /* query-target: "x86_64", "i386"; NULL: unknown */
    GPtrArray *machines; /* gvQemuMachine */
    GHashTable *devices; /* QOM type names, a set */
    bool kvm; /* probed with KVM: CPU usability is KVM's (else TCG's) */
    GPtrArray *cpuModels; /* gvQemuCPUDefinition, in QEMU's order */
    gint64 mtime; /* of the binary probed, for caching (0: unknown) */
    gvQemuCPUCaps *cpu; /* NULL: not probed (an old cache file, a fixture without it) */
} gvQemuCaps;

gvQemuCaps *gvQemuCapsNew(void);
void gvQemuCapsFree(gvQemuCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvQemuCaps, gvQemuCapsFree)

gvQemuCaps *gvQemuCapsNewFromJSON(json_object *obj, GError **error);
gvQemuCaps *gvQemuCapsLoadFile(const char *path, GError **error);
json_object *gvQemuCapsToJSON(const gvQemuCaps *caps);

bool gvQemuCapsHasDevice(const gvQemuCaps *caps, const char *type);
/* The machine called or aliased @name, or NULL */
const gvQemuMachine *gvQemuCapsFindMachine(const gvQemuCaps *caps, const char *name);
/* The default machine (query-machines' is-default), or NULL */
const gvQemuMachine *gvQemuCapsDefaultMachine(const gvQemuCaps *caps);
/* The CPU model called @name, or NULL */
const gvQemuCPUDefinition *gvQemuCapsFindCPUModel(const gvQemuCaps *caps, const char *name);
/*
 * The named CPU model closest to the host's: of the usable models that are
 * neither an alias nor one of QEMU's special ones (max, host, base), the one
 * whose static expansion turns on the most features, named by the alias
 * that points at it when there is one ("EPYC-Rome" for "EPYC-Rome-v1").
 * NULL when none is usable or the usability is unknown.
 */
const char *gvQemuCapsHostCPUModel(const gvQemuCaps *caps);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, json_object_put)

/* The version of what gvQemuCapsProbe records; a cache file of another is stale */
#define GV_QEMU_CAPS_PROBE_VERSION 3

/*
 * Runs @binary once (-machine none, QMP on stdio) and asks it for its
 * version, target, machine types, device types and CPU models.  With @kvm
 * it asks for KVM (falling back to TCG when KVM does not start), so the
 * CPU models' usability is the host's.  Blocking; bounded by @timeoutMs.
 */
gvQemuCaps *gvQemuCapsProbe(const char *binary, bool kvm, unsigned int timeoutMs, GError **error);
