/*
 * capsprobe.c: prints what gvQemuCapsProbe learns from a QEMU binary, in the
 * format of the fixtures in tests/caps/ (not a test: the fixtures' maker)
 *
 *   capsprobe BINARY kvm|tcg > tests/caps/NAME.json
 */
#include <gvconfig.h>

#include <stdio.h>

#include "qemu_capabilities.h"

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(gvQemuCaps) caps = NULL;
    g_autoptr(json_object) obj = NULL;

    if (argc != 3 || (!g_str_equal(argv[2], "kvm") && !g_str_equal(argv[2], "tcg"))) {
        fprintf(stderr, "usage: capsprobe BINARY kvm|tcg\n");
        return 2;
    }
    if (!(caps = gvQemuCapsProbe(argv[1], g_str_equal(argv[2], "kvm"), 60000, &error))) {
        fprintf(stderr, "capsprobe: %s\n", error->message);
        return 1;
    }
    obj = gvQemuCapsToJSON(caps);
    printf("%s\n",
           json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
    return 0;
}
