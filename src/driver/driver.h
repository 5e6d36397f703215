/*
 * driver.h: the QEMU driver's domain registry and its state on disk
 *
 * Layout (DESIGN.md section 4), all under an optional root directory:
 *   etc/genvirt/domains/NAME.xml   persistent configs (0600, dir 0700)
 *   var/lib/genvirt/               snapshots, save images, caches,
 *                                  domains.journal.{0,1} (config writes)
 *   run/genvirt/                   sockets, status files, monitors
 *   var/log/genvirt/               domain logs
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "domain_event.h"
#include "domain_obj.h"
#include "gvjournal.h"
#include "gvport.h"
#include "qemu_capabilities.h"
#include "qemu_command.h"

/*
 * Called for every event, from whichever thread made it, with the domain
 * locked: it must not block nor take domain locks.
 */
typedef void (*gvDriverEventFunc)(const gvDomainEvent *event, gpointer opaque);

typedef struct _gvDriver gvDriver;

/*
 * What the hypervisor's driver adds to the neutral registry (libvirt's
 * virDomainXMLOption pattern): driver.c calls these and includes no QEMU
 * header, so the dependency points one way.
 */
typedef struct {
    /*
     * Before an undefine removes @obj's config (@obj locked): refuse it, or
     * remove what the hypervisor keeps beside the config (snapshot
     * metadata), per the undefine @flags.
     */
    int (*undefinePrepare)(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);
    /*
     * After a define added a new persistent domain (@obj locked): what the
     * hypervisor keeps under its name (a managed save image).
     */
    void (*defined)(gvDriver *drv, gvDomainObj *obj);
} gvDriverHooks;

struct _gvDriver {
    char *configDir;
    char *stateDir;
    char *runDir;
    char *logDir;
    gvDomainObjList *domains;
    GMutex defineLock; /* serializes changes of persistent configs */
    GMutex capsLock;
    GHashTable *caps; /* emulator path -> gvQemuCaps, probed once per binary */
    GPtrArray *oldCaps; /* replaced entries, kept for readers until exit */
    GMainContext *ctx; /* the main loop's: monitors and child watches */
    gint nextID;
    gint nextMonitor;
    gint shuttingDown; /* set at exit: background work stops */
    GMutex threadsLock;
    GPtrArray *threads; /* background threads (reconnects), joined at exit */
    gvQemuAccel accel; /* the one setting: kvm when /dev/kvm is usable */
    char *migrationHost; /* host name in migration URIs we hand out */
    char *migrationListen; /* address incoming migrations listen on */
    bool migrateTLSForce; /* refuse migrations without VIR_MIGRATE_TLS */
    char *migrateTLSDir; /* QEMU's tls-creds-x509 directory (ca-cert.pem, ...) */
    char *root; /* --root, or "" for the system paths (the p2p client's certificates) */
    int keepaliveInterval; /* of this daemon's connections to migration destinations */
    int keepaliveCount;
    unsigned int monitorTimeoutMs; /* QEMU answers each monitor command within it, or it is hung */
    gvJournal *configs; /* writes of configDir's NAME.xml files (gvjournal.h) */
    char *hostRoot; /* /proc and /sys are read under it: "/", or $GENVIRT_HOST_ROOT (tests) */
    gvPortAllocator *graphicsPorts; /* VNC and SPICE ports of running domains, from 5900 up */
    gvDriverEventFunc eventFunc; /* set once, before any client connects */
    gpointer eventOpaque;
    const gvDriverHooks *hooks; /* set by the hypervisor driver: gvQemuDriverInit */
    /*
     * Set by the daemon, once, before any domain is reconnected: whether the
     * genvirtd at @uri (a migration destination) runs domain @uuid: 1 it
     * does (active, not waiting for an incoming stream), 0 it does not, -1
     * it cannot tell (unreachable until a deadline).  Blocks.
     */
    int (*migrationAskPeer)(gvDriver *drv, const char *uri, const unsigned char *uuid);
};

