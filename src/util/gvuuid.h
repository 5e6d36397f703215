/*
 * gvuuid.h: RFC 4122 UUIDs and random bytes from getrandom(2)
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#define GV_UUID_BUFLEN 16
#define GV_UUID_STRING_BUFLEN 37 /* 8-4-4-4-12 plus NUL */

/* Fills @buf from getrandom(2); never from a non-cryptographic source. */
int gvRandomBytes(unsigned char *buf, size_t len, GError **error);

/* A random (version 4, RFC 4122 variant) UUID. */
int gvUUIDGenerate(unsigned char uuid[GV_UUID_BUFLEN], GError **error);

/*
 * Accepts 8-4-4-4-12 or 32 hex digits, any case, surrounding white space
 * ignored.  Returns false (and leaves @uuid alone) for anything else.
 */
bool gvUUIDParse(const char *str, unsigned char uuid[GV_UUID_BUFLEN]);

/* Lower-case 8-4-4-4-12 into @out; returns @out. */
char *gvUUIDFormat(const unsigned char uuid[GV_UUID_BUFLEN], char out[GV_UUID_STRING_BUFLEN]);

bool gvUUIDIsNil(const unsigned char uuid[GV_UUID_BUFLEN]);
