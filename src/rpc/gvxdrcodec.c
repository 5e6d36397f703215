/*
 * gvxdrcodec.c: the one codec for every protocol structure
 */
#include <gvconfig.h>

#include <string.h>

#include "gvbuffer.h"
#include "gvrpcprotocol.h"
#include "gvxdrcodec.h"

const gvXdrLayout gvRpcVoidLayout = { "void", sizeof(gvRpcVoid), 0, NULL, 0 };

static void *
gvXdrFieldPtr(void *obj, const gvXdrField *f)
{
    return (char *)obj + f->offset;
}

static const void *
gvXdrFieldConstPtr(const void *obj, const gvXdrField *f)
{
    return (const char *)obj + f->offset;
}

void
gvXdrArrayAlloc(gvXdrArray *arr, guint32 n, size_t elemSize)
{
    arr->n = n;
    arr->v = n > 0 ? g_malloc0_n(n, elemSize) : NULL;
}

void
gvXdrOpaqueSet(gvXdrOpaque *op, const void *data, size_t len)
{
    op->data = len > 0 ? g_memdup2(data, len) : NULL;
    op->len = (guint32)len;
}

/* char<bound>: a count, then each byte as a 4-byte int */
static bool
gvXdrDecodeChars(gvXdrDecoder *d, guint32 bound, gvXdrOpaque *out)
{
    guint32 n;
    guint32 i;

    if (!gvXdrDecodeCount(d, bound, 4, &n))
        return false;
    out->data = g_malloc0((gsize)n + 1);
    out->len = n;
    for (i = 0; i < n; i++) {
        gint32 c;

        if (!gvXdrDecodeI32(d, &c))
            return false;
        out->data[i] = (guint8)c;
    }
    return true;
}

static bool
gvXdrDecodeField(gvXdrDecoder *d, const gvXdrField *f, void *p)
{
    guint32 u;

    switch (f->kind) {
    case GV_XDR_INT:
        return gvXdrDecodeI32(d, p);
    case GV_XDR_UINT:
        return gvXdrDecodeU32(d, p);
    case GV_XDR_HYPER:
        return gvXdrDecodeI64(d, p);
    case GV_XDR_UHYPER:
        return gvXdrDecodeU64(d, p);
    case GV_XDR_BOOL:
        /* as glibc's xdr_bool: any non-zero value is true */
        if (!gvXdrDecodeU32(d, &u))
            return false;
        *(bool *)p = u != 0;
        return true;
    case GV_XDR_DOUBLE: {
        guint64 bits;

        if (!gvXdrDecodeU64(d, &bits))
            return false;
        memcpy(p, &bits, sizeof(bits));
        return true;
    }
    case GV_XDR_STRING:
        return gvXdrDecodeString(d, f->bound, p);
    case GV_XDR_OSTRING:
        return gvXdrDecodeOptString(d, f->bound, p);
    case GV_XDR_OPAQUE: {
        gvXdrOpaque *op = p;
        size_t len = 0;

        if (!gvXdrDecodeOpaque(d, f->bound, &op->data, &len))
            return false;
        op->len = (guint32)len;
        return true;
    }
    case GV_XDR_FIXED_OPAQUE:
        return gvXdrDecodeOpaqueFixed(d, p, f->bound);
    case GV_XDR_CHARS:
        return gvXdrDecodeChars(d, f->bound, p);
    case GV_XDR_FIXED_CHARS: {
        char *s = p;
        guint32 i;

        for (i = 0; i < f->bound; i++) {
            gint32 c;

            if (!gvXdrDecodeI32(d, &c))
                return false;
            s[i] = (char)c;
        }
        return true;
    }
    case GV_XDR_STRUCT:
        return gvXdrDecodeLayout(d, f->sub, p);
    case GV_XDR_OPTIONAL: {
        void **sp = p;

        /* as glibc's xdr_pointer: any non-zero flag means present */
        if (!gvXdrDecodeU32(d, &u))
            return false;
        if (u == 0)
            return true;
        *sp = g_malloc0(f->sub->size);
        return gvXdrDecodeLayout(d, f->sub, *sp);
    }
    case GV_XDR_ARRAY: {
        gvXdrArray *arr = p;
        guint32 i;

        /* bounded by the declaration and by what the bytes left can hold */
        if (!gvXdrDecodeCount(d, f->bound, MAX(f->sub->minWire, 1), &u))
            return false;
        gvXdrArrayAlloc(arr, u, f->sub->size);
        for (i = 0; i < u; i++) {
            if (!gvXdrDecodeLayout(d, f->sub, (char *)arr->v + (size_t)i * f->sub->size))
                return false;
        }
        return true;
    }
    case GV_XDR_TPARAMS:
        return (*(GPtrArray **)p = gvTypedParamsDecode(d, f->bound)) != NULL;
    case GV_XDR_KIND_LAST:
        break;
    }
    g_return_val_if_reached(false);
}

