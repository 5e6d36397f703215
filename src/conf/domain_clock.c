/*
 * domain_clock.c: <clock> and its <timer>s
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_clock.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(
    gvDomainClockOffset, GV_DOMAIN_CLOCK_OFFSET_LAST, [GV_DOMAIN_CLOCK_OFFSET_NONE] = "none",
    [GV_DOMAIN_CLOCK_OFFSET_UTC] = "utc", [GV_DOMAIN_CLOCK_OFFSET_LOCALTIME] = "localtime",
    [GV_DOMAIN_CLOCK_OFFSET_VARIABLE] = "variable", [GV_DOMAIN_CLOCK_OFFSET_TIMEZONE] = "timezone");

GV_ENUM_IMPL(gvDomainClockBasis, GV_DOMAIN_CLOCK_BASIS_LAST, [GV_DOMAIN_CLOCK_BASIS_NONE] = "none",
             [GV_DOMAIN_CLOCK_BASIS_UTC] = "utc", [GV_DOMAIN_CLOCK_BASIS_LOCALTIME] = "localtime");

GV_ENUM_IMPL(gvDomainTimerName, GV_DOMAIN_TIMER_NAME_LAST, [GV_DOMAIN_TIMER_NAME_NONE] = "none",
             [GV_DOMAIN_TIMER_NAME_PIT] = "pit", [GV_DOMAIN_TIMER_NAME_RTC] = "rtc",
             [GV_DOMAIN_TIMER_NAME_HPET] = "hpet", [GV_DOMAIN_TIMER_NAME_KVMCLOCK] = "kvmclock",
             [GV_DOMAIN_TIMER_NAME_HYPERVCLOCK] = "hypervclock");

GV_ENUM_IMPL(
    gvDomainTimerTickpolicy,
    GV_DOMAIN_TIMER_TICKPOLICY_LAST, [GV_DOMAIN_TIMER_TICKPOLICY_NONE] = "none",
    [GV_DOMAIN_TIMER_TICKPOLICY_DELAY] = "delay", [GV_DOMAIN_TIMER_TICKPOLICY_CATCHUP] = "catchup",
    [GV_DOMAIN_TIMER_TICKPOLICY_MERGE] = "merge", [GV_DOMAIN_TIMER_TICKPOLICY_DISCARD] = "discard");

GV_ENUM_IMPL(gvDomainTimerTrack, GV_DOMAIN_TIMER_TRACK_LAST, [GV_DOMAIN_TIMER_TRACK_NONE] = "none",
             [GV_DOMAIN_TIMER_TRACK_BOOT] = "boot", [GV_DOMAIN_TIMER_TRACK_GUEST] = "guest",
             [GV_DOMAIN_TIMER_TRACK_WALL] = "wall", [GV_DOMAIN_TIMER_TRACK_REALTIME] = "realtime");

void
gvDomainClockDefClear(gvDomainClockDef *clock)
{
    g_free(clock->timezone);
    memset(clock, 0, sizeof(*clock));
}

const gvDomainTimerDef *
gvDomainClockDefFindTimer(const gvDomainClockDef *clock, gvDomainTimerName name)
{
    size_t i;

    for (i = 0; i < clock->ntimers; i++) {
        if (clock->timers[i].name == name)
            return &clock->timers[i];
    }
    return NULL;
}

/* ---- <timer> ------------------------------------------------------------ */

static int
gvDomainTimerDefParseXML(xmlNodePtr node, gvDomainClockDef *clock, GError **error)
{
    static const char *const attrs[] = { "name", "present", "tickpolicy", "track", NULL };
    gvDomainTimerDef timer = { 0 };
    int v = GV_DOMAIN_TIMER_NAME_NONE;

    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0 ||
        gvXMLPropEnum(node, "name", gvDomainTimerNameTypeFromString,
                      GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0)
        return -1;
    timer.name = v;
    if (gvDomainClockDefFindTimer(clock, timer.name)) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "timer '%s' in %s is given twice",
                      gvDomainTimerNameTypeToString(timer.name), path);
        return -1;
    }
    if (gvXMLPropTristateBool(node, "present", GV_XML_PROP_NONE, &timer.present, error) < 0)
        return -1;
    v = GV_DOMAIN_TIMER_TICKPOLICY_NONE;
    if (gvXMLPropEnum(node, "tickpolicy", gvDomainTimerTickpolicyTypeFromString,
                      GV_XML_PROP_NONZERO, &v, error) < 0)
        return -1;
    timer.tickpolicy = v;
    v = GV_DOMAIN_TIMER_TRACK_NONE;
    if (gvXMLPropEnum(node, "track", gvDomainTimerTrackTypeFromString, GV_XML_PROP_NONZERO, &v,
                      error) < 0)
        return -1;
    timer.track = v;
    clock->timers[clock->ntimers++] = timer;
    return 0;
}

