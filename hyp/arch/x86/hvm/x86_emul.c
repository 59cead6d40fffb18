/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 instruction decoder and emulator for HVM MMIO and port I/O exits. */
#include "types.h"
#include "lib.h"
#include "x86_emul.h"

#define VEC_GP 13
#define VEC_SS 12

/* The decoder's cursor over the caller's bytes. */
struct fetch {
    const u8 *bytes;
    size_t avail;
    unsigned int pos;
};

/*
 * Every byte is read here. The 15-byte limit comes first: a 16th byte is
 * a #GP however many bytes the caller has.
 */
static int fetch_u8(struct fetch *f, u8 *v)
{
    if (f->pos >= X86_MAX_INSN_LEN)
        return X86_EMUL_EXCEPTION;
    if (f->pos >= f->avail)
        return X86_EMUL_TRUNCATED;
    *v = f->bytes[f->pos++];
    return X86_EMUL_OK;
}

/* n little-endian bytes, sign-extended to 64 bits. */
static int fetch_signed(struct fetch *f, unsigned int n, s64 *v)
{
    u64 x = 0;
    unsigned int i;
    int rc;
    u8 b;

    for (i = 0; i < n; i++) {
        rc = fetch_u8(f, &b);
        if (rc)
            return rc;
        x |= (u64)b << (8 * i);
    }
    if (n < 8 && (x >> (8 * n - 1)) & 1)
        x |= ~0ULL << (8 * n);
    *v = (s64)x;
    return X86_EMUL_OK;
}

static u64 size_mask(unsigned int bytes)
{
    return bytes >= 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;
}

/* 16-bit ModRM.rm: base and index register, in the manual's table order. */
static const s8 base16[8] = { X86_RBX, X86_RBX, X86_RBP, X86_RBP,
                              -1,      -1,      X86_RBP, X86_RBX };
static const s8 index16[8] = { X86_RSI, X86_RDI, X86_RSI, X86_RDI,
                               X86_RSI, X86_RDI, -1,      -1 };

/* ModRM (already fetched), then SIB and displacement. */
static int decode_modrm(struct fetch *f, enum x86_emul_mode mode, u8 modrm,
                        struct x86_insn *in)
{
    unsigned int mod = modrm >> 6, rm = modrm & 7;
    struct x86_ea *ea = &in->ea;
    bool ss_default = false;
    s64 disp = 0;
    int rc;
    u8 sib;

    in->reg = ((modrm >> 3) & 7) | ((in->rex & 4) << 1);
    ea->base = -1;
    ea->index = -1;
    ea->scale = 1;
    /* Register operands never reach an MMIO or port exit. */
    if (mod == 3)
        return X86_EMUL_UNHANDLED;

    if (in->addr_bytes == 2) {
        if (mod == 0 && rm == 6) {
            rc = fetch_signed(f, 2, &disp);
        } else {
            ea->base = base16[rm];
            ea->index = index16[rm];
            ss_default = ea->base == X86_RBP;
            rc = mod == 1   ? fetch_signed(f, 1, &disp)
                 : mod == 2 ? fetch_signed(f, 2, &disp)
                            : X86_EMUL_OK;
        }
        if (rc)
            return rc;
        ea->disp = disp;
        if (in->seg == X86_SEG_NUM)
            in->seg = ss_default ? X86_SEG_SS : X86_SEG_DS;
        return X86_EMUL_OK;
    }

