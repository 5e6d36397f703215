/*
 * domain_controller.h: <devices>/<controller>
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "domain_address.h"
#include "gvbuffer.h"
#include "gvenum.h"

typedef enum {
    GV_DOMAIN_CONTROLLER_TYPE_IDE = 0,
    GV_DOMAIN_CONTROLLER_TYPE_FDC,
    GV_DOMAIN_CONTROLLER_TYPE_SCSI,
    GV_DOMAIN_CONTROLLER_TYPE_SATA,
    GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,
    GV_DOMAIN_CONTROLLER_TYPE_USB,
    GV_DOMAIN_CONTROLLER_TYPE_PCI,
    GV_DOMAIN_CONTROLLER_TYPE_LAST
} gvDomainControllerType;
GV_ENUM_DECL(gvDomainControllerType);

/* model='...' of a USB controller; 0 is "absent" */
typedef enum {
    GV_DOMAIN_USB_MODEL_DEFAULT = 0,
    GV_DOMAIN_USB_MODEL_PIIX3_UHCI,
    GV_DOMAIN_USB_MODEL_ICH9_EHCI1,
    GV_DOMAIN_USB_MODEL_ICH9_UHCI1,
    GV_DOMAIN_USB_MODEL_ICH9_UHCI2,
    GV_DOMAIN_USB_MODEL_ICH9_UHCI3,
    GV_DOMAIN_USB_MODEL_QEMU_XHCI,
    GV_DOMAIN_USB_MODEL_NEC_XHCI,
    GV_DOMAIN_USB_MODEL_NONE,
    GV_DOMAIN_USB_MODEL_LAST
} gvDomainUSBModel;
GV_ENUM_DECL(gvDomainUSBModel);

typedef enum {
    GV_DOMAIN_PCI_MODEL_DEFAULT = 0,
    GV_DOMAIN_PCI_MODEL_PCI_ROOT,
    GV_DOMAIN_PCI_MODEL_PCIE_ROOT,
    GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT,
    GV_DOMAIN_PCI_MODEL_PCI_BRIDGE,
    GV_DOMAIN_PCI_MODEL_PCIE_TO_PCI_BRIDGE,
    GV_DOMAIN_PCI_MODEL_LAST
} gvDomainPCIModel;
GV_ENUM_DECL(gvDomainPCIModel);

/* <model name='...'/> of a PCI controller: the QEMU device */
typedef enum {
    GV_DOMAIN_PCI_MODEL_NAME_NONE = 0,
    GV_DOMAIN_PCI_MODEL_NAME_PCIE_ROOT_PORT,
    GV_DOMAIN_PCI_MODEL_NAME_PCI_BRIDGE,
    GV_DOMAIN_PCI_MODEL_NAME_PCIE_PCI_BRIDGE,
    GV_DOMAIN_PCI_MODEL_NAME_LAST
} gvDomainPCIModelName;
GV_ENUM_DECL(gvDomainPCIModelName);

typedef enum {
    GV_DOMAIN_SCSI_MODEL_DEFAULT = 0,
    GV_DOMAIN_SCSI_MODEL_VIRTIO_SCSI,
    GV_DOMAIN_SCSI_MODEL_LSILOGIC,
    GV_DOMAIN_SCSI_MODEL_LAST
} gvDomainSCSIModel;
GV_ENUM_DECL(gvDomainSCSIModel);

typedef struct {
    gvDomainControllerType type;
    int idx; /* index=; -1 until post-parse */
    int model; /* gvDomainUSBModel, gvDomainPCIModel or gvDomainSCSIModel */
    int ports; /* ports= (USB xHCI, virtio-serial); -1 absent */
    int startport; /* <master startport> of a UHCI companion; -1 absent */
    gvDomainPCIModelName modelName;
    int chassis; /* <target chassis=> of a pcie-root-port; -1 absent */
    int port; /* <target port=> of a pcie-root-port; -1 absent */
    int chassisNr; /* <target chassisNr=> of a pci-bridge; -1 absent */
    bool implicit; /* added by post-parse, not written by the user */
    gvDomainDeviceInfo info;
} gvDomainControllerDef;

gvDomainControllerDef *gvDomainControllerDefNew(gvDomainControllerType type, int idx, int model);
void gvDomainControllerDefFree(gvDomainControllerDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gvDomainControllerDef, gvDomainControllerDefFree)

gvDomainControllerDef *gvDomainControllerDefParseXML(xmlNodePtr node, GError **error);
void gvDomainControllerDefFormat(gvBuffer *buf, const gvDomainControllerDef *def);
/* "usb controller 0 (qemu-xhci)" for messages */
char *gvDomainControllerDefDescribe(const gvDomainControllerDef *def);
const char *gvDomainControllerModelToString(const gvDomainControllerDef *def);
/* ICH9 UHCI companions (uhci1..3) of an EHCI master, and that whole ICH9 group */
bool gvDomainControllerIsUHCICompanion(const gvDomainControllerDef *def);
bool gvDomainControllerIsICH9USB(const gvDomainControllerDef *def);
