/*
 * remote_snapshot.c: snapshot procedures
 */
#include <gvconfig.h>

#include "gverror.h"
#include "qemu_snapshot.h"
#include "remote_procs-gen.h"

static void
gvSetSnapshot(gvRemoteSnapshot *out, const char *name, gvDomainObj *obj)
{
    out->name = g_strdup(name);
    gvCallSetDomain(&out->dom, obj);
}

static int
gvCheckMaxNames(gint32 max, GError **error)
{
    if (max < 0 || max > GV_REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) {
        gvReportError(error, GV_ERR_RPC, "maxnames > REMOTE_DOMAIN_SNAPSHOT_LIST_MAX");
        return -1;
    }
    return 0;
}

/* The snapshots of @obj: children of @parent (NULL: all), LIST_ROOTS in @flags */
static GPtrArray *
gvSnapshotChildren(gvDomainObj *obj, const char *parent, unsigned int flags, GError **error)
{
    if (!parent)
        return gvQemuSnapshotList(obj, NULL, false, flags, error);
    return gvQemuSnapshotList(obj, parent, flags & GV_SNAPSHOT_LIST_ROOTS,
                              flags & ~GV_SNAPSHOT_LIST_ROOTS, error);
}

static void
gvSetSnapshotList(gvListAllSnapshotsRet *ret, gvDomainObj *obj, GPtrArray *names,
                  gint32 needResults)
{
    guint i;

    if (needResults) {
        gvXdrArrayAlloc(&ret->snapshots, names->len, sizeof(gvRemoteSnapshot));
        for (i = 0; i < names->len; i++)
            gvSetSnapshot(&((gvRemoteSnapshot *)ret->snapshots.v)[i], g_ptr_array_index(names, i),
                          obj);
    }
    ret->ret = (gint32)names->len;
}

int
gvProcDomainSnapshotCreateXML(gvCall *call, const gvSnapshotCreateXMLArgs *args, gvSnapshotRet *ret,
                              GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    g_autofree char *name = NULL;

    if (!obj)
        return -1;
    if (!(name = gvQemuSnapshotCreate(call->daemon->drv, obj, args->xml, args->flags, error)))
        return -1;
    gvSetSnapshot(&ret->snap, name, obj);
    return 0;
}

int
gvProcDomainSnapshotGetXMLDesc(gvCall *call, const gvSnapshotFlagsArgs *args, gvStringRet *ret,
                               GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->snap.dom, error);

    if (!obj)
        return -1;
    if ((args->flags & GV_DOMAIN_XML_SECURE) && call->readonly) {
        gvReportError(error, GV_ERR_OPERATION_DENIED,
                      "virDomainSnapshotGetXMLDesc with secure flag");
        return -1;
    }
    ret->str = gvQemuSnapshotGetXML(obj, args->snap.name, !call->readonly, error);
    return ret->str ? 0 : -1;
}

int
gvProcDomainSnapshotNum(gvCall *call, const gvDomainFlagsArgs *args, gvIntRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    g_autoptr(GPtrArray) names = NULL;

    if (!obj || !(names = gvSnapshotChildren(obj, NULL, args->flags, error)))
        return -1;
    ret->num = (gint32)names->len;
    return 0;
}

int
gvProcDomainSnapshotListNames(gvCall *call, const gvSnapshotListNamesArgs *args,
                              gvSnapshotNamesRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    g_autoptr(GPtrArray) names = NULL;

    if (!obj || gvCheckMaxNames(args->maxnames, error) < 0 ||
        !(names = gvSnapshotChildren(obj, NULL, args->flags, error)))
        return -1;
    gvCallSetNames(&ret->names, names, (guint)args->maxnames);
    return 0;
}

int
gvProcDomainSnapshotLookupByName(gvCall *call, const gvSnapshotLookupByNameArgs *args,
                                 gvSnapshotRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj || gvQemuSnapshotExists(obj, args->name, error) < 0)
        return -1;
    gvSetSnapshot(&ret->snap, args->name, obj);
    return 0;
}