/* virDomainXMLFlags */
#define GV_DOMAIN_XML_SECURE (1 << 0)
#define GV_DOMAIN_XML_INACTIVE (1 << 1)
#define GV_DOMAIN_XML_UPDATE_CPU (1 << 2)
#define GV_DOMAIN_XML_MIGRATABLE (1 << 3)

/* virDomainDefineFlags */
#define GV_DOMAIN_DEFINE_VALIDATE (1 << 0)

/* virDomainUndefineFlagsValues we accept */
#define GV_DOMAIN_UNDEFINE_MANAGED_SAVE (1 << 0)
#define GV_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA (1 << 1)
#define GV_DOMAIN_UNDEFINE_NVRAM (1 << 2)
#define GV_DOMAIN_UNDEFINE_KEEP_NVRAM (1 << 3)

/*
 * Every state change of a domain goes through here (@obj locked): the new
 * state and reason, and the lifecycle event(s) libvirt emits for it.
 */
void gvDriverSetState(gvDriver *drv, gvDomainObj *obj, gvDomainState state, int reason);
/* The same, with the lifecycle event given (when the state alone does not tell) */
void gvDriverSetStateEvent(gvDriver *drv, gvDomainObj *obj, gvDomainState state, int reason,
                           gvDomainEventType event, int detail);
/* Emits one event of @obj (locked); @event and @detail as gvDomainEvent's */
void gvDriverEmitEvent(gvDriver *drv, gvDomainObj *obj, gvDomainEventID id, int event, int detail);

/* @root: NULL or "" for the system paths */
gvDriver *gvDriverNew(const char *root, GError **error);
void gvDriverFree(gvDriver *drv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDriver, gvDriverFree)

/*
 * Loads every persistent config.  One that does not load is logged by
 * name and renamed NAME.xml.rejected (never deleted); the others load.
 * Returns the number loaded.
 */
int gvDriverLoadConfigs(gvDriver *drv);

/* Writes @def's persistent config (inactive, with secrets), durably */
int gvDriverSaveConfig(gvDriver *drv, const gvDomainDef *def, GError **error);
/* Removes the persistent config of domain @name, durably */
int gvDriverRemoveConfig(gvDriver *drv, const char *name, GError **error);

/*
 * Another domain (another UUID) whose config or live genid value is @def's,
 * referenced, or NULL.  Define refuses or renews such a copy.
 */
gvDomainObj *gvDriverFindGenidOwner(gvDriver *drv, const gvDomainDef *def);
gvDomainObj *gvDriverDefineXML(gvDriver *drv, const char *xml, unsigned int flags, GError **error);
int gvDriverUndefine(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);
/* The same; @event false: without the UNDEFINED event (a migration's --undefinesource) */
int gvDriverUndefineFull(gvDriver *drv, gvDomainObj *obj, unsigned int flags, bool event,
                         GError **error);

/* Each returns a new reference or NULL with a "Domain not found" error */
gvDomainObj *gvDriverLookupByName(gvDriver *drv, const char *name, GError **error);
gvDomainObj *gvDriverLookupByUUID(gvDriver *drv, const unsigned char *uuid, const char *name,
                                  GError **error);
gvDomainObj *gvDriverLookupByID(gvDriver *drv, int id, GError **error);

/*
 * The XML of @obj for @flags (GV_DOMAIN_XML_*); @showSecrets puts the
 * genid value in (read-write clients).  A secret: free with gvSecretFree.
 */
char *gvDriverGetXMLDesc(gvDriver *drv, gvDomainObj *obj, unsigned int flags, bool showSecrets);

/*
 * The capabilities of @emulator: probed once per binary (path and mtime)
 * and cached on disk in STATEDIR/caps/.  Valid until the driver is freed.
 */
const gvQemuCaps *gvDriverGetCaps(gvDriver *drv, const char *emulator, GError **error);

char *gvDriverConfigPath(gvDriver *drv, const char *name);
char *gvDriverStatusPath(gvDriver *drv, const char *name);
char *gvDriverAutostartPath(gvDriver *drv, const char *name);
