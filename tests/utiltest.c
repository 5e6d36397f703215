/*
 * utiltest.c: UUIDs, XML hardening, buffers and shell quoting
 */
#include <gvconfig.h>

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "gvbuffer.h"
#include "gvcommand.h"
#include "gverror.h"
#include "gvreflink.h"
#include "gvuuid.h"
#include "gvxml.h"
#include "testutils.h"

static void
testUUIDForms(const void *opaque)
{
    static const char *const good[] = {
        "4d3b1d4e-8f4c-4e1c-9f5a-2b7c1e0d9a11",
        "4D3B1D4E-8F4C-4E1C-9F5A-2B7C1E0D9A11",
        "4d3b1d4e8f4c4e1c9f5a2b7c1e0d9a11",
        "  \n\t4d3b1d4e-8f4c-4e1c-9f5a-2b7c1e0d9a11 \n",
    };
    static const char *const bad[] = {
        "",
        "xyz",
        "4d3b1d4e-8f4c-4e1c-9f5a-2b7c1e0d9a1",
        "4d3b1d4e-8f4c-4e1c-9f5a-2b7c1e0d9a111",
        "4d3b1d4e8-f4c-4e1c-9f5a-2b7c1e0d9a11",
        "4d3b1d4e-8f4c-4e1c-9f5a-2b7c1e0d9a1g",
        "4d3b1d4e 8f4c 4e1c 9f5a 2b7c1e0d9a11",
        "4d3b1d4e-8f4c4e1c-9f5a-2b7c1e0d9a11-",
    };
    unsigned char uuid[GV_UUID_BUFLEN];
    char str[GV_UUID_STRING_BUFLEN];
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(good); i++) {
        g_assert_true(gvUUIDParse(good[i], uuid));
        g_assert_cmpstr(gvUUIDFormat(uuid, str), ==, "4d3b1d4e-8f4c-4e1c-9f5a-2b7c1e0d9a11");
    }
    for (i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_false(gvUUIDParse(bad[i], uuid));
    g_assert_true(gvUUIDParse("00000000-0000-0000-0000-000000000000", uuid));
    g_assert_true(gvUUIDIsNil(uuid));
}

static void
testUUIDGenerate(const void *opaque)
{
    unsigned char a[GV_UUID_BUFLEN];
    unsigned char b[GV_UUID_BUFLEN];
    g_autoptr(GError) error = NULL;

    g_assert_cmpint(gvUUIDGenerate(a, &error), ==, 0);
    g_assert_cmpint(gvUUIDGenerate(b, &error), ==, 0);
    g_assert_no_error(error);
    g_assert_cmpint(a[6] >> 4, ==, 4);
    g_assert_cmpint(a[8] >> 6, ==, 2);
    g_assert_false(gvUUIDIsNil(a));
    g_assert_true(memcmp(a, b, sizeof(a)) != 0);
}

static void
testXMLRefusesDoctype(const void *opaque)
{
    const char *bomb =
        "<?xml version='1.0'?>\n"
        "<!DOCTYPE lolz [<!ENTITY lol 'lol'>"
        "<!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
        "<!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>]>\n"
        "<domain>&lol2;</domain>\n";
    const char *external =
        "<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain>&x;</domain>";
    g_autoptr(GError) error = NULL;
    xmlDocPtr doc;

    doc = gvXMLParseString(bomb, -1, "domain XML", &error);
    g_assert_null(doc);
    g_assert_error(error, GV_ERROR, GV_ERR_XML_ERROR);
    g_assert_cmpstr(
        error->message, ==,
        "XML error: domain XML line 2: a DOCTYPE is not allowed (no DTDs and no entities)");
    g_clear_error(&error);
    doc = gvXMLParseString(external, -1, "domain XML", &error);
    g_assert_null(doc);
    g_assert_error(error, GV_ERROR, GV_ERR_XML_ERROR);
}

static void
testXMLLimits(const void *opaque)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *big = g_malloc(GV_XML_MAX_LEN + 2);

    memset(big, ' ', GV_XML_MAX_LEN + 1);
    big[GV_XML_MAX_LEN + 1] = '\0';
    g_assert_null(gvXMLParseString(big, -1, "domain XML", &error));
    g_assert_nonnull(strstr(error->message, "larger than the limit"));
    g_clear_error(&error);
    g_assert_null(gvXMLParseString("", -1, "domain XML", &error));
    g_assert_cmpstr(error->message, ==, "XML error: domain XML is empty");
    g_clear_error(&error);
    g_assert_null(gvXMLParseString("<domain>\n<name>x</nam>", -1, "domain XML", &error));
    g_assert_nonnull(strstr(error->message, "domain XML line 2"));
}

