/*
 * genvirsh-clone.c: clone, through genvirt's own program
 *
 *   genvirsh clone SRC NEW [--file TARGET=PATH ...] [--copy | --reflink | --overlay]
 *
 * The daemon gives the clone a new name, UUID, MAC addresses and genid GUID,
 * and disks of its own (qemu_clone.h): overlays by default, full copies
 * with --copy, reflinks of the whole files with --reflink.  Stock clients never see this procedure, so virt-clone's
 * copies are caught at define instead (a copied GUID gets a new one).
 */
#include <gvconfig.h>

#include <stdio.h>
#include <string.h>

#include "genvirsh.h"
#include "gverror.h"
#include "gvxdr.h"

static bool
gvShCmdClone(const gvShCmdCall *call)
{
    const char *name = gvShCmdGetString(call, "domain");
    const char *newname = gvShCmdGetString(call, "newname");
    const char *files = gvShCmdGetString(call, "file");
    g_autoptr(gvShConn) conn = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) list = NULL;
    gvDomainCloneArgs args = { 0 };
    gvDomainRet ret = { 0 };
    guint i;
    bool ok;

    if (gvShCmdGetBool(call, "copy") + gvShCmdGetBool(call, "reflink") +
            gvShCmdGetBool(call, "overlay") >
        1) {
        fprintf(stderr, "error: --copy, --reflink and --overlay are mutually exclusive\n");
        return false;
    }
    list = files ? g_strsplit(files, "\n", -1) : g_new0(char *, 1);
    for (i = 0; list[i]; i++) {
        const char *eq = strchr(list[i], '=');

        /* as virsh does for paths: absolute, relative to the current directory */
        if (eq && eq != list[i] && !g_path_is_absolute(eq + 1)) {
            g_autofree char *abs = g_canonicalize_filename(eq + 1, NULL);
            char *full = g_strdup_printf("%.*s=%s", (int)(eq - list[i]), list[i], abs);

            g_free(list[i]);
            list[i] = full;
        }
    }
    if (!(conn = gvShConnect()) || !gvShLookupDomain(conn, name, true, &args.dom))
        return false;
    args.name = (char *)newname;
    args.files.n = i;
    args.files.v = list;
    /* gvDomainCloneFlags: 1 = COPY, 2 = REFLINK */
    args.flags = (gvShCmdGetBool(call, "copy") ? 1 : 0) | (gvShCmdGetBool(call, "reflink") ? 2 : 0);
    ok = gvNetClientCallLayout(conn->client, GV_PROGRAM_GENVIRT, GV_GENVIRT_PROC_DOMAIN_CLONE,
                               &gvDomainCloneArgsLayout, &args, &gvDomainRetLayout, &ret,
                               &error) == 0;
    if (ok) {
        printf("Domain '%s' cloned to '%s', with a new generation ID\n", name, ret.dom.name);
        gvRemoteDomainClear(&ret.dom);
    } else {
        fprintf(stderr, "error: Failed to clone domain '%s'\n", name);
        gvShReportError(error);
    }
    gvRemoteDomainClear(&args.dom);
    return ok;
}

static const gvShOpt gvShOptsClone[] = {
    { "domain", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "the domain to clone (shut off, or paused)" },
    { "newname", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "the clone's name" },
    { "file", GV_SH_OPT_STRING, GV_SH_OPT_MULTI,
      "TARGET=PATH: the clone's file of disk TARGET (may be given for each disk)" },
    { "overlay", GV_SH_OPT_BOOL, 0,
      "qcow2 overlays on the current images, for the clone and the source (the default)" },
    { "copy", GV_SH_OPT_BOOL, 0, "full copies of the disks (without internal snapshots)" },
    { "reflink", GV_SH_OPT_BOOL, 0,
      "reflinks of the whole disk files (FICLONE; without internal snapshots): refused on a file "
      "system without reflinks" },
    { NULL, 0, 0, NULL }
};

const gvShCmd gvShCloneCmds[] = {
    { "clone", "clone a domain, with a new generation ID",
      "Define a copy of a shut-off or paused domain with a new name, UUID, MAC addresses and "
      "genid GUID, and disks of its own.",
      gvShOptsClone, gvShCmdClone },
    { NULL, NULL, NULL, NULL, NULL }
};
