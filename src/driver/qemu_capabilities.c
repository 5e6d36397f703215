/*
 * qemu_capabilities.c: what a QEMU binary can do
 */
#include <gvconfig.h>

#include "gverror.h"
#include "qemu_capabilities_cpu.h"

/* a probe answer much larger than this is not a QEMU we understand */
#define GV_QEMU_CAPS_MAX_LEN (4 * 1024 * 1024)
#define GV_QEMU_CAPS_MAX_ITEMS 20000

static void
gvQemuMachineFree(gvQemuMachine *m)
{
    g_free(m->name);
    g_free(m->alias);
    g_free(m);
}

gvQemuCaps *
gvQemuCapsNew(void)
{
    gvQemuCaps *caps = g_new0(gvQemuCaps, 1);

    caps->machines = g_ptr_array_new_with_free_func((GDestroyNotify)gvQemuMachineFree);
    caps->devices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return caps;
}

void
gvQemuCapsFree(gvQemuCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->binary);
    g_free(caps->arch);
    g_ptr_array_unref(caps->machines);
    g_hash_table_unref(caps->devices);
    gvQemuCPUCapsFree(caps->cpu);
    g_free(caps);
}

static bool
gvQemuCapsParseVersion(const char *str, unsigned int *version)
{
    g_auto(GStrv) parts = g_strsplit(str, ".", 4);
    guint64 v[3];
    size_t i;

    if (g_strv_length(parts) != 3)
        return false;
    for (i = 0; i < 3; i++) {
        if (!g_ascii_string_to_unsigned(parts[i], 10, 0, 999, &v[i], NULL))
            return false;
    }
    *version = (unsigned int)(v[0] * 1000000 + v[1] * 1000 + v[2]);
    return true;
}

static bool
gvQemuCapsGetBool(json_object *obj, const char *key)
{
    json_object *val;

    return json_object_object_get_ex(obj, key, &val) &&
           json_object_is_type(val, json_type_boolean) && json_object_get_boolean(val);
}

gvQemuCaps *
gvQemuCapsNewFromJSON(json_object *obj, GError **error)
{
    g_autoptr(gvQemuCaps) caps = gvQemuCapsNew();
    json_object *val;
    size_t i;
    size_t n;

    if (!json_object_is_type(obj, json_type_object))
        goto invalid;
    if (json_object_object_get_ex(obj, "binary", &val) &&
        json_object_is_type(val, json_type_string))
        caps->binary = g_strdup(json_object_get_string(val));
    if (!json_object_object_get_ex(obj, "version", &val) ||
        !json_object_is_type(val, json_type_string) ||
        !gvQemuCapsParseVersion(json_object_get_string(val), &caps->version))
        goto invalid;

    if (!json_object_object_get_ex(obj, "machines", &val) ||
        !json_object_is_type(val, json_type_array) ||
        (n = json_object_array_length(val)) > GV_QEMU_CAPS_MAX_ITEMS)
        goto invalid;
    for (i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(val, i);
        json_object *name;
        json_object *alias;
        json_object *dflt;
        json_object *cpuMax;
        gvQemuMachine *machine;

        if (!json_object_object_get_ex(m, "name", &name) ||
            !json_object_is_type(name, json_type_string))
            goto invalid;
        machine = g_new0(gvQemuMachine, 1);
        machine->name = g_strdup(json_object_get_string(name));
        if (json_object_object_get_ex(m, "alias", &alias) &&
            json_object_is_type(alias, json_type_string))
            machine->alias = g_strdup(json_object_get_string(alias));
        if (json_object_object_get_ex(m, "is-default", &dflt))
            machine->isDefault = json_object_get_boolean(dflt);
        if (json_object_object_get_ex(m, "cpu-max", &cpuMax) &&
            json_object_is_type(cpuMax, json_type_int) && json_object_get_int64(cpuMax) > 0 &&
            json_object_get_int64(cpuMax) <= G_MAXINT)
            machine->maxCpus = (unsigned int)json_object_get_int64(cpuMax);
        machine->deprecated = gvQemuCapsGetBool(m, "deprecated");
        g_ptr_array_add(caps->machines, machine);
    }

    if (!json_object_object_get_ex(obj, "devices", &val) ||
        !json_object_is_type(val, json_type_array) ||
        (n = json_object_array_length(val)) > GV_QEMU_CAPS_MAX_ITEMS)
        goto invalid;
    for (i = 0; i < n; i++) {
        json_object *d = json_object_array_get_idx(val, i);

        if (!json_object_is_type(d, json_type_string))
            goto invalid;
        g_hash_table_add(caps->devices, g_strdup(json_object_get_string(d)));
    }

    /* optional from here on */
    if (json_object_object_get_ex(obj, "arch", &val) && json_object_is_type(val, json_type_string))
        caps->arch = g_strdup(json_object_get_string(val));
    if (json_object_object_get_ex(obj, "cpu", &val) && !(caps->cpu = gvQemuCPUCapsNewFromJSON(val)))
        goto invalid;
    return g_steal_pointer(&caps);

invalid:
    gvReportError(
        error, GV_ERR_INTERNAL_ERROR,
        "malformed QEMU capabilities: expected {\"version\": \"X.Y.Z\", \"machines\": [...], \"devices\": [...]}");
    return NULL;
}

