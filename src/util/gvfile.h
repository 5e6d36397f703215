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

/*
 * Like gvFileWriteAtomic, without the two syncs: other readers see the
 * whole new file at once, but a crash of the machine may lose it (or, on
 * some file systems, leave an empty file).  For writes made durable by
 * other means (gvjournal.h).
 */
int gvFileWriteVisible(const char *path, const char *data, size_t len, unsigned int mode,
                       GError **error);

/* fsync(2) of @path (a file that does not exist is no error) */
int gvFileSync(const char *path, GError **error);

/* fsync(2) of the directory @dir: makes its renames and removals durable */
int gvFsyncDir(const char *dir, GError **error);

/*
 * Removes @path from its directory by renaming it to a hidden spare name
 * there, which it returns (NULL and no error if @path does not exist).
 * Its contents stay until gvFileRecycle: call it once the removal is
 * durable (a crash before that must not find the file emptied).
 */
char *gvFileRetire(const char *path, GError **error);

/* Empties the retired file @spare and keeps it as a spare (or removes it) */
void gvFileRecycle(const char *spare);

/* Removes the spare temporary files kept in @dir (before removing @dir) */
void gvFileDropSpares(const char *dir);
/* The same for every directory (at exit), after stopping the refills */
void gvFileDropAllSpares(void);

/* Removes @path and makes that durable (fsync of its directory) */
int gvFileRemoveDurable(const char *path, GError **error);

/*
 * Makes @link (in @dir, created 0700 if missing) a symlink to @target,
 * replacing what was there (autostart links); not synced
 */
int gvFileReplaceSymlink(const char *dir, const char *link, const char *target, GError **error);

/* Creates @path and its parents with @mode; existing dirs are chmod'ed */
int gvDirEnsure(const char *path, unsigned int mode, GError **error);

/* Reads @fd into @buf until @size bytes, its end or an error; the count read */
size_t gvFileReadFd(int fd, char *buf, size_t size);

/*
 * Sends @len bytes of @data (at least 1) on the UNIX socket @sock with @fd
 * attached (SCM_RIGHTS), without SIGPIPE; sendmsg's result and errno.
 */
ssize_t gvSocketSendFd(int sock, const void *data, size_t len, int fd);

/* Reads @path if it is at most @max bytes; the contents are NUL-terminated */
int gvFileReadBounded(const char *path, size_t max, char **data, size_t *len, GError **error);

/*
 * Reads @path to its end, at most @max bytes, whatever size it claims (the
 * files of /proc and /sys claim 0 or 4096); the contents are
 * NUL-terminated.  Returns 1, or 0 (and no error, *@data untouched) when
 * @path does not exist, or -1.
 */
int gvFileReadOptional(const char *path, size_t max, char **data, GError **error);

/* True for the temporary files gvFileWriteAtomic leaves behind after a crash */
bool gvFileIsAtomicTemp(const char *name);
