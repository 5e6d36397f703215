/*
 * gvcommand.h: a command line (environment and argv) being built
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

typedef struct {
    GPtrArray *env; /* "NAME=value" */
    GPtrArray *args; /* args[0] is the binary */
} gvCommand;

gvCommand *gvCommandNew(const char *binary);
void gvCommandFree(gvCommand *cmd);
void gvCommandAddEnvPair(gvCommand *cmd, const char *name, const char *value);
void gvCommandAddArg(gvCommand *cmd, const char *arg);
void gvCommandAddArgFormat(gvCommand *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void gvCommandAddArgList(gvCommand *cmd, ...) G_GNUC_NULL_TERMINATED;

/* NULL-terminated views, owned by @cmd */
const char *const *gvCommandGetArgv(gvCommand *cmd);
const char *const *gvCommandGetEnv(gvCommand *cmd);

/*
 * The environment and argv, shell-quoted.  With @linebreaks, each option
 * starts a new line ("-m 128 \"), as in golden files; else one line.
 */
char *gvCommandToString(const gvCommand *cmd, bool linebreaks);

/* Appends @arg to @out, quoted for a POSIX shell when needed */
void gvShellQuote(GString *out, const char *arg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvCommand, gvCommandFree)
