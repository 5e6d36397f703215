/*
 * gverror.c: genvirt's GError domain
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"

GQuark
gvErrorQuark(void)
{
    return g_quark_from_static_string("genvirt-error-quark");
}

const char *
gvErrorCodePrefix(int code)
{
    switch (code) {
    case GV_ERR_INTERNAL_ERROR:
        return "internal error";
    case GV_ERR_NO_SUPPORT:
        return "this function is not supported by the connection driver";
    case GV_ERR_INVALID_ARG:
        return "invalid argument";
    case GV_ERR_OPERATION_FAILED:
        return "operation failed";
    case GV_ERR_XML_ERROR:
        return "XML error";
    case GV_ERR_DOM_EXIST:
        return "operation failed";
    case GV_ERR_OPERATION_DENIED:
        return "operation forbidden";
    case GV_ERR_CONF_SYNTAX:
        return "configuration file syntax error";
    case GV_ERR_NO_DOMAIN:
        return "Domain not found";
    case GV_ERR_AUTH_FAILED:
        return "authentication failed";
    case GV_ERR_NO_STORAGE_POOL:
        return "Storage pool not found";
    case GV_ERR_NO_STORAGE_VOL:
        return "Storage volume not found";
    case GV_ERR_OPERATION_INVALID:
        return "Requested operation is not valid";
    case GV_ERR_CONFIG_UNSUPPORTED:
        return "unsupported configuration";
    case GV_ERR_OPERATION_TIMEOUT:
        return "Timed out during operation";
    case GV_ERR_NO_DOMAIN_SNAPSHOT:
        return "Domain snapshot not found";
    case GV_ERR_OPERATION_ABORTED:
        return "operation aborted";
    case GV_ERR_ARGUMENT_UNSUPPORTED:
        return "argument unsupported";
    case GV_ERR_NO_DOMAIN_METADATA:
        return "metadata not found";
    case GV_ERR_OPERATION_UNSUPPORTED:
        return "Operation not supported";
    case GV_ERR_STORAGE_VOL_EXIST:
        return "storage volume already exists";
    case GV_ERR_XML_INVALID_SCHEMA:
        return "XML document failed to validate against schema";
    }
    /* GV_ERR_SYSTEM_ERROR and GV_ERR_RPC carry their text as it is */
    return NULL;
}

static void gvReportErrorV(GError **error, int code, const char *fmt, va_list ap)
    G_GNUC_PRINTF(3, 0);

static void
gvReportErrorV(GError **error, int code, const char *fmt, va_list ap)
{
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    const char *prefix = gvErrorCodePrefix(code);

    if (prefix)
        g_set_error(error, GV_ERROR, code, "%s: %s", prefix, msg);
    else
        g_set_error_literal(error, GV_ERROR, code, msg);
}

void
gvReportError(GError **error, gvErrorCode code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    gvReportErrorV(error, code, fmt, ap);
    va_end(ap);
}

void
gvReportSystemError(GError **error, int errnum, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, GV_ERROR, GV_ERR_SYSTEM_ERROR, "%s: %s", msg, g_strerror(errnum));
}

void
gvErrorPrefix(GError **error, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *what = NULL;
    const char *prefix;
    const char *rest;
    char *msg;

    if (!error || !*error)
        return;
    va_start(ap, fmt);
    what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rest = (*error)->message;
    prefix = (*error)->domain == GV_ERROR ? gvErrorCodePrefix((*error)->code) : NULL;
    if (prefix && g_str_has_prefix(rest, prefix) && g_str_has_prefix(rest + strlen(prefix), ": ")) {
        rest += strlen(prefix) + 2;
        msg = g_strdup_printf("%s: %s%s", prefix, what, rest);
    } else {
        msg = g_strdup_printf("%s%s", what, rest);
    }
    g_free((*error)->message);
    (*error)->message = msg;
}
