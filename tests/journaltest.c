/*
 * journaltest.c: the config journal (gvjournal.h): visibility, checkpoints,
 * replay of what a crash leaves, and hostile journal files
 *
 * A crash of the machine cannot be staged here; what it leaves can: a
 * directory whose last writes are missing plus the journal files as they
 * were synced.  Records are built by this file's own encoder, from the
 * format in gvjournal.h, so the decoder is checked against the spec.
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gverror.h"
#include "gvfile.h"
#include "gvjournal.h"
#include "testutils.h"

#define NEVER 100000000 /* a quiet period no test waits for, in ms */

typedef struct {
    char *root;
    char *dir;
    char *journal;
} Fixture;

static void
fixtureInit(Fixture *fx)
{
    fx->root = g_dir_make_tmp("gvjournal-XXXXXX", NULL);
    g_assert_nonnull(fx->root);
    fx->dir = g_build_filename(fx->root, "domains", NULL);
    fx->journal = g_build_filename(fx->root, "domains.journal", NULL);
    g_assert_cmpint(mkdir(fx->dir, 0700), ==, 0);
}

static void
rmTree(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(path, n, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
            rmTree(p);
        else
            g_assert_cmpint(unlink(p), ==, 0);
    }
    g_assert_cmpint(rmdir(path), ==, 0);
}

static void
fixtureClear(Fixture *fx)
{
    gvFileDropAllSpares();
    rmTree(fx->root);
    g_free(fx->root);
    g_free(fx->dir);
    g_free(fx->journal);
}

static char *
readFile(const char *dir, const char *name)
{
    g_autofree char *p = g_build_filename(dir, name, NULL);
    char *s = NULL;

    if (!g_file_get_contents(p, &s, NULL, NULL))
        return NULL;
    return s;
}

static char *
journalPath(Fixture *fx, int i)
{
    return g_strdup_printf("%s.%d", fx->journal, i);
}

/* true if journal file @i holds only zero bytes */
static bool
journalIsBlank(Fixture *fx, int i)
{
    g_autofree char *p = journalPath(fx, i);
    g_autofree char *s = NULL;
    gsize len = 0, k;

    g_assert_true(g_file_get_contents(p, &s, &len, NULL));
    for (k = 0; k < len; k++)
        if (s[k])
            return false;
    return true;
}

static bool
journalContains(Fixture *fx, int i, const char *needle)
{
    g_autofree char *p = journalPath(fx, i);
    g_autofree char *s = NULL;
    gsize len = 0;

    g_assert_true(g_file_get_contents(p, &s, &len, NULL));
    return memmem(s, len, needle, strlen(needle)) != NULL;
}

/* ---- this file's own encoder of the record format ------------------------ */

