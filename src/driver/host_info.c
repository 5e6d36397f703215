/*
 * host_info.c: the host as /proc and /sys describe it
 */
#include <gvconfig.h>

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gverror.h"
#include "gvfile.h"
#include "gvuuid.h"
#include "host_info.h"

/* no file of /proc or /sys we read is near this; a larger one is refused */
#define GV_HOST_FILE_MAX (4 * 1024 * 1024)

/* ---- pure parsers ---------------------------------------------------------- */

static bool
gvHostParseUInt(const char *str, guint max, guint *out)
{
    guint64 v;

    if (!g_ascii_string_to_unsigned(str, 10, 0, max, &v, NULL))
        return false;
    *out = (guint)v;
    return true;
}

static gint
gvHostCompareUInt(gconstpointer a, gconstpointer b)
{
    guint x = *(const guint *)a;
    guint y = *(const guint *)b;

    return x < y ? -1 : x > y;
}

bool
gvHostParseCPUList(const char *text, guint max, GArray **out)
{
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(guint));
    g_autofree char *copy = g_strstrip(g_strdup(text));
    g_auto(GStrv) parts = NULL;
    guint i;

    if (*copy != '\0') {
        parts = g_strsplit(copy, ",", -1);
        for (i = 0; parts[i]; i++) {
            char *dash = strchr(parts[i], '-');
            guint lo;
            guint hi;
            guint id;

            if (dash)
                *dash = '\0';
            if (!gvHostParseUInt(parts[i], max - 1, &lo))
                return false;
            hi = lo;
            if (dash && (!gvHostParseUInt(dash + 1, max - 1, &hi) || hi < lo))
                return false;
            /* bounded by @max in all: a list naming an id twice is refused */
            if (ids->len + (hi - lo) >= max)
                return false;
            for (id = lo; id <= hi; id++)
                g_array_append_val(ids, id);
        }
    }
    g_array_sort(ids, gvHostCompareUInt);
    for (i = 1; i < ids->len; i++) {
        if (g_array_index(ids, guint, i) == g_array_index(ids, guint, i - 1))
            return false;
    }
    *out = g_steal_pointer(&ids);
    return true;
}

bool
gvHostParseMeminfo(const char *text, const char *key, unsigned long long *kib)
{
    size_t klen = strlen(key);
    const char *line = text;

    while (line && *line) {
        const char *p = line;
        const char *nl = strchr(line, '\n');

        /* node meminfo: "Node 0 MemFree:   123 kB" */
        if (g_str_has_prefix(p, "Node ")) {
            p += 5;
            while (g_ascii_isdigit(*p))
                p++;
            while (*p == ' ')
                p++;
        }
        if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
            g_autofree char *num = NULL;
            const char *end;
            guint64 v;

            p += klen + 1;
            while (*p == ' ' || *p == '\t')
                p++;
            end = p;
            while (g_ascii_isdigit(*end))
                end++;
            num = g_strndup(p, end - p);
            if (!g_ascii_string_to_unsigned(num, 10, 0, G_MAXUINT64 / 1024, &v, NULL))
                return false;
            *kib = v;
            return true;
        }
        line = nl ? nl + 1 : NULL;
    }
    return false;
}

/* ---- reading files ---------------------------------------------------------- */

/* ROOT/REL, read whole: 1, 0 when it does not exist, -1 */
static int
gvHostRead(const char *root, const char *rel, char **data, GError **error)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);

    return gvFileReadOptional(path, GV_HOST_FILE_MAX, data, error);
}

/* An unsigned number in ROOT/REL: 1, 0 when absent or negative (-1 = "none"), -1 */
static int
gvHostReadUInt(const char *root, const char *rel, guint max, guint *out, GError **error)
{
    g_autofree char *data = NULL;
    gint64 v;
    int rc;

    if ((rc = gvHostRead(root, rel, &data, error)) <= 0)
        return rc;
    g_strstrip(data);
    if (!g_ascii_string_to_signed(data, 10, -1, max, &v, NULL)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "'%s' in '%s' is not a number up to %u", data,
                      rel, max);
        return -1;
    }
    if (v < 0)
        return 0;
    *out = (guint)v;
    return 1;
}

