/*
 * genvirsh-migrate.c: migrate DOMAIN DESTURI, managed or peer-to-peer,
 * with a progress bar fed by GET_JOB_INFO on a second connection
 */
#include <gvconfig.h>

#include <stdio.h>
#include <string.h>

#include "genvirsh.h"
#include "gvbuffer.h"
#include "gverror.h"
#include "gvxdr.h"

#define MIGRATE_LIVE 1
#define MIGRATE_PEER2PEER 2
#define MIGRATE_PERSIST_DEST 8
#define MIGRATE_UNDEFINE_SOURCE 16
#define MIGRATE_OFFLINE 1024

typedef struct {
    gvRemoteDomain dom;
    gint stop;
    GThread *thread;
} gvShProgress;

/* Polls the source's job info and draws "Migration: [ 42 %]" */
static gpointer
gvShProgressThread(gpointer opaque)
{
    gvShProgress *p = opaque;
    g_autoptr(gvShConn) conn = gvShConnect();

    while (conn && !g_atomic_int_get(&p->stop)) {
        g_autoptr(GByteArray) args = g_byte_array_new();
        g_autoptr(GError) error = NULL;
        GByteArray *reply = NULL;

        gvRemoteDomainEncode(args, p->dom.name, p->dom.uuid, p->dom.id);
        if (gvShCall(conn, GV_PROC_DOMAIN_GET_JOB_INFO, args, &reply, &error) == 0) {
            gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);
            gint32 type;
            guint64 elapsed;
            guint64 remaining;
            guint64 total;
            guint64 done;

            if (gvXdrDecodeI32(&d, &type) && gvXdrDecodeU64(&d, &elapsed) &&
                gvXdrDecodeU64(&d, &remaining) && gvXdrDecodeU64(&d, &total) &&
                gvXdrDecodeU64(&d, &done) && type == 2 && total > 0)
                fprintf(stderr, "\rMigration: [%3d %%]", (int)(MIN(done, total) * 100 / total));
            gvXdrBufferFree(reply);
        }
        g_usleep(100000);
    }
    return NULL;
}

/* Opens the destination (the same way as -c) */
static gvShConn *
gvShConnectTo(const char *uri)
{
    g_autofree char *saved = gvShCtl.uri;
    gvShConn *conn;

    gvShCtl.uri = g_strdup(uri);
    conn = gvShConnect();
    g_free(gvShCtl.uri);
    gvShCtl.uri = g_steal_pointer(&saved);
    return conn;
}

static int
gvShDecodeCookieAndString(GByteArray *reply, char **str, bool optional)
{
    gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);
    g_autofree guint8 *cookie = NULL;
    size_t len;
    bool ok;

    ok = gvXdrDecodeOpaque(&d, GV_REMOTE_MIGRATE_COOKIE_MAX, &cookie, &len) &&
         (optional ? gvXdrDecodeOptString(&d, GV_NET_MESSAGE_STRING_MAX, str)
                   : gvXdrDecodeString(&d, GV_NET_MESSAGE_STRING_MAX, str));
    gvXdrBufferFree(reply);
    return ok ? 0 : -1;
}

/* The managed sequence: Begin (src), Prepare (dst), Perform (src), Finish (dst), Confirm (src) */
static int
gvShMigrateManaged(gvShConn *src, gvShConn *dst, const gvRemoteDomain *dom, const char *migrateUri,
                   guint32 flags, GError **error)
{
    g_autoptr(GPtrArray) params = gvTypedParamsNew();
    g_autoptr(GError) performErr = NULL;
    g_autoptr(GError) finishErr = NULL;
    g_autofree char *uri = NULL;
    char *xml = NULL;
    GByteArray *reply = NULL;
    int rc;

    {
        g_autoptr(GByteArray) args = g_byte_array_new();

        gvRemoteDomainEncode(args, dom->name, dom->uuid, dom->id);
        gvTypedParamsEncode(args, NULL);
        gvXdrEncodeU32(args, flags);
        if (gvShCall(src, GV_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS, args, &reply, error) < 0 ||
            gvShDecodeCookieAndString(reply, &xml, false) < 0)
            return -1;
    }
    gvTypedParamsAddString(params, "destination_xml", xml);
    gvSecretFree(xml);
    if (migrateUri)
        gvTypedParamsAddString(params, "migrate_uri", migrateUri);
    {
        g_autoptr(GByteArray) args = g_byte_array_new();

        gvTypedParamsEncode(args, params);
        gvXdrEncodeOpaque(args, "", 0);
        gvXdrEncodeU32(args, flags);
        rc = gvShCall(dst, GV_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS, args, &reply, error);
        explicit_bzero(args->data, args->len);
        if (rc < 0 || gvShDecodeCookieAndString(reply, &uri, true) < 0) {
            g_autoptr(GByteArray) cargs = g_byte_array_new();
            g_autoptr(GError) local = NULL;

            /* the source goes on */
            gvRemoteDomainEncode(cargs, dom->name, dom->uuid, dom->id);
            gvTypedParamsEncode(cargs, params);
            gvXdrEncodeOpaque(cargs, "", 0);
            gvXdrEncodeU32(cargs, flags);
            gvXdrEncodeI32(cargs, 1);
            (void)gvShCall(src, GV_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS, cargs, NULL, &local);
            return -1;
        }
    }
    if (uri && !(flags & MIGRATE_OFFLINE))
        gvTypedParamsAddString(params, "migrate_uri", uri);
    if (!(flags & MIGRATE_OFFLINE)) {
        g_autoptr(GByteArray) args = g_byte_array_new();

        gvRemoteDomainEncode(args, dom->name, dom->uuid, dom->id);
        gvXdrEncodeOptString(args, NULL);
        gvTypedParamsEncode(args, params);
        gvXdrEncodeOpaque(args, "", 0);
        gvXdrEncodeU32(args, flags);
        if (gvShCall(src, GV_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS, args, &reply, &performErr) == 0)
            gvXdrBufferFree(reply);
        explicit_bzero(args->data, args->len);
    }
    gvTypedParamsAddString(params, "destination_name", dom->name);
    {
        g_autoptr(GByteArray) args = g_byte_array_new();

        gvTypedParamsEncode(args, params);
        gvXdrEncodeOpaque(args, "", 0);
        gvXdrEncodeU32(args, flags);
        gvXdrEncodeI32(args, performErr ? 1 : 0);
        if (gvShCall(dst, GV_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS, args, &reply, &finishErr) == 0)
            gvXdrBufferFree(reply);
        explicit_bzero(args->data, args->len);
    }
    if (performErr) {
        /* no Confirm after a failed Perform: the source resumed by itself */
        g_propagate_error(error, g_steal_pointer(&performErr));
        return -1;
    }
    {
        g_autoptr(GByteArray) args = g_byte_array_new();

        gvRemoteDomainEncode(args, dom->name, dom->uuid, dom->id);
        gvTypedParamsEncode(args, params);
        gvXdrEncodeOpaque(args, "", 0);
        gvXdrEncodeU32(args, flags);
        gvXdrEncodeI32(args, finishErr ? 1 : 0);
        rc = gvShCall(src, GV_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS, args, NULL, error);
        explicit_bzero(args->data, args->len);
    }
    if (finishErr) {
        g_clear_error(error);
        g_propagate_error(error, g_steal_pointer(&finishErr));
        return -1;
    }
    return rc;
}

