/*
 * qemu_boot.h: the host files a domain boots from, checked before QEMU starts
 *
 * Direct kernel boot names a kernel and an initrd that QEMU reads when the
 * machine is created; <clock offset='timezone'> names a zoneinfo file.  The daemon opens and checks them first, so a missing
 * or wrong file is one clear error at start naming the element, not a QEMU
 * exit with whatever QEMU prints.
 */
#pragma once

#include "domain_conf.h"

#define GV_QEMU_ZONEINFO_DIR "/usr/share/zoneinfo"
/* an NVRAM template larger than this is not one (OVMF's are 128 KiB and 528 KiB) */
#define GV_QEMU_NVRAM_MAX_LEN (64 * 1024 * 1024)

/* The first bytes of a kernel looked at (QEMU looks at the same 8 KiB) */
#define GV_QEMU_KERNEL_HEADER_LEN 8192

/*
 * What the kernel image @header (its first @len bytes) is: "linux" (the
 * Linux x86 boot protocol), "multiboot", "elf", or NULL for none of them.
 */
const char *gvQemuKernelImageKind(const unsigned char *header, size_t len);

/*
 * Opens and checks every host file @def boots with: kernel and initrd, the
 * firmware loader, the NVRAM (created from its template when missing); and
 * that the timezone of <clock offset='timezone'> exists on this host.
 */
int gvQemuBootCheckFiles(const gvDomainDef *def, GError **error);

/*
 * --reset-nvram (VIR_DOMAIN_SAVE_RESET_NVRAM at restore): the NVRAM of @def
 * recreated from its template, whether it exists or not, as libvirt does.
 * A domain without an NVRAM (no UEFI varstore) is left alone: the flag is a
 * no-op there, as in libvirt; an NVRAM without a template is an error.
 */
int gvQemuBootResetNvram(const gvDomainDef *def, GError **error);
