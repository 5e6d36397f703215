/*
 * qemu_monitor.c: QMP, the QEMU Machine Protocol, on the GLib main loop
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

#include "gvbuffer.h"
#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvfile.h"
#include "gvjson.h"
#include "gvuuid.h"
#include "qemu_monitor.h"

/* a reply larger than this is not one we asked for */
#define GV_QMP_MAX_MESSAGE (16 * 1024 * 1024)
/* how long a command may wait to be sent when no qemu_monitor_timeout is set */
#define GV_QMP_SEND_TIMEOUT_MS 30000
/* "pty:" and a path */
#define GV_QMP_MAX_PTY_PATH 4096

static const char *const gvQemuEventNames[GV_QEMU_EVENT_LAST] = {
    [GV_QEMU_EVENT_SHUTDOWN] = "SHUTDOWN", [GV_QEMU_EVENT_POWERDOWN] = "POWERDOWN",
    [GV_QEMU_EVENT_STOP] = "STOP",         [GV_QEMU_EVENT_RESUME] = "RESUME",
    [GV_QEMU_EVENT_RESET] = "RESET",       [GV_QEMU_EVENT_MIGRATION] = "MIGRATION",
};

int
gvQemuEventFromName(const char *name)
{
    size_t i;

    for (i = 0; name && i < GV_QEMU_EVENT_LAST; i++) {
        if (g_str_equal(gvQemuEventNames[i], name))
            return (int)i;
    }
    return -1;
}

/* ---- pure parsers ------------------------------------------------------- */

void
gvQmpMessageParse(json_object *obj, gvQmpMessage *msg)
{
    json_object *v;

    memset(msg, 0, sizeof(*msg));
    if (!obj || !json_object_is_type(obj, json_type_object))
        return;
    msg->id = gvJSONGetString(obj, "id");
    if (json_object_object_get_ex(obj, "QMP", &v)) {
        msg->kind = GV_QMP_MSG_GREETING;
    } else if (json_object_object_get_ex(obj, "return", &v)) {
        msg->kind = GV_QMP_MSG_RETURN;
        msg->ret = v;
    } else if (json_object_object_get_ex(obj, "error", &v) &&
               json_object_is_type(v, json_type_object)) {
        msg->kind = GV_QMP_MSG_ERROR;
        msg->errClass = gvJSONGetString(v, "class");
        msg->errDesc = gvJSONGetString(v, "desc");
    } else if ((msg->event = gvJSONGetString(obj, "event"))) {
        msg->kind = GV_QMP_MSG_EVENT;
        if (json_object_object_get_ex(obj, "data", &v))
            msg->data = v;
    }
}

int
gvQmpParseGenid(json_object *ret, unsigned char guid[16], GError **error)
{
    const char *s = ret ? gvJSONGetString(ret, "guid") : NULL;

    if (!s || !gvUUIDParse(s, guid)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR,
                      "malformed reply of query-vm-generation-id: expected {\"guid\": UUID}");
        return -1;
    }
    return 0;
}

int
gvQmpParseStatus(json_object *ret, char **status, GError **error)
{
    const char *s = ret ? gvJSONGetString(ret, "status") : NULL;

    if (!s) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR,
                      "malformed reply of query-status: expected {\"status\": STRING}");
        return -1;
    }
    *status = g_strdup(s);
    return 0;
}

int
gvQmpParseChardevPty(json_object *ret, const char *label, char **path, GError **error)
{
    size_t n;
    size_t i;

    if (!ret || !json_object_is_type(ret, json_type_array)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR,
                      "malformed reply of query-chardev: expected an array");
        return -1;
    }
    n = json_object_array_length(ret);
    for (i = 0; i < n; i++) {
        json_object *chr = json_object_array_get_idx(ret, i);
        const char *name = gvJSONGetString(chr, "label");
        const char *filename;

        if (!name || !g_str_equal(name, label))
            continue;
        filename = gvJSONGetString(chr, "filename");
        if (!filename || !g_str_has_prefix(filename, "pty:") || filename[4] != '/' ||
            strlen(filename) > GV_QMP_MAX_PTY_PATH) {
            gvReportError(
                error, GV_ERR_INTERNAL_ERROR,
                "malformed reply of query-chardev: chardev '%s' has no pty path (filename '%.64s')",
                label, filename ? filename : "");
            return -1;
        }
        *path = g_strdup(filename + 4);
        return 1;
    }
    return 0;
}

