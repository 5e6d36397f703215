/*
 * remote_domain.c: domain procedures: lookups, lists, define, information,
 * lifecycle, the QEMU monitor passthrough
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "qemu_driver.h"
#include "qemu_managedsave.h"
#include "qemu_clone.h"
#include "qemu_process.h"
#include "qemu_renew.h"
#include "remote_procs-gen.h"

/* ---- lookups and lists ---------------------------------------------------- */

static int
gvSetDomainRet(gvRemoteDomain *out, gvDomainObj *obj)
{
    if (!obj)
        return -1;
    gvCallSetDomain(out, obj);
    gvDomainObjUnref(obj);
    return 0;
}

int
gvProcDomainLookupByName(gvCall *call, const gvLookupByNameArgs *args, gvDomainRet *ret,
                         GError **error)
{
    return gvSetDomainRet(&ret->dom, gvDriverLookupByName(call->daemon->drv, args->name, error));
}

int
gvProcDomainLookupByUUID(gvCall *call, const gvLookupByUUIDArgs *args, gvDomainRet *ret,
                         GError **error)
{
    return gvSetDomainRet(&ret->dom,
                          gvDriverLookupByUUID(call->daemon->drv, args->uuid, NULL, error));
}

int
gvProcDomainLookupByID(gvCall *call, const gvIntArgs *args, gvDomainRet *ret, GError **error)
{
    return gvSetDomainRet(&ret->dom, gvDriverLookupByID(call->daemon->drv, args->num, error));
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

bool
gvCallDomainMatches(gvDomainObj *obj, unsigned int flags)
{
    bool active = gvDomainObjIsActive(obj);
    unsigned int stateFlags = GV_LIST_RUNNING | GV_LIST_PAUSED | GV_LIST_SHUTOFF | GV_LIST_OTHER;

    if (!gvListFilterPair(flags, GV_LIST_ACTIVE, GV_LIST_INACTIVE, active) ||
        !gvListFilterPair(flags, GV_LIST_PERSISTENT, GV_LIST_TRANSIENT, obj->persistent) ||
        !gvListFilterPair(flags, GV_LIST_MANAGEDSAVE, GV_LIST_NO_MANAGEDSAVE,
                          gvQemuManagedSaveExists(obj)) ||
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

int
gvProcConnectListAllDomains(gvCall *call, const gvNeedResultsArgs *args, gvListAllDomainsRet *ret,
                            GError **error)
{
    g_autoptr(GPtrArray) all = NULL;
    gvRemoteDomain *doms = NULL;
    guint32 count = 0;
    guint i;

    if (gvCallCheckFlags(call, args->flags, 0xffff, error) < 0)
        return -1;
    all = gvDomainObjListCollect(call->daemon->drv->domains);
    if (args->needResults) {
        gvXdrArrayAlloc(&ret->domains, MIN(all->len, GV_REMOTE_DOMAIN_LIST_MAX),
                        sizeof(gvRemoteDomain));
        doms = ret->domains.v;
    }
    for (i = 0; i < all->len && count < GV_REMOTE_DOMAIN_LIST_MAX; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);

        gvDomainObjLock(obj);
        if (gvCallDomainMatches(obj, args->flags)) {
            if (doms) {
                doms[count].name = g_strdup(obj->def->name);
                memcpy(doms[count].uuid, obj->def->uuid, GV_UUID_BUFLEN);
                doms[count].id = obj->def->id;
            }
            count++;
        }
        gvDomainObjUnlock(obj);
    }
    if (doms)
        ret->domains.n = count;
    ret->ret = count;
    return 0;
}

/* How many domains are (@active) or are not running */
static gint32
gvCountDomains(gvCall *call, bool active)
{
    g_autoptr(GPtrArray) all = gvDomainObjListCollect(call->daemon->drv->domains);
    gint32 n = 0;
    guint i;

    for (i = 0; i < all->len; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);

        gvDomainObjLock(obj);
        n += gvDomainObjIsActive(obj) == active ? 1 : 0;
        gvDomainObjUnlock(obj);
    }
    return n;
}

int
gvProcConnectNumOfDomains(gvCall *call, const gvRpcVoid *args, gvIntRet *ret, GError **error)
{
    ret->num = gvCountDomains(call, true);
    return 0;
}

int
gvProcConnectNumOfDefinedDomains(gvCall *call, const gvRpcVoid *args, gvIntRet *ret, GError **error)
{
    ret->num = gvCountDomains(call, false);
    return 0;
}

int
gvProcConnectListDomains(gvCall *call, const gvIntArgs *args, gvListDomainsRet *ret, GError **error)
{
    g_autoptr(GPtrArray) all = NULL;
    gint32 *ids;
    guint32 n = 0;
    guint i;

    if (args->num < 0 || args->num > GV_REMOTE_DOMAIN_LIST_MAX) {
        gvReportError(error, GV_ERR_RPC, "maxids > REMOTE_DOMAIN_LIST_MAX");
        return -1;
    }
    all = gvDomainObjListCollect(call->daemon->drv->domains);
    gvXdrArrayAlloc(&ret->ids, MIN(all->len, (guint)args->num), sizeof(gint32));
    ids = ret->ids.v;
    for (i = 0; i < all->len && n < ret->ids.n; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);

        gvDomainObjLock(obj);
        if (gvDomainObjIsActive(obj))
            ids[n++] = obj->def->id;
        gvDomainObjUnlock(obj);
    }
    ret->ids.n = n;
    return 0;
}

