/*
 * xml2xmltest.c: domain XML -> parse, post-parse, validate -> format
 *
 * tests/xml2xml/NAME.xml is the input.  The expected output is
 * NAME.out.xml when defaults change it, else the input itself; failures
 * have NAME.err with the exact message.  Each case also re-parses its
 * output and requires the same bytes again.
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_conf.h"
#include "gvbuffer.h"
#include "gverror.h"
#include "testutils.h"

typedef struct {
    const char *name;
    unsigned int parseFlags;
    unsigned int formatFlags;
    const char *suffix; /* expected output NAME.SUFFIX.out.xml, or NULL */
    bool fail;
} gvXML2XMLTest;

/* The text from "  <devices>" to "  </devices>\n", or NULL */
static char *
testDevicesSection(const char *xml)
{
    const char *start = strstr(xml, "  <devices>");
    const char *end = start ? strstr(start, "  </devices>\n") : NULL;

    if (!end)
        return NULL;
    return g_strndup(start, end - start + strlen("  </devices>\n"));
}

/*
 * tests/libvirt-devices/NAME.xml, when it exists, is what libvirtd 9.0's
 * QEMU driver gave back (virsh define + dumpxml --inactive) for the same
 * input: its <devices> must equal ours byte for byte.
 */
static bool
testCompareLibvirtDevices(const char *name, const char *actual)
{
    g_autofree char *path = gvTestPath("libvirt-devices/%s.xml", name);
    g_autofree char *ref = NULL;
    g_autofree char *refDevices = NULL;
    g_autofree char *ourDevices = NULL;

    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return true;
    ref = gvTestLoadFile(path);
    refDevices = testDevicesSection(ref);
    ourDevices = testDevicesSection(actual);
    if (!refDevices || !ourDevices || !g_str_equal(refDevices, ourDevices)) {
        g_printerr("# %s: <devices> differs from libvirt's in %s:\n%s\n", name, path,
                   ourDevices ? ourDevices : "(none)");
        return false;
    }
    return true;
}

/* The value of the first @attr='...' in @xml, or NULL */
static char *
testAttrValue(const char *xml, const char *attr)
{
    g_autofree char *key = g_strdup_printf(" %s='", attr);
    const char *start = strstr(xml, key);
    const char *end;

    if (!start)
        return NULL;
    start += strlen(key);
    if (!(end = strchr(start, '\'')))
        return NULL;
    return g_strndup(start, end - start);
}

/* @str with the first @from replaced by @to */
static char *
testReplaceOnce(const char *str, const char *from, const char *to)
{
    const char *at = strstr(str, from);

    if (!at)
        return g_strdup(str);
    return g_strdup_printf("%.*s%s%s", (int)(at - str), str, to, at + strlen(from));
}

/*
 * tests/libvirt-domain/NAME.xml, when it exists, is libvirtd 9.0's
 * dumpxml --inactive of the whole input (tests/libvirt-domain/README.md):
 * ours must be the same document, but for the two things genvirt does on
 * purpose otherwise, each allowed only in its exact form: libvirt's
 * <vcpu placement='static'> where the input gave no placement, and the
 * versioned machine libvirt resolves the input's 'pc' or 'q35' to.
 */
static bool
testCompareLibvirtDomain(const char *name, const char *input, const char *actual)
{
    g_autofree char *path = gvTestPath("libvirt-domain/%s.xml", name);
    g_autofree char *ref = NULL;
    g_autofree char *ours = NULL;
    g_autofree char *theirs = NULL;

    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return true;
    ref = gvTestLoadFile(path);
    ours = testAttrValue(actual, "machine");
    theirs = testAttrValue(ref, "machine");
    if (!strstr(input, "placement") && strstr(actual, "<vcpu>")) {
        g_autofree char *tmp = testReplaceOnce(ref, "<vcpu placement='static'>", "<vcpu>");

        g_free(ref);
        ref = g_steal_pointer(&tmp);
    }
    if (ours && theirs &&
        ((g_str_equal(ours, "pc") && g_str_has_prefix(theirs, "pc-i440fx-")) ||
         (g_str_equal(ours, "q35") && g_str_has_prefix(theirs, "pc-q35-")))) {
        g_autofree char *from = g_strdup_printf(" machine='%s'", theirs);
        g_autofree char *to = g_strdup_printf(" machine='%s'", ours);
        g_autofree char *tmp = testReplaceOnce(ref, from, to);

        g_free(ref);
        ref = g_steal_pointer(&tmp);
    }
    if (!g_str_equal(ref, actual)) {
        g_printerr("# %s: the document differs from libvirtd's in %s (placement='static' and "
                   "the versioned machine aside)\n",
                   name, path);
        return false;
    }
    return true;
}

