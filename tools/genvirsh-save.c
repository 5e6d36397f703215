/*
 * genvirsh-save.c: save, restore, managedsave, managedsave-remove
 *
 * As virsh: paths are made absolute here, relative to the current
 * directory, since the daemon opens them.  A restore of a domain whose
 * genid is fixed (auto='no') says that the guest was not told.
 */
#include <gvconfig.h>

#include <stdio.h>
#include <string.h>

#include "genvirsh.h"
#include "gvbuffer.h"
#include "gverror.h"
#include "gvxdr.h"

/* virDomainSaveRestoreFlags */
#define GV_SH_SAVE_BYPASS_CACHE (1 << 0)
#define GV_SH_SAVE_RUNNING (1 << 1)
#define GV_SH_SAVE_PAUSED (1 << 2)
#define GV_SH_SAVE_RESET_NVRAM (1 << 3)

static guint32
gvShSaveFlags(const gvShCmdCall *call)
{
    guint32 flags = 0;

    if (gvShCmdGetBool(call, "bypass-cache"))
        flags |= GV_SH_SAVE_BYPASS_CACHE;
    if (gvShCmdGetBool(call, "running"))
        flags |= GV_SH_SAVE_RUNNING;
    if (gvShCmdGetBool(call, "paused"))
        flags |= GV_SH_SAVE_PAUSED;
    if (gvShCmdGetBool(call, "reset-nvram"))
        flags |= GV_SH_SAVE_RESET_NVRAM;
    return flags;
}

static bool
gvShCmdSave(const gvShCmdCall *call)
{
    const char *name = gvShCmdGetString(call, "domain");
    g_autofree char *file = g_canonicalize_filename(gvShCmdGetString(call, "file"), NULL);
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GError) error = NULL;
    gvDomainSaveFlagsArgs args = { 0 };
    bool ok;

    if (!conn || !gvShLookupDomain(conn, name, true, &args.dom))
        return false;
    args.to = file;
    args.flags = gvShSaveFlags(call);
    ok = gvNetClientCallLayout(conn->client, GV_PROGRAM_REMOTE, GV_PROC_DOMAIN_SAVE_FLAGS,
                               &gvDomainSaveFlagsArgsLayout, &args, &gvRpcVoidLayout, NULL,
                               &error) == 0;
    if (ok) {
        printf("Domain '%s' saved to %s\n", name, file);
    } else {
        fprintf(stderr, "error: Failed to save domain '%s' to %s\n", name, file);
        gvShReportError(error);
    }
    gvRemoteDomainClear(&args.dom);
    return ok;
}

/* The image's XML says auto='no': the restore kept the GUID */
static void
gvShRestoreWarnFixed(gvShConn *conn, const char *file)
{
    gvSaveImageGetXMLDescArgs args = { (char *)file, 0 };
    gvStringRet ret = { 0 };
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    const char *start;
    const char *end;

    if (gvNetClientCallLayout(
            conn->client, GV_PROGRAM_REMOTE, GV_PROC_DOMAIN_SAVE_IMAGE_GET_XML_DESC,
            &gvSaveImageGetXMLDescArgsLayout, &args, &gvStringRetLayout, &ret, &error) < 0)
        return;
    if (strstr(ret.str, "<guid auto='no'") && (start = strstr(ret.str, "<name>")) &&
        (end = strstr(start, "</name>"))) {
        name = g_strndup(start + 6, end - start - 6);
        fprintf(
            stderr,
            "warning: domain '%s' has a fixed genid (auto='no'): it was kept, so the guest was not told it was restored from a save image\n",
            name);
    }
    gvXdrLayoutClear(&gvStringRetLayout, &ret);
}

static bool
gvShCmdRestore(const gvShCmdCall *call)
{
    g_autofree char *file = g_canonicalize_filename(gvShCmdGetString(call, "file"), NULL);
    g_autoptr(gvShConn) conn = gvShConnect();
    g_autoptr(GError) error = NULL;
    gvDomainRestoreFlagsArgs args = { 0 };

    if (!conn)
        return false;
    args.from = file;
    args.flags = gvShSaveFlags(call);
    if (gvNetClientCallLayout(conn->client, GV_PROGRAM_REMOTE, GV_PROC_DOMAIN_RESTORE_FLAGS,
                              &gvDomainRestoreFlagsArgsLayout, &args, &gvRpcVoidLayout, NULL,
                              &error) < 0) {
        fprintf(stderr, "error: Failed to restore domain from %s\n", file);
        gvShReportError(error);
        return false;
    }
    gvShRestoreWarnFixed(conn, file);
    printf("Domain restored from %s\n", file);
    return true;
}

static bool
gvShCmdManagedSave(const gvShCmdCall *call)
{
    return gvShDomainSimple(call, GV_PROC_DOMAIN_MANAGED_SAVE, true, gvShSaveFlags(call),
                            "state saved by genvirtd", "save");
}

static bool
gvShCmdManagedSaveRemove(const gvShCmdCall *call)
{
    return gvShDomainSimple(call, GV_PROC_DOMAIN_MANAGED_SAVE_REMOVE, true, 0,
                            "has its managed save image removed",
                            "remove the managed save image of");
}

static const gvShOpt gvShOptsSave[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "file", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "where to save the data" },
    { "bypass-cache", GV_SH_OPT_BOOL, 0, "avoid file system cache when saving" },
    { "running", GV_SH_OPT_BOOL, 0, "set domain to be running on restore" },
    { "paused", GV_SH_OPT_BOOL, 0, "set domain to be paused on restore" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsRestore[] = {
    { "file", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "the state to restore" },
    { "bypass-cache", GV_SH_OPT_BOOL, 0, "avoid file system cache when restoring" },
    { "running", GV_SH_OPT_BOOL, 0, "restore domain into running state" },
    { "paused", GV_SH_OPT_BOOL, 0, "restore domain into paused state" },
    { "reset-nvram", GV_SH_OPT_BOOL, 0, "re-initialize NVRAM from its pristine template" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsManagedSave[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain name, id or uuid" },
    { "bypass-cache", GV_SH_OPT_BOOL, 0, "avoid file system cache when saving" },
    { "running", GV_SH_OPT_BOOL, 0, "set domain to be running on next start" },
    { "paused", GV_SH_OPT_BOOL, 0, "set domain to be paused on next start" },
    { NULL, 0, 0, NULL }
};

const gvShCmd gvShSaveCmds[] = {
    { "save", "save a domain state to a file",
      "Save the RAM state of a running domain (and its genid GUID) to a file.", gvShOptsSave,
      gvShCmdSave },
    { "restore", "restore a domain from a saved state in a file",
      "Restore a domain from a save image; it gets a new genid GUID (auto='yes') every time.",
      gvShOptsRestore, gvShCmdRestore },
    { "managedsave", "managed save of a domain state",
      "Save the domain's state; the next start restores it with the same genid GUID.",
      gvShOptsManagedSave, gvShCmdManagedSave },
    { "managedsave-remove", "Remove managed save of a domain",
      "Remove the managed save image: the next start boots.", gvShOptsDomain,
      gvShCmdManagedSaveRemove },
    { NULL, NULL, NULL, NULL, NULL }
};
