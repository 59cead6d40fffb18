#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write the host fuzzers' seed corpora (tests/fuzz/host/corpus/<target>/).

Usage: mkcorpus.py [OUTDIR]      (default: the corpus/ directory beside this)

Every seed is made here from scratch and deterministically (fixed PRNG seed,
gzip mtime 0), so rerunning the script reproduces the committed files
byte for byte. The seeds are small well-formed inputs: a Xen PV ELF with
notes in a PT_NOTE segment or an SHT_NOTE section, that ELF gzip'd and
wrapped in bzImages (tests/tools/mkbzimage.py), DEFLATE streams, xz files
and raw LZMA2 data (made by the host's xz), LZ4 streams, command lines,
module strings, and operation lists for the two state-machine targets written in the
encoding fuzz_pagetype.c and fuzz_evtchn.c decode.
"""

import gzip
import os
import random
import struct
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import mkbzimage  # noqa: E402

# Xen ELF note types (include/public/elfnote.h).
GUEST_OS, GUEST_VERSION, XEN_VERSION, LOADER = 6, 7, 5, 8
VIRT_BASE, PADDR_OFFSET, ENTRY, HYPERCALL_PAGE = 3, 4, 1, 2
FEATURES, PAE_MODE, SUPPORTED_FEATURES, INIT_P2M = 10, 9, 17, 15
XENFEAT_dom0 = 11


def note(ntype, desc, name=b"Xen\0"):
    pad = lambda b: b + bytes(-len(b) % 4)
    return struct.pack("<III", len(name), len(desc), ntype) + pad(name) + \
        pad(desc)


def xen_notes(features=b"!writable_page_tables|dom0\0", supported=True):
    vb = 0xffffffff80000000
    out = note(GUEST_OS, b"linux\0") + note(GUEST_VERSION, b"2.6\0")
    out += note(XEN_VERSION, b"xen-3.0\0") + note(LOADER, b"generic\0")
    out += note(VIRT_BASE, struct.pack("<Q", vb))
    out += note(PADDR_OFFSET, struct.pack("<Q", 0))
    out += note(ENTRY, struct.pack("<Q", vb + 0x1000000))
    out += note(HYPERCALL_PAGE, struct.pack("<Q", vb + 0x1001000))
    out += note(INIT_P2M, struct.pack("<Q", 0x8000000000))
    out += note(PAE_MODE, b"yes\0")
    if features is not None:
        out += note(FEATURES, features)
    if supported:
        out += note(SUPPORTED_FEATURES, struct.pack("<I", 1 << XENFEAT_dom0))
    out += note(0x100, b"\1\2", name=b"GNU\0")
    return out


def elf(notes_in_section=False, **kw):
    """ehdr | phdrs | notes | 0x300 bytes of load data | shdrs (if any)."""
    notes = xen_notes(**kw)
    phnum = 1 if notes_in_section else 2
    noteoff = 64 + 56 * phnum
    load_off = noteoff + len(notes)
    data = bytes((i * 7 + 1) & 0xff for i in range(0x300))
    shoff = (load_off + len(data) + 7) & ~7 if notes_in_section else 0
    ehdr = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    ehdr += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0xffffffff81000000, 64,
                        shoff, 0, 64, 56, phnum, 64 if shoff else 0,
                        3 if shoff else 0, 0)
    ph = struct.pack("<IIQQQQQQ", 1, 7, load_off, 0xffffffff81000000,
                     0x1000000, len(data), 0x2000, 0x1000)
    if not notes_in_section:
        ph += struct.pack("<IIQQQQQQ", 4, 4, noteoff, 0, 0, len(notes),
                          len(notes), 4)
    out = ehdr + ph + notes + data
    if notes_in_section:
        out += bytes(shoff - len(out))
        out += bytes(64)
        out += struct.pack("<IIQQQQIIQQ", 0, 7, 2, 0, noteoff, len(notes), 0,
                           0, 4, 0)
        out += bytes(64)
    return out


def gz(data, level=9):
    return gzip.compress(data, compresslevel=level, mtime=0)


def raw_deflate(data, level, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strategy)
    return c.compress(data) + c.flush()


def text(n):
    return bytes((i * 31 + i // 7) % 251 for i in range(n))


# ------------------------------------------------------ state machines
# fuzz_pagetype.c ops: byte % 9 picks get, put, pin, unpin, mod_entry
# (4 or 5), raw write, drain, release; each reads its own argument bytes.
# A domain byte has bit 7 clear for domain A; frames of A are 8..39.
PT_P, PT_RW, PT_US, PT_A = 1, 2, 4, 0x20


def pt_policy(budget=7, foreign=0, extra=0):
    # Two bytes: budget and policy bits, then flush hook / address width.
    return bytes([(budget << 5) | foreign, extra])


def pt_entry(frame, flags):
    # kind 2: a frame with flag bits (0 is a raw value, 1 a descriptor);
    # flags is the harness's bit order (P RW US PWT PCD A D PAT), so
    # P|RW|US|A is 0x27.
    return bytes([2, flags, frame])


def pt_raw(frame, idx, e):
    return bytes([6, frame]) + struct.pack("<H", idx) + e


def pt_pin(frame, level, dom=0):
    return bytes([2, dom | (level - 1), frame]) + pt_policy()


def pt_unpin(frame, dom=0):
    return bytes([3, dom, frame]) + pt_policy()


def pt_mod(table, idx, e, level, budget=7):
    return bytes([4, level - 1, table]) + struct.pack("<H", idx) + e + \
        pt_policy(budget)


def pt_get(frame, type_idx, dom=0):
    return bytes([0, dom | type_idx, frame]) + pt_policy()


def pagetype_seeds():
    ptf = 0x27  # P RW US A
    ro = 0x05   # P US
    tree = pt_raw(10, 0, pt_entry(11, ptf)) + pt_raw(11, 3, pt_entry(12, ptf))
    tree += pt_raw(12, 7, pt_entry(13, ptf)) + pt_raw(13, 0, pt_entry(14, ptf))
    tree += pt_raw(13, 1, pt_entry(15, ro)) + pt_raw(13, 2, pt_entry(10, ro))
    # A flat 64-bit code descriptor and a call gate, then the frame typed.
    code = struct.pack("<II", 0xffff, 0xaf9b00)
    gate = struct.pack("<IIH", 0x1000, 0xe000, 0xe033)
    gdt = pt_raw(30, 0, bytes([1, 0, 0]) + code)
    gdt += pt_raw(30, 1, bytes([1, 1, 0]) + gate)
    # Found by fuzzing: four L4 -> L3 -> L2 -> L1 chains typed through
    # holds, each put with a budget of 1 (parks two frames), then a drain
    # that has to stop below the newest slot (BUG_ON on full slots).
    full = b""
    for k in range(4):
        t = 8 + 4 * k
        full += pt_raw(t, 0, pt_entry(t + 1, ptf))
        full += pt_raw(t + 1, 0, pt_entry(t + 2, ptf))
        full += pt_raw(t + 2, 0, pt_entry(t + 3, ptf))
        full += pt_raw(t + 3, 0, pt_entry(39 - k, ro))
    full += b"".join(pt_get(8 + 4 * k, 5) for k in range(4))
    full += (bytes([1, 0]) + pt_policy(0)) * 4 + bytes([7]) + pt_policy(0)
    seeds = {
        "defer_slots_full": full,
        "seg_desc": gdt + pt_get(30, 1) + bytes([1, 0]) + pt_policy(),
        "tree_pin_unpin": tree + pt_pin(10, 4) + pt_unpin(10),
        "tree_pin_mod": tree + pt_pin(10, 4) +
        pt_mod(13, 5, pt_entry(16, ptf), 1) +
        pt_mod(12, 8, pt_entry(17, ptf), 2) +
        pt_mod(13, 0, bytes([2, 0, 0]), 1) + pt_unpin(10),
        "pin_preempted": tree + bytes([2, 3, 10]) + pt_policy(0, 0, 1) +
        bytes([7]) + pt_policy(0) + bytes([2, 3, 10]) + pt_policy(0) +
        bytes([7]) + pt_policy(7),
        "holds": tree + pt_get(13, 2) + pt_get(14, 0) + pt_get(20, 1) +
        bytes([1, 0]) + pt_policy() + pt_pin(10, 4) + bytes([8, 13]),
        "foreign": pt_raw(20, 0, pt_entry(45, ptf)) +
        bytes([2, 0, 20]) + pt_policy(7, 1) + pt_pin(41, 1, 0x80) +
        bytes([4, 0x40, 41, 0, 0]) + pt_entry(21, ro) + pt_policy(7, 1),
    }
    rng = random.Random(0x5eed)
    for i in range(4):
        seeds["random%d" % i] = bytes(rng.randrange(256) for _ in range(600))
    return seeds


# fuzz_evtchn.c: a lead byte (low 3 bits: 0-3 hypercall, 4-5 guest write,
# 6 hypervisor event, 7 domain restart; bits 4-5: domain slot mod 3, bit 6
# vCPU) then the op's bytes. Hypercall: cmd byte, then its picks.
# Hypervisor event: a byte mod 5 (0 VIRQ, 1 global VIRQ, 2 Vesper port,
# 3 notify, 4 bulk allocation), then its picks.
def ev(slot, kind, *rest, vcpu=0):
    return bytes([(slot << 4) | (vcpu << 6) | kind]) + bytes(rest)


EV_SELF, EV_SMALL = 4, 2  # pick_domid / pick_port selectors


def evtchn_seeds():
    d1_unbound_to_2 = ev(1, 0, 6, 1, 2)            # alloc_unbound(1 -> 2)
    d2_bind = ev(2, 0, 0, 1, EV_SMALL, 1)          # bind_interdomain(1, 1)
    send = ev(1, 0, 4, EV_SMALL, 1)
    fifo1 = ev(1, 0, 11, 16, 64, 0, 0) + ev(1, 0, 11, 17, 64, 0, 1)
    fifo1 += ev(1, 0, 12, 18)                      # expand_array(gfn 18)
    virq = ev(1, 0, 1, 0, 0) + ev(1, 6, 0, 0, 0)   # bind VIRQ 0, raise it
    seeds = {
        "interdomain": d1_unbound_to_2 + d2_bind + send + ev(2, 0, 4, 2, 1) +
        ev(1, 0, 3, EV_SMALL, 1),
        "fifo": fifo1 + d1_unbound_to_2 + d2_bind + send +
        ev(1, 0, 13, EV_SMALL, 1, 3) + ev(1, 4, 4, 0, 0, 0, 0, 0, 0) + send,
        "virq_ipi": virq + ev(1, 0, 7, 1) + ev(1, 0, 8, EV_SMALL, 2, 1) +
        ev(1, 0, 9, EV_SMALL, 1),
        "restart_peer": d1_unbound_to_2 + d2_bind + ev(2, 7) + send,
        "reset": fifo1 + virq + ev(0, 0, 10, 1) + ev(1, 0, 10, EV_SELF),
        # Hypervisor event 4: allocate 1 + 2 n ports in one go (at most
        # 400 an input).
        "many_ports_2l": ev(1, 6, 4, 255) + ev(1, 0, 3, EV_SMALL, 5) +
        ev(1, 6, 4, 1),
        "many_ports_fifo": fifo1 + ev(1, 6, 4, 255) + ev(1, 0, 12, 19) +
        ev(1, 6, 4, 100) + ev(1, 0, 10, EV_SELF),
    }
    rng = random.Random(0xe7c4)
    for i in range(4):
        seeds["random%d" % i] = bytes(rng.randrange(256) for _ in range(400))
    return seeds


def xz(data, *opts):
    return subprocess.run(["xz", "-c"] + list(opts), input=data,
                          stdout=subprocess.PIPE, check=True).stdout


def xz_seeds(t):
    """fuzz_xz.c's mode byte, 16-byte units of room, data."""
    room = struct.pack("<H", (len(t) + 15) // 16)
    code = elf() * 4
    croom = struct.pack("<H", (len(code) + 15) // 16)
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(600))
    # Mode bit 0: raw LZMA2 wrapped by the target; bit 1: x86 BCJ; the rest
    # picks the dictionary size byte (20: 4 MiB).
    wrap = lambda x86: bytes([1 | x86 << 1 | 20 << 2])
    return {
        "crc32": b"\0" + room + xz(t, "--check=crc32"),
        "crc64_blocks": b"\0" + room + xz(t, "--block-size=700"),
        "none_x86": b"\0" + croom + xz(code, "--check=none", "--x86",
                                       "--lzma2"),
        "linux": b"\0" + croom + xz(code, "--check=crc32", "--x86",
                                    "--lzma2=,dict=32MiB"),
        # Incompressible: LZMA2 stores it in uncompressed chunks.
        "stored": b"\0" + room + xz(noise, "-0"),
        "raw_lzma2": wrap(0) + room + xz(t, "--format=raw", "--lzma2"),
        "raw_lclp": wrap(0) + room + xz(t, "--format=raw",
                                        "--lzma2=lc=1,lp=3,pb=0"),
        "raw_x86": wrap(1) + croom + xz(code, "--format=raw", "--x86",
                                        "--lzma2"),
    }


def all_seeds():
    plain = elf()
    s = {}
    s["elf"] = {
        "phdr_notes": plain,
        "section_notes": elf(notes_in_section=True),
        "no_supported": elf(supported=False, features=b"dom0\0"),
        "no_features": elf(features=None),
    }
    s["kimage"] = {
        "elf": plain,
        "gzip": gz(plain),
        "bzimage_gzip": mkbzimage.build(plain, "gzip"),
        "bzimage_xz": mkbzimage.build(plain, "xz"),
        "bzimage_lz4": mkbzimage.build(plain, "lz4"),
    }
    t = text(3000)
    s["inflate"] = {
        "gzip9": b"\1\0\0" + gz(t, 9),
        "gzip1": b"\1\0\0" + gz(t, 1),
        "gzip_stored": b"\1\0\0" + gz(t, 0),
        "raw_dynamic": b"\0\0\x10" + raw_deflate(t, 9),
        "raw_fixed": b"\0\0\x10" + raw_deflate(t, 6, zlib.Z_FIXED),
        "raw_rle": b"\0\0\x10" + raw_deflate(bytes(2000) + t[:500], 9,
                                             zlib.Z_RLE),
    }
    # Capacity 0x10000 (three bytes), then "lz4 -l" streams without the
    # bzImage size trailer.
    lz4_cap = b"\0\0\1"
    s["lz4"] = {
        "text9": lz4_cap + mkbzimage.compress(t, "lz4")[:-4],
        "repeat9": lz4_cap + mkbzimage.compress(bytes(3000) + t[:500],
                                                "lz4")[:-4],
        "elf9": lz4_cap + mkbzimage.compress(plain, "lz4")[:-4],
        "two_frames": lz4_cap + (mkbzimage.compress(t[:700], "lz4")[:-4] +
                                 mkbzimage.compress(t[700:1500],
                                                    "lz4")[:-4]),
    }
    s["xz"] = xz_seeds(t)
    s["cmdline"] = {
        "bools": b"a no-a no-b=yes a=off",
        "numbers": b"c=0x10 d-e=18446744073709551615 f=4M g=1T c=99999999999",
        "strings": b'h=x ab="quoted value" ab=toolongvalue unknown "a b"=1',
        "split": b"  /boot/kernel   console=hvc0  ",
    }
    mask = struct.pack("<QB", 0x0000_0000_0000_000d, 40)
    s["bootcfg"] = {
        "plain": mask + b"/boot/vmlinuz console=hvc0 root=/dev/xvda",
        "options": mask + b"/boot/k name=web.1 mem=64M vcpus=2 weight=512 "
                          b"cap=150 cpus=0-1,3 console -- quiet",
        "ramdisk": struct.pack("<QB", 0, 3) + b"/boot/initrd kind=ramdisk --",
        "bad": struct.pack("<QB", ~0 & (2**64 - 1), 5) +
        b"/k vcpus=0 mem=1K cpus=64 --",
    }
    s["pagetype"] = pagetype_seeds()
    s["evtchn"] = evtchn_seeds()
    return s


def main(argv):
    out = argv[0] if argv else os.path.join(HERE, "corpus")
    for target, seeds in all_seeds().items():
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
