/*
 * storagetest.c: storage pool and volume XML (src/conf/storage_conf.c)
 *
 * tests/storage/pool-NAME.xml and vol-NAME.xml: parsed and formatted into
 * NAME.out.xml, which must validate against libvirt's storagepool.rng or
 * storagevol.rng and format again to the same bytes; *-invalid.xml fail
 * with the exact text of NAME.err.  GENVIRT_TEST_REGENERATE=1 rewrites them.
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "gvxml.h"
#include "storage_conf.h"
#include "testutils.h"

#define GV_TEST_LIBVIRT_SCHEMAS "/usr/share/libvirt/schemas"

static bool
gvTestValidate(const char *xml, const char *rng, const char *what)
{
    g_autofree char *schema = g_build_filename(GV_TEST_LIBVIRT_SCHEMAS, rng, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = NULL;

    if (!g_file_test(schema, G_FILE_TEST_EXISTS)) {
        g_printerr("# %s is missing: install libvirt-clients (scripts/install-deps.sh)\n", schema);
        return false;
    }
    if (!(doc = gvXMLParseString(xml, -1, what, &error)) ||
        gvXMLValidateSchema(doc, schema, &error) < 0) {
        g_printerr("# %s: %s\n", what, error->message);
        return false;
    }
    return true;
}

/* Parses @xml as a pool or volume; its output (NULL on failure, with @error) */
static char *
gvTestFormat(const char *name, const char *xml, GError **error)
{
    if (g_str_has_prefix(name, "pool-")) {
        g_autoptr(gvStoragePoolDef) def = gvStoragePoolDefParseString(xml, error);

        return def ? gvStoragePoolDefFormat(def, NULL) : NULL;
    } else {
        g_autoptr(gvStorageVolDef) def = gvStorageVolDefParseString(xml, error);

        if (!def)
            return NULL;
        /* as a volume of /pool would show */
        def->key = g_strconcat("/pool/", def->name, NULL);
        def->path = g_strdup(def->key);
        return gvStorageVolDefFormat(def);
    }
}

static void
testStorageXML(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *in = gvTestPath("storage/%s.xml", name);
    g_autofree char *xml = gvTestLoadFile(in);
    g_autoptr(GError) error = NULL;
    g_autofree char *out = gvTestFormat(name, xml, &error);

    if (g_str_has_suffix(name, "-invalid")) {
        g_autofree char *errPath = gvTestPath("storage/%s.err", name);
        g_autofree char *msg = NULL;

        if (out) {
            g_printerr("# %s parsed, but it must fail\n", name);
            g_test_fail();
            return;
        }
        msg = g_strdup_printf("%s\n", error->message);
        if (!gvTestCompareToFile(msg, errPath))
            g_test_fail();
    } else {
        g_autofree char *outPath = gvTestPath("storage/%s.out.xml", name);
        g_autofree char *again = NULL;
        g_autoptr(GError) error2 = NULL;

        if (!out) {
            g_printerr("# %s: %s\n", name, error->message);
            g_test_fail();
            return;
        }
        if (!gvTestCompareToFile(out, outPath) ||
            !gvTestValidate(out,
                            g_str_has_prefix(name, "pool-") ? "storagepool.rng" : "storagevol.rng",
                            outPath))
            g_test_fail();
        /* the output parses and formats to the same bytes */
        again = gvTestFormat(name, out, &error2);
        if (!again || !g_str_equal(again, out)) {
            g_printerr("# %s: the output does not round-trip: %s\n", name,
                       again ? again : error2->message);
            g_test_fail();
        }
    }
}

/* A pool name is a file name; a path is absolute and canonical */
static void
testStorageNames(const void *opaque)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *longName = g_strnfill(GV_STORAGE_NAME_MAX + 1, 'a');

    g_assert_cmpint(gvStorageNameCheck("default", "storage pool", NULL), ==, 0);
    g_assert_cmpint(gvStorageNameCheck("", "storage pool", NULL), ==, -1);
    g_assert_cmpint(gvStorageNameCheck(".hidden", "storage pool", NULL), ==, -1);
    g_assert_cmpint(gvStorageNameCheck("a\nb", "storage pool", NULL), ==, -1);
    g_assert_cmpint(gvStorageNameCheck(longName, "storage pool", &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_XML_ERROR);
    g_assert_true(gvStoragePathIsCanonical("/"));
    g_assert_true(gvStoragePathIsCanonical("/var/lib/libvirt/images"));
    g_assert_false(gvStoragePathIsCanonical("var/lib"));
    g_assert_false(gvStoragePathIsCanonical("/var//lib"));
    g_assert_false(gvStoragePathIsCanonical("/var/lib/"));
    g_assert_false(gvStoragePathIsCanonical("/var/./lib"));
    g_assert_false(gvStoragePathIsCanonical("/var/../lib"));
}

#define DO_TEST(name) gvTestRun("/storage/" name, testStorageXML, name)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    DO_TEST("pool-minimal");
    DO_TEST("pool-virtinst");
    DO_TEST("pool-dumpxml");
    DO_TEST("pool-bad-type-invalid");
    DO_TEST("pool-bad-name-invalid");
    DO_TEST("pool-bad-path-invalid");
    DO_TEST("pool-bad-mode-invalid");
    DO_TEST("pool-bad-uuid-invalid");
    DO_TEST("pool-no-target-invalid");
    DO_TEST("pool-unknown-element-invalid");
    DO_TEST("vol-virt-clone");
    DO_TEST("vol-units");
    DO_TEST("vol-backing");
    DO_TEST("vol-bad-format-invalid");
    DO_TEST("vol-bad-unit-invalid");
    DO_TEST("vol-overflow-invalid");
    DO_TEST("vol-bad-name-invalid");
    DO_TEST("vol-block-invalid");
    gvTestRun("/storage/names", testStorageNames, NULL);
    return g_test_run();
}
