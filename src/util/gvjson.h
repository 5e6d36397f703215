/*
 * gvjson.h: small json-c helpers
 */
#pragma once

#include <json-c/json.h>

/* The string member @key of @obj, or NULL when it is missing or not a string */
const char *gvJSONGetString(json_object *obj, const char *key);

/*
 * Wiping for documents that can carry the GUID (the reply of
 * query-vm-generation-id).  json-c has no allocator hook, so:
 *
 * gvJSONTokenerNewSecret: a tokener whose string buffer is grown once, at
 * creation, to GV_JSON_TOKENER_RESERVE bytes, so no string shorter than
 * that makes it reallocate (a realloc frees the old block unwiped).
 * gvJSONTokenerWipe: zeroes that buffer (after each message it parsed)
 * and gvJSONTokenerFreeSecret wipes it before freeing the tokener.
 * gvJSONPutSecret: zeroes every string value of @obj and its members, then
 * drops the reference: only for the last holder of the document.
 */
#define GV_JSON_TOKENER_RESERVE 4096
json_tokener *gvJSONTokenerNewSecret(int depth);
void gvJSONTokenerWipe(json_tokener *tok);
void gvJSONTokenerFreeSecret(json_tokener *tok);
void gvJSONPutSecret(json_object *obj);
