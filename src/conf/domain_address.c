/*
 * domain_address.c: <address> and <boot order> of a device
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_address.h"
#include "gverror.h"
#include "gvxml.h"

GV_ENUM_IMPL(
    gvDomainAddress, GV_DOMAIN_ADDRESS_TYPE_LAST, [GV_DOMAIN_ADDRESS_TYPE_NONE] = "none",
    [GV_DOMAIN_ADDRESS_TYPE_PCI] = "pci", [GV_DOMAIN_ADDRESS_TYPE_DRIVE] = "drive",
    [GV_DOMAIN_ADDRESS_TYPE_VIRTIO_SERIAL] = "virtio-serial", [GV_DOMAIN_ADDRESS_TYPE_USB] = "usb");

/* An unsigned number in decimal or 0x hex (libvirt writes PCI parts in hex) */
static int
gvAddressPropUInt(xmlNodePtr node, const char *name, unsigned int max, unsigned int *out,
                  GError **error)
{
    g_autofree char *val = NULL;
    guint64 v;
    bool ok;
    int rc;

    if ((rc = gvXMLPropString(node, name, GV_XML_PROP_NONE, &val, error)) <= 0)
        return rc;
    if (g_str_has_prefix(val, "0x") || g_str_has_prefix(val, "0X"))
        ok = val[2] != '\0' && strspn(val + 2, "0123456789abcdefABCDEF") == strlen(val + 2) &&
             g_ascii_string_to_unsigned(val + 2, 16, 0, max, &v, NULL);
    else
        ok = g_ascii_string_to_unsigned(val, 10, 0, max, &v, NULL);
    if (!ok) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(
            error, GV_ERR_XML_ERROR,
            "invalid value '%s' for attribute '%s' of %s: expected a number from 0 to %u (decimal or 0x hex)",
            val, name, path, max);
        return -1;
    }
    *out = (unsigned int)v;
    return 1;
}

