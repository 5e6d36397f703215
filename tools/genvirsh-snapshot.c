/*
 * genvirsh-snapshot.c: snapshot-create-as, snapshot-create, snapshot-list,
 * snapshot-info, snapshot-dumpxml, snapshot-current, snapshot-revert,
 * snapshot-delete, with virsh's output formats
 */
#include <gvconfig.h>

#include <stdio.h>
#include <string.h>

#include "genvirsh.h"
#include "gvbuffer.h"
#include "gverror.h"
#include "gvxdr.h"
#include "gvxml.h"

/* Calls @proc with (snapshot @snap of @dom, then @tail's bytes) */
static int
gvShSnapCall(gvShConn *conn, gint32 proc, const gvRemoteDomain *dom, const char *snap,
             const GByteArray *tail, GByteArray **reply, GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();

    gvXdrEncodeString(args, snap);
    gvRemoteDomainEncode(args, dom->name, dom->uuid, dom->id);
    if (tail)
        g_byte_array_append(args, tail->data, tail->len);
    return gvShCall(conn, proc, args, reply, error);
}

static int
gvShSnapInt(gvShConn *conn, gint32 proc, const gvRemoteDomain *dom, const char *snap, gint32 *out,
            GError **error)
{
    g_autoptr(GByteArray) tail = g_byte_array_new();
    GByteArray *reply = NULL;
    bool ok;

    gvXdrEncodeU32(tail, 0);
    if (gvShSnapCall(conn, proc, dom, snap, tail, &reply, error) < 0)
        return -1;
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        ok = gvXdrDecodeI32(&d, out);
    }
    gvXdrBufferFree(reply);
    return ok ? 0 : -1;
}

static char *
gvShSnapXML(gvShConn *conn, const gvRemoteDomain *dom, const char *snap, GError **error)
{
    g_autoptr(GByteArray) tail = g_byte_array_new();
    GByteArray *reply = NULL;
    char *xml = NULL;

    gvXdrEncodeU32(tail, 0);
    if (gvShSnapCall(conn, GV_PROC_DOMAIN_SNAPSHOT_GET_XML_DESC, dom, snap, tail, &reply, error) <
        0)
        return NULL;
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        (void)gvXdrDecodeString(&d, GV_NET_MESSAGE_STRING_MAX, &xml);
    }
    gvXdrBufferFree(reply);
    return xml;
}

/* <creationTime> and <state> of a snapshot's XML */
static void
gvShSnapSummary(const char *xml, gint64 *ctime, char **state)
{
    g_autoptr(xmlDoc) doc = gvXMLParseString(xml, -1, "snapshot XML", NULL);
    xmlNodePtr root;
    xmlNodePtr n;

    *ctime = 0;
    *state = NULL;
    if (!doc)
        return;
    root = xmlDocGetRootElement(doc);
    if ((n = gvXMLNodeGetChild(root, "creationTime"))) {
        g_autofree char *t = gvXMLNodeContent(n, true);
        guint64 v;

        if (g_ascii_string_to_unsigned(t, 10, 0, G_MAXINT64, &v, NULL))
            *ctime = (gint64)v;
    }
    if ((n = gvXMLNodeGetChild(root, "state")))
        *state = gvXMLNodeContent(n, true);
}

static bool
gvShCmdSnapshotCreateXML(gvShConn *conn, const char *domName, const char *xml)
{
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GError) error = NULL;
    GByteArray *reply = NULL;
    gvRemoteDomain dom = { 0 };
    g_autofree char *name = NULL;
    bool ok;

    if (!gvShLookupDomain(conn, domName, true, &dom))
        return false;
    gvRemoteDomainEncode(args, dom.name, dom.uuid, dom.id);
    gvRemoteDomainClear(&dom);
    gvXdrEncodeString(args, xml);
    gvXdrEncodeU32(args, 0);
    if (gvShCall(conn, GV_PROC_DOMAIN_SNAPSHOT_CREATE_XML, args, &reply, &error) < 0) {
        gvShReportError(error);
        return false;
    }
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        ok = gvXdrDecodeString(&d, GV_REMOTE_DOMAIN_NAME_MAX, &name);
    }
    gvXdrBufferFree(reply);
    if (ok)
        printf("Domain snapshot %s created\n", name);
    gvShCtl.noBlankLine = true;
    return ok;
}

