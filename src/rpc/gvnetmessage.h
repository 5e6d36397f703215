/*
 * gvnetmessage.h: libvirt's RPC framing
 *
 * A frame is a big-endian u32 length (counting itself), a 24-byte header
 * {prog, vers, proc, type, serial, status} and an XDR payload.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#define GV_NET_MESSAGE_MAX 33554432 /* header + payload, as libvirt 9.0 */
#define GV_NET_MESSAGE_LEN_MAX 4
#define GV_NET_MESSAGE_HEADER_MAX 24
#define GV_NET_MESSAGE_STRING_MAX 4194304 /* remote_nonnull_string */

typedef enum {
    GV_NET_CALL = 0,
    GV_NET_REPLY = 1,
    GV_NET_MESSAGE = 2,
    GV_NET_STREAM = 3,
    GV_NET_CALL_WITH_FDS = 4,
    GV_NET_REPLY_WITH_FDS = 5,
} gvNetMessageType;

typedef enum {
    GV_NET_OK = 0,
    GV_NET_ERROR = 1,
    GV_NET_CONTINUE = 2,
} gvNetMessageStatus;

typedef struct {
    guint32 prog;
    guint32 vers;
    gint32 proc;
    guint32 type;
    guint32 serial;
    guint32 status;
} gvNetMessageHeader;

/*
 * The length word of a frame: false when it is below the header or above
 * GV_NET_MESSAGE_MAX, checked before anything is allocated for the frame.
 */
bool gvNetMessageLengthValid(guint32 len);

/* A new frame holding a placeholder length and @hdr; append the payload */
GByteArray *gvNetMessageNew(const gvNetMessageHeader *hdr);
/* The same, with room for @payload bytes after the header: no growth up to there */
GByteArray *gvNetMessageNewSized(const gvNetMessageHeader *hdr, size_t payload);
/* Writes the final length word; false if the frame grew past the limit */
bool gvNetMessageFinish(GByteArray *msg);

/* Decodes the 24 header bytes at @buf */
void gvNetMessageDecodeHeader(const guint8 *buf, gvNetMessageHeader *hdr);
