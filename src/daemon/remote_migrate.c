/*
 * remote_migrate.c: migration procedures (v3 with and without typed
 * parameters) and job information; the peer-to-peer driver that calls the
 * destination itself is remote_migration.c
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "gvrpcprotocol.h"
#include "gvxml.h"
#include "qemu_migration.h"
#include "remote_migration.h"
#include "remote_procs-gen.h"

#define GV_MIGRATE_PEER2PEER (1 << 1)

/* This daemon's read-write socket, as a URI a source on this host can open */
static char *
gvMigratePeerURI(gvDriver *drv)
{
    g_autofree char *sock = g_build_filename(drv->runDir, "genvirt-sock", NULL);

    return g_strdup_printf("genvirt+unix:///system?socket=%s", sock);
}

/*
 * A cookie libvirt's peers accept: XML with a trailing NUL.  A destination's
 * (Prepare) also names its daemon (<genvirt-peer>), which a source restarted
 * after the stream completed asks whether it runs the guest; libvirt's peers
 * ignore the element.
 */
static void
gvSetCookieFull(gvXdrOpaque *out, gvDomainObj *obj, const char *peer)
{
    g_autofree char *cookie = NULL;
    g_autofree char *peerElem = NULL;
    char uuidstr[GV_UUID_STRING_BUFLEN];

    if (peer)
        peerElem = g_markup_printf_escaped("  <genvirt-peer>%s</genvirt-peer>\n", peer);
    gvDomainObjLock(obj);
    cookie = g_markup_printf_escaped("<qemu-migration>\n  <name>%s</name>\n  <uuid>%s</uuid>\n"
                                     "  <hostname>%s</hostname>\n",
                                     obj->def->name, gvUUIDFormat(obj->def->uuid, uuidstr),
                                     g_get_host_name());
    gvDomainObjUnlock(obj);
    {
        g_autofree char *all =
            g_strconcat(cookie, peerElem ? peerElem : "", "</qemu-migration>\n", NULL);

        gvXdrOpaqueSet(out, all, strlen(all) + 1);
    }
}

static void
gvSetCookie(gvXdrOpaque *out, gvDomainObj *obj)
{
    gvSetCookieFull(out, obj, NULL);
}

/*
 * The destination daemon named in a Prepare cookie the client passed to
 * Perform, when a source on this host can reach it: the same host name,
 * and a socket that is not this daemon's own.  NULL otherwise.
 */