static int
gvDomainDeviceAddressParseXML(xmlNodePtr node, unsigned int allowed, gvDomainDeviceAddress *addr,
                              GError **error)
{
    static const char *const pciAttrs[] = { "type",     "domain",        "bus", "slot",
                                            "function", "multifunction", NULL };
    static const char *const driveAttrs[] = { "type", "controller", "bus", "target", "unit", NULL };
    static const char *const vserialAttrs[] = { "type", "controller", "bus", "port", NULL };
    static const char *const usbAttrs[] = { "type", "bus", "port", NULL };
    g_autofree char *port = NULL;
    int v = GV_DOMAIN_ADDRESS_TYPE_NONE;
    const char *const *attrs = NULL;

    if (gvXMLPropEnum(node, "type", gvDomainAddressTypeFromString,
                      GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO, &v, error) < 0)
        return -1;
    if (!(allowed & GV_ADDR_MASK(v))) {
        g_autofree char *path = gvXMLNodePath(node);

        gvReportError(error, GV_ERR_XML_ERROR,
                      "address type '%s' in %s is not possible for this device",
                      gvDomainAddressTypeToString(v), path);
        return -1;
    }
    addr->type = v;
    switch ((gvDomainAddressType)addr->type) {
    case GV_DOMAIN_ADDRESS_TYPE_PCI:
        attrs = pciAttrs;
        break;
    case GV_DOMAIN_ADDRESS_TYPE_DRIVE:
        attrs = driveAttrs;
        break;
    case GV_DOMAIN_ADDRESS_TYPE_VIRTIO_SERIAL:
        attrs = vserialAttrs;
        break;
    case GV_DOMAIN_ADDRESS_TYPE_USB:
        attrs = usbAttrs;
        break;
    case GV_DOMAIN_ADDRESS_TYPE_NONE:
    case GV_DOMAIN_ADDRESS_TYPE_LAST:
        break;
    }
    if (gvXMLCheckNode(node, attrs, NULL, false, error) < 0)
        return -1;
    switch ((gvDomainAddressType)addr->type) {
    case GV_DOMAIN_ADDRESS_TYPE_PCI:
        /* libvirt supports PCI domain 0 only for QEMU's x86 machines */
        if (gvAddressPropUInt(node, "domain", 0, &addr->pci.domain, error) < 0 ||
            gvAddressPropUInt(node, "bus", GV_PCI_BUS_MAX, &addr->pci.bus, error) < 0 ||
            gvAddressPropUInt(node, "slot", GV_PCI_SLOT_MAX, &addr->pci.slot, error) < 0 ||
            gvAddressPropUInt(node, "function", GV_PCI_FUNCTION_MAX, &addr->pci.function, error) <
                0)
            return -1;
        if (gvXMLPropTristateSwitch(node, "multifunction", GV_XML_PROP_NONE,
                                    &addr->pci.multifunction, error) < 0)
            return -1;
        break;
    case GV_DOMAIN_ADDRESS_TYPE_DRIVE:
        if (gvAddressPropUInt(node, "controller", 31, &addr->controller, error) < 0 ||
            gvAddressPropUInt(node, "bus", 1, &addr->bus, error) < 0 ||
            gvAddressPropUInt(node, "target", 0, &addr->target, error) < 0 ||
            gvAddressPropUInt(node, "unit", 255, &addr->unit, error) < 0)
            return -1;
        break;
    case GV_DOMAIN_ADDRESS_TYPE_VIRTIO_SERIAL:
        if (gvAddressPropUInt(node, "controller", 31, &addr->controller, error) < 0 ||
            gvAddressPropUInt(node, "bus", 0, &addr->bus, error) < 0 ||
            gvAddressPropUInt(node, "port", GV_VSERIAL_PORT_MAX, &addr->port, error) < 0)
            return -1;
        break;
    case GV_DOMAIN_ADDRESS_TYPE_USB:
        if (gvAddressPropUInt(node, "bus", 31, &addr->bus, error) < 0)
            return -1;
        /* a port on a hub ("1.2") needs a <hub>, which genvirt does not have */
        if (gvXMLPropString(node, "port", GV_XML_PROP_REQUIRED, &port, error) < 0)
            return -1;
        if (gvAddressPropUInt(node, "port", GV_USB_PORT_MAX, &addr->port, error) < 0)
            return -1;
        if (addr->port == 0) {
            g_autofree char *path = gvXMLNodePath(node);

            gvReportError(error, GV_ERR_XML_ERROR,
                          "invalid value '0' for attribute 'port' of %s: USB ports count from 1",
                          path);
            return -1;
        }
        break;
    case GV_DOMAIN_ADDRESS_TYPE_NONE:
    case GV_DOMAIN_ADDRESS_TYPE_LAST:
        break;
    }
    return 0;
}

int
gvDomainDeviceInfoParseXML(xmlNodePtr node, unsigned int allowed, bool boot,
                           gvDomainDeviceInfo *info, GError **error)
{
    static const char *const bootAttrs[] = { "order", NULL };
    xmlNodePtr cur;

    if ((cur = gvXMLNodeGetChild(node, "address")) &&
        gvDomainDeviceAddressParseXML(cur, allowed, &info->addr, error) < 0)
        return -1;
    if (boot && (cur = gvXMLNodeGetChild(node, "boot"))) {
        if (gvXMLCheckNode(cur, bootAttrs, NULL, false, error) < 0 ||
            gvXMLPropUInt(cur, "order", GV_XML_PROP_REQUIRED | GV_XML_PROP_NONZERO,
                          &info->bootIndex, error) < 0)
            return -1;
    }
    return 0;
}

void
gvDomainDeviceBootFormat(gvBuffer *buf, const gvDomainDeviceInfo *info)
{
    if (info->bootIndex > 0)
        gvBufferAsprintf(buf, "<boot order='%u'/>\n", info->bootIndex);
}

