/*
 * domain_capabilities.c: the <domainCapabilities> document
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_capabilities.h"
#include "gvbuffer.h"

/*
 * One <enum> of a device: the values of a conf enum table from @first on
 * (value 0 is "absent" in genvirt's tables).  Adding a value to the table
 * adds it here.
 */
typedef struct {
    const char *name;
    const char *(*toString)(int value);
    const size_t *count;
    int first;
} gvDomainCapsEnum;

/* A <devices> child: supported when it has enums */
typedef struct {
    const char *element;
    gvDomainCapsEnum enums[4];
} gvDomainCapsDevice;

/* libvirt 9.0's <devices> children, in its order; genvirt's XML accepts these */
static const gvDomainCapsDevice gvDomainCapsDevices[] = {
    { "disk",
      { { "diskDevice", gvDomainDiskDeviceTypeToString, &gvDomainDiskDeviceTypeCount, 1 },
        { "bus", gvDomainDiskBusTypeToString, &gvDomainDiskBusTypeCount, 1 } } },
    { "graphics",
      { { "type", gvDomainGraphicsTypeTypeToString, &gvDomainGraphicsTypeTypeCount, 1 } } },
    { "video", { { NULL } } },
    { "hostdev", { { NULL } } },
    { "rng", { { NULL } } },
    { "filesystem", { { NULL } } },
    { "tpm", { { NULL } } },
    { "redirdev", { { NULL } } },
    { "channel", { { NULL } } },
};

static void
gvDomainCapsFormatEnum(gvBuffer *buf, const gvDomainCapsEnum *e)
{
    size_t i;

    gvBufferAsprintf(buf, "<enum name='%s'>\n", e->name);
    gvBufferAdjustIndent(buf, 2);
    for (i = (size_t)e->first; i < *e->count; i++) {
        const char *value = e->toString((int)i);

        if (value)
            gvBufferEscapeString(buf, "<value>%s</value>\n", value);
    }
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</enum>\n");
}

static void
gvDomainCapsFormatDevices(gvBuffer *buf)
{
    size_t i;
    size_t j;

    gvBufferAddLit(buf, "<devices>\n");
    gvBufferAdjustIndent(buf, 2);
    for (i = 0; i < G_N_ELEMENTS(gvDomainCapsDevices); i++) {
        const gvDomainCapsDevice *dev = &gvDomainCapsDevices[i];

        if (!dev->enums[0].name) {
            gvBufferAsprintf(buf, "<%s supported='no'/>\n", dev->element);
            continue;
        }
        gvBufferAsprintf(buf, "<%s supported='yes'>\n", dev->element);
        gvBufferAdjustIndent(buf, 2);
        for (j = 0; j < G_N_ELEMENTS(dev->enums) && dev->enums[j].name; j++)
            gvDomainCapsFormatEnum(buf, &dev->enums[j]);
        gvBufferAdjustIndent(buf, -2);
        gvBufferAsprintf(buf, "</%s>\n", dev->element);
    }
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</devices>\n");
}

/* QEMU's CPU models that are not a model of a real CPU */
static bool
gvDomainCapsCPUModelIsSpecial(const char *name)
{
    return g_str_equal(name, "max") || g_str_equal(name, "host") || g_str_equal(name, "base");
}

static gint
gvDomainCapsCompareModels(gconstpointer a, gconstpointer b)
{
    const gvQemuCPUDefinition *x = *(const gvQemuCPUDefinition *const *)a;
    const gvQemuCPUDefinition *y = *(const gvQemuCPUDefinition *const *)b;

    return strcmp(x->name, y->name);
}

