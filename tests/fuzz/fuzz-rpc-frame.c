/*
 * fuzz-rpc-frame.c: the frame and XDR decoders on arbitrary bytes
 *
 * The input is a byte stream as a client would send it: frames are cut
 * out by their length words (checked first, as the server does), headers
 * decoded, and every payload decoded as each argument and reply layout of
 * the generated procedure tables (the one codec every procedure goes
 * through), re-encoded when it decodes, and freed.  Nothing may crash,
 * read out of bounds or allocate beyond bounds.
 */
#include <gvconfig.h>

#include <stdint.h>
#include <string.h>

#include "gvnetmessage.h"
#include "gvrpcprotocol.h"
#include "gvxdr.h"
#include "gvxdrcodec.h"
#include "remote_call.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static void gvFuzzPayloadLegacy(const guint8 *p, size_t len);

/* @p as an instance of @layout: decoded, encoded again if it decoded, freed */
static void
gvFuzzLayout(const gvXdrLayout *layout, const guint8 *p, size_t len)
{
    g_autofree void *obj = g_malloc0(layout->size);
    gvXdrDecoder d = GV_XDR_DECODER_INIT(p, len);

    if (gvXdrDecodeLayout(&d, layout, obj)) {
        GByteArray *b = g_byte_array_new();

        gvXdrEncodeLayout(b, layout, obj);
        /* what decoded must encode to the bytes it came from */
        if (gvXdrDecodeFinished(&d) && len > 0 && (b->len != len || memcmp(b->data, p, len) != 0)) {
            /* only booleans and pointer flags may differ (any non-zero is 1) */
            g_assert_cmpuint(b->len, ==, len);
        }
        gvXdrBufferFree(b);
    }
    gvXdrLayoutClear(layout, obj);
}

static void
gvFuzzPayload(const guint8 *p, size_t len)
{
    size_t i;
    size_t j;

    for (i = 0; i < gvProgramCount; i++) {
        for (j = 1; j < gvPrograms[i].nprocs; j++) {
            const gvProcDesc *proc = &gvPrograms[i].procs[j];

            if (proc->number == 0)
                continue;
            gvFuzzLayout(proc->args, p, len);
            gvFuzzLayout(proc->ret, p, len);
        }
    }
    gvFuzzPayloadLegacy(p, len);
}

static void
gvFuzzPayloadLegacy(const guint8 *p, size_t len)
{
    gvXdrDecoder d;
    gvRemoteDomain dom = { 0 };
    gvRemoteError err = { 0 };
    char *s = NULL;
    guint8 *op = NULL;
    size_t oplen;
    guint32 n;
    guint32 u;

    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(p, len);
    if (gvRemoteDomainDecode(&d, &dom) && gvXdrDecodeU32(&d, &u))
        (void)gvXdrDecodeFinished(&d);
    gvRemoteDomainClear(&dom);

    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(p, len);
    if (gvXdrDecodeOptString(&d, GV_NET_MESSAGE_STRING_MAX, &s))
        g_free(s);
    s = NULL;

    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(p, len);
    (void)gvRemoteErrorDecode(&d, &err);
    gvRemoteErrorClear(&err);

    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(p, len);
    if (gvXdrDecodeCount(&d, GV_REMOTE_DOMAIN_LIST_MAX, 24, &n)) {
        guint32 i;

        for (i = 0; i < n; i++) {
            if (!gvRemoteDomainDecode(&d, &dom))
                break;
            gvRemoteDomainClear(&dom);
        }
    }

    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(p, len);
    if (gvXdrDecodeOpaque(&d, 4194304, &op, &oplen))
        g_free(op);
    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(p, len);
    if (gvXdrDecodeCharArray(&d, 4097, &s))
        g_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t pos = 0;

    while (size - pos >= 4) {
        guint32 len;
        gvNetMessageHeader hdr;

        memcpy(&len, data + pos, 4);
        len = GUINT32_FROM_BE(len);
        if (!gvNetMessageLengthValid(len) || len > size - pos)
            break;
        gvNetMessageDecodeHeader(data + pos + 4, &hdr);
        gvFuzzPayload(data + pos + 4 + GV_NET_MESSAGE_HEADER_MAX,
                      len - 4 - GV_NET_MESSAGE_HEADER_MAX);
        pos += len;
    }
    return 0;
}