/* ---- the monitor -------------------------------------------------------- */

typedef struct {
    char *id;
    GCond cond;
    bool done;
    json_object *reply; /* the whole message */
    char *raw; /* its text, for qemu-monitor-command */
    char *command; /* what was executed, for messages */
} gvQmpPending;

struct _gvQemuMonitor {
    gint ref;
    GMutex lock;
    /*
     * Serializes senders, apart from @lock: a sender that waits for room in
     * a full socket (QEMU hung) holds only this, so the main loop, Close
     * and the waiters are never held up by it.  Taken before @lock.
     */
    GMutex sendLock;
    /*
     * The rest of a command whose send timed out half-way (sendLock): it
     * goes out before the next command, so QEMU never sees a torn one.
     */
    GString *unsent;
    int fd; /* O_NONBLOCK */
    GMainContext *ctx;
    GSource *source; /* main loop only */
    json_tokener *tok; /* main loop only */
    GString *rawbuf; /* text of the message being parsed */
    gvQemuMonitorCallbacks cb;
    gpointer opaque;
    GDestroyNotify opaqueFree;
    guint64 nextId;
    GHashTable *pending; /* id -> gvQmpPending */
    bool eof;
    unsigned int maxTimeoutMs; /* no command waits longer; 0: as each asks */
    /*
     * A command went unanswered past its time and QEMU has sent nothing
     * since: it is stopped or hung, and commands fail at once rather than
     * wait in turn.  Its name, or NULL.
     */
    char *hungCommand;
    unsigned int hungMs;
    GPid peer; /* QEMU's pid, for the test hook; 0 if unknown */
    char *domain; /* the domain's name, or NULL */
    char *what; /* "QEMU's monitor of domain 'NAME'", for messages */
};

void
gvQemuMonitorSetMaxTimeout(gvQemuMonitor *mon, unsigned int timeoutMs)
{
    g_mutex_lock(&mon->lock);
    mon->maxTimeoutMs = timeoutMs;
    g_mutex_unlock(&mon->lock);
}

gvQemuMonitor *
gvQemuMonitorRef(gvQemuMonitor *mon)
{
    g_atomic_int_inc(&mon->ref);
    return mon;
}

void
gvQemuMonitorUnref(gvQemuMonitor *mon)
{
    if (!mon || !g_atomic_int_dec_and_test(&mon->ref))
        return;
    if (mon->fd >= 0)
        close(mon->fd);
    if (mon->tok)
        gvJSONTokenerFreeSecret(mon->tok);
    gvStringWipe(mon->rawbuf);
    g_string_free(mon->rawbuf, TRUE);
    g_hash_table_unref(mon->pending);
    g_main_context_unref(mon->ctx);
    if (mon->opaque && mon->opaqueFree)
        mon->opaqueFree(mon->opaque);
    g_free(mon->hungCommand);
    g_free(mon->domain);
    g_free(mon->what);
    gvStringWipe(mon->unsent);
    g_string_free(mon->unsent, TRUE);
    g_mutex_clear(&mon->sendLock);
    g_mutex_clear(&mon->lock);
    g_free(mon);
}

/* Wakes every waiter: called with the lock held */
static void
gvQemuMonitorFailPendingLocked(gvQemuMonitor *mon)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, mon->pending);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        gvQmpPending *p = value;

        p->done = true;
        g_cond_signal(&p->cond);
    }
}

static void
gvQemuMonitorDispatchMessage(gvQemuMonitor *mon, json_object *obj, const char *raw)
{
    gvQmpMessage msg;

    gvQmpMessageParse(obj, &msg);
    switch (msg.kind) {
    case GV_QMP_MSG_RETURN:
    case GV_QMP_MSG_ERROR: {
        gvQmpPending *p;

        g_mutex_lock(&mon->lock);
        p = msg.id ? g_hash_table_lookup(mon->pending, msg.id) : NULL;
        if (p && !p->done) {
            p->reply = json_object_get(obj);
            p->raw = g_strdup(raw); /* may hold the GUID: gvSecretFree */
            p->done = true;
            g_cond_signal(&p->cond);
        }
        g_mutex_unlock(&mon->lock);
        break;
    }
    case GV_QMP_MSG_EVENT: {
        int ev = gvQemuEventFromName(msg.event);

        if (ev >= 0 && mon->cb.event)
            mon->cb.event(mon, ev, msg.data, mon->opaque);
        break;
    }
    case GV_QMP_MSG_GREETING:
    case GV_QMP_MSG_INVALID:
        break;
    }
}

