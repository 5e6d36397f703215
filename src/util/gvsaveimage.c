/*
 * gvsaveimage.c: genvirt's save image format (docs/saveimage.md)
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gvbuffer.h"
#include "gverror.h"
#include "gvfile.h"
#include "gvsaveimage.h"

/*
 * Header layout (big-endian):
 *    0  8  magic "GVIRSAVE"       36  4  reserved, 0
 *    8  4  version (1)            40  8  dataOffset
 *   12  4  header size (96)       48  8  dataLen (0: unfinished)
 *   16  4  state (1, 3)           56  8  reserved, 0
 *   20  4  xmlLen                 64 32  SHA-256 of bytes 0..63 and the XML
 *   24  8  xmlOffset
 *   32  4  xmlSlot
 */
#define GV_OFF_VERSION 8
#define GV_OFF_HDRSIZE 12
#define GV_OFF_STATE 16
#define GV_OFF_XMLLEN 20
#define GV_OFF_XMLOFFSET 24
#define GV_OFF_XMLSLOT 32
#define GV_OFF_RESERVED1 36
#define GV_OFF_DATAOFFSET 40
#define GV_OFF_DATALEN 48
#define GV_OFF_RESERVED2 56
#define GV_OFF_SUM 64

/* the largest slot a valid image may announce, and where its data may start */
#define GV_SLOT_MAX (2 * GV_SAVE_IMAGE_XML_MAX)
#define GV_DATA_OFFSET_MAX \
    (GV_SAVE_IMAGE_HEADER_SIZE + 2 * (guint64)GV_SLOT_MAX + 2 * GV_SAVE_IMAGE_ALIGN)

static void
gvPutBE(guint8 *p, guint64 v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        p[i] = (guint8)(v >> (8 * (n - 1 - i)));
}

