/*
 * genvirsh-host.c: connection and host commands (uri, version, hostname)
 */
#include <gvconfig.h>

#include <stdio.h>

#include "genvirsh.h"
#include "gverror.h"
#include "gvxdr.h"

static bool
gvShCallString(gvShConn *conn, gint32 proc, char **out, GError **error)
{
    GByteArray *reply = NULL;
    bool ok;

    if (gvShCall(conn, proc, NULL, &reply, error) < 0)
        return false;
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        ok = gvXdrDecodeString(&d, GV_NET_MESSAGE_STRING_MAX, out);
    }
    gvXdrBufferFree(reply);
    return ok;
}

static bool
gvShCallU64(gvShConn *conn, gint32 proc, guint64 *out, GError **error)
{
    GByteArray *reply = NULL;
    bool ok;

    if (gvShCall(conn, proc, NULL, &reply, error) < 0)
        return false;
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        ok = gvXdrDecodeU64(&d, out);
    }
    gvXdrBufferFree(reply);
    return ok;
}

static bool
gvShCmdURI(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();

    if (!conn)
        return false;
    printf("%s\n", conn->uri);
    return true;
}

static bool
gvShCmdHostname(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GError) error = NULL;
    g_autofree char *host = NULL;

    if (!conn)
        return false;
    if (!gvShCallString(conn, GV_PROC_CONNECT_GET_HOSTNAME, &host, &error)) {
        fprintf(stderr, "error: failed to get hostname\n");
        gvShReportError(error);
        return false;
    }
    printf("%s\n", host);
    return true;
}

static void
gvShPrintVersion(const char *what, const char *name, guint64 v)
{
    printf("%s %s %u.%u.%u\n", what, name, (unsigned)(v / 1000000), (unsigned)(v / 1000 % 1000),
           (unsigned)(v % 1000));
}

static bool
gvShCmdVersion(const gvShCmdCall *call)
{
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GError) error = NULL;
    g_autofree char *type = NULL;
    guint64 hv = 0;
    guint64 lib = 0;

    if (!conn)
        return false;
    printf("Compiled against library: genvirt %s\n", GV_VERSION);
    printf("Using library: genvirt %s\n", GV_VERSION);
    if (!gvShCallString(conn, GV_PROC_CONNECT_GET_TYPE, &type, &error)) {
        fprintf(stderr, "error: failed to get hypervisor type\n");
        gvShReportError(error);
        return false;
    }
    printf("Using API: %s %s\n", type, GV_VERSION);
    if (!gvShCallU64(conn, GV_PROC_CONNECT_GET_VERSION, &hv, &error)) {
        fprintf(stderr, "error: failed to get the hypervisor version\n");
        gvShReportError(error);
        return false;
    }
    gvShPrintVersion("Running hypervisor:", type, hv);
    if (gvShCmdGetBool(call, "daemon") &&
        gvShCallU64(conn, GV_PROC_CONNECT_GET_LIB_VERSION, &lib, &error))
        printf("Running against daemon: %u.%u.%u\n", (unsigned)(lib / 1000000),
               (unsigned)(lib / 1000 % 1000), (unsigned)(lib % 1000));
    return true;
}

static const gvShOpt gvShOptsVersion[] = {
    { "daemon", GV_SH_OPT_BOOL, 0, "report daemon version too" }, { NULL, 0, 0, NULL }
};

const gvShCmd gvShHostCmds[] = { { "uri", "print the hypervisor canonical URI",
                                   "Prints the hypervisor canonical URI.", NULL, gvShCmdURI },
                                 { "version", "show version",
                                   "Display the system version information.", gvShOptsVersion,
                                   gvShCmdVersion },
                                 { "hostname", "print the hypervisor hostname",
                                   "Print the hypervisor hostname.", NULL, gvShCmdHostname },
                                 { NULL, NULL, NULL, NULL, NULL } };
