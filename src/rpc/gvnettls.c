/*
 * gvnettls.c: libvirt's TLS transport (GnuTLS, x509 certificates)
 */
#include <gvconfig.h>

#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "gverror.h"
#include "gvnettls.h"

#define GV_NET_TLS_DN_MAX 1024 /* longer DNs are refused */

struct _gvNetTLSContext {
    gint ref;
    bool server;
    bool noVerify;
    gnutls_certificate_credentials_t creds;
};

struct _gvNetTLSSession {
    gvNetTLSContext *ctx;
    gnutls_session_t s;
    char *hostname;
    bool done; /* the handshake */
};

static int
gvNetTLSError(GError **error, int rc, const char *what, const char *path)
{
    if (path)
        gvReportError(error, GV_ERR_SYSTEM_ERROR, "%s '%s': %s", what, path, gnutls_strerror(rc));
    else
        gvReportError(error, GV_ERR_SYSTEM_ERROR, "%s: %s", what, gnutls_strerror(rc));
    return -1;
}

static bool
gvNetTLSCheckReadable(const char *what, const char *path, GError **error)
{
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR) && access(path, R_OK) == 0)
        return true;
    gvReportSystemError(error, errno ? errno : ENOENT, "cannot read %s '%s'", what, path);
    return false;
}

static gvNetTLSContext *
gvNetTLSContextNew(bool server, const char *ca, const char *crl, const char *cert, const char *key,
                   bool noVerify, GError **error)
{
    g_autoptr(gvNetTLSContext) ctx = g_new0(gvNetTLSContext, 1);
    int rc;

    ctx->ref = 1;
    ctx->server = server;
    ctx->noVerify = noVerify;
    if ((rc = gnutls_certificate_allocate_credentials(&ctx->creds)) < 0) {
        gvNetTLSError(error, rc, "cannot allocate TLS credentials", NULL);
        return NULL;
    }
    if (!gvNetTLSCheckReadable("CA certificate", ca, error))
        return NULL;
    rc = gnutls_certificate_set_x509_trust_file(ctx->creds, ca, GNUTLS_X509_FMT_PEM);
    if (rc < 0) {
        gvNetTLSError(error, rc, "cannot load CA certificate", ca);
        return NULL;
    }
    if (rc == 0) {
        gvReportError(error, GV_ERR_SYSTEM_ERROR, "no CA certificate in '%s'", ca);
        return NULL;
    }
    if (crl && g_file_test(crl, G_FILE_TEST_EXISTS)) {
        rc = gnutls_certificate_set_x509_crl_file(ctx->creds, crl, GNUTLS_X509_FMT_PEM);
        if (rc < 0) {
            gvNetTLSError(error, rc, "cannot load certificate revocation list", crl);
            return NULL;
        }
    }
    if (server || (cert && key && g_file_test(cert, G_FILE_TEST_EXISTS) &&
                   g_file_test(key, G_FILE_TEST_EXISTS))) {
        if (!gvNetTLSCheckReadable("certificate", cert, error) ||
            !gvNetTLSCheckReadable("private key", key, error))
            return NULL;
        rc = gnutls_certificate_set_x509_key_file(ctx->creds, cert, key, GNUTLS_X509_FMT_PEM);
        if (rc < 0) {
            gvNetTLSError(error, rc, "cannot load certificate and key", cert);
            return NULL;
        }
    }
    return g_steal_pointer(&ctx);
}

gvNetTLSContext *
gvNetTLSContextNewServer(const char *ca, const char *crl, const char *cert, const char *key,
                         bool noVerify, GError **error)
{
    return gvNetTLSContextNew(true, ca, crl, cert, key, noVerify, error);
}

gvNetTLSContext *
gvNetTLSContextNewClient(const char *ca, const char *crl, const char *cert, const char *key,
                         bool noVerify, GError **error)
{
    return gvNetTLSContextNew(false, ca, crl, cert, key, noVerify, error);
}

gvNetTLSContext *
gvNetTLSContextRef(gvNetTLSContext *ctx)
{
    g_atomic_int_inc(&ctx->ref);
    return ctx;
}

void
gvNetTLSContextUnref(gvNetTLSContext *ctx)
{
    if (!ctx || !g_atomic_int_dec_and_test(&ctx->ref))
        return;
    if (ctx->creds)
        gnutls_certificate_free_credentials(ctx->creds);
    g_free(ctx);
}

/* ---- sessions ----------------------------------------------------------- */

/* GnuTLS's own push writes without MSG_NOSIGNAL: a peer gone would raise SIGPIPE */
static ssize_t
gvNetTLSPush(gnutls_transport_ptr_t ptr, const giovec_t *iov, int iovcnt)
{
    struct msghdr msg = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt };

    return sendmsg(GPOINTER_TO_INT(ptr), &msg, MSG_NOSIGNAL);
}

