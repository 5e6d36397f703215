/*
 * gvjson.h: small json-c helpers
 */
#pragma once

#include <json-c/json.h>

/* The string member @key of @obj, or NULL when it is missing or not a string */
const char *gvJSONGetString(json_object *obj, const char *key);
