/*
 * gvrpcprotocol.c: libvirt's remote protocol, shared structs
 */
#include <gvconfig.h>

#include "gvnetmessage.h"
#include "gvrpcprotocol.h"

void
gvRemoteDomainClear(gvRemoteDomain *dom)
{
    g_clear_pointer(&dom->name, g_free);
}

void
gvRemoteDomainEncode(GByteArray *b, const char *name, const unsigned char uuid[GV_UUID_BUFLEN],
                     gint32 id)
{
    gvXdrEncodeString(b, name);
    gvXdrEncodeOpaqueFixed(b, uuid, GV_UUID_BUFLEN);
    gvXdrEncodeI32(b, id);
}

bool
gvRemoteDomainDecode(gvXdrDecoder *d, gvRemoteDomain *dom)
{
    char *name = NULL;

    if (!gvXdrDecodeString(d, GV_REMOTE_DOMAIN_NAME_MAX, &name) ||
        !gvXdrDecodeOpaqueFixed(d, dom->uuid, GV_UUID_BUFLEN) || !gvXdrDecodeI32(d, &dom->id)) {
        g_free(name);
        return false;
    }
    dom->name = name;
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