void
gvDomainDeviceAddressFormat(gvBuffer *buf, const gvDomainDeviceAddress *addr)
{
    switch ((gvDomainAddressType)addr->type) {
    case GV_DOMAIN_ADDRESS_TYPE_PCI:
        gvBufferAsprintf(buf,
                         "<address type='pci' domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                         "function='0x%x'",
                         addr->pci.domain, addr->pci.bus, addr->pci.slot, addr->pci.function);
        if (addr->pci.multifunction != GV_TRISTATE_SWITCH_ABSENT)
            gvBufferAsprintf(buf, " multifunction='%s'",
                             gvTristateSwitchTypeToString(addr->pci.multifunction));
        gvBufferAddLit(buf, "/>\n");
        break;
    case GV_DOMAIN_ADDRESS_TYPE_DRIVE:
        gvBufferAsprintf(buf,
                         "<address type='drive' controller='%u' bus='%u' target='%u' unit='%u'/>\n",
                         addr->controller, addr->bus, addr->target, addr->unit);
        break;
    case GV_DOMAIN_ADDRESS_TYPE_VIRTIO_SERIAL:
        gvBufferAsprintf(buf,
                         "<address type='virtio-serial' controller='%u' bus='%u' port='%u'/>\n",
                         addr->controller, addr->bus, addr->port);
        break;
    case GV_DOMAIN_ADDRESS_TYPE_USB:
        gvBufferAsprintf(buf, "<address type='usb' bus='%u' port='%u'/>\n", addr->bus, addr->port);
        break;
    case GV_DOMAIN_ADDRESS_TYPE_NONE:
    case GV_DOMAIN_ADDRESS_TYPE_LAST:
        break;
    }
}

bool
gvDomainDeviceAddressEqual(const gvDomainDeviceAddress *a, const gvDomainDeviceAddress *b)
{
    if (a->type != b->type)
        return false;
    switch ((gvDomainAddressType)a->type) {
    case GV_DOMAIN_ADDRESS_TYPE_PCI:
        return a->pci.domain == b->pci.domain && a->pci.bus == b->pci.bus &&
               a->pci.slot == b->pci.slot && a->pci.function == b->pci.function;
    case GV_DOMAIN_ADDRESS_TYPE_DRIVE:
        return a->controller == b->controller && a->bus == b->bus && a->target == b->target &&
               a->unit == b->unit;
    case GV_DOMAIN_ADDRESS_TYPE_VIRTIO_SERIAL:
        return a->controller == b->controller && a->bus == b->bus && a->port == b->port;
    case GV_DOMAIN_ADDRESS_TYPE_USB:
        return a->bus == b->bus && a->port == b->port;
    case GV_DOMAIN_ADDRESS_TYPE_NONE:
    case GV_DOMAIN_ADDRESS_TYPE_LAST:
        break;
    }
    return true;
}

char *
gvDomainDeviceAddressToString(const gvDomainDeviceAddress *addr)
{
    switch ((gvDomainAddressType)addr->type) {
    case GV_DOMAIN_ADDRESS_TYPE_PCI:
        return g_strdup_printf("pci %04x:%02x:%02x.%x", addr->pci.domain, addr->pci.bus,
                               addr->pci.slot, addr->pci.function);
    case GV_DOMAIN_ADDRESS_TYPE_DRIVE:
        return g_strdup_printf("drive %u:%u:%u:%u", addr->controller, addr->bus, addr->target,
                               addr->unit);
    case GV_DOMAIN_ADDRESS_TYPE_VIRTIO_SERIAL:
        return g_strdup_printf("virtio-serial %u:%u:%u", addr->controller, addr->bus, addr->port);
    case GV_DOMAIN_ADDRESS_TYPE_USB:
        return g_strdup_printf("usb %u:%u", addr->bus, addr->port);
    case GV_DOMAIN_ADDRESS_TYPE_NONE:
    case GV_DOMAIN_ADDRESS_TYPE_LAST:
        break;
    }
    return g_strdup("none");
}
