/*
 * gvnettls.h: libvirt's TLS transport (GnuTLS, x509 certificates)
 *
 * A context holds the credentials read from libvirt's certificate files
 * (CA, optional CRL, own certificate and key); a session runs over one
 * non-blocking socket.  The handshake is a step function: the server's main
 * loop calls it whenever the socket is ready in the direction the last step
 * asked for; a client loops on it with poll.
 *
 * The server requires a client certificate and verifies it (CA, time,
 * CRL); its distinguished name then must match the allow-list (fnmatch
 * patterns, like libvirt's tls_allowed_dn_list) or the read-only list.
 * The client verifies the server's certificate against the CA and the host
 * name it connected to.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

typedef struct _gvNetTLSContext gvNetTLSContext;
typedef struct _gvNetTLSSession gvNetTLSSession;

/*
 * The server side: @crl is used when the file exists.  With @noVerify a
 * client may come without a certificate, or with one that does not verify
 * (libvirt's tls_no_verify_certificate).
 */
gvNetTLSContext *gvNetTLSContextNewServer(const char *ca, const char *crl, const char *cert,
                                          const char *key, bool noVerify, GError **error);
/* The client side: @cert and @key may be absent files (no client certificate) */
gvNetTLSContext *gvNetTLSContextNewClient(const char *ca, const char *crl, const char *cert,
                                          const char *key, bool noVerify, GError **error);
gvNetTLSContext *gvNetTLSContextRef(gvNetTLSContext *ctx);
void gvNetTLSContextUnref(gvNetTLSContext *ctx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvNetTLSContext, gvNetTLSContextUnref)

/* Who may connect: patterns are fnmatch(3) patterns matched against the whole DN */
typedef struct {
    GStrv allowed; /* NULL: any verified client; else only these (and @readonly) */
    GStrv readonly; /* these get the read-only view */
} gvNetTLSPolicy;

/* @hostname: the server's name, checked against its certificate (client side) */
gvNetTLSSession *gvNetTLSSessionNew(gvNetTLSContext *ctx, int fd, const char *hostname,
                                    GError **error);
void gvNetTLSSessionFree(gvNetTLSSession *sess);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvNetTLSSession, gvNetTLSSessionFree)

/* One handshake step: 1 done, 0 call again when ready, -1 failed */
int gvNetTLSSessionHandshake(gvNetTLSSession *sess, GError **error);
/* After a step or an I/O call that would block: it waits to write (else to read) */
bool gvNetTLSSessionWantsWrite(gvNetTLSSession *sess);

/*
 * The server's check of the client after the handshake: the certificate
 * verifies and its DN is allowed by @policy.  Sets @dn (when a certificate
 * came, also on failure, for the log) and @readonly.
 */
int gvNetTLSSessionCheckClient(gvNetTLSSession *sess, const gvNetTLSPolicy *policy, char **dn,
                               bool *readonly, GError **error);
/* The client's check of the server: certificate and host name */
int gvNetTLSSessionCheckServer(gvNetTLSSession *sess, GError **error);

/*
 * Record I/O with recv(2)/send(2) conventions: bytes, 0 at the end of the
 * stream, -1 with errno (EAGAIN when it would block).  After EAGAIN, a
 * send must be repeated with the same data.
 */
ssize_t gvNetTLSSessionRecv(gvNetTLSSession *sess, void *buf, size_t len);
ssize_t gvNetTLSSessionSend(gvNetTLSSession *sess, const void *buf, size_t len);
/* Bytes already decrypted and waiting: poll(2) does not see them */
size_t gvNetTLSSessionPending(gvNetTLSSession *sess);
/* The protocol and cipher, for the log */
char *gvNetTLSSessionDescribe(gvNetTLSSession *sess);

/* Whether @dn matches one of @patterns (fnmatch(3), no flags) */
bool gvNetTLSDNMatch(const char *const *patterns, const char *dn);