    if (rm == 4) {
        unsigned int idx, base;

        rc = fetch_u8(f, &sib);
        if (rc)
            return rc;
        idx = ((sib >> 3) & 7) | ((in->rex & 2) << 2);
        base = (sib & 7) | ((in->rex & 1) << 3);
        ea->scale = 1 << (sib >> 6);
        /* Index 100b without REX.X means none; r12 is a real index. */
        if (idx != X86_RSP)
            ea->index = idx;
        /* Base 101b with mod 0 means disp32 and no base, REX.B or not. */
        if ((sib & 7) == 5 && mod == 0) {
            rc = fetch_signed(f, 4, &disp);
            if (rc)
                return rc;
        } else {
            ea->base = base;
        }
    } else if (rm == 5 && mod == 0) {
        /* disp32 alone; in 64-bit mode it is RIP-relative instead. */
        ea->rip_rel = mode == X86_MODE_64;
        rc = fetch_signed(f, 4, &disp);
        if (rc)
            return rc;
    } else {
        ea->base = rm | ((in->rex & 1) << 3);
    }
    if (mod == 1)
        rc = fetch_signed(f, 1, &disp);
    else if (mod == 2)
        rc = fetch_signed(f, 4, &disp);
    else
        rc = X86_EMUL_OK;
    if (rc)
        return rc;
    ea->disp = disp;
    /* rSP and rBP bases address the stack (r12, r13 do not). */
    ss_default = ea->base == X86_RSP || ea->base == X86_RBP;
    if (in->seg == X86_SEG_NUM)
        in->seg = ss_default ? X86_SEG_SS : X86_SEG_DS;
    return X86_EMUL_OK;
}

/* Forms that accept LOCK: read-modify-write of memory, and XCHG. */
static bool lockable(const struct x86_insn *in)
{
    switch (in->kind) {
    case X86_K_ALU:
        return !(in->opcode & 2) && in->alu != X86_ALU_CMP;
    case X86_K_GRP1:
        return in->alu != X86_ALU_CMP;
    case X86_K_XCHG:
        return true;
    default:
        return false;
    }
}

static bool is_port(enum x86_insn_kind k)
{
    return k == X86_K_IN || k == X86_K_OUT || k == X86_K_INS || k == X86_K_OUTS;
}

int x86_decode(const u8 *bytes, size_t avail, enum x86_emul_mode mode,
               struct x86_insn *in)
{
    struct fetch f = { bytes, avail, 0 };
    bool opsize = false, adsize = false, modrm = false, byte_op = false;
    unsigned int imm_bytes = 0;
    int rc;
    u8 b;

    memset(in, 0, sizeof(*in));
    in->seg = X86_SEG_NUM; /* no override yet */
    for (;;) {
        rc = fetch_u8(&f, &b);
        if (rc)
            return rc;
        switch (b) {
        case 0x66:
            opsize = true;
            break;
        case 0x67:
            adsize = true;
            break;
        case 0x26:
        case 0x2e:
        case 0x36:
        case 0x3e:
            in->seg = (b >> 3) & 3;
            break;
        case 0x64:
        case 0x65:
            in->seg = X86_SEG_FS + (b & 1);
            break;
        case 0xf0:
            in->lock = true;
            break;
        case 0xf2:
        case 0xf3:
            in->rep = b;
            break;
        default:
            if (mode == X86_MODE_64 && (b & 0xf0) == 0x40) {
                in->rex = b;
                continue;
            }
            goto opcode;
        }
        /* REX counts only right before the opcode. */
        in->rex = 0;
    }

opcode:
    if (b == 0x0f) {
        in->twobyte = true;
        rc = fetch_u8(&f, &b);
        if (rc)
            return rc;
    }
    in->opcode = b;

    if (mode == X86_MODE_64)
        in->addr_bytes = adsize ? 4 : 8;
    else
        in->addr_bytes = (mode == X86_MODE_32) != adsize ? 4 : 2;
    if (in->rex & 8)
        in->op_bytes = 8;
    else if (mode == X86_MODE_16)
        in->op_bytes = opsize ? 4 : 2;
    else
        in->op_bytes = opsize ? 2 : 4;

