/*
 * schematest.c: every test and example XML against docs/schemas/domain.rng
 *
 * Every *.xml validates, except *-invalid.xml, which must fail (either the
 * hardened parser or the schema refuses it).
 */
#include <gvconfig.h>

#include "domain_conf.h"
#include "gvxml.h"
#include "testutils.h"

static void
testSchema(const void *opaque)
{
    const char *path = opaque;
    g_autofree char *schema = gvSchemaPath("domain.rng");
    g_autofree char *xml = gvTestLoadFile(path);
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    bool invalid = g_str_has_suffix(path, "-invalid.xml");
    bool ok;

    g_assert_nonnull(xml);
    doc = gvXMLParseString(xml, -1, path, &error);
    ok = doc && gvXMLValidateSchema(doc, schema, &error) == 0;
    if (ok && invalid) {
        g_printerr("# %s validates, but is named -invalid\n", path);
        g_test_fail();
    } else if (!ok && !invalid) {
        g_printerr("# %s: %s\n", path, error->message);
        g_test_fail();
    }
}

static gint
compareNames(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* the paths the registered cases use, freed once they have run */
static GPtrArray *paths;

static void
addDir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    guint i;

    g_assert_nonnull(d);
    while ((name = g_dir_read_name(d))) {
        if (g_str_has_suffix(name, ".xml"))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, compareNames);
    for (i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        char *path = g_build_filename(dir, n, NULL);
        g_autofree char *base = g_path_get_basename(dir);
        g_autofree char *tn = g_strdup_printf("/schema/%s/%s", base, n);

        g_ptr_array_add(paths, path);
        gvTestRun(tn, testSchema, path);
    }
}

int
main(int argc, char **argv)
{
    static const char *const dirs[] = { "xml2xml", "xml2argv", "abi", "../examples" };
    size_t i;

    int rc;

    g_test_init(&argc, &argv, NULL);
    paths = g_ptr_array_new_with_free_func(g_free);
    for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
        g_autofree char *dir = gvTestPath("%s", dirs[i]);

        addDir(dir);
    }
    rc = g_test_run();
    g_ptr_array_unref(paths);
    return rc;
}
