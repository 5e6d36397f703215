/*
 * qemu_domain_edit.c: memory, vCPUs and the name of a domain
 */
#include <gvconfig.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gverror.h"
#include "gvfile.h"
#include "qemu_domain_edit.h"
#include "qemu_driver.h"
#include "qemu_monitor_stats.h"
#include "qemu_process.h"
#include "qemu_snapshot.h"
#include "qemu_stats.h"

#define GV_EDIT_QMP_TIMEOUT_MS 10000
/* how long a guest may take to release an unplugged vCPU */
#define GV_EDIT_VCPU_UNPLUG_WAIT_MS 5000

/* ---- helpers (job held, @obj locked) ------------------------------------- */

typedef int (*gvEditFunc)(gvDomainDef *def, gconstpointer opaque, GError **error);

/*
 * Changes the persistent definition with @fn, on a copy that is validated
 * and written durably before it replaces the old one.  Serialized with
 * defines (the define lock, then the object lock).
 */
static int
gvEditConfig(gvDriver *drv, gvDomainObj *obj, gvEditFunc fn, gconstpointer opaque, GError **error)
{
    g_autoptr(gvDomainDef) def = NULL;
    int rc = -1;

    gvDomainObjUnlock(obj);
    g_mutex_lock(&drv->defineLock);
    gvDomainObjLock(obj);
    def = gvDomainDefCopy(gvDomainObjGetPersistentDef(obj), error);
    gvDomainObjUnlock(obj);
    if (def && fn(def, opaque, error) == 0 && gvDomainDefValidate(def, error) == 0 &&
        gvDriverSaveConfig(drv, def, error) == 0)
        rc = 0;
    gvDomainObjLock(obj);
    if (rc == 0) {
        if (gvDomainObjIsActive(obj)) {
            gvDomainDefFree(obj->newDef);
            obj->newDef = g_steal_pointer(&def);
        } else {
            gvDomainDefFree(obj->def);
            obj->def = g_steal_pointer(&def);
        }
    }
    g_mutex_unlock(&drv->defineLock);
    return rc;
}

/* The monitor of running @obj (a reference) */
static gvQemuMonitor *
gvEditMonitor(gvDomainObj *obj, GError **error)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);

    if (!priv->mon) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "the QEMU monitor of domain '%s' is not connected", obj->def->name);
        return NULL;
    }
    return gvQemuMonitorRef(priv->mon);
}

static void
gvEditSaveStatus(gvDriver *drv, gvDomainObj *obj)
{
    g_autoptr(GError) local = NULL;

    if (gvQemuProcessWriteStatus(drv, obj, &local) < 0)
        g_warning("domain '%s': %s", obj->def->name, local->message);
}

/* ---- memory --------------------------------------------------------------- */

typedef struct {
    guint64 memory;
    bool maximum;
} gvEditMemory;

static int
gvEditMemoryConfig(gvDomainDef *def, gconstpointer opaque, GError **error)
{
    const gvEditMemory *m = opaque;

    if (m->maximum) {
        def->memory = m->memory;
        if (def->currentMemory > m->memory)
            def->currentMemory = m->memory;
        return 0;
    }
    if (m->memory > def->memory) {
        gvReportError(error, GV_ERR_INVALID_ARG, "cannot set memory higher than max memory");
        return -1;
    }
    def->currentMemory = m->memory;
    return 0;
}

/* 1: the balloon asked for @memory KiB, 0: there is no balloon, -1: an error */
static int
gvEditBalloonSet(gvQemuMonitor *mon, guint64 memory, GError **error)
{
    g_autofree char *errClass = NULL;
    g_autoptr(GError) local = NULL;
    json_object *args;

    if (gvQemuMonitorCallFinish(gvQemuMonitorCallStart(mon, "query-balloon", NULL, NULL),
                                GV_EDIT_QMP_TIMEOUT_MS, NULL, &errClass, &local) < 0) {
        if (errClass && g_str_equal(errClass, "DeviceNotActive"))
            return 0;
        g_propagate_error(error, g_steal_pointer(&local));
        return -1;
    }
    args = json_object_new_object();
    json_object_object_add(args, "value", json_object_new_int64((gint64)(memory * 1024)));
    if (gvQemuMonitorCommand(mon, "balloon", args, GV_EDIT_QMP_TIMEOUT_MS, NULL, error) < 0)
        return -1;
    return 1;
}

