/*
 * qemu_img.c: running qemu-img
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "qemu_capabilities.h"
#include "qemu_img.h"

/* qemu-img info of one image: far less than this */
#define GV_QEMU_IMG_MAX_OUTPUT (4 * 1024 * 1024)

/* @argv run; its standard output in @out when given (else /dev/null) */
static int
gvQemuImgSpawn(const char *const *argv, const char *what, char **out, GError **error)
{
    const char *envp[] = { "LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
    g_autofree char *errout = NULL;
    g_autofree char *stdoutText = NULL;
    g_autoptr(GError) local = NULL;
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, (char **)envp, out ? 0 : G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, out ? &stdoutText : NULL, &errout, &status, &local)) {
        gvReportError(error, GV_ERR_OPERATION_FAILED, "cannot run qemu-img: %s", local->message);
        return -1;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        gvReportError(error, GV_ERR_OPERATION_FAILED, "%s failed: %s", what, g_strstrip(errout));
        return -1;
    }
    if (out)
        *out = g_steal_pointer(&stdoutText);
    return 0;
}

int
gvQemuImgRun(const char *const *argv, const char *what, GError **error)
{
    return gvQemuImgSpawn(argv, what, NULL, error);
}

char **
gvQemuImgSnapshotNames(const char *path, GError **error)
{
    const char *argv[] = { GV_QEMU_IMG, "info", "-U", "--output=json", "-f", "qcow2", path, NULL };
    g_autofree char *what = g_strdup_printf("qemu-img info of '%s'", path);
    g_autofree char *out = NULL;
    g_autoptr(json_object) info = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    json_object *list;
    size_t i;

    if (gvQemuImgSpawn(argv, what, &out, error) < 0)
        return NULL;
    if (strlen(out) > GV_QEMU_IMG_MAX_OUTPUT || !(info = json_tokener_parse(out)) ||
        !json_object_is_type(info, json_type_object)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "%s: not a JSON object", what);
        return NULL;
    }
    if (json_object_object_get_ex(info, "snapshots", &list)) {
        if (!json_object_is_type(list, json_type_array)) {
            gvReportError(error, GV_ERR_INTERNAL_ERROR, "%s: 'snapshots' is not an array", what);
            return NULL;
        }
        for (i = 0; i < json_object_array_length(list); i++) {
            json_object *name = NULL;

            if (!json_object_object_get_ex(json_object_array_get_idx(list, i), "name", &name) ||
                !json_object_is_type(name, json_type_string)) {
                gvReportError(error, GV_ERR_INTERNAL_ERROR, "%s: snapshot %zu has no name", what,
                              i);
                return NULL;
            }
            g_ptr_array_add(names, g_strdup(json_object_get_string(name)));
        }
    }
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
}
