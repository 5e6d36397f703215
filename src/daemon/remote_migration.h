/*
 * remote_migration.h: peer-to-peer migration, this daemon driving the
 * destination daemon over libvirt's remote protocol
 */
#pragma once

#include "driver.h"

int gvMigrationPeer2Peer(gvDriver *drv, gvDomainObj *obj, const char *dconnuri, GPtrArray *params,
                         unsigned int flags, GError **error);