/* Asks the balloon for @memory KiB; with @obj locked */
static int
gvEditBalloon(gvDriver *drv, gvDomainObj *obj, guint64 memory, GError **error)
{
    gvQemuMonitor *mon = gvEditMonitor(obj, error);
    int rc;

    if (!mon)
        return -1;
    gvDomainObjUnlock(obj);
    rc = gvEditBalloonSet(mon, memory, error);
    if (rc == 0) {
        gvReportError(
            error, GV_ERR_OPERATION_INVALID,
            "Unable to change memory of active domain without the balloon device and guest OS balloon driver");
        rc = -1;
    } else if (rc > 0) {
        rc = 0;
    }
    gvQemuMonitorUnref(mon);
    gvDomainObjLock(obj);
    if (rc == 0 && gvDomainObjIsActive(obj)) {
        obj->def->currentMemory = memory;
        gvEditSaveStatus(drv, obj);
    }
    return rc;
}

int
gvQemuDomainSetMemoryFlags(gvDriver *drv, gvDomainObj *obj, guint64 memory, unsigned int flags,
                           GError **error)
{
    unsigned int known = GV_DOMAIN_AFFECT_LIVE | GV_DOMAIN_AFFECT_CONFIG | GV_DOMAIN_MEM_MAXIMUM;
    gvEditMemory m = { memory, (flags & GV_DOMAIN_MEM_MAXIMUM) != 0 };
    int rc = -1;

    if (flags & ~known) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~known, "virDomainSetMemoryFlags");
        return -1;
    }
    if (memory == 0 || memory > GV_DOMAIN_MEMORY_MAX_KIB) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "invalid memory size %llu KiB: expected 1 to %llu KiB",
                      (unsigned long long)memory, GV_DOMAIN_MEMORY_MAX_KIB);
        return -1;
    }
    if (gvDriverBeginJob(obj, "set-memory", error) < 0)
        return -1;
    if (gvQemuDomainImpact(obj, &flags, error) < 0)
        goto cleanup;
    if (flags & GV_DOMAIN_AFFECT_LIVE) {
        if (m.maximum) {
            gvReportError(error, GV_ERR_OPERATION_INVALID,
                          "cannot resize the maximum memory on an active domain");
            goto cleanup;
        }
        if (memory > obj->def->memory) {
            gvReportError(error, GV_ERR_INVALID_ARG, "cannot set memory higher than max memory");
            goto cleanup;
        }
        if (gvEditBalloon(drv, obj, memory, error) < 0)
            goto cleanup;
    }
    if ((flags & GV_DOMAIN_AFFECT_CONFIG) &&
        gvEditConfig(drv, obj, gvEditMemoryConfig, &m, error) < 0)
        goto cleanup;
    rc = 0;

cleanup:
    gvDriverEndJob(obj);
    return rc;
}

/* ---- vCPUs ------------------------------------------------------------------ */

typedef struct {
    unsigned int nvcpus;
    bool maximum;
} gvEditVcpus;

static int
gvEditVcpusConfig(gvDomainDef *def, gconstpointer opaque, GError **error)
{
    const gvEditVcpus *v = opaque;
    unsigned int current = gvDomainDefGetVcpus(def);

    if (v->maximum) {
        def->vcpus = v->nvcpus;
        current = MIN(current, v->nvcpus);
    } else if (v->nvcpus > def->vcpus) {
        gvReportError(
            error, GV_ERR_INVALID_ARG,
            "requested vcpus is greater than max allowable vcpus for the persistent domain: %u > %u",
            v->nvcpus, def->vcpus);
        return -1;
    } else {
        current = v->nvcpus;
    }
    def->vcpusCurrent = current == def->vcpus ? 0 : current;
    return 0;
}

