/*
 * gvsaveimage.h: genvirt's save image format (docs/saveimage.md)
 *
 * A save image is a header, the domain XML (with its genid GUID: the file
 * is a secret, mode 0600), then QEMU's migration stream, then a trailer:
 *
 *   0           header, 96 bytes (big-endian fields, SHA-256 of header + XML)
 *   96          two XML slots of xmlSlot bytes each; xmlOffset names the live one
 *   dataOffset  QEMU's migration stream, dataLen bytes (4096-aligned start)
 *   +dataLen    trailer, 16 bytes: "GVIREND\n" and dataLen again
 *
 * dataLen is 0 until the save finished; the trailer is written last but
 * one (the header after it).  An image is complete only when its file size
 * is exactly dataOffset + dataLen + 16 and the trailer repeats dataLen, so
 * a truncated or unfinished file is refused before QEMU reads any of it.
 * The parsers here do no I/O (they are fuzzed); the file functions below
 * them use them.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#define GV_SAVE_IMAGE_MAGIC "GVIRSAVE"
#define GV_SAVE_IMAGE_TRAILER_MAGIC "GVIREND\n"
#define GV_SAVE_IMAGE_VERSION 1
#define GV_SAVE_IMAGE_HEADER_SIZE 96
#define GV_SAVE_IMAGE_SUMMED_SIZE 64 /* header bytes the checksum covers */
#define GV_SAVE_IMAGE_TRAILER_SIZE 16
#define GV_SAVE_IMAGE_ALIGN 4096
/* at most the XML a config may have (GV_XML_MAX_LEN) */
#define GV_SAVE_IMAGE_XML_MAX (10 * 1024 * 1024)
/* each XML slot has room for at least this much, or twice the XML */
#define GV_SAVE_IMAGE_XML_SLOT_MIN (32 * 1024)

/* The state the guest is restored into (virDomainState values) */
typedef enum {
    GV_SAVE_IMAGE_STATE_RUNNING = 1,
    GV_SAVE_IMAGE_STATE_PAUSED = 3,
} gvSaveImageState;

typedef struct {
    guint32 version;
    guint32 state; /* gvSaveImageState */
    guint64 xmlOffset; /* the live XML slot */
    guint32 xmlLen; /* bytes of XML in it, no NUL */
    guint32 xmlSlot; /* size of each slot */
    guint64 dataOffset;
    guint64 dataLen; /* 0: the save did not finish */
    unsigned char sum[32]; /* SHA-256 of header bytes 0..63 and the XML */
} gvSaveImageHeader;

/* ---- pure (no I/O) --------------------------------------------------------- */

/* A header for @xmlLen bytes of XML in slot 0, with dataLen 0 */
void gvSaveImageHeaderInit(gvSaveImageHeader *hdr, size_t xmlLen, gvSaveImageState state);
/* The 96 header bytes of @hdr; computes hdr->sum over them and @xml (xmlLen bytes) */
void gvSaveImageHeaderFormat(gvSaveImageHeader *hdr, const char *xml,
                             guint8 out[GV_SAVE_IMAGE_HEADER_SIZE]);
/*
 * Checks the layout of the @len header bytes in @buf (magic, version,
 * offsets, bounds; @what names the file in errors) and fills @hdr.
 * The checksum needs the XML: gvSaveImageCheckSum.
 */
int gvSaveImageHeaderParse(const guint8 *buf, size_t len, const char *what, gvSaveImageHeader *hdr,
                           GError **error);
/* The header checksum against @header (its 96 bytes) and the @xml it announces */
int gvSaveImageCheckSum(const gvSaveImageHeader *hdr, const guint8 *header, const char *xml,
                        const char *what, GError **error);
void gvSaveImageTrailerFormat(guint64 dataLen, guint8 out[GV_SAVE_IMAGE_TRAILER_SIZE]);
/* Completeness: an image of @fileSize bytes ending in @trailer */
int gvSaveImageCheckComplete(const gvSaveImageHeader *hdr, guint64 fileSize, const guint8 *trailer,
                             const char *what, GError **error);
/*
 * A whole image in memory (the QEMU stream may be anything): every check
 * above, in the order restore runs them.  @xml: a NUL-terminated copy (a
 * secret: gvSecretFree).
 */
int gvSaveImageParseBuffer(const guint8 *data, size_t len, gvSaveImageHeader *hdr, char **xml,
                           GError **error);

/* ---- files ------------------------------------------------------------------ */

/*
 * Opens the complete image @path and reads its XML (a secret); the fd
 * (O_CLOEXEC, @writable or read-only) is positioned at dataOffset.
 */
int gvSaveImageOpen(const char *path, bool writable, gvSaveImageHeader *hdr, char **xml, int *fdOut,
                    GError **error);

/*
 * Starts an image for @path: a temporary file beside it (mode 0600) holding
 * the header and @xml, its fd positioned at dataOffset for QEMU's stream.
 */
typedef struct {
    int fd;
    char *path;
    char *tmpPath;
    char *xml;
    gvSaveImageHeader hdr;
} gvSaveImageWriter;

#define GV_SAVE_IMAGE_WRITER_INIT \
    { \
        .fd = -1 \
    }

int gvSaveImageWriterStart(gvSaveImageWriter *w, const char *path, const char *xml,
                           gvSaveImageState state, GError **error);
/*
 * QEMU has written its stream: records its length, writes the trailer and
 * the final header, syncs, renames the image into place and syncs the
 * directory.  @dropCache: then drops the file's pages from the page cache.
 */
int gvSaveImageWriterFinish(gvSaveImageWriter *w, bool dropCache, GError **error);
/* Removes an unfinished image and frees @w (also after Finish: frees only) */
void gvSaveImageWriterClear(gvSaveImageWriter *w);

/*
 * Replaces the XML of the image @path (@xml NULL: keeps it) and its state
 * (@state 0: keeps it).  The new XML goes to the other slot, then the header
 * points at it: a crash leaves the old XML or the new one.
 */
int gvSaveImageUpdate(const char *path, const char *xml, guint32 state, GError **error);