/* Main loop: EOF or an error on the socket */
static void
gvQemuMonitorHangup(gvQemuMonitor *mon)
{
    bool notify;

    g_mutex_lock(&mon->lock);
    notify = !mon->eof;
    mon->eof = true;
    gvQemuMonitorFailPendingLocked(mon);
    g_mutex_unlock(&mon->lock);
    if (mon->source) {
        g_source_destroy(mon->source);
        g_source_unref(mon->source);
        mon->source = NULL;
    }
    if (notify && mon->cb.eof)
        mon->cb.eof(mon, mon->opaque);
}

/* Feeds @len bytes to the tokener; false on a protocol error */
static bool
gvQemuMonitorFeed(gvQemuMonitor *mon, const char *buf, size_t len)
{
    size_t off = 0;

    while (off < len) {
        json_object *obj;
        enum json_tokener_error jerr;
        size_t used;

        /* skip separators between messages */
        if (mon->rawbuf->len == 0 && g_ascii_isspace(buf[off])) {
            off++;
            continue;
        }
        obj = json_tokener_parse_ex(mon->tok, buf + off, (int)(len - off));
        jerr = json_tokener_get_error(mon->tok);
        used = json_tokener_get_parse_end(mon->tok);
        /* a reply may hold the GUID (query-vm-generation-id): no unwiped copies */
        gvStringAppendSecret(mon->rawbuf, buf + off, used);
        off += used;
        if (jerr == json_tokener_continue) {
            if (mon->rawbuf->len > GV_QMP_MAX_MESSAGE)
                return false;
            continue;
        }
        if (jerr != json_tokener_success || !obj)
            return false;
        gvQemuMonitorDispatchMessage(mon, obj, mon->rawbuf->str);
        json_object_put(obj);
        gvStringWipe(mon->rawbuf);
        json_tokener_reset(mon->tok);
        gvJSONTokenerWipe(mon->tok);
    }
    return true;
}

static gboolean
gvQemuMonitorIO(gint fd, GIOCondition cond, gpointer opaque)
{
    gvQemuMonitor *mon = opaque;
    char buf[16384];
    ssize_t n;

    n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return G_SOURCE_CONTINUE;
    if (n > 0 && mon->hungCommand) {
        /* QEMU speaks again (the late answer to what timed out, likely) */
        g_mutex_lock(&mon->lock);
        g_clear_pointer(&mon->hungCommand, g_free);
        g_mutex_unlock(&mon->lock);
    }
    if (n <= 0 || !gvQemuMonitorFeed(mon, buf, (size_t)n)) {
        gvQemuMonitorHangup(mon);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

/*
 * Blocking: the greeting, before the main loop watches the fd.  QEMU sends
 * nothing after it until we send a command, so reading whole chunks up to
 * its newline loses nothing.
 */
static json_object *
gvQemuMonitorReadSync(int fd, gint64 deadline, GError **error)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    json_object *obj = NULL;

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        char chunk[4096];
        ssize_t n;

        if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
            gvReportError(error, GV_ERR_OPERATION_TIMEOUT, "QEMU did not send its QMP greeting");
            return NULL;
        }
        n = recv(fd, chunk, sizeof(chunk), 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0) {
            gvReportError(error, GV_ERR_OPERATION_FAILED,
                          "QEMU closed its monitor before the QMP greeting");
            return NULL;
        }
        g_string_append_len(buf, chunk, n);
        if (memchr(chunk, '\n', (size_t)n))
            break;
        if (buf->len > GV_QMP_MAX_MESSAGE) {
            gvReportError(error, GV_ERR_OPERATION_FAILED, "QEMU sent an oversized QMP greeting");
            return NULL;
        }
    }
    if (!(obj = json_tokener_parse(buf->str)))
        gvReportError(error, GV_ERR_OPERATION_FAILED, "QEMU sent a malformed QMP greeting");
    return obj;
}

static int
gvQemuMonitorConnect(const char *path, unsigned int timeoutMs, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    gint64 deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "monitor path '%s' is too long", path);
        return -1;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    for (;;) {
        if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
            gvReportSystemError(error, errno, "cannot create a socket");
            return -1;
        }
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
            return fd;
        close(fd);
        if ((errno != ENOENT && errno != ECONNREFUSED) || g_get_monotonic_time() > deadline) {
            gvReportSystemError(error, errno, "cannot connect to the QEMU monitor '%s'", path);
            return -1;
        }
        g_usleep(2000);
    }
}

