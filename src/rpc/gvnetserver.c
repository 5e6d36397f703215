/*
 * gvnetserver.c: the RPC server on the GLib main loop
 */
#include <gvconfig.h>

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

#include "gverror.h"
#include "gvnetserver.h"
#include "gvrpcprotocol.h"
#include "gvnettransport.h"
#include "gvxdr.h"

#define GV_NET_SERVER_MAX_CLIENTS 4096
#define GV_NET_CLIENT_MAX_INFLIGHT 64 /* calls per client before reading pauses */
/* event and stream bytes queued for a client, beyond which they drop it */
#define GV_NET_CLIENT_BACKLOG_MAX (1024 * 1024)
#define GV_NET_KEEPALIVE_TICK_MS 1000
#define GV_NET_SERVER_MAX_HANDSHAKES 512 /* TLS clients not yet through the handshake */
#define GV_NET_TLS_HANDSHAKE_TIMEOUT_S 10

typedef struct {
    gvNetServer *srv;
    int fd;
    gvNetServerTransportKind kind;
    bool readonly;
    char *path; /* the UNIX socket, else NULL */
    char *name; /* for the log: the path or ADDR:PORT */
    gvNetTLSContext *tls;
    gvNetTLSPolicy policy;
    guint watch;
} gvNetListener;

typedef struct {
    GSource source;
    gvNetServerClient *client;
    gpointer tag;
} gvNetClientSource;

struct _gvNetServerClient {
    gint ref;
    gvNetServer *srv;
    gvNetTransport io; /* the socket, and the TLS session over it */
    gvNetListener *listener;
    bool readonly;
    gint64 pid;
    gint64 uid;
    char *peer; /* ADDR:PORT of a TCP peer */
    char *identity; /* the DN of a TLS client's certificate */
    bool handshaking; /* a TLS client before its handshake and checks are done */
    GSource *handshakeTimer;
    bool readWantsWrite; /* the TLS session must write before it can read on */

    /* main loop only */
    GSource *source;
    GIOCondition events; /* what the source polls for */
    guint8 lenbuf[4];
    size_t lenRead;
    GByteArray *rx; /* a frame (after its length word) arriving in pieces */
    size_t rxWant;
    size_t rxCap; /* what rx holds without growing */
    GByteArray *held; /* read past the call limit: taken once calls finish */
    size_t heldCap;

    /* shared with workers, under lock */
    GMutex lock;
    GQueue tx; /* GByteArray frames */
    GQueue txAsync; /* for each frame of tx: whether it is an event or stream frame */
    GQueue txFds; /* for each frame of tx: an fd to pass after it (GINT_TO_POINTER(fd + 1)), 0 */
    int txFdPending; /* passed next, before any other byte; -1 none */
    size_t txOffset; /* of the head frame */
    size_t asyncBytes; /* of event and stream frames posted and not yet sent */
    unsigned int inflight;
    bool closing; /* close once tx drains */
    bool closed;

    /* keepalive, main loop only */
    bool keepalive;
    gint64 lastRx; /* monotonic, microseconds */
    int pingsSent; /* since lastRx */

    gpointer priv;
};

struct _gvNetServer {
    GMainContext *ctx;
    gvNetServerDispatchFunc dispatch;
    gvNetServerInlineFunc isInline;
    gvNetServerClientInitFunc clientInit;
    GDestroyNotify clientPrivFree;
    gpointer opaque;
    GThreadPool *pool;
    GPtrArray *listeners; /* gvNetListener */
    GHashTable *clients; /* gvNetServerClient -> itself */
    guint handshakes; /* clients in the TLS handshake */
    gvNetServerClientCloseFunc closeFunc;
    gvNetServerStreamFunc streamFunc;
    int kaInterval; /* seconds */
    int kaCount;
    guint kaTimer;
};

typedef struct {
    gvNetServerClient *client;
    gvNetMessageHeader hdr;
    GByteArray *payload;
} gvNetJob;

static void gvNetServerClientClose(gvNetServerClient *client);
static gboolean gvNetServerClientEvent(gvNetServerClient *client, GIOCondition revents);
static void gvNetServerClientUpdateEvents(gvNetServerClient *client);
static bool gvNetServerClientHandshake(gvNetServerClient *client);

/* ---- clients ------------------------------------------------------------ */

gvNetServerClient *
gvNetServerClientRef(gvNetServerClient *client)
{
    g_atomic_int_inc(&client->ref);
    return client;
}

void
gvNetServerClientUnref(gvNetServerClient *client)
{
    if (!client || !g_atomic_int_dec_and_test(&client->ref))
        return;
    g_queue_clear_full(&client->tx, (GDestroyNotify)gvXdrBufferFree);
    g_queue_clear(&client->txAsync);
    while (!g_queue_is_empty(&client->txFds)) {
        int fd = GPOINTER_TO_INT(g_queue_pop_head(&client->txFds)) - 1;

        if (fd >= 0)
            close(fd);
    }
    if (client->txFdPending >= 0)
        close(client->txFdPending);
    gvXdrBufferFree(client->rx);
    gvXdrBufferFree(client->held);
    if (client->priv && client->srv->clientPrivFree)
        client->srv->clientPrivFree(client->priv);
    g_free(client->peer);
    g_free(client->identity);
    g_mutex_clear(&client->lock);
    g_free(client);
}

bool
gvNetServerClientIsReadonly(gvNetServerClient *client)
{
    return client->readonly;
}

gpointer
gvNetServerClientGetPriv(gvNetServerClient *client)
{
    return client->priv;
}

void
gvNetServerClientGetCreds(gvNetServerClient *client, gint64 *pid, gint64 *uid)
{
    *pid = client->pid;
    *uid = client->uid;
}

