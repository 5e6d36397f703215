/*
 * fuzz-journal.c: the config journal's record reader, as replay runs it on
 * a journal file that a crash (or anything else) may have damaged
 *
 * The input becomes the contents of a memfd; every record the reader
 * accepts must have a valid file name and NUL-terminated data of the
 * announced length.
 */
#include <gvconfig.h>

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gvjournal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(guint64 seq, bool put, const char *name, const char *data, size_t len, gpointer opaque)
{
    guint64 *last = opaque;

    if (!gvJournalNameValid(name) || data[len] != '\0' || (!put && len != 0))
        abort();
    if (*last && seq != *last + 1)
        abort();
    *last = seq;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-journal", MFD_CLOEXEC);
    guint64 last = 0;
    size_t done = 0;

    if (fd < 0)
        return 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);

        if (n <= 0)
            break;
        done += (size_t)n;
    }
    (void)gvJournalScanFile(fd, "fuzz", 1 << 20, check, &last);
    close(fd);
    return 0;
}
