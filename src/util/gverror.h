/*
 * gverror.h: genvirt's GError domain
 *
 * The codes are libvirt's virErrorNumber values, so an error maps 1:1 onto
 * the code of a remote_error on the wire.  The message of every error
 * carries libvirt's prefix for its code ("XML error: ...", "unsupported
 * configuration: ..."), which is exactly what virsh prints after "error: ".
 */
#pragma once

#include <glib.h>

#define GV_ERROR (gvErrorQuark())

typedef enum {
    GV_ERR_OK = 0,
    GV_ERR_INTERNAL_ERROR = 1,
    GV_ERR_NO_SUPPORT = 3,
    GV_ERR_NO_CONNECT = 5,
    GV_ERR_INVALID_ARG = 8,
    GV_ERR_OPERATION_FAILED = 9,
    GV_ERR_XML_ERROR = 27,
    GV_ERR_DOM_EXIST = 28,
    GV_ERR_OPERATION_DENIED = 29,
    GV_ERR_CONF_SYNTAX = 33,
    GV_ERR_SYSTEM_ERROR = 38,
    GV_ERR_RPC = 39,
    GV_ERR_NO_DOMAIN = 42,
    GV_ERR_AUTH_FAILED = 45,
    GV_ERR_NO_STORAGE_POOL = 49,
    GV_ERR_NO_STORAGE_VOL = 50,
    GV_ERR_OPERATION_INVALID = 55,
    GV_ERR_CONFIG_UNSUPPORTED = 67,
    GV_ERR_OPERATION_TIMEOUT = 68,
    GV_ERR_NO_DOMAIN_SNAPSHOT = 72,
    GV_ERR_OPERATION_ABORTED = 78,
    GV_ERR_ARGUMENT_UNSUPPORTED = 74,
    GV_ERR_OPERATION_UNSUPPORTED = 84,
    GV_ERR_NO_DOMAIN_METADATA = 80,
    GV_ERR_STORAGE_VOL_EXIST = 90,
    GV_ERR_XML_INVALID_SCHEMA = 92,
} gvErrorCode;

GQuark gvErrorQuark(void);

/* libvirt's prefix for @code ("XML error"), or NULL when it has none */
const char *gvErrorCodePrefix(int code);

void gvReportError(GError **error, gvErrorCode code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/*
 * g_prefix_error that keeps libvirt's code prefix first: "operation failed:
 * migration failed" becomes "operation failed: WHAT: migration failed"
 */
void gvErrorPrefix(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Like gvReportError with GV_ERR_SYSTEM_ERROR, appending ": g_strerror(errnum)" */
void gvReportSystemError(GError **error, int errnum, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