static void
gvDomainCapsFormatCPU(gvBuffer *buf, const gvDomainCapsInput *in)
{
    bool kvm = in->virtType == GV_DOMAIN_VIRT_KVM;
    /* usability is known for the accelerator QEMU was probed with */
    bool known = in->caps->kvm == kvm;
    const char *hostModel = known ? gvQemuCapsHostCPUModel(in->caps) : NULL;
    g_autoptr(GPtrArray) sorted = NULL;
    g_auto(gvBuffer) models = GV_BUFFER_INIT_CHILD(buf);
    guint i;

    gvBufferAddLit(buf, "<cpu>\n");
    gvBufferAdjustIndent(buf, 2);
    /* the host's CPU itself exists only under KVM */
    gvBufferAsprintf(buf, "<mode name='host-passthrough' supported='%s'/>\n", kvm ? "yes" : "no");
    gvBufferAddLit(buf, "<mode name='maximum' supported='no'/>\n");
    if (hostModel) {
        /* genvirt runs host-model as QEMU's "max"; the named model is the closest real one */
        gvBufferAddLit(buf, "<mode name='host-model' supported='yes'>\n");
        gvBufferAdjustIndent(buf, 2);
        gvBufferEscapeString(buf, "<model fallback='forbid'>%s</model>\n", hostModel);
        if (in->hostCPUVendor)
            gvBufferEscapeString(buf, "<vendor>%s</vendor>\n", in->hostCPUVendor);
        gvBufferAdjustIndent(buf, -2);
        gvBufferAddLit(buf, "</mode>\n");
    } else {
        /* virtinst reads the first <model> of a supported host-model */
        gvBufferAddLit(buf, "<mode name='host-model' supported='no'/>\n");
    }
    /* libvirt lists them by name; not g_ptr_array_copy: the copy would free the models */
    sorted = g_ptr_array_sized_new(in->caps->cpuModels->len);
    for (i = 0; i < in->caps->cpuModels->len; i++)
        g_ptr_array_add(sorted, g_ptr_array_index(in->caps->cpuModels, i));
    g_ptr_array_sort(sorted, gvDomainCapsCompareModels);
    models.indent = buf->indent + 2;
    for (i = 0; i < sorted->len; i++) {
        const gvQemuCPUDefinition *m = g_ptr_array_index(sorted, i);
        const gvQemuCPUDefinition *u = m;
        g_autofree char *type =
            g_strdup_printf("%s-%s-cpu", m->name, in->arch == GV_ARCH_I686 ? "i386" : "x86_64");
        const char *usable = "unknown";

        /* what the driver accepts in <cpu><model> (gvQemuValidateDomainDef) */
        if (gvDomainCapsCPUModelIsSpecial(m->name) || !gvQemuCapsHasDevice(in->caps, type))
            continue;
        if (u->usable == GV_QEMU_CPU_USABLE_UNKNOWN && m->aliasOf &&
            gvQemuCapsFindCPUModel(in->caps, m->aliasOf))
            u = gvQemuCapsFindCPUModel(in->caps, m->aliasOf);
        if (known && u->usable != GV_QEMU_CPU_USABLE_UNKNOWN)
            usable = u->usable == GV_QEMU_CPU_USABLE_YES ? "yes" : "no";
        gvBufferAsprintf(&models, "<model usable='%s'", usable);
        if (m->deprecated)
            gvBufferAddLit(&models, " deprecated='yes'");
        gvBufferEscapeString(&models, " vendor='unknown'>%s</model>\n", m->name);
    }
    /* no model known (a capabilities file without CPU models): nothing to choose */
    if (gvBufferIsEmpty(&models)) {
        gvBufferAddLit(buf, "<mode name='custom' supported='no'/>\n");
    } else {
        gvBufferAddLit(buf, "<mode name='custom' supported='yes'>\n");
        gvBufferAddBuffer(buf, &models);
        gvBufferAddLit(buf, "</mode>\n");
    }
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</cpu>\n");
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
    /* no <loader> nor firmware selection in genvirt's <os> (yet): BIOS only */
    gvBufferAddLit(&buf, "<os supported='yes'>\n");
    gvBufferAdjustIndent(&buf, 2);
    gvBufferAddLit(&buf, "<enum name='firmware'/>\n");
    gvBufferAddLit(&buf, "<loader supported='no'/>\n");
    gvBufferAdjustIndent(&buf, -2);
    gvBufferAddLit(&buf, "</os>\n");
    gvDomainCapsFormatCPU(&buf, in);
    gvBufferAddLit(&buf, "<memoryBacking supported='no'/>\n");
    gvDomainCapsFormatDevices(&buf);
    gvDomainCapsFormatFeatures(&buf, in);
    gvBufferAdjustIndent(&buf, -2);
    gvBufferAddLit(&buf, "</domainCapabilities>\n");
    return gvBufferContentAndReset(&buf);
}
