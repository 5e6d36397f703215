/*
 * qemu_firmware.c: firmware autoselection from QEMU's firmware descriptors
 */
#include <gvconfig.h>

#include <fnmatch.h>
#include <string.h>

#include "gverror.h"
#include "gvjson.h"
#include "gvfile.h"
#include "qemu_firmware.h"

void
gvQemuFirmwareFree(gvQemuFirmware *fw)
{
    if (!fw)
        return;
    g_free(fw->file);
    g_free(fw->executable);
    g_free(fw->nvramTemplate);
    if (fw->targets)
        g_ptr_array_unref(fw->targets);
    g_free(fw);
}

static bool
gvJSONArrayHasString(json_object *arr, const char *value)
{
    size_t i;

    for (i = 0; json_object_is_type(arr, json_type_array) && i < json_object_array_length(arr);
         i++) {
        json_object *v = json_object_array_get_idx(arr, i);

        if (json_object_is_type(v, json_type_string) &&
            g_str_equal(json_object_get_string(v), value))
            return true;
    }
    return false;
}

gvQemuFirmware *
gvQemuFirmwareParse(const char *file, const char *json, GError **error)
{
    g_autoptr(gvQemuFirmware) fw = g_new0(gvQemuFirmware, 1);
    g_autoptr(json_object) obj = json_tokener_parse(json);
    json_object *mapping;
    json_object *v;
    json_object *targets;
    const char *device;
    const char *mode;
    size_t i;

    fw->file = g_strdup(file);
    fw->targets = g_ptr_array_new_with_free_func(g_free);
    if (!obj || !json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, "mapping", &mapping) ||
        !(device = gvJSONGetString(mapping, "device"))) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR,
                      "firmware descriptor '%s' is not valid: no mapping", file);
        return NULL;
    }
    json_object_object_get_ex(obj, "interface-types", &v);
    fw->uefi = gvJSONArrayHasString(v, "uefi");
    fw->flash = g_str_equal(device, "flash");
    if (!fw->flash && !g_str_equal(device, "memory")) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "firmware descriptor '%s': mapping device '%s' is not supported", file,
                      device);
        return NULL;
    }
    /* split flash (code + a varstore of its own) is what the domain XML describes */
    mode = gvJSONGetString(mapping, "mode");
    if (fw->flash && mode && !g_str_equal(mode, "split")) {
        gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                      "firmware descriptor '%s': flash mode '%s' is not supported", file, mode);
        return NULL;
    }
    if (fw->flash) {
        json_object *exe;
        json_object *tmpl;
        const char *fmt;

        if (!json_object_object_get_ex(mapping, "executable", &exe) ||
            !(fw->executable = g_strdup(gvJSONGetString(exe, "filename")))) {
            gvReportError(error, GV_ERR_INTERNAL_ERROR,
                          "firmware descriptor '%s' has no executable", file);
            return NULL;
        }
        if ((fmt = gvJSONGetString(exe, "format")) && !g_str_equal(fmt, "raw")) {
            gvReportError(error, GV_ERR_CONFIG_UNSUPPORTED,
                          "firmware descriptor '%s': format '%s' is not supported", file, fmt);
            return NULL;
        }
        if (json_object_object_get_ex(mapping, "nvram-template", &tmpl))
            fw->nvramTemplate = g_strdup(gvJSONGetString(tmpl, "filename"));
    } else {
        fw->executable = g_strdup(gvJSONGetString(mapping, "filename"));
    }
    if (!fw->executable || fw->executable[0] != '/') {
        gvReportError(error, GV_ERR_INTERNAL_ERROR,
                      "firmware descriptor '%s' has no absolute executable path", file);
        return NULL;
    }
    if (json_object_object_get_ex(obj, "targets", &targets) &&
        json_object_is_type(targets, json_type_array)) {
        for (i = 0; i < json_object_array_length(targets); i++) {
            json_object *t = json_object_array_get_idx(targets, i);
            const char *arch = gvJSONGetString(t, "architecture");
            json_object *machines;
            size_t j;

            if (!arch || !json_object_object_get_ex(t, "machines", &machines) ||
                !json_object_is_type(machines, json_type_array))
                continue;
            for (j = 0; j < json_object_array_length(machines); j++) {
                json_object *m = json_object_array_get_idx(machines, j);

                if (json_object_is_type(m, json_type_string))
                    g_ptr_array_add(fw->targets,
                                    g_strdup_printf("%s %s", arch, json_object_get_string(m)));
            }
        }
    }
    json_object_object_get_ex(obj, "features", &v);
    fw->secureBoot = gvJSONArrayHasString(v, "secure-boot");
    fw->enrolledKeys = gvJSONArrayHasString(v, "enrolled-keys");
    fw->requiresSmm = gvJSONArrayHasString(v, "requires-smm");
    return g_steal_pointer(&fw);
}