int
gvProcConnectListDefinedDomains(gvCall *call, const gvIntArgs *args, gvNamesRet *ret,
                                GError **error)
{
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    guint i;

    if (args->num < 0 || args->num > GV_REMOTE_DOMAIN_LIST_MAX) {
        gvReportError(error, GV_ERR_RPC, "maxnames > REMOTE_DOMAIN_LIST_MAX");
        return -1;
    }
    all = gvDomainObjListCollect(call->daemon->drv->domains);
    for (i = 0; i < all->len && names->len < (guint)args->num; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);

        gvDomainObjLock(obj);
        if (!gvDomainObjIsActive(obj))
            g_ptr_array_add(names, g_strdup(obj->def->name));
        gvDomainObjUnlock(obj);
    }
    gvCallSetNames(&ret->names, names, (guint)args->num);
    return 0;
}

/* ---- define / undefine ---------------------------------------------------- */

int
gvProcDomainDefineXML(gvCall *call, const gvXMLArgs *args, gvDomainRet *ret, GError **error)
{
    return gvSetDomainRet(&ret->dom, gvDriverDefineXML(call->daemon->drv, args->xml, 0, error));
}

int
gvProcDomainDefineXMLFlags(gvCall *call, const gvXMLFlagsArgs *args, gvDomainRet *ret,
                           GError **error)
{
    return gvSetDomainRet(&ret->dom,
                          gvDriverDefineXML(call->daemon->drv, args->xml, args->flags, error));
}

int
gvProcDomainUndefine(gvCall *call, const gvDomainArgs *args, gvRpcVoid *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    return obj ? gvDriverUndefine(call->daemon->drv, obj, 0, error) : -1;
}

int
gvProcDomainUndefineFlags(gvCall *call, const gvDomainFlagsArgs *args, gvRpcVoid *ret,
                          GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    return obj ? gvDriverUndefine(call->daemon->drv, obj, args->flags, error) : -1;
}

/* ---- information ---------------------------------------------------------- */

int
gvProcDomainGetXMLDesc(gvCall *call, const gvDomainFlagsArgs *args, gvStringRet *ret,
                       GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj)
        return -1;
    if (gvCallCheckFlags(call, args->flags,
                         GV_DOMAIN_XML_SECURE | GV_DOMAIN_XML_INACTIVE | GV_DOMAIN_XML_UPDATE_CPU |
                             GV_DOMAIN_XML_MIGRATABLE,
                         error) < 0)
        return -1;
    /* like libvirt: read-only connections get neither secrets nor migratable XML */
    if ((args->flags & (GV_DOMAIN_XML_SECURE | GV_DOMAIN_XML_MIGRATABLE)) && call->readonly) {
        gvReportError(error, GV_ERR_OPERATION_DENIED, "virDomainGetXMLDesc with secure flag");
        return -1;
    }
    /* read-write connections see the genid value, read-only ones never */
    ret->str = gvDriverGetXMLDesc(call->daemon->drv, obj, args->flags, !call->readonly);
    return 0;
}

int
gvProcDomainGetState(gvCall *call, const gvDomainFlagsArgs *args, gvDomainGetStateRet *ret,
                     GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj || gvCallCheckFlags(call, args->flags, 0, error) < 0)
        return -1;
    gvDomainObjLock(obj);
    ret->state = obj->state;
    ret->reason = obj->reason;
    gvDomainObjUnlock(obj);
    return 0;
}

