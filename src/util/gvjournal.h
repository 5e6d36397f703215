/*
 * gvjournal.h: a directory of small files (the domain configs) whose
 * writes are visible at once and durable through an intent journal
 *
 * A write replaces the file in the directory at once (temporary file and
 * rename, no sync) and appends a record of it to a journal file, which
 * is synced (one fdatasync into preallocated space) before the write
 * returns.  A background thread, once writes pause or the journal fills
 * up, makes the files themselves durable (fsync of each, then of the
 * directory) and wipes the records.  Opening the store replays what a
 * crash left in the journal into the directory.  So an acknowledged write
 * costs one disk flush instead of two, and survives a crash of the
 * machine.
 *
 * Two journal files take turns: while the background thread makes the
 * records of one durable, writes go to the other.  A record:
 *
 *   u32 magic "GVJ1"   u32 crc32c of what follows (header rest + payload)
 *   u64 nonce          random, one per filling of the file
 *   u64 seq            global, consecutive within a file
 *   u32 kind           1 put, 2 remove, 3 rename (data: old name, NUL, new data)
 *   u32 name length    at most GV_JOURNAL_NAME_MAX
 *   u32 data length    at most the file's capacity
 *   u32 zero
 *   name, data, zero padding to 8 bytes          (all little-endian)
 *
 * Replay takes, in each file, the records from offset 0 on while the
 * magic, nonce, seq and crc hold; merges the two files by seq; applies the
 * last record of each name durably; wipes both files.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#define GV_JOURNAL_NAME_MAX 255
/* the default size of each journal file */
#define GV_JOURNAL_CAPACITY (4 * 1024 * 1024)
/* how long writes pause before the background thread makes them durable */
#define GV_JOURNAL_QUIET_MS 250

typedef struct _gvJournal gvJournal;

/*
 * Opens the store of @dir with the journal files @journal.0 and @journal.1
 * (created with mode 0600, @capacity bytes each, 0 for the default),
 * replays what they hold into @dir and starts the background thread.
 * @quietMs: the pause before a background checkpoint (negative: default).
 */
gvJournal *gvJournalOpen(const char *dir, const char *journal, size_t capacity, int quietMs,
                         GError **error);

/*
 * Replaces @dir/@name with @data (mode 0600), durably.  @name: a file
 * name, not starting with '.'.  Writes of one name are applied in the
 * order of the calls; the call may wait for a checkpoint when the journal
 * is full.  Thread-safe.
 */
int gvJournalPut(gvJournal *j, const char *name, const char *data, size_t len, GError **error);

/* Removes @dir/@name (no error if it does not exist), durably */
int gvJournalRemove(gvJournal *j, const char *name, GError **error);

/*
 * Replaces @dir/@oldName by @dir/@newName holding @data, as one durable
 * step: after a crash either the old file or the new one exists, never
 * both.  Thread-safe.
 */
int gvJournalRename(gvJournal *j, const char *oldName, const char *newName, const char *data,
                    size_t len, GError **error);

/* Makes every write durable in @dir itself and wipes the journal */
int gvJournalSync(gvJournal *j, GError **error);

/* Number of checkpoints done so far (for tests) */
guint64 gvJournalCheckpoints(gvJournal *j);

/* Syncs (errors are logged), stops the thread, frees @j */
void gvJournalClose(gvJournal *j);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvJournal, gvJournalClose)

/*
 * Calls @fn for each valid record of the journal file @fd (named @what in
 * warnings), in file order, up to the end of the chain; records with more
 * than @limit bytes of data end it.  A rename calls @fn twice with its seq:
 * the removal of the old name, then the put of the new one.  @data is NUL-terminated and wiped
 * after the call.  Returns the number of records.  For replay, tests and
 * fuzzing.
 */
typedef void (*gvJournalRecordFunc)(guint64 seq, bool put, const char *name, const char *data,
                                    size_t len, gpointer opaque);
guint gvJournalScanFile(int fd, const char *what, size_t limit, gvJournalRecordFunc fn,
                        gpointer opaque);

/* True for a name gvJournalPut accepts */
bool gvJournalNameValid(const char *name);

/* CRC-32C (Castagnoli) of @len bytes, continuing from @crc (0 to start) */
guint32 gvCrc32c(guint32 crc, const void *data, size_t len);
