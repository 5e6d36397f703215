/*
 * remote_migration.h: peer-to-peer migration, this daemon driving the
 * destination daemon over libvirt's remote protocol
 */
#pragma once

#include "driver.h"

/*
 * drv->migrationAskPeer: whether the genvirtd at @uri runs domain @uuid (1),
 * does not (0), or cannot tell within a minute (-1); asks again while that
 * daemon is unreachable or the domain still waits for its incoming stream
 */
int gvMigrationAskPeer(gvDriver *drv, const char *uri, const unsigned char *uuid);

int gvMigrationPeer2Peer(gvDriver *drv, gvDomainObj *obj, const char *dconnuri, GPtrArray *params,
                         unsigned int flags, GError **error);
