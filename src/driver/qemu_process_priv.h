/*
 * qemu_process_priv.h: what qemu_process.c shares with
 * qemu_process_reconnect.c, and no one else
 */
#pragma once

#include "qemu_monitor.h"
#include "qemu_process.h"

/* what a child watch, a pidfd source or a monitor holds of its domain */
typedef struct {
    gvDriver *drv;
    gvDomainObj *obj;
} gvQemuWatchCtx;

void gvQemuWatchCtxFree(gpointer opaque);

/* Removes the status file of the domain @name */
void gvQemuProcessRemoveStatus(gvDriver *drv, const char *name);

/* QEMU is gone: the domain becomes shut off.  With @obj locked. */
void gvQemuProcessExitedLocked(gvDriver *drv, gvDomainObj *obj);

/* The pidfd of a reconnected QEMU became readable: it exited */
gboolean gvQemuPidfdReady(gint fd, GIOCondition cond, gpointer opaque);

/* Opens the monitor of @obj's QEMU; with @obj unlocked (it blocks) */
gvQemuMonitor *gvQemuProcessOpenMonitor(gvDriver *drv, gvDomainObj *obj, const char *name, GPid pid,
                                        const char *path, unsigned int timeoutMs, GError **error);
