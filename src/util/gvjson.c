/*
 * gvjson.c: small json-c helpers
 */
#include <gvconfig.h>

#include <string.h>

#include "gvjson.h"

const char *
gvJSONGetString(json_object *obj, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/*
 * The tokener's string buffer is a field json-c documents as private
 * (json_tokener.h, "do not access"); it is the only way to wipe it, and
 * its layout is that of every json-c release since 0.13.
 */
json_tokener *
gvJSONTokenerNewSecret(int depth)
{
    json_tokener *tok = json_tokener_new_ex(depth);

    if (!tok)
        return NULL;
    if (printbuf_memset(tok->pb, 0, 0, GV_JSON_TOKENER_RESERVE) < 0) {
        json_tokener_free(tok);
        return NULL;
    }
    printbuf_reset(tok->pb);
    return tok;
}

void
gvJSONTokenerWipe(json_tokener *tok)
{
    if (tok && tok->pb && tok->pb->buf && tok->pb->size > 0)
        explicit_bzero(tok->pb->buf, (size_t)tok->pb->size);
}

void
gvJSONTokenerFreeSecret(json_tokener *tok)
{
    gvJSONTokenerWipe(tok);
    if (tok)
        json_tokener_free(tok);
}

static void
gvJSONWipeStrings(json_object *obj, int depth)
{
    size_t i;
    size_t n;

    if (!obj || depth > 64)
        return;
    switch (json_object_get_type(obj)) {
    case json_type_string:
        explicit_bzero((char *)json_object_get_string(obj),
                       (size_t)json_object_get_string_len(obj));
        break;
    case json_type_object: {
        json_object_object_foreach(obj, key, val)
        {
            (void)key;
            gvJSONWipeStrings(val, depth + 1);
        }
        break;
    }
    case json_type_array:
        n = json_object_array_length(obj);
        for (i = 0; i < n; i++)
            gvJSONWipeStrings(json_object_array_get_idx(obj, i), depth + 1);
        break;
    case json_type_null:
    case json_type_boolean:
    case json_type_double:
    case json_type_int:
        break;
    }
}

void
gvJSONPutSecret(json_object *obj)
{
    gvJSONWipeStrings(obj, 0);
    json_object_put(obj);
}
