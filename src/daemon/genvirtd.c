/*
 * genvirtd.c: the genvirt daemon
 *
 * Runs in the foreground, logs to stderr, serves libvirt's remote protocol
 * on RUNDIR/genvirt-sock (read-write, 0600) and RUNDIR/genvirt-sock-ro
 * (read-only, 0666).  SIGTERM and SIGINT stop it cleanly; domains it
 * started keep running.
 */
#include <gvconfig.h>

#include <locale.h>
#include <stdio.h>
#include <sys/stat.h>
#include <glib-unix.h>

#include "driver.h"
#include "gverror.h"
#include "gvfile.h"
#include "gvnetserver.h"
#include "qemu_driver.h"
#include "remote_dispatch.h"
#include "remote_event.h"

static bool gvVerbose;

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
    g_autoptr(gvNetServer) srv = NULL;
    g_autofree char *rw = NULL;
    g_autofree char *ro = NULL;
    gboolean version = FALSE;
    g_autofree char *migrationHost = NULL;
    g_autofree char *migrationListen = NULL;
    gvDaemon daemon = { 0 };
    int workers = 4;
    int keepaliveInterval = 5;
    int keepaliveCount = 5;
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
        { "keepalive-interval", 0, 0, G_OPTION_ARG_INT, &keepaliveInterval,
          "seconds of silence before a keepalive PING to clients that asked for them "
          "(default 5; -1: never)",
          "S" },
        { "keepalive-count", 0, 0, G_OPTION_ARG_INT, &keepaliveCount,
          "unanswered PINGs before such a client is dropped (default 5)", "N" },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "print the version", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };

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
    if (!(drv = gvDriverNew(root, &error))) {
        g_critical("%s", error->message);
        return 1;
    }
    if (migrationHost) {
        g_free(drv->migrationHost);
        drv->migrationHost = g_steal_pointer(&migrationHost);
    }
    if (migrationListen) {
        g_free(drv->migrationListen);
        drv->migrationListen = g_steal_pointer(&migrationListen);
    }
    loaded = gvDriverLoadConfigs(drv);
    g_message("genvirtd %s starting, root '%s', %d domain(s) loaded", GV_VERSION, root ? root : "/",
              loaded);

    daemon.drv = drv;
    daemon.loop = g_main_loop_new(NULL, FALSE);
    daemon.events = gvEventRegistryNew();
    drv->eventFunc = gvEventDeliver;
    drv->eventOpaque = &daemon;
    srv = gvNetServerNew(gvDispatchCall, gvDispatchIsInline, gvDispatchClientNew,
                         gvDispatchClientFree, &daemon, (unsigned int)workers, &error);
    rw = g_build_filename(drv->runDir, "genvirt-sock", NULL);
    ro = g_build_filename(drv->runDir, "genvirt-sock-ro", NULL);
    if (!srv) {
        g_critical("%s", error->message);
        g_main_loop_unref(daemon.loop);
        return 1;
    }
    gvNetServerSetClientCloseFunc(srv, gvEventClientClosed);
    gvNetServerSetKeepAlive(srv, keepaliveInterval, keepaliveCount);
    g_unix_signal_add(SIGTERM, gvDaemonQuit, &daemon);
    g_unix_signal_add(SIGINT, gvDaemonQuit, &daemon);
    /*
     * Reconnect to the QEMUs still running, then autostart (both need the
     * loop); clients are served only once the state they see is complete.
     */
    gvDriverStartup(drv);
    if (!daemon.quit) {
        if (gvNetServerAddListener(srv, rw, 0600, false, &error) < 0 ||
            gvNetServerAddListener(srv, ro, 0666, true, &error) < 0) {
            g_critical("%s", error->message);
            gvDriverShutdown(drv);
            g_main_loop_unref(daemon.loop);
            return 1;
        }
        g_message("listening on %s and %s", rw, ro);
        g_main_loop_run(daemon.loop);
    }

    gvNetServerShutdown(srv);
    /* domains keep running: only the monitors are let go */
    drv->eventFunc = NULL;
    gvDriverShutdown(drv);
    gvEventRegistryFree(daemon.events);
    gvFileDropAllSpares();
    g_main_loop_unref(daemon.loop);
    g_message("genvirtd stopped");
    return 0;
}
