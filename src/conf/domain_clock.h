/*
 * domain_clock.h: <clock> and its <timer>s
 */
#pragma once

#include <stdbool.h>
#include <glib.h>
#include <libxml/tree.h>

#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_CLOCK_OFFSET_NONE = 0,
    GV_DOMAIN_CLOCK_OFFSET_UTC,
    GV_DOMAIN_CLOCK_OFFSET_LOCALTIME,
    GV_DOMAIN_CLOCK_OFFSET_VARIABLE,
    GV_DOMAIN_CLOCK_OFFSET_TIMEZONE,
    GV_DOMAIN_CLOCK_OFFSET_LAST
} gvDomainClockOffset;
GV_ENUM_DECL(gvDomainClockOffset);

typedef enum {
    GV_DOMAIN_CLOCK_BASIS_NONE = 0,
    GV_DOMAIN_CLOCK_BASIS_UTC,
    GV_DOMAIN_CLOCK_BASIS_LOCALTIME,
    GV_DOMAIN_CLOCK_BASIS_LAST
} gvDomainClockBasis;
GV_ENUM_DECL(gvDomainClockBasis);

typedef enum {
    GV_DOMAIN_TIMER_NAME_NONE = 0,
    GV_DOMAIN_TIMER_NAME_PIT,
    GV_DOMAIN_TIMER_NAME_RTC,
    GV_DOMAIN_TIMER_NAME_HPET,
    GV_DOMAIN_TIMER_NAME_KVMCLOCK,
    GV_DOMAIN_TIMER_NAME_HYPERVCLOCK,
    GV_DOMAIN_TIMER_NAME_LAST
} gvDomainTimerName;
GV_ENUM_DECL(gvDomainTimerName);

typedef enum {
    GV_DOMAIN_TIMER_TICKPOLICY_NONE = 0,
    GV_DOMAIN_TIMER_TICKPOLICY_DELAY,
    GV_DOMAIN_TIMER_TICKPOLICY_CATCHUP,
    GV_DOMAIN_TIMER_TICKPOLICY_MERGE,
    GV_DOMAIN_TIMER_TICKPOLICY_DISCARD,
    GV_DOMAIN_TIMER_TICKPOLICY_LAST
} gvDomainTimerTickpolicy;
GV_ENUM_DECL(gvDomainTimerTickpolicy);

typedef enum {
    GV_DOMAIN_TIMER_TRACK_NONE = 0,
    GV_DOMAIN_TIMER_TRACK_BOOT,
    GV_DOMAIN_TIMER_TRACK_GUEST,
    GV_DOMAIN_TIMER_TRACK_WALL,
    GV_DOMAIN_TIMER_TRACK_REALTIME,
    GV_DOMAIN_TIMER_TRACK_LAST
} gvDomainTimerTrack;
GV_ENUM_DECL(gvDomainTimerTrack);

typedef struct {
    gvDomainTimerName name;
    gvTristateBool present;
    gvDomainTimerTickpolicy tickpolicy;
    gvDomainTimerTrack track; /* rtc only */
} gvDomainTimerDef;

/* the guest's clock may be adjusted by about a century either way */
#define GV_DOMAIN_CLOCK_ADJUSTMENT_MAX (100LL * 366 * 24 * 3600)
#define GV_DOMAIN_CLOCK_TIMEZONE_MAX 64

typedef struct {
    gvDomainClockOffset offset;
    bool utcReset; /* utc, localtime: adjustment='reset' */
    long long adjustment; /* variable: seconds from the basis */
    gvDomainClockBasis basis; /* variable */
    char *timezone; /* timezone */
    gvDomainTimerDef timers[GV_DOMAIN_TIMER_NAME_LAST]; /* in the order written */
    size_t ntimers;
} gvDomainClockDef;

void gvDomainClockDefClear(gvDomainClockDef *clock);
int gvDomainClockDefParseXML(xmlNodePtr node, gvDomainClockDef *clock, GError **error);
void gvDomainClockDefFormat(gvBuffer *buf, const gvDomainClockDef *clock);
void gvDomainClockDefPostParse(gvDomainClockDef *clock);
int gvDomainClockDefValidate(const gvDomainClockDef *clock, GError **error);
/* The timer called @name, or NULL */
const gvDomainTimerDef *gvDomainClockDefFindTimer(const gvDomainClockDef *clock,
                                                  gvDomainTimerName name);