static guint64
gvGetBE(const guint8 *p, size_t n)
{
    guint64 v = 0;
    size_t i;

    for (i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

static guint64
gvRoundUp(guint64 v, guint64 align)
{
    return (v + align - 1) / align * align;
}

void
gvSaveImageHeaderInit(gvSaveImageHeader *hdr, size_t xmlLen, gvSaveImageState state)
{
    guint64 slot = MAX((guint64)GV_SAVE_IMAGE_XML_SLOT_MIN, 2 * (guint64)xmlLen);

    memset(hdr, 0, sizeof(*hdr));
    hdr->version = GV_SAVE_IMAGE_VERSION;
    hdr->state = state;
    hdr->xmlLen = (guint32)xmlLen;
    hdr->xmlSlot = (guint32)gvRoundUp(slot, GV_SAVE_IMAGE_ALIGN);
    hdr->xmlOffset = GV_SAVE_IMAGE_HEADER_SIZE;
    hdr->dataOffset =
        gvRoundUp(GV_SAVE_IMAGE_HEADER_SIZE + 2 * (guint64)hdr->xmlSlot, GV_SAVE_IMAGE_ALIGN);
}

static void
gvSaveImageSum(const guint8 *header, const char *xml, size_t xmlLen, unsigned char out[32])
{
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    gsize n = 32;

    g_checksum_update(sum, header, GV_SAVE_IMAGE_SUMMED_SIZE);
    g_checksum_update(sum, (const guchar *)xml, xmlLen);
    g_checksum_get_digest(sum, out, &n);
    g_checksum_free(sum);
}

void
gvSaveImageHeaderFormat(gvSaveImageHeader *hdr, const char *xml,
                        guint8 out[GV_SAVE_IMAGE_HEADER_SIZE])
{
    memset(out, 0, GV_SAVE_IMAGE_HEADER_SIZE);
    memcpy(out, GV_SAVE_IMAGE_MAGIC, 8);
    gvPutBE(out + GV_OFF_VERSION, hdr->version, 4);
    gvPutBE(out + GV_OFF_HDRSIZE, GV_SAVE_IMAGE_HEADER_SIZE, 4);
    gvPutBE(out + GV_OFF_STATE, hdr->state, 4);
    gvPutBE(out + GV_OFF_XMLLEN, hdr->xmlLen, 4);
    gvPutBE(out + GV_OFF_XMLOFFSET, hdr->xmlOffset, 8);
    gvPutBE(out + GV_OFF_XMLSLOT, hdr->xmlSlot, 4);
    gvPutBE(out + GV_OFF_DATAOFFSET, hdr->dataOffset, 8);
    gvPutBE(out + GV_OFF_DATALEN, hdr->dataLen, 8);
    gvSaveImageSum(out, xml, hdr->xmlLen, hdr->sum);
    memcpy(out + GV_OFF_SUM, hdr->sum, 32);
}

/* What a file that is not ours looks like, for the error message */
static const char *
gvSaveImageForeignKind(const guint8 *buf, size_t len)
{
    if (len >= 16 &&
        (memcmp(buf, "LibvirtQemudSave", 16) == 0 || memcmp(buf, "LibvirtQemudPart", 16) == 0))
        return ": it is a libvirt save image (genvirt reads only its own format)";
    if (len >= 4 && memcmp(buf, "QEVM", 4) == 0)
        return ": it is a bare QEMU migration stream, without genvirt's header";
    if (len >= 4 && memcmp(buf, "QFI\xfb", 4) == 0)
        return ": it is a qcow2 disk image";
    return "";
}

int
gvSaveImageHeaderParse(const guint8 *buf, size_t len, const char *what, gvSaveImageHeader *hdr,
                       GError **error)
{
    gvSaveImageHeader h = { 0 };
    guint64 hdrSize;

    if (len < 8 || memcmp(buf, GV_SAVE_IMAGE_MAGIC, 8) != 0) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "'%s' is not a genvirt save image (no '%s' magic at its start)%s", what,
                      GV_SAVE_IMAGE_MAGIC, gvSaveImageForeignKind(buf, len));
        return -1;
    }
    if (len < GV_SAVE_IMAGE_HEADER_SIZE) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is truncated: %zu bytes, not even its %d-byte header", what,
                      len, GV_SAVE_IMAGE_HEADER_SIZE);
        return -1;
    }
    h.version = (guint32)gvGetBE(buf + GV_OFF_VERSION, 4);
    if (h.version != GV_SAVE_IMAGE_VERSION) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' has format version %u; this genvirt reads version %d", what,
                      h.version, GV_SAVE_IMAGE_VERSION);
        return -1;
    }
    hdrSize = gvGetBE(buf + GV_OFF_HDRSIZE, 4);
    h.state = (guint32)gvGetBE(buf + GV_OFF_STATE, 4);
    h.xmlLen = (guint32)gvGetBE(buf + GV_OFF_XMLLEN, 4);
    h.xmlOffset = gvGetBE(buf + GV_OFF_XMLOFFSET, 8);
    h.xmlSlot = (guint32)gvGetBE(buf + GV_OFF_XMLSLOT, 4);
    h.dataOffset = gvGetBE(buf + GV_OFF_DATAOFFSET, 8);
    h.dataLen = gvGetBE(buf + GV_OFF_DATALEN, 8);
    memcpy(h.sum, buf + GV_OFF_SUM, 32);

    if (hdrSize != GV_SAVE_IMAGE_HEADER_SIZE || gvGetBE(buf + GV_OFF_RESERVED1, 4) != 0 ||
        gvGetBE(buf + GV_OFF_RESERVED2, 8) != 0) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is damaged: header size %" G_GUINT64_FORMAT
                      " or its reserved fields are wrong",
                      what, hdrSize);
        return -1;
    }
    if (h.state != GV_SAVE_IMAGE_STATE_RUNNING && h.state != GV_SAVE_IMAGE_STATE_PAUSED) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is damaged: state %u is neither running (1) nor paused (3)",
                      what, h.state);
        return -1;
    }
    if (h.xmlLen == 0 || h.xmlLen > GV_SAVE_IMAGE_XML_MAX || h.xmlSlot < h.xmlLen ||
        h.xmlSlot > GV_SLOT_MAX) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is damaged: XML length %u does not fit its slot of %u bytes "
                      "(at most %d)",
                      what, h.xmlLen, h.xmlSlot, GV_SAVE_IMAGE_XML_MAX);
        return -1;
    }
    if (h.xmlOffset != GV_SAVE_IMAGE_HEADER_SIZE &&
        h.xmlOffset != GV_SAVE_IMAGE_HEADER_SIZE + (guint64)h.xmlSlot) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is damaged: XML offset %" G_GUINT64_FORMAT
                      " is neither of its slots",
                      what, h.xmlOffset);
        return -1;
    }
    if (h.dataOffset < GV_SAVE_IMAGE_HEADER_SIZE + 2 * (guint64)h.xmlSlot ||
        h.dataOffset > GV_DATA_OFFSET_MAX || h.dataOffset % GV_SAVE_IMAGE_ALIGN != 0 ||
        h.dataLen > G_MAXUINT64 - h.dataOffset - GV_SAVE_IMAGE_TRAILER_SIZE) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is damaged: data offset %" G_GUINT64_FORMAT
                      " or length %" G_GUINT64_FORMAT " is out of range",
                      what, h.dataOffset, h.dataLen);
        return -1;
    }
    *hdr = h;
    return 0;
}

