/*
 * qemu_command_machine.h: the machine-level parts of the QEMU command line
 *
 * Everything outside <devices>: -machine and -accel, -cpu, -m, -smp, -rtc
 * and the clock's -global options, power management, lifecycle options,
 * -boot and direct kernel boot.  Internal to qemu_command.c.
 */
#pragma once

#include "qemu_command.h"

bool gvQemuMachineIsQ35(const char *machine);

/* The accelerator @def runs with: type='qemu' is TCG whatever the host has */
gvQemuAccel gvQemuDomainAccel(const gvDomainDef *def, const gvQemuBuildCtx *ctx);

/* Driver checks of everything outside <devices> */
int gvQemuValidateMachineDef(const gvDomainDef *def, const gvQemuCaps *caps,
                             const gvQemuBuildCtx *ctx, GError **error);

void gvQemuBuildMachineCommandLine(gvCommand *cmd, const gvDomainDef *def,
                                   const gvQemuBuildCtx *ctx);
void gvQemuBuildCPUCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuBuildCtx *ctx);
void gvQemuBuildMemoryCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildSMPCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildClockCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuBuildCtx *ctx);
void gvQemuBuildLifecycleCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildPMCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildBootCommandLine(gvCommand *cmd, const gvDomainDef *def);