static void
testXMLNodePath(const void *opaque)
{
    const char *xml = "<domain><devices><disk/><disk><target/></disk><genid><guid/></genid>"
                      "</devices></domain>";
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = gvXMLParseString(xml, -1, "x", &error);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr devices = root->children;
    xmlNodePtr disk2 = devices->children->next;
    g_autofree char *p1 = gvXMLNodePath(root);
    g_autofree char *p2 = gvXMLNodePath(disk2->children);
    g_autofree char *p3 = gvXMLNodePath(disk2->next->children);

    g_assert_cmpstr(p1, ==, "<domain>");
    g_assert_cmpstr(p2, ==, "<devices>/<disk>[2]/<target>");
    g_assert_cmpstr(p3, ==, "<devices>/<genid>/<guid>");
}

static void
testBuffer(const void *opaque)
{
    g_auto(gvBuffer) buf = GV_BUFFER_INIT;
    g_auto(gvBuffer) attrs = GV_BUFFER_INIT;
    g_auto(gvBuffer) empty = GV_BUFFER_INIT;
    g_autofree char *out = NULL;

    gvBufferEscapeString(&buf, "<a>%s</a>\n", "<&'\">");
    gvBufferAdjustIndent(&buf, 2);
    gvBufferAsprintf(&attrs, " x='%d'", 1);
    gvXMLFormatElement(&buf, "e", &attrs, NULL);
    gvXMLFormatElement(&buf, "dropped", &empty, NULL);
    out = gvBufferContentAndReset(&buf);
    g_assert_cmpstr(out, ==, "<a>&lt;&amp;&apos;&quot;&gt;</a>\n  <e x='1'/>\n");
}

/* Output around the size formatted on the stack, and far past it; deep indents */
static void
testBufferLong(const void *opaque)
{
    static const size_t lens[] = { 0, 1, 254, 255, 256, 257, 1000, 70000 };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(lens); i++) {
        g_auto(gvBuffer) buf = GV_BUFFER_INIT;
        g_autofree char *s = g_strnfill(lens[i], 'x');
        g_autofree char *want = g_strdup_printf("      <v n='%zu'>%s</v>\n", lens[i], s);
        g_autofree char *out = NULL;

        gvBufferAdjustIndent(&buf, 6);
        gvBufferAsprintf(&buf, "<v n='%zu'>%s</v>\n", lens[i], s);
        out = gvBufferContentAndReset(&buf);
        g_assert_cmpstr(out, ==, want);
    }
    for (i = 0; i < G_N_ELEMENTS(lens) - 1; i++) {
        g_auto(gvBuffer) buf = GV_BUFFER_INIT;
        g_autofree char *indent = g_strnfill(lens[i], ' ');
        g_autofree char *want = g_strdup_printf("%s<e/>\n", indent);
        g_autofree char *out = NULL;

        gvBufferAdjustIndent(&buf, (int)lens[i]);
        gvBufferAddLit(&buf, "<e/>\n");
        out = gvBufferContentAndReset(&buf);
        g_assert_cmpstr(out, ==, want);
    }
}

static void
testShellQuote(const void *opaque)
{
    g_autoptr(gvCommand) cmd = gvCommandNew("/usr/bin/qemu");
    g_autofree char *one = NULL;
    g_autofree char *lines = NULL;

    gvCommandAddEnvPair(cmd, "LC_ALL", "C");
    gvCommandAddArgList(cmd, "-name", "guest=a b,,c", "-device", "{\"driver\":\"x\"}", "-x", "it's",
                        "-e", "", NULL);
    one = gvCommandToString(cmd, false);
    lines = gvCommandToString(cmd, true);
    g_assert_cmpstr(one, ==,
                    "LC_ALL=C /usr/bin/qemu -name 'guest=a b,,c' -device '{\"driver\":\"x\"}' "
                    "-x 'it'\\''s' -e ''\n");
    g_assert_cmpstr(lines, ==,
                    "LC_ALL=C \\\n/usr/bin/qemu \\\n-name 'guest=a b,,c' \\\n"
                    "-device '{\"driver\":\"x\"}' \\\n-x 'it'\\''s' \\\n-e ''\n");
    g_assert_cmpstr(gvCommandGetArgv(cmd)[0], ==, "/usr/bin/qemu");
    g_assert_null(gvCommandGetArgv(cmd)[9]);
}

