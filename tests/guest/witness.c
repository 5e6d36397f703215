/*
 * witness.c: the guest side of tests/guest/, run as PID 1's last step in
 * a busybox initramfs (see init.sh and gvguest.py).
 *
 * It prints on the console (ttyS0), as the guest sees them:
 *
 *   GVW GEN  seq=N up=S.mmm boot=ID dev=DRIVER crng=0|1 guid=G fwcfg=F reseed=K rts=T gpe05=E
 *            every time one of dev, crng, guid, fwcfg, reseed or gpe05 changes;
 *   GVW TICK (the same fields) as a heartbeat, every 250 ms;
 *   GVW KMSG ts=S.uuuuuu TEXT at once for every kernel message about a
 *            crng reseed or about the crng becoming ready.
 *
 * guid:   the 16 bytes at the guest-physical address the ACPI device
 *         points at (VGIA + 40, the RAM the kernel's vmgenid driver reads),
 *         mapped through /dev/mem, printed in canonical UUID form (QEMU
 *         stores it little-endian, as Microsoft's specification says).
 *         QEMU writes that RAM while the VM is paused, so a new value there
 *         proves nothing about the guest having been told.
 * fwcfg:  what the running QEMU publishes in fw_cfg "etc/vmgenid_guid"
 *         (offset 40), read live: no proof either.
 * reseed: the number of "crng reseeded due to virtual machine fork" kernel
 *         messages since boot: the driver got the ACPI notification *and*
 *         saw a different value.  The only proof that the guest noticed.
 *         rts is the kernel's timestamp of the last one (0 before any), so
 *         the state line alone tells when, even if the KMSG line was missed.
 * gpe05:  the ACPI GPE 5 counter: the notification reached the guest's
 *         ACPI core (also on a same-value restore: delivery, not change).
 * crng:   getrandom(GRND_NONBLOCK) succeeds.  The kernel prints the reseed
 *         line only when the crng is ready, so the witness makes it ready
 *         first (a blocking getrandom runs the kernel's jitter entropy).
 * boot:   /proc/sys/kernel/random/boot_id: a new boot has a new one; a
 *         snapshot restore brings back the one of its time.
 * dev:    the driver bound to the ACPI device QEMUVGID:00 ("none" if absent).
 *
 * Static, libc only: the initramfs has no other library.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define GVW_TICK_MS 250
#define GVW_POLL_MS 20
#define GVW_GUID_OFFSET 40 /* QEMU's VMGENID_GUID_OFFSET in the fw_cfg blob */
#define GVW_UUID_LEN 37
#define GVW_FWCFG_GUID "/sys/firmware/qemu_fw_cfg/by_name/etc/vmgenid_guid/raw"
#define GVW_ACPI_DEV "/sys/bus/acpi/devices/QEMUVGID:00"
#define GVW_RESEED_MSG "crng reseeded due to virtual machine fork"
#define GVW_CRNG_MSG "crng init done"

typedef struct {
    char dev[32];
    int crng;
    char guid[GVW_UUID_LEN];
    char fwcfg[GVW_UUID_LEN];
    unsigned long reseed;
    unsigned long reseedUsec; /* the kernel's timestamp of the last reseed */
    unsigned long gpe05;
} gvwState;

static char bootId[GVW_UUID_LEN] = "none";
static volatile const unsigned char *guidMem;

