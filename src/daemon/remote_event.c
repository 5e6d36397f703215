/*
 * remote_event.c: event registrations and their delivery
 *
 * Registrations live in one daemon-wide list: (connection, callbackID,
 * event ID, optional domain, form).  The driver calls gvEventDeliver for
 * every event, from the thread that changed the state, with the domain
 * locked; delivery encodes one MESSAGE per matching registration and queues
 * it with gvNetServerClientSendAsync, which never blocks: a client that
 * stops reading is dropped once its backlog is full.  A connection's
 * registrations go when it closes.
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "gvrpcprotocol.h"
#include "remote_event.h"
#include "remote_procs-gen.h"

/* not a domain event: the connection's close callback (360) */
#define GV_EVENT_ID_CONNECTION_CLOSED (-1)

typedef enum {
    GV_EVENT_FORM_CALLBACK = 0, /* 316: callbackID first */
    GV_EVENT_FORM_LEGACY, /* 167 and 105: no callbackID */
    GV_EVENT_FORM_GENID, /* genvirt's program */
} gvEventForm;

typedef struct {
    gvNetServerClient *client; /* a reference */
    gint32 callbackID;
    gint32 eventID;
    gvEventForm form;
    bool hasDom;
    unsigned char uuid[GV_UUID_BUFLEN];
} gvEventCallback;

struct _gvEventRegistry {
    GMutex lock;
    GPtrArray *callbacks; /* gvEventCallback */
};

static void
gvEventCallbackFree(gpointer opaque)
{
    gvEventCallback *cb = opaque;

    gvNetServerClientUnref(cb->client);
    g_free(cb);
}

gvEventRegistry *
gvEventRegistryNew(void)
{
    gvEventRegistry *reg = g_new0(gvEventRegistry, 1);

    g_mutex_init(&reg->lock);
    reg->callbacks = g_ptr_array_new_with_free_func(gvEventCallbackFree);
    return reg;
}

void
gvEventRegistryFree(gvEventRegistry *reg)
{
    if (!reg)
        return;
    g_ptr_array_unref(reg->callbacks);
    g_mutex_clear(&reg->lock);
    g_free(reg);
}

/* ---- delivery -------------------------------------------------------------- */

static GByteArray *
gvEventFrame(guint32 prog, gint32 proc, const gvXdrLayout *layout, const void *msg)
{
    /* libvirtd sends events with serial 1; clients do not look at it */
    gvNetMessageHeader hdr = { prog, GV_PROGRAM_VERSION, proc, GV_NET_MESSAGE, 1, GV_NET_OK };
    GByteArray *frame = gvNetMessageNewSized(&hdr, gvXdrLayoutSize(layout, msg));

    gvXdrEncodeLayout(frame, layout, msg);
    if (!gvNetMessageFinish(frame)) {
        gvXdrBufferFree(frame);
        return NULL;
    }
    return frame;
}

