/*
 * hosttest.c: the host readers, libvirt's node info, the capabilities and
 * domain capabilities documents, sysinfo
 *
 * tests/host/NAME/ is a fixture tree of /proc and /sys (made by
 * tests/host/make-trees.py) -> NAME.out (what the readers and node info
 * make of it) and NAME.capabilities-ACCEL.xml; tests/domcaps/NAME.xml for
 * the domain capabilities of a QEMU fixture of tests/caps/.  Every document
 * is also validated against libvirt 9.0's own schemas
 * (/usr/share/libvirt/schemas, from Debian's libvirt0, which
 * libvirt-clients pulls in), which is what the clients were built against.
 */
#include <gvconfig.h>

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "capabilities.h"
#include "domain_capabilities.h"
#include "gverror.h"
#include "gvuuid.h"
#include "gvxml.h"
#include "host_info.h"
#include "host_sysinfo.h"
#include "qemu_capabilities_cpu.h"
#include "qemu_command.h"
#include "qemu_firmware.h"
#include "storage_files.h"
#include "testutils.h"

#define GV_TEST_LIBVIRT_SCHEMAS "/usr/share/libvirt/schemas"

/* @xml against libvirt's schema @rng; false (and a message) when it does not match */
static bool
gvTestValidateLibvirt(const char *xml, const char *rng, const char *what)
{
    g_autofree char *schema = g_build_filename(GV_TEST_LIBVIRT_SCHEMAS, rng, NULL);
    g_autoptr(GError) error = NULL;
    xmlDocPtr doc;
    int rc;

    if (!g_file_test(schema, G_FILE_TEST_EXISTS)) {
        g_printerr("# %s is missing: install libvirt-clients (scripts/install-deps.sh)\n", schema);
        return false;
    }
    if (!(doc = gvXMLParseString(xml, -1, what, &error))) {
        g_printerr("# %s\n", error->message);
        return false;
    }
    rc = gvXMLValidateSchema(doc, schema, &error);
    xmlFreeDoc(doc);
    if (rc < 0) {
        g_printerr("# %s does not match %s: %s\n", what, rng, error->message);
        return false;
    }
    return true;
}

/* ---- parsers ----------------------------------------------------------------- */

typedef struct {
    const char *text;
    const char *ids; /* comma-joined, or NULL when it must be refused */
} gvCPUListCase;

static void
testCPUList(const void *opaque)
{
    static const gvCPUListCase cases[] = {
        { "0-3,8,10-11\n", "0,1,2,3,8,10,11" },
        { "5", "5" },
        { "\n", "" },
        { "", "" },
        { "3,1", "1,3" },
        { "0-15\n", "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15" },
        { "3-1", NULL },
        { "1,1", NULL },
        { "0-2,1", NULL },
        { "a", NULL },
        { "1-", NULL },
        { "-1", NULL },
        { "1,,2", NULL },
        { "16384", NULL },
        { "0-16384", NULL },
        { "4294967296", NULL },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GArray) ids = NULL;
        g_autoptr(GString) got = g_string_new(NULL);
        bool ok = gvHostParseCPUList(cases[i].text, GV_HOST_CPUS_MAX, &ids);
        guint j;

        if (!cases[i].ids) {
            if (ok)
                g_printerr("# '%s' was accepted\n", cases[i].text);
            g_assert_false(ok);
            continue;
        }
        g_assert_true(ok);
        for (j = 0; j < ids->len; j++)
            g_string_append_printf(got, "%s%u", j ? "," : "", g_array_index(ids, guint, j));
        g_assert_cmpstr(got->str, ==, cases[i].ids);
    }
}

static void
testMeminfo(const void *opaque)
{
    const char *host = "MemTotal:       33554432 kB\nMemFree:  12 kB\nBuffers: 7 kB\n";
    const char *node = "Node 12 MemTotal:  100 kB\nNode 12 MemFree:   50 kB\n";
    unsigned long long v = 0;

    g_assert_true(gvHostParseMeminfo(host, "MemTotal", &v));
    g_assert_cmpuint(v, ==, 33554432);
    g_assert_true(gvHostParseMeminfo(host, "Buffers", &v));
    g_assert_cmpuint(v, ==, 7);
    g_assert_false(gvHostParseMeminfo(host, "Cached", &v));
    g_assert_false(gvHostParseMeminfo(host, "Mem", &v));
    g_assert_true(gvHostParseMeminfo(node, "MemFree", &v));
    g_assert_cmpuint(v, ==, 50);
    g_assert_false(gvHostParseMeminfo("MemTotal: lots kB\n", "MemTotal", &v));
    g_assert_false(gvHostParseMeminfo("MemTotal: 99999999999999999999 kB\n", "MemTotal", &v));
    g_assert_false(gvHostParseMeminfo("", "MemTotal", &v));
}

