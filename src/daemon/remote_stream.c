/*
 * remote_stream.c: libvirt's streams, and the console that uses them
 *
 * A stream belongs to the call that opened it: its frames carry that call's
 * program, procedure and serial, type STREAM.  Data is status CONTINUE (the
 * raw bytes, no XDR); an empty CONTINUE from the server is end of file; the
 * client finishes with OK or aborts with ERROR, and the server confirms
 * either with an empty OK (shared/reference/libvirt-wire-round2.md 4.5).
 *
 * Everything here runs on the main loop: the open call is answered there,
 * the pty is watched there, and the client's stream frames arrive there.
 * The pty's output goes to the client with gvNetServerClientSendAsync: a
 * client that stops reading is dropped once its backlog is full, and the
 * console never blocks the daemon.
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib-unix.h>

#include "gverror.h"
#include "gvrpcprotocol.h"
#include "qemu_driver.h"
#include "remote_procs-gen.h"
#include "remote_stream.h"

#define GV_STREAM_CHUNK 65536
#define GV_STREAM_INPUT_MAX (64 * 1024) /* console input not yet taken by QEMU */

#define GV_CONSOLE_FORCE (1 << 0) /* VIR_DOMAIN_CONSOLE_FORCE */
#define GV_CONSOLE_SAFE (1 << 1)

typedef struct _gvStream gvStream;

/* a GSource on the pty whose conditions change (output only while input waits) */
typedef struct {
    GSource source;
    gpointer tag;
    gvDaemon *daemon;
    gvStream *st;
} gvStreamSource;

struct _gvStream {
    gvNetServerClient *client; /* a reference */
    gvNetMessageHeader hdr; /* of the call that opened it */
    int fd;
    GSource *watch; /* a gvStreamSource */
    GByteArray *input; /* from the client, not yet written */
    bool eof; /* end of file sent to the client */
    unsigned char uuid[GV_UUID_BUFLEN];
    char *dev; /* the console's name, for --force */
};

struct _gvStreamRegistry {
    GPtrArray *streams; /* gvStream; main loop only */
};

static void gvStreamWatch(gvStream *st);

static void
gvStreamFree(gpointer opaque)
{
    gvStream *st = opaque;

    if (st->watch) {
        g_source_destroy(st->watch);
        g_source_unref(st->watch);
    }
    if (st->fd >= 0)
        close(st->fd);
    gvXdrBufferFree(st->input);
    gvNetServerClientUnref(st->client);
    g_free(st->dev);
    g_free(st);
}

gvStreamRegistry *
gvStreamRegistryNew(void)
{
    gvStreamRegistry *reg = g_new0(gvStreamRegistry, 1);

    reg->streams = g_ptr_array_new_with_free_func(gvStreamFree);
    return reg;
}

void
gvStreamRegistryFree(gvStreamRegistry *reg)
{
    if (!reg)
        return;
    g_ptr_array_unref(reg->streams);
    g_free(reg);
}

/* A frame of @st's stream with @status and @len bytes of @data */
static GByteArray *
gvStreamFrame(const gvStream *st, guint32 status, const void *data, size_t len)
{
    gvNetMessageHeader hdr = st->hdr;
    GByteArray *frame;

    hdr.type = GV_NET_STREAM;
    hdr.status = status;
    frame = gvNetMessageNew(&hdr);
    if (len > 0)
        g_byte_array_append(frame, data, (guint)len);
    (void)gvNetMessageFinish(frame);
    return frame;
}

static void
gvStreamClose(gvDaemon *daemon, gvStream *st)
{
    (void)g_ptr_array_remove_fast(daemon->streams->streams, st);
}

/*
 * End of file for the client (the guest stopped, or --force took the
 * console): the pty is let go; the stream stays until the client finishes
 * it, which it does next, and waits for the answer.
 */
