/*
 * gvrpcprotocol.c: libvirt's remote protocol, shared structs
 */
#include <gvconfig.h>

#include "gvnetmessage.h"
#include <string.h>

#include "gvbuffer.h"
#include "gvrpcprotocol.h"

void
gvRemoteDomainClear(gvRemoteDomain *dom)
{
    gvXdrLayoutClear(&gvRemoteDomainLayout, dom);
}

void
gvRemoteDomainEncode(GByteArray *b, const char *name, const unsigned char uuid[GV_UUID_BUFLEN],
                     gint32 id)
{
    gvRemoteDomain dom = { (char *)name, { 0 }, id };

    memcpy(dom.uuid, uuid, GV_UUID_BUFLEN);
    gvXdrEncodeLayout(b, &gvRemoteDomainLayout, &dom);
}

bool
gvRemoteDomainDecode(gvXdrDecoder *d, gvRemoteDomain *dom)
{
    gvRemoteDomain tmp = { 0 };

    if (!gvXdrDecodeLayout(d, &gvRemoteDomainLayout, &tmp)) {
        gvRemoteDomainClear(&tmp);
        return false;
    }
    *dom = tmp;
    return true;
}

void
gvRemoteErrorEncode(GByteArray *b, gint32 code, gint32 domain, const char *message)
{
    gvXdrEncodeI32(b, code);
    gvXdrEncodeI32(b, domain);
    gvXdrEncodeOptString(b, message);
    gvXdrEncodeI32(b, 2); /* VIR_ERR_ERROR */
    gvXdrEncodeU32(b, 0); /* dom: NULL */
    gvXdrEncodeOptString(b, "%s");
    gvXdrEncodeOptString(b, message);
    gvXdrEncodeOptString(b, NULL);
    gvXdrEncodeI32(b, -1);
    gvXdrEncodeI32(b, -1);
    gvXdrEncodeU32(b, 0); /* net: NULL */
}

bool
gvRemoteErrorDecode(gvXdrDecoder *d, gvRemoteError *err)
{
    guint32 present;
    g_autofree char *s1 = NULL;
    g_autofree char *s2 = NULL;
    g_autofree char *s3 = NULL;
    gint32 i1;
    gint32 i2;

    if (!gvXdrDecodeI32(d, &err->code) || !gvXdrDecodeI32(d, &err->domain) ||
        !gvXdrDecodeOptString(d, GV_NET_MESSAGE_STRING_MAX, &err->message) ||
        !gvXdrDecodeI32(d, &err->level) || !gvXdrDecodeU32(d, &present))
        return false;
    if (present) {
        gvRemoteDomain dom = { 0 };

        if (!gvRemoteDomainDecode(d, &dom))
            return false;
        gvRemoteDomainClear(&dom);
    }
    if (!gvXdrDecodeOptString(d, GV_NET_MESSAGE_STRING_MAX, &s1) ||
        !gvXdrDecodeOptString(d, GV_NET_MESSAGE_STRING_MAX, &s2) ||
        !gvXdrDecodeOptString(d, GV_NET_MESSAGE_STRING_MAX, &s3) || !gvXdrDecodeI32(d, &i1) ||
        !gvXdrDecodeI32(d, &i2))
        return false;
    /* the trailing remote_network is ignored; libvirt does not check trailing bytes */
    return true;
}

void
gvRemoteErrorClear(gvRemoteError *err)
{
    g_clear_pointer(&err->message, g_free);
}

static void
gvTypedParamFree(gpointer opaque)
{
    gvTypedParam *p = opaque;

    g_free(p->field);
    gvSecretFree(p->s);
    g_free(p);
}

GPtrArray *
gvTypedParamsNew(void)
{
    return g_ptr_array_new_with_free_func(gvTypedParamFree);
}

void
gvTypedParamsFree(GPtrArray *params)
{
    if (params)
        g_ptr_array_unref(params);
}

