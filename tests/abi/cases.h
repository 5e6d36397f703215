/* The ABI cases: DO_TEST(name) for compatible pairs, DO_TEST_FAIL(name) with NAME.err */

/* compatible */
DO_TEST("genid-same");
DO_TEST("identical");
/* a destination genid without a value takes the source's (the harness checks it) */
DO_TEST("genid-dst-novalue");
DO_TEST("genid-dst-bare");
DO_TEST("genid-dst-legacy-novalue");
DO_TEST("genid-legacy-same");
/* what the guest cannot see may change */
DO_TEST("nonabi-title-description");
DO_TEST("nonabi-graphics");
DO_TEST("nonabi-no-graphics");
DO_TEST("nonabi-on-crash");
DO_TEST("nonabi-disk-source");
/* the kernel is read once, at boot: a destination may boot another one next time */
DO_TEST("nonabi-kernel");
/* metadata and how the host keeps time are not the guest's ABI */
DO_TEST("nonabi-metadata");
DO_TEST("nonabi-clock-tickpolicy");
/* how strictly the CPU was checked at start is not the guest's; current = max is all */
DO_TEST("nonabi-cpu-check");
/* the same firmware and NVRAM may live elsewhere on the destination */
DO_TEST("nonabi-firmware-paths");
DO_TEST("nonabi-vcpus-current-all");
DO_TEST("nonabi-all");

/* incompatible: every message names the destination's value, then the source's */
DO_TEST_FAIL("genid-value-differs");
DO_TEST_FAIL("genid-fixed-value-differs");
DO_TEST_FAIL("genid-only-src");
DO_TEST_FAIL("genid-only-dst");
DO_TEST_FAIL("genid-only-dst-novalue");
DO_TEST_FAIL("uuid-differs");
DO_TEST_FAIL("memory-differs");
DO_TEST_FAIL("vcpus-differ");
DO_TEST_FAIL("machine-differs");
DO_TEST_FAIL("machine-alias-differs");
DO_TEST_FAIL("arch-differs");
DO_TEST_FAIL("disk-count-differs");
DO_TEST_FAIL("disk-bus-differs");
DO_TEST_FAIL("net-mac-differs");
DO_TEST_FAIL("net-model-differs");
DO_TEST_FAIL("net-count-differs");
DO_TEST_FAIL("serial-count-differs");
/* all mismatches at once, joined by '; ' */
DO_TEST_FAIL("many-mismatches");

/* devices: controllers, addresses and the device lists */
DO_TEST("devices-same");
DO_TEST_FAIL("pci-address-differs");
DO_TEST_FAIL("controller-model-differs");
DO_TEST_FAIL("controller-count-differs");
DO_TEST_FAIL("video-differs");
DO_TEST_FAIL("channel-differs");
DO_TEST_FAIL("memballoon-differs");
DO_TEST("virt-install-canonical");
/* features, the clock the guest sees and its sleep states */
DO_TEST_FAIL("features-differ");
DO_TEST_FAIL("clock-differs");
DO_TEST_FAIL("pm-differs");
/* the CPU: model, vendor, topology, features; the vCPUs online */
DO_TEST_FAIL("cpu-differs");
DO_TEST_FAIL("vcpus-current-differs");
/* the firmware and the SMBIOS tables */
DO_TEST_FAIL("firmware-differs");
