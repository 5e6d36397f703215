/*
 * gvnetserver.h: the RPC server on the GLib main loop
 *
 * The main loop owns the listening sockets and every client connection:
 * it reads frames (length checked before any allocation), answers
 * keepalive PINGs itself, and hands each call to a worker pool.  Workers
 * send replies with gvNetServerClientSend, which is thread-safe; replies go
 * out in the order they are ready, matched to calls by serial.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "gvnetmessage.h"
#include "gvnettls.h"

typedef struct _gvNetServer gvNetServer;

/* How a client reached the server */
typedef enum {
    GV_NET_SERVER_TRANSPORT_UNIX = 0,
    GV_NET_SERVER_TRANSPORT_TCP, /* plain TCP: neither secure nor encrypted */
    GV_NET_SERVER_TRANSPORT_TLS,
    GV_NET_SERVER_TRANSPORT_LAST
} gvNetServerTransportKind;
typedef struct _gvNetServerClient gvNetServerClient;

/*
 * Runs on a worker thread for every CALL.  @payload is owned by the server
 * and wiped after the call returns.
 */
typedef void (*gvNetServerDispatchFunc)(gvNetServerClient *client, const gvNetMessageHeader *hdr,
                                        const guint8 *payload, size_t len, gpointer opaque);

/*
 * True when the call @hdr is cheap and never blocks: it then runs right on
 * the main loop, without the round trip through a worker thread.
 */
typedef bool (*gvNetServerInlineFunc)(const gvNetMessageHeader *hdr, gpointer opaque);

/* Runs on the main loop when a client connects; returns its private data */
typedef gpointer (*gvNetServerClientInitFunc)(gvNetServerClient *client, gpointer opaque);

gvNetServer *gvNetServerNew(gvNetServerDispatchFunc dispatch, gvNetServerInlineFunc isInline,
                            gvNetServerClientInitFunc clientInit, GDestroyNotify clientPrivFree,
                            gpointer opaque, unsigned int workers, GError **error);
void gvNetServerFree(gvNetServer *srv);

/* Runs on the main loop for each STREAM frame a client sends (data, finish, abort) */
typedef void (*gvNetServerStreamFunc)(gvNetServerClient *client, const gvNetMessageHeader *hdr,
                                      const guint8 *payload, size_t len, gpointer opaque);
void gvNetServerSetStreamFunc(gvNetServer *srv, gvNetServerStreamFunc func);

/* Runs on the main loop when a client's connection closes, before it is dropped */
typedef void (*gvNetServerClientCloseFunc)(gvNetServerClient *client, gpointer opaque);
void gvNetServerSetClientCloseFunc(gvNetServer *srv, gvNetServerClientCloseFunc func);

/*
 * Keepalive, libvirt's rules: a client that asked for it (feature 10) gets
 * a PING after @interval seconds of silence, and another after each further
 * @interval; the connection closes when @count PINGs went unanswered
 * (interval * (count + 1) seconds of silence).  @interval <= 0: never PING.
 * Defaults: 5 and 5, libvirtd's.
 */
void gvNetServerSetKeepAlive(gvNetServer *srv, int interval, int count);

/* Listens on a UNIX socket at @path with @mode; @readonly marks its clients */
int gvNetServerAddListener(gvNetServer *srv, const char *path, unsigned int mode, bool readonly,
                           GError **error);

/*
 * Listens on TCP port @port of @addr (NULL or "": every address, IPv4 and
 * IPv6).  With @tls, clients go through a TLS handshake first (bounded in
 * time), must present a certificate that verifies and whose DN @policy
 * admits (its read-only list marks them read-only), and get the one byte
 * libvirt's clients wait for; only then does the RPC start and the
 * clientInit callback run.  Without @tls the RPC runs in clear.
 */
int gvNetServerAddTCPListener(gvNetServer *srv, const char *addr, int port, gvNetTLSContext *tls,
                              const gvNetTLSPolicy *policy, bool readonly, GError **error);
/* "ADDR:PORT, ..." of the listeners of @kind, for the log */
char *gvNetServerDescribeListeners(gvNetServer *srv, gvNetServerTransportKind kind);

/* Stops accepting, closes every client, waits for the workers */
void gvNetServerShutdown(gvNetServer *srv);

guint gvNetServerClientCount(gvNetServer *srv);

gvNetServerClient *gvNetServerClientRef(gvNetServerClient *client);
void gvNetServerClientUnref(gvNetServerClient *client);
bool gvNetServerClientIsReadonly(gvNetServerClient *client);
gpointer gvNetServerClientGetPriv(gvNetServerClient *client);
/* Peer credentials, -1 when unknown */
void gvNetServerClientGetCreds(gvNetServerClient *client, gint64 *pid, gint64 *uid);

gvNetServerTransportKind gvNetServerClientGetTransport(gvNetServerClient *client);
/* libvirt's CONNECT_IS_SECURE: a UNIX socket or TLS (plain TCP is not) */
bool gvNetServerClientIsSecure(gvNetServerClient *client);
/* libvirt's CONNECT_IS_ENCRYPTED: TLS */
bool gvNetServerClientIsEncrypted(gvNetServerClient *client);
/* The DN of a TLS client's certificate, else NULL; valid while the client is */
const char *gvNetServerClientGetIdentity(gvNetServerClient *client);

/* Queues a finished frame (takes it; wiped when sent). Thread-safe. */
void gvNetServerClientSend(gvNetServerClient *client, GByteArray *frame);
/*
 * Queues a REPLY_WITH_FDS frame and the fd that follows it (both taken): the
 * fd is passed (SCM_RIGHTS, one byte) right after the frame.  UNIX sockets
 * only: see gvNetServerClientGetTransport.  Thread-safe.
 */
void gvNetServerClientSendWithFd(gvNetServerClient *client, GByteArray *frame, int fd);
/* Closes the connection after what is queued has been sent. Thread-safe. */
void gvNetServerClientCloseLater(gvNetServerClient *client);
/*
 * Queues an event or stream frame (takes it).  Thread-safe.  A client that
 * does not read what it is sent is closed once its backlog passes
 * GV_NET_CLIENT_BACKLOG_MAX bytes, so that it cannot hold the daemon's
 * memory; then the frame is dropped and false returned.
 */
bool gvNetServerClientSendAsync(gvNetServerClient *client, GByteArray *frame);
/* Starts keepalive PINGs for @client (it asked for feature 10). Thread-safe. */
void gvNetServerClientStartKeepAlive(gvNetServerClient *client);
/* Whether the connection is closed (or closing) */
bool gvNetServerClientIsClosed(gvNetServerClient *client);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvNetServer, gvNetServerFree)