static bool
gvShCmdSnapshotCreateAs(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    g_auto(gvBuffer) buf = GV_BUFFER_INIT;
    g_autofree char *xml = NULL;
    const char *name = gvShCmdGetString(call, "name");
    const char *desc = gvShCmdGetString(call, "description");

    if (!conn)
        return false;
    gvBufferAddLit(&buf, "<domainsnapshot>\n");
    if (name)
        gvBufferEscapeString(&buf, "  <name>%s</name>\n", name);
    if (desc)
        gvBufferEscapeString(&buf, "  <description>%s</description>\n", desc);
    gvBufferAddLit(&buf, "</domainsnapshot>\n");
    xml = gvBufferContentAndReset(&buf);
    return gvShCmdSnapshotCreateXML(conn, gvShCmdGetString(call, "domain"), xml);
}

static bool
gvShCmdSnapshotCreate(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    const char *file = gvShCmdGetString(call, "xmlfile");
    g_autofree char *xml = NULL;
    g_autoptr(GError) error = NULL;

    if (!conn)
        return false;
    if (!file)
        xml = g_strdup("<domainsnapshot/>\n");
    else if (!g_file_get_contents(file, &xml, NULL, &error)) {
        gvShReportError(error);
        return false;
    }
    return gvShCmdSnapshotCreateXML(conn, gvShCmdGetString(call, "domain"), xml);
}

static GPtrArray *
gvShSnapList(gvShConn *conn, const gvRemoteDomain *dom, GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GByteArray *reply = NULL;
    guint32 n;
    guint32 i;

    gvRemoteDomainEncode(args, dom->name, dom->uuid, dom->id);
    gvXdrEncodeI32(args, 1);
    gvXdrEncodeU32(args, 0);
    if (gvShCall(conn, GV_PROC_DOMAIN_LIST_ALL_SNAPSHOTS, args, &reply, error) < 0) {
        g_ptr_array_unref(names);
        return NULL;
    }
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        if (gvXdrDecodeCount(&d, GV_REMOTE_DOMAIN_SNAPSHOT_LIST_MAX, 8, &n)) {
            for (i = 0; i < n; i++) {
                char *name = NULL;
                gvRemoteDomain sdom = { 0 };

                if (!gvXdrDecodeString(&d, GV_REMOTE_DOMAIN_NAME_MAX, &name) ||
                    !gvRemoteDomainDecode(&d, &sdom)) {
                    g_free(name);
                    break;
                }
                gvRemoteDomainClear(&sdom);
                g_ptr_array_add(names, name);
            }
        }
    }
    gvXdrBufferFree(reply);
    return names;
}

static gint
gvShCompareNames(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static bool
gvShCmdSnapshotList(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) names = NULL;
    g_autoptr(GPtrArray) times = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func(g_free);
    gvRemoteDomain dom = { 0 };
    size_t wName = strlen("Name");
    size_t wTime = strlen("Creation Time");
    size_t total;
    guint i;

    if (!conn || !gvShLookupDomain(conn, gvShCmdGetString(call, "domain"), true, &dom))
        return false;
    if (!(names = gvShSnapList(conn, &dom, &error))) {
        gvRemoteDomainClear(&dom);
        gvShReportError(error);
        return false;
    }
    /* virsh lists them sorted by name */
    g_ptr_array_sort(names, gvShCompareNames);
    if (gvShCmdGetBool(call, "name")) {
        for (i = 0; i < names->len; i++)
            printf("%s\n", (const char *)g_ptr_array_index(names, i));
        gvRemoteDomainClear(&dom);
        return true;
    }
    for (i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *xml = gvShSnapXML(conn, &dom, name, NULL);
        g_autoptr(GDateTime) dt = NULL;
        char *state = NULL;
        gint64 ctime = 0;

        if (xml)
            gvShSnapSummary(xml, &ctime, &state);
        gvSecretFree(g_steal_pointer(&xml));
        dt = g_date_time_new_from_unix_local(ctime);
        g_ptr_array_add(times, g_date_time_format(dt, "%Y-%m-%d %H:%M:%S %z"));
        g_ptr_array_add(states, state ? state : g_strdup("-"));
        wName = MAX(wName, strlen(name));
        wTime = MAX(wTime, strlen(g_ptr_array_index(times, i)));
    }
    gvRemoteDomainClear(&dom);
    {
        size_t wState = strlen("State");

        for (i = 0; i < states->len; i++)
            wState = MAX(wState, strlen(g_ptr_array_index(states, i)));
        total = 1 + wName + 3 + wTime + 3 + wState + 2;
    }
    printf(" %-*s   %-*s   State\n", (int)wName, "Name", (int)wTime, "Creation Time");
    for (i = 0; i < total; i++)
        putchar('-');
    putchar('\n');
    for (i = 0; i < names->len; i++)
        printf(" %-*s   %-*s   %s\n", (int)wName, (const char *)g_ptr_array_index(names, i),
               (int)wTime, (const char *)g_ptr_array_index(times, i),
               (const char *)g_ptr_array_index(states, i));
    return true;
}

