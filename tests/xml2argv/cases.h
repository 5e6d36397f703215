/* The xml2argv cases: DO_TEST(name, KVM|TCG), DO_TEST_CAPS(name, caps, accel), DO_TEST_FAIL(name, caps, accel) */

/* genid: the GUID only ever reaches the -readconfig payload */
DO_TEST("genid-auto", KVM);
DO_TEST("genid-fixed", KVM);
DO_TEST("genid-noauto-attr", KVM);
DO_TEST("genid-legacy", TCG);
DO_TEST("genid-absent", KVM);
DO_TEST_CAPS("genid-novmgenid-absent", CAPS_NOVMGENID, KVM);
/* auto='yes' without a value: the value is generated at define time, not here */
DO_TEST_FAIL("genid-auto-novalue", CAPS_72, KVM);
DO_TEST_FAIL("genid-bare-novalue", CAPS_72, KVM);
DO_TEST_FAIL("genid-legacy-novalue", CAPS_72, KVM);
DO_TEST_FAIL("genid-novmgenid", CAPS_NOVMGENID, KVM);
DO_TEST("genid-machine-min", TCG);
DO_TEST_FAIL("genid-machine-old", CAPS_72, KVM);
DO_TEST_FAIL("genid-no-acpi", CAPS_72, KVM);

/* machines */
DO_TEST("machine-q35", KVM);
DO_TEST("machine-pc-i440fx-7.2", KVM);
DO_TEST("machine-pc-q35-7.2", TCG);
DO_TEST_FAIL("machine-unknown", CAPS_72, KVM);

/* accelerators: type='qemu' is TCG whatever the host has */
DO_TEST("accel-tcg", TCG);
DO_TEST("virt-qemu-kvmhost", KVM);
DO_TEST("virt-qemu-tcghost", TCG);

/* disks */
DO_TEST("disk-virtio-raw", KVM);
DO_TEST("disk-virtio-qcow2", KVM);
DO_TEST("disk-sata-pc", KVM);
DO_TEST("disk-sata-q35", KVM);
DO_TEST("disk-ide-pc", KVM);
DO_TEST("disk-cdrom-nosource", KVM);
DO_TEST("disk-cdrom-source", KVM);
DO_TEST("disk-block", KVM);
DO_TEST("disk-path-comma-space", KVM);
DO_TEST("disk-path-quote", KVM);
DO_TEST("disk-virtio-readonly", KVM);
DO_TEST_FAIL("disk-ide-q35", CAPS_72, KVM);
/* QEMU's ide-hd cannot be read-only ("Block node is read-only") */
DO_TEST_FAIL("disk-ide-readonly", CAPS_72, KVM);
DO_TEST_FAIL("disk-sata-readonly", CAPS_72, KVM);

/* interfaces */
DO_TEST("net-user-virtio", KVM);
DO_TEST("net-user-e1000", KVM);
DO_TEST("net-user-e1000e", KVM);
DO_TEST("net-user-rtl8139", KVM);
DO_TEST("net-user-multi", KVM);

/* character devices */
DO_TEST("serial-console", KVM);
DO_TEST("serial-multi", KVM);
DO_TEST("console-virtio", KVM);

/* graphics (no <graphics>: -display none, in most cases above) */
DO_TEST("vnc-autoport", KVM);
DO_TEST("vnc-port", KVM);
DO_TEST("vnc-ipv6", KVM);

/* cpu */
DO_TEST("cpu-host-passthrough-kvm", KVM);
DO_TEST("cpu-host-passthrough-tcg", TCG);
DO_TEST_CAPS("cpu-host-model", CAPS_CPU, KVM);
DO_TEST("cpu-custom", KVM);
/* a custom model is checked against the binary's "NAME-x86_64-cpu" types */
DO_TEST_FAIL("cpu-custom-unknown", CAPS_72, KVM);

/* direct kernel boot: the values go to QEMU as they are (no QemuOpts escaping) */
DO_TEST("kernel-boot", KVM);
DO_TEST("kernel-only-q35", TCG);