    if (in->twobyte ? (b == 0xa2 || b == 0x30 || b == 0x32 || b == 0x08 ||
                       b == 0x09 || b == 0x01)
                    : b == 0xf4) {
        in->kind = X86_K_SYSTEM;
        if (in->twobyte && b == 0x01) {
            u8 m;

            /* Only the register forms are intercepted instructions. */
            rc = fetch_u8(&f, &m);
            if (rc)
                return rc;
            if (m < 0xc0)
                return X86_EMUL_UNHANDLED;
            in->reg = m;
        }
        in->len = f.pos;
        /* LOCK on any of them is #UD. */
        return in->lock ? X86_EMUL_UNHANDLED : X86_EMUL_OK;
    }
    if (in->twobyte) {
        /*
         * F2/F3 turn 0F opcodes into other instructions (F3 0F B8 is
         * POPCNT), so do not guess at what they mean here.
         */
        if (in->rep || (b != 0xb6 && b != 0xb7 && b != 0xbe && b != 0xbf))
            return X86_EMUL_UNHANDLED;
        in->kind = X86_K_MOVX;
        in->src_bytes = (b & 1) ? 2 : 1;
        modrm = true;
    } else if (b < 0x40 && (b & 7) < 4) {
        in->kind = X86_K_ALU;
        in->alu = b >> 3;
        byte_op = !(b & 1);
        modrm = true;
    } else if (b == 0x82 && mode == X86_MODE_64) {
        return X86_EMUL_UNHANDLED;
    } else {
        switch (b) {
        case 0x80:
        case 0x81:
        case 0x82: /* 80 again; 64-bit mode refused it above */
        case 0x83:
            in->kind = X86_K_GRP1;
            byte_op = b != 0x81 && b != 0x83;
            imm_bytes = b == 0x81 ? 4 : 1;
            modrm = true;
            break;
        case 0x84:
        case 0x85:
            in->kind = X86_K_TEST;
            in->alu = X86_ALU_TEST;
            byte_op = b == 0x84;
            modrm = true;
            break;
        case 0x86:
        case 0x87:
            in->kind = X86_K_XCHG;
            byte_op = b == 0x86;
            modrm = true;
            break;
        case 0x88:
        case 0x89:
        case 0x8a:
        case 0x8b:
            in->kind = X86_K_MOV;
            byte_op = !(b & 1);
            modrm = true;
            break;
        case 0xc6:
        case 0xc7:
            in->kind = X86_K_MOV_IMM;
            byte_op = b == 0xc6;
            imm_bytes = byte_op ? 1 : 4;
            modrm = true;
            break;
        case 0xf6:
        case 0xf7:
            in->kind = X86_K_TEST_IMM;
            in->alu = X86_ALU_TEST;
            byte_op = b == 0xf6;
            imm_bytes = byte_op ? 1 : 4;
            modrm = true;
            break;
        case 0xa0:
        case 0xa1:
        case 0xa2:
        case 0xa3:
            in->kind = X86_K_MOFFS;
            byte_op = !(b & 1);
            break;
        case 0xa4:
        case 0xa5:
            in->kind = X86_K_MOVS;
            byte_op = b == 0xa4;
            break;
        case 0xaa:
        case 0xab:
            in->kind = X86_K_STOS;
            byte_op = b == 0xaa;
            break;
        case 0x6c:
        case 0x6d:
            in->kind = X86_K_INS;
            byte_op = b == 0x6c;
            break;
        case 0x6e:
        case 0x6f:
            in->kind = X86_K_OUTS;
            byte_op = b == 0x6e;
            break;
        case 0xe4:
        case 0xe5:
        case 0xec:
        case 0xed:
            in->kind = X86_K_IN;
            byte_op = !(b & 1);
            imm_bytes = b < 0xe8 ? 1 : 0;
            break;
        case 0xe6:
        case 0xe7:
        case 0xee:
        case 0xef:
            in->kind = X86_K_OUT;
            byte_op = !(b & 1);
            imm_bytes = b < 0xe8 ? 1 : 0;
            break;
        default:
            return X86_EMUL_UNHANDLED;
        }
    }
    if (byte_op)
        in->op_bytes = 1;
    /* Ports are at most 32 bits wide: REX.W changes nothing there. */
    if (is_port(in->kind) && in->op_bytes == 8)
        in->op_bytes = 4;
    /* iz: 16 bits for a 16-bit operand, else 32 (sign-extended for 64). */
    if (imm_bytes == 4 && in->op_bytes == 2)
        imm_bytes = 2;

