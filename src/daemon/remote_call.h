/*
 * remote_call.h: what a procedure handler sees, and the procedure tables
 *
 * The tables are generated from src/rpc/protocol/FAMILY.rpc (remote_procs-gen.c);
 * handlers live in one file per family (remote_connect.c, remote_domain.c,
 * remote_snapshot.c, remote_migrate.c, ...).  A handler gets its arguments
 * decoded and bounded, fills the zeroed reply struct, and never touches XDR.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "driver.h"
#include "gvnetserver.h"
#include "gvparams.h"
#include "gvprotocol-gen.h"
#include "storage_driver.h"

typedef struct _gvEventRegistry gvEventRegistry;
typedef struct _gvStreamRegistry gvStreamRegistry;

typedef struct {
    gvDriver *drv;
    gvStorageDriver *storage; /* the storage pools */
    GMainLoop *loop;
    bool quit; /* a signal came before the main loop ran */
    gvEventRegistry *events; /* remote_event.c */
    gvStreamRegistry *streams; /* remote_stream.c; main loop only */
} gvDaemon;

/* Per-connection state */
typedef struct {
    GMutex lock;
    bool opened;
    bool readonly; /* the read-only socket, or CONNECT_OPEN with VIR_CONNECT_RO */
    char *uri;
    GHashTable *unknownSeen; /* (prog, vers, proc) already logged as unknown */
    gint32 nextCallbackID; /* event registrations of this connection */
    GPtrArray *prepared; /* the incoming migrations it prepared, not yet finished */
} gvDispatchClient;

typedef struct {
    gvDaemon *daemon;
    gvNetServerClient *client;
    gvDispatchClient *priv;
    bool readonly;
    const struct _gvProcDesc *proc;
    const gvNetMessageHeader *hdr; /* of the call: a stream's frames repeat it */
    int replyFd; /* set by a handler: passed with the reply (REPLY_WITH_FDS), taken */
} gvCall;

typedef enum {
    GV_PROC_BEFORE_OPEN = 1 << 0, /* allowed before CONNECT_OPEN */
    GV_PROC_WRITE = 1 << 1, /* refused on read-only connections */
    GV_PROC_WORKER = 1 << 2, /* may block (disk, QEMU): runs on a worker */
    GV_PROC_EVENT = 1 << 3, /* sent by the server; never called */
    GV_PROC_STREAM = 1 << 4, /* the reply opens a stream */
    GV_PROC_NOSUPPORT = 1 << 5, /* no such driver here: VIR_ERR_NO_SUPPORT */
} gvProcFlags;

typedef int (*gvProcHandler)(gvCall *call, const void *args, void *ret, GError **error);

typedef struct _gvProcDesc {
    gint32 number; /* 0: an empty slot */
    const char *name; /* DOMAIN_GET_XML_DESC */
    const char *api; /* virDomainGetXMLDesc, for errors */
    unsigned int flags; /* gvProcFlags */
    gint32 errorDomain; /* virErrorDomain of a NOSUPPORT procedure */
    const gvXdrLayout *args;
    const gvXdrLayout *ret;
    gvProcHandler handler; /* NULL for events and NOSUPPORT */
} gvProcDesc;

typedef struct {
    const char *name;
    guint32 number;
    guint32 version;
    const gvProcDesc *procs; /* indexed by procedure number */
    size_t nprocs;
} gvProgramDesc;

extern const gvProgramDesc gvPrograms[];
extern const size_t gvProgramCount;

/* ---- helpers for handlers (remote_dispatch.c) ----------------------------- */

/* The domain @dom names, looked up by UUID (a new reference), or NULL */
gvDomainObj *gvCallLookupDomain(gvCall *call, const gvRemoteDomain *dom, GError **error);
/* Fills @out (zeroed or cleared) with @obj's name, UUID and id */
void gvCallSetDomain(gvRemoteDomain *out, gvDomainObj *obj);
/* An INVALID_ARG error for flags outside @known */
int gvCallCheckFlags(gvCall *call, unsigned int flags, unsigned int known, GError **error);
/* A connection closed: the incoming migrations it prepared and did not finish are cancelled */
void gvMigrateClientClosed(gvNetServerClient *client, gpointer opaque);
/* An empty list of prepared incoming migrations, for gvDispatchClient.prepared */
GPtrArray *gvMigratePreparedNew(void);

/* Fills an array of @names (at most @max of them) as an array of strings */
void gvCallSetNames(gvXdrArray *out, GPtrArray *names, guint max);
/* With @obj locked: it passes the LIST_ALL_DOMAINS filter @flags */
bool gvCallDomainMatches(gvDomainObj *obj, unsigned int flags);
/* The typed parameters of @list, as the protocol carries them */
GPtrArray *gvCallTypedParams(const gvParamList *list);
