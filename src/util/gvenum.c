/*
 * gvenum.c: enum <-> string tables
 */
#include <gvconfig.h>

#include "gvenum.h"

int
gvEnumFromString(const char *const *table, size_t ntable, const char *str)
{
    size_t i;

    if (!str)
        return -1;
    for (i = 0; i < ntable; i++) {
        if (table[i] && g_str_equal(table[i], str))
            return (int)i;
    }
    return -1;
}

const char *
gvEnumToString(const char *const *table, size_t ntable, int value)
{
    if (value < 0 || (size_t)value >= ntable)
        return NULL;
    return table[value];
}

GV_ENUM_IMPL(gvTristateBool, GV_TRISTATE_BOOL_LAST, [GV_TRISTATE_BOOL_ABSENT] = "absent",
             [GV_TRISTATE_BOOL_YES] = "yes", [GV_TRISTATE_BOOL_NO] = "no");

GV_ENUM_IMPL(gvTristateSwitch, GV_TRISTATE_SWITCH_LAST, [GV_TRISTATE_SWITCH_ABSENT] = "absent",
             [GV_TRISTATE_SWITCH_ON] = "on", [GV_TRISTATE_SWITCH_OFF] = "off");