/* ---- a host tree -> NAME.out ----------------------------------------------------- */

static void
gvTestAppendStats(GString *out, const char *root, bool cpu, int num)
{
    g_autoptr(GError) error = NULL;
    gvHostStat stats[GV_HOST_CPU_STATS_COUNT];
    size_t n = GV_HOST_CPU_STATS_COUNT;
    size_t i;
    int rc;

    if (cpu)
        rc = gvHostReadCPUStats(root, num, 10000000, stats, &error);
    else
        rc = gvHostReadMemoryStats(root, num, stats, &n, &error);
    g_string_append_printf(out, "%s stats %d:", cpu ? "cpu" : "memory", num);
    if (rc < 0) {
        g_string_append_printf(out, " error: %s\n", error->message);
        return;
    }
    for (i = 0; i < n; i++)
        g_string_append_printf(out, " %s=%llu", stats[i].field, stats[i].value);
    g_string_append(out, "\n");
}

static char *
gvTestDescribeHost(const char *root, const gvHostInfo *host)
{
    GString *out = g_string_new(NULL);
    gvHostNodeInfo info;
    unsigned char uuid[16];
    char uuidStr[37];
    g_autofree char *full = NULL;
    g_autofree char *partial = NULL;
    guint i;
    guint j;

    g_string_append_printf(out, "vendor=%s model=%s signature=%s:%u/%u/%u microcode=%u\n",
                           host->vendor, host->modelName, host->hasSignature ? "yes" : "no",
                           host->family, host->model, host->stepping, host->microcode);
    g_string_append_printf(out, "mhz=%u physBits=%u numa=%s iommu=%s\n", host->mhz, host->physBits,
                           host->numa ? "yes" : "no", host->iommu ? "yes" : "no");
    g_string_append_printf(out, "memory total=%llu free=%llu buffers=%llu cached=%llu\n",
                           host->memTotal, host->memFree, host->buffers, host->cached);
    g_string_append(out, "page sizes:");
    for (i = 0; i < host->pageSizes->len; i++)
        g_string_append_printf(out, " %llu", g_array_index(host->pageSizes, unsigned long long, i));
    g_string_append(out, "\n");
    for (i = 0; i < host->cpus->len; i++) {
        const gvHostCPU *cpu = g_ptr_array_index(host->cpus, i);

        if (cpu->online)
            g_string_append_printf(out, "cpu %u: socket=%u die=%u core=%u siblings=%s (%u)\n",
                                   cpu->id, cpu->socket, cpu->die, cpu->core, cpu->siblings,
                                   cpu->nsiblings);
        else
            g_string_append_printf(out, "cpu %u: offline\n", cpu->id);
    }
    for (i = 0; i < host->cells->len; i++) {
        const gvHostCell *cell = g_ptr_array_index(host->cells, i);

        g_string_append_printf(out, "cell %u: total=%llu free=%llu cpus=", cell->id, cell->memTotal,
                               cell->memFree);
        for (j = 0; j < cell->cpus->len; j++)
            g_string_append_printf(out, "%s%u", j ? "," : "", g_array_index(cell->cpus, guint, j));
        g_string_append(out, " distances=");
        for (j = 0; j < cell->distances->len; j++)
            g_string_append_printf(out, "%s%u", j ? "," : "",
                                   g_array_index(cell->distances, guint, j));
        g_string_append(out, " pages=");
        for (j = 0; j < cell->pages->len; j++) {
            const gvHostPages *p = &g_array_index(cell->pages, gvHostPages, j);

            g_string_append_printf(out, "%s%llux%llu", j ? "," : "", p->count, p->size);
        }
        g_string_append(out, "\n");
    }
    gvHostInfoGetNodeInfo(host, &info);
    g_string_append_printf(
        out, "nodeinfo: memory=%llu cpus=%u mhz=%u nodes=%u sockets=%u cores=%u threads=%u\n",
        info.memory, info.cpus, info.mhz, info.nodes, info.sockets, info.cores, info.threads);
    gvTestAppendStats(out, root, true, -1);
    gvTestAppendStats(out, root, true, 0);
    gvTestAppendStats(out, root, true, 3);
    gvTestAppendStats(out, root, true, 7);
    gvTestAppendStats(out, root, true, -2);
    gvTestAppendStats(out, root, false, -1);
    gvTestAppendStats(out, root, false, 0);
    gvTestAppendStats(out, root, false, 1);
    gvTestAppendStats(out, root, false, 2);
    gvTestAppendStats(out, root, false, -5);
    if (gvHostReadUUID(root, uuid))
        g_string_append_printf(out, "uuid=%s\n", gvUUIDFormat(uuid, uuidStr));
    else
        g_string_append(out, "uuid: none\n");
    full = gvHostSysinfoFormat(root, true);
    partial = gvHostSysinfoFormat(root, false);
    g_string_append_printf(out, "sysinfo (read-write):\n%s", full);
    g_string_append_printf(out, "sysinfo (read-only):\n%s", partial);
    return g_string_free(out, FALSE);
}

