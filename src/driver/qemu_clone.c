/*
 * qemu_clone.c: a copy of a machine with a generation of its own
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvfile.h"
#include "gvreflink.h"
#include "qemu_clone.h"
#include "qemu_driver.h"
#include "qemu_img.h"
#include "qemu_process.h"

/* How the clone's disks are made (from the GV_DOMAIN_CLONE_* flags) */
typedef enum {
    GV_CLONE_MODE_OVERLAY = 0, /* qcow2 overlays of the source's images (default) */
    GV_CLONE_MODE_COPY, /* qemu-img convert: the active layer */
    GV_CLONE_MODE_REFLINK, /* FICLONE of each whole file, then its snapshots dropped */
    GV_CLONE_MODE_LAST
} gvCloneMode;

static const char *
gvCloneModeMade(gvCloneMode mode)
{
    switch (mode) {
    case GV_CLONE_MODE_OVERLAY:
        return "overlays";
    case GV_CLONE_MODE_COPY:
        return "copies";
    case GV_CLONE_MODE_REFLINK:
        return "reflinks";
    case GV_CLONE_MODE_LAST:
        break;
    }
    return "?";
}

/* One disk to give the clone: its new file, and the source's new top (overlay mode) */
typedef struct {
    gvDomainDiskDef *clone; /* in the clone's definition */
    gvDomainDiskDef *source; /* in the source's new definition */
    char *base; /* the file both read from now on */
    char *path; /* the clone's */
    char *top; /* the source's overlay (overlay mode) */
} gvCloneDisk;

static void
gvCloneDiskClear(gvCloneDisk *d)
{
    g_free(d->base);
    g_free(d->path);
    g_free(d->top);
}

static const char *
gvCloneFormatName(gvDomainDiskFormat fmt)
{
    switch (fmt) {
    case GV_DOMAIN_DISK_FORMAT_QCOW2:
        return "qcow2";
    case GV_DOMAIN_DISK_FORMAT_NONE:
    case GV_DOMAIN_DISK_FORMAT_RAW:
    case GV_DOMAIN_DISK_FORMAT_LAST:
        break;
    }
    return "raw";
}

/* The new file @path: 0600, its data and its directory entry durable */
static int
gvCloneSeal(const char *path, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);

    if (chmod(path, 0600) < 0) {
        gvReportSystemError(error, errno, "cannot make '%s' mode 0600", path);
        return -1;
    }
    if (gvFileSync(path, error) < 0)
        return -1;
    return gvFsyncDir(dir, error);
}

/* A qcow2 overlay @path backed by @base (@fmt) */
static int
gvCloneOverlay(const char *base, gvDomainDiskFormat fmt, const char *path, GError **error)
{
    const char *argv[] = { GV_QEMU_IMG, "create", "-q", "-f", "qcow2", "-F", gvCloneFormatName(fmt),
                           "-b",        base,     path, NULL };
    g_autofree char *what = g_strdup_printf("qemu-img create of the overlay '%s'", path);

    if (gvQemuImgRun(argv, what, error) < 0)
        return -1;
    return gvCloneSeal(path, error);
}

/* A full copy of the active layer (no internal snapshots); @shared: QEMU holds @src */
static int
gvCloneCopy(const char *src, gvDomainDiskFormat fmt, const char *path, bool shared, GError **error)
{
    const char *name = gvCloneFormatName(fmt);
    const char *argv[] = { GV_QEMU_IMG,          "convert", "-q", "-f", name, "-O", name, src, path,
                           shared ? "-U" : NULL, NULL };
    g_autofree char *what = g_strdup_printf("qemu-img convert of '%s' to '%s'", src, path);

    if (gvQemuImgRun(argv, what, error) < 0)
        return -1;
    return gvCloneSeal(path, error);
}

