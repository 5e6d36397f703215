/*
 * capabilities.c: the <capabilities> document of CONNECT_GET_CAPABILITIES
 */
#include <gvconfig.h>

#include "capabilities.h"
#include "gvbuffer.h"
#include "gvuuid.h"
#include "qemu_capabilities_cpu.h"

GPtrArray *
gvCapabilitiesMachines(const gvQemuCaps *caps)
{
    GPtrArray *out = g_ptr_array_new();
    const gvQemuMachine *dflt = gvQemuCapsDefaultMachine(caps);
    guint i;

    if (dflt)
        g_ptr_array_add(out, (gpointer)dflt);
    for (i = 0; i < caps->machines->len; i++) {
        const gvQemuMachine *m = g_ptr_array_index(caps->machines, i);

        /* "none" runs no guest */
        if (m != dflt && !g_str_equal(m->name, "none"))
            g_ptr_array_add(out, (gpointer)m);
    }
    return out;
}

/* ---- <host> ---------------------------------------------------------------- */

static void
gvCapabilitiesFormatHostCPU(gvBuffer *buf, const gvCapsInput *in, const gvHostNodeInfo *info)
{
    const gvHostInfo *host = in->host;
    /* cpuinfo's vendor_id is CPUID's vendor string, as QEMU reports it */
    const char *vendor = gvQemuCPUVendorName(host->vendor);
    guint i;

    gvBufferAddLit(buf, "<cpu>\n");
    gvBufferAdjustIndent(buf, 2);
    gvBufferEscapeString(buf, "<arch>%s</arch>\n", in->arch);
    if (in->cpuModel)
        gvBufferEscapeString(buf, "<model>%s</model>\n", in->cpuModel);
    if (vendor)
        gvBufferEscapeString(buf, "<vendor>%s</vendor>\n", vendor);
    if (host->microcode)
        gvBufferAsprintf(buf, "<microcode version='%u'/>\n", host->microcode);
    if (host->hasSignature)
        gvBufferAsprintf(buf, "<signature family='%u' model='%u' stepping='%u'/>\n", host->family,
                         host->model, host->stepping);
    /* libvirt's: the node info's per-node sockets, one die */
    gvBufferAsprintf(buf, "<topology sockets='%u' dies='1' cores='%u' threads='%u'/>\n",
                     info->sockets, info->cores, info->threads);
    if (host->physBits)
        gvBufferAsprintf(buf, "<maxphysaddr mode='emulate' bits='%u'/>\n", host->physBits);
    for (i = 0; i < host->pageSizes->len; i++)
        gvBufferAsprintf(buf, "<pages unit='KiB' size='%llu'/>\n",
                         g_array_index(host->pageSizes, unsigned long long, i));
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</cpu>\n");
}

static void
gvCapabilitiesFormatCell(gvBuffer *buf, const gvHostInfo *host, const gvHostCell *cell)
{
    guint i;

    gvBufferAsprintf(buf, "<cell id='%u'>\n", cell->id);
    gvBufferAdjustIndent(buf, 2);
    gvBufferAsprintf(buf, "<memory unit='KiB'>%llu</memory>\n", cell->memTotal);
    for (i = 0; i < cell->pages->len; i++) {
        const gvHostPages *p = &g_array_index(cell->pages, gvHostPages, i);

        gvBufferAsprintf(buf, "<pages unit='KiB' size='%llu'>%llu</pages>\n", p->size, p->count);
    }
    if (cell->distances->len > 0 && cell->distances->len == host->cells->len) {
        gvBufferAddLit(buf, "<distances>\n");
        gvBufferAdjustIndent(buf, 2);
        for (i = 0; i < cell->distances->len; i++) {
            const gvHostCell *other = g_ptr_array_index(host->cells, i);

            gvBufferAsprintf(buf, "<sibling id='%u' value='%u'/>\n", other->id,
                             g_array_index(cell->distances, guint, i));
        }
        gvBufferAdjustIndent(buf, -2);
        gvBufferAddLit(buf, "</distances>\n");
    }
    gvBufferAsprintf(buf, "<cpus num='%u'>\n", cell->cpus->len);
    gvBufferAdjustIndent(buf, 2);
    for (i = 0; i < cell->cpus->len; i++) {
        const gvHostCPU *cpu = gvHostInfoFindCPU(host, g_array_index(cell->cpus, guint, i));

        if (!cpu)
            continue;
        if (!cpu->online) {
            /* libvirt: an offline CPU has no topology */
            gvBufferAsprintf(buf, "<cpu id='%u'/>\n", cpu->id);
            continue;
        }
        gvBufferAsprintf(buf, "<cpu id='%u' socket_id='%u' die_id='%u' core_id='%u' ", cpu->id,
                         cpu->socket, cpu->die, cpu->core);
        gvBufferEscapeString(buf, "siblings='%s'/>\n", cpu->siblings);
    }
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</cpus>\n");
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</cell>\n");
}