bool
gvXdrDecodeLayout(gvXdrDecoder *d, const gvXdrLayout *layout, void *out)
{
    size_t i;

    for (i = 0; i < layout->nfields; i++) {
        const gvXdrField *f = &layout->fields[i];

        if (!gvXdrDecodeField(d, f, gvXdrFieldPtr(out, f))) {
            d->failed = true;
            return false;
        }
    }
    return !d->failed;
}

static void
gvXdrEncodeField(GByteArray *b, const gvXdrField *f, const void *p)
{
    guint32 i;

    switch (f->kind) {
    case GV_XDR_INT:
        gvXdrEncodeI32(b, *(const gint32 *)p);
        return;
    case GV_XDR_UINT:
        gvXdrEncodeU32(b, *(const guint32 *)p);
        return;
    case GV_XDR_HYPER:
        gvXdrEncodeI64(b, *(const gint64 *)p);
        return;
    case GV_XDR_UHYPER:
        gvXdrEncodeU64(b, *(const guint64 *)p);
        return;
    case GV_XDR_BOOL:
        gvXdrEncodeU32(b, *(const bool *)p ? 1 : 0);
        return;
    case GV_XDR_DOUBLE: {
        guint64 bits;

        memcpy(&bits, p, sizeof(bits));
        gvXdrEncodeU64(b, bits);
        return;
    }
    case GV_XDR_STRING: {
        const char *s = *(char *const *)p;

        gvXdrEncodeString(b, s ? s : "");
        return;
    }
    case GV_XDR_OSTRING:
        gvXdrEncodeOptString(b, *(char *const *)p);
        return;
    case GV_XDR_OPAQUE: {
        const gvXdrOpaque *op = p;

        gvXdrEncodeOpaque(b, op->data, op->len);
        return;
    }
    case GV_XDR_FIXED_OPAQUE:
        gvXdrEncodeOpaqueFixed(b, p, f->bound);
        return;
    case GV_XDR_CHARS: {
        const gvXdrOpaque *op = p;

        gvXdrEncodeCharArray(b, (const char *)op->data, op->len);
        return;
    }
    case GV_XDR_FIXED_CHARS:
        for (i = 0; i < f->bound; i++)
            gvXdrEncodeI32(b, (gint32)((const signed char *)p)[i]);
        return;
    case GV_XDR_STRUCT:
        gvXdrEncodeLayout(b, f->sub, p);
        return;
    case GV_XDR_OPTIONAL: {
        const void *sp = *(void *const *)p;

        gvXdrEncodeU32(b, sp ? 1 : 0);
        if (sp)
            gvXdrEncodeLayout(b, f->sub, sp);
        return;
    }
    case GV_XDR_ARRAY: {
        const gvXdrArray *arr = p;

        gvXdrEncodeU32(b, arr->n);
        for (i = 0; i < arr->n; i++)
            gvXdrEncodeLayout(b, f->sub, (const char *)arr->v + (size_t)i * f->sub->size);
        return;
    }
    case GV_XDR_TPARAMS:
        gvTypedParamsEncode(b, *(GPtrArray *const *)p);
        return;
    case GV_XDR_KIND_LAST:
        break;
    }
    g_return_if_reached();
}

void
gvXdrEncodeLayout(GByteArray *b, const gvXdrLayout *layout, const void *in)
{
    size_t i;

    for (i = 0; i < layout->nfields; i++) {
        const gvXdrField *f = &layout->fields[i];

        gvXdrEncodeField(b, f, gvXdrFieldConstPtr(in, f));
    }
}

static size_t
gvXdrPadded(size_t len)
{
    return (len + 3) & ~(size_t)3;
}

