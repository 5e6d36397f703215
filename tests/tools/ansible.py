#!/usr/bin/python3
"""Ansible's community.libvirt.virt module (Debian's ansible 7.7 with
ansible-core 2.14; the module uses python3-libvirt) against a real
genvirtd.  TAP.

One playbook run (ansible-playbook, local connection, the json stdout
callback): nodeinfo, freemem, list_vms, info, state=running (a real QEMU)
and again (no change), status, get_xml, state=destroyed, status, and the
status of a missing domain (a failed task).  Every task's result is checked
against what genvirtd and the host say.

Usage: ansible.py GENVIRTD GENVIRSH SRCDIR
"""

import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tooltest  # noqa: E402

MODULE = '/usr/lib/python3/dist-packages/ansible_collections/community/libvirt/plugins/modules/virt.py'
tooltest.require({'/usr/bin/ansible-playbook': 'ansible-core', MODULE: 'ansible'})

import gvtest  # noqa: E402

TASKS = [
    ('nodeinfo', {'command': 'nodeinfo'}),
    ('freemem', {'command': 'freemem'}),
    ('list_vms', {'command': 'list_vms'}),
    ('info', {'command': 'info'}),
    ('start', {'name': 'an-dom', 'state': 'running'}),
    ('start_again', {'name': 'an-dom', 'state': 'running'}),
    ('status_running', {'name': 'an-dom', 'command': 'status'}),
    ('get_xml', {'name': 'an-dom', 'command': 'get_xml'}),
    ('destroy', {'name': 'an-dom', 'state': 'destroyed'}),
    ('status_shutdown', {'name': 'an-dom', 'command': 'status'}),
    ('missing', {'name': 'an-missing', 'command': 'status'}),
]


def playbook(uri):
    tasks = []
    for name, args in TASKS:
        a = dict(args, uri=uri)
        tasks.append({'name': name, 'community.libvirt.virt': a, 'ignore_errors': True})
    return json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}])


def main(h):
    d = tooltest.daemon(h)
    if not d:
        return
    path, _ = h.write_domain('an-dom', dtype='qemu', memory_mib=96)
    h.cmd_ok(d.virsh('define', path), 'virsh define an-dom')
    pb = os.path.join(h.workdir, 'playbook.yml')
    gvtest.write_file(pb, playbook(d.uri))   # JSON is YAML
    env = dict(h.env, LC_ALL='C.UTF-8', LANG='C.UTF-8',  # ansible refuses other locales
               ANSIBLE_STDOUT_CALLBACK='json', ANSIBLE_LOAD_CALLBACK_PLUGINS='1',
               ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='False', ANSIBLE_PIPELINING='True',
               ANSIBLE_PYTHON_INTERPRETER='/usr/bin/python3', ANSIBLE_RETRY_FILES_ENABLED='0',
               ANSIBLE_LOCAL_TEMP=os.path.join(h.workdir, 'ansible-tmp'),
               ANSIBLE_HOME=os.path.join(h.workdir, 'ansible-home'))
    r = h.run(['/usr/bin/ansible-playbook', '-i', 'localhost,', '-c', 'local', pb], timeout=150,
              env=env)
    res = {}
    try:
        out = json.loads(r.out[r.out.index('{'):])
        for t in out['plays'][0]['tasks']:
            res[t['task']['name']] = t['hosts']['localhost']
    except (ValueError, KeyError, IndexError) as e:
        h.diag('cannot read the json callback output: %r' % e)
    h.ok(len(res) == len(TASKS), 'ansible-playbook ran the %d tasks (%.1f s)'
         % (len(TASKS), r.elapsed), r.describe())

    def chk(name, cond, desc):
        t = res.get(name)
        try:
            good = t is not None and not t.get('failed') and cond(t)
        except (KeyError, ValueError, TypeError):
            good = False
        h.ok(good, 'community.libvirt.virt %s' % desc, '%s: %r' % (name, t))

    memtotal = None
    for line in open('/proc/meminfo'):
        if line.startswith('MemTotal:'):
            memtotal = int(line.split()[1])
    chk('nodeinfo', lambda t: int(t['cpus']) == os.cpu_count() and
        int(t['phymemory']) == memtotal // 1024 and int(t['numanodes']) >= 1,
        'command=nodeinfo: cpus, phymemory (MiB of MemTotal), numanodes')
    chk('freemem', lambda t: 0 < int(t['freemem']) <= memtotal * 1024,
        'command=freemem: NODE_GET_FREE_MEMORY, between 0 and MemTotal')
    chk('list_vms', lambda t: t['list_vms'] == ['an-dom'], 'command=list_vms: [an-dom]')
    chk('info', lambda t: t['an-dom']['state'] == 'shutdown' and
        t['an-dom']['maxMem'] == str(96 * 1024) and t['an-dom']['nrVirtCpu'] == 1,
        'command=info: an-dom shut off, 96 MiB, 1 vCPU')
    chk('start', lambda t: t['changed'], 'state=running: changed, starts it')
    chk('start_again', lambda t: not t['changed'], 'state=running again: no change')
    chk('status_running', lambda t: t['status'] == 'running', 'command=status: running')
    chk('get_xml', lambda t: '<name>an-dom</name>' in t['get_xml'], 'command=get_xml')
    chk('destroy', lambda t: t['changed'], 'state=destroyed: changed')
    chk('status_shutdown', lambda t: t['status'] == 'shutdown', 'command=status: shutdown')
    t = res.get('missing') or {}
    h.ok(t.get('failed') and 'an-missing' in t.get('msg', ''),
         'command=status of a missing domain fails naming it', repr(t))
    log = d.log_text()
    h.ok("domain 'an-dom' started" in log, 'genvirtd started a QEMU for it')
    h.eq(d.domstate('an-dom'), 'shut off (destroyed)', 'virsh sees it shut off, destroyed')
    d.stop()
    h.check_no_qemus()


if __name__ == '__main__':
    gvtest.Harness('tools-ansible', deadline=200).main(main)
