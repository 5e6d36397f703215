/*
 * gvport.h: a range of TCP ports handed out one at a time (VNC displays)
 *
 * Like libvirt's port allocator: a port is free when no domain of ours has
 * it and nothing on the host is bound to it (a test bind to the IPv4 and
 * IPv6 wildcard addresses).  Thread-safe.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

typedef struct _gvPortAllocator gvPortAllocator;

/* Ports @first to @last, both included */
gvPortAllocator *gvPortAllocatorNew(guint16 first, guint16 last);
void gvPortAllocatorFree(gvPortAllocator *pa);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvPortAllocator, gvPortAllocatorFree)

/* The lowest free port, now ours */
int gvPortAllocatorAcquire(gvPortAllocator *pa, guint16 *port, GError **error);
/* @port is ours (a fixed port, or one a running domain had before a restart) */
void gvPortAllocatorSetUsed(gvPortAllocator *pa, guint16 port);
void gvPortAllocatorRelease(gvPortAllocator *pa, guint16 port);
/* For tests */
bool gvPortAllocatorIsUsed(gvPortAllocator *pa, guint16 port);