static void
testXML2XML(const void *opaque)
{
    const gvXML2XMLTest *t = opaque;
    g_autofree char *inPath = gvTestPath("xml2xml/%s.xml", t->name);
    g_autofree char *outPath = NULL;
    g_autofree char *input = gvTestLoadFile(inPath);
    g_autoptr(GError) error = NULL;
    g_autoptr(gvDomainDef) def = NULL;
    g_autoptr(gvDomainDef) def2 = NULL;
    g_autofree char *actual = NULL;
    g_autofree char *again = NULL;

    g_assert_nonnull(input);
    def = gvDomainDefParseString(input, t->parseFlags, &error);

    if (t->fail) {
        g_autofree char *errPath = gvTestPath("xml2xml/%s.err", t->name);
        g_autofree char *msg = NULL;

        if (def) {
            g_printerr("# %s parsed, but should have failed\n", t->name);
            g_test_fail();
            return;
        }
        msg = g_strdup_printf("%s\n", error->message);
        if (!gvTestCompareToFile(msg, errPath))
            g_test_fail();
        return;
    }

    if (!def) {
        g_printerr("# %s: %s\n", t->name, error->message);
        g_test_fail();
        return;
    }
    actual = gvDomainDefFormat(def, t->formatFlags);

    if (t->suffix) {
        outPath = gvTestPath("xml2xml/%s.%s.out.xml", t->name, t->suffix);
    } else {
        outPath = gvTestPath("xml2xml/%s.out.xml", t->name);
        if (!g_file_test(outPath, G_FILE_TEST_EXISTS) &&
            (!gvTestRegenerate() || g_str_equal(actual, input))) {
            g_free(outPath);
            outPath = g_strdup(inPath);
        }
    }
    if (!gvTestCompareToFile(actual, outPath)) {
        g_test_fail();
        return;
    }
    {
        g_autofree char *key =
            t->suffix ? g_strdup_printf("%s.%s", t->name, t->suffix) : g_strdup(t->name);

        if (!testCompareLibvirtDevices(key, actual) ||
            !testCompareLibvirtDomain(key, input, actual)) {
            g_test_fail();
            return;
        }
    }

    /* round trip: format(parse(format(parse(x)))) == format(parse(x)) */
    if (!(def2 = gvDomainDefParseString(actual, t->parseFlags, &error))) {
        g_printerr("# %s: output does not parse again: %s\n", t->name, error->message);
        g_test_fail();
        return;
    }
    again = gvDomainDefFormat(def2, t->formatFlags);
    if (!g_str_equal(actual, again)) {
        g_printerr("# %s: second round trip differs:\n%s\n", t->name, again);
        g_test_fail();
    }
}

/* A domain without <uuid> or MAC gets random ones: valid, v4, new each time */
static void
testGeneratedIDs(const void *opaque)
{
    const char *xml = "<domain type='kvm'><name>gen</name><memory>131072</memory>"
                      "<features><acpi/></features>"
                      "<devices><interface type='user'/><genid/></devices></domain>";
    g_autoptr(GError) error = NULL;
    g_autoptr(gvDomainDef) a = gvDomainDefParseString(xml, 0, &error);
    g_autoptr(gvDomainDef) b = gvDomainDefParseString(xml, 0, &error);
    const gvDomainNetDef *na;
    const gvDomainNetDef *nb;

    g_assert_no_error(error);
    g_assert_true(a->hasUUID && b->hasUUID);
    g_assert_cmpint(a->uuid[6] >> 4, ==, 4);
    g_assert_cmpint(a->uuid[8] & 0xc0, ==, 0x80);
    g_assert_true(memcmp(a->uuid, b->uuid, GV_UUID_BUFLEN) != 0);
    na = g_ptr_array_index(a->nets, 0);
    nb = g_ptr_array_index(b->nets, 0);
    g_assert_cmpint(na->mac[0], ==, 0x52);
    g_assert_true(memcmp(na->mac, nb->mac, GV_MAC_BUFLEN) != 0);
    /* parsing never invents a genid value: define does */
    g_assert_false(a->genid->hasGuid);
    g_assert_cmpint(gvDomainGenidDefEnsureGuid(a->genid, &error), ==, 1);
    g_assert_true(a->genid->hasGuid && !gvUUIDIsNil(a->genid->guid));
    g_assert_cmpint(gvDomainGenidDefEnsureGuid(a->genid, &error), ==, 0);
}

