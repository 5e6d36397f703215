/*
 * gvcrashpoint.c: named points at which a test build dies as kill -9 would
 */
#include <gvconfig.h>

#include "gvcrashpoint.h"

#if GV_WITH_TEST_HOOKS

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

static char *crashAt; /* the chosen point, NULL for none */
static int crashCount; /* die at its crashCount-th hit */
static int crashLogFd = -1;
static int crashHits;
static char *qemuDiesAt; /* "DOMAIN:COMMAND" QEMU dies in, NULL for none */
static int qemuDiesCount;
static int qemuDiesHits;

/* NAME or NAME@N into *@name and *@count */
static void
gvCrashPointParse(const char *spec, char **name, int *count)
{
    const char *sep = strchr(spec, '@');
    guint64 n = 1;

    *name = sep ? g_strndup(spec, sep - spec) : g_strdup(spec);
    *count = 1;
    if (sep && g_ascii_string_to_unsigned(sep + 1, 10, 1, G_MAXINT, &n, NULL))
        *count = (int)n;
}

void
gvCrashPointInit(void)
{
    const char *at = getenv("GENVIRT_TEST_CRASH_AT");
    const char *log = getenv("GENVIRT_TEST_CRASH_LOG");
    const char *qemu = getenv("GENVIRT_TEST_QEMU_DIES_AT");

    if (at && *at)
        gvCrashPointParse(at, &crashAt, &crashCount);
    if (qemu && *qemu)
        gvCrashPointParse(qemu, &qemuDiesAt, &qemuDiesCount);
    if (log && *log)
        crashLogFd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

/* write(2) all of @len bytes, for the log: one line stays one line */
static void
gvCrashWrite(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        data += n;
        len -= (size_t)n;
    }
}

void
gvCrashPoint(const char *name)
{
    size_t len = strlen(name);

    if (crashLogFd >= 0) {
        char line[256];

        if (len < sizeof(line) - 1) {
            memcpy(line, name, len);
            line[len] = '\n';
            gvCrashWrite(crashLogFd, line, len + 1);
        }
    }
    if (!crashAt || !g_str_equal(crashAt, name))
        return;
    if (g_atomic_int_add(&crashHits, 1) + 1 != crashCount)
        return;

    gvCrashWrite(STDERR_FILENO, "genvirtd: crash point ", 22);
    gvCrashWrite(STDERR_FILENO, name, len);
    gvCrashWrite(STDERR_FILENO, "\n", 1);
    for (;;) {
        kill(getpid(), SIGKILL);
        pause();
    }
}

bool
gvCrashPointQemuDies(const char *domain, const char *command)
{
    size_t dlen;

    if (!qemuDiesAt || !domain || !command)
        return false;
    dlen = strlen(domain);
    if (strncmp(qemuDiesAt, domain, dlen) != 0 || qemuDiesAt[dlen] != ':' ||
        !g_str_equal(qemuDiesAt + dlen + 1, command))
        return false;
    return g_atomic_int_add(&qemuDiesHits, 1) + 1 == qemuDiesCount;
}

#endif /* GV_WITH_TEST_HOOKS */
