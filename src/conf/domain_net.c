/*
 * domain_net.c: <devices>/<interface>: user, bridge, ethernet (and network, refused)
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_net.h"
#include "gverror.h"
#include "gvuuid.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainNetType, GV_DOMAIN_NET_TYPE_LAST, [GV_DOMAIN_NET_TYPE_NONE] = "none",
             [GV_DOMAIN_NET_TYPE_USER] = "user", [GV_DOMAIN_NET_TYPE_NETWORK] = "network",
             [GV_DOMAIN_NET_TYPE_BRIDGE] = "bridge", [GV_DOMAIN_NET_TYPE_ETHERNET] = "ethernet");

GV_ENUM_IMPL(gvDomainNetModel, GV_DOMAIN_NET_MODEL_LAST, [GV_DOMAIN_NET_MODEL_NONE] = "none",
             [GV_DOMAIN_NET_MODEL_VIRTIO] = "virtio", [GV_DOMAIN_NET_MODEL_E1000] = "e1000",
             [GV_DOMAIN_NET_MODEL_E1000E] = "e1000e", [GV_DOMAIN_NET_MODEL_RTL8139] = "rtl8139");

void
gvDomainNetDefFree(gvDomainNetDef *def)
{
    if (!def)
        return;
    g_free(def->source);
    g_free(def->ifname);
    g_free(def);
}

bool
gvDomainNetModelIsConventionalPCI(gvDomainNetModel model)
{
    return model == GV_DOMAIN_NET_MODEL_E1000 || model == GV_DOMAIN_NET_MODEL_RTL8139;
}

/* Letters, digits and '-', '_', '.': a Linux interface name, not a path */
static bool
gvNetIfnameValid(const char *name)
{
    const char *p;

    if (name[0] == '\0' || strlen(name) > GV_NET_IFNAME_MAX || g_str_equal(name, ".") ||
        g_str_equal(name, ".."))
        return false;
    for (p = name; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-_.", *p))
            return false;
    }
    return true;
}