int
gvProcDomainGetInfo(gvCall *call, const gvDomainArgs *args, gvDomainGetInfoRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj)
        return -1;
    gvDomainObjLock(obj);
    ret->state = obj->state;
    ret->maxMem = obj->def->memory;
    ret->memory = obj->def->currentMemory;
    ret->nrVirtCpu = gvDomainDefGetVcpus(obj->def);
    ret->cpuTime = gvDomainObjIsActive(obj) ? gvQemuProcessCPUTime(obj) : 0;
    gvDomainObjUnlock(obj);
    return 0;
}

int
gvProcDomainGetOSType(gvCall *call, const gvDomainArgs *args, gvStringRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj)
        return -1;
    gvDomainObjLock(obj);
    ret->str = g_strdup(gvDomainOSTypeToString(obj->def->os.type));
    gvDomainObjUnlock(obj);
    return 0;
}

/* One boolean property of a domain, read under its lock */
static int
gvDomainBool(gvCall *call, const gvRemoteDomain *dom, gvIntRet *ret,
             bool (*get)(const gvDomainObj *obj), GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, dom, error);

    if (!obj)
        return -1;
    gvDomainObjLock(obj);
    ret->num = get(obj) ? 1 : 0;
    gvDomainObjUnlock(obj);
    return 0;
}

static bool
gvDomainObjGetPersistent(const gvDomainObj *obj)
{
    return obj->persistent;
}

static bool
gvDomainObjGetAutostart(const gvDomainObj *obj)
{
    return obj->autostart;
}

int
gvProcDomainIsActive(gvCall *call, const gvDomainArgs *args, gvIntRet *ret, GError **error)
{
    return gvDomainBool(call, &args->dom, ret, gvDomainObjIsActive, error);
}

int
gvProcDomainIsPersistent(gvCall *call, const gvDomainArgs *args, gvIntRet *ret, GError **error)
{
    return gvDomainBool(call, &args->dom, ret, gvDomainObjGetPersistent, error);
}

int
gvProcDomainGetAutostart(gvCall *call, const gvDomainArgs *args, gvIntRet *ret, GError **error)
{
    return gvDomainBool(call, &args->dom, ret, gvDomainObjGetAutostart, error);
}

int
gvProcDomainGetSecurityLabel(gvCall *call, const gvDomainArgs *args, gvSecurityLabelRet *ret,
                             GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj)
        return -1;
    gvXdrOpaqueSet(&ret->label, "", 1); /* "\0", as libvirtd without a security driver */
    return 0;
}

int
gvProcDomainGetMessages(gvCall *call, const gvDomainFlagsArgs *args, gvDomainGetMessagesRet *ret,
                        GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    return obj ? 0 : -1;
}

/* ---- lifecycle ------------------------------------------------------------ */

typedef int (*gvDomainOp)(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);

static int
gvDomainDo(gvCall *call, const gvRemoteDomain *dom, unsigned int flags, gvDomainOp op,
           GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, dom, error);

    return obj ? op(call->daemon->drv, obj, flags, error) : -1;
}

static int
gvDriverDomainSuspendFlags(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    return gvDriverDomainSuspend(drv, obj, error);
}

static int
gvDriverDomainResumeFlags(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    return gvDriverDomainResume(drv, obj, error);
}

int
gvProcDomainCreate(gvCall *call, const gvDomainArgs *args, gvRpcVoid *ret, GError **error)
{
    return gvDomainDo(call, &args->dom, 0, gvDriverDomainCreate, error);
}

int
gvProcDomainCreateWithFlags(gvCall *call, const gvDomainFlagsArgs *args, gvDomainRet *ret,
                            GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj || gvDriverDomainCreate(call->daemon->drv, obj, args->flags, error) < 0)
        return -1;
    gvCallSetDomain(&ret->dom, obj);
    return 0;
}

int
gvProcDomainCreateXML(gvCall *call, const gvXMLFlagsArgs *args, gvDomainRet *ret, GError **error)
{
    return gvSetDomainRet(
        &ret->dom, gvDriverDomainCreateXML(call->daemon->drv, args->xml, args->flags, error));
}

int
gvProcDomainDestroy(gvCall *call, const gvDomainArgs *args, gvRpcVoid *ret, GError **error)
{
    return gvDomainDo(call, &args->dom, 0, gvDriverDomainDestroy, error);
}

int
gvProcDomainDestroyFlags(gvCall *call, const gvDomainFlagsArgs *args, gvRpcVoid *ret,
                         GError **error)
{
    return gvDomainDo(call, &args->dom, args->flags, gvDriverDomainDestroy, error);
}

int
gvProcDomainShutdown(gvCall *call, const gvDomainArgs *args, gvRpcVoid *ret, GError **error)
{
    return gvDomainDo(call, &args->dom, 0, gvDriverDomainShutdown, error);
}

