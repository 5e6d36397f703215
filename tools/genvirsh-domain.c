/*
 * genvirsh-domain.c: domain commands (list, define, dumpxml, dominfo, ...)
 *
 * Output formats and exit codes follow virsh 9.0.
 */
#include <gvconfig.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "domain_conf.h"
#include "genvirsh.h"
#include "gvbuffer.h"
#include "gverror.h"
#include "gvxdr.h"

static const char *const gvShStateNames[] = {
    "no state", "running", "idle", "paused", "in shutdown", "shut off", "crashed", "pmsuspended",
};

static const char *const gvShRunningReasons[] = {
    "unknown",       "booted",   "migrated",           "restored",
    "from snapshot", "unpaused", "migration canceled", "save canceled",
    "event wakeup",  "crashed",  "post-copy",
};
static const char *const gvShPausedReasons[] = {
    "unknown",   "user",        "migrating",     "saving",           "dumping",
    "I/O error", "watchdog",    "from snapshot", "shutting down",    "creating snapshot",
    "crashed",   "starting up", "post-copy",     "post-copy failed",
};
static const char *const gvShShutoffReasons[] = {
    "unknown", "shutdown", "destroyed",     "crashed", "migrated",
    "saved",   "failed",   "from snapshot", "daemon",
};

static const char *
gvShStateName(gint32 state)
{
    if (state < 0 || (size_t)state >= G_N_ELEMENTS(gvShStateNames))
        return "no state";
    return gvShStateNames[state];
}

static const char *
gvShReasonName(gint32 state, gint32 reason)
{
    const char *const *table = NULL;
    size_t n = 0;

    switch (state) {
    case 1:
        table = gvShRunningReasons;
        n = G_N_ELEMENTS(gvShRunningReasons);
        break;
    case 3:
        table = gvShPausedReasons;
        n = G_N_ELEMENTS(gvShPausedReasons);
        break;
    case 5:
        table = gvShShutoffReasons;
        n = G_N_ELEMENTS(gvShShutoffReasons);
        break;
    default:
        break;
    }
    if (!table || reason < 0 || (size_t)reason >= n)
        return "unknown";
    return table[reason];
}

static void
gvShEncodeDomain(GByteArray *args, const gvRemoteDomain *dom)
{
    gvRemoteDomainEncode(args, dom->name, dom->uuid, dom->id);
}

/* A call taking just the domain (and maybe flags) and returning one int */
static int
gvShCallDomainInt(gvShConn *conn, gint32 proc, const gvRemoteDomain *dom, bool withFlags,
                  gint32 *out, GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();
    GByteArray *reply = NULL;
    gvXdrDecoder d;
    bool ok;

    gvShEncodeDomain(args, dom);
    if (withFlags)
        gvXdrEncodeU32(args, 0);
    if (gvShCall(conn, proc, args, &reply, error) < 0)
        return -1;
    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(reply->data, reply->len);
    ok = gvXdrDecodeI32(&d, out);
    gvXdrBufferFree(reply);
    if (!ok) {
        gvReportError(error, GV_ERR_RPC, "Unable to decode message payload");
        return -1;
    }
    return 0;
}

static int
gvShGetState(gvShConn *conn, const gvRemoteDomain *dom, gint32 *state, gint32 *reason,
             GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();
    GByteArray *reply = NULL;
    gvXdrDecoder d;
    bool ok;

    gvShEncodeDomain(args, dom);
    gvXdrEncodeU32(args, 0);
    if (gvShCall(conn, GV_PROC_DOMAIN_GET_STATE, args, &reply, error) < 0)
        return -1;
    d = (gvXdrDecoder)GV_XDR_DECODER_INIT(reply->data, reply->len);
    ok = gvXdrDecodeI32(&d, state) && gvXdrDecodeI32(&d, reason);
    gvXdrBufferFree(reply);
    if (!ok) {
        gvReportError(error, GV_ERR_RPC, "Unable to decode message payload");
        return -1;
    }
    return 0;
}

/* ---- list --------------------------------------------------------------- */

typedef struct {
    gvRemoteDomain dom;
    gint32 state;
} gvShListEntry;

