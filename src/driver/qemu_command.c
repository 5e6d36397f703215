/*
 * qemu_command.c: domain definition -> QEMU command line, a pure function
 */
#include <gvconfig.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "gverror.h"
#include "qemu_command_machine.h"
#include "qemu_command_priv.h"

GV_ENUM_IMPL(gvQemuAccel,
             GV_QEMU_ACCEL_LAST, [GV_QEMU_ACCEL_KVM] = "kvm", [GV_QEMU_ACCEL_TCG] = "tcg");

gvQemuAccel
gvQemuHostAccel(void)
{
    const char *env = g_getenv("GENVIRT_ACCEL");
    int fd;

    if (env && gvQemuAccelTypeFromString(env) >= 0)
        return gvQemuAccelTypeFromString(env);
    fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return GV_QEMU_ACCEL_TCG;
    close(fd);
    return GV_QEMU_ACCEL_KVM;
}

int
gvQemuRequireDevice(const gvQemuCaps *caps, const char *device, const char *what, GError **error)
{
    if (gvQemuCapsHasDevice(caps, device))
        return 0;
    gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                  "%s needs the QEMU device '%s', which this QEMU binary does not have", what,
                  device);
    return -1;
}

int
gvQemuValidateDomainDef(const gvDomainDef *def, const gvQemuCaps *caps, GError **error)
{
    if (def->genid &&
        !gvQemuCapsHasDevice(caps, gvDomainGenidModelTypeToString(def->genid->model))) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "genid model '%s' in <devices>/<genid> needs the QEMU device '%s', which this QEMU binary does not have",
            gvDomainGenidModelTypeToString(def->genid->model),
            gvDomainGenidModelTypeToString(def->genid->model));
        return -1;
    }
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

