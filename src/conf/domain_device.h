/*
 * domain_device.h: the smaller devices of <devices>: <input>, <video>,
 * <sound>, <audio> (domain_av.c) and <memballoon>, <rng>, <watchdog>,
 * <panic>, <redirdev> (domain_sysdev.c)
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "domain_address.h"
#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_INPUT_TYPE_MOUSE = 0,
    GV_DOMAIN_INPUT_TYPE_TABLET,
    GV_DOMAIN_INPUT_TYPE_KEYBOARD,
    GV_DOMAIN_INPUT_TYPE_LAST
} gvDomainInputType;
GV_ENUM_DECL(gvDomainInputType);

typedef enum {
    GV_DOMAIN_INPUT_BUS_DEFAULT = 0,
    GV_DOMAIN_INPUT_BUS_PS2,
    GV_DOMAIN_INPUT_BUS_USB,
    GV_DOMAIN_INPUT_BUS_VIRTIO,
    GV_DOMAIN_INPUT_BUS_LAST
} gvDomainInputBus;
GV_ENUM_DECL(gvDomainInputBus);

typedef struct {
    gvDomainInputType type;
    gvDomainInputBus bus;
    gvDomainDeviceInfo info;
} gvDomainInputDef;

typedef enum {
    GV_DOMAIN_VIDEO_TYPE_DEFAULT = 0,
    GV_DOMAIN_VIDEO_TYPE_NONE,
    GV_DOMAIN_VIDEO_TYPE_VGA,
    GV_DOMAIN_VIDEO_TYPE_CIRRUS,
    GV_DOMAIN_VIDEO_TYPE_QXL,
    GV_DOMAIN_VIDEO_TYPE_VIRTIO,
    GV_DOMAIN_VIDEO_TYPE_BOCHS,
    GV_DOMAIN_VIDEO_TYPE_RAMFB,
    GV_DOMAIN_VIDEO_TYPE_LAST
} gvDomainVideoType;
GV_ENUM_DECL(gvDomainVideoType);

typedef struct {
    gvDomainVideoType type;
    unsigned int heads; /* 0: absent */
    unsigned int vram; /* KiB; 0: absent */
    unsigned int ram; /* qxl only */
    unsigned int vgamem; /* qxl only */
    gvTristateBool primary;
    gvDomainDeviceInfo info;
} gvDomainVideoDef;

typedef enum {
    GV_DOMAIN_SOUND_MODEL_ICH6 = 0,
    GV_DOMAIN_SOUND_MODEL_ICH9,
    GV_DOMAIN_SOUND_MODEL_AC97,
    GV_DOMAIN_SOUND_MODEL_ES1370,
    GV_DOMAIN_SOUND_MODEL_LAST
} gvDomainSoundModel;
GV_ENUM_DECL(gvDomainSoundModel);

typedef struct {
    gvDomainSoundModel model;
    unsigned int audioId; /* <audio id=> of the backend; 0 until post-parse */
    gvDomainDeviceInfo info;
} gvDomainSoundDef;

typedef enum {
    GV_DOMAIN_AUDIO_TYPE_NONE = 0,
    GV_DOMAIN_AUDIO_TYPE_SPICE,
    GV_DOMAIN_AUDIO_TYPE_LAST
} gvDomainAudioType;
GV_ENUM_DECL(gvDomainAudioType);

typedef struct {
    unsigned int id;
    gvDomainAudioType type;
} gvDomainAudioDef;

typedef enum {
    GV_DOMAIN_MEMBALLOON_MODEL_VIRTIO = 0,
    GV_DOMAIN_MEMBALLOON_MODEL_NONE,
    GV_DOMAIN_MEMBALLOON_MODEL_LAST
} gvDomainMemballoonModel;
GV_ENUM_DECL(gvDomainMemballoonModel);

typedef struct {
    gvDomainMemballoonModel model;
    unsigned int period; /* <stats period=> seconds; 0: absent */
    gvDomainDeviceInfo info;
} gvDomainMemballoonDef;

typedef enum {
    GV_DOMAIN_RNG_BACKEND_RANDOM = 0,
    GV_DOMAIN_RNG_BACKEND_BUILTIN,
    GV_DOMAIN_RNG_BACKEND_LAST
} gvDomainRNGBackend;
GV_ENUM_DECL(gvDomainRNGBackend);

typedef struct {
    gvDomainRNGBackend backend;
    char *path; /* random: the host device */
    unsigned int rateBytes; /* <rate bytes= period=>; 0: absent */
    unsigned int ratePeriod;
    gvDomainDeviceInfo info;
} gvDomainRNGDef;