static void
gvwWrite(const char *line)
{
    size_t len = strlen(line);
    size_t done = 0;

    while (done < len) {
        ssize_t n = write(STDOUT_FILENO, line + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += (size_t)n;
    }
}

static double
gvwUptime(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_BOOTTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads up to @size - 1 bytes of a small file, NUL-terminated; -1 on error */
static ssize_t
gvwReadFile(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return n;
}

/* The first unsigned decimal number in @s (leading blanks skipped) */
static unsigned long
gvwParseULong(const char *s)
{
    unsigned long v = 0;

    while (*s == ' ' || *s == '\t')
        s++;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (unsigned long)(*s++ - '0');
    return v;
}

/* @raw: the 16 bytes as QEMU stores them (first three fields little-endian) */
static void
gvwFormatGuid(const unsigned char *raw, char *out)
{
    static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
    static const char hex[] = "0123456789abcdef";
    int i;
    int o = 0;

    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[raw[order[i]] >> 4];
        out[o++] = hex[raw[order[i]] & 0xf];
    }
    out[o] = '\0';
}

/*
 * The guest-physical address of the GUID: the SSDT whose OEM table id is
 * "VMGENID" declares Name(VGIA, <dword>), patched by the firmware with the
 * address of QEMU's blob; the GUID is 40 bytes into it.  0 if not found.
 */
static uint64_t
gvwFindGuidAddress(void)
{
    static unsigned char table[8192];
    char path[64];
    int i;

    for (i = 0; i < 16; i++) {
        ssize_t n;
        ssize_t j;
        int fd;

        if (i == 0)
            snprintf(path, sizeof(path), "/sys/firmware/acpi/tables/SSDT");
        else
            snprintf(path, sizeof(path), "/sys/firmware/acpi/tables/SSDT%d", i);
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
            continue;
        n = read(fd, table, sizeof(table));
        close(fd);
        /* the header's OEM table id is at offset 16, 8 bytes */
        if (n < 36 || memcmp(table + 16, "VMGENID", 7) != 0)
            continue;
        /* NameOp 'VGIA' DWordPrefix <dword little-endian> */
        for (j = 36; j + 10 <= n; j++) {
            if (table[j] == 0x08 && memcmp(table + j + 1, "VGIA", 4) == 0 && table[j + 5] == 0x0c)
                return ((uint64_t)table[j + 6] | (uint64_t)table[j + 7] << 8 |
                        (uint64_t)table[j + 8] << 16 | (uint64_t)table[j + 9] << 24) +
                       GVW_GUID_OFFSET;
        }
    }
    return 0;
}

/*
 * Maps the page holding the GUID.  Without O_SYNC: an uncached mapping
 * would clash (PAT) with the driver's write-back one and fail.
 */
static void
gvwMapGuid(void)
{
    uint64_t addr = gvwFindGuidAddress();
    long page = sysconf(_SC_PAGESIZE);
    uint64_t base;
    void *map;
    int fd;

    if (addr == 0 || page <= 0)
        return;
    base = addr & ~((uint64_t)page - 1);
    if ((fd = open("/dev/mem", O_RDONLY | O_CLOEXEC)) < 0)
        return;
    map = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, (off_t)base);
    close(fd);
    if (map != MAP_FAILED)
        guidMem = (volatile const unsigned char *)map + (addr - base);
}

static void
gvwReadState(gvwState *st, unsigned long reseed, unsigned long reseedUsec)
{
    unsigned char raw[16];
    char buf[128];
    char link[128];
    ssize_t n;
    int fd;
    int i;

    snprintf(st->dev, sizeof(st->dev), "none");
    if ((n = readlink(GVW_ACPI_DEV "/driver", link, sizeof(link) - 1)) > 0) {
        const char *base;

        link[n] = '\0';
        base = strrchr(link, '/');
        snprintf(st->dev, sizeof(st->dev), "%.31s", base ? base + 1 : link);
    } else if (access(GVW_ACPI_DEV, F_OK) == 0) {
        snprintf(st->dev, sizeof(st->dev), "unbound");
    }

    st->crng = getrandom(raw, 1, GRND_NONBLOCK) == 1;

    snprintf(st->guid, sizeof(st->guid), "none");
    if (guidMem) {
        for (i = 0; i < 16; i++)
            raw[i] = guidMem[i];
        gvwFormatGuid(raw, st->guid);
    }

    snprintf(st->fwcfg, sizeof(st->fwcfg), "none");
    if ((fd = open(GVW_FWCFG_GUID, O_RDONLY | O_CLOEXEC)) >= 0) {
        /* sysfs reports the size as 0: read at the offset, not past "EOF" */
        if (pread(fd, raw, sizeof(raw), GVW_GUID_OFFSET) == (ssize_t)sizeof(raw))
            gvwFormatGuid(raw, st->fwcfg);
        close(fd);
    }

    st->reseed = reseed;
    st->reseedUsec = reseedUsec;
    st->gpe05 = 0;
    if (gvwReadFile("/sys/firmware/acpi/interrupts/gpe05", buf, sizeof(buf)) > 0)
        st->gpe05 = gvwParseULong(buf);
}