    if (modrm) {
        u8 m;

        in->has_modrm = true;
        rc = fetch_u8(&f, &m);
        if (rc)
            return rc;
        rc = decode_modrm(&f, mode, m, in);
        if (rc)
            return rc;
        if (in->kind == X86_K_GRP1)
            in->alu = in->reg & 7;
        /* C6/C7 and F6/F7 are groups too; only /0 is MOV and TEST. */
        if ((in->kind == X86_K_MOV_IMM || in->kind == X86_K_TEST_IMM) &&
            (in->reg & 7) != 0)
            return X86_EMUL_UNHANDLED;
    } else if (in->kind == X86_K_MOFFS) {
        s64 off;

        rc = fetch_signed(&f, in->addr_bytes, &off);
        if (rc)
            return rc;
        in->moffs = (u64)off & size_mask(in->addr_bytes);
    }
    if (in->kind != X86_K_MOVS && in->kind != X86_K_OUTS &&
        in->kind != X86_K_MOFFS && !in->has_modrm)
        in->seg = X86_SEG_NUM; /* no memory operand of its own */
    else if (in->seg == X86_SEG_NUM)
        in->seg = X86_SEG_DS;

    if (imm_bytes) {
        s64 imm;

        rc = fetch_signed(&f, imm_bytes, &imm);
        if (rc)
            return rc;
        in->imm = (u64)imm;
        /* IN/OUT take an unsigned port number. */
        if (in->kind == X86_K_IN || in->kind == X86_K_OUT)
            in->imm &= 0xff;
    }
    in->len = f.pos;
    if (in->lock && !lockable(in))
        return X86_EMUL_UNHANDLED;
    return X86_EMUL_OK;
}

/* ------------------------------------------------------------ execution */

static u64 get_reg(const struct x86_emul *e, unsigned int r, unsigned int size)
{
    /* Without REX, byte registers 4-7 are AH, CH, DH, BH. */
    if (size == 1 && !e->insn.rex && r >= 4 && r < 8)
        return (e->regs.gpr[r - 4] >> 8) & 0xff;
    return e->regs.gpr[r] & size_mask(size);
}

/*
 * 32-bit writes zero-extend into the whole register (in 64-bit mode the
 * CPU does so; elsewhere the upper half cannot be seen); 8- and 16-bit
 * writes keep the bits above them.
 */
static void set_reg(struct x86_emul *e, unsigned int r, unsigned int size,
                    u64 v)
{
    u64 *g;

    if (size == 1 && !e->insn.rex && r >= 4 && r < 8) {
        g = &e->regs.gpr[r - 4];
        *g = (*g & ~0xff00ULL) | ((v & 0xff) << 8);
        return;
    }
    g = &e->regs.gpr[r];
    if (size >= 4)
        *g = v & size_mask(size);
    else
        *g = (*g & ~size_mask(size)) | (v & size_mask(size));
}

/* Linear address of seg:offset; #GP/#SS(0) if not canonical in 64-bit. */
static int linear(struct x86_emul *e, enum x86_seg seg, u64 off,
                  unsigned int size, u64 *lin)
{
    u64 a, last;

    if (e->mode != X86_MODE_64) {
        *lin = (e->seg_base[seg] + off) & 0xffffffffULL;
        return X86_EMUL_OK;
    }
    a = off;
    if (seg == X86_SEG_FS || seg == X86_SEG_GS)
        a += e->seg_base[seg];
    /* Bits 63:47 all equal, for the first byte and for the last. */
    last = a + size - 1;
    if ((u64)((s64)(a << 16) >> 16) != a ||
        (u64)((s64)(last << 16) >> 16) != last)
        return x86_emul_raise(e, seg == X86_SEG_SS ? VEC_SS : VEC_GP, true, 0);
    *lin = a;
    return X86_EMUL_OK;
}

static u64 ea_offset(const struct x86_emul *e)
{
    const struct x86_insn *in = &e->insn;
    const struct x86_ea *ea = &in->ea;
    u64 off = (u64)ea->disp;

    if (ea->rip_rel)
        off += e->regs.rip + in->len;
    if (ea->base >= 0)
        off += e->regs.gpr[ea->base];
    if (ea->index >= 0)
        off += e->regs.gpr[ea->index] * ea->scale;
    return off & size_mask(in->addr_bytes);
}

