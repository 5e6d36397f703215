/*
 * qemu_preflight.c: will this host's KVM run the CPU and machine a domain asks for?
 */
#include <gvconfig.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gverror.h"
#include "qemu_command_machine.h"
#include "qemu_preflight.h"

#define GV_QEMU_PREFLIGHT_TIMEOUT_MS 20000
#define GV_QEMU_PREFLIGHT_MAX_OUTPUT (64 * 1024)

/* trial options -> NULL (it ran) or QEMU's words (it did not) */
static GMutex gvQemuPreflightLock;
static GHashTable *gvQemuPreflightCache;

typedef enum {
    GV_QEMU_PREFLIGHT_CPU = 1 << 0,
    GV_QEMU_PREFLIGHT_HYPERV = 1 << 1,
    GV_QEMU_PREFLIGHT_SMM = 1 << 2,
} gvQemuPreflightPart;

static unsigned int
gvQemuPreflightParts(const gvDomainDef *def)
{
    unsigned int parts = 0;

    if (def->cpu)
        parts |= GV_QEMU_PREFLIGHT_CPU;
    if (gvDomainFeaturesDefHasHyperv(&def->featureDefs))
        parts |= GV_QEMU_PREFLIGHT_HYPERV;
    if (def->featureDefs.smm == GV_TRISTATE_SWITCH_ON)
        parts |= GV_QEMU_PREFLIGHT_SMM;
    return parts;
}

/* @def with only the parts in @keep, and without its firmware flash */
static gvDomainDef *
gvQemuPreflightStrip(const gvDomainDef *def, unsigned int keep, GError **error)
{
    gvDomainDef *copy = gvDomainDefCopy(def, error);
    size_t i;

    if (!copy)
        return NULL;
    if (!(keep & GV_QEMU_PREFLIGHT_CPU))
        g_clear_pointer(&copy->cpu, gvDomainCPUDefFree);
    if (!(keep & GV_QEMU_PREFLIGHT_HYPERV)) {
        copy->featureDefs.hypervMode = GV_DOMAIN_HYPERV_MODE_NONE;
        for (i = 0; i < GV_DOMAIN_HYPERV_LAST; i++)
            copy->featureDefs.hyperv[i] = GV_TRISTATE_SWITCH_ABSENT;
    }
    if (!(keep & GV_QEMU_PREFLIGHT_SMM))
        copy->featureDefs.smm = GV_TRISTATE_SWITCH_ABSENT;
    /* the firmware's flash is not in the trial (it has no -blockdev for it) */
    g_clear_pointer(&copy->os.loader, gvDomainLoaderDefFree);
    g_clear_pointer(&copy->os.nvram, g_free);
    return copy;
}

