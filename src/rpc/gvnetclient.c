/*
 * gvnetclient.c: a synchronous client of libvirt's remote protocol
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gverror.h"
#include "gvnetclient.h"
#include "gvnettransport.h"
#include "gvrpcprotocol.h"
#include "gvxdr.h"

#define GV_NET_CLIENT_CONNECT_TIMEOUT_MS (30 * 1000)

struct _gvNetClient {
    gvNetTransport io;
    guint32 serial;
    GPid child; /* ssh, when the transport runs through it */
    gint64 lastRecv; /* monotonic µs of the last bytes received */
    int pingsSent; /* since then */
    int kaInterval; /* keepalive: seconds of silence before a PING, 0: off */
    int kaCount; /* PINGs without an answer before the connection is dead */
    bool dead; /* keepalive gave up on the peer */
    gvNetClientEventFunc eventFunc;
    gpointer eventOpaque;
};

/*
 * libvirt's keepalive timer: a PING after each interval of silence, dead
 * when the timer fires with count PINGs unanswered.  Returns false (and
 * marks the client dead) then.
 */
static bool
gvNetClientKeepAliveTick(gvNetClient *client)
{
    gint64 now = g_get_monotonic_time();

    if (client->dead)
        return false;
    if (client->kaInterval <= 0)
        return true;
    while ((now - client->lastRecv) / G_USEC_PER_SEC >=
           (gint64)client->kaInterval * (client->pingsSent + 1)) {
        g_autoptr(GError) error = NULL;
        gvNetMessageHeader hdr = { GV_PROGRAM_KEEPALIVE,
                                   GV_PROGRAM_VERSION,
                                   GV_KEEPALIVE_PROC_PING,
                                   GV_NET_MESSAGE,
                                   0,
                                   GV_NET_OK };
        g_autoptr(GByteArray) msg = gvNetMessageNew(&hdr);

        if (client->pingsSent >= client->kaCount) {
            client->dead = true;
            return false;
        }
        (void)gvNetMessageFinish(msg);
        /* 28 bytes: the socket buffer takes them, or the peer is gone anyway */
        if (gvNetTransportSend(&client->io, msg->data, msg->len) != (ssize_t)msg->len) {
            client->dead = true;
            return false;
        }
        client->pingsSent++;
    }
    return true;
}

/* When the keepalive timer needs to run next (monotonic µs), or -1 */
static gint64
gvNetClientKeepAliveDue(gvNetClient *client)
{
    if (client->kaInterval <= 0)
        return -1;
    return client->lastRecv + (gint64)client->kaInterval * (client->pingsSent + 1) * G_USEC_PER_SEC;
}

static void
gvNetClientReportDead(GError **error)
{
    gvReportError(error, GV_ERR_INTERNAL_ERROR, "connection closed due to keepalive timeout");
}

static gvNetClient *
gvNetClientNew(int fd)
{
    gvNetClient *client = g_new0(gvNetClient, 1);

    client->io.fd = fd;
    client->lastRecv = g_get_monotonic_time();
    (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return client;
}

gvNetClient *
gvNetClientConnectUnix(const char *path, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
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
    return gvNetClientNew(fd);
}

/* Waits until @fd is ready for @events or @deadline (monotonic µs, -1: never) passes */
static int
gvNetClientPollFd(int fd, short events, gint64 deadline, GError **error)
{
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = events };
        int timeout = -1;
        int rc;

        if (deadline >= 0) {
            gint64 left = deadline - g_get_monotonic_time();

            if (left <= 0) {
                gvReportError(error, GV_ERR_OPERATION_TIMEOUT, "the connection timed out");
                return -1;
            }
            timeout = (int)MIN(left / 1000 + 1, G_MAXINT);
        }
        rc = poll(&pfd, 1, timeout);
        if (rc > 0)
            return 0;
        if (rc < 0 && errno != EINTR) {
            gvReportSystemError(error, errno, "cannot poll the connection");
            return -1;
        }
    }
}