static gint
gvShListCompare(gconstpointer a, gconstpointer b)
{
    const gvShListEntry *x = *(const gvShListEntry *const *)a;
    const gvShListEntry *y = *(const gvShListEntry *const *)b;

    /* running domains by id first, then the others by name */
    if (x->dom.id != -1 && y->dom.id != -1)
        return x->dom.id - y->dom.id;
    if (x->dom.id != -1)
        return -1;
    if (y->dom.id != -1)
        return 1;
    return g_strcmp0(x->dom.name, y->dom.name);
}

static void
gvShListEntryFree(gpointer p)
{
    gvShListEntry *e = p;

    gvRemoteDomainClear(&e->dom);
    g_free(e);
}

static size_t
gvShWidth(const char *s)
{
    return g_utf8_validate(s, -1, NULL) ? (size_t)g_utf8_strlen(s, -1) : strlen(s);
}

static void
gvShPad(const char *s, size_t width)
{
    size_t w = gvShWidth(s);

    fputs(s, stdout);
    for (; w < width; w++)
        putchar(' ');
}

static bool
gvShCmdList(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(gvShListEntryFree);
    g_autoptr(GError) error = NULL;
    GByteArray *reply = NULL;
    bool all = gvShCmdGetBool(call, "all");
    bool inactive = gvShCmdGetBool(call, "inactive");
    bool names = gvShCmdGetBool(call, "name");
    bool uuids = gvShCmdGetBool(call, "uuid");
    guint32 flags;
    guint32 count;
    guint32 i;

    if (!conn)
        return false;
    /* virsh's filters map onto virConnectListAllDomainsFlags */
    if (all)
        flags = 1 | 2;
    else if (inactive)
        flags = 2;
    else
        flags = 1;
    {
        static const struct {
            const char *opt;
            guint32 flag;
        } filters[] = {
            { "persistent", 1 << 2 },     { "transient", 1 << 3 },
            { "state-running", 1 << 4 },  { "state-paused", 1 << 5 },
            { "state-shutoff", 1 << 6 },  { "state-other", 1 << 7 },
            { "autostart", 1 << 10 },     { "no-autostart", 1 << 11 },
            { "with-snapshot", 1 << 12 }, { "without-snapshot", 1 << 13 },
        };
        size_t f;

        for (f = 0; f < G_N_ELEMENTS(filters); f++) {
            if (gvShCmdGetBool(call, filters[f].opt)) {
                flags |= filters[f].flag;
                /* a state filter looks at every domain, as in virsh */
                if (filters[f].flag >= (1 << 4) && filters[f].flag <= (1 << 7) && !inactive)
                    flags |= 1 | 2;
            }
        }
    }
    gvXdrEncodeI32(args, 1);
    gvXdrEncodeU32(args, flags);
    if (gvShCall(conn, GV_PROC_CONNECT_LIST_ALL_DOMAINS, args, &reply, &error) < 0) {
        fprintf(stderr, "error: Failed to list domains\n");
        gvShReportError(error);
        return false;
    }
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        if (!gvXdrDecodeCount(&d, GV_REMOTE_DOMAIN_LIST_MAX, 24, &count)) {
            gvXdrBufferFree(reply);
            fprintf(stderr, "error: Failed to list domains\n");
            return false;
        }
        for (i = 0; i < count; i++) {
            gvShListEntry *e = g_new0(gvShListEntry, 1);

            if (!gvRemoteDomainDecode(&d, &e->dom)) {
                gvShListEntryFree(e);
                break;
            }
            g_ptr_array_add(entries, e);
        }
        gvXdrBufferFree(reply);
    }
    for (i = 0; i < entries->len; i++) {
        gvShListEntry *e = g_ptr_array_index(entries, i);
        gint32 reason;

        if (!names && !uuids && gvShGetState(conn, &e->dom, &e->state, &reason, &error) < 0) {
            /* the domain went away meanwhile: virsh shows it anyway */
            g_clear_error(&error);
            e->state = 0;
        }
    }
    g_ptr_array_sort(entries, gvShListCompare);

    if (names || uuids) {
        for (i = 0; i < entries->len; i++) {
            gvShListEntry *e = g_ptr_array_index(entries, i);
            char uuidstr[GV_UUID_STRING_BUFLEN];

            gvUUIDFormat(e->dom.uuid, uuidstr);
            if (names && uuids)
                printf("%-36s %s\n", uuidstr, e->dom.name);
            else
                printf("%s\n", uuids ? uuidstr : e->dom.name);
        }
        return true;
    }

    {
        /* virsh's table: columns 3 spaces apart, the last one unpadded */
        size_t wId = strlen("Id");
        size_t wName = strlen("Name");
        size_t wState = strlen("State");
        size_t total;
        g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);

        for (i = 0; i < entries->len; i++) {
            gvShListEntry *e = g_ptr_array_index(entries, i);
            char *id = e->dom.id == -1 ? g_strdup("-") : g_strdup_printf("%d", e->dom.id);

            wId = MAX(wId, strlen(id));
            wName = MAX(wName, gvShWidth(e->dom.name));
            wState = MAX(wState, strlen(gvShStateName(e->state)));
            g_ptr_array_add(ids, id);
        }
        total = 1 + wId + 3 + wName + 3 + wState + 2;
        putchar(' ');
        gvShPad("Id", wId + 3);
        gvShPad("Name", wName + 3);
        printf("State\n");
        for (i = 0; i < total; i++)
            putchar('-');
        putchar('\n');
        for (i = 0; i < entries->len; i++) {
            gvShListEntry *e = g_ptr_array_index(entries, i);

            putchar(' ');
            gvShPad(g_ptr_array_index(ids, i), wId + 3);
            gvShPad(e->dom.name, wName + 3);
            printf("%s\n", gvShStateName(e->state));
        }
    }
    return true;
}