static void
testErrorPrefix(const void *opaque)
{
    g_autoptr(GError) error = NULL;

    gvReportError(&error, GV_ERR_NO_DOMAIN, "no domain with matching name '%s'", "x");
    g_assert_cmpint(error->code, ==, 42);
    g_assert_cmpstr(error->message, ==, "Domain not found: no domain with matching name 'x'");
    g_clear_error(&error);
    gvReportError(&error, GV_ERR_CONFIG_UNSUPPORTED, "%s", "z");
    g_assert_cmpint(error->code, ==, 67);
    g_assert_cmpstr(error->message, ==, "unsupported configuration: z");
    /* gvErrorPrefix: the code's prefix stays first; a system error has none */
    gvErrorPrefix(&error, "cannot write '%s': ", "f");
    g_assert_cmpint(error->code, ==, 67);
    g_assert_cmpstr(error->message, ==, "unsupported configuration: cannot write 'f': z");
    g_clear_error(&error);
    gvReportSystemError(&error, ENOSPC, "cannot write '%s'", "f");
    gvErrorPrefix(&error, "saving '%s': ", "d");
    g_assert_cmpstr(error->message, ==, "saving 'd': cannot write 'f': No space left on device");
    gvErrorPrefix(NULL, "ignored");
}

/* FICLONE refused on tmpfs and across file systems: an error naming both, no file left */
static void
testReflinkRefused(const void *opaque)
{
    g_autofree char *dir = g_strdup("/dev/shm/gvtest-reflink-XXXXXX");
    g_autofree char *fs = NULL;
    g_autofree char *tmpFs = NULL;
    g_autofree char *src = NULL;
    g_autofree char *dst = NULL;
    g_autofree char *other = NULL;
    g_autoptr(GError) error = NULL;

    if (!g_mkdtemp(dir)) {
        g_test_skip("no /dev/shm");
        return;
    }
    fs = gvFileSystemName(dir);
    if (!fs || !g_str_equal(fs, "tmpfs")) {
        g_test_skip("/dev/shm is not tmpfs here");
        (void)g_rmdir(dir);
        return;
    }
    src = g_build_filename(dir, "src", NULL);
    dst = g_build_filename(dir, "dst", NULL);
    g_assert_true(g_file_set_contents(src, "data", 4, NULL));
    g_assert_cmpint(gvFileReflink(src, dst, 0600, &error), ==, -1);
    g_assert_cmpint(error->code, ==, GV_ERR_OPERATION_UNSUPPORTED);
    g_assert_nonnull(strstr(error->message, dst));
    g_assert_nonnull(strstr(error->message, "the tmpfs file system of"));
    g_assert_nonnull(strstr(error->message, "does not support reflinks"));
    g_assert_false(g_file_test(dst, G_FILE_TEST_EXISTS));
    g_clear_error(&error);

    /* an existing destination is never overwritten */
    g_assert_true(g_file_set_contents(dst, "mine", 4, NULL));
    g_assert_cmpint(gvFileReflink(src, dst, 0600, &error), ==, -1);
    g_assert_nonnull(strstr(error->message, "cannot create"));
    g_clear_error(&error);
    (void)g_unlink(dst);

    /* another file system: EXDEV, both named */
    tmpFs = gvFileSystemName(g_get_tmp_dir());
    if (tmpFs && !g_str_equal(tmpFs, "tmpfs")) {
        other = g_build_filename(g_get_tmp_dir(), "gvtest-reflink-other", NULL);
        (void)g_unlink(other);
        g_assert_cmpint(gvFileReflink(src, other, 0600, &error), ==, -1);
        g_assert_cmpint(error->code, ==, GV_ERR_OPERATION_UNSUPPORTED);
        g_assert_nonnull(strstr(error->message, "two file systems"));
        g_assert_nonnull(strstr(error->message, tmpFs));
        g_assert_false(g_file_test(other, G_FILE_TEST_EXISTS));
    }
    (void)g_unlink(src);
    (void)g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    gvTestRun("/util/uuid-forms", testUUIDForms, NULL);
    gvTestRun("/util/uuid-generate", testUUIDGenerate, NULL);
    gvTestRun("/util/xml-refuses-doctype", testXMLRefusesDoctype, NULL);
    gvTestRun("/util/xml-limits", testXMLLimits, NULL);
    gvTestRun("/util/xml-node-path", testXMLNodePath, NULL);
    gvTestRun("/util/buffer", testBuffer, NULL);
    gvTestRun("/util/buffer-long", testBufferLong, NULL);
    gvTestRun("/util/shell-quote", testShellQuote, NULL);
    gvTestRun("/util/error-prefix", testErrorPrefix, NULL);
    gvTestRun("/util/reflink-refused", testReflinkRefused, NULL);

    return g_test_run();
}
