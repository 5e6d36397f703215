/*
 * rpctest.c: the XDR codec, framing and the procedure table
 */
#include <gvconfig.h>

#include <string.h>

#include "gvnetmessage.h"
#include "gvnettls.h"
#include "gvrpcprotocol.h"
#include "gvxdr.h"
#include "remote_dispatch.h"
#include "testutils.h"

static void
testXdrRoundTrip(const void *opaque)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    unsigned char uuid[GV_UUID_BUFLEN];
    unsigned char uuid2[GV_UUID_BUFLEN];
    g_autofree char *s1 = NULL;
    g_autofree char *s2 = NULL;
    g_autofree char *s3 = (char *)"unset";
    g_autofree guint8 *op = NULL;
    g_autofree char *chars = NULL;
    size_t oplen = 0;
    guint32 u;
    gint32 i;
    guint64 u64;
    gint64 i64;
    gvXdrDecoder d;

    memset(uuid, 0xab, sizeof(uuid));
    gvXdrEncodeU32(b, 0xdeadbeef);
    gvXdrEncodeI32(b, -1);
    gvXdrEncodeU64(b, G_GUINT64_CONSTANT(0x0102030405060708));
    gvXdrEncodeI64(b, -2);
    gvXdrEncodeString(b, "d1");
    gvXdrEncodeOptString(b, "qemu:///system");
    gvXdrEncodeOptString(b, NULL);
    gvXdrEncodeOpaqueFixed(b, uuid, sizeof(uuid));
    gvXdrEncodeOpaque(b, "abcde", 5);
    gvXdrEncodeCharArray(b, "none", 5);
    /* the layouts of the reference captures */
    g_assert_cmpmem(b->data + 24, 8, "\x00\x00\x00\x02\x64\x31\x00\x00", 8);
    g_assert_cmpuint(b->len % 4, ==, 0);

    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(b->data, b->len);
    g_assert_true(gvXdrDecodeU32(&d, &u));
    g_assert_cmphex(u, ==, 0xdeadbeef);
    g_assert_true(gvXdrDecodeI32(&d, &i));
    g_assert_cmpint(i, ==, -1);
    g_assert_true(gvXdrDecodeU64(&d, &u64));
    g_assert_cmphex(u64, ==, G_GUINT64_CONSTANT(0x0102030405060708));
    g_assert_true(gvXdrDecodeI64(&d, &i64));
    g_assert_cmpint(i64, ==, -2);
    g_assert_true(gvXdrDecodeString(&d, 100, &s1));
    g_assert_cmpstr(s1, ==, "d1");
    g_assert_true(gvXdrDecodeOptString(&d, 100, &s2));
    g_assert_cmpstr(s2, ==, "qemu:///system");
    g_steal_pointer(&s3);
    g_assert_true(gvXdrDecodeOptString(&d, 100, &s3));
    g_assert_null(s3);
    g_assert_true(gvXdrDecodeOpaqueFixed(&d, uuid2, sizeof(uuid2)));
    g_assert_cmpmem(uuid, sizeof(uuid), uuid2, sizeof(uuid2));
    g_assert_true(gvXdrDecodeOpaque(&d, 10, &op, &oplen));
    g_assert_cmpmem(op, oplen, "abcde", 5);
    g_assert_true(gvXdrDecodeCharArray(&d, 257, &chars));
    g_assert_cmpstr(chars, ==, "none");
    g_assert_true(gvXdrDecodeFinished(&d));
}

static void
testXdrBounds(const void *opaque)
{
    /* a string claiming 4 GiB, then a short one past its bound, then truncation */
    static const guint8 huge[] = { 0xff, 0xff, 0xff, 0xff, 'a', 'b', 'c', 'd' };
    static const guint8 over[] = { 0, 0, 0, 5, 'a', 'b', 'c', 'd', 'e', 0, 0, 0 };
    static const guint8 nul[] = { 0, 0, 0, 3, 'a', 0, 'c', 0 };
    static const guint8 shortu[] = { 0, 0, 1 };
    static const guint8 count[] = { 0, 0, 0x40, 0, 0, 0, 0, 1 };
    gvXdrDecoder d;
    char *s = NULL;
    guint32 u;

    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(huge, sizeof(huge));
    g_assert_false(gvXdrDecodeString(&d, G_MAXUINT32, &s));
    g_assert_null(s);
    /* a failed decoder stays failed */
    g_assert_false(gvXdrDecodeU32(&d, &u));
    g_assert_false(gvXdrDecodeFinished(&d));

    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(over, sizeof(over));
    g_assert_false(gvXdrDecodeString(&d, 4, &s));
    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(over, sizeof(over));
    g_assert_true(gvXdrDecodeString(&d, 5, &s));
    g_assert_cmpstr(s, ==, "abcde");
    g_clear_pointer(&s, g_free);

    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(nul, sizeof(nul));
    g_assert_false(gvXdrDecodeString(&d, 100, &s));
    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(shortu, sizeof(shortu));
    g_assert_false(gvXdrDecodeU32(&d, &u));
    /* 16384 elements of 4 bytes cannot fit in the 4 bytes left */
    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(count, sizeof(count));
    g_assert_false(gvXdrDecodeCount(&d, 16384, 4, &u));
}

