/*
 * fuzz-daemon-config.c: the genvirtd.conf parser
 *
 * Any input either parses or fails with one error; a parse that succeeds
 * leaves every setting in its range and every list NULL-terminated.
 */
#include <gvconfig.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(gvDaemonConfig) cfg = gvDaemonConfigNew("/fuzz");
    g_autoptr(GError) error = NULL;
    size_t i;

    if (gvDaemonConfigParse(cfg, (const char *)data, size, "fuzz.conf", &error) < 0) {
        if (!error || !error->message || !strstr(error->message, "fuzz.conf"))
            abort();
        return 0;
    }
    if (error || cfg->tlsPort < 1 || cfg->tlsPort > 65535 || cfg->tcpPort < 1 ||
        cfg->tcpPort > 65535 || cfg->keepaliveInterval < -1 || cfg->keepaliveCount < 0 ||
        !cfg->keyFile || !cfg->caFile)
        abort();
    for (i = 0; cfg->tlsAllowedDNList && cfg->tlsAllowedDNList[i]; i++) {
        if (strlen(cfg->tlsAllowedDNList[i]) > 4096)
            abort();
    }
    return 0;
}
