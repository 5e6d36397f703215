/*
 * genvirsh-lifecycle.c: start, create, destroy, shutdown, reboot, suspend,
 * resume, autostart, domgenid, qemu-monitor-command
 */
#include <gvconfig.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "genvirsh.h"
#include "gvbuffer.h"
#include "gverror.h"
#include "gvxdr.h"

bool
gvShDomainSimple(const gvShCmdCall *call, gint32 proc, bool withFlags, guint32 flags,
                 const char *done, const char *verb)
{
    const char *name = gvShCmdGetString(call, "domain");
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GError) error = NULL;
    gvRemoteDomain dom = { 0 };
    bool ok;

    if (!conn || !gvShLookupDomain(conn, name, true, &dom))
        return false;
    gvRemoteDomainEncode(args, dom.name, dom.uuid, dom.id);
    if (withFlags)
        gvXdrEncodeU32(args, flags);
    ok = gvShCall(conn, proc, args, NULL, &error) == 0;
    if (ok) {
        printf("Domain '%s' %s\n", name, done);
    } else {
        fprintf(stderr, "error: Failed to %s domain '%s'\n", verb, name);
        gvShReportError(error);
    }
    gvRemoteDomainClear(&dom);
    return ok;
}

static bool
gvShCmdStart(const gvShCmdCall *call)
{
    const char *name = gvShCmdGetString(call, "domain");
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GError) error = NULL;
    gvRemoteDomain dom = { 0 };
    bool ok;

    if (!conn || !gvShLookupDomain(conn, name, false, &dom))
        return false;
    if (dom.id != -1) {
        fprintf(stderr, "error: Domain is already active\n");
        gvRemoteDomainClear(&dom);
        return false;
    }
    gvRemoteDomainEncode(args, dom.name, dom.uuid, dom.id);
    /* VIR_DOMAIN_START_PAUSED, VIR_DOMAIN_START_FORCE_BOOT */
    gvXdrEncodeU32(args, (gvShCmdGetBool(call, "paused") ? 1 : 0) |
                             (gvShCmdGetBool(call, "force-boot") ? 8 : 0));
    ok = gvShCall(conn, GV_PROC_DOMAIN_CREATE_WITH_FLAGS, args, NULL, &error) == 0;
    if (ok) {
        printf("Domain '%s' started\n", name);
    } else {
        fprintf(stderr, "error: Failed to start domain '%s'\n", name);
        gvShReportError(error);
    }
    gvRemoteDomainClear(&dom);
    return ok;
}

static bool
gvShCmdCreate(const gvShCmdCall *call)
{
    const char *file = gvShCmdGetString(call, "file");
    g_autoptr(gvShConn) conn = NULL;
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GError) error = NULL;
    GByteArray *reply = NULL;
    gvRemoteDomain dom = { 0 };
    bool ok;

    if (!(conn = gvShConnectWithXmlFile(file, args)))
        return false;
    gvXdrEncodeU32(args, gvShCmdGetBool(call, "paused") ? 1 : 0);
    ok = gvShCall(conn, GV_PROC_DOMAIN_CREATE_XML, args, &reply, &error) == 0;
    explicit_bzero(args->data, args->len);
    if (ok) {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        ok = gvRemoteDomainDecode(&d, &dom);
        gvXdrBufferFree(reply);
    }
    if (!ok) {
        fprintf(stderr, "error: Failed to create domain from %s\n", file);
        gvShReportError(error);
        return false;
    }
    printf("Domain '%s' created from %s\n", dom.name, file);
    gvRemoteDomainClear(&dom);
    return true;
}

static bool
gvShCmdDestroy(const gvShCmdCall *call)
{
    if (gvShCmdGetBool(call, "graceful"))
        return gvShDomainSimple(call, GV_PROC_DOMAIN_DESTROY_FLAGS, true, 1, "destroyed",
                                "destroy");
    return gvShDomainSimple(call, GV_PROC_DOMAIN_DESTROY, false, 0, "destroyed", "destroy");
}

static bool
gvShCmdShutdown(const gvShCmdCall *call)
{
    return gvShDomainSimple(call, GV_PROC_DOMAIN_SHUTDOWN, false, 0, "is being shutdown",
                            "shutdown");
}