static bool
gvShCmdSnapshotDumpXML(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GError) error = NULL;
    gvRemoteDomain dom = { 0 };
    char *xml;

    if (!conn || !gvShLookupDomain(conn, gvShCmdGetString(call, "domain"), true, &dom))
        return false;
    xml = gvShSnapXML(conn, &dom, gvShCmdGetString(call, "snapshotname"), &error);
    gvRemoteDomainClear(&dom);
    if (!xml) {
        gvShReportError(error);
        return false;
    }
    fputs(xml, stdout);
    gvSecretFree(xml);
    return true;
}

/* The current snapshot's name, or NULL (error printed) */
static char *
gvShSnapCurrent(gvShConn *conn, const gvRemoteDomain *dom)
{
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GError) error = NULL;
    GByteArray *reply = NULL;
    char *name = NULL;

    gvRemoteDomainEncode(args, dom->name, dom->uuid, dom->id);
    gvXdrEncodeU32(args, 0);
    if (gvShCall(conn, GV_PROC_DOMAIN_SNAPSHOT_CURRENT, args, &reply, &error) < 0) {
        gvShReportError(error);
        return NULL;
    }
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        (void)gvXdrDecodeString(&d, GV_REMOTE_DOMAIN_NAME_MAX, &name);
    }
    gvXdrBufferFree(reply);
    return name;
}

static bool
gvShCmdSnapshotCurrent(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    gvRemoteDomain dom = { 0 };
    bool ok = true;

    if (!conn || !gvShLookupDomain(conn, gvShCmdGetString(call, "domain"), true, &dom))
        return false;
    if (!(name = gvShSnapCurrent(conn, &dom))) {
        ok = false;
    } else if (gvShCmdGetBool(call, "name")) {
        printf("%s\n", name);
        gvShCtl.noBlankLine = true;
    } else {
        char *xml = gvShSnapXML(conn, &dom, name, &error);

        if (!xml) {
            gvShReportError(error);
            ok = false;
        } else {
            fputs(xml, stdout);
            gvSecretFree(xml);
        }
    }
    gvRemoteDomainClear(&dom);
    return ok;
}

