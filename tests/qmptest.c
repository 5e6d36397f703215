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
#include "qemu_process_devices.h"
#include "testutils.h"

typedef enum {
    STEP_REPLY, /* answer with @text, "%s" is replaced by the id */
    STEP_EVENT, /* send @text as an event, then answer {"return": {}} */
    STEP_SILENT, /* never answer */
    STEP_HANGUP, /* close the connection */
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
        case STEP_HANGUP:
            close(fd);
            f->ok = true;
            return NULL;
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
    mon = gvQemuMonitorOpen(path, l.ctx, &callbacks, &l, NULL, 5000, &error);
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
    mon = gvQemuMonitorOpen(path, l.ctx, &callbacks, &l, NULL, 5000, &error);
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
        { "query-status", STEP_SILENT, NULL },
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
    mon = gvQemuMonitorOpen(path, l.ctx, &callbacks, &l, NULL, 5000, &error);
    g_assert_no_error(error);
    t0 = g_get_monotonic_time();
    g_assert_cmpint(gvQemuMonitorCommand(mon, "query-status", NULL, 200, NULL, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_OPERATION_TIMEOUT);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 2 * G_USEC_PER_SEC);
    g_clear_error(&error);
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

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    gvTestRun("/qmp/parsers", testParsers, NULL);
    gvTestRun("/qmp/parse-chardev", testParseChardev, NULL);
    gvTestRun("/qmp/commands-events", testMonitorCommands, NULL);
    gvTestRun("/qmp/timeout-eof", testMonitorTimeoutAndEOF, NULL);
    gvTestRun("/qmp/setup-devices", testSetupDevices, NULL);

    return g_test_run();
}
