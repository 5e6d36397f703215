/*
 * host_sysinfo.c: the <sysinfo type='smbios'> document of CONNECT_GET_SYSINFO
 */
#include <gvconfig.h>

#include "gvbuffer.h"
#include "gvfile.h"
#include "host_sysinfo.h"

typedef struct {
    const char *file; /* in sys/class/dmi/id */
    const char *entry; /* libvirt's <entry name=> */
    bool private; /* only for read-write clients */
} gvSysinfoField;

typedef struct {
    const char *element;
    gvSysinfoField fields[8];
} gvSysinfoBlock;

/* libvirt's blocks and entry names, in its order (SMBIOS types 0, 1, 2, 3) */
static const gvSysinfoBlock gvSysinfoBlocks[] = {
    { "bios",
      { { "bios_vendor", "vendor", false },
        { "bios_version", "version", false },
        { "bios_date", "date", false },
        { "bios_release", "release", false } } },
    { "system",
      { { "sys_vendor", "manufacturer", false },
        { "product_name", "product", false },
        { "product_version", "version", false },
        { "product_serial", "serial", true },
        { "product_uuid", "uuid", true },
        { "product_sku", "sku", false },
        { "product_family", "family", false } } },
    { "baseBoard",
      { { "board_vendor", "manufacturer", false },
        { "board_name", "product", false },
        { "board_version", "version", false },
        { "board_serial", "serial", true },
        { "board_asset_tag", "asset", true } } },
    { "chassis",
      { { "chassis_vendor", "manufacturer", false },
        { "chassis_version", "version", false },
        { "chassis_serial", "serial", true },
        { "chassis_asset_tag", "asset", true } } },
};

/* The field's value, trimmed, or NULL when absent, unreadable or empty */
static char *
gvSysinfoRead(const char *root, const char *file)
{
    g_autofree char *path = g_build_filename(root, "sys/class/dmi/id", file, NULL);
    g_autofree char *data = NULL;

    /* an unreadable field (not root) is left out like a missing one */
    if (gvFileReadOptional(path, 4096, &data, NULL) <= 0 || *g_strstrip(data) == '\0' ||
        !g_utf8_validate(data, -1, NULL))
        return NULL;
    return g_steal_pointer(&data);
}

char *
gvHostSysinfoFormat(const char *root, bool full)
{
    g_auto(gvBuffer) buf = GV_BUFFER_INIT;
    g_auto(gvBuffer) child = GV_BUFFER_INIT_CHILD(&buf);
    size_t i;
    size_t j;

    for (i = 0; i < G_N_ELEMENTS(gvSysinfoBlocks); i++) {
        const gvSysinfoBlock *block = &gvSysinfoBlocks[i];
        g_auto(gvBuffer) entries = GV_BUFFER_INIT;

        entries.indent = child.indent + 2;
        for (j = 0; j < G_N_ELEMENTS(block->fields) && block->fields[j].file; j++) {
            const gvSysinfoField *f = &block->fields[j];
            g_autofree char *value = NULL;

            if (f->private && !full)
                continue;
            if (!(value = gvSysinfoRead(root, f->file)))
                continue;
            gvBufferAsprintf(&entries, "<entry name='%s'>", f->entry);
            gvBufferEscapeString(&entries, "%s</entry>\n", value);
        }
        if (gvBufferIsEmpty(&entries))
            continue;
        gvBufferAsprintf(&child, "<%s>\n", block->element);
        gvBufferAddBuffer(&child, &entries);
        gvBufferAsprintf(&child, "</%s>\n", block->element);
    }
    if (gvBufferIsEmpty(&child)) {
        gvBufferAddLit(&buf, "<sysinfo type='smbios'/>\n");
    } else {
        gvBufferAddLit(&buf, "<sysinfo type='smbios'>\n");
        gvBufferAddBuffer(&buf, &child);
        gvBufferAddLit(&buf, "</sysinfo>\n");
    }
    return gvBufferContentAndReset(&buf);
}
