#!/usr/bin/python3
"""Writes the fixture trees of tests/host/ (the files of /proc and /sys that
src/driver/host_info.c reads), so that the hosts they stand for are
described once, here, and the trees can be read as the kernel would write
them.  Run from tests/host/: ./make-trees.py; then review `git diff`.

  numa2   2 sockets in 2 NUMA cells, 2 cores of 2 threads each, CPU 7
          offline, huge pages in cell 0, full DMI, a machine-id
  single  1 socket of 2 cores of 2 threads, no NUMA directory, no DMI, no
          huge pages, no IOMMU
  uneven  2 cells of 3 and 1 CPUs: libvirt's "unusual topology" answer
"""

import os
import shutil


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def cpulist(ids):
    ids = sorted(ids)
    out, i = [], 0
    while i < len(ids):
        j = i
        while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
            j += 1
        out.append(str(ids[i]) if i == j else '%d-%d' % (ids[i], ids[j]))
        i = j + 1
    return ','.join(out)


def cpuinfo(cpus, vendor, family, model, stepping, name, mhz):
    blocks = []
    for cpu in cpus:
        blocks.append('\n'.join([
            'processor\t: %d' % cpu['id'],
            'vendor_id\t: %s' % vendor,
            'cpu family\t: %d' % family,
            'model\t\t: %d' % model,
            'model name\t: %s' % name,
            'stepping\t: %d' % stepping,
            'microcode\t: 0xd0003a5',
            'cpu MHz\t\t: %s' % mhz[cpu['id'] % len(mhz)],
            'physical id\t: %d' % cpu['socket'],
            'core id\t\t: %d' % cpu['core'],
            'flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr',
            'address sizes\t: 46 bits physical, 57 bits virtual',
            '']))
    return '\n'.join(blocks) + '\n'


def meminfo(total, free, prefix=''):
    lines = [('MemTotal', total), ('MemFree', free), ('MemAvailable', free + 1000),
             ('Buffers', 20480), ('Cached', 1048576), ('SwapCached', 0)]
    if prefix:
        lines = [l for l in lines if l[0] in ('MemTotal', 'MemFree')] + [('MemUsed', total - free)]
    return ''.join('%s%-16s%8d kB\n' % (prefix, k + ':', v) for k, v in lines)


def stat(cpus):
    rows = ['cpu  %d 20 %d %d 30 4 5 6 0 0' % (1000 * len(cpus), 500 * len(cpus),
                                                9000 * len(cpus))]
    for c in cpus:
        if c.get('online', True):
            rows.append('cpu%d 1000 %d 500 9000 %d 1 1 0 0 0' % (c['id'], c['id'], c['id']))
    rows.append('intr 12345 0 0')
    rows.append('ctxt 67890')
    return '\n'.join(rows) + '\n'


def tree(root, cpus, cells, mem, dmi=None, huge=None, iommu=False, machine_id=None,
         numa=True):
    if os.path.isdir(root):
        shutil.rmtree(root)
    present = [c['id'] for c in cpus]
    online = [c['id'] for c in cpus if c.get('online', True)]
    base = 'sys/devices/system'
    write(root, base + '/cpu/present', cpulist(present) + '\n')
    write(root, base + '/cpu/online', cpulist(online) + '\n')
    write(root, base + '/cpu/offline', cpulist(set(present) - set(online)) + '\n')
    for c in cpus:
        if not c.get('online', True):
            write(root, base + '/cpu/cpu%d/online' % c['id'], '0\n')
            continue
        t = base + '/cpu/cpu%d/topology/' % c['id']
        write(root, t + 'physical_package_id', '%d\n' % c['socket'])
        write(root, t + 'die_id', '0\n')
        write(root, t + 'core_id', '%d\n' % c['core'])
        sib = [d['id'] for d in cpus if d['socket'] == c['socket'] and d['core'] == c['core']]
        write(root, t + 'thread_siblings_list', cpulist(sib) + '\n')
    if numa:
        write(root, base + '/node/online', cpulist([n['id'] for n in cells]) + '\n')
        for n in cells:
            d = base + '/node/node%d/' % n['id']
            write(root, d + 'cpulist', cpulist(n['cpus']) + '\n')
            write(root, d + 'meminfo', meminfo(n['total'], n['free'], 'Node %d ' % n['id']))
            write(root, d + 'distance', ' '.join(str(v) for v in n['distance']) + '\n')
            for size, count in (huge or {}).get(n['id'], {}).items():
                write(root, d + 'hugepages/hugepages-%dkB/nr_hugepages' % size, '%d\n' % count)
    if huge is not None:
        for size in sorted({s for per in huge.values() for s in per}):
            write(root, 'sys/kernel/mm/hugepages/hugepages-%dkB/nr_hugepages' % size,
                  '%d\n' % sum(per.get(size, 0) for per in huge.values()))
    if iommu:
        write(root, 'sys/kernel/iommu_groups/0/type', 'DMA\n')
    write(root, 'proc/meminfo', meminfo(*mem))
    write(root, 'proc/stat', stat(cpus))
    for rel, text in (dmi or {}).items():
        write(root, 'sys/class/dmi/id/' + rel, text + '\n')
    if machine_id:
        write(root, 'etc/machine-id', machine_id + '\n')


