/*
 * qemu_monitor.h: QMP, the QEMU Machine Protocol, on the GLib main loop
 *
 * The main loop owns the socket: it reads with json-c's incremental
 * tokener, matches replies to commands by their "id" ("gv-N"), dispatches
 * events through a name -> handler table (unknown events are ignored) and
 * notices EOF at once.  Worker threads issue commands with
 * gvQemuMonitorCommand, which waits for the reply with a timeout.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>
#include <json-c/json.h>

#include "qemu_capabilities.h"

typedef struct _gvQemuMonitor gvQemuMonitor;

typedef enum {
    GV_QEMU_EVENT_SHUTDOWN = 0,
    GV_QEMU_EVENT_POWERDOWN,
    GV_QEMU_EVENT_STOP,
    GV_QEMU_EVENT_RESUME,
    GV_QEMU_EVENT_RESET,
    GV_QEMU_EVENT_MIGRATION, /* with the "events" migration capability on */
    GV_QEMU_EVENT_LAST
} gvQemuEvent;

typedef struct {
    /* main loop: the socket closed or broke; no command will be answered */
    void (*eof)(gvQemuMonitor *mon, gpointer opaque);
    /* main loop: a known event (@data may be NULL) */
    void (*event)(gvQemuMonitor *mon, gvQemuEvent event, json_object *data, gpointer opaque);
} gvQemuMonitorCallbacks;

/*
 * Connects to the QMP socket at @path (retrying until @timeoutMs, as QEMU
 * may still be starting), reads the greeting and negotiates capabilities.
 * @domain (optional) is the name errors give the QEMU, @pid its pid (0:
 * unknown; the test hook of gvcrashpoint.h needs it).
 * Blocking: call from a worker thread (or before the main loop runs).
 */
gvQemuMonitor *gvQemuMonitorOpen(const char *path, const char *domain, GPid pid, GMainContext *ctx,
                                 const gvQemuMonitorCallbacks *cb, gpointer opaque,
                                 GDestroyNotify opaqueFree, unsigned int timeoutMs, GError **error);
/*
 * No command waits longer than @timeoutMs (genvirtd.conf's
 * qemu_monitor_timeout), whatever it asks for; 0: no cap.  After one went
 * unanswered that long, commands fail at once until QEMU sends anything.
 */
void gvQemuMonitorSetMaxTimeout(gvQemuMonitor *mon, unsigned int timeoutMs);
/* Stops watching the socket and closes it; pending commands fail. Any thread. */
void gvQemuMonitorClose(gvQemuMonitor *mon);
gvQemuMonitor *gvQemuMonitorRef(gvQemuMonitor *mon);
void gvQemuMonitorUnref(gvQemuMonitor *mon);

/*
 * Runs @command (optionally with @args, which this takes) and waits up to
 * @timeoutMs for its reply.  @reply gets the "return" member (a new ref).
 * A QMP "error" becomes GV_ERR_OPERATION_FAILED with QEMU's "desc".
 * Must not be called on the main loop's thread.
 */
int gvQemuMonitorCommand(gvQemuMonitor *mon, const char *command, json_object *args,
                         unsigned int timeoutMs, json_object **reply, GError **error);
/* The same, passing @fd (SCM_RIGHTS) with the command, as "getfd" wants it */
int gvQemuMonitorCommandWithFd(gvQemuMonitor *mon, const char *command, json_object *args, int fd,
                               unsigned int timeoutMs, json_object **ret, GError **error);

/*
 * The same in two steps, so that commands to many monitors run at once:
 * Start sends @command (taking @args), Finish waits for the reply (at most
 * @timeoutMs after it was sent) and frees @call; every started call must be
 * finished.  A call that could not be sent is NULL: Finish reports it.
 * @errClass (optional) gets QEMU's error class when it refused.
 */
typedef struct _gvQemuMonitorCall gvQemuMonitorCall;
gvQemuMonitorCall *gvQemuMonitorCallStart(gvQemuMonitor *mon, const char *command,
                                          json_object *args, GError **error);
int gvQemuMonitorCallFinish(gvQemuMonitorCall *call, unsigned int timeoutMs, json_object **ret,
                            char **errClass, GError **error);

/* The raw text of a reply to a user's command (qemu-monitor-command) */
int gvQemuMonitorCommandRaw(gvQemuMonitor *mon, const char *json, unsigned int timeoutMs,
                            char **reply, GError **error);

/*
 * Runs a QMP job command (@args must hold "job-id": @jobId), waits until the
 * job concludes (polling query-jobs), reports its error if it has one, and
 * dismisses it.
 */
int gvQemuMonitorRunJob(gvQemuMonitor *mon, const char *command, json_object *args,
                        const char *jobId, unsigned int timeoutMs, GError **error);

/* Thin wrappers */
int gvQemuMonitorQueryGenid(gvQemuMonitor *mon, unsigned char guid[16], GError **error);
int gvQemuMonitorCont(gvQemuMonitor *mon, GError **error);
int gvQemuMonitorStop(gvQemuMonitor *mon, GError **error);
int gvQemuMonitorPowerdown(gvQemuMonitor *mon, GError **error);
int gvQemuMonitorReset(gvQemuMonitor *mon, GError **error);
int gvQemuMonitorQuit(gvQemuMonitor *mon, GError **error);
/* "running", "paused", ... */
int gvQemuMonitorQueryStatus(gvQemuMonitor *mon, char **status, GError **error);
/* query-chardev's return (an array; the caller owns it), for gvQmpParseChardevPty */
int gvQemuMonitorQueryChardev(gvQemuMonitor *mon, json_object **chardevs, GError **error);

/* ---- pure reply parsers (no I/O; tested and fuzzed directly) ---------- */

typedef enum {
    GV_QMP_MSG_INVALID = 0,
    GV_QMP_MSG_GREETING,
    GV_QMP_MSG_RETURN,
    GV_QMP_MSG_ERROR,
    GV_QMP_MSG_EVENT,
} gvQmpMessageKind;

typedef struct {
    gvQmpMessageKind kind;
    const char *id; /* RETURN/ERROR: the command's id, or NULL */
    json_object *ret; /* RETURN: the "return" member (borrowed) */
    const char *errClass;
    const char *errDesc; /* ERROR */
    const char *event; /* EVENT: its name */
    json_object *data; /* EVENT: "data" (borrowed), or NULL */
} gvQmpMessage;

/* Classifies one message; pointers borrow from @obj */
void gvQmpMessageParse(json_object *obj, gvQmpMessage *msg);
/* query-vm-generation-id's return: {"guid": "..."} */
int gvQmpParseGenid(json_object *ret, unsigned char guid[16], GError **error);
/* query-status's return: {"status": "running", ...} */
int gvQmpParseStatus(json_object *ret, char **status, GError **error);
/*
 * query-chardev's return: [{"label": "charserial0", "filename":
 * "pty:/dev/pts/3", ...}, ...].  The pty path of chardev @label: 1 and
 * *@path set, 0 when there is no such chardev, -1 when the reply is
 * malformed or that chardev is not a pty.
 */
int gvQmpParseChardevPty(json_object *ret, const char *label, char **path, GError **error);
int gvQemuEventFromName(const char *name);
