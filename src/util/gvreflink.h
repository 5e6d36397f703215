/*
 * gvreflink.h: whole-file reflink copies (FICLONE) and file system names
 */
#pragma once

#include <glib.h>

/*
 * The name of the file system @path is on ("ext4", "xfs", "tmpfs", ...,
 * or "0xMAGIC" for one this table does not know); NULL when statfs(2)
 * fails.  For messages.
 */
char *gvFileSystemName(const char *path);

/*
 * Makes the new file @dst (mode @mode, O_EXCL) a reflink of the whole of
 * @src (ioctl FICLONE): both share their blocks until one is written.  A
 * file system without reflinks, or @src and @dst on two file systems, is
 * an error (GV_ERR_OPERATION_UNSUPPORTED) naming the file and the file
 * system, never a silent full copy; on any failure @dst is removed again.
 * The caller makes @dst durable.
 */
int gvFileReflink(const char *src, const char *dst, unsigned int mode, GError **error);
