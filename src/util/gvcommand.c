/*
 * gvcommand.c: a command line (environment and argv) being built
 */
#include <gvconfig.h>

#include <string.h>

#include "gvcommand.h"

gvCommand *
gvCommandNew(const char *binary)
{
    gvCommand *cmd = g_new0(gvCommand, 1);

    cmd->env = g_ptr_array_new_with_free_func(g_free);
    cmd->args = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(cmd->args, g_strdup(binary));
    return cmd;
}

void
gvCommandFree(gvCommand *cmd)
{
    if (!cmd)
        return;
    g_ptr_array_unref(cmd->env);
    g_ptr_array_unref(cmd->args);
    g_free(cmd);
}

void
gvCommandAddEnvPair(gvCommand *cmd, const char *name, const char *value)
{
    g_ptr_array_add(cmd->env, g_strdup_printf("%s=%s", name, value));
}

void
gvCommandAddArg(gvCommand *cmd, const char *arg)
{
    g_ptr_array_add(cmd->args, g_strdup(arg));
}

void
gvCommandAddArgFormat(gvCommand *cmd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(cmd->args, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

void
gvCommandAddArgList(gvCommand *cmd, ...)
{
    va_list ap;
    const char *arg;

    va_start(ap, cmd);
    while ((arg = va_arg(ap, const char *)))
        gvCommandAddArg(cmd, arg);
    va_end(ap);
}

static const char *const *
gvPtrArrayTerminated(GPtrArray *arr)
{
    /* keep a NULL just past the end without counting it */
    g_ptr_array_add(arr, NULL);
    g_ptr_array_set_size(arr, arr->len - 1);
    return (const char *const *)arr->pdata;
}

const char *const *
gvCommandGetArgv(gvCommand *cmd)
{
    return gvPtrArrayTerminated(cmd->args);
}

const char *const *
gvCommandGetEnv(gvCommand *cmd)
{
    return gvPtrArrayTerminated(cmd->env);
}

void
gvShellQuote(GString *out, const char *arg)
{
    const char *p;

    if (*arg && strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789_@%+=:,./-") == strlen(arg)) {
        g_string_append(out, arg);
        return;
    }
    g_string_append_c(out, '\'');
    for (p = arg; *p; p++) {
        if (*p == '\'')
            g_string_append(out, "'\\''");
        else
            g_string_append_c(out, *p);
    }
    g_string_append_c(out, '\'');
}

char *
gvCommandToString(const gvCommand *cmd, bool linebreaks)
{
    GString *out = g_string_new(NULL);
    guint i;

    for (i = 0; i < cmd->env->len; i++) {
        gvShellQuote(out, g_ptr_array_index(cmd->env, i));
        g_string_append(out, linebreaks ? " \\\n" : " ");
    }
    for (i = 0; i < cmd->args->len; i++) {
        const char *arg = g_ptr_array_index(cmd->args, i);

        if (i > 0) {
            /* a new line before each option, the value stays beside it */
            if (linebreaks && arg[0] == '-')
                g_string_append(out, " \\\n");
            else
                g_string_append_c(out, ' ');
        }
        gvShellQuote(out, arg);
    }
    g_string_append_c(out, '\n');
    return g_string_free(out, FALSE);
}