int
gvSaveImageCheckSum(const gvSaveImageHeader *hdr, const guint8 *header, const char *xml,
                    const char *what, GError **error)
{
    unsigned char sum[32];

    gvSaveImageSum(header, xml, hdr->xmlLen, sum);
    if (memcmp(sum, hdr->sum, sizeof(sum)) != 0) {
        gvReportError(
            error, GV_ERR_OPERATION_INVALID,
            "save image '%s' is damaged: the checksum of its header and XML does not match", what);
        return -1;
    }
    if (memchr(xml, '\0', hdr->xmlLen)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is damaged: its XML holds a NUL byte", what);
        return -1;
    }
    return 0;
}

void
gvSaveImageTrailerFormat(guint64 dataLen, guint8 out[GV_SAVE_IMAGE_TRAILER_SIZE])
{
    memcpy(out, GV_SAVE_IMAGE_TRAILER_MAGIC, 8);
    gvPutBE(out + 8, dataLen, 8);
}

int
gvSaveImageCheckComplete(const gvSaveImageHeader *hdr, guint64 fileSize, const guint8 *trailer,
                         const char *what, GError **error)
{
    guint64 want;

    if (hdr->dataLen == 0) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is incomplete: the save that wrote it did not finish", what);
        return -1;
    }
    want = hdr->dataOffset + hdr->dataLen + GV_SAVE_IMAGE_TRAILER_SIZE;
    if (fileSize < want) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is truncated: it has %" G_GUINT64_FORMAT
                      " bytes, its header announces %" G_GUINT64_FORMAT,
                      what, fileSize, want);
        return -1;
    }
    if (fileSize > want) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is damaged: it has %" G_GUINT64_FORMAT
                      " bytes, %" G_GUINT64_FORMAT " more than its header announces",
                      what, fileSize, fileSize - want);
        return -1;
    }
    if (memcmp(trailer, GV_SAVE_IMAGE_TRAILER_MAGIC, 8) != 0 ||
        gvGetBE(trailer + 8, 8) != hdr->dataLen) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is damaged: its trailer does not match its header", what);
        return -1;
    }
    return 0;
}

int
gvSaveImageParseBuffer(const guint8 *data, size_t len, gvSaveImageHeader *hdr, char **xml,
                       GError **error)
{
    gvSaveImageHeader h;
    const char *what = "(buffer)";

    if (gvSaveImageHeaderParse(data, len, what, &h, error) < 0)
        return -1;
    if (h.xmlOffset + h.xmlLen > len) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is truncated: it ends before its XML", what);
        return -1;
    }
    if (gvSaveImageCheckSum(&h, data, (const char *)data + h.xmlOffset, what, error) < 0)
        return -1;
    if (len < GV_SAVE_IMAGE_TRAILER_SIZE) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "save image '%s' is truncated", what);
        return -1;
    }
    if (gvSaveImageCheckComplete(&h, len, data + len - GV_SAVE_IMAGE_TRAILER_SIZE, what, error) < 0)
        return -1;
    *xml = g_strndup((const char *)data + h.xmlOffset, h.xmlLen);
    *hdr = h;
    return 0;
}

/* ---- files ------------------------------------------------------------------ */

static int
gvPreadFull(int fd, void *buf, size_t len, guint64 offset, const char *path, GError **error)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(offset + done));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            gvReportSystemError(error, errno, "cannot read save image '%s'", path);
            return -1;
        }
        if (n == 0) {
            gvReportError(error, GV_ERR_OPERATION_INVALID, "save image '%s' is truncated", path);
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

static int
gvPwriteFull(int fd, const void *buf, size_t len, guint64 offset, const char *path, GError **error)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(offset + done));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            gvReportSystemError(error, errno, "cannot write save image '%s'", path);
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

