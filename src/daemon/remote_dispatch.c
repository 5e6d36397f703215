/*
 * remote_dispatch.c: the one dispatcher for every procedure
 *
 * A call's program and number select its description in the tables
 * generated from src/rpc/protocol/FAMILY.rpc.  From that description alone this
 * file checks the connection state and access, decodes and bounds the
 * arguments, runs the handler, encodes its reply and frees (wiping) both
 * structures.  Errors travel as remote_error with libvirt's code and domain
 * numbers.  Read-only connections may only call procedures without
 * GV_PROC_WRITE, and never see the genid value.
 */
#include <gvconfig.h>

#include <string.h>
#include <unistd.h>

#include "domain_obj.h"
#include "gverror.h"
#include "gvrpcprotocol.h"
#include "remote_dispatch.h"

#define GV_DISPATCH_UNKNOWN_LOG_MAX 256

gpointer
gvDispatchClientNew(gvNetServerClient *client, gpointer opaque)
{
    gvDispatchClient *priv = g_new0(gvDispatchClient, 1);

    g_mutex_init(&priv->lock);
    priv->readonly = gvNetServerClientIsReadonly(client);
    priv->unknownSeen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    priv->prepared = gvMigratePreparedNew();
    return priv;
}

void
gvDispatchClientFree(gpointer opaque)
{
    gvDispatchClient *priv = opaque;

    g_free(priv->uri);
    g_hash_table_unref(priv->unknownSeen);
    g_ptr_array_unref(priv->prepared);
    g_mutex_clear(&priv->lock);
    g_free(priv);
}

/* ---- helpers for handlers ------------------------------------------------ */

gvDomainObj *
gvCallLookupDomain(gvCall *call, const gvRemoteDomain *dom, GError **error)
{
    return gvDriverLookupByUUID(call->daemon->drv, dom->uuid, dom->name, error);
}

void
gvCallSetDomain(gvRemoteDomain *out, gvDomainObj *obj)
{
    gvDomainObjLock(obj);
    g_free(out->name);
    out->name = g_strdup(obj->def->name);
    memcpy(out->uuid, obj->def->uuid, GV_UUID_BUFLEN);
    out->id = obj->def->id;
    gvDomainObjUnlock(obj);
}

int
gvCallCheckFlags(gvCall *call, unsigned int flags, unsigned int known, GError **error)
{
    if (flags & ~known) {
        gvReportError(error, GV_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~known, call->proc->api);
        return -1;
    }
    return 0;
}

void
gvCallSetNames(gvXdrArray *out, GPtrArray *names, guint max)
{
    guint n = MIN(names->len, max);
    char **v;
    guint i;

    gvXdrArrayAlloc(out, n, sizeof(char *));
    v = out->v;
    for (i = 0; i < n; i++)
        v[i] = g_strdup(g_ptr_array_index(names, i));
}

GPtrArray *
gvCallTypedParams(const gvParamList *list)
{
    GPtrArray *out = gvTypedParamsNew();
    guint i;

    for (i = 0; i < gvParamListLength(list); i++) {
        const gvParam *p = gvParamListGet(list, i);
        gvTypedParam *tp = g_new0(gvTypedParam, 1);

        /* the type numbers are the same on both sides */
        tp->field = g_strdup(p->field);
        tp->type = (gvTypedParamType)p->type;
        tp->i = p->i;
        tp->d = p->d;
        tp->s = g_strdup(p->s);
        g_ptr_array_add(out, tp);
    }
    return out;
}

/* ---- finding a procedure ------------------------------------------------- */

static const gvProgramDesc *
gvDispatchFindProgram(guint32 prog, guint32 vers)
{
    size_t i;

    for (i = 0; i < gvProgramCount; i++) {
        if (gvPrograms[i].number == prog && gvPrograms[i].version == vers)
            return &gvPrograms[i];
    }
    return NULL;
}

