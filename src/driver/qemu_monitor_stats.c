/*
 * qemu_monitor_stats.c: pure parsers of the QMP replies statistics come from
 */
#include <gvconfig.h>

#include <string.h>

#include "gverror.h"
#include "qemu_monitor_stats.h"

/* ---- JSON accessors ------------------------------------------------------ */

static json_object *
gvJSONGet(json_object *obj, const char *key, json_type type)
{
    json_object *v;

    if (!obj || !json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return v;
}

static const char *
gvJSONGetStr(json_object *obj, const char *key)
{
    json_object *v = gvJSONGet(obj, key, json_type_string);

    return v ? json_object_get_string(v) : NULL;
}

/* A non-negative integer member (up to 2^64-1) */
static bool
gvJSONGetU64(json_object *obj, const char *key, guint64 *out)
{
    json_object *v = gvJSONGet(obj, key, json_type_int);
    gint64 i;

    if (!v)
        return false;
    i = json_object_get_int64(v);
    if (i < 0)
        return false;
    /* json-c keeps integers past INT64_MAX as unsigned */
    *out = i == G_MAXINT64 ? json_object_get_uint64(v) : (guint64)i;
    return true;
}

static bool
gvJSONGetI64(json_object *obj, const char *key, gint64 *out)
{
    json_object *v = gvJSONGet(obj, key, json_type_int);

    if (!v)
        return false;
    *out = json_object_get_int64(v);
    return true;
}

static int
gvQmpMalformed(const char *command, const char *what, GError **error)
{
    gvReportError(error, GV_ERR_INTERNAL_ERROR, "malformed reply of %s: %s", command, what);
    return -1;
}

/* ---- blocks --------------------------------------------------------------- */

void
gvQmpBlockStatsFree(gvQmpBlockStats *s)
{
    if (!s)
        return;
    g_free(s->node);
    g_free(s);
}

void
gvQmpBlockImageFree(gvQmpBlockImage *img)
{
    if (!img)
        return;
    g_free(img->node);
    g_free(img);
}

int
gvQmpParseBlockstats(json_object *ret, GPtrArray **out, GError **error)
{
    g_autoptr(GPtrArray) all = NULL;
    size_t i;

    if (!json_object_is_type(ret, json_type_array))
        return gvQmpMalformed("query-blockstats", "expected an array", error);
    all = g_ptr_array_new_with_free_func((GDestroyNotify)gvQmpBlockStatsFree);
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *dev = json_object_array_get_idx(ret, i);
        json_object *stats = gvJSONGet(dev, "stats", json_type_object);
        json_object *parent = gvJSONGet(dev, "parent", json_type_object);
        const char *node = gvJSONGetStr(dev, "node-name");
        gvQmpBlockStats *s;

        if (!node || !stats)
            continue;
        s = g_new0(gvQmpBlockStats, 1);
        s->node = g_strdup(node);
        g_ptr_array_add(all, s);
        if (!gvJSONGetU64(stats, "rd_operations", &s->rdReq) ||
            !gvJSONGetU64(stats, "rd_bytes", &s->rdBytes) ||
            !gvJSONGetU64(stats, "rd_total_time_ns", &s->rdTimes) ||
            !gvJSONGetU64(stats, "wr_operations", &s->wrReq) ||
            !gvJSONGetU64(stats, "wr_bytes", &s->wrBytes) ||
            !gvJSONGetU64(stats, "wr_total_time_ns", &s->wrTimes) ||
            !gvJSONGetU64(stats, "flush_operations", &s->flReq) ||
            !gvJSONGetU64(stats, "flush_total_time_ns", &s->flTimes))
            return gvQmpMalformed("query-blockstats", "a node's counters are missing", error);
        /* what the host file holds: the protocol layer below the format */
        if (parent)
            s->hasWrHighest = gvJSONGetU64(gvJSONGet(parent, "stats", json_type_object),
                                           "wr_highest_offset", &s->wrHighest);
    }
    *out = g_steal_pointer(&all);
    return 0;
}

const gvQmpBlockStats *
gvQmpBlockStatsFind(GPtrArray *stats, const char *node)
{
    guint i;

    for (i = 0; stats && i < stats->len; i++) {
        const gvQmpBlockStats *s = g_ptr_array_index(stats, i);

        if (g_str_equal(s->node, node))
            return s;
    }
    return NULL;
}

