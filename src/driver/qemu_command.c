/*
 * qemu_command.c: domain definition -> QEMU command line, a pure function
 */
#include <gvconfig.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "gverror.h"
#include "qemu_command.h"
#include "qemu_command_machine.h"

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

/* ---- device model names ------------------------------------------------- */

static const char *
gvQemuNetModelDevice(gvDomainNetModel model)
{
    switch (model) {
    case GV_DOMAIN_NET_MODEL_VIRTIO:
        return "virtio-net-pci";
    case GV_DOMAIN_NET_MODEL_E1000:
        return "e1000";
    case GV_DOMAIN_NET_MODEL_E1000E:
        return "e1000e";
    case GV_DOMAIN_NET_MODEL_RTL8139:
        return "rtl8139";
    case GV_DOMAIN_NET_MODEL_NONE:
    case GV_DOMAIN_NET_MODEL_LAST:
        break;
    }
    return NULL;
}

static const char *
gvQemuDiskDevice(const gvDomainDiskDef *disk)
{
    bool cdrom = disk->device == GV_DOMAIN_DISK_DEVICE_CDROM;

    switch (disk->bus) {
    case GV_DOMAIN_DISK_BUS_VIRTIO:
        return "virtio-blk-pci";
    case GV_DOMAIN_DISK_BUS_SATA:
    case GV_DOMAIN_DISK_BUS_IDE:
        return cdrom ? "ide-cd" : "ide-hd";
    case GV_DOMAIN_DISK_BUS_NONE:
    case GV_DOMAIN_DISK_BUS_LAST:
        break;
    }
    return NULL;
}

