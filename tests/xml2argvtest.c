/*
 * xml2argvtest.c: domain XML -> QEMU command line and genid payload
 *
 * tests/xml2argv/NAME.xml with the capabilities fixture tests/caps/CAPS.json
 * and an accelerator -> NAME.args (one option per line, then the genid
 * payload) or NAME.err (the exact message).  Nothing is executed.
 */
#include <gvconfig.h>

#include "domain_conf.h"
#include "gvbuffer.h"
#include "qemu_command.h"
#include "qemu_firmware.h"
#include "testutils.h"

typedef struct {
    const char *name;
    const char *caps;
    gvQemuAccel accel;
    bool fail;
} gvXML2ArgvTest;

static void
testXML2Argv(const void *opaque)
{
    const gvXML2ArgvTest *t = opaque;
    g_autofree char *inPath = gvTestPath("xml2argv/%s.xml", t->name);
    g_autofree char *capsPath = gvTestPath("caps/%s.json", t->caps);
    g_autofree char *monitor = g_strdup_printf("/run/genvirt/qemu/%s.monitor", t->name);
    g_autofree char *home = g_strdup_printf("/var/lib/genvirt/qemu/%s", t->name);
    g_autofree char *channelDir = g_strdup_printf("/var/lib/genvirt/qemu/%s/channel", t->name);
    /* the tap fds genvirtd would pass for bridge and ethernet interfaces */
    static const int tapFds[] = { 30, 31, 32, 33 };
    g_autoptr(GError) error = NULL;
    g_autoptr(gvDomainDef) def = NULL;
    g_autoptr(gvQemuCaps) caps = NULL;
    g_autoptr(gvCommand) cmd = NULL;
    g_autofree char *firmwareDir = gvTestPath("firmware");
    g_autoptr(GPtrArray) firmware = gvQemuFirmwareLoadAll(firmwareDir);
    char *genidConfig = NULL;
    g_autofree char *actual = NULL;
    gvQemuBuildCtx ctx = {
        .accel = t->accel,
        .monitorPath = monitor,
        .monitorFd = -1,
        .genidConfigFd = 3,
        .homeDir = home,
        .channelDir = channelDir,
        .spicePort = 5900,
        .tapFds = tapFds,
        .ntapFds = G_N_ELEMENTS(tapFds),
        .now = 1767225600, /* 2026-01-01T00:00:00Z, for <clock offset='variable'> */
    };
    int rc = -1;

    if (!(caps = gvQemuCapsLoadFile(capsPath, &error))) {
        g_printerr("# %s\n", error->message);
        g_test_fail();
        return;
    }
    /* as at start: firmware='efi' gets its firmware (from tests/firmware/) first */
    if ((def = gvDomainDefParseFile(inPath, 0, &error)) &&
        gvQemuFirmwareFillDomain(def, firmware, caps, "/var/lib/genvirt/qemu/nvram", &error) == 0)
        rc = gvQemuBuildCommandLine(def, caps, &ctx, &cmd, &genidConfig, &error);

    if (t->fail) {
        g_autofree char *errPath = gvTestPath("xml2argv/%s.err", t->name);
        g_autofree char *msg = NULL;

        if (rc == 0) {
            g_printerr("# %s built a command line, but should have failed\n", t->name);
            gvSecretFree(genidConfig);
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
    actual = gvQemuFormatNative(cmd, genidConfig, ctx.genidConfigFd, true);
    /* the GUID never reaches argv: only the fd payload carries it */
    if (def->genid) {
        char uuidstr[GV_UUID_STRING_BUFLEN];
        const char *const *argv = gvCommandGetArgv(cmd);
        size_t i;

        gvUUIDFormat(def->genid->guid, uuidstr);
        for (i = 0; argv[i]; i++)
            g_assert_null(g_strstr_len(argv[i], -1, uuidstr));
        g_assert_nonnull(g_strstr_len(genidConfig, -1, uuidstr));
    } else {
        g_assert_null(genidConfig);
    }
    gvSecretFree(genidConfig);
    {
        g_autofree char *argsPath = gvTestPath("xml2argv/%s.args", t->name);

        if (!gvTestCompareToFile(actual, argsPath))
            g_test_fail();
    }
}

#define DO_TEST_FULL(name, caps, accel, fail) \
    do { \
        static const gvXML2ArgvTest t = { name, caps, accel, fail }; \
        gvTestRun("/xml2argv/" name, testXML2Argv, &t); \
    } while (0)

#define CAPS_72 "qemu-7.2.x86_64"
#define CAPS_NOVMGENID "qemu-7.2-novmgenid.x86_64"
#define CAPS_NOSPICE "qemu-7.2-nospice.x86_64"
/* with QEMU's CPU data, from a nested-KVM AMD host (tests/caps/README.md) */
#define CAPS_CPU "qemu-7.2-kvm.x86_64"
#define KVM GV_QEMU_ACCEL_KVM
#define TCG GV_QEMU_ACCEL_TCG
#define DO_TEST(name, accel) DO_TEST_FULL(name, CAPS_72, accel, false)
#define DO_TEST_CAPS(name, caps, accel) DO_TEST_FULL(name, caps, accel, false)
#define DO_TEST_FAIL(name, caps, accel) DO_TEST_FULL(name, caps, accel, true)
/*
 * A line with tap file descriptors genvirtd opens (bridge, ethernet):
 * qemu-accepts.py does not start it; tests/integration/tap.py starts such
 * domains for real.
 */
#define DO_TEST_TAPS(name, caps, accel) DO_TEST_FULL(name, caps, accel, false)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

#include "xml2argv/cases.h"

    return g_test_run();
}
