/*
 * remote_event.h: event registrations and their delivery (remote_event.c)
 */
#pragma once

#include "remote_call.h"

gvEventRegistry *gvEventRegistryNew(void);
void gvEventRegistryFree(gvEventRegistry *reg);

/* The gvDriverEventFunc of genvirtd (@opaque: the gvDaemon) */
void gvEventDeliver(const gvDomainEvent *event, gpointer opaque);
/* The gvNetServerClientCloseFunc: a closed connection's registrations go */
void gvEventClientClosed(gvNetServerClient *client, gpointer opaque);
/* The daemon stops: connections with a close callback are told (362) */
void gvEventShutdown(gvDaemon *daemon);