static void
gvwPrintState(const char *kind, unsigned long seq, const gvwState *st)
{
    char line[512];

    snprintf(line, sizeof(line),
             "GVW %s seq=%lu up=%.3f boot=%s dev=%s crng=%d guid=%s fwcfg=%s reseed=%lu "
             "rts=%lu.%06lu gpe05=%lu\n",
             kind, seq, gvwUptime(), bootId, st->dev, st->crng, st->guid, st->fwcfg, st->reseed,
             st->reseedUsec / 1000000, st->reseedUsec % 1000000, st->gpe05);
    gvwWrite(line);
}

/*
 * Reads every pending /dev/kmsg record ("PRIO,SEQ,USEC,FLAGS;TEXT\n"),
 * counts the reseeds and forwards the lines that matter.
 */
static void
gvwDrainKmsg(int fd, unsigned long *reseed, unsigned long *reseedUsec)
{
    char rec[2048];
    char line[2200];

    for (;;) {
        ssize_t n = read(fd, rec, sizeof(rec) - 1);
        const char *text;
        const char *comma;
        unsigned long usec = 0;
        char *nl;

        if (n < 0 && errno == EPIPE)
            continue; /* records were overwritten: go on with the next */
        if (n <= 0)
            return;
        rec[n] = '\0';
        if (!(text = strchr(rec, ';')))
            continue;
        text++;
        if ((nl = strchr(text, '\n')))
            *nl = '\0';
        /* the third field is the timestamp in microseconds */
        if ((comma = strchr(rec, ',')) && (comma = strchr(comma + 1, ',')))
            usec = gvwParseULong(comma + 1);
        if (strstr(text, GVW_RESEED_MSG)) {
            (*reseed)++;
            *reseedUsec = usec;
        } else if (!strstr(text, GVW_CRNG_MSG))
            continue;
        snprintf(line, sizeof(line), "GVW KMSG ts=%lu.%06lu %s\n", usec / 1000000, usec % 1000000,
                 text);
        gvwWrite(line);
    }
}

/* no GLib in the guest: g_str_equal's meaning */
static bool
gvwStrEqual(const char *a, const char *b)
{
    return strcmp(a, b) == 0; /* check-bans: allow */
}

static bool
gvwStateEqual(const gvwState *a, const gvwState *b)
{
    return gvwStrEqual(a->dev, b->dev) && a->crng == b->crng && gvwStrEqual(a->guid, b->guid) &&
           gvwStrEqual(a->fwcfg, b->fwcfg) && a->reseed == b->reseed && a->gpe05 == b->gpe05;
}

int
main(void)
{
    unsigned char seed[16];
    unsigned long reseed = 0;
    unsigned long reseedUsec = 0;
    unsigned long seq = 0;
    gvwState last;
    gvwState cur;
    double nextTick;
    int kmsg;

    gvwWrite("GVW START\n");
    if (gvwReadFile("/proc/sys/kernel/random/boot_id", bootId, sizeof(bootId)) < 36)
        snprintf(bootId, sizeof(bootId), "none");
    bootId[36] = '\0';
    gvwMapGuid();
    kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (kmsg < 0)
        gvwWrite("GVW ERROR cannot open /dev/kmsg: the reseed count stays 0\n");
    else
        gvwDrainKmsg(kmsg, &reseed, &reseedUsec);

    /* pitfall: a reseed is only logged once the crng is ready */
    if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
        gvwWrite("GVW ERROR blocking getrandom failed\n");

    gvwReadState(&last, reseed, reseedUsec);
    gvwPrintState("GEN", seq++, &last);
    nextTick = gvwUptime() + GVW_TICK_MS / 1000.0;
    for (;;) {
        struct pollfd pfd = { .fd = kmsg, .events = POLLIN };

        if (kmsg < 0)
            usleep(GVW_POLL_MS * 1000);
        else if (poll(&pfd, 1, GVW_POLL_MS) > 0)
            gvwDrainKmsg(kmsg, &reseed, &reseedUsec);
        gvwReadState(&cur, reseed, reseedUsec);
        if (!gvwStateEqual(&cur, &last)) {
            gvwPrintState("GEN", seq++, &cur);
            last = cur;
        } else if (gvwUptime() >= nextTick) {
            gvwPrintState("TICK", seq++, &cur);
        } else {
            continue;
        }
        nextTick = gvwUptime() + GVW_TICK_MS / 1000.0;
    }
    return 0;
}
