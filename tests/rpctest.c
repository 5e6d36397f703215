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

/* Procedures that existed before the tables were generated: never dropped */
static const int gvTestNeededRemote[] = {
    1,   2,   3,   4,   9,   10,  11,  12,  14,  15,  16,  19,  21,  22,  23,  24,  25,  27,
    28,  29,  33,  34,  35,  37,  51,  59,  60,  66,  110, 121, 122, 150, 151, 157, 163, 183,
    185, 186, 187, 188, 189, 190, 191, 192, 193, 196, 212, 213, 214, 216, 217, 218, 231, 234,
    244, 246, 247, 258, 271, 272, 273, 274, 275, 302, 303, 305, 306, 307, 350, 360, 361, 426,
};

static void
testProcTable(const void *opaque)
{
    size_t i;
    size_t j;

    for (i = 0; i < gvProgramCount; i++) {
        const gvProgramDesc *prog = &gvPrograms[i];
        g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
        guint used = 0;

        g_assert_nonnull(prog->name);
        for (j = 1; j < prog->nprocs; j++) {
            const gvProcDesc *p = &prog->procs[j];

            if (p->number == 0)
                continue;
            used++;
            /* a slot holds its own number, and every procedure is complete */
            g_assert_cmpint(p->number, ==, (gint32)j);
            g_assert_nonnull(p->name);
            g_assert_nonnull(p->api);
            g_assert_nonnull(p->args);
            g_assert_nonnull(p->ret);
            g_assert_true(g_hash_table_add(names, (gpointer)p->name));
            if (p->flags & (GV_PROC_EVENT | GV_PROC_NOSUPPORT))
                g_assert_null(p->handler);
            else
                g_assert_nonnull(p->handler);
            if (p->flags & GV_PROC_NOSUPPORT) {
                g_assert_cmpint(p->errorDomain, >, 0);
                g_assert_true(p->args == &gvRpcVoidLayout && p->ret == &gvRpcVoidLayout);
            }
        }
        /* the last slot is used: the table is no longer than it must be */
        g_assert_cmpint(prog->procs[prog->nprocs - 1].number, ==, (gint32)prog->nprocs - 1);
        g_assert_cmpuint(used, >, 0);
        g_assert_null(gvDispatchLookup(prog->number, 0));
        g_assert_null(gvDispatchLookup(prog->number, -1));
        g_assert_null(gvDispatchLookup(prog->number, (gint32)prog->nprocs));
    }
    for (i = 0; i < G_N_ELEMENTS(gvTestNeededRemote); i++)
        g_assert_nonnull(gvDispatchLookup(GV_PROGRAM_REMOTE, gvTestNeededRemote[i]));
    g_assert_nonnull(gvDispatchLookup(GV_PROGRAM_QEMU, GV_QEMU_PROC_DOMAIN_MONITOR_COMMAND));
    g_assert_nonnull(gvDispatchLookup(GV_PROGRAM_GENVIRT, GV_GENVIRT_PROC_DOMAIN_GET_LIVE_GENID));
    g_assert_null(gvDispatchLookup(0x12345678, 1));
}

