/*
 * qemu_img.c: running qemu-img
 */
#include <gvconfig.h>

#include "gverror.h"
#include "qemu_img.h"

int
gvQemuImgRun(const char *const *argv, const char *what, GError **error)
{
    const char *envp[] = { "LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
    g_autofree char *errout = NULL;
    g_autoptr(GError) local = NULL;
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, (char **)envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                      NULL, &errout, &status, &local)) {
        gvReportError(error, GV_ERR_OPERATION_FAILED, "cannot run qemu-img: %s", local->message);
        return -1;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        gvReportError(error, GV_ERR_OPERATION_FAILED, "%s failed: %s", what, g_strstrip(errout));
        return -1;
    }
    return 0;
}
