/*
 * capsprobe.c: probes a QEMU binary and prints its capabilities as the JSON
 * that tests/caps/ fixtures and the daemon's cache hold.
 *
 * Usage: capsprobe [QEMU-BINARY]   (default /usr/bin/qemu-system-x86_64)
 */
#include <gvconfig.h>

#include <stdio.h>

#include "qemu_capabilities.h"

int
main(int argc, char **argv)
{
    const char *binary = argc > 1 ? argv[1] : "/usr/bin/qemu-system-x86_64";
    g_autoptr(GError) error = NULL;
    g_autoptr(gvQemuCaps) caps = gvQemuCapsProbe(binary, 60000, &error);
    g_autoptr(json_object) obj = NULL;

    if (!caps) {
        fprintf(stderr, "capsprobe: %s\n", error->message);
        return 1;
    }
    obj = gvQemuCapsToJSON(caps);
    printf("%s\n",
           json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
    return 0;
}
