/*
 * wipetest.c: no block freed after a dumpxml still holds the GUID
 *
 * This test program replaces glibc's freeing and reallocating functions (glibc allows a program
 * to; the sanitizer builds skip the test, their allocator being the
 * checker).  While scanning is on, every block freed, and every block a
 * realloc outgrows (treated as moved and freed, as realloc may do), is
 * searched for the GUID: as text in both cases, and as its 16 raw bytes.
 *
 * Under scanning: a domain XML with a genid GUID and enough devices and
 * text to make every buffer grow several times is parsed (libxml2 with
 * gvXMLInitSecureMemory), formatted with the GUID (gvBuffer), and encoded
 * as the reply of DOMAIN_GET_XML_DESC into an RPC frame the way the
 * dispatcher does it; then everything is freed.  The check: none of the
 * freed memory held the GUID.  A control run with gvBuffer's growth done
 * by plain GString appends shows the scan finds what it must.
 *
 * The same for the QMP side: the reply of query-vm-generation-id parsed
 * the way the monitor does (gvJSONTokenerNewSecret, a wipe after each
 * message, gvJSONPutSecret for the reply's last holder), against a
 * control parsed by plain json-c, which does leave the GUID behind.
 */
#include <gvconfig.h>

#include <malloc.h>
#include <string.h>

#include "domain_conf.h"
#include "gvbuffer.h"
#include "gvjson.h"
#include "gvnetmessage.h"
#include "gvrpcprotocol.h"
#include "gvxml.h"
#include "testutils.h"

#if !defined(__SANITIZE_ADDRESS__)
#define GV_WIPETEST_INTERPOSE 1
#endif

#define GUID_TEXT "4d3b1d4e-8f4c-4e1c-9f5a-2b7c1e0d9a11"
#ifdef GV_WIPETEST_INTERPOSE
static const unsigned char gvGuidRaw[16] = { 0x4d, 0x3b, 0x1d, 0x4e, 0x8f, 0x4c, 0x4e, 0x1c,
                                             0x9f, 0x5a, 0x2b, 0x7c, 0x1e, 0x0d, 0x9a, 0x11 };
#endif

static volatile int gvScan;
static volatile unsigned int gvScannedBlocks;
static volatile unsigned int gvLeaks;

#ifdef GV_WIPETEST_INTERPOSE
extern void __libc_free(void *p);
extern void *__libc_malloc(size_t n);
extern void *__libc_realloc(void *p, size_t n);

static bool
gvHasCaseInsensitive(const unsigned char *p, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    size_t i;

    for (i = 0; i + m <= n; i++) {
        if (g_ascii_strncasecmp((const char *)p + i, needle, m) == 0)
            return true;
    }
    return false;
}

static void
gvScanBlock(const void *p)
{
    size_t n = malloc_usable_size((void *)p);

    gvScannedBlocks++;
    if (memmem(p, n, gvGuidRaw, sizeof(gvGuidRaw)) || gvHasCaseInsensitive(p, n, GUID_TEXT))
        gvLeaks++;
}

void free(void *p); /* check-bans: allow */
void *realloc(void *p, size_t n); /* check-bans: allow */

void
free(void *p) /* check-bans: allow */
{
    if (p && gvScan)
        gvScanBlock(p);
    __libc_free(p);
}

void *
realloc(void *p, size_t n) /* check-bans: allow */
{
    void *q;

    if (!p || !gvScan)
        return __libc_realloc(p, n);
    if (n == 0) {
        free(p); /* check-bans: allow */
        return NULL;
    }
    if (!(q = __libc_malloc(n)))
        return NULL;
    memcpy(q, p, MIN(n, malloc_usable_size(p)));
    free(p); /* check-bans: allow */
    return q;
}
#endif

