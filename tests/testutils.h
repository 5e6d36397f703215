/*
 * testutils.h: shared helpers of the golden-file tests
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

/* GENVIRT_TEST_REGENERATE=1 rewrites golden files instead of comparing */
bool gvTestRegenerate(void);

/* Absolute path of a file under tests/ in the source tree */
char *gvTestPath(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/*
 * Compares @actual with the file at @path, printing a unified diff on a
 * mismatch.  With the regenerate switch, writes @actual there instead.
 */
bool gvTestCompareToFile(const char *actual, const char *path);

/* The contents of @path, or NULL (and a test failure message) */
char *gvTestLoadFile(const char *path);

void gvTestRun(const char *name, GTestDataFunc fn, const void *data);
