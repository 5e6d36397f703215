/*
 * qemu_migration_tls.h: QEMU's TLS for the migration stream (VIR_MIGRATE_TLS)
 *
 * Both QEMUs get a tls-creds-x509 object over QMP, from the daemon's
 * migrate_tls_x509_cert_dir (default ROOT/etc/pki/qemu, QEMU's file names:
 * ca-cert.pem, server-cert.pem, server-key.pem on the destination,
 * client-cert.pem, client-key.pem on the source), and the migration
 * parameter tls-creds naming it; the destination verifies the source's
 * certificate (verify-peer), the source checks the destination's against
 * the host name it migrates to (tls-hostname).
 */
#pragma once

#include <stdbool.h>

#include "qemu_monitor.h"

/* The id of the credentials object in QEMU */
#define GV_QEMU_MIGRATION_TLS_ID "objgvMigrateTLS0"

/* The files QEMU will need in @dir are there: checked before anything starts */
int gvQemuMigrationTLSCheckFiles(const char *dir, bool server, GError **error);

/*
 * Creates the credentials object (replacing one left from an earlier
 * migration) and sets tls-creds (and, on the source, tls-hostname).
 */
int gvQemuMigrationTLSEnable(gvQemuMonitor *mon, const char *dir, bool server, const char *hostname,
                             GError **error);

/* Clears tls-creds and tls-hostname and deletes the object; errors are ignored */
void gvQemuMigrationTLSDisable(gvQemuMonitor *mon);

/* The host of a migration URI tcp:HOST:PORT or tcp://HOST:PORT ([IPv6] unwrapped) */
char *gvQemuMigrationURIHost(const char *uri);
