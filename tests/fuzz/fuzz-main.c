/*
 * fuzz-main.c: replays fuzz corpora as an ordinary test (no libFuzzer)
 *
 * Usage: fuzz-TARGET DIR|FILE...  Runs LLVMFuzzerTestOneInput on every file
 * and prints one TAP line per file.
 */
#include <gvconfig.h>

#include <stdint.h>
#include <stdio.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
addPath(GPtrArray *files, const char *path)
{
    g_autoptr(GDir) dir = NULL;
    const char *name;

    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_ptr_array_add(files, g_strdup(path));
        return;
    }
    if (!(dir = g_dir_open(path, 0, NULL)))
        return;
    while ((name = g_dir_read_name(dir)))
        g_ptr_array_add(files, g_build_filename(path, name, NULL));
}

static gint
compareNames(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    guint i;
    int n;

    for (n = 1; n < argc; n++)
        addPath(files, argv[n]);
    g_ptr_array_sort(files, compareNames);
    printf("TAP version 13\n1..%u\n", files->len);
    for (i = 0; i < files->len; i++) {
        const char *path = g_ptr_array_index(files, i);
        g_autofree char *data = NULL;
        gsize len = 0;

        if (!g_file_get_contents(path, &data, &len, NULL)) {
            printf("not ok %u %s (unreadable)\n", i + 1, path);
            continue;
        }
        /* a crash here aborts the run, which meson reports as a failure */
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        printf("ok %u %s\n", i + 1, path);
    }
    return 0;
}
