/*
 * qemu_snapshot.c: internal snapshots (qcow2) and revert with a new GUID
 */
#include <gvconfig.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gvbuffer.h"
#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvfile.h"
#include "gvxml.h"
#include "qemu_driver.h"
#include "qemu_process.h"
#include "qemu_img.h"
#include "qemu_snapshot.h"

static char *
gvQemuSnapshotDir(gvDriver *drv, const char *domain)
{
    return g_strdup_printf("%s/snapshots/%s", drv->stateDir, domain);
}

static gvDomainSnapshotDef *
gvQemuSnapshotFind(gvQemuDomainPriv *priv, const char *name)
{
    guint i;

    for (i = 0; i < priv->snapshots->len; i++) {
        gvDomainSnapshotDef *s = g_ptr_array_index(priv->snapshots, i);

        if (g_str_equal(s->name, name))
            return s;
    }
    return NULL;
}

static gvDomainSnapshotDef *
gvQemuSnapshotFindOrError(gvDomainObj *obj, const char *name, GError **error)
{
    gvDomainSnapshotDef *s = gvQemuSnapshotFind(gvQemuDomainGetPriv(obj), name);

    if (!s)
        gvReportError(error, GV_ERR_NO_DOMAIN_SNAPSHOT,
                      "no domain snapshot with matching name '%s'", name);
    return s;
}

static int
gvQemuSnapshotSaveMetadata(gvDriver *drv, const char *domain, const gvDomainSnapshotDef *def,
                           GError **error)
{
    g_autofree char *dir = gvQemuSnapshotDir(drv, domain);
    g_autofree char *path = g_strdup_printf("%s/%s.xml", dir, def->name);
    char *xml;
    int rc;

    if (gvDirEnsure(dir, 0700, error) < 0)
        return -1;
    xml = gvDomainSnapshotDefFormat(def, true);
    rc = gvFileWriteAtomic(path, xml, strlen(xml), 0600, error);
    gvSecretFree(xml);
    return rc;
}

static int
gvQemuSnapshotSetCurrent(gvDriver *drv, gvDomainObj *obj, const char *name, GError **error)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    g_autofree char *dir = gvQemuSnapshotDir(drv, obj->def->name);
    g_autofree char *path = g_strdup_printf("%s/current", dir);

    g_free(priv->currentSnapshot);
    priv->currentSnapshot = g_strdup(name);
    if (!name)
        return gvFileRemoveDurable(path, error);
    if (gvDirEnsure(dir, 0700, error) < 0)
        return -1;
    return gvFileWriteAtomic(path, name, strlen(name), 0600, error);
}

static gint
gvQemuSnapshotCompareTime(gconstpointer a, gconstpointer b)
{
    const gvDomainSnapshotDef *x = *(const gvDomainSnapshotDef *const *)a;
    const gvDomainSnapshotDef *y = *(const gvDomainSnapshotDef *const *)b;

    if (x->creationTime != y->creationTime)
        return x->creationTime < y->creationTime ? -1 : 1;
    return g_strcmp0(x->name, y->name);
}

/* The uuid of the domain whose snapshots directory @dir is, from one of them */
static bool
gvQemuSnapshotDirUUID(const char *dir, unsigned char uuid[GV_UUID_BUFLEN])
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autofree char *xml = NULL;
        g_autoptr(gvDomainSnapshotDef) def = NULL;
        size_t len;

        if (gvFileIsAtomicTemp(name) || !g_str_has_suffix(name, ".xml") ||
            gvFileReadBounded(path, GV_XML_MAX_LEN, &xml, &len, NULL) < 0)
            continue;
        def = gvDomainSnapshotDefParseString(xml, NULL);
        explicit_bzero(xml, len);
        if (def && def->dom) {
            memcpy(uuid, def->dom->uuid, GV_UUID_BUFLEN);
            return true;
        }
    }
    return false;
}

/*
 * A rename moves a domain's snapshots directory before its config: a crash
 * in between leaves the directory under the other name.  Each directory
 * no domain has the name of goes back to the domain its snapshots are of,
 * when that one has none of its own.
 */
