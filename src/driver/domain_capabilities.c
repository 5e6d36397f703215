/*
 * domain_capabilities.c: the <domainCapabilities> document
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_capabilities.h"
#include "gvbuffer.h"
#include "qemu_capabilities_cpu.h"
#include "qemu_command.h"

/*
 * One <enum> of a device: the values of a conf enum table from @first on
 * (value 0 is often "absent" in genvirt's tables), or the literal @values
 * when there is no table; @has leaves out what this QEMU cannot run.
 * Adding a value to the table adds it here.
 */
typedef struct {
    const char *name;
    const char *(*toString)(int value);
    const size_t *count;
    int first;
    const char *const *values; /* NULL-terminated, instead of a table */
    bool (*has)(const gvQemuCaps *caps, int value); /* NULL: every value */
} gvDomainCapsEnum;

/* A <devices> child: supported when it has enums and QEMU has @needs */
typedef struct {
    const char *element;
    const char *needs; /* a QEMU device type, or NULL */
    gvDomainCapsEnum enums[4];
} gvDomainCapsDevice;

/* QEMU registers the spicevmc chardev only when it is built with SPICE */
static bool
gvDomainCapsHasSpice(const gvQemuCaps *caps)
{
    return gvQemuCapsHasDevice(caps, "chardev-spicevmc");
}

static bool
gvDomainCapsHasGraphics(const gvQemuCaps *caps, int value)
{
    return value != GV_DOMAIN_GRAPHICS_TYPE_SPICE || gvDomainCapsHasSpice(caps);
}

/* as gvQemuValidateDevices checks the primary video */
static bool
gvDomainCapsHasVideo(const gvQemuCaps *caps, int value)
{
    const char *dev = gvQemuVideoDevice((gvDomainVideoType)value, true);

    return !dev || gvQemuCapsHasDevice(caps, dev);
}

/* libvirt's channel source types, of those genvirt's <channel> takes */
static bool
gvDomainCapsHasChannel(const gvQemuCaps *caps, int value)
{
    switch ((gvDomainChrType)value) {
    case GV_DOMAIN_CHR_TYPE_PTY:
    case GV_DOMAIN_CHR_TYPE_UNIX:
        return true;
    case GV_DOMAIN_CHR_TYPE_SPICEVMC:
        return gvDomainCapsHasSpice(caps);
    case GV_DOMAIN_CHR_TYPE_NONE:
    case GV_DOMAIN_CHR_TYPE_FILE:
    case GV_DOMAIN_CHR_TYPE_TCP:
    case GV_DOMAIN_CHR_TYPE_NULL:
    case GV_DOMAIN_CHR_TYPE_LAST:
        break;
    }
    return false;
}

static const char *const gvDomainCapsVirtio[] = { "virtio", NULL };
static const char *const gvDomainCapsUSB[] = { "usb", NULL };

/* libvirt 9.0's <devices> children, in its order; genvirt's XML accepts these */
static const gvDomainCapsDevice gvDomainCapsDevices[] = {
    { "disk",
      NULL,
      { { "diskDevice", gvDomainDiskDeviceTypeToString, &gvDomainDiskDeviceTypeCount, 1 },
        { "bus", gvDomainDiskBusTypeToString, &gvDomainDiskBusTypeCount, 1 } } },
    { "graphics",
      NULL,
      { { "type", gvDomainGraphicsTypeTypeToString, &gvDomainGraphicsTypeTypeCount, 1, NULL,
          gvDomainCapsHasGraphics } } },
    /* "default" is no value of libvirt's */
    { "video",
      NULL,
      { { "modelType", gvDomainVideoTypeTypeToString, &gvDomainVideoTypeTypeCount, 1, NULL,
          gvDomainCapsHasVideo } } },
    { "hostdev", NULL, { { NULL } } },
    { "rng",
      "virtio-rng-pci",
      { { "model", NULL, NULL, 0, gvDomainCapsVirtio },
        { "backendModel", gvDomainRNGBackendTypeToString, &gvDomainRNGBackendTypeCount, 0 } } },
    { "filesystem", NULL, { { NULL } } },
    { "tpm", NULL, { { NULL } } },
    /* <redirdev bus='usb' type='spicevmc'>: SPICE's USB redirection */
    { "redirdev", "usb-redir", { { "bus", NULL, NULL, 0, gvDomainCapsUSB } } },
    { "channel",
      NULL,
      { { "type", gvDomainChrTypeTypeToString, &gvDomainChrTypeTypeCount, 1, NULL,
          gvDomainCapsHasChannel } } },
};

