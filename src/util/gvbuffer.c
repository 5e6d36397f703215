/*
 * gvbuffer.c: a growing string with indentation, for XML formatting
 */
#include <gvconfig.h>

#include <string.h>

#include <glib/gprintf.h>

#include "gvbuffer.h"

static void
gvBufferEnsure(gvBuffer *buf)
{
    if (!buf->str)
        buf->str = g_string_sized_new(256);
}

/*
 * Room for @extra more bytes (and the NUL).  GString would grow with
 * realloc, which frees the old block as it is: what was formatted may be a
 * secret (the genid GUID), so growing here copies into a new block and
 * wipes the old one.
 */
static void
gvStringReserve(GString *s, gsize extra)
{
    gsize want = s->len + extra + 1;
    gsize cap = MAX(s->allocated_len, 64);
    char *bigger;

    if (want <= s->allocated_len)
        return;
    while (cap < want)
        cap *= 2;
    bigger = g_malloc(cap);
    memcpy(bigger, s->str, s->len + 1);
    explicit_bzero(s->str, s->allocated_len);
    g_free(s->str);
    s->str = bigger;
    s->allocated_len = cap;
}

void
gvStringAppendSecret(GString *s, const char *data, gsize len)
{
    gvStringReserve(s, len);
    g_string_append_len(s, data, (gssize)len);
}

void
gvStringWipe(GString *s)
{
    explicit_bzero(s->str, s->allocated_len);
    g_string_truncate(s, 0);
}

static void
gvBufferAppendLen(gvBuffer *buf, const char *data, gsize len)
{
    gvBufferEnsure(buf);
    gvStringReserve(buf->str, len);
    g_string_append_len(buf->str, data, (gssize)len);
}

static void
gvBufferApplyIndent(gvBuffer *buf)
{
    static const char spaces[] = "                                ";

    gvBufferEnsure(buf);
    if (buf->indent > 0 && (buf->str->len == 0 || buf->str->str[buf->str->len - 1] == '\n')) {
        int left = buf->indent;

        while (left > 0) {
            int n = MIN(left, (int)sizeof(spaces) - 1);

            gvBufferAppendLen(buf, spaces, (gsize)n);
            left -= n;
        }
    }
}

void
gvBufferAdjustIndent(gvBuffer *buf, int delta)
{
    buf->indent += delta;
    if (buf->indent < 0)
        buf->indent = 0;
}

void
gvBufferAddLit(gvBuffer *buf, const char *str)
{
    gvBufferApplyIndent(buf);
    gvBufferAppendLen(buf, str, strlen(str));
}

/*
 * Formats into a buffer on the stack, wiped after: what is printed may be a
 * secret, and g_string_append_vprintf would leave it in a heap string freed
 * unwiped.  Longer output goes through the heap, wiped too.
 */
void
gvBufferAsprintf(gvBuffer *buf, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    int n;

    gvBufferApplyIndent(buf);
    va_start(ap, fmt);
    n = g_vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof(tmp)) {
        gvBufferAppendLen(buf, tmp, (gsize)n);
    } else {
        g_autofree char *big = NULL;

        va_start(ap, fmt);
        n = g_vasprintf(&big, fmt, ap);
        va_end(ap);
        if (n >= 0) {
            gvBufferAppendLen(buf, big, (gsize)n);
            explicit_bzero(big, (size_t)n);
        }
    }
    explicit_bzero(tmp, sizeof(tmp));
}

/*
 * Escapes @str for XML.  CR and TAB become character references so they
 * survive a parse (which normalizes them); so does LF inside an attribute.
 */
static void
gvBufferAppendEscaped(GString *out, const char *str, bool attribute)
{
    const char *p;

    /* room for the longest escape of every byte: no growth below */
    gvStringReserve(out, strlen(str) * 6);
    for (p = str; *p; p++) {
        switch (*p) {
        case '\r':
            g_string_append(out, "&#13;");
            break;
        case '\t':
            if (attribute)
                g_string_append(out, "&#9;");
            else
                g_string_append_c(out, *p);
            break;
        case '\n':
            if (attribute)
                g_string_append(out, "&#10;");
            else
                g_string_append_c(out, *p);
            break;
        case '<':
            g_string_append(out, "&lt;");
            break;
        case '>':
            g_string_append(out, "&gt;");
            break;
        case '&':
            g_string_append(out, "&amp;");
            break;
        case '\'':
            g_string_append(out, "&apos;");
            break;
        case '"':
            g_string_append(out, "&quot;");
            break;
        default:
            g_string_append_c(out, *p);
            break;
        }
    }
}

void
gvBufferEscapeString(gvBuffer *buf, const char *fmt, const char *str)
{
    const char *pct = strstr(fmt, "%s");

    g_return_if_fail(pct != NULL);
    gvBufferApplyIndent(buf);
    gvBufferAppendLen(buf, fmt, (gsize)(pct - fmt));
    /* '%s' right after a quote is an attribute value */
    gvBufferAppendEscaped(buf->str, str, pct > fmt && (pct[-1] == '\'' || pct[-1] == '"'));
    gvBufferAppendLen(buf, pct + 2, strlen(pct + 2));
}

void
gvBufferAddBuffer(gvBuffer *buf, gvBuffer *child)
{
    if (gvBufferIsEmpty(child))
        return;
    gvBufferAppendLen(buf, child->str->str, child->str->len);
    gvBufferClear(child);
}

bool
gvBufferIsEmpty(const gvBuffer *buf)
{
    return !buf->str || buf->str->len == 0;
}

const char *
gvBufferCurrentContent(const gvBuffer *buf)
{
    return buf->str ? buf->str->str : "";
}

char *
gvBufferContentAndReset(gvBuffer *buf)
{
    char *ret;

    gvBufferEnsure(buf);
    ret = g_string_free(buf->str, FALSE);
    buf->str = NULL;
    return ret;
}

void
gvBufferClear(gvBuffer *buf)
{
    if (buf->str) {
        explicit_bzero(buf->str->str, buf->str->allocated_len);
        g_string_free(buf->str, TRUE);
        buf->str = NULL;
    }
}

void
gvXMLFormatElement(gvBuffer *buf, const char *name, gvBuffer *attrBuf, gvBuffer *childBuf)
{
    bool noAttrs = !attrBuf || gvBufferIsEmpty(attrBuf);
    bool noChildren = !childBuf || gvBufferIsEmpty(childBuf);

    if (noAttrs && noChildren)
        return;
    gvBufferAsprintf(buf, "<%s", name);
    if (!noAttrs)
        gvBufferAddBuffer(buf, attrBuf);
    if (noChildren) {
        gvBufferAddLit(buf, "/>\n");
        return;
    }
    gvBufferAddLit(buf, ">\n");
    gvBufferAddBuffer(buf, childBuf);
    gvBufferAsprintf(buf, "</%s>\n", name);
}

void
gvSecretFree(char *str)
{
    if (!str)
        return;
    explicit_bzero(str, strlen(str));
    g_free(str);
}