/* A TCP connection to @host:@port, each address in turn, bounded in time */
static int
gvNetClientConnectTCPFd(const char *host, int port, GError **error)
{
    struct addrinfo hints = { .ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV,
                              .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    struct addrinfo *ai;
    g_autofree char *service = g_strdup_printf("%d", port);
    int lastErr = ECONNREFUSED;
    int rc;

    if ((rc = getaddrinfo(host, service, &hints, &res)) != 0) {
        gvReportError(error, GV_ERR_SYSTEM_ERROR, "Cannot resolve address '%s' service '%d': %s",
                      host, port, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int fd =
            socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        int soerr = 0;
        socklen_t len = sizeof(soerr);

        if (fd < 0) {
            lastErr = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
            lastErr = errno;
            close(fd);
            continue;
        }
        if (gvNetClientPollFd(fd, POLLOUT,
                              g_get_monotonic_time() + GV_NET_CLIENT_CONNECT_TIMEOUT_MS * 1000,
                              NULL) < 0 ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0 || soerr != 0) {
            lastErr = soerr ? soerr : ETIMEDOUT;
            close(fd);
            continue;
        }
        freeaddrinfo(res);
        /* calls are small and wait for their reply: no Nagle delay */
        soerr = 1;
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &soerr, sizeof(soerr));
        return fd;
    }
    freeaddrinfo(res);
    gvReportSystemError(error, lastErr, "unable to connect to server at '%s:%d'", host, port);
    return -1;
}

gvNetClient *
gvNetClientConnectTCP(const char *host, int port, GError **error)
{
    int fd = gvNetClientConnectTCPFd(host, port, error);

    return fd < 0 ? NULL : gvNetClientNew(fd);
}

gvNetClient *
gvNetClientConnectTLS(const char *host, int port, gvNetTLSContext *tls, GError **error)
{
    g_autoptr(gvNetClient) client = NULL;
    gint64 deadline = g_get_monotonic_time() + GV_NET_CLIENT_CONNECT_TIMEOUT_MS * 1000;
    guint8 ack = 0;
    int fd;
    int rc;

    if ((fd = gvNetClientConnectTCPFd(host, port, error)) < 0)
        return NULL;
    client = gvNetClientNew(fd);
    if (!(client->io.tls = gvNetTLSSessionNew(tls, fd, host, error)))
        return NULL;
    while ((rc = gvNetTLSSessionHandshake(client->io.tls, error)) == 0) {
        if (gvNetClientPollFd(fd, gvNetTLSSessionWantsWrite(client->io.tls) ? POLLOUT : POLLIN,
                              deadline, error) < 0)
            return NULL;
    }
    if (rc < 0 || gvNetTLSSessionCheckServer(client->io.tls, error) < 0)
        return NULL;
    /* the server checks our certificate, then says so with one byte */
    for (;;) {
        ssize_t n = gvNetTransportRecv(&client->io, &ack, 1);

        if (n == 1)
            break;
        if (n < 0 && errno == EAGAIN) {
            if (gvNetClientPollFd(fd, gvNetTLSSessionWantsWrite(client->io.tls) ? POLLOUT : POLLIN,
                                  deadline, error) < 0)
                return NULL;
            continue;
        }
        if (n == 0)
            break; /* closed: it refused us */
        gvReportError(error, GV_ERR_RPC, "Unable to read TLS confirmation: %s", g_strerror(errno));
        return NULL;
    }
    if (ack != 1) {
        gvReportError(error, GV_ERR_RPC,
                      "server verification (of our certificate or IP address) failed");
        return NULL;
    }
    return g_steal_pointer(&client);
}

gvNetClient *
gvNetClientConnectCommand(const char *const *argv, GError **error)
{
    g_autoptr(GError) local = NULL;
    gvNetClient *client;
    int sv[2];
    GPid pid;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        gvReportSystemError(error, errno, "cannot create a socket pair");
        return NULL;
    }
    /* the command's stdin and stdout are our socket's peer; its stderr is ours */
    if (!g_spawn_async_with_fds(NULL, (char **)argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                sv[1], sv[1], STDERR_FILENO, &local)) {
        gvReportError(error, GV_ERR_SYSTEM_ERROR, "cannot run '%s': %s", argv[0], local->message);
        close(sv[0]);
        close(sv[1]);
        return NULL;
    }
    close(sv[1]);
    client = gvNetClientNew(sv[0]);
    client->child = pid;
    return client;
}

void
gvNetClientFree(gvNetClient *client)
{
    if (!client)
        return;
    gvNetTransportClear(&client->io);
    if (client->child > 0) {
        int status;

        /* ssh ends once its stdin closes; a bounded wait, then it is killed */
        for (int i = 0; i < 200 && waitpid(client->child, &status, WNOHANG) == 0; i++) {
            if (i == 100)
                (void)kill(client->child, SIGTERM);
            g_usleep(10000);
        }
        if (waitpid(client->child, &status, WNOHANG) == 0) {
            (void)kill(client->child, SIGKILL);
            (void)waitpid(client->child, &status, 0);
        }
    }
    g_free(client);
}