static void
le32(GByteArray *b, guint32 v)
{
    unsigned char p[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

    g_byte_array_append(b, p, 4);
}

static void
le64(GByteArray *b, guint64 v)
{
    le32(b, (guint32)v);
    le32(b, (guint32)(v >> 32));
}

/* appends a record of @kind with @dl bytes of @data */
static void
addRecordKind(GByteArray *b, guint64 nonce, guint64 seq, guint32 kind, const char *name,
              const char *data, size_t dl)
{
    guint start = b->len;
    size_t nl = strlen(name);
    guint32 crc;

    le32(b, 0x314a5647);
    le32(b, 0); /* crc, below */
    le64(b, nonce);
    le64(b, seq);
    le32(b, kind);
    le32(b, (guint32)nl);
    le32(b, (guint32)dl);
    le32(b, 0);
    g_byte_array_append(b, (const guint8 *)name, (guint)nl);
    if (dl)
        g_byte_array_append(b, (const guint8 *)data, (guint)dl);
    while ((b->len - start) % 8)
        g_byte_array_append(b, (const guint8 *)"", 1);
    crc = gvCrc32c(0, b->data + start + 8, 32 + nl + dl);
    b->data[start + 4] = crc & 0xff;
    b->data[start + 5] = (crc >> 8) & 0xff;
    b->data[start + 6] = (crc >> 16) & 0xff;
    b->data[start + 7] = crc >> 24;
}

/* appends a record; @data NULL: a removal */
static void
addRecord(GByteArray *b, guint64 nonce, guint64 seq, const char *name, const char *data)
{
    addRecordKind(b, nonce, seq, data ? 1 : 2, name, data, data ? strlen(data) : 0);
}

/* appends a rename of @from to @name holding @data */
static void
addRename(GByteArray *b, guint64 nonce, guint64 seq, const char *from, const char *name,
          const char *data)
{
    g_autofree char *payload = g_strdup_printf("%s%c%s", from, '\0', data);

    addRecordKind(b, nonce, seq, 3, name, payload, strlen(from) + 1 + strlen(data));
}

static void
writeJournal(Fixture *fx, int i, GByteArray *b)
{
    g_autofree char *p = journalPath(fx, i);

    g_assert_true(g_file_set_contents(p, (const char *)b->data, b->len, NULL));
}

static void
writeDirFile(Fixture *fx, const char *name, const char *data)
{
    g_autofree char *p = g_build_filename(fx->dir, name, NULL);

    g_assert_true(g_file_set_contents(p, data, -1, NULL));
}

static gvJournal *
openOk(Fixture *fx, size_t capacity, int quietMs)
{
    g_autoptr(GError) error = NULL;
    gvJournal *j = gvJournalOpen(fx->dir, fx->journal, capacity, quietMs, &error);

    g_assert_no_error(error);
    g_assert_nonnull(j);
    return j;
}

/* ---- tests -------------------------------------------------------------- */

static void
testCrc32c(const void *opaque)
{
    /* the check value of CRC-32C */
    g_assert_cmphex(gvCrc32c(0, "123456789", 9), ==, 0xe3069283);
    g_assert_cmphex(gvCrc32c(gvCrc32c(0, "1234", 4), "56789", 5), ==, 0xe3069283);
    g_assert_cmphex(gvCrc32c(0, "", 0), ==, 0);
}

static void
testNames(const void *opaque)
{
    g_assert_true(gvJournalNameValid("a.xml"));
    g_assert_true(gvJournalNameValid("with space-and_dash.xml"));
    g_assert_false(gvJournalNameValid(""));
    g_assert_false(gvJournalNameValid(NULL));
    g_assert_false(gvJournalNameValid(".hidden.xml"));
    g_assert_false(gvJournalNameValid("../escape.xml"));
    g_assert_false(gvJournalNameValid("a/b.xml"));
    {
        g_autofree char *longName = g_strnfill(GV_JOURNAL_NAME_MAX + 1, 'n');

        g_assert_false(gvJournalNameValid(longName));
        longName[GV_JOURNAL_NAME_MAX] = '\0';
        g_assert_true(gvJournalNameValid(longName));
    }
}

/* writes are visible at once, 0600; the journal keeps them until a sync */
static void
testVisibleThenSync(const void *opaque)
{
    Fixture fx;
    g_autoptr(GError) error = NULL;
    g_autofree char *a = NULL;
    struct stat sb;
    gvJournal *j;

    fixtureInit(&fx);
    j = openOk(&fx, 0, NEVER);
    g_assert_cmpint(gvJournalPut(j, "a.xml", "<a>secret-1</a>\n", 16, &error), ==, 0);
    g_assert_cmpint(gvJournalPut(j, "b.xml", "<b/>\n", 5, &error), ==, 0);
    g_assert_cmpint(gvJournalPut(j, "a.xml", "<a>secret-2</a>\n", 16, &error), ==, 0);
    g_assert_no_error(error);
    a = readFile(fx.dir, "a.xml");
    g_assert_cmpstr(a, ==, "<a>secret-2</a>\n");
    {
        g_autofree char *p = g_build_filename(fx.dir, "a.xml", NULL);

        g_assert_cmpint(stat(p, &sb), ==, 0);
        g_assert_cmpuint(sb.st_mode & 07777, ==, 0600);
    }
    g_assert_true(journalContains(&fx, 0, "secret-2"));
    g_assert_cmpint(gvJournalRemove(j, "b.xml", &error), ==, 0);
    g_assert_cmpint(gvJournalRemove(j, "never-there.xml", &error), ==, 0);
    g_assert_no_error(error);
    g_assert_null(readFile(fx.dir, "b.xml"));
    /* journal files are private */
    {
        g_autofree char *p = journalPath(&fx, 0);

        g_assert_cmpint(stat(p, &sb), ==, 0);
        g_assert_cmpuint(sb.st_mode & 07777, ==, 0600);
    }
    g_assert_cmpint(gvJournalSync(j, &error), ==, 0);
    g_assert_no_error(error);
    g_assert_true(journalIsBlank(&fx, 0));
    g_assert_true(journalIsBlank(&fx, 1));
    g_assert_cmpuint(gvJournalCheckpoints(j), ==, 1);
    gvJournalClose(j);
    g_free(a);
    a = readFile(fx.dir, "a.xml");
    g_assert_cmpstr(a, ==, "<a>secret-2</a>\n");
    fixtureClear(&fx);
}

/* a pause in the writes makes the background thread checkpoint them */
static void
testQuietCheckpoint(const void *opaque)
{
    Fixture fx;
    g_autoptr(GError) error = NULL;
    gvJournal *j;
    int waited;

    fixtureInit(&fx);
    j = openOk(&fx, 0, 20);
    g_assert_cmpint(gvJournalPut(j, "q.xml", "<q>quiet-secret</q>\n", 20, &error), ==, 0);
    g_assert_no_error(error);
    for (waited = 0; waited < 10000 && gvJournalCheckpoints(j) == 0; waited += 10)
        g_usleep(10000);
    g_assert_cmpuint(gvJournalCheckpoints(j), ==, 1);
    /* the record is wiped: no copy of the secret is left in the journal */
    g_assert_false(journalContains(&fx, 0, "quiet-secret"));
    g_assert_false(journalContains(&fx, 1, "quiet-secret"));
    /* the next write goes to the other file */
    g_assert_cmpint(gvJournalPut(j, "q.xml", "<q>second</q>\n", 14, &error), ==, 0);
    g_assert_true(journalContains(&fx, 1, "second"));
    gvJournalClose(j);
    g_assert_true(journalIsBlank(&fx, 0));
    g_assert_true(journalIsBlank(&fx, 1));
    fixtureClear(&fx);
}

/* a small journal: swaps, waits for checkpoints, large writes go in place */
static void
testFullJournal(const void *opaque)
{
    Fixture fx;
    g_autoptr(GError) error = NULL;
    g_autofree char *big = g_strnfill(40000, 'B');
    gvJournal *j;
    int i;

    fixtureInit(&fx);
    j = openOk(&fx, 16384, NEVER);
    for (i = 0; i < 200; i++) {
        g_autofree char *name = g_strdup_printf("d%d.xml", i % 37);
        g_autofree char *data = g_strdup_printf("<d n='%d'>%0900d</d>\n", i, i);

        g_assert_cmpint(gvJournalPut(j, name, data, strlen(data), &error), ==, 0);
        g_assert_no_error(error);
    }
    /* 200 records of ~1 KiB in 16 KiB files: many checkpoints */
    g_assert_cmpuint(gvJournalCheckpoints(j), >=, 10);
    for (i = 163; i < 200; i++) {
        g_autofree char *name = g_strdup_printf("d%d.xml", i % 37);
        g_autofree char *want = g_strdup_printf("<d n='%d'>%0900d</d>\n", i, i);
        g_autofree char *got = readFile(fx.dir, name);

        g_assert_cmpstr(got, ==, want);
    }
    /* larger than half a journal file: durable in place, journal wiped */
    g_assert_cmpint(gvJournalPut(j, "big.xml", big, strlen(big), &error), ==, 0);
    g_assert_no_error(error);
    {
        g_autofree char *got = readFile(fx.dir, "big.xml");

        g_assert_cmpstr(got, ==, big);
    }
    g_assert_true(journalIsBlank(&fx, 0));
    g_assert_true(journalIsBlank(&fx, 1));
    gvJournalClose(j);
    fixtureClear(&fx);
}

/* what a crash leaves is replayed at open: the last record of each name */
static void
testReplay(const void *opaque)
{
    Fixture fx;
    g_autoptr(GByteArray) j0 = g_byte_array_new();
    g_autoptr(GByteArray) j1 = g_byte_array_new();
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    g_autofree char *c = NULL;
    g_autofree char *e = NULL;
    g_autofree char *jp = NULL;
    struct stat sb;
    gvJournal *j;

    fixtureInit(&fx);
    /* the directory as the disk kept it: old a, c still there, no b */
    writeDirFile(&fx, "a.xml", "<a v='0'/>\n");
    writeDirFile(&fx, "c.xml", "<c/>\n");
    writeDirFile(&fx, "e.xml", "<e keep='yes'/>\n");
    /* file 1 (older, being checkpointed) and file 0 (active): the
     * order is seq's, not the files' */
    addRecord(j1, 0x1111, 5, "a.xml", "<a v='1'/>\n");
    addRecord(j1, 0x1111, 6, "b.xml", "<b v='1'/>\n");
    addRecord(j1, 0x1111, 7, "a.xml", "<a v='2'/>\n");
    addRecord(j0, 0x2222, 8, "c.xml", NULL);
    addRecord(j0, 0x2222, 9, "b.xml", "<b v='2'/>\n");
    writeJournal(&fx, 0, j0);
    writeJournal(&fx, 1, j1);

    j = openOk(&fx, 0, NEVER);
    a = readFile(fx.dir, "a.xml");
    b = readFile(fx.dir, "b.xml");
    c = readFile(fx.dir, "c.xml");
    e = readFile(fx.dir, "e.xml");
    g_assert_cmpstr(a, ==, "<a v='2'/>\n");
    g_assert_cmpstr(b, ==, "<b v='2'/>\n");
    g_assert_null(c);
    g_assert_cmpstr(e, ==, "<e keep='yes'/>\n");
    /* replayed once: the journal is empty again, preallocated, 0600 */
    g_assert_true(journalIsBlank(&fx, 0));
    g_assert_true(journalIsBlank(&fx, 1));
    jp = journalPath(&fx, 1);
    g_assert_cmpint(stat(jp, &sb), ==, 0);
    g_assert_cmpuint(sb.st_mode & 07777, ==, 0600);
    gvJournalClose(j);
    fixtureClear(&fx);
}

typedef struct {
    const char *what;
    void (*damage)(GByteArray *b);
    const char *wantA; /* a.xml after the replay */
    const char *wantB; /* b.xml after the replay (NULL: absent) */
} DamageCase;

/* a.xml v1 (seq 1), b.xml (seq 2), a.xml v3 (seq 3); the damage applies to the bytes */
static void
damageNone(GByteArray *b)
{
}

static void
damageTornLast(GByteArray *b)
{
    g_byte_array_set_size(b, b->len - 5); /* the last record cut short */
}

static void
damageCrcLast(GByteArray *b)
{
    b->data[b->len - 9] ^= 0x40; /* a payload byte of the last record */
}

static void
damageTornMiddle(GByteArray *b)
{
    b->data[60] ^= 1; /* inside the second record's header */
}

static void
damageZeroFirst(GByteArray *b)
{
    memset(b->data, 0, 40); /* a wiped first header: nothing counts */
}

static void
damageHugeLength(GByteArray *b)
{
    /* the second record claims 4 GiB of data: bounded before allocating */
    guint second = 56; /* the first record: 40 + "a.xml" + 11 bytes of data */
    b->data[second + 32] = 0xff;
    b->data[second + 33] = 0xff;
    b->data[second + 34] = 0xff;
    b->data[second + 35] = 0xff;
}

static void
damageBadMagic(GByteArray *b)
{
    b->data[0] = 'X';
}

static void
runDamage(const DamageCase *dc, GByteArray *records)
{
    Fixture fx;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    gvJournal *j;

    g_test_message("damage: %s", dc->what);
    fixtureInit(&fx);
    writeDirFile(&fx, "a.xml", "<a v='0'/>\n");
    dc->damage(records);
    writeJournal(&fx, 0, records);
    j = openOk(&fx, 0, NEVER);
    a = readFile(fx.dir, "a.xml");
    b = readFile(fx.dir, "b.xml");
    g_assert_cmpstr(a, ==, dc->wantA);
    g_assert_cmpstr(b, ==, dc->wantB);
    g_assert_true(journalIsBlank(&fx, 0));
    gvJournalClose(j);
    fixtureClear(&fx);
}

static void
testDamaged(const void *opaque)
{
    static const DamageCase cases[] = {
        { "none", damageNone, "<a v='3'/>\n", "<b/>\n" },
        { "last record torn", damageTornLast, "<a v='1'/>\n", "<b/>\n" },
        { "last record's crc", damageCrcLast, "<a v='1'/>\n", "<b/>\n" },
        { "second header", damageTornMiddle, "<a v='1'/>\n", NULL },
        { "first header wiped", damageZeroFirst, "<a v='0'/>\n", NULL },
        { "huge data length", damageHugeLength, "<a v='1'/>\n", NULL },
        { "bad magic", damageBadMagic, "<a v='0'/>\n", NULL },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GByteArray) recs = g_byte_array_new();

        addRecord(recs, 0xabc, 1, "a.xml", "<a v='1'/>\n");
        addRecord(recs, 0xabc, 2, "b.xml", "<b/>\n");
        addRecord(recs, 0xabc, 3, "a.xml", "<a v='3'/>\n");
        runDamage(&cases[i], recs);
    }
}