static void
gvDomainTimerDefFormat(gvBuffer *buf, const gvDomainTimerDef *timer)
{
    gvBufferAsprintf(buf, "<timer name='%s'", gvDomainTimerNameTypeToString(timer->name));
    if (timer->present != GV_TRISTATE_BOOL_ABSENT)
        gvBufferAsprintf(buf, " present='%s'", gvTristateBoolTypeToString(timer->present));
    if (timer->tickpolicy != GV_DOMAIN_TIMER_TICKPOLICY_NONE)
        gvBufferAsprintf(buf, " tickpolicy='%s'",
                         gvDomainTimerTickpolicyTypeToString(timer->tickpolicy));
    if (timer->track != GV_DOMAIN_TIMER_TRACK_NONE)
        gvBufferAsprintf(buf, " track='%s'", gvDomainTimerTrackTypeToString(timer->track));
    gvBufferAddLit(buf, "/>\n");
}

/* ---- <clock> ------------------------------------------------------------ */

/*
 * adjustment='reset' (utc, localtime) or a number of seconds; like libvirt,
 * utc or localtime with a number becomes variable with that basis.
 */
static int
gvDomainClockAdjustmentParseXML(xmlNodePtr node, gvDomainClockDef *clock, GError **error)
{
    g_autofree char *val = NULL;
    bool utcLike = clock->offset == GV_DOMAIN_CLOCK_OFFSET_NONE ||
                   clock->offset == GV_DOMAIN_CLOCK_OFFSET_UTC ||
                   clock->offset == GV_DOMAIN_CLOCK_OFFSET_LOCALTIME;
    int rc;

    if ((rc = gvXMLPropString(node, "adjustment", GV_XML_PROP_NONE, &val, error)) <= 0)
        return rc;
    if (!utcLike && clock->offset != GV_DOMAIN_CLOCK_OFFSET_VARIABLE) {
        gvReportError(
            error, GV_ERR_XML_ERROR,
            "attribute 'adjustment' of <clock> needs offset 'utc', 'localtime' or 'variable', not '%s'",
            gvDomainClockOffsetTypeToString(clock->offset));
        return -1;
    }
    if (utcLike && g_str_equal(val, "reset")) {
        clock->utcReset = true;
        return 0;
    }
    if (gvXMLPropLongLong(node, "adjustment", GV_XML_PROP_NONE, -GV_DOMAIN_CLOCK_ADJUSTMENT_MAX,
                          GV_DOMAIN_CLOCK_ADJUSTMENT_MAX, &clock->adjustment, error) < 0)
        return -1;
    if (utcLike) {
        clock->basis = clock->offset == GV_DOMAIN_CLOCK_OFFSET_LOCALTIME
                           ? GV_DOMAIN_CLOCK_BASIS_LOCALTIME
                           : GV_DOMAIN_CLOCK_BASIS_UTC;
        clock->offset = GV_DOMAIN_CLOCK_OFFSET_VARIABLE;
    }
    return 0;
}

int
gvDomainClockDefParseXML(xmlNodePtr node, gvDomainClockDef *clock, GError **error)
{
    static const char *const attrs[] = { "offset", "adjustment", "basis", "timezone", NULL };
    static const gvXMLChildSpec children[] = { { "timer", GV_DOMAIN_TIMER_NAME_LAST - 1 },
                                               { NULL, 0 } };
    xmlNodePtr cur;
    int v = GV_DOMAIN_CLOCK_OFFSET_NONE;
    int rc;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0 ||
        gvXMLPropEnum(node, "offset", gvDomainClockOffsetTypeFromString, GV_XML_PROP_NONZERO, &v,
                      error) < 0)
        return -1;
    clock->offset = v;
    v = GV_DOMAIN_CLOCK_BASIS_NONE;
    if ((rc = gvXMLPropEnum(node, "basis", gvDomainClockBasisTypeFromString, GV_XML_PROP_NONZERO,
                            &v, error)) < 0)
        return -1;
    if (rc > 0 && clock->offset != GV_DOMAIN_CLOCK_OFFSET_VARIABLE) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "attribute 'basis' of <clock> needs offset 'variable', not '%s'",
                      gvDomainClockOffsetTypeToString(clock->offset));
        return -1;
    }
    clock->basis = v;
    if (gvDomainClockAdjustmentParseXML(node, clock, error) < 0 ||
        gvXMLPropString(node, "timezone", GV_XML_PROP_NONE, &clock->timezone, error) < 0)
        return -1;
    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && gvDomainTimerDefParseXML(cur, clock, error) < 0)
            return -1;
    }
    return 0;
}