/* The ids of the CPU list in ROOT/REL; @out NULL when the file is absent */
static int
gvHostReadCPUList(const char *root, const char *rel, guint max, GArray **out, GError **error)
{
    g_autofree char *data = NULL;
    int rc;

    *out = NULL;
    if ((rc = gvHostRead(root, rel, &data, error)) <= 0)
        return rc;
    if (!gvHostParseCPUList(data, max, out)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "'%s' in '%s' is not a list of ids below %u",
                      g_strstrip(data), rel, max);
        return -1;
    }
    return 1;
}

static bool
gvHostListHas(const GArray *ids, guint id)
{
    guint i;

    for (i = 0; ids && i < ids->len; i++) {
        if (g_array_index(ids, guint, i) == id)
            return true;
    }
    return false;
}

/* The numbers N of the entries PREFIX<N><SUFFIX> of ROOT/REL, ascending (empty if absent) */
static GArray *
gvHostListDir(const char *root, const char *rel, const char *prefix, const char *suffix, guint max)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint));
    size_t plen = strlen(prefix);
    size_t slen = strlen(suffix);
    DIR *dir;
    struct dirent *ent;

    if (!(dir = opendir(path)))
        return ids;
    while ((ent = readdir(dir)) && ids->len < max) {
        size_t len = strlen(ent->d_name);
        g_autofree char *num = NULL;
        guint id;

        if (len <= plen + slen || strncmp(ent->d_name, prefix, plen) != 0 ||
            !g_str_equal(ent->d_name + len - slen, suffix))
            continue;
        num = g_strndup(ent->d_name + plen, len - plen - slen);
        if (gvHostParseUInt(num, G_MAXUINT, &id))
            g_array_append_val(ids, id);
    }
    closedir(dir);
    g_array_sort(ids, gvHostCompareUInt);
    return ids;
}

static bool
gvHostDirExists(const char *root, const char *rel)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);

    return g_file_test(path, G_FILE_TEST_IS_DIR);
}

static bool
gvHostDirHasEntries(const char *root, const char *rel)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);

    return dir && g_dir_read_name(dir) != NULL;
}

/* ---- the pieces ------------------------------------------------------------- */

static void
gvHostCPUFree(gvHostCPU *cpu)
{
    g_free(cpu->siblings);
    g_free(cpu);
}

static void
gvHostCellFree(gvHostCell *cell)
{
    if (cell->cpus)
        g_array_unref(cell->cpus);
    if (cell->distances)
        g_array_unref(cell->distances);
    if (cell->pages)
        g_array_unref(cell->pages);
    g_free(cell);
}

void
gvHostInfoFree(gvHostInfo *host)
{
    if (!host)
        return;
    g_free(host->vendor);
    g_free(host->modelName);
    if (host->cpus)
        g_ptr_array_unref(host->cpus);
    if (host->cells)
        g_ptr_array_unref(host->cells);
    if (host->pageSizes)
        g_array_unref(host->pageSizes);
    g_free(host);
}

/* "key\t: value" of the first processor of proc/cpuinfo; "cpu MHz" of the last */
static void
gvHostParseCPUInfo(gvHostInfo *host, const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    bool first = true;
    bool seenProcessor = false;
    guint n = 0;
    guint i;

    for (i = 0; lines[i]; i++) {
        char *colon = strchr(lines[i], ':');
        g_autofree char *key = NULL;
        const char *value;
        guint64 v;

        if (!colon)
            continue;
        key = g_strstrip(g_strndup(lines[i], colon - lines[i]));
        value = colon + 1;
        while (*value == ' ' || *value == '\t')
            value++;
        if (g_str_equal(key, "processor")) {
            first = !seenProcessor;
            seenProcessor = true;
        }
        if (g_str_equal(key, "cpu MHz")) {
            /* libvirt: every such line, the integer part, the last wins */
            g_autofree char *num = g_strndup(value, strspn(value, "0123456789"));

            if (g_ascii_string_to_unsigned(num, 10, 0, G_MAXUINT, &v, NULL))
                host->mhz = (unsigned int)v;
        }
        if (!first)
            continue;
        if (g_str_equal(key, "vendor_id") && !host->vendor) {
            host->vendor = g_strdup(value);
        } else if (g_str_equal(key, "model name") && !host->modelName) {
            host->modelName = g_strdup(value);
        } else if (g_str_equal(key, "cpu family") &&
                   g_ascii_string_to_unsigned(value, 10, 1, G_MAXUINT, &v, NULL)) {
            host->family = (unsigned int)v;
            n++;
        } else if (g_str_equal(key, "model") &&
                   g_ascii_string_to_unsigned(value, 10, 0, G_MAXUINT, &v, NULL)) {
            host->model = (unsigned int)v;
            n++;
        } else if (g_str_equal(key, "stepping") &&
                   g_ascii_string_to_unsigned(value, 10, 0, G_MAXUINT, &v, NULL)) {
            host->stepping = (unsigned int)v;
            n++;
        } else if (g_str_equal(key, "microcode")) {
            const char *hex = g_str_has_prefix(value, "0x") ? value + 2 : value;

            if (g_ascii_string_to_unsigned(hex, 16, 0, G_MAXUINT, &v, NULL))
                host->microcode = (unsigned int)v;
        } else if (g_str_equal(key, "address sizes")) {
            g_autofree char *num = g_strndup(value, strspn(value, "0123456789"));

            if (g_ascii_string_to_unsigned(num, 10, 1, 64, &v, NULL))
                host->physBits = (unsigned int)v;
        }
    }
    host->hasSignature = n == 3;
}

