/*
 * genvirtd.c: the genvirt daemon
 *
 * Runs in the foreground, logs to stderr, serves libvirt's remote protocol
 * on RUNDIR/genvirt-sock (read-write, 0600) and RUNDIR/genvirt-sock-ro
 * (read-only, 0666), and when asked (genvirtd.conf, --listen-tls,
 * --listen-tcp, --libvirt-socket) on TLS and plain TCP ports and on
 * libvirt's standard socket paths.  SIGTERM and SIGINT stop it
 * cleanly; domains it started keep running.
 */
#include <gvconfig.h>

#include <locale.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <glib-unix.h>

#include "daemon_config.h"
#include "driver.h"
#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvfile.h"
#include "gvnetclient.h"
#include "gvxml.h"
#include "gvnetserver.h"
#include "qemu_driver.h"
#include "remote_dispatch.h"
#include "remote_event.h"
#include "remote_migration.h"
#include "remote_stream.h"

static bool gvVerbose;

/* What --listen-tls and --listen-tcp said */
typedef struct {
    bool given;
    char *addr; /* NULL: the configured one */
    int port; /* 0: the configured one */
} gvListenOpt;

static gvListenOpt gvListenTLS;
static gvListenOpt gvListenTCP;

/* [ADDR][:PORT], where an IPv6 ADDR with a port is written [ADDR] */
static bool
gvListenOptParse(gvListenOpt *opt, const char *value, GError **error)
{
    g_autofree char *addr = NULL;
    const char *port = NULL;
    guint64 n;

    opt->given = true;
    if (!value || !*value)
        return true;
    if (value[0] == '[') {
        const char *end = strchr(value, ']');

        if (!end || (end[1] && end[1] != ':'))
            goto bad;
        addr = g_strndup(value + 1, end - value - 1);
        port = end[1] ? end + 2 : NULL;
    } else if (strchr(value, ':') && strchr(value, ':') == strrchr(value, ':')) {
        const char *colon = strchr(value, ':');

        addr = g_strndup(value, colon - value);
        port = colon + 1;
    } else {
        addr = g_strdup(value); /* a name, an IPv4 address, or IPv6 without a port */
    }
    if (port && !g_ascii_string_to_unsigned(port, 10, 1, 65535, &n, NULL))
        goto bad;
    g_free(opt->addr);
    opt->addr = *addr ? g_steal_pointer(&addr) : NULL;
    opt->port = port ? (int)n : 0;
    return true;

bad:
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "invalid listen address '%s': expected [ADDR][:PORT] with a port of 1 to 65535",
                value);
    return false;
}

/* What the option said overrides genvirtd.conf (one listen_addr for both) */
static void
gvListenOptApply(gvListenOpt *opt, gvDaemonConfig *cfg, bool *listen, int *port)
{
    if (!opt->given)
        return;
    *listen = true;
    if (opt->addr) {
        g_free(cfg->listenAddr);
        cfg->listenAddr = g_steal_pointer(&opt->addr);
    }
    if (opt->port)
        *port = opt->port;
}

static gboolean
gvOptListenTLS(const gchar *name, const gchar *value, gpointer data, GError **error)
{
    return gvListenOptParse(&gvListenTLS, value, error);
}

static gboolean
gvOptListenTCP(const gchar *name, const gchar *value, gpointer data, GError **error)
{
    return gvListenOptParse(&gvListenTCP, value, error);
}

/*
 * libvirt's standard sockets: RUNDIR/../libvirt/libvirt-sock and -ro, that
 * is /run/libvirt/ (or DIR/run/libvirt/ with --root DIR), which every tool
 * with a default URI connects to.  Refused when something answers there
 * (libvirtd, or its systemd socket): two daemons must not share them.
 */
static int
gvDaemonCheckLibvirtSockets(const char *dir, GError **error)
{
    const char *names[] = { "libvirt-sock", "libvirt-sock-ro" };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_build_filename(dir, names[i], NULL);
        g_autoptr(GError) local = NULL;
        g_autoptr(gvNetClient) probe = gvNetClientConnectUnix(path, &local);

        if (probe) {
            gvReportError(error, GV_ERR_OPERATION_INVALID,
                          "libvirt's socket '%s' is in use (is libvirtd, or its systemd socket, "
                          "running?): stop it, or start genvirtd without --libvirt-socket",
                          path);
            return -1;
        }
    }
    return gvDirEnsure(dir, 0755, error);
}

