/*
 * daemon_config.c: genvirtd.conf
 */
#include <gvconfig.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "daemon_config.h"
#include "gverror.h"

#define GV_DAEMON_CONFIG_MAX_SIZE (1024 * 1024)
#define GV_DAEMON_CONFIG_STRING_MAX 4096
#define GV_DAEMON_CONFIG_LIST_MAX 1024

typedef enum {
    GV_CONF_BOOL, /* 0 or 1 */
    GV_CONF_INT, /* min..max */
    GV_CONF_STRING,
    GV_CONF_STRLIST,
} gvConfType;

typedef struct {
    const char *name;
    gvConfType type;
    size_t offset;
    int min;
    int max;
} gvConfKey;

#define GV_CONF_FIELD(f) offsetof(gvDaemonConfig, f)

/* Every key genvirtd knows; a new key is one line here (and its field) */
static const gvConfKey gvConfKeys[] = {
    { "listen_tls", GV_CONF_BOOL, GV_CONF_FIELD(listenTLS), 0, 1 },
    { "listen_tcp", GV_CONF_BOOL, GV_CONF_FIELD(listenTCP), 0, 1 },
    { "tcp_readwrite", GV_CONF_BOOL, GV_CONF_FIELD(tcpReadWrite), 0, 1 },
    { "tls_port", GV_CONF_INT, GV_CONF_FIELD(tlsPort), 1, 65535 },
    { "tcp_port", GV_CONF_INT, GV_CONF_FIELD(tcpPort), 1, 65535 },
    { "listen_addr", GV_CONF_STRING, GV_CONF_FIELD(listenAddr), 0, 0 },
    { "key_file", GV_CONF_STRING, GV_CONF_FIELD(keyFile), 0, 0 },
    { "cert_file", GV_CONF_STRING, GV_CONF_FIELD(certFile), 0, 0 },
    { "ca_file", GV_CONF_STRING, GV_CONF_FIELD(caFile), 0, 0 },
    { "crl_file", GV_CONF_STRING, GV_CONF_FIELD(crlFile), 0, 0 },
    { "tls_allowed_dn_list", GV_CONF_STRLIST, GV_CONF_FIELD(tlsAllowedDNList), 0, 0 },
    { "tls_readonly_dn_list", GV_CONF_STRLIST, GV_CONF_FIELD(tlsReadonlyDNList), 0, 0 },
    { "tls_no_verify_certificate", GV_CONF_BOOL, GV_CONF_FIELD(tlsNoVerifyCertificate), 0, 1 },
    { "migrate_tls_force", GV_CONF_BOOL, GV_CONF_FIELD(migrateTLSForce), 0, 1 },
    { "migrate_tls_x509_cert_dir", GV_CONF_STRING, GV_CONF_FIELD(migrateTLSDir), 0, 0 },
    { "keepalive_interval", GV_CONF_INT, GV_CONF_FIELD(keepaliveInterval), -1, 3600 },
    { "keepalive_count", GV_CONF_INT, GV_CONF_FIELD(keepaliveCount), 0, 100 },
    { "libvirt_socket", GV_CONF_BOOL, GV_CONF_FIELD(libvirtSocket), 0, 1 },
    { "qemu_monitor_timeout", GV_CONF_INT, GV_CONF_FIELD(qemuMonitorTimeout), 1, 3600 },
};

static const char *gvConfKeyNames[G_N_ELEMENTS(gvConfKeys) + 1];

const char *const *
gvDaemonConfigKeys(void)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(gvConfKeys); i++)
        gvConfKeyNames[i] = gvConfKeys[i].name;
    gvConfKeyNames[i] = NULL;
    return gvConfKeyNames;
}

static char *
gvDaemonConfigUnder(const char *root, const char *path)
{
    if (!root || !*root)
        return g_strdup(path);
    return g_build_filename(root, path, NULL);
}

char *
gvDaemonConfigDefaultPath(const char *root)
{
    return gvDaemonConfigUnder(root, "/etc/genvirt/genvirtd.conf");
}

gvDaemonConfig *
gvDaemonConfigNew(const char *root)
{
    gvDaemonConfig *cfg = g_new0(gvDaemonConfig, 1);

    cfg->tlsPort = GV_DAEMON_TLS_PORT;
    cfg->tcpPort = GV_DAEMON_TCP_PORT;
    cfg->keyFile = gvDaemonConfigUnder(root, "/etc/pki/libvirt/private/serverkey.pem");
    cfg->certFile = gvDaemonConfigUnder(root, "/etc/pki/libvirt/servercert.pem");
    cfg->caFile = gvDaemonConfigUnder(root, "/etc/pki/CA/cacert.pem");
    cfg->crlFile = gvDaemonConfigUnder(root, "/etc/pki/CA/cacrl.pem");
    cfg->migrateTLSDir = gvDaemonConfigUnder(root, "/etc/pki/qemu");
    cfg->keepaliveInterval = 5;
    cfg->keepaliveCount = 5;
    cfg->qemuMonitorTimeout = 30;
    return cfg;
}

