#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Wrap an ELF kernel in a minimal, well-formed x86 bzImage (boot protocol 2.15).

Usage: mkbzimage.py [--compress gzip|xz|lz4] [--lz4-bad-offset]
                    [--lz4-bad-size] IN.elf OUT

The image has the layout a real Linux bzImage has, cut to the bone:

  sector 0          boot sector: a real-mode stub that prints "not bootable
                    this way" through the BIOS, boot_flag 0xAA55 at 0x1fe,
                    and the first bytes of the setup header from 0x1f1
  sectors 1..4      setup: the rest of the header from 0x200 ("HdrS" at
                    0x202), a halting real-mode entry, the kernel_version
                    string
  protected mode    starts at (setup_sects + 1) * 512: a halting 32-bit
                    entry, the kernel_info block ("LToP"), then the payload

The payload (payload_offset/payload_length, relative to the protected-mode
part) is the compressed ELF, and its last four bytes are the uncompressed
size, little-endian, as boot protocol 2.08+ requires: gzip's ISIZE trailer
already is that; for xz and lz4 (the legacy frame of "lz4 -l -9") the size
is appended after the stream, as Linux's own build does. The field offsets
follow Linux's Documentation/arch/x86/boot.rst; the code is ours.

Nothing here can actually boot on bare metal; the image is for builders that
unpack the payload, as Xen's and Vesper's PV domain builders do.
"""

import argparse
import gzip
import struct
import subprocess
import sys

SECTOR = 512
SETUP_SECTS = 4          # Linux never uses fewer (0 would also mean 4)
PROTOCOL = 0x020F        # 2.15: the last one that added header fields
PM_LOAD_ADDR = 0x100000  # code32_start for a LOADED_HIGH kernel
PAYLOAD_ALIGN = 16

# Setup header field offsets (from the start of the image) and formats.
FIELDS = {
    "setup_sects": (0x1F1, "B"),
    "root_flags": (0x1F2, "H"),
    "syssize": (0x1F4, "I"),
    "ram_size": (0x1F8, "H"),
    "vid_mode": (0x1FA, "H"),
    "root_dev": (0x1FC, "H"),
    "boot_flag": (0x1FE, "H"),
    "jump": (0x200, "H"),
    "header": (0x202, "4s"),
    "version": (0x206, "H"),
    "realmode_swtch": (0x208, "I"),
    "start_sys_seg": (0x20C, "H"),
    "kernel_version": (0x20E, "H"),
    "type_of_loader": (0x210, "B"),
    "loadflags": (0x211, "B"),
    "setup_move_size": (0x212, "H"),
    "code32_start": (0x214, "I"),
    "ramdisk_image": (0x218, "I"),
    "ramdisk_size": (0x21C, "I"),
    "bootsect_kludge": (0x220, "I"),
    "heap_end_ptr": (0x224, "H"),
    "ext_loader_ver": (0x226, "B"),
    "ext_loader_type": (0x227, "B"),
    "cmd_line_ptr": (0x228, "I"),
    "initrd_addr_max": (0x22C, "I"),
    "kernel_alignment": (0x230, "I"),
    "relocatable_kernel": (0x234, "B"),
    "min_alignment": (0x235, "B"),
    "xloadflags": (0x236, "H"),
    "cmdline_size": (0x238, "I"),
    "hardware_subarch": (0x23C, "I"),
    "hardware_subarch_data": (0x240, "Q"),
    "payload_offset": (0x248, "I"),
    "payload_length": (0x24C, "I"),
    "setup_data": (0x250, "Q"),
    "pref_address": (0x258, "Q"),
    "init_size": (0x260, "I"),
    "handover_offset": (0x264, "I"),
    "kernel_info_offset": (0x268, "I"),
}
HEADER_END = 0x26C

LOADED_HIGH = 0x01

# Offsets of our own bits inside the setup area.
REALMODE_ENTRY = 0x280
VERSION_STRING = 0x290

BOOT_MESSAGE = b"This image is a Xen PV kernel; boot it with a hypervisor.\r\n\0"
VERSION_TEXT = b"Vesper test guest (tests/tools/mkbzimage.py)\0"


def boot_sector_code(msg_offset):
    """16-bit code at offset 0: print BOOT_MESSAGE with int 0x10, then halt.

    The BIOS loads the sector at 0000:7c00, so first far-jump to 07c0:0005
    to make offsets within the sector usable as they are.
    """
    code = bytes([0xEA, 0x05, 0x00, 0xC0, 0x07])    # ljmp $0x07c0, $5
    code += bytes([0x8C, 0xC8,                      # mov %cs, %ax
                   0x8E, 0xD8,                      # mov %ax, %ds
                   0x31, 0xDB,                      # xor %bx, %bx
                   0xBE]) + struct.pack("<H", msg_offset)  # mov $msg, %si
    code += bytes([0xB4, 0x0E,                      # mov $0x0e, %ah
                   0xAC,                            # 1: lodsb
                   0x84, 0xC0,                      # test %al, %al
                   0x74, 0x04,                      # jz 2f
                   0xCD, 0x10,                      # int $0x10
                   0xEB, 0xF7,                      # jmp 1b
                   0xFA,                            # 2: cli
                   0xF4,                            # 3: hlt
                   0xEB, 0xFD])                     # jmp 3b
    return code


# cli; 1: hlt; jmp 1b -- the same bytes in 16- and 32-bit mode.
HALT_LOOP = bytes([0xFA, 0xF4, 0xEB, 0xFD])


def put(buf, name, value):
    off, fmt = FIELDS[name]
    struct.pack_into("<" + fmt, buf, off, value)


def align(n, a):
    return (n + a - 1) // a * a


def compress(data, method):
    if method == "gzip":
        # mtime 0 and no file name: the same input gives the same image.
        return gzip.compress(data, compresslevel=9, mtime=0)
    if method == "xz":
        # The options Linux's x86 build uses (scripts/xz_wrap.sh): CRC32
        # check, the x86 BCJ filter before LZMA2 with a 32 MiB dictionary.
        out = subprocess.run(["xz", "--format=xz", "--check=crc32", "--x86",
                              "--lzma2=preset=9,dict=32MiB", "--stdout"],
                             input=data, stdout=subprocess.PIPE,
                             check=True).stdout
        # Unlike gzip, xz has no size trailer: append one (boot.rst).
        return out + struct.pack("<I", len(data) & 0xFFFFFFFF)
    if method == "lz4":
        # Linux's build: "lz4 -l -9", the legacy frame (8 MiB blocks).
        out = subprocess.run(["lz4", "-q", "-l", "-9", "-c"], input=data,
                             stdout=subprocess.PIPE, check=True).stdout
        return out + struct.pack("<I", len(data) & 0xFFFFFFFF)
    raise ValueError("unknown compression %r" % method)


LZ4_LEGACY_MAGIC = 0x184C2102


def lz4_bad_offset(payload):
    """Point the first match of an lz4 payload one byte before the output.

    The first block's first sequence is a token, the literal count's
    continuation bytes (for a nibble of 15), the literals, then the match
    offset: set it to the literal count + 1, the smallest offset that
    reaches before the start of the output. The stream stays otherwise
    intact, so only the offset check can notice.
    """
    magic, = struct.unpack_from("<I", payload, 0)
    assert magic == LZ4_LEGACY_MAGIC
    pos = 8
    token = payload[pos]
    pos += 1
    lit = token >> 4
    if lit == 15:
        while True:
            b = payload[pos]
            pos += 1
            lit += b
            if b != 255:
                break
    pos += lit
    if lit + 1 > 0xFFFF:
        raise ValueError("first literal run too long for a bad offset")
    out = bytearray(payload)
    struct.pack_into("<H", out, pos, lit + 1)
    return bytes(out)


def build(elf, method, bad_offset=False, bad_size=False):
    payload = compress(elf, method)
    if bad_offset:
        payload = lz4_bad_offset(payload)
    if bad_size:
        # A size trailer one more than the stream gives; the stream is fine.
        payload = payload[:-4] + struct.pack("<I", len(elf) + 1)
    setup_len = (SETUP_SECTS + 1) * SECTOR
    setup = bytearray(setup_len)

    code = boot_sector_code(len(boot_sector_code(0)))
    setup[0:len(code)] = code
    setup[len(code):len(code) + len(BOOT_MESSAGE)] = BOOT_MESSAGE
    assert len(code) + len(BOOT_MESSAGE) <= FIELDS["setup_sects"][0]

    # Protected-mode part: entry stub, kernel_info, payload.
    kinfo_off = 16
    kinfo = b"LToP" + struct.pack("<III", 16, 16, 0)  # no setup_data types
    payload_off = align(kinfo_off + len(kinfo), PAYLOAD_ALIGN)
    pm = bytearray(payload_off)
    pm[0:len(HALT_LOOP)] = HALT_LOOP
    pm[kinfo_off:kinfo_off + len(kinfo)] = kinfo
    pm += payload
    pm += bytes(align(len(pm), 16) - len(pm))

    # The real-mode entry at 0x200 is a short jump over the header.
    jump = bytes([0xEB, REALMODE_ENTRY - 0x202])
    setup[REALMODE_ENTRY:REALMODE_ENTRY + len(HALT_LOOP)] = HALT_LOOP
    setup[VERSION_STRING:VERSION_STRING + len(VERSION_TEXT)] = VERSION_TEXT
    assert HEADER_END <= REALMODE_ENTRY and \
        VERSION_STRING + len(VERSION_TEXT) <= setup_len

    unpacked = len(elf)
    put(setup, "setup_sects", SETUP_SECTS)
    put(setup, "syssize", len(pm) // 16)
    put(setup, "boot_flag", 0xAA55)
    setup[0x200:0x202] = jump
    put(setup, "header", b"HdrS")
    put(setup, "version", PROTOCOL)
    put(setup, "kernel_version", VERSION_STRING - 0x200)
    put(setup, "loadflags", LOADED_HIGH)
    put(setup, "code32_start", PM_LOAD_ADDR)
    put(setup, "initrd_addr_max", 0x7FFFFFFF)
    put(setup, "kernel_alignment", 0x200000)
    put(setup, "cmdline_size", 2047)
    put(setup, "payload_offset", payload_off)
    put(setup, "payload_length", len(payload))
    put(setup, "pref_address", 0x1000000)
    # Room to decompress next to the loaded image, page-rounded.
    put(setup, "init_size", align(unpacked + len(pm), 4096))
    put(setup, "kernel_info_offset", kinfo_off)
    return bytes(setup) + bytes(pm)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--compress", choices=("gzip", "xz", "lz4"),
                    default="gzip", help="payload compression (default gzip)")
    ap.add_argument("--lz4-bad-offset", action="store_true",
                    help="with lz4: corrupt the first match offset so it "
                    "points before the start of the output")
    ap.add_argument("--lz4-bad-size", action="store_true",
                    help="with lz4: a size trailer one more than the ELF's")
    ap.add_argument("input", help="ELF kernel")
    ap.add_argument("output", help="bzImage to write")
    args = ap.parse_args()

    with open(args.input, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF":
        sys.exit("mkbzimage: %s is not an ELF file" % args.input)
    if (args.lz4_bad_offset or args.lz4_bad_size) and args.compress != "lz4":
        sys.exit("mkbzimage: --lz4-bad-* need --compress lz4")
    image = build(elf, args.compress, args.lz4_bad_offset, args.lz4_bad_size)
    with open(args.output, "wb") as f:
        f.write(image)
    return 0


if __name__ == "__main__":
    sys.exit(main())
