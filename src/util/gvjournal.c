/*
 * gvjournal.c: a directory of small files whose writes are visible at once
 * and durable through an intent journal (see gvjournal.h)
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gvcrashpoint.h"
#include "gverror.h"
#include "gvfile.h"
#include "gvjournal.h"
#include "gvuuid.h"

#define GV_JOURNAL_MAGIC 0x314a5647u /* "GVJ1" as little-endian bytes */
#define GV_JOURNAL_HDR 40
#define GV_JOURNAL_PUT 1
#define GV_JOURNAL_REMOVE 2
#define GV_JOURNAL_RENAME 3
/* how long a write waits for a failing checkpoint before giving up */
#define GV_JOURNAL_WAIT_US (60 * G_TIME_SPAN_SECOND)
/* the pause between two attempts of a failing checkpoint */
#define GV_JOURNAL_RETRY_US (1 * G_TIME_SPAN_SECOND)

typedef struct {
    int fd;
    char *path;
    guint64 nonce;
    size_t tail; /* where the next record goes */
    GHashTable *names; /* the names recorded since the last wipe */
} gvJournalFile;

struct _gvJournal {
    char *dir;
    char *journal; /* the journal files' path, without ".0" / ".1" */
    size_t capacity;
    gint64 quietUs;
    GMutex lock;
    GCond cond;
    gvJournalFile files[2];
    int active; /* the file writes go to */
    guint64 seq; /* the last one used */
    gint64 lastWrite; /* monotonic time of the last record */
    bool busy; /* the thread is checkpointing files[!active] */
    bool quit;
    int failure; /* errno of the last failed checkpoint, 0 after a good one */
    guint64 checkpoints;
    GThread *thread;
};

/* ---- CRC-32C ------------------------------------------------------------ */

static guint32 gvCrc32cTable[256];