/* QemuOpts value: a ',' in a value is written ',,' */
char *
gvQemuOptEscape(const char *str)
{
    GString *out = g_string_new(NULL);
    const char *p;

    for (p = str; *p; p++) {
        if (*p == ',')
            g_string_append_c(out, ',');
        g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

void
gvQemuAddJSONArg(gvCommand *cmd, const char *opt, json_object *props)
{
    gvCommandAddArg(cmd, opt);
    gvCommandAddArg(cmd, json_object_to_json_string_ext(props, JSON_C_TO_STRING_PLAIN |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(props);
}

void
gvJSONAddString(json_object *obj, const char *key, const char *value)
{
    json_object_object_add(obj, key, json_object_new_string(value));
}

void
gvJSONAddInt(json_object *obj, const char *key, int value)
{
    json_object_object_add(obj, key, json_object_new_int(value));
}

void
gvJSONAddBool(json_object *obj, const char *key, bool value)
{
    json_object_object_add(obj, key, json_object_new_boolean(value));
}

/* ---- per device class --------------------------------------------------- */

static void
gvQemuBuildMonitorCommandLine(gvCommand *cmd, const gvQemuBuildCtx *ctx)
{
    g_autofree char *path = NULL;

    if (ctx->monitorFd < 0 && !ctx->monitorPath)
        return;
    gvCommandAddArg(cmd, "-chardev");
    if (ctx->monitorFd >= 0) {
        gvCommandAddArgFormat(cmd, "socket,id=charmonitor,fd=%d,server=on,wait=off",
                              ctx->monitorFd);
    } else {
        path = gvQemuOptEscape(ctx->monitorPath);
        gvCommandAddArgFormat(cmd, "socket,id=charmonitor,path=%s,server=on,wait=off", path);
    }
    gvCommandAddArgList(cmd, "-mon", "chardev=charmonitor,id=monitor,mode=control", NULL);
}

char *
gvQemuDiskFormatNode(const gvDomainDiskDef *disk)
{
    return g_strdup_printf("gv-%s-format", disk->dst);
}

static char *
gvQemuBuildGenidConfig(const gvDomainGenidDef *genid)
{
    char uuidstr[GV_UUID_STRING_BUFLEN];
    char *ret;

    ret = g_strdup_printf("[device \"genid0\"]\n"
                          "  driver = \"%s\"\n"
                          "  guid = \"%s\"\n",
                          gvDomainGenidModelTypeToString(genid->model),
                          gvUUIDFormat(genid->guid, uuidstr));
    explicit_bzero(uuidstr, sizeof(uuidstr));
    return ret;
}

int
gvQemuBuildCommandLine(const gvDomainDef *def, const gvQemuCaps *caps, const gvQemuBuildCtx *ctx,
                       gvCommand **cmdOut, char **genidConfig, GError **error)
{
    g_autoptr(gvCommand) cmd = NULL;
    g_autofree char *name = NULL;
    char uuidstr[GV_UUID_STRING_BUFLEN];

    if (gvQemuValidateMachineDef(def, caps, ctx, error) < 0 ||
        gvQemuValidateDomainDef(def, caps, error) < 0 ||
        gvQemuValidateDevices(def, caps, ctx, error) < 0)
        return -1;
    if (def->genid && !def->genid->hasGuid) {
        gvReportError(
            error, GV_ERR_OPERATION_INVALID,
            "genid device of domain '%s' has no GUID yet: it is generated when the domain is defined",
            def->name);
        return -1;
    }
    if (def->genid && ctx->genidConfigFd < 0) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR,
                      "no file descriptor for the genid configuration of domain '%s'", def->name);
        return -1;
    }

    cmd = gvCommandNew(def->emulator);
    gvCommandAddEnvPair(cmd, "LC_ALL", "C");
    gvCommandAddEnvPair(cmd, "PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    gvCommandAddEnvPair(cmd, "HOME", ctx->homeDir ? ctx->homeDir : "/");

    name = gvQemuOptEscape(def->name);
    gvCommandAddArg(cmd, "-name");
    gvCommandAddArgFormat(cmd, "guest=%s,debug-threads=on", name);
    gvCommandAddArgList(cmd, "-S", "-no-user-config", "-nodefaults", NULL);
    gvCommandAddArgList(cmd, "-uuid", gvUUIDFormat(def->uuid, uuidstr), NULL);
    gvQemuBuildFirmwareCommandLine(cmd, def);
    gvQemuBuildMachineCommandLine(cmd, def, ctx);
    gvQemuBuildCPUCommandLine(cmd, def, caps, ctx);
    gvQemuBuildMemoryCommandLine(cmd, def);
    gvQemuBuildSMPCommandLine(cmd, def);
    gvQemuBuildSmbiosCommandLine(cmd, def);
    gvQemuBuildClockCommandLine(cmd, def, ctx);
    gvQemuBuildLifecycleCommandLine(cmd, def);
    gvQemuBuildPMCommandLine(cmd, def);
    gvQemuBuildBootCommandLine(cmd, def);
    gvQemuBuildMonitorCommandLine(cmd, ctx);
    gvQemuBuildControllerCommandLine(cmd, def);
    gvQemuBuildDiskCommandLine(cmd, def);
    gvQemuBuildNetCommandLine(cmd, def, ctx);
    gvQemuBuildChrCommandLine(cmd, def, ctx);
    gvQemuBuildInputCommandLine(cmd, def);
    gvQemuBuildAudioCommandLine(cmd, def);
    gvQemuBuildGraphicsCommandLine(cmd, def, ctx);
    gvQemuBuildVideoCommandLine(cmd, def);
    gvQemuBuildSoundCommandLine(cmd, def);
    gvQemuBuildMiscCommandLine(cmd, def);
    gvQemuBuildVMCoreInfoCommandLine(cmd, def);
    if (def->genid) {
        gvCommandAddArg(cmd, "-readconfig");
        gvCommandAddArgFormat(cmd, "/dev/fd/%d", ctx->genidConfigFd);
    }
    /* the URI is given later (migrate-incoming), once the port is known */
    if (ctx->incoming)
        gvCommandAddArgList(cmd, "-incoming", "defer", NULL);
    gvCommandAddArgList(cmd, "-msg", "timestamp=on", NULL);

    *genidConfig = def->genid ? gvQemuBuildGenidConfig(def->genid) : NULL;
    *cmdOut = g_steal_pointer(&cmd);
    return 0;
}

char *
gvQemuFormatNative(const gvCommand *cmd, const char *genidConfig, int genidFd, bool linebreaks)
{
    g_autofree char *argv = gvCommandToString(cmd, linebreaks);
    GString *out = g_string_new(argv);
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (!genidConfig)
        return g_string_free(out, FALSE);
    g_string_append_printf(out, "# genid configuration, read by QEMU through file descriptor %d:\n",
                           genidFd);
    lines = g_strsplit(genidConfig, "\n", -1);
    for (i = 0; lines[i]; i++) {
        if (lines[i][0])
            g_string_append_printf(out, "# %s\n", lines[i]);
        explicit_bzero(lines[i], strlen(lines[i]));
    }
    return g_string_free(out, FALSE);
}