static int
gvDaemonListenLibvirt(gvNetServer *srv, const char *dir, GError **error)
{
    g_autofree char *rw = g_build_filename(dir, "libvirt-sock", NULL);
    g_autofree char *ro = g_build_filename(dir, "libvirt-sock-ro", NULL);

    if (gvNetServerAddListener(srv, rw, 0600, false, error) < 0 ||
        gvNetServerAddListener(srv, ro, 0666, true, error) < 0)
        return -1;
    g_message("listening on libvirt's sockets %s and %s", rw, ro);
    return 0;
}

/* The TLS and plain TCP listeners that genvirtd.conf and the options ask for */
static int
gvDaemonListenRemote(gvNetServer *srv, const gvDaemonConfig *cfg, GError **error)
{
    if (cfg->listenTLS) {
        g_autoptr(gvNetTLSContext) tls = NULL;
        gvNetTLSPolicy policy = { cfg->tlsAllowedDNList, cfg->tlsReadonlyDNList };
        g_autofree char *where = NULL;

        if (!(tls = gvNetTLSContextNewServer(cfg->caFile, cfg->crlFile, cfg->certFile, cfg->keyFile,
                                             cfg->tlsNoVerifyCertificate, error)) ||
            gvNetServerAddTCPListener(srv, cfg->listenAddr, cfg->tlsPort, tls, &policy, false,
                                      error) < 0)
            return -1;
        where = gvNetServerDescribeListeners(srv, GV_NET_SERVER_TRANSPORT_TLS);
        g_message("listening for TLS on %s: certificate '%s', CA '%s'%s%s, %s", where,
                  cfg->certFile, cfg->caFile,
                  g_file_test(cfg->crlFile, G_FILE_TEST_EXISTS) ? ", CRL " : "",
                  g_file_test(cfg->crlFile, G_FILE_TEST_EXISTS) ? cfg->crlFile : "",
                  cfg->tlsAllowedDNList ? "clients on tls_allowed_dn_list"
                                        : "every client with a certificate of that CA");
        if (cfg->tlsNoVerifyCertificate)
            g_warning("tls_no_verify_certificate = 1: TLS clients are let in without a valid "
                      "certificate and without a DN check");
    }
    if (cfg->listenTCP) {
        g_autofree char *where = NULL;

        if (gvNetServerAddTCPListener(srv, cfg->listenAddr, cfg->tcpPort, NULL, NULL,
                                      !cfg->tcpReadWrite, error) < 0)
            return -1;
        where = gvNetServerDescribeListeners(srv, GV_NET_SERVER_TRANSPORT_TCP);
        if (cfg->tcpReadWrite)
            g_warning("listening on plain TCP %s READ-WRITE: no encryption and no "
                      "authentication, anyone who reaches the port controls every domain",
                      where);
        else
            g_warning("listening on plain TCP %s read-only: no encryption and no authentication",
                      where);
    }
    return 0;
}

static void
gvDaemonLog(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer opaque)
{
    g_autoptr(GDateTime) now = NULL;
    g_autofree char *ts = NULL;
    const char *lvl;

    if ((level & G_LOG_LEVEL_DEBUG) && !gvVerbose)
        return;
    if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
        lvl = "error";
    else if (level & G_LOG_LEVEL_WARNING)
        lvl = "warning";
    else if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
        lvl = "info";
    else
        lvl = "debug";
    now = g_date_time_new_now_utc();
    ts = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");
    fprintf(stderr, "%.23s: %s: %s\n", ts, lvl, message);
}

/* A connection closed: its event registrations and streams go */
static void
gvDaemonClientClosed(gvNetServerClient *client, gpointer opaque)
{
    gvEventClientClosed(client, opaque);
    gvStreamClientClosed(client, opaque);
    gvMigrateClientClosed(client, opaque);
}

/*
 * Stop serving and let go of everything main() set up; the domains keep
 * running, only their monitors are closed.  SRV is NULL when the server
 * could not be created.
 */
static void
gvDaemonTeardown(gvDaemon *daemon, gvNetServer *srv)
{
    if (srv)
        gvNetServerShutdown(srv);
    daemon->drv->eventFunc = NULL;
    gvDriverShutdown(daemon->drv);
    gvEventRegistryFree(daemon->events);
    gvStreamRegistryFree(daemon->streams);
    gvFileDropAllSpares();
    g_main_loop_unref(daemon->loop);
}

static gboolean
gvDaemonQuit(gpointer opaque)
{
    gvDaemon *daemon = opaque;

    g_message("signal received, shutting down");
    /* on the main loop still: what it sends goes out before the sockets close */
    if (daemon->events)
        gvEventShutdown(daemon);
    daemon->quit = true;
    g_main_loop_quit(daemon->loop);
    return G_SOURCE_REMOVE;
}

