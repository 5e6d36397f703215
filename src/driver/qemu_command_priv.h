/*
 * qemu_command_priv.h: what the per-device-class command line builders
 * (qemu_command_*.c) share.  Every builder is pure: def + ctx -> argv.
 */
#pragma once

#include <json-c/json.h>

#include "qemu_command.h"

char *gvQemuOptEscape(const char *str);
void gvQemuAddJSONArg(gvCommand *cmd, const char *opt, json_object *props);
void gvJSONAddString(json_object *obj, const char *key, const char *value);
void gvJSONAddInt(json_object *obj, const char *key, int value);
void gvJSONAddBool(json_object *obj, const char *key, bool value);
/* "bus" and "addr" (and "multifunction") of a PCI address, as libvirt writes them */
void gvQemuDeviceAddPCIAddress(json_object *dev, const gvDomainDef *def,
                               const gvDomainDeviceAddress *addr);
/* "bootindex" when the device has a <boot order> */
void gvQemuDeviceAddBoot(json_object *dev, const gvDomainDeviceInfo *info);
/* The QEMU id of USB controller 0's bus ("usb.0") */
#define GV_QEMU_USB_BUS "usb.0"

const char *gvQemuDiskDevice(const gvDomainDiskDef *disk);
const char *gvQemuNetModelDevice(gvDomainNetModel model);
const char *gvQemuUSBDevice(gvDomainUSBModel model);

void gvQemuBuildControllerCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildDiskCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildNetCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuBuildCtx *ctx);
void gvQemuBuildChrCommandLine(gvCommand *cmd, const gvDomainDef *def, const gvQemuBuildCtx *ctx);
void gvQemuBuildInputCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildAudioCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildGraphicsCommandLine(gvCommand *cmd, const gvDomainDef *def,
                                    const gvQemuBuildCtx *ctx);
void gvQemuBuildVideoCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildSoundCommandLine(gvCommand *cmd, const gvDomainDef *def);
void gvQemuBuildMiscCommandLine(gvCommand *cmd, const gvDomainDef *def);

/* Driver checks per class: the QEMU devices a def needs, host-side limits */
int gvQemuValidateDevices(const gvDomainDef *def, const gvQemuCaps *caps, const gvQemuBuildCtx *ctx,
                          GError **error);
int gvQemuRequireDevice(const gvQemuCaps *caps, const char *device, const char *what,
                        GError **error);
