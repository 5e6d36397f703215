/*
 * gvprocfs.c: /proc/PID/stat, schedstat and sched
 */
#include <gvconfig.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "gverror.h"
#include "gvfile.h"
#include "gvprocfs.h"

/* The fields of stat this reads, numbered as in proc(5) */
#define GV_PROC_STAT_STATE 3
#define GV_PROC_STAT_UTIME 14
#define GV_PROC_STAT_STIME 15
#define GV_PROC_STAT_RSS 24
#define GV_PROC_STAT_PROCESSOR 39

static bool
gvParseU64(const char *s, guint64 *out)
{
    return s && g_ascii_string_to_unsigned(s, 10, 0, G_MAXUINT64, out, NULL);
}

bool
gvProcParseStat(const char *text, gvProcStat *st)
{
    /* "pid (comm) state ...": comm may hold spaces and ')' itself */
    const char *end = text ? strrchr(text, ')') : NULL;
    g_auto(GStrv) f = NULL;
    gvProcStat out = { 0 };
    guint64 cpu;

    if (!end || end[1] != ' ')
        return false;
    f = g_strsplit(end + 2, " ", GV_PROC_STAT_PROCESSOR - 1);
    /* f[0] is field 3 */
    if (g_strv_length(f) < GV_PROC_STAT_PROCESSOR - 2 || strlen(f[0]) != 1)
        return false;
    out.state = f[0][0];
    if (!gvParseU64(f[GV_PROC_STAT_UTIME - 3], &out.utime) ||
        !gvParseU64(f[GV_PROC_STAT_STIME - 3], &out.stime) ||
        !gvParseU64(f[GV_PROC_STAT_RSS - 3], &out.rss))
        return false;
    /* the last field read may be followed by the rest of the line */
    {
        g_autofree char *p =
            g_strndup(f[GV_PROC_STAT_PROCESSOR - 3], strcspn(f[GV_PROC_STAT_PROCESSOR - 3], " \n"));

        if (!gvParseU64(p, &cpu) || cpu > G_MAXINT32)
            return false;
    }
    out.processor = (gint64)cpu;
    *st = out;
    return true;
}

bool
gvProcParseSchedstat(const char *text, guint64 *runNs, guint64 *delayNs)
{
    g_auto(GStrv) f = text ? g_strsplit_set(text, " \n", 4) : NULL;
    guint64 run;
    guint64 delay;
    guint64 slices;

    /* "run delay timeslices\n" */
    if (!f || g_strv_length(f) < 3 || !gvParseU64(f[0], &run) || !gvParseU64(f[1], &delay) ||
        !gvParseU64(f[2], &slices))
        return false;
    *runNs = run;
    *delayNs = delay;
    return true;
}

/* "12.345678" (ms) -> ns */
static bool
gvParseMillis(const char *s, guint64 *ns)
{
    g_auto(GStrv) parts = g_strsplit(s, ".", 3);
    guint64 ms;
    guint64 frac = 0;
    size_t digits = 0;

    if (g_strv_length(parts) < 1 || g_strv_length(parts) > 2 || !gvParseU64(parts[0], &ms) ||
        ms >= G_MAXUINT64 / 1000000)
        return false;
    if (parts[1]) {
        digits = strlen(parts[1]);
        if (digits == 0 || digits > 6 || !gvParseU64(parts[1], &frac))
            return false;
        while (digits++ < 6)
            frac *= 10;
    }
    *ns = ms * 1000000 + frac;
    return true;
}

int
gvProcParseSchedWaitSum(const char *text, guint64 *waitNs)
{
    g_auto(GStrv) lines = text ? g_strsplit(text, "\n", -1) : NULL;
    size_t i;

    for (i = 0; lines && lines[i]; i++) {
        g_auto(GStrv) kv = g_strsplit(lines[i], ":", 2);

        if (g_strv_length(kv) != 2)
            continue;
        g_strstrip(kv[0]);
        g_strstrip(kv[1]);
        if (!g_str_equal(kv[0], "se.statistics.wait_sum") && !g_str_equal(kv[0], "wait_sum"))
            continue;
        return gvParseMillis(kv[1], waitNs) ? 1 : -1;
    }
    return 0;
}

/* Reads a small /proc file (they are never larger than a few KiB) */
static char *
gvProcRead(pid_t pid, pid_t tid, const char *what)
{
    g_autofree char *path = tid > 0
                                ? g_strdup_printf("/proc/%d/task/%d/%s", (int)pid, (int)tid, what)
                                : g_strdup_printf("/proc/%d/%s", (int)pid, what);
    char buf[8192];
    size_t done;
    int fd;

    if (pid <= 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return NULL;
    done = gvFileReadFd(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (done == 0)
        return NULL;
    buf[done] = '\0';
    return g_strdup(buf);
}

bool
gvProcReadStat(pid_t pid, pid_t tid, gvProcStat *st)
{
    g_autofree char *text = gvProcRead(pid, tid, "stat");

    return gvProcParseStat(text, st);
}

bool
gvProcReadSchedstat(pid_t pid, pid_t tid, guint64 *runNs, guint64 *delayNs)
{
    g_autofree char *text = gvProcRead(pid, tid, "schedstat");

    return gvProcParseSchedstat(text, runNs, delayNs);
}

int
gvProcReadSchedWaitSum(pid_t pid, pid_t tid, guint64 *waitNs)
{
    g_autofree char *text = gvProcRead(pid, tid, "sched");

    return text ? gvProcParseSchedWaitSum(text, waitNs) : 0;
}

guint64
gvProcTicksToNs(guint64 ticks)
{
    static gsize hz;

    if (g_once_init_enter(&hz)) {
        long v = sysconf(_SC_CLK_TCK);

        g_once_init_leave(&hz, v > 0 ? (gsize)v : 100);
    }
    return ticks * (1000000000ULL / hz);
}

guint64
gvProcPageSize(void)
{
    long v = sysconf(_SC_PAGESIZE);

    return v > 0 ? (guint64)v : 4096;
}

/* the most CPUs a list may name: libvirt's REMOTE_CPUMAP_MAX bytes of map */
#define GV_CPU_LIST_MAX (2048 * 8)

bool
gvParseCpuList(const char *text, guint8 *map, gsize maplen, gint64 *highest)
{
    g_autofree char *copy = g_strstrip(g_strdup(text ? text : ""));
    g_auto(GStrv) parts = g_strsplit(copy, ",", -1);
    gint64 top = -1;
    size_t i;

    memset(map, 0, maplen);
    for (i = 0; copy[0] && parts[i]; i++) {
        g_auto(GStrv) range = g_strsplit(parts[i], "-", 3);
        guint64 lo;
        guint64 hi;
        guint64 c;

        if (g_strv_length(range) > 2 || !gvParseU64(range[0], &lo))
            return false;
        hi = lo;
        if (range[1] && !gvParseU64(range[1], &hi))
            return false;
        if (hi < lo || hi >= GV_CPU_LIST_MAX)
            return false;
        for (c = lo; c <= hi; c++) {
            if (c < maplen * 8)
                map[c / 8] |= (guint8)(1u << (c % 8));
        }
        top = MAX(top, (gint64)hi);
    }
    *highest = top;
    return true;
}
