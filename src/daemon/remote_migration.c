/*
 * remote_migration.c: peer-to-peer migration
 *
 * For `virsh migrate --p2p`, the client sends one Perform3 to the source;
 * the source runs Begin and Confirm itself and calls Prepare3 and Finish3
 * on the destination, as libvirtd does.
 */
#include <gvconfig.h>

#include <string.h>

#include "gvbuffer.h"
#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvnetclient.h"
#include "gvrpcprotocol.h"
#include "qemu_migration.h"
#include "remote_migration.h"

#define GV_MIGRATE_PEER2PEER_FLAG (1 << 1)
#define GV_MIGRATE_CHANGE_PROTECTION_FLAG (1 << 8)

static int
gvMigrationCall(gvNetClient *client, gint32 proc, GByteArray *args, GByteArray **reply,
                GError **error)
{
    GByteArray *tmp = NULL;

    if (gvNetClientCall(client, GV_PROGRAM_REMOTE, proc, args, &tmp, error) < 0)
        return -1;
    if (reply)
        *reply = tmp;
    else
        gvXdrBufferFree(tmp);
    return 0;
}

/* The destination daemon is there: keepalive over the p2p connection */
static bool
gvMigrationPeerAlive(gpointer opaque)
{
    return gvNetClientKeepAlive(opaque);
}

/*
 * Opens the destination daemon at @dconnuri as libvirt's p2p source does:
 * any transport, TLS with this host's client certificate (libvirt's files
 * under the daemon's root); the destination's default socket is the
 * system's.
 */
static gvNetClient *
gvMigrationConnect(gvDriver *drv, const char *dconnuri, GError **error)
{
    g_autoptr(gvNetURI) u = NULL;
    gvNetClientOpenOpts opts = { "/run/genvirt/genvirt-sock", drv->root };
    gvNetClient *client;

    if (!dconnuri) {
        gvReportError(error, GV_ERR_INVALID_ARG, "no destination URI for a p2p migration");
        return NULL;
    }
    if (!(u = gvNetURIParse(dconnuri, error)))
        return NULL;
    if (!(client = gvNetClientOpen(u, &opts, error)))
        return NULL;
    /* as libvirtd's p2p source: keepalive_interval / keepalive_count */
    gvNetClientSetKeepAlive(client, drv->keepaliveInterval, drv->keepaliveCount);
    return client;
}

/* Opens @uri as a read-write client (libvirt's AUTH_LIST and CONNECT_OPEN) */
static gvNetClient *
gvMigrationOpenPeer(gvDriver *drv, const char *uri, GError **error)
{
    g_autoptr(gvNetClient) client = NULL;
    g_autoptr(GByteArray) args = g_byte_array_new();

    if (!(client = gvMigrationConnect(drv, uri, error)) ||
        gvMigrationCall(client, GV_PROC_AUTH_LIST, NULL, NULL, error) < 0)
        return NULL;
    gvXdrEncodeOptString(args, "qemu:///system");
    gvXdrEncodeU32(args, 0);
    if (gvMigrationCall(client, GV_PROC_CONNECT_OPEN, args, NULL, error) < 0)
        return NULL;
    return g_steal_pointer(&client);
}

/* 1: @client's daemon runs domain @uuid, 0: it does not, 2: not yet known, -1: error */
static int
gvMigrationPeerRuns(gvNetClient *client, const unsigned char *uuid, GError **error)
{
    g_autoptr(GByteArray) args = g_byte_array_new();
    GByteArray *reply = NULL;
    g_autofree char *name = NULL;
    unsigned char got[GV_UUID_BUFLEN];
    gint32 id = -1;
    gint32 state = 0;
    gint32 reason = 0;
    bool ok;

    gvXdrEncodeOpaqueFixed(args, uuid, GV_UUID_BUFLEN);
    if (gvMigrationCall(client, GV_PROC_DOMAIN_LOOKUP_BY_UUID, args, &reply, error) < 0) {
        if (error && *error && (*error)->code == GV_ERR_NO_DOMAIN)
            return 0;
        return -1;
    }
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        ok = gvXdrDecodeString(&d, 1024, &name) &&
             gvXdrDecodeOpaqueFixed(&d, got, GV_UUID_BUFLEN) && gvXdrDecodeI32(&d, &id);
    }
    gvXdrBufferFree(reply);
    if (!ok) {
        gvReportError(error, GV_ERR_RPC, "Unable to decode message payload");
        return -1;
    }
    g_byte_array_set_size(args, 0);
    gvXdrEncodeString(args, name);
    gvXdrEncodeOpaqueFixed(args, got, GV_UUID_BUFLEN);
    gvXdrEncodeI32(args, id);
    gvXdrEncodeU32(args, 0);
    if (gvMigrationCall(client, GV_PROC_DOMAIN_GET_STATE, args, &reply, error) < 0)
        return -1;
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        ok = gvXdrDecodeI32(&d, &state) && gvXdrDecodeI32(&d, &reason);
    }
    gvXdrBufferFree(reply);
    if (!ok) {
        gvReportError(error, GV_ERR_RPC, "Unable to decode message payload");
        return -1;
    }
    if (state == GV_DOMAIN_SHUTOFF || state == GV_DOMAIN_NOSTATE)
        return 0;
    /* still waiting for the stream or for Finish: it ends one way or the other */
    if (state == GV_DOMAIN_PAUSED && reason == GV_DOMAIN_PAUSED_MIGRATION)
        return 2;
    return 1;
}

#define GV_MIGRATION_ASK_PEER_MS (60 * 1000)

