/* SPDX-License-Identifier: GPL-2.0-only */
/* Instruction decoding for trapped page-table stores; no hardware access. */
#include "lib.h"
#include "asm/ptwr.h"

/* Length of the ModRM memory operand (ModRM, SIB, displacement). */
static int modrm_len(const u8 *b, size_t avail)
{
    u8 modrm, mod, rm;
    int len = 1;

    if (avail < 1)
        return -1;
    modrm = b[0];
    mod = modrm >> 6;
    rm = modrm & 7;
    if (mod == 3)
        return -1; /* register operand: not a store to memory */
    if (rm == 4) {
        if (avail < 2)
            return -1;
        len++;
        if (mod == 0 && (b[1] & 7) == 5)
            len += 4; /* SIB with no base: disp32 */
    } else if (mod == 0 && rm == 5) {
        len += 4; /* RIP-relative disp32 */
    }
    if (mod == 1)
        len += 1;
    else if (mod == 2)
        len += 4;
    return (size_t)len <= avail ? len : -1;
}

static u64 sext(u64 v, unsigned int bytes)
{
    unsigned int shift = 64 - 8 * bytes;

    return (u64)((s64)(v << shift) >> shift);
}

static u64 read_imm(const u8 *p, unsigned int bytes)
{
    u64 v = 0;

    for (unsigned int i = 0; i < bytes; i++)
        v |= (u64)p[i] << (8 * i);
    return v;
}

int ptwr_decode(const u8 *b, size_t avail, struct ptwr_insn *in)
{
    size_t i = 0;
    unsigned int rex = 0, imm_bytes = 0;
    bool opsize16 = false;
    int ml;
    u8 op, reg;

    memset(in, 0, sizeof(*in));
    for (; i < avail && i < 4; i++) {
        if (b[i] == 0xf0)
            in->lock = true;
        else if (b[i] == 0x66)
            opsize16 = true;
        else if (b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
                 b[i] == 0x64 || b[i] == 0x65)
            /*
             * Segment overrides: the store's address is the fault's, so
             * they change nothing here. Linux on one CPU patches its lock
             * prefixes into ds (0x3e), and Xen's emulator takes those.
             */
            continue;
        else
            break;
    }
    if (i < avail && (b[i] & 0xf0) == 0x40)
        rex = b[i++];
    if (i >= avail)
        return -1;
    op = b[i++];
    in->size = (rex & 8) ? 8 : opsize16 ? 2 : 4;
    if (op == 0x0f) {
        if (i >= avail)
            return -1;
        op = b[i++];
        if (op != 0xb0 && op != 0xb1)
            return -1;
        in->op = PTWR_CMPXCHG;
        if (op == 0xb0)
            in->size = 1;
    } else {
        switch (op) {
        case 0x88:
        case 0x89:
            in->op = PTWR_MOV;
            break;
        case 0x86:
        case 0x87:
            in->op = PTWR_XCHG;
            in->lock = true; /* xchg with memory always locks */
            break;
        case 0x08:
        case 0x09:
            in->op = PTWR_OR;
            break;
        case 0x20:
        case 0x21:
            in->op = PTWR_AND;
            break;
        case 0xc6:
        case 0xc7:
            in->op = PTWR_MOV;
            break;
        case 0x80:
        case 0x81:
        case 0x83:
            break; /* group 1: decided by ModRM.reg below */
        default:
            return -1;
        }
        if (op == 0x88 || op == 0x86 || op == 0x08 || op == 0x20 ||
            op == 0xc6 || op == 0x80)
            in->size = 1;
    }
    if (i >= avail)
        return -1;
    reg = (b[i] >> 3) & 7;
    ml = modrm_len(b + i, avail - i);
    if (ml < 0)
        return -1;
    if (op == 0xc6 || op == 0xc7 || op == 0x80 || op == 0x81 || op == 0x83) {
        in->src_reg = -1;
        if (op == 0xc6 || op == 0xc7) {
            if (reg != 0)
                return -1;
        } else if (reg == 1) {
            in->op = PTWR_OR;
        } else if (reg == 4) {
            in->op = PTWR_AND;
        } else {
            return -1;
        }
        imm_bytes = (op == 0x80 || op == 0x83 || op == 0xc6) ? 1
                    : in->size == 2                          ? 2
                                                             : 4;
    } else {
        in->src_reg = (int)(reg | ((rex & 4) ? 8 : 0));
    }
    i += (size_t)ml;
    if (imm_bytes) {
        if (i + imm_bytes > avail)
            return -1;
        in->imm = sext(read_imm(b + i, imm_bytes), imm_bytes);
        i += imm_bytes;
    }
    in->len = (unsigned int)i;
    return 0;
}

int ptwr_compute(const struct ptwr_insn *in, u64 old, unsigned int off, u64 src,
                 u64 rax, u64 *new_pte, u64 *old_out, bool *zf)
{
    unsigned int bits = in->size * 8;
    u64 mask = bits == 64 ? ~0UL : ((1UL << bits) - 1);
    u64 cur, val;

    if (off + in->size > 8 || (off & (in->size - 1)))
        return -1; /* only naturally aligned accesses inside one entry */
    cur = (old >> (8 * off)) & mask;
    if (in->src_reg < 0)
        src = in->imm;
    src &= mask;
    *old_out = cur;
    *zf = false;
    switch (in->op) {
    case PTWR_MOV:
    case PTWR_XCHG:
        val = src;
        break;
    case PTWR_CMPXCHG:
        *zf = cur == (rax & mask);
        val = *zf ? src : cur;
        break;
    case PTWR_AND:
        val = cur & src;
        *zf = val == 0;
        break;
    case PTWR_OR:
        val = cur | src;
        *zf = val == 0;
        break;
    default:
        return -1;
    }
    *new_pte = (old & ~(mask << (8 * off))) | (val << (8 * off));
    return 0;
}
