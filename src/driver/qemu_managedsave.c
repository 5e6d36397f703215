/*
 * qemu_managedsave.c: the managed save image
 */
#include <gvconfig.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvfile.h"
#include "gvsaveimage.h"
#include "qemu_driver.h"
#include "qemu_managedsave.h"
#include "qemu_process.h"
#include "qemu_save.h"

static char *
gvQemuManagedSaveDir(gvDriver *drv)
{
    return g_build_filename(drv->stateDir, "save", NULL);
}

char *
gvQemuManagedSavePath(gvDriver *drv, const char *name)
{
    return g_strdup_printf("%s/save/%s.save", drv->stateDir, name);
}

void
gvQemuManagedSaveProbe(gvDriver *drv, gvDomainObj *obj)
{
    g_autofree char *path = gvQemuManagedSavePath(drv, obj->def->name);

    gvQemuDomainGetPriv(obj)->managedSave = g_file_test(path, G_FILE_TEST_IS_REGULAR);
}

void
gvQemuManagedSaveLoadAll(gvDriver *drv)
{
    g_autofree char *dir = gvQemuManagedSaveDir(drv);
    g_autoptr(GPtrArray) all = gvDomainObjListCollect(drv->domains);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    guint i;

    /* a save that a crash cut short left only its temporary file */
    while (d && (name = g_dir_read_name(d))) {
        if (gvFileIsAtomicTemp(name)) {
            g_autofree char *path = g_build_filename(dir, name, NULL);

            g_message("removing '%s', left by an interrupted save", path);
            (void)unlink(path);
        }
    }
    for (i = 0; i < all->len; i++) {
        gvDomainObj *obj = g_ptr_array_index(all, i);

        gvDomainObjLock(obj);
        if (!gvDomainObjIsActive(obj)) {
            gvQemuManagedSaveProbe(drv, obj);
        } else {
            /*
             * A managed save that a crash cut short after its image was
             * complete but before its QEMU stopped: the QEMU runs on (the
             * reconnect resumes it), and the image, which the guest will
             * leave behind, must never be restored over its later state
             * with the same GUID
             */
            g_autofree char *path = gvQemuManagedSavePath(drv, obj->def->name);
            g_autoptr(GError) local = NULL;

            if (g_file_test(path, G_FILE_TEST_EXISTS)) {
                g_message("domain '%s' runs on: removing its managed save image '%s'",
                          obj->def->name, path);
                if (gvFileRemoveDurable(path, &local) < 0)
                    g_warning("%s", local->message);
            }
            gvQemuDomainGetPriv(obj)->managedSave = false;
        }
        gvDomainObjUnlock(obj);
    }
}

bool
gvQemuManagedSaveExists(gvDomainObj *obj)
{
    return gvQemuDomainGetPriv(obj)->managedSave;
}

static int
gvQemuManagedSaveBeginJob(gvDomainObj *obj, const char *job, bool needImage, GError **error)
{
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, job, GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        return -1;
    }
    if (needImage && !gvQemuDomainGetPriv(obj)->managedSave) {
        gvReportError(error, GV_ERR_OPERATION_INVALID, "domain does not have managed save image");
        gvDomainObjEndJob(obj);
        gvDomainObjUnlock(obj);
        return -1;
    }
    return 0;
}

static void
gvQemuManagedSaveEndJob(gvDomainObj *obj)
{
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
}

int
gvQemuManagedSave(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    unsigned int known =
        GV_DOMAIN_SAVE_BYPASS_CACHE | GV_DOMAIN_SAVE_RUNNING | GV_DOMAIN_SAVE_PAUSED;
    g_autofree char *dir = gvQemuManagedSaveDir(drv);
    g_autofree char *path = NULL;
    int rc = -1;

    if (flags & ~known) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~known, "virDomainManagedSave");
        return -1;
    }
    if ((flags & GV_DOMAIN_SAVE_RUNNING) && (flags & GV_DOMAIN_SAVE_PAUSED)) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "Flags 'VIR_DOMAIN_SAVE_RUNNING' and 'VIR_DOMAIN_SAVE_PAUSED' are mutually "
                      "exclusive");
        return -1;
    }
    if (gvQemuManagedSaveBeginJob(obj, "managed-save", false, error) < 0)
        return -1;
    if (!obj->persistent) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "cannot do managed save for transient domain");
        goto cleanup;
    }
    path = gvQemuManagedSavePath(drv, obj->def->name);
    if (gvDirEnsure(dir, 0700, error) < 0)
        goto cleanup;
    if ((rc = gvQemuSaveLocked(drv, obj, path, NULL, flags, error)) == 0) {
        gvQemuDomainGetPriv(obj)->managedSave = true;
        GV_CRASH_POINT("managedsave:done");
    }