int
gvQmpParseBlockImages(json_object *ret, GPtrArray **out, GError **error)
{
    g_autoptr(GPtrArray) all = NULL;
    size_t i;

    if (!json_object_is_type(ret, json_type_array))
        return gvQmpMalformed("query-block", "expected an array", error);
    all = g_ptr_array_new_with_free_func((GDestroyNotify)gvQmpBlockImageFree);
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *inserted =
            gvJSONGet(json_object_array_get_idx(ret, i), "inserted", json_type_object);
        json_object *image = gvJSONGet(inserted, "image", json_type_object);
        const char *node = gvJSONGetStr(inserted, "node-name");
        gvQmpBlockImage *img;

        if (!node || !image)
            continue;
        img = g_new0(gvQmpBlockImage, 1);
        img->node = g_strdup(node);
        g_ptr_array_add(all, img);
        if (!gvJSONGetU64(image, "virtual-size", &img->virtualSize))
            return gvQmpMalformed("query-block", "an image has no virtual-size", error);
        img->hasActualSize = gvJSONGetU64(image, "actual-size", &img->actualSize);
    }
    *out = g_steal_pointer(&all);
    return 0;
}

const gvQmpBlockImage *
gvQmpBlockImageFind(GPtrArray *images, const char *node)
{
    guint i;

    for (i = 0; images && i < images->len; i++) {
        const gvQmpBlockImage *img = g_ptr_array_index(images, i);

        if (g_str_equal(img->node, node))
            return img;
    }
    return NULL;
}

/* ---- vCPUs ----------------------------------------------------------------- */

void
gvQmpCpuFree(gvQmpCpu *cpu)
{
    if (!cpu)
        return;
    g_free(cpu->qomPath);
    g_free(cpu);
}

static gint
gvQmpCpuCompare(gconstpointer a, gconstpointer b)
{
    const gvQmpCpu *x = *(const gvQmpCpu *const *)a;
    const gvQmpCpu *y = *(const gvQmpCpu *const *)b;

    return x->cpuIndex < y->cpuIndex ? -1 : x->cpuIndex > y->cpuIndex;
}

int
gvQmpParseCpusFast(json_object *ret, GPtrArray **out, GError **error)
{
    g_autoptr(GPtrArray) all = NULL;
    size_t i;

    if (!json_object_is_type(ret, json_type_array))
        return gvQmpMalformed("query-cpus-fast", "expected an array", error);
    all = g_ptr_array_new_with_free_func((GDestroyNotify)gvQmpCpuFree);
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *e = json_object_array_get_idx(ret, i);
        gvQmpCpu *cpu = g_new0(gvQmpCpu, 1);
        const char *path = gvJSONGetStr(e, "qom-path");

        g_ptr_array_add(all, cpu);
        cpu->qomPath = g_strdup(path);
        if (!gvJSONGetI64(e, "cpu-index", &cpu->cpuIndex) ||
            !gvJSONGetI64(e, "thread-id", &cpu->threadId) || cpu->cpuIndex < 0 ||
            cpu->threadId <= 0 || cpu->threadId > G_MAXINT32)
            return gvQmpMalformed("query-cpus-fast", "a vCPU without cpu-index or thread-id",
                                  error);
    }
    g_ptr_array_sort(all, gvQmpCpuCompare);
    *out = g_steal_pointer(&all);
    return 0;
}

void
gvQmpHotpluggableCpuFree(gvQmpHotpluggableCpu *cpu)
{
    if (!cpu)
        return;
    g_free(cpu->type);
    if (cpu->props)
        json_object_put(cpu->props);
    g_free(cpu->qomPath);
    g_free(cpu);
}

static gint
gvQmpHotpluggableCpuCompare(gconstpointer a, gconstpointer b)
{
    const gvQmpHotpluggableCpu *x = *(const gvQmpHotpluggableCpu *const *)a;
    const gvQmpHotpluggableCpu *y = *(const gvQmpHotpluggableCpu *const *)b;

    if (x->socketId != y->socketId)
        return x->socketId < y->socketId ? -1 : 1;
    if (x->coreId != y->coreId)
        return x->coreId < y->coreId ? -1 : 1;
    return x->threadId < y->threadId ? -1 : x->threadId > y->threadId;
}

