/*
 * gvport.c: a range of TCP ports handed out one at a time
 */
#include <gvconfig.h>

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gverror.h"
#include "gvport.h"

struct _gvPortAllocator {
    GMutex lock;
    guint16 first;
    guint16 last;
    guint8 *used; /* one bit a port, from first on */
};

gvPortAllocator *
gvPortAllocatorNew(guint16 first, guint16 last)
{
    gvPortAllocator *pa = g_new0(gvPortAllocator, 1);

    g_return_val_if_fail(first <= last, NULL);
    g_mutex_init(&pa->lock);
    pa->first = first;
    pa->last = last;
    pa->used = g_malloc0(((size_t)(last - first) + 8) / 8);
    return pa;
}

void
gvPortAllocatorFree(gvPortAllocator *pa)
{
    if (!pa)
        return;
    g_mutex_clear(&pa->lock);
    g_free(pa->used);
    g_free(pa);
}

static bool
gvPortBit(gvPortAllocator *pa, guint16 port)
{
    size_t i = port - pa->first;

    return (pa->used[i / 8] >> (i % 8)) & 1;
}

static void
gvPortSetBit(gvPortAllocator *pa, guint16 port, bool on)
{
    size_t i = port - pa->first;

    if (on)
        pa->used[i / 8] |= (guint8)(1u << (i % 8));
    else
        pa->used[i / 8] &= (guint8) ~(1u << (i % 8));
}

/* 1: something on the host is bound to @port, 0: not, -1: cannot tell */
static int
gvPortBusy(int family, guint16 port, GError **error)
{
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
    struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port) };
    int one = 1;
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int rc;

    if (fd < 0) {
        /* a host without IPv6 has nothing bound there */
        if (family == AF_INET6 && errno == EAFNOSUPPORT)
            return 0;
        gvReportSystemError(error, errno, "cannot create a socket to check port %u", port);
        return -1;
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (family == AF_INET6)
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (family == AF_INET6)
        rc = bind(fd, (struct sockaddr *)&a6, sizeof(a6));
    else
        rc = bind(fd, (struct sockaddr *)&a4, sizeof(a4));
    if (rc < 0 && errno == EADDRINUSE) {
        rc = 1;
    } else if (rc < 0 && family == AF_INET6 && errno == EADDRNOTAVAIL) {
        rc = 0; /* IPv6 disabled on the host */
    } else if (rc < 0) {
        gvReportSystemError(error, errno, "cannot check whether port %u is free", port);
        rc = -1;
    }
    close(fd);
    return rc;
}

int
gvPortAllocatorAcquire(gvPortAllocator *pa, guint16 *port, GError **error)
{
    guint32 p;
    int rc = -1;

    g_mutex_lock(&pa->lock);
    for (p = pa->first; p <= pa->last; p++) {
        int v4;
        int v6;

        if (gvPortBit(pa, (guint16)p))
            continue;
        if ((v4 = gvPortBusy(AF_INET, (guint16)p, error)) < 0 ||
            (v6 = gvPortBusy(AF_INET6, (guint16)p, error)) < 0)
            break;
        if (v4 || v6)
            continue;
        gvPortSetBit(pa, (guint16)p, true);
        *port = (guint16)p;
        rc = 0;
        break;
    }
    if (rc < 0 && p > pa->last)
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "no free port between %u and %u", pa->first,
                      pa->last);
    g_mutex_unlock(&pa->lock);
    return rc;
}

void
gvPortAllocatorSetUsed(gvPortAllocator *pa, guint16 port)
{
    if (port < pa->first || port > pa->last)
        return;
    g_mutex_lock(&pa->lock);
    gvPortSetBit(pa, port, true);
    g_mutex_unlock(&pa->lock);
}

void
gvPortAllocatorRelease(gvPortAllocator *pa, guint16 port)
{
    if (port < pa->first || port > pa->last)
        return;
    g_mutex_lock(&pa->lock);
    gvPortSetBit(pa, port, false);
    g_mutex_unlock(&pa->lock);
}

bool
gvPortAllocatorIsUsed(gvPortAllocator *pa, guint16 port)
{
    bool used;

    if (port < pa->first || port > pa->last)
        return false;
    g_mutex_lock(&pa->lock);
    used = gvPortBit(pa, port);
    g_mutex_unlock(&pa->lock);
    return used;
}
