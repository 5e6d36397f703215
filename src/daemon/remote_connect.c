/*
 * remote_connect.c: the connection and host procedures
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "remote_procs-gen.h"

/*
 * The libvirt version genvirtd claims: 9.0.0, what Debian 12's clients
 * (virsh, python3-libvirt, virt-manager 4.1) speak, so their version
 * checks pass (virtinst's support checks compare against it for remote
 * URIs); genvirt's own version is genvirsh's business (README).
 */
#define GV_LIB_VERSION 9000000

/* virDrvFeature numbers asked through CONNECT_SUPPORTS_FEATURE */
typedef enum {
    GV_FEATURE_MIGRATION_P2P = 4,
    GV_FEATURE_MIGRATION_V3 = 6,
    GV_FEATURE_MIGRATE_CHANGE_PROTECTION = 7,
    GV_FEATURE_FD_PASSING = 8,
    GV_FEATURE_TYPED_PARAM_STRING = 9,
    GV_FEATURE_PROGRAM_KEEPALIVE = 10,
    GV_FEATURE_XML_MIGRATABLE = 11,
    GV_FEATURE_MIGRATION_OFFLINE = 12,
    GV_FEATURE_MIGRATION_PARAMS = 13,
    GV_FEATURE_REMOTE_EVENT_CALLBACK = 14,
    GV_FEATURE_REMOTE_CLOSE_CALLBACK = 15,
} gvRemoteFeature;

int
gvProcAuthList(gvCall *call, const gvRpcVoid *args, gvAuthListRet *ret, GError **error)
{
    gvXdrArrayAlloc(&ret->types, 1, sizeof(gint32));
    ((gint32 *)ret->types.v)[0] = 0; /* REMOTE_AUTH_NONE */
    return 0;
}

int
gvProcConnectSupportsFeature(gvCall *call, const gvIntArgs *args, gvIntRet *ret, GError **error)
{
    switch ((gvRemoteFeature)args->num) {
    case GV_FEATURE_PROGRAM_KEEPALIVE:
        /* PINGs are answered at any time; ours start now, as libvirtd's do */
        gvNetServerClientStartKeepAlive(call->client);
        ret->num = 1;
        return 0;
    case GV_FEATURE_FD_PASSING:
        /* SCM_RIGHTS: UNIX sockets only */
        ret->num = gvNetServerClientGetTransport(call->client) == GV_NET_SERVER_TRANSPORT_UNIX;
        return 0;
    case GV_FEATURE_REMOTE_EVENT_CALLBACK:
    case GV_FEATURE_REMOTE_CLOSE_CALLBACK:
    case GV_FEATURE_MIGRATION_P2P:
    case GV_FEATURE_MIGRATION_V3:
    case GV_FEATURE_MIGRATE_CHANGE_PROTECTION:
    case GV_FEATURE_TYPED_PARAM_STRING:
    case GV_FEATURE_XML_MIGRATABLE:
    case GV_FEATURE_MIGRATION_OFFLINE:
    case GV_FEATURE_MIGRATION_PARAMS:
        ret->num = 1;
        return 0;
    }
    ret->num = 0; /* unknown features are 0, never an error */
    return 0;
}

int
gvProcConnectOpen(gvCall *call, const gvConnectOpenArgs *args, gvRpcVoid *ret, GError **error)
{
    const char *name = args->name;

    if (name && *name && !g_str_equal(name, "qemu:///system") &&
        !g_str_equal(name, "genvirt:///system")) {
        gvReportError(error, GV_ERR_NO_CONNECT, "no connection driver available for %s", name);
        return -1;
    }
    g_mutex_lock(&call->priv->lock);
    call->priv->opened = true;
    if (args->flags & 1 /* VIR_CONNECT_RO */)
        call->priv->readonly = true;
    g_free(call->priv->uri);
    call->priv->uri = g_strdup(name && *name ? name : "qemu:///system");
    g_mutex_unlock(&call->priv->lock);
    return 0;
}

int
gvProcConnectClose(gvCall *call, const gvRpcVoid *args, gvRpcVoid *ret, GError **error)
{
    g_mutex_lock(&call->priv->lock);
    call->priv->opened = false;
    g_mutex_unlock(&call->priv->lock);
    return 0;
}

int
gvProcConnectGetType(gvCall *call, const gvRpcVoid *args, gvStringRet *ret, GError **error)
{
    ret->str = g_strdup("QEMU");
    return 0;
}

int
gvProcConnectGetVersion(gvCall *call, const gvRpcVoid *args, gvUHyperRet *ret, GError **error)
{
    const gvQemuCaps *caps =
        gvDriverGetCaps(call->daemon->drv, "/usr/bin/qemu-system-x86_64", error);

    if (!caps)
        return -1;
    ret->num = caps->version;
    return 0;
}

int
gvProcConnectGetLibVersion(gvCall *call, const gvRpcVoid *args, gvUHyperRet *ret, GError **error)
{
    ret->num = GV_LIB_VERSION;
    return 0;
}

int
gvProcConnectGetHostname(gvCall *call, const gvRpcVoid *args, gvStringRet *ret, GError **error)
{
    ret->str = g_strdup(g_get_host_name());
    return 0;
}

int
gvProcConnectGetURI(gvCall *call, const gvRpcVoid *args, gvStringRet *ret, GError **error)
{
    g_mutex_lock(&call->priv->lock);
    ret->str = g_strdup(call->priv->uri ? call->priv->uri : "qemu:///system");
    g_mutex_unlock(&call->priv->lock);
    return 0;
}

int
gvProcNodeGetSecurityModel(gvCall *call, const gvRpcVoid *args, gvSecurityModelRet *ret,
                           GError **error)
{
    /* no security driver: an empty model makes virsh skip the security lines */
    return 0;
}
