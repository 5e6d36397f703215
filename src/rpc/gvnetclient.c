/*
 * gvnetclient.c: a synchronous client of libvirt's remote protocol
 */
#include <gvconfig.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "gverror.h"
#include "gvnetclient.h"
#include "gvrpcprotocol.h"
#include "gvxdr.h"

struct _gvNetClient {
    int fd;
    guint32 serial;
    gvNetClientEventFunc eventFunc;
    gpointer eventOpaque;
};

gvNetClient *
gvNetClientConnectUnix(const char *path, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    gvNetClient *client;
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "socket path '%s' is too long", path);
        return NULL;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        gvReportSystemError(error, errno, "cannot create a socket");
        return NULL;
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        gvReportSystemError(error, errno, "Failed to connect socket to '%s'", path);
        close(fd);
        return NULL;
    }
    client = g_new0(gvNetClient, 1);
    client->fd = fd;
    return client;
}

void
gvNetClientFree(gvNetClient *client)
{
    if (!client)
        return;
    if (client->fd >= 0)
        close(client->fd);
    g_free(client);
}

bool
gvNetClientIsAlive(gvNetClient *client)
{
    struct pollfd pfd = { .fd = client->fd, .events = POLLIN };
    char c;

    if (poll(&pfd, 1, 0) <= 0)
        return true;
    if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
        return false;
    /* readable: EOF, or data (a keepalive) that the next call reads */
    return recv(client->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) != 0;
}