static void
gvStreamSendEOF(gvStream *st)
{
    if (st->eof)
        return;
    st->eof = true;
    if (st->watch) {
        g_source_destroy(st->watch);
        g_clear_pointer(&st->watch, g_source_unref);
    }
    if (st->fd >= 0) {
        close(st->fd);
        st->fd = -1;
    }
    (void)gvNetServerClientSendAsync(st->client, gvStreamFrame(st, GV_NET_CONTINUE, NULL, 0));
}

static gboolean
gvStreamReady(GSource *source, GSourceFunc callback, gpointer data)
{
    gvStreamSource *ss = (gvStreamSource *)source;
    gvStream *st = ss->st;
    gvDaemon *daemon = ss->daemon;
    GIOCondition cond = g_source_query_unix_fd(source, ss->tag);

    if (cond & G_IO_OUT) {
        while (st->input && st->input->len > 0) {
            ssize_t n = write(st->fd, st->input->data, st->input->len);

            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                break;
            if (n <= 0) {
                gvStreamSendEOF(st);
                return G_SOURCE_REMOVE;
            }
            explicit_bzero(st->input->data, (size_t)n);
            g_byte_array_remove_range(st->input, 0, (guint)n);
        }
    }
    if (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR)) {
        guint8 buf[GV_STREAM_CHUNK];
        ssize_t n = read(st->fd, buf, sizeof(buf));

        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return G_SOURCE_CONTINUE;
        if (n <= 0) {
            /* EIO: QEMU closed the pty's master; the client hears end of file */
            gvStreamSendEOF(st);
            return G_SOURCE_REMOVE;
        }
        if (!gvNetServerClientSendAsync(st->client,
                                        gvStreamFrame(st, GV_NET_CONTINUE, buf, (size_t)n))) {
            /* the client is gone or stopped reading: it was dropped */
            explicit_bzero(buf, (size_t)n);
            gvStreamClose(daemon, st);
            return G_SOURCE_REMOVE;
        }
        explicit_bzero(buf, (size_t)n);
    }
    gvStreamWatch(st);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs gvStreamSourceFuncs = { NULL, NULL, gvStreamReady, NULL, NULL, NULL };

/* (Re)arms the watch: input always, output while client data waits */
static void
gvStreamWatch(gvStream *st)
{
    GIOCondition want = G_IO_IN | ((st->input && st->input->len > 0) ? G_IO_OUT : 0);

    if (st->watch)
        g_source_modify_unix_fd(st->watch, ((gvStreamSource *)st->watch)->tag, want);
}

/* ---- frames from the client -------------------------------------------- */

void
gvStreamReceived(gvNetServerClient *client, const gvNetMessageHeader *hdr, const guint8 *payload,
                 size_t len, gpointer opaque)
{
    gvDaemon *daemon = opaque;
    gvStream *st = NULL;
    guint i;

    for (i = 0; i < daemon->streams->streams->len; i++) {
        gvStream *s = g_ptr_array_index(daemon->streams->streams, i);

        if (s->client == client && s->hdr.serial == hdr->serial && s->hdr.proc == hdr->proc &&
            s->hdr.prog == hdr->prog) {
            st = s;
            break;
        }
    }
    if (!st) {
        g_debug("stream frame for no open stream (procedure %d, serial %u): dropped", hdr->proc,
                hdr->serial);
        return;
    }
    switch (hdr->status) {
    case GV_NET_CONTINUE:
        if (len == 0 || st->eof)
            return;
        if (!st->input)
            st->input = g_byte_array_new();
        if (st->input->len + len > GV_STREAM_INPUT_MAX) {
            /* QEMU does not take what the client types: stop the stream */
            GByteArray *frame = gvStreamFrame(st, GV_NET_ERROR, NULL, 0);

            gvRemoteErrorEncode(frame, GV_ERR_OPERATION_FAILED, GV_ERROR_DOMAIN_QEMU,
                                "console input is not being read by the guest");
            (void)gvNetMessageFinish(frame);
            (void)gvNetServerClientSendAsync(client, frame);
            gvStreamClose(daemon, st);
            return;
        }
        g_byte_array_append(st->input, payload, (guint)len);
        gvStreamWatch(st);
        return;
    case GV_NET_OK:
    case GV_NET_ERROR:
        /* finish or abort: confirmed with an empty OK, then the stream is gone */
        (void)gvNetServerClientSendAsync(client, gvStreamFrame(st, GV_NET_OK, NULL, 0));
        gvStreamClose(daemon, st);
        return;
    default:
        g_debug("stream frame with status %u: dropped", hdr->status);
        return;
    }
}

