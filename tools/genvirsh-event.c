/*
 * genvirsh-event.c: the event command, virsh's lines for lifecycle and
 * reboot events and genvirt's for a new generation ID
 */
#include <gvconfig.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "domain_event.h"
#include "genvirsh.h"
#include "gverror.h"

/* the events genvirsh can wait for: --event NAME */
typedef struct {
    const char *name;
    guint32 prog;
    gint32 eventID; /* 316's, or -1 for genvirt's program */
} gvShEventKind;

static const gvShEventKind gvShEventKinds[] = {
    { "lifecycle", GV_PROGRAM_REMOTE, GV_DOMAIN_EVENT_ID_LIFECYCLE },
    { "reboot", GV_PROGRAM_REMOTE, GV_DOMAIN_EVENT_ID_REBOOT },
    { "genid-changed", GV_PROGRAM_GENVIRT, -1 },
};

typedef struct {
    bool loop;
    bool timestamp;
    unsigned int count;
} gvShEventState;

static volatile sig_atomic_t gvShEventInterrupted;

static void
gvShEventSigint(int sig)
{
    gvShEventInterrupted = 1;
}

static void
gvShEventPrefix(const gvShEventState *st)
{
    if (st->timestamp) {
        /* virsh's form: UTC, milliseconds */
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *ts = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");

        printf("%.23s+0000: ", ts);
    }
}

/* Decodes @payload as @layout; false if it is not one */
static bool
gvShEventDecode(const gvXdrLayout *layout, const guint8 *payload, size_t len, void *out)
{
    gvXdrDecoder d = GV_XDR_DECODER_INIT(payload, len);

    return gvXdrDecodeLayout(&d, layout, out) && gvXdrDecodeFinished(&d);
}

static void
gvShEventReceived(const gvNetMessageHeader *hdr, const guint8 *payload, size_t len, gpointer opaque)
{
    gvShEventState *st = opaque;

    if (hdr->prog == GV_PROGRAM_REMOTE && hdr->proc == GV_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE) {
        gvEventCallbackLifecycleMsg m = { 0 };

        if (gvShEventDecode(&gvEventCallbackLifecycleMsgLayout, payload, len, &m)) {
            gvShEventPrefix(st);
            printf("event 'lifecycle' for domain '%s': %s %s\n", m.dom.name,
                   gvDomainEventTypeName(m.event), gvDomainEventDetailName(m.event, m.detail));
            st->count++;
        }
        gvXdrLayoutClear(&gvEventCallbackLifecycleMsgLayout, &m);
    } else if (hdr->prog == GV_PROGRAM_REMOTE &&
               hdr->proc == GV_PROC_DOMAIN_EVENT_CALLBACK_REBOOT) {
        gvEventCallbackRebootMsg m = { 0 };

        if (gvShEventDecode(&gvEventCallbackRebootMsgLayout, payload, len, &m)) {
            gvShEventPrefix(st);
            printf("event 'reboot' for domain '%s'\n", m.dom.name);
            st->count++;
        }
        gvXdrLayoutClear(&gvEventCallbackRebootMsgLayout, &m);
    } else if (hdr->prog == GV_PROGRAM_GENVIRT &&
               hdr->proc == GV_GENVIRT_PROC_DOMAIN_EVENT_GENID_CHANGED) {
        gvGenidChangedMsg m = { 0 };

        if (gvShEventDecode(&gvGenidChangedMsgLayout, payload, len, &m)) {
            const char *why = gvDomainGenidChangedTypeToString(m.reason);

            gvShEventPrefix(st);
            printf("event 'genid-changed' for domain '%s': %s\n", m.dom.name,
                   why ? why : "unknown");
            st->count++;
        }
        gvXdrLayoutClear(&gvGenidChangedMsgLayout, &m);
    }
    fflush(stdout);
}

typedef struct {
    const gvShEventKind *kind;
    gint32 callbackID;
} gvShEventReg;

static bool
gvShEventRegister(gvShConn *conn, const gvShEventKind *kind, gvRemoteDomain *dom, gvShEventReg *reg,
                  GError **error)
{
    gvCallbackIDRet ret = { 0 };
    int rc;

    if (kind->prog == GV_PROGRAM_GENVIRT) {
        gvGenidEventRegisterArgs args = { dom };

        rc = gvNetClientCallLayout(
            conn->client, GV_PROGRAM_GENVIRT, GV_GENVIRT_PROC_CONNECT_GENID_EVENT_REGISTER,
            &gvGenidEventRegisterArgsLayout, &args, &gvCallbackIDRetLayout, &ret, error);
    } else {
        gvEventCallbackRegisterAnyArgs args = { kind->eventID, dom };

        rc = gvNetClientCallLayout(
            conn->client, GV_PROGRAM_REMOTE, GV_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
            &gvEventCallbackRegisterAnyArgsLayout, &args, &gvCallbackIDRetLayout, &ret, error);
    }
    if (rc < 0)
        return false;
    reg->kind = kind;
    reg->callbackID = ret.callbackID;
    return true;
}