static bool
gvShCmdReboot(const gvShCmdCall *call)
{
    return gvShDomainSimple(call, GV_PROC_DOMAIN_REBOOT, true, 0, "is being rebooted", "reboot");
}

static bool
gvShCmdSuspend(const gvShCmdCall *call)
{
    return gvShDomainSimple(call, GV_PROC_DOMAIN_SUSPEND, false, 0, "suspended", "suspend");
}

static bool
gvShCmdResume(const gvShCmdCall *call)
{
    return gvShDomainSimple(call, GV_PROC_DOMAIN_RESUME, false, 0, "resumed", "resume");
}

static bool
gvShCmdAutostart(const gvShCmdCall *call)
{
    const char *name = gvShCmdGetString(call, "domain");
    bool disable = gvShCmdGetBool(call, "disable");
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GError) error = NULL;
    gvRemoteDomain dom = { 0 };
    bool ok;

    if (!conn || !gvShLookupDomain(conn, name, true, &dom))
        return false;
    gvRemoteDomainEncode(args, dom.name, dom.uuid, dom.id);
    gvXdrEncodeI32(args, disable ? 0 : 1);
    ok = gvShCall(conn, GV_PROC_DOMAIN_SET_AUTOSTART, args, NULL, &error) == 0;
    if (ok) {
        printf(disable ? "Domain '%s' unmarked as autostarted\n"
                       : "Domain '%s' marked as autostarted\n",
               dom.name);
    } else {
        fprintf(stderr,
                disable ? "error: Failed to unmark domain '%s' as autostarted\n"
                        : "error: Failed to mark domain '%s' as autostarted\n",
                name);
        gvShReportError(error);
    }
    gvRemoteDomainClear(&dom);
    return ok;
}

static bool
gvShCmdDomgenid(const gvShCmdCall *call)
{
    const char *name = gvShCmdGetString(call, "domain");
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GError) error = NULL;
    GByteArray *reply = NULL;
    gvRemoteDomain dom = { 0 };
    unsigned char guid[GV_UUID_BUFLEN];
    char str[GV_UUID_STRING_BUFLEN];
    bool ok;

    if (!conn || !gvShLookupDomain(conn, name, true, &dom))
        return false;
    gvRemoteDomainEncode(args, dom.name, dom.uuid, dom.id);
    if (gvShCmdGetBool(call, "renew")) {
        bool restart = gvShCmdGetBool(call, "restart");

        /* gvDomainGenidRenewFlags: 1 = RESTART */
        gvXdrEncodeU32(args, restart ? 1 : 0);
        ok = gvNetClientCall(conn->client, GV_PROGRAM_GENVIRT, GV_GENVIRT_PROC_DOMAIN_GENID_RENEW,
                             args, &reply, &error) == 0;
        gvXdrBufferFree(reply);
        if (ok)
            printf(restart ? "Domain '%s' has a new generation ID (if it ran: restarted with it)\n"
                           : "Domain '%s' has a new generation ID\n",
                   dom.name);
        else
            gvShReportError(error);
        gvRemoteDomainClear(&dom);
        return ok;
    }
    if (gvShCmdGetBool(call, "restart")) {
        fprintf(stderr, "error: --restart goes with --renew\n");
        gvRemoteDomainClear(&dom);
        return false;
    }
    gvRemoteDomainClear(&dom);
    if (gvNetClientCall(conn->client, GV_PROGRAM_GENVIRT, GV_GENVIRT_PROC_DOMAIN_GET_LIVE_GENID,
                        args, &reply, &error) < 0) {
        gvShReportError(error);
        return false;
    }
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        ok = gvXdrDecodeOpaqueFixed(&d, guid, sizeof(guid));
        gvXdrBufferFree(reply);
    }
    if (!ok)
        return false;
    printf("%s\n", gvUUIDFormat(guid, str));
    explicit_bzero(guid, sizeof(guid));
    explicit_bzero(str, sizeof(str));
    return true;
}