/* stale records: an older filling's nonce, a gap in seq, a hostile name */
static void
testStaleAndHostile(const void *opaque)
{
    Fixture fx;
    g_autoptr(GByteArray) recs = g_byte_array_new();
    g_autofree char *a = NULL;
    g_autofree char *outside = NULL;
    gvJournal *j;

    fixtureInit(&fx);
    addRecord(recs, 0x77, 10, "a.xml", "<a v='10'/>\n");
    addRecord(recs, 0x66, 11, "a.xml", "<a v='stale'/>\n"); /* another nonce */
    writeJournal(&fx, 0, recs);
    g_byte_array_set_size(recs, 0);
    addRecord(recs, 0x88, 11, "z.xml", "<z/>\n");
    addRecord(recs, 0x88, 13, "a.xml", "<a v='gap'/>\n"); /* seq 12 missing */
    writeJournal(&fx, 1, recs);
    j = openOk(&fx, 0, NEVER);
    a = readFile(fx.dir, "a.xml");
    g_assert_cmpstr(a, ==, "<a v='10'/>\n");
    g_free(a);
    a = readFile(fx.dir, "z.xml");
    g_assert_cmpstr(a, ==, "<z/>\n");
    gvJournalClose(j);

    /* names that leave the directory or hide in it are refused */
    g_byte_array_set_size(recs, 0);
    addRecord(recs, 0x99, 1, "ok.xml", "<ok/>\n");
    addRecord(recs, 0x99, 2, "../outside.xml", "<evil/>\n");
    addRecord(recs, 0x99, 3, "after.xml", "<after/>\n");
    writeJournal(&fx, 0, recs);
    g_byte_array_set_size(recs, 0);
    writeJournal(&fx, 1, recs);
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*names an invalid file*");
    j = openOk(&fx, 0, NEVER);
    g_test_assert_expected_messages();
    outside = g_build_filename(fx.root, "outside.xml", NULL);
    g_assert_false(g_file_test(outside, G_FILE_TEST_EXISTS));
    g_free(a);
    a = readFile(fx.dir, "ok.xml");
    g_assert_cmpstr(a, ==, "<ok/>\n");
    g_free(a);
    a = readFile(fx.dir, "after.xml");
    g_assert_null(a);
    gvJournalClose(j);
    fixtureClear(&fx);
}