static void
gvQmpPendingFree(gpointer opaque)
{
    gvQmpPending *p = opaque;

    if (p->reply)
        json_object_put(p->reply);
    gvSecretFree(p->raw);
    g_free(p->id);
    g_free(p->command);
    g_cond_clear(&p->cond);
    g_free(p);
}

gvQemuMonitor *
gvQemuMonitorOpen(const char *path, const char *domain, GPid pid, GMainContext *ctx,
                  const gvQemuMonitorCallbacks *cb, gpointer opaque, GDestroyNotify opaqueFree,
                  unsigned int timeoutMs, GError **error)
{
    gvQemuMonitor *mon;
    json_object *greeting;
    gvQmpMessage msg;
    gint64 deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;
    int fd;

    if ((fd = gvQemuMonitorConnect(path, timeoutMs, error)) < 0) {
        if (opaque && opaqueFree)
            opaqueFree(opaque);
        return NULL;
    }
    if (!(greeting = gvQemuMonitorReadSync(fd, deadline, error))) {
        if (opaque && opaqueFree)
            opaqueFree(opaque);
        close(fd);
        return NULL;
    }
    gvQmpMessageParse(greeting, &msg);
    json_object_put(greeting);
    if (msg.kind != GV_QMP_MSG_GREETING) {
        gvReportError(error, GV_ERR_OPERATION_FAILED, "QEMU's monitor did not greet with QMP");
        if (opaque && opaqueFree)
            opaqueFree(opaque);
        close(fd);
        return NULL;
    }

    /* a full socket must never block a sender (gvQemuMonitorSend) */
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
        gvReportSystemError(error, errno, "cannot make the QEMU monitor '%s' non-blocking", path);
        if (opaque && opaqueFree)
            opaqueFree(opaque);
        close(fd);
        return NULL;
    }
    mon = g_new0(gvQemuMonitor, 1);
    mon->ref = 1;
    g_mutex_init(&mon->lock);
    g_mutex_init(&mon->sendLock);
    mon->unsent = g_string_new(NULL);
    mon->fd = fd;
    mon->ctx = g_main_context_ref(ctx);
    mon->tok = gvJSONTokenerNewSecret(64);
    mon->rawbuf = g_string_new(NULL);
    mon->cb = *cb;
    mon->opaque = opaque;
    mon->opaqueFree = opaqueFree;
    mon->pending = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, NULL);
    mon->domain = g_strdup(domain);
    mon->what = domain ? g_strdup_printf("QEMU's monitor of domain '%s'", domain)
                       : g_strdup("QEMU's monitor");
    /* never ourselves: the test hook stops and kills it */
    mon->peer = pid != getpid() ? pid : 0;
    mon->source = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(mon->source, G_SOURCE_FUNC(gvQemuMonitorIO), gvQemuMonitorRef(mon),
                          (GDestroyNotify)gvQemuMonitorUnref);
    g_source_attach(mon->source, ctx);

    if (gvQemuMonitorCommand(mon, "qmp_capabilities", NULL, timeoutMs, NULL, error) < 0) {
        gvQemuMonitorClose(mon);
        gvQemuMonitorUnref(mon);
        return NULL;
    }
    return mon;
}

static gboolean
gvQemuMonitorCloseMain(gpointer opaque)
{
    gvQemuMonitor *mon = opaque;

    if (mon->source) {
        g_source_destroy(mon->source);
        g_source_unref(mon->source);
        mon->source = NULL;
    }
    return G_SOURCE_REMOVE;
}

void
gvQemuMonitorClose(gvQemuMonitor *mon)
{
    if (!mon)
        return;
    g_mutex_lock(&mon->lock);
    mon->eof = true;
    gvQemuMonitorFailPendingLocked(mon);
    /* no more callbacks: the owner is going away */
    mon->cb.eof = NULL;
    mon->cb.event = NULL;
    if (mon->fd >= 0)
        shutdown(mon->fd, SHUT_RDWR);
    g_mutex_unlock(&mon->lock);
    g_main_context_invoke_full(mon->ctx, G_PRIORITY_DEFAULT, gvQemuMonitorCloseMain,
                               gvQemuMonitorRef(mon), (GDestroyNotify)gvQemuMonitorUnref);
}

