/*
 * gvnettransport.c: a connection's byte stream, plain or TLS
 */
#include <gvconfig.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
    struct iovec iov = { &byte, 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = { 0 };
    struct cmsghdr *cmsg;
    int sotype = 0;
    socklen_t len = sizeof(sotype);

    if (t->tls || getsockopt(t->fd, SOL_SOCKET, SO_TYPE, &sotype, &len) < 0) {
        errno = EOPNOTSUPP;
        return -1;
    }
    memset(&control, 0, sizeof(control));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    return sendmsg(t->fd, &msg, MSG_NOSIGNAL);
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
