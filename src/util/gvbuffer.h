/*
 * gvbuffer.h: a growing string with indentation, for XML formatting
 *
 * Caller-owned: declare with GV_BUFFER_INIT (or GV_BUFFER_INIT_CHILD for the
 * children of an element) and release with gvBufferClear, or take the
 * contents with gvBufferContentAndReset.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

typedef struct {
    GString *str;
    int indent;
} gvBuffer;

#define GV_BUFFER_INIT \
    { \
        NULL, 0 \
    }
#define GV_BUFFER_INIT_CHILD(parent) \
    { \
        NULL, (parent)->indent + 2 \
    }

void gvBufferAdjustIndent(gvBuffer *buf, int delta);
void gvBufferAddLit(gvBuffer *buf, const char *str);
void gvBufferAsprintf(gvBuffer *buf, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* @fmt must have exactly one %s, which receives @str escaped for XML */
void gvBufferEscapeString(gvBuffer *buf, const char *fmt, const char *str);
/* Appends the contents of @child (already indented) and clears it */
void gvBufferAddBuffer(gvBuffer *buf, gvBuffer *child);
bool gvBufferIsEmpty(const gvBuffer *buf);
const char *gvBufferCurrentContent(const gvBuffer *buf);
char *gvBufferContentAndReset(gvBuffer *buf);
/* Wipes the memory (explicit_bzero) and frees it */
void gvBufferClear(gvBuffer *buf);

/*
 * Writes <name ATTRS/> or <name ATTRS>\n CHILDREN </name>; nothing at all
 * when both buffers are empty.  Clears both buffers.
 */
void gvXMLFormatElement(gvBuffer *buf, const char *name, gvBuffer *attrBuf, gvBuffer *childBuf);

/*
 * Appends to @s, which may hold a secret: growing copies into a new block
 * and wipes the old one (GString's own growth would free it as it is).
 */
void gvStringAppendSecret(GString *s, const char *data, gsize len);
/* Empties @s, wiping what it held */
void gvStringWipe(GString *s);

/* Frees a string that may hold a secret, wiping it first. */
void gvSecretFree(char *str);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(gvBuffer, gvBufferClear)