/*
 * Writes @len bytes of @text to the non-blocking socket, @fd (unless -1)
 * with the first byte, waiting for room until @deadline (monotonic).
 * *@sent gets the number of bytes written.  With sendLock held.
 */
static int
gvQemuMonitorSendBounded(gvQemuMonitor *mon, const char *text, size_t len, int fd, gint64 deadline,
                         size_t *sent)
{
    *sent = 0;
    while (*sent < len) {
        /* @fd goes with the first byte; QEMU keeps it for "getfd" */
        ssize_t n = *sent == 0 && fd >= 0
                        ? gvSocketSendFd(mon->fd, text, 1, fd)
                        : send(mon->fd, text + *sent, len - *sent, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = { .fd = mon->fd, .events = POLLOUT };
            gint64 left = (deadline - g_get_monotonic_time()) / 1000;

            if (left <= 0) {
                errno = ETIMEDOUT;
                return -1;
            }
            /* Close's shutdown() ends the wait at once (POLLHUP) */
            if (poll(&pfd, 1, (int)MIN(left, G_MAXINT)) < 0 && errno != EINTR)
                return -1;
            continue;
        }
        if (n < 0)
            return -1;
        *sent += (size_t)n;
    }
    return 0;
}

/*
 * Sends @command's @len bytes of @text (and @fd) after what an earlier
 * timed-out send left, within @timeoutMs.  A send that times out fails with
 * GV_ERR_OPERATION_TIMEOUT; what it left half-sent is kept for the next.
 */
static int
gvQemuMonitorSend(gvQemuMonitor *mon, const char *command, const char *text, size_t len, int fd,
                  unsigned int timeoutMs, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;
    size_t sent = 0;
    int err = 0;
    int rc = 0;

    g_mutex_lock(&mon->sendLock);
    if (mon->unsent->len > 0) {
        rc = gvQemuMonitorSendBounded(mon, mon->unsent->str, mon->unsent->len, -1, deadline, &sent);
        err = errno;
        memmove(mon->unsent->str, mon->unsent->str + sent, mon->unsent->len - sent);
        explicit_bzero(mon->unsent->str + mon->unsent->len - sent, sent);
        g_string_truncate(mon->unsent, mon->unsent->len - sent);
        sent = 0;
    }
    if (rc == 0 && (rc = gvQemuMonitorSendBounded(mon, text, len, fd, deadline, &sent)) < 0) {
        err = errno;
        if (sent > 0)
            gvStringAppendSecret(mon->unsent, text + sent, len - sent);
    }
    g_mutex_unlock(&mon->sendLock);
    if (rc < 0 && err == ETIMEDOUT) {
        gvReportError(error, GV_ERR_OPERATION_TIMEOUT,
                      "%s did not take '%s' within %u ms: QEMU is stopped or hung", mon->what,
                      command, timeoutMs);
    } else if (rc < 0) {
        gvReportSystemError(error, err, "cannot send '%s' to %s", command, mon->what);
    }
    return rc;
}

#if GV_WITH_TEST_HOOKS
/*
 * The test hook (GENVIRT_TEST_QEMU_DIES_AT): stops QEMU and waits until it
 * is stopped, so that it cannot answer the command about to be sent.
 * Returns the pid to SIGKILL once the command is out, or 0.
 */
static GPid
gvQemuMonitorTestStopPeer(gvQemuMonitor *mon, const char *command)
{
    g_autofree char *path = NULL;
    int i;

    if (mon->peer <= 0 || !gvCrashPointQemuDies(mon->domain, command))
        return 0;
    if (kill(mon->peer, SIGSTOP) < 0)
        return 0;
    path = g_strdup_printf("/proc/%d/stat", (int)mon->peer);
    for (i = 0; i < 2000; i++) {
        g_autofree char *stat = NULL;
        const char *end;

        if (!g_file_get_contents(path, &stat, NULL, NULL))
            break;
        end = strrchr(stat, ')');
        if (end && (end[2] == 'T' || end[2] == 't'))
            break;
        g_usleep(1000);
    }
    return mon->peer;
}
#endif

/*
 * Sends @obj (a command object: "id" is added; @fd, unless -1, goes along
 * as SCM_RIGHTS) and registers its reply's slot.  Takes @obj.  Returns the
 * slot, to be waited for with gvQemuMonitorWait, or NULL.
 */
