/*
 * domain_cpu.h: <cpu> (mode, model, vendor, topology, features) and <vcpu>
 */
#pragma once

#include <stdbool.h>
#include <glib.h>
#include <libxml/tree.h>

#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_CPU_MODE_NONE = 0,
    GV_DOMAIN_CPU_MODE_HOST_PASSTHROUGH,
    GV_DOMAIN_CPU_MODE_HOST_MODEL,
    GV_DOMAIN_CPU_MODE_CUSTOM,
    GV_DOMAIN_CPU_MODE_LAST
} gvDomainCPUMode;
GV_ENUM_DECL(gvDomainCPUMode);

typedef enum {
    GV_DOMAIN_CPU_MATCH_NONE = 0,
    GV_DOMAIN_CPU_MATCH_MINIMUM,
    GV_DOMAIN_CPU_MATCH_EXACT,
    GV_DOMAIN_CPU_MATCH_STRICT,
    GV_DOMAIN_CPU_MATCH_LAST
} gvDomainCPUMatch;
GV_ENUM_DECL(gvDomainCPUMatch);

/* "default" is libvirt's name for not given; check='none' is a real value */
typedef enum {
    GV_DOMAIN_CPU_CHECK_DEFAULT = 0,
    GV_DOMAIN_CPU_CHECK_NONE,
    GV_DOMAIN_CPU_CHECK_PARTIAL,
    GV_DOMAIN_CPU_CHECK_FULL,
    GV_DOMAIN_CPU_CHECK_LAST
} gvDomainCPUCheck;
GV_ENUM_DECL(gvDomainCPUCheck);

typedef enum {
    GV_DOMAIN_CPU_FALLBACK_NONE = 0,
    GV_DOMAIN_CPU_FALLBACK_ALLOW,
    GV_DOMAIN_CPU_FALLBACK_FORBID,
    GV_DOMAIN_CPU_FALLBACK_LAST
} gvDomainCPUFallback;
GV_ENUM_DECL(gvDomainCPUFallback);

typedef enum {
    GV_DOMAIN_CPU_FEATURE_NONE = 0,
    GV_DOMAIN_CPU_FEATURE_FORCE,
    GV_DOMAIN_CPU_FEATURE_REQUIRE,
    GV_DOMAIN_CPU_FEATURE_OPTIONAL,
    GV_DOMAIN_CPU_FEATURE_DISABLE,
    GV_DOMAIN_CPU_FEATURE_FORBID,
    GV_DOMAIN_CPU_FEATURE_LAST
} gvDomainCPUFeaturePolicy;
GV_ENUM_DECL(gvDomainCPUFeaturePolicy);

#define GV_DOMAIN_CPU_FEATURES_MAX 512
#define GV_DOMAIN_CPU_NAME_MAX 64

typedef struct {
    char *name;
    gvDomainCPUFeaturePolicy policy;
} gvDomainCPUFeatureDef;

typedef struct {
    gvDomainCPUMode mode;
    gvDomainCPUMatch match; /* custom with a model */
    gvDomainCPUCheck check;
    gvTristateSwitch migratable; /* host-passthrough */
    char *model;
    gvDomainCPUFallback fallback;
    char *vendor;
    bool hasTopology;
    unsigned int sockets; /* 0 until post-parse when <topology> is given */
    unsigned int dies;
    unsigned int cores;
    unsigned int threads;
    GPtrArray *features; /* gvDomainCPUFeatureDef, in the order written */
} gvDomainCPUDef;

gvDomainCPUDef *gvDomainCPUDefNew(void);
void gvDomainCPUDefFree(gvDomainCPUDef *cpu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainCPUDef, gvDomainCPUDefFree)
gvDomainCPUDef *gvDomainCPUDefCopy(const gvDomainCPUDef *cpu);

gvDomainCPUDef *gvDomainCPUDefParseXML(xmlNodePtr node, GError **error);
void gvDomainCPUDefFormat(gvBuffer *buf, const gvDomainCPUDef *cpu);
/* <cpu>'s children (also the host-model of the domain capabilities) */
void gvDomainCPUDefFormatChildren(gvBuffer *buf, const gvDomainCPUDef *cpu);
void gvDomainCPUDefPostParse(gvDomainCPUDef *cpu);
/* @vcpus: the domain's maximum vCPU count, which the topology must make up */
int gvDomainCPUDefValidate(const gvDomainCPUDef *cpu, unsigned int vcpus, GError **error);
/* The feature called @name, or NULL */
const gvDomainCPUFeatureDef *gvDomainCPUDefFindFeature(const gvDomainCPUDef *cpu, const char *name);
/* Adds (or replaces the policy of) feature @name */
void gvDomainCPUDefSetFeature(gvDomainCPUDef *cpu, const char *name,
                              gvDomainCPUFeaturePolicy policy);

/* <vcpu placement='static|auto' current='N'>MAX</vcpu> */
typedef enum {
    GV_DOMAIN_VCPU_PLACEMENT_NONE = 0,
    GV_DOMAIN_VCPU_PLACEMENT_STATIC,
    GV_DOMAIN_VCPU_PLACEMENT_AUTO,
    GV_DOMAIN_VCPU_PLACEMENT_LAST
} gvDomainVcpuPlacement;
GV_ENUM_DECL(gvDomainVcpuPlacement);

/* gvDomainDef.vcpus, .vcpusCurrent (0: all of them) and .vcpuPlacement */
int gvDomainVcpuParseXML(xmlNodePtr node, unsigned int *max, unsigned int *current,
                         gvDomainVcpuPlacement *placement, GError **error);
void gvDomainVcpuFormat(gvBuffer *buf, unsigned int max, unsigned int current,
                        gvDomainVcpuPlacement placement);
