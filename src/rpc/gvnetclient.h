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