void
gvStreamClientClosed(gvNetServerClient *client, gpointer opaque)
{
    gvDaemon *daemon = opaque;
    guint i;

    for (i = 0; i < daemon->streams->streams->len;) {
        gvStream *st = g_ptr_array_index(daemon->streams->streams, i);

        if (st->client == client)
            g_ptr_array_remove_index_fast(daemon->streams->streams, i);
        else
            i++;
    }
}

/* ---- the console ------------------------------------------------------- */

static int
gvStreamOpenPty(const char *path, GError **error)
{
    struct termios tio;
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        gvReportSystemError(error, errno, "cannot open console '%s'", path);
        return -1;
    }
    if (!isatty(fd)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "console '%s' is not a terminal", path);
        close(fd);
        return -1;
    }
    /* bytes as they come, both ways: no echo, no line editing */
    if (tcgetattr(fd, &tio) == 0) {
        cfmakeraw(&tio);
        (void)tcsetattr(fd, TCSANOW, &tio);
    }
    return fd;
}

int
gvProcDomainOpenConsole(gvCall *call, const gvDomainOpenConsoleArgs *args, gvRpcVoid *ret,
                        GError **error)
{
    gvDaemon *daemon = call->daemon;
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);
    g_autofree char *path = NULL;
    const char *dev = args->devName ? args->devName : "console0";
    gvStreamSource *ss;
    gvStream *st;
    guint i;

    if (!obj || gvCallCheckFlags(call, args->flags, GV_CONSOLE_FORCE | GV_CONSOLE_SAFE, error) < 0)
        return -1;
    if (!(path = gvDriverDomainConsolePath(daemon->drv, obj, args->devName, error)))
        return -1;
    for (i = 0; i < daemon->streams->streams->len; i++) {
        gvStream *old = g_ptr_array_index(daemon->streams->streams, i);

        if (old->eof || memcmp(old->uuid, args->dom.uuid, GV_UUID_BUFLEN) != 0 ||
            !g_str_equal(old->dev, dev))
            continue;
        if (!(args->flags & GV_CONSOLE_FORCE)) {
            gvReportError(error, GV_ERR_OPERATION_FAILED,
                          "Active console session exists for this domain");
            return -1;
        }
        /* --force: the old session ends (end of file), this one takes the console */
        gvStreamSendEOF(old);
        break;
    }

    st = g_new0(gvStream, 1);
    st->fd = -1;
    if ((st->fd = gvStreamOpenPty(path, error)) < 0) {
        g_free(st);
        return -1;
    }
    st->client = gvNetServerClientRef(call->client);
    st->hdr = *call->hdr;
    memcpy(st->uuid, args->dom.uuid, GV_UUID_BUFLEN);
    st->dev = g_strdup(dev);
    /* registered before the reply goes: data may follow it at once */
    st->watch = g_source_new(&gvStreamSourceFuncs, sizeof(gvStreamSource));
    ss = (gvStreamSource *)st->watch;
    ss->daemon = daemon;
    ss->st = st;
    ss->tag = g_source_add_unix_fd(st->watch, st->fd, G_IO_IN);
    g_source_attach(st->watch, g_main_context_default());
    g_ptr_array_add(daemon->streams->streams, st);
    g_debug("console %s of domain '%s' opened (%s)", dev, args->dom.name, path);
    return 0;
}