/* ---- define / undefine -------------------------------------------------- */

gvShConn *
gvShConnectWithXmlFile(const char *file, GByteArray *args)
{
    g_autoptr(GError) error = NULL;
    gvShConn *conn;
    char *xml = NULL;
    gsize len;

    if (!g_file_get_contents(file, &xml, &len, &error)) {
        fprintf(stderr, "error: Failed to open file '%s': %s\n", file,
                g_strerror(error->code == G_FILE_ERROR_NOENT ? ENOENT : EIO));
        return NULL;
    }
    if ((conn = gvShConnect()))
        gvXdrEncodeString(args, xml);
    gvSecretFree(xml);
    return conn;
}

/*
 * The daemon gives a genid value copied from another domain a new one
 * (DESIGN.md 2.2: a clone is a new generation): say so, as the reply can't.
 * Never the value itself.
 */
static void
gvShDefineWarnCopied(gvShConn *conn, const gvRemoteDomain *dom, const char *file)
{
    g_autoptr(gvDomainDef) mine = gvDomainDefParseFile(file, GV_DOMAIN_DEF_PARSE_INACTIVE, NULL);
    g_autoptr(gvDomainDef) now = NULL;
    g_autoptr(GByteArray) args = g_byte_array_new();
    GByteArray *reply = NULL;
    char *xml = NULL;

    if (!mine || !mine->genid || !mine->genid->hasGuid ||
        mine->genid->autoGen == GV_TRISTATE_BOOL_NO)
        return;
    gvRemoteDomainEncode(args, dom->name, dom->uuid, dom->id);
    gvXdrEncodeU32(args, 1 | 2); /* secure, inactive */
    if (gvShCall(conn, GV_PROC_DOMAIN_GET_XML_DESC, args, &reply, NULL) < 0)
        return;
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        if (gvXdrDecodeString(&d, GV_NET_MESSAGE_STRING_MAX, &xml))
            now = gvDomainDefParseString(xml, GV_DOMAIN_DEF_PARSE_INACTIVE, NULL);
        gvSecretFree(xml);
        gvXdrBufferFree(reply);
    }
    if (now && now->genid && now->genid->hasGuid &&
        memcmp(now->genid->guid, mine->genid->guid, GV_UUID_BUFLEN) != 0)
        fprintf(stderr,
                "warning: domain '%s': the genid value in %s is another domain's (a copy): it "
                "got a new one\n",
                dom->name, file);
}

