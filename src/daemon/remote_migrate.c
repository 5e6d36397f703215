/*
 * remote_migrate.c: migration procedures (v3 with and without typed
 * parameters) and job information; the peer-to-peer driver that calls the
 * destination itself is remote_migration.c
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "gvrpcprotocol.h"
#include "qemu_migration.h"
#include "remote_migration.h"
#include "remote_procs-gen.h"

#define GV_MIGRATE_PEER2PEER (1 << 1)

/* A cookie libvirt's peers accept: XML with a trailing NUL.  Ours carry no state. */
static void
gvSetCookie(gvXdrOpaque *out, gvDomainObj *obj)
{
    g_autofree char *cookie = NULL;
    char uuidstr[GV_UUID_STRING_BUFLEN];

    gvDomainObjLock(obj);
    cookie = g_markup_printf_escaped("<qemu-migration>\n  <name>%s</name>\n  <uuid>%s</uuid>\n"
                                     "  <hostname>%s</hostname>\n</qemu-migration>\n",
                                     obj->def->name, gvUUIDFormat(obj->def->uuid, uuidstr),
                                     g_get_host_name());
    gvDomainObjUnlock(obj);
    gvXdrOpaqueSet(out, cookie, strlen(cookie) + 1);
}

/* This connection prepared @obj's incoming migration: cancelled if it closes first */
static void
gvMigratePrepared(gvCall *call, gvDomainObj *obj)
{
    g_autofree char *name = NULL;

    gvDomainObjLock(obj);
    name = g_strdup(obj->def->name);
    gvDomainObjUnlock(obj);
    g_mutex_lock(&call->priv->lock);
    g_ptr_array_add(call->priv->prepared, g_steal_pointer(&name));
    g_mutex_unlock(&call->priv->lock);
}

static void
gvMigrateFinishing(gvCall *call, const char *name)
{
    guint i;

    if (!name)
        return;
    g_mutex_lock(&call->priv->lock);
    for (i = 0; i < call->priv->prepared->len; i++) {
        if (g_str_equal(g_ptr_array_index(call->priv->prepared, i), name)) {
            g_ptr_array_remove_index_fast(call->priv->prepared, i);
            break;
        }
    }
    g_mutex_unlock(&call->priv->lock);
}

void
gvMigrateClientClosed(gvNetServerClient *client, gpointer opaque)
{
    gvDaemon *daemon = opaque;
    gvDispatchClient *priv = gvNetServerClientGetPriv(client);
    g_autoptr(GPtrArray) names = NULL;
    guint i;

    if (!priv)
        return;
    g_mutex_lock(&priv->lock);
    names = g_steal_pointer(&priv->prepared);
    priv->prepared = g_ptr_array_new_with_free_func(g_free);
    g_mutex_unlock(&priv->lock);
    for (i = 0; i < names->len; i++)
        gvQemuMigrationAbortIncoming(daemon->drv, g_ptr_array_index(names, i));
}

static int
gvFinishFailed(GError **error)
{
    if (error && !*error)
        gvReportError(error, GV_ERR_OPERATION_FAILED, "migration was cancelled");
    return -1;
}

/* ---- with typed parameters (302-307) -------------------------------------- */

int
gvProcDomainMigrateBegin3Params(gvCall *call, const gvMigrateBegin3ParamsArgs *args,
                                gvMigrateBegin3Ret *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj)
        return -1;
    if (gvTypedParamsGetString(args->params, "destination_xml")) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED,
                      "migration with an alternate destination XML (--xml) is not supported yet");
        return -1;
    }
    if (!(ret->xml = gvQemuMigrationBegin(call->daemon->drv, obj, args->flags, error)))
        return -1;
    gvSetCookie(&ret->cookieOut, obj);
    return 0;
}

int
gvProcDomainMigratePrepare3Params(gvCall *call, const gvMigratePrepare3ParamsArgs *args,
                                  gvMigratePrepare3Ret *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = NULL;

    if (!(obj = gvQemuMigrationPrepare(call->daemon->drv,
                                       gvTypedParamsGetString(args->params, "destination_xml"),
                                       gvTypedParamsGetString(args->params, "migrate_uri"),
                                       args->flags, &ret->uriOut, error)))
        return -1;
    gvMigratePrepared(call, obj);
    gvSetCookie(&ret->cookieOut, obj);
    return 0;
}

int
gvProcDomainMigratePerform3Params(gvCall *call, const gvMigratePerform3ParamsArgs *args,
                                  gvCookieRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj)
        return -1;
    if (args->flags & GV_MIGRATE_PEER2PEER) {
        /* this daemon drives the destination itself; the client takes no cookie */
        return gvMigrationPeer2Peer(call->daemon->drv, obj, args->dconnuri, args->params,
                                    args->flags, error);
    }
    if (gvQemuMigrationPerform(call->daemon->drv, obj,
                               gvTypedParamsGetString(args->params, "migrate_uri"), args->flags,
                               NULL, NULL, error) < 0)
        return -1;
    gvSetCookie(&ret->cookieOut, obj);
    return 0;
}

