/*
 * saveimagetest.c: genvirt's save image format (src/util/gvsaveimage.c)
 *
 * The fuzz corpus tests/fuzz/save-image/ doubles as the list of what the
 * reader accepts and refuses, with the words each refusal must use; the
 * writer is run on a real file: created 0600 beside its final name, renamed
 * into place only once complete, its XML replaced through the other slot.
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gvbuffer.h"
#include "gverror.h"
#include "gvsaveimage.h"
#include "testutils.h"

typedef struct {
    const char *file;
    const char *words; /* NULL: accepted */
} gvSaveImageCase;

static const gvSaveImageCase cases[] = {
    { "valid-running", NULL },
    { "valid-paused", NULL },
    { "valid-slot1", NULL },
    { "truncated-half", "is truncated: it has 34860 bytes, its header announces 69720" },
    { "truncated-header", "is truncated: 40 bytes, not even its 96-byte header" },
    { "no-trailer", "is truncated: it has 69704 bytes, its header announces 69720" },
    { "trailing-bytes", "is damaged: it has 69724 bytes, 4 more than its header announces" },
    { "unfinished", "is incomplete: the save that wrote it did not finish" },
    { "version-2", "has format version 2; this genvirt reads version 1" },
    { "bad-state", "state 2 is neither running (1) nor paused (3)" },
    { "xml-nul", "its XML holds a NUL byte" },
    { "checksum", "the checksum of its header and XML does not match" },
    { "libvirt-magic", "it is a libvirt save image" },
    { "qemu-stream", "it is a bare QEMU migration stream" },
    { "magic-only", "is truncated: 8 bytes" },
    { "huge-lengths", "XML length 4294967295 does not fit its slot" },
};

static void
testCorpus(const void *opaque)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = gvTestPath("fuzz/save-image/%s", cases[i].file);
        g_autofree char *data = NULL;
        g_autoptr(GError) error = NULL;
        gvSaveImageHeader hdr;
        char *xml = NULL;
        gsize len;
        int rc;

        g_assert_true(g_file_get_contents(path, &data, &len, NULL));
        rc = gvSaveImageParseBuffer((const guint8 *)data, len, &hdr, &xml, &error);
        if (!cases[i].words) {
            g_assert_no_error(error);
            g_assert_cmpint(rc, ==, 0);
            g_assert_nonnull(strstr(xml, "<name>fuzz</name>"));
            gvSecretFree(xml);
            continue;
        }
        g_assert_cmpint(rc, ==, -1);
        g_assert_nonnull(error);
        if (!strstr(error->message, cases[i].words))
            g_error("%s: '%s' does not say '%s'", cases[i].file, error->message, cases[i].words);
    }
}

static void
writeAll(int fd, const char *data, size_t len)
{
    g_assert_cmpint(write(fd, data, len), ==, (gssize)len);
}

static void
testWriter(const void *opaque)
{
    g_autofree char *dir = g_dir_make_tmp("gvsaveimage-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "dom.save", NULL);
    gvSaveImageWriter w = GV_SAVE_IMAGE_WRITER_INIT;
    g_autoptr(GError) error = NULL;
    gvSaveImageHeader hdr;
    const char *xml = "<domain><name>w</name></domain>";
    const char *xml2 = "<domain><name>w</name><title>second</title></domain>";
    g_autofree char *big = NULL;
    char *got = NULL;
    struct stat sb;
    int fd = -1;

    /* an unfinished image leaves nothing behind */
    g_assert_cmpint(gvSaveImageWriterStart(&w, path, xml, GV_SAVE_IMAGE_STATE_RUNNING, &error), ==,
                    0);
    g_assert_cmpint(fstat(w.fd, &sb), ==, 0);
    g_assert_cmpint(sb.st_mode & 07777, ==, 0600);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    gvSaveImageWriterClear(&w);
    g_assert_cmpint(rmdir(dir), ==, 0);
    g_assert_cmpint(mkdir(dir, 0700), ==, 0);

    /* a finished one: the stream where the header says, then the trailer */
    g_assert_cmpint(gvSaveImageWriterStart(&w, path, xml, GV_SAVE_IMAGE_STATE_PAUSED, &error), ==,
                    0);
    g_assert_cmpint(lseek(w.fd, 0, SEEK_CUR), ==, (off_t)w.hdr.dataOffset);
    writeAll(w.fd, "QEVMstream", 10);
    g_assert_cmpint(gvSaveImageWriterFinish(&w, true, &error), ==, 0);
    g_assert_no_error(error);
    gvSaveImageWriterClear(&w);
    g_assert_cmpint(stat(path, &sb), ==, 0);
    g_assert_cmpint(sb.st_mode & 07777, ==, 0600);
    g_assert_cmpint(gvSaveImageOpen(path, false, &hdr, &got, &fd, &error), ==, 0);
    g_assert_cmpstr(got, ==, xml);
    g_assert_cmpint(hdr.state, ==, GV_SAVE_IMAGE_STATE_PAUSED);
    g_assert_cmpint(hdr.dataLen, ==, 10);
    g_assert_cmpint(sb.st_size, ==, (off_t)(hdr.dataOffset + 10 + GV_SAVE_IMAGE_TRAILER_SIZE));
    g_assert_cmpint(lseek(fd, 0, SEEK_CUR), ==, (off_t)hdr.dataOffset);
    close(fd);
    gvSecretFree(got);

    /* the XML goes to the other slot, the state changes, the stream stays */
    g_assert_cmpint(gvSaveImageUpdate(path, xml2, GV_SAVE_IMAGE_STATE_RUNNING, &error), ==, 0);
    g_assert_cmpint(gvSaveImageOpen(path, false, &hdr, &got, &fd, &error), ==, 0);
    g_assert_cmpstr(got, ==, xml2);
    g_assert_cmpint(hdr.xmlOffset, ==, GV_SAVE_IMAGE_HEADER_SIZE + hdr.xmlSlot);
    g_assert_cmpint(hdr.state, ==, GV_SAVE_IMAGE_STATE_RUNNING);
    close(fd);
    gvSecretFree(got);
    g_assert_cmpint(gvSaveImageUpdate(path, NULL, GV_SAVE_IMAGE_STATE_PAUSED, &error), ==, 0);
    g_assert_cmpint(gvSaveImageOpen(path, false, &hdr, &got, &fd, &error), ==, 0);
    g_assert_cmpstr(got, ==, xml2);
    g_assert_cmpint(hdr.state, ==, GV_SAVE_IMAGE_STATE_PAUSED);
    close(fd);
    gvSecretFree(got);

    /* an XML too large for its slot is refused; the image is unchanged */
    big = g_strnfill(hdr.xmlSlot + 1, 'x');
    g_assert_cmpint(gvSaveImageUpdate(path, big, 0, &error), ==, -1);
    g_assert_nonnull(strstr(error->message, "does not fit save image"));
    g_clear_error(&error);
    g_assert_cmpint(gvSaveImageOpen(path, false, &hdr, &got, &fd, &error), ==, 0);
    g_assert_cmpstr(got, ==, xml2);
    close(fd);
    gvSecretFree(got);

    g_assert_cmpint(unlink(path), ==, 0);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    gvTestRun("/saveimage/corpus", testCorpus, NULL);
    gvTestRun("/saveimage/writer", testWriter, NULL);

    return g_test_run();
}
