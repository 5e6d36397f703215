/*
 * qemu_command.c: domain definition -> QEMU command line, a pure function
 */
#include <gvconfig.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "gverror.h"
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

    if (!gvQemuCapsFindMachine(caps, def->os.machine)) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "machine '%s' in <os>/<type> is not supported by this QEMU binary",
                      def->os.machine);
        return -1;
    }
    if (def->cpu && def->cpu->mode == GV_DOMAIN_CPU_MODE_CUSTOM) {
        g_autofree char *type = g_strdup_printf("%s-%s-cpu", def->cpu->model,
                                                def->os.arch == GV_ARCH_I686 ? "i386" : "x86_64");

        if (!gvQemuCapsHasDevice(caps, type)) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "CPU model '%s' in <cpu>/<model> is not supported by this QEMU binary",
                          def->cpu->model);
            return -1;
        }
    }
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
gvQemuBuildMachineCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuBuildCtx *ctx)
{
    gvCommandAddArg(cmd, "-machine");
    gvCommandAddArgFormat(cmd, "%s,usb=off,dump-guest-core=off,acpi=%s", def->os.machine,
                          def->features[GV_DOMAIN_FEATURE_ACPI] ? "on" : "off");
    gvCommandAddArg(cmd, "-accel");
    /* type='qemu' asks for TCG; type='kvm' gets the host's accelerator */
    gvCommandAddArg(
        cmd, def->virtType == GV_DOMAIN_VIRT_QEMU ? "tcg" : gvQemuAccelTypeToString(ctx->accel));
}

/*
 * Like libvirt, <apic/> only records the guest's expectation: QEMU's x86
 * CPUs have an APIC either way.
 */
static void
gvQemuBuildCPUCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuBuildCtx *ctx)
{
    bool kvm = def->virtType == GV_DOMAIN_VIRT_KVM && ctx->accel == GV_QEMU_ACCEL_KVM;

    if (!def->cpu)
        return;
    gvCommandAddArg(cmd, "-cpu");
    switch (def->cpu->mode) {
    case GV_DOMAIN_CPU_MODE_HOST_PASSTHROUGH:
        /* "host" exists only under KVM; "max" is TCG's everything-on CPU */
        gvCommandAddArg(cmd, kvm ? "host" : "max");
        break;
    case GV_DOMAIN_CPU_MODE_HOST_MODEL:
        gvCommandAddArg(cmd, "max");
        break;
    case GV_DOMAIN_CPU_MODE_CUSTOM:
        gvCommandAddArg(cmd, def->cpu->model);
        break;
    case GV_DOMAIN_CPU_MODE_NONE:
    case GV_DOMAIN_CPU_MODE_LAST:
        gvCommandAddArg(cmd, "qemu64");
        break;
    }
}

static void
gvQemuBuildBootCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    GString *order;
    size_t i;

    if (def->os.nboot == 0)
        return;
    order = g_string_new("order=");
    for (i = 0; i < def->os.nboot; i++) {
        switch (def->os.boot[i]) {
        case GV_DOMAIN_BOOT_HD:
            g_string_append_c(order, 'c');
            break;
        case GV_DOMAIN_BOOT_CDROM:
            g_string_append_c(order, 'd');
            break;
        case GV_DOMAIN_BOOT_NETWORK:
            g_string_append_c(order, 'n');
            break;
        case GV_DOMAIN_BOOT_FLOPPY:
            g_string_append_c(order, 'a');
            break;
        case GV_DOMAIN_BOOT_NONE:
        case GV_DOMAIN_BOOT_LAST:
            break;
        }
    }
    gvCommandAddArg(cmd, "-boot");
    gvCommandAddArg(cmd, order->str);
    g_string_free(order, TRUE);
}

/*
 * Direct kernel boot.  QEMU takes the three values as they are (no QemuOpts
 * escaping); the driver opened and checked both files before the start.
 */
static void
gvQemuBuildKernelCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    if (def->os.kernel)
        gvCommandAddArgList(cmd, "-kernel", def->os.kernel, NULL);
    if (def->os.initrd)
        gvCommandAddArgList(cmd, "-initrd", def->os.initrd, NULL);
    if (def->os.cmdline)
        gvCommandAddArgList(cmd, "-append", def->os.cmdline, NULL);
}

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

    if (gvQemuValidateDomainDef(def, caps, error) < 0 ||
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
    gvQemuBuildMachineCommandLine(cmd, def, ctx);
    gvQemuBuildCPUCommandLine(cmd, def, ctx);
    gvCommandAddArg(cmd, "-m");
    gvCommandAddArgFormat(cmd, "size=%lluk", def->memory);
    gvCommandAddArgList(cmd, "-overcommit", "mem-lock=off", NULL);
    gvCommandAddArg(cmd, "-smp");
    gvCommandAddArgFormat(cmd, "%u,sockets=%u,cores=1,threads=1", def->vcpus, def->vcpus);
    gvCommandAddArg(cmd, "-rtc");
    gvCommandAddArgFormat(cmd, "base=%s", gvDomainClockOffsetTypeToString(def->clockOffset));
    /* the daemon decides what a guest power-off means (on_poweroff) */
    gvCommandAddArg(cmd, "-no-shutdown");
    if (def->onReboot == GV_DOMAIN_LIFECYCLE_DESTROY)
        gvCommandAddArg(cmd, "-no-reboot");
    gvQemuBuildBootCommandLine(cmd, def);
    gvQemuBuildKernelCommandLine(cmd, def);
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