static gpointer
gvCrc32cInit(gpointer unused)
{
    guint32 i;

    for (i = 0; i < 256; i++) {
        guint32 c = i;
        int k;

        for (k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
        gvCrc32cTable[i] = c;
    }
    return NULL;
}

guint32
gvCrc32c(guint32 crc, const void *data, size_t len)
{
    static GOnce once = G_ONCE_INIT;
    const unsigned char *p = data;

    g_once(&once, gvCrc32cInit, NULL);
    crc = ~crc;
    while (len--)
        crc = gvCrc32cTable[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* ---- records ------------------------------------------------------------ */

bool
gvJournalNameValid(const char *name)
{
    size_t len = name ? strlen(name) : 0;

    return len > 0 && len <= GV_JOURNAL_NAME_MAX && name[0] != '.' && !strchr(name, '/');
}

static size_t
gvJournalRecordLen(size_t nameLen, size_t dataLen)
{
    return (GV_JOURNAL_HDR + nameLen + dataLen + 7) & ~(size_t)7;
}

static void
gvPut32(unsigned char *p, guint32 v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p, &v, sizeof(v));
}

static void
gvPut64(unsigned char *p, guint64 v)
{
    v = GUINT64_TO_LE(v);
    memcpy(p, &v, sizeof(v));
}

static guint32
gvGet32(const unsigned char *p)
{
    guint32 v;

    memcpy(&v, p, sizeof(v));
    return GUINT32_FROM_LE(v);
}

static guint64
gvGet64(const unsigned char *p)
{
    guint64 v;

    memcpy(&v, p, sizeof(v));
    return GUINT64_FROM_LE(v);
}

/* A record in a buffer of gvJournalRecordLen() bytes (zero padded) */
static unsigned char *
gvJournalRecordBuild(guint64 nonce, guint64 seq, guint32 kind, const char *name, const char *data,
                     size_t dataLen, size_t *recLen)
{
    size_t nameLen = strlen(name);
    unsigned char *buf;

    *recLen = gvJournalRecordLen(nameLen, dataLen);
    buf = g_malloc0(*recLen);
    gvPut32(buf, GV_JOURNAL_MAGIC);
    gvPut64(buf + 8, nonce);
    gvPut64(buf + 16, seq);
    gvPut32(buf + 24, kind);
    gvPut32(buf + 28, (guint32)nameLen);
    gvPut32(buf + 32, (guint32)dataLen);
    memcpy(buf + GV_JOURNAL_HDR, name, nameLen);
    if (dataLen)
        memcpy(buf + GV_JOURNAL_HDR + nameLen, data, dataLen);
    gvPut32(buf + 4, gvCrc32c(0, buf + 8, GV_JOURNAL_HDR - 8 + nameLen + dataLen));
    return buf;
}

typedef struct {
    guint64 seq;
    guint32 kind;
    char *name;
    char *data; /* NUL-terminated */
    size_t dataLen;
} gvJournalRecord;

static void
gvJournalRecordFree(gvJournalRecord *rec)
{
    if (!rec)
        return;
    g_free(rec->name);
    if (rec->data) {
        explicit_bzero(rec->data, rec->dataLen);
        g_free(rec->data);
    }
    g_free(rec);
}

static int
gvPreadFull(int fd, void *buf, size_t len, off_t off)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, off + (off_t)done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

static int
gvPwriteFull(int fd, const void *buf, size_t len, off_t off)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pwrite(fd, (const char *)buf + done, len - done, off + (off_t)done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

guint
gvJournalScanFile(int fd, const char *what, size_t limit, gvJournalRecordFunc fn, gpointer opaque)
{
    guint count = 0;
    struct stat sb;
    off_t off = 0;
    guint64 nonce = 0;
    guint64 prev = 0;

    if (fstat(fd, &sb) < 0)
        return 0;
    for (;;) {
        unsigned char hdr[GV_JOURNAL_HDR];
        g_autofree unsigned char *payload = NULL;
        g_autofree char *name = NULL;
        guint32 kind, nameLen, dataLen;
        guint64 seq;
        size_t recLen;

        if (sb.st_size - off < GV_JOURNAL_HDR || gvPreadFull(fd, hdr, sizeof(hdr), off) < 0)
            break;
        if (gvGet32(hdr) != GV_JOURNAL_MAGIC)
            break;
        seq = gvGet64(hdr + 16);
        kind = gvGet32(hdr + 24);
        nameLen = gvGet32(hdr + 28);
        dataLen = gvGet32(hdr + 32);
        if (off == 0)
            nonce = gvGet64(hdr + 8);
        else if (gvGet64(hdr + 8) != nonce || seq != prev + 1)
            break;
        /* every length bounded before anything is allocated */
        if ((kind != GV_JOURNAL_PUT && kind != GV_JOURNAL_REMOVE && kind != GV_JOURNAL_RENAME) ||
            nameLen == 0 || nameLen > GV_JOURNAL_NAME_MAX || dataLen > limit ||
            (kind == GV_JOURNAL_REMOVE && dataLen != 0) || gvGet32(hdr + 36) != 0)
            break;
        recLen = gvJournalRecordLen(nameLen, dataLen);
        if ((guint64)(sb.st_size - off) < recLen)
            break;
        payload = g_malloc((size_t)nameLen + dataLen + 1);
        if (gvPreadFull(fd, payload, (size_t)nameLen + dataLen, off + GV_JOURNAL_HDR) < 0 ||
            gvCrc32c(gvCrc32c(0, hdr + 8, GV_JOURNAL_HDR - 8), payload,
                     (size_t)nameLen + dataLen) != gvGet32(hdr + 4)) {
            explicit_bzero(payload, (size_t)nameLen + dataLen);
            break;
        }
        name = g_strndup((const char *)payload, nameLen);
        if (strlen(name) != nameLen || !gvJournalNameValid(name)) {
            explicit_bzero(payload, (size_t)nameLen + dataLen);
            g_warning("journal '%s': a record at offset %lld names an invalid file; "
                      "ignoring it and the rest",
                      what, (long long)off);
            break;
        }
        /* the data, NUL-terminated, where the name was: no second copy */
        memmove(payload, payload + nameLen, dataLen);
        payload[dataLen] = '\0';
        if (kind == GV_JOURNAL_RENAME) {
            /* the old name, NUL, then the new file's data */
            size_t oldLen = strnlen((const char *)payload, MIN(dataLen, GV_JOURNAL_NAME_MAX + 1));

            if (oldLen == dataLen || !gvJournalNameValid((const char *)payload) ||
                g_str_equal((const char *)payload, name)) {
                explicit_bzero(payload, dataLen);
                g_warning("journal '%s': a rename at offset %lld is malformed; "
                          "ignoring it and the rest",
                          what, (long long)off);
                break;
            }
            fn(seq, false, (const char *)payload, "", 0, opaque);
            fn(seq, true, name, (char *)payload + oldLen + 1, dataLen - oldLen - 1, opaque);
        } else {
            fn(seq, kind == GV_JOURNAL_PUT, name, (char *)payload, dataLen, opaque);
        }
        explicit_bzero(payload, dataLen);
        count++;
        prev = seq;
        off += (off_t)recLen;
    }
    return count;
}

static void
gvJournalCollect(guint64 seq, bool put, const char *name, const char *data, size_t len,
                 gpointer opaque)
{
    gvJournalRecord *rec = g_new0(gvJournalRecord, 1);

    rec->seq = seq;
    rec->kind = put ? GV_JOURNAL_PUT : GV_JOURNAL_REMOVE;
    rec->name = g_strdup(name);
    rec->dataLen = len;
    rec->data = g_memdup2(data, len + 1);
    g_ptr_array_add(opaque, rec);
}

static gint
gvJournalRecordCmp(gconstpointer a, gconstpointer b)
{
    const gvJournalRecord *ra = *(gvJournalRecord *const *)a;
    const gvJournalRecord *rb = *(gvJournalRecord *const *)b;

    return ra->seq < rb->seq ? -1 : ra->seq > rb->seq;
}

/* Applies the last record of each name in both files to the directory, durably */
static int
gvJournalReplay(gvJournal *j, GError **error)
{
    g_autoptr(GPtrArray) recs = g_ptr_array_new_with_free_func((GDestroyNotify)gvJournalRecordFree);
    g_autoptr(GHashTable) last = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer value;
    guint i;

    for (i = 0; i < 2; i++)
        gvJournalScanFile(j->files[i].fd, j->files[i].path, j->capacity, gvJournalCollect, recs);
    if (recs->len == 0)
        return 0;
    g_ptr_array_sort(recs, gvJournalRecordCmp);
    for (i = 0; i < recs->len; i++) {
        gvJournalRecord *rec = g_ptr_array_index(recs, i);

        g_hash_table_insert(last, rec->name, rec);
    }
    g_hash_table_iter_init(&iter, last);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        gvJournalRecord *rec = value;
        g_autofree char *path = g_build_filename(j->dir, rec->name, NULL);

        if (rec->kind == GV_JOURNAL_PUT) {
            if (gvFileWriteVisible(path, rec->data, rec->dataLen, 0600, error) < 0 ||
                gvFileSync(path, error) < 0)
                return -1;
        } else if (unlink(path) < 0 && errno != ENOENT) {
            gvReportSystemError(error, errno, "cannot remove '%s'", path);
            return -1;
        }
    }
    if (gvFsyncDir(j->dir, error) < 0)
        return -1;
    g_message("replayed %u write(s) of %u file(s) from the journal '%s.{0,1}' into '%s'", recs->len,
              g_hash_table_size(last), j->journal, j->dir);
    return 0;
}

/* ---- the journal files -------------------------------------------------- */

static int
gvJournalFileOpen(gvJournalFile *f, GError **error)
{
    struct stat sb;

    if ((f->fd = open(f->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) {
        gvReportSystemError(error, errno, "cannot open the journal '%s'", f->path);
        return -1;
    }
    if (fstat(f->fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        gvReportError(error, GV_ERR_INTERNAL_ERROR, "the journal '%s' is not a regular file",
                      f->path);
        return -1;
    }
    if (fchmod(f->fd, 0600) < 0) {
        gvReportSystemError(error, errno, "cannot set the mode of the journal '%s'", f->path);
        return -1;
    }
    return 0;
}

/*
 * Empties @f and gives it @capacity bytes of preallocated space (where the
 * file system can), so that appending and fdatasync change no metadata.
 */
static int
gvJournalFileReset(gvJournalFile *f, size_t capacity, GError **error)
{
    if (ftruncate(f->fd, 0) < 0) {
        gvReportSystemError(error, errno, "cannot empty the journal '%s'", f->path);
        return -1;
    }
    if (fallocate(f->fd, 0, 0, (off_t)capacity) < 0 && errno != EOPNOTSUPP && errno != ENOSYS)
        g_warning("cannot preallocate the journal '%s': %s", f->path, g_strerror(errno));
    if (fsync(f->fd) < 0) {
        gvReportSystemError(error, errno, "cannot sync the journal '%s'", f->path);
        return -1;
    }
    f->tail = 0;
    return 0;
}

static int
gvJournalNewNonce(gvJournalFile *f, GError **error)
{
    unsigned char b[8];

    if (gvRandomBytes(b, sizeof(b), error) < 0)
        return -1;
    memcpy(&f->nonce, b, sizeof(b));
    return 0;
}

/* Zeroes the records of @f (no GUID stays behind) and syncs that */
static int
gvJournalFileWipe(gvJournalFile *f, GError **error)
{
    static const unsigned char zeros[65536];
    size_t off = 0;

    while (off < f->tail) {
        size_t n = MIN(sizeof(zeros), f->tail - off);

        if (gvPwriteFull(f->fd, zeros, n, (off_t)off) < 0) {
            gvReportSystemError(error, errno, "cannot wipe the journal '%s'", f->path);
            return -1;
        }
        off += n;
    }
    if (f->tail && fdatasync(f->fd) < 0) {
        gvReportSystemError(error, errno, "cannot sync the journal '%s'", f->path);
        return -1;
    }
    return 0;
}

/* fsync of every file named in @f, then of the directory; no lock needed */
static int
gvJournalSyncNames(gvJournal *j, char **names, GError **error)
{
    size_t i;

    for (i = 0; names && names[i]; i++) {
        g_autofree char *path = g_build_filename(j->dir, names[i], NULL);

        if (gvFileSync(path, error) < 0)
            return -1;
    }
    return gvFsyncDir(j->dir, error);
}

static char **
gvJournalFileNames(gvJournalFile *f)
{
    return (char **)g_hash_table_get_keys_as_array(f->names, NULL);
}

/* After its checkpoint: @f holds nothing pending anymore; locked */
static void
gvJournalFileCleared(gvJournalFile *f)
{
    f->tail = 0;
    g_hash_table_remove_all(f->names);
}

/* Checkpoints both files right now; locked, not busy */
static int
gvJournalSyncLocked(gvJournal *j, GError **error)
{
    int i;

    for (i = 0; i < 2; i++) {
        g_autofree char **names = gvJournalFileNames(&j->files[i]);
        size_t k;

        for (k = 0; names[k]; k++) {
            g_autofree char *path = g_build_filename(j->dir, names[k], NULL);

            if (gvFileSync(path, error) < 0)
                return -1;
        }
    }
    if (gvFsyncDir(j->dir, error) < 0)
        return -1;
    for (i = 0; i < 2; i++) {
        if (gvJournalFileWipe(&j->files[i], error) < 0)
            return -1;
        gvJournalFileCleared(&j->files[i]);
    }
    j->checkpoints++;
    g_cond_broadcast(&j->cond);
    return 0;
}

static void
gvJournalSwap(gvJournal *j)
{
    j->active = !j->active;
    g_cond_broadcast(&j->cond);
}

/* The background thread: checkpoints the inactive file once it holds records */
static gpointer
gvJournalThread(gpointer opaque)
{
    gvJournal *j = opaque;

    g_mutex_lock(&j->lock);
    while (!j->quit) {
        gvJournalFile *a = &j->files[j->active];
        gvJournalFile *o = &j->files[!j->active];
        g_autoptr(GError) error = NULL;

        if (o->tail) {
            g_autofree char **names = gvJournalFileNames(o);
            int rc;

            j->busy = true;
            g_mutex_unlock(&j->lock);
            rc = gvJournalSyncNames(j, names, &error);
            /* the files are durable, their records not yet wiped */
            GV_CRASH_POINT("journal:checkpoint-synced");
            if (rc == 0)
                rc = gvJournalFileWipe(o, &error);
            if (rc == 0)
                GV_CRASH_POINT("journal:checkpoint-wiped");
            if (rc == 0)
                rc = gvJournalNewNonce(o, &error);
            g_mutex_lock(&j->lock);
            j->busy = false;
            if (rc == 0) {
                gvJournalFileCleared(o);
                j->checkpoints++;
                j->failure = 0;
            } else {
                g_warning("cannot make the files of '%s' durable (will retry): %s", j->dir,
                          error->message);
                j->failure = EIO;
            }
            g_cond_broadcast(&j->cond);
            if (rc < 0 && !j->quit)
                g_cond_wait_until(&j->cond, &j->lock, g_get_monotonic_time() + GV_JOURNAL_RETRY_US);
            continue;
        }
        if (a->tail) {
            gint64 due = j->lastWrite + j->quietUs;

            if (g_get_monotonic_time() >= due || a->tail >= j->capacity / 2)
                gvJournalSwap(j);
            else
                g_cond_wait_until(&j->cond, &j->lock, due);
            continue;
        }
        g_cond_wait(&j->cond, &j->lock);
    }
    g_mutex_unlock(&j->lock);
    return NULL;
}

/* ---- the store ---------------------------------------------------------- */

gvJournal *
gvJournalOpen(const char *dir, const char *journal, size_t capacity, int quietMs, GError **error)
{
    g_autoptr(gvJournal) j = g_new0(gvJournal, 1);
    int i;

    j->dir = g_strdup(dir);
    j->journal = g_strdup(journal);
    j->capacity = capacity ? capacity : GV_JOURNAL_CAPACITY;
    j->quietUs = (quietMs < 0 ? GV_JOURNAL_QUIET_MS : quietMs) * G_TIME_SPAN_MILLISECOND;
    g_mutex_init(&j->lock);
    g_cond_init(&j->cond);
    for (i = 0; i < 2; i++) {
        j->files[i].fd = -1;
        j->files[i].path = g_strdup_printf("%s.%d", journal, i);
        j->files[i].names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    for (i = 0; i < 2; i++)
        if (gvJournalFileOpen(&j->files[i], error) < 0)
            return NULL;
    /* a failed replay keeps the journal as it is: nothing is lost */
    if (gvJournalReplay(j, error) < 0)
        return NULL;
    for (i = 0; i < 2; i++)
        if (gvJournalFileReset(&j->files[i], j->capacity, error) < 0 ||
            gvJournalNewNonce(&j->files[i], error) < 0)
            return NULL;
    j->thread = g_thread_new("gvjournal", gvJournalThread, j);
    return g_steal_pointer(&j);
}

void
gvJournalClose(gvJournal *j)
{
    int i;

    if (!j)
        return;
    if (j->thread) {
        g_autoptr(GError) error = NULL;

        g_mutex_lock(&j->lock);
        j->quit = true;
        g_cond_broadcast(&j->cond);
        g_mutex_unlock(&j->lock);
        g_thread_join(j->thread);
        g_mutex_lock(&j->lock);
        if (gvJournalSyncLocked(j, &error) < 0)
            g_warning("cannot make the files of '%s' durable: %s; the journal keeps them", j->dir,
                      error->message);
        g_mutex_unlock(&j->lock);
    }
    for (i = 0; i < 2; i++) {
        if (j->files[i].fd >= 0)
            close(j->files[i].fd);
        g_free(j->files[i].path);
        g_hash_table_unref(j->files[i].names);
    }
    g_mutex_clear(&j->lock);
    g_cond_clear(&j->cond);
    g_free(j->dir);
    g_free(j->journal);
    g_free(j);
}

/* Waits until no checkpoint runs; locked */
static int
gvJournalWaitIdle(gvJournal *j, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + GV_JOURNAL_WAIT_US;

    while (j->busy) {
        if (!g_cond_wait_until(&j->cond, &j->lock, deadline)) {
            gvReportError(error, GV_ERR_OPERATION_TIMEOUT,
                          "timed out waiting for the files of '%s' to become durable", j->dir);
            return -1;
        }
    }
    return 0;
}

/*
 * Applies a put (@data) or a removal (@data NULL) to the directory.  A
 * removal that is not @durable leaves the file's inode in *@retired, to be
 * recycled once the removal is durable (gvfile.h).
 */
static int
gvJournalApply(gvJournal *j, const char *path, const char *data, size_t len, bool durable,
               char **retired, GError **error)
{
    g_autoptr(GError) local = NULL;

    if (data)
        return durable ? gvFileWriteAtomic(path, data, len, 0600, error)
                       : gvFileWriteVisible(path, data, len, 0600, error);
    if (durable)
        return gvFileRemoveDurable(path, error);
    if (!(*retired = gvFileRetire(path, &local)) && local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return -1;
    }
    return 0;
}

/* Waits until the active file has room for @recLen bytes; locked */
static int
gvJournalWaitRoom(gvJournal *j, size_t recLen, GError **error)
{
    while (j->files[j->active].tail + recLen > j->capacity) {
        if (!j->files[!j->active].tail) {
            gvJournalSwap(j);
            break;
        }
        if (!g_cond_wait_until(&j->cond, &j->lock, g_get_monotonic_time() + GV_JOURNAL_WAIT_US)) {
            gvReportError(error, GV_ERR_OPERATION_TIMEOUT,
                          "timed out waiting for the files of '%s' to become durable", j->dir);
            return -1;
        }
    }
    return 0;
}

static int
gvJournalWrite(gvJournal *j, const char *name, const char *data, size_t len, GError **error)
{
    g_autofree char *path = NULL;
    g_autofree char *retired = NULL;
    unsigned char *rec = NULL;
    size_t recLen = gvJournalRecordLen(name ? strlen(name) : 0, len);
    gvJournalFile *f;
    int fd;
    int rc = -1;

    if (!gvJournalNameValid(name)) {
        gvReportError(error, GV_ERR_INVALID_ARG, "invalid file name '%s' in '%s'",
                      name ? name : "(null)", j->dir);
        return -1;
    }
    path = g_build_filename(j->dir, name, NULL);

    g_mutex_lock(&j->lock);
    if (recLen > j->capacity / 2) {
        /* too large for the journal: written durably in place, and then
         * nothing older in the journal may be replayed over it */
        if (gvJournalWaitIdle(j, error) == 0 &&
            gvJournalApply(j, path, data, len, true, NULL, error) == 0)
            rc = gvJournalSyncLocked(j, error);
        g_mutex_unlock(&j->lock);
        return rc;
    }
    /* room in the active file; else the other one, once checkpointed */
    if (gvJournalWaitRoom(j, recLen, error) < 0) {
        g_mutex_unlock(&j->lock);
        return -1;
    }
    /* visible first: a failure leaves the old file and nothing recorded */
    if (gvJournalApply(j, path, data, len, false, &retired, error) < 0) {
        g_mutex_unlock(&j->lock);
        return -1;
    }
    f = &j->files[j->active];
    rec = gvJournalRecordBuild(f->nonce, j->seq + 1, data ? GV_JOURNAL_PUT : GV_JOURNAL_REMOVE,
                               name, data, len, &recLen);
    if (gvPwriteFull(f->fd, rec, recLen, (off_t)f->tail) < 0) {
        int err = errno;

        /* cannot record it: make it durable in place instead */
        g_warning("cannot append to the journal '%s' (%s); syncing '%s' directly", f->path,
                  g_strerror(err), path);
        if (gvJournalWaitIdle(j, error) == 0 && gvFileSync(path, error) == 0)
            rc = gvJournalSyncLocked(j, error);
        g_mutex_unlock(&j->lock);
        explicit_bzero(rec, recLen);
        g_free(rec);
        if (retired && rc == 0)
            gvFileRecycle(retired);
        return rc;
    }
    f->tail += recLen;
    j->seq++;
    g_hash_table_add(f->names, g_strdup(name));
    j->lastWrite = g_get_monotonic_time();
    fd = f->fd;
    g_cond_broadcast(&j->cond);
    g_mutex_unlock(&j->lock);
    explicit_bzero(rec, recLen);
    g_free(rec);

    GV_CRASH_POINT("journal:appended");
    /* outside the lock: concurrent writers share flushes; this one also
     * covers every record before it in the file */
    if (fdatasync(fd) < 0) {
        gvReportSystemError(error, errno, "cannot sync the journal of '%s'", j->dir);
        return -1;
    }
    GV_CRASH_POINT("journal:synced");
    /* the removal is durable: the old contents may go */
    if (retired)
        gvFileRecycle(retired);
    return 0;
}

int
gvJournalPut(gvJournal *j, const char *name, const char *data, size_t len, GError **error)
{
    g_return_val_if_fail(data != NULL, -1);
    return gvJournalWrite(j, name, data, len, error);
}

int
gvJournalRemove(gvJournal *j, const char *name, GError **error)
{
    return gvJournalWrite(j, name, NULL, 0, error);
}

int
gvJournalRename(gvJournal *j, const char *oldName, const char *newName, const char *data,
                size_t len, GError **error)
{
    g_autofree char *oldPath = NULL;
    g_autofree char *newPath = NULL;
    g_autofree char *retired = NULL;
    g_autofree char *payload = NULL;
    unsigned char *rec = NULL;
    size_t oldLen = oldName ? strlen(oldName) : 0;
    size_t recLen;
    gvJournalFile *f;
    int rc = -1;

    g_return_val_if_fail(data != NULL, -1);
    if (!gvJournalNameValid(oldName) || !gvJournalNameValid(newName) ||
        g_str_equal(oldName, newName)) {
        gvReportError(error, GV_ERR_INVALID_ARG, "invalid rename of '%s' to '%s' in '%s'",
                      oldName ? oldName : "(null)", newName ? newName : "(null)", j->dir);
        return -1;
    }
    oldPath = g_build_filename(j->dir, oldName, NULL);
    newPath = g_build_filename(j->dir, newName, NULL);
    payload = g_malloc(oldLen + 1 + len);
    memcpy(payload, oldName, oldLen + 1);
    memcpy(payload + oldLen + 1, data, len);
    recLen = gvJournalRecordLen(strlen(newName), oldLen + 1 + len);

    g_mutex_lock(&j->lock);
    if (recLen > j->capacity / 2) {
        /* one record or nothing: there is no atomic way without it */
        gvReportError(error, GV_ERR_OPERATION_FAILED,
                      "cannot rename '%s' to '%s' in '%s' in one step: %zu bytes are too many",
                      oldName, newName, j->dir, len);
        goto cleanup;
    }
    if (gvJournalWaitRoom(j, recLen, error) < 0)
        goto cleanup;
    /*
     * Unlike a put, the record goes first and is synced before the
     * directory changes: a crash before it leaves the old file alone, one
     * after it is replayed, and the two names never both exist.  The lock
     * is held throughout, so no checkpoint wipes the record before the
     * directory has it.
     */
    f = &j->files[j->active];
    rec = gvJournalRecordBuild(f->nonce, j->seq + 1, GV_JOURNAL_RENAME, newName, payload,
                               oldLen + 1 + len, &recLen);
    if (gvPwriteFull(f->fd, rec, recLen, (off_t)f->tail) < 0 || fdatasync(f->fd) < 0) {
        gvReportSystemError(error, errno, "cannot record the rename of '%s' in the journal '%s'",
                            oldName, f->path);
        goto cleanup;
    }
    GV_CRASH_POINT("journal:rename-recorded");
    f->tail += recLen;
    j->seq++;
    g_hash_table_add(f->names, g_strdup(newName));
    g_hash_table_add(f->names, g_strdup(oldName));
    j->lastWrite = g_get_monotonic_time();
    if (gvJournalApply(j, newPath, data, len, false, NULL, error) < 0 ||
        gvJournalApply(j, oldPath, NULL, 0, false, &retired, error) < 0) {
        /* the record stands: the next open replays it */
        gvErrorPrefix(
            error,
            "the rename of '%s' to '%s' is recorded, to be applied when the journal is opened again: ",
            oldName, newName);
        goto cleanup;
    }
    g_cond_broadcast(&j->cond);
    rc = 0;

cleanup:
    g_mutex_unlock(&j->lock);
    if (rec) {
        explicit_bzero(rec, recLen);
        g_free(rec);
    }
    explicit_bzero(payload, oldLen + 1 + len);
    /* the removal is durable with the record */
    if (retired)
        gvFileRecycle(retired);
    return rc;
}

int
gvJournalSync(gvJournal *j, GError **error)
{
    int rc = -1;

    g_mutex_lock(&j->lock);
    if (gvJournalWaitIdle(j, error) == 0)
        rc = gvJournalSyncLocked(j, error);
    g_mutex_unlock(&j->lock);
    return rc;
}

guint64
gvJournalCheckpoints(gvJournal *j)
{
    guint64 n;

    g_mutex_lock(&j->lock);
    n = j->checkpoints;
    g_mutex_unlock(&j->lock);
    return n;
}
