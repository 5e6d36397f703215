/*
 * remote_dispatch.c: remote procedures -> driver calls, with access policy
 *
 * Every handler decodes its arguments (bounded by the XDR decoder), calls
 * the driver and encodes its result.  Errors travel as remote_error with
 * libvirt's code and domain numbers.  Read-only connections may only call
 * procedures without GV_PROC_WRITE, and never see the genid value.
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_obj.h"
#include "gvbuffer.h"
#include "gverror.h"
#include "gvrpcprotocol.h"
#include "gvxml.h"
#include "qemu_driver.h"
#include "qemu_process.h"
#include "qemu_migration.h"
#include "qemu_snapshot.h"
#include "remote_migration.h"
#include "remote_dispatch.h"

#define GV_LIB_VERSION 1000 /* genvirt 0.1.0 as major * 1000000 + minor * 1000 + micro */

typedef struct {
    GMutex lock;
    bool opened;
    bool readonly; /* the read-only socket, or CONNECT_OPEN with VIR_CONNECT_RO */
    char *uri;
} gvDispatchClient;

typedef struct {
    gvDaemon *daemon;
    gvNetServerClient *client;
    gvDispatchClient *priv;
    bool readonly;
} gvCall;

typedef int (*gvProcHandler)(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error);

typedef enum {
    GV_PROC_BEFORE_OPEN = 1 << 0, /* allowed before CONNECT_OPEN */
    GV_PROC_WRITE = 1 << 1, /* refused on read-only connections */
    GV_PROC_BLOCKING = 1 << 2, /* may wait (disk, QEMU): runs on a worker */
} gvProcFlags;

typedef struct {
    const char *name;
    gvProcHandler handler;
    unsigned int flags;
    const char *api; /* libvirt's API name, for the read-only refusal */
} gvProc;

gpointer
gvDispatchClientNew(gvNetServerClient *client, gpointer opaque)
{
    gvDispatchClient *priv = g_new0(gvDispatchClient, 1);

    g_mutex_init(&priv->lock);
    priv->readonly = gvNetServerClientIsReadonly(client);
    return priv;
}

void
gvDispatchClientFree(gpointer opaque)
{
    gvDispatchClient *priv = opaque;

    g_free(priv->uri);
    g_mutex_clear(&priv->lock);
    g_free(priv);
}

/* ---- helpers ------------------------------------------------------------ */

static int
gvDecodeFailed(GError **error)
{
    g_set_error_literal(error, GV_ERROR, GV_ERR_RPC, "Unable to decode message payload");
    return -1;
}

static void
gvEncodeDomain(GByteArray *ret, gvDomainObj *obj)
{
    gvDomainObjLock(obj);
    gvRemoteDomainEncode(ret, obj->def->name, obj->def->uuid, obj->def->id);
    gvDomainObjUnlock(obj);
}

/* Decodes a remote_nonnull_domain and looks it up by its uuid */
static gvDomainObj *
gvDecodeDomainObj(gvCall *call, gvXdrDecoder *args, GError **error)
{
    gvRemoteDomain dom = { 0 };
    gvDomainObj *obj;

    if (!gvRemoteDomainDecode(args, &dom)) {
        gvDecodeFailed(error);
        return NULL;
    }
    obj = gvDriverLookupByUUID(call->daemon->drv, dom.uuid, dom.name, error);
    gvRemoteDomainClear(&dom);
    return obj;
}

/* A remote_nonnull_domain, looked up, and the flags that follow it */
static gvDomainObj *
gvDecodeDomainFlags(gvCall *call, gvXdrDecoder *args, guint32 *flags, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return NULL;
    if (!gvXdrDecodeU32(args, flags)) {
        gvDecodeFailed(error);
        return NULL;
    }
    return g_steal_pointer(&obj);
}

static int
gvCheckFlags(unsigned int flags, unsigned int known, const char *func, GError **error)
{
    if (flags & ~known) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~known, func);
        return -1;
    }
    return 0;
}

/* ---- connection --------------------------------------------------------- */

static int
gvProcAuthList(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    gvXdrEncodeU32(ret, 1);
    gvXdrEncodeI32(ret, 0); /* REMOTE_AUTH_NONE */
    return 0;
}

static int
gvProcConnectSupportsFeature(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    gint32 feature;
    int supported = 0;

    if (!gvXdrDecodeI32(args, &feature))
        return gvDecodeFailed(error);
    switch (feature) {
    case GV_FEATURE_PROGRAM_KEEPALIVE: /* PINGs are answered on the main loop */
    case GV_FEATURE_REMOTE_CLOSE_CALLBACK:
    case GV_FEATURE_MIGRATION_P2P:
    case GV_FEATURE_MIGRATION_V3:
    case GV_FEATURE_MIGRATE_CHANGE_PROTECTION:
    case GV_FEATURE_TYPED_PARAM_STRING:
    case GV_FEATURE_XML_MIGRATABLE:
    case GV_FEATURE_MIGRATION_OFFLINE:
    case GV_FEATURE_MIGRATION_PARAMS:
        supported = 1;
        break;
    default:
        supported = 0; /* unknown features are 0, never an error */
        break;
    }
    gvXdrEncodeI32(ret, supported);
    return 0;
}