/* The frame of @ev for @cb, or NULL when @cb's form has no such event */
static GByteArray *
gvEventFrameFor(const gvEventCallback *cb, const gvDomainEvent *ev)
{
    gvRemoteDomain dom = { ev->name, { 0 }, ev->domid };

    memcpy(dom.uuid, ev->uuid, GV_UUID_BUFLEN);
    switch (ev->id) {
    case GV_DOMAIN_EVENT_ID_LIFECYCLE:
        if (cb->form == GV_EVENT_FORM_CALLBACK) {
            gvEventCallbackLifecycleMsg m = { cb->callbackID, dom, ev->event, ev->detail };

            return gvEventFrame(GV_PROGRAM_REMOTE, GV_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
                                &gvEventCallbackLifecycleMsgLayout, &m);
        } else {
            gvEventLifecycleMsg m = { dom, ev->event, ev->detail };

            return gvEventFrame(GV_PROGRAM_REMOTE, GV_PROC_DOMAIN_EVENT_LIFECYCLE,
                                &gvEventLifecycleMsgLayout, &m);
        }
    case GV_DOMAIN_EVENT_ID_REBOOT:
        if (cb->form == GV_EVENT_FORM_CALLBACK) {
            gvEventCallbackRebootMsg m = { cb->callbackID, dom };

            return gvEventFrame(GV_PROGRAM_REMOTE, GV_PROC_DOMAIN_EVENT_CALLBACK_REBOOT,
                                &gvEventCallbackRebootMsgLayout, &m);
        } else {
            gvEventRebootMsg m = { dom };

            return gvEventFrame(GV_PROGRAM_REMOTE, GV_PROC_DOMAIN_EVENT_REBOOT,
                                &gvEventRebootMsgLayout, &m);
        }
    case GV_DOMAIN_EVENT_ID_METADATA_CHANGE:
        if (cb->form == GV_EVENT_FORM_CALLBACK) {
            gvEventCallbackMetadataChangeMsg m = { cb->callbackID, dom, ev->event,
                                                   (char *)ev->str };

            return gvEventFrame(GV_PROGRAM_REMOTE, GV_PROC_DOMAIN_EVENT_CALLBACK_METADATA_CHANGE,
                                &gvEventCallbackMetadataChangeMsgLayout, &m);
        }
        return NULL; /* no legacy form */
    case GV_DOMAIN_EVENT_ID_GENID_CHANGED: {
        gvGenidChangedMsg m = { cb->callbackID, dom, ev->detail };

        return gvEventFrame(GV_PROGRAM_GENVIRT, GV_GENVIRT_PROC_DOMAIN_EVENT_GENID_CHANGED,
                            &gvGenidChangedMsgLayout, &m);
    }
    case GV_DOMAIN_EVENT_ID_RTC_CHANGE:
    case GV_DOMAIN_EVENT_ID_WATCHDOG:
    case GV_DOMAIN_EVENT_ID_IO_ERROR:
    case GV_DOMAIN_EVENT_ID_GRAPHICS:
    case GV_DOMAIN_EVENT_ID_IO_ERROR_REASON:
    case GV_DOMAIN_EVENT_ID_CONTROL_ERROR:
    case GV_DOMAIN_EVENT_ID_BLOCK_JOB:
    case GV_DOMAIN_EVENT_ID_DISK_CHANGE:
    case GV_DOMAIN_EVENT_ID_TRAY_CHANGE:
    case GV_DOMAIN_EVENT_ID_PMWAKEUP:
    case GV_DOMAIN_EVENT_ID_PMSUSPEND:
    case GV_DOMAIN_EVENT_ID_BALLOON_CHANGE:
    case GV_DOMAIN_EVENT_ID_PMSUSPEND_DISK:
    case GV_DOMAIN_EVENT_ID_DEVICE_REMOVED:
    case GV_DOMAIN_EVENT_ID_BLOCK_JOB_2:
    case GV_DOMAIN_EVENT_ID_TUNABLE:
    case GV_DOMAIN_EVENT_ID_AGENT_LIFECYCLE:
    case GV_DOMAIN_EVENT_ID_DEVICE_ADDED:
    case GV_DOMAIN_EVENT_ID_MIGRATION_ITERATION:
    case GV_DOMAIN_EVENT_ID_JOB_COMPLETED:
    case GV_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED:
    case GV_DOMAIN_EVENT_ID_BLOCK_THRESHOLD:
    case GV_DOMAIN_EVENT_ID_MEMORY_FAILURE:
    case GV_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE:
    case GV_DOMAIN_EVENT_ID_LAST:
        break;
    }
    return NULL;
}

void
gvEventDeliver(const gvDomainEvent *ev, gpointer opaque)
{
    gvDaemon *daemon = opaque;
    gvEventRegistry *reg = daemon->events;
    guint i;

    g_mutex_lock(&reg->lock);
    for (i = 0; i < reg->callbacks->len;) {
        gvEventCallback *cb = g_ptr_array_index(reg->callbacks, i);
        GByteArray *frame;

        if (cb->eventID != (gint32)ev->id ||
            (cb->hasDom && memcmp(cb->uuid, ev->uuid, GV_UUID_BUFLEN) != 0) ||
            !(frame = gvEventFrameFor(cb, ev))) {
            i++;
            continue;
        }
        if (!gvNetServerClientSendAsync(cb->client, frame)) {
            /* dropped (or gone): none of its registrations is served again */
            g_ptr_array_remove_index_fast(reg->callbacks, i);
            continue;
        }
        i++;
    }
    g_mutex_unlock(&reg->lock);
}

void
gvEventClientClosed(gvNetServerClient *client, gpointer opaque)
{
    gvDaemon *daemon = opaque;
    gvEventRegistry *reg = daemon->events;
    guint i;

    g_mutex_lock(&reg->lock);
    for (i = 0; i < reg->callbacks->len;) {
        gvEventCallback *cb = g_ptr_array_index(reg->callbacks, i);

        if (cb->client == client)
            g_ptr_array_remove_index_fast(reg->callbacks, i);
        else
            i++;
    }
    g_mutex_unlock(&reg->lock);
}

