/*
 * domain_device_abi.c: what of <devices> a running guest sees, beyond the
 * disk and interface lists: controllers, addresses, the other devices
 */
#include <gvconfig.h>

#include "domain_conf.h"
#include "gverror.h"

static void G_GNUC_PRINTF(2, 3) gvDeviceABIMismatch(GPtrArray *msgs, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(msgs, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static void
gvABIAddress(GPtrArray *msgs, const char *what, const gvDomainDeviceAddress *s,
             const gvDomainDeviceAddress *d)
{
    g_autofree char *ss = NULL;
    g_autofree char *ds = NULL;

    if (gvDomainDeviceAddressEqual(s, d))
        return;
    ss = gvDomainDeviceAddressToString(s);
    ds = gvDomainDeviceAddressToString(d);
    gvDeviceABIMismatch(msgs, "target %s has address '%s', the source's '%s'", what, ds, ss);
}

static bool
gvABICount(GPtrArray *msgs, const char *what, guint s, guint d)
{
    if (s == d)
        return true;
    gvDeviceABIMismatch(msgs, "target %s count '%u' does not match source count '%u'", what, d, s);
    return false;
}

static void
gvABIControllers(const gvDomainDef *src, const gvDomainDef *dst, GPtrArray *msgs)
{
    guint i;

    if (!gvABICount(msgs, "controller", src->controllers->len, dst->controllers->len))
        return;
    for (i = 0; i < src->controllers->len; i++) {
        const gvDomainControllerDef *s = g_ptr_array_index(src->controllers, i);
        const gvDomainControllerDef *d = g_ptr_array_index(dst->controllers, i);
        g_autofree char *sd = gvDomainControllerDefDescribe(s);
        g_autofree char *dd = gvDomainControllerDefDescribe(d);

        if (s->type != d->type || s->idx != d->idx || s->model != d->model) {
            gvDeviceABIMismatch(msgs, "target controller %u is '%s', the source's '%s'", i + 1, dd,
                                sd);
            continue;
        }
        if (s->ports != d->ports)
            gvDeviceABIMismatch(msgs, "target %s has %d ports, the source's %d", dd, d->ports,
                                s->ports);
        if (s->chassis != d->chassis || s->port != d->port || s->chassisNr != d->chassisNr)
            gvDeviceABIMismatch(msgs, "target %s has another <target> than the source's", dd);
        gvABIAddress(msgs, dd, &s->info.addr, &d->info.addr);
    }
}

void
gvDomainDevicesCheckABIStability(const gvDomainDef *src, const gvDomainDef *dst, GPtrArray *msgs)
{
    guint i;

    gvABIControllers(src, dst, msgs);
    if (src->disks->len == dst->disks->len) {
        for (i = 0; i < src->disks->len; i++) {
            const gvDomainDiskDef *s = g_ptr_array_index(src->disks, i);
            const gvDomainDiskDef *d = g_ptr_array_index(dst->disks, i);
            g_autofree char *what = g_strdup_printf("disk '%s'", d->dst);

            gvABIAddress(msgs, what, &s->info.addr, &d->info.addr);
            if (g_strcmp0(s->serial, d->serial) != 0)
                gvDeviceABIMismatch(msgs, "target disk '%s' has serial '%s', the source's '%s'",
                                    d->dst, d->serial ? d->serial : "", s->serial ? s->serial : "");
        }
    }
    if (src->nets->len == dst->nets->len) {
        for (i = 0; i < src->nets->len; i++) {
            const gvDomainNetDef *s = g_ptr_array_index(src->nets, i);
            const gvDomainNetDef *d = g_ptr_array_index(dst->nets, i);
            g_autofree char *what = g_strdup_printf("interface %u", i + 1);

            gvABIAddress(msgs, what, &s->info.addr, &d->info.addr);
        }
    }
    if (gvABICount(msgs, "channel", src->channels->len, dst->channels->len)) {
        for (i = 0; i < src->channels->len; i++) {
            const gvDomainChrDef *s = g_ptr_array_index(src->channels, i);
            const gvDomainChrDef *d = g_ptr_array_index(dst->channels, i);

            if (!g_str_equal(s->name, d->name))
                gvDeviceABIMismatch(msgs, "target channel %u is '%s', the source's '%s'", i + 1,
                                    d->name, s->name);
            else
                gvABIAddress(msgs, "channel", &s->info.addr, &d->info.addr);
        }
    }
    if (gvABICount(msgs, "console", src->consoles->len, dst->consoles->len)) {
        for (i = 0; i < src->consoles->len; i++) {
            const gvDomainChrDef *s = g_ptr_array_index(src->consoles, i);
            const gvDomainChrDef *d = g_ptr_array_index(dst->consoles, i);

            if (s->target != d->target)
                gvDeviceABIMismatch(msgs,
                                    "target console %u is a '%s' console, the source's a '%s' one",
                                    i + 1, gvDomainChrConsoleTargetTypeToString(d->target),
                                    gvDomainChrConsoleTargetTypeToString(s->target));
        }
    }
    if (gvABICount(msgs, "input device", src->inputs->len, dst->inputs->len)) {
        for (i = 0; i < src->inputs->len; i++) {
            const gvDomainInputDef *s = g_ptr_array_index(src->inputs, i);
            const gvDomainInputDef *d = g_ptr_array_index(dst->inputs, i);

            if (s->type != d->type || s->bus != d->bus)
                gvDeviceABIMismatch(
                    msgs, "target input %u is a %s on bus '%s', the source's a %s on bus '%s'",
                    i + 1, gvDomainInputTypeTypeToString(d->type),
                    gvDomainInputBusTypeToString(d->bus), gvDomainInputTypeTypeToString(s->type),
                    gvDomainInputBusTypeToString(s->bus));
            else
                gvABIAddress(msgs, "input device", &s->info.addr, &d->info.addr);
        }
    }
    if (gvABICount(msgs, "video device", src->videos->len, dst->videos->len)) {
        for (i = 0; i < src->videos->len; i++) {
            const gvDomainVideoDef *s = g_ptr_array_index(src->videos, i);
            const gvDomainVideoDef *d = g_ptr_array_index(dst->videos, i);

            if (s->type != d->type || s->vram != d->vram || s->ram != d->ram ||
                s->vgamem != d->vgamem || s->heads != d->heads)
                gvDeviceABIMismatch(
                    msgs, "target video %u ('%s') does not match the source's ('%s')", i + 1,
                    gvDomainVideoTypeTypeToString(d->type), gvDomainVideoTypeTypeToString(s->type));
            else
                gvABIAddress(msgs, "video device", &s->info.addr, &d->info.addr);
        }
    }
    if (gvABICount(msgs, "sound device", src->sounds->len, dst->sounds->len)) {
        for (i = 0; i < src->sounds->len; i++) {
            const gvDomainSoundDef *s = g_ptr_array_index(src->sounds, i);
            const gvDomainSoundDef *d = g_ptr_array_index(dst->sounds, i);

            if (s->model != d->model)
                gvDeviceABIMismatch(msgs, "target sound %u has model '%s', the source's '%s'",
                                    i + 1, gvDomainSoundModelTypeToString(d->model),
                                    gvDomainSoundModelTypeToString(s->model));
            else
                gvABIAddress(msgs, "sound device", &s->info.addr, &d->info.addr);
        }
    }
    if (gvABICount(msgs, "rng", src->rngs->len, dst->rngs->len)) {
        for (i = 0; i < src->rngs->len; i++)
            gvABIAddress(msgs, "rng",
                         &((gvDomainRNGDef *)g_ptr_array_index(src->rngs, i))->info.addr,
                         &((gvDomainRNGDef *)g_ptr_array_index(dst->rngs, i))->info.addr);
    }
    (void)gvABICount(msgs, "USB redirection device", src->redirdevs->len, dst->redirdevs->len);
    if (!!src->memballoon != !!dst->memballoon ||
        (src->memballoon && src->memballoon->model != dst->memballoon->model)) {
        gvDeviceABIMismatch(
            msgs, "target memballoon '%s' does not match source memballoon '%s'",
            dst->memballoon ? gvDomainMemballoonModelTypeToString(dst->memballoon->model)
                            : "absent",
            src->memballoon ? gvDomainMemballoonModelTypeToString(src->memballoon->model)
                            : "absent");
    } else if (src->memballoon) {
        gvABIAddress(msgs, "memballoon", &src->memballoon->info.addr, &dst->memballoon->info.addr);
    }
    if (!!src->watchdog != !!dst->watchdog ||
        (src->watchdog && src->watchdog->model != dst->watchdog->model))
        gvDeviceABIMismatch(
            msgs, "target watchdog '%s' does not match source watchdog '%s'",
            dst->watchdog ? gvDomainWatchdogModelTypeToString(dst->watchdog->model) : "absent",
            src->watchdog ? gvDomainWatchdogModelTypeToString(src->watchdog->model) : "absent");
    if (!!src->panic != !!dst->panic)
        gvDeviceABIMismatch(msgs,
                            "target panic device '%s' does not match source panic device '%s'",
                            dst->panic ? "present" : "absent", src->panic ? "present" : "absent");
}