void
gvDaemonConfigFree(gvDaemonConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->listenAddr);
    g_free(cfg->keyFile);
    g_free(cfg->certFile);
    g_free(cfg->caFile);
    g_free(cfg->crlFile);
    g_strfreev(cfg->tlsAllowedDNList);
    g_strfreev(cfg->tlsReadonlyDNList);
    g_free(cfg->migrateTLSDir);
    g_free(cfg);
}

/* ---- the parser --------------------------------------------------------- */

typedef struct {
    const char *p;
    const char *end;
    int line;
    const char *file;
} gvConfParser;

typedef struct {
    gvConfType kind; /* GV_CONF_INT, GV_CONF_STRING or GV_CONF_STRLIST */
    gint64 num;
    char *str;
    GPtrArray *list;
} gvConfValue;

static void
gvConfValueClear(gvConfValue *v)
{
    g_free(v->str);
    if (v->list)
        g_ptr_array_unref(v->list);
    memset(v, 0, sizeof(*v));
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(gvConfValue, gvConfValueClear)

/* Skips blanks; with @newlines also line ends and comments */
static void
gvConfSkip(gvConfParser *ps, bool newlines)
{
    while (ps->p < ps->end) {
        char c = *ps->p;

        if (c == ' ' || c == '\t' || c == '\r') {
            ps->p++;
        } else if (c == '#') {
            if (!newlines)
                return;
            while (ps->p < ps->end && *ps->p != '\n')
                ps->p++;
        } else if (c == '\n' && newlines) {
            ps->line++;
            ps->p++;
        } else {
            return;
        }
    }
}

static int
gvConfSyntax(gvConfParser *ps, GError **error, const char *what)
{
    gvReportError(error, GV_ERR_CONF_SYNTAX, "%s:%d: %s", ps->file, ps->line, what);
    return -1;
}

static int
gvConfParseString(gvConfParser *ps, char **out, GError **error)
{
    char quote = *ps->p++;
    const char *start = ps->p;

    while (ps->p < ps->end && *ps->p != quote && *ps->p != '\n' && *ps->p != '\0')
        ps->p++;
    if (ps->p >= ps->end || *ps->p != quote)
        return gvConfSyntax(ps, error, "unterminated string");
    if ((size_t)(ps->p - start) > GV_DAEMON_CONFIG_STRING_MAX)
        return gvConfSyntax(ps, error, "string longer than 4096 bytes");
    *out = g_strndup(start, ps->p - start);
    ps->p++;
    return 0;
}

static int
gvConfParseValue(gvConfParser *ps, gvConfValue *v, GError **error)
{
    char c;

    if (ps->p >= ps->end)
        return gvConfSyntax(ps, error, "expected a value");
    c = *ps->p;
    if (c == '"' || c == '\'') {
        v->kind = GV_CONF_STRING;
        return gvConfParseString(ps, &v->str, error);
    }
    if (c == '-' || g_ascii_isdigit(c)) {
        const char *start = ps->p;
        g_autofree char *digits = NULL;

        ps->p++;
        while (ps->p < ps->end && g_ascii_isdigit(*ps->p))
            ps->p++;
        digits = g_strndup(start, ps->p - start);
        if (!g_ascii_string_to_signed(digits, 10, G_MININT, G_MAXINT, &v->num, NULL))
            return gvConfSyntax(ps, error, "invalid number");
        v->kind = GV_CONF_INT;
        return 0;
    }
    if (c == '[') {
        ps->p++;
        v->kind = GV_CONF_STRLIST;
        v->list = g_ptr_array_new_with_free_func(g_free);
        for (;;) {
            char *s = NULL;

            gvConfSkip(ps, true);
            if (ps->p < ps->end && *ps->p == ']') {
                ps->p++;
                return 0;
            }
            if (ps->p >= ps->end || (*ps->p != '"' && *ps->p != '\''))
                return gvConfSyntax(ps, error, "expected a string or ']' in a list");
            if (v->list->len >= GV_DAEMON_CONFIG_LIST_MAX)
                return gvConfSyntax(ps, error, "list longer than 1024 entries");
            if (gvConfParseString(ps, &s, error) < 0)
                return -1;
            g_ptr_array_add(v->list, s);
            gvConfSkip(ps, true);
            if (ps->p < ps->end && *ps->p == ',')
                ps->p++;
            else if (ps->p < ps->end && *ps->p != ']')
                return gvConfSyntax(ps, error, "expected ',' or ']' in a list");
        }
    }
    return gvConfSyntax(ps, error, "expected a number, a string or a list");
}

static const char *
gvConfTypeName(gvConfType t)
{
    switch (t) {
    case GV_CONF_BOOL:
        return "0 or 1";
    case GV_CONF_INT:
        return "a number";
    case GV_CONF_STRING:
        return "a string";
    case GV_CONF_STRLIST:
        return "a list of strings";
    }
    return "?";
}

static int
gvConfAssign(gvConfParser *ps, gvDaemonConfig *cfg, const gvConfKey *key, gvConfValue *v,
             GError **error)
{
    char *field = (char *)cfg + key->offset;
    bool kindOk = (key->type == GV_CONF_BOOL || key->type == GV_CONF_INT) ? v->kind == GV_CONF_INT
                                                                          : v->kind == key->type;

    if (!kindOk) {
        gvReportError(error, GV_ERR_CONF_SYNTAX, "%s:%d: '%s' must be %s", ps->file, ps->line,
                      key->name, gvConfTypeName(key->type));
        return -1;
    }
    switch (key->type) {
    case GV_CONF_BOOL:
    case GV_CONF_INT:
        if (v->num < key->min || v->num > key->max) {
            gvReportError(error, GV_ERR_CONF_SYNTAX,
                          "%s:%d: value %" G_GINT64_FORMAT " of '%s' is out of range %d..%d",
                          ps->file, ps->line, v->num, key->name, key->min, key->max);
            return -1;
        }
        if (key->type == GV_CONF_BOOL)
            *(bool *)field = v->num != 0;
        else
            *(int *)field = (int)v->num;
        return 0;
    case GV_CONF_STRING:
        g_free(*(char **)field);
        *(char **)field = g_steal_pointer(&v->str);
        return 0;
    case GV_CONF_STRLIST:
        g_strfreev(*(GStrv *)field);
        g_ptr_array_add(v->list, NULL);
        *(GStrv *)field = (GStrv)g_ptr_array_steal(v->list, NULL);
        return 0;
    }
    return 0;
}

int
gvDaemonConfigParse(gvDaemonConfig *cfg, const char *text, size_t len, const char *filename,
                    GError **error)
{
    gvConfParser ps = { text, text + len, 1, filename };
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    if (len > GV_DAEMON_CONFIG_MAX_SIZE) {
        gvReportError(error, GV_ERR_CONF_SYNTAX, "%s: larger than 1 MiB", filename);
        return -1;
    }
    for (;;) {
        g_auto(gvConfValue) v = { 0 };
        g_autofree char *name = NULL;
        const gvConfKey *key = NULL;
        const char *start;
        size_t i;

        gvConfSkip(&ps, true);
        if (ps.p >= ps.end)
            return 0;
        start = ps.p;
        while (ps.p < ps.end && (g_ascii_isalnum(*ps.p) || *ps.p == '_' || *ps.p == '.'))
            ps.p++;
        if (ps.p == start)
            return gvConfSyntax(&ps, error, "expected a key name");
        name = g_strndup(start, MIN((size_t)(ps.p - start), 64));
        for (i = 0; i < G_N_ELEMENTS(gvConfKeys); i++) {
            if (g_str_equal(gvConfKeys[i].name, name))
                key = &gvConfKeys[i];
        }
        if (!key) {
            gvReportError(error, GV_ERR_CONF_SYNTAX, "%s:%d: unknown key '%s'", filename, ps.line,
                          name);
            return -1;
        }
        if (g_hash_table_contains(seen, key->name)) {
            gvReportError(error, GV_ERR_CONF_SYNTAX, "%s:%d: key '%s' is set twice", filename,
                          ps.line, name);
            return -1;
        }
        g_hash_table_add(seen, (gpointer)key->name);
        gvConfSkip(&ps, false);
        if (ps.p >= ps.end || *ps.p != '=')
            return gvConfSyntax(&ps, error, "expected '=' after the key name");
        ps.p++;
        gvConfSkip(&ps, false);
        if (gvConfParseValue(&ps, &v, error) < 0 || gvConfAssign(&ps, cfg, key, &v, error) < 0)
            return -1;
        gvConfSkip(&ps, false);
        if (ps.p < ps.end && *ps.p != '\n' && *ps.p != '#')
            return gvConfSyntax(&ps, error, "unexpected text after the value");
    }
}

int
gvDaemonConfigLoadFile(gvDaemonConfig *cfg, const char *path, bool required, GError **error)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) local = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &text, &len, &local)) {
        if (!required && g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return 0;
        gvReportError(error, GV_ERR_CONF_SYNTAX, "cannot read configuration file '%s': %s", path,
                      local->message);
        return -1;
    }
    if (gvDaemonConfigParse(cfg, text, len, path, error) < 0)
        return -1;
    return 1;
}