static int
gvDomainNetIfnamePropParse(xmlNodePtr node, const char *attr, char **out, GError **error)
{
    if (gvXMLPropString(node, attr, GV_XML_PROP_REQUIRED, out, error) < 0)
        return -1;
    if (!gvNetIfnameValid(*out)) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(
            error, GV_ERR_XML_ERROR,
            "invalid value '%s' for attribute '%s' of %s: expected an interface name of 1 to %d letters, digits, '-', '_' or '.'",
            *out, attr, path, GV_NET_IFNAME_MAX);
        return -1;
    }
    return 0;
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
    static const gvXMLChildSpec children[] = { { "mac", 1 },     { "model", 1 }, { "source", 1 },
                                               { "target", 1 },  { "mtu", 1 },   { "boot", 1 },
                                               { "address", 1 }, { NULL, 0 } };
    static const char *const macAttrs[] = { "address", NULL };
    static const char *const modelAttrs[] = { "type", NULL };
    static const char *const networkAttrs[] = { "network", NULL };
    static const char *const bridgeAttrs[] = { "bridge", NULL };
    static const char *const targetAttrs[] = { "dev", "managed", NULL };
    static const char *const mtuAttrs[] = { "size", NULL };
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
    if ((cur = gvXMLNodeGetChild(node, "source"))) {
        switch ((gvDomainNetType)def->type) {
        case GV_DOMAIN_NET_TYPE_NETWORK:
            if (gvXMLCheckNode(cur, networkAttrs, NULL, false, error) < 0 ||
                gvXMLPropString(cur, "network", GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO,
                                &def->source, error) < 0)
                return NULL;
            break;
        case GV_DOMAIN_NET_TYPE_BRIDGE:
            if (gvXMLCheckNode(cur, bridgeAttrs, NULL, false, error) < 0 ||
                gvDomainNetIfnamePropParse(cur, "bridge", &def->source, error) < 0)
                return NULL;
            break;
        case GV_DOMAIN_NET_TYPE_USER:
        case GV_DOMAIN_NET_TYPE_ETHERNET:
        case GV_DOMAIN_NET_TYPE_NONE:
        case GV_DOMAIN_NET_TYPE_LAST: {
            g_autofree char *path = gvXMLNodePath(cur);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "unexpected element %s: an interface of type '%s' has no <source>", path,
                          gvDomainNetTypeTypeToString(def->type));
            return NULL;
        }
        }
    }
    if ((cur = gvXMLNodeGetChild(node, "target"))) {
        if (gvXMLCheckNode(cur, targetAttrs, NULL, false, error) < 0 ||
            gvDomainNetIfnamePropParse(cur, "dev", &def->ifname, error) < 0)
            return NULL;
        {
            g_autofree char *managed = NULL;

            if (gvXMLPropString(cur, "managed", GV_XML_PROP_NONE, &managed, error) < 0)
                return NULL;
            if (managed && g_str_equal(managed, "no")) {
                def->managed = GV_TRISTATE_BOOL_NO;
            } else if (managed && g_str_equal(managed, "yes")) {
                def->managed = GV_TRISTATE_BOOL_YES;
            } else if (managed) {
                g_autofree char *path = gvXMLNodePath(cur);

                gvReportError(error, GV_ERR_XML_ERROR,
                              "unknown value '%s' for attribute 'managed' of %s", managed, path);
                return NULL;
            }
        }
    }
    if ((cur = gvXMLNodeGetChild(node, "mtu"))) {
        if (gvXMLCheckNode(cur, mtuAttrs, NULL, false, error) < 0 ||
            gvXMLPropUInt(cur, "size", GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &def->mtu,
                          error) < 0)
            return NULL;
        if (def->mtu < 68 || def->mtu > 65535) {
            g_autofree char *path = gvXMLNodePath(cur);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "invalid value '%u' for attribute 'size' of %s: expected 68 to 65535",
                          def->mtu, path);
            return NULL;
        }
    }
    if (gvDomainDeviceInfoParseXML(node, GV_ADDR_PCI, true, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

void
gvDomainNetDefFormat(gvBuffer *buf, const gvDomainNetDef *def)
{
    char macstr[GV_MAC_STRING_BUFLEN];

    gvBufferAsprintf(buf, "<interface type='%s'>\n", gvDomainNetTypeTypeToString(def->type));
    gvBufferAdjustIndent(buf, 2);
    gvBufferAsprintf(buf, "<mac address='%s'/>\n", gvMacAddrFormat(def->mac, macstr));
    if (def->source)
        gvBufferEscapeString(buf,
                             def->type == GV_DOMAIN_NET_TYPE_NETWORK ? "<source network='%s'/>\n"
                                                                     : "<source bridge='%s'/>\n",
                             def->source);
    if (def->ifname) {
        gvBufferEscapeString(buf, "<target dev='%s'", def->ifname);
        if (def->managed != GV_TRISTATE_BOOL_ABSENT)
            gvBufferAsprintf(buf, " managed='%s'",
                             def->managed == GV_TRISTATE_BOOL_YES ? "yes" : "no");
        gvBufferAddLit(buf, "/>\n");
    }
    gvBufferAsprintf(buf, "<model type='%s'/>\n", gvDomainNetModelTypeToString(def->model));
    if (def->mtu)
        gvBufferAsprintf(buf, "<mtu size='%u'/>\n", def->mtu);
    gvDomainDeviceBootFormat(buf, &def->info);
    gvDomainDeviceAddressFormat(buf, &def->info.addr);
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

int
gvDomainNetDefValidate(const gvDomainNetDef *def, GError **error)
{
    char macstr[GV_MAC_STRING_BUFLEN];

    gvMacAddrFormat(def->mac, macstr);
    switch ((gvDomainNetType)def->type) {
    case GV_DOMAIN_NET_TYPE_USER:
        if (def->ifname) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "interface '%s' of type 'user' in <devices>/<interface> cannot have a <target dev>",
                macstr);
            return -1;
        }
        break;
    case GV_DOMAIN_NET_TYPE_NETWORK:
        if (!def->source) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "interface '%s' of type 'network' in <devices>/<interface> needs <source network>",
                macstr);
            return -1;
        }
        break;
    case GV_DOMAIN_NET_TYPE_BRIDGE:
        if (!def->source) {
            gvReportError(
                error, GV_ERR_XML_ERROR,
                "interface '%s' of type 'bridge' in <devices>/<interface> needs <source bridge>",
                macstr);
            return -1;
        }
        break;
    case GV_DOMAIN_NET_TYPE_ETHERNET:
        /* genvirt has no script to run: the tap must exist already */
        if (!def->ifname || def->managed != GV_TRISTATE_BOOL_NO) {
            gvReportError(
                error, GV_ERR_CONFIG_UNSUPPORTED,
                "interface '%s' of type 'ethernet' in <devices>/<interface> needs <target dev='TAP' managed='no'/>: genvirt attaches an existing tap device only",
                macstr);
            return -1;
        }
        break;
    case GV_DOMAIN_NET_TYPE_NONE:
    case GV_DOMAIN_NET_TYPE_LAST:
        break;
    }
    if (def->mtu && def->model != GV_DOMAIN_NET_MODEL_VIRTIO) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "interface '%s' in <devices>/<interface>/<mtu>: an MTU needs model 'virtio', not '%s'",
            macstr, gvDomainNetModelTypeToString(def->model));
        return -1;
    }
    if (def->mtu && def->type == GV_DOMAIN_NET_TYPE_USER) {
        gvReportError(
            error, GV_ERR_CONFIG_UNSUPPORTED,
            "interface '%s' in <devices>/<interface>/<mtu>: user-mode networking has no MTU setting",
            macstr);
        return -1;
    }
    return 0;
}
