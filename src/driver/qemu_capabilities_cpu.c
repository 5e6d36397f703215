/*
 * qemu_capabilities_cpu.c: what a QEMU binary says about CPU models
 */
#include <gvconfig.h>

#include <string.h>

#include "gvjson.h"
#include "qemu_capabilities_cpu.h"

#define GV_QEMU_CPU_MAX_MODELS 1000
#define GV_QEMU_CPU_MAX_FEATURES 4000

static void
gvQemuCPUModelFree(gvQemuCPUModel *m)
{
    g_free(m->name);
    g_free(m->aliasOf);
    g_free(m->vendor);
    g_hash_table_unref(m->features);
    g_free(m);
}

gvQemuCPUCaps *
gvQemuCPUCapsNew(void)
{
    gvQemuCPUCaps *cpu = g_new0(gvQemuCPUCaps, 1);
    size_t i;

    cpu->models = g_ptr_array_new_with_free_func((GDestroyNotify)gvQemuCPUModelFree);
    for (i = 0; i < GV_QEMU_ACCEL_LAST; i++) {
        cpu->accel[i].hostFeatures = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        cpu->accel[i].unavailable =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_strfreev);
    }
    return cpu;
}

void
gvQemuCPUCapsFree(gvQemuCPUCaps *cpu)
{
    size_t i;

    if (!cpu)
        return;
    g_ptr_array_unref(cpu->models);
    for (i = 0; i < GV_QEMU_ACCEL_LAST; i++) {
        g_free(cpu->accel[i].hostVendor);
        g_hash_table_unref(cpu->accel[i].hostFeatures);
        g_hash_table_unref(cpu->accel[i].unavailable);
    }
    g_free(cpu);
}

/* ---- from the probe ------------------------------------------------------- */

/* The props of a query-cpu-model-expansion reply: {"model": {"name":..., "props": {...}}} */
static json_object *
gvQemuCPUExpansionProps(json_object *expansion)
{
    json_object *model;
    json_object *props;

    if (!json_object_object_get_ex(expansion, "model", &model) ||
        !json_object_object_get_ex(model, "props", &props) ||
        !json_object_is_type(props, json_type_object))
        return NULL;
    return props;
}

static char *
gvQemuCPUExpansionVendor(json_object *props)
{
    json_object *v;

    if (props && json_object_object_get_ex(props, "vendor", &v) &&
        json_object_is_type(v, json_type_string))
        return g_strdup(json_object_get_string(v));
    return NULL;
}

static bool
gvQemuCPUGetBool(json_object *obj, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_boolean) &&
           json_object_get_boolean(v);
}

void
gvQemuCPUCapsAddModel(gvQemuCPUCaps *cpu, json_object *definition, json_object *expansion)
{
    json_object *props = gvQemuCPUExpansionProps(expansion);
    const char *name = gvJSONGetString(definition, "name");
    gvQemuCPUModel *m;

    if (!props || !name || cpu->models->len >= GV_QEMU_CPU_MAX_MODELS)
        return;
    m = g_new0(gvQemuCPUModel, 1);
    m->name = g_strdup(name);
    m->aliasOf = g_strdup(gvJSONGetString(definition, "alias-of"));
    m->deprecated = gvQemuCPUGetBool(definition, "deprecated");
    m->vendor = gvQemuCPUExpansionVendor(props);
    m->features = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    json_object_object_foreach(props, key, val)
    {
        if (json_object_is_type(val, json_type_boolean) && json_object_get_boolean(val) &&
            g_hash_table_size(m->features) < GV_QEMU_CPU_MAX_FEATURES)
            g_hash_table_add(m->features, g_strdup(key));
    }
    g_ptr_array_add(cpu->models, m);
}

