#!/usr/bin/python3
"""The domain XML OpenStack Nova 26 writes for a simple flavor.

Runs Debian 12's python3-nova (26.2) libvirt driver itself,
LibvirtDriver._get_guest_config(), against the fake libvirt Nova's own
tests use (nova.tests.fixtures.libvirt), for an m1.small instance (1 vCPU,
2 GiB, a 20 GiB qcow2 root disk from an image without properties) with
one port on a Linux bridge, under Nova's default configuration (virt_type
kvm, VNC on, usbtablet, instances in /var/lib/nova/instances).  The
creation time is fixed so that the output is the same on every run:

    /usr/bin/python3 tests/libvirt-domain/nova-guest.py > tests/xml2xml/nova-26-full.xml

Not a test: it needs python3-nova, which the test run does not install.
"""

import nova.monkey_patch  # noqa: F401  (Nova wants eventlet first)
import sys
import types
from unittest import mock

# modules only other Nova test fixtures import (not packaged in Debian 12)
for _name in ('wsgi_intercept', 'wsgi_intercept.interceptor', 'oslotest', 'oslotest.base',
              'oslotest.mock_fixture'):
    sys.modules[_name] = types.ModuleType(_name)
sys.modules['wsgi_intercept'].interceptor = sys.modules['wsgi_intercept.interceptor']
sys.modules['wsgi_intercept.interceptor'].RequestsInterceptor = object

from nova import conf, context, objects  # noqa: E402
import nova.conf.neutron  # noqa: E402
from nova.network import model as network_model  # noqa: E402
from nova.tests.fixtures import libvirt as fakelibvirt  # noqa: E402
from nova.virt import fake  # noqa: E402
from nova.virt.libvirt import blockinfo  # noqa: E402
from nova.virt.libvirt import driver as libvirt_driver  # noqa: E402

UUID = 'b9c3d0f4-1a2b-4c5d-8e6f-7a8b9c0d1e2f'


def main():
    objects.register_all()
    CONF = conf.CONF
    CONF([], project='nova')
    nova.conf.neutron.register_dynamic_opts(CONF)
    CONF.set_override('instances_path', '/var/lib/nova/instances')
    CONF.set_override('virt_type', 'kvm', group='libvirt')
    fakelibvirt.LibvirtFixture(stub_os_vif=True).setUp()
    drv = libvirt_driver.LibvirtDriver(fake.FakeVirtAPI(), True)
    flavor = objects.Flavor(memory_mb=2048, swap=0, vcpu_weight=None, root_gb=20, id=2,
                            name='m1.small', ephemeral_gb=0, rxtx_factor=1.0, flavorid='2',
                            vcpus=1, extra_specs={})
    inst = objects.Instance(
        id=1, uuid=UUID, display_name='web', vcpus=1, memory_mb=2048, project_id='f6e5d4c3b2a1',
        user_id='a1b2c3d4e5f6', image_ref='c7d8e9f0-1a2b-3c4d-5e6f-7a8b9c0d1e2f', root_gb=20,
        ephemeral_gb=0, instance_type_id=2, flavor=flavor, new_flavor=None, old_flavor=None,
        system_metadata={'image_disk_format': 'qcow2', 'owner_user_name': 'admin',
                         'owner_project_name': 'demo'},
        pci_devices=objects.PciDeviceList(), numa_topology=None, config_drive=None,
        vm_mode=None, vm_state=None, kernel_id=None, ramdisk_id=None, os_type='linux',
        ephemeral_key_uuid=None, vcpu_model=None, host='compute1', node='compute1',
        task_state=None, trusted_certs=None, resources=None, migration_context=None,
        info_cache=None, device_metadata=None, keypairs=objects.KeyPairList())
    image = objects.ImageMeta.from_dict({'disk_format': 'qcow2', 'properties': {}})
    disk_info = blockinfo.get_disk_info('kvm', inst, image)
    ctxt = context.RequestContext(project_id='f6e5d4c3b2a1', project_name='demo',
                                  user_id='a1b2c3d4e5f6', user_name='admin')
    net = network_model.Network(id='1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
                                bridge='brq1a2b3c4d-5e', label='private', subnets=[],
                                meta={'mtu': 1450})
    vif = network_model.VIF(id='1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6e',
                            address='fa:16:3e:2b:6c:01', network=net,
                            type=network_model.VIF_TYPE_BRIDGE, devname='tap1a2b3c4d-5e',
                            details={}, vnic_type=network_model.VNIC_TYPE_NORMAL, active=True)
    with mock.patch('time.time', return_value=1764000000.0):
        guest = drv._get_guest_config(inst, network_model.NetworkInfo([vif]), image, disk_info,
                                      context=ctxt)
    sys.stdout.write(guest.to_xml())


if __name__ == '__main__':
    main()
