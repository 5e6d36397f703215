/*
 * domain_conf.c: the <domain> definition, its root and the small
 * top-level elements (features, cpu, clock, lifecycle); <os> is in
 * domain_os.c, and devices live in one file each.
 */
#include <gvconfig.h>

#include <string.h>
#include <sys/stat.h>

#include "domain_conf.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainVirt, GV_DOMAIN_VIRT_LAST, [GV_DOMAIN_VIRT_NONE] = "none",
             [GV_DOMAIN_VIRT_QEMU] = "qemu", [GV_DOMAIN_VIRT_KVM] = "kvm");

gvDomainDef *
gvDomainDefNew(void)
{
    gvDomainDef *def = g_new0(gvDomainDef, 1);

    def->id = -1;
    def->disks = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainDiskDefFree);
    def->nets = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainNetDefFree);
    def->serials = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainChrDefFree);
    def->consoles = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainChrDefFree);
    def->graphics = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainGraphicsDefFree);
    gvDomainDevicesInit(def);
    return def;
}

void
gvDomainDefFree(gvDomainDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    if (def->metadata)
        xmlFreeDoc(def->metadata);
    gvDomainOSDefClear(&def->os);
    gvDomainSysinfoDefFree(def->sysinfo);
    gvDomainFeaturesDefClear(&def->featureDefs);
    gvDomainClockDefClear(&def->clock);
    gvDomainCPUDefFree(def->cpu);
    g_free(def->emulator);
    g_ptr_array_unref(def->disks);
    g_ptr_array_unref(def->nets);
    g_ptr_array_unref(def->serials);
    g_ptr_array_unref(def->consoles);
    g_ptr_array_unref(def->graphics);
    gvDomainDevicesClear(def);
    gvDomainGenidDefFree(def->genid);
    g_free(def);
}

/* ---- <memory>, <currentMemory> ---------------------------------------- */

/* Parses <memory unit='...'>N</memory> into KiB, rounding bytes up. */
static int
gvDomainMemoryParseXML(xmlNodePtr node, unsigned long long *kib, GError **error)
{
    static const char *const attrs[] = { "unit", NULL };
    g_autofree char *unit = NULL;
    unsigned long long scale = 1024;
    unsigned long long value;
    unsigned long long maxValue;

    if (gvXMLCheckNode(node, attrs, NULL, true, error) < 0)
        return -1;
    if (gvXMLPropString(node, "unit", GV_XML_PROP_NONE, &unit, error) < 0)
        return -1;
    if (unit && gvXMLUnitScale(node, unit, 4, &scale, error) < 0)
        return -1;
    /* bound the value so that value * scale cannot overflow */
    maxValue = GV_DOMAIN_MEMORY_MAX_KIB * 1024 / scale;
    if (gvXMLNodeContentULongLong(node, maxValue, &value, error) < 0)
        return -1;
    *kib = (value * scale + 1023) / 1024;
    return 0;
}

/* ---- <domain> ----------------------------------------------------------- */

unsigned int
gvDomainDefGetVcpus(const gvDomainDef *def)
{
    return def->vcpusCurrent ? def->vcpusCurrent : def->vcpus;
}