static int
gvNetClientWriteAll(gvNetClient *client, const guint8 *data, size_t len, GError **error)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = gvNetTransportSend(&client->io, data + done, len - done);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                if (gvNetClientPollFd(client->io.fd, POLLOUT, -1, error) < 0)
                    return -1;
                continue;
            }
            gvReportSystemError(error, errno, "cannot send data");
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

/* Reads @len bytes; @deadline (monotonic µs, -1: none) bounds the wait */
static int
gvNetClientReadAll(gvNetClient *client, guint8 *data, size_t len, gint64 deadline, GError **error)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = gvNetTransportRecv(&client->io, data + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            short ev = gvNetTransportWantsWrite(&client->io) ? POLLOUT : POLLIN;
            gint64 due = gvNetClientKeepAliveDue(client);
            gint64 until = deadline;
            g_autoptr(GError) local = NULL;

            if (due >= 0 && (until < 0 || due < until))
                until = due;
            if (gvNetClientPollFd(client->io.fd, ev, until, &local) < 0) {
                if (until == deadline ||
                    !g_error_matches(local, GV_ERROR, GV_ERR_OPERATION_TIMEOUT)) {
                    g_propagate_error(error, g_steal_pointer(&local));
                    return -1;
                }
                /* silence for a keepalive interval: PING, or give up */
                if (!gvNetClientKeepAliveTick(client)) {
                    gvNetClientReportDead(error);
                    return -1;
                }
            }
            continue;
        }
        if (n <= 0) {
            gvReportError(error, GV_ERR_RPC, "End of file while reading data: %s",
                          n == 0 ? "Input/output error" : g_strerror(errno));
            return -1;
        }
        done += (size_t)n;
        client->lastRecv = g_get_monotonic_time();
        client->pingsSent = 0;
    }
    return 0;
}

/* Reads one frame after its length word; the length is checked first */
static GByteArray *
gvNetClientReadFrame(gvNetClient *client, gint64 deadline, GError **error)
{
    guint8 lenbuf[4];
    guint32 len;
    GByteArray *frame;

    if (gvNetClientReadAll(client, lenbuf, 4, deadline, error) < 0)
        return NULL;
    memcpy(&len, lenbuf, 4);
    len = GUINT32_FROM_BE(len);
    if (!gvNetMessageLengthValid(len)) {
        gvReportError(error, GV_ERR_RPC, "packet %u bytes received from server too large", len);
        return NULL;
    }
    frame = g_byte_array_sized_new(len - 4);
    g_byte_array_set_size(frame, len - 4);
    if (gvNetClientReadAll(client, frame->data, len - 4, deadline, error) < 0) {
        gvXdrBufferFree(frame);
        return NULL;
    }
    return frame;
}