/* Fills every field of @obj (of @layout) with values derived from @seed */
static void
gvTestFill(const gvXdrLayout *layout, void *obj, guint seed, guint depth)
{
    size_t i;

    for (i = 0; i < layout->nfields; i++) {
        const gvXdrField *f = &layout->fields[i];
        void *p = (char *)obj + f->offset;
        guint v = seed * 31 + (guint)i + 1;

        switch (f->kind) {
        case GV_XDR_INT:
            *(gint32 *)p = -(gint32)v;
            break;
        case GV_XDR_UINT:
            *(guint32 *)p = v;
            break;
        case GV_XDR_HYPER:
            *(gint64 *)p = -(gint64)v * G_GINT64_CONSTANT(1000000007);
            break;
        case GV_XDR_UHYPER:
            *(guint64 *)p = (guint64)v << 33;
            break;
        case GV_XDR_BOOL:
            *(bool *)p = v % 2;
            break;
        case GV_XDR_DOUBLE:
            *(double *)p = v / 3.0;
            break;
        case GV_XDR_STRING:
        case GV_XDR_OSTRING:
            *(char **)p = g_strdup_printf("%s-%u", f->name, v);
            break;
        case GV_XDR_OPAQUE:
        case GV_XDR_CHARS:
            gvXdrOpaqueSet(p, "ab\0cd", 5);
            break;
        case GV_XDR_FIXED_OPAQUE:
        case GV_XDR_FIXED_CHARS:
            memset(p, (int)(v & 0x7f), f->bound);
            break;
        case GV_XDR_STRUCT:
            gvTestFill(f->sub, p, v, depth + 1);
            break;
        case GV_XDR_OPTIONAL:
            *(void **)p = g_malloc0(f->sub->size);
            gvTestFill(f->sub, *(void **)p, v, depth + 1);
            break;
        case GV_XDR_ARRAY: {
            gvXdrArray *arr = p;
            guint32 k;

            gvXdrArrayAlloc(arr, MIN(f->bound, 3), f->sub->size);
            for (k = 0; k < arr->n; k++)
                gvTestFill(f->sub, (char *)arr->v + k * f->sub->size, v + k, depth + 1);
            break;
        }
        case GV_XDR_TPARAMS: {
            GPtrArray *params = gvTypedParamsNew();

            gvTypedParamsAddString(params, "name", "value");
            *(GPtrArray **)p = params;
            break;
        }
        case GV_XDR_KIND_LAST:
        default:
            g_assert_not_reached();
        }
    }
}

/* Encode, decode, encode: the same bytes; every shorter prefix fails to decode */
static void
gvTestLayoutRoundTrip(const gvXdrLayout *layout)
{
    g_autofree void *a = g_malloc0(layout->size);
    g_autofree void *b = g_malloc0(layout->size);
    g_autoptr(GByteArray) first = g_byte_array_new();
    g_autoptr(GByteArray) second = g_byte_array_new();
    gvXdrDecoder d;
    size_t cut;

    gvTestFill(layout, a, 7, 0);
    gvXdrEncodeLayout(first, layout, a);
    g_assert_cmpuint(first->len % 4, ==, 0);
    g_assert_cmpuint(first->len, >=, layout->minWire);
    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(first->data, first->len);
    g_assert_true(gvXdrDecodeLayout(&d, layout, b));
    g_assert_true(gvXdrDecodeFinished(&d));
    gvXdrEncodeLayout(second, layout, b);
    g_assert_cmpmem(first->data, first->len, second->data, second->len);
    gvXdrLayoutClear(layout, b);
    for (cut = 0; cut < first->len; cut += 4) {
        memset(b, 0, layout->size);
        d = (gvXdrDecoder)GV_XDR_DECODER_INIT(first->data, cut);
        g_assert_false(gvXdrDecodeLayout(&d, layout, b) && gvXdrDecodeFinished(&d));
        gvXdrLayoutClear(layout, b);
    }
    gvXdrLayoutClear(layout, a);
}

static void
testLayouts(const void *opaque)
{
    size_t i;
    size_t j;

    for (i = 0; i < gvProgramCount; i++) {
        for (j = 1; j < gvPrograms[i].nprocs; j++) {
            const gvProcDesc *p = &gvPrograms[i].procs[j];

            if (p->number == 0)
                continue;
            gvTestLayoutRoundTrip(p->args);
            gvTestLayoutRoundTrip(p->ret);
        }
    }
}

