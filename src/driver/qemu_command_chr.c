/*
 * qemu_command_chr.c: <serial>, <console> and <channel>
 */
#include <gvconfig.h>

#include "qemu_command_priv.h"

/* -chardev BACKEND,id=ID,... for the host side of @chr */
static void gvQemuBuildChardevBackend(gvCommand *cmd, const gvDomainChrDef *chr, const char *id,
                                      const gvQemuBuildCtx *ctx, const char *log);

static void
gvQemuBuildChardev(gvCommand *cmd, const gvDomainChrDef *chr, const char *id,
                   const gvQemuBuildCtx *ctx)
{
    g_autofree char *log = NULL;

    /* <log file append>: QEMU's logfile, logappend */
    if (chr->logfile) {
        g_autofree char *file = gvQemuOptEscape(chr->logfile);

        if (chr->logappend != GV_TRISTATE_SWITCH_ABSENT)
            log = g_strdup_printf(",logfile=%s,logappend=%s", file,
                                  gvTristateSwitchTypeToString(chr->logappend));
        else
            log = g_strdup_printf(",logfile=%s", file);
    }
    gvQemuBuildChardevBackend(cmd, chr, id, ctx, log ? log : "");
}

static void
gvQemuBuildChardevBackend(gvCommand *cmd, const gvDomainChrDef *chr, const char *id,
                          const gvQemuBuildCtx *ctx, const char *log)
{
    g_autofree char *path = NULL;

    gvCommandAddArg(cmd, "-chardev");
    switch ((gvDomainChrType)chr->type) {
    case GV_DOMAIN_CHR_TYPE_PTY:
        gvCommandAddArgFormat(cmd, "pty,id=%s%s", id, log);
        break;
    case GV_DOMAIN_CHR_TYPE_NULL:
        gvCommandAddArgFormat(cmd, "null,id=%s%s", id, log);
        break;
    case GV_DOMAIN_CHR_TYPE_FILE:
        path = gvQemuOptEscape(chr->path);
        gvCommandAddArgFormat(cmd, "file,id=%s,path=%s%s", id, path, log);
        break;
    case GV_DOMAIN_CHR_TYPE_UNIX: {
        g_autofree char *auto_path = NULL;
        bool bind = chr->mode != GV_DOMAIN_CHR_MODE_CONNECT;

        if (!chr->path)
            auto_path = g_build_filename(ctx->channelDir ? ctx->channelDir : "/", chr->name, NULL);
        path = gvQemuOptEscape(chr->path ? chr->path : auto_path);
        gvCommandAddArgFormat(cmd, "socket,id=%s,path=%s%s%s", id, path,
                              bind ? ",server=on,wait=off" : "", log);
        break;
    }
    case GV_DOMAIN_CHR_TYPE_TCP:
        gvCommandAddArgFormat(
            cmd, "socket,id=%s,host=%s,port=%s%s%s%s", id, chr->host, chr->service,
            chr->mode == GV_DOMAIN_CHR_MODE_BIND ? ",server=on,wait=off" : "",
            chr->protocol == GV_DOMAIN_CHR_PROTOCOL_TELNET ? ",telnet=on" : "", log);
        break;
    case GV_DOMAIN_CHR_TYPE_SPICEVMC:
        gvCommandAddArgFormat(cmd, "spicevmc,id=%s,name=vdagent", id);
        break;
    case GV_DOMAIN_CHR_TYPE_NONE:
    case GV_DOMAIN_CHR_TYPE_LAST:
        gvCommandAddArgFormat(cmd, "null,id=%s", id);
        break;
    }
}

void
gvQemuBuildChrCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuBuildCtx *ctx)
{
    guint i;

    for (i = 0; i < def->serials->len; i++) {
        const gvDomainChrDef *chr = g_ptr_array_index(def->serials, i);
        json_object *dev = json_object_new_object();
        g_autofree char *chardev = g_strdup_printf("charserial%d", chr->port);
        g_autofree char *id = g_strdup_printf("serial%d", chr->port);

        gvQemuBuildChardev(cmd, chr, chardev, ctx);
        gvJSONAddString(dev, "driver", "isa-serial");
        gvJSONAddString(dev, "chardev", chardev);
        gvJSONAddString(dev, "id", id);
        gvJSONAddInt(dev, "index", chr->port);
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
    for (i = 0; i < def->channels->len; i++) {
        const gvDomainChrDef *chr = g_ptr_array_index(def->channels, i);
        json_object *dev = json_object_new_object();
        g_autofree char *chardev = g_strdup_printf("charchannel%u", i);
        g_autofree char *id = g_strdup_printf("channel%u", i);
        g_autofree char *bus =
            g_strdup_printf("virtio-serial%u.%u", chr->info.addr.controller, chr->info.addr.bus);

        gvQemuBuildChardev(cmd, chr, chardev, ctx);
        gvJSONAddString(dev, "driver", "virtserialport");
        gvJSONAddString(dev, "bus", bus);
        gvJSONAddInt(dev, "nr", (int)chr->info.addr.port);
        gvJSONAddString(dev, "chardev", chardev);
        gvJSONAddString(dev, "id", id);
        gvJSONAddString(dev, "name", chr->name);
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
    for (i = 0; i < def->consoles->len; i++) {
        const gvDomainChrDef *con = g_ptr_array_index(def->consoles, i);
        g_autofree char *chardev = g_strdup_printf("charconsole%u", i);
        g_autofree char *id = g_strdup_printf("console%u", i);
        json_object *dev;

        /* a serial console is the <serial> of the same port: nothing more */
        if (con->target != GV_DOMAIN_CHR_CONSOLE_TARGET_VIRTIO)
            continue;
        gvQemuBuildChardev(cmd, con, chardev, ctx);
        dev = json_object_new_object();
        gvJSONAddString(dev, "driver", "virtconsole");
        gvJSONAddString(dev, "chardev", chardev);
        gvJSONAddString(dev, "id", id);
        gvQemuAddJSONArg(cmd, "-device", dev);
    }
}