static void
testHost(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *root = gvTestPath("host/%s", name);
    g_autofree char *outPath = gvTestPath("host/%s.out", name);
    g_autoptr(GError) error = NULL;
    g_autoptr(gvHostInfo) host = NULL;
    g_autofree char *actual = NULL;

    if (!(host = gvHostInfoRead(root, GV_HOST_READ_ALL, &error))) {
        g_printerr("# %s\n", error->message);
        g_test_fail();
        return;
    }
    actual = gvTestDescribeHost(root, host);
    if (!gvTestCompareToFile(actual, outPath))
        g_test_fail();

    /* the partial reads the calls make give the same answers */
    {
        g_autoptr(gvHostInfo) topo =
            gvHostInfoRead(root, GV_HOST_READ_CPUINFO | GV_HOST_READ_CPU_TOPOLOGY, &error);
        g_autoptr(gvHostInfo) mem = gvHostInfoRead(root, GV_HOST_READ_CELL_MEMORY, &error);
        gvHostNodeInfo full;
        gvHostNodeInfo part;
        guint i;

        g_assert_true(topo && mem);
        gvHostInfoGetNodeInfo(host, &full);
        gvHostInfoGetNodeInfo(topo, &part);
        g_assert_cmpmem(&full, sizeof(full), &part, sizeof(part));
        g_assert_cmpuint(mem->cells->len, ==, host->cells->len);
        g_assert_cmpuint(mem->cpus->len, ==, 0);
        for (i = 0; i < host->cells->len; i++) {
            const gvHostCell *a = g_ptr_array_index(host->cells, i);
            const gvHostCell *b = g_ptr_array_index(mem->cells, i);

            g_assert_cmpuint(a->id, ==, b->id);
            g_assert_cmpuint(a->memFree, ==, b->memFree);
            g_assert_cmpuint(b->pages->len, ==, 0);
        }
    }
}

static void
testHostMissing(const void *opaque)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *root = gvTestPath("host/no-such-tree");
    gvHostInfo *host = gvHostInfoRead(root, GV_HOST_READ_ALL, &error);

    g_assert_null(host);
    g_assert_true(g_str_has_suffix(error->message, "/no-such-tree/proc/meminfo'"));
}

/* ---- capabilities ------------------------------------------------------------------ */

static gvQemuCaps *
gvTestLoadCaps(const char *name)
{
    g_autofree char *path = gvTestPath("caps/%s.json", name);
    g_autoptr(GError) error = NULL;
    gvQemuCaps *caps = gvQemuCapsLoadFile(path, &error);

    if (!caps)
        g_printerr("# %s\n", error->message);
    return caps;
}

typedef struct {
    const char *host;
    const char *accel; /* the caps fixtures: qemu-7.2-ACCEL.{i386,x86_64} */
} gvCapsTest;

