/*
 * qemu_renew.c: a new generation ID on demand
 */
#include <gvconfig.h>

#include <unistd.h>

#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvfile.h"
#include "gvsaveimage.h"
#include "qemu_driver.h"
#include "qemu_managedsave.h"
#include "qemu_renew.h"
#include "qemu_save.h"

/* Refusals that do not depend on the state (@obj locked) */
static int
gvQemuRenewCheck(gvDomainObj *obj, GError **error)
{
    const gvDomainDef *config = gvDomainObjGetPersistentDef(obj);

    if (!obj->persistent) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "domain '%s' is transient: it has no config to hold a new genid guid",
                      obj->def->name);
        return -1;
    }
    if (!config->genid || !obj->def->genid) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain '%s' has no genid device",
                      obj->def->name);
        return -1;
    }
    if (config->genid->autoGen == GV_TRISTATE_BOOL_NO) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "the genid guid of domain '%s' is fixed (auto='no' in "
                      "<devices>/<genid>/<guid>): genvirt never changes it; define another "
                      "value instead",
                      obj->def->name);
        return -1;
    }
    if (gvQemuManagedSaveExists(obj)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "domain '%s' has a managed save image, which would restore the old "
                      "genid guid: start it and renew with --restart, or remove the image "
                      "(managedsave-remove)",
                      obj->def->name);
        return -1;
    }
    return 0;
}

/* Shut off: the config gets a value never seen before, durably */
static int
gvQemuRenewInactive(gvDriver *drv, gvDomainObj *obj, GError **error)
{
    g_autoptr(gvDomainDef) config = gvDomainDefCopy(obj->def, error);

    if (!config || gvDomainGenidDefRegenerate(config->genid, error) < 0)
        return -1;
    GV_CRASH_POINT("renew:guid-chosen");
    if (gvDriverSaveConfig(drv, config, error) < 0)
        return -1;
    GV_CRASH_POINT("renew:persisted");
    gvDomainDefFree(obj->def);
    obj->def = g_steal_pointer(&config);
    gvDriverEmitEvent(drv, obj, GV_DOMAIN_EVENT_ID_GENID_CHANGED, 0, GV_DOMAIN_GENID_CHANGED_RENEW);
    g_message("domain '%s': a new genid guid, at the user's request (renew)", obj->def->name);
    return 0;
}

static int
gvQemuRenewRemoveImage(gpointer opaque, GError **error)
{
    return gvFileRemoveDurable(opaque, error);
}

/* Running: save to a temporary image, restore from it with a new value */
static int
gvQemuRenewRestart(gvDriver *drv, gvDomainObj *obj, GError **error)
{
    g_autofree char *dir = g_build_filename(drv->stateDir, "save", NULL);
    g_autofree char *path = g_strdup_printf("%s/%s.renew", dir, obj->def->name);
    g_autoptr(gvDomainDef) def = NULL;
    gvQemuRestoreOpts opts = { .genidReason = GV_DOMAIN_GENID_CHANGED_RENEW };
    guint32 state;
    int fd = -1;
    int rc;

    if (gvDirEnsure(dir, 0700, error) < 0 || gvQemuSaveLocked(drv, obj, path, NULL, 0, error) < 0)
        return -1;
    /* the guest's state is in the image, its QEMU gone, the new one not started */
    GV_CRASH_POINT("renew:saved");
    if (gvQemuSaveImageLoad(path, &def, &state, &fd, error) < 0)
        goto failed;
    opts.paused = state == GV_SAVE_IMAGE_STATE_PAUSED;
    opts.beforeRun = gvQemuRenewRemoveImage;
    opts.opaque = path;
    rc = gvQemuRestoreLocked(drv, obj, g_steal_pointer(&def), fd, &opts, error);
    close(fd);
    if (rc == 0) {
        g_message("domain '%s': restarted with a new genid guid (renew --restart)", obj->def->name);
        return 0;
    }

failed:
    /* the guest's state is in the image, unless it went just before the guest ran */
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        gvErrorPrefix(error, "the guest's state is kept in '%s' (virsh restore it): ", path);
        g_warning("domain '%s': renew --restart failed; its state is kept in '%s'", obj->def->name,
                  path);
    }
    return -1;
}

int
gvQemuDomainGenidRenew(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    int rc = -1;

    if (flags & ~GV_DOMAIN_GENID_RENEW_RESTART) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~GV_DOMAIN_GENID_RENEW_RESTART, "gvDomainGenidRenew");
        return -1;
    }
    /* configs change under the define lock, taken before any domain lock */
    g_mutex_lock(&drv->defineLock);
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, "genid-renew", GV_JOB_TIMEOUT_MS, error) < 0)
        goto unlock;
    if (gvQemuRenewCheck(obj, error) < 0)
        goto cleanup;
    if (!gvDomainObjIsActive(obj)) {
        rc = gvQemuRenewInactive(drv, obj, error);
    } else if (!(flags & GV_DOMAIN_GENID_RENEW_RESTART)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "domain '%s' is running: QEMU cannot change the genid guid of a running "
                      "guest; shut it off first, or use --restart (a save to a temporary image "
                      "and a restore with a new value: the guest runs on and sees the change)",
                      obj->def->name);
    } else {
        /* the restore's config write takes no define lock: a save takes long */
        g_mutex_unlock(&drv->defineLock);
        rc = gvQemuRenewRestart(drv, obj, error);
        gvDomainObjEndJob(obj);
        gvDomainObjUnlock(obj);
        return rc;
    }

cleanup:
    gvDomainObjEndJob(obj);
unlock:
    gvDomainObjUnlock(obj);
    g_mutex_unlock(&drv->defineLock);
    return rc;
}
