/*
 * gvjson.c: small json-c helpers
 */
#include <gvconfig.h>

#include "gvjson.h"

const char *
gvJSONGetString(json_object *obj, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}