void
gvEventShutdown(gvDaemon *daemon)
{
    gvEventRegistry *reg = daemon->events;
    gvConnectionClosedMsg m = { 1 /* VIR_CONNECT_CLOSE_REASON_EOF */ };
    guint i;

    /* the connections that registered a close callback hear why they close */
    g_mutex_lock(&reg->lock);
    for (i = 0; i < reg->callbacks->len; i++) {
        gvEventCallback *cb = g_ptr_array_index(reg->callbacks, i);
        GByteArray *frame;

        if (cb->eventID != GV_EVENT_ID_CONNECTION_CLOSED)
            continue;
        frame = gvEventFrame(GV_PROGRAM_REMOTE, GV_PROC_CONNECT_EVENT_CONNECTION_CLOSED,
                             &gvConnectionClosedMsgLayout, &m);
        if (frame)
            (void)gvNetServerClientSendAsync(cb->client, frame);
    }
    g_mutex_unlock(&reg->lock);
}

/* ---- registration ---------------------------------------------------------- */

/* Adds a registration; the callbackID it got, or -1 */
static gint32
gvEventRegister(gvCall *call, gint32 eventID, const gvRemoteDomain *dom, gvEventForm form,
                GError **error)
{
    gvEventRegistry *reg = call->daemon->events;
    gvEventCallback *cb;
    guint mine = 0;
    guint i;

    g_mutex_lock(&reg->lock);
    for (i = 0; i < reg->callbacks->len; i++)
        mine += ((gvEventCallback *)g_ptr_array_index(reg->callbacks, i))->client == call->client;
    if (mine >= GV_REMOTE_EVENT_CALLBACKS_MAX) {
        g_mutex_unlock(&reg->lock);
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "too many event callbacks on this connection (at most %d)",
                      GV_REMOTE_EVENT_CALLBACKS_MAX);
        return -1;
    }
    cb = g_new0(gvEventCallback, 1);
    cb->client = gvNetServerClientRef(call->client);
    cb->eventID = eventID;
    cb->form = form;
    if (dom) {
        cb->hasDom = true;
        memcpy(cb->uuid, dom->uuid, GV_UUID_BUFLEN);
    }
    g_mutex_lock(&call->priv->lock);
    cb->callbackID = call->priv->nextCallbackID++;
    g_mutex_unlock(&call->priv->lock);
    g_ptr_array_add(reg->callbacks, cb);
    g_mutex_unlock(&reg->lock);
    return cb->callbackID;
}

/* Removes this connection's registration that @match accepts; -1 when there is none */
static int
gvEventDeregister(gvCall *call, bool (*match)(const gvEventCallback *cb, gint32 key), gint32 key)
{
    gvEventRegistry *reg = call->daemon->events;
    guint i;

    g_mutex_lock(&reg->lock);
    for (i = 0; i < reg->callbacks->len; i++) {
        gvEventCallback *cb = g_ptr_array_index(reg->callbacks, i);

        if (cb->client == call->client && match(cb, key)) {
            g_ptr_array_remove_index(reg->callbacks, i);
            g_mutex_unlock(&reg->lock);
            return 0;
        }
    }
    g_mutex_unlock(&reg->lock);
    return -1;
}

static bool
gvEventMatchCallbackID(const gvEventCallback *cb, gint32 id)
{
    return cb->form != GV_EVENT_FORM_LEGACY && cb->eventID != GV_EVENT_ID_CONNECTION_CLOSED &&
           cb->callbackID == id;
}

static bool
gvEventMatchLegacyID(const gvEventCallback *cb, gint32 eventID)
{
    return cb->form == GV_EVENT_FORM_LEGACY && cb->eventID == eventID;
}

/* The domain of a registration: it must exist (the usual lookup error otherwise) */
static int
gvEventCheckDomain(gvCall *call, const gvRemoteDomain *dom, GError **error)
{
    g_autoptr(gvDomainObj) obj = NULL;

    if (!dom)
        return 0;
    obj = gvCallLookupDomain(call, dom, error);
    return obj ? 0 : -1;
}