static bool
gvShCmdSnapshotInfo(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GError) error = NULL;
    const char *snap = gvShCmdGetString(call, "snapshotname");
    gvRemoteDomain dom = { 0 };
    g_autofree char *xml = NULL;
    g_autofree char *state = NULL;
    g_autofree char *parent = NULL;
    gint64 ctime;
    gint32 current = 0;
    gint32 children = 0;
    gint32 descendants = 0;
    GByteArray *reply = NULL;

    if (!conn || !gvShLookupDomain(conn, gvShCmdGetString(call, "domain"), true, &dom))
        return false;
    if (!(xml = gvShSnapXML(conn, &dom, snap, &error))) {
        gvRemoteDomainClear(&dom);
        gvShReportError(error);
        return false;
    }
    gvShSnapSummary(xml, &ctime, &state);
    (void)gvShSnapInt(conn, GV_PROC_DOMAIN_SNAPSHOT_IS_CURRENT, &dom, snap, &current, NULL);
    {
        g_autoptr(GByteArray) tail = g_byte_array_new();

        gvXdrEncodeU32(tail, 0);
        if (gvShSnapCall(conn, GV_PROC_DOMAIN_SNAPSHOT_GET_PARENT, &dom, snap, tail, &reply,
                         NULL) == 0) {
            gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

            (void)gvXdrDecodeString(&d, GV_REMOTE_DOMAIN_NAME_MAX, &parent);
            gvXdrBufferFree(reply);
        }
    }
    (void)gvShSnapInt(conn, GV_PROC_DOMAIN_SNAPSHOT_NUM_CHILDREN, &dom, snap, &children, NULL);
    {
        g_autoptr(GByteArray) tail = g_byte_array_new();

        gvXdrEncodeU32(tail, 1); /* descendants */
        if (gvShSnapCall(conn, GV_PROC_DOMAIN_SNAPSHOT_NUM_CHILDREN, &dom, snap, tail, &reply,
                         NULL) == 0) {
            gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

            (void)gvXdrDecodeI32(&d, &descendants);
            gvXdrBufferFree(reply);
        }
    }
    printf("%-15s %s\n", "Name:", snap);
    printf("%-15s %s\n", "Domain:", dom.name);
    printf("%-15s %s\n", "Current:", current ? "yes" : "no");
    printf("%-15s %s\n", "State:", state ? state : "-");
    printf("%-15s %s\n", "Location:", "internal");
    printf("%-15s %s\n", "Parent:", parent ? parent : "-");
    printf("%-15s %d\n", "Children:", children);
    printf("%-15s %d\n", "Descendants:", descendants);
    printf("%-15s %s\n", "Metadata:", "yes");
    gvRemoteDomainClear(&dom);
    return true;
}

static bool
gvShCmdSnapshotRevert(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GError) error = NULL;
    g_autoptr(GByteArray) tail = g_byte_array_new();
    const char *snap = gvShCmdGetString(call, "snapshotname");
    gvRemoteDomain dom = { 0 };
    guint32 flags = 0;
    bool ok;

    if (!conn || !gvShLookupDomain(conn, gvShCmdGetString(call, "domain"), true, &dom))
        return false;
    if (gvShCmdGetBool(call, "running"))
        flags |= 1;
    if (gvShCmdGetBool(call, "paused"))
        flags |= 2;
    if (gvShCmdGetBool(call, "force"))
        flags |= 4;
    gvXdrEncodeU32(tail, flags);
    ok = gvShSnapCall(conn, GV_PROC_DOMAIN_REVERT_TO_SNAPSHOT, &dom, snap, tail, NULL, &error) == 0;
    if (!ok) {
        gvShReportError(error);
    } else {
        /* a fixed GUID stays: say that the guest was not told */
        g_autoptr(GByteArray) args = g_byte_array_new();
        GByteArray *reply = NULL;
        char *xml = NULL;

        gvRemoteDomainEncode(args, dom.name, dom.uuid, dom.id);
        gvXdrEncodeU32(args, 2); /* inactive */
        if (gvShCall(conn, GV_PROC_DOMAIN_GET_XML_DESC, args, &reply, NULL) == 0) {
            gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

            if (gvXdrDecodeString(&d, GV_NET_MESSAGE_STRING_MAX, &xml) &&
                strstr(xml, "<guid auto='no'"))
                fprintf(
                    stderr,
                    "warning: domain '%s' has a fixed genid (auto='no'): it was kept, so the guest was not told it went back in time\n",
                    dom.name);
            gvSecretFree(xml);
            gvXdrBufferFree(reply);
        }
        printf("Domain snapshot %s reverted\n", snap);
    }
    gvRemoteDomainClear(&dom);
    return ok;
}