/* true if some file in @dir holds @needle */
static bool
dirContains(const char *dir, const char *needle)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *s = readFile(dir, n);

        if (s && strstr(s, needle))
            return true;
    }
    return false;
}

/* a removal keeps the inode as an empty hidden spare; no copy of the contents stays */
static void
testRemoveRecycles(const void *opaque)
{
    Fixture fx;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) d = NULL;
    g_autofree char *p = NULL;
    const char *n;
    struct stat sb;
    ino_t ino;
    bool found = false;
    gvJournal *j;

    fixtureInit(&fx);
    j = openOk(&fx, 0, NEVER);
    g_assert_cmpint(gvJournalPut(j, "r.xml", "<r>recycled-secret</r>\n", 23, &error), ==, 0);
    p = g_build_filename(fx.dir, "r.xml", NULL);
    g_assert_cmpint(stat(p, &sb), ==, 0);
    ino = sb.st_ino;
    g_assert_cmpint(gvJournalRemove(j, "r.xml", &error), ==, 0);
    g_assert_no_error(error);
    g_assert_false(g_file_test(p, G_FILE_TEST_EXISTS));
    g_assert_false(dirContains(fx.dir, "recycled-secret"));
    d = g_dir_open(fx.dir, 0, NULL);
    while ((n = g_dir_read_name(d))) {
        g_autofree char *sp = g_build_filename(fx.dir, n, NULL);

        g_assert_true(g_str_has_prefix(n, ".spare."));
        g_assert_cmpint(stat(sp, &sb), ==, 0);
        g_assert_cmpint(sb.st_size, ==, 0);
        g_assert_cmpuint(sb.st_mode & 07777, ==, 0600);
        if (sb.st_ino == ino)
            found = true;
    }
    g_assert_true(found);
    gvJournalClose(j);
    fixtureClear(&fx);
}