static int
gvNetClientSendKeepalive(gvNetClient *client, gint32 proc, GError **error)
{
    gvNetMessageHeader hdr = {
        GV_PROGRAM_KEEPALIVE, GV_PROGRAM_VERSION, proc, GV_NET_MESSAGE, 0, GV_NET_OK
    };
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

/*
 * A frame that is not a reply: keepalive (a PING is answered) or an event.
 * Returns 1 when handled (@frame freed), 0 when it is something else, -1
 * when answering failed.
 */
static int
gvNetClientHandleAsync(gvNetClient *client, GByteArray *frame, const gvNetMessageHeader *rh,
                       GError **error)
{
    if (rh->prog == GV_PROGRAM_KEEPALIVE) {
        gvXdrBufferFree(frame);
        if (rh->proc == GV_KEEPALIVE_PROC_PING &&
            gvNetClientSendKeepalive(client, GV_KEEPALIVE_PROC_PONG, error) < 0)
            return -1;
        return 1;
    }
    if (rh->type == GV_NET_MESSAGE) {
        gvNetClientDispatchEvent(client, rh, frame);
        return 1;
    }
    return 0;
}

bool
gvNetClientIsAlive(gvNetClient *client)
{
    struct pollfd pfd = { .fd = client->io.fd, .events = POLLIN };
    char c;

    if (client->io.tls)
        return gvNetClientKeepAlive(client);
    if (poll(&pfd, 1, 0) <= 0)
        return true;
    if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
        return false;
    /* readable: EOF, or data (a keepalive) that the next call reads */
    return recv(client->io.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) != 0;
}

void
gvNetClientSetKeepAlive(gvNetClient *client, int interval, int count)
{
    client->kaInterval = interval > 0 ? interval : 0;
    client->kaCount = count > 0 ? count : 0;
    client->lastRecv = g_get_monotonic_time();
    client->pingsSent = 0;
}

bool
gvNetClientKeepAlive(gvNetClient *client)
{
    if (client->dead)
        return false;
    /* what has come in: answer PINGs, note PONGs */
    for (;;) {
        struct pollfd pfd = { .fd = client->io.fd, .events = POLLIN };
        g_autoptr(GError) error = NULL;
        gvNetMessageHeader rh;
        GByteArray *frame;
        int rc;

        if (gvNetTransportPending(&client->io) == 0 && poll(&pfd, 1, 0) <= 0)
            break;
        if (pfd.revents & (POLLERR | POLLNVAL))
            return false;
        /* a frame that has started arrives whole, or keepalive gives up on the peer */
        if (!(frame = gvNetClientReadFrame(
                  client, client->kaInterval > 0 ? -1 : g_get_monotonic_time() + 5 * G_USEC_PER_SEC,
                  &error)))
            return false;
        gvNetMessageDecodeHeader(frame->data, &rh);
        rc = gvNetClientHandleAsync(client, frame, &rh, &error);
        if (rc < 0)
            return false;
        if (rc == 0)
            gvXdrBufferFree(frame); /* a reply nobody waits for */
    }
    return gvNetClientKeepAliveTick(client);
}

int
gvNetClientWait(gvNetClient *client, int timeoutMs, GError **error)
{
    struct pollfd pfd = { .fd = client->io.fd, .events = POLLIN };
    GByteArray *frame;
    gvNetMessageHeader rh;
    int n = 1;
    int rc;

    if (client->dead) {
        gvNetClientReportDead(error);
        return -1;
    }
    /* bytes the TLS session decrypted already are not seen by poll */
    if (gvNetTransportPending(&client->io) == 0) {
        do {
            n = poll(&pfd, 1, timeoutMs);
        } while (n < 0 && errno == EINTR && timeoutMs < 0);
    }
    if (n < 0 && errno == EINTR)
        return 0;
    if (n < 0) {
        gvReportSystemError(error, errno, "cannot wait for the server");
        return -1;
    }
    if (n == 0) {
        if (gvNetClientKeepAliveTick(client))
            return 0;
        gvNetClientReportDead(error);
        return -1;
    }
    if (!(frame = gvNetClientReadFrame(client, -1, error)))
        return -1;
    gvNetMessageDecodeHeader(frame->data, &rh);
    if ((rc = gvNetClientHandleAsync(client, frame, &rh, error)) < 0)
        return -1;
    if (rc == 0)
        gvXdrBufferFree(frame); /* a reply to nothing we wait for */
    return 1;
}

int
gvNetClientCallLayout(gvNetClient *client, guint32 prog, gint32 proc, const gvXdrLayout *argsLayout,
                      const void *args, const gvXdrLayout *retLayout, void *ret, GError **error)
{
    GByteArray *a = g_byte_array_sized_new((guint)gvXdrLayoutSize(argsLayout, args));
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
    GByteArray *msg;
    int rc;

    if (client->dead) {
        gvNetClientReportDead(error);
        return -1;
    }
    msg = gvNetMessageNewSized(&hdr, args ? args->len : 0);
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
        GByteArray *frame = gvNetClientReadFrame(client, -1, error);
        gvNetMessageHeader rh;

        if (!frame)
            return -1;
        gvNetMessageDecodeHeader(frame->data, &rh);
        if ((rc = gvNetClientHandleAsync(client, frame, &rh, error)) < 0)
            return -1;
        if (rc == 1)
            continue;
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

/* ---- URIs --------------------------------------------------------------- */

/* @dir/@name when it exists, else NULL */
static char *
gvNetClientPKIFile(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);

    if (g_file_test(path, G_FILE_TEST_EXISTS))
        return path;
    g_free(path);
    return NULL;
}

/*
 * libvirt's client files: pkipath=DIR; else, not as root, ~/.pki/libvirt
 * where the files are; else ROOT/etc/pki/CA/cacert.pem, cacrl.pem,
 * ROOT/etc/pki/libvirt/clientcert.pem, private/clientkey.pem.
 */
static gvNetTLSContext *
gvNetClientTLSContext(const gvNetURI *u, const char *root, GError **error)
{
    g_autofree char *ca = NULL;
    g_autofree char *crl = NULL;
    g_autofree char *cert = NULL;
    g_autofree char *key = NULL;
    const char *r = root && *root ? root : "/";

    if (u->pkipath) {
        ca = g_build_filename(u->pkipath, "cacert.pem", NULL);
        crl = g_build_filename(u->pkipath, "cacrl.pem", NULL);
        cert = g_build_filename(u->pkipath, "clientcert.pem", NULL);
        key = g_build_filename(u->pkipath, "clientkey.pem", NULL);
    } else {
        g_autofree char *user = g_build_filename(g_get_home_dir(), ".pki", "libvirt", NULL);

        if (geteuid() != 0 && (!root || !*root)) {
            ca = gvNetClientPKIFile(user, "cacert.pem");
            crl = gvNetClientPKIFile(user, "cacrl.pem");
            cert = gvNetClientPKIFile(user, "clientcert.pem");
            key = gvNetClientPKIFile(user, "clientkey.pem");
            if (!cert || !key) {
                g_clear_pointer(&cert, g_free);
                g_clear_pointer(&key, g_free);
            }
        }
        if (!ca)
            ca = g_build_filename(r, "etc/pki/CA/cacert.pem", NULL);
        if (!crl)
            crl = g_build_filename(r, "etc/pki/CA/cacrl.pem", NULL);
        if (!cert) {
            cert = g_build_filename(r, "etc/pki/libvirt/clientcert.pem", NULL);
            g_free(key);
            key = g_build_filename(r, "etc/pki/libvirt/private/clientkey.pem", NULL);
        }
    }
    return gvNetTLSContextNewClient(ca, crl, cert, key, u->noVerify, error);
}

/* libvirt's remote command for the netcat proxy */
static char *
gvNetClientNetcatCommand(const char *netcat, const char *socket)
{
    g_autofree char *nc = g_shell_quote(netcat);
    g_autofree char *path = g_shell_quote(socket);
    g_autofree char *script = g_strdup_printf(
        "if %s -q 2>&1 | grep \"requires an argument\" >/dev/null 2>&1; then ARG=-q0;"
        "else ARG=;fi;%s $ARG -U %s",
        nc, nc, path);
    g_autofree char *quoted = g_shell_quote(script);

    return g_strdup_printf("sh -c %s", quoted);
}

gvNetClient *
gvNetClientOpen(const gvNetURI *u, const gvNetClientOpenOpts *opts, GError **error)
{
    g_autofree char *sock = NULL;

    sock = g_strdup(u->socket ? u->socket : opts->defaultSocket);
    switch (u->transport) {
    case GV_NET_URI_UNIX:
        return gvNetClientConnectUnix(sock, error);
    case GV_NET_URI_TCP:
        return gvNetClientConnectTCP(u->host, u->port ? u->port : GV_NET_CLIENT_TCP_PORT, error);
    case GV_NET_URI_TLS: {
        g_autoptr(gvNetTLSContext) tls = gvNetClientTLSContext(u, opts->root, error);

        if (!tls)
            return NULL;
        return gvNetClientConnectTLS(u->host, u->port ? u->port : GV_NET_CLIENT_TLS_PORT, tls,
                                     error);
    }
    case GV_NET_URI_SSH: {
        g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);

        g_ptr_array_add(argv, g_strdup("ssh"));
        if (u->port) {
            g_ptr_array_add(argv, g_strdup("-p"));
            g_ptr_array_add(argv, g_strdup_printf("%d", u->port));
        }
        if (u->user) {
            g_ptr_array_add(argv, g_strdup("-l"));
            g_ptr_array_add(argv, g_strdup(u->user));
        }
        if (u->keyfile) {
            g_ptr_array_add(argv, g_strdup("-i"));
            g_ptr_array_add(argv, g_strdup(u->keyfile));
        }
        g_ptr_array_add(argv, g_strdup("-T"));
        g_ptr_array_add(argv, g_strdup("-e"));
        g_ptr_array_add(argv, g_strdup("none"));
        if (u->noTTY) {
            g_ptr_array_add(argv, g_strdup("-o"));
            g_ptr_array_add(argv, g_strdup("BatchMode=yes"));
        }
        if (u->noVerify) {
            g_ptr_array_add(argv, g_strdup("-o"));
            g_ptr_array_add(argv, g_strdup("StrictHostKeyChecking=no"));
        }
        g_ptr_array_add(argv, g_strdup("--"));
        g_ptr_array_add(argv, g_strdup(u->host));
        g_ptr_array_add(argv, gvNetClientNetcatCommand(u->netcat ? u->netcat : "nc", sock));
        g_ptr_array_add(argv, NULL);
        return gvNetClientConnectCommand((const char *const *)argv->pdata, error);
    }
    case GV_NET_URI_LAST:
        break;
    }
    gvReportError(error, GV_ERR_INTERNAL_ERROR, "unknown transport %d", u->transport);
    return NULL;
}