static bool
gvShCmdSnapshotDelete(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GError) error = NULL;
    g_autoptr(GByteArray) tail = g_byte_array_new();
    const char *snap = gvShCmdGetString(call, "snapshotname");
    gvRemoteDomain dom = { 0 };
    guint32 flags = 0;
    bool ok;

    if (!conn || !gvShLookupDomain(conn, gvShCmdGetString(call, "domain"), true, &dom))
        return false;
    if (gvShCmdGetBool(call, "children"))
        flags |= 1;
    if (gvShCmdGetBool(call, "metadata"))
        flags |= 2;
    if (gvShCmdGetBool(call, "children-only"))
        flags |= 4;
    gvXdrEncodeU32(tail, flags);
    ok = gvShSnapCall(conn, GV_PROC_DOMAIN_SNAPSHOT_DELETE, &dom, snap, tail, NULL, &error) == 0;
    gvRemoteDomainClear(&dom);
    if (!ok) {
        fprintf(stderr, "error: Failed to delete snapshot %s\n", snap);
        gvShReportError(error);
        return false;
    }
    if (flags & 1)
        printf("Domain snapshot %s and all its children deleted\n", snap);
    else if (flags & 4)
        printf("Domain snapshot %s children deleted\n", snap);
    else
        printf("Domain snapshot %s deleted\n", snap);
    return true;
}

static const gvShOpt gvShOptsCreateAs[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "name", GV_SH_OPT_DATA, 0, "name of snapshot" },
    { "description", GV_SH_OPT_STRING, 0, "description of snapshot" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsCreate[] = { { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ,
                                            "domain name, id or uuid" },
                                          { "xmlfile", GV_SH_OPT_DATA, 0, "domain snapshot XML" },
                                          { NULL, 0, 0, NULL } };

static const gvShOpt gvShOptsList[] = { { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ,
                                          "domain name, id or uuid" },
                                        { "name", GV_SH_OPT_BOOL, 0, "list snapshot names only" },
                                        { NULL, 0, 0, NULL } };

static const gvShOpt gvShOptsSnap[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "snapshotname", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "snapshot name" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsCurrent[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "name", GV_SH_OPT_BOOL, 0, "list the name, rather than the full xml" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsRevert[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "snapshotname", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "snapshot name" },
    { "running", GV_SH_OPT_BOOL, 0, "after reverting, change state to running" },
    { "paused", GV_SH_OPT_BOOL, 0, "after reverting, change state to paused" },
    { "force", GV_SH_OPT_BOOL, 0, "try harder on risky reverts" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsDelete[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "snapshotname", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "snapshot name" },
    { "children", GV_SH_OPT_BOOL, 0, "delete snapshot and all children" },
    { "children-only", GV_SH_OPT_BOOL, 0, "delete children but not snapshot" },
    { "metadata", GV_SH_OPT_BOOL, 0,
      "delete only libvirt metadata, leaving snapshot contents behind" },
    { NULL, 0, 0, NULL }
};

const gvShCmd gvShSnapshotCmds[] = {
    { "snapshot-create-as", "Create a snapshot from a set of args",
      "Create an internal snapshot (memory and disks when running) from a name and description.",
      gvShOptsCreateAs, gvShCmdSnapshotCreateAs },
    { "snapshot-create", "Create a snapshot from XML",
      "Create a snapshot from <domainsnapshot> XML.", gvShOptsCreate, gvShCmdSnapshotCreate },
    { "snapshot-list", "List snapshots for a domain", "Snapshot List", gvShOptsList,
      gvShCmdSnapshotList },
    { "snapshot-info", "snapshot information", "Returns basic information about a snapshot.",
      gvShOptsSnap, gvShCmdSnapshotInfo },
    { "snapshot-dumpxml", "Dump XML for a domain snapshot", "Snapshot Dump XML", gvShOptsSnap,
      gvShCmdSnapshotDumpXML },
    { "snapshot-current", "Get the current snapshot", "Get the current snapshot", gvShOptsCurrent,
      gvShCmdSnapshotCurrent },
    { "snapshot-revert", "Revert a domain to a snapshot",
      "Revert domain to snapshot: a new QEMU, and a new genid GUID (auto='yes').", gvShOptsRevert,
      gvShCmdSnapshotRevert },
    { "snapshot-delete", "Delete a domain snapshot", "Snapshot Delete", gvShOptsDelete,
      gvShCmdSnapshotDelete },
    { NULL, NULL, NULL, NULL, NULL }
};