static void
gvQemuSnapshotAdoptOrphans(gvDriver *drv)
{
    g_autofree char *top = g_strdup_printf("%s/snapshots", drv->stateDir);
    g_autoptr(GDir) d = g_dir_open(top, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *dir = g_build_filename(top, name, NULL);
        g_autoptr(gvDomainObj) byName = gvDomainObjListFindByName(drv->domains, name);
        g_autoptr(gvDomainObj) owner = NULL;
        g_autofree char *target = NULL;
        unsigned char uuid[GV_UUID_BUFLEN];

        if (byName || !g_file_test(dir, G_FILE_TEST_IS_DIR) || !gvQemuSnapshotDirUUID(dir, uuid) ||
            !(owner = gvDomainObjListFindByUUID(drv->domains, uuid)))
            continue;
        target = gvQemuSnapshotDir(drv, owner->def->name);
        if (g_file_test(target, G_FILE_TEST_EXISTS))
            continue;
        if (rename(dir, target) < 0) {
            g_warning("cannot move the snapshots '%s' of domain '%s' to '%s': %s", dir,
                      owner->def->name, target, g_strerror(errno));
            continue;
        }
        g_message("the snapshots in '%s' are of domain '%s' (renamed): moved to '%s'", dir,
                  owner->def->name, target);
        (void)gvFsyncDir(top, NULL);
    }
}

void
gvQemuSnapshotLoadAll(gvDriver *drv)
{
    g_autoptr(GPtrArray) all = NULL;
    guint i;

    gvQemuSnapshotAdoptOrphans(drv);
    all = gvDomainObjListCollect(drv->domains);

    for (i = 0; i < all->len; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);
        g_autofree char *dir = NULL;
        g_autoptr(GDir) d = NULL;
        g_autofree char *current = NULL;
        g_autofree char *currentPath = NULL;
        gvQemuDomainPriv *priv;
        const char *name;

        gvDomainObjLock(obj);
        priv = gvQemuDomainGetPriv(obj);
        dir = gvQemuSnapshotDir(drv, obj->def->name);
        if (!(d = g_dir_open(dir, 0, NULL))) {
            gvDomainObjUnlock(obj);
            continue;
        }
        while ((name = g_dir_read_name(d))) {
            g_autofree char *path = g_build_filename(dir, name, NULL);
            g_autoptr(GError) error = NULL;
            g_autofree char *xml = NULL;
            gvDomainSnapshotDef *def;
            size_t len;

            if (gvFileIsAtomicTemp(name)) {
                (void)unlink(path);
                continue;
            }
            if (!g_str_has_suffix(name, ".xml"))
                continue;
            if (gvFileReadBounded(path, GV_XML_MAX_LEN, &xml, &len, &error) < 0 ||
                !(def = gvDomainSnapshotDefParseString(xml, &error))) {
                g_warning("cannot load snapshot metadata '%s': %s", path, error->message);
                continue;
            }
            explicit_bzero(xml, len);
            g_ptr_array_add(priv->snapshots, def);
        }
        /* oldest first: parents come before their children */
        g_ptr_array_sort(priv->snapshots, gvQemuSnapshotCompareTime);
        currentPath = g_strdup_printf("%s/current", dir);
        if (g_file_get_contents(currentPath, &current, NULL, NULL) &&
            gvQemuSnapshotFind(priv, current))
            priv->currentSnapshot = g_steal_pointer(&current);
        gvDomainObjUnlock(obj);
    }
}

/* qemu-img snapshot -c|-a|-d NAME FILE */
static int
gvQemuImgSnapshot(const char *op, const char *name, const char *file, GError **error)
{
    const char *argv[] = { GV_QEMU_IMG, "snapshot", op, name, file, NULL };
    g_autofree char *what = g_strdup_printf("qemu-img snapshot %s '%s' of '%s'", op, name, file);

    return gvQemuImgRun(argv, what, error);
}

