/*
 * gvuuid.c: RFC 4122 UUIDs and random bytes from getrandom(2)
 */
#include <gvconfig.h>

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "gverror.h"
#include "gvuuid.h"

int
gvRandomBytes(unsigned char *buf, size_t len, GError **error)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = getrandom(buf + done, len - done, 0);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            gvReportSystemError(error, errno, "cannot read %zu random bytes", len);
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

int
gvUUIDGenerate(unsigned char uuid[GV_UUID_BUFLEN], GError **error)
{
    unsigned char tmp[GV_UUID_BUFLEN];

    if (gvRandomBytes(tmp, sizeof(tmp), error) < 0)
        return -1;
    tmp[6] = (tmp[6] & 0x0f) | 0x40; /* version 4 */
    tmp[8] = (tmp[8] & 0x3f) | 0x80; /* RFC 4122 variant */
    memcpy(uuid, tmp, sizeof(tmp));
    explicit_bzero(tmp, sizeof(tmp));
    return 0;
}

bool
gvUUIDParse(const char *str, unsigned char uuid[GV_UUID_BUFLEN])
{
    unsigned char tmp[GV_UUID_BUFLEN];
    const char *p;
    const char *end;
    size_t len;
    bool dashed;
    size_t nibble = 0;

    if (!str)
        return false;
    p = str;
    while (g_ascii_isspace(*p))
        p++;
    end = p + strlen(p);
    while (end > p && g_ascii_isspace(end[-1]))
        end--;
    len = end - p;
    if (len == 36)
        dashed = true;
    else if (len == 32)
        dashed = false;
    else
        return false;

    for (; p < end; p++) {
        size_t pos = len - (size_t)(end - p);
        int v;

        if (dashed && (pos == 8 || pos == 13 || pos == 18 || pos == 23)) {
            if (*p != '-')
                return false;
            continue;
        }
        v = g_ascii_xdigit_value(*p);
        if (v < 0)
            return false;
        if (nibble % 2 == 0)
            tmp[nibble / 2] = (unsigned char)(v << 4);
        else
            tmp[nibble / 2] |= (unsigned char)v;
        nibble++;
    }
    if (nibble != 32)
        return false;
    memcpy(uuid, tmp, sizeof(tmp));
    return true;
}

char *
gvUUIDFormat(const unsigned char uuid[GV_UUID_BUFLEN], char out[GV_UUID_STRING_BUFLEN])
{
    static const char hex[] = "0123456789abcdef";
    size_t i;
    size_t o = 0;

    for (i = 0; i < GV_UUID_BUFLEN; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[uuid[i] >> 4];
        out[o++] = hex[uuid[i] & 0xf];
    }
    out[o] = '\0';
    return out;
}

bool
gvUUIDIsNil(const unsigned char uuid[GV_UUID_BUFLEN])
{
    size_t i;

    for (i = 0; i < GV_UUID_BUFLEN; i++) {
        if (uuid[i] != 0)
            return false;
    }
    return true;
}