static gint
gvQemuFirmwareCmp(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
gvQemuFirmwareLoadAll(const char *dirs)
{
    g_auto(GStrv) list = g_strsplit(dirs, ":", -1);
    g_autoptr(GHashTable) byName = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autofree gpointer *names = NULL;
    GPtrArray *ret = g_ptr_array_new_with_free_func((GDestroyNotify)gvQemuFirmwareFree);
    guint n;
    guint i;

    for (i = 0; list[i]; i++) {
        g_autoptr(GDir) dir = g_dir_open(list[i], 0, NULL);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
            if (!g_str_has_suffix(name, ".json") || g_hash_table_contains(byName, name) ||
                g_hash_table_size(byName) >= GV_QEMU_FIRMWARE_MAX_FILES)
                continue;
            g_hash_table_insert(byName, g_strdup(name), g_build_filename(list[i], name, NULL));
        }
    }
    names = g_hash_table_get_keys_as_array(byName, &n);
    qsort(names, n, sizeof(gpointer), (int (*)(const void *, const void *))gvQemuFirmwareCmp);
    for (i = 0; i < n; i++) {
        const char *path = g_hash_table_lookup(byName, names[i]);
        g_autoptr(GError) local = NULL;
        g_autofree char *data = NULL;
        size_t len = 0;
        gvQemuFirmware *fw;

        if (gvFileReadBounded(path, GV_QEMU_FIRMWARE_MAX_LEN, &data, &len, &local) < 0 || len == 0)
            continue; /* unreadable, or an empty file that masks one */
        if (!(fw = gvQemuFirmwareParse(path, data, &local))) {
            g_debug("%s", local->message);
            continue;
        }
        g_ptr_array_add(ret, fw);
    }
    return ret;
}

bool
gvQemuFirmwareIsUEFIFor(const gvQemuFirmware *fw, gvArch guestArch, const char *machine)
{
    const char *arch = guestArch == GV_ARCH_I686 ? "i386" : "x86_64";
    guint i;

    if (!fw->uefi || !fw->flash)
        return false;
    for (i = 0; i < fw->targets->len; i++) {
        const char *t = g_ptr_array_index(fw->targets, i);
        const char *space = strchr(t, ' ');

        if (space && (size_t)(space - t) == strlen(arch) && strncmp(t, arch, space - t) == 0 &&
            fnmatch(space + 1, machine, 0) == 0)
            return true;
    }
    return false;
}

/* What <firmware> asks for (absent: either) */
static bool
gvQemuFirmwareHasFeatures(const gvQemuFirmware *fw, const gvDomainOSDef *os)
{
    gvTristateBool sb = os->firmwareFeatures[GV_DOMAIN_OS_FIRMWARE_FEATURE_SECURE_BOOT];
    gvTristateBool keys = os->firmwareFeatures[GV_DOMAIN_OS_FIRMWARE_FEATURE_ENROLLED_KEYS];

    if (sb != GV_TRISTATE_BOOL_ABSENT && fw->secureBoot != (sb == GV_TRISTATE_BOOL_YES))
        return false;
    if (keys != GV_TRISTATE_BOOL_ABSENT && fw->enrolledKeys != (keys == GV_TRISTATE_BOOL_YES))
        return false;
    return true;
}

int
gvQemuFirmwareFillDomain(gvDomainDef *def, const GPtrArray *firmware, const gvQemuCaps *caps,
                         const char *nvramDir, GError **error)
{
    gvDomainOSDef *os = &def->os;
    const gvQemuMachine *m = gvQemuCapsFindMachine(caps, os->machine);
    const char *machine = m ? m->name : os->machine;
    const gvQemuFirmware *fw = NULL;
    guint i;

    if (os->firmware != GV_DOMAIN_OS_FIRMWARE_EFI || (os->loader && os->loader->path))
        return 0;
    for (i = 0; firmware && i < firmware->len; i++) {
        const gvQemuFirmware *c = g_ptr_array_index(firmware, i);

        if (!gvQemuFirmwareIsUEFIFor(c, os->arch, machine) || !gvQemuFirmwareHasFeatures(c, os))
            continue;
        /* SMM turned off on purpose rules out a firmware that needs it */
        if (c->requiresSmm && def->featureDefs.smm == GV_TRISTATE_SWITCH_OFF)
            continue;
        if (!c->nvramTemplate && !os->nvram)
            continue;
        fw = c;
        break;
    }
    if (!fw) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "no UEFI firmware for <os firmware='efi'> of domain '%s' (arch '%s', machine '%s', the features of <os>/<firmware>) among the firmware descriptors of this host: install Debian's 'ovmf'",
            def->name, os->arch == GV_ARCH_I686 ? "i386" : "x86_64", machine);
        return -1;
    }
    if (!os->loader)
        os->loader = g_new0(gvDomainLoaderDef, 1);
    os->loader->path = g_strdup(fw->executable);
    os->loader->type = GV_DOMAIN_LOADER_TYPE_PFLASH;
    os->loader->readonly = GV_TRISTATE_BOOL_YES;
    os->loader->secure =
        fw->secureBoot && fw->requiresSmm ? GV_TRISTATE_BOOL_YES : GV_TRISTATE_BOOL_NO;
    if (!os->nvramTemplate)
        os->nvramTemplate = g_strdup(fw->nvramTemplate);
    if (!os->nvram)
        os->nvram = g_strdup_printf("%s/%s_VARS.fd", nvramDir, def->name);
    os->hasNvram = true;
    if (fw->requiresSmm)
        def->featureDefs.smm = GV_TRISTATE_SWITCH_ON;
    return 0;
}
