/*
 * qemu_capabilities_probe.c: ask a QEMU binary what it can do, over QMP
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gverror.h"
#include "qemu_capabilities_cpu.h"

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

/*
 * Sends @cmd: 0 with *@ret its "return" value, or NULL when QEMU refused it;
 * -1 only when QEMU cannot be talked to.
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

/* Sends @cmd, which QEMU must answer */
static json_object *
gvQemuProbeCommand(gvQemuProbe *p, const char *cmd, GError **error)
{
    json_object *ret;

    if (gvQemuProbeOptional(p, cmd, &ret, error) < 0)
        return NULL;
    if (!ret)
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "QEMU '%s' refused '%s' during the capabilities probe", p->binary, cmd);
    return ret;
}

/* Starts @binary with QMP on stdio and -machine @machine; reads the greeting */
static int
gvQemuProbeSpawn(gvQemuProbe *p, const char *machine, GPid *pid, GError **error)
{
    const char *argv[] = { p->binary,    "-S",       "-no-user-config", "-nodefaults",
                           "-nographic", "-machine", machine,           "-qmp",
                           "stdio",      NULL };
    const char *envp[] = { "LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
    g_autoptr(GError) local = NULL;
    g_autoptr(json_object) greeting = NULL;
    g_autoptr(json_object) caps = NULL;

    if (!g_spawn_async_with_pipes(NULL, (char **)argv, (char **)envp,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                  NULL, pid, &p->in, &p->out, NULL, &local)) {
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "cannot run QEMU '%s' to probe its capabilities: %s", p->binary,
                      local->message);
        return -1;
    }
    p->pending = g_string_new(NULL);
    if (!(greeting = gvQemuProbeReadReply(p, error)) ||
        !(caps = gvQemuProbeCommand(p, "{\"execute\":\"qmp_capabilities\"}\n", error)))
        return -1;
    return 0;
}

static void
gvQemuProbeReap(gvQemuProbe *p, GPid pid)
{
    int status;

    if (p->in >= 0)
        close(p->in);
    if (p->out >= 0)
        close(p->out);
    p->in = p->out = -1;
    if (pid > 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        g_spawn_close_pid(pid);
    }
    if (p->pending)
        g_string_free(p->pending, TRUE);
    p->pending = NULL;
}

static json_object *
gvQemuProbeExpandCPU(gvQemuProbe *p, const char *model, GError **error)
{
    g_autoptr(json_object) cmd = json_object_new_object();
    json_object *args = json_object_new_object();
    json_object *jm = json_object_new_object();
    g_autofree char *line = NULL;

    json_object_object_add(jm, "name", json_object_new_string(model));
    json_object_object_add(args, "type", json_object_new_string("static"));
    json_object_object_add(args, "model", jm);
    json_object_object_add(cmd, "execute", json_object_new_string("query-cpu-model-expansion"));
    json_object_object_add(cmd, "arguments", args);
    line = g_strdup_printf("%s\n", json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN));
    return gvQemuProbeCommand(p, line, error);
}

/*
 * Under @accel: which features of each model (versioned or not) the host
 * lacks, and the host's CPU ('host' under KVM, 'max' under TCG).  Under TCG
 * (the run that probes everything else) also every unversioned model (the
 * names libvirt uses: QEMU lists them with "alias-of") and its static
 * expansion (55 of them for QEMU 7.2): the models' features do not depend on
 * the accelerator, so they are expanded once.
 */
static int
gvQemuProbeCPU(gvQemuProbe *p, gvQemuCPUCaps *cpu, gvQemuAccel accel, GError **error)
{
    g_autoptr(json_object) defs = NULL;
    g_autoptr(json_object) host = NULL;
    size_t i;

    if (!(defs = gvQemuProbeCommand(p, "{\"execute\":\"query-cpu-definitions\"}\n", error)) ||
        !(host = gvQemuProbeExpandCPU(p, accel == GV_QEMU_ACCEL_KVM ? "host" : "max", error)))
        return -1;
    gvQemuCPUCapsSetAccel(cpu, accel, defs, host);
    if (accel != GV_QEMU_ACCEL_TCG)
        return 0;
    for (i = 0; json_object_is_type(defs, json_type_array) && i < json_object_array_length(defs);
         i++) {
        json_object *d = json_object_array_get_idx(defs, i);
        json_object *name;
        g_autoptr(json_object) exp = NULL;

        if (!json_object_object_get_ex(d, "name", &name) ||
            !json_object_object_get_ex(d, "alias-of", NULL))
            continue;
        if (!(exp = gvQemuProbeExpandCPU(p, json_object_get_string(name), error)))
            return -1;
        gvQemuCPUCapsAddModel(cpu, d, exp);
    }
    return 0;
}

/* Under KVM, when /dev/kvm opens: which features of each model and of 'host' the host has */
static void
gvQemuProbeCPUKVM(const char *binary, gvQemuCPUCaps *cpu, gint64 deadline)
{
    gvQemuProbe p = { .in = -1, .out = -1, .binary = binary, .deadline = deadline };
    g_autoptr(GError) local = NULL;
    GPid pid = 0;
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return;
    close(fd);
    if (gvQemuProbeSpawn(&p, "none,accel=kvm", &pid, &local) < 0 ||
        gvQemuProbeCPU(&p, cpu, GV_QEMU_ACCEL_KVM, &local) < 0)
        g_debug("QEMU '%s': no KVM CPU data: %s", binary, local ? local->message : "?");
    gvQemuProbeReap(&p, pid);
}

gvQemuCaps *
gvQemuCapsProbe(const char *binary, bool kvm, unsigned int timeoutMs, GError **error)
{
    gvQemuProbe p = { .in = -1, .out = -1, .binary = binary };
    g_autoptr(json_object) version = NULL;
    g_autoptr(json_object) machines = NULL;
    g_autoptr(json_object) types = NULL;
    g_autoptr(json_object) target = NULL;
    g_autoptr(json_object) out = NULL;
    g_autoptr(gvQemuCPUCaps) cpu = gvQemuCPUCapsNew();
    json_object *qemu;
    json_object *devices;
    json_object *val;
    gvQemuCaps *ret = NULL;
    GPid pid = 0;
    size_t i;

    p.deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;
    if (gvQemuProbeSpawn(&p, "none,accel=tcg", &pid, error) < 0 ||
        !(version = gvQemuProbeCommand(&p, "{\"execute\":\"query-version\"}\n", error)) ||
        !(machines = gvQemuProbeCommand(&p, "{\"execute\":\"query-machines\"}\n", error)) ||
        !(types = gvQemuProbeCommand(
              &p, "{\"execute\":\"qom-list-types\",\"arguments\":{\"abstract\":false}}\n",
              error)) ||
        gvQemuProbeOptional(&p, "{\"execute\":\"query-target\"}\n", &target, error) < 0 ||
        gvQemuProbeCPU(&p, cpu, GV_QEMU_ACCEL_TCG, error) < 0)
        goto cleanup;
    gvQemuProbeReap(&p, pid);
    pid = 0;
    if (kvm)
        gvQemuProbeCPUKVM(binary, cpu, p.deadline);

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
    json_object_object_add(out, "cpu", gvQemuCPUCapsToJSON(cpu));
    ret = gvQemuCapsNewFromJSON(out, error);

cleanup:
    gvQemuProbeReap(&p, pid);
    return ret;
}
