/*
 * statstest.c: the pure parts of domain statistics: typed parameters and
 * libvirt's two-pass rule, /proc and /sys parsers, the qcow2 header, the
 * port allocator
 */
#include <gvconfig.h>

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gverror.h"
#include "gvparams.h"
#include "gvport.h"
#include "gvprocfs.h"
#include "gvrpcprotocol.h"
#include "qemu_image.h"
#include "remote_call.h"
#include "testutils.h"

static void
testParamList(const void *opaque)
{
    g_autoptr(gvParamList) p = gvParamListNew();
    g_autofree char *longName = g_strnfill(GV_PARAM_FIELD_MAX + 1, 'x');
    const gvParam *v;

    gvParamListAddInt(p, -5, "state.%s", "state");
    gvParamListAddUInt(p, 4000000000u, "vcpu.current");
    gvParamListAddLLong(p, -1, "errs");
    gvParamListAddULLong(p, G_MAXUINT64, "block.%u.rd.bytes", 3);
    gvParamListAddString(p, "vda", "block.%u.name", 0);
    g_assert_cmpuint(gvParamListLength(p), ==, 5);
    v = gvParamListFind(p, "state.state");
    g_assert_cmpint(v->type, ==, GV_PARAM_INT);
    g_assert_cmpint(v->i, ==, -5);
    v = gvParamListFind(p, "vcpu.current");
    g_assert_cmpint(v->type, ==, GV_PARAM_UINT);
    g_assert_cmpint(v->i, ==, 4000000000LL);
    v = gvParamListFind(p, "block.3.rd.bytes");
    g_assert_cmpint(v->type, ==, GV_PARAM_ULLONG);
    g_assert_cmpuint((guint64)v->i, ==, G_MAXUINT64);
    v = gvParamListFind(p, "block.0.name");
    g_assert_cmpstr(v->s, ==, "vda");
    g_assert_null(gvParamListFind(p, "nosuch"));

    /* a name clients cannot take (char[80]) is a bug, and never sent */
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*is longer than 79 characters*");
    gvParamListAddInt(p, 1, "%s", longName);
    g_test_assert_expected_messages();
    g_assert_cmpuint(gvParamListLength(p), ==, 5);
}

/* what the wire carries: the same names, types and values */
static void
testParamsToWire(const void *opaque)
{
    g_autoptr(gvParamList) p = gvParamListNew();
    g_autoptr(GPtrArray) tp = NULL;
    const gvTypedParam *t;

    gvParamListAddInt(p, 1, "state.state");
    gvParamListAddULLong(p, 123456789, "cpu.time");
    gvParamListAddString(p, "/images/a.qcow2", "block.0.path");
    tp = gvCallTypedParams(p);
    g_assert_cmpuint(tp->len, ==, 3);
    t = g_ptr_array_index(tp, 0);
    g_assert_cmpstr(t->field, ==, "state.state");
    g_assert_cmpint(t->type, ==, GV_TYPED_PARAM_INT);
    g_assert_cmpint(t->i, ==, 1);
    t = g_ptr_array_index(tp, 1);
    g_assert_cmpint(t->type, ==, GV_TYPED_PARAM_ULLONG);
    g_assert_cmpint(t->i, ==, 123456789);
    t = g_ptr_array_index(tp, 2);
    g_assert_cmpint(t->type, ==, GV_TYPED_PARAM_STRING);
    g_assert_cmpstr(t->s, ==, "/images/a.qcow2");
}

static gvParamList *
blockStatsLike(void)
{
    gvParamList *p = gvParamListNew();

    gvParamListAddLLong(p, 0, "wr_bytes");
    gvParamListAddLLong(p, 0, "wr_operations");
    gvParamListAddString(p, "vda", "device");
    gvParamListAddLLong(p, 512, "rd_bytes");
    gvParamListAddLLong(p, 1, "rd_operations");
    return p;
}

