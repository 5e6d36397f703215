/*
 * gvrpcprotocol.h: libvirt's remote protocol numbers and shared structs
 *
 * Procedure numbers and layouts follow libvirt 9.0's remote_protocol.x
 * (see shared/reference/libvirt-wire.md); numbers are never reused.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "gvuuid.h"
#include "gvxdr.h"

#define GV_PROGRAM_REMOTE 0x20008086
#define GV_PROGRAM_QEMU 0x20008087
#define GV_PROGRAM_KEEPALIVE 0x6b656570
#define GV_PROGRAM_GENVIRT 0x47566972 /* "GVir": genvirt's own extras */
#define GV_PROGRAM_VERSION 1

#define GV_KEEPALIVE_PROC_PING 1
#define GV_KEEPALIVE_PROC_PONG 2

typedef enum {
    GV_PROC_CONNECT_OPEN = 1,
    GV_PROC_CONNECT_CLOSE = 2,
    GV_PROC_CONNECT_GET_TYPE = 3,
    GV_PROC_CONNECT_GET_VERSION = 4,
    GV_PROC_DOMAIN_CREATE = 9,
    GV_PROC_DOMAIN_CREATE_XML = 10,
    GV_PROC_DOMAIN_DEFINE_XML = 11,
    GV_PROC_DOMAIN_DESTROY = 12,
    GV_PROC_DOMAIN_GET_XML_DESC = 14,
    GV_PROC_DOMAIN_GET_AUTOSTART = 15,
    GV_PROC_DOMAIN_GET_INFO = 16,
    GV_PROC_DOMAIN_GET_OS_TYPE = 19,
    GV_PROC_CONNECT_LIST_DEFINED_DOMAINS = 21,
    GV_PROC_DOMAIN_REBOOT = 27,
    GV_PROC_DOMAIN_RESUME = 28,
    GV_PROC_DOMAIN_SET_AUTOSTART = 29,
    GV_PROC_DOMAIN_SHUTDOWN = 33,
    GV_PROC_DOMAIN_SUSPEND = 34,
    GV_PROC_DOMAIN_LOOKUP_BY_ID = 22,
    GV_PROC_DOMAIN_LOOKUP_BY_NAME = 23,
    GV_PROC_DOMAIN_LOOKUP_BY_UUID = 24,
    GV_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS = 25,
    GV_PROC_DOMAIN_UNDEFINE = 35,
    GV_PROC_CONNECT_LIST_DOMAINS = 37,
    GV_PROC_CONNECT_NUM_OF_DOMAINS = 51,
    GV_PROC_CONNECT_GET_HOSTNAME = 59,
    GV_PROC_CONNECT_SUPPORTS_FEATURE = 60,
    GV_PROC_AUTH_LIST = 66,
    GV_PROC_CONNECT_GET_URI = 110,
    GV_PROC_DOMAIN_GET_SECURITY_LABEL = 121,
    GV_PROC_NODE_GET_SECURITY_MODEL = 122,
    GV_PROC_DOMAIN_IS_ACTIVE = 150,
    GV_PROC_DOMAIN_IS_PERSISTENT = 151,
    GV_PROC_CONNECT_GET_LIB_VERSION = 157,
    GV_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE = 183,
    GV_PROC_DOMAIN_SNAPSHOT_CREATE_XML = 185,
    GV_PROC_DOMAIN_SNAPSHOT_GET_XML_DESC = 186,
    GV_PROC_DOMAIN_SNAPSHOT_NUM = 187,
    GV_PROC_DOMAIN_SNAPSHOT_LIST_NAMES = 188,
    GV_PROC_DOMAIN_SNAPSHOT_LOOKUP_BY_NAME = 189,
    GV_PROC_DOMAIN_HAS_CURRENT_SNAPSHOT = 190,
    GV_PROC_DOMAIN_SNAPSHOT_CURRENT = 191,
    GV_PROC_DOMAIN_REVERT_TO_SNAPSHOT = 192,
    GV_PROC_DOMAIN_SNAPSHOT_DELETE = 193,
    GV_PROC_DOMAIN_CREATE_WITH_FLAGS = 196,
    GV_PROC_DOMAIN_GET_STATE = 212,
    GV_PROC_DOMAIN_UNDEFINE_FLAGS = 231,
    GV_PROC_DOMAIN_DESTROY_FLAGS = 234,
    GV_PROC_DOMAIN_SNAPSHOT_GET_PARENT = 244,
    GV_PROC_DOMAIN_SNAPSHOT_NUM_CHILDREN = 246,
    GV_PROC_DOMAIN_SNAPSHOT_LIST_CHILDREN_NAMES = 247,
    GV_PROC_DOMAIN_SHUTDOWN_FLAGS = 258,
    GV_PROC_DOMAIN_SNAPSHOT_IS_CURRENT = 271,
    GV_PROC_DOMAIN_SNAPSHOT_HAS_METADATA = 272,
    GV_PROC_CONNECT_LIST_ALL_DOMAINS = 273,
    GV_PROC_DOMAIN_LIST_ALL_SNAPSHOTS = 274,
    GV_PROC_DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN = 275,
    GV_PROC_DOMAIN_DEFINE_XML_FLAGS = 350,
    GV_PROC_CONNECT_REGISTER_CLOSE_CALLBACK = 360,
    GV_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK = 361,
    GV_PROC_DOMAIN_GET_JOB_INFO = 163,
    GV_PROC_DOMAIN_MIGRATE_BEGIN3 = 213,
    GV_PROC_DOMAIN_MIGRATE_PREPARE3 = 214,
    GV_PROC_DOMAIN_MIGRATE_PERFORM3 = 216,
    GV_PROC_DOMAIN_MIGRATE_FINISH3 = 217,
    GV_PROC_DOMAIN_MIGRATE_CONFIRM3 = 218,
    GV_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS = 302,
    GV_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS = 303,
    GV_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS = 305,
    GV_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS = 306,
    GV_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS = 307,
    GV_PROC_DOMAIN_GET_MESSAGES = 426,
} gvRemoteProcedure;