static int
gvProcConnectOpen(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *name = NULL;
    guint32 flags;

    if (!gvXdrDecodeOptString(args, GV_NET_MESSAGE_STRING_MAX, &name) ||
        !gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (name && *name && !g_str_equal(name, "qemu:///system") &&
        !g_str_equal(name, "genvirt:///system")) {
        g_set_error(error, GV_ERROR, 5, "no connection driver available for %s", name);
        return -1;
    }
    g_mutex_lock(&call->priv->lock);
    call->priv->opened = true;
    if (flags & 1)
        call->priv->readonly = true;
    g_free(call->priv->uri);
    call->priv->uri = g_strdup(name && *name ? name : "qemu:///system");
    g_mutex_unlock(&call->priv->lock);
    return 0;
}

static int
gvProcConnectClose(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_mutex_lock(&call->priv->lock);
    call->priv->opened = false;
    g_mutex_unlock(&call->priv->lock);
    return 0;
}

static int
gvProcNoop(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    return 0;
}

static int
gvProcConnectGetType(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    gvXdrEncodeString(ret, "QEMU");
    return 0;
}

static int
gvProcConnectGetVersion(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    const gvQemuCaps *caps =
        gvDriverGetCaps(call->daemon->drv, "/usr/bin/qemu-system-x86_64", error);

    if (!caps)
        return -1;
    gvXdrEncodeU64(ret, caps->version);
    return 0;
}

static int
gvProcConnectGetLibVersion(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    gvXdrEncodeU64(ret, GV_LIB_VERSION);
    return 0;
}

static int
gvProcConnectGetHostname(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    gvXdrEncodeString(ret, g_get_host_name());
    return 0;
}

static int
gvProcConnectGetURI(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_mutex_lock(&call->priv->lock);
    gvXdrEncodeString(ret, call->priv->uri ? call->priv->uri : "qemu:///system");
    g_mutex_unlock(&call->priv->lock);
    return 0;
}

/* ---- lookups and lists -------------------------------------------------- */

static int
gvProcDomainLookupByName(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *name = NULL;
    g_autoptr(gvDomainObj) obj = NULL;

    if (!gvXdrDecodeString(args, GV_REMOTE_DOMAIN_NAME_MAX, &name))
        return gvDecodeFailed(error);
    if (!(obj = gvDriverLookupByName(call->daemon->drv, name, error)))
        return -1;
    gvEncodeDomain(ret, obj);
    return 0;
}

static int
gvProcDomainLookupByUUID(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    unsigned char uuid[GV_UUID_BUFLEN];
    g_autoptr(gvDomainObj) obj = NULL;

    if (!gvXdrDecodeOpaqueFixed(args, uuid, sizeof(uuid)))
        return gvDecodeFailed(error);
    if (!(obj = gvDriverLookupByUUID(call->daemon->drv, uuid, NULL, error)))
        return -1;
    gvEncodeDomain(ret, obj);
    return 0;
}

static int
gvProcDomainLookupByID(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    gint32 id;
    g_autoptr(gvDomainObj) obj = NULL;

    if (!gvXdrDecodeI32(args, &id))
        return gvDecodeFailed(error);
    if (!(obj = gvDriverLookupByID(call->daemon->drv, id, error)))
        return -1;
    gvEncodeDomain(ret, obj);
    return 0;
}

/* virConnectListAllDomainsFlags */
#define GV_LIST_ACTIVE (1 << 0)
#define GV_LIST_INACTIVE (1 << 1)
#define GV_LIST_PERSISTENT (1 << 2)
#define GV_LIST_TRANSIENT (1 << 3)
#define GV_LIST_RUNNING (1 << 4)
#define GV_LIST_PAUSED (1 << 5)
#define GV_LIST_SHUTOFF (1 << 6)
#define GV_LIST_OTHER (1 << 7)
#define GV_LIST_MANAGEDSAVE (1 << 8)
#define GV_LIST_NO_MANAGEDSAVE (1 << 9)
#define GV_LIST_AUTOSTART (1 << 10)
#define GV_LIST_NO_AUTOSTART (1 << 11)
#define GV_LIST_HAS_SNAPSHOT (1 << 12)
#define GV_LIST_NO_SNAPSHOT (1 << 13)
#define GV_LIST_HAS_CHECKPOINT (1 << 14)
#define GV_LIST_NO_CHECKPOINT (1 << 15)

static bool
gvListFilterPair(unsigned int flags, unsigned int yes, unsigned int no, bool value)
{
    if (!(flags & (yes | no)) || (flags & (yes | no)) == (yes | no))
        return true;
    return (flags & yes) ? value : !value;
}

static bool
gvListMatches(gvDomainObj *obj, unsigned int flags)
{
    bool active = gvDomainObjIsActive(obj);
    unsigned int stateFlags = GV_LIST_RUNNING | GV_LIST_PAUSED | GV_LIST_SHUTOFF | GV_LIST_OTHER;

    if (!gvListFilterPair(flags, GV_LIST_ACTIVE, GV_LIST_INACTIVE, active) ||
        !gvListFilterPair(flags, GV_LIST_PERSISTENT, GV_LIST_TRANSIENT, obj->persistent) ||
        !gvListFilterPair(flags, GV_LIST_MANAGEDSAVE, GV_LIST_NO_MANAGEDSAVE, false) ||
        !gvListFilterPair(flags, GV_LIST_AUTOSTART, GV_LIST_NO_AUTOSTART, obj->autostart) ||
        !gvListFilterPair(flags, GV_LIST_HAS_SNAPSHOT, GV_LIST_NO_SNAPSHOT,
                          gvQemuDomainGetPriv(obj)->snapshots->len > 0) ||
        !gvListFilterPair(flags, GV_LIST_HAS_CHECKPOINT, GV_LIST_NO_CHECKPOINT, false))
        return false;
    if (flags & stateFlags) {
        unsigned int mine;

        switch (obj->state) {
        case GV_DOMAIN_RUNNING:
            mine = GV_LIST_RUNNING;
            break;
        case GV_DOMAIN_PAUSED:
            mine = GV_LIST_PAUSED;
            break;
        case GV_DOMAIN_SHUTOFF:
            mine = GV_LIST_SHUTOFF;
            break;
        case GV_DOMAIN_NOSTATE:
        case GV_DOMAIN_BLOCKED:
        case GV_DOMAIN_SHUTDOWN:
        case GV_DOMAIN_CRASHED:
        case GV_DOMAIN_PMSUSPENDED:
        case GV_DOMAIN_STATE_LAST:
        default:
            mine = GV_LIST_OTHER;
            break;
        }
        if (!(flags & mine))
            return false;
    }
    return true;
}

static int
gvProcConnectListAllDomains(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    gint32 needResults;
    guint32 flags;
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GByteArray) doms = g_byte_array_new();
    guint32 count = 0;
    guint i;

    if (!gvXdrDecodeI32(args, &needResults) || !gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (gvCheckFlags(flags, 0xffff, "virConnectListAllDomains", error) < 0)
        return -1;
    all = gvDomainObjListCollect(call->daemon->drv->domains);
    for (i = 0; i < all->len && count < GV_REMOTE_DOMAIN_LIST_MAX; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);
        bool match;

        gvDomainObjLock(obj);
        match = gvListMatches(obj, flags);
        if (match && needResults)
            gvRemoteDomainEncode(doms, obj->def->name, obj->def->uuid, obj->def->id);
        gvDomainObjUnlock(obj);
        if (match)
            count++;
    }
    gvXdrEncodeU32(ret, needResults ? count : 0);
    g_byte_array_append(ret, doms->data, doms->len);
    gvXdrEncodeU32(ret, count);
    return 0;
}

static int
gvProcConnectNumOfDomains(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(GPtrArray) all = gvDomainObjListCollect(call->daemon->drv->domains);
    gint32 n = 0;
    guint i;

    for (i = 0; i < all->len; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);

        gvDomainObjLock(obj);
        n += gvDomainObjIsActive(obj) ? 1 : 0;
        gvDomainObjUnlock(obj);
    }
    gvXdrEncodeI32(ret, n);
    return 0;
}

static int
gvProcConnectNumOfDefinedDomains(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(GPtrArray) all = gvDomainObjListCollect(call->daemon->drv->domains);
    gint32 n = 0;
    guint i;

    for (i = 0; i < all->len; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);

        gvDomainObjLock(obj);
        n += gvDomainObjIsActive(obj) ? 0 : 1;
        gvDomainObjUnlock(obj);
    }
    gvXdrEncodeI32(ret, n);
    return 0;
}

static int
gvProcConnectListDomains(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    gint32 maxids;
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint32));
    guint i;

    if (!gvXdrDecodeI32(args, &maxids))
        return gvDecodeFailed(error);
    if (maxids < 0 || maxids > GV_REMOTE_DOMAIN_LIST_MAX) {
        gvReportError(error, GV_ERR_RPC, "maxids > REMOTE_DOMAIN_LIST_MAX");
        return -1;
    }
    all = gvDomainObjListCollect(call->daemon->drv->domains);
    for (i = 0; i < all->len && (gint32)ids->len < maxids; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);

        gvDomainObjLock(obj);
        if (gvDomainObjIsActive(obj))
            g_array_append_val(ids, obj->def->id);
        gvDomainObjUnlock(obj);
    }
    gvXdrEncodeU32(ret, ids->len);
    for (i = 0; i < ids->len; i++)
        gvXdrEncodeI32(ret, g_array_index(ids, gint32, i));
    return 0;
}

static int
gvProcConnectListDefinedDomains(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    gint32 maxnames;
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    guint i;

    if (!gvXdrDecodeI32(args, &maxnames))
        return gvDecodeFailed(error);
    if (maxnames < 0 || maxnames > GV_REMOTE_DOMAIN_LIST_MAX) {
        gvReportError(error, GV_ERR_RPC, "maxnames > REMOTE_DOMAIN_LIST_MAX");
        return -1;
    }
    all = gvDomainObjListCollect(call->daemon->drv->domains);
    for (i = 0; i < all->len && (gint32)names->len < maxnames; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);

        gvDomainObjLock(obj);
        if (!gvDomainObjIsActive(obj))
            g_ptr_array_add(names, g_strdup(obj->def->name));
        gvDomainObjUnlock(obj);
    }
    gvXdrEncodeU32(ret, names->len);
    for (i = 0; i < names->len; i++)
        gvXdrEncodeString(ret, g_ptr_array_index(names, i));
    return 0;
}

/* ---- define / undefine -------------------------------------------------- */

static int
gvDefine(gvCall *call, const char *xml, unsigned int flags, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDriverDefineXML(call->daemon->drv, xml, flags, error);

    if (!obj)
        return -1;
    gvEncodeDomain(ret, obj);
    return 0;
}

static int
gvProcDomainDefineXML(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    char *xml = NULL;
    int rc;

    if (!gvXdrDecodeString(args, GV_NET_MESSAGE_STRING_MAX, &xml))
        return gvDecodeFailed(error);
    rc = gvDefine(call, xml, 0, ret, error);
    gvSecretFree(xml);
    return rc;
}

static int
gvProcDomainDefineXMLFlags(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    char *xml = NULL;
    guint32 flags;
    int rc;

    if (!gvXdrDecodeString(args, GV_NET_MESSAGE_STRING_MAX, &xml) ||
        !gvXdrDecodeU32(args, &flags)) {
        gvSecretFree(xml);
        return gvDecodeFailed(error);
    }
    rc = gvDefine(call, xml, flags, ret, error);
    gvSecretFree(xml);
    return rc;
}

static int
gvProcDomainUndefine(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return -1;
    return gvDriverUndefine(call->daemon->drv, obj, 0, error);
}