static int
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
    guint i;

    for (i = 0; i < def->disks->len; i++) {
        const gvDomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        g_autofree char *what = g_strdup_printf("disk '%s'", disk->dst);

        /* QEMU's ide-hd cannot be read-only (only ide-cd is) */
        if (disk->readonly && disk->device == GV_DOMAIN_DISK_DEVICE_DISK &&
            disk->bus != GV_DOMAIN_DISK_BUS_VIRTIO) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "read-only disk '%s' in <devices>/<disk> is not supported on bus '%s': use bus 'virtio' or a cdrom",
                disk->dst, gvDomainDiskBusTypeToString(disk->bus));
            return -1;
        }

        if (gvQemuRequireDevice(caps, gvQemuDiskDevice(disk), what, error) < 0)
            return -1;
        if (disk->bus == GV_DOMAIN_DISK_BUS_SATA && !gvQemuMachineIsQ35(def->os.machine) &&
            gvQemuRequireDevice(caps, "ich9-ahci", what, error) < 0)
            return -1;
    }
    for (i = 0; i < def->nets->len; i++) {
        const gvDomainNetDef *net = g_ptr_array_index(def->nets, i);

        if (gvQemuRequireDevice(caps, gvQemuNetModelDevice(net->model), "interface model", error) <
            0)
            return -1;
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

static void
gvQemuBuildDiskCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    bool q35 = gvQemuMachineIsQ35(def->os.machine);
    bool ahci = false;
    guint i;

    for (i = 0; i < def->disks->len; i++) {
        const gvDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (disk->bus == GV_DOMAIN_DISK_BUS_SATA && !q35 && !ahci) {
            json_object *ctrl = json_object_new_object();

            /* i440fx has no SATA: add an AHCI controller once */
            gvJSONAddString(ctrl, "driver", "ich9-ahci");
            gvJSONAddString(ctrl, "id", "sata0");
            gvQemuAddJSONArg(cmd, "-device", ctrl);
            ahci = true;
        }
    }

    for (i = 0; i < def->disks->len; i++) {
        const gvDomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        int idx = gvDomainDiskIndexFromName(disk->dst);
        g_autofree char *storage = g_strdup_printf("gv-%s-storage", disk->dst);
        g_autofree char *format = gvQemuDiskFormatNode(disk);
        g_autofree char *id = NULL;
        g_autofree char *bus = NULL;
        json_object *dev;

        if (disk->src) {
            json_object *file = json_object_new_object();
            json_object *fmt = json_object_new_object();

            gvJSONAddString(file, "driver",
                            disk->type == GV_DOMAIN_DISK_TYPE_BLOCK ? "host_device" : "file");
            gvJSONAddString(file, "filename", disk->src);
            gvJSONAddString(file, "node-name", storage);
            gvJSONAddBool(file, "read-only", disk->readonly);
            gvQemuAddJSONArg(cmd, "-blockdev", file);

            gvJSONAddString(fmt, "driver", gvDomainDiskFormatTypeToString(disk->format));
            gvJSONAddString(fmt, "file", storage);
            gvJSONAddString(fmt, "node-name", format);
            gvJSONAddBool(fmt, "read-only", disk->readonly);
            gvQemuAddJSONArg(cmd, "-blockdev", fmt);
        }

        dev = json_object_new_object();
        gvJSONAddString(dev, "driver", gvQemuDiskDevice(disk));
        switch (disk->bus) {
        case GV_DOMAIN_DISK_BUS_VIRTIO:
            id = g_strdup_printf("virtio-disk%d", idx);
            break;
        case GV_DOMAIN_DISK_BUS_SATA:
            /* q35's built-in AHCI is "ide", one unit per port */
            bus = g_strdup_printf(q35 ? "ide.%d" : "sata0.%d", idx);
            id = g_strdup_printf("sata0-0-%d", idx);
            break;
        case GV_DOMAIN_DISK_BUS_IDE:
            bus = g_strdup_printf("ide.%d", idx / 2);
            id = g_strdup_printf("ide0-%d-%d", idx / 2, idx % 2);
            break;
        case GV_DOMAIN_DISK_BUS_NONE:
        case GV_DOMAIN_DISK_BUS_LAST:
            break;
        }
        if (bus)
            gvJSONAddString(dev, "bus", bus);
        if (disk->bus == GV_DOMAIN_DISK_BUS_IDE)
            gvJSONAddInt(dev, "unit", idx % 2);
        if (disk->src)
            gvJSONAddString(dev, "drive", format);
        gvJSONAddString(dev, "id", id);
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
}

static void
gvQemuBuildNetCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    guint i;

    for (i = 0; i < def->nets->len; i++) {
        const gvDomainNetDef *net = g_ptr_array_index(def->nets, i);
        json_object *dev = json_object_new_object();
        g_autofree char *netdev = g_strdup_printf("hostnet%u", i);
        g_autofree char *id = g_strdup_printf("net%u", i);
        char mac[GV_MAC_STRING_BUFLEN];

        gvCommandAddArg(cmd, "-netdev");
        gvCommandAddArgFormat(cmd, "user,id=%s", netdev);
        gvJSONAddString(dev, "driver", gvQemuNetModelDevice(net->model));
        gvJSONAddString(dev, "netdev", netdev);
        gvJSONAddString(dev, "id", id);
        gvJSONAddString(dev, "mac", gvMacAddrFormat(net->mac, mac));
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
}

static void
gvQemuBuildChrCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    guint i;

    for (i = 0; i < def->serials->len; i++) {
        const gvDomainChrDef *chr = g_ptr_array_index(def->serials, i);
        json_object *dev = json_object_new_object();
        g_autofree char *chardev = g_strdup_printf("charserial%d", chr->port);
        g_autofree char *id = g_strdup_printf("serial%d", chr->port);

        gvCommandAddArg(cmd, "-chardev");
        gvCommandAddArgFormat(cmd, "pty,id=%s", chardev);
        gvJSONAddString(dev, "driver", "isa-serial");
        gvJSONAddString(dev, "chardev", chardev);
        gvJSONAddString(dev, "id", id);
        gvJSONAddInt(dev, "index", chr->port);
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
    for (i = 0; i < def->consoles->len; i++) {
        const gvDomainChrDef *con = g_ptr_array_index(def->consoles, i);
        json_object *bus;
        json_object *dev;

        /* a serial console is the <serial> of the same port: nothing more */
        if (con->target != GV_DOMAIN_CHR_CONSOLE_TARGET_VIRTIO)
            continue;
        bus = json_object_new_object();
        gvJSONAddString(bus, "driver", "virtio-serial-pci");
        gvJSONAddString(bus, "id", "virtio-serial0");
        gvQemuAddJSONArg(cmd, "-device", bus);
        gvCommandAddArgList(cmd, "-chardev", "pty,id=charconsole0", NULL);
        dev = json_object_new_object();
        gvJSONAddString(dev, "driver", "virtconsole");
        gvJSONAddString(dev, "chardev", "charconsole0");
        gvJSONAddString(dev, "id", "console0");
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
}

static void
gvQemuBuildGraphicsCommandLine(gvCommand *cmd, const gvDomainDef *def)
{
    const gvDomainGraphicsDef *gfx;
    g_autofree char *listen = NULL;
    json_object *video;

    if (def->graphics->len == 0) {
        gvCommandAddArgList(cmd, "-display", "none", NULL);
        return;
    }
    gfx = g_ptr_array_index(def->graphics, 0);
    listen =
        strchr(gfx->listen, ':') ? g_strdup_printf("[%s]", gfx->listen) : g_strdup(gfx->listen);
    gvCommandAddArg(cmd, "-vnc");
    if (gfx->autoport == GV_TRISTATE_BOOL_YES)
        /* QEMU takes the first free display from 0 up */
        gvCommandAddArgFormat(cmd, "%s:0,to=%d", listen, 65535 - GV_VNC_PORT_MIN);
    else
        gvCommandAddArgFormat(cmd, "%s:%d", listen, gfx->port - GV_VNC_PORT_MIN);
    video = json_object_new_object();
    gvJSONAddString(video, "driver", "VGA");
    gvJSONAddString(video, "id", "video0");
    gvQemuAddJSONArg(cmd, "-device", video);
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
        gvQemuValidateDomainDef(def, caps, error) < 0)
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
    gvQemuBuildDiskCommandLine(cmd, def);
    gvQemuBuildNetCommandLine(cmd, def);
    gvQemuBuildChrCommandLine(cmd, def);
    gvQemuBuildGraphicsCommandLine(cmd, def);
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
