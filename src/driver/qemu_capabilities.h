/*
 * qemu_capabilities.h: what a QEMU binary can do
 *
 * Filled from QMP by the driver (gvQemuCapsProbe: query-version,
 * query-target, query-machines, qom-list-types, and the CPU data of
 * qemu_capabilities_cpu.h), or loaded from a JSON file of the same data:
 * the on-disk cache and the test fixtures in tests/caps/ use one format.
 * "arch", the machines' "cpu-max" and "deprecated" and "cpu" are optional,
 * so files made before they existed still load.
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

typedef struct {
    char *binary;
    unsigned int version; /* major * 1000000 + minor * 1000 + micro */
    char *arch; /* query-target: "x86_64", "i386"; NULL: unknown */
    GPtrArray *machines; /* gvQemuMachine */
    GHashTable *devices; /* QOM type names, a set */
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, json_object_put)

/* The version of what gvQemuCapsProbe records; a cache file of another is stale */
#define GV_QEMU_CAPS_PROBE_VERSION 4

/*
 * Runs @binary with -machine none and QMP on stdio, under TCG: its version,
 * target, machine types, device types and CPU models with their static
 * expansions and TCG's view of them; then, with @kvm and when /dev/kvm
 * opens, once more under KVM for the host's view (skipped, not an error,
 * when KVM does not start).  Blocking; bounded by @timeoutMs in all.
 */
gvQemuCaps *gvQemuCapsProbe(const char *binary, bool kvm, unsigned int timeoutMs, GError **error);
