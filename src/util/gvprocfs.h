/*
 * gvprocfs.h: what the kernel says about a process and its threads
 *
 * Pure parsers of /proc/PID[/task/TID]/stat, schedstat and sched (tested
 * and fuzzed directly), and readers that apply them.  Times in stat are
 * clock ticks; gvProcTicksToNs converts them.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

typedef struct {
    char state; /* 'R', 'S', ... */
    guint64 utime; /* clock ticks in user mode (all threads, for a process) */
    guint64 stime; /* clock ticks in kernel mode */
    guint64 rss; /* resident pages */
    gint64 processor; /* the CPU it last ran on */
} gvProcStat;

/* The text of a stat file; false when it is not one */
bool gvProcParseStat(const char *text, gvProcStat *st);
/* schedstat: nanoseconds on a CPU and waiting on a run queue */
bool gvProcParseSchedstat(const char *text, guint64 *runNs, guint64 *delayNs);
/*
 * sched: the "wait_sum" the scheduler keeps when schedstats are enabled
 * (milliseconds with six decimals), in ns.  1, or 0 when it is not there.
 */
int gvProcParseSchedWaitSum(const char *text, guint64 *waitNs);

/* @tid 0: the process itself.  Each is false (no error) when it cannot be read */
bool gvProcReadStat(pid_t pid, pid_t tid, gvProcStat *st);
bool gvProcReadSchedstat(pid_t pid, pid_t tid, guint64 *runNs, guint64 *delayNs);
int gvProcReadSchedWaitSum(pid_t pid, pid_t tid, guint64 *waitNs);

guint64 gvProcTicksToNs(guint64 ticks);
/* Bytes in a page */
guint64 gvProcPageSize(void);

/*
 * A kernel CPU list ("0-3,8,10-11\n", /sys/devices/system/cpu/online):
 * bit n of @map (@maplen bytes, zeroed first) is set for each CPU n below
 * @maplen * 8.  @highest gets the highest CPU listed (-1 for none).
 */
bool gvParseCpuList(const char *text, guint8 *map, gsize maplen, gint64 *highest);
