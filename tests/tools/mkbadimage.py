#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Make deliberately broken guest kernel images for the builder's refusal tests.

Usage:
  mkbadimage.py xen-version IN.elf OUT VERSION
      Copy IN with the Xen XEN_VERSION ELF note's string replaced by VERSION
      (at most as long as the original; the rest is NUL-padded).
  mkbadimage.py features IN.elf OUT FEATURES SUPPORTED
      Copy IN with the FEATURES note's string replaced by FEATURES (at most
      as long as the original) and the SUPPORTED_FEATURES note's bitmap set
      to SUPPORTED (a number), or, for SUPPORTED "none", that note turned
      into one of a type no hypervisor knows (ignored: as if absent).
  mkbadimage.py features-padnul IN.elf OUT FEATURES SUPPORTED
      As features, but with the FEATURES note's n_descsz cut to
      len(FEATURES), so its NUL lies only in the note's alignment padding
      (as in Linux's bare .ascii note); the note keeps its padded size.
  mkbadimage.py gzip-truncated IN.elf OUT
      gzip IN, cut the DEFLATE body to half its length and keep the 8-byte
      trailer, so the size field (ISIZE) still tells the truth and the only
      fault is the missing data: an image damaged in the middle.
  mkbadimage.py xz-bitflip IN.elf OUT
      Wrap IN in a bzImage with an xz payload (mkbzimage.py --compress xz)
      and flip one bit halfway through the payload: every header and size
      stays right, the compressed data (and so the check) does not.
  mkbadimage.py xz-badcheck IN.elf OUT
      As xz-bitflip, but the flipped bit is in the block's stored CRC32:
      the data decodes cleanly and only comparing the check can tell.
"""

import gzip
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PT_NOTE = 4
XEN_ELFNOTE_XEN_VERSION = 5
XEN_ELFNOTE_FEATURES = 10
XEN_ELFNOTE_SUPPORTED_FEATURES = 17
# Beyond every type Xen 4.17's libelf names: parsed as "unknown", skipped.
UNKNOWN_NOTE_TYPE = 0x7e
GZIP_TRAILER = 8


def notes(elf):
    """Yield (type, name, desc_offset, desc_size) for each note in PT_NOTEs."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ValueError("not a little-endian ELF64 file")
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(phnum):
        p_type, _flags, p_offset = struct.unpack_from("<IIQ", elf,
                                                      phoff + i * phentsize)
        p_filesz, = struct.unpack_from("<Q", elf, phoff + i * phentsize + 32)
        if p_type != PT_NOTE:
            continue
        off, end = p_offset, p_offset + p_filesz
        while off + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", elf, off)
            name = elf[off + 12:off + 12 + namesz].rstrip(b"\0")
            desc = off + 12 + (namesz + 3) // 4 * 4
            yield ntype, name, desc, descsz
            off = desc + (descsz + 3) // 4 * 4


def patch_string_note(elf, out, want, value, what, padnul=False):
    new = value.encode()
    found = 0
    for ntype, name, desc, size in notes(elf):
        if name == b"Xen" and ntype == want:
            padded = (size + 3) // 4 * 4
            if padnul:
                # Same padded size, and at least one padding byte for the NUL.
                if len(new) % 4 == 0 or (len(new) + 3) // 4 * 4 != padded:
                    raise ValueError("'%s' cannot end in the padding of the "
                                     "%d-byte note" % (value, size))
                out[desc:desc + padded] = new + bytes(padded - len(new))
                # n_descsz is the header's second word.
                namesz = (len(b"Xen") + 1 + 3) // 4 * 4
                struct.pack_into("<I", out, desc - namesz - 8, len(new))
                found += 1
                continue
            if len(new) + 1 > size:
                raise ValueError("'%s' does not fit in the %d-byte note"
                                 % (value, size))
            out[desc:desc + size] = new + bytes(size - len(new))
            found += 1
    if not found:
        raise ValueError("no Xen %s note" % what)


def patch_xen_version(elf, version):
    out = bytearray(elf)
    patch_string_note(elf, out, XEN_ELFNOTE_XEN_VERSION, version,
                      "XEN_VERSION")
    return bytes(out)


def patch_features(elf, features, supported, padnul=False):
    out = bytearray(elf)
    patch_string_note(elf, out, XEN_ELFNOTE_FEATURES, features, "FEATURES",
                      padnul)
    found = 0
    for ntype, name, desc, size in notes(elf):
        if name != b"Xen" or ntype != XEN_ELFNOTE_SUPPORTED_FEATURES:
            continue
        if supported == "none":
            # The type word is the last of the 12-byte note header.
            namesz = (len(b"Xen") + 1 + 3) // 4 * 4
            struct.pack_into("<I", out, desc - namesz - 4, UNKNOWN_NOTE_TYPE)
        else:
            if size != 4:
                raise ValueError("SUPPORTED_FEATURES is %d bytes" % size)
            struct.pack_into("<I", out, desc, int(supported, 0))
        found += 1
    if not found:
        raise ValueError("no Xen SUPPORTED_FEATURES note")
    return bytes(out)


def truncated_gzip(elf):
    gz = gzip.compress(elf, compresslevel=9, mtime=0)
    # Header: 10 bytes, no optional fields (gzip.compress writes none).
    body = gz[10:-GZIP_TRAILER]
    return gz[:10] + body[:len(body) // 2] + gz[-GZIP_TRAILER:]


def xz_bitflip(elf, in_check=False):
    import mkbzimage

    image = bytearray(mkbzimage.build(elf, "xz"))
    setup_sects = image[0x1F1] or 4
    payload_off, payload_len = struct.unpack_from("<II", image, 0x248)
    start = (setup_sects + 1) * 512 + payload_off
    end = start + payload_len - 4  # the stream; then the size trailer
    if in_check:
        # One block, CRC32 check: the 4-byte check ends where the index
        # starts, which the footer's backward size locates.
        backward, = struct.unpack_from("<I", image, end - 8)
        image[end - 12 - (backward + 1) * 4 - 2] ^= 0x10
    else:
        image[(start + end) // 2] ^= 0x10
    return bytes(image)


def main(argv):
    if len(argv) == 4 and argv[0] == "xen-version":
        mode, src, dst, version = argv
    elif len(argv) == 5 and argv[0] in ("features", "features-padnul"):
        mode, src, dst, features, supported = argv
    elif len(argv) == 3 and argv[0] in ("gzip-truncated", "xz-bitflip",
                                        "xz-badcheck"):
        mode, src, dst = argv
    else:
        sys.stderr.write(__doc__)
        return 2
    with open(src, "rb") as f:
        elf = f.read()
    try:
        if mode == "xen-version":
            out = patch_xen_version(elf, version)
        elif mode in ("features", "features-padnul"):
            out = patch_features(elf, features, supported,
                                 mode == "features-padnul")
        elif mode in ("xz-bitflip", "xz-badcheck"):
            out = xz_bitflip(elf, mode == "xz-badcheck")
        else:
            out = truncated_gzip(elf)
    except ValueError as e:
        sys.exit("mkbadimage: %s: %s" % (src, e))
    with open(dst, "wb") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
