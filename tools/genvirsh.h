/*
 * genvirsh.h: the command table of genvirsh, virsh's look-alike
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

typedef enum {
    GV_SH_OPT_BOOL, /* --flag */
    GV_SH_OPT_STRING, /* --name VALUE */
    GV_SH_OPT_DATA, /* positional, or --name VALUE */
} gvShOptType;

#define GV_SH_OPT_REQ (1 << 0)
#define GV_SH_OPT_MULTI (1 << 1) /* a STRING given more than once: the values, one a line */

typedef struct {
    const char *name;
    gvShOptType type;
    unsigned int flags;
    const char *help;
} gvShOpt;

typedef struct _gvShCmd gvShCmd;

typedef struct {
    const gvShCmd *def;
    GHashTable *values; /* option name -> value ("" for a bool) */
} gvShCmdCall;

struct _gvShCmd {
    const char *name;
    const char *help;
    const char *desc;
    const gvShOpt *opts;
    bool (*handler)(const gvShCmdCall *call);
};

typedef struct {
    char *uri;
    bool readonly;
    bool noBlankLine; /* set by commands that virsh ends without a blank line */
} gvShControl;

extern gvShControl gvShCtl;

const char *gvShCmdGetString(const gvShCmdCall *call, const char *name);
bool gvShCmdGetBool(const gvShCmdCall *call, const char *name);

/* Reports @error as "error: MESSAGE" on stderr */
void gvShReportError(const GError *error);

/* One table per command group, each ending with a NULL name */
extern const gvShCmd gvShOfflineCmds[];

/* ---- connection (genvirsh-connect.c) ---------------------------------- */

#include "gvnetclient.h"
#include "gvrpcprotocol.h"

typedef struct {
    gvNetClient *client;
    char *uri;
} gvShConn;

/* Connects per gvShCtl (-c, -r, $GENVIRT_DEFAULT_URI); prints errors itself */
gvShConn *gvShConnect(void);
void gvShDisconnect(gvShConn *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvShConn, gvShDisconnect)

/*
 * The first steps of define and create: reads the domain XML in @file
 * (virsh's error when it cannot), connects, and appends the XML to @args
 * as an XDR string.  The file's copy is wiped; the XML may hold a GUID, so
 * the caller wipes @args after the call.  NULL after printing an error.
 */
gvShConn *gvShConnectWithXmlFile(const char *file, GByteArray *args);

/*
 * Looks up the "domain" argument of @call and runs @proc on it (+ @flags
 * when @withFlags); prints "Domain 'X' @done" or "error: Failed to @verb
 * domain 'X'" (virsh's wording).
 */
bool gvShDomainSimple(const gvShCmdCall *call, gint32 proc, bool withFlags, guint32 flags,
                      const char *done, const char *verb);

/* A REMOTE call; @reply may be NULL for void results */
int gvShCall(gvShConn *conn, gint32 proc, const GByteArray *args, GByteArray **reply,
             GError **error);

/* Looks NAME up the way virsh does: by id, by uuid, then by name */
bool gvShLookupDomain(gvShConn *conn, const char *name, bool byID, gvRemoteDomain *dom);

/* the options of a command that takes only a domain */
extern const gvShOpt gvShOptsDomain[];

extern const gvShCmd gvShDomainCmds[];
extern const gvShCmd gvShHostCmds[];
extern const gvShCmd gvShLifecycleCmds[];
extern const gvShCmd gvShSnapshotCmds[];
extern const gvShCmd gvShMigrateCmds[];
extern const gvShCmd gvShEventCmds[];
extern const gvShCmd gvShSaveCmds[];
extern const gvShCmd gvShCloneCmds[];
