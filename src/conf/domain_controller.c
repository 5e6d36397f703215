/*
 * domain_controller.c: <devices>/<controller>
 */
#include <gvconfig.h>

#include "domain_controller.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(gvDomainControllerType, GV_DOMAIN_CONTROLLER_TYPE_LAST,
             [GV_DOMAIN_CONTROLLER_TYPE_IDE] = "ide", [GV_DOMAIN_CONTROLLER_TYPE_FDC] = "fdc",
             [GV_DOMAIN_CONTROLLER_TYPE_SCSI] = "scsi", [GV_DOMAIN_CONTROLLER_TYPE_SATA] = "sata",
             [GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL] = "virtio-serial",
             [GV_DOMAIN_CONTROLLER_TYPE_USB] = "usb", [GV_DOMAIN_CONTROLLER_TYPE_PCI] = "pci");

GV_ENUM_IMPL(
    gvDomainUSBModel, GV_DOMAIN_USB_MODEL_LAST, [GV_DOMAIN_USB_MODEL_DEFAULT] = "default",
    [GV_DOMAIN_USB_MODEL_PIIX3_UHCI] = "piix3-uhci",
    [GV_DOMAIN_USB_MODEL_ICH9_EHCI1] = "ich9-ehci1",
    [GV_DOMAIN_USB_MODEL_ICH9_UHCI1] = "ich9-uhci1",
    [GV_DOMAIN_USB_MODEL_ICH9_UHCI2] = "ich9-uhci2",
    [GV_DOMAIN_USB_MODEL_ICH9_UHCI3] = "ich9-uhci3", [GV_DOMAIN_USB_MODEL_QEMU_XHCI] = "qemu-xhci",
    [GV_DOMAIN_USB_MODEL_NEC_XHCI] = "nec-xhci", [GV_DOMAIN_USB_MODEL_NONE] = "none");

GV_ENUM_IMPL(
    gvDomainPCIModel, GV_DOMAIN_PCI_MODEL_LAST, [GV_DOMAIN_PCI_MODEL_DEFAULT] = "default",
    [GV_DOMAIN_PCI_MODEL_PCI_ROOT] = "pci-root", [GV_DOMAIN_PCI_MODEL_PCIE_ROOT] = "pcie-root",
    [GV_DOMAIN_PCI_MODEL_PCIE_ROOT_PORT] = "pcie-root-port",
    [GV_DOMAIN_PCI_MODEL_PCI_BRIDGE] = "pci-bridge",
    [GV_DOMAIN_PCI_MODEL_PCIE_TO_PCI_BRIDGE] = "pcie-to-pci-bridge");

GV_ENUM_IMPL(gvDomainPCIModelName,
             GV_DOMAIN_PCI_MODEL_NAME_LAST, [GV_DOMAIN_PCI_MODEL_NAME_NONE] = "none",
             [GV_DOMAIN_PCI_MODEL_NAME_PCIE_ROOT_PORT] = "pcie-root-port",
             [GV_DOMAIN_PCI_MODEL_NAME_PCI_BRIDGE] = "pci-bridge",
             [GV_DOMAIN_PCI_MODEL_NAME_PCIE_PCI_BRIDGE] = "pcie-pci-bridge");

GV_ENUM_IMPL(gvDomainSCSIModel,
             GV_DOMAIN_SCSI_MODEL_LAST, [GV_DOMAIN_SCSI_MODEL_DEFAULT] = "default",
             [GV_DOMAIN_SCSI_MODEL_VIRTIO_SCSI] = "virtio-scsi",
             [GV_DOMAIN_SCSI_MODEL_LSILOGIC] = "lsilogic");

gvDomainControllerDef *
gvDomainControllerDefNew(gvDomainControllerType type, int idx, int model)
{
    gvDomainControllerDef *def = g_new0(gvDomainControllerDef, 1);

    def->type = type;
    def->idx = idx;
    def->model = model;
    def->ports = -1;
    def->startport = -1;
    def->chassis = -1;
    def->port = -1;
    def->chassisNr = -1;
    return def;
}

void
gvDomainControllerDefFree(gvDomainControllerDef *def)
{
    g_free(def);
}

