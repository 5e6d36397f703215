/* The xml2xml cases: DO_TEST(name), DO_TEST_FAIL(name), DO_TEST_FORMAT(name, flags, suffix) */
DO_TEST("minimal");
DO_TEST("genid-auto-yes");
DO_TEST_FORMAT("genid-auto-yes", 0, "public");
DO_TEST("genid-auto-no");
DO_TEST_FORMAT("genid-auto-no", 0, "public");
DO_TEST("genid-value-default-auto");
DO_TEST("genid-empty");
DO_TEST("genid-auto-yes-novalue");
DO_TEST_FORMAT("genid-auto-yes-novalue", 0, "public");
DO_TEST("genid-guid-empty");
DO_TEST("genid-uppercase");
DO_TEST("genid-no-dashes");
DO_TEST("genid-whitespace");
DO_TEST("genid-legacy-empty");
DO_TEST("genid-legacy-value");
DO_TEST_FORMAT("genid-legacy-value", 0, "public");
DO_TEST("genid-legacy-nodashes");
DO_TEST("genid-machine-i440fx-2.5");
DO_TEST("genid-machine-q35-7.2");
DO_TEST("genid-i686");
DO_TEST("genid-running");
DO_TEST_FORMAT("genid-running", GV_DOMAIN_DEF_FORMAT_INACTIVE | SECURE, "inactive");
DO_TEST_FORMAT("genid-running", GV_DOMAIN_DEF_FORMAT_MIGRATABLE | SECURE, "migratable");
DO_TEST_FORMAT("genid-running", 0, "public");
DO_TEST_FAIL("genid-nil-invalid");
DO_TEST_FAIL("genid-legacy-nil-invalid");
DO_TEST_FAIL("genid-twice-invalid");
DO_TEST_FAIL("genid-bad-model-invalid");
DO_TEST_FAIL("genid-auto-no-novalue");
DO_TEST_FAIL("genid-bad-auto-invalid");
DO_TEST_FAIL("genid-bad-guid-invalid");
DO_TEST_FAIL("genid-short-guid-invalid");
DO_TEST_FAIL("genid-unknown-attr-invalid");
DO_TEST_FAIL("genid-guid-unknown-attr-invalid");
DO_TEST_FAIL("genid-unknown-child-invalid");
DO_TEST_FAIL("genid-guid-child-invalid");
DO_TEST_FAIL("genid-device-text-invalid");
DO_TEST_FAIL("genid-legacy-and-device-invalid");
DO_TEST_FAIL("genid-legacy-twice-invalid");
DO_TEST_FAIL("genid-legacy-bad-invalid");
DO_TEST_FAIL("genid-legacy-attr-invalid");
DO_TEST_FAIL("genid-no-acpi");
DO_TEST_FAIL("genid-no-features");
DO_TEST_FAIL("genid-microvm");
DO_TEST_FAIL("genid-machine-i440fx-2.4");
DO_TEST_FAIL("genid-machine-pc-1.3");
/* the guest would never see the device, and QEMU would say nothing (reference/guest-genid.md) */
DO_TEST_FAIL("genid-isapc");
DO_TEST_FAIL("genid-machine-q35-2.4");
DO_TEST_FAIL("genid-machine-i440fx-1.4");
DO_TEST_FAIL("genid-cmdline-acpi-off");
DO_TEST_FAIL("genid-cmdline-acpi-quoted-off");
/* ... and where it does */
DO_TEST("genid-machine-q35-2.5");
DO_TEST("genid-machine-i440fx-2.10");
DO_TEST("genid-cmdline-acpi-off-force");
DO_TEST("genid-cmdline-acpi-off-init");
DO_TEST("genid-cmdline-acpi-ht");
DO_TEST("genid-cmdline-acpi-quoted-value");
DO_TEST("kvm-full");
DO_TEST_FORMAT("kvm-full", 0, "public");
DO_TEST("qemu-i686-defaults");
DO_TEST("defaults-no-os");
DO_TEST("uuid-uppercase");
DO_TEST("uuid-no-dashes");
DO_TEST("title-description-escape");
DO_TEST("memory-mib");
DO_TEST("memory-gib");
DO_TEST("memory-bytes-round-up");
DO_TEST("memory-kb");
DO_TEST("memory-no-unit");
DO_TEST("memory-short-units");
DO_TEST("memory-no-current");
DO_TEST("os-boot-order");
DO_TEST("cpu-host-model");
DO_TEST("cpu-custom");
DO_TEST("cpu-model-no-mode");
DO_TEST("cpu-empty");
DO_TEST("clock-localtime-lifecycle");
DO_TEST("features-apic-only");
DO_TEST("emulator-custom");
DO_TEST("disk-types");
DO_TEST("disk-ide");
DO_TEST("disk-cdrom-no-source");
DO_TEST("disk-default-bus");
DO_TEST("net-models");
DO_TEST("net-default-model");
DO_TEST("serial-console");
DO_TEST("serial-console-defaults");
DO_TEST("console-virtio");
DO_TEST("console-virtio-no-port");
/* a running domain's pty paths: live XML only */
DO_TEST("serial-pty-live");
DO_TEST_FORMAT("serial-pty-live", GV_DOMAIN_DEF_FORMAT_INACTIVE | SECURE, "inactive");
DO_TEST_FORMAT("serial-pty-live", GV_DOMAIN_DEF_FORMAT_MIGRATABLE | SECURE, "migratable");
DO_TEST_PARSE_INACTIVE("serial-pty-live", "parse-inactive");
DO_TEST("console-virtio-live");
DO_TEST_FORMAT("console-virtio-live", GV_DOMAIN_DEF_FORMAT_INACTIVE | SECURE, "inactive");
DO_TEST_FAIL("serial-source-relative-invalid");
DO_TEST("graphics-vnc-autoport");
DO_TEST("graphics-vnc-port");
DO_TEST("graphics-vnc-ipv4");
DO_TEST("graphics-vnc-ipv6");
DO_TEST("graphics-vnc-ipv6-any");
DO_TEST("domain-id");
DO_TEST_FORMAT("domain-id", GV_DOMAIN_DEF_FORMAT_INACTIVE | SECURE, "inactive");
DO_TEST_FAIL("unknown-element-root-invalid");
DO_TEST_FAIL("unknown-element-devices-invalid");
DO_TEST_FAIL("unknown-element-disk-invalid");
DO_TEST_FAIL("unknown-attribute-invalid");
DO_TEST_FAIL("unknown-attribute-root-invalid");
DO_TEST_FAIL("missing-name-invalid");
DO_TEST_FAIL("missing-memory-invalid");
DO_TEST_FAIL("memory-bad-unit-invalid");
DO_TEST_FAIL("memory-non-numeric-invalid");
DO_TEST_FAIL("memory-negative-invalid");
DO_TEST_FAIL("memory-current-larger");
DO_TEST_FAIL("memory-too-small");
DO_TEST_FAIL("memory-zero-invalid");
DO_TEST_FAIL("vcpu-zero-invalid");
DO_TEST_FAIL("vcpu-too-many");
DO_TEST_FAIL("cpu-custom-no-model");
DO_TEST_FAIL("cpu-passthrough-model");
DO_TEST_FAIL("domain-type-invalid");
DO_TEST_FAIL("uuid-bad-invalid");
DO_TEST_FAIL("title-newline-invalid");
DO_TEST_FAIL("disk-duplicate-target");
DO_TEST_FAIL("disk-same-unit");
DO_TEST_FAIL("disk-bad-target-invalid");
DO_TEST_FAIL("disk-bad-bus-invalid");
DO_TEST_FAIL("disk-cdrom-virtio");
DO_TEST_FAIL("disk-ide-q35");
DO_TEST_FAIL("disk-sata-port-7");
DO_TEST_FAIL("disk-relative-source");
DO_TEST_FAIL("disk-no-source");
DO_TEST_FAIL("net-bad-mac-invalid");
DO_TEST_FAIL("net-multicast-mac-invalid");
DO_TEST_FAIL("net-duplicate-mac");
DO_TEST_FAIL("net-type-network-invalid");
DO_TEST("console-missing-serial");
DO_TEST_FAIL("serial-port-twice");
DO_TEST_FAIL("graphics-port-autoport");
DO_TEST_FAIL("graphics-autoport-no-port");
DO_TEST_FAIL("graphics-spice-invalid");
DO_TEST_FAIL("name-slash");
DO_TEST_FAIL("name-dot");
DO_TEST_FAIL("emulator-relative");
DO_TEST_FAIL("malformed-invalid");
DO_TEST_FAIL("doctype-invalid");
DO_TEST_FAIL("doctype-external-invalid");
DO_TEST_FAIL("net-type-bridge-invalid");
DO_TEST_FAIL("genid-two-guids-invalid");
DO_TEST("genid-guid-comment");
DO_TEST_FAIL("serial-five");
/* devices: what virt-install 4.1 writes (its <devices>, unchanged) and libvirt's defaults */
DO_TEST("virt-install-q35-devices");
DO_TEST("virt-install-q35-nographics-devices");
DO_TEST("virt-install-pc-devices");
DO_TEST("virt-install-pc-nographics-devices");
DO_TEST("virt-install-pc-virtio-devices");
DO_TEST("virt-install-q35-generic-devices");
DO_TEST("nova-devices");
DO_TEST("libvirt-pc-addr");
DO_TEST("libvirt-pc-chr");
DO_TEST("libvirt-pc-dev");
DO_TEST("libvirt-pc-graphics-spice");
DO_TEST("libvirt-pc-input");
DO_TEST("libvirt-pc-many");
DO_TEST("libvirt-pc-min");
DO_TEST("libvirt-pc-misc");
DO_TEST("libvirt-pc-nova");
DO_TEST("libvirt-pc-scsi-default");
DO_TEST("libvirt-pc-scsi");
DO_TEST("libvirt-pc-usb-none");
DO_TEST("libvirt-pc-usbdisk");
DO_TEST("libvirt-pc-video-none");
DO_TEST("libvirt-pc-video-ramfb");
DO_TEST("libvirt-pc-virtio-console");
DO_TEST_FORMAT("libvirt-pc-vnc-listen", 0, "public");
DO_TEST("libvirt-pc-vnc");
DO_TEST("libvirt-pc-xhci");
/* libvirtd accepts this, but its second chassis 5 makes QEMU fail */
DO_TEST_FAIL("libvirt-q35-bridges");
DO_TEST("libvirt-q35-dev");
DO_TEST("libvirt-q35-legacy");
DO_TEST("libvirt-q35-many");
DO_TEST("libvirt-q35-min");
DO_TEST("libvirt-q35-sound");
DO_TEST("libvirt-q35-vnc");

