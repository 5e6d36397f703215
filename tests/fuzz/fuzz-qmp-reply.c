/*
 * fuzz-qmp-reply.c: QMP messages from QEMU, as the monitor reads them
 *
 * The input is fed to json-c's incremental tokener in small pieces, as it
 * arrives from a socket; every complete message goes through the pure
 * parsers the monitor and the statistics use.
 */
#include <gvconfig.h>

#include <stdint.h>
#include <string.h>

#include "qemu_monitor.h"
#include "qemu_monitor_stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The parsers statistics are read with (qemu_monitor_stats.h) */
static void
gvFuzzStatsParsers(json_object *ret)
{
    GPtrArray *list = NULL;
    gvMemoryStat stats[GV_MEMORY_STAT_NR];
    guint64 a;
    guint64 b;
    guint n = 0;

    if (gvQmpParseBlockstats(ret, &list, NULL) == 0) {
        (void)gvQmpBlockStatsFind(list, "gv-vda-format");
        g_ptr_array_unref(list);
    }
    if (gvQmpParseBlockImages(ret, &list, NULL) == 0) {
        (void)gvQmpBlockImageFind(list, "gv-vda-format");
        g_ptr_array_unref(list);
    }
    if (gvQmpParseCpusFast(ret, &list, NULL) == 0)
        g_ptr_array_unref(list);
    if (gvQmpParseHotpluggableCpus(ret, &list, NULL) == 0)
        g_ptr_array_unref(list);
    (void)gvQmpParseBalloon(ret, &a, NULL);
    (void)gvQmpParseGuestStats(ret, stats, &n, G_N_ELEMENTS(stats), NULL);
    g_assert(n <= G_N_ELEMENTS(stats));
    (void)gvQmpParseHaltPoll(ret, &a, &b, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_tokener *tok = json_tokener_new_ex(64);
    size_t off = 0;

    while (off < size) {
        size_t chunk = MIN((size_t)7, size - off);
        json_object *obj = json_tokener_parse_ex(tok, (const char *)data + off, (int)chunk);
        enum json_tokener_error jerr = json_tokener_get_error(tok);
        size_t used = json_tokener_get_parse_end(tok);

        off += used ? used : chunk;
        if (jerr == json_tokener_continue)
            continue;
        if (obj) {
            gvQmpMessage msg;
            unsigned char guid[16];
            char *status = NULL;

            gvQmpMessageParse(obj, &msg);
            if (msg.kind == GV_QMP_MSG_RETURN) {
                char *path = NULL;

                (void)gvQmpParseGenid(msg.ret, guid, NULL);
                if (gvQmpParseStatus(msg.ret, &status, NULL) == 0)
                    g_free(status);
                if (gvQmpParseChardevPty(msg.ret, "charserial0", &path, NULL) > 0)
                    g_free(path);
                gvFuzzStatsParsers(msg.ret);
            }
            if (msg.kind == GV_QMP_MSG_EVENT)
                (void)gvQemuEventFromName(msg.event);
            json_object_put(obj);
        }
        json_tokener_reset(tok);
    }
    json_tokener_free(tok);
    return 0;
}