/* Reads and checks the header, XML and trailer of the image open on @fd */
static int
gvSaveImageRead(int fd, const char *path, gvSaveImageHeader *hdr, guint8 *raw, char **xml,
                GError **error)
{
    struct stat sb;
    guint8 trailer[GV_SAVE_IMAGE_TRAILER_SIZE];
    char *text = NULL;
    ssize_t n;

    if (fstat(fd, &sb) < 0) {
        gvReportSystemError(error, errno, "cannot stat save image '%s'", path);
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "'%s' is not a genvirt save image: it is not a regular file", path);
        return -1;
    }
    do {
        n = pread(fd, raw, GV_SAVE_IMAGE_HEADER_SIZE, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        gvReportSystemError(error, errno, "cannot read save image '%s'", path);
        return -1;
    }
    if (gvSaveImageHeaderParse(raw, (size_t)n, path, hdr, error) < 0)
        return -1;
    if (hdr->xmlOffset + hdr->xmlLen > (guint64)sb.st_size) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "save image '%s' is truncated: it has %lld bytes and ends before its XML",
                      path, (long long)sb.st_size);
        return -1;
    }
    text = g_malloc(hdr->xmlLen + 1);
    text[hdr->xmlLen] = '\0';
    if (gvPreadFull(fd, text, hdr->xmlLen, hdr->xmlOffset, path, error) < 0 ||
        gvSaveImageCheckSum(hdr, raw, text, path, error) < 0)
        goto error;
    if ((guint64)sb.st_size < GV_SAVE_IMAGE_TRAILER_SIZE ||
        gvPreadFull(fd, trailer, sizeof(trailer), (guint64)sb.st_size - sizeof(trailer), path,
                    error) < 0 ||
        gvSaveImageCheckComplete(hdr, (guint64)sb.st_size, trailer, path, error) < 0)
        goto error;
    *xml = text;
    return 0;

error:
    explicit_bzero(text, hdr->xmlLen);
    g_free(text);
    return -1;
}

int
gvSaveImageOpen(const char *path, bool writable, gvSaveImageHeader *hdr, char **xml, int *fdOut,
                GError **error)
{
    guint8 raw[GV_SAVE_IMAGE_HEADER_SIZE];
    gvSaveImageHeader h;
    char *text = NULL;
    int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY);

    if (fd < 0) {
        gvReportSystemError(error, errno, "cannot open save image '%s'", path);
        return -1;
    }
    if (gvSaveImageRead(fd, path, &h, raw, &text, error) < 0) {
        close(fd);
        return -1;
    }
    if (lseek(fd, (off_t)h.dataOffset, SEEK_SET) < 0) {
        gvReportSystemError(error, errno, "cannot seek in save image '%s'", path);
        gvSecretFree(text);
        close(fd);
        return -1;
    }
    *hdr = h;
    *xml = text;
    *fdOut = fd;
    return 0;
}

int
gvSaveImageWriterStart(gvSaveImageWriter *w, const char *path, const char *xml,
                       gvSaveImageState state, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    guint8 raw[GV_SAVE_IMAGE_HEADER_SIZE];
    size_t len = strlen(xml);

    if (len == 0 || len > GV_SAVE_IMAGE_XML_MAX) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR,
                      "the domain XML (%zu bytes) does not fit a save image", len);
        return -1;
    }
    w->path = g_strdup(path);
    w->xml = g_strdup(xml);
    w->tmpPath = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    /* a name gvFileIsAtomicTemp knows: a crash leaves nothing that looks like an image */
    if ((w->fd = g_mkstemp_full(w->tmpPath, O_RDWR | O_CLOEXEC, 0600)) < 0) {
        gvReportSystemError(error, errno, "cannot create save image '%s'", path);
        g_clear_pointer(&w->tmpPath, g_free);
        return -1;
    }
    gvSaveImageHeaderInit(&w->hdr, len, state);
    gvSaveImageHeaderFormat(&w->hdr, w->xml, raw);
    if (gvPwriteFull(w->fd, raw, sizeof(raw), 0, path, error) < 0 ||
        gvPwriteFull(w->fd, w->xml, len, w->hdr.xmlOffset, path, error) < 0)
        return -1;
    if (ftruncate(w->fd, (off_t)w->hdr.dataOffset) < 0 ||
        lseek(w->fd, (off_t)w->hdr.dataOffset, SEEK_SET) < 0) {
        gvReportSystemError(error, errno, "cannot write save image '%s'", path);
        return -1;
    }
    return 0;
}