gvNetServerTransportKind
gvNetServerClientGetTransport(gvNetServerClient *client)
{
    return client->listener->kind;
}

bool
gvNetServerClientIsSecure(gvNetServerClient *client)
{
    switch (client->listener->kind) {
    case GV_NET_SERVER_TRANSPORT_UNIX:
    case GV_NET_SERVER_TRANSPORT_TLS:
        return true;
    case GV_NET_SERVER_TRANSPORT_TCP:
    case GV_NET_SERVER_TRANSPORT_LAST:
        break;
    }
    return false;
}

bool
gvNetServerClientIsEncrypted(gvNetServerClient *client)
{
    return client->listener->kind == GV_NET_SERVER_TRANSPORT_TLS;
}

const char *
gvNetServerClientGetIdentity(gvNetServerClient *client)
{
    return client->identity;
}

static gboolean
gvNetClientSourceDispatch(GSource *source, GSourceFunc callback, gpointer data)
{
    gvNetClientSource *cs = (gvNetClientSource *)source;
    GIOCondition revents = g_source_query_unix_fd(source, cs->tag);

    return gvNetServerClientEvent(cs->client, revents);
}

static GSourceFuncs gvNetClientSourceFuncs = { NULL, NULL, gvNetClientSourceDispatch,
                                               NULL, NULL, NULL };

/* Sends what it can of the queue; main loop. Returns false on a write error. */
/* Passes the pending fd, if any; with the lock held.  False on an error. */
static bool
gvNetServerClientFlushFd(gvNetServerClient *client)
{
    ssize_t n;

    if (client->txFdPending < 0)
        return true;
    n = gvNetTransportSendFd(&client->io, client->txFdPending);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    close(client->txFdPending);
    client->txFdPending = -1;
    return n > 0;
}

static bool
gvNetServerClientFlush(gvNetServerClient *client)
{
    g_mutex_lock(&client->lock);
    if (!gvNetServerClientFlushFd(client)) {
        g_mutex_unlock(&client->lock);
        return false;
    }
    while (client->txFdPending < 0 && !g_queue_is_empty(&client->tx)) {
        GByteArray *frame = g_queue_peek_head(&client->tx);
        ssize_t n = gvNetTransportSend(&client->io, frame->data + client->txOffset,
                                       frame->len - client->txOffset);

        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                break;
            g_mutex_unlock(&client->lock);
            return false;
        }
        client->txOffset += (size_t)n;
        if (client->txOffset == frame->len) {
            if (g_queue_pop_head(&client->txAsync))
                client->asyncBytes -= frame->len;
            client->txFdPending = GPOINTER_TO_INT(g_queue_pop_head(&client->txFds)) - 1;
            gvXdrBufferFree(g_queue_pop_head(&client->tx));
            client->txOffset = 0;
            /* a *_WITH_FDS message: its fd follows with one byte, as libvirt reads it */
            if (!gvNetServerClientFlushFd(client)) {
                g_mutex_unlock(&client->lock);
                return false;
            }
            if (client->txFdPending >= 0)
                break;
        }
    }
    g_mutex_unlock(&client->lock);
    return true;
}

/*
 * A call: answered right here when it is cheap, else queued for a worker,
 * which gets @owned or a copy of @frame; main loop.
 */
static void
gvNetServerClientEnqueueCall(gvNetServerClient *client, const gvNetMessageHeader *hdr,
                             const guint8 *frame, size_t len, GByteArray *owned)
{
    gvNetJob *job;

    if (client->srv->isInline && client->srv->isInline(hdr, client->srv->opaque)) {
        /* cheap and non-blocking: answer right here on the main loop */
        client->srv->dispatch(client, hdr, frame + GV_NET_MESSAGE_HEADER_MAX,
                              len - GV_NET_MESSAGE_HEADER_MAX, client->srv->opaque);
        gvXdrBufferFree(owned);
        return;
    }
    if (!owned) {
        owned = g_byte_array_sized_new((guint)len);
        g_byte_array_append(owned, frame, (guint)len);
    }
    job = g_new0(gvNetJob, 1);
    job->hdr = *hdr;
    job->client = gvNetServerClientRef(client);
    job->payload = owned;
    g_mutex_lock(&client->lock);
    client->inflight++;
    g_mutex_unlock(&client->lock);
    g_thread_pool_push(client->srv->pool, job, NULL);
}

/*
 * A whole frame (after its length word) has arrived, @len bytes at @frame;
 * @owned is the array holding them when there is one (taken).  Main loop.
 */
static void
gvNetServerClientHandleFrame(gvNetServerClient *client, const guint8 *frame, size_t len,
                             GByteArray *owned)
{
    gvNetMessageHeader hdr;

    gvNetMessageDecodeHeader(frame, &hdr);
    if (hdr.prog == GV_PROGRAM_KEEPALIVE) {
        if (hdr.proc == GV_KEEPALIVE_PROC_PING && hdr.type == GV_NET_MESSAGE) {
            gvNetMessageHeader pong = { GV_PROGRAM_KEEPALIVE,
                                        GV_PROGRAM_VERSION,
                                        GV_KEEPALIVE_PROC_PONG,
                                        GV_NET_MESSAGE,
                                        0,
                                        GV_NET_OK };
            GByteArray *reply = gvNetMessageNew(&pong);

            (void)gvNetMessageFinish(reply);
            gvNetServerClientSend(client, reply);
        }
        gvXdrBufferFree(owned);
        return;
    }
    if (hdr.type == GV_NET_STREAM && client->srv->streamFunc) {
        client->srv->streamFunc(client, &hdr, frame + GV_NET_MESSAGE_HEADER_MAX,
                                len - GV_NET_MESSAGE_HEADER_MAX, client->srv->opaque);
        gvXdrBufferFree(owned);
        return;
    }
    if (hdr.type != GV_NET_CALL) {
        /* replies or events from a client: nothing to do */
        g_debug("client %d: ignoring a message of type %u", client->io.fd, hdr.type);
        gvXdrBufferFree(owned);
        return;
    }
    gvNetServerClientEnqueueCall(client, &hdr, frame, len, owned);
}

