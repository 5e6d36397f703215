/*
 * fuzz-domain-xml.c: parse -> format -> parse -> format; both outputs equal
 *
 * Built as a libFuzzer target with -Dfuzz=true (clang), and otherwise linked
 * with fuzz-main.c, which replays the corpus tests/fuzz/domain-xml/.
 */
#include <gvconfig.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain_conf.h"
#include "gvbuffer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = g_strndup((const char *)data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(gvDomainDef) def = NULL;
    g_autoptr(gvDomainDef) def2 = NULL;
    g_autofree char *out1 = NULL;
    g_autofree char *out2 = NULL;

    if (!(def = gvDomainDefParseString(xml, 0, &error))) {
        /* every failure must carry a message */
        if (!error || !error->message || !*error->message)
            abort();
        return 0;
    }
    out1 = gvDomainDefFormat(def, GV_DOMAIN_DEF_FORMAT_SECURE);
    if (!(def2 = gvDomainDefParseString(out1, 0, &error))) {
        fprintf(stderr, "formatted output does not parse: %s\n%s", error->message, out1);
        abort();
    }
    out2 = gvDomainDefFormat(def2, GV_DOMAIN_DEF_FORMAT_SECURE);
    if (!g_str_equal(out1, out2)) {
        fprintf(stderr, "round trip differs:\n%s\n---\n%s", out1, out2);
        abort();
    }
    return 0;
}