/* Pass callback results on; anything unknown counts as unhandled. */
static int cb_rc(int rc)
{
    switch (rc) {
    case X86_EMUL_OK:
    case X86_EMUL_EXCEPTION:
    case X86_EMUL_RETRY:
        return rc;
    default:
        return X86_EMUL_UNHANDLED;
    }
}

static int mem_read(struct x86_emul *e, u64 lin, unsigned int size, u64 *val)
{
    const struct x86_emul_ops *ops = e->ops;
    u64 gpa = 0, v = 0;
    int rc;

    if (!ops->read)
        return X86_EMUL_UNHANDLED;
    rc = ops->read(e, lin, size, &v, &gpa);
    if (rc == X86_EMUL_MMIO) {
        if (!ops->mmio_read)
            return X86_EMUL_UNHANDLED;
        rc = ops->mmio_read(e, gpa, size, &v);
    }
    *val = v & size_mask(size);
    return cb_rc(rc);
}

static int mem_write(struct x86_emul *e, u64 lin, unsigned int size, u64 val)
{
    const struct x86_emul_ops *ops = e->ops;
    u64 gpa = 0;
    int rc;

    if (!ops->write)
        return X86_EMUL_UNHANDLED;
    val &= size_mask(size);
    rc = ops->write(e, lin, size, val, &gpa);
    if (rc == X86_EMUL_MMIO) {
        if (!ops->mmio_write)
            return X86_EMUL_UNHANDLED;
        rc = ops->mmio_write(e, gpa, size, val);
    }
    return cb_rc(rc);
}

static int io_read(struct x86_emul *e, u16 port, unsigned int size, u64 *val)
{
    u32 v = 0;
    int rc;

    if (!e->ops->io_read)
        return X86_EMUL_UNHANDLED;
    rc = e->ops->io_read(e, port, size, &v);
    *val = v & size_mask(size);
    return cb_rc(rc);
}

static int io_write(struct x86_emul *e, u16 port, unsigned int size, u64 val)
{
    if (!e->ops->io_write)
        return X86_EMUL_UNHANDLED;
    return cb_rc(e->ops->io_write(e, port, size, (u32)(val & size_mask(size))));
}

/* Even parity of the low byte, as PF reports it. */
static bool parity_even(u64 v)
{
    v &= 0xff;
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return !(v & 1);
}

/*
 * One ALU operation at size bytes; returns the result and replaces the six
 * arithmetic flags. Carry and overflow come from the operands' and the
 * result's top bits, so they hold for every width and for a carry in.
 * AF is cleared by the logical operations, where the CPU leaves it
 * undefined.
 */
static u64 alu(enum x86_alu op, u64 a, u64 b, unsigned int size, u64 *rflags)
{
    u64 m = size_mask(size), top = 1ULL << (8 * size - 1);
    u64 c = *rflags & X86_EMUL_CF, r, f = 0;

    a &= m;
    b &= m;
    switch (op) {
    case X86_ALU_ADD:
    case X86_ALU_ADC:
        r = (a + b + (op == X86_ALU_ADC ? c : 0)) & m;
        if (((a & b) | ((a | b) & ~r)) & top)
            f |= X86_EMUL_CF;
        if ((a ^ r) & (b ^ r) & top)
            f |= X86_EMUL_OF;
        f |= (a ^ b ^ r) & X86_EMUL_AF;
        break;
    case X86_ALU_SUB:
    case X86_ALU_SBB:
    case X86_ALU_CMP:
        r = (a - b - (op == X86_ALU_SBB ? c : 0)) & m;
        if (((~a & b) | ((~a | b) & r)) & top)
            f |= X86_EMUL_CF;
        if ((a ^ b) & (a ^ r) & top)
            f |= X86_EMUL_OF;
        f |= (a ^ b ^ r) & X86_EMUL_AF;
        break;
    case X86_ALU_OR:
        r = a | b;
        break;
    case X86_ALU_XOR:
        r = a ^ b;
        break;
    default: /* AND, TEST */
        r = a & b;
        break;
    }
    if (!r)
        f |= X86_EMUL_ZF;
    if (r & top)
        f |= X86_EMUL_SF;
    if (parity_even(r))
        f |= X86_EMUL_PF;
    *rflags = (*rflags & ~X86_EMUL_ARITH_FLAGS) | f;
    return r;
}

