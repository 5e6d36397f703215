/*
 * gvnetmessage.c: libvirt's RPC framing
 */
#include <gvconfig.h>

#include <string.h>

#include "gvnetmessage.h"
#include "gvxdr.h"

bool
gvNetMessageLengthValid(guint32 len)
{
    return len >= GV_NET_MESSAGE_LEN_MAX + GV_NET_MESSAGE_HEADER_MAX &&
           len - GV_NET_MESSAGE_LEN_MAX <= GV_NET_MESSAGE_MAX;
}

GByteArray *
gvNetMessageNew(const gvNetMessageHeader *hdr)
{
    return gvNetMessageNewSized(hdr, 256 - GV_NET_MESSAGE_LEN_MAX - GV_NET_MESSAGE_HEADER_MAX);
}

GByteArray *
gvNetMessageNewSized(const gvNetMessageHeader *hdr, size_t payload)
{
    /* bounded: a frame larger than the limit is refused when it is finished */
    GByteArray *msg =
        g_byte_array_sized_new((guint)(GV_NET_MESSAGE_LEN_MAX + GV_NET_MESSAGE_HEADER_MAX +
                                       MIN(payload, (size_t)GV_NET_MESSAGE_MAX)));

    gvXdrEncodeU32(msg, 0);
    gvXdrEncodeU32(msg, hdr->prog);
    gvXdrEncodeU32(msg, hdr->vers);
    gvXdrEncodeI32(msg, hdr->proc);
    gvXdrEncodeU32(msg, hdr->type);
    gvXdrEncodeU32(msg, hdr->serial);
    gvXdrEncodeU32(msg, hdr->status);
    return msg;
}

bool
gvNetMessageFinish(GByteArray *msg)
{
    guint32 be;

    if (msg->len - GV_NET_MESSAGE_LEN_MAX > GV_NET_MESSAGE_MAX)
        return false;
    be = GUINT32_TO_BE(msg->len);
    memcpy(msg->data, &be, 4);
    return true;
}

void
gvNetMessageDecodeHeader(const guint8 *buf, gvNetMessageHeader *hdr)
{
    gvXdrDecoder d = GV_XDR_DECODER_INIT(buf, GV_NET_MESSAGE_HEADER_MAX);

    (void)gvXdrDecodeU32(&d, &hdr->prog);
    (void)gvXdrDecodeU32(&d, &hdr->vers);
    (void)gvXdrDecodeI32(&d, &hdr->proc);
    (void)gvXdrDecodeU32(&d, &hdr->type);
    (void)gvXdrDecodeU32(&d, &hdr->serial);
    (void)gvXdrDecodeU32(&d, &hdr->status);
}