gvQemuCaps *
gvQemuCapsLoadFile(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize len;
    g_autoptr(GError) local = NULL;
    g_autoptr(json_object) obj = NULL;
    json_tokener *tok;
    gvQemuCaps *caps;

    if (!g_file_get_contents(path, &data, &len, &local)) {
        gvReportError(error, GV_ERR_SYSTEM_ERROR, "cannot read QEMU capabilities '%s': %s", path,
                      local->message);
        return NULL;
    }
    if (len > GV_QEMU_CAPS_MAX_LEN) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR,
                      "QEMU capabilities '%s' are larger than %d bytes", path,
                      GV_QEMU_CAPS_MAX_LEN);
        return NULL;
    }
    tok = json_tokener_new_ex(64);
    obj = json_tokener_parse_ex(tok, data, (int)len);
    if (!obj || json_tokener_get_error(tok) != json_tokener_success) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "QEMU capabilities '%s' are not valid JSON: %s",
                      path, json_tokener_error_desc(json_tokener_get_error(tok)));
        json_tokener_free(tok);
        return NULL;
    }
    json_tokener_free(tok);
    if (!(caps = gvQemuCapsNewFromJSON(obj, error)))
        return NULL;
    return caps;
}

static gint
gvStrCmp(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

json_object *
gvQemuCapsToJSON(const gvQemuCaps *caps)
{
    json_object *obj = json_object_new_object();
    json_object *machines = json_object_new_array();
    json_object *devices = json_object_new_array();
    g_autofree char *version = g_strdup_printf("%u.%u.%u", caps->version / 1000000,
                                               caps->version / 1000 % 1000, caps->version % 1000);
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GHashTableIter iter;
    gpointer key;
    guint i;

    if (caps->binary)
        json_object_object_add(obj, "binary", json_object_new_string(caps->binary));
    json_object_object_add(obj, "version", json_object_new_string(version));
    if (caps->arch)
        json_object_object_add(obj, "arch", json_object_new_string(caps->arch));
    for (i = 0; i < caps->machines->len; i++) {
        const gvQemuMachine *m = g_ptr_array_index(caps->machines, i);
        json_object *jm = json_object_new_object();

        json_object_object_add(jm, "name", json_object_new_string(m->name));
        if (m->alias)
            json_object_object_add(jm, "alias", json_object_new_string(m->alias));
        if (m->isDefault)
            json_object_object_add(jm, "is-default", json_object_new_boolean(1));
        if (m->maxCpus)
            json_object_object_add(jm, "cpu-max", json_object_new_int64(m->maxCpus));
        if (m->deprecated)
            json_object_object_add(jm, "deprecated", json_object_new_boolean(1));
        json_object_array_add(machines, jm);
    }
    json_object_object_add(obj, "machines", machines);
    g_hash_table_iter_init(&iter, caps->devices);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_ptr_array_add(names, key);
    g_ptr_array_sort(names, gvStrCmp);
    for (i = 0; i < names->len; i++)
        json_object_array_add(devices, json_object_new_string(g_ptr_array_index(names, i)));
    json_object_object_add(obj, "devices", devices);
    if (caps->cpu)
        json_object_object_add(obj, "cpu", gvQemuCPUCapsToJSON(caps->cpu));
    return obj;
}

bool
gvQemuCapsHasDevice(const gvQemuCaps *caps, const char *type)
{
    return g_hash_table_contains(caps->devices, type);
}

const gvQemuMachine *
gvQemuCapsFindMachine(const gvQemuCaps *caps, const char *name)
{
    guint i;

    for (i = 0; i < caps->machines->len; i++) {
        const gvQemuMachine *m = g_ptr_array_index(caps->machines, i);

        if (g_str_equal(m->name, name) || (m->alias && g_str_equal(m->alias, name)))
            return m;
    }
    return NULL;
}

const gvQemuMachine *
gvQemuCapsDefaultMachine(const gvQemuCaps *caps)
{
    guint i;

    for (i = 0; i < caps->machines->len; i++) {
        const gvQemuMachine *m = g_ptr_array_index(caps->machines, i);

        if (m->isDefault)
            return m;
    }
    return NULL;
}