/* The same operation on every writable disk of @def */
static int
gvQemuImgSnapshotAll(const gvDomainDef *def, const char *op, const char *name, GError **error)
{
    g_autofree char *vmstate = NULL;
    json_object *devices = gvQemuProcessSnapshotDevices(def, &vmstate, error);
    guint i;

    if (!devices)
        return -1;
    json_object_put(devices);
    for (i = 0; i < def->disks->len; i++) {
        const gvDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (disk->src && !disk->readonly && gvQemuImgSnapshot(op, name, disk->src, error) < 0)
            return -1;
    }
    return 0;
}

/* snapshot-save or snapshot-delete job on the running QEMU of @obj (unlocked) */
static int
gvQemuSnapshotJob(gvQemuMonitor *mon, const gvDomainDef *def, const char *command, const char *name,
                  GError **error)
{
    g_autofree char *vmstate = NULL;
    json_object *devices = gvQemuProcessSnapshotDevices(def, &vmstate, error);
    json_object *args;
    g_autofree char *jobId = g_strdup_printf("gv-%s", command);

    if (!devices)
        return -1;
    args = json_object_new_object();
    json_object_object_add(args, "job-id", json_object_new_string(jobId));
    json_object_object_add(args, "tag", json_object_new_string(name));
    if (g_str_equal(command, "snapshot-save"))
        json_object_object_add(args, "vmstate", json_object_new_string(vmstate));
    json_object_object_add(args, "devices", devices);
    return gvQemuMonitorRunJob(mon, command, args, jobId, 600000, error);
}

/*
 * The metadata of snapshot @def, just taken, could not be written (a full
 * disk): the snapshot goes from the images too, so that none exists
 * without its metadata, and @oldCurrent (taken) is current again.  With
 * @obj locked and its job held.  Errors are logged: the caller reports
 * the first one.
 */
static void
gvQemuSnapshotCreateUndo(gvDriver *drv, gvDomainObj *obj, const gvDomainSnapshotDef *def,
                         char *oldCurrent)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    g_autofree char *dir = gvQemuSnapshotDir(drv, obj->def->name);
    g_autofree char *path = g_strdup_printf("%s/%s.xml", dir, def->name);
    g_autoptr(GError) local = NULL;
    int rc;

    (void)unlink(path);
    g_free(priv->currentSnapshot);
    priv->currentSnapshot = oldCurrent;
    if (gvDomainObjIsActive(obj) && priv->mon) {
        gvQemuMonitor *mon = gvQemuMonitorRef(priv->mon);

        gvDomainObjUnlock(obj);
        rc = gvQemuSnapshotJob(mon, def->dom, "snapshot-delete", def->name, &local);
        gvQemuMonitorUnref(mon);
        gvDomainObjLock(obj);
    } else {
        gvDomainObjUnlock(obj);
        rc = gvQemuImgSnapshotAll(def->dom, "-d", def->name, &local);
        gvDomainObjLock(obj);
    }
    if (rc < 0)
        g_warning("domain '%s': snapshot '%s' has no metadata and stays in its images: %s",
                  obj->def->name, def->name, local->message);
    else
        g_message("domain '%s': snapshot '%s' removed again: its metadata could not be written",
                  obj->def->name, def->name);
}

