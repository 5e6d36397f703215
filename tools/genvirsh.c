/*
 * genvirsh.c: virsh's look-alike for genvirt: main, options, help
 */
#include <gvconfig.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "genvirsh.h"
#include "gvxml.h"

gvShControl gvShCtl;

static const gvShCmd *const gvShGroups[] = {
    gvShDomainCmds, gvShLifecycleCmds, gvShSnapshotCmds, gvShMigrateCmds, gvShEventCmds,
    gvShHostCmds,   gvShOfflineCmds,   gvShSaveCmds,     gvShCloneCmds,
};

const char *
gvShCmdGetString(const gvShCmdCall *call, const char *name)
{
    return g_hash_table_lookup(call->values, name);
}

bool
gvShCmdGetBool(const gvShCmdCall *call, const char *name)
{
    return g_hash_table_contains(call->values, name);
}

void
gvShReportError(const GError *error)
{
    fprintf(stderr, "error: %s\n", error ? error->message : "unknown error");
}

static const gvShCmd *
gvShFindCmd(const char *name)
{
    size_t g;
    size_t i;

    for (g = 0; g < G_N_ELEMENTS(gvShGroups); g++) {
        for (i = 0; gvShGroups[g][i].name; i++) {
            if (g_str_equal(gvShGroups[g][i].name, name))
                return &gvShGroups[g][i];
        }
    }
    return NULL;
}

static void
gvShPrintCmdHelp(const gvShCmd *cmd)
{
    size_t i;

    printf("  NAME\n    %s - %s\n\n  SYNOPSIS\n    %s", cmd->name, cmd->help, cmd->name);
    for (i = 0; cmd->opts && cmd->opts[i].name; i++) {
        const gvShOpt *o = &cmd->opts[i];

        if (o->type == GV_SH_OPT_BOOL)
            printf(" [--%s]", o->name);
        else if (o->type == GV_SH_OPT_DATA && (o->flags & GV_SH_OPT_REQ))
            printf(" <%s>", o->name);
        else
            printf(" [--%s <string>]", o->name);
    }
    printf("\n\n  DESCRIPTION\n    %s\n\n", cmd->desc);
    if (cmd->opts && cmd->opts[0].name) {
        printf("  OPTIONS\n");
        for (i = 0; cmd->opts[i].name; i++)
            printf("    --%-16s %s\n", cmd->opts[i].name, cmd->opts[i].help);
        printf("\n");
    }
}

static void
gvShPrintHelp(void)
{
    size_t g;
    size_t i;

    printf("Usage: genvirsh [-c URI] [-r] COMMAND [ARG]...\n\n"
           "  options:\n"
           "    -c | --connect=URI      hypervisor connection URI\n"
           "    -r | --readonly         connect read-only\n"
           "    -h | --help             this help\n"
           "    -v | --version          program version\n\n"
           "  commands (genvirsh help COMMAND for details):\n");
    for (g = 0; g < G_N_ELEMENTS(gvShGroups); g++) {
        for (i = 0; gvShGroups[g][i].name; i++)
            printf("    %-20s %s\n", gvShGroups[g][i].name, gvShGroups[g][i].help);
    }
}

static bool
gvShCmdHelp(const gvShCmdCall *call)
{
    const char *name = gvShCmdGetString(call, "command");
    const gvShCmd *cmd;

    if (!name) {
        gvShPrintHelp();
        return true;
    }
    if (!(cmd = gvShFindCmd(name))) {
        fprintf(stderr, "error: command '%s' doesn't exist\n", name);
        return false;
    }
    gvShPrintCmdHelp(cmd);
    return true;
}

static const gvShOpt gvShOptsHelp[] = { { "command", GV_SH_OPT_DATA, 0, "the command to describe" },
                                        { NULL, 0, 0, NULL } };

static const gvShCmd gvShHelpCmd = { "help", "print help",
                                     "Prints the list of commands, or one command's help.",
                                     gvShOptsHelp, gvShCmdHelp };

static const gvShOpt *
gvShFindOpt(const gvShCmd *cmd, const char *name)
{
    size_t i;

    for (i = 0; cmd->opts && cmd->opts[i].name; i++) {
        if (g_str_equal(cmd->opts[i].name, name))
            return &cmd->opts[i];
    }
    return NULL;
}