/* the first call asks how many, the second gets at most that many */
static void
testTwoPass(const void *opaque)
{
    g_autoptr(gvParamList) a = blockStatsLike();
    g_autoptr(gvParamList) b = blockStatsLike();
    g_autoptr(gvParamList) c = blockStatsLike();
    g_autoptr(gvParamList) d = blockStatsLike();

    /* nparams 0: the count, and nothing else */
    g_assert_cmpuint(gvParamListForRequest(a, 0, false), ==, 4);
    g_assert_cmpuint(gvParamListLength(a), ==, 0);
    /* a client that takes strings counts them too */
    g_assert_cmpuint(gvParamListForRequest(b, 0, true), ==, 5);
    /* never more than asked for, in order */
    g_assert_cmpuint(gvParamListForRequest(c, 2, false), ==, 2);
    g_assert_cmpuint(gvParamListLength(c), ==, 2);
    g_assert_cmpstr(gvParamListGet(c, 1)->field, ==, "wr_operations");
    /* more room than values: all of them, without the string */
    g_assert_cmpuint(gvParamListForRequest(d, 16, false), ==, 4);
    g_assert_cmpstr(gvParamListGet(d, 2)->field, ==, "rd_bytes");
    g_assert_null(gvParamListFind(d, "device"));
}

static void
testProcStat(const void *opaque)
{
    /* a real line, and one whose comm holds blanks and parentheses */
    const char *real =
        "4568 (cat) R 4566 4566 22230 0 -1 4194304 99 0 0 0 7 3 0 0 20 0 1 0 425090 3133440 "
        "360 18446744073709551615 94507294420992 94507294440873 140721831317408 0 0 0 0 0 0 0 "
        "0 0 17 1 0 0 0 0 0 94507294456880 94507294458496 94507856515072 140721831320203 "
        "140721831320223 140721831320223 140721831321579 0\n";
    const char *odd = "77 (qemu (x) ) y) S 1 1 1 0 -1 0 0 0 0 0 1500 250 0 0 20 0 9 0 1 2 "
                      "12345 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    gvProcStat st;
    guint64 run;
    guint64 delay;
    guint64 wait = 0;

    g_assert_true(gvProcParseStat(real, &st));
    g_assert_cmpint(st.state, ==, 'R');
    g_assert_cmpuint(st.utime, ==, 7);
    g_assert_cmpuint(st.stime, ==, 3);
    g_assert_cmpuint(st.rss, ==, 360);
    g_assert_cmpint(st.processor, ==, 1);
    g_assert_true(gvProcParseStat(odd, &st));
    g_assert_cmpint(st.state, ==, 'S');
    g_assert_cmpuint(st.utime, ==, 1500);
    g_assert_cmpuint(st.stime, ==, 250);
    g_assert_cmpuint(st.rss, ==, 12345);
    g_assert_cmpint(st.processor, ==, 0);
    /* cut short, no comm, garbage */
    g_assert_false(gvProcParseStat("4568 (cat) R 4566 4566", &st));
    g_assert_false(gvProcParseStat("4568 cat R", &st));
    g_assert_false(gvProcParseStat("", &st));
    g_assert_false(gvProcParseStat(NULL, &st));

    g_assert_true(gvProcParseSchedstat("170000000 298331111 42\n", &run, &delay));
    g_assert_cmpuint(run, ==, 170000000);
    g_assert_cmpuint(delay, ==, 298331111);
    g_assert_false(gvProcParseSchedstat("1 2\n", &run, &delay));
    g_assert_false(gvProcParseSchedstat("x y z\n", &run, &delay));

    /* wait_sum only exists with schedstats: then in ms with six decimals */
    g_assert_cmpint(gvProcParseSchedWaitSum("se.exec_start : 2900827.270916\n"
                                            "se.statistics.wait_sum : 12.345678\n",
                                            &wait),
                    ==, 1);
    g_assert_cmpuint(wait, ==, 12345678);
    g_assert_cmpint(gvProcParseSchedWaitSum("wait_sum : 3\n", &wait), ==, 1);
    g_assert_cmpuint(wait, ==, 3000000);
    g_assert_cmpint(gvProcParseSchedWaitSum("se.vruntime : 3680.949835\n", &wait), ==, 0);
    g_assert_cmpint(gvProcParseSchedWaitSum("wait_sum : -1\n", &wait), ==, -1);
    g_assert_cmpint(gvProcParseSchedWaitSum("wait_sum : 1.1234567\n", &wait), ==, -1);

    /* this process, read for real */
    g_assert_true(gvProcReadStat(getpid(), 0, &st));
    g_assert_true(gvProcReadSchedstat(getpid(), getpid(), &run, &delay));
    g_assert_false(gvProcReadStat(0, 0, &st));
}