static void
countRecord(guint64 seq, bool put, const char *name, const char *data, size_t len, gpointer opaque)
{
    (*(guint *)opaque)++;
}

/* the fuzz seeds, written by a separate (Python) encoder, read as intended */
static void
testScanSeeds(const void *opaque)
{
    static const struct {
        const char *file;
        guint records;
    } seeds[] = {
        { "chain", 3 }, { "stale-tail", 1 }, { "torn", 1 }, { "empty", 0 }, { "zeros", 0 }
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(seeds); i++) {
        g_autofree char *p = gvTestPath("fuzz/journal/%s", seeds[i].file);
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        guint n = 0;

        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpuint(gvJournalScanFile(fd, p, 1 << 20, countRecord, &n), ==, seeds[i].records);
        g_assert_cmpuint(n, ==, seeds[i].records);
        close(fd);
    }
}

/* a write the journal refuses changes nothing */
static void
testRefused(const void *opaque)
{
    Fixture fx;
    g_autoptr(GError) error = NULL;
    gvJournal *j;

    fixtureInit(&fx);
    j = openOk(&fx, 0, NEVER);
    g_assert_cmpint(gvJournalPut(j, "../x.xml", "<x/>", 4, &error), ==, -1);
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "'../x.xml'"));
    g_clear_error(&error);
    g_assert_cmpint(gvJournalRemove(j, ".spare.abc", &error), ==, -1);
    g_assert_nonnull(error);
    g_assert_true(journalIsBlank(&fx, 0));
    gvJournalClose(j);
    fixtureClear(&fx);
}