static int
gvHostReadCPUs(gvHostInfo *host, const char *root, unsigned int what, GError **error)
{
    g_autoptr(GArray) present = NULL;
    g_autoptr(GArray) online = NULL;
    guint i;

    if (gvHostReadCPUList(root, "sys/devices/system/cpu/present", GV_HOST_CPUS_MAX, &present,
                          error) < 0 ||
        gvHostReadCPUList(root, "sys/devices/system/cpu/online", GV_HOST_CPUS_MAX, &online, error) <
            0)
        return -1;
    if (!present || present->len == 0) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR,
                      "no CPUs found in '%s/sys/devices/system/cpu/present'", root);
        return -1;
    }
    for (i = 0; i < present->len; i++) {
        g_autofree char *base = NULL;
        g_autofree char *rel = NULL;
        gvHostCPU *cpu = g_new0(gvHostCPU, 1);
        g_autofree char *siblings = NULL;
        g_autoptr(GArray) sibIds = NULL;
        int rc;

        cpu->id = g_array_index(present, guint, i);
        /* no online file: every present CPU is online */
        cpu->online = !online || gvHostListHas(online, cpu->id);
        g_ptr_array_add(host->cpus, cpu);
        if (!cpu->online || !(what & GV_HOST_READ_CPU_TOPOLOGY))
            continue;
        base = g_strdup_printf("sys/devices/system/cpu/cpu%u/topology", cpu->id);
        rel = g_strdup_printf("%s/physical_package_id", base);
        if (gvHostReadUInt(root, rel, G_MAXINT, &cpu->socket, error) < 0)
            return -1;
        g_free(rel);
        rel = g_strdup_printf("%s/die_id", base);
        if (gvHostReadUInt(root, rel, G_MAXINT, &cpu->die, error) < 0)
            return -1;
        g_free(rel);
        rel = g_strdup_printf("%s/core_id", base);
        if (gvHostReadUInt(root, rel, G_MAXINT, &cpu->core, error) < 0)
            return -1;
        g_free(rel);
        rel = g_strdup_printf("%s/thread_siblings_list", base);
        if ((rc = gvHostRead(root, rel, &siblings, error)) < 0)
            return -1;
        if (rc > 0 && !gvHostParseCPUList(siblings, GV_HOST_CPUS_MAX, &sibIds)) {
            gvReportError(error, GV_ERR_INTERNAL_ERROR,
                          "'%s' in '%s' is not a list of ids below %u", g_strstrip(siblings), rel,
                          GV_HOST_CPUS_MAX);
            return -1;
        }
        if (!sibIds || sibIds->len == 0) {
            /* no siblings file: the thread is its only sibling */
            cpu->siblings = g_strdup_printf("%u", cpu->id);
            cpu->nsiblings = 1;
        } else {
            cpu->siblings = g_strstrip(g_steal_pointer(&siblings));
            cpu->nsiblings = sibIds->len;
        }
    }
    return 0;
}

