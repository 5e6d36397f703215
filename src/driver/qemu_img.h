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