/* Whether the client may start another call now; main loop */
static bool
gvNetServerClientCanRead(gvNetServerClient *client)
{
    bool ret;

    if (client->closed)
        return false;
    g_mutex_lock(&client->lock);
    ret = client->inflight < GV_NET_CLIENT_MAX_INFLIGHT && !client->closing;
    g_mutex_unlock(&client->lock);
    return ret;
}

/*
 * Appends to *@arr (room for *@cap bytes; NULL: a new one), never letting it
 * grow in place: GByteArray grows with realloc, which frees the old block as
 * it is, and a frame may hold a domain XML with its GUID.  A bigger array is
 * made, filled, and the old one wiped.  @limit, when not 0, caps the room.
 */
static void
gvNetAppendWiping(GByteArray **arr, size_t *cap, const guint8 *data, size_t len, size_t limit)
{
    GByteArray *old = *arr;
    size_t need = (old ? old->len : 0) + len;

    if (!old)
        *cap = 0; /* the room of an array that was taken away is not ours */
    if (!old || need > *cap) {
        size_t grown = MAX(need, *cap * 2);
        GByteArray *bigger;

        if (limit > 0)
            grown = MIN(MAX(grown, need), MAX(limit, need));
        bigger = g_byte_array_sized_new((guint)grown);
        if (old)
            g_byte_array_append(bigger, old->data, old->len);
        gvXdrBufferFree(old);
        *arr = bigger;
        *cap = grown;
    }
    g_byte_array_append(*arr, data, (guint)len);
}

/*
 * Takes the frames in @data, @len bytes just read: a read usually holds a
 * length word and its whole frame, which is then handled in place.  What
 * comes after the point where the client may not start another call is kept
 * in client->held.  Main loop.  Returns false when the client must go.
 */
static bool
gvNetServerClientConsume(gvNetServerClient *client, const guint8 *data, size_t len)
{
    while (len > 0) {
        size_t take;

        if (!gvNetServerClientCanRead(client)) {
            if (!client->closed) {
                gvNetAppendWiping(&client->held, &client->heldCap, data, len, 0);
            }
            return true; /* resumes when replies drain */
        }
        if (!client->rx) {
            guint32 flen;

            take = MIN(len, 4 - client->lenRead);
            memcpy(client->lenbuf + client->lenRead, data, take);
            client->lenRead += take;
            data += take;
            len -= take;
            if (client->lenRead < 4)
                return true;
            memcpy(&flen, client->lenbuf, 4);
            flen = GUINT32_FROM_BE(flen);
            client->lenRead = 0;
            /* the limit is checked before anything is allocated */
            if (!gvNetMessageLengthValid(flen)) {
                g_message("client %d: frame length %u out of bounds, closing it", client->io.fd,
                          flen);
                return false;
            }
            if (len >= flen - 4) {
                /* all of it is here */
                gvNetServerClientHandleFrame(client, data, flen - 4, NULL);
                data += flen - 4;
                len -= flen - 4;
                continue;
            }
            client->rxWant = flen - 4;
            /* a claimed length allocates at most 64 KiB until the bytes come */
            client->rxCap = MIN(client->rxWant, 65536);
            client->rx = g_byte_array_sized_new((guint)client->rxCap);
        }
        take = MIN(len, client->rxWant - client->rx->len);
        gvNetAppendWiping(&client->rx, &client->rxCap, data, take, client->rxWant);
        data += take;
        len -= take;
        if (client->rx->len == client->rxWant) {
            GByteArray *frame = g_steal_pointer(&client->rx);

            gvNetServerClientHandleFrame(client, frame->data, frame->len, frame);
        }
    }
    return true;
}

/*
 * Reads what is there, after what was held back; main loop.  Returns false
 * when the client must go.  Answering a call inline may close the client.
 */
static bool
gvNetServerClientRead(gvNetServerClient *client)
{
    guint8 buf[65536];

    client->readWantsWrite = false;
    if (client->held) {
        GByteArray *held;
        bool ok;

        if (!gvNetServerClientCanRead(client))
            return true;
        held = g_steal_pointer(&client->held);
        client->heldCap = 0;
        ok = gvNetServerClientConsume(client, held->data, held->len);
        gvXdrBufferFree(held);
        if (!ok)
            return false;
        if (client->held)
            return true; /* at the limit again */
    }
    while (gvNetServerClientCanRead(client)) {
        ssize_t n = gvNetTransportRecv(&client->io, buf, sizeof(buf));
        bool ok;

        if (n == 0)
            return false;
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                return false;
            client->readWantsWrite = gvNetTransportWantsWrite(&client->io);
            return true;
        }
        client->lastRx = g_get_monotonic_time();
        client->pingsSent = 0;
        ok = gvNetServerClientConsume(client, buf, (size_t)n);
        explicit_bzero(buf, (size_t)n);
        if (!ok)
            return false;
        /*
         * A short read emptied the socket: the poll tells when there is
         * more, unless the TLS session holds decrypted bytes already.
         */
        if ((size_t)n < sizeof(buf) && gvNetTransportPending(&client->io) == 0)
            break;
    }
    return true;
}