static size_t
gvXdrFieldSize(const gvXdrField *f, const void *p)
{
    guint32 i;
    size_t n;

    switch (f->kind) {
    case GV_XDR_INT:
    case GV_XDR_UINT:
    case GV_XDR_BOOL:
        return 4;
    case GV_XDR_HYPER:
    case GV_XDR_UHYPER:
    case GV_XDR_DOUBLE:
        return 8;
    case GV_XDR_STRING: {
        const char *s = *(char *const *)p;

        return 4 + gvXdrPadded(s ? strlen(s) : 0);
    }
    case GV_XDR_OSTRING: {
        const char *s = *(char *const *)p;

        return 4 + (s ? 4 + gvXdrPadded(strlen(s)) : 0);
    }
    case GV_XDR_OPAQUE:
        return 4 + gvXdrPadded(((const gvXdrOpaque *)p)->len);
    case GV_XDR_FIXED_OPAQUE:
        return gvXdrPadded(f->bound);
    case GV_XDR_CHARS:
        return 4 + 4 * (size_t)((const gvXdrOpaque *)p)->len;
    case GV_XDR_FIXED_CHARS:
        return 4 * (size_t)f->bound;
    case GV_XDR_STRUCT:
        return gvXdrLayoutSize(f->sub, p);
    case GV_XDR_OPTIONAL: {
        const void *sp = *(void *const *)p;

        return 4 + (sp ? gvXdrLayoutSize(f->sub, sp) : 0);
    }
    case GV_XDR_ARRAY: {
        const gvXdrArray *arr = p;

        n = 4;
        for (i = 0; i < arr->n; i++)
            n += gvXdrLayoutSize(f->sub, (const char *)arr->v + (size_t)i * f->sub->size);
        return n;
    }
    case GV_XDR_TPARAMS:
        return gvTypedParamsSize(*(GPtrArray *const *)p);
    case GV_XDR_KIND_LAST:
        break;
    }
    g_return_val_if_reached(0);
}

size_t
gvXdrLayoutSize(const gvXdrLayout *layout, const void *in)
{
    size_t n = 0;
    size_t i;

    for (i = 0; i < layout->nfields; i++) {
        const gvXdrField *f = &layout->fields[i];

        n += gvXdrFieldSize(f, gvXdrFieldConstPtr(in, f));
    }
    return n;
}

static void
gvXdrOpaqueClear(gvXdrOpaque *op)
{
    if (op->data) {
        explicit_bzero(op->data, op->len);
        g_free(op->data);
    }
    op->data = NULL;
    op->len = 0;
}

static void
gvXdrClearField(const gvXdrField *f, void *p)
{
    switch (f->kind) {
    case GV_XDR_INT:
    case GV_XDR_UINT:
    case GV_XDR_HYPER:
    case GV_XDR_UHYPER:
    case GV_XDR_BOOL:
    case GV_XDR_DOUBLE:
        return;
    case GV_XDR_STRING:
    case GV_XDR_OSTRING:
        gvSecretFree(*(char **)p);
        *(char **)p = NULL;
        return;
    case GV_XDR_OPAQUE:
    case GV_XDR_CHARS:
        gvXdrOpaqueClear(p);
        return;
    case GV_XDR_FIXED_OPAQUE:
    case GV_XDR_FIXED_CHARS:
        explicit_bzero(p, f->bound);
        return;
    case GV_XDR_STRUCT:
        gvXdrLayoutClear(f->sub, p);
        return;
    case GV_XDR_OPTIONAL: {
        void **sp = p;

        if (*sp) {
            gvXdrLayoutClear(f->sub, *sp);
            g_free(*sp);
            *sp = NULL;
        }
        return;
    }
    case GV_XDR_ARRAY: {
        gvXdrArray *arr = p;
        guint32 i;

        for (i = 0; arr->v && i < arr->n; i++)
            gvXdrLayoutClear(f->sub, (char *)arr->v + (size_t)i * f->sub->size);
        g_free(arr->v);
        arr->v = NULL;
        arr->n = 0;
        return;
    }
    case GV_XDR_TPARAMS:
        g_clear_pointer((GPtrArray **)p, gvTypedParamsFree);
        return;
    case GV_XDR_KIND_LAST:
        break;
    }
    g_return_if_reached();
}

void
gvXdrLayoutClear(const gvXdrLayout *layout, void *obj)
{
    size_t i;

    for (i = 0; i < layout->nfields; i++) {
        const gvXdrField *f = &layout->fields[i];

        gvXdrClearField(f, gvXdrFieldPtr(obj, f));
    }
}
