/*
 * daemon_config.h: genvirtd.conf
 *
 * libvirtd.conf's syntax: one `key = value` per line, values are integers,
 * strings in double quotes or lists of strings `[ "a", "b" ]` (which may
 * span lines, with a trailing comma allowed); `#` starts a comment.  Only
 * the keys in the table of daemon_config.c are known: anything else is an
 * error naming the key and its line.  Adding a key is one table entry and
 * one field.
 *
 * Path: --config FILE, else ROOT/etc/genvirt/genvirtd.conf (ROOT is
 * --root, or / for the system); a missing default file means defaults.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#define GV_DAEMON_TLS_PORT 16514
#define GV_DAEMON_TCP_PORT 16509

typedef struct {
    /* listeners */
    bool listenTLS;
    bool listenTCP;
    bool tcpReadWrite; /* plain TCP is read-only unless this is set */
    int tlsPort;
    int tcpPort;
    char *listenAddr; /* NULL: every address */

    /* the server's x509 files (defaults: libvirt's layout under the root) */
    char *keyFile;
    char *certFile;
    char *caFile;
    char *crlFile; /* used when the file exists */
    GStrv tlsAllowedDNList; /* NULL: every verified client; else fnmatch patterns */
    GStrv tlsReadonlyDNList; /* these DNs get the read-only view */
    bool tlsNoVerifyCertificate;

    /* migration */
    bool migrateTLSForce; /* refuse migrations without VIR_MIGRATE_TLS */
    char *migrateTLSDir; /* QEMU's tls-creds-x509 dir (default ROOT/etc/pki/qemu) */

    /* also listen on libvirt's standard socket paths (RUNDIR/../libvirt/libvirt-sock{,-ro}) */
    bool libvirtSocket;

    /* keepalive of this daemon's own connections to other daemons (p2p) */
    int keepaliveInterval;
    int keepaliveCount;
    /* seconds QEMU has to answer one monitor command */
    int qemuMonitorTimeout;
} gvDaemonConfig;

/* The defaults, with the x509 paths under @root (NULL or "" for /) */
gvDaemonConfig *gvDaemonConfigNew(const char *root);
void gvDaemonConfigFree(gvDaemonConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDaemonConfig, gvDaemonConfigFree)

/*
 * Applies the settings in @text (the contents of @filename, which names it
 * in messages) to @cfg.  On error @cfg may be partly changed.
 */
int gvDaemonConfigParse(gvDaemonConfig *cfg, const char *text, size_t len, const char *filename,
                        GError **error);

/*
 * Reads @path into @cfg; a missing file is an error only when @required.
 * Returns 1 when read, 0 when absent, -1 on error.
 */
int gvDaemonConfigLoadFile(gvDaemonConfig *cfg, const char *path, bool required, GError **error);

/* The default path of genvirtd.conf under @root */
char *gvDaemonConfigDefaultPath(const char *root);

/* For the table test: the known key names, NULL-terminated */
const char *const *gvDaemonConfigKeys(void);