static gboolean
gvNetServerClientEventRef(gvNetServerClient *client, GIOCondition revents)
{
    bool drained;

    if (revents & (G_IO_ERR | G_IO_NVAL)) {
        gvNetServerClientClose(client);
        return G_SOURCE_REMOVE;
    }
    if (client->handshaking) {
        if (!gvNetServerClientHandshake(client)) {
            gvNetServerClientClose(client);
            return G_SOURCE_REMOVE;
        }
        gvNetServerClientUpdateEvents(client);
        return G_SOURCE_CONTINUE;
    }
    if (((revents & (G_IO_IN | G_IO_HUP)) || ((revents & G_IO_OUT) && client->readWantsWrite)) &&
        !gvNetServerClientRead(client)) {
        gvNetServerClientClose(client);
        return G_SOURCE_REMOVE;
    }
    /* a reply sent inline may have found the peer gone and closed it */
    if (client->closed)
        return G_SOURCE_REMOVE;
    if ((revents & G_IO_OUT) && !gvNetServerClientFlush(client)) {
        gvNetServerClientClose(client);
        return G_SOURCE_REMOVE;
    }
    g_mutex_lock(&client->lock);
    drained = g_queue_is_empty(&client->tx);
    g_mutex_unlock(&client->lock);
    if (client->closing && drained) {
        gvNetServerClientClose(client);
        return G_SOURCE_REMOVE;
    }
    gvNetServerClientUpdateEvents(client);
    return G_SOURCE_CONTINUE;
}

/*
 * Main loop.  Holds a reference throughout: closing the client (here, or in
 * a reply sent inline while reading) drops the server's reference.
 */
static gboolean
gvNetServerClientEvent(gvNetServerClient *client, GIOCondition revents)
{
    gboolean ret;

    gvNetServerClientRef(client);
    ret = gvNetServerClientEventRef(client, revents);
    gvNetServerClientUnref(client);
    return ret;
}

/*
 * Main loop.  The source is changed only when the events do: each change
 * wakes the main loop up once more.
 */
static void
gvNetServerClientUpdateEvents(gvNetServerClient *client)
{
    GIOCondition events = 0;

    if (client->closed)
        return;
    if (client->handshaking) {
        events = gvNetTransportWantsWrite(&client->io) ? G_IO_OUT : G_IO_IN;
    } else {
        g_mutex_lock(&client->lock);
        if (client->inflight < GV_NET_CLIENT_MAX_INFLIGHT && !client->closing)
            events |= G_IO_IN;
        if (!g_queue_is_empty(&client->tx) || client->readWantsWrite)
            events |= G_IO_OUT;
        g_mutex_unlock(&client->lock);
    }
    if (events == client->events)
        return;
    client->events = events;
    g_source_modify_unix_fd(client->source, ((gvNetClientSource *)client->source)->tag, events);
}

static void
gvNetServerClientClose(gvNetServerClient *client)
{
    if (client->closed)
        return;
    g_mutex_lock(&client->lock);
    client->closed = true;
    g_mutex_unlock(&client->lock);
    g_debug("client %d: closed", client->io.fd);
    if (client->srv->closeFunc)
        client->srv->closeFunc(client, client->srv->opaque);
    g_source_destroy(client->source);
    g_source_unref(client->source);
    client->source = NULL;
    if (client->handshakeTimer) {
        g_source_destroy(client->handshakeTimer);
        g_source_unref(client->handshakeTimer);
        client->handshakeTimer = NULL;
    }
    if (client->handshaking)
        client->srv->handshakes--;
    client->handshaking = false;
    gvNetTransportClear(&client->io);
    g_hash_table_remove(client->srv->clients, client);
    gvNetServerClientUnref(client);
}

/*
 * Main loop: one call fewer in flight (@doneCall), close once drained
 * (@closeLater), queue @frame (taken) and write what can go now.
 */
static void
gvNetServerClientSendNow(gvNetServerClient *client, GByteArray *frame, bool doneCall,
                         bool closeLater, bool async, int fd)
{
    bool wasIdle;

    g_mutex_lock(&client->lock);
    if (doneCall && client->inflight > 0)
        client->inflight--;
    if (closeLater)
        client->closing = true;
    if (client->closed) {
        if (frame && async)
            client->asyncBytes -= frame->len;
        g_mutex_unlock(&client->lock);
        gvXdrBufferFree(frame);
        if (fd >= 0)
            close(fd);
        return;
    }
    if (frame) {
        g_queue_push_tail(&client->tx, frame);
        g_queue_push_tail(&client->txAsync, GINT_TO_POINTER(async));
        g_queue_push_tail(&client->txFds, GINT_TO_POINTER(fd + 1));
    }
    wasIdle = g_queue_get_length(&client->tx) <= 1;
    g_mutex_unlock(&client->lock);

    if (wasIdle && !gvNetServerClientFlush(client)) {
        gvNetServerClientClose(client);
        return;
    }
    if (client->closed)
        return;
    /*
     * A finished call may let what was read past the limit go on.  Never
     * while reading: a reply sent inline does not finish a worker's call.
     */
    (void)gvNetServerClientEvent(
        client, doneCall && (client->held || gvNetTransportPending(&client->io) > 0) ? G_IO_IN : 0);
}

typedef struct {
    gvNetServerClient *client;
    GByteArray *frame;
    bool doneCall;
    bool closeLater;
    bool closeNow;
    bool async;
    int fd; /* passed after the frame, or -1 */
} gvNetSendReq;

