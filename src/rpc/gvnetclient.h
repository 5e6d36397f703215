/*
 * gvnetclient.h: a synchronous client of libvirt's remote protocol
 *
 * One call at a time (genvirsh's and a p2p migration source's needs) over
 * a UNIX socket, TCP, TLS (libvirt's handshake: the x509 session, the
 * server's certificate and host name checked, then the server's one byte
 * saying it accepted ours) or an ssh command running `nc -U` remotely.
 * Keepalive PINGs from the server are answered while waiting for a reply.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "gvnetmessage.h"
#include "gvxdrcodec.h"
#include "gvnettls.h"
#include "gvneturi.h"

#define GV_NET_CLIENT_TCP_PORT 16509
#define GV_NET_CLIENT_TLS_PORT 16514

typedef struct _gvNetClient gvNetClient;

gvNetClient *gvNetClientConnectUnix(const char *path, GError **error);
gvNetClient *gvNetClientConnectTCP(const char *host, int port, GError **error);
gvNetClient *gvNetClientConnectTLS(const char *host, int port, gvNetTLSContext *tls,
                                   GError **error);
/* @argv's stdin and stdout become the connection (ssh HOST nc -U SOCKET) */
gvNetClient *gvNetClientConnectCommand(const char *const *argv, GError **error);

typedef struct {
    const char *defaultSocket; /* unix and ssh without socket= */
    const char *root; /* NULL or "": the client certificates of the system */
} gvNetClientOpenOpts;

/* Connects as @u says; TLS files per libvirt's rules (gvnetclient.c) */
gvNetClient *gvNetClientOpen(const gvNetURI *u, const gvNetClientOpenOpts *opts, GError **error);
void gvNetClientFree(gvNetClient *client);
/* False once the peer has closed the connection (or it broke) */
bool gvNetClientIsAlive(gvNetClient *client);
/*
 * libvirt's keepalive timer, off until set: after each @interval seconds
 * without a byte from the peer a PING goes out, and once @count of them
 * went unanswered for another interval the connection is dead (calls then
 * fail with "connection closed due to keepalive timeout").  It runs while
 * a call waits for its reply, and in gvNetClientKeepAlive.
 */
void gvNetClientSetKeepAlive(gvNetClient *client, int interval, int count);
/*
 * Between calls: reads what has come (answering PINGs) and runs the
 * keepalive timer.  False when the peer closed or keepalive gave up.
 */
bool gvNetClientKeepAlive(gvNetClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvNetClient, gvNetClientFree)

/*
 * Calls @proc of @prog with the XDR payload @args (may be NULL).  On
 * success @reply receives the reply payload (wipe it with gvXdrBufferFree).
 * A remote_error becomes a GError whose code is the remote code and whose
 * message is the remote message, exactly as virsh would print it.
 */
int gvNetClientCall(gvNetClient *client, guint32 prog, gint32 proc, const GByteArray *args,
                    GByteArray **reply, GError **error);

/*
 * The same with structures: @args (of @argsLayout) is encoded, the reply
 * decoded into @ret (zeroed; of @retLayout; gvXdrLayoutClear it after).
 */
int gvNetClientCallLayout(gvNetClient *client, guint32 prog, gint32 proc,
                          const gvXdrLayout *argsLayout, const void *args,
                          const gvXdrLayout *retLayout, void *ret, GError **error);

/* Receives the MESSAGE frames (events) the server sends: header and payload */
typedef void (*gvNetClientEventFunc)(const gvNetMessageHeader *hdr, const guint8 *payload,
                                     size_t len, gpointer opaque);
void gvNetClientSetEventFunc(gvNetClient *client, gvNetClientEventFunc func, gpointer opaque);
/*
 * Waits up to @timeoutMs for a frame from the server and handles it (a PING
 * is answered, an event goes to the event function).  1: a frame came; 0:
 * none within the time; -1: the connection broke.
 */
int gvNetClientWait(gvNetClient *client, int timeoutMs, GError **error);