/* The vCPUs QEMU runs now, or -1 */
static int
gvEditCountCpus(gvQemuMonitor *mon, GError **error)
{
    g_autoptr(json_object) ret = NULL;
    g_autoptr(GPtrArray) cpus = NULL;

    if (gvQemuMonitorCommand(mon, "query-cpus-fast", NULL, GV_EDIT_QMP_TIMEOUT_MS, &ret, error) <
            0 ||
        gvQmpParseCpusFast(ret, &cpus, error) < 0)
        return -1;
    return (int)cpus->len;
}

/* The id genvirt gives a vCPU it hot-plugs: "vcpuN" */
static bool
gvEditIsHotplugged(const gvQmpHotpluggableCpu *slot)
{
    return slot->qomPath && g_str_has_prefix(slot->qomPath, "/machine/peripheral/vcpu");
}

/*
 * Brings the running vCPUs from @current to @want: device_add into empty
 * slots, or device_del of hot-plugged ones (the guest has to let go).
 * Returns the count QEMU runs afterwards in @done, and 0 or -1.
 */
static int
gvEditHotplug(gvQemuMonitor *mon, const char *name, unsigned int current, unsigned int want,
              unsigned int *done, GError **error)
{
    g_autoptr(json_object) ret = NULL;
    g_autoptr(GPtrArray) slots = NULL;
    unsigned int n = current;
    gint64 deadline;
    guint i;

    *done = current;
    if (gvQemuMonitorCommand(mon, "query-hotpluggable-cpus", NULL, GV_EDIT_QMP_TIMEOUT_MS, &ret,
                             error) < 0 ||
        gvQmpParseHotpluggableCpus(ret, &slots, error) < 0)
        return -1;
    for (i = 0; want > current && i < slots->len && n < want; i++) {
        const gvQmpHotpluggableCpu *slot = g_ptr_array_index(slots, i);
        g_autofree char *id = NULL;
        json_object *args;
        json_object_iter it;

        if (slot->qomPath)
            continue;
        id = g_strdup_printf("vcpu%u", n);
        args = json_object_new_object();
        json_object_object_add(args, "driver", json_object_new_string(slot->type));
        json_object_object_add(args, "id", json_object_new_string(id));
        json_object_object_foreachC(slot->props, it)
        {
            json_object_object_add(args, it.key, json_object_get(it.val));
        }
        if (gvQemuMonitorCommand(mon, "device_add", args, GV_EDIT_QMP_TIMEOUT_MS, NULL, error) < 0)
            return -1;
        *done = ++n;
    }
    if (want > current && n < want) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "QEMU has no empty vCPU slot for domain '%s' past %u vCPUs", name, n);
        return -1;
    }
    if (want >= current)
        return 0;

    /* unplug, newest first: only what was hot-plugged can go */
    for (i = slots->len; i-- > 0 && n > want;) {
        const gvQmpHotpluggableCpu *slot = g_ptr_array_index(slots, i);
        json_object *args;

        if (!gvEditIsHotplugged(slot))
            continue;
        args = json_object_new_object();
        json_object_object_add(args, "id", json_object_new_string(strrchr(slot->qomPath, '/') + 1));
        if (gvQemuMonitorCommand(mon, "device_del", args, GV_EDIT_QMP_TIMEOUT_MS, NULL, error) < 0)
            return -1;
        n--;
    }
    if (n > want) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "domain '%s' booted with its vCPUs: only hot-plugged ones can be unplugged, %u would be left",
            name, n);
        return -1;
    }
    deadline = g_get_monotonic_time() + GV_EDIT_VCPU_UNPLUG_WAIT_MS * 1000;
    for (;;) {
        int running = gvEditCountCpus(mon, error);

        if (running < 0)
            return -1;
        *done = (unsigned int)running;
        if ((unsigned int)running <= want)
            return 0;
        if (g_get_monotonic_time() > deadline) {
            gvReportError(
                error, GV_ERR_OPERATION_FAILED,
                "the guest of domain '%s' did not release its vCPUs within %d ms (%d run): it may still do so",
                name, GV_EDIT_VCPU_UNPLUG_WAIT_MS, running);
            return -1;
        }
        g_usleep(50 * 1000);
    }
}