/* The huge page sizes (KiB) of DIR/hugepages-SIZEkB and their nr_hugepages */
static int
gvHostReadHugePages(const char *root, const char *dir, GArray *pages, GError **error)
{
    g_autoptr(GArray) sizes = gvHostListDir(root, dir, "hugepages-", "kB", 64);
    guint i;

    for (i = 0; i < sizes->len; i++) {
        gvHostPages p = { g_array_index(sizes, guint, i), 0 };
        g_autofree char *rel =
            g_strdup_printf("%s/hugepages-%ukB/nr_hugepages", dir, g_array_index(sizes, guint, i));
        guint count = 0;

        if (gvHostReadUInt(root, rel, G_MAXINT, &count, error) < 0)
            return -1;
        p.count = count;
        g_array_append_val(pages, p);
    }
    return 0;
}

/* The system pages of a cell: what its memory holds besides its huge pages */
static void
gvHostCellAddSystemPages(gvHostCell *cell, unsigned long long pageSize, GArray *huge)
{
    unsigned long long hugeKiB = 0;
    gvHostPages sys = { pageSize, 0 };
    guint i;

    for (i = 0; i < huge->len; i++) {
        const gvHostPages *p = &g_array_index(huge, gvHostPages, i);

        hugeKiB += p->size * p->count;
    }
    if (cell->memTotal > hugeKiB)
        sys.count = (cell->memTotal - hugeKiB) / pageSize;
    g_array_append_val(cell->pages, sys);
    g_array_append_vals(cell->pages, huge->data, huge->len);
}

static gvHostCell *
gvHostCellNew(unsigned int id)
{
    gvHostCell *cell = g_new0(gvHostCell, 1);

    cell->id = id;
    cell->distances = g_array_new(FALSE, FALSE, sizeof(guint));
    cell->pages = g_array_new(FALSE, FALSE, sizeof(gvHostPages));
    return cell;
}

static int
gvHostReadCell(gvHostInfo *host, const char *root, guint id, unsigned int what, GError **error)
{
    g_autofree char *dir = g_strdup_printf("sys/devices/system/node/node%u", id);
    g_autofree char *rel = NULL;
    g_autofree char *meminfo = NULL;
    g_autofree char *distance = NULL;
    g_autoptr(GArray) huge = g_array_new(FALSE, FALSE, sizeof(gvHostPages));
    gvHostCell *cell = gvHostCellNew(id);
    guint i;

    g_ptr_array_add(host->cells, cell);
    rel = g_strdup_printf("%s/cpulist", dir);
    if ((what & GV_HOST_READ_CPUS) &&
        gvHostReadCPUList(root, rel, GV_HOST_CPUS_MAX, &cell->cpus, error) < 0)
        return -1;
    if (!cell->cpus)
        cell->cpus = g_array_new(FALSE, FALSE, sizeof(guint));
    /* the cell's CPUs that are present */
    for (i = cell->cpus->len; i > 0; i--) {
        if (!gvHostInfoFindCPU(host, g_array_index(cell->cpus, guint, i - 1)))
            g_array_remove_index(cell->cpus, i - 1);
    }
    g_free(rel);
    rel = g_strdup_printf("%s/meminfo", dir);
    if ((what & GV_HOST_READ_CELL_MEMORY) && gvHostRead(root, rel, &meminfo, error) < 0)
        return -1;
    if (meminfo) {
        (void)gvHostParseMeminfo(meminfo, "MemTotal", &cell->memTotal);
        (void)gvHostParseMeminfo(meminfo, "MemFree", &cell->memFree);
    }
    if (!(what & GV_HOST_READ_CELL_DETAILS))
        return 0;
    g_free(rel);
    rel = g_strdup_printf("%s/distance", dir);
    if (gvHostRead(root, rel, &distance, error) < 0)
        return -1;
    if (distance) {
        g_auto(GStrv) values = g_strsplit_set(g_strstrip(distance), " \t", -1);

        for (i = 0; values[i] && i < GV_HOST_CELLS_MAX; i++) {
            guint v;

            if (*values[i] == '\0')
                continue;
            if (!gvHostParseUInt(values[i], 255, &v)) {
                gvReportError(error, GV_ERR_INTERNAL_ERROR, "distance '%s' in '%s' is not a number",
                              values[i], rel);
                return -1;
            }
            g_array_append_val(cell->distances, v);
        }
    }
    g_free(rel);
    rel = g_strdup_printf("%s/hugepages", dir);
    if (gvHostReadHugePages(root, rel, huge, error) < 0)
        return -1;
    gvHostCellAddSystemPages(cell, host->pageSize, huge);
    return 0;
}