static bool
gvShCmdDefine(const gvShCmdCall *call)
{
    const char *file = gvShCmdGetString(call, "file");
    g_autoptr(gvShConn) conn = NULL;
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GError) error = NULL;
    GByteArray *reply = NULL;
    gvRemoteDomain dom = { 0 };
    bool ok;

    if (!(conn = gvShConnectWithXmlFile(file, args)))
        return false;
    if (gvShCmdGetBool(call, "validate")) {
        gvXdrEncodeU32(args, 1);
        ok = gvShCall(conn, GV_PROC_DOMAIN_DEFINE_XML_FLAGS, args, &reply, &error) == 0;
    } else {
        ok = gvShCall(conn, GV_PROC_DOMAIN_DEFINE_XML, args, &reply, &error) == 0;
    }
    explicit_bzero(args->data, args->len);
    if (!ok) {
        fprintf(stderr, "error: Failed to define domain from %s\n", file);
        gvShReportError(error);
        return false;
    }
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        ok = gvRemoteDomainDecode(&d, &dom);
        gvXdrBufferFree(reply);
    }
    if (!ok) {
        fprintf(stderr, "error: Failed to define domain from %s\n", file);
        return false;
    }
    gvShDefineWarnCopied(conn, &dom, file);
    printf("Domain '%s' defined from %s\n", dom.name, file);
    gvRemoteDomainClear(&dom);
    return true;
}

static bool
gvShCmdUndefine(const gvShCmdCall *call)
{
    /* VIR_DOMAIN_UNDEFINE_MANAGED_SAVE */
    return gvShDomainSimple(call, GV_PROC_DOMAIN_UNDEFINE_FLAGS, true,
                            gvShCmdGetBool(call, "managed-save") ? 1 : 0, "has been undefined",
                            "undefine");
}

/* ---- dumpxml ------------------------------------------------------------ */

static bool
gvShCmdDumpXML(const gvShCmdCall *call)
{
    const char *name = gvShCmdGetString(call, "domain");
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GError) error = NULL;
    GByteArray *reply = NULL;
    gvRemoteDomain dom = { 0 };
    guint32 flags = 0;
    char *xml = NULL;
    bool ok;

    if (!conn || !gvShLookupDomain(conn, name, true, &dom))
        return false;
    if (gvShCmdGetBool(call, "security-info"))
        flags |= 1;
    if (gvShCmdGetBool(call, "inactive"))
        flags |= 2;
    if (gvShCmdGetBool(call, "update-cpu"))
        flags |= 4;
    if (gvShCmdGetBool(call, "migratable"))
        flags |= 8;
    gvShEncodeDomain(args, &dom);
    gvXdrEncodeU32(args, flags);
    gvRemoteDomainClear(&dom);
    if (gvShCall(conn, GV_PROC_DOMAIN_GET_XML_DESC, args, &reply, &error) < 0) {
        gvShReportError(error);
        return false;
    }
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        ok = gvXdrDecodeString(&d, GV_NET_MESSAGE_STRING_MAX, &xml);
        gvXdrBufferFree(reply);
    }
    if (!ok)
        return false;
    fputs(xml, stdout);
    gvSecretFree(xml);
    return true;
}

/* ---- dominfo, domstate, domid, domuuid, domname --------------------------- */

