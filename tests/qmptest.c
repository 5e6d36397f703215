/*
 * qmptest.c: the QMP monitor against a scripted fake QEMU, and its parsers
 *
 * The fake listens on a UNIX socket like QEMU's monitor, greets, and then
 * answers each command from a script: a reply (with the command's id), an
 * event first, silence (for the timeout) or a hang-up (for EOF).
 */
#include <gvconfig.h>

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "gverror.h"
#include "gvuuid.h"
#include "qemu_monitor.h"
#include "qemu_monitor_stats.h"
#include "qemu_process_devices.h"
#include "testutils.h"

typedef enum {
    STEP_REPLY, /* answer with @text, "%s" is replaced by the id */
    STEP_EVENT, /* send @text as an event, then answer {"return": {}} */
    STEP_SILENT, /* never answer */
    STEP_LATE, /* answer {"return": {}} after 500 ms */
    STEP_HANGUP, /* close the connection */
    STEP_STALL, /* read nothing for 3 s (QEMU stopped), then answer {"return": {}} */
} FakeStepKind;

typedef struct {
    const char *expect; /* the command it must get */
    FakeStepKind kind;
    const char *text;
    const char *args; /* its "arguments" as json-c writes them (plain, "/" as is), or NULL */
} FakeStep;

typedef struct {
    int listenfd;
    const FakeStep *steps;
    size_t nsteps;
    GThread *thread;
    bool ok;
    char *failure;
} FakeQemu;

static void
fakeSend(int fd, const char *text)
{
    g_autofree char *line = g_strdup_printf("%s\r\n", text);

    g_assert_cmpint(send(fd, line, strlen(line), MSG_NOSIGNAL), ==, (ssize_t)strlen(line));
}

/* Reads one line (a QMP command) */
static char *
fakeReadLine(int fd)
{
    GString *s = g_string_new(NULL);
    char c;

    while (recv(fd, &c, 1, 0) == 1) {
        if (c == '\n')
            return g_string_free(s, FALSE);
        g_string_append_c(s, c);
    }
    g_string_free(s, TRUE);
    return NULL;
}

static gpointer
fakeQemuThread(gpointer opaque)
{
    FakeQemu *f = opaque;
    int fd = accept(f->listenfd, NULL, NULL);
    size_t i;

    fakeSend(fd, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, "
                 "\"capabilities\": []}}");
    for (i = 0; i < f->nsteps; i++) {
        const FakeStep *st = &f->steps[i];
        g_autofree char *line = fakeReadLine(fd);
        g_autoptr(json_object) cmd = line ? json_tokener_parse(line) : NULL;
        json_object *v;
        const char *id;
        const char *exec;

        if (!cmd || !json_object_object_get_ex(cmd, "execute", &v)) {
            f->failure = g_strdup_printf("step %zu: no command (got '%s')", i, line ? line : "EOF");
            break;
        }
        exec = json_object_get_string(v);
        id = json_object_object_get_ex(cmd, "id", &v) ? json_object_get_string(v) : "";
        if (!g_str_equal(exec, st->expect) || !g_str_has_prefix(id, "gv-")) {
            f->failure = g_strdup_printf("step %zu: got '%s' id '%s', expected '%s'", i, exec, id,
                                         st->expect);
            break;
        }
        if (st->args) {
            const char *got = "(none)";

            if (json_object_object_get_ex(cmd, "arguments", &v)) {
                got = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE);
            }
            if (!g_str_equal(got, st->args)) {
                f->failure = g_strdup_printf("step %zu: '%s' with arguments %s, expected %s", i,
                                             exec, got, st->args);
                break;
            }
        }
        switch (st->kind) {
        case STEP_REPLY: {
            /* "@ID@" in the script stands for the command's id */
            g_auto(GStrv) parts = g_strsplit(st->text, "@ID@", -1);
            g_autofree char *reply = g_strjoinv(id, parts);

            fakeSend(fd, reply);
            break;
        }
        case STEP_EVENT: {
            g_autofree char *reply = g_strdup_printf("{\"return\": {}, \"id\": \"%s\"}", id);

            fakeSend(fd, st->text);
            fakeSend(fd, reply);
            break;
        }
        case STEP_SILENT:
            break;
        case STEP_LATE: {
            g_autofree char *reply = g_strdup_printf("{\"return\": {}, \"id\": \"%s\"}", id);

            g_usleep(500 * 1000);
            fakeSend(fd, reply);
            break;
        }
        case STEP_HANGUP:
            close(fd);
            f->ok = true;
            return NULL;
        case STEP_STALL: {
            g_autofree char *reply = g_strdup_printf("{\"return\": {}, \"id\": \"%s\"}", id);

            g_usleep(3000 * 1000);
            fakeSend(fd, reply);
            break;
        }
        }
    }
    f->ok = !f->failure;
    /* wait for the monitor to go away */
    while (fakeReadLine(fd))
        ;
    close(fd);
    return NULL;
}