static void
testCapabilities(const void *opaque)
{
    const gvCapsTest *t = opaque;
    g_autofree char *root = gvTestPath("host/%s", t->host);
    g_autofree char *outPath = gvTestPath("host/%s.capabilities-%s.xml", t->host, t->accel);
    g_autofree char *i386Name = g_strdup_printf("qemu-7.2-%s.i386", t->accel);
    g_autofree char *x86Name = g_strdup_printf("qemu-7.2-%s.x86_64", t->accel);
    g_autoptr(gvQemuCaps) i386 = gvTestLoadCaps(i386Name);
    g_autoptr(gvQemuCaps) x86 = gvTestLoadCaps(x86Name);
    g_autoptr(GError) error = NULL;
    g_autoptr(gvHostInfo) host = gvHostInfoRead(root, GV_HOST_READ_ALL, &error);
    gvCapsGuest guests[2];
    gvCapsInput in = { 0 };
    unsigned char uuid[16];
    g_autofree char *xml = NULL;
    g_autoptr(gvDomainCPUDef) hostModel = NULL;

    g_assert_nonnull(host);
    g_assert_true(i386 && x86);
    guests[0] = (gvCapsGuest){ GV_ARCH_I686, "/usr/bin/qemu-system-i386", i386 };
    guests[1] = (gvCapsGuest){ GV_ARCH_X86_64, "/usr/bin/qemu-system-x86_64", x86 };
    in.arch = "x86_64";
    in.uuid = gvHostReadUUID(root, uuid) ? uuid : NULL;
    in.host = host;
    /* as gvDriverGetCapabilities: KVM when QEMU ran with it, host-model of the best type */
    in.kvm = gvQemuCapsCPUData(x86, GV_QEMU_ACCEL_KVM) != NULL;
    hostModel =
        gvQemuCPUHostModel(x86, x86->binary, in.kvm ? GV_QEMU_ACCEL_KVM : GV_QEMU_ACCEL_TCG, NULL);
    in.cpuModel = hostModel ? hostModel->model : NULL;
    in.guests = guests;
    in.nguests = G_N_ELEMENTS(guests);
    xml = gvCapabilitiesFormat(&in);
    if (!gvTestCompareToFile(xml, outPath) ||
        !gvTestValidateLibvirt(xml, "capability.rng", outPath))
        g_test_fail();
}

/* ---- domain capabilities ----------------------------------------------------------- */

typedef struct {
    const char *name;
    const char *caps;
    gvArch arch;
    const char *machine; /* NULL: the default */
    gvDomainVirtType virt;
    unsigned int maxVcpus;
    const char *genid; /* what <genid supported=> must say */
} gvDomainCapsTest;

static void
testDomainCaps(const void *opaque)
{
    const gvDomainCapsTest *t = opaque;
    g_autofree char *outPath = gvTestPath("domcaps/%s.xml", t->name);
    g_autoptr(gvQemuCaps) caps = gvTestLoadCaps(t->caps);
    g_autofree char *xml = NULL;
    g_autofree char *genid = NULL;
    g_autofree char *firmwareDir = gvTestPath("firmware");
    g_autoptr(GPtrArray) firmware = gvQemuFirmwareLoadAll(firmwareDir);
    g_autoptr(gvDomainCPUDef) hostModel = NULL;
    gvDomainCapsInput in = { 0 };

    g_assert_nonnull(caps);
    in.emulator = caps->binary;
    in.arch = t->arch;
    in.caps = caps;
    in.machine =
        t->machine ? gvQemuCapsFindMachine(caps, t->machine) : gvQemuCapsDefaultMachine(caps);
    g_assert_nonnull(in.machine);
    in.virtType = t->virt;
    in.maxVcpus = t->maxVcpus;
    /* as gvDriverGetDomainCapabilities */
    hostModel = gvQemuCPUHostModel(
        caps, caps->binary, t->virt == GV_DOMAIN_VIRT_KVM ? GV_QEMU_ACCEL_KVM : GV_QEMU_ACCEL_TCG,
        NULL);
    in.hostModel = hostModel;
    in.firmware = firmware;
    xml = gvDomainCapsFormat(&in);
    genid = g_strdup_printf("<genid supported='%s'/>", t->genid);
    if (!strstr(xml, genid)) {
        g_printerr("# %s has no %s\n", t->name, genid);
        g_test_fail();
    }
    if (!gvTestCompareToFile(xml, outPath) ||
        !gvTestValidateLibvirt(xml, "domaincaps.rng", outPath))
        g_test_fail();
}

/* ---- the QEMU capabilities' new fields ------------------------------------------------ */