static bool
gvShCmdDominfo(const gvShCmdCall *call)
{
    const char *name = gvShCmdGetString(call, "domain");
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GError) error = NULL;
    GByteArray *reply = NULL;
    gvRemoteDomain dom = { 0 };
    char uuidstr[GV_UUID_STRING_BUFLEN];
    guint32 state;
    guint64 maxMem;
    guint64 memory;
    guint32 ncpu;
    guint64 cpuTime;
    gint32 persistent = -1;
    gint32 autostart = -1;
    gint32 managed = -1;
    bool ok = true;

    if (!conn || !gvShLookupDomain(conn, name, true, &dom))
        return false;
    if (dom.id == -1)
        printf("%-15s %s\n", "Id:", "-");
    else
        printf("%-15s %d\n", "Id:", dom.id);
    printf("%-15s %s\n", "Name:", dom.name);
    printf("%-15s %s\n", "UUID:", gvUUIDFormat(dom.uuid, uuidstr));

    gvShEncodeDomain(args, &dom);
    if (gvShCall(conn, GV_PROC_DOMAIN_GET_OS_TYPE, args, &reply, &error) == 0) {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);
        g_autofree char *os = NULL;

        if (gvXdrDecodeString(&d, GV_NET_MESSAGE_STRING_MAX, &os))
            printf("%-15s %s\n", "OS Type:", os);
        gvXdrBufferFree(reply);
    }
    g_clear_error(&error);
    if (gvShCall(conn, GV_PROC_DOMAIN_GET_INFO, args, &reply, &error) == 0) {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        if (gvXdrDecodeU32(&d, &state) && gvXdrDecodeU64(&d, &maxMem) &&
            gvXdrDecodeU64(&d, &memory) && gvXdrDecodeU32(&d, &ncpu) &&
            gvXdrDecodeU64(&d, &cpuTime)) {
            printf("%-15s %s\n", "State:", gvShStateName((gint32)state));
            printf("%-15s %u\n", "CPU(s):", ncpu);
            if (cpuTime != 0)
                printf("%-15s %.1lfs\n", "CPU time:", (double)cpuTime / 1000000000.0);
            if (maxMem == 0)
                printf("%-15s %s\n", "Max memory:", "no limit");
            else
                printf("%-15s %" G_GUINT64_FORMAT " KiB\n", "Max memory:", maxMem);
            printf("%-15s %" G_GUINT64_FORMAT " KiB\n", "Used memory:", memory);
        }
        gvXdrBufferFree(reply);
    } else {
        ok = false;
    }
    if (gvShCallDomainInt(conn, GV_PROC_DOMAIN_IS_PERSISTENT, &dom, false, &persistent, NULL) < 0 ||
        persistent < 0)
        printf("%-15s %s\n", "Persistent:", "unknown");
    else
        printf("%-15s %s\n", "Persistent:", persistent ? "yes" : "no");
    if (gvShCallDomainInt(conn, GV_PROC_DOMAIN_GET_AUTOSTART, &dom, false, &autostart, NULL) == 0)
        printf("%-15s %s\n", "Autostart:", autostart ? "enable" : "disable");
    if (gvShCallDomainInt(conn, GV_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE, &dom, true, &managed,
                          NULL) == 0)
        printf("%-15s %s\n", "Managed save:", managed ? "yes" : "no");
    gvRemoteDomainClear(&dom);
    if (!ok)
        gvShReportError(error);
    return ok;
}

static bool
gvShCmdDomstate(const gvShCmdCall *call)
{
    const char *name = gvShCmdGetString(call, "domain");
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GError) error = NULL;
    gvRemoteDomain dom = { 0 };
    gint32 state;
    gint32 reason;
    int rc;

    if (!conn || !gvShLookupDomain(conn, name, true, &dom))
        return false;
    rc = gvShGetState(conn, &dom, &state, &reason, &error);
    gvRemoteDomainClear(&dom);
    if (rc < 0) {
        gvShReportError(error);
        return false;
    }
    if (gvShCmdGetBool(call, "reason"))
        printf("%s (%s)\n", gvShStateName(state), gvShReasonName(state, reason));
    else
        printf("%s\n", gvShStateName(state));
    return true;
}

static bool
gvShCmdDomid(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    gvRemoteDomain dom = { 0 };

    if (!conn || !gvShLookupDomain(conn, gvShCmdGetString(call, "domain"), false, &dom))
        return false;
    if (dom.id == -1)
        printf("-\n");
    else
        printf("%d\n", dom.id);
    gvRemoteDomainClear(&dom);
    return true;
}

static bool
gvShCmdDomuuid(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    gvRemoteDomain dom = { 0 };
    char uuidstr[GV_UUID_STRING_BUFLEN];

    if (!conn || !gvShLookupDomain(conn, gvShCmdGetString(call, "domain"), false, &dom))
        return false;
    printf("%s\n", gvUUIDFormat(dom.uuid, uuidstr));
    gvRemoteDomainClear(&dom);
    return true;
}