int
main(int argc, char **argv)
{
    g_autofree char *root = NULL;
    g_autoptr(GOptionContext) octx = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(gvDriver) drv = NULL;
    g_autoptr(gvStorageDriver) storage = NULL;
    g_autoptr(gvNetServer) srv = NULL;
    g_autofree char *rw = NULL;
    g_autofree char *ro = NULL;
    gboolean version = FALSE;
    g_autofree char *migrationHost = NULL;
    g_autofree char *migrationListen = NULL;
    g_autofree char *configFile = NULL;
    g_autoptr(gvDaemonConfig) cfg = NULL;
    gboolean tcpReadWrite = FALSE;
    gboolean libvirtSocket = FALSE;
    g_autofree char *libvirtDir = NULL;
    gvDaemon daemon = { 0 };
    int workers = 4;
    int keepaliveInterval = G_MININT; /* not given: genvirtd.conf's (default 5) */
    int keepaliveCount = G_MININT;
    int loaded;
    GOptionEntry entries[] = {
        { "root", 0, 0, G_OPTION_ARG_FILENAME, &root,
          "put the whole state layout under DIR (tests, unprivileged use)", "DIR" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &gvVerbose, "log debug messages", NULL },
        { "workers", 0, 0, G_OPTION_ARG_INT, &workers, "worker threads for calls (default 4)",
          "N" },
        { "migration-host", 0, 0, G_OPTION_ARG_STRING, &migrationHost,
          "host name or address sources send migration data to (default: the host name)", "HOST" },
        { "migration-listen", 0, 0, G_OPTION_ARG_STRING, &migrationListen,
          "address incoming migrations listen on (default 0.0.0.0)", "ADDR" },
        { "config", 0, 0, G_OPTION_ARG_FILENAME, &configFile,
          "the configuration file (default ROOT/etc/genvirt/genvirtd.conf)", "FILE" },
        { "listen-tls", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, gvOptListenTLS,
          "listen for TLS clients (default port 16514, every address)", "[ADDR][:PORT]" },
        { "listen-tcp", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, gvOptListenTCP,
          "listen for plain TCP clients, read-only (default port 16509)", "[ADDR][:PORT]" },
        { "libvirt-socket", 0, 0, G_OPTION_ARG_NONE, &libvirtSocket,
          "also listen on libvirt's standard sockets (/run/libvirt/libvirt-sock and -ro), so "
          "tools with a default URI reach genvirtd",
          NULL },
        { "listen-tcp-rw", 0, 0, G_OPTION_ARG_NONE, &tcpReadWrite,
          "let plain TCP clients change things (unencrypted, unauthenticated)", NULL },
        { "keepalive-interval", 0, 0, G_OPTION_ARG_INT, &keepaliveInterval,
          "seconds of silence before a keepalive PING to clients that asked for them "
          "(default 5; -1: never)",
          "S" },
        { "keepalive-count", 0, 0, G_OPTION_ARG_INT, &keepaliveCount,
          "unanswered PINGs before such a client is dropped (default 5)", "N" },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "print the version", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };

    gvCrashPointInit();

    gvXMLInitSecureMemory();
    setlocale(LC_ALL, "");
    octx = g_option_context_new("- the genvirt daemon");
    g_option_context_add_main_entries(octx, entries, NULL);
    if (!g_option_context_parse(octx, &argc, &argv, &error)) {
        fprintf(stderr, "genvirtd: %s\n", error->message);
        return 1;
    }
    if (version) {
        printf("genvirtd %s\n", GV_VERSION);
        return 0;
    }
    if (workers < 1 || workers > 256) {
        fprintf(stderr, "genvirtd: --workers must be 1 to 256, not %d\n", workers);
        return 1;
    }
    g_log_set_default_handler(gvDaemonLog, NULL);
    umask(077);

    if (root) {
        g_autofree char *abs = g_canonicalize_filename(root, NULL);

        g_free(root);
        root = g_steal_pointer(&abs);
    }
    cfg = gvDaemonConfigNew(root);
    {
        g_autofree char *path = configFile ? g_strdup(configFile) : gvDaemonConfigDefaultPath(root);

        if (gvDaemonConfigLoadFile(cfg, path, configFile != NULL, &error) < 0) {
            g_critical("%s", error->message);
            return 1;
        }
    }
    gvListenOptApply(&gvListenTLS, cfg, &cfg->listenTLS, &cfg->tlsPort);
    gvListenOptApply(&gvListenTCP, cfg, &cfg->listenTCP, &cfg->tcpPort);
    if (tcpReadWrite)
        cfg->tcpReadWrite = true;
    if (libvirtSocket)
        cfg->libvirtSocket = true;
    /* before anything else starts: a libvirtd there is a clear refusal */
    libvirtDir = g_strdup_printf("%s/run/libvirt", root ? root : "");
    if (cfg->libvirtSocket && gvDaemonCheckLibvirtSockets(libvirtDir, &error) < 0) {
        g_critical("%s", error->message);
        return 1;
    }
    if (keepaliveInterval != G_MININT)
        cfg->keepaliveInterval = keepaliveInterval;
    if (keepaliveCount != G_MININT)
        cfg->keepaliveCount = keepaliveCount;
    if (!(drv = gvDriverNew(root, &error))) {
        g_critical("%s", error->message);
        return 1;
    }
    gvQemuDriverInit(drv);
    if (migrationHost) {
        g_free(drv->migrationHost);
        drv->migrationHost = g_steal_pointer(&migrationHost);
    }
    if (migrationListen) {
        g_free(drv->migrationListen);
        drv->migrationListen = g_steal_pointer(&migrationListen);
    }
    drv->migrateTLSForce = cfg->migrateTLSForce;
    g_free(drv->migrateTLSDir);
    drv->migrateTLSDir = g_strdup(cfg->migrateTLSDir);
    drv->keepaliveInterval = cfg->keepaliveInterval;
    drv->monitorTimeoutMs = (unsigned int)cfg->qemuMonitorTimeout * 1000;
    drv->keepaliveCount = cfg->keepaliveCount;
    loaded = gvDriverLoadConfigs(drv);
    if (!(storage = gvStorageDriverNew(root, &error))) {
        g_critical("%s", error->message);
        return 1;
    }
    g_message("genvirtd %s starting, root '%s', %d domain(s) and %d storage pool(s) loaded",
              GV_VERSION, root ? root : "/", loaded, gvStorageDriverLoad(storage));

    daemon.drv = drv;
    daemon.storage = storage;
    daemon.loop = g_main_loop_new(NULL, FALSE);
    daemon.events = gvEventRegistryNew();
    daemon.streams = gvStreamRegistryNew();
    drv->eventFunc = gvEventDeliver;
    drv->eventOpaque = &daemon;
    /* a source restarted mid-migration asks the destination daemon */
    drv->migrationAskPeer = gvMigrationAskPeer;
    srv = gvNetServerNew(gvDispatchCall, gvDispatchIsInline, gvDispatchClientNew,
                         gvDispatchClientFree, &daemon, (unsigned int)workers, &error);
    rw = g_build_filename(drv->runDir, "genvirt-sock", NULL);
    ro = g_build_filename(drv->runDir, "genvirt-sock-ro", NULL);
    if (!srv) {
        g_critical("%s", error->message);
        gvDaemonTeardown(&daemon, NULL);
        return 1;
    }
    gvNetServerSetClientCloseFunc(srv, gvDaemonClientClosed);
    gvNetServerSetStreamFunc(srv, gvStreamReceived);
    /* keepalive_interval / keepalive_count: the server's PINGs and the p2p client's */
    gvNetServerSetKeepAlive(srv, cfg->keepaliveInterval, cfg->keepaliveCount);
    g_unix_signal_add(SIGTERM, gvDaemonQuit, &daemon);
    g_unix_signal_add(SIGINT, gvDaemonQuit, &daemon);
    /*
     * Reconnect to the QEMUs still running, then autostart (both need the
     * loop); clients are served only once the state they see is complete.
     */
    gvDriverStartup(drv);
    if (!daemon.quit) {
        if (gvNetServerAddListener(srv, rw, 0600, false, &error) < 0 ||
            gvNetServerAddListener(srv, ro, 0666, true, &error) < 0 ||
            (cfg->libvirtSocket && gvDaemonListenLibvirt(srv, libvirtDir, &error) < 0) ||
            gvDaemonListenRemote(srv, cfg, &error) < 0) {
            g_critical("%s", error->message);
            gvDaemonTeardown(&daemon, srv);
            return 1;
        }
        g_message("listening on %s and %s", rw, ro);
        g_main_loop_run(daemon.loop);
    }

    gvDaemonTeardown(&daemon, srv);
    g_message("genvirtd stopped");
    return 0;
}