static void
gvDomainCapsFormatEnum(gvBuffer *buf, const gvDomainCapsEnum *e, const gvQemuCaps *caps)
{
    size_t i;

    gvBufferAsprintf(buf, "<enum name='%s'>\n", e->name);
    gvBufferAdjustIndent(buf, 2);
    for (i = 0; e->values && e->values[i]; i++)
        gvBufferEscapeString(buf, "<value>%s</value>\n", e->values[i]);
    for (i = (size_t)e->first; e->toString && i < *e->count; i++) {
        const char *value = e->toString((int)i);

        if (value && (!e->has || e->has(caps, (int)i)))
            gvBufferEscapeString(buf, "<value>%s</value>\n", value);
    }
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</enum>\n");
}

static void
gvDomainCapsFormatDevices(gvBuffer *buf, const gvQemuCaps *caps)
{
    size_t i;
    size_t j;

    gvBufferAddLit(buf, "<devices>\n");
    gvBufferAdjustIndent(buf, 2);
    for (i = 0; i < G_N_ELEMENTS(gvDomainCapsDevices); i++) {
        const gvDomainCapsDevice *dev = &gvDomainCapsDevices[i];

        if (!dev->enums[0].name || (dev->needs && !gvQemuCapsHasDevice(caps, dev->needs))) {
            gvBufferAsprintf(buf, "<%s supported='no'/>\n", dev->element);
            continue;
        }
        gvBufferAsprintf(buf, "<%s supported='yes'>\n", dev->element);
        gvBufferAdjustIndent(buf, 2);
        for (j = 0; j < G_N_ELEMENTS(dev->enums) && dev->enums[j].name; j++)
            gvDomainCapsFormatEnum(buf, &dev->enums[j], caps);
        gvBufferAdjustIndent(buf, -2);
        gvBufferAsprintf(buf, "</%s>\n", dev->element);
    }
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</devices>\n");
}

/* libvirt's <enum> of literal values */
static void
gvDomainCapsFormatValues(gvBuffer *buf, const char *name, const char *const *values)
{
    size_t i;

    gvBufferAsprintf(buf, "<enum name='%s'>\n", name);
    gvBufferAdjustIndent(buf, 2);
    for (i = 0; values[i]; i++)
        gvBufferEscapeString(buf, "<value>%s</value>\n", values[i]);
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</enum>\n");
}

/*
 * host-model as a domain gets it: the model, its vendor and the features
 * that make it the host's CPU, exactly the <cpu> of the live definition
 */
static void
gvDomainCapsFormatHostModel(gvBuffer *buf, const gvDomainCPUDef *cpu)
{
    gvBufferAddLit(buf, "<mode name='host-model' supported='yes'>\n");
    gvBufferAdjustIndent(buf, 2);
    gvDomainCPUDefFormatChildren(buf, cpu);
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</mode>\n");
}