static void
testFraming(const void *opaque)
{
    gvNetMessageHeader hdr = { GV_PROGRAM_REMOTE, 1, GV_PROC_DOMAIN_LOOKUP_BY_NAME,
                               GV_NET_CALL,       6, GV_NET_OK };
    gvNetMessageHeader back;
    GByteArray *msg = gvNetMessageNew(&hdr);
    /* LOOKUP_BY_NAME("probe-a"), captured from virsh 9.0 */
    static const guint8 capture[] = {
        0x00, 0x00, 0x00, 0x28, 0x20, 0x00, 0x80, 0x86, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x07, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x2d, 0x61, 0x00,
    };

    gvXdrEncodeString(msg, "probe-a");
    g_assert_true(gvNetMessageFinish(msg));
    g_assert_cmpmem(msg->data, msg->len, capture, sizeof(capture));
    gvNetMessageDecodeHeader(msg->data + 4, &back);
    g_assert_cmpmem(&back, sizeof(back), &hdr, sizeof(hdr));
    gvXdrBufferFree(msg);

    g_assert_false(gvNetMessageLengthValid(0));
    g_assert_false(gvNetMessageLengthValid(27));
    g_assert_true(gvNetMessageLengthValid(28));
    g_assert_true(gvNetMessageLengthValid(GV_NET_MESSAGE_MAX + 4));
    g_assert_false(gvNetMessageLengthValid(GV_NET_MESSAGE_MAX + 5));
    g_assert_false(gvNetMessageLengthValid(G_MAXUINT32));
}

static void
testErrorLayout(const void *opaque)
{
    /* the 204-byte capture of 'Domain not found' (reference 1.4), after the header */
    g_autoptr(GByteArray) b = g_byte_array_new();
    const char *msg = "Domain not found: no domain with matching name 'nosuchdom'";
    gvXdrDecoder d;
    gvRemoteError err = { 0 };

    gvRemoteErrorEncode(b, 42, 10, msg);
    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(b->data, b->len);
    g_assert_true(gvRemoteErrorDecode(&d, &err));
    g_assert_cmpint(err.code, ==, 42);
    g_assert_cmpint(err.domain, ==, 10);
    g_assert_cmpint(err.level, ==, 2);
    g_assert_cmpstr(err.message, ==, msg);
    gvRemoteErrorClear(&err);
    /*
     * code, domain, message (flag, length, 58 bytes + 2 pad), level, dom,
     * str1 "%s" (flag, length, 4), str2 = the message, str3, int1, int2, net
     */
    g_assert_cmpuint(b->len, ==, 4 + 4 + 68 + 4 + 4 + 12 + 68 + 4 + 4 + 4 + 4);
    g_assert_cmpmem(b->data, 8, "\x00\x00\x00\x2a\x00\x00\x00\x0a", 8);
}

static void
testProcTable(const void *opaque)
{
    static const int needed[] = { 1,   2,   3,   4,   9,   10,  11,  12,  14,  15,  16,  19,
                                  21,  22,  23,  24,  25,  27,  28,  29,  33,  34,  35,  37,
                                  51,  59,  60,  66,  110, 121, 122, 150, 151, 157, 163, 183,
                                  185, 186, 187, 188, 189, 190, 191, 192, 193, 196, 212, 213,
                                  214, 216, 217, 218, 231, 234, 244, 246, 247, 258, 271, 272,
                                  273, 274, 275, 302, 303, 305, 306, 307, 350, 360, 361, 426 };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(needed); i++)
        g_assert_nonnull(gvDispatchProcName(needed[i]));
    g_assert_null(gvDispatchProcName(0));
    g_assert_null(gvDispatchProcName(9999));
    g_assert_null(gvDispatchProcName(-1));
    g_assert_cmpuint(gvDispatchProcCount(), ==, G_N_ELEMENTS(needed));
}

/* tls_allowed_dn_list patterns: fnmatch over the whole DN, as libvirt */
static void
testDNMatch(const void *opaque)
{
    const char *const allowed[] = { "C=GB,O=genvirt tests,CN=admin", "C=GB,O=Example,CN=host-?",
                                    "*,CN=auditor", NULL };
    const char *const none[] = { NULL };

    g_assert_true(gvNetTLSDNMatch(allowed, "C=GB,O=genvirt tests,CN=admin"));
    g_assert_false(gvNetTLSDNMatch(allowed, "C=GB,O=genvirt tests,CN=admin2"));
    g_assert_false(gvNetTLSDNMatch(allowed, "C=GB,O=genvirt tests,CN=Admin"));
    g_assert_false(gvNetTLSDNMatch(allowed, "X=1,C=GB,O=genvirt tests,CN=admin"));
    g_assert_true(gvNetTLSDNMatch(allowed, "C=GB,O=Example,CN=host-a"));
    g_assert_false(gvNetTLSDNMatch(allowed, "C=GB,O=Example,CN=host-ab"));
    g_assert_true(gvNetTLSDNMatch(allowed, "C=US,O=Other,CN=auditor"));
    g_assert_false(gvNetTLSDNMatch(allowed, "C=US,O=Other,CN=auditor,OU=x"));
    g_assert_false(gvNetTLSDNMatch(none, "C=GB,O=genvirt tests,CN=admin"));
    g_assert_false(gvNetTLSDNMatch(NULL, "C=GB"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    gvTestRun("/rpc/xdr-round-trip", testXdrRoundTrip, NULL);
    gvTestRun("/rpc/xdr-bounds", testXdrBounds, NULL);
    gvTestRun("/rpc/framing", testFraming, NULL);
    gvTestRun("/rpc/error-layout", testErrorLayout, NULL);
    gvTestRun("/rpc/proc-table", testProcTable, NULL);
    gvTestRun("/rpc/tls-dn-match", testDNMatch, NULL);

    return g_test_run();
}