static char *
fakeQemuStart(FakeQemu *f, const FakeStep *steps, size_t nsteps)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    char *dir = g_dir_make_tmp("gvqmp-XXXXXX", NULL);
    char *path = g_build_filename(dir, "monitor", NULL);

    g_free(dir);
    memcpy(addr.sun_path, path, strlen(path) + 1);
    f->listenfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(bind(f->listenfd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(f->listenfd, 1), ==, 0);
    f->steps = steps;
    f->nsteps = nsteps;
    f->thread = g_thread_new("fake-qemu", fakeQemuThread, f);
    return path;
}

static void
fakeQemuFinish(FakeQemu *f, char *path)
{
    g_thread_join(f->thread);
    close(f->listenfd);
    if (f->failure)
        g_printerr("# fake QEMU: %s\n", f->failure);
    g_assert_true(f->ok);
    g_free(f->failure);
    (void)unlink(path);
    {
        g_autofree char *dir = g_path_get_dirname(path);

        (void)rmdir(dir);
    }
    g_free(path);
}

/* The monitor's main loop runs in its own thread; tests call from this one */
typedef struct {
    GMainContext *ctx;
    GMainLoop *loop;
    GThread *thread;
    gint events[GV_QEMU_EVENT_LAST];
    gint eof;
} LoopFixture;

static gpointer
loopThread(gpointer opaque)
{
    LoopFixture *l = opaque;

    g_main_context_push_thread_default(l->ctx);
    g_main_loop_run(l->loop);
    g_main_context_pop_thread_default(l->ctx);
    return NULL;
}

static void
loopStart(LoopFixture *l)
{
    memset(l, 0, sizeof(*l));
    l->ctx = g_main_context_new();
    l->loop = g_main_loop_new(l->ctx, FALSE);
    l->thread = g_thread_new("loop", loopThread, l);
}

static gboolean
loopQuit(gpointer opaque)
{
    g_main_loop_quit(opaque);
    return G_SOURCE_REMOVE;
}

static void
loopStop(LoopFixture *l)
{
    g_main_context_invoke(l->ctx, loopQuit, l->loop);
    g_thread_join(l->thread);
    while (g_main_context_iteration(l->ctx, FALSE))
        ;
    g_main_loop_unref(l->loop);
    g_main_context_unref(l->ctx);
}

static void
onEOF(gvQemuMonitor *mon, gpointer opaque)
{
    LoopFixture *l = opaque;

    g_atomic_int_inc(&l->eof);
}

static void
onEvent(gvQemuMonitor *mon, gvQemuEvent ev, json_object *data, gpointer opaque)
{
    LoopFixture *l = opaque;

    g_atomic_int_inc(&l->events[ev]);
}

static const gvQemuMonitorCallbacks callbacks = { onEOF, onEvent };

#define GUID "4d3b1d4e-8f4c-4e1c-9f5a-2b7c1e0d9a11"