static bool
gvShCmdQemuMonitorCommand(const gvShCmdCall *call)
{
    const char *name = gvShCmdGetString(call, "domain");
    const char *cmd = gvShCmdGetString(call, "cmd");
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GByteArray) args = g_byte_array_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *wrapped = NULL;
    GByteArray *reply = NULL;
    gvRemoteDomain dom = { 0 };
    char *result = NULL;
    bool ok;

    if (!conn || !gvShLookupDomain(conn, name, true, &dom))
        return false;
    /* like virsh, a bare command name becomes {"execute": NAME} */
    if (cmd[0] != '{')
        wrapped = g_strdup_printf("{\"execute\":\"%s\"}", cmd);
    gvRemoteDomainEncode(args, dom.name, dom.uuid, dom.id);
    gvRemoteDomainClear(&dom);
    gvXdrEncodeString(args, wrapped ? wrapped : cmd);
    gvXdrEncodeU32(args, 0);
    if (gvNetClientCall(conn->client, GV_PROGRAM_QEMU, GV_QEMU_PROC_DOMAIN_MONITOR_COMMAND, args,
                        &reply, &error) < 0) {
        gvShReportError(error);
        return false;
    }
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        ok = gvXdrDecodeString(&d, GV_NET_MESSAGE_STRING_MAX, &result);
        gvXdrBufferFree(reply);
    }
    if (!ok)
        return false;
    printf("%s\n", result);
    gvSecretFree(result);
    return true;
}

static const gvShOpt gvShOptsDomgenid[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "renew", GV_SH_OPT_BOOL, 0, "give the domain a new generation ID" },
    { "restart", GV_SH_OPT_BOOL, 0,
      "with --renew on a running domain: restart its emulator through a save and a restore" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsStart[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "name of the inactive domain" },
    { "paused", GV_SH_OPT_BOOL, 0, "leave the guest paused after creation" },
    { "force-boot", GV_SH_OPT_BOOL, 0, "force fresh boot by discarding any managed save" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsCreate[] = {
    { "file", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "file containing an XML domain description" },
    { "paused", GV_SH_OPT_BOOL, 0, "leave the guest paused after creation" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsDestroy[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "graceful", GV_SH_OPT_BOOL, 0, "terminate gracefully" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsAutostart[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "disable", GV_SH_OPT_BOOL, 0, "disable autostarting" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsMonitor[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "cmd", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "QMP command (JSON, or a bare command name)" },
    { NULL, 0, 0, NULL }
};

const gvShCmd gvShLifecycleCmds[] = {
    { "start", "start a (previously defined) inactive domain", "Start a domain.", gvShOptsStart,
      gvShCmdStart },
    { "create", "create a domain from an XML file",
      "Create (start) a transient domain; it disappears when it stops.", gvShOptsCreate,
      gvShCmdCreate },
    { "destroy", "destroy (stop) a domain", "Forcefully stop a given domain.", gvShOptsDestroy,
      gvShCmdDestroy },
    { "shutdown", "gracefully shutdown a domain", "Ask the guest to power off (ACPI).",
      gvShOptsDomain, gvShCmdShutdown },
    { "reboot", "reboot a domain", "Reset a running domain.", gvShOptsDomain, gvShCmdReboot },
    { "suspend", "suspend a domain", "Suspend a running domain.", gvShOptsDomain, gvShCmdSuspend },
    { "resume", "resume a domain", "Resume a previously suspended domain.", gvShOptsDomain,
      gvShCmdResume },
    { "autostart", "autostart a domain", "Configure a domain to be automatically started at boot.",
      gvShOptsAutostart, gvShCmdAutostart },
    { "domgenid", "the live VM Generation ID of a running domain, or a new one",
      "Print the GUID QEMU reports right now (query-vm-generation-id). With --renew, give the "
      "domain a new one (it was restored from a backup behind genvirt's back): a shut-off "
      "domain at its next start, a running one with --restart (saved and restored, the guest "
      "runs on and sees the change).",
      gvShOptsDomgenid, gvShCmdDomgenid },
    { "qemu-monitor-command", "QEMU Monitor Command",
      "Run a QMP command on the domain's QEMU; taints the domain.", gvShOptsMonitor,
      gvShCmdQemuMonitorCommand },
    { NULL, NULL, NULL, NULL, NULL }
};