/* Deletes every internal snapshot of the qcow2 image @path */
static int
gvCloneDropSnapshots(const char *path, GError **error)
{
    g_auto(GStrv) names = NULL;
    guint i;

    if (!(names = gvQemuImgSnapshotNames(path, error)))
        return -1;
    for (i = 0; names[i]; i++) {
        const char *argv[] = { GV_QEMU_IMG, "snapshot", "-q", "-d", names[i], path, NULL };
        g_autofree char *what =
            g_strdup_printf("qemu-img snapshot -d '%s' of the reflink '%s'", names[i], path);

        if (gvQemuImgRun(argv, what, error) < 0)
            return -1;
    }
    return 0;
}

/*
 * A reflink of the whole file @src (FICLONE: no data copied, refused on a
 * file system without reflinks, never a silent copy), then without the
 * internal snapshots a qcow2 carries: the clone's snapshots are not copied
 */
static int
gvCloneReflink(const char *src, gvDomainDiskFormat fmt, const char *path, GError **error)
{
    if (gvFileReflink(src, path, 0600, error) < 0)
        return -1;
    if ((fmt == GV_DOMAIN_DISK_FORMAT_QCOW2 && gvCloneDropSnapshots(path, error) < 0) ||
        gvCloneSeal(path, error) < 0) {
        (void)unlink(path);
        return -1;
    }
    return 0;
}

/* --file TARGET=PATH for @dst, or NULL */
static const char *
gvCloneFileFor(const char *const *files, const char *dst)
{
    size_t len = strlen(dst);
    guint i;

    for (i = 0; files && files[i]; i++) {
        if (strncmp(files[i], dst, len) == 0 && files[i][len] == '=')
            return files[i] + len + 1;
    }
    return NULL;
}

static int
gvCloneCheckFiles(const gvDomainDef *def, const char *const *files, GError **error)
{
    guint i;
    guint j;

    for (i = 0; files && files[i]; i++) {
        const char *eq = strchr(files[i], '=');
        bool found = false;

        if (!eq || eq == files[i] || !g_path_is_absolute(eq + 1)) {
            gvReportError(error, GV_ERR_INVALID_ARG,
                          "invalid clone file '%s': expected TARGET=ABSOLUTE-PATH", files[i]);
            return -1;
        }
        for (j = 0; j < def->disks->len; j++) {
            const gvDomainDiskDef *disk = g_ptr_array_index(def->disks, j);

            found |= disk->dst && strlen(disk->dst) == (size_t)(eq - files[i]) &&
                     strncmp(disk->dst, files[i], eq - files[i]) == 0;
        }
        if (!found) {
            gvReportError(
                error, GV_ERR_INVALID_ARG,
                "invalid clone file '%s': the domain has no disk with <target dev='%.*s'>",
                files[i], (int)(eq - files[i]), files[i]);
            return -1;
        }
    }
    return 0;
}