static void
testCapsRoundTrip(const void *opaque)
{
    g_autoptr(gvQemuCaps) caps = gvTestLoadCaps("qemu-7.2-kvm.x86_64");
    g_autoptr(gvQemuCaps) tcg = gvTestLoadCaps("qemu-7.2-tcg.x86_64");
    g_autoptr(gvQemuCaps) again = NULL;
    g_autoptr(json_object) first = NULL;
    g_autoptr(json_object) second = NULL;
    g_autoptr(GError) error = NULL;
    const gvQemuMachine *m;
    const gvQemuCPUModel *cpu;

    g_assert_true(caps && tcg);
    g_assert_cmpstr(caps->arch, ==, "x86_64");
    m = gvQemuCapsFindMachine(caps, "q35");
    g_assert_nonnull(m);
    g_assert_cmpstr(m->name, ==, "pc-q35-7.2");
    g_assert_cmpuint(m->maxCpus, ==, 288);
    g_assert_cmpstr(gvQemuCapsDefaultMachine(caps)->name, ==, "pc-i440fx-7.2");
    g_assert_true(gvQemuCapsFindMachine(caps, "pc-i440fx-1.5")->deprecated);
    /* probed with KVM and TCG; the TCG probe has no KVM part */
    g_assert_nonnull(gvQemuCapsCPUData(caps, GV_QEMU_ACCEL_KVM));
    g_assert_nonnull(gvQemuCapsCPUData(caps, GV_QEMU_ACCEL_TCG));
    g_assert_null(gvQemuCapsCPUData(tcg, GV_QEMU_ACCEL_KVM));
    g_assert_nonnull(gvQemuCapsCPUData(tcg, GV_QEMU_ACCEL_TCG));
    /* the models are QEMU's unversioned ones, which <cpu><model> accepts */
    cpu = gvQemuCPUCapsFindModel(caps->cpu, "EPYC-Rome");
    g_assert_nonnull(cpu);
    g_assert_cmpstr(cpu->aliasOf, ==, "EPYC-Rome-v1");
    g_assert_cmpstr(gvQemuCPUVendorName(cpu->vendor), ==, "AMD");
    g_assert_false(cpu->deprecated);
    g_assert_null(gvQemuCPUCapsFindModel(caps->cpu, "EPYC-Rome-v1"));
    g_assert_null(gvQemuCPUCapsFindModel(caps->cpu, "max"));
    /* usability per accelerator, also for the versioned names QEMU lists */
    g_assert_cmpint(gvQemuCPUCapsModelUsable(caps->cpu, GV_QEMU_ACCEL_KVM, "pentium3"), ==, 1);
    g_assert_cmpint(gvQemuCPUCapsModelUsable(caps->cpu, GV_QEMU_ACCEL_KVM, "EPYC-Rome"), ==, 0);
    g_assert_cmpint(gvQemuCPUCapsModelUsable(caps->cpu, GV_QEMU_ACCEL_KVM, "EPYC-Rome-v1"), ==, 0);
    g_assert_cmpint(gvQemuCPUCapsModelUsable(caps->cpu, GV_QEMU_ACCEL_TCG, "Westmere"), ==, 1);
    g_assert_cmpint(gvQemuCPUCapsModelUsable(caps->cpu, GV_QEMU_ACCEL_KVM, "no-such-cpu"), ==, -1);
    g_assert_cmpint(gvQemuCPUCapsModelUsable(tcg->cpu, GV_QEMU_ACCEL_KVM, "pentium3"), ==, -1);
    first = gvQemuCapsToJSON(caps);
    g_assert_nonnull(again = gvQemuCapsNewFromJSON(first, &error));
    second = gvQemuCapsToJSON(again);
    g_assert_cmpstr(json_object_to_json_string(first), ==, json_object_to_json_string(second));
}

/* The lines of @xml from the line holding @start to the next line holding @end, trimmed */
static char *
gvTestXMLLines(const char *xml, const char *start, const char *end)
{
    g_auto(GStrv) lines = g_strsplit(xml, "\n", -1);
    GString *out = g_string_new(NULL);
    bool in = false;
    size_t i;

    for (i = 0; lines[i]; i++) {
        g_autofree char *line = g_strstrip(g_strdup(lines[i]));

        if (!in) {
            in = strstr(line, start) != NULL;
            continue;
        }
        if (strstr(line, end))
            break;
        g_string_append_printf(out, "%s\n", line);
    }
    return g_string_free(out, FALSE);
}

typedef struct {
    const char *caps;
    gvDomainVirtType virt;
    const char *model; /* what host-model resolves to; NULL: it cannot */
} gvHostModelTest;

/*
 * domcapabilities' host-model is what a domain with <cpu mode='host-model'/>
 * gets (gvQemuDomainResolveCPU, the live XML): the same model, vendor and
 * features, line for line.
 */
