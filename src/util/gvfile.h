/*
 * gvfile.h: durable file writes and bounded reads
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

/*
 * Writes @data to @path atomically and durably: a temporary file beside it
 * (".NAME.XXXXXX", mode @mode), fsync, rename over @path, fsync of the
 * directory.  A crash leaves either the old or the new file, never half.
 */
int gvFileWriteAtomic(const char *path, const char *data, size_t len, unsigned int mode,
                      GError **error);

/* Removes the spare temporary files kept in @dir (before removing @dir) */
void gvFileDropSpares(const char *dir);
/* The same for every directory (at exit), after stopping the refills */
void gvFileDropAllSpares(void);

/* Removes @path and makes that durable (fsync of its directory) */
int gvFileRemoveDurable(const char *path, GError **error);

/* Creates @path and its parents with @mode; existing dirs are chmod'ed */
int gvDirEnsure(const char *path, unsigned int mode, GError **error);

/* Reads @path if it is at most @max bytes; the contents are NUL-terminated */
int gvFileReadBounded(const char *path, size_t max, char **data, size_t *len, GError **error);

/* True for the temporary files gvFileWriteAtomic leaves behind after a crash */
bool gvFileIsAtomicTemp(const char *name);