/* The disks to give the clone, planned; nothing made yet */
static GArray *
gvClonePlan(const char *srcName, gvDomainDef *clone, gvDomainDef *source, const char *const *files,
            gvCloneMode mode, GError **error)
{
    g_autoptr(GArray) plan = g_array_new(FALSE, TRUE, sizeof(gvCloneDisk));
    g_autofree char *stamp = NULL;
    char uuidstr[GV_UUID_STRING_BUFLEN];
    guint i;

    g_array_set_clear_func(plan, (GDestroyNotify)gvCloneDiskClear);
    stamp = g_strndup(gvUUIDFormat(clone->uuid, uuidstr), 8);
    for (i = 0; i < clone->disks->len; i++) {
        gvDomainDiskDef *disk = g_ptr_array_index(clone->disks, i);
        gvCloneDisk d = { 0 };
        const char *given;
        g_autofree char *dir = NULL;

        /* CD-ROMs and shared disks stay shared, as virt-clone does */
        if (!disk->src || disk->readonly || disk->shareable ||
            disk->device != GV_DOMAIN_DISK_DEVICE_DISK)
            continue;
        if (disk->type != GV_DOMAIN_DISK_TYPE_FILE) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "disk '%s' of domain '%s' is a block device ('%s'): clone copies "
                          "only file disks",
                          disk->dst, srcName, disk->src);
            return NULL;
        }
        dir = g_path_get_dirname(disk->src);
        given = gvCloneFileFor(files, disk->dst);
        d.clone = disk;
        d.source = g_ptr_array_index(source->disks, i);
        d.base = g_strdup(disk->src);
        d.path = given ? g_strdup(given)
                       : g_strdup_printf("%s/%s-%s.%s", dir, clone->name, disk->dst,
                                         mode == GV_CLONE_MODE_OVERLAY
                                             ? "qcow2"
                                             : gvCloneFormatName(disk->format));
        if (mode == GV_CLONE_MODE_OVERLAY)
            d.top = g_strdup_printf("%s/%s-%s-%s.qcow2", dir, srcName, disk->dst, stamp);
        g_array_append_val(plan, d);
        if (g_file_test(d.path, G_FILE_TEST_EXISTS) ||
            (d.top && g_file_test(d.top, G_FILE_TEST_EXISTS))) {
            gvReportError(error, GV_ERR_OPERATION_INVALID,
                          "the new file '%s' of disk '%s' exists already: give another one "
                          "with --file %s=PATH",
                          g_file_test(d.path, G_FILE_TEST_EXISTS) ? d.path : d.top, disk->dst,
                          disk->dst);
            return NULL;
        }
    }
    return g_steal_pointer(&plan);
}

/* Makes every file of @plan, or none (what was made goes again) */
static int
gvCloneMakeOne(const gvCloneDisk *d, gvCloneMode mode, bool shared, GError **error)
{
    gvDomainDiskFormat fmt = d->clone->format;

    switch (mode) {
    case GV_CLONE_MODE_OVERLAY:
        return gvCloneOverlay(d->base, fmt, d->path, error);
    case GV_CLONE_MODE_COPY:
        return gvCloneCopy(d->base, fmt, d->path, shared, error);
    case GV_CLONE_MODE_REFLINK:
        return gvCloneReflink(d->base, fmt, d->path, error);
    case GV_CLONE_MODE_LAST:
        break;
    }
    gvReportError(error, GV_ERR_INTERNAL_ERROR, "unknown clone mode %d", (int)mode);
    return -1;
}

static int
gvCloneMake(GArray *plan, gvCloneMode mode, bool shared, GError **error)
{
    guint i;

    for (i = 0; i < plan->len; i++) {
        gvCloneDisk *d = &g_array_index(plan, gvCloneDisk, i);
        gvDomainDiskFormat fmt = d->clone->format;
        int rc;

        rc = gvCloneMakeOne(d, mode, shared, error);
        if (rc == 0 && d->top)
            rc = gvCloneOverlay(d->base, fmt, d->top, error);
        if (rc < 0) {
            for (; (int)i >= 0; i--) {
                d = &g_array_index(plan, gvCloneDisk, i);
                (void)unlink(d->path);
                if (d->top)
                    (void)unlink(d->top);
            }
            return -1;
        }
    }
    /* the definitions name the new files */
    for (i = 0; i < plan->len; i++) {
        gvCloneDisk *d = &g_array_index(plan, gvCloneDisk, i);

        g_free(d->clone->src);
        d->clone->src = g_strdup(d->path);
        if (mode == GV_CLONE_MODE_OVERLAY) {
            d->clone->format = GV_DOMAIN_DISK_FORMAT_QCOW2;
            g_free(d->source->src);
            d->source->src = g_strdup(d->top);
            d->source->format = GV_DOMAIN_DISK_FORMAT_QCOW2;
        }
    }
    return 0;
}

