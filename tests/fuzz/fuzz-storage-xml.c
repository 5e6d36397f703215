/*
 * fuzz-storage-xml.c: the storage pool and volume XML parsers
 *
 * Each input goes through both parsers (src/conf/storage_conf.c): a
 * failure carries a message; a success formats, parses again and formats
 * to the same bytes.  Replays tests/fuzz/storage-xml/ and tests/storage/.
 */
#include <gvconfig.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
gvFuzzFailed(GError *error)
{
    if (!error || !error->message || !*error->message)
        abort();
}

static void
gvFuzzSame(const char *what, const char *out1, const char *out2)
{
    if (!out2 || !g_str_equal(out1, out2)) {
        fprintf(stderr, "%s round trip differs:\n%s\n---\n%s", what, out1, out2 ? out2 : "");
        abort();
    }
}

static void
gvFuzzPool(const char *xml)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(gvStoragePoolDef) def = gvStoragePoolDefParseString(xml, &error);
    g_autoptr(gvStoragePoolDef) def2 = NULL;
    g_autofree char *out1 = NULL;
    g_autofree char *out2 = NULL;

    if (!def) {
        gvFuzzFailed(error);
        return;
    }
    out1 = gvStoragePoolDefFormat(def, NULL);
    if ((def2 = gvStoragePoolDefParseString(out1, &error)))
        out2 = gvStoragePoolDefFormat(def2, NULL);
    gvFuzzSame("pool", out1, out2);
}

static void
gvFuzzVol(const char *xml)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(gvStorageVolDef) def = gvStorageVolDefParseString(xml, &error);
    g_autoptr(gvStorageVolDef) def2 = NULL;
    g_autofree char *out1 = NULL;
    g_autofree char *out2 = NULL;

    if (!def) {
        gvFuzzFailed(error);
        return;
    }
    def->key = g_strconcat("/pool/", def->name, NULL);
    def->path = g_strdup(def->key);
    out1 = gvStorageVolDefFormat(def);
    if ((def2 = gvStorageVolDefParseString(out1, &error))) {
        def2->key = g_strdup(def->key);
        def2->path = g_strdup(def->path);
        out2 = gvStorageVolDefFormat(def2);
    }
    gvFuzzSame("volume", out1, out2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = g_strndup((const char *)data, size);

    gvFuzzPool(xml);
    gvFuzzVol(xml);
    return 0;
}