gvDomainDef *
gvDomainDefParseNode(xmlNodePtr root, unsigned int flags, GError **error)
{
    static const char *const attrs[] = { "type", "id", NULL };
    static const gvXMLChildSpec children[] = {
        { "name", 1 },        { "uuid", 1 },     { "genid", 1 },       { "title", 1 },
        { "description", 1 }, { "metadata", 1 }, { "memory", 1 },      { "currentMemory", 1 },
        { "vcpu", 1 },        { "sysinfo", 1 },  { "os", 1 },          { "features", 1 },
        { "cpu", 1 },         { "clock", 1 },    { "on_poweroff", 1 }, { "on_reboot", 1 },
        { "on_crash", 1 },    { "pm", 1 },       { "devices", 1 },     { NULL, 0 }
    };
    g_autoptr(gvDomainDef) def = gvDomainDefNew();
    g_autoptr(gvDomainGenidDef) legacyGenid = NULL;
    xmlNodePtr cur;
    int v;

    if (!g_str_equal((const char *)root->name, "domain")) {
        gvReportError(error, GV_ERR_XML_ERROR, "unexpected root element <%s>, expecting <domain>",
                      root->name);
        return NULL;
    }
    if (root->ns) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "unexpected namespace '%s' of the root element <domain>: it takes none",
                      root->ns->href ? (const char *)root->ns->href : "");
        return NULL;
    }
    if (gvXMLCheckNode(root, attrs, children, false, error) < 0)
        return NULL;
    v = GV_DOMAIN_VIRT_NONE;
    if (gvXMLPropEnum(root, "type", gvDomainVirtTypeFromString,
                      GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0)
        return NULL;
    def->virtType = v;
    {
        int id = -1;

        /* checked either way; kept only for live XML */
        if (gvXMLPropInt(root, "id", GV_XML_PROP_NONE, &id, error) < 0)
            return NULL;
        if (id < -1 || id == 0) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "invalid value '%d' for attribute 'id' of <domain>: expected a positive integer",
                id);
            return NULL;
        }
        if (!(flags & GV_DOMAIN_DEF_PARSE_INACTIVE))
            def->id = id;
    }

    for (cur = root->children; cur; cur = cur->next) {
        const char *name = (const char *)cur->name;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (g_str_equal(name, "name")) {
            if (gvXMLCheckNode(cur, NULL, NULL, true, error) < 0)
                return NULL;
            def->name = gvXMLNodeContent(cur, false);
        } else if (g_str_equal(name, "uuid")) {
            g_autofree char *uuid = gvXMLNodeContent(cur, true);

            if (gvXMLCheckNode(cur, NULL, NULL, true, error) < 0)
                return NULL;
            if (!gvUUIDParse(uuid, def->uuid)) {
                gvReportError(error, GV_ERR_XML_ERROR,
                              "invalid uuid '%s' in <uuid>: expected a UUID", uuid);
                return NULL;
            }
            def->hasUUID = true;
        } else if (g_str_equal(name, "genid")) {
            if (!(legacyGenid = gvDomainGenidDefParseLegacyXML(cur, error)))
                return NULL;
        } else if (g_str_equal(name, "title")) {
            if (gvXMLCheckNode(cur, NULL, NULL, true, error) < 0)
                return NULL;
            def->title = gvXMLNodeContent(cur, false);
            if (strchr(def->title, '\n')) {
                gvReportError(error, GV_ERR_XML_ERROR,
                              "the title in <title> must not contain a newline");
                return NULL;
            }
        } else if (g_str_equal(name, "description")) {
            if (gvXMLCheckNode(cur, NULL, NULL, true, error) < 0)
                return NULL;
            def->description = gvXMLNodeContent(cur, false);
        } else if (g_str_equal(name, "metadata")) {
            if (gvDomainMetadataParseXML(cur, &def->metadata, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "memory")) {
            if (gvDomainMemoryParseXML(cur, &def->memory, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "currentMemory")) {
            if (gvDomainMemoryParseXML(cur, &def->currentMemory, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "vcpu")) {
            if (gvDomainVcpuParseXML(cur, &def->vcpus, &def->vcpusCurrent, &def->vcpuPlacement,
                                     error) < 0)
                return NULL;
        } else if (g_str_equal(name, "sysinfo")) {
            if (!(def->sysinfo = gvDomainSysinfoDefParseXML(cur, error)))
                return NULL;
        } else if (g_str_equal(name, "os")) {
            if (gvDomainOSDefParseXML(cur, &def->os, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "features")) {
            if (gvDomainFeaturesDefParseXML(cur, def->features, &def->featureDefs, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "cpu")) {
            if (!(def->cpu = gvDomainCPUDefParseXML(cur, error)))
                return NULL;
        } else if (g_str_equal(name, "clock")) {
            if (gvDomainClockDefParseXML(cur, &def->clock, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "on_poweroff")) {
            if (gvDomainLifecycleParseXML(cur, false, &def->onPoweroff, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "on_reboot")) {
            if (gvDomainLifecycleParseXML(cur, false, &def->onReboot, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "on_crash")) {
            if (gvDomainLifecycleParseXML(cur, true, &def->onCrash, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "pm")) {
            if (gvDomainPMDefParseXML(cur, &def->pm, error) < 0)
                return NULL;
        } else if (g_str_equal(name, "devices")) {
            if (gvDomainDevicesParseXML(cur, def, flags, error) < 0)
                return NULL;
        }
    }

    if (!def->name) {
        gvReportError(error, GV_ERR_XML_ERROR, "missing element <name> in <domain>");
        return NULL;
    }
    if (def->memory == 0) {
        gvReportError(error, GV_ERR_XML_ERROR,
                      "missing element <memory> in <domain> (or a size of 0)");
        return NULL;
    }
    if (legacyGenid) {
        if (def->genid) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "genid given twice: as the legacy <genid> under <domain> and as <devices>/<genid>; keep only <devices>/<genid>");
            return NULL;
        }
        def->genid = g_steal_pointer(&legacyGenid);
    }
    return g_steal_pointer(&def);
}

gvDomainDef *
gvDomainDefParseNodeFull(xmlNodePtr root, unsigned int flags, GError **error)
{
    g_autoptr(gvDomainDef) def = gvDomainDefParseNode(root, flags, error);

    if (!def || gvDomainDefPostParse(def, error) < 0 || gvDomainDefValidate(def, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

char *
gvSchemaPath(const char *name)
{
    const char *env = g_getenv("GENVIRT_SCHEMA_DIR");
    g_autofree char *installed = g_build_filename(GV_SCHEMA_DIR, name, NULL);

    if (env && *env)
        return g_build_filename(env, name, NULL);
    if (g_file_test(installed, G_FILE_TEST_EXISTS))
        return g_steal_pointer(&installed);
    return g_build_filename(GV_SOURCE_SCHEMA_DIR, name, NULL);
}

gvDomainDef *
gvDomainDefParseString(const char *xml, unsigned int flags, GError **error)
{
    return gvDomainDefParseStringHook(xml, flags, NULL, NULL, error);
}

gvDomainDef *
gvDomainDefParseStringHook(const char *xml, unsigned int flags, gvDomainDefParseHook hook,
                           gpointer opaque, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(gvDomainDef) def = NULL;

    if (!(doc = gvXMLParseString(xml, -1, "domain XML", error)))
        return NULL;
    if (flags & GV_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA) {
        g_autofree char *schema = gvSchemaPath("domain.rng");

        if (gvXMLValidateSchema(doc, schema, error) < 0)
            return NULL;
    }
    if (!(def = gvDomainDefParseNode(xmlDocGetRootElement(doc), flags, error)))
        return NULL;
    if (hook)
        hook(def, opaque);
    if (gvDomainDefPostParse(def, error) < 0)
        return NULL;
    if (gvDomainDefValidate(def, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

gvDomainDef *
gvDomainDefParseFile(const char *path, unsigned int flags, GError **error)
{
    g_autofree char *xml = NULL;
    gsize len = 0;
    g_autoptr(GError) local = NULL;
    struct stat sb;

    if (stat(path, &sb) == 0 && sb.st_size > GV_XML_MAX_LEN) {
        gvReportError(error, GV_ERR_XML_ERROR, "file '%s' is larger than the limit of %d bytes",
                      path, GV_XML_MAX_LEN);
        return NULL;
    }
    if (!g_file_get_contents(path, &xml, &len, &local)) {
        gvReportError(error, GV_ERR_SYSTEM_ERROR, "cannot read '%s': %s", path, local->message);
        return NULL;
    }
    if (strlen(xml) != len) {
        gvReportError(error, GV_ERR_XML_ERROR, "file '%s' contains a NUL byte", path);
        return NULL;
    }
    return gvDomainDefParseString(xml, flags, error);
}

char *
gvDomainDefFormat(const gvDomainDef *def, unsigned int flags)
{
    g_auto(gvBuffer) buf = GV_BUFFER_INIT;
    char uuidstr[GV_UUID_STRING_BUFLEN];

    gvBufferAsprintf(&buf, "<domain type='%s'", gvDomainVirtTypeToString(def->virtType));
    if (def->id > 0 && !(flags & (GV_DOMAIN_DEF_FORMAT_INACTIVE | GV_DOMAIN_DEF_FORMAT_MIGRATABLE)))
        gvBufferAsprintf(&buf, " id='%d'", def->id);
    gvBufferAddLit(&buf, ">\n");
    gvBufferAdjustIndent(&buf, 2);
    gvBufferEscapeString(&buf, "<name>%s</name>\n", def->name);
    gvBufferAsprintf(&buf, "<uuid>%s</uuid>\n", gvUUIDFormat(def->uuid, uuidstr));
    if (def->title)
        gvBufferEscapeString(&buf, "<title>%s</title>\n", def->title);
    if (def->description)
        gvBufferEscapeString(&buf, "<description>%s</description>\n", def->description);
    gvDomainMetadataFormat(&buf, def->metadata);
    gvBufferAsprintf(&buf, "<memory unit='KiB'>%llu</memory>\n", def->memory);
    gvBufferAsprintf(&buf, "<currentMemory unit='KiB'>%llu</currentMemory>\n", def->currentMemory);
    gvDomainVcpuFormat(&buf, def->vcpus, def->vcpusCurrent, def->vcpuPlacement);
    if (def->sysinfo)
        gvDomainSysinfoDefFormat(&buf, def->sysinfo);
    gvDomainOSDefFormat(&buf, &def->os);
    gvDomainFeaturesDefFormat(&buf, def->features, &def->featureDefs);
    if (def->cpu)
        gvDomainCPUDefFormat(&buf, def->cpu);
    gvDomainClockDefFormat(&buf, &def->clock);
    gvBufferAsprintf(&buf, "<on_poweroff>%s</on_poweroff>\n",
                     gvDomainLifecycleTypeToString(def->onPoweroff));
    gvBufferAsprintf(&buf, "<on_reboot>%s</on_reboot>\n",
                     gvDomainLifecycleTypeToString(def->onReboot));
    gvBufferAsprintf(&buf, "<on_crash>%s</on_crash>\n",
                     gvDomainLifecycleTypeToString(def->onCrash));
    gvDomainPMDefFormat(&buf, &def->pm);
    gvDomainDevicesFormat(&buf, def, flags);
    gvBufferAdjustIndent(&buf, -2);
    gvBufferAddLit(&buf, "</domain>\n");
    return gvBufferContentAndReset(&buf);
}

gvDomainDef *
gvDomainDefCopy(const gvDomainDef *def, GError **error)
{
    char *xml = gvDomainDefFormat(def, GV_DOMAIN_DEF_FORMAT_SECURE);
    gvDomainDef *ret = gvDomainDefParseString(xml, 0, error);

    gvSecretFree(xml);
    return ret;
}