static void
gvCloneUnmake(GArray *plan)
{
    guint i;

    for (i = 0; plan && i < plan->len; i++) {
        gvCloneDisk *d = &g_array_index(plan, gvCloneDisk, i);

        (void)unlink(d->path);
        if (d->top)
            (void)unlink(d->top);
    }
}

/* A new identity: name, UUID, MACs, GUID */
static int
gvCloneIdentity(gvDomainDef *clone, const char *name, GError **error)
{
    guint i;

    g_free(clone->name);
    clone->name = g_strdup(name);
    clone->id = -1;
    if (gvUUIDGenerate(clone->uuid, error) < 0)
        return -1;
    for (i = 0; i < clone->nets->len; i++) {
        gvDomainNetDef *net = g_ptr_array_index(clone->nets, i);

        net->mac[0] = 0x52;
        net->mac[1] = 0x54;
        net->mac[2] = 0x00;
        if (gvRandomBytes(net->mac + 3, 3, error) < 0)
            return -1;
        net->hasMac = true;
        g_clear_pointer(&net->ifname, g_free);
    }
    return clone->genid ? gvDomainGenidDefRegenerate(clone->genid, error) : 0;
}

/* Refusals (@obj locked) */
static int
gvCloneCheck(gvDriver *drv, gvDomainObj *obj, const char *name, gvCloneMode mode, GError **error)
{
    bool copy = mode != GV_CLONE_MODE_OVERLAY;

    const gvDomainDef *config = gvDomainObjGetPersistentDef(obj);
    g_autoptr(gvDomainObj) taken = gvDomainObjListFindByName(drv->domains, name);

    if (!name || !*name) {
        gvReportError(error, GV_ERR_INVALID_ARG, "the clone needs a name");
        return -1;
    }
    if (taken) {
        gvReportError(error, GV_ERR_OPERATION_FAILED, "domain '%s' already exists", name);
        return -1;
    }
    if (!obj->persistent) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "domain '%s' is transient: clone copies a defined domain", obj->def->name);
        return -1;
    }
    if (obj->state == GV_DOMAIN_RUNNING || obj->state == GV_DOMAIN_BLOCKED) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "domain '%s' is running: its disks change under a copy; shut it off, or "
                      "pause it and clone with --copy or --reflink",
                      obj->def->name);
        return -1;
    }
    if (gvDomainObjIsActive(obj) && !copy) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "domain '%s' is paused: an overlay clone moves its disks onto new "
                      "overlays, which needs it shut off; use --copy or --reflink",
                      obj->def->name);
        return -1;
    }
    if (!copy && gvQemuDomainGetPriv(obj)->snapshots->len > 0) {
        gvReportError(error, GV_ERR_OPERATION_INVALID,
                      "domain '%s' has %u snapshots, kept in its disk images: an overlay clone "
                      "would hide them from it; use --copy or --reflink",
                      obj->def->name, gvQemuDomainGetPriv(obj)->snapshots->len);
        return -1;
    }
    if (config->genid && config->genid->autoGen == GV_TRISTATE_BOOL_NO) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "the genid guid of domain '%s' is fixed (auto='no' in "
                      "<devices>/<genid>/<guid>): two machines would share it; define the clone "
                      "yourself with its own value",
                      obj->def->name);
        return -1;
    }
    return 0;
}

