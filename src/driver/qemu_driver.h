/*
 * qemu_driver.h: domain lifecycle operations (the bodies of the remote
 * procedures), each run on a worker thread under the domain's job
 */
#pragma once

#include "driver.h"

#define GV_JOB_TIMEOUT_MS 30000

/* virDomainDestroyFlagsValues */
#define GV_DOMAIN_DESTROY_GRACEFUL (1 << 0)

/* Takes @obj's job; returns with @obj locked (and the job held) or -1 */
int gvDriverBeginJob(gvDomainObj *obj, const char *job, GError **error);
/* With @obj locked: lets go of the job and unlocks */
void gvDriverEndJob(gvDomainObj *obj);
/* With @obj locked: an OPERATION_INVALID "domain is not running" when it is not */
int gvDriverCheckActive(gvDomainObj *obj, GError **error);

int gvDriverDomainCreate(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);
/* A transient domain from XML, started; it disappears when it stops */
gvDomainObj *gvDriverDomainCreateXML(gvDriver *drv, const char *xml, unsigned int flags,
                                     GError **error);
int gvDriverDomainDestroy(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);
int gvDriverDomainShutdown(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);
int gvDriverDomainReboot(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);
int gvDriverDomainSuspend(gvDriver *drv, gvDomainObj *obj, GError **error);
/* QMP system_reset: the reset button, without the guest's cooperation */
int gvDriverDomainReset(gvDriver *drv, gvDomainObj *obj, unsigned int flags, GError **error);
int gvDriverDomainResume(gvDriver *drv, gvDomainObj *obj, GError **error);
int gvDriverDomainSetAutostart(gvDriver *drv, gvDomainObj *obj, bool autostart, GError **error);
/* The GUID QEMU reports right now (query-vm-generation-id) */
int gvDriverDomainGetLiveGenid(gvDriver *drv, gvDomainObj *obj, unsigned char guid[16],
                               GError **error);
/* A raw QMP command (qemu-monitor-command); taints the domain */
int gvDriverDomainMonitorCommand(gvDriver *drv, gvDomainObj *obj, const char *cmd,
                                 unsigned int flags, char **result, GError **error);

/* At daemon start: reconnect to running QEMUs, then start autostart domains */
void gvDriverStartup(gvDriver *drv);
/* At daemon exit: let go of the monitors (QEMU keeps running) */
void gvDriverShutdown(gvDriver *drv);

/*
 * The pty of the console @dev of a running domain ("serial0", "console0";
 * NULL: the first console), as libvirt chooses it.
 */
char *gvDriverDomainConsolePath(gvDriver *drv, gvDomainObj *obj, const char *dev, GError **error);

/*
 * A socket connected to the display @idx of a running domain (QMP getfd +
 * add_client), for the client to use as its VNC connection
 */
int gvDriverDomainOpenGraphicsFD(gvDriver *drv, gvDomainObj *obj, unsigned int idx,
                                 unsigned int flags, int *fdOut, GError **error);

/*
 * virDomainSetMetadata/GetMetadata: @type a gvDomainMetadataType, @flags
 * CURRENT (0), LIVE (1), CONFIG (2); the config is written durably before
 * anything changes; a METADATA_CHANGE event follows
 */
int gvDriverDomainSetMetadata(gvDriver *drv, gvDomainObj *obj, int type, const char *value,
                              const char *key, const char *uri, unsigned int flags, GError **error);
char *gvDriverDomainGetMetadata(gvDriver *drv, gvDomainObj *obj, int type, const char *uri,
                                unsigned int flags, GError **error);

/* Plugs the QEMU driver's hooks into the neutral registry (driver.h) */
void gvQemuDriverInit(gvDriver *drv);
