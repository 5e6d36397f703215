/*
 * gvxdr.h: XDR (RFC 4506) encoding and decoding, as libvirt's RPC uses it
 *
 * Pure: no I/O.  The decoder checks every length against its bound and
 * against the bytes left before it allocates anything, and stays failed
 * once a read fails, so a handler can decode all its fields and check once.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

void gvXdrEncodeU32(GByteArray *b, guint32 v);
void gvXdrEncodeI32(GByteArray *b, gint32 v);
void gvXdrEncodeU64(GByteArray *b, guint64 v);
void gvXdrEncodeI64(GByteArray *b, gint64 v);
/* remote_nonnull_string */
void gvXdrEncodeString(GByteArray *b, const char *s);
/* remote_string: a presence flag, then the string */
void gvXdrEncodeOptString(GByteArray *b, const char *s);
/* opaque[len]: no length word */
void gvXdrEncodeOpaqueFixed(GByteArray *b, const void *data, size_t len);
/* opaque<>: length word, bytes, padding */
void gvXdrEncodeOpaque(GByteArray *b, const void *data, size_t len);
/* char<>: a count, then each char as a 4-byte int (libvirt's security labels) */
void gvXdrEncodeCharArray(GByteArray *b, const char *s, size_t len);

typedef struct {
    const guint8 *data;
    size_t len;
    size_t pos;
    bool failed;
} gvXdrDecoder;

#define GV_XDR_DECODER_INIT(d, l) \
    { \
        (const guint8 *)(d), (l), 0, false \
    }

bool gvXdrDecodeU32(gvXdrDecoder *d, guint32 *out);
bool gvXdrDecodeI32(gvXdrDecoder *d, gint32 *out);
bool gvXdrDecodeU64(gvXdrDecoder *d, guint64 *out);
bool gvXdrDecodeI64(gvXdrDecoder *d, gint64 *out);
/* Fails on a length over @max, past the end, or with an embedded NUL */
bool gvXdrDecodeString(gvXdrDecoder *d, guint32 max, char **out);
bool gvXdrDecodeOptString(gvXdrDecoder *d, guint32 max, char **out);
bool gvXdrDecodeOpaqueFixed(gvXdrDecoder *d, void *out, size_t len);
bool gvXdrDecodeOpaque(gvXdrDecoder *d, guint32 max, guint8 **out, size_t *outlen);
/* An array count: at most @max, and @minElemSize bytes each must be left */
bool gvXdrDecodeCount(gvXdrDecoder *d, guint32 max, size_t minElemSize, guint32 *out);
/* char<>: at most @max, returned NUL-terminated */
bool gvXdrDecodeCharArray(gvXdrDecoder *d, guint32 max, char **out);
/* Everything consumed and nothing failed */
bool gvXdrDecodeFinished(const gvXdrDecoder *d);

/* Wipes (explicit_bzero) and frees a buffer that may have carried a secret */
void gvXdrBufferFree(GByteArray *b);