/* devices: one case per element and per error */
DO_TEST_FAIL("address-bad-type-invalid");
DO_TEST_FAIL("address-pci-slot-range");
DO_TEST_FAIL("address-pci-twice");
DO_TEST_FAIL("address-pci-no-bus");
DO_TEST_FAIL("address-pci-chipset");
DO_TEST_FAIL("address-root-port-slot");
DO_TEST("address-pci-explicit");
DO_TEST_FAIL("controller-pci-root-model");
DO_TEST_FAIL("controller-root-port-pc");
DO_TEST_FAIL("controller-index-twice");
DO_TEST_FAIL("controller-ide-q35");
DO_TEST_FAIL("controller-usb-none-tablet");
DO_TEST_FAIL("controller-ports-uhci");
DO_TEST_FAIL("controller-bad-model-invalid");
DO_TEST_FAIL("controller-unknown-type-invalid");
DO_TEST_FAIL("controller-usb-ports-full");
DO_TEST_FAIL("controller-usb-port-twice");
DO_TEST("controllers-q35-explicit");
DO_TEST_FAIL("disk-floppy-q35");
DO_TEST_FAIL("disk-cdrom-usb");
DO_TEST_FAIL("disk-detect-zeroes-unmap");
DO_TEST_FAIL("disk-serial-bad-invalid");
DO_TEST_FAIL("disk-address-wrong-type");
DO_TEST("disk-driver-options");
DO_TEST_FAIL("net-ethernet-managed");
DO_TEST_FAIL("net-mtu-user");
DO_TEST_FAIL("net-bridge-bad-name-invalid");
DO_TEST("net-bridge-ethernet");
DO_TEST_FAIL("chr-file-no-source-invalid");
DO_TEST_FAIL("chr-tcp-bad-service-invalid");
DO_TEST_FAIL("chr-unix-relative-invalid");
DO_TEST_FAIL("chr-pty-source-invalid");
DO_TEST_FAIL("channel-spicevmc-no-spice");
DO_TEST_FAIL("channel-name-twice");
DO_TEST("channel-types");
DO_TEST_FAIL("console-second-serial");
DO_TEST_FAIL("input-tablet-ps2");
DO_TEST_FAIL("input-ps2-twice");
DO_TEST_FAIL("video-none-two");
DO_TEST_FAIL("video-secondary-vga");
DO_TEST_FAIL("video-heads-cirrus");
DO_TEST_FAIL("video-ram-vga");
DO_TEST("video-models");
DO_TEST_FAIL("audio-spice-no-spice");
DO_TEST_FAIL("sound-bad-audio");
DO_TEST("sound-models");
DO_TEST_FAIL("redirdev-no-spice");
DO_TEST_FAIL("memballoon-none-stats-invalid");
DO_TEST_FAIL("rng-no-backend-invalid");
DO_TEST_FAIL("rng-bad-model-invalid");
DO_TEST("rng-builtin");
DO_TEST_FAIL("watchdog-bad-action-invalid");
DO_TEST("watchdog-panic");
DO_TEST_FAIL("tpm-invalid");
DO_TEST_FAIL("boot-order-twice");
DO_TEST_FAIL("boot-order-and-os-boot");
DO_TEST_FAIL("graphics-spice-tlsport");
DO_TEST_FAIL("graphics-listen-mismatch");
DO_TEST_FAIL("graphics-vnc-passwd-long");
DO_TEST("graphics-vnc-passwd");
DO_TEST_FORMAT("graphics-vnc-passwd", 0, "public");
DO_TEST("graphics-spice-listen-none");
DO_TEST("chr-log");
DO_TEST_FAIL("chr-log-append-invalid");
/* the <devices> python3-nova 26 (nova.virt.libvirt.config) builds for a simple flavor */
DO_TEST("nova-26-devices");
DO_TEST_FAIL("controller-index-exhausted");
/* direct kernel boot: <kernel>, <initrd>, <cmdline> */
DO_TEST("os-kernel-initrd-cmdline");
DO_TEST("os-kernel-only");
DO_TEST("os-kernel-order");
DO_TEST("os-kernel-empty-cmdline");
DO_TEST_FAIL("os-initrd-no-kernel");
DO_TEST_FAIL("os-cmdline-no-kernel");
DO_TEST_FAIL("os-kernel-relative");
DO_TEST_FAIL("os-initrd-relative");
DO_TEST_FAIL("os-kernel-empty");
DO_TEST_FAIL("os-kernel-twice-invalid");
DO_TEST_FAIL("os-kernel-attr-invalid");
DO_TEST_FAIL("os-cmdline-child-invalid");
DO_TEST_FAIL("os-dtb-invalid");
/* <metadata>: foreign namespaces kept verbatim, libvirt's formatting */
DO_TEST("metadata-libosinfo");
DO_TEST("metadata-nova");
DO_TEST("metadata-reformat");
DO_TEST("metadata-empty");
/* a namespace declared on <domain> moves onto the element that uses it */
DO_TEST("metadata-ns-on-root");
DO_TEST_FAIL("metadata-no-namespace-invalid");
DO_TEST_FAIL("metadata-text-invalid");
DO_TEST_FAIL("metadata-duplicate-namespace");
DO_TEST_FAIL("metadata-attribute-invalid");
/* <pm> */
DO_TEST("pm-disabled");
DO_TEST("pm-mem-only-q35");
DO_TEST("pm-empty");
DO_TEST_FAIL("pm-bad-enabled-invalid");
DO_TEST_FAIL("pm-unknown-child-invalid");
/* <on_*>: libvirt's actions (the QEMU driver refuses some) */
DO_TEST("lifecycle-libvirt-actions");
DO_TEST_FAIL("lifecycle-coredump-poweroff-invalid");
DO_TEST_FAIL("lifecycle-unknown-invalid");
/* <clock> and <timer> */
DO_TEST("clock-timers");
DO_TEST("clock-timers-all");
DO_TEST("clock-variable");
DO_TEST("clock-variable-default");
DO_TEST("clock-utc-adjustment");
DO_TEST("clock-localtime-reset");
DO_TEST("clock-timezone");
DO_TEST("clock-no-offset");
DO_TEST_FAIL("clock-timer-twice");
DO_TEST_FAIL("clock-track-pit");
DO_TEST_FAIL("clock-basis-utc-invalid");
DO_TEST_FAIL("clock-timezone-missing-invalid");
DO_TEST_FAIL("clock-timezone-bad-invalid");
DO_TEST_FAIL("clock-timezone-utc-invalid");
DO_TEST_FAIL("clock-adjustment-bad-invalid");
DO_TEST_FAIL("clock-adjustment-timezone-invalid");
DO_TEST_FAIL("clock-timer-tsc-invalid");
DO_TEST_FAIL("clock-timer-bad-present-invalid");
/* <features> */
DO_TEST("features-all");
DO_TEST("features-hyperv-order");
DO_TEST("features-hyperv-passthrough");
/* <vmcoreinfo/> (Nova writes it) means state='on' */
DO_TEST("features-vmcoreinfo");
DO_TEST("features-vmcoreinfo-off");
DO_TEST_FAIL("features-vmcoreinfo-bad-invalid");
DO_TEST_FAIL("features-spinlocks-few-invalid");
DO_TEST_FAIL("features-spinlocks-no-retries-invalid");
DO_TEST_FAIL("features-vendor-long-invalid");
DO_TEST_FAIL("features-vendor-comma-invalid");
DO_TEST_FAIL("features-hyperv-unknown-invalid");
DO_TEST_FAIL("features-hyperv-no-state-invalid");
DO_TEST_FAIL("features-vmport-bad-invalid");
DO_TEST_FAIL("features-kvm-unknown-invalid");
DO_TEST_FAIL("features-smm-tseg-invalid");
/* <cpu> and <vcpu>: libvirt's defaults (match, check, fallback, migratable, dies) */
DO_TEST("cpu-custom-full");
DO_TEST("cpu-topology-defaults");
DO_TEST("cpu-feature-no-policy");
DO_TEST("cpu-passthrough-features");
DO_TEST("cpu-host-model-check-none");
DO_TEST_FAIL("cpu-topology-mismatch");
DO_TEST_FAIL("cpu-feature-twice");
DO_TEST_FAIL("cpu-feature-bad-name-invalid");
DO_TEST_FAIL("cpu-feature-bad-policy-invalid");
DO_TEST_FAIL("cpu-vendor-no-model");
/* libvirt takes match for host-model and drops it (dumpxml has none); Nova writes it */
DO_TEST("cpu-match-host-model");
DO_TEST_FAIL("cpu-migratable-custom");
DO_TEST_FAIL("cpu-check-bad-invalid");
DO_TEST_FAIL("cpu-topology-zero-invalid");
DO_TEST_FAIL("cpu-numa-invalid");
DO_TEST("vcpu-current");
DO_TEST_FAIL("vcpu-current-too-many");
DO_TEST_FAIL("vcpu-current-zero-invalid");
DO_TEST_FAIL("vcpu-placement-bad-invalid");
/* firmware: firmware='efi' and its features, <loader>, <nvram>; <bootmenu>; <smbios>, <sysinfo> */
DO_TEST("os-firmware-efi");
DO_TEST("os-firmware-efi-plain");
DO_TEST("os-loader-pflash");
/* the live form: firmware='efi' with the firmware chosen at start */
DO_TEST("os-loader-live");
DO_TEST("os-loader-rom");
DO_TEST("os-loader-spaces");
DO_TEST("os-bootmenu");
DO_TEST("os-bootmenu-off");
DO_TEST("os-smbios-sysinfo");
DO_TEST("os-sysinfo-reorder");
DO_TEST_FAIL("os-loader-relative");
DO_TEST_FAIL("os-loader-no-path");
DO_TEST_FAIL("os-nvram-no-pflash");
DO_TEST_FAIL("os-nvram-relative");
DO_TEST_FAIL("os-secure-rom");
DO_TEST_FAIL("os-secure-no-smm");
DO_TEST_FAIL("os-firmware-features-no-efi");
DO_TEST_FAIL("os-firmware-feature-twice");
DO_TEST_FAIL("os-firmware-bad-invalid");
DO_TEST_FAIL("os-firmware-feature-unknown-invalid");
DO_TEST_FAIL("os-bootmenu-timeout-disabled");
DO_TEST_FAIL("os-bootmenu-timeout-big-invalid");
DO_TEST_FAIL("os-smbios-no-sysinfo");
DO_TEST_FAIL("os-smbios-bad-invalid");
DO_TEST_FAIL("sysinfo-bad-date");
DO_TEST_FAIL("sysinfo-bad-release");
DO_TEST_FAIL("sysinfo-uuid-mismatch");
DO_TEST_FAIL("sysinfo-wrong-entry");
DO_TEST_FAIL("sysinfo-entry-twice");
DO_TEST_FAIL("sysinfo-fwcfg-invalid");
DO_TEST_FAIL("sysinfo-unknown-block-invalid");
/*
 * virt-install 4.1's exact output for a default Debian 11 guest (--import,
 * without and with graphics, and --boot uefi), against libvirt 9.0 on
 * Debian 12, with only the devices genvirt takes so far (emulator, disk):
 * everything outside <devices> is unchanged.
 */
