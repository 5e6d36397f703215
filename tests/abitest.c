/*
 * abitest.c: ABI stability of a destination definition against a source
 *
 * tests/abi/NAME-src.xml and NAME-dst.xml; NAME.err holds the exact message
 * when they are not compatible, and is absent when they are.
 */
#include <gvconfig.h>

#include "domain_conf.h"
#include "testutils.h"

typedef struct {
    const char *name;
    bool fail;
} gvABITest;

static void
testABI(const void *opaque)
{
    const gvABITest *t = opaque;
    g_autofree char *srcPath = gvTestPath("abi/%s-src.xml", t->name);
    g_autofree char *dstPath = gvTestPath("abi/%s-dst.xml", t->name);
    g_autoptr(GError) error = NULL;
    g_autoptr(gvDomainDef) src = gvDomainDefParseFile(srcPath, 0, &error);
    g_autoptr(gvDomainDef) dst = NULL;
    int rc;

    g_assert_no_error(error);
    dst = gvDomainDefParseFile(dstPath, 0, &error);
    g_assert_no_error(error);
    gvDomainDefAdoptGenid(dst, src);
    rc = gvDomainDefCheckABIStability(src, dst, &error);
    if (t->fail) {
        g_autofree char *errPath = gvTestPath("abi/%s.err", t->name);
        g_autofree char *msg = NULL;

        if (rc == 0) {
            g_printerr("# %s: compatible, but should not be\n", t->name);
            g_test_fail();
            return;
        }
        msg = g_strdup_printf("%s\n", error->message);
        if (!gvTestCompareToFile(msg, errPath))
            g_test_fail();
        return;
    }
    if (rc < 0) {
        g_printerr("# %s: %s\n", t->name, error->message);
        g_test_fail();
        return;
    }
    /* a destination without a value must have taken the source's */
    if (src->genid && src->genid->hasGuid) {
        g_assert_true(dst->genid->hasGuid);
        g_assert_cmpmem(src->genid->guid, GV_UUID_BUFLEN, dst->genid->guid, GV_UUID_BUFLEN);
    }
}

#define DO_TEST_FULL(name, fail) \
    do { \
        static const gvABITest t = { name, fail }; \
        gvTestRun("/abi/" name, testABI, &t); \
    } while (0)
#define DO_TEST(name) DO_TEST_FULL(name, false)
#define DO_TEST_FAIL(name) DO_TEST_FULL(name, true)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

#include "abi/cases.h"

    return g_test_run();
}