static gboolean
gvNetServerClientSendMain(gpointer opaque)
{
    gvNetSendReq *req = opaque;

    if (req->closeNow) {
        gvNetServerClientClose(req->client);
        return G_SOURCE_REMOVE;
    }
    gvNetServerClientSendNow(req->client, g_steal_pointer(&req->frame), req->doneCall,
                             req->closeLater, req->async, req->fd);
    req->fd = -1;
    return G_SOURCE_REMOVE;
}

static void
gvNetSendReqFree(gpointer opaque)
{
    gvNetSendReq *req = opaque;

    if (req->fd >= 0)
        close(req->fd);
    gvNetServerClientUnref(req->client);
    g_free(req);
}

static void
gvNetServerClientPost(gvNetServerClient *client, GByteArray *frame, bool doneCall, bool closeLater,
                      bool async, int fd)
{
    gvNetSendReq *req;

    /* on the main loop (a call answered inline): no need to go through it */
    if (g_main_context_is_owner(client->srv->ctx)) {
        gvNetServerClientRef(client);
        gvNetServerClientSendNow(client, frame, doneCall, closeLater, async, fd);
        gvNetServerClientUnref(client);
        return;
    }
    req = g_new0(gvNetSendReq, 1);
    req->client = gvNetServerClientRef(client);
    req->frame = frame;
    req->doneCall = doneCall;
    req->closeLater = closeLater;
    req->async = async;
    req->fd = fd;
    g_main_context_invoke_full(client->srv->ctx, G_PRIORITY_DEFAULT, gvNetServerClientSendMain, req,
                               gvNetSendReqFree);
}

void
gvNetServerClientSend(gvNetServerClient *client, GByteArray *frame)
{
    gvNetServerClientPost(client, frame, false, false, false, -1);
}

void
gvNetServerClientSendWithFd(gvNetServerClient *client, GByteArray *frame, int fd)
{
    gvNetServerClientPost(client, frame, false, false, false, fd);
}

void
gvNetServerClientCloseLater(gvNetServerClient *client)
{
    gvNetServerClientPost(client, NULL, false, true, false, -1);
}

bool
gvNetServerClientSendAsync(gvNetServerClient *client, GByteArray *frame)
{
    bool drop;
    bool gone;
    gvNetSendReq *req;

    g_mutex_lock(&client->lock);
    gone = client->closed;
    drop = !gone && client->asyncBytes + frame->len > GV_NET_CLIENT_BACKLOG_MAX;
    if (!gone && !drop)
        client->asyncBytes += frame->len;
    g_mutex_unlock(&client->lock);
    if (!gone && !drop) {
        gvNetServerClientPost(client, frame, false, false, true, -1);
        return true;
    }
    gvXdrBufferFree(frame);
    if (gone)
        return false;
    /* it stopped reading: its backlog would only grow */
    g_message("client %d: more than %d bytes unread, closing it", client->io.fd,
              GV_NET_CLIENT_BACKLOG_MAX);
    req = g_new0(gvNetSendReq, 1);
    req->client = gvNetServerClientRef(client);
    req->closeNow = true;
    req->fd = -1;
    /*
     * Later, never from here: the caller may hold locks that closing the
     * client takes (its close function), even on the main loop.
     */
    {
        GSource *idle = g_idle_source_new();

        g_source_set_callback(idle, gvNetServerClientSendMain, req, gvNetSendReqFree);
        g_source_attach(idle, client->srv->ctx);
        g_source_unref(idle);
    }
    return false;
}

bool
gvNetServerClientIsClosed(gvNetServerClient *client)
{
    bool ret;

    g_mutex_lock(&client->lock);
    ret = client->closed || client->closing;
    g_mutex_unlock(&client->lock);
    return ret;
}

/* ---- keepalive ------------------------------------------------------------ */

static void
gvNetServerClientSendPing(gvNetServerClient *client)
{
    gvNetMessageHeader ping = { GV_PROGRAM_KEEPALIVE,
                                GV_PROGRAM_VERSION,
                                GV_KEEPALIVE_PROC_PING,
                                GV_NET_MESSAGE,
                                0,
                                GV_NET_OK };
    GByteArray *frame = gvNetMessageNew(&ping);

    (void)gvNetMessageFinish(frame);
    gvNetServerClientPost(client, frame, false, false, false, -1);
}

/* Main loop, every second: PINGs to silent clients, and the end of dead ones */
static gboolean
gvNetServerKeepAliveTick(gpointer opaque)
{
    gvNetServer *srv = opaque;
    gint64 now = g_get_monotonic_time();
    g_autoptr(GList) clients = g_hash_table_get_keys(srv->clients);
    GList *l;

    for (l = clients; l; l = l->next) {
        gvNetServerClient *client = l->data;
        gint64 interval = (gint64)srv->kaInterval * G_USEC_PER_SEC;

        if (!client->keepalive || client->closed)
            continue;
        if (now - client->lastRx < interval * (client->pingsSent + 1))
            continue;
        if (client->pingsSent >= srv->kaCount) {
            g_message("client %d: no answer to %d keepalive PINGs in %" G_GINT64_FORMAT
                      " s, closing it",
                      client->io.fd, client->pingsSent, (now - client->lastRx) / G_USEC_PER_SEC);
            gvNetServerClientClose(client);
            continue;
        }
        client->pingsSent++;
        gvNetServerClientSendPing(client);
    }
    return G_SOURCE_CONTINUE;
}