int
gvMigrationAskPeer(gvDriver *drv, const char *uri, const unsigned char *uuid)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)GV_MIGRATION_ASK_PEER_MS * 1000;
    g_autofree char *last = NULL;
    char uuidstr[GV_UUID_STRING_BUFLEN];

    gvUUIDFormat(uuid, uuidstr);
    /* the destination daemon may be restarting, or still finishing: ask until it knows */
    while (g_get_monotonic_time() < deadline && !g_atomic_int_get(&drv->shuttingDown)) {
        g_autoptr(GError) error = NULL;
        g_autoptr(gvNetClient) client = gvMigrationOpenPeer(drv, uri, &error);
        int rc = client ? gvMigrationPeerRuns(client, uuid, &error) : -1;

        if (client) {
            g_autoptr(GError) closeErr = NULL;

            (void)gvMigrationCall(client, GV_PROC_CONNECT_CLOSE, NULL, NULL, &closeErr);
        }
        if (rc == 0 || rc == 1) {
            g_message("migration destination %s %s domain %s", uri,
                      rc == 1 ? "runs" : "does not run", uuidstr);
            return rc;
        }
        if (error) {
            g_free(last);
            last = g_strdup(error->message);
        }
        g_usleep(200 * 1000);
    }
    g_warning("migration destination %s cannot tell whether it runs domain %s%s%s", uri, uuidstr,
              last ? ": " : "", last ? last : "");
    return -1;
}

int
gvMigrationPeer2Peer(gvDriver *drv, gvDomainObj *obj, const char *dconnuri, GPtrArray *params,
                     unsigned int flags, GError **error)
{
    unsigned int dflags = flags & ~(GV_MIGRATE_PEER2PEER_FLAG | GV_MIGRATE_CHANGE_PROTECTION_FLAG);
    g_autoptr(gvNetClient) client = NULL;
    g_autoptr(GPtrArray) dparams = gvTypedParamsNew();
    g_autofree char *uri = NULL;
    g_autofree char *name = NULL;
    g_autoptr(GError) performErr = NULL;
    g_autoptr(GError) finishErr = NULL;
    char *xml = NULL;
    int rc;

    gvDomainObjLock(obj);
    name = g_strdup(obj->def->name);
    gvDomainObjUnlock(obj);
    if (!(xml = gvQemuMigrationBegin(drv, obj, dflags, error)))
        return -1;

    /* the destination: connect, Prepare */
    {
        g_autoptr(GByteArray) args = g_byte_array_new();
        GByteArray *reply = NULL;

        if (!(client = gvMigrationOpenPeer(drv, dconnuri, error)))
            goto cancel_begin;
        gvTypedParamsAddString(dparams, "destination_xml", xml);
        if (gvTypedParamsGetString(params, "migrate_uri"))
            gvTypedParamsAddString(dparams, "migrate_uri",
                                   gvTypedParamsGetString(params, "migrate_uri"));
        gvTypedParamsEncode(args, dparams);
        gvXdrEncodeOpaque(args, "", 0);
        gvXdrEncodeU32(args, dflags);
        rc = gvMigrationCall(client, GV_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS, args, &reply, error);
        explicit_bzero(args->data, args->len);
        if (rc < 0)
            goto cancel_begin;
        {
            gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);
            g_autofree guint8 *cookie = NULL;
            size_t len;

            if (!gvXdrDecodeOpaque(&d, GV_REMOTE_MIGRATE_COOKIE_MAX, &cookie, &len) ||
                !gvXdrDecodeOptString(&d, 1024, &uri))
                gvReportError(error, GV_ERR_RPC, "Unable to decode message payload");
        }
        gvXdrBufferFree(reply);
        if (!uri && !(dflags & (1 << 10) /* OFFLINE */)) {
            if (error && !*error)
                gvReportError(error, GV_ERR_INTERNAL_ERROR,
                              "domainMigratePrepare3 did not set uri");
            goto cancel_begin;
        }
    }

    /* the destination has an incoming QEMU waiting */
    GV_CRASH_POINT("migration:src-p2p-prepared");
    /* Perform here; Finish there, cancelled when Perform failed */
    /* the destination daemon going away cancels the transfer at once */
    rc = gvQemuMigrationPerform(drv, obj, uri, dconnuri, dflags, gvMigrationPeerAlive, client,
                                &performErr);
    {
        g_autoptr(GByteArray) args = g_byte_array_new();
        GByteArray *reply = NULL;

        gvTypedParamsAddString(dparams, "destination_name", name);
        gvTypedParamsEncode(args, dparams);
        gvXdrEncodeOpaque(args, "", 0);
        gvXdrEncodeU32(args, dflags);
        gvXdrEncodeI32(args, rc < 0 ? 1 : 0);
        if (gvMigrationCall(client, GV_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS, args, &reply,
                            &finishErr) == 0)
            gvXdrBufferFree(reply);
        explicit_bzero(args->data, args->len);
    }
    /* the destination answered Finish (or failed to) */
    GV_CRASH_POINT("migration:src-p2p-finished");
    gvSecretFree(g_steal_pointer(&xml));
    {
        g_autoptr(GError) closeErr = NULL;

        (void)gvMigrationCall(client, GV_PROC_CONNECT_CLOSE, NULL, NULL, &closeErr);
    }
    /* Confirm here: the source ends, or goes on when anything failed */
    rc = gvQemuMigrationConfirm(drv, obj, dflags, performErr || finishErr, error);
    if (performErr) {
        g_clear_error(error);
        g_propagate_error(error, g_steal_pointer(&performErr));
        return -1;
    }
    if (finishErr) {
        g_clear_error(error);
        g_propagate_error(error, g_steal_pointer(&finishErr));
        return -1;
    }
    return rc;

cancel_begin:
    gvSecretFree(xml);
    {
        g_autoptr(GError) local = NULL;

        (void)gvQemuMigrationConfirm(drv, obj, dflags, true, &local);
    }
    return -1;
}
