/*
 * gvparams.c: a list of named, typed values
 */
#include <gvconfig.h>

#include <stdarg.h>
#include <string.h>

#include "gvparams.h"

struct _gvParamList {
    GArray *items; /* gvParam */
};

static void
gvParamClear(gpointer opaque)
{
    gvParam *p = opaque;

    g_free(p->field);
    g_free(p->s);
}

gvParamList *
gvParamListNew(void)
{
    gvParamList *list = g_new0(gvParamList, 1);

    list->items = g_array_new(FALSE, TRUE, sizeof(gvParam));
    g_array_set_clear_func(list->items, gvParamClear);
    return list;
}

void
gvParamListFree(gvParamList *list)
{
    if (!list)
        return;
    g_array_unref(list->items);
    g_free(list);
}

guint
gvParamListLength(const gvParamList *list)
{
    return list->items->len;
}

const gvParam *
gvParamListGet(const gvParamList *list, guint i)
{
    g_return_val_if_fail(i < list->items->len, NULL);
    return &g_array_index(list->items, gvParam, i);
}

const gvParam *
gvParamListFind(const gvParamList *list, const char *field)
{
    guint i;

    for (i = 0; i < list->items->len; i++) {
        const gvParam *p = &g_array_index(list->items, gvParam, i);

        if (g_str_equal(p->field, field))
            return p;
    }
    return NULL;
}

/* A new value of @type, its name formatted; NULL for a name too long (a bug) */
static gvParam *
gvParamListAppend(gvParamList *list, gvParamType type, const char *fmt, va_list ap)
{
    char *field = g_strdup_vprintf(fmt, ap);
    gvParam p = { .field = field, .type = type };

    if (strlen(field) > GV_PARAM_FIELD_MAX) {
        g_critical("typed parameter name '%s' is longer than %d characters", field,
                   GV_PARAM_FIELD_MAX);
        g_free(field);
        return NULL;
    }
    g_array_append_val(list->items, p);
    return &g_array_index(list->items, gvParam, list->items->len - 1);
}

#define GV_PARAM_ADD(list, type, fmt, member, value) \
    do { \
        va_list ap; \
        gvParam *p; \
\
        va_start(ap, fmt); \
        p = gvParamListAppend(list, type, fmt, ap); \
        va_end(ap); \
        if (p) \
            p->member = value; \
    } while (0)

void
gvParamListAddInt(gvParamList *list, gint32 v, const char *fmt, ...)
{
    GV_PARAM_ADD(list, GV_PARAM_INT, fmt, i, v);
}

void
gvParamListAddUInt(gvParamList *list, guint32 v, const char *fmt, ...)
{
    GV_PARAM_ADD(list, GV_PARAM_UINT, fmt, i, (gint64)v);
}

void
gvParamListAddLLong(gvParamList *list, gint64 v, const char *fmt, ...)
{
    GV_PARAM_ADD(list, GV_PARAM_LLONG, fmt, i, v);
}

void
gvParamListAddULLong(gvParamList *list, guint64 v, const char *fmt, ...)
{
    GV_PARAM_ADD(list, GV_PARAM_ULLONG, fmt, i, (gint64)v);
}

void
gvParamListAddString(gvParamList *list, const char *v, const char *fmt, ...)
{
    GV_PARAM_ADD(list, GV_PARAM_STRING, fmt, s, g_strdup(v ? v : ""));
}

void
gvParamListRemoveStrings(gvParamList *list)
{
    guint i = 0;

    while (i < list->items->len) {
        if (g_array_index(list->items, gvParam, i).type == GV_PARAM_STRING)
            g_array_remove_index(list->items, i);
        else
            i++;
    }
}

void
gvParamListTruncate(gvParamList *list, guint n)
{
    if (n < list->items->len)
        g_array_set_size(list->items, n);
}

guint
gvParamListForRequest(gvParamList *list, guint nparams, bool stringsOk)
{
    guint count;

    if (!stringsOk)
        gvParamListRemoveStrings(list);
    if (nparams == 0) {
        count = list->items->len;
        gvParamListTruncate(list, 0);
        return count;
    }
    gvParamListTruncate(list, nparams);
    return list->items->len;
}