/* The description of @hdr's call, or NULL (and whether its program is known) */
static const gvProcDesc *
gvDispatchFindProc(const gvNetMessageHeader *hdr, bool *knownProg)
{
    const gvProgramDesc *prog = gvDispatchFindProgram(hdr->prog, hdr->vers);
    const gvProcDesc *proc;

    *knownProg = prog != NULL;
    if (!prog || hdr->proc <= 0 || (size_t)hdr->proc >= prog->nprocs)
        return NULL;
    proc = &prog->procs[hdr->proc];
    if (proc->number == 0 || (proc->flags & GV_PROC_EVENT))
        return NULL;
    return proc;
}

bool
gvDispatchIsInline(const gvNetMessageHeader *hdr, gpointer opaque)
{
    bool knownProg;
    const gvProcDesc *proc = gvDispatchFindProc(hdr, &knownProg);

    /* unknown ones are answered with an error at once */
    return !proc || !(proc->flags & GV_PROC_WORKER);
}

const gvProcDesc *
gvDispatchLookup(guint32 prog, gint32 proc)
{
    gvNetMessageHeader hdr = { .prog = prog, .vers = GV_PROGRAM_VERSION, .proc = proc };
    bool knownProg;

    return gvDispatchFindProc(&hdr, &knownProg);
}

/* ---- errors --------------------------------------------------------------- */

/* virErrorDomain for an error code of procedure @proc, as libvirtd reports them */
static gint32
gvDispatchErrorDomain(const gvProcDesc *proc, int code)
{
    /* the storage driver's errors are of its domain, whatever their code */
    if (g_str_has_prefix(proc->api, "virStorage") && code != GV_ERR_RPC &&
        code != GV_ERR_NO_CONNECT)
        return GV_ERROR_DOMAIN_STORAGE;
    switch (code) {
    case GV_ERR_RPC:
    case GV_ERR_NO_CONNECT:
        return GV_ERROR_DOMAIN_RPC;
    case GV_ERR_XML_ERROR:
    case GV_ERR_XML_INVALID_SCHEMA:
    case GV_ERR_OPERATION_INVALID:
    case GV_ERR_OPERATION_DENIED:
        return GV_ERROR_DOMAIN_DOMAIN;
    case GV_ERR_NO_STORAGE_POOL:
    case GV_ERR_NO_STORAGE_VOL:
    case GV_ERR_STORAGE_VOL_EXIST:
        return GV_ERROR_DOMAIN_STORAGE;
    default:
        return GV_ERROR_DOMAIN_QEMU;
    }
}

static void
gvDispatchSendError(gvNetServerClient *client, const gvNetMessageHeader *hdr, gint32 code,
                    gint32 domain, const char *message)
{
    gvNetMessageHeader rh = *hdr;
    GByteArray *frame;

    rh.type = GV_NET_REPLY;
    rh.status = GV_NET_ERROR;
    frame = gvNetMessageNew(&rh);
    gvRemoteErrorEncode(frame, code, domain, message);
    (void)gvNetMessageFinish(frame);
    gvNetServerClientSend(client, frame);
}

/* Logs (debug) an unknown procedure once per connection */
static void
gvDispatchLogUnknown(gvDispatchClient *priv, const gvNetMessageHeader *hdr, bool knownProg)
{
    g_autofree char *key = g_strdup_printf("%x/%u/%d", hdr->prog, hdr->vers, hdr->proc);
    bool first = false;

    g_mutex_lock(&priv->lock);
    /* bounded: a client probing every number cannot grow it without end */
    if (g_hash_table_size(priv->unknownSeen) < GV_DISPATCH_UNKNOWN_LOG_MAX)
        first = g_hash_table_add(priv->unknownSeen, g_steal_pointer(&key));
    g_mutex_unlock(&priv->lock);
    if (first)
        g_debug("unknown %s: program 0x%x version %u procedure %d",
                knownProg ? "procedure" : "program", hdr->prog, hdr->vers, hdr->proc);
}

/* ---- the call ------------------------------------------------------------- */