static void
testLayoutWire(const void *opaque)
{
    /* CONNECT_OPEN("qemu:///system", 0), with glibc's and go-libvirt's pointer flags */
    static const guint8 open1[] = { 0,   0,   0,   1,   0,   0,   0,   14,  'q', 'e',
                                    'm', 'u', ':', '/', '/', '/', 's', 'y', 's', 't',
                                    'e', 'm', 0,   0,   0,   0,   0,   0 };
    guint8 open2[sizeof(open1)];
    const gvProcDesc *proc = gvDispatchLookup(GV_PROGRAM_REMOTE, GV_PROC_CONNECT_OPEN);
    gvConnectOpenArgs args = { 0 };
    gvDomainGetInfoRet info = { 5, 1024, 512, 2, 99 };
    g_autoptr(GByteArray) b = g_byte_array_new();
    gvXdrDecoder d;

    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(open1, sizeof(open1));
    g_assert_true(gvXdrDecodeLayout(&d, proc->args, &args) && gvXdrDecodeFinished(&d));
    g_assert_cmpstr(args.name, ==, "qemu:///system");
    gvXdrLayoutClear(proc->args, &args);
    /* bytes 01 00 00 00: any non-zero flag means present, as glibc decodes it */
    memcpy(open2, open1, sizeof(open1));
    open2[0] = 1;
    open2[3] = 0;
    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(open2, sizeof(open2));
    g_assert_true(gvXdrDecodeLayout(&d, proc->args, &args) && gvXdrDecodeFinished(&d));
    g_assert_cmpstr(args.name, ==, "qemu:///system");
    gvXdrLayoutClear(proc->args, &args);
    g_assert_null(args.name);

    /* remote_domain_get_info_ret: uchar and ushort are 4 bytes each, 40 in all */
    gvXdrEncodeLayout(b, &gvDomainGetInfoRetLayout, &info);
    g_assert_cmpuint(b->len, ==, 4 + 8 + 8 + 4 + 8);
    g_assert_cmpmem(b->data, 4, "\x00\x00\x00\x05", 4);
}

/* NODE_GET_INFO's reply: char model[32] (4 bytes a char, no count), hyper, 6 ints */
static void
testLayoutNodeInfo(const void *opaque)
{
    const gvProcDesc *proc = gvDispatchLookup(GV_PROGRAM_REMOTE, GV_PROC_NODE_GET_INFO);
    const gvProcDesc *nosupport =
        gvDispatchLookup(GV_PROGRAM_REMOTE, GV_PROC_CONNECT_LIST_ALL_NWFILTERS);
    gvNodeGetInfoRet info = { "x86_64", 33554432, 7, 2400, 2, 1, 2, 2 };
    g_autoptr(GByteArray) b = g_byte_array_new();
    guint32 word;

    g_assert_nonnull(proc);
    gvXdrEncodeLayout(b, proc->ret, &info);
    g_assert_cmpuint(b->len, ==, 160);
    memcpy(&word, b->data + 4, 4);
    g_assert_cmpuint(GUINT32_FROM_BE(word), ==, '8');
    memcpy(&word, b->data + 6 * 4, 4);
    g_assert_cmpuint(GUINT32_FROM_BE(word), ==, 0); /* zero-filled after "x86_64" */
    memcpy(&word, b->data + 128 + 4, 4);
    g_assert_cmpuint(GUINT32_FROM_BE(word), ==, 33554432);
    memcpy(&word, b->data + 156, 4);
    g_assert_cmpuint(GUINT32_FROM_BE(word), ==, 2);
    /* the subsystems genvirt has no driver for: libvirt's error domains */
    g_assert_nonnull(nosupport);
    g_assert_true(nosupport->flags & GV_PROC_NOSUPPORT);
    g_assert_cmpint(nosupport->errorDomain, ==, 33); /* VIR_FROM_NWFILTER */
    g_assert_cmpstr(nosupport->api, ==, "virConnectListAllNWFilters");
    g_assert_cmpint(
        gvDispatchLookup(GV_PROGRAM_REMOTE, GV_PROC_CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY)
            ->errorDomain,
        ==, 18);
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
    gvTestRun("/rpc/layouts", testLayouts, NULL);
    gvTestRun("/rpc/layout-wire", testLayoutWire, NULL);
    gvTestRun("/rpc/layout-node-info", testLayoutNodeInfo, NULL);
    gvTestRun("/rpc/tls-dn-match", testDNMatch, NULL);

    return g_test_run();
}