static void
testHostModelAgrees(const void *opaque)
{
    const gvHostModelTest *t = opaque;
    g_autoptr(gvQemuCaps) caps = gvTestLoadCaps(t->caps);
    gvQemuAccel accel = t->virt == GV_DOMAIN_VIRT_KVM ? GV_QEMU_ACCEL_KVM : GV_QEMU_ACCEL_TCG;
    g_autoptr(gvDomainCPUDef) hostModel = NULL;
    g_autoptr(gvDomainDef) def = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = g_strdup_printf(
        "<domain type='%s'><name>hm</name><memory>131072</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><cpu mode='host-model'/></domain>",
        gvDomainVirtTypeToString(t->virt));
    g_autofree char *live = NULL;
    g_autofree char *domcaps = NULL;
    g_autofree char *fromLive = NULL;
    g_autofree char *fromCaps = NULL;
    gvDomainCapsInput in = { 0 };

    g_assert_nonnull(caps);
    hostModel = gvQemuCPUHostModel(caps, caps->binary, accel, NULL);
    def = gvDomainDefParseString(xml, 0, &error);
    g_assert_no_error(error);
    if (!t->model) {
        g_assert_null(hostModel);
        g_assert_cmpint(gvQemuDomainResolveCPU(def, caps, accel, &error), ==, -1);
        return;
    }
    g_assert_nonnull(hostModel);
    g_assert_cmpstr(hostModel->model, ==, t->model);
    g_assert_cmpint(gvQemuDomainResolveCPU(def, caps, accel, &error), ==, 0);
    g_assert_no_error(error);
    live = gvDomainDefFormat(def, 0);
    in.emulator = caps->binary;
    in.arch = GV_ARCH_X86_64;
    in.caps = caps;
    in.machine = gvQemuCapsDefaultMachine(caps);
    in.virtType = t->virt;
    in.maxVcpus = 1;
    in.hostModel = hostModel;
    domcaps = gvDomainCapsFormat(&in);
    fromLive = gvTestXMLLines(live, "<cpu mode='custom'", "</cpu>");
    fromCaps = gvTestXMLLines(domcaps, "<mode name='host-model' supported='yes'>", "</mode>");
    g_assert_true(g_str_has_prefix(fromLive, "<model fallback='forbid'>"));
    g_assert_nonnull(strstr(fromLive, "<feature policy="));
    g_assert_cmpstr(fromCaps, ==, fromLive);
}

static void
testMachineHasGenid(const void *opaque)
{
    g_assert_true(gvDomainDefMachineHasGenid("pc"));
    g_assert_true(gvDomainDefMachineHasGenid("q35"));
    g_assert_true(gvDomainDefMachineHasGenid("pc-i440fx-2.5"));
    g_assert_true(gvDomainDefMachineHasGenid("pc-q35-7.2"));
    g_assert_false(gvDomainDefMachineHasGenid("pc-i440fx-2.4"));
    g_assert_false(gvDomainDefMachineHasGenid("pc-1.3"));
    g_assert_false(gvDomainDefMachineHasGenid("isapc"));
    g_assert_false(gvDomainDefMachineHasGenid("microvm"));
}

/* ---- image files as volumes --------------------------------------------------------- */

static void
testStorageProbe(const void *opaque)
{
    guint8 head[64] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
    unsigned long long cap = 42;

    /* the guest size at offset 24, big-endian: 10 GiB */
    head[27] = 0x02;
    head[28] = 0x80;
    g_assert_cmpstr(gvStorageVolFormatTypeToString(gvStorageProbeFormat(head, sizeof(head), &cap)),
                    ==, "qcow2");
    g_assert_cmpuint(cap, ==, 10ULL << 30);
    head[7] = 1;
    g_assert_cmpstr(gvStorageVolFormatTypeToString(gvStorageProbeFormat(head, sizeof(head), &cap)),
                    ==, "qcow");
    cap = 42;
    g_assert_cmpstr(gvStorageVolFormatTypeToString(gvStorageProbeFormat(head, 31, &cap)), ==,
                    "raw");
    g_assert_cmpuint(cap, ==, 42);
    head[0] = 'X';
    g_assert_cmpstr(gvStorageVolFormatTypeToString(gvStorageProbeFormat(head, sizeof(head), &cap)),
                    ==, "raw");
    g_assert_cmpstr(gvStorageVolFormatTypeToString(gvStorageProbeFormat(head, 0, &cap)), ==, "raw");
}