static int
gvNetClientWriteAll(gvNetClient *client, const guint8 *data, size_t len, GError **error)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = send(client->fd, data + done, len - done, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            gvReportSystemError(error, errno, "cannot send data");
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

static int
gvNetClientReadAll(gvNetClient *client, guint8 *data, size_t len, GError **error)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = recv(client->fd, data + done, len - done, 0);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            gvReportError(error, GV_ERR_RPC, "End of file while reading data: %s",
                          n == 0 ? "Input/output error" : g_strerror(errno));
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

/* Reads one frame after its length word; the length is checked first */
static GByteArray *
gvNetClientReadFrame(gvNetClient *client, GError **error)
{
    guint8 lenbuf[4];
    guint32 len;
    GByteArray *frame;

    if (gvNetClientReadAll(client, lenbuf, 4, error) < 0)
        return NULL;
    memcpy(&len, lenbuf, 4);
    len = GUINT32_FROM_BE(len);
    if (!gvNetMessageLengthValid(len)) {
        gvReportError(error, GV_ERR_RPC, "packet %u bytes received from server too large", len);
        return NULL;
    }
    frame = g_byte_array_sized_new(len - 4);
    g_byte_array_set_size(frame, len - 4);
    if (gvNetClientReadAll(client, frame->data, len - 4, error) < 0) {
        gvXdrBufferFree(frame);
        return NULL;
    }
    return frame;
}

static int
gvNetClientSendPong(gvNetClient *client, GError **error)
{
    gvNetMessageHeader hdr = { GV_PROGRAM_KEEPALIVE,
                               GV_PROGRAM_VERSION,
                               GV_KEEPALIVE_PROC_PONG,
                               GV_NET_MESSAGE,
                               0,
                               GV_NET_OK };
    GByteArray *msg = gvNetMessageNew(&hdr);
    int rc;

    (void)gvNetMessageFinish(msg);
    rc = gvNetClientWriteAll(client, msg->data, msg->len, error);
    gvXdrBufferFree(msg);
    return rc;
}

/* An event frame (taken): to the event function, if any */
static void
gvNetClientDispatchEvent(gvNetClient *client, const gvNetMessageHeader *hdr, GByteArray *frame)
{
    if (client->eventFunc)
        client->eventFunc(hdr, frame->data + GV_NET_MESSAGE_HEADER_MAX,
                          frame->len - GV_NET_MESSAGE_HEADER_MAX, client->eventOpaque);
    gvXdrBufferFree(frame);
}

void
gvNetClientSetEventFunc(gvNetClient *client, gvNetClientEventFunc func, gpointer opaque)
{
    client->eventFunc = func;
    client->eventOpaque = opaque;
}

int
gvNetClientWait(gvNetClient *client, int timeoutMs, GError **error)
{
    struct pollfd pfd = { .fd = client->fd, .events = POLLIN };
    GByteArray *frame;
    gvNetMessageHeader rh;
    int n;

    do {
        n = poll(&pfd, 1, timeoutMs);
    } while (n < 0 && errno == EINTR && timeoutMs < 0);
    if (n < 0 && errno == EINTR)
        return 0;
    if (n < 0) {
        gvReportSystemError(error, errno, "cannot wait for the server");
        return -1;
    }
    if (n == 0)
        return 0;
    if (!(frame = gvNetClientReadFrame(client, error)))
        return -1;
    gvNetMessageDecodeHeader(frame->data, &rh);
    if (rh.prog == GV_PROGRAM_KEEPALIVE) {
        gvXdrBufferFree(frame);
        if (rh.proc == GV_KEEPALIVE_PROC_PING && gvNetClientSendPong(client, error) < 0)
            return -1;
        return 1;
    }
    if (rh.type == GV_NET_MESSAGE)
        gvNetClientDispatchEvent(client, &rh, frame);
    else
        gvXdrBufferFree(frame); /* a reply to nothing we wait for */
    return 1;
}

int
gvNetClientCallLayout(gvNetClient *client, guint32 prog, gint32 proc, const gvXdrLayout *argsLayout,
                      const void *args, const gvXdrLayout *retLayout, void *ret, GError **error)
{
    GByteArray *a = g_byte_array_new();
    GByteArray *reply = NULL;
    int rc;

    gvXdrEncodeLayout(a, argsLayout, args);
    rc = gvNetClientCall(client, prog, proc, a, &reply, error);
    gvXdrBufferFree(a);
    if (rc < 0)
        return -1;
    {
        gvXdrDecoder d = GV_XDR_DECODER_INIT(reply->data, reply->len);

        if (!gvXdrDecodeLayout(&d, retLayout, ret) || !gvXdrDecodeFinished(&d)) {
            gvReportError(error, GV_ERR_RPC, "Unable to decode message payload");
            rc = -1;
        }
    }
    gvXdrBufferFree(reply);
    return rc;
}

int
gvNetClientCall(gvNetClient *client, guint32 prog, gint32 proc, const GByteArray *args,
                GByteArray **reply, GError **error)
{
    gvNetMessageHeader hdr = { prog,        GV_PROGRAM_VERSION, proc,
                               GV_NET_CALL, client->serial++,   GV_NET_OK };
    GByteArray *msg = gvNetMessageNew(&hdr);
    int rc;

    if (args)
        g_byte_array_append(msg, args->data, args->len);
    if (!gvNetMessageFinish(msg)) {
        gvXdrBufferFree(msg);
        gvReportError(error, GV_ERR_RPC, "message too large");
        return -1;
    }
    rc = gvNetClientWriteAll(client, msg->data, msg->len, error);
    gvXdrBufferFree(msg);
    if (rc < 0)
        return -1;

    for (;;) {
        GByteArray *frame = gvNetClientReadFrame(client, error);
        gvNetMessageHeader rh;

        if (!frame)
            return -1;
        gvNetMessageDecodeHeader(frame->data, &rh);
        if (rh.prog == GV_PROGRAM_KEEPALIVE) {
            gvXdrBufferFree(frame);
            if (rh.proc == GV_KEEPALIVE_PROC_PING && gvNetClientSendPong(client, error) < 0)
                return -1;
            continue;
        }
        if (rh.type == GV_NET_MESSAGE) {
            gvNetClientDispatchEvent(client, &rh, frame);
            continue;
        }
        if (rh.prog != prog || rh.serial != hdr.serial || rh.proc != proc ||
            rh.type != GV_NET_REPLY) {
            gvXdrBufferFree(frame);
            gvReportError(error, GV_ERR_RPC,
                          "no call waiting for reply with prog %u vers %u serial %u", rh.prog,
                          rh.vers, rh.serial);
            return -1;
        }
        if (rh.status == GV_NET_ERROR) {
            gvXdrDecoder d = GV_XDR_DECODER_INIT(frame->data + GV_NET_MESSAGE_HEADER_MAX,
                                                 frame->len - GV_NET_MESSAGE_HEADER_MAX);
            gvRemoteError err = { 0 };

            if (!gvRemoteErrorDecode(&d, &err)) {
                gvReportError(error, GV_ERR_RPC, "Unable to decode message payload");
            } else {
                g_set_error_literal(error, GV_ERROR, err.code,
                                    err.message ? err.message : "Unknown error");
            }
            gvRemoteErrorClear(&err);
            gvXdrBufferFree(frame);
            return -1;
        }
        if (rh.status != GV_NET_OK) {
            gvXdrBufferFree(frame);
            gvReportError(error, GV_ERR_RPC, "unexpected message status %u", rh.status);
            return -1;
        }
        /* hand back just the payload */
        g_byte_array_remove_range(frame, 0, GV_NET_MESSAGE_HEADER_MAX);
        *reply = frame;
        return 0;
    }
}
