/*
 * qemu_command_machine.h: the machine-level parts of the QEMU command line
 *
 * Everything outside <devices>: -machine and -accel, -m, -rtc and the
 * clock's -global options, power management, lifecycle options, -boot and
 * direct kernel boot (qemu_command_machine.c); -cpu and -smp
 * (qemu_command_cpu.c).  Internal to qemu_command.c.
 */
#pragma once

/* the JSON and QemuOpts helpers of qemu_command.c */
#include "qemu_command_priv.h"

/* The accelerator @def runs with: type='qemu' is TCG whatever the host has */
gvQemuAccel gvQemuDomainAccel(const gvDomainDef *def, const gvQemuBuildCtx *ctx);

/* Driver checks of everything outside <devices> */
int gvQemuValidateMachineDef(const gvDomainDef *def, const gvQemuCaps *caps,
                             const gvQemuBuildCtx *ctx, GError **error);

void gvQemuBuildMachineCommandLine(gvCommand *cmd, const gvDomainDef *def,
                                   const gvQemuBuildCtx *ctx);
/* qemu_command_cpu.c */
int gvQemuValidateCPUDef(const gvDomainDef *def, const gvQemuCaps *caps, const gvQemuBuildCtx *ctx,
                         GError **error);
void gvQemuBuildCPUCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuCaps *caps,
                               const gvQemuBuildCtx *ctx);
void gvQemuBuildMemoryCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildSMPCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildClockCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuBuildCtx *ctx);
void gvQemuBuildLifecycleCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildPMCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildVMCoreInfoCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildBootCommandLine(gvCommand *cmd, const gvDomainDef *def);
/* The firmware's flash (-blockdev) and -bios; -machine names the flash nodes */
void gvQemuBuildFirmwareCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildSmbiosCommandLine(gvCommand *cmd, const gvDomainDef *def);
