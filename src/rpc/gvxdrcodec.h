/*
 * gvxdrcodec.h: XDR structures described by layouts, one codec for all
 *
 * Every argument, reply and event structure of the protocol is described
 * once in protocol/FAMILY.rpc; gvrpcgen.py turns each into a C struct and a
 * gvXdrLayout (a list of typed fields with their offsets and bounds).  The
 * three functions below walk a layout: they are the only code that
 * decodes, encodes or frees protocol structures, so the bounds checks and
 * the wiping live in one place and one fuzz target covers every layout.
 *
 * Pure: no I/O.  Decoding checks every length against its declared bound
 * and against the bytes left before it allocates.  Freeing wipes strings
 * and opaque data (they may hold a domain XML with its GUID).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#include "gvxdr.h"

typedef enum {
    GV_XDR_INT = 0, /* gint32 */
    GV_XDR_UINT, /* guint32 */
    GV_XDR_HYPER, /* gint64 */
    GV_XDR_UHYPER, /* guint64 */
    GV_XDR_BOOL, /* bool; an int on the wire, any non-zero value is true */
    GV_XDR_DOUBLE, /* double */
    GV_XDR_STRING, /* char *, never NULL once decoded */
    GV_XDR_OSTRING, /* char *, NULL when absent */
    GV_XDR_OPAQUE, /* gvXdrOpaque, opaque<bound> */
    GV_XDR_FIXED_OPAQUE, /* unsigned char[bound], opaque[bound] */
    GV_XDR_CHARS, /* gvXdrOpaque, char<bound>: each byte a 4-byte int */
    GV_XDR_FIXED_CHARS, /* char[bound], char[bound]: each byte a 4-byte int */
    GV_XDR_STRUCT, /* the struct of @sub, inline */
    GV_XDR_OPTIONAL, /* a pointer to the struct of @sub, NULL when absent */
    GV_XDR_ARRAY, /* gvXdrArray of @sub's struct, at most bound elements */
    GV_XDR_TPARAMS, /* GPtrArray of gvTypedParam, at most bound elements */
    GV_XDR_KIND_LAST
} gvXdrKind;

typedef struct _gvXdrLayout gvXdrLayout;

typedef struct {
    const char *name;
    gvXdrKind kind;
    size_t offset;
    guint32 bound; /* strings, opaques, arrays; the size of fixed ones */
    const gvXdrLayout *sub; /* STRUCT, OPTIONAL, ARRAY */
} gvXdrField;

struct _gvXdrLayout {
    const char *name;
    size_t size; /* sizeof the C struct */
    size_t minWire; /* the fewest bytes one encoded instance takes */
    const gvXdrField *fields;
    size_t nfields;
};

typedef struct {
    guint8 *data;
    guint32 len;
} gvXdrOpaque;

typedef struct {
    guint32 n;
    void *v; /* n elements of the element layout's struct */
} gvXdrArray;

/* The empty structure of procedures without arguments or reply */
typedef struct {
    char unused;
} gvRpcVoid;
extern const gvXdrLayout gvRpcVoidLayout;

/*
 * Decodes one instance of @layout into @out, which must be zeroed.  On
 * failure @out may be partly filled: gvXdrLayoutClear it either way.
 */
bool gvXdrDecodeLayout(gvXdrDecoder *d, const gvXdrLayout *layout, void *out);
void gvXdrEncodeLayout(GByteArray *b, const gvXdrLayout *layout, const void *in);
/*
 * The bytes gvXdrEncodeLayout writes for @in: a frame sized with it never
 * grows while it is encoded (GByteArray grows with realloc, which would
 * leave a copy of what it held, a GUID maybe, in freed memory).
 */
size_t gvXdrLayoutSize(const gvXdrLayout *layout, const void *in);
/* Frees (wiping) what an instance owns and zeroes it; the struct itself stays */
void gvXdrLayoutClear(const gvXdrLayout *layout, void *obj);

/* Allocates @n zeroed elements of @elemSize for @arr */
void gvXdrArrayAlloc(gvXdrArray *arr, guint32 n, size_t elemSize);
/* Copies @len bytes into @op */
void gvXdrOpaqueSet(gvXdrOpaque *op, const void *data, size_t len);