def main():
    here = os.path.dirname(os.path.abspath(__file__))

    # numa2: 2 sockets x 2 cores x 2 threads; siblings numbered n and n+4
    cpus = []
    for cpu in range(8):
        cpus.append({'id': cpu, 'socket': (cpu // 2) % 2, 'core': cpu % 2,
                     'online': cpu != 7})
    cells = [{'id': 0, 'cpus': [0, 1, 4, 5], 'total': 16777216, 'free': 8388608,
              'distance': [10, 21]},
             {'id': 1, 'cpus': [2, 3, 6, 7], 'total': 16777216, 'free': 4194304,
              'distance': [21, 10]}]
    dmi = {'bios_vendor': 'SeaBIOS', 'bios_version': '1.16.2-debian-1.16.2-1',
           'bios_date': '04/01/2014', 'bios_release': '0.0',
           'sys_vendor': 'QEMU', 'product_name': 'Standard PC (i440FX + PIIX, 1996)',
           'product_version': 'pc-i440fx-7.2', 'product_serial': 'SER-123 <&>',
           'product_uuid': '4f1c2b9e-3d2a-4c5b-8e7f-0a1b2c3d4e5f',
           'product_family': '',
           'board_vendor': 'Board Co', 'board_name': 'X99', 'board_serial': 'B-42',
           'chassis_vendor': 'QEMU', 'chassis_version': 'pc-i440fx-7.2',
           'chassis_asset_tag': 'asset 7'}
    cpuinfo_text = cpuinfo(cpus[:7], 'GenuineIntel', 6, 106, 6,
                           'Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz',
                           ['2400.000', '2401.512', '800.000'])
    tree(os.path.join(here, 'numa2'), cpus, cells, (33554432, 12582912), dmi=dmi,
         huge={0: {2048: 16, 1048576: 1}, 1: {2048: 0, 1048576: 0}}, iommu=True,
         machine_id='0123456789abcdef0123456789abcdef')
    write(os.path.join(here, 'numa2'), 'proc/cpuinfo', cpuinfo_text)

    # single: no NUMA directory, 1 socket x 2 cores x 2 threads
    cpus = [{'id': i, 'socket': 0, 'core': i // 2} for i in range(4)]
    tree(os.path.join(here, 'single'), cpus, [], (8388608, 4194304), numa=False)
    write(os.path.join(here, 'single'), 'proc/cpuinfo',
          cpuinfo(cpus, 'AuthenticAMD', 25, 1, 1, 'AMD EPYC 7B13 64-Core Processor',
                  ['2450.000']))

    # uneven: cells of 3 CPUs and 1 CPU
    cpus = [{'id': i, 'socket': 0, 'core': i} for i in range(4)]
    cells = [{'id': 0, 'cpus': [0, 1, 2], 'total': 4194304, 'free': 1048576,
              'distance': [10, 20]},
             {'id': 1, 'cpus': [3], 'total': 4194304, 'free': 2097152, 'distance': [20, 10]}]
    tree(os.path.join(here, 'uneven'), cpus, cells, (8388608, 3145728), huge={},
         machine_id='fedcba9876543210fedcba9876543210')
    write(os.path.join(here, 'uneven'), 'proc/cpuinfo',
          cpuinfo(cpus, 'AuthenticAMD', 23, 49, 0, 'AMD EPYC 7282 16-Core Processor',
                  ['1500.123']))


if __name__ == '__main__':
    main()
