/*
 * fuzz-procfs.c: the parsers of what the kernel and image files say
 *
 * The first byte picks the parser, the rest is its input: /proc/PID/stat,
 * schedstat and sched (gvprocfs.h), a kernel CPU list, a qcow2 header
 * (qemu_image.h).  None may crash or read past its input.
 */
#include <gvconfig.h>

#include <stdint.h>
#include <string.h>

#include "gvprocfs.h"
#include "qemu_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = NULL;
    gvProcStat st;
    guint64 a;
    guint64 b;
    guint8 map[64];
    gint64 top;

    if (size < 1)
        return 0;
    /* the files are text: NUL-terminated at the first NUL, as read */
    text = g_strndup((const char *)data + 1, size - 1);
    switch (data[0] % 5) {
    case 0:
        (void)gvProcParseStat(text, &st);
        break;
    case 1:
        (void)gvProcParseSchedstat(text, &a, &b);
        break;
    case 2:
        (void)gvProcParseSchedWaitSum(text, &a);
        break;
    case 3:
        if (gvParseCpuList(text, map, sizeof(map), &top))
            g_assert(top >= -1);
        break;
    case 4:
        (void)gvQemuImageParseQcow2Size(data + 1, size - 1, &a);
        break;
    }
    return 0;
}
