/*
 * host_sysinfo.h: the <sysinfo type='smbios'> document of CONNECT_GET_SYSINFO
 *
 * From the SMBIOS fields the kernel shows in ROOT/sys/class/dmi/id (BIOS,
 * system, base board, chassis), in libvirt's format; the fields that are
 * not there or not readable are left out, so a host without DMI (a VM on
 * some hypervisors, most non-x86 machines) gets <sysinfo type='smbios'/>.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

/*
 * @full: also the serial numbers, asset tags and the system UUID (the
 * kernel itself lets only root read them); read-only clients do not get them.
 */
char *gvHostSysinfoFormat(const char *root, bool full);
