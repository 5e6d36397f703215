/*
 * gvnettransport.c: a connection's byte stream, plain or TLS
 */
#include <gvconfig.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gvfile.h"
#include "gvnettransport.h"

ssize_t
gvNetTransportRecv(gvNetTransport *t, void *buf, size_t len)
{
    if (t->tls)
        return gvNetTLSSessionRecv(t->tls, buf, len);
    return recv(t->fd, buf, len, 0);
}

ssize_t
gvNetTransportSend(gvNetTransport *t, const void *buf, size_t len)
{
    if (t->tls)
        return gvNetTLSSessionSend(t->tls, buf, len);
    return send(t->fd, buf, len, MSG_NOSIGNAL);
}

ssize_t
gvNetTransportSendFd(gvNetTransport *t, int fd)
{
    char byte = 0;
    int sotype = 0;
    socklen_t len = sizeof(sotype);

    if (t->tls || getsockopt(t->fd, SOL_SOCKET, SO_TYPE, &sotype, &len) < 0) {
        errno = EOPNOTSUPP;
        return -1;
    }
    return gvSocketSendFd(t->fd, &byte, 1, fd);
}

size_t
gvNetTransportPending(gvNetTransport *t)
{
    return t->tls ? gvNetTLSSessionPending(t->tls) : 0;
}

bool
gvNetTransportWantsWrite(gvNetTransport *t)
{
    return t->tls && gvNetTLSSessionWantsWrite(t->tls);
}

void
gvNetTransportClear(gvNetTransport *t)
{
    gvNetTLSSessionFree(t->tls);
    t->tls = NULL;
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
}
