/*
 * fuzz-qmp-reply.c: QMP messages from QEMU, as the monitor reads them
 *
 * The input is fed to json-c's incremental tokener in small pieces, as it
 * arrives from a socket; every complete message goes through the pure
 * parsers the monitor uses.
 */
#include <gvconfig.h>

#include <stdint.h>
#include <string.h>

#include "qemu_monitor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