static int
gvHostReadCells(gvHostInfo *host, const char *root, unsigned int what, GError **error)
{
    g_autoptr(GArray) ids = NULL;
    guint i;

    host->numa = gvHostDirExists(root, "sys/devices/system/node");
    if (host->numa)
        ids = gvHostListDir(root, "sys/devices/system/node", "node", "", GV_HOST_CELLS_MAX);
    if (!ids || ids->len == 0) {
        g_autoptr(GArray) huge = g_array_new(FALSE, FALSE, sizeof(gvHostPages));
        gvHostCell *cell = gvHostCellNew(0);

        /* no NUMA: one cell with the whole host */
        g_ptr_array_add(host->cells, cell);
        cell->memTotal = host->memTotal;
        cell->memFree = host->memFree;
        cell->cpus = g_array_new(FALSE, FALSE, sizeof(guint));
        for (i = 0; i < host->cpus->len; i++)
            g_array_append_val(cell->cpus, ((gvHostCPU *)g_ptr_array_index(host->cpus, i))->id);
        host->numa = false;
        if (!(what & GV_HOST_READ_CELL_DETAILS))
            return 0;
        if (gvHostReadHugePages(root, "sys/kernel/mm/hugepages", huge, error) < 0)
            return -1;
        gvHostCellAddSystemPages(cell, host->pageSize, huge);
        return 0;
    }
    for (i = 0; i < ids->len; i++) {
        if (gvHostReadCell(host, root, g_array_index(ids, guint, i), what, error) < 0)
            return -1;
    }
    return 0;
}

gvHostInfo *
gvHostInfoRead(const char *root, unsigned int what, GError **error)
{
    g_autoptr(gvHostInfo) host = g_new0(gvHostInfo, 1);
    g_autofree char *cpuinfo = NULL;
    g_autofree char *meminfo = NULL;
    g_autoptr(GArray) huge = g_array_new(FALSE, FALSE, sizeof(gvHostPages));
    long pageSize = sysconf(_SC_PAGESIZE);
    guint i;

    host->cpus = g_ptr_array_new_with_free_func((GDestroyNotify)gvHostCPUFree);
    host->cells = g_ptr_array_new_with_free_func((GDestroyNotify)gvHostCellFree);
    host->pageSizes = g_array_new(FALSE, FALSE, sizeof(unsigned long long));
    host->pageSize = pageSize > 0 ? (unsigned long long)pageSize / 1024 : 4;

    /* what needs what */
    if (what & GV_HOST_READ_CPU_TOPOLOGY)
        what |= GV_HOST_READ_CPUS;
    if (what & GV_HOST_READ_CELL_DETAILS)
        what |= GV_HOST_READ_CELL_MEMORY;
    if ((what & GV_HOST_READ_CPUINFO) && gvHostRead(root, "proc/cpuinfo", &cpuinfo, error) < 0)
        return NULL;
    if (cpuinfo)
        gvHostParseCPUInfo(host, cpuinfo);
    if (gvHostRead(root, "proc/meminfo", &meminfo, error) < 0)
        return NULL;
    if (!meminfo || !gvHostParseMeminfo(meminfo, "MemTotal", &host->memTotal)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "no MemTotal in '%s/proc/meminfo'", root);
        return NULL;
    }
    (void)gvHostParseMeminfo(meminfo, "MemFree", &host->memFree);
    (void)gvHostParseMeminfo(meminfo, "Buffers", &host->buffers);
    (void)gvHostParseMeminfo(meminfo, "Cached", &host->cached);

    if (((what & GV_HOST_READ_CPUS) && gvHostReadCPUs(host, root, what, error) < 0) ||
        gvHostReadCells(host, root, what, error) < 0)
        return NULL;

    g_array_append_val(host->pageSizes, host->pageSize);
    if (!(what & GV_HOST_READ_CELL_DETAILS))
        return g_steal_pointer(&host);
    if (gvHostReadHugePages(root, "sys/kernel/mm/hugepages", huge, error) < 0)
        return NULL;
    for (i = 0; i < huge->len; i++)
        g_array_append_val(host->pageSizes, g_array_index(huge, gvHostPages, i).size);
    host->iommu = gvHostDirHasEntries(root, "sys/kernel/iommu_groups");
    return g_steal_pointer(&host);
}

const gvHostCPU *
gvHostInfoFindCPU(const gvHostInfo *host, unsigned int id)
{
    guint i;

    for (i = 0; i < host->cpus->len; i++) {
        const gvHostCPU *cpu = g_ptr_array_index(host->cpus, i);

        if (cpu->id == id)
            return cpu;
    }
    return NULL;
}

