/*
 * gvnetclient.h: a synchronous client of libvirt's remote protocol
 *
 * One call at a time (genvirsh's needs); keepalive PINGs from the server
 * are answered while waiting for a reply.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "gvnetmessage.h"
#include "gvxdrcodec.h"

typedef struct _gvNetClient gvNetClient;

gvNetClient *gvNetClientConnectUnix(const char *path, GError **error);
void gvNetClientFree(gvNetClient *client);
/* False once the peer has closed the connection (or it broke) */
bool gvNetClientIsAlive(gvNetClient *client);
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
