/*
 * gvnettransport.h: a connection's byte stream, plain or TLS
 *
 * The server's and the client's I/O go through these three calls, which
 * keep recv(2)/send(2) conventions (bytes, 0 at the end, -1 with errno,
 * EAGAIN when it would block), whether the socket carries the RPC as it is
 * (UNIX, TCP) or inside a TLS session.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "gvnettls.h"

typedef struct {
    int fd;
    gvNetTLSSession *tls; /* NULL: plain */
} gvNetTransport;

#define GV_NET_TRANSPORT_INIT \
    { \
        -1, NULL \
    }

ssize_t gvNetTransportRecv(gvNetTransport *t, void *buf, size_t len);
ssize_t gvNetTransportSend(gvNetTransport *t, const void *buf, size_t len);
/* Bytes received and decrypted but not read yet: poll(2) does not see them */
size_t gvNetTransportPending(gvNetTransport *t);
/* After EAGAIN: whether it waits for the socket to become writable */
bool gvNetTransportWantsWrite(gvNetTransport *t);
/*
 * Passes @fd to the peer (SCM_RIGHTS) with one byte, as libvirt does after
 * a *_WITH_FDS message; plain UNIX sockets only (EOPNOTSUPP otherwise).
 * Same conventions as gvNetTransportSend.
 */
ssize_t gvNetTransportSendFd(gvNetTransport *t, int fd);
/* Frees the session and closes the socket */
void gvNetTransportClear(gvNetTransport *t);
