/*
 * qemu_managedsave.h: the managed save image, STATEDIR/save/NAME.save
 *
 * virsh managedsave stops a persistent domain into genvirt's own image of it
 * (0600, in a 0700 directory: it holds the GUID); the next start restores
 * it instead of booting, with the GUID it had (DESIGN.md 2.2: "managed save
 * then restore: kept"), and removes the image, durably, before the guest
 * runs: it can never run twice.  start --force-boot discards it; undefine
 * needs --managed-save while it exists.
 */
#pragma once

#include "driver.h"

char *gvQemuManagedSavePath(gvDriver *drv, const char *name);

/* At daemon start: which domains have an image; stray temporary files go */
void gvQemuManagedSaveLoadAll(gvDriver *drv);
/* A new definition of @obj (locked): whether an image of its name is there */
void gvQemuManagedSaveProbe(gvDriver *drv, gvDomainObj *obj);
/* With @obj locked */
bool gvQemuManagedSaveExists(gvDomainObj *obj);

int gvQemuManagedSave(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);
int gvQemuManagedSaveRemove(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);
/* The same, @obj locked (undefine --managed-save) */
int gvQemuManagedSaveRemoveLocked(gvDriver *drv, gvDomainObj *obj, GError **error);
/* @secure: with the GUID */
char *gvQemuManagedSaveGetXMLDesc(gvDriver *drv, gvDomainObj *obj, bool secure, GError **error);
int gvQemuManagedSaveDefineXML(gvDriver *drv, gvDomainObj *obj, const char *dxml,
                               unsigned int flags, GError **error);

/*
 * The first step of a start (@obj locked, its job held): with an image,
 * restores it (GV_DOMAIN_START_PAUSED, BYPASS_CACHE apply) and returns 1,
 * or with GV_DOMAIN_START_FORCE_BOOT removes it and returns 0; without an
 * image returns 0 (the caller boots); -1 on failure (the image stays).
 */
int gvQemuManagedSaveStart(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);