int
gvProcDomainHasCurrentSnapshot(gvCall *call, const gvDomainFlagsArgs *args, gvIntRet *ret,
                               GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    g_autofree char *cur = NULL;

    if (!obj)
        return -1;
    cur = gvQemuSnapshotCurrent(obj, NULL);
    ret->num = cur ? 1 : 0;
    return 0;
}

int
gvProcDomainSnapshotCurrent(gvCall *call, const gvDomainFlagsArgs *args, gvSnapshotRet *ret,
                            GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    g_autofree char *cur = NULL;

    if (!obj || !(cur = gvQemuSnapshotCurrent(obj, error)))
        return -1;
    gvSetSnapshot(&ret->snap, cur, obj);
    return 0;
}

int
gvProcDomainRevertToSnapshot(gvCall *call, const gvSnapshotFlagsArgs *args, gvRpcVoid *ret,
                             GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->snap.dom, error);

    if (!obj)
        return -1;
    return gvQemuSnapshotRevert(call->daemon->drv, obj, args->snap.name, args->flags, error);
}

int
gvProcDomainSnapshotDelete(gvCall *call, const gvSnapshotFlagsArgs *args, gvRpcVoid *ret,
                           GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->snap.dom, error);

    if (!obj)
        return -1;
    return gvQemuSnapshotDelete(call->daemon->drv, obj, args->snap.name, args->flags, error);
}

int
gvProcDomainSnapshotGetParent(gvCall *call, const gvSnapshotFlagsArgs *args, gvSnapshotRet *ret,
                              GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->snap.dom, error);
    g_autofree char *parent = NULL;

    if (!obj || gvQemuSnapshotGetParent(obj, args->snap.name, &parent, error) < 0)
        return -1;
    gvSetSnapshot(&ret->snap, parent, obj);
    return 0;
}

int
gvProcDomainSnapshotNumChildren(gvCall *call, const gvSnapshotFlagsArgs *args, gvIntRet *ret,
                                GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->snap.dom, error);
    g_autoptr(GPtrArray) names = NULL;

    if (!obj || !(names = gvSnapshotChildren(obj, args->snap.name, args->flags, error)))
        return -1;
    ret->num = (gint32)names->len;
    return 0;
}

int
gvProcDomainSnapshotListChildrenNames(gvCall *call, const gvSnapshotListChildrenNamesArgs *args,
                                      gvSnapshotNamesRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->snap.dom, error);
    g_autoptr(GPtrArray) names = NULL;

    if (!obj || gvCheckMaxNames(args->maxnames, error) < 0 ||
        !(names = gvSnapshotChildren(obj, args->snap.name, args->flags, error)))
        return -1;
    gvCallSetNames(&ret->names, names, (guint)args->maxnames);
    return 0;
}

int
gvProcDomainSnapshotIsCurrent(gvCall *call, const gvSnapshotFlagsArgs *args, gvIntRet *ret,
                              GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->snap.dom, error);

    if (!obj || gvQemuSnapshotExists(obj, args->snap.name, error) < 0)
        return -1;
    ret->num = gvQemuSnapshotIsCurrent(obj, args->snap.name) ? 1 : 0;
    return 0;
}

int
gvProcDomainSnapshotHasMetadata(gvCall *call, const gvSnapshotFlagsArgs *args, gvIntRet *ret,
                                GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->snap.dom, error);

    if (!obj || gvQemuSnapshotExists(obj, args->snap.name, error) < 0)
        return -1;
    ret->num = 1;
    return 0;
}

int
gvProcDomainListAllSnapshots(gvCall *call, const gvListAllSnapshotsArgs *args,
                             gvListAllSnapshotsRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    g_autoptr(GPtrArray) names = NULL;

    if (!obj || !(names = gvSnapshotChildren(obj, NULL, args->flags, error)))
        return -1;
    gvSetSnapshotList(ret, obj, names, args->needResults);
    return 0;
}

int
gvProcDomainSnapshotListAllChildren(gvCall *call, const gvSnapshotListAllChildrenArgs *args,
                                    gvListAllSnapshotsRet *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->snap.dom, error);
    g_autoptr(GPtrArray) names = NULL;

    if (!obj || !(names = gvSnapshotChildren(obj, args->snap.name, args->flags, error)))
        return -1;
    gvSetSnapshotList(ret, obj, names, args->needResults);
    return 0;
}