static gvQmpPending *
gvQemuMonitorSubmit(gvQemuMonitor *mon, json_object *obj, int fd, GError **error)
{
    gvQmpPending *p = g_new0(gvQmpPending, 1);
    const char *text;
    g_autofree char *line = NULL;
    g_autofree char *command = g_strdup(gvJSONGetString(obj, "execute"));
    g_autoptr(GError) local = NULL;
    unsigned int sendMs;
    GPid doomed = 0;

    g_cond_init(&p->cond);
    g_mutex_lock(&mon->lock);
    p->id = g_strdup_printf("gv-%" G_GUINT64_FORMAT, ++mon->nextId);
    if (mon->hungCommand && !mon->eof) {
        gvReportError(error, GV_ERR_OPERATION_TIMEOUT,
                      "%s did not answer '%s' within %u ms and has said nothing since: "
                      "QEMU is stopped or hung ('%s' not sent)",
                      mon->what, mon->hungCommand, mon->hungMs, command ? command : "?");
        g_mutex_unlock(&mon->lock);
        json_object_put(obj);
        gvQmpPendingFree(p);
        return NULL;
    }
    p->command = g_strdup(command ? command : "?");
    if (mon->eof) {
        g_mutex_unlock(&mon->lock);
        gvReportError(error, GV_ERR_OPERATION_FAILED, "%s is closed (QEMU exited?): '%s' not sent",
                      mon->what, p->command);
        json_object_put(obj);
        gvQmpPendingFree(p);
        return NULL;
    }
    json_object_object_add(obj, "id", json_object_new_string(p->id));
    text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
    line = g_strdup_printf("%s\r\n", text);
    g_hash_table_insert(mon->pending, p->id, p);
    sendMs = mon->maxTimeoutMs > 0 ? mon->maxTimeoutMs : GV_QMP_SEND_TIMEOUT_MS;
#if GV_WITH_TEST_HOOKS
    doomed = gvQemuMonitorTestStopPeer(mon, command);
#endif
    g_mutex_unlock(&mon->lock);
    /* not under @lock: a full socket must not hold up the main loop (sendLock orders senders) */
    if (gvQemuMonitorSend(mon, p->command, line, strlen(line), fd, sendMs, &local) < 0) {
        if (doomed > 0)
            (void)kill(doomed, SIGKILL);
        g_mutex_lock(&mon->lock);
        if (g_error_matches(local, GV_ERROR, GV_ERR_OPERATION_TIMEOUT) && !mon->hungCommand) {
            mon->hungCommand = g_strdup(p->command);
            mon->hungMs = sendMs;
        }
        g_hash_table_remove(mon->pending, p->id);
        g_mutex_unlock(&mon->lock);
        g_propagate_error(error, g_steal_pointer(&local));
        explicit_bzero(line, strlen(line));
        json_object_put(obj);
        gvQmpPendingFree(p);
        return NULL;
    }
    if (doomed > 0) {
        g_debug("test hook: QEMU %d dies in '%s'", (int)doomed, command);
        (void)kill(doomed, SIGKILL);
    }
    explicit_bzero(line, strlen(line));
    json_object_put(obj);
    return p;
}

/*
 * Waits until @deadline (monotonic) for the reply of @p and frees @p.
 * Returns the reply message (whole) or NULL.
 */
static json_object *
gvQemuMonitorWait(gvQemuMonitor *mon, gvQmpPending *p, gint64 deadline, unsigned int timeoutMs,
                  char **raw, GError **error)
{
    json_object *reply = NULL;
    bool timedOut = false;

    g_mutex_lock(&mon->lock);
    /* qemu_monitor_timeout caps every wait; @deadline was @timeoutMs from the send */
    if (mon->maxTimeoutMs > 0 && timeoutMs > mon->maxTimeoutMs) {
        deadline -= (gint64)(timeoutMs - mon->maxTimeoutMs) * 1000;
        timeoutMs = mon->maxTimeoutMs;
    }
    while (!p->done) {
        if (!g_cond_wait_until(&p->cond, &mon->lock, deadline)) {
            timedOut = !p->done;
            break;
        }
    }
    if (timedOut && !mon->hungCommand) {
        mon->hungCommand = g_strdup(p->command);
        mon->hungMs = timeoutMs;
    }
    g_hash_table_remove(mon->pending, p->id);
    g_mutex_unlock(&mon->lock);

    if (timedOut) {
        gvReportError(error, GV_ERR_OPERATION_TIMEOUT,
                      "%s did not answer '%s' within %u ms: QEMU is stopped or hung", mon->what,
                      p->command, timeoutMs);
    } else if (!p->reply) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "%s closed before answering '%s' (QEMU exited?)", mon->what, p->command);
    } else {
        reply = json_object_get(p->reply);
        if (raw)
            *raw = g_strchomp(g_steal_pointer(&p->raw)); /* QEMU ends lines with CRLF */
    }
    gvQmpPendingFree(p);
    return reply;
}

