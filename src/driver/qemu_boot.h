/*
 * qemu_boot.h: the host files a domain boots from, checked before QEMU starts
 *
 * Direct kernel boot names a kernel and an initrd that QEMU reads when the
 * machine is created.  The daemon opens and checks them first, so a missing
 * or wrong file is one clear error at start naming the element, not a QEMU
 * exit with whatever QEMU prints.
 */
#pragma once

#include "domain_conf.h"

/* The first bytes of a kernel looked at (QEMU looks at the same 8 KiB) */
#define GV_QEMU_KERNEL_HEADER_LEN 8192

/*
 * What the kernel image @header (its first @len bytes) is: "linux" (the
 * Linux x86 boot protocol), "multiboot", "elf", or NULL for none of them.
 */
const char *gvQemuKernelImageKind(const unsigned char *header, size_t len);

/* Opens and checks every boot file of @def: kernel and initrd. */
int gvQemuBootCheckFiles(const gvDomainDef *def, GError **error);