/* Regenerate renews auto='yes' values and never touches auto='no' */
static void
testGenidRegenerate(const void *opaque)
{
    const char *fixed =
        "<domain type='kvm'><name>g</name><memory>131072</memory><features><acpi/></features>"
        "<devices><genid><guid>4d3b1d4e-8f4c-4e1c-9f5a-2b7c1e0d9a11</guid></genid></devices></"
        "domain>";
    const char *owned =
        "<domain type='kvm'><name>g</name><memory>131072</memory><features><acpi/></features>"
        "<devices><genid><guid "
        "auto='yes'>4d3b1d4e-8f4c-4e1c-9f5a-2b7c1e0d9a11</guid></genid></devices></domain>";
    g_autoptr(GError) error = NULL;
    g_autoptr(gvDomainDef) f = gvDomainDefParseString(fixed, 0, &error);
    g_autoptr(gvDomainDef) o = gvDomainDefParseString(owned, 0, &error);
    unsigned char before[GV_UUID_BUFLEN];
    unsigned char first[GV_UUID_BUFLEN];

    g_assert_no_error(error);
    memcpy(before, f->genid->guid, sizeof(before));
    g_assert_cmpint(gvDomainGenidDefRegenerate(f->genid, &error), ==, 0);
    g_assert_true(memcmp(before, f->genid->guid, sizeof(before)) == 0);

    memcpy(before, o->genid->guid, sizeof(before));
    g_assert_cmpint(gvDomainGenidDefRegenerate(o->genid, &error), ==, 1);
    g_assert_true(memcmp(before, o->genid->guid, sizeof(before)) != 0);
    memcpy(first, o->genid->guid, sizeof(first));
    g_assert_cmpint(gvDomainGenidDefRegenerate(o->genid, &error), ==, 1);
    g_assert_true(memcmp(first, o->genid->guid, sizeof(first)) != 0);
    g_assert_true(memcmp(before, o->genid->guid, sizeof(before)) != 0);
}

/* The metadata API: title, description, one element per namespace */
static void
testMetadataAPI(const void *opaque)
{
    const char *xml = "<domain type='kvm'><name>md</name><memory>131072</memory>"
                      "<title>old</title><metadata><a:x xmlns:a='urn:a'><a:y/></a:x></metadata>"
                      "</domain>";
    g_autoptr(GError) error = NULL;
    g_autoptr(gvDomainDef) def = gvDomainDefParseString(xml, 0, &error);
    g_autoptr(gvDomainDef) again = NULL;
    g_autofree char *formatted = NULL;
    g_autofree char *formatted2 = NULL;
    char *got;

    g_assert_no_error(error);
    got = gvDomainDefGetMetadata(def, GV_DOMAIN_METADATA_TITLE, NULL, &error);
    g_assert_cmpstr(got, ==, "old");
    g_free(got);
    got = gvDomainDefGetMetadata(def, GV_DOMAIN_METADATA_ELEMENT, "urn:a", &error);
    g_assert_cmpstr(got, ==, "<a:x xmlns:a=\"urn:a\">\n  <a:y/>\n</a:x>");
    g_free(got);
    /* absent: libvirt's error */
    g_assert_null(gvDomainDefGetMetadata(def, GV_DOMAIN_METADATA_DESCRIPTION, NULL, &error));
    g_assert_error(error, GV_ERROR, GV_ERR_NO_DOMAIN_METADATA);
    g_assert_cmpstr(error->message, ==,
                    "metadata not found: Requested metadata element is not present");
    g_clear_error(&error);
    g_assert_null(gvDomainDefGetMetadata(def, GV_DOMAIN_METADATA_ELEMENT, "urn:b", &error));
    g_assert_error(error, GV_ERROR, GV_ERR_NO_DOMAIN_METADATA);
    g_clear_error(&error);

    /* set: the element goes into @uri with prefix @key, its own namespace dropped */
    g_assert_cmpint(gvDomainDefSetMetadata(def, GV_DOMAIN_METADATA_ELEMENT,
                                           "<cfg xmlns='urn:other' v='1'><item>t</item></cfg>",
                                           "app", "urn:app", &error),
                    ==, 0);
    g_assert_no_error(error);
    got = gvDomainDefGetMetadata(def, GV_DOMAIN_METADATA_ELEMENT, "urn:app", &error);
    g_assert_cmpstr(
        got, ==, "<app:cfg xmlns:app=\"urn:app\" v=\"1\">\n  <app:item>t</app:item>\n</app:cfg>");
    g_free(got);
    /* a prefixed namespace gives way too, attributes included */
    g_assert_cmpint(gvDomainDefSetMetadata(def, GV_DOMAIN_METADATA_ELEMENT,
                                           "<o:c xmlns:o='urn:o' o:k='v'><o:d/><e/></o:c>", "p",
                                           "urn:p", &error),
                    ==, 0);
    got = gvDomainDefGetMetadata(def, GV_DOMAIN_METADATA_ELEMENT, "urn:p", &error);
    g_assert_cmpstr(got, ==, "<p:c xmlns:p=\"urn:p\" p:k=\"v\">\n  <p:d/>\n  <p:e/>\n</p:c>");
    g_free(got);
    g_assert_cmpint(
        gvDomainDefSetMetadata(def, GV_DOMAIN_METADATA_ELEMENT, NULL, NULL, "urn:p", &error), ==,
        0);
    /* replace, then remove, the element of urn:a */
    g_assert_cmpint(
        gvDomainDefSetMetadata(def, GV_DOMAIN_METADATA_ELEMENT, "<z/>", "a", "urn:a", &error), ==,
        0);
    got = gvDomainDefGetMetadata(def, GV_DOMAIN_METADATA_ELEMENT, "urn:a", &error);
    g_assert_cmpstr(got, ==, "<a:z xmlns:a=\"urn:a\"/>");
    g_free(got);
    g_assert_cmpint(
        gvDomainDefSetMetadata(def, GV_DOMAIN_METADATA_ELEMENT, NULL, NULL, "urn:a", &error), ==,
        0);
    g_assert_null(gvDomainDefGetMetadata(def, GV_DOMAIN_METADATA_ELEMENT, "urn:a", &error));
    g_clear_error(&error);
    /* title and description */
    g_assert_cmpint(
        gvDomainDefSetMetadata(def, GV_DOMAIN_METADATA_DESCRIPTION, "a & b", NULL, NULL, &error),
        ==, 0);
    g_assert_cmpint(gvDomainDefSetMetadata(def, GV_DOMAIN_METADATA_TITLE, "", NULL, NULL, &error),
                    ==, 0);
    g_assert_null(def->title);
    /* errors change nothing */
    g_assert_cmpint(
        gvDomainDefSetMetadata(def, GV_DOMAIN_METADATA_TITLE, "two\nlines", NULL, NULL, &error), ==,
        -1);
    g_assert_error(error, GV_ERROR, GV_ERR_INVALID_ARG);
    g_clear_error(&error);
    g_assert_cmpint(
        gvDomainDefSetMetadata(def, GV_DOMAIN_METADATA_ELEMENT, "<x/>", "1bad", "urn:x", &error),
        ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_INVALID_ARG);
    g_clear_error(&error);
    g_assert_cmpint(
        gvDomainDefSetMetadata(def, GV_DOMAIN_METADATA_ELEMENT, "<x>", "x", "urn:x", &error), ==,
        -1);
    g_assert_error(error, GV_ERROR, GV_ERR_XML_ERROR);
    g_clear_error(&error);
    g_assert_cmpint(
        gvDomainDefSetMetadata(def, GV_DOMAIN_METADATA_ELEMENT, "<x/>", "x", NULL, &error), ==, -1);
    g_clear_error(&error);

    /* what was set formats and parses back to the same bytes */
    formatted = gvDomainDefFormat(def, 0);
    g_assert_nonnull(strstr(formatted, "  <description>a &amp; b</description>\n  <metadata>\n"
                                       "    <app:cfg xmlns:app=\"urn:app\" v=\"1\">\n"
                                       "      <app:item>t</app:item>\n    </app:cfg>\n"
                                       "  </metadata>\n"));
    again = gvDomainDefParseString(formatted, 0, &error);
    g_assert_no_error(error);
    formatted2 = gvDomainDefFormat(again, 0);
    g_assert_cmpstr(formatted, ==, formatted2);
}

