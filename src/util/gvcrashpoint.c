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

void
gvCrashPointInit(void)
{
    const char *at = getenv("GENVIRT_TEST_CRASH_AT");
    const char *log = getenv("GENVIRT_TEST_CRASH_LOG");

    if (at && *at) {
        const char *sep = strchr(at, '@');

        crashAt = sep ? g_strndup(at, sep - at) : g_strdup(at);
        guint64 n = 1;

        crashCount = 1;
        if (sep && g_ascii_string_to_unsigned(sep + 1, 10, 1, G_MAXINT, &n, NULL))
            crashCount = (int)n;
    }
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

#endif /* GV_WITH_TEST_HOOKS */