/* the rest of the domain */
DO_TEST("clock-localtime", KVM);
DO_TEST("on-reboot-destroy", KVM);
DO_TEST("boot-order", KVM);
DO_TEST("name-comma", KVM);
DO_TEST("memory-gib", KVM);
DO_TEST("vcpus-multi", KVM);
DO_TEST_CAPS("full-q35", CAPS_CPU, KVM);
/* Nova 26, a simple flavor (tests/xml2xml/nova-26-simple-flavor.xml) */
DO_TEST_CAPS("nova-26-simple-flavor", CAPS_CPU, KVM);

/* devices: virt-install 4.1's <devices> on q35 and pc, a Nova-style guest */
DO_TEST("virt-install-q35-devices", KVM);
DO_TEST("virt-install-q35-nographics-devices", KVM);
DO_TEST("virt-install-pc-devices", KVM);
DO_TEST("virt-install-pc-nographics-devices", TCG);
DO_TEST("virt-install-pc-virtio-devices", KVM);
DO_TEST("virt-install-q35-generic-devices", KVM);
DO_TEST("nova-user-devices", KVM);
/* no network driver: a clear error, never a guest without its network */
DO_TEST_FAIL("net-network", CAPS_72, KVM);

/* devices: one case per device class and address rule (inputs as in tests/xml2xml) */
DO_TEST("dev-pc-chr", KVM);
DO_TEST("dev-pc-dev", KVM);
DO_TEST("dev-pc-input", KVM);
DO_TEST("dev-pc-misc", KVM);
DO_TEST("dev-pc-scsi", KVM);
DO_TEST("dev-pc-scsi-default", KVM);
DO_TEST("dev-pc-usbdisk", KVM);
DO_TEST("dev-pc-xhci", KVM);
DO_TEST("dev-q35-bridges", KVM);
DO_TEST("dev-q35-legacy", KVM);
DO_TEST("dev-q35-sound", KVM);
DO_TEST("dev-q35-many", KVM);
DO_TEST("dev-pc-many", KVM);
DO_TEST("dev-pc-video-ramfb", KVM);
DO_TEST("dev-pc-video-none", KVM);
DO_TEST("dev-pc-vnc-listen", KVM);
DO_TEST("dev-pc-graphics-spice", KVM);
DO_TEST("dev-pc-addr", KVM);
DO_TEST("dev-graphics-vnc-passwd", KVM);
DO_TEST("dev-channel-types", KVM);
DO_TEST("dev-video-models", KVM);
DO_TEST("dev-sound-models", KVM);
DO_TEST("dev-rng-builtin", KVM);
DO_TEST("dev-watchdog-panic", KVM);
DO_TEST("dev-disk-driver-options", KVM);
DO_TEST("dev-graphics-spice-listen-none", KVM);

/* bridge and ethernet: the taps genvirtd opens are fds 30, 31 (tests/integration/tap.py runs them) */
DO_TEST_TAPS("net-bridge-ethernet", CAPS_72, KVM);
DO_TEST("chr-log", KVM);
DO_TEST_TAPS("nova-26-devices", CAPS_72, KVM);
/* virt-install's SPICE guest on a QEMU built without SPICE: refused, never a guest without its display */
DO_TEST_FAIL("spice-nospice", CAPS_NOSPICE, KVM);