void
gvQemuCPUCapsSetAccel(gvQemuCPUCaps *cpu, gvQemuAccel accel, json_object *definitions,
                      json_object *hostExpansion)
{
    gvQemuCPUAccelCaps *a = &cpu->accel[accel];
    json_object *props = gvQemuCPUExpansionProps(hostExpansion);
    size_t i;

    a->probed = props != NULL;
    g_free(a->hostVendor);
    a->hostVendor = gvQemuCPUExpansionVendor(props);
    if (props) {
        json_object_object_foreach(props, key, val)
        {
            if (json_object_is_type(val, json_type_boolean) &&
                g_hash_table_size(a->hostFeatures) < GV_QEMU_CPU_MAX_FEATURES)
                g_hash_table_insert(a->hostFeatures, g_strdup(key),
                                    GINT_TO_POINTER(json_object_get_boolean(val) ? 1 : 2));
        }
    }
    for (i = 0; json_object_is_type(definitions, json_type_array) &&
                i < json_object_array_length(definitions) && i < GV_QEMU_CPU_MAX_MODELS;
         i++) {
        json_object *d = json_object_array_get_idx(definitions, i);
        json_object *name;
        json_object *unav;
        GPtrArray *list;
        size_t j;

        if (!json_object_object_get_ex(d, "name", &name) ||
            !json_object_object_get_ex(d, "unavailable-features", &unav) ||
            !json_object_is_type(unav, json_type_array))
            continue;
        list = g_ptr_array_new();
        for (j = 0; j < json_object_array_length(unav) && j < GV_QEMU_CPU_MAX_FEATURES; j++) {
            json_object *f = json_object_array_get_idx(unav, j);

            if (json_object_is_type(f, json_type_string))
                g_ptr_array_add(list, g_strdup(json_object_get_string(f)));
        }
        g_ptr_array_add(list, NULL);
        g_hash_table_insert(a->unavailable, g_strdup(json_object_get_string(name)),
                            g_ptr_array_free(list, FALSE));
    }
}

/* ---- JSON (the cache and the fixtures) ----------------------------------- */

