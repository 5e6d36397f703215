/*
 * gvparams.h: a list of named, typed values (libvirt's typed parameters)
 *
 * What statistics and tuning calls return: "block.0.rd.bytes" = ULLONG 512.
 * The type numbers are virTypedParameterType's, so the RPC layer maps a
 * gvParam onto a remote_typed_param one to one.  Field names are at most
 * GV_PARAM_FIELD_MAX characters: clients copy them into char[80].
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

typedef enum {
    GV_PARAM_INT = 1,
    GV_PARAM_UINT = 2,
    GV_PARAM_LLONG = 3,
    GV_PARAM_ULLONG = 4,
    GV_PARAM_DOUBLE = 5,
    GV_PARAM_BOOLEAN = 6,
    GV_PARAM_STRING = 7,
} gvParamType;

#define GV_PARAM_FIELD_MAX 79

typedef struct {
    char *field;
    gvParamType type;
    gint64 i; /* INT, UINT, LLONG, ULLONG (its bits), BOOLEAN */
    double d; /* DOUBLE */
    char *s; /* STRING */
} gvParam;

typedef struct _gvParamList gvParamList;

gvParamList *gvParamListNew(void);
void gvParamListFree(gvParamList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvParamList, gvParamListFree)

guint gvParamListLength(const gvParamList *list);
const gvParam *gvParamListGet(const gvParamList *list, guint i);
/* The first value called @field, or NULL */
const gvParam *gvParamListFind(const gvParamList *list, const char *field);

/* Each appends one value; the field name is formatted from @fmt */
void gvParamListAddInt(gvParamList *list, gint32 v, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void gvParamListAddUInt(gvParamList *list, guint32 v, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void gvParamListAddLLong(gvParamList *list, gint64 v, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void gvParamListAddULLong(gvParamList *list, guint64 v, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void gvParamListAddString(gvParamList *list, const char *v, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* Drops the STRING values (for a client that did not say it takes them) */
void gvParamListRemoveStrings(gvParamList *list);
/* Keeps the first @n values */
void gvParamListTruncate(gvParamList *list, guint n);

/*
 * libvirt's two-pass rule for getters that take an nparams argument: STRING
 * values only when @stringsOk (VIR_TYPED_PARAM_STRING_OKAY); @nparams 0
 * asks how many there are (the list is emptied); otherwise never more than
 * @nparams.  Returns the count to report.
 */
guint gvParamListForRequest(gvParamList *list, guint nparams, bool stringsOk);