int
gvProcConnectDomainEventCallbackRegisterAny(gvCall *call,
                                            const gvEventCallbackRegisterAnyArgs *args,
                                            gvCallbackIDRet *ret, GError **error)
{
    gint32 id;

    if (args->eventID < 0 || args->eventID >= GV_DOMAIN_EVENT_ID_LAST) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "unsupported event ID %d", args->eventID);
        return -1;
    }
    if (gvEventCheckDomain(call, args->dom, error) < 0)
        return -1;
    if ((id = gvEventRegister(call, args->eventID, args->dom, GV_EVENT_FORM_CALLBACK, error)) < 0)
        return -1;
    ret->callbackID = id;
    return 0;
}

int
gvProcConnectDomainEventCallbackDeregisterAny(gvCall *call, const gvCallbackIDArgs *args,
                                              gvRpcVoid *ret, GError **error)
{
    if (gvEventDeregister(call, gvEventMatchCallbackID, args->callbackID) < 0) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "domain event callback %d not registered",
                      args->callbackID);
        return -1;
    }
    return 0;
}

int
gvProcConnectDomainEventRegisterAny(gvCall *call, const gvEventRegisterAnyArgs *args,
                                    gvRpcVoid *ret, GError **error)
{
    /* the legacy form knows the events up to DEVICE_REMOVED only */
    if (args->eventID < 0 || args->eventID > GV_DOMAIN_EVENT_ID_DEVICE_REMOVED) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR,
                      "unsupported event ID %d: new events only use the modern callback style",
                      args->eventID);
        return -1;
    }
    return gvEventRegister(call, args->eventID, NULL, GV_EVENT_FORM_LEGACY, error) < 0 ? -1 : 0;
}

int
gvProcConnectDomainEventDeregisterAny(gvCall *call, const gvEventRegisterAnyArgs *args,
                                      gvRpcVoid *ret, GError **error)
{
    if (gvEventDeregister(call, gvEventMatchLegacyID, args->eventID) < 0) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "domain event %d not registered",
                      args->eventID);
        return -1;
    }
    return 0;
}

int
gvProcConnectDomainEventRegister(gvCall *call, const gvRpcVoid *args, gvCbRegisteredRet *ret,
                                 GError **error)
{
    return gvEventRegister(call, GV_DOMAIN_EVENT_ID_LIFECYCLE, NULL, GV_EVENT_FORM_LEGACY, error) <
                   0
               ? -1
               : 0;
}

int
gvProcConnectDomainEventDeregister(gvCall *call, const gvRpcVoid *args, gvCbRegisteredRet *ret,
                                   GError **error)
{
    if (gvEventDeregister(call, gvEventMatchLegacyID, GV_DOMAIN_EVENT_ID_LIFECYCLE) < 0) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "domain event %d not registered",
                      GV_DOMAIN_EVENT_ID_LIFECYCLE);
        return -1;
    }
    return 0;
}

int
gvProcGenvirtConnectGenidEventRegister(gvCall *call, const gvGenidEventRegisterArgs *args,
                                       gvCallbackIDRet *ret, GError **error)
{
    gint32 id;

    if (gvEventCheckDomain(call, args->dom, error) < 0)
        return -1;
    if ((id = gvEventRegister(call, GV_DOMAIN_EVENT_ID_GENID_CHANGED, args->dom,
                              GV_EVENT_FORM_GENID, error)) < 0)
        return -1;
    ret->callbackID = id;
    return 0;
}

int
gvProcGenvirtConnectGenidEventDeregister(gvCall *call, const gvCallbackIDArgs *args, gvRpcVoid *ret,
                                         GError **error)
{
    return gvProcConnectDomainEventCallbackDeregisterAny(call, args, ret, error);
}

int
gvProcConnectRegisterCloseCallback(gvCall *call, const gvRpcVoid *args, gvRpcVoid *ret,
                                   GError **error)
{
    return gvEventRegister(call, GV_EVENT_ID_CONNECTION_CLOSED, NULL, GV_EVENT_FORM_CALLBACK,
                           error) < 0
               ? -1
               : 0;
}

static bool
gvEventMatchClose(const gvEventCallback *cb, gint32 unused)
{
    return cb->eventID == GV_EVENT_ID_CONNECTION_CLOSED;
}

int
gvProcConnectUnregisterCloseCallback(gvCall *call, const gvRpcVoid *args, gvRpcVoid *ret,
                                     GError **error)
{
    /* a client without one: nothing to do, as libvirtd */
    (void)gvEventDeregister(call, gvEventMatchClose, 0);
    return 0;
}
