/*
 * remote_dispatch.h: the dispatcher of genvirtd's RPC server
 */
#pragma once

#include "remote_call.h"

/* Per-connection state, created when a client connects */
gpointer gvDispatchClientNew(gvNetServerClient *client, gpointer opaque);
void gvDispatchClientFree(gpointer priv);

/* The gvNetServerDispatchFunc of genvirtd */
void gvDispatchCall(gvNetServerClient *client, const gvNetMessageHeader *hdr, const guint8 *payload,
                    size_t len, gpointer opaque);

/* The gvNetServerInlineFunc: procedures that never block run on the main loop */
bool gvDispatchIsInline(const gvNetMessageHeader *hdr, gpointer opaque);

/* The description of a callable procedure @proc of program @prog, or NULL */
const gvProcDesc *gvDispatchLookup(guint32 prog, gint32 proc);
