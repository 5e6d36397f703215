#!/bin/busybox sh
# /init of the tests/guest/ initramfs: busybox-static is the only program
# besides the witness (witness.c), which then runs as PID 1 for ever and
# prints the generation as the guest sees it on the console.
bb=/bin/busybox
$bb mkdir -p /proc /sys /dev
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
# DEVTMPFS_MOUNT is off in Debian's kernel: /dev/mem and /dev/kmsg come from here
$bb mount -t devtmpfs devtmpfs /dev
# fw_cfg in sysfs is a module (CONFIG_FW_CFG_SYSFS=m), with no dependencies
$bb insmod /lib/qemu_fw_cfg.ko || echo "GVW ERROR insmod qemu_fw_cfg.ko failed"
exec /bin/witness </dev/console >/dev/console 2>&1