static gboolean
gvNetServerClientStartKeepAliveMain(gpointer opaque)
{
    gvNetServerClient *client = opaque;
    gvNetServer *srv = client->srv;

    if (srv->kaInterval <= 0 || client->closed)
        return G_SOURCE_REMOVE;
    client->keepalive = true;
    client->lastRx = g_get_monotonic_time();
    client->pingsSent = 0;
    if (!srv->kaTimer) {
        GSource *src = g_timeout_source_new(GV_NET_KEEPALIVE_TICK_MS);

        g_source_set_callback(src, gvNetServerKeepAliveTick, srv, NULL);
        srv->kaTimer = g_source_attach(src, srv->ctx);
        g_source_unref(src);
    }
    return G_SOURCE_REMOVE;
}

void
gvNetServerClientStartKeepAlive(gvNetServerClient *client)
{
    g_main_context_invoke_full(client->srv->ctx, G_PRIORITY_DEFAULT,
                               gvNetServerClientStartKeepAliveMain, gvNetServerClientRef(client),
                               (GDestroyNotify)gvNetServerClientUnref);
}

void
gvNetServerSetKeepAlive(gvNetServer *srv, int interval, int count)
{
    srv->kaInterval = interval;
    srv->kaCount = MAX(count, 0);
}

void
gvNetServerSetClientCloseFunc(gvNetServer *srv, gvNetServerClientCloseFunc func)
{
    srv->closeFunc = func;
}

void
gvNetServerSetStreamFunc(gvNetServer *srv, gvNetServerStreamFunc func)
{
    srv->streamFunc = func;
}

/* ---- workers ------------------------------------------------------------ */

static void
gvNetServerWorker(gpointer data, gpointer opaque)
{
    gvNetJob *job = data;
    gvNetServer *srv = opaque;
    gvNetServerClient *client = job->client;

    srv->dispatch(client, &job->hdr, job->payload->data + GV_NET_MESSAGE_HEADER_MAX,
                  job->payload->len - GV_NET_MESSAGE_HEADER_MAX, srv->opaque);
    gvXdrBufferFree(job->payload);
    /* one call fewer in flight: reading may resume */
    gvNetServerClientPost(client, NULL, true, false, false, -1);
    gvNetServerClientUnref(client);
    g_free(job);
}

/* ---- TLS handshake ------------------------------------------------------ */

static void
gvNetServerClientReady(gvNetServerClient *client)
{
    gvNetServer *srv = client->srv;

    if (srv->clientInit)
        client->priv = srv->clientInit(client, srv->opaque);
}

/*
 * One step of a TLS client's handshake, then its checks; main loop.
 * Returns false when the client must go.
 */
static bool
gvNetServerClientHandshake(gvNetServerClient *client)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dn = NULL;
    g_autofree char *desc = NULL;
    GByteArray *ok;
    bool readonly = false;
    int rc = gvNetTLSSessionHandshake(client->io.tls, &error);

    if (rc == 0)
        return true;
    if (rc < 0) {
        g_message("TLS client %s (fd %d) refused: %s", client->peer, client->io.fd, error->message);
        return false;
    }
    if (gvNetTLSSessionCheckClient(client->io.tls, &client->listener->policy, &dn, &readonly,
                                   &error) < 0) {
        g_warning("TLS client %s (fd %d) refused, certificate DN '%s': %s", client->peer,
                  client->io.fd, dn ? dn : "(none)", error->message);
        return false;
    }
    client->handshaking = false;
    client->srv->handshakes--;
    g_source_destroy(client->handshakeTimer);
    g_source_unref(client->handshakeTimer);
    client->handshakeTimer = NULL;
    client->identity = g_steal_pointer(&dn);
    client->readonly = client->listener->readonly || readonly;
    desc = gvNetTLSSessionDescribe(client->io.tls);
    g_message("TLS client %s (fd %d) accepted: DN '%s', %s%s", client->peer, client->io.fd,
              client->identity ? client->identity : "(no certificate)", desc,
              client->readonly ? " (read-only)" : "");
    gvNetServerClientReady(client);
    /* libvirt's clients wait for this byte: the checks have succeeded */
    ok = g_byte_array_new();
    g_byte_array_append(ok, (const guint8 *)"\1", 1);
    g_mutex_lock(&client->lock);
    g_queue_push_tail(&client->tx, ok);
    g_queue_push_tail(&client->txAsync, GINT_TO_POINTER(FALSE));
    g_queue_push_tail(&client->txFds, GINT_TO_POINTER(0));
    g_mutex_unlock(&client->lock);
    return gvNetServerClientFlush(client);
}

static gboolean
gvNetServerClientHandshakeTimeout(gpointer opaque)
{
    gvNetServerClient *client = opaque;

    if (client->handshaking && !client->closed) {
        g_message("TLS client %s (fd %d) refused: no handshake within %d s", client->peer,
                  client->io.fd, GV_NET_TLS_HANDSHAKE_TIMEOUT_S);
        gvNetServerClientClose(client);
    }
    return G_SOURCE_REMOVE;
}

/* ---- listeners ---------------------------------------------------------- */

static void
gvNetListenerFree(gvNetListener *l)
{
    g_free(l->path);
    g_free(l->name);
    gvNetTLSContextUnref(l->tls);
    g_strfreev(l->policy.allowed);
    g_strfreev(l->policy.readonly);
    g_free(l);
}

static char *
gvNetSockaddrFormat(const struct sockaddr *sa, socklen_t len)
{
    char host[NI_MAXHOST];
    char serv[NI_MAXSERV];

    if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return g_strdup("?");
    if (sa->sa_family == AF_INET6)
        return g_strdup_printf("[%s]:%s", host, serv);
    return g_strdup_printf("%s:%s", host, serv);
}