/* Sends @obj (takes it) and waits for its reply */
static json_object *
gvQemuMonitorRun(gvQemuMonitor *mon, json_object *obj, int fd, unsigned int timeoutMs, char **raw,
                 GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;
    gvQmpPending *p = gvQemuMonitorSubmit(mon, obj, fd, error);

    return p ? gvQemuMonitorWait(mon, p, deadline, timeoutMs, raw, error) : NULL;
}

struct _gvQemuMonitorCall {
    gvQemuMonitor *mon;
    gvQmpPending *pending;
    char *command;
    gint64 sent; /* monotonic, when the send began */
};

static gvQemuMonitorCall *
gvQemuMonitorCallStartFd(gvQemuMonitor *mon, const char *command, json_object *args, int fd,
                         GError **error)
{
    json_object *obj = json_object_new_object();
    gvQemuMonitorCall *call;
    gvQmpPending *p;
    gint64 start;

    json_object_object_add(obj, "execute", json_object_new_string(command));
    if (args)
        json_object_object_add(obj, "arguments", args);
    /* the wait to send counts against the reply's time */
    start = g_get_monotonic_time();
    if (!(p = gvQemuMonitorSubmit(mon, obj, fd, error)))
        return NULL;
    call = g_new0(gvQemuMonitorCall, 1);
    call->mon = gvQemuMonitorRef(mon);
    call->pending = p;
    call->command = g_strdup(command);
    call->sent = start;
    return call;
}

gvQemuMonitorCall *
gvQemuMonitorCallStart(gvQemuMonitor *mon, const char *command, json_object *args, GError **error)
{
    return gvQemuMonitorCallStartFd(mon, command, args, -1, error);
}

int
gvQemuMonitorCallFinish(gvQemuMonitorCall *call, unsigned int timeoutMs, json_object **ret,
                        char **errClass, GError **error)
{
    json_object *reply;
    gvQmpMessage msg;
    int rc = -1;

    if (!call) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "no QMP command was sent");
        return -1;
    }
    reply = gvQemuMonitorWait(call->mon, call->pending, call->sent + (gint64)timeoutMs * 1000,
                              timeoutMs, NULL, error);
    if (reply) {
        gvQmpMessageParse(reply, &msg);
        if (msg.kind == GV_QMP_MSG_RETURN) {
            if (ret)
                *ret = json_object_get(msg.ret);
            rc = 0;
        } else if (msg.kind == GV_QMP_MSG_ERROR) {
            if (errClass)
                *errClass = g_strdup(msg.errClass);
            gvReportError(error, GV_ERR_OPERATION_FAILED, "QEMU refused '%s': %s", call->command,
                          msg.errDesc ? msg.errDesc : "unknown error");
        } else {
            gvReportError(error, GV_ERR_INTERNAL_ERROR, "malformed QMP reply to '%s'",
                          call->command);
        }
        json_object_put(reply);
    }
    gvQemuMonitorUnref(call->mon);
    g_free(call->command);
    g_free(call);
    return rc;
}

int
gvQemuMonitorCommand(gvQemuMonitor *mon, const char *command, json_object *args,
                     unsigned int timeoutMs, json_object **ret, GError **error)
{
    return gvQemuMonitorCommandWithFd(mon, command, args, -1, timeoutMs, ret, error);
}

int
gvQemuMonitorCommandWithFd(gvQemuMonitor *mon, const char *command, json_object *args, int fd,
                           unsigned int timeoutMs, json_object **ret, GError **error)
{
    gvQemuMonitorCall *call = gvQemuMonitorCallStartFd(mon, command, args, fd, error);

    return call ? gvQemuMonitorCallFinish(call, timeoutMs, ret, NULL, error) : -1;
}