gvNetTLSSession *
gvNetTLSSessionNew(gvNetTLSContext *ctx, int fd, const char *hostname, GError **error)
{
    g_autoptr(gvNetTLSSession) sess = g_new0(gvNetTLSSession, 1);
    int rc;

    if ((rc = gnutls_init(&sess->s,
                          (ctx->server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NONBLOCK)) < 0) {
        sess->s = NULL;
        gvNetTLSError(error, rc, "cannot create a TLS session", NULL);
        return NULL;
    }
    sess->ctx = gvNetTLSContextRef(ctx);
    if ((rc = gnutls_set_default_priority(sess->s)) < 0 ||
        (rc = gnutls_credentials_set(sess->s, GNUTLS_CRD_CERTIFICATE, ctx->creds)) < 0) {
        gvNetTLSError(error, rc, "cannot set up the TLS session", NULL);
        return NULL;
    }
    if (ctx->server) {
        gnutls_certificate_server_set_request(sess->s, ctx->noVerify ? GNUTLS_CERT_REQUEST
                                                                     : GNUTLS_CERT_REQUIRE);
        /*
         * No list of acceptable CAs: a client sends its certificate whoever
         * signed it, so that a refusal can name its DN in the log.
         */
        gnutls_certificate_send_x509_rdn_sequence(sess->s, 1);
    } else if (hostname) {
        sess->hostname = g_strdup(hostname);
        /* server name indication takes DNS names only */
        if (!g_hostname_is_ip_address(hostname))
            (void)gnutls_server_name_set(sess->s, GNUTLS_NAME_DNS, hostname, strlen(hostname));
    }
    gnutls_transport_set_int(sess->s, fd);
    gnutls_transport_set_vec_push_function(sess->s, gvNetTLSPush);
    return g_steal_pointer(&sess);
}

void
gvNetTLSSessionFree(gvNetTLSSession *sess)
{
    if (!sess)
        return;
    if (sess->s) {
        /* one try at a clean end; the socket is non-blocking */
        if (sess->done)
            (void)gnutls_bye(sess->s, GNUTLS_SHUT_WR);
        gnutls_deinit(sess->s);
    }
    gvNetTLSContextUnref(sess->ctx);
    g_free(sess->hostname);
    g_free(sess);
}

int
gvNetTLSSessionHandshake(gvNetTLSSession *sess, GError **error)
{
    int rc = gnutls_handshake(sess->s);

    if (rc == GNUTLS_E_SUCCESS) {
        sess->done = true;
        return 1;
    }
    if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED || !gnutls_error_is_fatal(rc))
        return 0;
    if (rc == GNUTLS_E_CERTIFICATE_REQUIRED || rc == GNUTLS_E_NO_CERTIFICATE_FOUND) {
        gvReportError(error, GV_ERR_AUTH_FAILED,
                      "TLS handshake failed: the client sent no certificate");
        return -1;
    }
    gvReportError(error, GV_ERR_AUTH_FAILED, "TLS handshake failed: %s", gnutls_strerror(rc));
    return -1;
}

bool
gvNetTLSSessionWantsWrite(gvNetTLSSession *sess)
{
    return gnutls_record_get_direction(sess->s) == 1;
}

/* Replaces control characters in @dn by '?'; true when there was one */
static bool
gvNetTLSDNSanitize(char *dn)
{
    bool found = false;
    char *p;

    for (p = dn; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            *p = '?';
            found = true;
        }
    }
    return found;
}

/*
 * The DN of the peer's certificate in libvirt's form ("C=GB,O=...,CN=...");
 * on an error after the DN was read, @dn holds it (sanitized) for the log.
 */
static int
gvNetTLSPeerDN(gvNetTLSSession *sess, char **dn, GError **error)
{
    const gnutls_datum_t *certs;
    unsigned int ncerts = 0;
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t name = { NULL, 0 };
    int rc;

    *dn = NULL;
    if (gnutls_certificate_type_get(sess->s) != GNUTLS_CRT_X509 ||
        !(certs = gnutls_certificate_get_peers(sess->s, &ncerts)) || ncerts == 0)
        return 0;
    if ((rc = gnutls_x509_crt_init(&crt)) < 0)
        return gvNetTLSError(error, rc, "cannot read the peer's certificate", NULL);
    rc = gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER);
    if (rc >= 0)
        rc = gnutls_x509_crt_get_dn3(crt, &name, GNUTLS_X509_DN_FLAG_COMPAT);
    gnutls_x509_crt_deinit(crt);
    if (rc < 0)
        return gvNetTLSError(error, rc, "cannot read the DN of the peer's certificate", NULL);
    if (name.size > GV_NET_TLS_DN_MAX || memchr(name.data, '\0', name.size)) {
        gnutls_free(name.data);
        gvReportError(error, GV_ERR_AUTH_FAILED, "the peer's certificate has an overlong DN");
        return -1;
    }
    *dn = g_strndup((const char *)name.data, name.size);
    gnutls_free(name.data);
    /* a DN goes into the log: control characters there are refused, and shown as '?' */
    if (gvNetTLSDNSanitize(*dn)) {
        gvReportError(error, GV_ERR_AUTH_FAILED,
                      "the peer's certificate has control characters in its DN");
        return -1;
    }
    return 1;
}