/* libvirt's form: adjustment and basis only where they mean something */
void
gvDomainClockDefFormat(gvBuffer *buf, const gvDomainClockDef *clock)
{
    size_t i;

    gvBufferAsprintf(buf, "<clock offset='%s'", gvDomainClockOffsetTypeToString(clock->offset));
    switch (clock->offset) {
    case GV_DOMAIN_CLOCK_OFFSET_UTC:
    case GV_DOMAIN_CLOCK_OFFSET_LOCALTIME:
        if (clock->utcReset)
            gvBufferAddLit(buf, " adjustment='reset'");
        break;
    case GV_DOMAIN_CLOCK_OFFSET_VARIABLE:
        gvBufferAsprintf(buf, " adjustment='%lld' basis='%s'", clock->adjustment,
                         gvDomainClockBasisTypeToString(clock->basis));
        break;
    case GV_DOMAIN_CLOCK_OFFSET_TIMEZONE:
        gvBufferEscapeString(buf, " timezone='%s'", clock->timezone);
        break;
    case GV_DOMAIN_CLOCK_OFFSET_NONE:
    case GV_DOMAIN_CLOCK_OFFSET_LAST:
        break;
    }
    if (clock->ntimers == 0) {
        gvBufferAddLit(buf, "/>\n");
        return;
    }
    gvBufferAddLit(buf, ">\n");
    gvBufferAdjustIndent(buf, 2);
    for (i = 0; i < clock->ntimers; i++)
        gvDomainTimerDefFormat(buf, &clock->timers[i]);
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</clock>\n");
}

void
gvDomainClockDefPostParse(gvDomainClockDef *clock)
{
    if (clock->offset == GV_DOMAIN_CLOCK_OFFSET_NONE)
        clock->offset = GV_DOMAIN_CLOCK_OFFSET_UTC;
    if (clock->offset == GV_DOMAIN_CLOCK_OFFSET_VARIABLE &&
        clock->basis == GV_DOMAIN_CLOCK_BASIS_NONE)
        clock->basis = GV_DOMAIN_CLOCK_BASIS_UTC;
}

int
gvDomainClockDefValidate(const gvDomainClockDef *clock, GError **error)
{
    size_t i;

    if (clock->offset == GV_DOMAIN_CLOCK_OFFSET_TIMEZONE) {
        const char *tz = clock->timezone;

        if (!tz) {
            gvReportError(error, GV_ERR_XML_ERROR,
                          "<clock offset='timezone'> needs a 'timezone' attribute");
            return -1;
        }
        /* a zoneinfo name: it becomes QEMU's TZ */
        if (tz[0] == '\0' || tz[0] == '/' || strlen(tz) > GV_DOMAIN_CLOCK_TIMEZONE_MAX ||
            strstr(tz, "..") ||
            strspn(tz, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_+-") !=
                strlen(tz)) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "invalid timezone '%s' in <clock>: expected a zoneinfo name such as 'Europe/Paris'",
                tz);
            return -1;
        }
    } else if (clock->timezone) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "attribute 'timezone' of <clock> needs offset 'timezone', not '%s'",
                      gvDomainClockOffsetTypeToString(clock->offset));
        return -1;
    }
    for (i = 0; i < clock->ntimers; i++) {
        const gvDomainTimerDef *t = &clock->timers[i];

        if (t->track != GV_DOMAIN_TIMER_TRACK_NONE && t->name != GV_DOMAIN_TIMER_NAME_RTC) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "attribute 'track' of <clock>/<timer name='%s'> is only for the rtc timer",
                gvDomainTimerNameTypeToString(t->name));
            return -1;
        }
    }
    return 0;
}