/* the clock, power management, features and lifecycle (outside <devices>) */
DO_TEST("clock-timers-kvm", KVM);
DO_TEST("clock-timers-tcg", TCG);
DO_TEST("clock-variable", KVM);
DO_TEST("clock-timezone", KVM);
DO_TEST("clock-kvmclock", KVM);
DO_TEST_FAIL("clock-kvmclock-tcg", CAPS_72, TCG);
DO_TEST_FAIL("clock-pit-catchup-tcg", CAPS_72, TCG);
DO_TEST_FAIL("clock-rtc-merge", CAPS_72, KVM);
DO_TEST_FAIL("clock-rtc-track-boot", CAPS_72, KVM);
DO_TEST_FAIL("clock-hpet-tickpolicy", CAPS_72, KVM);
DO_TEST_FAIL("clock-pit-absent", CAPS_72, KVM);
DO_TEST("pm-pc", KVM);
DO_TEST("pm-q35", KVM);
DO_TEST_FAIL("pm-microvm", CAPS_72, KVM);
DO_TEST("features-machine", KVM);
DO_TEST("features-vmcoreinfo", KVM);
DO_TEST_FAIL("features-vmcoreinfo-microvm", CAPS_72, KVM);
DO_TEST("features-hyperv", KVM);
DO_TEST("features-hyperv-windows", KVM);
DO_TEST("features-hyperv-passthrough", KVM);
DO_TEST_FAIL("features-hyperv-tcg", CAPS_72, TCG);
DO_TEST_FAIL("features-hyperv-qemu-type", CAPS_72, KVM);
DO_TEST_FAIL("features-hyperv-synic-alone", CAPS_72, KVM);
DO_TEST_FAIL("features-hyperv-stimer-no-clock", CAPS_72, KVM);
DO_TEST_FAIL("features-smm-microvm", CAPS_72, KVM);
DO_TEST_FAIL("lifecycle-coredump", CAPS_72, KVM);
DO_TEST_FAIL("lifecycle-rename-restart", CAPS_72, KVM);
DO_TEST("lifecycle-preserve", KVM);
/* a guest power-off always ends the domain, a guest reboot is QEMU's: refused rather than ignored */
DO_TEST_FAIL("lifecycle-poweroff-restart", CAPS_72, KVM);
DO_TEST_FAIL("lifecycle-poweroff-preserve", CAPS_72, KVM);
DO_TEST_FAIL("lifecycle-reboot-preserve", CAPS_72, KVM);

/* <cpu> and <vcpu>: host-model resolved from what QEMU says of the host (CAPS_CPU) */
DO_TEST_CAPS("cpu-host-model-tcg", CAPS_CPU, TCG);
DO_TEST_CAPS("cpu-host-model-features", CAPS_CPU, TCG);
DO_TEST_FAIL("cpu-host-model-nodata", CAPS_72, KVM);
DO_TEST_FAIL("cpu-custom-partial-missing", CAPS_CPU, KVM);
DO_TEST_CAPS("cpu-custom-partial-disabled", CAPS_CPU, KVM);
DO_TEST_CAPS("cpu-custom-check-none", CAPS_CPU, TCG);
DO_TEST_CAPS("cpu-custom-check-full", CAPS_CPU, TCG);
DO_TEST_FAIL("cpu-feature-unknown", CAPS_CPU, KVM);
DO_TEST_FAIL("cpu-feature-forbid", CAPS_CPU, TCG);
DO_TEST_FAIL("cpu-vendor-mismatch", CAPS_CPU, TCG);
DO_TEST_CAPS("cpu-topology", CAPS_CPU, KVM);
DO_TEST("cpu-topology-no-model", KVM);
DO_TEST("cpu-passthrough-migratable-off", KVM);
DO_TEST_FAIL("vcpu-placement-auto", CAPS_72, KVM);
DO_TEST("vcpu-current", KVM);

/* firmware (chosen from tests/firmware/ as genvirtd chooses from /usr/share/qemu/firmware), bootmenu, SMBIOS */
DO_TEST("firmware-efi-q35", KVM);
DO_TEST("firmware-efi-pc", KVM);
DO_TEST("firmware-efi-no-secure-boot", TCG);
DO_TEST("firmware-efi-secure-empty", TCG);
DO_TEST("firmware-efi-smm-off", TCG);
DO_TEST("firmware-efi-nvram-path", TCG);
DO_TEST_FAIL("firmware-efi-i686", CAPS_72, KVM);
DO_TEST("loader-pflash", TCG);
DO_TEST_FAIL("loader-pflash-secure-pc", CAPS_72, KVM);
DO_TEST("loader-rom", KVM);
DO_TEST("bootmenu", KVM);
DO_TEST("bootmenu-only", KVM);
DO_TEST("smbios-sysinfo", KVM);
DO_TEST("smbios-emulate", KVM);
DO_TEST_FAIL("smbios-host", CAPS_72, KVM);

/*
 * The complete documents of tests/xml2xml/NAME-full.xml, as the tools wrote
 * them: virt-install 4.1 (q35 with SPICE; pc with --graphics none) and Nova
 * 26's driver (host-model from CAPS_CPU, its bridge port a tap fd)
 */
DO_TEST("virt-install-q35-full", KVM);
DO_TEST("virt-install-pc-nographics-full", TCG);
DO_TEST_TAPS("nova-26-full", CAPS_CPU, KVM);