int
gvSaveImageWriterFinish(gvSaveImageWriter *w, bool dropCache, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(w->path);
    guint8 raw[GV_SAVE_IMAGE_HEADER_SIZE];
    guint8 trailer[GV_SAVE_IMAGE_TRAILER_SIZE];
    struct stat sb;

    if (fstat(w->fd, &sb) < 0) {
        gvReportSystemError(error, errno, "cannot stat save image '%s'", w->path);
        return -1;
    }
    if ((guint64)sb.st_size <= w->hdr.dataOffset) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "QEMU wrote no migration stream to save image '%s'", w->path);
        return -1;
    }
    w->hdr.dataLen = (guint64)sb.st_size - w->hdr.dataOffset;
    gvSaveImageTrailerFormat(w->hdr.dataLen, trailer);
    gvSaveImageHeaderFormat(&w->hdr, w->xml, raw);
    /*
     * One sync for the stream, the trailer and the final header: the file
     * has its temporary name until the rename, which is the commit (a crash
     * before it leaves a temporary file that is never loaded)
     */
    if (gvPwriteFull(w->fd, trailer, sizeof(trailer), (guint64)sb.st_size, w->path, error) < 0 ||
        gvPwriteFull(w->fd, raw, sizeof(raw), 0, w->path, error) < 0)
        return -1;
    if (fdatasync(w->fd) < 0) {
        gvReportSystemError(error, errno, "cannot sync save image '%s'", w->path);
        return -1;
    }
    if (dropCache)
        (void)posix_fadvise(w->fd, 0, 0, POSIX_FADV_DONTNEED);
    if (rename(w->tmpPath, w->path) < 0) {
        gvReportSystemError(error, errno, "cannot rename '%s' to save image '%s'", w->tmpPath,
                            w->path);
        return -1;
    }
    g_clear_pointer(&w->tmpPath, g_free);
    return gvFsyncDir(dir, error);
}

void
gvSaveImageWriterClear(gvSaveImageWriter *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    if (w->tmpPath)
        (void)unlink(w->tmpPath);
    g_clear_pointer(&w->tmpPath, g_free);
    g_clear_pointer(&w->path, g_free);
    if (w->xml)
        gvSecretFree(g_steal_pointer(&w->xml));
}

int
gvSaveImageUpdate(const char *path, const char *xml, guint32 state, GError **error)
{
    gvSaveImageHeader hdr;
    guint8 raw[GV_SAVE_IMAGE_HEADER_SIZE];
    char *old = NULL;
    const char *now;
    int fd = -1;
    int rc = -1;

    if (gvSaveImageOpen(path, true, &hdr, &old, &fd, error) < 0)
        return -1;
    now = xml ? xml : old;
    if (strlen(now) > hdr.xmlSlot) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "the new XML (%zu bytes) does not fit save image '%s' (room for %u)",
                      strlen(now), path, hdr.xmlSlot);
        goto cleanup;
    }
    if (state != 0)
        hdr.state = state;
    if (xml) {
        /* into the slot not in use: the header still names the old one */
        hdr.xmlOffset = hdr.xmlOffset == GV_SAVE_IMAGE_HEADER_SIZE
                            ? GV_SAVE_IMAGE_HEADER_SIZE + (guint64)hdr.xmlSlot
                            : GV_SAVE_IMAGE_HEADER_SIZE;
        hdr.xmlLen = (guint32)strlen(xml);
        if (gvPwriteFull(fd, xml, hdr.xmlLen, hdr.xmlOffset, path, error) < 0)
            goto cleanup;
        if (fdatasync(fd) < 0) {
            gvReportSystemError(error, errno, "cannot sync save image '%s'", path);
            goto cleanup;
        }
    }
    gvSaveImageHeaderFormat(&hdr, now, raw);
    if (gvPwriteFull(fd, raw, sizeof(raw), 0, path, error) < 0)
        goto cleanup;
    if (fsync(fd) < 0) {
        gvReportSystemError(error, errno, "cannot sync save image '%s'", path);
        goto cleanup;
    }
    rc = 0;

cleanup:
    gvSecretFree(old);
    close(fd);
    return rc;
}