const char *
gvDomainControllerModelToString(const gvDomainControllerDef *def)
{
    switch ((gvDomainControllerType)def->type) {
    case GV_DOMAIN_CONTROLLER_TYPE_USB:
        return def->model ? gvDomainUSBModelTypeToString(def->model) : NULL;
    case GV_DOMAIN_CONTROLLER_TYPE_PCI:
        return def->model ? gvDomainPCIModelTypeToString(def->model) : NULL;
    case GV_DOMAIN_CONTROLLER_TYPE_SCSI:
        return def->model ? gvDomainSCSIModelTypeToString(def->model) : NULL;
    case GV_DOMAIN_CONTROLLER_TYPE_IDE:
    case GV_DOMAIN_CONTROLLER_TYPE_FDC:
    case GV_DOMAIN_CONTROLLER_TYPE_SATA:
    case GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
    case GV_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    return NULL;
}

bool
gvDomainControllerIsUHCICompanion(const gvDomainControllerDef *def)
{
    return def->type == GV_DOMAIN_CONTROLLER_TYPE_USB &&
           (def->model == GV_DOMAIN_USB_MODEL_ICH9_UHCI1 ||
            def->model == GV_DOMAIN_USB_MODEL_ICH9_UHCI2 ||
            def->model == GV_DOMAIN_USB_MODEL_ICH9_UHCI3);
}

bool
gvDomainControllerIsICH9USB(const gvDomainControllerDef *def)
{
    return gvDomainControllerIsUHCICompanion(def) || (def->type == GV_DOMAIN_CONTROLLER_TYPE_USB &&
                                                      def->model == GV_DOMAIN_USB_MODEL_ICH9_EHCI1);
}

char *
gvDomainControllerDefDescribe(const gvDomainControllerDef *def)
{
    const char *model = gvDomainControllerModelToString(def);

    if (model)
        return g_strdup_printf("%s controller %d (%s)",
                               gvDomainControllerTypeTypeToString(def->type), def->idx, model);
    return g_strdup_printf("%s controller %d", gvDomainControllerTypeTypeToString(def->type),
                           def->idx);
}

static int
gvDomainControllerParseInt(xmlNodePtr node, const char *name, unsigned int max, int *out,
                           GError **error)
{
    unsigned int v;
    int rc;

    if ((rc = gvXMLPropUInt(node, name, GV_XML_PROP_NONE, &v, error)) <= 0)
        return rc;
    if (v > max) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "invalid value '%u' for attribute '%s' of %s: expected 0 to %u", v, name,
                      path, max);
        return -1;
    }
    *out = (int)v;
    return 1;
}