static gboolean
gvNetServerAccept(gint fd, GIOCondition cond, gpointer opaque)
{
    gvNetListener *l = opaque;
    gvNetServer *srv = l->srv;
    gvNetServerClient *client;
    gvNetClientSource *cs;
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);
    int cfd;

    cfd = accept4(fd, (struct sockaddr *)&ss, &sslen, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0)
        return G_SOURCE_CONTINUE;
    if (g_hash_table_size(srv->clients) >= GV_NET_SERVER_MAX_CLIENTS) {
        g_message("refusing a client: %d connections already", GV_NET_SERVER_MAX_CLIENTS);
        close(cfd);
        return G_SOURCE_CONTINUE;
    }
    if (l->kind == GV_NET_SERVER_TRANSPORT_TLS && srv->handshakes >= GV_NET_SERVER_MAX_HANDSHAKES) {
        g_message("refusing a TLS client: %d handshakes under way already",
                  GV_NET_SERVER_MAX_HANDSHAKES);
        close(cfd);
        return G_SOURCE_CONTINUE;
    }
    client = g_new0(gvNetServerClient, 1);
    client->ref = 1;
    client->srv = srv;
    client->io.fd = cfd;
    client->listener = l;
    client->readonly = l->readonly;
    client->pid = -1;
    client->uid = -1;
    g_mutex_init(&client->lock);
    g_queue_init(&client->tx);
    g_queue_init(&client->txAsync);
    g_queue_init(&client->txFds);
    client->txFdPending = -1;
    if (l->kind == GV_NET_SERVER_TRANSPORT_UNIX) {
        struct ucred cred;
        socklen_t credlen = sizeof(cred);

        if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &credlen) == 0) {
            client->pid = cred.pid;
            client->uid = cred.uid;
        }
        g_message("client connected: fd=%d pid=%" G_GINT64_FORMAT " uid=%" G_GINT64_FORMAT
                  " socket=%s%s",
                  cfd, client->pid, client->uid, l->name, client->readonly ? " (read-only)" : "");
    } else {
        int one = 1;

        /*
         * A reply larger than a segment (a TLS record is 16 KiB) must not
         * wait in Nagle's algorithm for the client's delayed ACK (40 ms).
         */
        (void)setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        client->peer = gvNetSockaddrFormat((struct sockaddr *)&ss, sslen);
        g_message("client connected: fd=%d peer=%s %s %s%s", cfd, client->peer,
                  l->kind == GV_NET_SERVER_TRANSPORT_TLS ? "tls" : "tcp", l->name,
                  client->readonly ? " (read-only)" : "");
    }
    if (l->kind == GV_NET_SERVER_TRANSPORT_TLS) {
        g_autoptr(GError) error = NULL;

        if (!(client->io.tls = gvNetTLSSessionNew(l->tls, cfd, NULL, &error))) {
            g_message("TLS client %s refused: %s", client->peer, error->message);
            gvNetTransportClear(&client->io);
            gvNetServerClientUnref(client);
            return G_SOURCE_CONTINUE;
        }
        client->handshaking = true;
        srv->handshakes++;
        client->handshakeTimer = g_timeout_source_new_seconds(GV_NET_TLS_HANDSHAKE_TIMEOUT_S);
        g_source_set_callback(client->handshakeTimer, gvNetServerClientHandshakeTimeout, client,
                              NULL);
        g_source_attach(client->handshakeTimer, srv->ctx);
    } else {
        gvNetServerClientReady(client);
    }

    client->source = g_source_new(&gvNetClientSourceFuncs, sizeof(gvNetClientSource));
    cs = (gvNetClientSource *)client->source;
    cs->client = client;
    client->events = G_IO_IN;
    cs->tag = g_source_add_unix_fd(client->source, cfd, client->events);
    /*
     * Otherwise GLib takes the fd out of the poll set around every dispatch
     * and puts it back after, waking the loop up twice per call for nothing.
     * Nothing dispatched here iterates the main context (gvDriverStartup and
     * gvDriverShutdown do, but only while no client is connected), so the
     * source is never dispatched from within itself.
     */
    g_source_set_can_recurse(client->source, TRUE);
    g_source_attach(client->source, srv->ctx);
    g_hash_table_add(srv->clients, client);
    return G_SOURCE_CONTINUE;
}

/* Watches the listening socket @l->fd (taken) */
static void
gvNetServerListen(gvNetServer *srv, gvNetListener *l)
{
    GSource *src = g_unix_fd_source_new(l->fd, G_IO_IN);

    l->srv = srv;
    g_source_set_callback(src, (GSourceFunc)(void (*)(void))gvNetServerAccept, l, NULL);
    l->watch = g_source_attach(src, srv->ctx);
    g_source_unref(src);
    g_ptr_array_add(srv->listeners, l);
}

int
gvNetServerAddListener(gvNetServer *srv, const char *path, unsigned int mode, bool readonly,
                       GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    gvNetListener *l;
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "socket path '%s' is too long", path);
        return -1;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
        gvReportSystemError(error, errno, "cannot create a socket for '%s'", path);
        return -1;
    }
    /* a stale socket of an earlier daemon */
    if (unlink(path) < 0 && errno != ENOENT) {
        gvReportSystemError(error, errno, "cannot remove stale socket '%s'", path);
        close(fd);
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        gvReportSystemError(error, errno, "cannot bind socket '%s'", path);
        close(fd);
        return -1;
    }
    if (chmod(path, mode) < 0 || listen(fd, 128) < 0) {
        gvReportSystemError(error, errno, "cannot listen on socket '%s'", path);
        close(fd);
        return -1;
    }
    l = g_new0(gvNetListener, 1);
    l->fd = fd;
    l->kind = GV_NET_SERVER_TRANSPORT_UNIX;
    l->readonly = readonly;
    l->path = g_strdup(path);
    l->name = g_strdup(path);
    gvNetServerListen(srv, l);
    return 0;
}