static int
gvEditVcpusLive(gvDriver *drv, gvDomainObj *obj, unsigned int nvcpus, GError **error)
{
    unsigned int current = gvDomainDefGetVcpus(obj->def);
    unsigned int max = obj->def->vcpus;
    g_autofree char *name = g_strdup(obj->def->name);
    unsigned int done = current;
    gvQemuMonitor *mon;
    int rc;

    if (nvcpus > max) {
        gvReportError(
            error, GV_ERR_INVALID_ARG,
            "requested vcpus is greater than max allowable vcpus for the live domain: %u > %u",
            nvcpus, max);
        return -1;
    }
    if (nvcpus == current)
        return 0;
    if (!(mon = gvEditMonitor(obj, error)))
        return -1;
    gvDomainObjUnlock(obj);
    rc = gvEditHotplug(mon, name, current, nvcpus, &done, error);
    gvQemuMonitorUnref(mon);
    gvDomainObjLock(obj);
    /* what QEMU runs now, whatever happened */
    if (done != current && gvDomainObjIsActive(obj)) {
        obj->def->vcpusCurrent = done == max ? 0 : done;
        gvEditSaveStatus(drv, obj);
    }
    return rc;
}

int
gvQemuDomainSetVcpusFlags(gvDriver *drv, gvDomainObj *obj, unsigned int nvcpus, unsigned int flags,
                          GError **error)
{
    unsigned int known = GV_DOMAIN_AFFECT_LIVE | GV_DOMAIN_AFFECT_CONFIG | GV_DOMAIN_VCPU_MAXIMUM |
                         GV_DOMAIN_VCPU_GUEST;
    gvEditVcpus v = { nvcpus, (flags & GV_DOMAIN_VCPU_MAXIMUM) != 0 };
    int rc = -1;

    if (flags & ~known) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~known, "virDomainSetVcpusFlags");
        return -1;
    }
    if (nvcpus == 0) {
        gvReportError(error, GV_ERR_INVALID_ARG, "invalid vCPU count 0: a domain needs one");
        return -1;
    }
    if (flags & GV_DOMAIN_VCPU_GUEST) {
        gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED,
                      "the vCPUs the guest sees need a guest agent, which genvirt does not use");
        return -1;
    }
    if (gvDriverBeginJob(obj, "set-vcpus", error) < 0)
        return -1;
    if (gvQemuDomainImpact(obj, &flags, error) < 0)
        goto cleanup;
    if ((flags & GV_DOMAIN_AFFECT_LIVE) && v.maximum) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "maximum vcpu count of a live domain can't be modified");
        goto cleanup;
    }
    if ((flags & GV_DOMAIN_AFFECT_LIVE) && gvEditVcpusLive(drv, obj, nvcpus, error) < 0)
        goto cleanup;
    if ((flags & GV_DOMAIN_AFFECT_CONFIG) &&
        gvEditConfig(drv, obj, gvEditVcpusConfig, &v, error) < 0)
        goto cleanup;
    rc = 0;

cleanup:
    gvDriverEndJob(obj);
    return rc;
}

/* ---- rename ------------------------------------------------------------------ */

/* The autostart link follows the config; with the define lock held */
static void
gvEditRenameAutostart(gvDriver *drv, const char *oldName, const char *newName)
{
    g_autofree char *oldLink = gvDriverAutostartPath(drv, oldName);
    g_autofree char *newLink = gvDriverAutostartPath(drv, newName);
    g_autofree char *target = gvDriverConfigPath(drv, newName);

    (void)unlink(newLink);
    if (symlink(target, newLink) < 0)
        g_warning("cannot create the autostart link '%s': %s", newLink, g_strerror(errno));
    if (unlink(oldLink) < 0 && errno != ENOENT)
        g_warning("cannot remove the autostart link '%s': %s", oldLink, g_strerror(errno));
}