int
gvQemuMonitorCommandRaw(gvQemuMonitor *mon, const char *json, unsigned int timeoutMs, char **raw,
                        GError **error)
{
    json_object *obj = json_tokener_parse(json);
    json_object *reply;

    if (!obj || !json_object_is_type(obj, json_type_object)) {
        if (obj)
            json_object_put(obj);
        gvReportError(error, GV_ERR_INVALID_ARG, "monitor command '%.64s' is not a JSON object",
                      json);
        return -1;
    }
    /* the id is ours: a user's id would mismatch the reply */
    json_object_object_del(obj, "id");
    if (!(reply = gvQemuMonitorRun(mon, obj, -1, timeoutMs, raw, error)))
        return -1;
    json_object_put(reply);
    return 0;
}

int
gvQemuMonitorQueryGenid(gvQemuMonitor *mon, unsigned char guid[16], GError **error)
{
    json_object *ret = NULL;
    int rc;

    if (gvQemuMonitorCommand(mon, "query-vm-generation-id", NULL, 10000, &ret, error) < 0)
        return -1;
    rc = gvQmpParseGenid(ret, guid, error);
    gvJSONPutSecret(ret);
    return rc;
}

int
gvQemuMonitorQueryStatus(gvQemuMonitor *mon, char **status, GError **error)
{
    json_object *ret = NULL;
    int rc;

    if (gvQemuMonitorCommand(mon, "query-status", NULL, 10000, &ret, error) < 0)
        return -1;
    rc = gvQmpParseStatus(ret, status, error);
    json_object_put(ret);
    return rc;
}

int
gvQemuMonitorQueryChardev(gvQemuMonitor *mon, json_object **chardevs, GError **error)
{
    return gvQemuMonitorCommand(mon, "query-chardev", NULL, 10000, chardevs, error);
}

int
gvQemuMonitorCont(gvQemuMonitor *mon, GError **error)
{
    return gvQemuMonitorCommand(mon, "cont", NULL, 10000, NULL, error);
}

int
gvQemuMonitorStop(gvQemuMonitor *mon, GError **error)
{
    return gvQemuMonitorCommand(mon, "stop", NULL, 10000, NULL, error);
}

int
gvQemuMonitorPowerdown(gvQemuMonitor *mon, GError **error)
{
    return gvQemuMonitorCommand(mon, "system_powerdown", NULL, 10000, NULL, error);
}

int
gvQemuMonitorReset(gvQemuMonitor *mon, GError **error)
{
    return gvQemuMonitorCommand(mon, "system_reset", NULL, 10000, NULL, error);
}

int
gvQemuMonitorQuit(gvQemuMonitor *mon, GError **error)
{
    return gvQemuMonitorCommand(mon, "quit", NULL, 10000, NULL, error);
}

int
gvQemuMonitorRunJob(gvQemuMonitor *mon, const char *command, json_object *args, const char *jobId,
                    unsigned int timeoutMs, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;
    int rc = -1;

    if (gvQemuMonitorCommand(mon, command, args, timeoutMs, NULL, error) < 0)
        return -1;
    for (;;) {
        g_autoptr(json_object) jobs = NULL;
        json_object *mine = NULL;
        const char *status;
        size_t i;

        if (gvQemuMonitorCommand(mon, "query-jobs", NULL, 10000, &jobs, error) < 0)
            return -1;
        for (i = 0;
             json_object_is_type(jobs, json_type_array) && i < json_object_array_length(jobs);
             i++) {
            json_object *j = json_object_array_get_idx(jobs, i);
            const char *id = gvJSONGetString(j, "id");

            if (id && g_str_equal(id, jobId))
                mine = j;
        }
        if (!mine) {
            gvReportError(error, GV_ERR_INTERNAL_ERROR, "QEMU lost job '%s' of '%s'", jobId,
                          command);
            return -1;
        }
        status = gvJSONGetString(mine, "status");
        if (status && g_str_equal(status, "concluded")) {
            const char *err = gvJSONGetString(mine, "error");

            if (err)
                gvReportError(error, GV_ERR_OPERATION_FAILED, "QEMU's '%s' failed: %s", command,
                              err);
            else
                rc = 0;
            break;
        }
        if (g_get_monotonic_time() > deadline) {
            gvReportError(error, GV_ERR_OPERATION_TIMEOUT, "QEMU's '%s' did not finish in time",
                          command);
            return -1;
        }
        g_usleep(2000);
    }
    {
        json_object *dargs = json_object_new_object();

        json_object_object_add(dargs, "id", json_object_new_string(jobId));
        if (gvQemuMonitorCommand(mon, "job-dismiss", dargs, 10000, NULL, rc == 0 ? error : NULL) <
            0)
            rc = -1;
    }
    return rc;
}
