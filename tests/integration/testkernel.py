"""testkernel: a tiny multiboot kernel for direct kernel boot tests.

QEMU boots it with -kernel (multiboot, a.out kludge: loaded at 1 MiB, no
ELF needed).  It runs in 32-bit protected mode and leaves a witness in guest
RAM, then halts:

    0x9000  u32  EAX at entry (0x2BADB002 from a multiboot loader)
    0x9004  u32  the number of modules (1 with -initrd FILE)
    0x9010  256 bytes of the multiboot command line ("KERNEL-PATH ARGS")
    0x9110  the first 16 bytes of module 0 (the initrd), if any

A test reads that back over QMP (pmemsave) to see that the kernel ran and
got the initrd and the command line.
"""

import struct

MAGIC = 0x1BADB002
FLAGS = 0x00010001          # page-align modules; address fields valid (a.out kludge)
LOAD_ADDR = 0x100000
HEADER_LEN = 32
WITNESS_ADDR = 0x9000
WITNESS_LEN = 0x120
ENTRY_EAX = 0x2BADB002

CODE = bytes.fromhex(
    'a3 00 90 00 00'        # mov [0x9000], eax
    '8b 43 14'              # mov eax, [ebx+0x14]     mods_count
    'a3 04 90 00 00'        # mov [0x9004], eax
    '8b 73 10'              # mov esi, [ebx+0x10]     cmdline
    'bf 10 90 00 00'        # mov edi, 0x9010
    'b9 00 01 00 00'        # mov ecx, 0x100
    'f3 a4'                 # rep movsb
    '85 c0'                 # test eax, eax
    '74 11'                 # jz halt
    '8b 73 18'              # mov esi, [ebx+0x18]     mods_addr
    '8b 36'                 # mov esi, [esi]          mod_start
    'bf 10 91 00 00'        # mov edi, 0x9110
    'b9 10 00 00 00'        # mov ecx, 0x10
    'f3 a4'                 # rep movsb
    'fa'                    # halt: cli
    'f4'                    # hlt
    'eb fd'                 # jmp halt
)


def _multiboot(code):
    """A multiboot image of @code, padded to 4 KiB (QEMU reads an 8 KiB header)."""
    header = struct.pack('<8I', MAGIC, FLAGS, (-(MAGIC + FLAGS)) & 0xffffffff,
                         LOAD_ADDR, LOAD_ADDR, 0, 0, LOAD_ADDR + HEADER_LEN)
    image = header + code
    return image + b'\0' * (4096 - len(image))


def kernel_image():
    """The witness kernel."""
    return _multiboot(CODE)


def write_kernel(path):
    with open(path, 'wb') as f:
        f.write(kernel_image())
    return path


def write_initrd(path, data=b'GENVIRT-INITRD-0' + b'\0' * 48):
    with open(path, 'wb') as f:
        f.write(data)
    return path


def parse_witness(data):
    """-> dict(eax, mods, cmdline, module) from the WITNESS_LEN bytes at 0x9000."""
    eax, mods = struct.unpack_from('<II', data, 0)
    cmdline = data[0x10:0x110].split(b'\0', 1)[0].decode('latin-1')
    return {'eax': eax, 'mods': mods, 'cmdline': cmdline, 'module': data[0x110:0x120]}


# A second kernel: fills the guest's RAM above 2 MiB with a xorshift32
# sequence (incompressible, so a save or a migration moves every page), then
# writes FILL_DONE at 0x9000 and halts.  For save/restore tests and benches
# that want a guest whose memory is not all zeroes.
FILL_DONE = 0xD0E1F111
FILL_CODE = bytes.fromhex(
    'fc'                    # cld
    '8b 4b 08'              # mov ecx, [ebx+8]        mem_upper (KiB above 1 MiB)
    'c1 e1 08'              # shl ecx, 8              in dwords
    'bf 00 00 20 00'        # mov edi, 0x200000
    '81 e9 00 00 04 00'     # sub ecx, 0x40000        the MiB below 2 MiB
    'b8 78 56 34 12'        # mov eax, 0x12345678
    '89 c2'                 # loop: mov edx, eax
    'c1 e2 0d'              # shl edx, 13
    '31 d0'                 # xor eax, edx
    '89 c2'                 # mov edx, eax
    'c1 ea 11'              # shr edx, 17
    '31 d0'                 # xor eax, edx
    '89 c2'                 # mov edx, eax
    'c1 e2 05'              # shl edx, 5
    '31 d0'                 # xor eax, edx
    'ab'                    # stosd
    '49'                    # dec ecx
    '75 e7'                 # jnz loop
    'c7 05 00 90 00 00 11 f1 e1 d0'  # mov dword [0x9000], FILL_DONE
    'fa'                    # halt: cli
    'f4'                    # hlt
    'eb fd'                 # jmp halt
)


def fill_kernel_image():
    """The filling kernel."""
    return _multiboot(FILL_CODE)


def write_fill_kernel(path):
    with open(path, 'wb') as f:
        f.write(fill_kernel_image())
    return path