int
gvProcDomainShutdownFlags(gvCall *call, const gvDomainFlagsArgs *args, gvRpcVoid *ret,
                          GError **error)
{
    return gvDomainDo(call, &args->dom, args->flags, gvDriverDomainShutdown, error);
}

int
gvProcDomainReboot(gvCall *call, const gvDomainFlagsArgs *args, gvRpcVoid *ret, GError **error)
{
    return gvDomainDo(call, &args->dom, args->flags, gvDriverDomainReboot, error);
}

int
gvProcDomainSuspend(gvCall *call, const gvDomainArgs *args, gvRpcVoid *ret, GError **error)
{
    return gvDomainDo(call, &args->dom, 0, gvDriverDomainSuspendFlags, error);
}

int
gvProcDomainResume(gvCall *call, const gvDomainArgs *args, gvRpcVoid *ret, GError **error)
{
    return gvDomainDo(call, &args->dom, 0, gvDriverDomainResumeFlags, error);
}

int
gvProcDomainSetAutostart(gvCall *call, const gvDomainSetAutostartArgs *args, gvRpcVoid *ret,
                         GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    return obj ? gvDriverDomainSetAutostart(call->daemon->drv, obj, args->autostart != 0, error)
               : -1;
}

/* ---- metadata -------------------------------------------------------------- */

int
gvProcDomainSetMetadata(gvCall *call, const gvDomainSetMetadataArgs *args, gvRpcVoid *ret,
                        GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj)
        return -1;
    return gvDriverDomainSetMetadata(call->daemon->drv, obj, args->type, args->metadata, args->key,
                                     args->uri, args->flags, error);
}

int
gvProcDomainGetMetadata(gvCall *call, const gvDomainGetMetadataArgs *args, gvStringRet *ret,
                        GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj)
        return -1;
    ret->str = gvDriverDomainGetMetadata(call->daemon->drv, obj, args->type, args->uri, args->flags,
                                         error);
    return ret->str ? 0 : -1;
}

/* ---- graphics -------------------------------------------------------------- */

int
gvProcDomainOpenGraphicsFD(gvCall *call, const gvDomainOpenGraphicsFDArgs *args, gvRpcVoid *ret,
                           GError **error)
{
    g_autoptr(gvDomainObj) obj = NULL;

    /* an fd travels only over a UNIX socket (SCM_RIGHTS) */
    if (gvNetServerClientGetTransport(call->client) != GV_NET_SERVER_TRANSPORT_UNIX) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED,
                      "fd passing is not supported by this connection");
        return -1;
    }
    if (!(obj = gvCallLookupDomain(call, &args->dom, error)))
        return -1;
    return gvDriverDomainOpenGraphicsFD(call->daemon->drv, obj, args->idx, args->flags,
                                        &call->replyFd, error);
}

/* ---- the QEMU program ----------------------------------------------------- */

int
gvProcQemuDomainMonitorCommand(gvCall *call, const gvMonitorCommandArgs *args, gvStringRet *ret,
                               GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj)
        return -1;
    return gvDriverDomainMonitorCommand(call->daemon->drv, obj, args->cmd, args->flags, &ret->str,
                                        error);
}

/* ---- genvirt's own program ------------------------------------------------ */

int
gvProcGenvirtDomainGetLiveGenid(gvCall *call, const gvDomainArgs *args, gvLiveGenidRet *ret,
                                GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    /* the reply struct is wiped when freed */
    return obj ? gvDriverDomainGetLiveGenid(call->daemon->drv, obj, ret->guid, error) : -1;
}

int
gvProcGenvirtDomainGenidRenew(gvCall *call, const gvDomainFlagsArgs *args, gvRpcVoid *ret,
                              GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    return obj ? gvQemuDomainGenidRenew(call->daemon->drv, obj, args->flags, error) : -1;
}

int
gvProcGenvirtDomainClone(gvCall *call, const gvDomainCloneArgs *args, gvDomainRet *ret,
                         GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    g_autoptr(GPtrArray) files = g_ptr_array_new();
    guint i;

    if (!obj)
        return -1;
    for (i = 0; i < args->files.n; i++)
        g_ptr_array_add(files, ((char **)args->files.v)[i]);
    g_ptr_array_add(files, NULL);
    return gvSetDomainRet(&ret->dom,
                          gvQemuDomainClone(call->daemon->drv, obj, args->name,
                                            (const char *const *)files->pdata, args->flags, error));
}