char *
gvQemuSnapshotCreate(gvDriver *drv, gvDomainObj *obj, const char *xml, unsigned int flags,
                     GError **error)
{
    g_autoptr(gvDomainSnapshotDef) def = NULL;
    gvQemuDomainPriv *priv;
    gvQemuMonitor *mon = NULL;
    g_autofree char *oldCurrent = NULL;
    char *ret = NULL;
    int rc;

    if (flags != 0) {
        gvReportError(
            error, GV_ERR_ARGUMENT_UNSUPPORTED,
            "snapshot flags 0x%x are not supported: genvirt takes internal snapshots of memory and disks",
            flags);
        return NULL;
    }
    if (!(def = gvDomainSnapshotDefParseRequest(xml, error)))
        return NULL;
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, "snapshot-create", GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        return NULL;
    }
    priv = gvQemuDomainGetPriv(obj);
    if (!def->name)
        def->name = g_strdup_printf("%" G_GINT64_FORMAT, g_get_real_time() / G_USEC_PER_SEC);
    if (gvQemuSnapshotFind(priv, def->name)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "snapshot '%s' already exists for domain '%s'", def->name, obj->def->name);
        goto cleanup;
    }
    def->creationTime = g_get_real_time() / G_USEC_PER_SEC;
    def->parent = g_strdup(priv->currentSnapshot);
    if (!(def->dom = gvDomainDefCopy(obj->def, error)))
        goto cleanup;
    def->dom->id = -1;

    if (gvDomainObjIsActive(obj)) {
        def->state =
            obj->state == GV_DOMAIN_PAUSED ? GV_SNAPSHOT_STATE_PAUSED : GV_SNAPSHOT_STATE_RUNNING;
        if (!(mon = priv->mon)) {
            gvReportError(error, GV_ERR_OPERATION_INVALID, "the QEMU monitor is not connected");
            goto cleanup;
        }
        gvQemuMonitorRef(mon);
        gvDomainObjUnlock(obj);
        rc = gvQemuSnapshotJob(mon, def->dom, "snapshot-save", def->name, error);
        gvQemuMonitorUnref(mon);
        gvDomainObjLock(obj);
    } else {
        def->state = GV_SNAPSHOT_STATE_SHUTOFF;
        gvDomainObjUnlock(obj);
        rc = gvQemuImgSnapshotAll(def->dom, "-c", def->name, error);
        gvDomainObjLock(obj);
    }
    if (rc < 0)
        goto cleanup;
    /* the images hold the snapshot; its metadata is not written yet */
    GV_CRASH_POINT("snapshot:taken");
    oldCurrent = g_strdup(priv->currentSnapshot);
    if (gvQemuSnapshotSaveMetadata(drv, obj->def->name, def, error) < 0) {
        gvQemuSnapshotCreateUndo(drv, obj, def, g_steal_pointer(&oldCurrent));
        goto cleanup;
    }
    GV_CRASH_POINT("snapshot:metadata-written");
    if (gvQemuSnapshotSetCurrent(drv, obj, def->name, error) < 0) {
        gvQemuSnapshotCreateUndo(drv, obj, def, g_steal_pointer(&oldCurrent));
        goto cleanup;
    }
    ret = g_strdup(def->name);
    g_ptr_array_add(priv->snapshots, g_steal_pointer(&def));
    g_message("domain '%s': snapshot '%s' created", obj->def->name, ret);

cleanup:
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    return ret;
}

