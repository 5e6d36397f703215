/*
 * qemu_graphics.c: the ports of a running domain's displays
 */
#include <gvconfig.h>

#include "qemu_graphics.h"

int
gvQemuGraphicsAllocPorts(gvDriver *drv, gvDomainDef *live, GError **error)
{
    guint i;

    for (i = 0; i < live->graphics->len; i++) {
        gvDomainGraphicsDef *gfx = g_ptr_array_index(live->graphics, i);
        guint16 port;

        /* SPICE without a network port needs none */
        if (gfx->listenType == GV_DOMAIN_GRAPHICS_LISTEN_NONE)
            continue;
        /* the live XML names the address QEMU listens on, as libvirt's does (vncdisplay) */
        if (gfx->listenType == GV_DOMAIN_GRAPHICS_LISTEN_ADDRESS && !gfx->listen)
            gfx->listen = g_strdup(GV_GRAPHICS_LISTEN_DEFAULT);
        if (gfx->autoport != GV_TRISTATE_BOOL_YES) {
            if (gfx->port > 0)
                gvPortAllocatorSetUsed(drv->graphicsPorts, (guint16)gfx->port);
            continue;
        }
        if (gvPortAllocatorAcquire(drv->graphicsPorts, &port, error) < 0) {
            gvQemuGraphicsReleasePorts(drv, live);
            return -1;
        }
        gfx->livePort = port;
    }
    return 0;
}

void
gvQemuGraphicsReservePorts(gvDriver *drv, const gvDomainDef *live)
{
    guint i;

    for (i = 0; i < live->graphics->len; i++) {
        const gvDomainGraphicsDef *gfx = g_ptr_array_index(live->graphics, i);

        if (gfx->livePort > 0)
            gvPortAllocatorSetUsed(drv->graphicsPorts, (guint16)gfx->livePort);
        else if (gfx->autoport != GV_TRISTATE_BOOL_YES && gfx->port > 0)
            gvPortAllocatorSetUsed(drv->graphicsPorts, (guint16)gfx->port);
    }
}

void
gvQemuGraphicsReleasePorts(gvDriver *drv, gvDomainDef *live)
{
    guint i;

    for (i = 0; i < live->graphics->len; i++) {
        gvDomainGraphicsDef *gfx = g_ptr_array_index(live->graphics, i);

        if (gfx->livePort > 0) {
            gvPortAllocatorRelease(drv->graphicsPorts, (guint16)gfx->livePort);
            gfx->livePort = 0;
        } else if (gfx->autoport != GV_TRISTATE_BOOL_YES && gfx->port > 0) {
            gvPortAllocatorRelease(drv->graphicsPorts, (guint16)gfx->port);
        }
    }
}