int
gvProcDomainMigrateFinish3Params(gvCall *call, const gvMigrateFinish3ParamsArgs *args,
                                 gvMigrateFinish3Ret *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = NULL;
    const char *name = gvTypedParamsGetString(args->params, "destination_name");

    if (!name) {
        /* libvirt's client names it; a peer may send only the XML */
        g_autoptr(gvDomainDef) def = NULL;
        const char *xml = gvTypedParamsGetString(args->params, "destination_xml");

        if (!xml || !(def = gvDomainDefParseString(xml, GV_DOMAIN_DEF_PARSE_INACTIVE, NULL))) {
            gvReportError(error, GV_ERR_INVALID_ARG,
                          "no destination_name given to finish the migration");
            return -1;
        }
        gvMigrateFinishing(call, def->name);
        obj = gvQemuMigrationFinish(call->daemon->drv, def->name, args->flags, args->cancelled != 0,
                                    error);
    } else {
        gvMigrateFinishing(call, name);
        obj = gvQemuMigrationFinish(call->daemon->drv, name, args->flags, args->cancelled != 0,
                                    error);
    }
    if (!obj)
        return gvFinishFailed(error);
    gvCallSetDomain(&ret->dom, obj);
    gvSetCookie(&ret->cookieOut, obj);
    return 0;
}

int
gvProcDomainMigrateConfirm3Params(gvCall *call, const gvMigrateConfirm3ParamsArgs *args,
                                  gvRpcVoid *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj)
        return -1;
    return gvQemuMigrationConfirm(call->daemon->drv, obj, args->flags, args->cancelled != 0, error);
}

/*
 * ---- without typed parameters (213-218) ------------------------------------
 * What libvirt's older virDomainMigrate() uses.  Flags are 64-bit here.
 */

static int
gvRefuseAlternate(const char *xmlin, const char *dname, GError **error)
{
    if (xmlin || dname) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED,
                      "migration with an alternate XML or name is not supported yet");
        return -1;
    }
    return 0;
}

int
gvProcDomainMigrateBegin3(gvCall *call, const gvMigrateBegin3Args *args, gvMigrateBegin3Ret *ret,
                          GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj || gvRefuseAlternate(args->xmlin, args->dname, error) < 0)
        return -1;
    if (!(ret->xml =
              gvQemuMigrationBegin(call->daemon->drv, obj, (unsigned int)args->flags, error)))
        return -1;
    gvSetCookie(&ret->cookieOut, obj);
    return 0;
}

int
gvProcDomainMigratePrepare3(gvCall *call, const gvMigratePrepare3Args *args,
                            gvMigratePrepare3Ret *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = NULL;

    if (!(obj = gvQemuMigrationPrepare(call->daemon->drv, args->domXML, args->uriIn,
                                       (unsigned int)args->flags, &ret->uriOut, error)))
        return -1;
    gvMigratePrepared(call, obj);
    gvSetCookie(&ret->cookieOut, obj);
    return 0;
}

int
gvProcDomainMigratePerform3(gvCall *call, const gvMigratePerform3Args *args, gvCookieRet *ret,
                            GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj)
        return -1;
    if (args->flags & GV_MIGRATE_PEER2PEER) {
        g_autoptr(GPtrArray) params = gvTypedParamsNew();

        if (args->uri)
            gvTypedParamsAddString(params, "migrate_uri", args->uri);
        return gvMigrationPeer2Peer(call->daemon->drv, obj, args->dconnuri, params,
                                    (unsigned int)args->flags, error);
    }
    if (gvQemuMigrationPerform(call->daemon->drv, obj, args->uri, (unsigned int)args->flags, NULL,
                               NULL, error) < 0)
        return -1;
    gvSetCookie(&ret->cookieOut, obj);
    return 0;
}

int
gvProcDomainMigrateFinish3(gvCall *call, const gvMigrateFinish3Args *args, gvMigrateFinish3Ret *ret,
                           GError **error)
{
    g_autoptr(gvDomainObj) obj = NULL;

    gvMigrateFinishing(call, args->dname);
    obj = gvQemuMigrationFinish(call->daemon->drv, args->dname, (unsigned int)args->flags,
                                args->cancelled != 0, error);
    if (!obj)
        return gvFinishFailed(error);
    gvCallSetDomain(&ret->dom, obj);
    gvSetCookie(&ret->cookieOut, obj);
    return 0;
}

int
gvProcDomainMigrateConfirm3(gvCall *call, const gvMigrateConfirm3Args *args, gvRpcVoid *ret,
                            GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj)
        return -1;
    return gvQemuMigrationConfirm(call->daemon->drv, obj, (unsigned int)args->flags,
                                  args->cancelled != 0, error);
}

/* ---- job information ------------------------------------------------------ */

int
gvProcDomainGetJobInfo(gvCall *call, const gvDomainArgs *args, gvDomainGetJobInfoRet *ret,
                       GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    guint64 total;
    guint64 done;
    int type;

    if (!obj || gvQemuMigrationJobInfo(obj, &type, &ret->timeElapsed, &total, &done, error) < 0)
        return -1;
    ret->type = type;
    ret->dataTotal = total;
    ret->dataProcessed = MIN(done, total);
    ret->dataRemaining = total > done ? total - done : 0;
    ret->memTotal = ret->dataTotal;
    ret->memProcessed = ret->dataProcessed;
    ret->memRemaining = ret->dataRemaining;
    return 0;
}
