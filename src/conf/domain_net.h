/*
 * domain_net.h: <devices>/<interface>: user, bridge, ethernet (and network, refused)
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "domain_address.h"
#include "gvbuffer.h"
#include "gvenum.h"

#define GV_MAC_BUFLEN 6
#define GV_MAC_STRING_BUFLEN 18

typedef enum {
    GV_DOMAIN_NET_TYPE_NONE = 0,
    GV_DOMAIN_NET_TYPE_USER,
    GV_DOMAIN_NET_TYPE_NETWORK,
    GV_DOMAIN_NET_TYPE_BRIDGE,
    GV_DOMAIN_NET_TYPE_ETHERNET,
    GV_DOMAIN_NET_TYPE_LAST
} gvDomainNetType;
GV_ENUM_DECL(gvDomainNetType);

typedef enum {
    GV_DOMAIN_NET_MODEL_NONE = 0,
    GV_DOMAIN_NET_MODEL_VIRTIO,
    GV_DOMAIN_NET_MODEL_E1000,
    GV_DOMAIN_NET_MODEL_E1000E,
    GV_DOMAIN_NET_MODEL_RTL8139,
    GV_DOMAIN_NET_MODEL_LAST
} gvDomainNetModel;
GV_ENUM_DECL(gvDomainNetModel);

typedef struct {
    gvDomainNetType type;
    bool hasMac;
    unsigned char mac[GV_MAC_BUFLEN];
    gvDomainNetModel model;
    char *source; /* <source network=> or <source bridge=> */
    char *ifname; /* <target dev=> */
    gvTristateBool managed; /* <target managed=> */
    unsigned int mtu; /* <mtu size=>; 0: absent */
    gvDomainDeviceInfo info;
} gvDomainNetDef;

#define GV_NET_IFNAME_MAX 15

void gvDomainNetDefFree(gvDomainNetDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainNetDef, gvDomainNetDefFree)

gvDomainNetDef *gvDomainNetDefParseXML(xmlNodePtr node, GError **error);
void gvDomainNetDefFormat(gvBuffer *buf, const gvDomainNetDef *def);
int gvDomainNetDefPostParse(gvDomainNetDef *def, GError **error);
int gvDomainNetDefValidate(const gvDomainNetDef *def, GError **error);
/* e1000, rtl8139: conventional PCI devices (on q35 behind a PCIe-to-PCI bridge) */
bool gvDomainNetModelIsConventionalPCI(gvDomainNetModel model);

bool gvMacAddrParse(const char *str, unsigned char mac[GV_MAC_BUFLEN]);
char *gvMacAddrFormat(const unsigned char mac[GV_MAC_BUFLEN], char out[GV_MAC_STRING_BUFLEN]);