int
gvQemuSnapshotRevert(gvDriver *drv, gvDomainObj *obj, const char *name, unsigned int flags,
                     GError **error)
{
    gvQemuDomainPriv *priv;
    gvDomainSnapshotDef *snap;
    g_autoptr(gvDomainDef) def = NULL;
    unsigned int startFlags = 0;
    bool start;
    bool newGenid = false;
    int rc = -1;

    if (flags &
        ~(GV_SNAPSHOT_REVERT_RUNNING | GV_SNAPSHOT_REVERT_PAUSED | GV_SNAPSHOT_REVERT_FORCE)) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s", flags,
                      "virDomainRevertToSnapshot");
        return -1;
    }
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, "snapshot-revert", GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        return -1;
    }
    priv = gvQemuDomainGetPriv(obj);
    if (!(snap = gvQemuSnapshotFindOrError(obj, name, error)))
        goto cleanup;
    if (!snap->dom) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "snapshot '%s' has no domain definition to revert to", name);
        goto cleanup;
    }

    /* the definition of that time, with a GUID never seen before */
    if (!(def = gvDomainDefCopy(snap->dom, error)))
        goto cleanup;
    /* under the name the domain has now (it may have been renamed since) */
    g_free(def->name);
    def->name = g_strdup(obj->def->name);
    if (def->genid) {
        int regenerated = gvDomainGenidDefRegenerate(def->genid, error);

        if (regenerated < 0)
            goto cleanup;
        /* never equal to the current value either */
        while (regenerated > 0 && obj->def->genid &&
               memcmp(def->genid->guid, obj->def->genid->guid, GV_UUID_BUFLEN) == 0)
            if ((regenerated = gvDomainGenidDefRegenerate(def->genid, error)) < 0)
                goto cleanup;
        newGenid = regenerated > 0;
        if (regenerated == 0)
            g_warning(
                "domain '%s': genid is fixed (auto='no'): reverting to snapshot '%s' without telling the guest",
                obj->def->name, name);
    }

    /* stop whatever runs: a revert is always a fresh QEMU */
    if (gvDomainObjIsActive(obj) &&
        gvQemuProcessStop(drv, obj, GV_DOMAIN_SHUTOFF_FROM_SNAPSHOT, false, error) < 0)
        goto cleanup;
    /* the old QEMU is gone, the new GUID not yet persisted */
    GV_CRASH_POINT("revert:old-stopped");

    /* persist the new GUID first */
    if (obj->persistent && gvDriverSaveConfig(drv, def, error) < 0)
        goto cleanup;
    /* persisted; no QEMU has it yet */
    GV_CRASH_POINT("revert:guid-persisted");
    gvDomainDefFree(obj->def);
    obj->def = g_steal_pointer(&def);
    g_clear_pointer(&obj->newDef, gvDomainDefFree);
    if (obj->persistent)
        gvDriverEmitEvent(drv, obj, GV_DOMAIN_EVENT_ID_LIFECYCLE, GV_DOMAIN_EVENT_DEFINED,
                          GV_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT);

    if (snap->state == GV_SNAPSHOT_STATE_SHUTOFF) {
        gvDomainObjUnlock(obj);
        rc = gvQemuImgSnapshotAll(obj->def, "-a", name, error);
        gvDomainObjLock(obj);
        if (rc < 0)
            goto cleanup;
        GV_CRASH_POINT("revert:images-reverted");
        rc = -1;
        obj->state = GV_DOMAIN_SHUTOFF; /* it was, and stays, shut off: no event */
        obj->reason = GV_DOMAIN_SHUTOFF_FROM_SNAPSHOT;
        start = flags & (GV_SNAPSHOT_REVERT_RUNNING | GV_SNAPSHOT_REVERT_PAUSED);
        if (flags & GV_SNAPSHOT_REVERT_PAUSED)
            startFlags |= GV_DOMAIN_START_PAUSED;
        if (start && gvQemuProcessStart(drv, obj, startFlags, NULL, NULL, error) < 0)
            goto cleanup;
    } else {
        if ((snap->state == GV_SNAPSHOT_STATE_PAUSED && !(flags & GV_SNAPSHOT_REVERT_RUNNING)) ||
            (flags & GV_SNAPSHOT_REVERT_PAUSED))
            startFlags |= GV_DOMAIN_START_PAUSED;
        if (gvQemuProcessStart(drv, obj, startFlags, name, NULL, error) < 0)
            goto cleanup;
    }
    GV_CRASH_POINT("revert:started");
    if (gvQemuSnapshotSetCurrent(drv, obj, name, error) < 0)
        goto cleanup;
    /* the value (never in an event) is stored and, if running, checked over QMP */
    if (newGenid)
        gvDriverEmitEvent(drv, obj, GV_DOMAIN_EVENT_ID_GENID_CHANGED, 0,
                          GV_DOMAIN_GENID_CHANGED_REVERT);
    g_message("domain '%s' reverted to snapshot '%s'%s", obj->def->name, name,
              obj->def->genid && obj->def->genid->autoGen == GV_TRISTATE_BOOL_YES
                  ? " with a new genid"
                  : "");
    rc = 0;

cleanup:
    (void)priv;
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    return rc;
}

/* Collects @name's descendants, deepest first */
static void
gvQemuSnapshotDescendants(gvQemuDomainPriv *priv, const char *name, GPtrArray *out)
{
    guint i;

    for (i = 0; i < priv->snapshots->len; i++) {
        gvDomainSnapshotDef *s = g_ptr_array_index(priv->snapshots, i);

        if (s->parent && g_str_equal(s->parent, name)) {
            gvQemuSnapshotDescendants(priv, s->name, out);
            g_ptr_array_add(out, s);
        }
    }
}