DO_TEST("virtinst-debian11-nographics-domain");
DO_TEST("virtinst-debian11-graphics-domain");
DO_TEST("virtinst-debian11-uefi-domain");
/*
 * What OpenStack Nova 26 (Debian 12's python3-nova) writes for a simple
 * flavor, made with nova.virt.libvirt.config as its libvirt driver does
 * (metadata, sysinfo with smbios mode='sysinfo', host-model with a
 * topology, Nova's timers), with one virtio disk
 */
DO_TEST("nova-26-simple-flavor");
/* libvirt 9.0's own dumpxml of that virt-install guest (devices as above): a fixed point */
DO_TEST("libvirt-debian11-domain");
/*
 * The complete documents the tools write for a default Debian guest, as
 * they wrote them (tests/libvirt-domain/README.md): genvirt's output is
 * libvirtd 9.0's dumpxml of the same input (tests/libvirt-domain/), and
 * tests/integration/tooldocs.py defines and starts them in real QEMU.
 * virt-install 4.1 with --network user, on q35 and pc, with and without
 * --graphics none:
 */
DO_TEST("virt-install-q35-full");
DO_TEST("virt-install-q35-nographics-full");
DO_TEST("virt-install-pc-full");
DO_TEST("virt-install-pc-nographics-full");
/* virt-install's own default network (libvirt's 'default'): defined; the start refuses it */
DO_TEST("virt-install-q35-network-full");
/* --boot uefi adds a TPM emulator (swtpm), which the schema and genvirt refuse */
DO_TEST_FAIL("virt-install-q35-uefi-full-invalid");
/* Nova 26's libvirt driver itself, for a simple flavor (tests/libvirt-domain/nova-guest.py) */
DO_TEST("nova-26-full");