const gvHostCell *
gvHostInfoFindCell(const gvHostInfo *host, unsigned int id)
{
    guint i;

    for (i = 0; i < host->cells->len; i++) {
        const gvHostCell *cell = g_ptr_array_index(host->cells, i);

        if (cell->id == id)
            return cell;
    }
    return NULL;
}

/* ---- libvirt's node info ------------------------------------------------------ */

typedef struct {
    unsigned int online;
    unsigned int offline;
    unsigned int sockets;
    unsigned int cores;
    unsigned int threads;
} gvHostCount;

/* libvirt's virHostCPUParseNode on the CPUs @ids */
static void
gvHostCountCPUs(const gvHostInfo *host, const GArray *ids, gvHostCount *c)
{
    g_autoptr(GHashTable) sockets = g_hash_table_new(g_direct_hash, g_direct_equal);
    /* socket -> the set of its cores */
    g_autoptr(GHashTable) cores = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                                        (GDestroyNotify)g_hash_table_unref);
    GHashTableIter iter;
    gpointer value;
    guint i;

    memset(c, 0, sizeof(*c));
    for (i = 0; i < ids->len; i++) {
        const gvHostCPU *cpu = gvHostInfoFindCPU(host, g_array_index(ids, guint, i));
        GHashTable *set;

        if (!cpu)
            continue;
        if (!cpu->online) {
            c->offline++;
            continue;
        }
        c->online++;
        g_hash_table_add(sockets, GUINT_TO_POINTER(cpu->socket));
        if (!(set = g_hash_table_lookup(cores, GUINT_TO_POINTER(cpu->socket)))) {
            set = g_hash_table_new(g_direct_hash, g_direct_equal);
            g_hash_table_insert(cores, GUINT_TO_POINTER(cpu->socket), set);
        }
        /* a core is its (die, core) pair: core ids restart on each die */
        g_hash_table_add(set, GUINT_TO_POINTER(cpu->die * 65536u + cpu->core));
        c->threads = MAX(c->threads, cpu->nsiblings);
    }
    c->sockets = g_hash_table_size(sockets);
    g_hash_table_iter_init(&iter, cores);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        c->cores = MAX(c->cores, g_hash_table_size(value));
}

void
gvHostInfoGetNodeInfo(const gvHostInfo *host, gvHostNodeInfo *info)
{
    unsigned int offline = 0;
    gvHostCount c;
    guint i;

    memset(info, 0, sizeof(*info));
    info->memory = host->memTotal;
    info->mhz = host->mhz;
    if (host->numa) {
        for (i = 0; i < host->cells->len; i++) {
            const gvHostCell *cell = g_ptr_array_index(host->cells, i);

            gvHostCountCPUs(host, cell->cpus, &c);
            info->nodes++;
            info->cpus += c.online;
            offline += c.offline;
            info->sockets = MAX(info->sockets, c.sockets);
            info->cores = MAX(info->cores, c.cores);
            info->threads = MAX(info->threads, c.threads);
        }
    }
    if (info->cpus == 0 || info->nodes == 0) {
        /* no NUMA (or cells without CPUs): all CPUs as one node */
        g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(guint));

        for (i = 0; i < host->cpus->len; i++)
            g_array_append_val(all, ((gvHostCPU *)g_ptr_array_index(host->cpus, i))->id);
        gvHostCountCPUs(host, all, &c);
        offline = c.offline;
        info->nodes = 1;
        info->cpus = c.online;
        info->sockets = c.sockets;
        info->cores = c.cores;
        info->threads = c.threads;
    }
    if (info->nodes * info->sockets * info->cores * info->threads != info->cpus + offline) {
        info->nodes = 1;
        info->sockets = 1;
        info->cores = info->cpus + offline;
        info->threads = 1;
    }
}

/* ---- statistics ---------------------------------------------------------------- */

