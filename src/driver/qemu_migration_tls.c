/*
 * qemu_migration_tls.c: QEMU's TLS for the migration stream (VIR_MIGRATE_TLS)
 */
#include <gvconfig.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gverror.h"
#include "qemu_migration_tls.h"

#define GV_QEMU_MIGRATION_TLS_TIMEOUT_MS 10000

int
gvQemuMigrationTLSCheckFiles(const char *dir, bool server, GError **error)
{
    const char *const serverFiles[] = { "ca-cert.pem", "server-cert.pem", "server-key.pem", NULL };
    const char *const clientFiles[] = { "ca-cert.pem", "client-cert.pem", "client-key.pem", NULL };
    const char *const *files = server ? serverFiles : clientFiles;
    size_t i;

    for (i = 0; files[i]; i++) {
        g_autofree char *path = g_build_filename(dir, files[i], NULL);

        if (access(path, R_OK) < 0) {
            gvReportSystemError(error, errno,
                                "cannot migrate with TLS: QEMU's certificate file '%s' (%s side, "
                                "migrate_tls_x509_cert_dir) is not readable",
                                path, server ? "destination" : "source");
            return -1;
        }
    }
    return 0;
}

static int
gvQemuMigrationTLSParams(gvQemuMonitor *mon, const char *creds, const char *hostname,
                         GError **error)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "tls-creds", json_object_new_string(creds));
    json_object_object_add(args, "tls-hostname", json_object_new_string(hostname));
    return gvQemuMonitorCommand(mon, "migrate-set-parameters", args,
                                GV_QEMU_MIGRATION_TLS_TIMEOUT_MS, NULL, error);
}

static void
gvQemuMigrationTLSDelete(gvQemuMonitor *mon)
{
    g_autoptr(GError) local = NULL;
    json_object *args = json_object_new_object();

    json_object_object_add(args, "id", json_object_new_string(GV_QEMU_MIGRATION_TLS_ID));
    (void)gvQemuMonitorCommand(mon, "object-del", args, GV_QEMU_MIGRATION_TLS_TIMEOUT_MS, NULL,
                               &local);
}

int
gvQemuMigrationTLSEnable(gvQemuMonitor *mon, const char *dir, bool server, const char *hostname,
                         GError **error)
{
    json_object *args;

    /* one left by an earlier migration (this QEMU came in with TLS) goes first */
    gvQemuMigrationTLSDisable(mon);
    args = json_object_new_object();
    json_object_object_add(args, "qom-type", json_object_new_string("tls-creds-x509"));
    json_object_object_add(args, "id", json_object_new_string(GV_QEMU_MIGRATION_TLS_ID));
    json_object_object_add(args, "dir", json_object_new_string(dir));
    json_object_object_add(args, "endpoint", json_object_new_string(server ? "server" : "client"));
    json_object_object_add(args, "verify-peer", json_object_new_boolean(1));
    if (gvQemuMonitorCommand(mon, "object-add", args, GV_QEMU_MIGRATION_TLS_TIMEOUT_MS, NULL,
                             error) < 0)
        return -1;
    if (gvQemuMigrationTLSParams(mon, GV_QEMU_MIGRATION_TLS_ID, !server && hostname ? hostname : "",
                                 error) < 0) {
        gvQemuMigrationTLSDelete(mon);
        return -1;
    }
    return 0;
}

void
gvQemuMigrationTLSDisable(gvQemuMonitor *mon)
{
    g_autoptr(GError) local = NULL;

    (void)gvQemuMigrationTLSParams(mon, "", "", &local);
    gvQemuMigrationTLSDelete(mon);
}

char *
gvQemuMigrationURIHost(const char *uri)
{
    const char *rest;
    const char *colon;

    if (!uri || !g_str_has_prefix(uri, "tcp:"))
        return NULL;
    rest = uri + 4;
    while (*rest == '/')
        rest++;
    if (*rest == '[') {
        const char *end = strchr(rest, ']');

        return end ? g_strndup(rest + 1, end - rest - 1) : NULL;
    }
    colon = strrchr(rest, ':');
    return colon ? g_strndup(rest, colon - rest) : g_strdup(rest);
}
