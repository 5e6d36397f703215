/*
 * qemu_capabilities_probe.c: ask a QEMU binary what it can do, over QMP
 */
#include <gvconfig.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gverror.h"
#include "qemu_capabilities.h"

#define GV_QEMU_PROBE_MAX_REPLY (8 * 1024 * 1024)

typedef struct {
    int in;
    int out;
    GString *pending;
    gint64 deadline;
    const char *binary;
} gvQemuProbe;

/* Reads one JSON line, skipping events; NULL on error. */
static json_object *
gvQemuProbeReadReply(gvQemuProbe *p, GError **error)
{
    for (;;) {
        char *nl = memchr(p->pending->str, '\n', p->pending->len);
        char buf[65536];
        struct pollfd pfd = { .fd = p->out, .events = POLLIN };
        gint64 left;
        ssize_t n;

        if (nl) {
            g_autofree char *line = g_strndup(p->pending->str, nl - p->pending->str);
            json_object *obj;

            g_string_erase(p->pending, 0, nl - p->pending->str + 1);
            obj = json_tokener_parse(line);
            if (!obj) {
                gvReportError(error, GV_ERR_INTERNAL_ERROR,
                              "QEMU '%s' sent a QMP line that is not JSON", p->binary);
                return NULL;
            }
            if (json_object_object_get_ex(obj, "event", NULL)) {
                json_object_put(obj);
                continue;
            }
            return obj;
        }
        if (p->pending->len > GV_QEMU_PROBE_MAX_REPLY) {
            gvReportError(error, GV_ERR_INTERNAL_ERROR, "QEMU '%s' sent a QMP reply over %d bytes",
                          p->binary, GV_QEMU_PROBE_MAX_REPLY);
            return NULL;
        }
        left = (p->deadline - g_get_monotonic_time()) / 1000;
        if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
            gvReportError(error, GV_ERR_OPERATION_TIMEOUT,
                          "QEMU '%s' did not answer the capabilities probe in time", p->binary);
            return NULL;
        }
        n = read(p->out, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            gvReportError(error, GV_ERR_OPERATION_FAILED,
                          "QEMU '%s' exited during the capabilities probe", p->binary);
            return NULL;
        }
        g_string_append_len(p->pending, buf, n);
    }
}

static json_object *
gvQemuProbeCommand(gvQemuProbe *p, const char *cmd, GError **error)
{
    size_t len = strlen(cmd);
    json_object *reply;
    json_object *ret;

    if (write(p->in, cmd, len) != (ssize_t)len) {
        gvReportSystemError(error, errno, "cannot write to QEMU '%s'", p->binary);
        return NULL;
    }
    if (!(reply = gvQemuProbeReadReply(p, error)))
        return NULL;
    if (!json_object_object_get_ex(reply, "return", &ret)) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "QEMU '%s' refused '%s' during the capabilities probe", p->binary, cmd);
        json_object_put(reply);
        return NULL;
    }
    json_object_get(ret);
    json_object_put(reply);
    return ret;
}

/*
 * Like gvQemuProbeCommand for a command QEMU may refuse: 0 with *@ret NULL
 * when it does, -1 only when QEMU cannot be talked to.
 */
static int
gvQemuProbeOptional(gvQemuProbe *p, const char *cmd, json_object **ret, GError **error)
{
    size_t len = strlen(cmd);
    json_object *reply;
    json_object *val;

    *ret = NULL;
    if (write(p->in, cmd, len) != (ssize_t)len) {
        gvReportSystemError(error, errno, "cannot write to QEMU '%s'", p->binary);
        return -1;
    }
    if (!(reply = gvQemuProbeReadReply(p, error)))
        return -1;
    if (json_object_object_get_ex(reply, "return", &val))
        *ret = json_object_get(val);
    json_object_put(reply);
    return 0;
}

/*
 * The CPU models of query-cpu-definitions in the capabilities' format, each
 * model that is not an alias expanded statically for the number of features
 * it turns on (the host model is the usable one with the most; the vendor
 * the expansion reports is useless here: under KVM every model gets the
 * host's).  Models QEMU refuses to expand count no features.
 */
static json_object *
gvQemuProbeCPUModels(gvQemuProbe *p, json_object *defs, GError **error)
{
    g_autoptr(json_object) out = json_object_new_array();
    size_t n = json_object_array_length(defs);
    size_t i;

    for (i = 0; i < n && i < 4096; i++) {
        json_object *d = json_object_array_get_idx(defs, i);
        json_object *name = json_object_object_get(d, "name");
        json_object *alias = json_object_object_get(d, "alias-of");
        json_object *unavailable = json_object_object_get(d, "unavailable-features");
        json_object *deprecated = json_object_object_get(d, "deprecated");
        json_object *m;

        if (!name || !json_object_is_type(name, json_type_string))
            continue;
        m = json_object_new_object();
        json_object_array_add(out, m);
        json_object_object_add(m, "name", json_object_get(name));
        if (alias && json_object_is_type(alias, json_type_string))
            json_object_object_add(m, "alias-of", json_object_get(alias));
        if (unavailable && json_object_is_type(unavailable, json_type_array))
            json_object_object_add(
                m, "usable", json_object_new_boolean(json_object_array_length(unavailable) == 0));
        if (deprecated && json_object_get_boolean(deprecated))
            json_object_object_add(m, "deprecated", json_object_new_boolean(1));
        if (!alias) {
            g_autoptr(json_object) cmd = json_object_new_object();
            g_autoptr(json_object) expansion = NULL;
            json_object *args = json_object_new_object();
            json_object *model = json_object_new_object();
            json_object *props;
            g_autofree char *line = NULL;

            json_object_object_add(cmd, "execute",
                                   json_object_new_string("query-cpu-model-expansion"));
            json_object_object_add(model, "name", json_object_get(name));
            json_object_object_add(args, "type", json_object_new_string("static"));
            json_object_object_add(args, "model", model);
            json_object_object_add(cmd, "arguments", args);
            line = g_strdup_printf("%s\n",
                                   json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN));
            if (gvQemuProbeOptional(p, line, &expansion, error) < 0)
                return NULL;
            if (expansion &&
                (props =
                     json_object_object_get(json_object_object_get(expansion, "model"), "props")) &&
                json_object_is_type(props, json_type_object)) {
                int features = 0;

                json_object_object_foreach(props, key, value)
                {
                    (void)key;
                    if (json_object_is_type(value, json_type_boolean) &&
                        json_object_get_boolean(value))
                        features++;
                }
                json_object_object_add(m, "features", json_object_new_int(features));
            }
        }
    }
    return g_steal_pointer(&out);
}