static gint
gvStrPtrCmp(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of @set, sorted, as a JSON array */
static json_object *
gvQemuCPUSetToJSON(GHashTable *set)
{
    g_autofree gpointer *keys = NULL;
    json_object *arr = json_object_new_array();
    guint n;
    guint i;

    keys = g_hash_table_get_keys_as_array(set, &n);
    qsort(keys, n, sizeof(gpointer), (int (*)(const void *, const void *))gvStrPtrCmp);
    for (i = 0; i < n; i++)
        json_object_array_add(arr, json_object_new_string(keys[i]));
    return arr;
}

json_object *
gvQemuCPUCapsToJSON(const gvQemuCPUCaps *cpu)
{
    json_object *obj = json_object_new_object();
    json_object *models = json_object_new_array();
    guint i;

    for (i = 0; i < cpu->models->len; i++) {
        const gvQemuCPUModel *m = g_ptr_array_index(cpu->models, i);
        json_object *jm = json_object_new_object();

        json_object_object_add(jm, "name", json_object_new_string(m->name));
        if (m->aliasOf)
            json_object_object_add(jm, "alias-of", json_object_new_string(m->aliasOf));
        if (m->vendor)
            json_object_object_add(jm, "vendor", json_object_new_string(m->vendor));
        if (m->deprecated)
            json_object_object_add(jm, "deprecated", json_object_new_boolean(1));
        json_object_object_add(jm, "features", gvQemuCPUSetToJSON(m->features));
        json_object_array_add(models, jm);
    }
    json_object_object_add(obj, "models", models);
    for (i = 0; i < GV_QEMU_ACCEL_LAST; i++) {
        const gvQemuCPUAccelCaps *a = &cpu->accel[i];
        json_object *ja;
        json_object *host;
        json_object *unav;
        g_autofree gpointer *keys = NULL;
        guint n;
        guint k;

        if (!a->probed)
            continue;
        ja = json_object_new_object();
        host = json_object_new_object();
        unav = json_object_new_object();
        if (a->hostVendor)
            json_object_object_add(ja, "host-vendor", json_object_new_string(a->hostVendor));
        keys = g_hash_table_get_keys_as_array(a->hostFeatures, &n);
        qsort(keys, n, sizeof(gpointer), (int (*)(const void *, const void *))gvStrPtrCmp);
        for (k = 0; k < n; k++)
            json_object_object_add(host, keys[k],
                                   json_object_new_boolean(GPOINTER_TO_INT(g_hash_table_lookup(
                                                               a->hostFeatures, keys[k])) == 1));
        json_object_object_add(ja, "host-features", host);
        g_clear_pointer(&keys, g_free);
        keys = g_hash_table_get_keys_as_array(a->unavailable, &n);
        qsort(keys, n, sizeof(gpointer), (int (*)(const void *, const void *))gvStrPtrCmp);
        for (k = 0; k < n; k++) {
            char **list = g_hash_table_lookup(a->unavailable, keys[k]);
            json_object *jl = json_object_new_array();
            size_t j;

            for (j = 0; list[j]; j++)
                json_object_array_add(jl, json_object_new_string(list[j]));
            json_object_object_add(unav, keys[k], jl);
        }
        json_object_object_add(ja, "unavailable", unav);
        json_object_object_add(obj, gvQemuAccelTypeToString(i), ja);
    }
    return obj;
}

gvQemuCPUCaps *
gvQemuCPUCapsNewFromJSON(json_object *obj)
{
    g_autoptr(gvQemuCPUCaps) cpu = gvQemuCPUCapsNew();
    json_object *models;
    size_t i;

    if (!json_object_object_get_ex(obj, "models", &models) ||
        !json_object_is_type(models, json_type_array) ||
        json_object_array_length(models) > GV_QEMU_CPU_MAX_MODELS)
        return NULL;
    for (i = 0; i < json_object_array_length(models); i++) {
        json_object *jm = json_object_array_get_idx(models, i);
        json_object *name;
        json_object *features;
        gvQemuCPUModel *m;
        size_t j;

        if (!json_object_object_get_ex(jm, "name", &name) ||
            !json_object_is_type(name, json_type_string) ||
            !json_object_object_get_ex(jm, "features", &features) ||
            !json_object_is_type(features, json_type_array) ||
            json_object_array_length(features) > GV_QEMU_CPU_MAX_FEATURES)
            return NULL;
        m = g_new0(gvQemuCPUModel, 1);
        m->name = g_strdup(json_object_get_string(name));
        m->aliasOf = g_strdup(gvJSONGetString(jm, "alias-of"));
        m->vendor = g_strdup(gvJSONGetString(jm, "vendor"));
        m->deprecated = gvQemuCPUGetBool(jm, "deprecated");
        m->features = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_ptr_array_add(cpu->models, m);
        for (j = 0; j < json_object_array_length(features); j++) {
            json_object *f = json_object_array_get_idx(features, j);

            if (!json_object_is_type(f, json_type_string))
                return NULL;
            g_hash_table_add(m->features, g_strdup(json_object_get_string(f)));
        }
    }
    for (i = 0; i < GV_QEMU_ACCEL_LAST; i++) {
        gvQemuCPUAccelCaps *a = &cpu->accel[i];
        json_object *ja;
        json_object *v;

        if (!json_object_object_get_ex(obj, gvQemuAccelTypeToString(i), &ja))
            continue;
        if (!json_object_object_get_ex(ja, "host-features", &v) ||
            !json_object_is_type(v, json_type_object))
            return NULL;
        a->probed = true;
        json_object_object_foreach(v, key, val)
        {
            if (!json_object_is_type(val, json_type_boolean) ||
                g_hash_table_size(a->hostFeatures) >= GV_QEMU_CPU_MAX_FEATURES)
                return NULL;
            g_hash_table_insert(a->hostFeatures, g_strdup(key),
                                GINT_TO_POINTER(json_object_get_boolean(val) ? 1 : 2));
        }
        a->hostVendor = g_strdup(gvJSONGetString(ja, "host-vendor"));
        if (json_object_object_get_ex(ja, "unavailable", &v) &&
            json_object_is_type(v, json_type_object)) {
            json_object_object_foreach(v, model, list)
            {
                GPtrArray *l;
                size_t j;

                if (!json_object_is_type(list, json_type_array) ||
                    json_object_array_length(list) > GV_QEMU_CPU_MAX_FEATURES ||
                    g_hash_table_size(a->unavailable) >= GV_QEMU_CPU_MAX_MODELS)
                    return NULL;
                l = g_ptr_array_new();
                for (j = 0; j < json_object_array_length(list); j++) {
                    json_object *f = json_object_array_get_idx(list, j);

                    if (json_object_is_type(f, json_type_string))
                        g_ptr_array_add(l, g_strdup(json_object_get_string(f)));
                }
                g_ptr_array_add(l, NULL);
                g_hash_table_insert(a->unavailable, g_strdup(model), g_ptr_array_free(l, FALSE));
            }
        }
    }
    return g_steal_pointer(&cpu);
}

/* ---- queries ---------------------------------------------------------------- */

const gvQemuCPUCaps *
gvQemuCapsCPUData(const gvQemuCaps *caps, gvQemuAccel accel)
{
    if (!caps->cpu || !caps->cpu->accel[accel].probed)
        return NULL;
    return caps->cpu;
}

const gvQemuCPUModel *
gvQemuCPUCapsFindModel(const gvQemuCPUCaps *cpu, const char *name)
{
    guint i;

    for (i = 0; i < cpu->models->len; i++) {
        const gvQemuCPUModel *m = g_ptr_array_index(cpu->models, i);

        if (g_str_equal(m->name, name))
            return m;
    }
    return NULL;
}

static gint
gvQemuCPUModelCmp(gconstpointer a, gconstpointer b)
{
    return g_strcmp0((*(const gvQemuCPUModel *const *)a)->name,
                     (*(const gvQemuCPUModel *const *)b)->name);
}

GPtrArray *
gvQemuCPUCapsSortedModels(const gvQemuCPUCaps *cpu)
{
    GPtrArray *sorted = g_ptr_array_sized_new(cpu->models->len);
    guint i;

    /* not g_ptr_array_copy: the copy would free the models */
    for (i = 0; i < cpu->models->len; i++)
        g_ptr_array_add(sorted, g_ptr_array_index(cpu->models, i));
    g_ptr_array_sort(sorted, gvQemuCPUModelCmp);
    return sorted;
}

int
gvQemuCPUCapsModelUsable(const gvQemuCPUCaps *cpu, gvQemuAccel accel, const char *name)
{
    char **unavailable;

    if (!cpu->accel[accel].probed ||
        !(unavailable = g_hash_table_lookup(cpu->accel[accel].unavailable, name)))
        return -1;
    return unavailable[0] ? 0 : 1;
}

const char *
gvQemuCPUVendorName(const char *qemuVendor)
{
    if (g_strcmp0(qemuVendor, "GenuineIntel") == 0)
        return "Intel";
    if (g_strcmp0(qemuVendor, "AuthenticAMD") == 0)
        return "AMD";
    if (g_strcmp0(qemuVendor, "HygonGenuine") == 0)
        return "Hygon";
    return qemuVendor;
}

int
gvQemuCPUCapsHostHas(const gvQemuCPUCaps *cpu, gvQemuAccel accel, const char *feature)
{
    gpointer v = g_hash_table_lookup(cpu->accel[accel].hostFeatures, feature);

    if (!v)
        return -1;
    return GPOINTER_TO_INT(v) == 1 ? 1 : 0;
}

static gint
gvQemuCPUChangeCmp(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(((const gvQemuCPUFeatureChange *)a)->name,
                     ((const gvQemuCPUFeatureChange *)b)->name);
}

/* The changes that turn model @m into the host's CPU; their count */
static guint
gvQemuCPUModelDiff(const gvQemuCPUModel *m, const gvQemuCPUAccelCaps *a, GArray *changes)
{
    GHashTableIter iter;
    gpointer key;
    gpointer val;
    guint n = 0;

    g_hash_table_iter_init(&iter, a->hostFeatures);
    while (g_hash_table_iter_next(&iter, &key, &val)) {
        bool hostOn = GPOINTER_TO_INT(val) == 1;
        bool modelOn = g_hash_table_contains(m->features, key);

        if (hostOn != modelOn) {
            n++;
            if (changes) {
                gvQemuCPUFeatureChange c = { key, hostOn };

                g_array_append_val(changes, c);
            }
        }
    }
    /* a feature of the model QEMU does not report for the host: off there */
    g_hash_table_iter_init(&iter, m->features);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        if (!g_hash_table_contains(a->hostFeatures, key)) {
            n++;
            if (changes) {
                gvQemuCPUFeatureChange c = { key, false };

                g_array_append_val(changes, c);
            }
        }
    }
    return n;
}

const gvQemuCPUModel *
gvQemuCPUCapsResolveHostModel(const gvQemuCPUCaps *cpu, gvQemuAccel accel, GArray **changes)
{
    const gvQemuCPUAccelCaps *a = &cpu->accel[accel];
    const gvQemuCPUModel *best = NULL;
    guint bestDiff = G_MAXUINT;
    guint i;

    if (!a->probed)
        return NULL;
    for (i = 0; i < cpu->models->len; i++) {
        const gvQemuCPUModel *m = g_ptr_array_index(cpu->models, i);
        guint diff;

        if (!m->vendor || !a->hostVendor || !g_str_equal(m->vendor, a->hostVendor))
            continue;
        diff = gvQemuCPUModelDiff(m, a, NULL);
        /* ties go to the name first in order, whatever order QEMU listed them */
        if (diff < bestDiff || (diff == bestDiff && g_strcmp0(m->name, best->name) < 0)) {
            best = m;
            bestDiff = diff;
        }
    }
    if (!best)
        return NULL;
    *changes = g_array_new(FALSE, FALSE, sizeof(gvQemuCPUFeatureChange));
    gvQemuCPUModelDiff(best, a, *changes);
    g_array_sort(*changes, gvQemuCPUChangeCmp);
    return best;
}