static int
gvProcDomainUndefineFlags(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeDomainFlags(call, args, &flags, error);

    if (!obj)
        return -1;
    return gvDriverUndefine(call->daemon->drv, obj, flags, error);
}

/* ---- information -------------------------------------------------------- */

static int
gvProcDomainGetXMLDesc(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    guint32 flags;
    char *xml;

    if (!obj)
        return -1;
    if (!gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (gvCheckFlags(flags,
                     GV_DOMAIN_XML_SECURE | GV_DOMAIN_XML_INACTIVE | GV_DOMAIN_XML_UPDATE_CPU |
                         GV_DOMAIN_XML_MIGRATABLE,
                     "virDomainGetXMLDesc", error) < 0)
        return -1;
    /* like libvirt: read-only connections get neither secrets nor migratable XML */
    if ((flags & (GV_DOMAIN_XML_SECURE | GV_DOMAIN_XML_MIGRATABLE)) && call->readonly) {
        gvReportError(error, GV_ERR_OPERATION_DENIED, "virDomainGetXMLDesc with secure flag");
        return -1;
    }
    /* read-write connections see the genid value, read-only ones never */
    xml = gvDriverGetXMLDesc(call->daemon->drv, obj, flags, !call->readonly);
    gvXdrEncodeString(ret, xml);
    gvSecretFree(xml);
    return 0;
}

static int
gvProcDomainGetState(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeDomainFlags(call, args, &flags, error);

    if (!obj)
        return -1;
    if (gvCheckFlags(flags, 0, "virDomainGetState", error) < 0)
        return -1;
    gvDomainObjLock(obj);
    gvXdrEncodeI32(ret, obj->state);
    gvXdrEncodeI32(ret, obj->reason);
    gvDomainObjUnlock(obj);
    return 0;
}

static int
gvProcDomainGetInfo(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return -1;
    gvDomainObjLock(obj);
    gvXdrEncodeU32(ret, obj->state);
    gvXdrEncodeU64(ret, obj->def->memory);
    gvXdrEncodeU64(ret, obj->def->currentMemory);
    gvXdrEncodeU32(ret, obj->def->vcpus);
    gvXdrEncodeU64(ret, gvDomainObjIsActive(obj) ? gvQemuProcessCPUTime(obj) : 0);
    gvDomainObjUnlock(obj);
    return 0;
}

static int
gvProcDomainGetOSType(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return -1;
    gvDomainObjLock(obj);
    gvXdrEncodeString(ret, gvDomainOSTypeToString(obj->def->os.type));
    gvDomainObjUnlock(obj);
    return 0;
}

static int
gvProcDomainIsActive(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return -1;
    gvDomainObjLock(obj);
    gvXdrEncodeI32(ret, gvDomainObjIsActive(obj) ? 1 : 0);
    gvDomainObjUnlock(obj);
    return 0;
}

static int
gvProcDomainIsPersistent(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return -1;
    gvDomainObjLock(obj);
    gvXdrEncodeI32(ret, obj->persistent ? 1 : 0);
    gvDomainObjUnlock(obj);
    return 0;
}

static int
gvProcDomainGetAutostart(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return -1;
    gvDomainObjLock(obj);
    gvXdrEncodeI32(ret, obj->autostart ? 1 : 0);
    gvDomainObjUnlock(obj);
    return 0;
}

/* domain + flags -> int 0: no managed save images, no snapshots yet */
static int
gvProcDomainFlagsZero(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeDomainFlags(call, args, &flags, error);

    if (!obj)
        return -1;
    gvXdrEncodeI32(ret, 0);
    return 0;
}

static int
gvProcNodeGetSecurityModel(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    /* no security driver: an empty model makes virsh skip the security lines */
    gvXdrEncodeCharArray(ret, "", 0);
    gvXdrEncodeCharArray(ret, "", 0);
    return 0;
}

static int
gvProcDomainGetSecurityLabel(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return -1;
    gvXdrEncodeCharArray(ret, "", 1); /* "\0" */
    gvXdrEncodeI32(ret, 0);
    return 0;
}

static int
gvProcDomainGetMessages(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeDomainFlags(call, args, &flags, error);

    if (!obj)
        return -1;
    gvXdrEncodeU32(ret, 0);
    return 0;
}

/* ---- lifecycle ------------------------------------------------------------ */

static int
gvProcDomainCreate(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return -1;
    return gvDriverDomainCreate(call->daemon->drv, obj, 0, error);
}

static int
gvProcDomainCreateWithFlags(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeDomainFlags(call, args, &flags, error);

    if (!obj)
        return -1;
    if (gvDriverDomainCreate(call->daemon->drv, obj, flags, error) < 0)
        return -1;
    gvEncodeDomain(ret, obj);
    return 0;
}

static int
gvProcDomainCreateXML(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    char *xml = NULL;
    guint32 flags;
    g_autoptr(gvDomainObj) obj = NULL;

    if (!gvXdrDecodeString(args, GV_NET_MESSAGE_STRING_MAX, &xml) ||
        !gvXdrDecodeU32(args, &flags)) {
        gvSecretFree(xml);
        return gvDecodeFailed(error);
    }
    obj = gvDriverDomainCreateXML(call->daemon->drv, xml, flags, error);
    gvSecretFree(xml);
    if (!obj)
        return -1;
    gvEncodeDomain(ret, obj);
    return 0;
}

static int
gvProcDomainDestroy(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return -1;
    return gvDriverDomainDestroy(call->daemon->drv, obj, 0, error);
}

static int
gvProcDomainDestroyFlags(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeDomainFlags(call, args, &flags, error);

    if (!obj)
        return -1;
    return gvDriverDomainDestroy(call->daemon->drv, obj, flags, error);
}

static int
gvProcDomainShutdown(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return -1;
    return gvDriverDomainShutdown(call->daemon->drv, obj, 0, error);
}

static int
gvProcDomainFlagsOp(gvCall *call, gvXdrDecoder *args, GError **error,
                    int (*op)(gvDriver *, gvDomainObj *, unsigned int, GError **))
{
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeDomainFlags(call, args, &flags, error);

    if (!obj)
        return -1;
    return op(call->daemon->drv, obj, flags, error);
}

static int
gvProcDomainShutdownFlags(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    return gvProcDomainFlagsOp(call, args, error, gvDriverDomainShutdown);
}

static int
gvProcDomainReboot(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    return gvProcDomainFlagsOp(call, args, error, gvDriverDomainReboot);
}

static int
gvProcDomainSuspend(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return -1;
    return gvDriverDomainSuspend(call->daemon->drv, obj, error);
}

static int
gvProcDomainResume(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);

    if (!obj)
        return -1;
    return gvDriverDomainResume(call->daemon->drv, obj, error);
}

static int
gvProcDomainSetAutostart(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    gint32 autostart;

    if (!obj)
        return -1;
    if (!gvXdrDecodeI32(args, &autostart))
        return gvDecodeFailed(error);
    return gvDriverDomainSetAutostart(call->daemon->drv, obj, autostart != 0, error);
}