static bool
gvShCmdMigrate(const gvShCmdCall *call)
{
    const char *name = gvShCmdGetString(call, "domain");
    const char *desturi = gvShCmdGetString(call, "desturi");
    const char *migrateUri = gvShCmdGetString(call, "migrateuri");
    g_autoptr(gvShConn) src = gvShConnect();
    g_autoptr(gvShConn) dst = NULL;
    g_autoptr(GError) error = NULL;
    gvShProgress progress = { 0 };
    guint32 flags = 0;
    int rc;

    if (gvShCmdGetBool(call, "live"))
        flags |= MIGRATE_LIVE;
    if (gvShCmdGetBool(call, "p2p"))
        flags |= MIGRATE_PEER2PEER;
    if (gvShCmdGetBool(call, "persistent"))
        flags |= MIGRATE_PERSIST_DEST;
    if (gvShCmdGetBool(call, "undefinesource"))
        flags |= MIGRATE_UNDEFINE_SOURCE;
    if (gvShCmdGetBool(call, "offline"))
        flags |= MIGRATE_OFFLINE;
    if (!src || !gvShLookupDomain(src, name, true, &progress.dom))
        return false;
    if (!(flags & MIGRATE_OFFLINE))
        progress.thread = g_thread_new("progress", gvShProgressThread, &progress);

    if (flags & MIGRATE_PEER2PEER) {
        g_autoptr(GByteArray) args = g_byte_array_new();
        g_autoptr(GPtrArray) params = gvTypedParamsNew();
        GByteArray *reply = NULL;

        if (migrateUri)
            gvTypedParamsAddString(params, "migrate_uri", migrateUri);
        gvRemoteDomainEncode(args, progress.dom.name, progress.dom.uuid, progress.dom.id);
        gvXdrEncodeOptString(args, desturi);
        gvTypedParamsEncode(args, params);
        gvXdrEncodeOpaque(args, "", 0);
        gvXdrEncodeU32(args, flags);
        rc = gvShCall(src, GV_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS, args, &reply, &error);
        if (rc == 0)
            gvXdrBufferFree(reply);
    } else if (!(dst = gvShConnectTo(desturi))) {
        rc = -1;
    } else {
        rc = gvShMigrateManaged(src, dst, &progress.dom, migrateUri, flags, &error);
    }
    if (progress.thread) {
        g_atomic_int_set(&progress.stop, 1);
        g_thread_join(progress.thread);
        if (rc == 0)
            fprintf(stderr, "\rMigration: [100 %%]\n");
        else
            fputc('\n', stderr);
    }
    gvRemoteDomainClear(&progress.dom);
    if (rc < 0 && error)
        gvShReportError(error);
    return rc == 0;
}

static const gvShOpt gvShOptsMigrate[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "desturi", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "connection URI of the destination host" },
    { "migrateuri", GV_SH_OPT_DATA, 0, "migration URI (tcp:HOST[:PORT]), usually omitted" },
    { "live", GV_SH_OPT_BOOL, 0, "live migration" },
    { "p2p", GV_SH_OPT_BOOL, 0, "peer-2-peer migration" },
    { "persistent", GV_SH_OPT_BOOL, 0, "persist VM on destination" },
    { "undefinesource", GV_SH_OPT_BOOL, 0, "undefine VM on source" },
    { "offline", GV_SH_OPT_BOOL, 0, "offline migration (the definition only)" },
    { "verbose", GV_SH_OPT_BOOL, 0, "display the progress of migration (always shown)" },
    { NULL, 0, 0, NULL }
};

const gvShCmd gvShMigrateCmds[] = {
    { "migrate", "migrate domain to another host",
      "Migrate domain to another host; the genid GUID goes with it.", gvShOptsMigrate,
      gvShCmdMigrate },
    { NULL, NULL, NULL, NULL, NULL }
};
