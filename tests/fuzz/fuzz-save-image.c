/*
 * fuzz-save-image.c: the save image reader (src/util/gvsaveimage.c), as a
 * restore runs it on a file anyone may have written or cut short
 *
 * Every image the reader accepts must be complete and self-consistent: its
 * length is exactly what the header announces, its XML is NUL-free and of
 * the announced length, and formatting the parsed header again gives the
 * bytes it was read from.
 */
#include <gvconfig.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gvbuffer.h"
#include "gvsaveimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gvSaveImageHeader hdr;
    g_autoptr(GError) error = NULL;
    guint8 again[GV_SAVE_IMAGE_HEADER_SIZE];
    char *xml = NULL;

    if (gvSaveImageParseBuffer(data, size, &hdr, &xml, &error) < 0) {
        /* a refusal always says why */
        if (!error || !error->message[0])
            abort();
        return 0;
    }
    if (hdr.dataOffset + hdr.dataLen + GV_SAVE_IMAGE_TRAILER_SIZE != size || hdr.dataLen == 0 ||
        strlen(xml) != hdr.xmlLen || hdr.xmlOffset + hdr.xmlLen > size)
        abort();
    gvSaveImageHeaderFormat(&hdr, xml, again);
    if (memcmp(again, data, GV_SAVE_IMAGE_HEADER_SIZE) != 0)
        abort();
    gvSecretFree(xml);
    return 0;
}