static char *
gvMigrateCookiePeer(gvDriver *drv, const gvXdrOpaque *cookie)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree char *peer = NULL;
    g_autofree char *host = NULL;
    g_autofree char *mine = gvMigratePeerURI(drv);
    xmlNodePtr root;
    xmlNodePtr n;

    if (!cookie->data || cookie->len == 0 || cookie->len > GV_REMOTE_MIGRATE_COOKIE_MAX)
        return NULL;
    if (!(doc = gvXMLParseString((const char *)cookie->data,
                                 (gssize)strnlen((const char *)cookie->data, cookie->len),
                                 "migration cookie", NULL)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if ((n = gvXMLNodeGetChild(root, "hostname")))
        host = gvXMLNodeContent(n, true);
    if ((n = gvXMLNodeGetChild(root, "genvirt-peer")))
        peer = gvXMLNodeContent(n, true);
    if (!peer || !host || !g_str_equal(host, g_get_host_name()) || g_str_equal(peer, mine) ||
        !g_str_has_prefix(peer, "genvirt+unix:///system?socket="))
        return NULL;
    return g_steal_pointer(&peer);
}

/* An incoming migration a connection prepared: which domain, and which run of it */
typedef struct {
    char *name;
    int id; /* the domain ID of the QEMU that waits for the stream */
} gvMigratePreparedEntry;

static void
gvMigratePreparedEntryFree(gpointer p)
{
    gvMigratePreparedEntry *e = p;

    g_free(e->name);
    g_free(e);
}

GPtrArray *
gvMigratePreparedNew(void)
{
    return g_ptr_array_new_with_free_func(gvMigratePreparedEntryFree);
}

/* This connection prepared @obj's incoming migration: cancelled if it closes first */
static void
gvMigratePrepared(gvCall *call, gvDomainObj *obj)
{
    gvMigratePreparedEntry *e = g_new0(gvMigratePreparedEntry, 1);

    gvDomainObjLock(obj);
    e->name = g_strdup(obj->def->name);
    e->id = obj->def->id;
    gvDomainObjUnlock(obj);
    g_mutex_lock(&call->priv->lock);
    g_ptr_array_add(call->priv->prepared, e);
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
        gvMigratePreparedEntry *e = g_ptr_array_index(call->priv->prepared, i);

        if (g_str_equal(e->name, name)) {
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
    g_autoptr(GPtrArray) entries = NULL;
    guint i;

    if (!priv)
        return;
    g_mutex_lock(&priv->lock);
    entries = g_steal_pointer(&priv->prepared);
    priv->prepared = gvMigratePreparedNew();
    g_mutex_unlock(&priv->lock);
    for (i = 0; i < entries->len; i++) {
        gvMigratePreparedEntry *e = g_ptr_array_index(entries, i);

        gvQemuMigrationAbortIncoming(daemon->drv, e->name, e->id);
    }
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
    {
        g_autofree char *peer = gvMigratePeerURI(call->daemon->drv);

        gvSetCookieFull(&ret->cookieOut, obj, peer);
    }
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
    {
        g_autofree char *peer = gvMigrateCookiePeer(call->daemon->drv, &args->cookieIn);

        if (gvQemuMigrationPerform(call->daemon->drv, obj,
                                   gvTypedParamsGetString(args->params, "migrate_uri"), peer,
                                   args->flags, NULL, NULL, error) < 0)
            return -1;
    }
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
    {
        g_autofree char *peer = gvMigratePeerURI(call->daemon->drv);

        gvSetCookieFull(&ret->cookieOut, obj, peer);
    }
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
    {
        g_autofree char *peer = gvMigrateCookiePeer(call->daemon->drv, &args->cookieIn);

        if (gvQemuMigrationPerform(call->daemon->drv, obj, args->uri, peer,
                                   (unsigned int)args->flags, NULL, NULL, error) < 0)
            return -1;
    }
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
    gvQemuJobInfo info;

    if (!obj || gvQemuMigrationJobInfo(obj, &info, error) < 0)
        return -1;
    ret->type = info.type;
    ret->timeElapsed = info.elapsedMs;
    ret->dataTotal = info.total;
    ret->dataProcessed = info.processed;
    ret->dataRemaining = info.total - info.processed;
    ret->memTotal = ret->dataTotal;
    ret->memProcessed = ret->dataProcessed;
    ret->memRemaining = ret->dataRemaining;
    return 0;
}

static void
gvJobStatsAdd(GPtrArray *params, const char *field, gvTypedParamType type, gint64 value)
{
    gvTypedParam *p = g_new0(gvTypedParam, 1);

    p->field = g_strdup(field);
    p->type = type;
    p->i = value;
    g_ptr_array_add(params, p);
}

/* virDomainGetJobStatsFlags */
#define GV_DOMAIN_JOB_STATS_COMPLETED (1 << 0)
#define GV_DOMAIN_JOB_STATS_KEEP_COMPLETED (1 << 1)

int
gvProcDomainGetJobStats(gvCall *call, const gvDomainFlagsArgs *args, gvDomainGetJobStatsRet *ret,
                        GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    gvQemuJobInfo info;

    if (!obj || gvCallCheckFlags(call, args->flags,
                                 GV_DOMAIN_JOB_STATS_COMPLETED | GV_DOMAIN_JOB_STATS_KEEP_COMPLETED,
                                 error) < 0)
        return -1;
    ret->params = gvTypedParamsNew();
    /* genvirt keeps no statistics of finished jobs */
    if (args->flags & GV_DOMAIN_JOB_STATS_COMPLETED) {
        ret->type = GV_QEMU_JOB_NONE;
        return 0;
    }
    if (gvQemuMigrationJobInfo(obj, &info, error) < 0)
        return -1;
    ret->type = info.type;
    if (info.type == GV_QEMU_JOB_NONE)
        return 0;
    gvJobStatsAdd(ret->params, "operation", GV_TYPED_PARAM_INT, info.operation);
    gvJobStatsAdd(ret->params, "time_elapsed", GV_TYPED_PARAM_ULLONG, (gint64)info.elapsedMs);
    gvJobStatsAdd(ret->params, "data_total", GV_TYPED_PARAM_ULLONG, (gint64)info.total);
    gvJobStatsAdd(ret->params, "data_processed", GV_TYPED_PARAM_ULLONG, (gint64)info.processed);
    gvJobStatsAdd(ret->params, "data_remaining", GV_TYPED_PARAM_ULLONG,
                  (gint64)(info.total - info.processed));
    gvJobStatsAdd(ret->params, "memory_total", GV_TYPED_PARAM_ULLONG, (gint64)info.total);
    gvJobStatsAdd(ret->params, "memory_processed", GV_TYPED_PARAM_ULLONG, (gint64)info.processed);
    gvJobStatsAdd(ret->params, "memory_remaining", GV_TYPED_PARAM_ULLONG,
                  (gint64)(info.total - info.processed));
    return 0;
}

int
gvProcDomainAbortJob(gvCall *call, const gvDomainArgs *args, gvRpcVoid *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    return obj ? gvQemuMigrationAbortJob(obj, error) : -1;
}
