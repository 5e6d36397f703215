/*
 * remote_dispatch.h: remote procedures -> driver calls, with access policy
 */
#pragma once

#include "driver.h"
#include "gvnetserver.h"

typedef struct {
    gvDriver *drv;
    GMainLoop *loop;
    bool quit; /* a signal came before the main loop ran */
} gvDaemon;

/* Per-connection state, created when a client connects */
gpointer gvDispatchClientNew(gvNetServerClient *client, gpointer opaque);
void gvDispatchClientFree(gpointer priv);

/* The gvNetServerDispatchFunc of genvirtd */
void gvDispatchCall(gvNetServerClient *client, const gvNetMessageHeader *hdr, const guint8 *payload,
                    size_t len, gpointer opaque);

/* The gvNetServerInlineFunc: procedures that never block run on the main loop */
bool gvDispatchIsInline(const gvNetMessageHeader *hdr, gpointer opaque);

/* For the table test: the name of REMOTE procedure @proc, or NULL */
const char *gvDispatchProcName(int proc);
/* Counts the REMOTE procedures with a handler */
unsigned int gvDispatchProcCount(void);