gvQemuCaps *
gvQemuCapsProbe(const char *binary, bool kvm, unsigned int timeoutMs, GError **error)
{
    const char *argv[] = { binary,
                           "-S",
                           "-no-user-config",
                           "-nodefaults",
                           "-nographic",
                           "-machine",
                           kvm ? "none,accel=kvm:tcg" : "none,accel=tcg",
                           "-qmp",
                           "stdio",
                           NULL };
    const char *envp[] = { "LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
    gvQemuProbe p = { .in = -1, .out = -1, .binary = binary };
    g_autoptr(GError) local = NULL;
    g_autoptr(json_object) greeting = NULL;
    g_autoptr(json_object) caps = NULL;
    g_autoptr(json_object) version = NULL;
    g_autoptr(json_object) machines = NULL;
    g_autoptr(json_object) types = NULL;
    g_autoptr(json_object) target = NULL;
    g_autoptr(json_object) kvmState = NULL;
    g_autoptr(json_object) cpuDefs = NULL;
    g_autoptr(json_object) out = NULL;
    json_object *qemu;
    json_object *devices;
    json_object *val;
    gvQemuCaps *ret = NULL;
    GPid pid = 0;
    size_t i;
    int status;

    if (!g_spawn_async_with_pipes(NULL, (char **)argv, (char **)envp,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                  NULL, &pid, &p.in, &p.out, NULL, &local)) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "cannot run QEMU '%s' to probe its capabilities: %s", binary, local->message);
        return NULL;
    }
    p.pending = g_string_new(NULL);
    p.deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;

    if (!(greeting = gvQemuProbeReadReply(&p, error)) ||
        !(caps = gvQemuProbeCommand(&p, "{\"execute\":\"qmp_capabilities\"}\n", error)) ||
        !(version = gvQemuProbeCommand(&p, "{\"execute\":\"query-version\"}\n", error)) ||
        !(machines = gvQemuProbeCommand(&p, "{\"execute\":\"query-machines\"}\n", error)) ||
        !(types = gvQemuProbeCommand(
              &p, "{\"execute\":\"qom-list-types\",\"arguments\":{\"abstract\":false}}\n",
              error)) ||
        gvQemuProbeOptional(&p, "{\"execute\":\"query-target\"}\n", &target, error) < 0 ||
        gvQemuProbeOptional(&p, "{\"execute\":\"query-kvm\"}\n", &kvmState, error) < 0 ||
        gvQemuProbeOptional(&p, "{\"execute\":\"query-cpu-definitions\"}\n", &cpuDefs, error) < 0)
        goto cleanup;

    out = json_object_new_object();
    json_object_object_add(out, "binary", json_object_new_string(binary));
    if (json_object_object_get_ex(version, "qemu", &qemu)) {
        g_autofree char *v =
            g_strdup_printf("%d.%d.%d", json_object_get_int(json_object_object_get(qemu, "major")),
                            json_object_get_int(json_object_object_get(qemu, "minor")),
                            json_object_get_int(json_object_object_get(qemu, "micro")));

        json_object_object_add(out, "version", json_object_new_string(v));
    }
    if (target && json_object_object_get_ex(target, "arch", &val))
        json_object_object_add(out, "arch", json_object_get(val));
    json_object_object_add(out, "machines", json_object_get(machines));
    devices = json_object_new_array();
    for (i = 0; json_object_is_type(types, json_type_array) && i < json_object_array_length(types);
         i++) {
        json_object *name = json_object_object_get(json_object_array_get_idx(types, i), "name");

        if (name)
            json_object_array_add(devices, json_object_get(name));
    }
    json_object_object_add(out, "devices", devices);
    json_object_object_add(
        out, "kvm",
        json_object_new_boolean(kvmState && json_object_object_get_ex(kvmState, "enabled", &val) &&
                                json_object_get_boolean(val)));
    if (cpuDefs && json_object_is_type(cpuDefs, json_type_array)) {
        json_object *models = gvQemuProbeCPUModels(&p, cpuDefs, error);

        if (!models)
            goto cleanup;
        json_object_object_add(out, "cpu-definitions", models);
    }
    ret = gvQemuCapsNewFromJSON(out, error);

cleanup:
    if (p.in >= 0)
        close(p.in);
    if (p.out >= 0)
        close(p.out);
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    g_spawn_close_pid(pid);
    g_string_free(p.pending, TRUE);
    return ret;
}