/* a rename: at once in the directory, one record in the journal, durable at close */
static void
testRename(const void *opaque)
{
    Fixture fx;
    g_autoptr(GError) error = NULL;
    g_autofree char *oldData = NULL;
    g_autofree char *newData = NULL;
    g_autofree char *big = NULL;
    gvJournal *j;

    fixtureInit(&fx);
    j = openOk(&fx, 65536, NEVER);
    g_assert_cmpint(gvJournalPut(j, "old.xml", "<d n='old'/>\n", 13, &error), ==, 0);
    g_assert_cmpint(gvJournalRename(j, "old.xml", "new.xml", "<d n='new'/>\n", 13, &error), ==, 0);
    g_assert_no_error(error);
    oldData = readFile(fx.dir, "old.xml");
    newData = readFile(fx.dir, "new.xml");
    g_assert_null(oldData);
    g_assert_cmpstr(newData, ==, "<d n='new'/>\n");
    g_assert_true(journalContains(&fx, 0, "new.xml"));
    g_assert_true(journalContains(&fx, 0, "<d n='new'/>"));

    /* refused, and nothing changes: the same name, bad names, no room for one record */
    g_assert_cmpint(gvJournalRename(j, "new.xml", "new.xml", "x", 1, &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_INVALID_ARG);
    g_clear_error(&error);
    g_assert_cmpint(gvJournalRename(j, "new.xml", "../x.xml", "x", 1, &error), ==, -1);
    g_clear_error(&error);
    g_assert_cmpint(gvJournalRename(j, ".hidden", "x.xml", "x", 1, &error), ==, -1);
    g_clear_error(&error);
    big = g_strnfill(40000, 'x');
    g_assert_cmpint(gvJournalRename(j, "new.xml", "big.xml", big, strlen(big), &error), ==, -1);
    g_assert_error(error, GV_ERROR, GV_ERR_OPERATION_FAILED);
    g_clear_pointer(&newData, g_free);
    newData = readFile(fx.dir, "new.xml");
    g_assert_cmpstr(newData, ==, "<d n='new'/>\n");
    g_assert_null(readFile(fx.dir, "big.xml"));
    gvJournalClose(j);
    /* the close made it durable in place */
    g_assert_true(journalIsBlank(&fx, 0));
    g_clear_pointer(&newData, g_free);
    newData = readFile(fx.dir, "new.xml");
    g_assert_cmpstr(newData, ==, "<d n='new'/>\n");
    fixtureClear(&fx);
}

/* what a crash after the rename's record leaves: replayed; never both names */
static void
testRenameReplay(const void *opaque)
{
    Fixture fx;
    g_autoptr(GByteArray) j0 = g_byte_array_new();
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    g_autofree char *c = NULL;
    gvJournal *j;

    fixtureInit(&fx);
    writeDirFile(&fx, "a.xml", "<d n='a'/>\n");
    writeDirFile(&fx, "c.xml", "<d n='c'/>\n");
    addRecord(j0, 0x3333, 1, "a.xml", "<d n='a' v='1'/>\n");
    addRename(j0, 0x3333, 2, "a.xml", "b.xml", "<d n='b'/>\n");
    /* a later write of the old name wins over the rename's removal */
    addRename(j0, 0x3333, 3, "c.xml", "d.xml", "<d n='d'/>\n");
    addRecord(j0, 0x3333, 4, "c.xml", "<d n='c' again='yes'/>\n");
    writeJournal(&fx, 0, j0);
    j = openOk(&fx, 0, NEVER);
    a = readFile(fx.dir, "a.xml");
    b = readFile(fx.dir, "b.xml");
    c = readFile(fx.dir, "c.xml");
    g_assert_null(a);
    g_assert_cmpstr(b, ==, "<d n='b'/>\n");
    g_assert_cmpstr(c, ==, "<d n='c' again='yes'/>\n");
    g_clear_pointer(&a, g_free);
    a = readFile(fx.dir, "d.xml");
    g_assert_cmpstr(a, ==, "<d n='d'/>\n");
    gvJournalClose(j);
    fixtureClear(&fx);
}

/* a rename record without the old name, or to itself: the chain ends there */
static void
testRenameMalformed(const void *opaque)
{
    const char *bad[] = { "no-nul-at-all", "a.xml" };
    size_t k;

    for (k = 0; k < G_N_ELEMENTS(bad); k++) {
        Fixture fx;
        g_autoptr(GByteArray) j0 = g_byte_array_new();
        g_autofree char *a = NULL;
        gvJournal *j;

        fixtureInit(&fx);
        writeDirFile(&fx, "a.xml", "<d n='a'/>\n");
        if (k == 0)
            addRecordKind(j0, 0x4444, 1, 3, "b.xml", bad[k], strlen(bad[k]));
        else
            addRename(j0, 0x4444, 1, "a.xml", "a.xml", "<d/>\n");
        addRecord(j0, 0x4444, 2, "e.xml", "<e/>\n");
        writeJournal(&fx, 0, j0);
        g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                              "*a rename at offset 0 is malformed*");
        j = openOk(&fx, 0, NEVER);
        g_test_assert_expected_messages();
        a = readFile(fx.dir, "a.xml");
        g_assert_cmpstr(a, ==, "<d n='a'/>\n");
        g_assert_null(readFile(fx.dir, "b.xml"));
        g_assert_null(readFile(fx.dir, "e.xml"));
        gvJournalClose(j);
        fixtureClear(&fx);
    }
}