#ifdef GV_WIPETEST_INTERPOSE
/* A domain whose XML makes every buffer grow: many disks, a long description */
static char *
gvBigDomainXML(void)
{
    GString *x = g_string_new(NULL);
    int i;

    g_string_append(x, "<domain type='kvm'>\n  <name>wipe</name>\n"
                       "  <uuid>6f0f3d1c-93ab-4c5e-8f22-0d3c3fbd0a55</uuid>\n  <description>");
    for (i = 0; i < 400; i++)
        g_string_append(x, "growing text ");
    g_string_append(x, "</description>\n  <memory unit='MiB'>128</memory>\n"
                       "  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n"
                       "  <features><acpi/></features>\n  <devices>\n");
    for (i = 0; i < 20; i++)
        g_string_append_printf(x,
                               "    <disk type='file' device='disk'><driver name='qemu' "
                               "type='qcow2'/><source file='/var/lib/images/disk-%02d.qcow2'/>"
                               "<target dev='vd%c' bus='virtio'/></disk>\n",
                               i, 'a' + i);
    g_string_append(x, "    <genid model='vmgenid'><guid auto='yes'>" GUID_TEXT
                       "</guid></genid>\n  </devices>\n</domain>\n");
    return g_string_free(x, FALSE);
}

/* dumpxml's path: parse, format with the GUID, encode the reply frame, free all */
static void
gvDumpxmlPath(const char *xml)
{
    g_autoptr(GError) error = NULL;
    gvDomainDef *def = gvDomainDefParseString(xml, 0, &error);
    gvNetMessageHeader hdr = { GV_PROGRAM_REMOTE, 1, GV_PROC_DOMAIN_GET_XML_DESC,
                               GV_NET_REPLY,      7, GV_NET_OK };
    gvStringRet ret = { NULL };
    GByteArray *frame;

    g_assert_no_error(error);
    ret.str = gvDomainDefFormat(def, GV_DOMAIN_DEF_FORMAT_SECURE);
    g_assert_nonnull(strstr(ret.str, GUID_TEXT));
    frame = gvNetMessageNewSized(&hdr, gvXdrLayoutSize(&gvStringRetLayout, &ret));
    gvXdrEncodeLayout(frame, &gvStringRetLayout, &ret);
    g_assert_true(gvNetMessageFinish(frame));
    gvXdrBufferFree(frame);
    gvXdrLayoutClear(&gvStringRetLayout, &ret);
    gvDomainDefFree(def);
}
#endif

static void
testDumpxml(const void *opaque)
{
#ifdef GV_WIPETEST_INTERPOSE
    g_autofree char *xml = gvBigDomainXML();
    char *copy;

    if (g_getenv("GENVIRT_VALGRIND")) {
        g_test_skip("valgrind replaces the allocator this test interposes");
        return;
    }
    gvDumpxmlPath(xml); /* once before: one-time allocations (schema, caches) */
    copy = g_strdup(xml);
    gvScannedBlocks = 0;
    gvLeaks = 0;
    gvScan = 1;
    gvDumpxmlPath(copy);
    gvScan = 0;
    g_test_message("%u blocks freed were scanned", gvScannedBlocks);
    g_assert_cmpuint(gvScannedBlocks, >, 20);
    g_assert_cmpuint(gvLeaks, ==, 0);
    gvSecretFree(copy);
#else
    g_test_skip("ASan's allocator cannot be interposed");
#endif
}