static void
testCpuList(const void *opaque)
{
    guint8 map[4];
    gint64 top;

    g_assert_true(gvParseCpuList("0-3,8,10-11\n", map, sizeof(map), &top));
    g_assert_cmpint(top, ==, 11);
    g_assert_cmpuint(map[0], ==, 0x0f);
    g_assert_cmpuint(map[1], ==, 0x0d);
    g_assert_cmpuint(map[2], ==, 0);
    /* bits past the map are left out, the highest is still told */
    g_assert_true(gvParseCpuList("0,40", map, 1, &top));
    g_assert_cmpuint(map[0], ==, 1);
    g_assert_cmpint(top, ==, 40);
    g_assert_true(gvParseCpuList("\n", map, sizeof(map), &top));
    g_assert_cmpint(top, ==, -1);
    g_assert_false(gvParseCpuList("3-1", map, sizeof(map), &top));
    g_assert_false(gvParseCpuList("a", map, sizeof(map), &top));
    g_assert_false(gvParseCpuList("1-2-3", map, sizeof(map), &top));
    g_assert_false(gvParseCpuList("0-99999999", map, sizeof(map), &top));
}

static void
testQcow2Header(const void *opaque)
{
    /* the first 32 bytes of a real image of 64 MiB (qemu-img create -f qcow2) */
    static const unsigned char hdr[32] = {
        'Q', 'F', 'I', 0xfb, 0, 0, 0, 3,  0, 0, 0, 0, 0, 0, 0, 0,
        0,   0,   0,   0,    0, 0, 0, 16, 0, 0, 0, 0, 4, 0, 0, 0
    };
    unsigned char v1[32];
    guint64 size = 0;

    g_assert_true(gvQemuImageParseQcow2Size(hdr, sizeof(hdr), &size));
    g_assert_cmpuint(size, ==, 64 * 1024 * 1024);
    g_assert_false(gvQemuImageParseQcow2Size(hdr, 31, &size));
    g_assert_false(
        gvQemuImageParseQcow2Size((const unsigned char *)"not an image at all, no...", 26, &size));
    memcpy(v1, hdr, sizeof(v1));
    v1[7] = 1; /* qcow version 1 is another format */
    g_assert_false(gvQemuImageParseQcow2Size(v1, sizeof(v1), &size));
}

/* a port something on the host listens on is never handed out */
static void
testPortAllocator(const void *opaque)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    g_autoptr(gvPortAllocator) pa = NULL;
    g_autoptr(GError) error = NULL;
    socklen_t len = sizeof(a);
    guint16 busy;
    guint16 port = 0;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    /* a port the kernel picks for a listener of our own */
    g_assert_cmpint(bind(fd, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&a, &len), ==, 0);
    busy = ntohs(a.sin_port);
    g_assert_cmpuint(busy, <, 65535);
    pa = gvPortAllocatorNew(busy, busy + 1 > 65535 ? 65535 : busy + 1);
    g_assert_cmpint(gvPortAllocatorAcquire(pa, &port, &error), ==, 0);
    g_assert_cmpuint(port, ==, busy + 1);
    g_assert_true(gvPortAllocatorIsUsed(pa, port));
    /* nothing left: a clear error */
    g_assert_cmpint(gvPortAllocatorAcquire(pa, &port, &error), ==, -1);
    g_assert_nonnull(strstr(error->message, "no free port"));
    g_clear_error(&error);
    /* released, it comes back */
    gvPortAllocatorRelease(pa, busy + 1);
    g_assert_false(gvPortAllocatorIsUsed(pa, busy + 1));
    g_assert_cmpint(gvPortAllocatorAcquire(pa, &port, &error), ==, 0);
    g_assert_cmpuint(port, ==, busy + 1);
    close(fd);
    /* the listener gone, its port is free; marked used (a restart), it is not */
    gvPortAllocatorRelease(pa, busy + 1);
    gvPortAllocatorSetUsed(pa, busy);
    g_assert_cmpint(gvPortAllocatorAcquire(pa, &port, &error), ==, 0);
    g_assert_cmpuint(port, ==, busy + 1);
    /* out of range: ignored */
    gvPortAllocatorSetUsed(pa, 1);
    g_assert_false(gvPortAllocatorIsUsed(pa, 1));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    gvTestRun("/stats/param-list", testParamList, NULL);
    gvTestRun("/stats/params-to-wire", testParamsToWire, NULL);
    gvTestRun("/stats/two-pass", testTwoPass, NULL);
    gvTestRun("/stats/proc", testProcStat, NULL);
    gvTestRun("/stats/cpu-list", testCpuList, NULL);
    gvTestRun("/stats/qcow2-header", testQcow2Header, NULL);
    gvTestRun("/stats/port-allocator", testPortAllocator, NULL);

    return g_test_run();
}
