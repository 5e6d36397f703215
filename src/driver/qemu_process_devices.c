/*
 * qemu_process_devices.c: what devices need from the host around a start:
 * the directory of unix channels, a free TCP port for SPICE, and after
 * QEMU is up (still paused) the graphics passwords, the balloon's
 * statistics and its target (<currentMemory>) over QMP, so no secret is
 * ever on the command line.
 */
#include <gvconfig.h>

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "gverror.h"
#include "gvfile.h"
#include "qemu_process_devices.h"

/* The first TCP port from 5900 that @listen can bind, or -1 */
static int
gvQemuProcessFreePort(const char *listen)
{
    int port;

    for (port = GV_VNC_PORT_MIN; port < 65536; port++) {
        struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
        struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port) };
        bool v6 = strchr(listen, ':') != NULL;
        int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        int rc;

        if (fd < 0)
            return -1;
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (v6) {
            if (inet_pton(AF_INET6, listen, &a6.sin6_addr) != 1) {
                close(fd);
                return -1;
            }
            rc = bind(fd, (struct sockaddr *)&a6, sizeof(a6));
        } else {
            if (inet_pton(AF_INET, listen, &a4.sin_addr) != 1) {
                close(fd);
                return -1;
            }
            rc = bind(fd, (struct sockaddr *)&a4, sizeof(a4));
        }
        close(fd);
        if (rc == 0)
            return port;
    }
    return -1;
}

int
gvQemuProcessPrepareDevices(gvDomainDef *live, const char *channelDir, gvQemuBuildCtx *ctx,
                            GError **error)
{
    guint i;
    bool needChannelDir = false;

    for (i = 0; i < live->channels->len; i++) {
        gvDomainChrDef *chr = g_ptr_array_index(live->channels, i);

        if (chr->type == GV_DOMAIN_CHR_TYPE_UNIX && !chr->path) {
            /* the live XML shows where the socket is, as libvirt's does */
            chr->path = g_build_filename(channelDir, chr->name, NULL);
            chr->mode = GV_DOMAIN_CHR_MODE_BIND;
            if (strlen(chr->path) >= sizeof(((struct sockaddr_un *)NULL)->sun_path)) {
                gvReportError(
                    error, GV_ERR_CONFIG_UNSUPPORTED,
                    "the socket of channel '%s' in <devices>/<channel> would be '%s', longer than a UNIX socket path can be: give it a shorter <source path>",
                    chr->name, chr->path);
                return -1;
            }
            needChannelDir = true;
        }
    }
    if (needChannelDir && gvDirEnsure(channelDir, 0700, error) < 0)
        return -1;
    ctx->channelDir = channelDir;
    for (i = 0; i < live->graphics->len; i++) {
        gvDomainGraphicsDef *g = g_ptr_array_index(live->graphics, i);
        const char *listen = g->listen ? g->listen : GV_GRAPHICS_LISTEN_DEFAULT;

        if (g->type != GV_DOMAIN_GRAPHICS_TYPE_SPICE || g->autoport != GV_TRISTATE_BOOL_YES)
            continue;
        if ((ctx->spicePort = gvQemuProcessFreePort(listen)) < 0) {
            gvReportError(error, GV_ERR_OPERATION_FAILED,
                          "no free TCP port from %d up on '%s' for <graphics type='spice'>",
                          GV_VNC_PORT_MIN, listen);
            return -1;
        }
    }
    return 0;
}

bool
gvQemuProcessHasBalloon(const gvDomainDef *def)
{
    return def->memballoon && def->memballoon->model == GV_DOMAIN_MEMBALLOON_MODEL_VIRTIO;
}

int
gvQemuProcessSetupDevices(gvQemuMonitor *mon, const gvDomainDef *live, GError **error)
{
    guint i;

    for (i = 0; i < live->graphics->len; i++) {
        const gvDomainGraphicsDef *g = g_ptr_array_index(live->graphics, i);
        json_object *args;

        if (!g->passwd)
            continue;
        args = json_object_new_object();
        json_object_object_add(
            args, "protocol",
            json_object_new_string(g->type == GV_DOMAIN_GRAPHICS_TYPE_SPICE ? "spice" : "vnc"));
        json_object_object_add(args, "password", json_object_new_string(g->passwd));
        if (gvQemuMonitorCommand(mon, "set_password", args, 10000, NULL, error) < 0)
            return -1;
    }
    if (gvQemuProcessHasBalloon(live) && live->memballoon->period > 0) {
        json_object *args = json_object_new_object();

        json_object_object_add(args, "path",
                               json_object_new_string("/machine/peripheral/balloon0"));
        json_object_object_add(args, "property",
                               json_object_new_string("guest-stats-polling-interval"));
        json_object_object_add(args, "value", json_object_new_int((int)live->memballoon->period));
        if (gvQemuMonitorCommand(mon, "qom-set", args, 10000, NULL, error) < 0)
            return -1;
    }
    /* QEMU gives the guest all of <memory>; the balloon takes the rest back */
    if (gvQemuProcessHasBalloon(live) && live->currentMemory < live->memory) {
        json_object *args = json_object_new_object();

        json_object_object_add(args, "value",
                               json_object_new_int64((int64_t)(live->currentMemory * 1024)));
        if (gvQemuMonitorCommand(mon, "balloon", args, 10000, NULL, error) < 0)
            return -1;
    }
    return 0;
}
