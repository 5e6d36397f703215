/*
 * gvxdr.c: XDR (RFC 4506) encoding and decoding, as libvirt's RPC uses it
 */
#include <gvconfig.h>

#include <string.h>

#include "gvxdr.h"

static const guint8 gvXdrZeros[4] = { 0, 0, 0, 0 };

static size_t
gvXdrPad(size_t len)
{
    return (4 - (len & 3)) & 3;
}

void
gvXdrEncodeU32(GByteArray *b, guint32 v)
{
    guint32 be = GUINT32_TO_BE(v);

    g_byte_array_append(b, (const guint8 *)&be, 4);
}

void
gvXdrEncodeI32(GByteArray *b, gint32 v)
{
    gvXdrEncodeU32(b, (guint32)v);
}

void
gvXdrEncodeU64(GByteArray *b, guint64 v)
{
    guint64 be = GUINT64_TO_BE(v);

    g_byte_array_append(b, (const guint8 *)&be, 8);
}

void
gvXdrEncodeI64(GByteArray *b, gint64 v)
{
    gvXdrEncodeU64(b, (guint64)v);
}

void
gvXdrEncodeOpaqueFixed(GByteArray *b, const void *data, size_t len)
{
    g_byte_array_append(b, data, (guint)len);
    g_byte_array_append(b, gvXdrZeros, (guint)gvXdrPad(len));
}

void
gvXdrEncodeOpaque(GByteArray *b, const void *data, size_t len)
{
    gvXdrEncodeU32(b, (guint32)len);
    gvXdrEncodeOpaqueFixed(b, data, len);
}

void
gvXdrEncodeString(GByteArray *b, const char *s)
{
    gvXdrEncodeOpaque(b, s, strlen(s));
}

void
gvXdrEncodeOptString(GByteArray *b, const char *s)
{
    gvXdrEncodeU32(b, s ? 1 : 0);
    if (s)
        gvXdrEncodeString(b, s);
}

void
gvXdrEncodeCharArray(GByteArray *b, const char *s, size_t len)
{
    size_t i;

    gvXdrEncodeU32(b, (guint32)len);
    for (i = 0; i < len; i++)
        gvXdrEncodeI32(b, (gint32)(signed char)s[i]);
}

static bool
gvXdrFail(gvXdrDecoder *d)
{
    d->failed = true;
    return false;
}

static bool
gvXdrTake(gvXdrDecoder *d, size_t n, const guint8 **out)
{
    if (d->failed || n > d->len - d->pos)
        return gvXdrFail(d);
    *out = d->data + d->pos;
    d->pos += n;
    return true;
}

bool
gvXdrDecodeU32(gvXdrDecoder *d, guint32 *out)
{
    const guint8 *p;
    guint32 be;

    if (!gvXdrTake(d, 4, &p))
        return false;
    memcpy(&be, p, 4);
    *out = GUINT32_FROM_BE(be);
    return true;
}

bool
gvXdrDecodeI32(gvXdrDecoder *d, gint32 *out)
{
    guint32 v;

    if (!gvXdrDecodeU32(d, &v))
        return false;
    *out = (gint32)v;
    return true;
}

bool
gvXdrDecodeU64(gvXdrDecoder *d, guint64 *out)
{
    const guint8 *p;
    guint64 be;

    if (!gvXdrTake(d, 8, &p))
        return false;
    memcpy(&be, p, 8);
    *out = GUINT64_FROM_BE(be);
    return true;
}

bool
gvXdrDecodeI64(gvXdrDecoder *d, gint64 *out)
{
    guint64 v;

    if (!gvXdrDecodeU64(d, &v))
        return false;
    *out = (gint64)v;
    return true;
}

bool
gvXdrDecodeOpaqueFixed(gvXdrDecoder *d, void *out, size_t len)
{
    const guint8 *p;
    const guint8 *pad;

    if (!gvXdrTake(d, len, &p) || !gvXdrTake(d, gvXdrPad(len), &pad))
        return false;
    memcpy(out, p, len);
    return true;
}

bool
gvXdrDecodeOpaque(gvXdrDecoder *d, guint32 max, guint8 **out, size_t *outlen)
{
    guint32 len;
    const guint8 *p;
    const guint8 *pad;

    if (!gvXdrDecodeU32(d, &len))
        return false;
    /* bounded before anything is allocated */
    if (len > max || !gvXdrTake(d, len, &p) || !gvXdrTake(d, gvXdrPad(len), &pad))
        return gvXdrFail(d);
    *out = g_memdup2(p, len);
    *outlen = len;
    return true;
}

bool
gvXdrDecodeString(gvXdrDecoder *d, guint32 max, char **out)
{
    guint32 len;
    const guint8 *p;
    const guint8 *pad;

    if (!gvXdrDecodeU32(d, &len))
        return false;
    if (len > max || !gvXdrTake(d, len, &p) || !gvXdrTake(d, gvXdrPad(len), &pad))
        return gvXdrFail(d);
    if (memchr(p, '\0', len))
        return gvXdrFail(d);
    *out = g_strndup((const char *)p, len);
    return true;
}

bool
gvXdrDecodeOptString(gvXdrDecoder *d, guint32 max, char **out)
{
    guint32 present;

    if (!gvXdrDecodeU32(d, &present))
        return false;
    if (present == 0) {
        *out = NULL;
        return true;
    }
    /* as glibc's xdr_pointer: any non-zero flag means present */
    return gvXdrDecodeString(d, max, out);
}

bool
gvXdrDecodeCount(gvXdrDecoder *d, guint32 max, size_t minElemSize, guint32 *out)
{
    guint32 n;

    if (!gvXdrDecodeU32(d, &n))
        return false;
    if (n > max || (minElemSize > 0 && n > (d->len - d->pos) / minElemSize))
        return gvXdrFail(d);
    *out = n;
    return true;
}

bool
gvXdrDecodeCharArray(gvXdrDecoder *d, guint32 max, char **out)
{
    guint32 n;
    guint32 i;
    char *s;

    if (!gvXdrDecodeCount(d, max, 4, &n))
        return false;
    s = g_malloc0((gsize)n + 1);
    for (i = 0; i < n; i++) {
        gint32 c;

        if (!gvXdrDecodeI32(d, &c)) {
            g_free(s);
            return false;
        }
        s[i] = (char)c;
    }
    *out = s;
    return true;
}

bool
gvXdrDecodeFinished(const gvXdrDecoder *d)
{
    return !d->failed && d->pos == d->len;
}

void
gvXdrBufferFree(GByteArray *b)
{
    if (!b)
        return;
    if (b->len > 0)
        explicit_bzero(b->data, b->len);
    g_byte_array_free(b, TRUE);
}