GPtrArray *
gvTypedParamsDecode(gvXdrDecoder *d, guint32 max)
{
    g_autoptr(GPtrArray) params = gvTypedParamsNew();
    guint32 n;
    guint32 i;

    if (!gvXdrDecodeCount(d, max, 12, &n))
        return NULL;
    for (i = 0; i < n; i++) {
        gvTypedParam *p = g_new0(gvTypedParam, 1);
        gint32 type;
        bool ok;

        g_ptr_array_add(params, p);
        if (!gvXdrDecodeString(d, GV_TYPED_PARAM_FIELD_LENGTH, &p->field) ||
            !gvXdrDecodeI32(d, &type))
            return NULL;
        p->type = type;
        switch (type) {
        case GV_TYPED_PARAM_INT:
        case GV_TYPED_PARAM_UINT:
        case GV_TYPED_PARAM_BOOLEAN: {
            gint32 v;

            ok = gvXdrDecodeI32(d, &v);
            p->i = type == GV_TYPED_PARAM_UINT ? (gint64)(guint32)v : v;
            break;
        }
        case GV_TYPED_PARAM_LLONG:
        case GV_TYPED_PARAM_ULLONG:
            ok = gvXdrDecodeI64(d, &p->i);
            break;
        case GV_TYPED_PARAM_DOUBLE: {
            guint64 bits;

            ok = gvXdrDecodeU64(d, &bits);
            memcpy(&p->d, &bits, sizeof(bits));
            break;
        }
        case GV_TYPED_PARAM_STRING:
            ok = gvXdrDecodeString(d, GV_NET_MESSAGE_STRING_MAX, &p->s);
            break;
        default:
            ok = false;
            break;
        }
        if (!ok)
            return NULL;
    }
    return g_steal_pointer(&params);
}

size_t
gvTypedParamsSize(GPtrArray *params)
{
    size_t n = 4;
    guint i;

    for (i = 0; params && i < params->len; i++) {
        gvTypedParam *p = g_ptr_array_index(params, i);

        n += 4 + ((strlen(p->field) + 3) & ~(size_t)3) + 4;
        switch (p->type) {
        case GV_TYPED_PARAM_INT:
        case GV_TYPED_PARAM_UINT:
        case GV_TYPED_PARAM_BOOLEAN:
            n += 4;
            break;
        case GV_TYPED_PARAM_LLONG:
        case GV_TYPED_PARAM_ULLONG:
        case GV_TYPED_PARAM_DOUBLE:
            n += 8;
            break;
        case GV_TYPED_PARAM_STRING:
            n += 4 + ((strlen(p->s ? p->s : "") + 3) & ~(size_t)3);
            break;
        }
    }
    return n;
}

void
gvTypedParamsEncode(GByteArray *b, GPtrArray *params)
{
    guint i;

    gvXdrEncodeU32(b, params ? params->len : 0);
    for (i = 0; params && i < params->len; i++) {
        gvTypedParam *p = g_ptr_array_index(params, i);

        gvXdrEncodeString(b, p->field);
        gvXdrEncodeI32(b, p->type);
        switch (p->type) {
        case GV_TYPED_PARAM_INT:
        case GV_TYPED_PARAM_UINT:
        case GV_TYPED_PARAM_BOOLEAN:
            gvXdrEncodeI32(b, (gint32)p->i);
            break;
        case GV_TYPED_PARAM_LLONG:
        case GV_TYPED_PARAM_ULLONG:
            gvXdrEncodeI64(b, p->i);
            break;
        case GV_TYPED_PARAM_DOUBLE: {
            guint64 bits;

            memcpy(&bits, &p->d, sizeof(bits));
            gvXdrEncodeU64(b, bits);
            break;
        }
        case GV_TYPED_PARAM_STRING:
            gvXdrEncodeString(b, p->s ? p->s : "");
            break;
        }
    }
}

const char *
gvTypedParamsGetString(GPtrArray *params, const char *field)
{
    guint i;

    for (i = 0; params && i < params->len; i++) {
        gvTypedParam *p = g_ptr_array_index(params, i);

        if (p->type == GV_TYPED_PARAM_STRING && g_str_equal(p->field, field))
            return p->s;
    }
    return NULL;
}

void
gvTypedParamsAddString(GPtrArray *params, const char *field, const char *value)
{
    gvTypedParam *p = g_new0(gvTypedParam, 1);

    p->field = g_strdup(field);
    p->type = GV_TYPED_PARAM_STRING;
    p->s = g_strdup(value);
    g_ptr_array_add(params, p);
}
