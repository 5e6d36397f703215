/*
 * genvirsh-offline.c: commands that need no daemon (domxml-*)
 */
#include <gvconfig.h>

#include <stdio.h>
#include <string.h>

#include "domain_conf.h"
#include "genvirsh.h"
#include "gvbuffer.h"
#include "gvcommand.h"
#include "gverror.h"
#include "qemu_command.h"
#include "qemu_firmware.h"

static bool
gvShCmdDomxmlValidate(const gvShCmdCall *call)
{
    const char *file = gvShCmdGetString(call, "file");
    g_autoptr(GError) semantic = NULL;
    g_autoptr(GError) schema = NULL;
    g_autoptr(gvDomainDef) def = NULL;
    g_autoptr(gvDomainDef) checked = NULL;

    /*
     * The semantic checks first: their message names the bad value and its
     * place, where the schema's (libxml2's RelaxNG) says only which element
     * failed; the schema's error follows when both fail.
     */
    def = gvDomainDefParseFile(file, 0, &semantic);
    checked = gvDomainDefParseFile(file, GV_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA, &schema);
    if (semantic)
        gvShReportError(semantic);
    if (schema && (!semantic || schema->code == GV_ERR_XML_INVALID_SCHEMA))
        gvShReportError(schema);
    if (semantic || schema)
        return false;
    printf("%s validates\n", file);
    return true;
}

static bool
gvShCmdDomxmlFormat(const gvShCmdCall *call)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(gvDomainDef) def = NULL;
    unsigned int flags = GV_DOMAIN_DEF_FORMAT_SECURE;
    char *xml;

    if (!(def = gvDomainDefParseFile(gvShCmdGetString(call, "file"), 0, &error))) {
        gvShReportError(error);
        return false;
    }
    if (gvShCmdGetBool(call, "inactive"))
        flags |= GV_DOMAIN_DEF_FORMAT_INACTIVE;
    if (gvShCmdGetBool(call, "migratable"))
        flags |= GV_DOMAIN_DEF_FORMAT_MIGRATABLE;
    xml = gvDomainDefFormat(def, flags);
    fputs(xml, stdout);
    gvSecretFree(xml);
    return true;
}

static bool
gvShCmdDomxmlToNative(const gvShCmdCall *call)
{
    const char *capsFile = gvShCmdGetString(call, "caps");
    const char *accel = gvShCmdGetString(call, "accel");
    g_autoptr(GError) error = NULL;
    g_autoptr(gvDomainDef) def = NULL;
    g_autoptr(gvQemuCaps) caps = NULL;
    g_autoptr(gvCommand) cmd = NULL;
    g_autofree char *monitor = NULL;
    g_autofree char *line = NULL;
    char *genidConfig = NULL;
    gvQemuBuildCtx ctx = {
        .accel = gvQemuHostAccel(),
        .monitorFd = -1,
        .genidConfigFd = 3,
        .homeDir = "/var/lib/genvirt",
    };

    if (accel) {
        int a = gvQemuAccelTypeFromString(accel);

        if (a < 0) {
            fprintf(stderr, "error: unknown accelerator '%s' for --accel: expected kvm or tcg\n",
                    accel);
            return false;
        }
        ctx.accel = a;
    }
    if (!(def = gvDomainDefParseFile(gvShCmdGetString(call, "file"), 0, &error)))
        goto error;
    /* as define would: an auto='yes' genid without a value gets one */
    if (def->genid && gvDomainGenidDefEnsureGuid(def->genid, &error) < 0)
        goto error;
    if (capsFile)
        caps = gvQemuCapsLoadFile(capsFile, &error);
    else
        caps = gvQemuCapsProbe(def->emulator, ctx.accel == GV_QEMU_ACCEL_KVM, 10000, &error);
    if (!caps)
        goto error;
    /* as a start would: firmware='efi' gets its firmware from this host's descriptors */
    if (def->os.firmware == GV_DOMAIN_OS_FIRMWARE_EFI) {
        g_autoptr(GPtrArray) firmware = gvQemuFirmwareLoadAll(GV_QEMU_FIRMWARE_SYSTEM_DIRS);

        if (gvQemuFirmwareFillDomain(def, firmware, caps, "/var/lib/genvirt/qemu/nvram", &error) <
            0)
            goto error;
    }
    monitor = g_strdup_printf("/run/genvirt/qemu/%s.monitor", def->name);
    ctx.monitorPath = monitor;
    if (gvQemuBuildCommandLine(def, caps, &ctx, &cmd, &genidConfig, &error) < 0)
        goto error;
    line = gvQemuFormatNative(cmd, genidConfig, ctx.genidConfigFd, false);
    gvSecretFree(genidConfig);
    fputs(line, stdout);
    gvSecretFree(g_steal_pointer(&line));
    return true;

error:
    gvShReportError(error);
    return false;
}

static bool
gvShCmdDomxmlABICheck(const gvShCmdCall *call)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(gvDomainDef) src = NULL;
    g_autoptr(gvDomainDef) dst = NULL;

    if (!(src = gvDomainDefParseFile(gvShCmdGetString(call, "src"), 0, &error)) ||
        !(dst = gvDomainDefParseFile(gvShCmdGetString(call, "dst"), 0, &error))) {
        gvShReportError(error);
        return false;
    }
    gvDomainDefAdoptGenid(dst, src);
    if (gvDomainDefCheckABIStability(src, dst, &error) < 0) {
        gvShReportError(error);
        return false;
    }
    printf("compatible\n");
    return true;
}

static const gvShOpt gvShOptsFile[] = {
    { "file", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain XML file" }, { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsFormat[] = {
    { "file", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain XML file" },
    { "inactive", GV_SH_OPT_BOOL, 0, "leave out live-only data" },
    { "migratable", GV_SH_OPT_BOOL, 0, "the XML a migration destination gets" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsToNative[] = {
    { "file", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "domain XML file" },
    { "caps", GV_SH_OPT_STRING, 0, "QEMU capabilities JSON (default: probe the emulator)" },
    { "accel", GV_SH_OPT_STRING, 0, "kvm or tcg (default: kvm when /dev/kvm is usable)" },
    { NULL, 0, 0, NULL }
};

static const gvShOpt gvShOptsABICheck[] = {
    { "src", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "source domain XML file" },
    { "dst", GV_SH_OPT_DATA, GV_SH_OPT_REQ, "destination domain XML file" },
    { NULL, 0, 0, NULL }
};

const gvShCmd gvShOfflineCmds[] = {
    { "domxml-validate", "validate a domain XML file",
      "Checks FILE against the domain schema and genvirt's semantic rules.", gvShOptsFile,
      gvShCmdDomxmlValidate },
    { "domxml-format", "print a domain XML file in canonical form",
      "Parses FILE, fills in the defaults and prints the canonical XML, GUID included.",
      gvShOptsFormat, gvShCmdDomxmlFormat },
    { "domxml-to-native", "print the QEMU command line for a domain XML file",
      "Prints the QEMU command line genvirt would run, followed by the genid "
      "configuration it passes through a file descriptor (never on the command line).",
      gvShOptsToNative, gvShCmdDomxmlToNative },
    { "domxml-abi-check", "check that a destination definition is ABI compatible",
      "Checks that DST can take over a guest running with SRC (migration, restore).",
      gvShOptsABICheck, gvShCmdDomxmlABICheck },
    { NULL, NULL, NULL, NULL, NULL }
};
