/*
 * qemu_save.h: save a running domain to a file, restore it from one
 *
 * The file is genvirt's save image (gvsaveimage.h, docs/saveimage.md): the
 * domain XML with its live GUID, then QEMU's migration stream, which QEMU
 * writes itself through a file descriptor (QMP getfd + migrate "fd:") and
 * reads back the same way at restore (-incoming defer, getfd,
 * migrate-incoming "fd:").  No shell and no helper process.
 *
 * A restore gives an auto='yes' genid a new GUID every time (DESIGN.md
 * 2.2: the file may be restored more than once), generated and persisted
 * before QEMU starts; QEMU starts with -S, loads the stream, its GUID is
 * checked over QMP, and only then does the guest run.  A managed save
 * image (qemu_managedsave.h) is restored with its GUID kept.
 */
#pragma once

#include "driver.h"
#include "qemu_process.h"

/* virDomainSaveRestoreFlags */
#define GV_DOMAIN_SAVE_BYPASS_CACHE (1 << 0)
#define GV_DOMAIN_SAVE_RUNNING (1 << 1)
#define GV_DOMAIN_SAVE_PAUSED (1 << 2)
#define GV_DOMAIN_SAVE_RESET_NVRAM (1 << 3)

/* virDomainSaveImageXMLFlags */
#define GV_DOMAIN_SAVE_IMAGE_XML_SECURE (1 << 0)

/* DOMAIN_SAVE(_FLAGS): the running domain into the image @path (absolute) */
int gvQemuSave(gvDriver *drv, gvDomainObj *obj, const char *path, const char *dxml,
               unsigned int flags, GError **error);
/* DOMAIN_RESTORE(_FLAGS): the domain the image @path holds, with a new GUID */
int gvQemuRestore(gvDriver *drv, const char *path, const char *dxml, unsigned int flags,
                  GError **error);

/* The XML in the image @path, for a client (@secure: with the GUID) */
char *gvQemuSaveImageGetXMLDesc(const char *path, bool secure, GError **error);
/*
 * Replaces the XML in the image @path by @dxml (NULL: keeps it; it must
 * keep the guest ABI, and an auto='yes' genid without a value keeps the
 * image's), and with GV_DOMAIN_SAVE_RUNNING/PAUSED the state to restore.
 */
int gvQemuSaveImageDefineXML(const char *path, const char *dxml, unsigned int flags,
                             GError **error);

/* ---- the steps, for managed save and renew (@obj locked, its job held) ---- */

/*
 * Saves the running @obj into @path; afterwards QEMU is gone (STOPPED
 * SAVED) and, when @obj is transient and not restarting, so is @obj.
 * On failure the guest runs on as before (RUNNING SAVE_CANCELED).
 */
int gvQemuSaveLocked(gvDriver *drv, gvDomainObj *obj, const char *path, const char *dxml,
                     unsigned int flags, GError **error);

typedef struct {
    bool paused; /* restore into the paused state */
    bool userPaused; /* ... because the user started it --paused (SUSPENDED PAUSED) */
    bool dropCache; /* BYPASS_CACHE: the image's pages leave the page cache */
    bool resetNvram; /* RESET_NVRAM: the NVRAM recreated from its template first */
    int genidReason; /* a new GUID (gvDomainGenidChangedReason), or -1: the image's */
    gvQemuProcessBeforeRunFunc beforeRun; /* before the guest runs (unlocked) */
    gpointer opaque;
} gvQemuRestoreOpts;

/*
 * Starts the shut-off @obj from the image open on @fd (positioned at its
 * stream), running @def (the image's definition, taken).  With a
 * genidReason, an auto='yes' genid gets a GUID never seen before, written
 * to @obj's config (persistent) before QEMU starts; the GENID_CHANGED
 * event follows once QEMU reported it.  On failure @obj is as it was
 * (its config may hold the new GUID, which no QEMU ever saw).
 */
int gvQemuRestoreLocked(gvDriver *drv, gvDomainObj *obj, gvDomainDef *def, int fd,
                        const gvQemuRestoreOpts *opts, GError **error);

/*
 * Opens the complete image @path and parses its definition; @fd is
 * positioned at the stream.  @state: the state it records.
 */
int gvQemuSaveImageLoad(const char *path, gvDomainDef **def, guint32 *state, int *fd,
                        GError **error);
