/*
 * gvneturi.c: libvirt's connection URIs, client side
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "gvneturi.h"

/* libvirt's client-side parameters that genvirt accepts and does not use */
static const char *const gvNetURIIgnored[] = {
    "no_sanity", "known_hosts", "known_hosts_verify", "sshauth", "tls_priority", "mode", "proxy",
    "command",   "auth",        "authfile",           NULL
};

void
gvNetURIFree(gvNetURI *u)
{
    if (!u)
        return;
    g_free(u->driver);
    g_free(u->user);
    g_free(u->host);
    g_free(u->path);
    g_free(u->socket);
    g_free(u->pkipath);
    g_free(u->keyfile);
    g_free(u->netcat);
    g_free(u->name);
    g_free(u);
}

static bool
gvNetURIBool(const char *uri, const char *key, const char *value, GError **error)
{
    if (g_str_equal(value, "1"))
        return true;
    if (!g_str_equal(value, "0"))
        gvReportError(error, GV_ERR_INVALID_ARG, "invalid value '%s' of '%s' in URI '%s'", value,
                      key, uri);
    return false;
}

static int
gvNetURIParams(gvNetURI *u, const char *uri, const char *query, GError **error)
{
    g_autoptr(GHashTable) params = NULL;
    g_autoptr(GError) local = NULL;
    GHashTableIter it;
    gpointer k;
    gpointer v;

    if (!query)
        return 0;
    if (!(params = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, &local))) {
        gvReportError(error, GV_ERR_INVALID_ARG, "invalid parameters in URI '%s': %s", uri,
                      local->message);
        return -1;
    }
    g_hash_table_iter_init(&it, params);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const char *key = k;
        const char *value = v;
        char **slot = NULL;

        if (g_str_equal(key, "socket"))
            slot = &u->socket;
        else if (g_str_equal(key, "pkipath"))
            slot = &u->pkipath;
        else if (g_str_equal(key, "keyfile"))
            slot = &u->keyfile;
        else if (g_str_equal(key, "netcat"))
            slot = &u->netcat;
        else if (g_str_equal(key, "name"))
            slot = &u->name;
        if (slot) {
            g_free(*slot);
            *slot = g_strdup(value);
            continue;
        }
        if (g_str_equal(key, "no_verify") || g_str_equal(key, "no_tty")) {
            bool b = gvNetURIBool(uri, key, value, &local);

            if (local) {
                g_propagate_error(error, g_steal_pointer(&local));
                return -1;
            }
            if (g_str_equal(key, "no_verify"))
                u->noVerify = b;
            else
                u->noTTY = b;
            continue;
        }
        if (!g_strv_contains(gvNetURIIgnored, key)) {
            gvReportError(error, GV_ERR_INVALID_ARG, "unknown parameter '%s' in URI '%s'", key,
                          uri);
            return -1;
        }
    }
    return 0;
}

gvNetURI *
gvNetURIParse(const char *uri, GError **error)
{
    g_autoptr(GUri) gu = NULL;
    g_autoptr(GError) local = NULL;
    g_autoptr(gvNetURI) u = g_new0(gvNetURI, 1);
    g_autofree char *scheme = NULL;
    const char *plus;
    const char *host;

    if (!(gu = g_uri_parse(uri, G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_NON_DNS, &local))) {
        gvReportError(error, GV_ERR_INVALID_ARG, "invalid URI '%s': %s", uri, local->message);
        return NULL;
    }
    scheme = g_ascii_strdown(g_uri_get_scheme(gu), -1);
    host = g_uri_get_host(gu);
    if (host && !*host)
        host = NULL;
    if ((plus = strchr(scheme, '+'))) {
        const char *t = plus + 1;

        u->driver = g_strndup(scheme, plus - scheme);
        if (g_str_equal(t, "unix"))
            u->transport = GV_NET_URI_UNIX;
        else if (g_str_equal(t, "tls"))
            u->transport = GV_NET_URI_TLS;
        else if (g_str_equal(t, "tcp"))
            u->transport = GV_NET_URI_TCP;
        else if (g_str_equal(t, "ssh"))
            u->transport = GV_NET_URI_SSH;
        else {
            gvReportError(error, GV_ERR_INVALID_ARG,
                          "transport '%s' of URI '%s' is not supported: use unix, tls, tcp or ssh",
                          t, uri);
            return NULL;
        }
    } else {
        u->driver = g_strdup(scheme);
        u->transport = host ? GV_NET_URI_TLS : GV_NET_URI_UNIX;
    }
    if (!g_str_equal(u->driver, "genvirt") && !g_str_equal(u->driver, "qemu")) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "unsupported URI '%s': expected genvirt:///system, "
                      "genvirt+unix:///system?socket=PATH or genvirt+tls://HOST/system",
                      uri);
        return NULL;
    }
    if (u->transport == GV_NET_URI_UNIX && host) {
        gvReportError(error, GV_ERR_INVALID_ARG, "URI '%s': the unix transport takes no host name",
                      uri);
        return NULL;
    }
    if (u->transport != GV_NET_URI_UNIX && !host) {
        gvReportError(error, GV_ERR_INVALID_ARG, "URI '%s': the %s transport needs a host name",
                      uri,
                      u->transport == GV_NET_URI_TLS   ? "tls"
                      : u->transport == GV_NET_URI_TCP ? "tcp"
                                                       : "ssh");
        return NULL;
    }
    u->host = g_strdup(host);
    u->user = g_strdup(g_uri_get_user(gu));
    u->port = g_uri_get_port(gu) > 0 ? g_uri_get_port(gu) : 0;
    u->path = g_strdup(*g_uri_get_path(gu) ? g_uri_get_path(gu) : "/system");
    if (!g_str_equal(u->path, "/system")) {
        gvReportError(error, GV_ERR_INVALID_ARG, "URI '%s': only /system is served, not '%s'", uri,
                      u->path);
        return NULL;
    }
    if (gvNetURIParams(u, uri, g_uri_get_query(gu), error) < 0)
        return NULL;
    return g_steal_pointer(&u);
}

char *
gvNetURIOpenName(const gvNetURI *u)
{
    if (u->name)
        return g_strdup(u->name);
    return g_strdup_printf("%s://%s", u->driver, u->path);
}