/* What <cpu><model> accepts (gvQemuValidateCPUDef): QEMU's unversioned models */
static void
gvDomainCapsFormatCustomModels(gvBuffer *buf, const gvDomainCapsInput *in, gvQemuAccel accel)
{
    g_autoptr(GPtrArray) sorted = NULL;
    guint i;

    /* no CPU data (a capabilities file without it): nothing to choose from */
    if (!in->caps->cpu || in->caps->cpu->models->len == 0) {
        gvBufferAddLit(buf, "<mode name='custom' supported='no'/>\n");
        return;
    }
    gvBufferAddLit(buf, "<mode name='custom' supported='yes'>\n");
    gvBufferAdjustIndent(buf, 2);
    /* libvirt lists them by name */
    sorted = gvQemuCPUCapsSortedModels(in->caps->cpu);
    for (i = 0; i < sorted->len; i++) {
        const gvQemuCPUModel *m = g_ptr_array_index(sorted, i);
        /* usable: what check='partial' lets run as written under this accelerator */
        int usable = gvQemuCPUCapsModelUsable(in->caps->cpu, accel, m->name);
        const char *vendor = gvQemuCPUVendorName(m->vendor);

        gvBufferAsprintf(buf, "<model usable='%s'",
                         usable < 0   ? "unknown"
                         : usable > 0 ? "yes"
                                      : "no");
        if (m->deprecated)
            gvBufferAddLit(buf, " deprecated='yes'");
        /* the <vendor> a <cpu> with this model may name */
        gvBufferEscapeString(buf, " vendor='%s'", vendor ? vendor : "unknown");
        gvBufferEscapeString(buf, ">%s</model>\n", m->name);
    }
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</mode>\n");
}

static void
gvDomainCapsFormatCPU(gvBuffer *buf, const gvDomainCapsInput *in)
{
    bool kvm = in->virtType == GV_DOMAIN_VIRT_KVM;
    /* <cpu migratable>: on or off */
    const char *const migratable[] = { gvTristateSwitchTypeToString(GV_TRISTATE_SWITCH_ON),
                                       gvTristateSwitchTypeToString(GV_TRISTATE_SWITCH_OFF), NULL };

    gvBufferAddLit(buf, "<cpu>\n");
    gvBufferAdjustIndent(buf, 2);
    /* the host's CPU itself exists only under KVM */
    if (kvm) {
        gvBufferAddLit(buf, "<mode name='host-passthrough' supported='yes'>\n");
        gvBufferAdjustIndent(buf, 2);
        gvDomainCapsFormatValues(buf, "hostPassthroughMigratable", migratable);
        gvBufferAdjustIndent(buf, -2);
        gvBufferAddLit(buf, "</mode>\n");
    } else {
        gvBufferAddLit(buf, "<mode name='host-passthrough' supported='no'/>\n");
    }
    gvBufferAddLit(buf, "<mode name='maximum' supported='no'/>\n");
    if (in->hostModel)
        gvDomainCapsFormatHostModel(buf, in->hostModel);
    else
        gvBufferAddLit(buf, "<mode name='host-model' supported='no'/>\n");
    gvDomainCapsFormatCustomModels(buf, in, kvm ? GV_QEMU_ACCEL_KVM : GV_QEMU_ACCEL_TCG);
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</cpu>\n");
}

/*
 * <os>: BIOS (QEMU's own SeaBIOS) always; firmware='efi' and the loaders it
 * may choose from the firmware descriptors for this arch and machine; any
 * <loader> of type rom or pflash, read-only or not, secure only on q35 (as
 * gvQemuValidateMachineDef has it)
 */
