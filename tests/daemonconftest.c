/*
 * daemonconftest.c: genvirtd.conf
 *
 * tests/daemonconf/NAME.conf is parsed on top of the defaults (root
 * "/ROOT"); NAME.out holds every setting afterwards, or NAME.err the exact
 * error.  Another case checks that every key of the table is known to the
 * dump below, so that a new key gets a golden line.
 */
#include <gvconfig.h>

#include "daemon_config.h"
#include "gverror.h"
#include "testutils.h"

typedef struct {
    const char *name;
    bool fail;
} gvConfTest;

static void
dumpList(GString *out, const char *key, GStrv list)
{
    size_t i;

    if (!list) {
        g_string_append_printf(out, "%s = (unset)\n", key);
        return;
    }
    g_string_append_printf(out, "%s = [", key);
    for (i = 0; list[i]; i++)
        g_string_append_printf(out, "%s \"%s\"", i ? "," : "", list[i]);
    g_string_append(out, " ]\n");
}

static char *
dumpConfig(const gvDaemonConfig *c)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out, "listen_tls = %d\n", c->listenTLS);
    g_string_append_printf(out, "listen_tcp = %d\n", c->listenTCP);
    g_string_append_printf(out, "tcp_readwrite = %d\n", c->tcpReadWrite);
    g_string_append_printf(out, "tls_port = %d\n", c->tlsPort);
    g_string_append_printf(out, "tcp_port = %d\n", c->tcpPort);
    g_string_append_printf(out, "listen_addr = %s\n", c->listenAddr ? c->listenAddr : "(unset)");
    g_string_append_printf(out, "key_file = %s\n", c->keyFile);
    g_string_append_printf(out, "cert_file = %s\n", c->certFile);
    g_string_append_printf(out, "ca_file = %s\n", c->caFile);
    g_string_append_printf(out, "crl_file = %s\n", c->crlFile);
    dumpList(out, "tls_allowed_dn_list", c->tlsAllowedDNList);
    dumpList(out, "tls_readonly_dn_list", c->tlsReadonlyDNList);
    g_string_append_printf(out, "tls_no_verify_certificate = %d\n", c->tlsNoVerifyCertificate);
    g_string_append_printf(out, "migrate_tls_force = %d\n", c->migrateTLSForce);
    g_string_append_printf(out, "migrate_tls_x509_cert_dir = %s\n", c->migrateTLSDir);
    g_string_append_printf(out, "keepalive_interval = %d\n", c->keepaliveInterval);
    g_string_append_printf(out, "keepalive_count = %d\n", c->keepaliveCount);
    g_string_append_printf(out, "libvirt_socket = %d\n", c->libvirtSocket);
    return g_string_free(out, FALSE);
}

static void
testConf(const void *opaque)
{
    const gvConfTest *t = opaque;
    g_autofree char *path = gvTestPath("daemonconf/%s.conf", t->name);
    g_autofree char *golden = gvTestPath("daemonconf/%s.%s", t->name, t->fail ? "err" : "out");
    g_autofree char *text = gvTestLoadFile(path);
    g_autoptr(gvDaemonConfig) cfg = gvDaemonConfigNew("/ROOT");
    g_autoptr(GError) error = NULL;
    g_autofree char *actual = NULL;
    g_autofree char *name = g_strdup_printf("%s.conf", t->name);
    int rc;

    g_assert_nonnull(text);
    rc = gvDaemonConfigParse(cfg, text, strlen(text), name, &error);
    if (t->fail) {
        if (rc == 0) {
            g_printerr("# %s: parsed, but should not\n", t->name);
            g_test_fail();
            return;
        }
        /* libvirt's VIR_ERR_CONF_SYNTAX, the code a client sees */
        g_assert_error(error, GV_ERROR, 33);
        actual = g_strdup_printf("%s\n", error->message);
    } else {
        if (rc < 0) {
            g_printerr("# %s: %s\n", t->name, error->message);
            g_test_fail();
            return;
        }
        actual = dumpConfig(cfg);
    }
    if (!gvTestCompareToFile(actual, golden))
        g_test_fail();
}

/* Every key of the table appears in the dump: a new key gets a golden line */
static void
testKeysDumped(const void *opaque)
{
    g_autoptr(gvDaemonConfig) cfg = gvDaemonConfigNew(NULL);
    g_autofree char *dump = dumpConfig(cfg);
    const char *const *keys = gvDaemonConfigKeys();
    size_t i;

    for (i = 0; keys[i]; i++) {
        g_autofree char *line = g_strdup_printf("%s = ", keys[i]);

        if (!strstr(dump, line)) {
            g_printerr("# key '%s' is missing from dumpConfig()\n", keys[i]);
            g_test_fail();
        }
    }
    g_assert_cmpuint(i, ==, 18);
}

/* A missing default file is fine; a missing --config file is not */
static void
testMissingFile(const void *opaque)
{
    g_autoptr(gvDaemonConfig) cfg = gvDaemonConfigNew(NULL);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint(gvDaemonConfigLoadFile(cfg, "/nonexistent/genvirtd.conf", false, &error), ==,
                    0);
    g_assert_no_error(error);
    g_assert_cmpint(gvDaemonConfigLoadFile(cfg, "/nonexistent/genvirtd.conf", true, &error), ==,
                    -1);
    g_assert_nonnull(strstr(error->message, "'/nonexistent/genvirtd.conf'"));
    g_assert_error(error, GV_ERROR, 33);
}

#define DO_TEST_FULL(name, fail) \
    do { \
        static const gvConfTest t = { name, fail }; \
        gvTestRun("/daemonconf/" name, testConf, &t); \
    } while (0)
#define DO_TEST(name) DO_TEST_FULL(name, false)
#define DO_TEST_FAIL(name) DO_TEST_FULL(name, true)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    DO_TEST("empty");
    DO_TEST("all-keys");
    DO_TEST("comments-and-lists");
    DO_TEST_FAIL("unknown-key");
    DO_TEST_FAIL("bad-type-string");
    DO_TEST_FAIL("bad-type-list");
    DO_TEST_FAIL("bool-range");
    DO_TEST_FAIL("port-range");
    DO_TEST_FAIL("unterminated-string");
    DO_TEST_FAIL("unterminated-list");
    DO_TEST_FAIL("duplicate-key");
    DO_TEST_FAIL("missing-equals");
    DO_TEST_FAIL("trailing-text");
    DO_TEST_FAIL("bad-number");
    gvTestRun("/daemonconf/keys-dumped", testKeysDumped, NULL);
    gvTestRun("/daemonconf/missing-file", testMissingFile, NULL);
    return g_test_run();
}