static int
gvQemuSnapshotDeleteOne(gvDriver *drv, gvDomainObj *obj, gvDomainSnapshotDef *snap,
                        bool metadataOnly, GError **error)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    g_autofree char *dir = gvQemuSnapshotDir(drv, obj->def->name);
    g_autofree char *path = g_strdup_printf("%s/%s.xml", dir, snap->name);
    g_autofree char *name = g_strdup(snap->name);
    guint i;
    int rc = 0;

    if (!metadataOnly) {
        if (gvDomainObjIsActive(obj) && priv->mon) {
            gvQemuMonitor *mon = gvQemuMonitorRef(priv->mon);
            g_autoptr(gvDomainDef) def = gvDomainDefCopy(obj->def, error);

            gvDomainObjUnlock(obj);
            rc = def ? gvQemuSnapshotJob(mon, def, "snapshot-delete", name, error) : -1;
            gvQemuMonitorUnref(mon);
            gvDomainObjLock(obj);
        } else {
            gvDomainObjUnlock(obj);
            rc = gvQemuImgSnapshotAll(obj->def, "-d", name, error);
            gvDomainObjLock(obj);
        }
        if (rc < 0)
            return -1;
    }
    if (gvFileRemoveDurable(path, error) < 0)
        return -1;
    snap = gvQemuSnapshotFind(priv, name);
    /* children move up to the parent */
    for (i = 0; snap && i < priv->snapshots->len; i++) {
        gvDomainSnapshotDef *s = g_ptr_array_index(priv->snapshots, i);

        if (s->parent && g_str_equal(s->parent, name)) {
            g_free(s->parent);
            s->parent = g_strdup(snap->parent);
            if (gvQemuSnapshotSaveMetadata(drv, obj->def->name, s, error) < 0)
                return -1;
        }
    }
    if (priv->currentSnapshot && g_str_equal(priv->currentSnapshot, name) &&
        gvQemuSnapshotSetCurrent(drv, obj, snap ? snap->parent : NULL, error) < 0)
        return -1;
    if (snap)
        g_ptr_array_remove(priv->snapshots, snap);
    return 0;
}

int
gvQemuSnapshotDelete(gvDriver *drv, gvDomainObj *obj, const char *name, unsigned int flags,
                     GError **error)
{
    g_autoptr(GPtrArray) victims = g_ptr_array_new();
    gvDomainSnapshotDef *snap;
    guint i;
    int rc = -1;

    if (flags & ~(GV_SNAPSHOT_DELETE_CHILDREN | GV_SNAPSHOT_DELETE_METADATA_ONLY |
                  GV_SNAPSHOT_DELETE_CHILDREN_ONLY)) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s", flags,
                      "virDomainSnapshotDelete");
        return -1;
    }
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, "snapshot-delete", GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        return -1;
    }
    if (!(snap = gvQemuSnapshotFindOrError(obj, name, error)))
        goto cleanup;
    if (flags & (GV_SNAPSHOT_DELETE_CHILDREN | GV_SNAPSHOT_DELETE_CHILDREN_ONLY))
        gvQemuSnapshotDescendants(gvQemuDomainGetPriv(obj), name, victims);
    if (!(flags & GV_SNAPSHOT_DELETE_CHILDREN_ONLY))
        g_ptr_array_add(victims, snap);
    for (i = 0; i < victims->len; i++) {
        g_autofree char *vname =
            g_strdup(((gvDomainSnapshotDef *)g_ptr_array_index(victims, i))->name);
        gvDomainSnapshotDef *v = gvQemuSnapshotFind(gvQemuDomainGetPriv(obj), vname);

        if (v && gvQemuSnapshotDeleteOne(drv, obj, v, flags & GV_SNAPSHOT_DELETE_METADATA_ONLY,
                                         error) < 0)
            goto cleanup;
    }
    rc = 0;
cleanup:
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    return rc;
}

