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
 * GENVIRT_TEST_QEMU_DIES_AT=DOMAIN:COMMAND (or DOMAIN:COMMAND@N) is the same
 * for QEMU: the QMP monitor of domain DOMAIN that sends COMMAND (the N-th
 * time, counted over the process) stops its QEMU before the bytes go out and SIGKILLs it after, so QEMU dies
 * in the middle of that exchange, never having answered
 * (tests/integration/qemudies.py).
 *
 * Built with -Dtest_hooks=false the points compile to nothing and the
 * variables are ignored.
 */
#pragma once

#include <gvconfig.h>

#include <stdbool.h>

#if GV_WITH_TEST_HOOKS
/* Reads the two variables; call once at start, before any thread */
void gvCrashPointInit(void);
/* Logs @name and dies there if it is the chosen point */
void gvCrashPoint(const char *name);
#define GV_CRASH_POINT(name) gvCrashPoint("" name "")
/* True when the QEMU of @domain that is sent QMP @command is to die with it */
bool gvCrashPointQemuDies(const char *domain, const char *command);
#else
static inline void
gvCrashPointInit(void)
{
}
#define GV_CRASH_POINT(name) \
    do { \
    } while (0)
static inline bool
gvCrashPointQemuDies(const char *domain, const char *command)
{
    (void)domain;
    (void)command;
    return false;
}
#endif