/* The ModRM forms: one memory operand at ea, the other a register/imm. */
static int exec_modrm(struct x86_emul *e)
{
    const struct x86_insn *in = &e->insn;
    unsigned int size = in->op_bytes;
    u64 lin, m, r, flags = e->regs.rflags;
    int rc;

    rc = linear(e, in->seg, ea_offset(e),
                in->kind == X86_K_MOVX ? in->src_bytes : size, &lin);
    if (rc)
        return rc;

    switch (in->kind) {
    case X86_K_MOV:
        if (in->opcode & 2) {
            rc = mem_read(e, lin, size, &m);
            if (!rc)
                set_reg(e, in->reg, size, m);
            return rc;
        }
        return mem_write(e, lin, size, get_reg(e, in->reg, size));
    case X86_K_MOV_IMM:
        return mem_write(e, lin, size, in->imm);
    case X86_K_MOVX:
        rc = mem_read(e, lin, in->src_bytes, &m);
        if (rc)
            return rc;
        if (in->opcode & 8) /* BE, BF sign-extend */
            m = in->src_bytes == 1 ? (u64)(s64)(s8)m : (u64)(s64)(s16)m;
        set_reg(e, in->reg, size, m);
        return X86_EMUL_OK;
    case X86_K_XCHG:
        rc = mem_read(e, lin, size, &m);
        if (!rc)
            rc = mem_write(e, lin, size, get_reg(e, in->reg, size));
        if (!rc)
            set_reg(e, in->reg, size, m);
        return rc;
    default:
        break;
    }

    /* ALU, group 1, TEST: memory is read first, whichever side it is. */
    rc = mem_read(e, lin, size, &m);
    if (rc)
        return rc;
    if (in->kind == X86_K_ALU && (in->opcode & 2)) {
        /* reg op= mem: the register is the destination. */
        r = alu(in->alu, get_reg(e, in->reg, size), m, size, &flags);
        if (in->alu != X86_ALU_CMP)
            set_reg(e, in->reg, size, r);
    } else {
        u64 src = in->kind == X86_K_ALU || in->kind == X86_K_TEST
                      ? get_reg(e, in->reg, size)
                      : in->imm;

        r = alu(in->alu, m, src, size, &flags);
        if (in->alu != X86_ALU_CMP && in->alu != X86_ALU_TEST) {
            rc = mem_write(e, lin, size, r);
            if (rc)
                return rc;
        }
    }
    e->regs.rflags = flags;
    return X86_EMUL_OK;
}

static int exec_moffs(struct x86_emul *e)
{
    const struct x86_insn *in = &e->insn;
    unsigned int size = in->op_bytes;
    u64 lin, v;
    int rc;

    rc = linear(e, in->seg, in->moffs, size, &lin);
    if (rc)
        return rc;
    if (in->opcode & 2)
        return mem_write(e, lin, size, get_reg(e, X86_RAX, size));
    rc = mem_read(e, lin, size, &v);
    if (!rc)
        set_reg(e, X86_RAX, size, v);
    return rc;
}

static int exec_port(struct x86_emul *e)
{
    const struct x86_insn *in = &e->insn;
    u16 port = in->opcode < 0xe8 ? (u16)in->imm : (u16)e->regs.gpr[X86_RDX];
    u64 v;
    int rc;

    if (in->kind == X86_K_OUT)
        return io_write(e, port, in->op_bytes,
                        get_reg(e, X86_RAX, in->op_bytes));
    rc = io_read(e, port, in->op_bytes, &v);
    if (!rc)
        set_reg(e, X86_RAX, in->op_bytes, v);
    return rc;
}

/* rSI, rDI, rCX as the address size sees them (16-bit keeps the rest). */
static void set_addr_reg(struct x86_emul *e, unsigned int r, u64 v)
{
    set_reg(e, r, e->insn.addr_bytes, v);
}