static void
gvDomainCapsFormatOS(gvBuffer *buf, const gvDomainCapsInput *in)
{
    const gvDomainCapsEnum type = { "type", gvDomainLoaderTypeTypeToString,
                                    &gvDomainLoaderTypeTypeCount, 1 };
    const gvDomainCapsEnum readonly = { "readonly", gvTristateBoolTypeToString,
                                        &gvTristateBoolTypeCount, 1 };
    const char *const secureAll[] = { "yes", "no", NULL };
    const char *const secureNo[] = { "no", NULL };
    g_autoptr(GPtrArray) loaders = g_ptr_array_new();
    const char *firmware[GV_DOMAIN_OS_FIRMWARE_LAST] = { 0 };
    size_t n = 0;
    guint i;

    for (i = 0; in->firmware && i < in->firmware->len; i++) {
        const gvQemuFirmware *fw = g_ptr_array_index(in->firmware, i);

        /* one executable may come with several varstores */
        if (gvQemuFirmwareIsUEFIFor(fw, in->arch, in->machine->name) &&
            !g_ptr_array_find_with_equal_func(loaders, fw->executable, g_str_equal, NULL))
            g_ptr_array_add(loaders, fw->executable);
    }
    firmware[n++] = gvDomainOSFirmwareTypeToString(GV_DOMAIN_OS_FIRMWARE_BIOS);
    if (loaders->len > 0)
        firmware[n++] = gvDomainOSFirmwareTypeToString(GV_DOMAIN_OS_FIRMWARE_EFI);
    firmware[n] = NULL;

    gvBufferAddLit(buf, "<os supported='yes'>\n");
    gvBufferAdjustIndent(buf, 2);
    gvDomainCapsFormatValues(buf, "firmware", firmware);
    gvBufferAddLit(buf, "<loader supported='yes'>\n");
    gvBufferAdjustIndent(buf, 2);
    for (i = 0; i < loaders->len; i++)
        gvBufferEscapeString(buf, "<value>%s</value>\n", g_ptr_array_index(loaders, i));
    gvDomainCapsFormatEnum(buf, &type, in->caps);
    gvDomainCapsFormatEnum(buf, &readonly, in->caps);
    gvDomainCapsFormatValues(buf, "secure",
                             gvDomainDefMachineIsQ35(in->machine->name) ? secureAll : secureNo);
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</loader>\n");
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</os>\n");
}

static void
gvDomainCapsFormatFeatures(gvBuffer *buf, const gvDomainCapsInput *in)
{
    /* the device, and a machine it works on (DESIGN 2.1) */
    bool genid = gvQemuCapsHasDevice(in->caps, "vmgenid") &&
                 (in->arch == GV_ARCH_X86_64 || in->arch == GV_ARCH_I686) &&
                 gvDomainDefMachineHasGenid(in->machine->name);

    gvBufferAddLit(buf, "<features>\n");
    gvBufferAdjustIndent(buf, 2);
    gvBufferAddLit(buf, "<gic supported='no'/>\n");
    gvBufferAddLit(buf, "<vmcoreinfo supported='no'/>\n");
    gvBufferAsprintf(buf, "<genid supported='%s'/>\n", genid ? "yes" : "no");
    gvBufferAddLit(buf, "<backingStoreInput supported='no'/>\n");
    gvBufferAddLit(buf, "<backup supported='no'/>\n");
    gvBufferAddLit(buf, "<s390-pv supported='no'/>\n");
    gvBufferAddLit(buf, "<sev supported='no'/>\n");
    gvBufferAddLit(buf, "<sgx supported='no'/>\n");
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</features>\n");
}

char *
gvDomainCapsFormat(const gvDomainCapsInput *in)
{
    g_auto(gvBuffer) buf = GV_BUFFER_INIT;

    gvBufferAddLit(&buf, "<domainCapabilities>\n");
    gvBufferAdjustIndent(&buf, 2);
    gvBufferEscapeString(&buf, "<path>%s</path>\n", in->emulator);
    gvBufferAsprintf(&buf, "<domain>%s</domain>\n", gvDomainVirtTypeToString(in->virtType));
    gvBufferEscapeString(&buf, "<machine>%s</machine>\n", in->machine->name);
    gvBufferAsprintf(&buf, "<arch>%s</arch>\n", gvArchTypeToString(in->arch));
    gvBufferAsprintf(&buf, "<vcpu max='%u'/>\n", in->maxVcpus);
    gvBufferAddLit(&buf, "<iothreads supported='no'/>\n");
    gvDomainCapsFormatOS(&buf, in);
    gvDomainCapsFormatCPU(&buf, in);
    gvBufferAddLit(&buf, "<memoryBacking supported='no'/>\n");
    gvDomainCapsFormatDevices(&buf, in->caps);
    gvDomainCapsFormatFeatures(&buf, in);
    gvBufferAdjustIndent(&buf, -2);
    gvBufferAddLit(&buf, "</domainCapabilities>\n");
    return gvBufferContentAndReset(&buf);
}
