/*
 * qemu_command.h: domain definition -> QEMU command line, a pure function
 *
 * Everything that depends on the host (fd numbers, paths, the accelerator)
 * comes in through gvQemuBuildCtx, so tests need no mocks and never exec.
 * The genid GUID is never put in argv: it goes in a QEMU config payload that
 * the process reads through -readconfig /dev/fd/N (a sealed memfd).
 */
#pragma once

#include "domain_conf.h"
#include "gvcommand.h"
#include "qemu_capabilities.h"

typedef struct {
    gvQemuAccel accel;
    const char *monitorPath; /* QMP socket QEMU listens on ... */
    int monitorFd; /* ... or an fd already listening; -1 for none */
    int genidConfigFd; /* fd that will hold the genid payload */
    const char *homeDir; /* HOME of the QEMU process */
    bool incoming; /* -incoming defer: a migration destination */
    const char *channelDir; /* where unix channels without a path get their socket */
    int spicePort; /* the TCP port chosen for SPICE with autoport */
    const int *tapFds; /* per <interface>, the tap fd of bridge/ethernet ones, else -1 */
    size_t ntapFds;
    gint64 now; /* seconds since the epoch for <clock offset='variable'>; 0: the real time */
} gvQemuBuildCtx;

/*
 * The accelerator for this host: $GENVIRT_ACCEL ("kvm" or "tcg") when set,
 * else kvm when /dev/kvm can be opened read-write, else tcg.
 */
gvQemuAccel gvQemuHostAccel(void);

/* Driver-level checks of the devices of @def against what the binary can do. */
int gvQemuValidateDomainDef(const gvDomainDef *def, const gvQemuCaps *caps, GError **error);

/*
 * Builds the command line.  @genidConfig receives the genid payload (a
 * secret: free it with gvSecretFree) or NULL when there is no genid device.
 */
int gvQemuBuildCommandLine(const gvDomainDef *def, const gvQemuCaps *caps,
                           const gvQemuBuildCtx *ctx, gvCommand **cmd, char **genidConfig,
                           GError **error);

/*
 * host-model becomes the custom CPU QEMU resolves it to on this host
 * (model, vendor and the features to add or remove), as libvirt shows a
 * running domain's CPU: the live definition and a migration carry exactly
 * the CPU the guest got.  Nothing to do for the other modes.
 */
int gvQemuDomainResolveCPU(gvDomainDef *def, const gvQemuCaps *caps, gvQemuAccel accel,
                           GError **error);
/*
 * What <cpu mode='host-model'/> of a domain of @emulator under @accel
 * becomes (as gvQemuDomainResolveCPU makes it), for the capabilities
 * documents; NULL with @error when it cannot be resolved.
 */
gvDomainCPUDef *gvQemuCPUHostModel(const gvQemuCaps *caps, const char *emulator, gvQemuAccel accel,
                                   GError **error);

/* The QEMU device of a video model (the first video is the primary one); NULL: none */
const char *gvQemuVideoDevice(gvDomainVideoType type, bool primary);

/* The node name of a disk's format layer ("gv-vda-format"); the caller frees */
char *gvQemuDiskFormatNode(const gvDomainDiskDef *disk);

/*
 * The command line as text followed by the genid payload, each payload line
 * prefixed with "# " (what domxml-to-native prints and golden files hold).
 * @linebreaks: one option per line.
 */
char *gvQemuFormatNative(const gvCommand *cmd, const char *genidConfig, int genidFd,
                         bool linebreaks);