int
gvQmpParseHotpluggableCpus(json_object *ret, GPtrArray **out, GError **error)
{
    g_autoptr(GPtrArray) all = NULL;
    size_t i;

    if (!json_object_is_type(ret, json_type_array))
        return gvQmpMalformed("query-hotpluggable-cpus", "expected an array", error);
    all = g_ptr_array_new_with_free_func((GDestroyNotify)gvQmpHotpluggableCpuFree);
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *e = json_object_array_get_idx(ret, i);
        json_object *props = gvJSONGet(e, "props", json_type_object);
        const char *type = gvJSONGetStr(e, "type");
        gvQmpHotpluggableCpu *cpu;

        if (!type || !props)
            return gvQmpMalformed("query-hotpluggable-cpus", "a slot without type or props", error);
        cpu = g_new0(gvQmpHotpluggableCpu, 1);
        g_ptr_array_add(all, cpu);
        cpu->type = g_strdup(type);
        cpu->props = json_object_get(props);
        cpu->qomPath = g_strdup(gvJSONGetStr(e, "qom-path"));
        if (!gvJSONGetI64(props, "socket-id", &cpu->socketId))
            cpu->socketId = -1;
        if (!gvJSONGetI64(props, "core-id", &cpu->coreId))
            cpu->coreId = -1;
        if (!gvJSONGetI64(props, "thread-id", &cpu->threadId))
            cpu->threadId = -1;
    }
    g_ptr_array_sort(all, gvQmpHotpluggableCpuCompare);
    *out = g_steal_pointer(&all);
    return 0;
}

/* ---- memory --------------------------------------------------------------- */

int
gvQmpParseBalloon(json_object *ret, guint64 *actual, GError **error)
{
    if (!gvJSONGetU64(ret, "actual", actual))
        return gvQmpMalformed("query-balloon", "expected {\"actual\": BYTES}", error);
    return 0;
}

/* libvirt's order of the guest's statistics, and their units */
static const struct {
    const char *name;
    gvMemoryStatTag tag;
    guint64 divisor;
} gvGuestStats[] = {
    { "stat-swap-in", GV_MEMORY_STAT_SWAP_IN, 1024 },
    { "stat-swap-out", GV_MEMORY_STAT_SWAP_OUT, 1024 },
    { "stat-major-faults", GV_MEMORY_STAT_MAJOR_FAULT, 1 },
    { "stat-minor-faults", GV_MEMORY_STAT_MINOR_FAULT, 1 },
    { "stat-free-memory", GV_MEMORY_STAT_UNUSED, 1024 },
    { "stat-total-memory", GV_MEMORY_STAT_AVAILABLE, 1024 },
    { "stat-available-memory", GV_MEMORY_STAT_USABLE, 1024 },
    { "stat-disk-caches", GV_MEMORY_STAT_DISK_CACHES, 1024 },
    { "stat-htlb-pgalloc", GV_MEMORY_STAT_HUGETLB_PGALLOC, 1 },
    { "stat-htlb-pgfail", GV_MEMORY_STAT_HUGETLB_PGFAIL, 1 },
};

int
gvQmpParseGuestStats(json_object *ret, gvMemoryStat *stats, guint *n, guint max, GError **error)
{
    json_object *data = gvJSONGet(ret, "stats", json_type_object);
    guint64 last;
    size_t i;

    if (!data || !gvJSONGetU64(ret, "last-update", &last))
        return gvQmpMalformed("qom-get guest-stats", "expected {\"stats\": {...}, \"last-update\"}",
                              error);
    if (*n < max)
        stats[(*n)++] = (gvMemoryStat){ GV_MEMORY_STAT_LAST_UPDATE, last };
    for (i = 0; i < G_N_ELEMENTS(gvGuestStats); i++) {
        guint64 v;

        /* absent, or 2^64-1: the guest did not say */
        if (!gvJSONGetU64(data, gvGuestStats[i].name, &v) || v == G_MAXUINT64)
            continue;
        if (*n < max)
            stats[(*n)++] = (gvMemoryStat){ gvGuestStats[i].tag, v / gvGuestStats[i].divisor };
    }
    return 0;
}

/* ---- query-stats ------------------------------------------------------------ */

int
gvQmpParseHaltPoll(json_object *ret, guint64 *success, guint64 *fail, GError **error)
{
    guint64 s = 0;
    guint64 f = 0;
    bool found = false;
    size_t i;

    if (!json_object_is_type(ret, json_type_array))
        return gvQmpMalformed("query-stats", "expected an array", error);
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *e = json_object_array_get_idx(ret, i);
        json_object *list = gvJSONGet(e, "stats", json_type_array);
        const char *provider = gvJSONGetStr(e, "provider");
        size_t k;

        if (!provider || !g_str_equal(provider, "kvm") || !list)
            continue;
        for (k = 0; k < json_object_array_length(list); k++) {
            json_object *st = json_object_array_get_idx(list, k);
            const char *name = gvJSONGetStr(st, "name");
            guint64 v;

            if (!name || !gvJSONGetU64(st, "value", &v))
                continue;
            if (g_str_equal(name, "halt_poll_success_ns")) {
                s += v;
                found = true;
            } else if (g_str_equal(name, "halt_poll_fail_ns")) {
                f += v;
                found = true;
            }
        }
    }
    if (!found)
        return 0;
    *success = s;
    *fail = f;
    return 1;
}
