/*
 * testutils.c: shared helpers of the golden-file tests
 */
#include <gvconfig.h>

#include <stdio.h>
#include <string.h>

#include "testutils.h"

bool
gvTestRegenerate(void)
{
    const char *env = g_getenv("GENVIRT_TEST_REGENERATE");

    return env && g_str_equal(env, "1");
}

char *
gvTestPath(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *rel = NULL;

    va_start(ap, fmt);
    rel = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return g_build_filename(GV_TEST_SRCDIR, rel, NULL);
}

char *
gvTestLoadFile(const char *path)
{
    g_autoptr(GError) error = NULL;
    char *data = NULL;

    if (!g_file_get_contents(path, &data, NULL, &error)) {
        g_test_message("cannot read %s: %s", path, error->message);
        return NULL;
    }
    return data;
}

static void
gvTestPrintDiff(const char *expected, const char *actual, const char *path)
{
    g_auto(GStrv) exp = g_strsplit(expected, "\n", -1);
    g_auto(GStrv) act = g_strsplit(actual, "\n", -1);
    size_t i;

    g_printerr("# mismatch against %s (first differing lines):\n", path);
    for (i = 0; exp[i] || act[i]; i++) {
        if (exp[i] && act[i] && g_str_equal(exp[i], act[i]))
            continue;
        if (exp[i])
            g_printerr("# - %s\n", exp[i]);
        if (act[i])
            g_printerr("# + %s\n", act[i]);
        if (!exp[i] || !act[i])
            break;
    }
    g_printerr("# (set GENVIRT_TEST_REGENERATE=1 to rewrite it, then review the diff)\n");
}

bool
gvTestCompareToFile(const char *actual, const char *path)
{
    g_autofree char *expected = NULL;

    if (gvTestRegenerate()) {
        g_autoptr(GError) error = NULL;

        if (!g_file_set_contents(path, actual, -1, &error)) {
            g_printerr("# cannot write %s: %s\n", path, error->message);
            return false;
        }
        return true;
    }
    if (!(expected = gvTestLoadFile(path))) {
        g_printerr("# missing golden file %s\n", path);
        return false;
    }
    if (!g_str_equal(expected, actual)) {
        gvTestPrintDiff(expected, actual, path);
        return false;
    }
    return true;
}

void
gvTestRun(const char *name, GTestDataFunc fn, const void *data)
{
    g_test_add_data_func(name, data, fn);
}