void
gvDispatchCall(gvNetServerClient *client, const gvNetMessageHeader *hdr, const guint8 *payload,
               size_t len, gpointer opaque)
{
    gvCall call = { opaque, client, gvNetServerClientGetPriv(client), false, NULL, hdr, -1 };
    gvXdrDecoder dec = GV_XDR_DECODER_INIT(payload, len);
    g_autoptr(GError) error = NULL;
    gvNetMessageHeader rh = *hdr;
    const gvProcDesc *proc;
    GByteArray *frame;
    void *args = NULL;
    void *ret = NULL;
    bool opened;
    bool knownProg;
    int rc;

    proc = gvDispatchFindProc(hdr, &knownProg);
    if (!proc) {
        g_autofree char *msg = NULL;

        gvDispatchLogUnknown(call.priv, hdr, knownProg);
        if (!knownProg)
            msg = g_strdup_printf("Cannot find program %u version %u", hdr->prog, hdr->vers);
        else
            msg = g_strdup_printf("unknown procedure: %d", hdr->proc);
        gvDispatchSendError(client, hdr, GV_ERR_RPC, GV_ERROR_DOMAIN_RPC, msg);
        return;
    }
    call.proc = proc;

    g_mutex_lock(&call.priv->lock);
    opened = call.priv->opened;
    call.readonly = call.priv->readonly;
    g_mutex_unlock(&call.priv->lock);
    if (!opened && !(proc->flags & GV_PROC_BEFORE_OPEN)) {
        gvDispatchSendError(client, hdr, GV_ERR_INTERNAL_ERROR, GV_ERROR_DOMAIN_RPC,
                            "internal error: hypervisor connection not open");
        return;
    }
    if (proc->flags & GV_PROC_NOSUPPORT) {
        g_autofree char *msg = g_strdup_printf(
            "this function is not supported by the connection driver: %s", proc->api);

        gvDispatchSendError(client, hdr, GV_ERR_NO_SUPPORT, proc->errorDomain, msg);
        return;
    }
    if ((proc->flags & GV_PROC_WRITE) && call.readonly) {
        g_autofree char *msg =
            g_strdup_printf("operation forbidden: read only access prevents %s", proc->api);

        gvDispatchSendError(client, hdr, GV_ERR_OPERATION_DENIED, GV_ERROR_DOMAIN_DOMAIN, msg);
        return;
    }

    args = g_malloc0(proc->args->size);
    ret = g_malloc0(proc->ret->size);
    if (!gvXdrDecodeLayout(&dec, proc->args, args) || !gvXdrDecodeFinished(&dec)) {
        g_set_error_literal(&error, GV_ERROR, GV_ERR_RPC, "Unable to decode message payload");
        rc = -1;
    } else {
        rc = proc->handler(&call, args, ret, &error);
    }

    if (rc < 0) {
        int code = error && error->domain == GV_ERROR ? error->code : GV_ERR_INTERNAL_ERROR;
        const char *msg = error ? error->message : "internal error: unknown failure";

        /* messages name values, never the GUID: genvirt reports it nowhere */
        g_debug("%s (%s) failed: %s", proc->api, proc->name, msg);
        gvDispatchSendError(client, hdr, code, gvDispatchErrorDomain(proc, code), msg);
    } else {
        rh.type = call.replyFd >= 0 ? GV_NET_REPLY_WITH_FDS : GV_NET_REPLY;
        rh.status = GV_NET_OK;
        /* sized exactly: the reply may hold a GUID, and a growing frame leaves copies */
        frame = gvNetMessageNewSized(&rh,
                                     (call.replyFd >= 0 ? 4 : 0) + gvXdrLayoutSize(proc->ret, ret));
        if (call.replyFd >= 0)
            gvXdrEncodeU32(frame, 1); /* the fd count, then the reply; the fd after it */
        gvXdrEncodeLayout(frame, proc->ret, ret);
        if (gvNetMessageFinish(frame)) {
            if (call.replyFd >= 0)
                gvNetServerClientSendWithFd(client, frame, g_steal_fd(&call.replyFd));
            else
                gvNetServerClientSend(client, frame);
        } else {
            gvXdrBufferFree(frame);
            gvDispatchSendError(client, hdr, GV_ERR_RPC, GV_ERROR_DOMAIN_RPC,
                                "reply is larger than the message limit");
        }
    }
    if (call.replyFd >= 0)
        close(call.replyFd);
    gvXdrLayoutClear(proc->args, args);
    gvXdrLayoutClear(proc->ret, ret);
    g_free(args);
    g_free(ret);
}