static void
gvCapabilitiesFormatHost(gvBuffer *buf, const gvCapsInput *in)
{
    const gvHostInfo *host = in->host;
    gvHostNodeInfo info;
    char uuid[GV_UUID_STRING_BUFLEN];
    guint i;

    gvHostInfoGetNodeInfo(host, &info);
    gvBufferAddLit(buf, "<host>\n");
    gvBufferAdjustIndent(buf, 2);
    if (in->uuid)
        gvBufferAsprintf(buf, "<uuid>%s</uuid>\n", gvUUIDFormat(in->uuid, uuid));
    gvCapabilitiesFormatHostCPU(buf, in, &info);
    /* genvirt does not suspend the host (virNodeSuspendForDuration): no targets */
    gvBufferAddLit(buf, "<power_management/>\n");
    gvBufferAsprintf(buf, "<iommu support='%s'/>\n", host->iommu ? "yes" : "no");
    gvBufferAddLit(buf, "<migration_features>\n");
    gvBufferAdjustIndent(buf, 2);
    gvBufferAddLit(buf, "<live/>\n");
    gvBufferAddLit(buf, "<uri_transports>\n");
    gvBufferAdjustIndent(buf, 2);
    gvBufferAddLit(buf, "<uri_transport>tcp</uri_transport>\n");
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</uri_transports>\n");
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</migration_features>\n");
    gvBufferAddLit(buf, "<topology>\n");
    gvBufferAdjustIndent(buf, 2);
    gvBufferAsprintf(buf, "<cells num='%u'>\n", host->cells->len);
    gvBufferAdjustIndent(buf, 2);
    for (i = 0; i < host->cells->len; i++)
        gvCapabilitiesFormatCell(buf, host, g_ptr_array_index(host->cells, i));
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</cells>\n");
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</topology>\n");
    /* no security driver: libvirt's "none" model */
    gvBufferAddLit(buf, "<secmodel>\n");
    gvBufferAdjustIndent(buf, 2);
    gvBufferAddLit(buf, "<model>none</model>\n");
    gvBufferAddLit(buf, "<doi>0</doi>\n");
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</secmodel>\n");
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</host>\n");
}

/* ---- <guest> ----------------------------------------------------------------- */

static void
gvCapabilitiesFormatMachine(gvBuffer *buf, const char *name, const char *canonical,
                            const gvQemuMachine *m)
{
    gvBufferAddLit(buf, "<machine");
    if (canonical)
        gvBufferEscapeString(buf, " canonical='%s'", canonical);
    if (m->maxCpus)
        gvBufferAsprintf(buf, " maxCpus='%u'", m->maxCpus);
    if (m->deprecated)
        gvBufferAddLit(buf, " deprecated='yes'");
    gvBufferEscapeString(buf, ">%s</machine>\n", name);
}

static void
gvCapabilitiesFormatGuest(gvBuffer *buf, const gvCapsGuest *guest, bool kvm)
{
    g_autoptr(GPtrArray) machines = gvCapabilitiesMachines(guest->caps);
    guint i;

    gvBufferAddLit(buf, "<guest>\n");
    gvBufferAdjustIndent(buf, 2);
    gvBufferAddLit(buf, "<os_type>hvm</os_type>\n");
    gvBufferAsprintf(buf, "<arch name='%s'>\n", gvArchTypeToString(guest->arch));
    gvBufferAdjustIndent(buf, 2);
    gvBufferAsprintf(buf, "<wordsize>%d</wordsize>\n", guest->arch == GV_ARCH_I686 ? 32 : 64);
    gvBufferEscapeString(buf, "<emulator>%s</emulator>\n", guest->emulator);
    for (i = 0; i < machines->len; i++) {
        const gvQemuMachine *m = g_ptr_array_index(machines, i);

        gvCapabilitiesFormatMachine(buf, m->name, NULL, m);
        if (m->alias)
            gvCapabilitiesFormatMachine(buf, m->alias, m->name, m);
    }
    gvBufferAddLit(buf, "<domain type='qemu'/>\n");
    if (kvm)
        gvBufferAddLit(buf, "<domain type='kvm'/>\n");
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</arch>\n");
    gvBufferAddLit(buf, "<features>\n");
    gvBufferAdjustIndent(buf, 2);
    if (guest->arch == GV_ARCH_I686) {
        gvBufferAddLit(buf, "<pae/>\n");
        gvBufferAddLit(buf, "<nonpae/>\n");
    }
    gvBufferAddLit(buf, "<acpi default='on' toggle='yes'/>\n");
    gvBufferAddLit(buf, "<apic default='on' toggle='no'/>\n");
    gvBufferAddLit(buf, "<cpuselection/>\n");
    gvBufferAddLit(buf, "<deviceboot/>\n");
    gvBufferAddLit(buf, "<disksnapshot default='on' toggle='no'/>\n");
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</features>\n");
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</guest>\n");
}

char *
gvCapabilitiesFormat(const gvCapsInput *in)
{
    g_auto(gvBuffer) buf = GV_BUFFER_INIT;
    size_t i;

    /* libvirt's layout, blank lines included */
    gvBufferAddLit(&buf, "<capabilities>\n\n");
    gvBufferAdjustIndent(&buf, 2);
    gvCapabilitiesFormatHost(&buf, in);
    for (i = 0; i < in->nguests; i++) {
        /* a blank line, without indentation */
        gvBufferAdjustIndent(&buf, -2);
        gvBufferAddLit(&buf, "\n");
        gvBufferAdjustIndent(&buf, 2);
        gvCapabilitiesFormatGuest(&buf, &in->guests[i], in->kvm);
    }
    gvBufferAdjustIndent(&buf, -2);
    gvBufferAddLit(&buf, "\n</capabilities>\n");
    return gvBufferContentAndReset(&buf);
}