/* The control: GString's own growth leaves the GUID in a freed block, and the scan sees it */
static void
testControl(const void *opaque)
{
#ifdef GV_WIPETEST_INTERPOSE
    GString *s;
    int i;

    if (g_getenv("GENVIRT_VALGRIND")) {
        g_test_skip("valgrind replaces the allocator this test interposes");
        return;
    }
    gvLeaks = 0;
    gvScan = 1;
    s = g_string_new(GUID_TEXT);
    for (i = 0; i < 100; i++)
        g_string_append(s, "some text that makes the string grow ");
    gvScan = 0;
    g_assert_cmpuint(gvLeaks, >, 0);
    gvStringWipe(s);
    g_string_free(s, TRUE);

    /* and gvStringAppendSecret's growth does not */
    gvLeaks = 0;
    gvScan = 1;
    s = g_string_new(NULL);
    gvStringAppendSecret(s, GUID_TEXT, strlen(GUID_TEXT));
    for (i = 0; i < 100; i++)
        gvStringAppendSecret(s, "some text that makes the string grow ", 37);
    gvStringWipe(s);
    g_string_free(s, TRUE);
    gvScan = 0;
    g_assert_cmpuint(gvLeaks, ==, 0);
#else
    g_test_skip("ASan's allocator cannot be interposed");
#endif
}

#ifdef GV_WIPETEST_INTERPOSE
/* QEMU's greeting and a reply with the GUID, in two reads as a socket may split them */
static const char *const gvQmpStream[] = {
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "
    "\"package\": \"Debian 1:7.2+dfsg-7+deb12u7 and some more text\"}, \"capabilities\": "
    "[\"oob\"]}}\r\n",
    "{\"return\": {\"guid\": \"" GUID_TEXT "\"}, \"id\": \"gv-3\"}\r\n",
};

/* Parses gvQmpStream; @secret: the monitor's way, else plain json-c */
static void
gvQmpPath(bool secret)
{
    json_tokener *tok = secret ? gvJSONTokenerNewSecret(64) : json_tokener_new_ex(64);
    json_object *ret = NULL;
    size_t i;

    g_assert_nonnull(tok);
    for (i = 0; i < G_N_ELEMENTS(gvQmpStream); i++) {
        const char *msg = gvQmpStream[i];
        size_t half = strlen(msg) / 2;
        json_object *obj;
        json_object *v;

        g_assert_null(json_tokener_parse_ex(tok, msg, (int)half));
        g_assert_cmpint(json_tokener_get_error(tok), ==, json_tokener_continue);
        obj = json_tokener_parse_ex(tok, msg + half, (int)(strlen(msg) - half));
        g_assert_nonnull(obj);
        if (json_object_object_get_ex(obj, "return", &v))
            ret = json_object_get(v);
        json_object_put(obj);
        json_tokener_reset(tok);
        if (secret)
            gvJSONTokenerWipe(tok);
    }
    g_assert_cmpstr(gvJSONGetString(ret, "guid"), ==, GUID_TEXT);
    if (secret) {
        gvJSONPutSecret(ret);
        gvJSONTokenerFreeSecret(tok);
    } else {
        json_object_put(ret);
        json_tokener_free(tok);
    }
}
#endif

static void
testQmp(const void *opaque)
{
#ifdef GV_WIPETEST_INTERPOSE
    if (g_getenv("GENVIRT_VALGRIND")) {
        g_test_skip("valgrind replaces the allocator this test interposes");
        return;
    }
    gvLeaks = 0;
    gvScan = 1;
    gvQmpPath(false);
    gvScan = 0;
    g_test_message("plain json-c: %u freed blocks held the GUID", gvLeaks);
    g_assert_cmpuint(gvLeaks, >, 0);

    gvScannedBlocks = 0;
    gvLeaks = 0;
    gvScan = 1;
    gvQmpPath(true);
    gvScan = 0;
    g_test_message("%u blocks freed were scanned", gvScannedBlocks);
    g_assert_cmpuint(gvScannedBlocks, >, 5);
    g_assert_cmpuint(gvLeaks, ==, 0);
#else
    g_test_skip("ASan's allocator cannot be interposed");
#endif
}

int
main(int argc, char **argv)
{
    gvXMLInitSecureMemory();
    g_test_init(&argc, &argv, NULL);
    gvTestRun("/wipe/control", testControl, NULL);
    gvTestRun("/wipe/dumpxml", testDumpxml, NULL);
    gvTestRun("/wipe/qmp", testQmp, NULL);
    return g_test_run();
}
