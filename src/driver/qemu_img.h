/*
 * qemu_img.h: running qemu-img (internal snapshots, overlays, copies)
 */
#pragma once

#include <glib.h>

#define GV_QEMU_IMG "/usr/bin/qemu-img"

/*
 * Runs @argv (argv[0] is GV_QEMU_IMG) with a fixed environment; a failure
 * is "@what failed: STDERR".
 */
int gvQemuImgRun(const char *const *argv, const char *what, GError **error);

/*
 * The names of the internal snapshots of the qcow2 image @path (qemu-img
 * info --output=json, -U: QEMU may hold it), NULL-terminated; NULL on error.
 */
char **gvQemuImgSnapshotNames(const char *path, GError **error);