static bool
gvShCmdDomname(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    gvRemoteDomain dom = { 0 };

    if (!conn || !gvShLookupDomain(conn, gvShCmdGetString(call, "domain"), true, &dom))
        return false;
    printf("%s\n", dom.name);
    gvRemoteDomainClear(&dom);
    return true;
}

static const gvShOpt gvShOptsList[] = {
    { "all", GV_SH_OPT_BOOL, 0, "list inactive & active domains" },
    { "inactive", GV_SH_OPT_BOOL, 0, "list inactive domains" },
    { "name", GV_SH_OPT_BOOL, 0, "list domain names only" },
    { "uuid", GV_SH_OPT_BOOL, 0, "list uuid's only" },
    { "persistent", GV_SH_OPT_BOOL, 0, "list persistent domains" },
    { "transient", GV_SH_OPT_BOOL, 0, "list transient domains" },
    { "autostart", GV_SH_OPT_BOOL, 0, "list domains with autostart enabled" },
    { "no-autostart", GV_SH_OPT_BOOL, 0, "list domains with autostart disabled" },
    { "with-snapshot", GV_SH_OPT_BOOL, 0, "list domains with existing snapshot" },
    { "without-snapshot", GV_SH_OPT_BOOL, 0, "list domains without a snapshot" },
    { "state-running", GV_SH_OPT_BOOL, 0, "list domains in running state" },
    { "state-paused", GV_SH_OPT_BOOL, 0, "list domains in paused state" },
    { "state-shutoff", GV_SH_OPT_BOOL, 0, "list domains in shutoff state" },
    { "state-other", GV_SH_OPT_BOOL, 0, "list domains in other states" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsDefine[] = {
    { "file", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "file containing an XML domain description" },
    { "validate", GV_SH_OPT_BOOL, 0, "validate the XML against the schema" },
    { NULL, 0, 0, NULL }
};

const gvShOpt gvShOptsDomain[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" }, { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsUndefine[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "managed-save", GV_SH_OPT_BOOL, 0, "remove domain managed state file" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsDomstate[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "reason", GV_SH_OPT_BOOL, 0, "also print reason for the state" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsDumpXML[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "inactive", GV_SH_OPT_BOOL, 0, "show inactive defined XML" },
    { "security-info", GV_SH_OPT_BOOL, 0, "include security sensitive information in XML dump" },
    { "update-cpu", GV_SH_OPT_BOOL, 0, "update guest CPU according to host CPU" },
    { "migratable", GV_SH_OPT_BOOL, 0, "provide XML suitable for migrations" },
    { NULL, 0, 0, NULL }
};

const gvShCmd gvShDomainCmds[] = {
    { "list", "list domains", "Returns list of domains.", gvShOptsList, gvShCmdList },
    { "define", "define (but don't start) a domain from an XML file", "Define a domain.",
      gvShOptsDefine, gvShCmdDefine },
    { "undefine", "undefine a domain",
      "Undefine an inactive domain, or convert persistent to transient.", gvShOptsUndefine,
      gvShCmdUndefine },
    { "dumpxml", "domain information in XML",
      "Output the domain information as an XML dump to stdout.", gvShOptsDumpXML, gvShCmdDumpXML },
    { "dominfo", "domain information", "Returns basic information about the domain.",
      gvShOptsDomain, gvShCmdDominfo },
    { "domstate", "domain state", "Returns state about a domain.", gvShOptsDomstate,
      gvShCmdDomstate },
    { "domid", "convert a domain name or UUID to domain id",
      "Convert a domain name or UUID to domain id", gvShOptsDomain, gvShCmdDomid },
    { "domuuid", "convert a domain name or id to domain UUID",
      "Convert a domain name or id to domain UUID", gvShOptsDomain, gvShCmdDomuuid },
    { "domname", "convert a domain id or UUID to domain name",
      "Convert a domain id or UUID to domain name", gvShOptsDomain, gvShCmdDomname },
    { NULL, NULL, NULL, NULL, NULL }
};
