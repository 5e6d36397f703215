/*
 * gvrpcprotocol.h: libvirt's remote protocol numbers and shared structs
 *
 * Procedure numbers, limits and structures are generated from
 * protocol/FAMILY.rpc (gvprotocol-gen.h); this header adds the keepalive program,
 * error domains, typed parameters and remote_error.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "gvprotocol-gen.h"
#include "gvuuid.h"
#include "gvxdr.h"

#define GV_PROGRAM_KEEPALIVE 0x6b656570
#define GV_PROGRAM_VERSION 1

#define GV_KEEPALIVE_PROC_PING 1
#define GV_KEEPALIVE_PROC_PONG 2

/* virErrorDomain values used on the wire */
typedef enum {
    GV_ERROR_DOMAIN_NONE = 0,
    GV_ERROR_DOMAIN_RPC = 7,
    GV_ERROR_DOMAIN_CONF = 9,
    GV_ERROR_DOMAIN_QEMU = 10,
    GV_ERROR_DOMAIN_STORAGE = 18,
    GV_ERROR_DOMAIN_DOMAIN = 20,
} gvErrorDomain;

/* remote_nonnull_domain (gvRemoteDomain, generated) */
void gvRemoteDomainClear(gvRemoteDomain *dom);
void gvRemoteDomainEncode(GByteArray *b, const char *name, const unsigned char uuid[GV_UUID_BUFLEN],
                          gint32 id);
bool gvRemoteDomainDecode(gvXdrDecoder *d, gvRemoteDomain *dom);

/* remote_typed_param: {field, value (int type, then the arm)} */
typedef enum {
    GV_TYPED_PARAM_INT = 1,
    GV_TYPED_PARAM_UINT = 2,
    GV_TYPED_PARAM_LLONG = 3,
    GV_TYPED_PARAM_ULLONG = 4,
    GV_TYPED_PARAM_DOUBLE = 5,
    GV_TYPED_PARAM_BOOLEAN = 6,
    GV_TYPED_PARAM_STRING = 7,
} gvTypedParamType;

#define GV_TYPED_PARAM_FIELD_LENGTH 80

typedef struct {
    char *field;
    gvTypedParamType type;
    gint64 i; /* INT, UINT, LLONG, ULLONG (as bits), BOOLEAN */
    double d;
    char *s; /* STRING */
} gvTypedParam;

void gvTypedParamsFree(GPtrArray *params);
/* A GPtrArray of at most @max gvTypedParam, or NULL (decoder failed) */
GPtrArray *gvTypedParamsDecode(gvXdrDecoder *d, guint32 max);
void gvTypedParamsEncode(GByteArray *b, GPtrArray *params);
/* The bytes gvTypedParamsEncode writes */
size_t gvTypedParamsSize(GPtrArray *params);
/* The first STRING parameter called @field, or NULL */
const char *gvTypedParamsGetString(GPtrArray *params, const char *field);
void gvTypedParamsAddString(GPtrArray *params, const char *field, const char *value);
GPtrArray *gvTypedParamsNew(void);

/* remote_error */
typedef struct {
    gint32 code;
    gint32 domain;
    char *message;
    gint32 level;
} gvRemoteError;

void gvRemoteErrorEncode(GByteArray *b, gint32 code, gint32 domain, const char *message);
bool gvRemoteErrorDecode(gvXdrDecoder *d, gvRemoteError *err);
void gvRemoteErrorClear(gvRemoteError *err);