int
gvQemuDomainRename(gvDriver *drv, gvDomainObj *obj, const char *newName, unsigned int flags,
                   GError **error)
{
    g_autoptr(gvDomainDef) def = NULL;
    g_autoptr(gvDomainObj) taken = NULL;
    g_autofree char *oldName = NULL;
    g_autofree char *oldFile = NULL;
    g_autofree char *newFile = NULL;
    char *xml = NULL;
    bool autostart;
    int rc = -1;

    if (flags != 0) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s", flags,
                      "virDomainRename");
        return -1;
    }
    if (!newName) {
        gvReportError(error, GV_ERR_INVALID_ARG, "new_name in virDomainRename must not be NULL");
        return -1;
    }
    if (gvDomainDefValidateName(newName, error) < 0)
        return -1;
    if (gvDriverBeginJob(obj, "rename", error) < 0)
        return -1;
    if (gvDomainObjIsActive(obj)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "cannot rename active domain");
        gvDriverEndJob(obj);
        return -1;
    }
    if (!obj->persistent) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "cannot rename a transient domain");
        gvDriverEndJob(obj);
        return -1;
    }
    if (g_str_equal(obj->def->name, newName)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "cannot rename domain '%s' to its own name",
                      newName);
        gvDriverEndJob(obj);
        return -1;
    }
    oldName = g_strdup(obj->def->name);
    gvDomainObjUnlock(obj);

    /* no define or undefine meanwhile: names stay as checked */
    g_mutex_lock(&drv->defineLock);
    if ((taken = gvDomainObjListFindByName(drv->domains, newName))) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain with name '%s' already exists",
                      newName);
        goto unlocked;
    }
    gvDomainObjLock(obj);
    def = gvDomainDefCopy(obj->def, error);
    autostart = obj->autostart;
    gvDomainObjUnlock(obj);
    if (!def)
        goto unlocked;
    g_free(def->name);
    def->name = g_strdup(newName);
    xml = gvDomainDefFormat(def, GV_DOMAIN_DEF_FORMAT_INACTIVE | GV_DOMAIN_DEF_FORMAT_SECURE);
    oldFile = g_strdup_printf("%s.xml", oldName);
    newFile = g_strdup_printf("%s.xml", newName);

    /* the snapshots first: a restart finds them again by the domain's uuid */
    if (gvQemuSnapshotMoveDir(drv, oldName, newName, error) < 0)
        goto unlocked;
    if (gvJournalRename(drv->configs, oldFile, newFile, xml, strlen(xml), error) < 0) {
        g_autoptr(GError) local = NULL;

        if (gvQemuSnapshotMoveDir(drv, newName, oldName, &local) < 0)
            g_warning("domain '%s': %s", oldName, local->message);
        goto unlocked;
    }
    if (autostart)
        gvEditRenameAutostart(drv, oldName, newName);
    (void)gvDomainObjListRename(drv->domains, obj, oldName, newName);

    gvDomainObjLock(obj);
    /* as libvirt: the old name goes (undefined), the new one comes (defined) */
    gvDriverEmitEvent(drv, obj, GV_DOMAIN_EVENT_ID_LIFECYCLE, GV_DOMAIN_EVENT_UNDEFINED,
                      GV_DOMAIN_EVENT_UNDEFINED_RENAMED);
    gvDomainDefFree(obj->def);
    obj->def = g_steal_pointer(&def);
    gvDriverEmitEvent(drv, obj, GV_DOMAIN_EVENT_ID_LIFECYCLE, GV_DOMAIN_EVENT_DEFINED,
                      GV_DOMAIN_EVENT_DEFINED_RENAMED);
    gvQemuSnapshotRenameDomain(drv, obj);
    gvDomainObjUnlock(obj);
    g_message("domain '%s' renamed to '%s'", oldName, newName);
    rc = 0;

unlocked:
    g_mutex_unlock(&drv->defineLock);
    gvSecretFree(xml);
    gvDomainObjLock(obj);
    gvDriverEndJob(obj);
    return rc;
}
