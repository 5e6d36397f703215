/*
 * gvcrashpoint.h: named points at which a test build of genvirtd dies as
 * `kill -9` would, for the recovery tests (tests/integration/crashpoints.py)
 *
 * A point is a string literal, "area:step" (for example
 * "revert:guid-persisted").  GENVIRT_TEST_CRASH_AT=NAME makes the process
 * SIGKILL itself the first time it reaches NAME; NAME@N the N-th time.
 * GENVIRT_TEST_CRASH_LOG=PATH appends the name of every point reached (one
 * per line) to PATH, so a test can tell which points an operation passes
 * and that the one it chose was reached.
 *
 * Built with -Dtest_hooks=false the points compile to nothing and the
 * variables are ignored.
 */
#pragma once

#include <gvconfig.h>

#if GV_WITH_TEST_HOOKS
/* Reads the two variables; call once at start, before any thread */
void gvCrashPointInit(void);
/* Logs @name and dies there if it is the chosen point */
void gvCrashPoint(const char *name);
#define GV_CRASH_POINT(name) gvCrashPoint("" name "")
#else
static inline void
gvCrashPointInit(void)
{
}
#define GV_CRASH_POINT(name) \
    do { \
    } while (0)
#endif