#define DO_TEST_FULL(name, pflags, fflags, suffix, fail) \
    do { \
        static const gvXML2XMLTest t = { name, pflags, fflags, suffix, fail }; \
        g_autofree char *tn = \
            g_strdup_printf("/xml2xml/%s%s%s", name, suffix ? "." : "", suffix ? suffix : ""); \
        gvTestRun(tn, testXML2XML, &t); \
    } while (0)

#define SECURE GV_DOMAIN_DEF_FORMAT_SECURE
#define DO_TEST(name) DO_TEST_FULL(name, 0, SECURE, NULL, false)
#define DO_TEST_FAIL(name) DO_TEST_FULL(name, 0, SECURE, NULL, true)
/* the same input formatted with other flags: NAME.SUFFIX.out.xml */
#define DO_TEST_FORMAT(name, fflags, suffix) DO_TEST_FULL(name, 0, fflags, suffix, false)
/* the same input parsed as a definition (live-only data ignored): NAME.SUFFIX.out.xml */
#define DO_TEST_PARSE_INACTIVE(name, suffix) \
    DO_TEST_FULL(name, GV_DOMAIN_DEF_PARSE_INACTIVE, SECURE, suffix, false)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    gvTestRun("/xml2xml/generated-ids", testGeneratedIDs, NULL);
    gvTestRun("/xml2xml/genid-regenerate", testGenidRegenerate, NULL);
    gvTestRun("/xml2xml/metadata-api", testMetadataAPI, NULL);

#include "xml2xml/cases.h"

    return g_test_run();
}