static void
testMonitorCommands(const void *opaque)
{
    static const FakeStep steps[] = {
        { "qmp_capabilities", STEP_REPLY, "{\"return\": {}, \"id\": \"@ID@\"}" },
        { "query-vm-generation-id", STEP_REPLY,
          "{\"return\": {\"guid\": \"" GUID "\"}, \"id\": \"@ID@\"}" },
        { "stop", STEP_EVENT,
          "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
          "\"event\": \"STOP\"}" },
        { "cont", STEP_EVENT, "{\"event\": \"RESUME\"}" },
        { "query-status", STEP_REPLY,
          "{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": \"@ID@\"}" },
        { "nosuch", STEP_REPLY,
          "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command nosuch has not "
          "been found\"}, \"id\": \"@ID@\"}" },
        { "query-version", STEP_REPLY, "{\"return\": {\"package\": \"x\"}, \"id\": \"@ID@\"}" },
    };
    FakeQemu f = { 0 };
    LoopFixture l;
    char *path = fakeQemuStart(&f, steps, G_N_ELEMENTS(steps));
    g_autoptr(GError) error = NULL;
    unsigned char guid[16];
    char str[GV_UUID_STRING_BUFLEN];
    g_autofree char *status = NULL;
    g_autofree char *raw = NULL;
    gvQemuMonitor *mon;

    loopStart(&l);
    mon = gvQemuMonitorOpen(path, NULL, 0, l.ctx, &callbacks, &l, NULL, 5000, &error);
    g_assert_no_error(error);
    g_assert_cmpint(gvQemuMonitorQueryGenid(mon, guid, &error), ==, 0);
    g_assert_cmpstr(gvUUIDFormat(guid, str), ==, GUID);
    g_assert_cmpint(gvQemuMonitorStop(mon, &error), ==, 0);
    g_assert_cmpint(gvQemuMonitorCont(mon, &error), ==, 0);
    g_assert_cmpint(gvQemuMonitorQueryStatus(mon, &status, &error), ==, 0);
    g_assert_cmpstr(status, ==, "running");
    /* a QMP error becomes OPERATION_FAILED carrying QEMU's desc */
    g_assert_cmpint(gvQemuMonitorCommand(mon, "nosuch", NULL, 5000, NULL, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_OPERATION_FAILED);
    g_assert_cmpstr(
        error->message, ==,
        "operation failed: QEMU refused 'nosuch': The command nosuch has not been found");
    g_clear_error(&error);
    /* a user's raw command: its own id is replaced by ours */
    g_assert_cmpint(gvQemuMonitorCommandRaw(mon, "{\"execute\":\"query-version\",\"id\":\"x\"}",
                                            5000, &raw, &error),
                    ==, 0);
    g_assert_nonnull(strstr(raw, "\"package\""));
    g_assert_cmpint(g_atomic_int_get(&l.events[GV_QEMU_EVENT_STOP]), ==, 1);
    g_assert_cmpint(g_atomic_int_get(&l.events[GV_QEMU_EVENT_RESUME]), ==, 1);
    gvQemuMonitorClose(mon);
    gvQemuMonitorUnref(mon);
    fakeQemuFinish(&f, path);
    loopStop(&l);
    g_assert_cmpint(l.eof, ==, 0);
}

/*
 * After QMP is up and before the guest runs: the VNC password, the balloon's
 * statistics period and, with <currentMemory> below <memory>, its target
 */
static void
testSetupDevices(const void *opaque)
{
    static const char *const xml =
        "<domain type='kvm'><name>b</name><memory unit='MiB'>64</memory>"
        "<currentMemory unit='MiB'>48</currentMemory><devices>"
        "<graphics type='vnc' port='5901' passwd='s3cret'/>"
        "<memballoon model='virtio'><stats period='10'/></memballoon></devices></domain>";
    static const FakeStep steps[] = {
        { "qmp_capabilities", STEP_REPLY, "{\"return\": {}, \"id\": \"@ID@\"}", NULL },
        { "set_password", STEP_REPLY, "{\"return\": {}, \"id\": \"@ID@\"}",
          "{\"protocol\":\"vnc\",\"password\":\"s3cret\"}" },
        { "qom-set", STEP_REPLY, "{\"return\": {}, \"id\": \"@ID@\"}",
          "{\"path\":\"/machine/peripheral/balloon0\",\"property\":\"guest-stats-polling-"
          "interval\",\"value\":10}" },
        { "balloon", STEP_REPLY, "{\"return\": {}, \"id\": \"@ID@\"}", "{\"value\":50331648}" },
    };
    FakeQemu f = { 0 };
    LoopFixture l;
    char *path = fakeQemuStart(&f, steps, G_N_ELEMENTS(steps));
    g_autoptr(GError) error = NULL;
    g_autoptr(gvDomainDef) def = gvDomainDefParseString(xml, 0, &error);
    gvQemuMonitor *mon;
    int rc;

    g_assert_no_error(error);
    g_assert_true(gvQemuProcessHasBalloon(def));
    loopStart(&l);
    mon = gvQemuMonitorOpen(path, NULL, 0, l.ctx, &callbacks, &l, NULL, 5000, &error);
    g_assert_no_error(error);
    rc = gvQemuProcessSetupDevices(mon, def, &error);
    gvQemuMonitorClose(mon);
    gvQemuMonitorUnref(mon);
    /* the fake says which command or argument it did not expect */
    fakeQemuFinish(&f, path);
    loopStop(&l);
    g_assert_no_error(error);
    g_assert_cmpint(rc, ==, 0);
}

static void
testMonitorTimeoutAndEOF(const void *opaque)
{
    static const FakeStep steps[] = {
        { "qmp_capabilities", STEP_REPLY, "{\"return\": {}, \"id\": \"@ID@\"}" },
        { "query-status", STEP_LATE, NULL },
        { "cont", STEP_HANGUP, NULL },
    };
    FakeQemu f = { 0 };
    LoopFixture l;
    char *path = fakeQemuStart(&f, steps, G_N_ELEMENTS(steps));
    g_autoptr(GError) error = NULL;
    gvQemuMonitor *mon;
    gint64 t0;
    int i;

    loopStart(&l);
    mon = gvQemuMonitorOpen(path, NULL, 0, l.ctx, &callbacks, &l, NULL, 5000, &error);
    g_assert_no_error(error);
    t0 = g_get_monotonic_time();
    g_assert_cmpint(gvQemuMonitorCommand(mon, "query-status", NULL, 200, NULL, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_OPERATION_TIMEOUT);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 2 * G_USEC_PER_SEC);
    g_assert_nonnull(strstr(error->message, "did not answer 'query-status' within 200 ms"));
    g_clear_error(&error);
    /* QEMU found hung: the next command fails at once, unsent */
    t0 = g_get_monotonic_time();
    g_assert_cmpint(gvQemuMonitorCommand(mon, "cont", NULL, 30000, NULL, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_OPERATION_TIMEOUT);
    g_assert_nonnull(strstr(error->message, "('cont' not sent)"));
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 100 * 1000);
    g_clear_error(&error);
    /* the late answer comes: QEMU speaks again, and is asked again */
    g_usleep(800 * 1000);
    /* the peer hangs up on this one: the caller learns at once, not at the timeout */
    t0 = g_get_monotonic_time();
    g_assert_cmpint(gvQemuMonitorCommand(mon, "cont", NULL, 30000, NULL, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_OPERATION_FAILED);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);
    for (i = 0; i < 200 && g_atomic_int_get(&l.eof) == 0; i++)
        g_usleep(10000);
    g_assert_cmpint(g_atomic_int_get(&l.eof), ==, 1);
    g_clear_error(&error);
    /* and nothing more is sent to a closed monitor */
    g_assert_cmpint(gvQemuMonitorCommand(mon, "cont", NULL, 1000, NULL, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_OPERATION_FAILED);
    gvQemuMonitorClose(mon);
    gvQemuMonitorUnref(mon);
    fakeQemuFinish(&f, path);
    loopStop(&l);
}

/*
 * A stopped QEMU whose socket is full: the send gives up at the timeout
 * (it does not block), the command that timed out half-way is completed
 * before the next one, so QEMU never sees a torn command
 */
static void
testMonitorFullSocket(const void *opaque)
{
    static const FakeStep steps[] = {
        { "qmp_capabilities", STEP_REPLY, "{\"return\": {}, \"id\": \"@ID@\"}" },
        { "query-status", STEP_STALL, NULL },
        /* arrives whole after the stall; its answer finds no one waiting */
        { "big", STEP_REPLY, "{\"return\": {}, \"id\": \"@ID@\"}" },
        { "cont", STEP_REPLY, "{\"return\": {}, \"id\": \"@ID@\"}" },
    };
    FakeQemu f = { 0 };
    LoopFixture l;
    char *path = fakeQemuStart(&f, steps, G_N_ELEMENTS(steps));
    g_autoptr(GError) error = NULL;
    g_autofree char *pad = g_malloc(512 * 1024 + 1);
    gvQemuMonitorCall *call;
    json_object *args;
    gvQemuMonitor *mon;
    gint64 t0;

    memset(pad, 'x', 512 * 1024);
    pad[512 * 1024] = '\0';
    loopStart(&l);
    mon = gvQemuMonitorOpen(path, "full", 0, l.ctx, &callbacks, &l, NULL, 5000, &error);
    g_assert_no_error(error);
    gvQemuMonitorSetMaxTimeout(mon, 300);
    call = gvQemuMonitorCallStart(mon, "query-status", NULL, &error);
    g_assert_no_error(error);
    /* 512 KiB do not fit in the socket of a QEMU that reads nothing */
    args = json_object_new_object();
    json_object_object_add(args, "pad", json_object_new_string(pad));
    t0 = g_get_monotonic_time();
    g_assert_cmpint(gvQemuMonitorCommand(mon, "big", args, 5000, NULL, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_OPERATION_TIMEOUT);
    /* a blocking send would wait out the stall (3 s) */
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 2 * G_USEC_PER_SEC);
    g_assert_cmpstr(
        error->message, ==,
        "Timed out during operation: QEMU's monitor of domain 'full' did not take 'big' "
        "within 300 ms: QEMU is stopped or hung");
    g_clear_error(&error);
    g_assert_cmpint(gvQemuMonitorCallFinish(call, 5000, NULL, NULL, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_OPERATION_TIMEOUT);
    g_clear_error(&error);
    /* QEMU answers again: the rest of "big" goes first, then "cont" */
    g_usleep(3200 * 1000);
    gvQemuMonitorSetMaxTimeout(mon, 0);
    g_assert_cmpint(gvQemuMonitorCommand(mon, "cont", NULL, 20000, NULL, &error), ==, 0);
    g_assert_no_error(error);
    gvQemuMonitorClose(mon);
    gvQemuMonitorUnref(mon);
    fakeQemuFinish(&f, path);
    loopStop(&l);
}

static void
testParsers(const void *opaque)
{
    g_autoptr(json_object) greet = json_tokener_parse("{\"QMP\": {\"version\": {}}}");
    g_autoptr(json_object) ret =
        json_tokener_parse("{\"return\": {\"guid\": \"" GUID "\"}, \"id\": \"gv-3\"}");
    g_autoptr(json_object) err = json_tokener_parse(
        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"boom\"}, \"id\": \"gv-4\"}");
    g_autoptr(json_object) ev =
        json_tokener_parse("{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true}}");
    g_autoptr(json_object) junk = json_tokener_parse("[1, 2]");
    g_autoptr(json_object) badguid = json_tokener_parse("{\"guid\": \"nope\"}");
    g_autoptr(GError) error = NULL;
    gvQmpMessage m;
    unsigned char guid[16];
    char *status = NULL;

    gvQmpMessageParse(greet, &m);
    g_assert_cmpint(m.kind, ==, GV_QMP_MSG_GREETING);
    gvQmpMessageParse(ret, &m);
    g_assert_cmpint(m.kind, ==, GV_QMP_MSG_RETURN);
    g_assert_cmpstr(m.id, ==, "gv-3");
    g_assert_cmpint(gvQmpParseGenid(m.ret, guid, &error), ==, 0);
    gvQmpMessageParse(err, &m);
    g_assert_cmpint(m.kind, ==, GV_QMP_MSG_ERROR);
    g_assert_cmpstr(m.errDesc, ==, "boom");
    gvQmpMessageParse(ev, &m);
    g_assert_cmpint(m.kind, ==, GV_QMP_MSG_EVENT);
    g_assert_cmpint(gvQemuEventFromName(m.event), ==, GV_QEMU_EVENT_SHUTDOWN);
    g_assert_nonnull(m.data);
    gvQmpMessageParse(junk, &m);
    g_assert_cmpint(m.kind, ==, GV_QMP_MSG_INVALID);
    g_assert_cmpint(gvQmpParseGenid(badguid, guid, &error), ==, -1);
    g_clear_error(&error);
    g_assert_cmpint(gvQmpParseStatus(badguid, &status, &error), ==, -1);
    g_assert_null(status);
    g_assert_cmpint(gvQemuEventFromName("NOSUCH"), ==, -1);
    g_assert_cmpint(gvQemuEventFromName("MIGRATION"), ==, GV_QEMU_EVENT_MIGRATION);
}

/* query-chardev: the pty path of one chardev */
static void
testParseChardev(const void *opaque)
{
    g_autoptr(json_object) chardevs = json_tokener_parse(
        "[{\"frontend-open\": false, \"filename\": \"unix:/run/x.monitor,server=on\", "
        "\"label\": \"charmonitor\"}, "
        "{\"frontend-open\": true, \"filename\": \"pty:/dev/pts/7\", \"label\": \"charserial0\"}, "
        "{\"filename\": \"pty\", \"label\": \"charserial1\"}, "
        "{\"label\": \"charserial2\"}, 17]");
    g_autoptr(json_object) notArray = json_tokener_parse("{\"label\": \"charserial0\"}");
    g_autoptr(GError) error = NULL;
    char *path = NULL;

    g_assert_cmpint(gvQmpParseChardevPty(chardevs, "charserial0", &path, &error), ==, 1);
    g_assert_no_error(error);
    g_assert_cmpstr(path, ==, "/dev/pts/7");
    g_clear_pointer(&path, g_free);
    /* absent: 0, and nothing written */
    g_assert_cmpint(gvQmpParseChardevPty(chardevs, "charconsole0", &path, &error), ==, 0);
    g_assert_no_error(error);
    g_assert_null(path);
    /* present but not a pty with a path, or no filename: an error naming it */
    g_assert_cmpint(gvQmpParseChardevPty(chardevs, "charserial1", &path, &error), ==, -1);
    g_assert_cmpstr(error->message, ==,
                    "internal error: malformed reply of query-chardev: chardev 'charserial1' has "
                    "no pty path (filename 'pty')");
    g_clear_error(&error);
    g_assert_cmpint(gvQmpParseChardevPty(chardevs, "charmonitor", &path, &error), ==, -1);
    g_clear_error(&error);
    g_assert_cmpint(gvQmpParseChardevPty(chardevs, "charserial2", &path, &error), ==, -1);
    g_clear_error(&error);
    g_assert_cmpint(gvQmpParseChardevPty(notArray, "charserial0", &path, &error), ==, -1);
    g_assert_cmpstr(error->message, ==,
                    "internal error: malformed reply of query-chardev: expected an array");
    g_clear_error(&error);
    g_assert_cmpint(gvQmpParseChardevPty(NULL, "charserial0", &path, &error), ==, -1);
    g_assert_null(path);
}

/* ---- statistics parsers, on replies of a real QEMU 7.2 (tests/qmp/) ----- */

/* The "return" member of the reply in tests/qmp/@name (a new reference) */
static json_object *
loadReturn(const char *name)
{
    g_autofree char *path = gvTestPath("qmp/%s", name);
    g_autofree char *text = gvTestLoadFile(path);
    g_autoptr(json_object) reply = text ? json_tokener_parse(text) : NULL;
    gvQmpMessage m;

    g_assert_nonnull(reply);
    gvQmpMessageParse(reply, &m);
    g_assert_cmpint(m.kind, ==, GV_QMP_MSG_RETURN);
    return json_object_get(m.ret);
}

static void
testBlockstats(const void *opaque)
{
    g_autoptr(json_object) ret = loadReturn("query-blockstats.json");
    g_autoptr(json_object) block = loadReturn("query-block.json");
    g_autoptr(GPtrArray) stats = NULL;
    g_autoptr(GPtrArray) images = NULL;
    g_autoptr(json_object) bad = json_tokener_parse("[{\"node-name\": \"n\", \"stats\": {}}]");
    g_autoptr(GError) error = NULL;
    const gvQmpBlockStats *vda;
    const gvQmpBlockImage *img;

    g_assert_cmpint(gvQmpParseBlockstats(ret, &stats, &error), ==, 0);
    g_assert_cmpuint(stats->len, ==, 2);
    /* the format layer's node, as genvirt names it */
    vda = gvQmpBlockStatsFind(stats, "gv-vda-format");
    g_assert_nonnull(vda);
    g_assert_cmpuint(vda->rdReq, ==, 1);
    g_assert_cmpuint(vda->rdBytes, ==, 512);
    g_assert_cmpuint(vda->rdTimes, ==, 226906);
    g_assert_cmpuint(vda->wrBytes, ==, 0);
    /* allocation: the highest offset written into the host file (protocol layer) */
    g_assert_true(vda->hasWrHighest);
    g_assert_cmpuint(vda->wrHighest, ==, 0);
    g_assert_null(gvQmpBlockStatsFind(stats, "gv-vda-storage"));

    g_assert_cmpint(gvQmpParseBlockImages(block, &images, &error), ==, 0);
    img = gvQmpBlockImageFind(images, "gv-vda-format");
    g_assert_nonnull(img);
    g_assert_cmpuint(img->virtualSize, ==, 67108864);
    g_assert_true(img->hasActualSize);
    g_assert_cmpuint(img->actualSize, ==, 200704);
    img = gvQmpBlockImageFind(images, "gv-vdb-format");
    g_assert_cmpuint(img->virtualSize, ==, 8388608);

    /* counters missing: an error naming the command */
    g_clear_pointer(&stats, g_ptr_array_unref);
    g_assert_cmpint(gvQmpParseBlockstats(bad, &stats, &error), ==, -1);
    g_assert_cmpstr(
        error->message, ==,
        "internal error: malformed reply of query-blockstats: a node's counters are missing");
    g_assert_null(stats);
}

static void
testCpus(const void *opaque)
{
    g_autoptr(json_object) fast = loadReturn("query-cpus-fast-hotplugged.json");
    g_autoptr(json_object) slots = loadReturn("query-hotpluggable-cpus.json");
    g_autoptr(json_object) neg = json_tokener_parse("[{\"cpu-index\": 0, \"thread-id\": -3}]");
    g_autoptr(GPtrArray) cpus = NULL;
    g_autoptr(GPtrArray) hp = NULL;
    g_autoptr(GError) error = NULL;
    const gvQmpCpu *c;
    const gvQmpHotpluggableCpu *h;

    g_assert_cmpint(gvQmpParseCpusFast(fast, &cpus, &error), ==, 0);
    g_assert_cmpuint(cpus->len, ==, 2);
    c = g_ptr_array_index(cpus, 1);
    g_assert_cmpint(c->cpuIndex, ==, 1);
    g_assert_cmpint(c->threadId, ==, 10083);
    g_assert_cmpstr(c->qomPath, ==, "/machine/peripheral/vcpu1");
    g_clear_pointer(&cpus, g_ptr_array_unref);
    g_assert_cmpint(gvQmpParseCpusFast(neg, &cpus, &error), ==, -1);
    g_clear_error(&error);

    /* QEMU lists the slots newest first: sorted by socket */
    g_assert_cmpint(gvQmpParseHotpluggableCpus(slots, &hp, &error), ==, 0);
    g_assert_cmpuint(hp->len, ==, 2);
    h = g_ptr_array_index(hp, 0);
    g_assert_cmpint(h->socketId, ==, 0);
    g_assert_nonnull(h->qomPath);
    h = g_ptr_array_index(hp, 1);
    g_assert_cmpint(h->socketId, ==, 1);
    g_assert_null(h->qomPath);
    g_assert_cmpstr(h->type, ==, "qemu64-x86_64-cpu");
    g_assert_true(json_object_is_type(h->props, json_type_object));
}

static void
testMemory(const void *opaque)
{
    g_autoptr(json_object) balloon = loadReturn("query-balloon.json");
    g_autoptr(json_object) none = loadReturn("guest-stats-none.json");
    g_autoptr(json_object) reported = loadReturn("guest-stats-reported.json");
    g_autoptr(GError) error = NULL;
    gvMemoryStat stats[GV_MEMORY_STAT_NR];
    guint64 actual = 0;
    guint n = 0;

    g_assert_cmpint(gvQmpParseBalloon(balloon, &actual, &error), ==, 0);
    g_assert_cmpuint(actual, ==, 134217728);

    /* a guest without a balloon driver says nothing: only last-update */
    g_assert_cmpint(gvQmpParseGuestStats(none, stats, &n, G_N_ELEMENTS(stats), &error), ==, 0);
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmpint(stats[0].tag, ==, GV_MEMORY_STAT_LAST_UPDATE);
    g_assert_cmpuint(stats[0].val, ==, 0);

    /* what it reports, in libvirt's order, memory in KiB, faults as counted */
    n = 0;
    g_assert_cmpint(gvQmpParseGuestStats(reported, stats, &n, G_N_ELEMENTS(stats), &error), ==, 0);
    g_assert_cmpuint(n, ==, 9);
    g_assert_cmpint(stats[0].tag, ==, GV_MEMORY_STAT_LAST_UPDATE);
    g_assert_cmpuint(stats[0].val, ==, 1764623000);
    g_assert_cmpint(stats[1].tag, ==, GV_MEMORY_STAT_SWAP_IN);
    g_assert_cmpuint(stats[1].val, ==, 4);
    g_assert_cmpint(stats[3].tag, ==, GV_MEMORY_STAT_MAJOR_FAULT);
    g_assert_cmpuint(stats[3].val, ==, 12);
    g_assert_cmpint(stats[5].tag, ==, GV_MEMORY_STAT_UNUSED);
    g_assert_cmpuint(stats[5].val, ==, 50 * 1024);
    g_assert_cmpint(stats[6].tag, ==, GV_MEMORY_STAT_AVAILABLE);
    g_assert_cmpint(stats[7].tag, ==, GV_MEMORY_STAT_USABLE);
    g_assert_cmpint(stats[8].tag, ==, GV_MEMORY_STAT_DISK_CACHES);
    g_assert_cmpuint(stats[8].val, ==, 20 * 1024);

    /* never more than the caller has room for */
    n = 0;
    g_assert_cmpint(gvQmpParseGuestStats(reported, stats, &n, 3, &error), ==, 0);
    g_assert_cmpuint(n, ==, 3);
    n = 2;
    g_assert_cmpint(gvQmpParseGuestStats(reported, stats, &n, 2, &error), ==, 0);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpint(gvQmpParseBalloon(none, &actual, &error), ==, -1);
}

static void
testHaltPoll(const void *opaque)
{
    g_autoptr(json_object) one = loadReturn("query-stats-vcpu-kvm.json");
    g_autoptr(json_object) two = loadReturn("query-stats-vcpu-kvm-2.json");
    g_autoptr(json_object) tcg = loadReturn("query-stats-vcpu-tcg.json");
    g_autoptr(GError) error = NULL;
    guint64 s = 7;
    guint64 f = 7;

    g_assert_cmpint(gvQmpParseHaltPoll(one, &s, &f, &error), ==, 1);
    g_assert_cmpuint(s, ==, 0);
    g_assert_cmpuint(f, ==, 0);
    /* summed over the vCPUs */
    g_assert_cmpint(gvQmpParseHaltPoll(two, &s, &f, &error), ==, 1);
    g_assert_cmpuint(s, ==, 2000);
    g_assert_cmpuint(f, ==, 100);
    /* TCG has no such statistics: nothing */
    s = f = 7;
    g_assert_cmpint(gvQmpParseHaltPoll(tcg, &s, &f, &error), ==, 0);
    g_assert_cmpuint(s, ==, 7);
}

static void
testBalloonErrorClass(const void *opaque)
{
    g_autofree char *path = gvTestPath("qmp/query-balloon-none.json");
    g_autofree char *text = gvTestLoadFile(path);
    g_autoptr(json_object) reply = json_tokener_parse(text);
    gvQmpMessage m;

    /* "no balloon" is told apart by QEMU's error class */
    gvQmpMessageParse(reply, &m);
    g_assert_cmpint(m.kind, ==, GV_QMP_MSG_ERROR);
    g_assert_cmpstr(m.errClass, ==, "DeviceNotActive");
}

/* Two commands in flight at once, answered in the order sent */
static void
testMonitorAsync(const void *opaque)
{
    static const FakeStep steps[] = {
        { "qmp_capabilities", STEP_REPLY, "{\"return\": {}, \"id\": \"@ID@\"}" },
        { "query-balloon", STEP_REPLY,
          "{\"error\": {\"class\": \"DeviceNotActive\", \"desc\": \"No balloon device has been "
          "activated\"}, \"id\": \"@ID@\"}" },
        { "query-status", STEP_REPLY,
          "{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": \"@ID@\"}" },
    };
    FakeQemu f = { 0 };
    LoopFixture l;
    char *path = fakeQemuStart(&f, steps, G_N_ELEMENTS(steps));
    g_autoptr(GError) error = NULL;
    g_autoptr(json_object) ret = NULL;
    g_autofree char *errClass = NULL;
    gvQemuMonitorCall *a;
    gvQemuMonitorCall *b;
    gvQemuMonitor *mon;

    loopStart(&l);
    mon = gvQemuMonitorOpen(path, NULL, 0, l.ctx, &callbacks, &l, NULL, 5000, &error);
    g_assert_no_error(error);
    a = gvQemuMonitorCallStart(mon, "query-balloon", NULL, &error);
    b = gvQemuMonitorCallStart(mon, "query-status", NULL, &error);
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    /* collected in the other order */
    g_assert_cmpint(gvQemuMonitorCallFinish(b, 5000, &ret, NULL, &error), ==, 0);
    g_assert_cmpstr(json_object_get_string(json_object_object_get(ret, "status")), ==, "running");
    g_assert_cmpint(gvQemuMonitorCallFinish(a, 5000, NULL, &errClass, &error), ==, -1);
    g_assert_cmpstr(errClass, ==, "DeviceNotActive");
    g_assert_error(error, GV_ERROR, GV_ERR_OPERATION_FAILED);
    g_clear_error(&error);
    /* a call that could not be sent is reported when finished */
    g_assert_cmpint(gvQemuMonitorCallFinish(NULL, 5000, NULL, NULL, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_INTERNAL_ERROR);
    gvQemuMonitorClose(mon);
    gvQemuMonitorUnref(mon);
    fakeQemuFinish(&f, path);
    loopStop(&l);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    gvTestRun("/qmp/parsers", testParsers, NULL);
    gvTestRun("/qmp/parse-chardev", testParseChardev, NULL);
    gvTestRun("/qmp/commands-events", testMonitorCommands, NULL);
    gvTestRun("/qmp/timeout-eof", testMonitorTimeoutAndEOF, NULL);
    gvTestRun("/qmp/full-socket", testMonitorFullSocket, NULL);
    gvTestRun("/qmp/async", testMonitorAsync, NULL);
    gvTestRun("/qmp/stats/blockstats", testBlockstats, NULL);
    gvTestRun("/qmp/stats/cpus", testCpus, NULL);
    gvTestRun("/qmp/stats/memory", testMemory, NULL);
    gvTestRun("/qmp/stats/halt-poll", testHaltPoll, NULL);
    gvTestRun("/qmp/stats/balloon-error-class", testBalloonErrorClass, NULL);
    gvTestRun("/qmp/setup-devices", testSetupDevices, NULL);

    return g_test_run();
}