/* the QEMU program */
#define GV_QEMU_PROC_DOMAIN_MONITOR_COMMAND 1

/* genvirt's own program */
typedef enum {
    GV_GENVIRT_PROC_DOMAIN_GET_LIVE_GENID = 1, /* dom -> opaque guid[16] */
} gvGenvirtProcedure;

/* virDrvFeature numbers asked through CONNECT_SUPPORTS_FEATURE */
typedef enum {
    GV_FEATURE_MIGRATION_P2P = 4,
    GV_FEATURE_MIGRATION_V3 = 6,
    GV_FEATURE_MIGRATE_CHANGE_PROTECTION = 7,
    GV_FEATURE_TYPED_PARAM_STRING = 9,
    GV_FEATURE_XML_MIGRATABLE = 11,
    GV_FEATURE_MIGRATION_OFFLINE = 12,
    GV_FEATURE_MIGRATION_PARAMS = 13,
    GV_FEATURE_PROGRAM_KEEPALIVE = 10,
    GV_FEATURE_REMOTE_EVENT_CALLBACK = 14,
    GV_FEATURE_REMOTE_CLOSE_CALLBACK = 15,
} gvRemoteFeature;

/* virErrorDomain values used on the wire */
typedef enum {
    GV_ERROR_DOMAIN_NONE = 0,
    GV_ERROR_DOMAIN_RPC = 7,
    GV_ERROR_DOMAIN_CONF = 9,
    GV_ERROR_DOMAIN_QEMU = 10,
    GV_ERROR_DOMAIN_DOMAIN = 20,
} gvErrorDomain;

#define GV_REMOTE_DOMAIN_LIST_MAX 16384
#define GV_REMOTE_DOMAIN_SNAPSHOT_LIST_MAX 16384
#define GV_REMOTE_AUTH_TYPE_LIST_MAX 20
#define GV_REMOTE_SECURITY_MODEL_MAX 257
#define GV_REMOTE_SECURITY_LABEL_MAX 4097
#define GV_REMOTE_DOMAIN_NAME_MAX 4096 /* a name is bounded far below a string */

/* remote_nonnull_domain: {name, uuid[16], id} */
typedef struct {
    char *name;
    unsigned char uuid[GV_UUID_BUFLEN];
    gint32 id;
} gvRemoteDomain;

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

#define GV_REMOTE_MIGRATE_PARAM_LIST_MAX 64
#define GV_REMOTE_MIGRATE_COOKIE_MAX 4194304
#define GV_TYPED_PARAM_FIELD_LENGTH 80

typedef struct {
    char *field;
    gvTypedParamType type;
    gint64 i; /* INT, UINT, LLONG, ULLONG (as bits), BOOLEAN */
    double d;
    char *s; /* STRING */
} gvTypedParam;

void gvTypedParamsFree(GPtrArray *params);
/* A GPtrArray of gvTypedParam, or NULL (decoder failed) */
GPtrArray *gvTypedParamsDecode(gvXdrDecoder *d);
void gvTypedParamsEncode(GByteArray *b, GPtrArray *params);
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
