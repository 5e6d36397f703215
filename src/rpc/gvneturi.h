/*
 * gvneturi.h: libvirt's connection URIs, client side
 *
 * DRIVER[+TRANSPORT]://[USER@][HOST][:PORT]/PATH[?PARAMS]; transports unix,
 * tls, tcp and ssh.  No transport: tls when there is a host, else unix
 * (libvirt's rule).  Drivers genvirt and qemu.  The parameters genvirt
 * uses are socket, pkipath, no_verify, keyfile, netcat, name, no_tty;
 * libvirt's other client-side parameters are accepted and ignored;
 * anything else is an error that names it.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

typedef enum {
    GV_NET_URI_UNIX = 0,
    GV_NET_URI_TLS,
    GV_NET_URI_TCP,
    GV_NET_URI_SSH,
    GV_NET_URI_LAST
} gvNetURITransport;

typedef struct {
    char *driver; /* "genvirt" or "qemu" */
    gvNetURITransport transport;
    char *user;
    char *host; /* NULL for unix */
    int port; /* 0: the transport's default */
    char *path; /* "/system" */
    char *socket; /* socket= */
    char *pkipath; /* pkipath= */
    bool noVerify; /* no_verify=1 */
    bool noTTY; /* no_tty=1 */
    char *keyfile; /* keyfile= (ssh) */
    char *netcat; /* netcat= (ssh) */
    char *name; /* name=: the CONNECT_OPEN name */
} gvNetURI;

gvNetURI *gvNetURIParse(const char *uri, GError **error);
void gvNetURIFree(gvNetURI *u);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvNetURI, gvNetURIFree)

/* The name CONNECT_OPEN sends: name= or DRIVER:///PATH */
char *gvNetURIOpenName(const gvNetURI *u);