typedef enum {
    GV_DOMAIN_WATCHDOG_MODEL_I6300ESB = 0,
    GV_DOMAIN_WATCHDOG_MODEL_IB700,
    GV_DOMAIN_WATCHDOG_MODEL_LAST
} gvDomainWatchdogModel;
GV_ENUM_DECL(gvDomainWatchdogModel);

typedef enum {
    GV_DOMAIN_WATCHDOG_ACTION_RESET = 0,
    GV_DOMAIN_WATCHDOG_ACTION_SHUTDOWN,
    GV_DOMAIN_WATCHDOG_ACTION_POWEROFF,
    GV_DOMAIN_WATCHDOG_ACTION_PAUSE,
    GV_DOMAIN_WATCHDOG_ACTION_NONE,
    GV_DOMAIN_WATCHDOG_ACTION_INJECT_NMI,
    GV_DOMAIN_WATCHDOG_ACTION_LAST
} gvDomainWatchdogAction;
GV_ENUM_DECL(gvDomainWatchdogAction);

typedef struct {
    gvDomainWatchdogModel model;
    gvDomainWatchdogAction action;
    gvDomainDeviceInfo info;
} gvDomainWatchdogDef;

typedef enum { GV_DOMAIN_PANIC_MODEL_ISA = 0, GV_DOMAIN_PANIC_MODEL_LAST } gvDomainPanicModel;
GV_ENUM_DECL(gvDomainPanicModel);

typedef struct {
    gvDomainPanicModel model;
} gvDomainPanicDef;

typedef struct {
    gvDomainDeviceInfo info; /* bus='usb' type='spicevmc' only */
} gvDomainRedirdevDef;

void gvDomainInputDefFree(gvDomainInputDef *def);
void gvDomainVideoDefFree(gvDomainVideoDef *def);
void gvDomainSoundDefFree(gvDomainSoundDef *def);
void gvDomainAudioDefFree(gvDomainAudioDef *def);
void gvDomainMemballoonDefFree(gvDomainMemballoonDef *def);
void gvDomainRNGDefFree(gvDomainRNGDef *def);
void gvDomainWatchdogDefFree(gvDomainWatchdogDef *def);
void gvDomainPanicDefFree(gvDomainPanicDef *def);
void gvDomainRedirdevDefFree(gvDomainRedirdevDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainInputDef, gvDomainInputDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainVideoDef, gvDomainVideoDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainSoundDef, gvDomainSoundDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainAudioDef, gvDomainAudioDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainMemballoonDef, gvDomainMemballoonDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainRNGDef, gvDomainRNGDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainWatchdogDef, gvDomainWatchdogDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainPanicDef, gvDomainPanicDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainRedirdevDef, gvDomainRedirdevDefFree)

gvDomainInputDef *gvDomainInputDefParseXML(xmlNodePtr node, GError **error);
void gvDomainInputDefFormat(gvBuffer *buf, const gvDomainInputDef *def);
gvDomainVideoDef *gvDomainVideoDefParseXML(xmlNodePtr node, GError **error);
void gvDomainVideoDefFormat(gvBuffer *buf, const gvDomainVideoDef *def);
gvDomainSoundDef *gvDomainSoundDefParseXML(xmlNodePtr node, GError **error);
void gvDomainSoundDefFormat(gvBuffer *buf, const gvDomainSoundDef *def);
gvDomainAudioDef *gvDomainAudioDefParseXML(xmlNodePtr node, GError **error);
void gvDomainAudioDefFormat(gvBuffer *buf, const gvDomainAudioDef *def);
gvDomainMemballoonDef *gvDomainMemballoonDefParseXML(xmlNodePtr node, GError **error);
void gvDomainMemballoonDefFormat(gvBuffer *buf, const gvDomainMemballoonDef *def);
gvDomainRNGDef *gvDomainRNGDefParseXML(xmlNodePtr node, GError **error);
void gvDomainRNGDefFormat(gvBuffer *buf, const gvDomainRNGDef *def);
gvDomainWatchdogDef *gvDomainWatchdogDefParseXML(xmlNodePtr node, GError **error);
void gvDomainWatchdogDefFormat(gvBuffer *buf, const gvDomainWatchdogDef *def);
gvDomainPanicDef *gvDomainPanicDefParseXML(xmlNodePtr node, GError **error);
void gvDomainPanicDefFormat(gvBuffer *buf, const gvDomainPanicDef *def);
gvDomainRedirdevDef *gvDomainRedirdevDefParseXML(xmlNodePtr node, GError **error);
void gvDomainRedirdevDefFormat(gvBuffer *buf, const gvDomainRedirdevDef *def);
