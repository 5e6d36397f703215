/*
 * genvirsh-connect.c: URIs, the connect handshake, domain lookups
 *
 * genvirt:///system                      RUNDIR/genvirt-sock (-r: genvirt-sock-ro)
 * genvirt+unix:///system?socket=PATH     PATH (also qemu+unix://...)
 * genvirt+tls://HOST[:PORT]/system       TLS, libvirt's client certificates
 *                                        or ?pkipath=DIR, ?no_verify=1
 * genvirt+tcp://HOST[:PORT]/system       plain TCP
 * genvirt+ssh://[USER@]HOST/system       ssh running `nc -U SOCKET` there
 * no -c: $GENVIRT_DEFAULT_URI, else genvirt:///system
 */
#include <gvconfig.h>

#include <stdio.h>
#include <string.h>

#include "genvirsh.h"
#include "gverror.h"
#include "gvxdr.h"

#define GV_SH_DEFAULT_URI "genvirt:///system"
#define GV_SH_SYSTEM_SOCKET "/run/genvirt/genvirt-sock"

int
gvShCall(gvShConn *conn, gint32 proc, const GByteArray *args, GByteArray **reply, GError **error)
{
    GByteArray *tmp = NULL;
    int rc = gvNetClientCall(conn->client, GV_PROGRAM_REMOTE, proc, args, &tmp, error);

    if (rc < 0)
        return -1;
    if (reply)
        *reply = tmp;
    else
        gvXdrBufferFree(tmp);
    return 0;
}

gvShConn *
gvShConnect(void)
{
    g_autoptr(gvShConn) conn = g_new0(gvShConn, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(GByteArray) args = g_byte_array_new();
    const char *env = g_getenv("GENVIRT_DEFAULT_URI");

    g_autoptr(gvNetURI) u = NULL;
    gvNetClientOpenOpts opts = { gvShCtl.readonly ? GV_SH_SYSTEM_SOCKET "-ro" : GV_SH_SYSTEM_SOCKET,
                                 NULL };

    conn->uri = g_strdup(gvShCtl.uri ? gvShCtl.uri : (env && *env ? env : GV_SH_DEFAULT_URI));
    if (!(u = gvNetURIParse(conn->uri, &error)) ||
        !(conn->client = gvNetClientOpen(u, &opts, &error)) ||
        gvShCall(conn, GV_PROC_AUTH_LIST, NULL, NULL, &error) < 0)
        goto error;
    gvXdrEncodeOptString(args, "genvirt:///system");
    gvXdrEncodeU32(args, gvShCtl.readonly ? 1 : 0); /* VIR_CONNECT_RO */
    if (gvShCall(conn, GV_PROC_CONNECT_OPEN, args, NULL, &error) < 0)
        goto error;
    return g_steal_pointer(&conn);

error:
    fprintf(stderr, "error: failed to connect to the hypervisor\n");
    gvShReportError(error);
    return NULL;
}

void
gvShDisconnect(gvShConn *conn)
{
    if (!conn)
        return;
    if (conn->client) {
        g_autoptr(GError) error = NULL;

        (void)gvShCall(conn, GV_PROC_CONNECT_CLOSE, NULL, NULL, &error);
        gvNetClientFree(conn->client);
    }
    g_free(conn->uri);
    g_free(conn);
}

static bool
gvShLookupCall(gvShConn *conn, gint32 proc, const GByteArray *args, gvRemoteDomain *dom)
{
    g_autoptr(GError) error = NULL;
    GByteArray *reply = NULL;
    bool ok;

    if (gvShCall(conn, proc, args, &reply, &error) < 0)
        return false;
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        ok = gvRemoteDomainDecode(&d, dom);
    }
    gvXdrBufferFree(reply);
    return ok;
}

bool
gvShLookupDomain(gvShConn *conn, const char *name, bool byID, gvRemoteDomain *dom)
{
    unsigned char uuid[GV_UUID_BUFLEN];
    guint64 id;

    if (byID && g_ascii_string_to_unsigned(name, 10, 0, G_MAXINT32, &id, NULL)) {
        g_autoptr(GByteArray) args = g_byte_array_new();

        gvXdrEncodeI32(args, (gint32)id);
        if (gvShLookupCall(conn, GV_PROC_DOMAIN_LOOKUP_BY_ID, args, dom))
            return true;
    }
    if (strlen(name) == 36 && gvUUIDParse(name, uuid)) {
        g_autoptr(GByteArray) args = g_byte_array_new();

        gvXdrEncodeOpaqueFixed(args, uuid, sizeof(uuid));
        if (gvShLookupCall(conn, GV_PROC_DOMAIN_LOOKUP_BY_UUID, args, dom))
            return true;
    }
    {
        g_autoptr(GByteArray) args = g_byte_array_new();

        gvXdrEncodeString(args, name);
        if (gvShLookupCall(conn, GV_PROC_DOMAIN_LOOKUP_BY_NAME, args, dom))
            return true;
    }
    /* like virsh, the server's message is not shown for lookups */
    fprintf(stderr, "error: failed to get domain '%s'\n", name);
    return false;
}