int
gvNetServerAddTCPListener(gvNetServer *srv, const char *addr, int port, gvNetTLSContext *tls,
                          const gvNetTLSPolicy *policy, bool readonly, GError **error)
{
    struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_ADDRCONFIG,
                              .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    struct addrinfo *ai;
    g_autofree char *service = g_strdup_printf("%d", port);
    const char *what = tls ? "TLS" : "TCP";
    int lastErr = 0;
    int bound = 0;
    int rc;

    if (addr && !*addr)
        addr = NULL;
    if ((rc = getaddrinfo(addr, service, &hints, &res)) != 0) {
        gvReportError(error, GV_ERR_SYSTEM_ERROR, "cannot resolve %s listen address '%s': %s", what,
                      addr ? addr : "*", gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        gvNetListener *l;
        int one = 1;
        int fd =
            socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);

        if (fd < 0) {
            lastErr = errno;
            continue;
        }
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ai->ai_family == AF_INET6)
            (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0) {
            lastErr = errno;
            close(fd);
            continue;
        }
        l = g_new0(gvNetListener, 1);
        l->fd = fd;
        l->kind = tls ? GV_NET_SERVER_TRANSPORT_TLS : GV_NET_SERVER_TRANSPORT_TCP;
        l->readonly = readonly;
        l->name = gvNetSockaddrFormat(ai->ai_addr, ai->ai_addrlen);
        if (tls) {
            l->tls = gvNetTLSContextRef(tls);
            l->policy.allowed = g_strdupv(policy ? policy->allowed : NULL);
            l->policy.readonly = g_strdupv(policy ? policy->readonly : NULL);
        }
        gvNetServerListen(srv, l);
        bound++;
    }
    freeaddrinfo(res);
    if (bound == 0) {
        gvReportSystemError(error, lastErr ? lastErr : EADDRNOTAVAIL,
                            "cannot listen for %s on '%s' port %d", what, addr ? addr : "*", port);
        return -1;
    }
    return 0;
}

/* The addresses the server listens on for @kind, for the log */
char *
gvNetServerDescribeListeners(gvNetServer *srv, gvNetServerTransportKind kind)
{
    g_autoptr(GString) out = g_string_new(NULL);
    guint i;

    for (i = 0; i < srv->listeners->len; i++) {
        gvNetListener *l = g_ptr_array_index(srv->listeners, i);

        if (l->kind != kind)
            continue;
        if (out->len > 0)
            g_string_append(out, ", ");
        g_string_append(out, l->name);
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* ---- server ------------------------------------------------------------- */

gvNetServer *
gvNetServerNew(gvNetServerDispatchFunc dispatch, gvNetServerInlineFunc isInline,
               gvNetServerClientInitFunc clientInit, GDestroyNotify clientPrivFree, gpointer opaque,
               unsigned int workers, GError **error)
{
    g_autoptr(GError) local = NULL;
    gvNetServer *srv = g_new0(gvNetServer, 1);

    srv->ctx = g_main_context_ref_thread_default();
    srv->dispatch = dispatch;
    srv->isInline = isInline;
    srv->clientInit = clientInit;
    srv->clientPrivFree = clientPrivFree;
    srv->opaque = opaque;
    srv->listeners = g_ptr_array_new();
    srv->clients = g_hash_table_new(g_direct_hash, g_direct_equal);
    srv->kaInterval = 5;
    srv->kaCount = 5;
    srv->pool = g_thread_pool_new(gvNetServerWorker, srv, (gint)workers, FALSE, &local);
    if (!srv->pool) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "cannot start the worker pool: %s",
                      local->message);
        gvNetServerFree(srv);
        return NULL;
    }
    return srv;
}

guint
gvNetServerClientCount(gvNetServer *srv)
{
    return g_hash_table_size(srv->clients);
}

void
gvNetServerShutdown(gvNetServer *srv)
{
    g_autoptr(GList) clients = NULL;
    GList *l;
    guint i;

    for (i = 0; i < srv->listeners->len; i++) {
        gvNetListener *lst = g_ptr_array_index(srv->listeners, i);

        if (lst->watch) {
            GSource *src = g_main_context_find_source_by_id(srv->ctx, lst->watch);

            if (src)
                g_source_destroy(src);
            lst->watch = 0;
        }
        if (lst->fd >= 0) {
            close(lst->fd);
            if (lst->path)
                (void)unlink(lst->path);
            lst->fd = -1;
        }
    }
    if (srv->kaTimer) {
        GSource *src = g_main_context_find_source_by_id(srv->ctx, srv->kaTimer);

        if (src)
            g_source_destroy(src);
        srv->kaTimer = 0;
    }
    clients = g_hash_table_get_keys(srv->clients);
    for (l = clients; l; l = l->next)
        gvNetServerClientClose(l->data);
    if (srv->pool) {
        /* let running calls finish; their replies are dropped */
        g_thread_pool_free(srv->pool, FALSE, TRUE);
        srv->pool = NULL;
    }
    /* run what the workers posted back, so nothing leaks */
    while (g_main_context_iteration(srv->ctx, FALSE))
        ;
}

void
gvNetServerFree(gvNetServer *srv)
{
    guint i;

    if (!srv)
        return;
    gvNetServerShutdown(srv);
    for (i = 0; i < srv->listeners->len; i++) {
        gvNetListener *l = g_ptr_array_index(srv->listeners, i);

        gvNetListenerFree(l);
    }
    g_ptr_array_unref(srv->listeners);
    g_hash_table_unref(srv->clients);
    g_main_context_unref(srv->ctx);
    g_free(srv);
}