int
gvHostReadCPUStats(const char *root, int cpuNum, unsigned long long tickNs,
                   gvHostStat stats[GV_HOST_CPU_STATS_COUNT], GError **error)
{
    g_autofree char *data = NULL;
    g_autofree char *header = cpuNum < 0 ? g_strdup("cpu ") : g_strdup_printf("cpu%d ", cpuNum);
    g_auto(GStrv) lines = NULL;
    guint i;

    if (cpuNum < -1) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "cpuNum '%d' in virNodeGetCPUStats is neither a host CPU nor -1", cpuNum);
        return -1;
    }
    if (gvHostRead(root, "proc/stat", &data, error) < 0)
        return -1;
    lines = g_strsplit(data ? data : "", "\n", -1);
    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) f = NULL;
        guint64 v[7] = { 0 };
        guint n;
        guint j;

        if (!g_str_has_prefix(lines[i], header))
            continue;
        f = g_strsplit_set(lines[i] + strlen(header), " ", -1);
        /* user nice system idle iowait irq softirq (steal guest guest_nice) */
        for (j = 0, n = 0; f[j] && n < G_N_ELEMENTS(v); j++) {
            if (*f[j] == '\0')
                continue;
            if (!g_ascii_string_to_unsigned(f[j], 10, 0, G_MAXUINT64 / 4 / tickNs, &v[n], NULL))
                break;
            n++;
        }
        if (n < 4)
            continue;
        stats[0] = (gvHostStat){ "kernel", (v[2] + v[5] + v[6]) * tickNs };
        stats[1] = (gvHostStat){ "user", (v[0] + v[1]) * tickNs };
        stats[2] = (gvHostStat){ "idle", v[3] * tickNs };
        stats[3] = (gvHostStat){ "iowait", v[4] * tickNs };
        return 0;
    }
    gvReportError(error, GV_ERR_INVALID_ARG, "cpuNum '%d' in virNodeGetCPUStats is not a host CPU",
                  cpuNum);
    return -1;
}

int
gvHostReadMemoryStats(const char *root, int cellNum, gvHostStat stats[GV_HOST_MEMORY_STATS_ALL],
                      size_t *n, GError **error)
{
    static const char *const keys[] = { "MemTotal", "MemFree", "Buffers", "Cached" };
    static const char *const fields[] = { "total", "free", "buffers", "cached" };
    g_autofree char *data = NULL;
    g_autofree char *rel = NULL;
    size_t want = GV_HOST_MEMORY_STATS_ALL;
    size_t found = 0;
    size_t i;

    if (cellNum == 0 && !gvHostDirExists(root, "sys/devices/system/node"))
        cellNum = -1;
    if (cellNum < -1) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "cellNum '%d' in virNodeGetMemoryStats is neither a NUMA cell nor -1",
                      cellNum);
        return -1;
    }
    if (cellNum == -1) {
        rel = g_strdup("proc/meminfo");
    } else {
        rel = g_strdup_printf("sys/devices/system/node/node%d/meminfo", cellNum);
        want = GV_HOST_MEMORY_STATS_CELL;
    }
    if (gvHostRead(root, rel, &data, error) < 0)
        return -1;
    if (!data) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "cellNum '%d' in virNodeGetMemoryStats is not a NUMA cell of this host",
                      cellNum);
        return -1;
    }
    for (i = 0; i < want; i++) {
        unsigned long long kib;

        if (gvHostParseMeminfo(data, keys[i], &kib))
            stats[found++] = (gvHostStat){ fields[i], kib };
    }
    if (found == 0) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "no memory line found in '%s/%s'", root, rel);
        return -1;
    }
    *n = found;
    return 0;
}

/* ---- identity -------------------------------------------------------------------- */

bool
gvHostReadUUID(const char *root, unsigned char uuid[16])
{
    g_autofree char *data = NULL;
    g_autoptr(GChecksum) sum = NULL;
    guint8 digest[32];
    gsize len = sizeof(digest);

    if (gvHostRead(root, "sys/class/dmi/id/product_uuid", &data, NULL) > 0 &&
        gvUUIDParse(data, uuid) && !gvUUIDIsNil(uuid))
        return true;
    g_clear_pointer(&data, g_free);
    if (gvHostRead(root, "etc/machine-id", &data, NULL) <= 0 || *g_strstrip(data) == '\0')
        return false;
    /* the machine ID is meant to stay private: reveal only a hash of it */
    sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)"genvirt host uuid:", -1);
    g_checksum_update(sum, (const guchar *)data, -1);
    g_checksum_get_digest(sum, digest, &len);
    memcpy(uuid, digest, 16);
    uuid[6] = (uuid[6] & 0x0f) | 0x50; /* version 5: name-based (SHA) */
    uuid[8] = (uuid[8] & 0x3f) | 0x80;
    return true;
}
