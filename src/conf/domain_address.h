/*
 * domain_address.h: where a device sits (<address>) and its <boot order>
 *
 * Every device that can have an address embeds a gvDomainDeviceInfo.  The
 * parser stores what the user wrote; domain_address_assign.c fills in the
 * addresses libvirt's QEMU driver would give (pc and q35 rules).
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_ADDRESS_TYPE_NONE = 0,
    GV_DOMAIN_ADDRESS_TYPE_PCI,
    GV_DOMAIN_ADDRESS_TYPE_DRIVE,
    GV_DOMAIN_ADDRESS_TYPE_VIRTIO_SERIAL,
    GV_DOMAIN_ADDRESS_TYPE_USB,
    GV_DOMAIN_ADDRESS_TYPE_LAST
} gvDomainAddressType;
GV_ENUM_DECL(gvDomainAddress);

/* the address types a device accepts, for gvDomainDeviceInfoParseXML */
#define GV_ADDR_MASK(t) (1u << (t))
#define GV_ADDR_PCI GV_ADDR_MASK(GV_DOMAIN_ADDRESS_TYPE_PCI)
#define GV_ADDR_DRIVE GV_ADDR_MASK(GV_DOMAIN_ADDRESS_TYPE_DRIVE)
#define GV_ADDR_VSERIAL GV_ADDR_MASK(GV_DOMAIN_ADDRESS_TYPE_VIRTIO_SERIAL)
#define GV_ADDR_USB GV_ADDR_MASK(GV_DOMAIN_ADDRESS_TYPE_USB)

#define GV_PCI_SLOT_MAX 31
#define GV_PCI_FUNCTION_MAX 7
#define GV_PCI_BUS_MAX 255
#define GV_USB_PORT_MAX 127
#define GV_VSERIAL_PORT_MAX 31

typedef struct {
    unsigned int domain;
    unsigned int bus;
    unsigned int slot;
    unsigned int function;
    gvTristateSwitch multifunction;
} gvPCIAddress;

typedef struct {
    gvDomainAddressType type;
    gvPCIAddress pci;
    /* drive and virtio-serial: controller, bus (and target, unit or port) */
    unsigned int controller;
    unsigned int bus;
    unsigned int target;
    unsigned int unit;
    unsigned int port; /* virtio-serial and usb */
} gvDomainDeviceAddress;

typedef struct {
    gvDomainDeviceAddress addr;
    unsigned int bootIndex; /* <boot order='N'/>; 0 when absent */
} gvDomainDeviceInfo;

/*
 * Parses the <address> and <boot> children of @node into @info.  @allowed
 * is a mask of GV_ADDR_*; @boot says whether <boot order> is allowed.
 * The caller lists "address" (and "boot") among @node's allowed children.
 */
int gvDomainDeviceInfoParseXML(xmlNodePtr node, unsigned int allowed, bool boot,
                               gvDomainDeviceInfo *info, GError **error);
/* <boot order='N'/> when set */
void gvDomainDeviceBootFormat(gvBuffer *buf, const gvDomainDeviceInfo *info);
/* <address .../> when set */
void gvDomainDeviceAddressFormat(gvBuffer *buf, const gvDomainDeviceAddress *addr);

bool gvDomainDeviceAddressEqual(const gvDomainDeviceAddress *a, const gvDomainDeviceAddress *b);
/* "pci 0000:00:02.0", "drive 0:0:0:1", "virtio-serial 0:0:1", "usb 0:1", "none" */
char *gvDomainDeviceAddressToString(const gvDomainDeviceAddress *addr);
