/*
 * qemu_process_devices.h: host-side preparation of devices around a start
 */
#pragma once

#include "domain_conf.h"
#include "qemu_command.h"
#include "qemu_monitor.h"

/*
 * Before the command line: unix channels without a path get one in
 * @channelDir (made 0700, recorded in @live), SPICE with autoport a free
 * port (in @ctx).
 */
int gvQemuProcessPrepareDevices(gvDomainDef *live, const char *channelDir, gvQemuBuildCtx *ctx,
                                GError **error);
/*
 * After QMP is up, before the guest runs: graphics passwords, balloon
 * statistics, the balloon's target when <currentMemory> is below <memory>
 */
/* A virtio <memballoon>, which can hold <currentMemory> below <memory> */
bool gvQemuProcessHasBalloon(const gvDomainDef *def);
int gvQemuProcessSetupDevices(gvQemuMonitor *mon, const gvDomainDef *live, GError **error);