/* One element of a string instruction, registers untouched. */
static int string_step(struct x86_emul *e)
{
    const struct x86_insn *in = &e->insn;
    unsigned int size = in->op_bytes;
    u64 amask = size_mask(in->addr_bytes);
    u64 si = e->regs.gpr[X86_RSI] & amask, di = e->regs.gpr[X86_RDI] & amask;
    u16 port = (u16)e->regs.gpr[X86_RDX];
    u64 src, dst, v;
    int rc;

    switch (in->kind) {
    case X86_K_STOS:
        v = get_reg(e, X86_RAX, size);
        break;
    case X86_K_INS:
        /* A non-canonical destination faults before the port is read. */
        rc = linear(e, X86_SEG_ES, di, size, &dst);
        if (rc)
            return rc;
        rc = io_read(e, port, size, &v);
        if (rc)
            return rc;
        return mem_write(e, dst, size, v);
    default: /* MOVS, OUTS read memory at seg:rSI */
        rc = linear(e, in->seg, si, size, &src);
        if (!rc)
            rc = mem_read(e, src, size, &v);
        if (rc)
            return rc;
        if (in->kind == X86_K_OUTS)
            return io_write(e, port, size, v);
        break;
    }
    rc = linear(e, X86_SEG_ES, di, size, &dst);
    if (rc)
        return rc;
    return mem_write(e, dst, size, v);
}

/*
 * REP: rCX (at the address size) counts down; each finished element is
 * committed to rSI/rDI/rCX at once, so a fault or a retry in the middle
 * leaves the registers where the CPU would resume.
 */
static int exec_string(struct x86_emul *e)
{
    const struct x86_insn *in = &e->insn;
    u64 amask = size_mask(in->addr_bytes);
    u64 step = in->op_bytes, n = 0, limit;
    bool use_si = in->kind == X86_K_MOVS || in->kind == X86_K_OUTS;
    bool use_di = in->kind != X86_K_OUTS;
    int rc;

    if (e->regs.rflags & X86_EMUL_DF)
        step = -step;
    limit = e->rep_limit ? e->rep_limit : X86_EMUL_REP_LIMIT;
    for (;;) {
        if (in->rep && !(e->regs.gpr[X86_RCX] & amask))
            return X86_EMUL_OK;
        if (in->rep && n == limit) {
            e->rep_partial = true;
            return X86_EMUL_OK;
        }
        rc = string_step(e);
        if (rc)
            return rc;
        if (use_si)
            set_addr_reg(e, X86_RSI, e->regs.gpr[X86_RSI] + step);
        if (use_di)
            set_addr_reg(e, X86_RDI, e->regs.gpr[X86_RDI] + step);
        if (!in->rep)
            return X86_EMUL_OK;
        set_addr_reg(e, X86_RCX, e->regs.gpr[X86_RCX] - 1);
        n++;
    }
}

int x86_emulate(struct x86_emul *e, const u8 *bytes, size_t avail)
{
    struct x86_insn *in = &e->insn;
    int rc;

    e->rep_partial = false;
    memset(&e->event, 0, sizeof(e->event));
    rc = x86_decode(bytes, avail, e->mode, in);
    if (rc == X86_EMUL_EXCEPTION)
        return x86_emul_raise(e, VEC_GP, true, 0);
    if (rc)
        return rc;

    switch (in->kind) {
    case X86_K_SYSTEM:
        /* The caller emulates these itself; here they only have a length. */
        return X86_EMUL_UNHANDLED;
    case X86_K_MOFFS:
        rc = exec_moffs(e);
        break;
    case X86_K_IN:
    case X86_K_OUT:
        rc = exec_port(e);
        break;
    case X86_K_STOS:
    case X86_K_MOVS:
    case X86_K_INS:
    case X86_K_OUTS:
        rc = exec_string(e);
        break;
    default:
        rc = exec_modrm(e);
        break;
    }
    if (rc || e->rep_partial)
        return rc;
    e->regs.rip += in->len;
    if (e->mode == X86_MODE_16)
        e->regs.rip &= 0xffff;
    else if (e->mode == X86_MODE_32)
        e->regs.rip &= 0xffffffffULL;
    return X86_EMUL_OK;
}