/* The trial command: the domain's -machine, -cpu and -smp, nothing else */
static gvCommand *
gvQemuPreflightCommand(const gvDomainDef *def, const gvQemuCaps *caps, gvQemuAccel accel)
{
    gvQemuBuildCtx ctx = { .accel = accel, .monitorFd = -1, .genidConfigFd = -1 };
    gvCommand *cmd = gvCommandNew(def->emulator);

    gvCommandAddEnvPair(cmd, "LC_ALL", "C");
    gvCommandAddEnvPair(cmd, "PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    gvCommandAddArgList(cmd, "-S", "-no-user-config", "-nodefaults", "-display", "none", NULL);
    gvQemuBuildMachineCommandLine(cmd, def, &ctx);
    gvQemuBuildCPUCommandLine(cmd, def, caps, &ctx);
    gvQemuBuildSMPCommandLine(cmd, def);
    gvCommandAddArgList(cmd, "-m", "64", "-qmp", "stdio", NULL);
    return cmd;
}

/* Runs @cmd: NULL when QEMU came up and quit cleanly, else what it said */
static char *
gvQemuPreflightRun(gvCommand *cmd)
{
    static const char script[] = "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n";
    g_autoptr(GError) local = NULL;
    g_autoptr(GString) said = g_string_new(NULL);
    gint64 deadline = g_get_monotonic_time() + GV_QEMU_PREFLIGHT_TIMEOUT_MS * 1000;
    GPid pid = 0;
    int in = -1;
    int out = -1;
    int err = -1;
    int status = 0;
    bool greeted = false;
    bool timedOut = false;
    struct pollfd fds[2];
    char buf[4096];

    if (!g_spawn_async_with_pipes(NULL, (char **)gvCommandGetArgv(cmd),
                                  (char **)gvCommandGetEnv(cmd), G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                  NULL, &pid, &in, &out, &err, &local))
        return g_strdup(local->message);
    if (write(in, script, sizeof(script) - 1) != (ssize_t)(sizeof(script) - 1))
        g_debug("preflight: cannot write to QEMU: %s", g_strerror(errno));
    close(in);
    fds[0].fd = out;
    fds[1].fd = err;
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        int i;

        fds[0].events = fds[1].events = POLLIN;
        if (left <= 0) {
            timedOut = true;
            break;
        }
        if (poll(fds, 2, (int)left) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (i = 0; i < 2; i++) {
            ssize_t n;

            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            n = read(fds[i].fd, buf, sizeof(buf));
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                continue;
            }
            if (i == 0 && memmem(buf, n, "\"QMP\"", 5))
                greeted = true;
            if (i == 1 && said->len < GV_QEMU_PREFLIGHT_MAX_OUTPUT)
                g_string_append_len(said, buf, n);
        }
    }
    if (fds[0].fd >= 0)
        close(fds[0].fd);
    if (fds[1].fd >= 0)
        close(fds[1].fd);
    if (timedOut)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    g_spawn_close_pid(pid);
    if (timedOut)
        return g_strdup("QEMU did not answer in time");
    if (greeted && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return NULL;
    {
        /* QEMU's first error line: warnings are not why it failed */
        g_auto(GStrv) lines = g_strsplit(said->str, "\n", -1);
        size_t i;

        for (i = 0; lines[i]; i++) {
            g_strstrip(lines[i]);
            if (lines[i][0] && !strstr(lines[i], "warning:"))
                return g_strndup(lines[i], 512);
        }
        return g_strdup_printf("QEMU exited with status %d",
                               WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
}

/* NULL: fine; else QEMU's words (cached per binary and options) */
static char *
gvQemuPreflightCached(const gvDomainDef *def, const gvQemuCaps *caps, gvQemuAccel accel)
{
    g_autoptr(gvCommand) cmd = gvQemuPreflightCommand(def, caps, accel);
    g_autofree char *argv = gvCommandToString(cmd, false);
    g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT " %s", caps->mtime, argv);
    gpointer cached = NULL;
    char *said;

    g_mutex_lock(&gvQemuPreflightLock);
    if (!gvQemuPreflightCache)
        gvQemuPreflightCache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (g_hash_table_lookup_extended(gvQemuPreflightCache, key, NULL, &cached)) {
        said = g_strdup(cached);
        g_mutex_unlock(&gvQemuPreflightLock);
        return said;
    }
    g_mutex_unlock(&gvQemuPreflightLock);
    said = gvQemuPreflightRun(cmd);
    g_debug("preflight of '%s': %s", argv, said ? said : "ok");
    g_mutex_lock(&gvQemuPreflightLock);
    g_hash_table_replace(gvQemuPreflightCache, g_steal_pointer(&key), g_strdup(said));
    g_mutex_unlock(&gvQemuPreflightLock);
    return said;
}

static char *
gvQemuPreflightPartName(const gvDomainDef *def, unsigned int part)
{
    switch (part) {
    case GV_QEMU_PREFLIGHT_CPU:
        return g_strdup_printf("<cpu mode='%s'>", gvDomainCPUModeTypeToString(def->cpu->mode));
    case GV_QEMU_PREFLIGHT_HYPERV:
        return g_strdup("<features>/<hyperv>");
    case GV_QEMU_PREFLIGHT_SMM:
        return g_strdup("<features>/<smm>");
    }
    return g_strdup("the CPU and machine options");
}

int
gvQemuPreflight(const gvDomainDef *def, const gvQemuCaps *caps, gvQemuAccel accel, GError **error)
{
    unsigned int parts = gvQemuPreflightParts(def);
    g_autoptr(gvDomainDef) trial = NULL;
    g_autofree char *said = NULL;
    g_autoptr(GString) culprits = g_string_new(NULL);
    unsigned int part;

    if (def->virtType == GV_DOMAIN_VIRT_QEMU)
        accel = GV_QEMU_ACCEL_TCG;
    /* TCG emulates whatever it accepts; a plain KVM guest needs no trial */
    if (accel != GV_QEMU_ACCEL_KVM || parts == 0)
        return 0;
    if (!(trial = gvQemuPreflightStrip(def, parts, error)))
        return -1;
    if (!(said = gvQemuPreflightCached(trial, caps, accel)))
        return 0;
    /* which of them: each alone */
    for (part = 1; part <= GV_QEMU_PREFLIGHT_SMM; part <<= 1) {
        g_autoptr(gvDomainDef) alone = NULL;
        g_autofree char *alsoSaid = NULL;
        g_autofree char *name = NULL;

        if (!(parts & part))
            continue;
        if (parts != part) {
            if (!(alone = gvQemuPreflightStrip(def, part, error)))
                return -1;
            if (!(alsoSaid = gvQemuPreflightCached(alone, caps, accel)))
                continue;
        }
        name = gvQemuPreflightPartName(def, part);
        g_string_append_printf(culprits, "%s%s", culprits->len ? " and " : "", name);
    }
    gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                  "%s of domain '%s' cannot run on this host's KVM: QEMU said: %s",
                  culprits->len ? culprits->str : "the CPU and machine options together", def->name,
                  said);
    return -1;
}