static int
gvProcQemuMonitorCommand(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    g_autofree char *cmd = NULL;
    char *result = NULL;
    guint32 flags;

    if (!obj)
        return -1;
    if (!gvXdrDecodeString(args, GV_NET_MESSAGE_STRING_MAX, &cmd) || !gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (gvDriverDomainMonitorCommand(call->daemon->drv, obj, cmd, flags, &result, error) < 0)
        return -1;
    gvXdrEncodeString(ret, result);
    gvSecretFree(result);
    return 0;
}

static int
gvProcGenvirtGetLiveGenid(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    unsigned char guid[GV_UUID_BUFLEN];

    if (!obj)
        return -1;
    if (gvDriverDomainGetLiveGenid(call->daemon->drv, obj, guid, error) < 0)
        return -1;
    gvXdrEncodeOpaqueFixed(ret, guid, sizeof(guid));
    explicit_bzero(guid, sizeof(guid));
    return 0;
}

/* ---- snapshots ----------------------------------------------------------- */

/* remote_nonnull_domain_snapshot: {name, dom} */
static void
gvEncodeSnapshot(GByteArray *ret, const char *name, gvDomainObj *obj)
{
    gvXdrEncodeString(ret, name);
    gvEncodeDomain(ret, obj);
}

static gvDomainObj *
gvDecodeSnapshot(gvCall *call, gvXdrDecoder *args, char **name, GError **error)
{
    g_autofree char *n = NULL;
    gvDomainObj *obj;

    if (!gvXdrDecodeString(args, GV_REMOTE_DOMAIN_NAME_MAX, &n)) {
        gvDecodeFailed(error);
        return NULL;
    }
    if (!(obj = gvDecodeDomainObj(call, args, error)))
        return NULL;
    *name = g_steal_pointer(&n);
    return obj;
}

/* A remote_nonnull_domain_snapshot, its domain looked up, and the flags that follow it */
static gvDomainObj *
gvDecodeSnapshotFlags(gvCall *call, gvXdrDecoder *args, char **name, guint32 *flags, GError **error)
{
    g_autofree char *n = NULL;
    g_autoptr(gvDomainObj) obj = gvDecodeSnapshot(call, args, &n, error);

    if (!obj)
        return NULL;
    if (!gvXdrDecodeU32(args, flags)) {
        gvDecodeFailed(error);
        return NULL;
    }
    *name = g_steal_pointer(&n);
    return g_steal_pointer(&obj);
}

static int
gvProcSnapshotCreateXML(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    g_autofree char *xml = NULL;
    g_autofree char *name = NULL;
    guint32 flags;

    if (!obj)
        return -1;
    if (!gvXdrDecodeString(args, GV_NET_MESSAGE_STRING_MAX, &xml) || !gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (!(name = gvQemuSnapshotCreate(call->daemon->drv, obj, xml, flags, error)))
        return -1;
    gvEncodeSnapshot(ret, name, obj);
    return 0;
}

static int
gvProcSnapshotGetXMLDesc(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *name = NULL;
    g_autoptr(gvDomainObj) obj = gvDecodeSnapshot(call, args, &name, error);
    guint32 flags;
    char *xml;

    if (!obj)
        return -1;
    if (!gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if ((flags & GV_DOMAIN_XML_SECURE) && call->readonly) {
        gvReportError(error, GV_ERR_OPERATION_DENIED,
                      "virDomainSnapshotGetXMLDesc with secure flag");
        return -1;
    }
    if (!(xml = gvQemuSnapshotGetXML(obj, name, !call->readonly, error)))
        return -1;
    gvXdrEncodeString(ret, xml);
    gvSecretFree(xml);
    return 0;
}

static int
gvProcSnapshotNum(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeDomainFlags(call, args, &flags, error);
    g_autoptr(GPtrArray) names = NULL;

    if (!obj)
        return -1;
    if (!(names = gvQemuSnapshotList(obj, NULL, false, flags, error)))
        return -1;
    gvXdrEncodeI32(ret, (gint32)names->len);
    return 0;
}

static void
gvEncodeNames(GByteArray *ret, GPtrArray *names, gint32 max)
{
    guint n = MIN(names->len, (guint)MAX(max, 0));
    guint i;

    gvXdrEncodeU32(ret, n);
    for (i = 0; i < n; i++)
        gvXdrEncodeString(ret, g_ptr_array_index(names, i));
}

static int
gvProcSnapshotListNames(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    g_autoptr(GPtrArray) names = NULL;
    gint32 max;
    guint32 flags;

    if (!obj)
        return -1;
    if (!gvXdrDecodeI32(args, &max) || !gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (max < 0 || max > GV_REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) {
        gvReportError(error, GV_ERR_RPC, "maxnames > REMOTE_DOMAIN_SNAPSHOT_LIST_MAX");
        return -1;
    }
    if (!(names = gvQemuSnapshotList(obj, NULL, false, flags, error)))
        return -1;
    gvEncodeNames(ret, names, max);
    return 0;
}

static int
gvProcSnapshotLookupByName(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    g_autofree char *name = NULL;
    guint32 flags;

    if (!obj)
        return -1;
    if (!gvXdrDecodeString(args, GV_REMOTE_DOMAIN_NAME_MAX, &name) || !gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (gvQemuSnapshotExists(obj, name, error) < 0)
        return -1;
    gvEncodeSnapshot(ret, name, obj);
    return 0;
}

static int
gvProcHasCurrentSnapshot(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeDomainFlags(call, args, &flags, error);
    g_autofree char *cur = NULL;

    if (!obj)
        return -1;
    cur = gvQemuSnapshotCurrent(obj, NULL);
    gvXdrEncodeI32(ret, cur ? 1 : 0);
    return 0;
}

static int
gvProcSnapshotCurrent(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeDomainFlags(call, args, &flags, error);
    g_autofree char *cur = NULL;

    if (!obj)
        return -1;
    if (!(cur = gvQemuSnapshotCurrent(obj, error)))
        return -1;
    gvEncodeSnapshot(ret, cur, obj);
    return 0;
}

static int
gvProcRevertToSnapshot(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *name = NULL;
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeSnapshotFlags(call, args, &name, &flags, error);

    if (!obj)
        return -1;
    return gvQemuSnapshotRevert(call->daemon->drv, obj, name, flags, error);
}

static int
gvProcSnapshotDelete(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *name = NULL;
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeSnapshotFlags(call, args, &name, &flags, error);

    if (!obj)
        return -1;
    return gvQemuSnapshotDelete(call->daemon->drv, obj, name, flags, error);
}

static int
gvProcSnapshotGetParent(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *name = NULL;
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeSnapshotFlags(call, args, &name, &flags, error);
    g_autofree char *parent = NULL;

    if (!obj)
        return -1;
    if (gvQemuSnapshotGetParent(obj, name, &parent, error) < 0)
        return -1;
    gvEncodeSnapshot(ret, parent, obj);
    return 0;
}

static int
gvProcSnapshotNumChildren(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *name = NULL;
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeSnapshotFlags(call, args, &name, &flags, error);
    g_autoptr(GPtrArray) names = NULL;

    if (!obj)
        return -1;
    if (!(names = gvQemuSnapshotList(obj, name, flags & GV_SNAPSHOT_LIST_ROOTS,
                                     flags & ~GV_SNAPSHOT_LIST_ROOTS, error)))
        return -1;
    gvXdrEncodeI32(ret, (gint32)names->len);
    return 0;
}

static int
gvProcSnapshotListChildrenNames(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *name = NULL;
    g_autoptr(gvDomainObj) obj = gvDecodeSnapshot(call, args, &name, error);
    g_autoptr(GPtrArray) names = NULL;
    gint32 max;
    guint32 flags;

    if (!obj)
        return -1;
    if (!gvXdrDecodeI32(args, &max) || !gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (max < 0 || max > GV_REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) {
        gvReportError(error, GV_ERR_RPC, "maxnames > REMOTE_DOMAIN_SNAPSHOT_LIST_MAX");
        return -1;
    }
    if (!(names = gvQemuSnapshotList(obj, name, flags & GV_SNAPSHOT_LIST_ROOTS,
                                     flags & ~GV_SNAPSHOT_LIST_ROOTS, error)))
        return -1;
    gvEncodeNames(ret, names, max);
    return 0;
}

static int
gvProcSnapshotIsCurrent(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *name = NULL;
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeSnapshotFlags(call, args, &name, &flags, error);

    if (!obj)
        return -1;
    if (gvQemuSnapshotExists(obj, name, error) < 0)
        return -1;
    gvXdrEncodeI32(ret, gvQemuSnapshotIsCurrent(obj, name) ? 1 : 0);
    return 0;
}

static int
gvProcSnapshotHasMetadata(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *name = NULL;
    guint32 flags;
    g_autoptr(gvDomainObj) obj = gvDecodeSnapshotFlags(call, args, &name, &flags, error);

    if (!obj)
        return -1;
    if (gvQemuSnapshotExists(obj, name, error) < 0)
        return -1;
    gvXdrEncodeI32(ret, 1);
    return 0;
}

static int
gvEncodeSnapshotList(GByteArray *ret, gvDomainObj *obj, GPtrArray *names, gint32 needResults)
{
    guint i;

    if (needResults) {
        gvXdrEncodeU32(ret, names->len);
        for (i = 0; i < names->len; i++)
            gvEncodeSnapshot(ret, g_ptr_array_index(names, i), obj);
    } else {
        gvXdrEncodeU32(ret, 0);
    }
    gvXdrEncodeI32(ret, (gint32)names->len);
    return 0;
}

static int
gvProcListAllSnapshots(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    g_autoptr(GPtrArray) names = NULL;
    gint32 needResults;
    guint32 flags;

    if (!obj)
        return -1;
    if (!gvXdrDecodeI32(args, &needResults) || !gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (!(names = gvQemuSnapshotList(obj, NULL, false, flags, error)))
        return -1;
    return gvEncodeSnapshotList(ret, obj, names, needResults);
}

static int
gvProcSnapshotListAllChildren(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *name = NULL;
    g_autoptr(gvDomainObj) obj = gvDecodeSnapshot(call, args, &name, error);
    g_autoptr(GPtrArray) names = NULL;
    gint32 needResults;
    guint32 flags;

    if (!obj)
        return -1;
    if (!gvXdrDecodeI32(args, &needResults) || !gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (!(names = gvQemuSnapshotList(obj, name, flags & GV_SNAPSHOT_LIST_ROOTS,
                                     flags & ~GV_SNAPSHOT_LIST_ROOTS, error)))
        return -1;
    return gvEncodeSnapshotList(ret, obj, names, needResults);
}

/* ---- migration ------------------------------------------------------------ */

static int
gvDecodeCookie(gvXdrDecoder *args)
{
    g_autofree guint8 *cookie = NULL;
    size_t len;

    /* cookies are opaque to us between genvirt daemons: read and drop */
    return gvXdrDecodeOpaque(args, GV_REMOTE_MIGRATE_COOKIE_MAX, &cookie, &len) ? 0 : -1;
}

/* A cookie libvirt's peers accept: XML with a trailing NUL */
static void
gvEncodeCookie(GByteArray *ret, gvDomainObj *obj)
{
    g_autofree char *cookie = NULL;
    char uuidstr[GV_UUID_STRING_BUFLEN];

    gvDomainObjLock(obj);
    cookie = g_markup_printf_escaped("<qemu-migration>\n  <name>%s</name>\n  <uuid>%s</uuid>\n"
                                     "  <hostname>%s</hostname>\n</qemu-migration>\n",
                                     obj->def->name, gvUUIDFormat(obj->def->uuid, uuidstr),
                                     g_get_host_name());
    gvDomainObjUnlock(obj);
    gvXdrEncodeOpaque(ret, cookie, strlen(cookie) + 1);
}

static int
gvProcMigrateBegin3Params(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    g_autoptr(GPtrArray) params = NULL;
    guint32 flags;
    char *xml;

    if (!obj)
        return -1;
    if (!(params = gvTypedParamsDecode(args)) || !gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (gvTypedParamsGetString(params, "destination_xml")) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED,
                      "migration with an alternate destination XML (--xml) is not supported yet");
        return -1;
    }
    if (!(xml = gvQemuMigrationBegin(call->daemon->drv, obj, flags, error)))
        return -1;
    gvEncodeCookie(ret, obj);
    gvXdrEncodeString(ret, xml);
    gvSecretFree(xml);
    return 0;
}

static int
gvProcMigratePrepare3Params(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(GPtrArray) params = NULL;
    g_autoptr(gvDomainObj) obj = NULL;
    g_autofree char *uriOut = NULL;
    guint32 flags;

    if (!(params = gvTypedParamsDecode(args)) || gvDecodeCookie(args) < 0 ||
        !gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (!(obj = gvQemuMigrationPrepare(
              call->daemon->drv, gvTypedParamsGetString(params, "destination_xml"),
              gvTypedParamsGetString(params, "migrate_uri"), flags, &uriOut, error)))
        return -1;
    gvEncodeCookie(ret, obj);
    gvXdrEncodeOptString(ret, uriOut);
    return 0;
}

static int
gvProcMigratePerform3Params(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    g_autoptr(GPtrArray) params = NULL;
    g_autofree char *dconnuri = NULL;
    guint32 flags;

    if (!obj)
        return -1;
    if (!gvXdrDecodeOptString(args, GV_NET_MESSAGE_STRING_MAX, &dconnuri) ||
        !(params = gvTypedParamsDecode(args)) || gvDecodeCookie(args) < 0 ||
        !gvXdrDecodeU32(args, &flags))
        return gvDecodeFailed(error);
    if (flags & 2 /* PEER2PEER */) {
        /* this daemon drives the destination itself; the client takes no cookie */
        if (gvMigrationPeer2Peer(call->daemon->drv, obj, dconnuri, params, flags, error) < 0)
            return -1;
        gvXdrEncodeOpaque(ret, "", 0);
        return 0;
    } else if (gvQemuMigrationPerform(call->daemon->drv, obj,
                                      gvTypedParamsGetString(params, "migrate_uri"), flags, NULL,
                                      NULL, error) < 0) {
        return -1;
    }
    gvEncodeCookie(ret, obj);
    return 0;
}

static int
gvProcMigrateFinish3Params(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(GPtrArray) params = NULL;
    g_autoptr(gvDomainObj) obj = NULL;
    const char *name;
    guint32 flags;
    gint32 cancelled;

    if (!(params = gvTypedParamsDecode(args)) || gvDecodeCookie(args) < 0 ||
        !gvXdrDecodeU32(args, &flags) || !gvXdrDecodeI32(args, &cancelled))
        return gvDecodeFailed(error);
    name = gvTypedParamsGetString(params, "destination_name");
    if (!name) {
        /* libvirt's client names it; a peer may send only the XML */
        g_autoptr(gvDomainDef) def = NULL;
        const char *xml = gvTypedParamsGetString(params, "destination_xml");

        if (xml && (def = gvDomainDefParseString(xml, GV_DOMAIN_DEF_PARSE_INACTIVE, NULL)))
            obj = gvQemuMigrationFinish(call->daemon->drv, def->name, flags, cancelled != 0, error);
        else
            gvReportError(error, GV_ERR_INVALID_ARG,
                          "no destination_name given to finish the migration");
    } else {
        obj = gvQemuMigrationFinish(call->daemon->drv, name, flags, cancelled != 0, error);
    }
    if (!obj) {
        if (error && !*error)
            gvReportError(error, GV_ERR_OPERATION_FAILED, "migration was cancelled");
        return -1;
    }
    gvEncodeDomain(ret, obj);
    gvEncodeCookie(ret, obj);
    return 0;
}

static int
gvProcMigrateConfirm3Params(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    g_autoptr(GPtrArray) params = NULL;
    guint32 flags;
    gint32 cancelled;

    if (!obj)
        return -1;
    if (!(params = gvTypedParamsDecode(args)) || gvDecodeCookie(args) < 0 ||
        !gvXdrDecodeU32(args, &flags) || !gvXdrDecodeI32(args, &cancelled))
        return gvDecodeFailed(error);
    return gvQemuMigrationConfirm(call->daemon->drv, obj, flags, cancelled != 0, error);
}

/*
 * The same phases without typed parameters (procedures 213-218): what
 * libvirt's older virDomainMigrate() uses.  Flags are 64-bit here.
 */
static int
gvProcMigrateBegin3(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    g_autofree char *xmlin = NULL;
    g_autofree char *dname = NULL;
    guint64 flags;
    guint64 resource;
    char *xml;

    if (!obj)
        return -1;
    if (!gvXdrDecodeOptString(args, GV_NET_MESSAGE_STRING_MAX, &xmlin) ||
        !gvXdrDecodeU64(args, &flags) ||
        !gvXdrDecodeOptString(args, GV_REMOTE_DOMAIN_NAME_MAX, &dname) ||
        !gvXdrDecodeU64(args, &resource))
        return gvDecodeFailed(error);
    if (xmlin || dname) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED,
                      "migration with an alternate XML or name is not supported yet");
        return -1;
    }
    if (!(xml = gvQemuMigrationBegin(call->daemon->drv, obj, (unsigned int)flags, error)))
        return -1;
    gvEncodeCookie(ret, obj);
    gvXdrEncodeString(ret, xml);
    gvSecretFree(xml);
    return 0;
}

static int
gvProcMigratePrepare3(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *uriIn = NULL;
    g_autofree char *dname = NULL;
    g_autofree char *uriOut = NULL;
    g_autoptr(gvDomainObj) obj = NULL;
    char *xml = NULL;
    guint64 flags;
    guint64 resource;

    if (gvDecodeCookie(args) < 0 ||
        !gvXdrDecodeOptString(args, GV_NET_MESSAGE_STRING_MAX, &uriIn) ||
        !gvXdrDecodeU64(args, &flags) ||
        !gvXdrDecodeOptString(args, GV_REMOTE_DOMAIN_NAME_MAX, &dname) ||
        !gvXdrDecodeU64(args, &resource) ||
        !gvXdrDecodeString(args, GV_NET_MESSAGE_STRING_MAX, &xml)) {
        gvSecretFree(xml);
        return gvDecodeFailed(error);
    }
    obj =
        gvQemuMigrationPrepare(call->daemon->drv, xml, uriIn, (unsigned int)flags, &uriOut, error);
    gvSecretFree(xml);
    if (!obj)
        return -1;
    gvEncodeCookie(ret, obj);
    gvXdrEncodeOptString(ret, uriOut);
    return 0;
}

static int
gvProcMigratePerform3(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    g_autoptr(GPtrArray) params = gvTypedParamsNew();
    g_autofree char *xmlin = NULL;
    g_autofree char *dconnuri = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *dname = NULL;
    guint64 flags;
    guint64 resource;

    if (!obj)
        return -1;
    if (!gvXdrDecodeOptString(args, GV_NET_MESSAGE_STRING_MAX, &xmlin) ||
        gvDecodeCookie(args) < 0 ||
        !gvXdrDecodeOptString(args, GV_NET_MESSAGE_STRING_MAX, &dconnuri) ||
        !gvXdrDecodeOptString(args, GV_NET_MESSAGE_STRING_MAX, &uri) ||
        !gvXdrDecodeU64(args, &flags) ||
        !gvXdrDecodeOptString(args, GV_REMOTE_DOMAIN_NAME_MAX, &dname) ||
        !gvXdrDecodeU64(args, &resource))
        return gvDecodeFailed(error);
    if (flags & 2 /* PEER2PEER */) {
        if (uri)
            gvTypedParamsAddString(params, "migrate_uri", uri);
        if (gvMigrationPeer2Peer(call->daemon->drv, obj, dconnuri, params, (unsigned int)flags,
                                 error) < 0)
            return -1;
        gvXdrEncodeOpaque(ret, "", 0);
        return 0;
    }
    if (gvQemuMigrationPerform(call->daemon->drv, obj, uri, (unsigned int)flags, NULL, NULL,
                               error) < 0)
        return -1;
    gvEncodeCookie(ret, obj);
    return 0;
}

static int
gvProcMigrateFinish3(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autofree char *dname = NULL;
    g_autofree char *dconnuri = NULL;
    g_autofree char *uri = NULL;
    g_autoptr(gvDomainObj) obj = NULL;
    guint64 flags;
    gint32 cancelled;

    if (!gvXdrDecodeString(args, GV_REMOTE_DOMAIN_NAME_MAX, &dname) || gvDecodeCookie(args) < 0 ||
        !gvXdrDecodeOptString(args, GV_NET_MESSAGE_STRING_MAX, &dconnuri) ||
        !gvXdrDecodeOptString(args, GV_NET_MESSAGE_STRING_MAX, &uri) ||
        !gvXdrDecodeU64(args, &flags) || !gvXdrDecodeI32(args, &cancelled))
        return gvDecodeFailed(error);
    if (!(obj = gvQemuMigrationFinish(call->daemon->drv, dname, (unsigned int)flags, cancelled != 0,
                                      error))) {
        if (error && !*error)
            gvReportError(error, GV_ERR_OPERATION_FAILED, "migration was cancelled");
        return -1;
    }
    gvEncodeDomain(ret, obj);
    gvEncodeCookie(ret, obj);
    return 0;
}

static int
gvProcMigrateConfirm3(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    guint64 flags;
    gint32 cancelled;

    if (!obj)
        return -1;
    if (gvDecodeCookie(args) < 0 || !gvXdrDecodeU64(args, &flags) ||
        !gvXdrDecodeI32(args, &cancelled))
        return gvDecodeFailed(error);
    return gvQemuMigrationConfirm(call->daemon->drv, obj, (unsigned int)flags, cancelled != 0,
                                  error);
}

static int
gvProcDomainGetJobInfo(gvCall *call, gvXdrDecoder *args, GByteArray *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvDecodeDomainObj(call, args, error);
    guint64 elapsed;
    guint64 total;
    guint64 done;
    int type;
    int i;

    if (!obj)
        return -1;
    if (gvQemuMigrationJobInfo(obj, &type, &elapsed, &total, &done, error) < 0)
        return -1;
    gvXdrEncodeI32(ret, type);
    gvXdrEncodeU64(ret, elapsed);
    gvXdrEncodeU64(ret, 0); /* timeRemaining */
    gvXdrEncodeU64(ret, total); /* dataTotal */
    gvXdrEncodeU64(ret, MIN(done, total)); /* dataProcessed */
    gvXdrEncodeU64(ret, total > done ? total - done : 0); /* dataRemaining */
    gvXdrEncodeU64(ret, total); /* memTotal */
    gvXdrEncodeU64(ret, MIN(done, total));
    gvXdrEncodeU64(ret, total > done ? total - done : 0);
    for (i = 0; i < 3; i++)
        gvXdrEncodeU64(ret, 0); /* file* */
    return 0;
}

/* ---- the table ---------------------------------------------------------- */

#define GV_PROC_MAX 450

static const gvProc gvRemoteProcs[GV_PROC_MAX] = {
    [GV_PROC_CONNECT_OPEN] = { "connect-open", gvProcConnectOpen, GV_PROC_BEFORE_OPEN },
    [GV_PROC_CONNECT_CLOSE] = { "connect-close", gvProcConnectClose, 0 },
    [GV_PROC_CONNECT_GET_TYPE] = { "connect-get-type", gvProcConnectGetType, 0 },
    [GV_PROC_CONNECT_GET_VERSION] = { "connect-get-version", gvProcConnectGetVersion,
                                      GV_PROC_BLOCKING },
    [GV_PROC_DOMAIN_DEFINE_XML] = { "domain-define-xml", gvProcDomainDefineXML,
                                    GV_PROC_WRITE | GV_PROC_BLOCKING, "virDomainDefineXML" },
    [GV_PROC_DOMAIN_GET_XML_DESC] = { "domain-get-xml-desc", gvProcDomainGetXMLDesc, 0 },
    [GV_PROC_DOMAIN_GET_AUTOSTART] = { "domain-get-autostart", gvProcDomainGetAutostart, 0 },
    [GV_PROC_DOMAIN_GET_INFO] = { "domain-get-info", gvProcDomainGetInfo, 0 },
    [GV_PROC_DOMAIN_GET_OS_TYPE] = { "domain-get-os-type", gvProcDomainGetOSType, 0 },
    [GV_PROC_CONNECT_LIST_DEFINED_DOMAINS] = { "connect-list-defined-domains",
                                               gvProcConnectListDefinedDomains, 0 },
    [GV_PROC_DOMAIN_LOOKUP_BY_ID] = { "domain-lookup-by-id", gvProcDomainLookupByID, 0 },
    [GV_PROC_DOMAIN_LOOKUP_BY_NAME] = { "domain-lookup-by-name", gvProcDomainLookupByName, 0 },
    [GV_PROC_DOMAIN_LOOKUP_BY_UUID] = { "domain-lookup-by-uuid", gvProcDomainLookupByUUID, 0 },
    [GV_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS] = { "connect-num-of-defined-domains",
                                                 gvProcConnectNumOfDefinedDomains, 0 },
    [GV_PROC_DOMAIN_UNDEFINE] = { "domain-undefine", gvProcDomainUndefine,
                                  GV_PROC_WRITE | GV_PROC_BLOCKING, "virDomainUndefine" },
    [GV_PROC_CONNECT_LIST_DOMAINS] = { "connect-list-domains", gvProcConnectListDomains, 0 },
    [GV_PROC_CONNECT_NUM_OF_DOMAINS] = { "connect-num-of-domains", gvProcConnectNumOfDomains, 0 },
    [GV_PROC_CONNECT_GET_HOSTNAME] = { "connect-get-hostname", gvProcConnectGetHostname, 0 },
    [GV_PROC_CONNECT_SUPPORTS_FEATURE] = { "connect-supports-feature", gvProcConnectSupportsFeature,
                                           GV_PROC_BEFORE_OPEN },
    [GV_PROC_AUTH_LIST] = { "auth-list", gvProcAuthList, GV_PROC_BEFORE_OPEN },
    [GV_PROC_CONNECT_GET_URI] = { "connect-get-uri", gvProcConnectGetURI, 0 },
    [GV_PROC_DOMAIN_GET_SECURITY_LABEL] = { "domain-get-security-label",
                                            gvProcDomainGetSecurityLabel, 0 },
    [GV_PROC_NODE_GET_SECURITY_MODEL] = { "node-get-security-model", gvProcNodeGetSecurityModel,
                                          0 },
    [GV_PROC_DOMAIN_IS_ACTIVE] = { "domain-is-active", gvProcDomainIsActive, 0 },
    [GV_PROC_DOMAIN_IS_PERSISTENT] = { "domain-is-persistent", gvProcDomainIsPersistent, 0 },
    [GV_PROC_CONNECT_GET_LIB_VERSION] = { "connect-get-lib-version", gvProcConnectGetLibVersion,
                                          0 },
    [GV_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE] = { "domain-has-managed-save-image",
                                                gvProcDomainFlagsZero, 0 },
    [GV_PROC_DOMAIN_SNAPSHOT_NUM] = { "domain-snapshot-num", gvProcSnapshotNum, 0 },
    [GV_PROC_DOMAIN_GET_STATE] = { "domain-get-state", gvProcDomainGetState, 0 },
    [GV_PROC_DOMAIN_UNDEFINE_FLAGS] = { "domain-undefine-flags", gvProcDomainUndefineFlags,
                                        GV_PROC_WRITE | GV_PROC_BLOCKING,
                                        "virDomainUndefineFlags" },
    [GV_PROC_CONNECT_LIST_ALL_DOMAINS] = { "connect-list-all-domains", gvProcConnectListAllDomains,
                                           0 },
    [GV_PROC_DOMAIN_DEFINE_XML_FLAGS] = { "domain-define-xml-flags", gvProcDomainDefineXMLFlags,
                                          GV_PROC_WRITE | GV_PROC_BLOCKING,
                                          "virDomainDefineXMLFlags" },
    [GV_PROC_CONNECT_REGISTER_CLOSE_CALLBACK] = { "connect-register-close-callback", gvProcNoop,
                                                  0 },
    [GV_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK] = { "connect-unregister-close-callback", gvProcNoop,
                                                    0 },
    [GV_PROC_DOMAIN_GET_MESSAGES] = { "domain-get-messages", gvProcDomainGetMessages, 0 },
    [GV_PROC_DOMAIN_CREATE] = { "domain-create", gvProcDomainCreate,
                                GV_PROC_WRITE | GV_PROC_BLOCKING, "virDomainCreate" },
    [GV_PROC_DOMAIN_CREATE_WITH_FLAGS] = { "domain-create-with-flags", gvProcDomainCreateWithFlags,
                                           GV_PROC_WRITE | GV_PROC_BLOCKING,
                                           "virDomainCreateWithFlags" },
    [GV_PROC_DOMAIN_CREATE_XML] = { "domain-create-xml", gvProcDomainCreateXML,
                                    GV_PROC_WRITE | GV_PROC_BLOCKING, "virDomainCreateXML" },
    [GV_PROC_DOMAIN_DESTROY] = { "domain-destroy", gvProcDomainDestroy,
                                 GV_PROC_WRITE | GV_PROC_BLOCKING, "virDomainDestroy" },
    [GV_PROC_DOMAIN_DESTROY_FLAGS] = { "domain-destroy-flags", gvProcDomainDestroyFlags,
                                       GV_PROC_WRITE | GV_PROC_BLOCKING, "virDomainDestroyFlags" },
    [GV_PROC_DOMAIN_SHUTDOWN] = { "domain-shutdown", gvProcDomainShutdown,
                                  GV_PROC_WRITE | GV_PROC_BLOCKING, "virDomainShutdown" },
    [GV_PROC_DOMAIN_SHUTDOWN_FLAGS] = { "domain-shutdown-flags", gvProcDomainShutdownFlags,
                                        GV_PROC_WRITE | GV_PROC_BLOCKING,
                                        "virDomainShutdownFlags" },
    [GV_PROC_DOMAIN_REBOOT] = { "domain-reboot", gvProcDomainReboot,
                                GV_PROC_WRITE | GV_PROC_BLOCKING, "virDomainReboot" },
    [GV_PROC_DOMAIN_SUSPEND] = { "domain-suspend", gvProcDomainSuspend,
                                 GV_PROC_WRITE | GV_PROC_BLOCKING, "virDomainSuspend" },
    [GV_PROC_DOMAIN_RESUME] = { "domain-resume", gvProcDomainResume,
                                GV_PROC_WRITE | GV_PROC_BLOCKING, "virDomainResume" },
    [GV_PROC_DOMAIN_SET_AUTOSTART] = { "domain-set-autostart", gvProcDomainSetAutostart,
                                       GV_PROC_WRITE | GV_PROC_BLOCKING, "virDomainSetAutostart" },
    [GV_PROC_DOMAIN_SNAPSHOT_CREATE_XML] = { "domain-snapshot-create-xml", gvProcSnapshotCreateXML,
                                             GV_PROC_WRITE | GV_PROC_BLOCKING,
                                             "virDomainSnapshotCreateXML" },
    [GV_PROC_DOMAIN_SNAPSHOT_GET_XML_DESC] = { "domain-snapshot-get-xml-desc",
                                               gvProcSnapshotGetXMLDesc, 0 },
    [GV_PROC_DOMAIN_SNAPSHOT_LIST_NAMES] = { "domain-snapshot-list-names", gvProcSnapshotListNames,
                                             0 },
    [GV_PROC_DOMAIN_SNAPSHOT_LOOKUP_BY_NAME] = { "domain-snapshot-lookup-by-name",
                                                 gvProcSnapshotLookupByName, 0 },
    [GV_PROC_DOMAIN_HAS_CURRENT_SNAPSHOT] = { "domain-has-current-snapshot",
                                              gvProcHasCurrentSnapshot, 0 },
    [GV_PROC_DOMAIN_SNAPSHOT_CURRENT] = { "domain-snapshot-current", gvProcSnapshotCurrent, 0 },
    [GV_PROC_DOMAIN_REVERT_TO_SNAPSHOT] = { "domain-revert-to-snapshot", gvProcRevertToSnapshot,
                                            GV_PROC_WRITE | GV_PROC_BLOCKING,
                                            "virDomainRevertToSnapshot" },
    [GV_PROC_DOMAIN_SNAPSHOT_DELETE] = { "domain-snapshot-delete", gvProcSnapshotDelete,
                                         GV_PROC_WRITE | GV_PROC_BLOCKING,
                                         "virDomainSnapshotDelete" },
    [GV_PROC_DOMAIN_SNAPSHOT_GET_PARENT] = { "domain-snapshot-get-parent", gvProcSnapshotGetParent,
                                             0 },
    [GV_PROC_DOMAIN_SNAPSHOT_NUM_CHILDREN] = { "domain-snapshot-num-children",
                                               gvProcSnapshotNumChildren, 0 },
    [GV_PROC_DOMAIN_SNAPSHOT_LIST_CHILDREN_NAMES] = { "domain-snapshot-list-children-names",
                                                      gvProcSnapshotListChildrenNames, 0 },
    [GV_PROC_DOMAIN_SNAPSHOT_IS_CURRENT] = { "domain-snapshot-is-current", gvProcSnapshotIsCurrent,
                                             0 },
    [GV_PROC_DOMAIN_SNAPSHOT_HAS_METADATA] = { "domain-snapshot-has-metadata",
                                               gvProcSnapshotHasMetadata, 0 },
    [GV_PROC_DOMAIN_LIST_ALL_SNAPSHOTS] = { "domain-list-all-snapshots", gvProcListAllSnapshots,
                                            0 },
    [GV_PROC_DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN] = { "domain-snapshot-list-all-children",
                                                    gvProcSnapshotListAllChildren, 0 },
    [GV_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS] = { "domain-migrate-begin3-params",
                                               gvProcMigrateBegin3Params,
                                               GV_PROC_WRITE | GV_PROC_BLOCKING,
                                               "virDomainMigrateBegin3Params" },
    [GV_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS] = { "domain-migrate-prepare3-params",
                                                 gvProcMigratePrepare3Params,
                                                 GV_PROC_WRITE | GV_PROC_BLOCKING,
                                                 "virDomainMigratePrepare3Params" },
    [GV_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS] = { "domain-migrate-perform3-params",
                                                 gvProcMigratePerform3Params,
                                                 GV_PROC_WRITE | GV_PROC_BLOCKING,
                                                 "virDomainMigratePerform3Params" },
    [GV_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS] = { "domain-migrate-finish3-params",
                                                gvProcMigrateFinish3Params,
                                                GV_PROC_WRITE | GV_PROC_BLOCKING,
                                                "virDomainMigrateFinish3Params" },
    [GV_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS] = { "domain-migrate-confirm3-params",
                                                 gvProcMigrateConfirm3Params,
                                                 GV_PROC_WRITE | GV_PROC_BLOCKING,
                                                 "virDomainMigrateConfirm3Params" },
    [GV_PROC_DOMAIN_GET_JOB_INFO] = { "domain-get-job-info", gvProcDomainGetJobInfo, 0 },
    [GV_PROC_DOMAIN_MIGRATE_BEGIN3] = { "domain-migrate-begin3", gvProcMigrateBegin3,
                                        GV_PROC_WRITE | GV_PROC_BLOCKING,
                                        "virDomainMigrateBegin3" },
    [GV_PROC_DOMAIN_MIGRATE_PREPARE3] = { "domain-migrate-prepare3", gvProcMigratePrepare3,
                                          GV_PROC_WRITE | GV_PROC_BLOCKING,
                                          "virDomainMigratePrepare3" },
    [GV_PROC_DOMAIN_MIGRATE_PERFORM3] = { "domain-migrate-perform3", gvProcMigratePerform3,
                                          GV_PROC_WRITE | GV_PROC_BLOCKING,
                                          "virDomainMigratePerform3" },
    [GV_PROC_DOMAIN_MIGRATE_FINISH3] = { "domain-migrate-finish3", gvProcMigrateFinish3,
                                         GV_PROC_WRITE | GV_PROC_BLOCKING,
                                         "virDomainMigrateFinish3" },
    [GV_PROC_DOMAIN_MIGRATE_CONFIRM3] = { "domain-migrate-confirm3", gvProcMigrateConfirm3,
                                          GV_PROC_WRITE | GV_PROC_BLOCKING,
                                          "virDomainMigrateConfirm3" },
};

static const gvProc gvQemuProcs[] = {
    [GV_QEMU_PROC_DOMAIN_MONITOR_COMMAND] = { "qemu-domain-monitor-command",
                                              gvProcQemuMonitorCommand,
                                              GV_PROC_WRITE | GV_PROC_BLOCKING,
                                              "virDomainQemuMonitorCommand" },
};

static const gvProc gvGenvirtProcs[] = {
    /* the GUID is a secret: read-only connections may not ask for it */
    [GV_GENVIRT_PROC_DOMAIN_GET_LIVE_GENID] = { "genvirt-domain-get-live-genid",
                                                gvProcGenvirtGetLiveGenid,
                                                GV_PROC_WRITE | GV_PROC_BLOCKING,
                                                "gvDomainGetLiveGenid" },
};

/* The entry for @hdr's program and procedure, or NULL (and *knownProg) */
static const gvProc *
gvDispatchFindProc(const gvNetMessageHeader *hdr, bool *knownProg)
{
    const gvProc *table = NULL;
    size_t n = 0;

    *knownProg = hdr->vers == GV_PROGRAM_VERSION;
    switch (hdr->prog) {
    case GV_PROGRAM_REMOTE:
        table = gvRemoteProcs;
        n = GV_PROC_MAX;
        break;
    case GV_PROGRAM_QEMU:
        table = gvQemuProcs;
        n = G_N_ELEMENTS(gvQemuProcs);
        break;
    case GV_PROGRAM_GENVIRT:
        table = gvGenvirtProcs;
        n = G_N_ELEMENTS(gvGenvirtProcs);
        break;
    default:
        *knownProg = false;
        break;
    }
    if (!*knownProg || hdr->proc <= 0 || (size_t)hdr->proc >= n || !table[hdr->proc].handler)
        return NULL;
    return &table[hdr->proc];
}

bool
gvDispatchIsInline(const gvNetMessageHeader *hdr, gpointer opaque)
{
    bool knownProg;
    const gvProc *proc = gvDispatchFindProc(hdr, &knownProg);

    /* unknown ones are answered with an error at once */
    return !proc || !(proc->flags & GV_PROC_BLOCKING);
}

const char *
gvDispatchProcName(int proc)
{
    if (proc < 0 || proc >= GV_PROC_MAX)
        return NULL;
    return gvRemoteProcs[proc].name;
}

unsigned int
gvDispatchProcCount(void)
{
    unsigned int n = 0;
    size_t i;

    for (i = 0; i < GV_PROC_MAX; i++)
        n += gvRemoteProcs[i].handler ? 1 : 0;
    return n;
}

/* virErrorDomain for an error code, as libvirtd reports them */
static gint32
gvDispatchErrorDomain(int code)
{
    switch (code) {
    case GV_ERR_RPC:
    case 5: /* VIR_ERR_NO_CONNECT */
        return GV_ERROR_DOMAIN_RPC;
    case GV_ERR_XML_ERROR:
    case GV_ERR_XML_INVALID_SCHEMA:
    case GV_ERR_OPERATION_INVALID:
    case GV_ERR_OPERATION_DENIED:
        return GV_ERROR_DOMAIN_DOMAIN;
    default:
        return GV_ERROR_DOMAIN_QEMU;
    }
}

static void
gvDispatchSendError(gvNetServerClient *client, const gvNetMessageHeader *hdr, gint32 code,
                    gint32 domain, const char *message)
{
    gvNetMessageHeader rh = *hdr;
    GByteArray *frame;

    rh.type = GV_NET_REPLY;
    rh.status = GV_NET_ERROR;
    frame = gvNetMessageNew(&rh);
    gvRemoteErrorEncode(frame, code, domain, message);
    (void)gvNetMessageFinish(frame);
    gvNetServerClientSend(client, frame);
}

void
gvDispatchCall(gvNetServerClient *client, const gvNetMessageHeader *hdr, const guint8 *payload,
               size_t len, gpointer opaque)
{
    gvCall call = { opaque, client, gvNetServerClientGetPriv(client), false };
    gvXdrDecoder args = GV_XDR_DECODER_INIT(payload, len);
    const gvProc *proc = NULL;
    g_autoptr(GError) error = NULL;
    GByteArray *frame;
    gvNetMessageHeader rh = *hdr;
    bool opened;
    bool knownProg;

    proc = gvDispatchFindProc(hdr, &knownProg);
    if (!knownProg) {
        g_autofree char *msg =
            g_strdup_printf("Cannot find program %u version %u", hdr->prog, hdr->vers);

        gvDispatchSendError(client, hdr, GV_ERR_RPC, GV_ERROR_DOMAIN_RPC, msg);
        return;
    }
    if (!proc) {
        g_autofree char *msg = g_strdup_printf("unknown procedure: %d", hdr->proc);

        gvDispatchSendError(client, hdr, GV_ERR_RPC, GV_ERROR_DOMAIN_RPC, msg);
        return;
    }

    g_mutex_lock(&call.priv->lock);
    opened = call.priv->opened;
    call.readonly = call.priv->readonly;
    g_mutex_unlock(&call.priv->lock);
    if (!opened && !(proc->flags & GV_PROC_BEFORE_OPEN)) {
        gvDispatchSendError(client, hdr, GV_ERR_INTERNAL_ERROR, GV_ERROR_DOMAIN_RPC,
                            "internal error: hypervisor connection not open");
        return;
    }
    if ((proc->flags & GV_PROC_WRITE) && call.readonly) {
        g_autofree char *msg = g_strdup_printf("operation forbidden: read only access prevents %s",
                                               proc->api ? proc->api : proc->name);

        gvDispatchSendError(client, hdr, GV_ERR_OPERATION_DENIED, GV_ERROR_DOMAIN_DOMAIN, msg);
        return;
    }

    rh.type = GV_NET_REPLY;
    rh.status = GV_NET_OK;
    frame = gvNetMessageNew(&rh);
    if (proc->handler(&call, &args, frame, &error) < 0) {
        int code = error && error->domain == GV_ERROR ? error->code : GV_ERR_INTERNAL_ERROR;

        gvXdrBufferFree(frame);
        gvDispatchSendError(client, hdr, code, gvDispatchErrorDomain(code),
                            error ? error->message : "internal error: unknown failure");
        return;
    }
    if (!gvNetMessageFinish(frame)) {
        gvXdrBufferFree(frame);
        gvDispatchSendError(client, hdr, GV_ERR_RPC, GV_ERROR_DOMAIN_RPC,
                            "reply is larger than the message limit");
        return;
    }
    gvNetServerClientSend(client, frame);
}