static bool
gvQemuSnapshotHasChildren(gvQemuDomainPriv *priv, const char *name)
{
    guint i;

    for (i = 0; i < priv->snapshots->len; i++) {
        gvDomainSnapshotDef *s = g_ptr_array_index(priv->snapshots, i);

        if (s->parent && g_str_equal(s->parent, name))
            return true;
    }
    return false;
}

GPtrArray *
gvQemuSnapshotList(gvDomainObj *obj, const char *parent, bool descendants, unsigned int flags,
                   GError **error)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) pool = g_ptr_array_new();
    gvQemuDomainPriv *priv;
    guint i;

    gvDomainObjLock(obj);
    priv = gvQemuDomainGetPriv(obj);
    if (parent) {
        if (!gvQemuSnapshotFindOrError(obj, parent, error)) {
            gvDomainObjUnlock(obj);
            g_ptr_array_unref(names);
            return NULL;
        }
        if (descendants) {
            gvQemuSnapshotDescendants(priv, parent, pool);
        } else {
            for (i = 0; i < priv->snapshots->len; i++) {
                gvDomainSnapshotDef *s = g_ptr_array_index(priv->snapshots, i);

                if (s->parent && g_str_equal(s->parent, parent))
                    g_ptr_array_add(pool, s);
            }
        }
    } else {
        for (i = 0; i < priv->snapshots->len; i++) {
            gvDomainSnapshotDef *s = g_ptr_array_index(priv->snapshots, i);

            if (!(flags & GV_SNAPSHOT_LIST_ROOTS) || !s->parent)
                g_ptr_array_add(pool, s);
        }
    }
    for (i = 0; i < pool->len; i++) {
        gvDomainSnapshotDef *s = g_ptr_array_index(pool, i);
        bool leaf = !gvQemuSnapshotHasChildren(priv, s->name);
        bool active = s->state != GV_SNAPSHOT_STATE_SHUTOFF;

        if (((flags & GV_SNAPSHOT_LIST_LEAVES) && !leaf) ||
            ((flags & GV_SNAPSHOT_LIST_NO_LEAVES) && leaf) ||
            (flags & (GV_SNAPSHOT_LIST_NO_METADATA | GV_SNAPSHOT_LIST_DISK_ONLY |
                      GV_SNAPSHOT_LIST_EXTERNAL)))
            continue;
        if ((flags & (GV_SNAPSHOT_LIST_INACTIVE | GV_SNAPSHOT_LIST_ACTIVE)) &&
            !((flags & GV_SNAPSHOT_LIST_ACTIVE) && active) &&
            !((flags & GV_SNAPSHOT_LIST_INACTIVE) && !active))
            continue;
        g_ptr_array_add(names, g_strdup(s->name));
    }
    gvDomainObjUnlock(obj);
    return names;
}

char *
gvQemuSnapshotGetXML(gvDomainObj *obj, const char *name, bool secure, GError **error)
{
    gvDomainSnapshotDef *s;
    char *xml = NULL;

    gvDomainObjLock(obj);
    if ((s = gvQemuSnapshotFindOrError(obj, name, error)))
        xml = gvDomainSnapshotDefFormat(s, secure);
    gvDomainObjUnlock(obj);
    return xml;
}

int
gvQemuSnapshotExists(gvDomainObj *obj, const char *name, GError **error)
{
    int rc;

    gvDomainObjLock(obj);
    rc = gvQemuSnapshotFindOrError(obj, name, error) ? 0 : -1;
    gvDomainObjUnlock(obj);
    return rc;
}

int
gvQemuSnapshotGetParent(gvDomainObj *obj, const char *name, char **parent, GError **error)
{
    gvDomainSnapshotDef *s;
    int rc = -1;

    gvDomainObjLock(obj);
    if ((s = gvQemuSnapshotFindOrError(obj, name, error))) {
        if (s->parent) {
            *parent = g_strdup(s->parent);
            rc = 1;
        } else {
            gvReportError(error, GV_ERR_NO_DOMAIN_SNAPSHOT, "snapshot '%s' does not have a parent",
                          name);
        }
    }
    gvDomainObjUnlock(obj);
    return rc;
}

