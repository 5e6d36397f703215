/*
 * remote_stream.h: libvirt's streams and the console (remote_stream.c)
 */
#pragma once

#include "remote_call.h"

gvStreamRegistry *gvStreamRegistryNew(void);
void gvStreamRegistryFree(gvStreamRegistry *reg);

/* The gvNetServerStreamFunc of genvirtd (@opaque: the gvDaemon) */
void gvStreamReceived(gvNetServerClient *client, const gvNetMessageHeader *hdr,
                      const guint8 *payload, size_t len, gpointer opaque);
/* A closed connection's streams go (from the client-closed hook) */
void gvStreamClientClosed(gvNetServerClient *client, gpointer opaque);
