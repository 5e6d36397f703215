/*
 * domain_net.c: <devices>/<interface> (user-mode networking)
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_net.h"
#include "gverror.h"
#include "gvuuid.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainNetType, GV_DOMAIN_NET_TYPE_LAST, [GV_DOMAIN_NET_TYPE_NONE] = "none",
             [GV_DOMAIN_NET_TYPE_USER] = "user");

GV_ENUM_IMPL(gvDomainNetModel, GV_DOMAIN_NET_MODEL_LAST, [GV_DOMAIN_NET_MODEL_NONE] = "none",
             [GV_DOMAIN_NET_MODEL_VIRTIO] = "virtio", [GV_DOMAIN_NET_MODEL_E1000] = "e1000",
             [GV_DOMAIN_NET_MODEL_E1000E] = "e1000e", [GV_DOMAIN_NET_MODEL_RTL8139] = "rtl8139");

void
gvDomainNetDefFree(gvDomainNetDef *def)
{
    g_free(def);
}

bool
gvMacAddrParse(const char *str, unsigned char mac[GV_MAC_BUFLEN])
{
    unsigned char tmp[GV_MAC_BUFLEN];
    size_t i;

    if (!str || strlen(str) != 17)
        return false;
    for (i = 0; i < GV_MAC_BUFLEN; i++) {
        int hi = g_ascii_xdigit_value(str[i * 3]);
        int lo = g_ascii_xdigit_value(str[i * 3 + 1]);

        if (hi < 0 || lo < 0)
            return false;
        if (i < GV_MAC_BUFLEN - 1 && str[i * 3 + 2] != ':')
            return false;
        tmp[i] = (unsigned char)(hi << 4 | lo);
    }
    memcpy(mac, tmp, sizeof(tmp));
    return true;
}

char *
gvMacAddrFormat(const unsigned char mac[GV_MAC_BUFLEN], char out[GV_MAC_STRING_BUFLEN])
{
    g_snprintf(out, GV_MAC_STRING_BUFLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
               mac[3], mac[4], mac[5]);
    return out;
}

gvDomainNetDef *
gvDomainNetDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "type", NULL };
    static const gvXMLChildSpec children[] = { { "mac", 1 }, { "model", 1 }, { NULL, 0 } };
    static const char *const macAttrs[] = { "address", NULL };
    static const char *const modelAttrs[] = { "type", NULL };
    g_autoptr(gvDomainNetDef) def = g_new0(gvDomainNetDef, 1);
    xmlNodePtr cur;
    int v = GV_DOMAIN_NET_TYPE_NONE;

    if (gvXMLCheckNode(node, attrs, children, false, error) < 0)
        return NULL;
    if (gvXMLPropEnum(node, "type", gvDomainNetTypeTypeFromString,
                      GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0)
        return NULL;
    def->type = v;

    if ((cur = gvXMLNodeGetChild(node, "mac"))) {
        g_autofree char *addr = NULL;

        if (gvXMLCheckNode(cur, macAttrs, NULL, false, error) < 0 ||
            gvXMLPropString(cur, "address", GV_XML_PROP_REQUIRED, &addr, error) < 0)
            return NULL;
        if (!gvMacAddrParse(addr, def->mac)) {
            g_autofree char *path = gvXMLNodePath(cur);

            gvReportError(
                error, GV_ERR_XML_ERROR,
                "invalid value '%s' for attribute 'address' of %s: expected a MAC address like 52:54:00:12:34:56",
                addr, path);
            return NULL;
        }
        if (def->mac[0] & 1) {
            g_autofree char *path = gvXMLNodePath(cur);

            gvReportError(
                error, GV_ERR_XML_ERROR,
                "invalid value '%s' for attribute 'address' of %s: a multicast address cannot be a NIC's address",
                addr, path);
            return NULL;
        }
        def->hasMac = true;
    }
    if ((cur = gvXMLNodeGetChild(node, "model"))) {
        v = GV_DOMAIN_NET_MODEL_NONE;
        if (gvXMLCheckNode(cur, modelAttrs, NULL, false, error) < 0 ||
            gvXMLPropEnum(cur, "type", gvDomainNetModelTypeFromString,
                          GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0)
            return NULL;
        def->model = v;
    }
    return g_steal_pointer(&def);
}

void
gvDomainNetDefFormat(gvBuffer *buf, const gvDomainNetDef *def)
{
    char macstr[GV_MAC_STRING_BUFLEN];

    gvBufferAsprintf(buf, "<interface type='%s'>\n", gvDomainNetTypeTypeToString(def->type));
    gvBufferAdjustIndent(buf, 2);
    gvBufferAsprintf(buf, "<mac address='%s'/>\n", gvMacAddrFormat(def->mac, macstr));
    gvBufferAsprintf(buf, "<model type='%s'/>\n", gvDomainNetModelTypeToString(def->model));
    gvBufferAdjustIndent(buf, -2);
    gvBufferAddLit(buf, "</interface>\n");
}

int
gvDomainNetDefPostParse(gvDomainNetDef *def, GError **error)
{
    if (!def->hasMac) {
        /* QEMU's locally administered prefix, as libvirt uses */
        def->mac[0] = 0x52;
        def->mac[1] = 0x54;
        def->mac[2] = 0x00;
        if (gvRandomBytes(def->mac + 3, 3, error) < 0)
            return -1;
        def->hasMac = true;
    }
    /* libvirt's default NIC model for x86 QEMU guests */
    if (def->model == GV_DOMAIN_NET_MODEL_NONE)
        def->model = GV_DOMAIN_NET_MODEL_RTL8139;
    return 0;
}