char *
gvQemuSnapshotCurrent(gvDomainObj *obj, GError **error)
{
    char *ret = NULL;

    gvDomainObjLock(obj);
    ret = g_strdup(gvQemuDomainGetPriv(obj)->currentSnapshot);
    if (!ret)
        gvReportError(error, GV_ERR_NO_DOMAIN_SNAPSHOT,
                      "the domain does not have a current snapshot");
    gvDomainObjUnlock(obj);
    return ret;
}

bool
gvQemuSnapshotIsCurrent(gvDomainObj *obj, const char *name)
{
    bool ret;

    gvDomainObjLock(obj);
    ret = g_strcmp0(gvQemuDomainGetPriv(obj)->currentSnapshot, name) == 0;
    gvDomainObjUnlock(obj);
    return ret;
}

guint
gvQemuSnapshotCount(gvDomainObj *obj)
{
    guint n;

    gvDomainObjLock(obj);
    n = gvQemuDomainGetPriv(obj)->snapshots->len;
    gvDomainObjUnlock(obj);
    return n;
}

/* With @obj locked */
int
gvQemuSnapshotRemoveAllMetadata(gvDriver *drv, gvDomainObj *obj, GError **error)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    g_autofree char *dir = gvQemuSnapshotDir(drv, obj->def->name);
    guint i;

    for (i = 0; i < priv->snapshots->len; i++) {
        gvDomainSnapshotDef *s = g_ptr_array_index(priv->snapshots, i);
        g_autofree char *path = g_strdup_printf("%s/%s.xml", dir, s->name);

        if (gvFileRemoveDurable(path, error) < 0)
            return -1;
    }
    g_ptr_array_set_size(priv->snapshots, 0);
    g_clear_pointer(&priv->currentSnapshot, g_free);
    {
        g_autofree char *cur = g_strdup_printf("%s/current", dir);

        (void)unlink(cur);
    }
    gvFileDropSpares(dir);
    if (rmdir(dir) < 0 && errno != ENOENT)
        g_warning("cannot remove '%s': %s", dir, g_strerror(errno));
    return 0;
}

int
gvQemuSnapshotMoveDir(gvDriver *drv, const char *oldName, const char *newName, GError **error)
{
    g_autofree char *top = g_strdup_printf("%s/snapshots", drv->stateDir);
    g_autofree char *from = gvQemuSnapshotDir(drv, oldName);
    g_autofree char *to = gvQemuSnapshotDir(drv, newName);

    if (!g_file_test(from, G_FILE_TEST_IS_DIR))
        return 0;
    if (g_file_test(to, G_FILE_TEST_EXISTS)) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "cannot move the snapshots of domain '%s': '%s' already exists", oldName, to);
        return -1;
    }
    if (rename(from, to) < 0) {
        gvReportSystemError(error, errno, "cannot move the snapshots '%s' to '%s'", from, to);
        return -1;
    }
    return gvFsyncDir(top, error);
}

void
gvQemuSnapshotRenameDomain(gvDriver *drv, gvDomainObj *obj)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    guint i;

    for (i = 0; i < priv->snapshots->len; i++) {
        gvDomainSnapshotDef *snap = g_ptr_array_index(priv->snapshots, i);
        g_autoptr(GError) local = NULL;

        if (!snap->dom)
            continue;
        g_free(snap->dom->name);
        snap->dom->name = g_strdup(obj->def->name);
        if (gvQemuSnapshotSaveMetadata(drv, obj->def->name, snap, &local) < 0)
            g_warning("domain '%s': snapshot '%s' keeps the old name in its metadata: %s",
                      obj->def->name, snap->name, local->message);
    }
}

int
gvQemuSnapshotUndefinePrepare(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);

    if (priv->snapshots->len > 0 && !gvDomainObjIsActive(obj) &&
        !(flags & GV_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "cannot delete inactive domain with %u snapshots", priv->snapshots->len);
        return -1;
    }
    if (flags & GV_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
        return gvQemuSnapshotRemoveAllMetadata(drv, obj, error);
    return 0;
}