/* Parses the command's arguments the way virsh does */
static bool
gvShParseArgs(const gvShCmd *cmd, int argc, char **argv, GHashTable *values)
{
    size_t nextData = 0;
    int i;
    size_t j;

    for (i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const gvShOpt *opt = NULL;

        if (g_str_has_prefix(arg, "--") && arg[2] != '\0') {
            g_autofree char *name = g_strdup(arg + 2);
            char *eq = strchr(name, '=');
            const char *value = NULL;

            if (eq) {
                *eq = '\0';
                value = eq + 1;
            }
            if (!(opt = gvShFindOpt(cmd, name))) {
                fprintf(stderr, "error: command '%s' doesn't support option --%s\n", cmd->name,
                        name);
                return false;
            }
            if (opt->type == GV_SH_OPT_BOOL) {
                if (value) {
                    fprintf(stderr, "error: option --%s takes no value\n", name);
                    return false;
                }
                g_hash_table_insert(values, g_strdup(opt->name), g_strdup(""));
                continue;
            }
            if (!value) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "error: expected syntax: --%s <string>\n", name);
                    return false;
                }
                value = argv[++i];
            }
            if ((opt->flags & GV_SH_OPT_MULTI) && g_hash_table_contains(values, opt->name)) {
                /* given again: the values, one a line */
                g_autofree char *all = g_strjoin(
                    "\n", (const char *)g_hash_table_lookup(values, opt->name), value, NULL);

                g_hash_table_insert(values, g_strdup(opt->name), g_steal_pointer(&all));
                continue;
            }
            g_hash_table_insert(values, g_strdup(opt->name), g_strdup(value));
            continue;
        }
        /* positional: the next DATA option not yet given */
        for (j = nextData; cmd->opts && cmd->opts[j].name; j++) {
            if (cmd->opts[j].type == GV_SH_OPT_DATA &&
                !g_hash_table_contains(values, cmd->opts[j].name)) {
                opt = &cmd->opts[j];
                nextData = j + 1;
                break;
            }
        }
        if (!opt) {
            fprintf(stderr, "error: unexpected data '%s'\n", arg);
            return false;
        }
        g_hash_table_insert(values, g_strdup(opt->name), g_strdup(arg));
    }
    for (j = 0; cmd->opts && cmd->opts[j].name; j++) {
        if ((cmd->opts[j].flags & GV_SH_OPT_REQ) &&
            !g_hash_table_contains(values, cmd->opts[j].name)) {
            fprintf(stderr, "error: command '%s' requires <%s> option\n", cmd->name,
                    cmd->opts[j].name);
            return false;
        }
    }
    return true;
}

int
main(int argc, char **argv)
{
    const gvShCmd *cmd;
    g_autoptr(GHashTable) values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    gvShCmdCall call = { NULL, NULL };
    bool ok;
    int i = 1;

    gvXMLInitSecureMemory();
    setlocale(LC_ALL, "");
    while (i < argc && argv[i][0] == '-') {
        const char *a = argv[i];

        if (g_str_equal(a, "-c") || g_str_equal(a, "--connect")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "error: option %s needs a URI\n", a);
                return 1;
            }
            g_free(gvShCtl.uri);
            gvShCtl.uri = g_strdup(argv[i + 1]);
            i += 2;
        } else if (g_str_has_prefix(a, "--connect=")) {
            g_free(gvShCtl.uri);
            gvShCtl.uri = g_strdup(a + strlen("--connect="));
            i++;
        } else if (g_str_equal(a, "-r") || g_str_equal(a, "--readonly")) {
            gvShCtl.readonly = true;
            i++;
        } else if (g_str_equal(a, "-h") || g_str_equal(a, "--help")) {
            gvShPrintHelp();
            return 0;
        } else if (g_str_equal(a, "-v") || g_str_equal(a, "--version")) {
            printf("%s\n", GV_VERSION);
            return 0;
        } else {
            fprintf(stderr, "error: unsupported option '%s'. See --help.\n", a);
            return 1;
        }
    }
    if (i >= argc) {
        gvShPrintHelp();
        return 0;
    }
    if (g_str_equal(argv[i], "help"))
        cmd = &gvShHelpCmd;
    else if (!(cmd = gvShFindCmd(argv[i]))) {
        fprintf(stderr, "error: unknown command: '%s'\n", argv[i]);
        return 1;
    }
    if (!gvShParseArgs(cmd, argc - i - 1, argv + i + 1, values))
        return 1;
    call.def = cmd;
    call.values = values;
    ok = cmd->handler(&call);
    /* virsh ends the output of a command with a blank line, even a failed one */
    if (cmd != &gvShHelpCmd && !gvShCtl.noBlankLine)
        putchar('\n');
    if (!ok)
        return 1;
    return 0;
}