static void
gvTestAssertNoVol(const char *path)
{
    g_auto(gvStorageFile) f = { 0 };
    g_autoptr(GError) error = NULL;
    g_autofree char *want =
        g_strdup_printf("Storage volume not found: no storage vol with matching path '%s'", path);

    g_assert_cmpint(gvStorageFileLookup(path, &f, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_NO_STORAGE_VOL);
    g_assert_cmpstr(error->message, ==, want);
}

static void
testStorageFiles(const void *opaque)
{
    g_autofree char *dir = g_dir_make_tmp("hosttest-storage-XXXXXX", NULL);
    g_autofree char *raw = g_build_filename(dir, "a.raw", NULL);
    g_autofree char *sub = g_build_filename(dir, "sub", NULL);
    g_autofree char *fifo = g_build_filename(dir, "fifo", NULL);
    g_autofree char *dotted = g_strdup_printf("%s/./a.raw", dir);
    g_autofree char *doubled = g_strdup_printf("%s//a.raw", dir);
    g_autofree char *up = g_strdup_printf("%s/sub/../a.raw", dir);
    g_autofree char *xml = NULL;
    g_autofree char *poolXML = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) names = NULL;
    g_auto(gvStorageFile) f = { 0 };
    g_auto(gvStorageFile) g = { 0 };
    gvStoragePoolInfo info;
    unsigned char u1[16];
    unsigned char u2[16];

    g_assert_nonnull(dir);
    g_assert_true(g_file_set_contents(raw, "0123456789", 10, NULL));
    g_assert_cmpint(g_mkdir(sub, 0700), ==, 0);
    g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);

    g_assert_cmpint(gvStorageFileLookup(raw, &f, &error), ==, 0);
    g_assert_cmpint(f.type, ==, GV_STORAGE_VOL_FILE);
    g_assert_cmpint(f.format, ==, GV_STORAGE_VOL_FORMAT_RAW);
    g_assert_cmpuint(f.capacity, ==, 10);
    g_assert_cmpuint(f.physical, ==, 10);
    xml = gvStorageFileFormatXML(&f, NULL);
    g_assert_nonnull(strstr(xml, "<name>a.raw</name>"));
    g_assert_nonnull(strstr(xml, "<format type='raw'/>"));
    g_assert_true(gvTestValidateLibvirt(xml, "storagevol.rng", raw));

    /* not canonical, not a file (a directory, a FIFO: not opened), absent, relative */
    gvTestAssertNoVol(dotted);
    gvTestAssertNoVol(doubled);
    gvTestAssertNoVol(up);
    gvTestAssertNoVol(sub);
    gvTestAssertNoVol(fifo);
    gvTestAssertNoVol("/nonexistent/x.img");
    gvTestAssertNoVol("a.raw");

    g_assert_cmpint(gvStorageFileLookupInDir(dir, "a.raw", &g, NULL), ==, 0);
    g_assert_cmpstr(g.path, ==, raw);
    g_clear_error(&error);
    g_assert_cmpint(gvStorageFileLookupInDir(dir, "sub/../a.raw", &g, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_NO_STORAGE_VOL);
    g_clear_error(&error);
    g_assert_cmpint(gvStorageFileLookupInDir(dir, "..", &g, &error), ==, -1);
    g_clear_error(&error);
    g_assert_cmpint(gvStorageFileLookupInDir(raw, "x", &g, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_NO_STORAGE_POOL);

    /* the directory as a pool: only files and block devices are its volumes */
    names = gvStorageDirListVolumes(dir, 100, NULL);
    g_assert_nonnull(names);
    g_assert_cmpuint(names->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(names, 0), ==, "a.raw");
    g_assert_cmpint(gvStoragePoolGetInfo(dir, &info, NULL), ==, 0);
    g_assert_cmpuint(info.capacity, >=, info.available);
    gvStoragePoolUUID(dir, u1);
    gvStoragePoolUUID(sub, u2);
    g_assert_true(memcmp(u1, u2, 16) != 0);
    g_assert_cmpint(u1[6] >> 4, ==, 5);
    poolXML = gvStoragePoolFormatXML(dir);
    /*
     * The pool is named by its directory's path, which libvirt's schema
     * does not allow in a name (its own pools are defined, named freely);
     * the rest of the document must match it.
     */
    {
        g_autofree char *named = g_strdup(poolXML);
        g_autofree char *nameElem = g_strdup_printf("<name>%s</name>", dir);
        char *at = strstr(named, nameElem);
        g_autoptr(GString) fixed = g_string_new(NULL);

        g_assert_nonnull(at);
        g_string_append_len(fixed, named, at - named);
        g_string_append(fixed, "<name>pool</name>");
        g_string_append(fixed, at + strlen(nameElem));
        g_assert_true(gvTestValidateLibvirt(fixed->str, "storagepool.rng", dir));
    }
    g_clear_error(&error);
    g_assert_cmpint(gvStoragePoolCheck("relative", &error), ==, -1);
    g_assert_cmpstr(error->message, ==,
                    "Storage pool not found: no storage pool with matching name 'relative'");

    g_assert_cmpint(g_remove(fifo), ==, 0);
    g_assert_cmpint(g_remove(sub), ==, 0);
    g_assert_cmpint(g_remove(raw), ==, 0);
    g_assert_cmpint(g_remove(dir), ==, 0);
}

int
main(int argc, char **argv)
{
    static const gvCapsTest capsTests[] = {
        { "numa2", "kvm" },
        { "single", "tcg" },
        { "uneven", "kvm" },
    };
    static const gvDomainCapsTest domcapsTests[] = {
        /* virsh domcapabilities with no arguments on a KVM host */
        { "kvm-default", "qemu-7.2-kvm.x86_64", GV_ARCH_X86_64, NULL, GV_DOMAIN_VIRT_KVM, 255,
          "yes" },
        /* the q35 alias resolves to its canonical machine */
        { "qemu-q35", "qemu-7.2-tcg.x86_64", GV_ARCH_X86_64, "q35", GV_DOMAIN_VIRT_QEMU, 255,
          "yes" },
        /* kvm asked of a TCG probe: usability unknown, no host model */
        { "kvm-tcg-probe", "qemu-7.2-tcg.x86_64", GV_ARCH_X86_64, "pc", GV_DOMAIN_VIRT_KVM, 240,
          "yes" },
        { "i686-kvm", "qemu-7.2-kvm.i386", GV_ARCH_I686, "pc", GV_DOMAIN_VIRT_KVM, 255, "yes" },
        /* no vmgenid device (and an old capabilities file without CPU models) */
        { "novmgenid", "qemu-7.2-novmgenid.x86_64", GV_ARCH_X86_64, NULL, GV_DOMAIN_VIRT_QEMU, 255,
          "no" },
        /* a QEMU without SPICE: no spice graphics, qxl, spicevmc channel nor USB redirection */
        { "nospice", "qemu-7.2-nospice.x86_64", GV_ARCH_X86_64, NULL, GV_DOMAIN_VIRT_QEMU, 255,
          "yes" },
        /* machines the genid device does not work on */
        { "isapc", "qemu-7.2-kvm.x86_64", GV_ARCH_X86_64, "isapc", GV_DOMAIN_VIRT_KVM, 1, "no" },
        { "pc-2.4", "qemu-7.2-kvm.x86_64", GV_ARCH_X86_64, "pc-i440fx-2.4", GV_DOMAIN_VIRT_KVM, 255,
          "no" },
    };
    static const gvHostModelTest hostModelTests[] = {
        /* the nested-KVM host of the fixtures (tests/caps/README.md) */
        { "qemu-7.2-kvm.x86_64", GV_DOMAIN_VIRT_KVM, "Opteron_G2" },
        { "qemu-7.2-kvm.x86_64", GV_DOMAIN_VIRT_QEMU, "EPYC" },
        /* no KVM probe, no CPU data at all */
        { "qemu-7.2-tcg.x86_64", GV_DOMAIN_VIRT_KVM, NULL },
        { "qemu-7.2.x86_64", GV_DOMAIN_VIRT_QEMU, NULL },
    };
    size_t i;

    g_test_init(&argc, &argv, NULL);
    gvTestRun("/host/cpulist", testCPUList, NULL);
    gvTestRun("/host/meminfo", testMeminfo, NULL);
    gvTestRun("/host/tree/numa2", testHost, "numa2");
    gvTestRun("/host/tree/single", testHost, "single");
    gvTestRun("/host/tree/uneven", testHost, "uneven");
    gvTestRun("/host/tree/missing", testHostMissing, NULL);
    gvTestRun("/host/caps/roundtrip", testCapsRoundTrip, NULL);
    for (i = 0; i < G_N_ELEMENTS(hostModelTests); i++) {
        g_autofree char *name =
            g_strdup_printf("/host/caps/host-model-agrees/%s-%s", hostModelTests[i].caps,
                            gvDomainVirtTypeToString(hostModelTests[i].virt));

        gvTestRun(name, testHostModelAgrees, &hostModelTests[i]);
    }
    gvTestRun("/host/machine-has-genid", testMachineHasGenid, NULL);
    gvTestRun("/host/storage/probe", testStorageProbe, NULL);
    gvTestRun("/host/storage/files", testStorageFiles, NULL);
    for (i = 0; i < G_N_ELEMENTS(capsTests); i++) {
        g_autofree char *name =
            g_strdup_printf("/host/capabilities/%s-%s", capsTests[i].host, capsTests[i].accel);

        gvTestRun(name, testCapabilities, &capsTests[i]);
    }
    for (i = 0; i < G_N_ELEMENTS(domcapsTests); i++) {
        g_autofree char *name = g_strdup_printf("/host/domcaps/%s", domcapsTests[i].name);

        gvTestRun(name, testDomainCaps, &domcapsTests[i]);
    }
    return g_test_run();
}