gvDomainObj *
gvQemuDomainClone(gvDriver *drv, gvDomainObj *obj, const char *name, const char *const *files,
                  unsigned int flags, GError **error)
{
    gvCloneMode mode = GV_CLONE_MODE_OVERLAY;
    g_autoptr(gvDomainDef) clone = NULL;
    g_autoptr(gvDomainDef) source = NULL;
    g_autoptr(GArray) plan = NULL;
    g_autofree char *srcName = NULL;
    gvDomainObj *ret = NULL;
    char *xml = NULL;
    bool shared;

    if (flags & ~(GV_DOMAIN_CLONE_COPY | GV_DOMAIN_CLONE_REFLINK)) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~(GV_DOMAIN_CLONE_COPY | GV_DOMAIN_CLONE_REFLINK), "gvDomainClone");
        return NULL;
    }
    if ((flags & GV_DOMAIN_CLONE_COPY) && (flags & GV_DOMAIN_CLONE_REFLINK)) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "clone: --copy and --reflink are mutually exclusive");
        return NULL;
    }
    if (flags & GV_DOMAIN_CLONE_COPY)
        mode = GV_CLONE_MODE_COPY;
    else if (flags & GV_DOMAIN_CLONE_REFLINK)
        mode = GV_CLONE_MODE_REFLINK;
    gvDomainObjLock(obj);
    if (gvDomainObjBeginJob(obj, "clone", GV_JOB_TIMEOUT_MS, error) < 0) {
        gvDomainObjUnlock(obj);
        return NULL;
    }
    srcName = g_strdup(obj->def->name);
    shared = gvDomainObjIsActive(obj);
    if (gvCloneCheck(drv, obj, name, mode, error) < 0 ||
        gvCloneCheckFiles(gvDomainObjGetPersistentDef(obj), files, error) < 0 ||
        !(clone = gvDomainDefCopy(gvDomainObjGetPersistentDef(obj), error)) ||
        !(source = gvDomainDefCopy(gvDomainObjGetPersistentDef(obj), error))) {
        gvDomainObjEndJob(obj);
        gvDomainObjUnlock(obj);
        return NULL;
    }
    /* the job keeps the source as it is while the files are made */
    gvDomainObjUnlock(obj);

    if (gvCloneIdentity(clone, name, error) < 0 ||
        !(plan = gvClonePlan(srcName, clone, source, files, mode, error)) ||
        gvCloneMake(plan, mode, shared, error) < 0)
        goto endjob;
    /* the clone's disks exist; no config names them yet */
    GV_CRASH_POINT("clone:disks-made");
    /* overlay mode: the source moves onto its own overlay before anyone uses the base */
    if (mode == GV_CLONE_MODE_OVERLAY && plan->len > 0) {
        g_mutex_lock(&drv->defineLock);
        gvDomainObjLock(obj);
        if (gvDriverSaveConfig(drv, source, error) < 0) {
            gvDomainObjUnlock(obj);
            g_mutex_unlock(&drv->defineLock);
            gvCloneUnmake(plan);
            goto endjob;
        }
        gvDomainDefFree(obj->def);
        obj->def = g_steal_pointer(&source);
        gvDomainObjUnlock(obj);
        g_mutex_unlock(&drv->defineLock);
        /* the source is on its overlay; the clone not yet defined */
        GV_CRASH_POINT("clone:source-moved");
    }
    xml = gvDomainDefFormat(clone, GV_DOMAIN_DEF_FORMAT_SECURE | GV_DOMAIN_DEF_FORMAT_INACTIVE);
    ret = gvDriverDefineXML(drv, xml, 0, error);
    gvSecretFree(xml);
    if (!ret) {
        guint i;

        gvErrorPrefix(error, "defining the clone '%s': ", name);
        /* the source keeps its overlay: the base is read by it alone again */
        for (i = 0; i < plan->len; i++)
            (void)unlink(g_array_index(plan, gvCloneDisk, i).path);
        goto endjob;
    }
    GV_CRASH_POINT("clone:defined");
    gvDomainObjLock(ret);
    gvDriverEmitEvent(drv, ret, GV_DOMAIN_EVENT_ID_GENID_CHANGED, 0, GV_DOMAIN_GENID_CHANGED_CLONE);
    gvDomainObjUnlock(ret);
    g_message("domain '%s' cloned to '%s' (%s, %u disk(s)), with a new genid guid", srcName, name,
              gvCloneModeMade(mode), plan->len);

endjob:
    gvDomainObjLock(obj);
    gvDomainObjEndJob(obj);
    gvDomainObjUnlock(obj);
    return ret;
}
