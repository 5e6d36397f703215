/*
 * enumtest.c: every enum table round-trips, FromString(ToString(v)) == v
 */
#include <gvconfig.h>

#include "domain_conf.h"
#include "qemu_command.h"
#include "qemu_process.h"
#include "storage_conf.h"
#include "testutils.h"

typedef struct {
    const char *(*toString)(int);
    int (*fromString)(const char *);
    const size_t *count;
} gvEnumTable;

static void
testEnum(const void *opaque)
{
    const gvEnumTable *t = opaque;
    size_t v;
    size_t named = 0;

    for (v = 0; v < *t->count; v++) {
        const char *s = t->toString((int)v);

        if (!s)
            continue;
        named++;
        g_assert_cmpint(t->fromString(s), ==, (int)v);
    }
    g_assert_cmpuint(named, >, 0);
    g_assert_null(t->toString(-1));
    g_assert_null(t->toString((int)*t->count));
    g_assert_cmpint(t->fromString("no-such-value"), ==, -1);
    g_assert_cmpint(t->fromString(NULL), ==, -1);
}

#define DO_TEST(name) \
    do { \
        static const gvEnumTable t = { name##TypeToString, name##TypeFromString, \
                                       &name##TypeCount }; \
        gvTestRun("/enum/" #name, testEnum, &t); \
    } while (0)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    DO_TEST(gvTristateBool);
    DO_TEST(gvTristateSwitch);
    DO_TEST(gvDomainVirt);
    DO_TEST(gvDomainOS);
    DO_TEST(gvArch);
    DO_TEST(gvDomainBoot);
    DO_TEST(gvDomainFeature);
    DO_TEST(gvDomainCPUMode);
    DO_TEST(gvDomainHyperv);
    DO_TEST(gvDomainHypervMode);
    DO_TEST(gvDomainClockOffset);
    DO_TEST(gvDomainClockBasis);
    DO_TEST(gvDomainTimerName);
    DO_TEST(gvDomainTimerTickpolicy);
    DO_TEST(gvDomainTimerTrack);
    DO_TEST(gvDomainLifecycle);
    DO_TEST(gvDomainGenidModel);
    DO_TEST(gvStoragePoolType);
    DO_TEST(gvStorageVolFormat);
    DO_TEST(gvStorageVolType);
    DO_TEST(gvDomainDiskType);
    DO_TEST(gvDomainDiskDevice);
    DO_TEST(gvDomainDiskFormat);
    DO_TEST(gvDomainDiskBus);
    DO_TEST(gvDomainNetType);
    DO_TEST(gvDomainNetModel);
    DO_TEST(gvDomainChrType);
    DO_TEST(gvDomainChrDevice);
    DO_TEST(gvDomainChrConsoleTarget);
    DO_TEST(gvDomainGraphicsType);
    DO_TEST(gvQemuAccel);
    DO_TEST(gvQemuMigrationOutPhase);

    return g_test_run();
}