static void
gvShEventDeregister(gvShConn *conn, const gvShEventReg *reg)
{
    gvCallbackIDArgs args = { reg->callbackID };
    gvRpcVoid ret = { 0 };
    g_autoptr(GError) error = NULL;
    bool genid = reg->kind->prog == GV_PROGRAM_GENVIRT;

    (void)gvNetClientCallLayout(conn->client, reg->kind->prog,
                                genid ? GV_GENVIRT_PROC_CONNECT_GENID_EVENT_DEREGISTER
                                      : GV_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                                &gvCallbackIDArgsLayout, &args, &gvRpcVoidLayout, &ret, &error);
}

static bool
gvShCmdEvent(const gvShCmdCall *call)
{
    const char *domain = gvShCmdGetString(call, "domain");
    const char *event = gvShCmdGetString(call, "event");
    const char *timeoutStr = gvShCmdGetString(call, "timeout");
    gvShEventState st = { gvShCmdGetBool(call, "loop"), gvShCmdGetBool(call, "timestamp"), 0 };
    g_autoptr(gvShConn) conn = NULL;
    g_autoptr(GError) error = NULL;
    gvShEventReg regs[G_N_ELEMENTS(gvShEventKinds)];
    gvRemoteDomain dom = { 0 };
    size_t nregs = 0;
    gint64 deadline = -1;
    struct sigaction sa = { 0 };
    struct sigaction old;
    size_t i;

    if (gvShCmdGetBool(call, "list")) {
        for (i = 0; i < G_N_ELEMENTS(gvShEventKinds); i++)
            printf("%s\n", gvShEventKinds[i].name);
        return true;
    }
    if (!event && !gvShCmdGetBool(call, "all")) {
        fprintf(stderr, "error: one of --list, --all, or --event <type> is required\n");
        return false;
    }
    if (timeoutStr) {
        guint64 t;

        if (!g_ascii_string_to_unsigned(timeoutStr, 10, 1, G_MAXINT / 1000, &t, NULL)) {
            fprintf(stderr,
                    "error: Numeric value '%s' for <timeout> option is malformed or out "
                    "of range\n",
                    timeoutStr);
            return false;
        }
        deadline = g_get_monotonic_time() + (gint64)t * G_USEC_PER_SEC;
    }
    if (!(conn = gvShConnect()))
        return false;
    if (domain && !gvShLookupDomain(conn, domain, true, &dom))
        return false;

    for (i = 0; i < G_N_ELEMENTS(gvShEventKinds); i++) {
        g_autoptr(GError) local = NULL;

        if (event && !g_str_equal(event, gvShEventKinds[i].name))
            continue;
        if (!gvShEventRegister(conn, &gvShEventKinds[i], domain ? &dom : NULL, &regs[nregs],
                               &local)) {
            /* as virsh: only the first registration's failure is fatal */
            if (nregs == 0) {
                gvShReportError(local);
                gvRemoteDomainClear(&dom);
                return false;
            }
            continue;
        }
        nregs++;
    }
    gvRemoteDomainClear(&dom);
    if (nregs == 0) {
        fprintf(stderr, "error: unknown event type %s\n", event);
        return false;
    }

    gvNetClientSetEventFunc(conn->client, gvShEventReceived, &st);
    sa.sa_handler = gvShEventSigint;
    sigaction(SIGINT, &sa, &old);
    gvShEventInterrupted = 0;
    while (!gvShEventInterrupted && (st.loop || st.count == 0)) {
        int wait = 200;

        if (deadline >= 0) {
            gint64 left = (deadline - g_get_monotonic_time()) / 1000;

            if (left <= 0) {
                printf("event loop timed out\n");
                break;
            }
            wait = (int)MIN(left, 200);
        }
        if (gvNetClientWait(conn->client, wait, &error) < 0) {
            gvShReportError(error);
            break;
        }
    }
    if (gvShEventInterrupted)
        printf("event loop interrupted\n");
    sigaction(SIGINT, &old, NULL);
    if (!error) {
        for (i = 0; i < nregs; i++)
            gvShEventDeregister(conn, &regs[i]);
    }
    printf("events received: %u\n", st.count);
    return st.count > 0;
}

static const gvShOpt gvShOptsEvent[] = {
    { "domain", GV_SH_OPT_STRING, 0, "filter by domain name, id or uuid" },
    { "event", GV_SH_OPT_STRING, 0, "which event type to wait for" },
    { "all", GV_SH_OPT_BOOL, 0, "wait for all events instead of just one type" },
    { "loop", GV_SH_OPT_BOOL, 0, "loop until timeout or interrupt, rather than one-shot" },
    { "timeout", GV_SH_OPT_STRING, 0, "timeout seconds" },
    { "list", GV_SH_OPT_BOOL, 0, "list valid event types" },
    { "timestamp", GV_SH_OPT_BOOL, 0, "show timestamp for each printed event" },
    { NULL, 0, 0, NULL }
};

const gvShCmd gvShEventCmds[] = {
    { "event", "Domain Events",
      "List event types, or wait for domain events to occur: virsh's lifecycle and reboot "
      "events, and genvirt's genid-changed (the reason, never the value)",
      gvShOptsEvent, gvShCmdEvent },
    { NULL, NULL, NULL, NULL, NULL }
};
