/*
 * gvenum.h: enum <-> string tables
 *
 * In a header:   GV_ENUM_DECL(gvDomainDiskBus);
 * In the .c:     GV_ENUM_IMPL(gvDomainDiskBus, GV_DOMAIN_DISK_BUS_LAST,
 *                             [GV_DOMAIN_DISK_BUS_NONE] = "none", ...);
 *
 * ToString returns NULL for a value out of range or a hole in the table;
 * FromString returns -1 for an unknown string.  The static assertion
 * catches a table that grew past its _LAST value.
 */
#pragma once

#include <glib.h>

int gvEnumFromString(const char *const *table, size_t ntable, const char *str);
const char *gvEnumToString(const char *const *table, size_t ntable, int value);

#define GV_ENUM_DECL(name) \
    const char *name##TypeToString(int value); \
    int name##TypeFromString(const char *str); \
    extern const size_t name##TypeCount

#define GV_ENUM_IMPL(name, last, ...) \
    static const char *const name##TypeTable[last] = { __VA_ARGS__ }; \
    G_STATIC_ASSERT(G_N_ELEMENTS(name##TypeTable) == (last)); \
    const size_t name##TypeCount = (last); \
    const char *name##TypeToString(int value) \
    { \
        return gvEnumToString(name##TypeTable, (last), value); \
    } \
    int name##TypeFromString(const char *str) \
    { \
        return gvEnumFromString(name##TypeTable, (last), str); \
    }

typedef enum {
    GV_TRISTATE_BOOL_ABSENT = 0,
    GV_TRISTATE_BOOL_YES,
    GV_TRISTATE_BOOL_NO,
    GV_TRISTATE_BOOL_LAST
} gvTristateBool;
GV_ENUM_DECL(gvTristateBool);

/* An on/off attribute ("state='on'") that keeps "absent" through a round trip */
typedef enum {
    GV_TRISTATE_SWITCH_ABSENT = 0,
    GV_TRISTATE_SWITCH_ON,
    GV_TRISTATE_SWITCH_OFF,
    GV_TRISTATE_SWITCH_LAST
} gvTristateSwitch;
GV_ENUM_DECL(gvTristateSwitch);