cleanup:
    gvQemuManagedSaveEndJob(obj);
    return rc;
}

int
gvQemuManagedSaveRemoveLocked(gvDriver *drv, gvDomainObj *obj, GError **error)
{
    g_autofree char *path = gvQemuManagedSavePath(drv, obj->def->name);

    if (unlink(path) < 0) {
        gvReportSystemError(error, errno, "Failed to remove managed save file '%s'", path);
        return -1;
    }
    gvQemuDomainGetPriv(obj)->managedSave = false;
    {
        g_autofree char *dir = gvQemuManagedSaveDir(drv);

        return gvFsyncDir(dir, error);
    }
}

int
gvQemuManagedSaveRemove(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    int rc;

    if (flags != 0) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s", flags,
                      "virDomainManagedSaveRemove");
        return -1;
    }
    if (gvQemuManagedSaveBeginJob(obj, "managed-save-remove", false, error) < 0)
        return -1;
    rc = gvQemuManagedSaveRemoveLocked(drv, obj, error);
    gvQemuManagedSaveEndJob(obj);
    return rc;
}

char *
gvQemuManagedSaveGetXMLDesc(gvDriver *drv, gvDomainObj *obj, bool secure, GError **error)
{
    g_autofree char *path = NULL;
    char *xml;

    if (gvQemuManagedSaveBeginJob(obj, "managed-save-dumpxml", true, error) < 0)
        return NULL;
    path = gvQemuManagedSavePath(drv, obj->def->name);
    xml = gvQemuSaveImageGetXMLDesc(path, secure, error);
    gvQemuManagedSaveEndJob(obj);
    return xml;
}

int
gvQemuManagedSaveDefineXML(gvDriver *drv, gvDomainObj *obj, const char *dxml, unsigned int flags,
                           GError **error)
{
    g_autofree char *path = NULL;
    int rc;

    if (gvQemuManagedSaveBeginJob(obj, "managed-save-define", true, error) < 0)
        return -1;
    path = gvQemuManagedSavePath(drv, obj->def->name);
    rc = gvQemuSaveImageDefineXML(path, dxml, flags, error);
    gvQemuManagedSaveEndJob(obj);
    return rc;
}

/* Before the restored guest runs: the image goes, durably (it must never run twice) */
static int
gvQemuManagedSaveConsume(gpointer opaque, GError **error)
{
    if (gvFileRemoveDurable(opaque, error) < 0)
        return -1;
    /* the image is gone; the restored guest has not run yet */
    GV_CRASH_POINT("managedsave:consumed");
    return 0;
}

int
gvQemuManagedSaveStart(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error)
{
    gvQemuDomainPriv *priv = gvQemuDomainGetPriv(obj);
    g_autofree char *path = NULL;
    g_autoptr(gvDomainDef) def = NULL;
    gvQemuRestoreOpts opts = { .genidReason = -1 };
    char uuidstr[GV_UUID_STRING_BUFLEN];
    guint32 state;
    int fd = -1;
    int rc;

    if (gvDomainObjIsActive(obj) || !priv->managedSave)
        return 0;
    if (flags & GV_DOMAIN_START_FORCE_BOOT) {
        g_message("domain '%s': start --force-boot discards its managed save image",
                  obj->def->name);
        return gvQemuManagedSaveRemoveLocked(drv, obj, error);
    }
    path = gvQemuManagedSavePath(drv, obj->def->name);
    if (gvQemuSaveImageLoad(path, &def, &state, &fd, error) < 0)
        return -1;
    if (memcmp(def->uuid, obj->def->uuid, GV_UUID_BUFLEN) != 0 ||
        !g_str_equal(def->name, obj->def->name)) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "the managed save image '%s' holds domain '%s' (uuid %s), not this one: "
                      "remove it (managedsave-remove) or start with --force-boot",
                      path, def->name, gvUUIDFormat(def->uuid, uuidstr));
        close(fd);
        return -1;
    }
    opts.paused = (flags & GV_DOMAIN_START_PAUSED) || state == GV_SAVE_IMAGE_STATE_PAUSED;
    opts.userPaused = flags & GV_DOMAIN_START_PAUSED;
    opts.dropCache = flags & GV_DOMAIN_START_BYPASS_CACHE;
    opts.beforeRun = gvQemuManagedSaveConsume;
    opts.opaque = path;
    rc = gvQemuRestoreLocked(drv, obj, g_steal_pointer(&def), fd, &opts, error);
    close(fd);
    if (rc < 0) {
        /* the image stays, unless it went just before the guest would have run */
        priv->managedSave = g_file_test(path, G_FILE_TEST_IS_REGULAR);
        return -1;
    }
    priv->managedSave = false;
    GV_CRASH_POINT("managedsave:started");
    g_message("domain '%s' started from its managed save image", obj->def->name);
    return 1;
}