gvDomainControllerDef *
gvDomainControllerDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "type", "index", "model", "ports", NULL };
    static const gvXMLChildSpec usbChildren[] = { { "master", 1 }, { "address", 1 }, { NULL, 0 } };
    static const gvXMLChildSpec pciChildren[] = {
        { "model", 1 }, { "target", 1 }, { "address", 1 }, { NULL, 0 }
    };
    static const gvXMLChildSpec otherChildren[] = { { "address", 1 }, { NULL, 0 } };
    static const gvXMLChildSpec noChildren[] = { { NULL, 0 } };
    static const char *const masterAttrs[] = { "startport", NULL };
    static const char *const modelAttrs[] = { "name", NULL };
    static const char *const targetAttrs[] = { "chassis", "port", "chassisNr", NULL };
    g_autoptr(gvDomainControllerDef) def = NULL;
    const gvXMLChildSpec *children = otherChildren;
    unsigned int addrMask = GV_ADDR_PCI;
    xmlNodePtr cur;
    int type = 0;
    int model = 0;
    int (*modelFromString)(const char *) = NULL;

    if (gvXMLPropEnum(node, "type", gvDomainControllerTypeTypeFromString, GV_XML_PROP_REQUIRED,
                      &type, error) < 0)
        return NULL;
    def = gvDomainControllerDefNew(type, -1, 0);
    switch ((gvDomainControllerType)def->type) {
    case GV_DOMAIN_CONTROLLER_TYPE_USB:
        children = usbChildren;
        modelFromString = gvDomainUSBModelTypeFromString;
        break;
    case GV_DOMAIN_CONTROLLER_TYPE_PCI:
        children = pciChildren;
        modelFromString = gvDomainPCIModelTypeFromString;
        break;
    case GV_DOMAIN_CONTROLLER_TYPE_SCSI:
        modelFromString = gvDomainSCSIModelTypeFromString;
        break;
    case GV_DOMAIN_CONTROLLER_TYPE_FDC:
        /* the ISA floppy controller has no address */
        children = noChildren;
        addrMask = 0;
        break;
    case GV_DOMAIN_CONTROLLER_TYPE_IDE:
    case GV_DOMAIN_CONTROLLER_TYPE_SATA:
    case GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
    case GV_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    if (gvXMLCheckNode(node, attrs, children, false, error) < 0)
        return NULL;
    if (gvDomainControllerParseInt(node, "index", GV_PCI_BUS_MAX, &def->idx, error) < 0)
        return NULL;
    if (modelFromString) {
        if (gvXMLPropEnum(node, "model", modelFromString, GV_XML_PROP_NONZERO, &model, error) < 0)
            return NULL;
        def->model = model;
    } else if (xmlHasProp(node, (const xmlChar *)"model")) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR, "a %s controller in %s takes no 'model'",
                      gvDomainControllerTypeTypeToString(def->type), path);
        return NULL;
    }
    if (xmlHasProp(node, (const xmlChar *)"ports")) {
        if (def->type != GV_DOMAIN_CONTROLLER_TYPE_USB &&
            def->type != GV_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL) {
            g_autofree char *path = gvXMLNodePath(node);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "attribute 'ports' of %s is only for usb and virtio-serial controllers",
                          path);
            return NULL;
        }
        if (gvDomainControllerParseInt(node, "ports", 31, &def->ports, error) < 0)
            return NULL;
        if (def->ports == 0) {
            g_autofree char *path = gvXMLNodePath(node);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "invalid value '0' for attribute 'ports' of %s: expected 1 to 31", path);
            return NULL;
        }
    }
    if ((cur = gvXMLNodeGetChild(node, "master"))) {
        if (gvXMLCheckNode(cur, masterAttrs, NULL, false, error) < 0 ||
            gvDomainControllerParseInt(cur, "startport", 15, &def->startport, error) < 0)
            return NULL;
    }
    if ((cur = gvXMLNodeGetChild(node, "model")) && def->type == GV_DOMAIN_CONTROLLER_TYPE_PCI) {
        int name = GV_DOMAIN_PCI_MODEL_NAME_NONE;

        if (gvXMLCheckNode(cur, modelAttrs, NULL, false, error) < 0 ||
            gvXMLPropEnum(cur, "name", gvDomainPCIModelNameTypeFromString,
                          GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &name, error) < 0)
            return NULL;
        def->modelName = name;
    }
    if ((cur = gvXMLNodeGetChild(node, "target")) && def->type == GV_DOMAIN_CONTROLLER_TYPE_PCI) {
        g_autofree char *port = NULL;

        if (gvXMLCheckNode(cur, targetAttrs, NULL, false, error) < 0 ||
            gvDomainControllerParseInt(cur, "chassis", 255, &def->chassis, error) < 0 ||
            gvDomainControllerParseInt(cur, "chassisNr", 255, &def->chassisNr, error) < 0 ||
            gvXMLPropString(cur, "port", GV_XML_PROP_NONE, &port, error) < 0)
            return NULL;
        if (port) {
            guint64 v;
            const char *digits = g_str_has_prefix(port, "0x") ? port + 2 : port;

            if (!g_ascii_string_to_unsigned(digits, digits == port ? 10 : 16, 0, 255, &v, NULL)) {
                g_autofree char *path = gvXMLNodePath(cur);

                gvReportError(
                    error, GV_ERR_XML_ERROR,
                    "invalid value '%s' for attribute 'port' of %s: expected 0 to 255 (decimal or 0x hex)",
                    port, path);
                return NULL;
            }
            def->port = (int)v;
        }
    }
    if (gvDomainDeviceInfoParseXML(node, addrMask, false, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

void
gvDomainControllerDefFormat(gvBuffer *buf, const gvDomainControllerDef *def)
{
    g_auto(gvBuffer) attrBuf = GV_BUFFER_INIT;
    g_auto(gvBuffer) childBuf = GV_BUFFER_INIT_CHILD(buf);
    const char *model = gvDomainControllerModelToString(def);

    gvBufferAsprintf(&attrBuf, " type='%s' index='%d'",
                     gvDomainControllerTypeTypeToString(def->type), def->idx);
    if (model)
        gvBufferAsprintf(&attrBuf, " model='%s'", model);
    if (def->ports >= 0)
        gvBufferAsprintf(&attrBuf, " ports='%d'", def->ports);
    if (def->startport >= 0)
        gvBufferAsprintf(&childBuf, "<master startport='%d'/>\n", def->startport);
    if (def->modelName != GV_DOMAIN_PCI_MODEL_NAME_NONE)
        gvBufferAsprintf(&childBuf, "<model name='%s'/>\n",
                         gvDomainPCIModelNameTypeToString(def->modelName));
    if (def->chassisNr >= 0 || def->chassis >= 0 || def->port >= 0) {
        gvBufferAddLit(&childBuf, "<target");
        if (def->chassisNr >= 0)
            gvBufferAsprintf(&childBuf, " chassisNr='%d'", def->chassisNr);
        if (def->chassis >= 0)
            gvBufferAsprintf(&childBuf, " chassis='%d'", def->chassis);
        if (def->port >= 0)
            gvBufferAsprintf(&childBuf, " port='0x%x'", def->port);
        gvBufferAddLit(&childBuf, "/>\n");
    }
    gvDomainDeviceAddressFormat(&childBuf, &def->info.addr);
    gvXMLFormatElement(buf, "controller", &attrBuf, &childBuf);
}
