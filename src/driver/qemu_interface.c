/*
 * qemu_interface.c: tap devices for <interface type='bridge'|'ethernet'>
 *
 * genvirtd opens the tap and gives QEMU the file descriptor (-netdev
 * tap,fd=N), as libvirt does: QEMU needs no privilege and runs no script.
 * A bridge interface gets a new tap (the kernel names it, "gvtapN"), with
 * the guest's MAC address with the first byte 0xfe (so the bridge never
 * takes it for its own), the MTU of <mtu> or of the bridge, up and attached
 * to the bridge; it disappears when QEMU, the last holder, exits.
 */
#include <gvconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>

#include "gverror.h"
#include "qemu_interface.h"

void
gvQemuInterfaceCloseTaps(int *fds, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

static int
gvNetIoctl(unsigned long req, struct ifreq *ifr)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int rc;
    int saved;

    if (s < 0)
        return -1;
    rc = ioctl(s, req, ifr);
    saved = errno;
    close(s);
    errno = saved;
    return rc;
}

static void
gvIfreqName(struct ifreq *ifr, const char *name)
{
    memset(ifr, 0, sizeof(*ifr));
    g_strlcpy(ifr->ifr_name, name, sizeof(ifr->ifr_name));
}

/* A tap fd: @name "" for a new one (the kernel picks "gvtapN"), else an existing one */
static int
gvTapOpen(const char *name, bool vnetHdr, char created[IFNAMSIZ], const char *what, GError **error)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        gvReportSystemError(error, errno, "cannot open /dev/net/tun for %s", what);
        return -1;
    }
    gvIfreqName(&ifr, name[0] ? name : "gvtap%d");
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnetHdr ? IFF_VNET_HDR : 0);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int err = errno;

        close(fd);
        if (err == EPERM)
            gvReportError(error, GV_ERR_OPERATION_FAILED,
                          "cannot open the tap device of %s: it needs root (CAP_NET_ADMIN)", what);
        else
            gvReportSystemError(error, err, "cannot open tap device '%s' for %s",
                                name[0] ? name : "gvtap%d", what);
        return -1;
    }
    g_strlcpy(created, ifr.ifr_name, IFNAMSIZ);
    return fd;
}

static int
gvTapSetupBridge(const gvDomainNetDef *net, const char *tap, const char *what, GError **error)
{
    struct ifreq ifr;
    int ifindex;

    gvIfreqName(&ifr, net->source);
    if (gvNetIoctl(SIOCGIFINDEX, &ifr) < 0) {
        gvReportSystemError(error, errno, "bridge '%s' of %s in <devices>/<interface>/<source>",
                            net->source, what);
        return -1;
    }
    if (gvNetIoctl(SIOCGIFMTU, &ifr) < 0) {
        gvReportSystemError(error, errno, "cannot read the MTU of bridge '%s'", net->source);
        return -1;
    }
    {
        int mtu = net->mtu ? (int)net->mtu : ifr.ifr_mtu;

        gvIfreqName(&ifr, tap);
        ifr.ifr_mtu = mtu;
        if (gvNetIoctl(SIOCSIFMTU, &ifr) < 0) {
            gvReportSystemError(error, errno, "cannot set MTU %d on tap '%s' of %s", mtu, tap,
                                what);
            return -1;
        }
    }
    gvIfreqName(&ifr, tap);
    ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
    memcpy(ifr.ifr_hwaddr.sa_data, net->mac, GV_MAC_BUFLEN);
    ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
    if (gvNetIoctl(SIOCSIFHWADDR, &ifr) < 0) {
        gvReportSystemError(error, errno, "cannot set the MAC address of tap '%s' of %s", tap,
                            what);
        return -1;
    }
    gvIfreqName(&ifr, tap);
    if (gvNetIoctl(SIOCGIFFLAGS, &ifr) < 0 ||
        (ifr.ifr_flags |= IFF_UP, gvNetIoctl(SIOCSIFFLAGS, &ifr) < 0)) {
        gvReportSystemError(error, errno, "cannot bring up tap '%s' of %s", tap, what);
        return -1;
    }
    if ((ifindex = (int)if_nametoindex(tap)) == 0) {
        gvReportSystemError(error, errno, "tap '%s' of %s vanished", tap, what);
        return -1;
    }
    gvIfreqName(&ifr, net->source);
    ifr.ifr_ifindex = ifindex;
    if (gvNetIoctl(SIOCBRADDIF, &ifr) < 0) {
        gvReportSystemError(error, errno,
                            "cannot attach tap '%s' of %s to bridge '%s' (is it a bridge?)", tap,
                            what, net->source);
        return -1;
    }
    return 0;
}

int
gvQemuInterfaceOpenTaps(const gvDomainDef *def, int *fds, GError **error)
{
    guint i;

    for (i = 0; i < def->nets->len; i++)
        fds[i] = -1;
    for (i = 0; i < def->nets->len; i++) {
        const gvDomainNetDef *net = g_ptr_array_index(def->nets, i);
        char mac[GV_MAC_STRING_BUFLEN];
        char tap[IFNAMSIZ];
        g_autofree char *what = NULL;

        if (net->type != GV_DOMAIN_NET_TYPE_BRIDGE && net->type != GV_DOMAIN_NET_TYPE_ETHERNET)
            continue;
        what = g_strdup_printf("interface '%s'", gvMacAddrFormat(net->mac, mac));
        if (net->type == GV_DOMAIN_NET_TYPE_BRIDGE) {
            /* <target dev> names the tap (Nova's tapXXXX), else the kernel does */
            if ((fds[i] = gvTapOpen(net->ifname ? net->ifname : "", true, tap, what, error)) < 0 ||
                gvTapSetupBridge(net, tap, what, error) < 0)
                goto error;
        } else {
            /* managed='no': the tap exists; its owner set it up */
            if (if_nametoindex(net->ifname) == 0) {
                gvReportError(
                    error, GV_ERR_OPERATION_FAILED,
                    "tap device '%s' of %s in <devices>/<interface>/<target> does not exist (managed='no': create it first)",
                    net->ifname, what);
                goto error;
            }
            if ((fds[i] = gvTapOpen(net->ifname, false, tap, what, error)) < 0)
                goto error;
        }
    }
    return 0;

error:
    gvQemuInterfaceCloseTaps(fds, def->nets->len);
    return -1;
}