/* a journal path that cannot be a journal: a clear error, nothing touched */
static void
testOpenFails(const void *opaque)
{
    Fixture fx;
    g_autoptr(GError) error = NULL;
    g_autofree char *p = NULL;
    gvJournal *j;

    fixtureInit(&fx);
    p = journalPath(&fx, 0);
    g_assert_cmpint(mkdir(p, 0700), ==, 0);
    j = gvJournalOpen(fx.dir, fx.journal, 0, NEVER, &error);
    g_assert_null(j);
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, p));
    fixtureClear(&fx);
}

typedef struct {
    gvJournal *j;
    int id;
} Writer;

static gpointer
writerThread(gpointer opaque)
{
    Writer *w = opaque;
    int i;

    for (i = 0; i < 150; i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *name = g_strdup_printf("w%d-%d.xml", w->id, i % 5);
        g_autofree char *data = g_strdup_printf("<w id='%d' i='%d'/>\n", w->id, i);

        if (i % 7 == 6)
            g_assert_cmpint(gvJournalRemove(w->j, name, &error), ==, 0);
        else
            g_assert_cmpint(gvJournalPut(w->j, name, data, strlen(data), &error), ==, 0);
        g_assert_no_error(error);
    }
    return NULL;
}

/* several threads; a small journal and a short pause force checkpoints meanwhile */
static void
testConcurrent(const void *opaque)
{
    Fixture fx;
    Writer w[4];
    GThread *t[4];
    gvJournal *j;
    int i, k;

    fixtureInit(&fx);
    j = openOk(&fx, 8192, 1);
    for (i = 0; i < 4; i++) {
        w[i].j = j;
        w[i].id = i;
        t[i] = g_thread_new("writer", writerThread, &w[i]);
    }
    for (i = 0; i < 4; i++)
        g_thread_join(t[i]);
    gvJournalClose(j);
    for (i = 0; i < 4; i++) {
        for (k = 0; k < 5; k++) {
            g_autofree char *name = g_strdup_printf("w%d-%d.xml", i, k);
            g_autofree char *got = readFile(fx.dir, name);
            int last = 145 + k; /* the last i with i % 5 == k */
            g_autofree char *want = g_strdup_printf("<w id='%d' i='%d'/>\n", i, last);

            if (last % 7 == 6)
                g_assert_null(got);
            else
                g_assert_cmpstr(got, ==, want);
        }
    }
    g_assert_true(journalIsBlank(&fx, 0));
    g_assert_true(journalIsBlank(&fx, 1));
    fixtureClear(&fx);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    gvTestRun("/journal/crc32c", testCrc32c, NULL);
    gvTestRun("/journal/names", testNames, NULL);
    gvTestRun("/journal/visible-then-sync", testVisibleThenSync, NULL);
    gvTestRun("/journal/quiet-checkpoint", testQuietCheckpoint, NULL);
    gvTestRun("/journal/full-journal", testFullJournal, NULL);
    gvTestRun("/journal/replay", testReplay, NULL);
    gvTestRun("/journal/damaged", testDamaged, NULL);
    gvTestRun("/journal/stale-and-hostile", testStaleAndHostile, NULL);
    gvTestRun("/journal/remove-recycles", testRemoveRecycles, NULL);
    gvTestRun("/journal/scan-seeds", testScanSeeds, NULL);
    gvTestRun("/journal/refused", testRefused, NULL);
    gvTestRun("/journal/open-fails", testOpenFails, NULL);
    gvTestRun("/journal/concurrent", testConcurrent, NULL);
    gvTestRun("/journal/rename", testRename, NULL);
    gvTestRun("/journal/rename-replay", testRenameReplay, NULL);
    gvTestRun("/journal/rename-malformed", testRenameMalformed, NULL);

    return g_test_run();
}