static char *
gvNetTLSStatusText(unsigned int status)
{
    gnutls_datum_t out = { NULL, 0 };
    char *ret;

    if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) < 0)
        return g_strdup_printf("verification status 0x%x", status);
    ret = g_strstrip(g_strndup((const char *)out.data, out.size));
    gnutls_free(out.data);
    return ret;
}

bool
gvNetTLSDNMatch(const char *const *patterns, const char *dn)
{
    size_t i;

    for (i = 0; patterns && patterns[i]; i++) {
        if (fnmatch(patterns[i], dn, 0) == 0)
            return true;
    }
    return false;
}

int
gvNetTLSSessionCheckClient(gvNetTLSSession *sess, const gvNetTLSPolicy *policy, char **dn,
                           bool *readonly, GError **error)
{
    g_autofree char *name = NULL;
    unsigned int status = 0;
    int rc;

    *dn = NULL;
    *readonly = false;
    if ((rc = gvNetTLSPeerDN(sess, &name, error)) < 0) {
        *dn = g_steal_pointer(&name);
        return -1;
    }
    if (rc == 0) {
        if (sess->ctx->noVerify)
            return 0; /* tls_no_verify_certificate: libvirt lets it in */
        gvReportError(error, GV_ERR_AUTH_FAILED, "the client sent no certificate");
        return -1;
    }
    *dn = g_strdup(name);
    if ((rc = gnutls_certificate_verify_peers2(sess->s, &status)) < 0)
        return gvNetTLSError(error, rc, "cannot verify the client's certificate", NULL);
    if (status != 0) {
        g_autofree char *why = gvNetTLSStatusText(status);

        if (sess->ctx->noVerify)
            return 0;
        gvReportError(error, GV_ERR_AUTH_FAILED, "the client's certificate does not verify: %s",
                      why);
        return -1;
    }
    if (sess->ctx->noVerify)
        return 0;
    if (gvNetTLSDNMatch((const char *const *)policy->readonly, name)) {
        *readonly = true;
        return 0;
    }
    if (policy->allowed && !gvNetTLSDNMatch((const char *const *)policy->allowed, name)) {
        gvReportError(error, GV_ERR_AUTH_FAILED, "the client's DN is not on tls_allowed_dn_list");
        return -1;
    }
    return 0;
}

int
gvNetTLSSessionCheckServer(gvNetTLSSession *sess, GError **error)
{
    unsigned int status = 0;
    int rc;

    if (sess->ctx->noVerify)
        return 0; /* no_verify=1 */
    rc = gnutls_certificate_verify_peers3(sess->s, sess->hostname, &status);
    if (rc < 0)
        return gvNetTLSError(error, rc, "cannot verify the server's certificate", NULL);
    if (status & GNUTLS_CERT_UNEXPECTED_OWNER) {
        gvReportError(error, GV_ERR_AUTH_FAILED,
                      "Certificate of the server does not match the hostname %s",
                      sess->hostname ? sess->hostname : "");
        return -1;
    }
    if (status != 0) {
        g_autofree char *why = gvNetTLSStatusText(status);

        gvReportError(error, GV_ERR_AUTH_FAILED, "the server's certificate does not verify: %s",
                      why);
        return -1;
    }
    return 0;
}

ssize_t
gvNetTLSSessionRecv(gvNetTLSSession *sess, void *buf, size_t len)
{
    ssize_t n = gnutls_record_recv(sess->s, buf, len);

    if (n >= 0)
        return n;
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
        errno = EAGAIN;
        return -1;
    }
    if (n == GNUTLS_E_PREMATURE_TERMINATION)
        return 0; /* the peer closed without close_notify: the end all the same */
    errno = EIO;
    return -1;
}

ssize_t
gvNetTLSSessionSend(gvNetTLSSession *sess, const void *buf, size_t len)
{
    ssize_t n = gnutls_record_send(sess->s, buf, len);

    if (n >= 0)
        return n;
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
        errno = EAGAIN;
        return -1;
    }
    errno = EIO;
    return -1;
}

size_t
gvNetTLSSessionPending(gvNetTLSSession *sess)
{
    return gnutls_record_check_pending(sess->s);
}

char *
gvNetTLSSessionDescribe(gvNetTLSSession *sess)
{
    char *desc = gnutls_session_get_desc(sess->s);
    char *ret = g_strdup(desc ? desc : "TLS");

    gnutls_free(desc);
    return ret;
}
