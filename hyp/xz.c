/* SPDX-License-Identifier: GPL-2.0-only */
/* XZ decoder (.xz container, LZMA2 chunks, LZMA, x86 BCJ) for kernel images. */
#include "types.h"
#include "lib.h"
#include "crc.h"
#include "xz.h"

/*
 * Written from the .xz file format specification (tukaani.org, 1.1.0) and
 * the LZMA specification in the LZMA SDK. Single-call only: the whole input
 * is in memory and the output buffer is the dictionary, so a match simply
 * copies from earlier output and there is no window to allocate.
 *
 * The LZMA probability model is about 28 KiB, most of a hypervisor stack
 * (PCPU_STACK_SIZE is 32 KiB), so it lives in one static decoder state.
 * Domain building runs once, on the boot CPU, so a single instance is all
 * that is needed; a busy flag refuses a second concurrent caller rather
 * than trusting that.
 *
 * Time is bounded: every loop either consumes input or produces output
 * (an LZMA chunk's loop produces at least one byte per symbol and stops at
 * the chunk's declared size; a range decoder that runs out of input is fed
 * zeros and marked overrun, which fails the chunk).
 */

#define XZ_HEADER_SIZE 12
#define XZ_FOOTER_SIZE 12
#define XZ_CHECK_NONE 0
#define XZ_CHECK_CRC32 1
#define XZ_CHECK_CRC64 4
#define XZ_CHECK_SHA256 10
#define XZ_FILTER_X86 0x04
#define XZ_FILTER_LZMA2 0x21
#define XZ_VLI_MAX_BYTES 9

#define LZMA_STATES 12
#define LZMA_LIT_STATES 7
#define LZMA_POS_STATES_MAX 16
#define LZMA_LEN_STATES 4 /* distance slot contexts by match length */
#define LZMA_MATCH_MIN 2
#define LZMA_LIT_SIZE 0x300
#define LZMA_LCLP_MAX 4 /* LZMA2's limit on lc + lp */
#define LZMA_PROB_INIT 1024
#define LZMA_PROB_BITS 11
#define LZMA_MOVE_BITS 5
#define RC_TOP (1u << 24)

/* Match length coder: 2..9 low, 10..17 mid, 18..273 high. */
struct lzma_len {
    u16 choice, choice2;
    u16 low[LZMA_POS_STATES_MAX][8];
    u16 mid[LZMA_POS_STATES_MAX][8];
    u16 high[256];
};

/* Every member is a u16 probability, so the struct is reset as an array. */
struct lzma_probs {
    u16 is_match[LZMA_STATES][LZMA_POS_STATES_MAX];
    u16 is_rep[LZMA_STATES];
    u16 is_rep0[LZMA_STATES];
    u16 is_rep1[LZMA_STATES];
    u16 is_rep2[LZMA_STATES];
    u16 is_rep0_long[LZMA_STATES][LZMA_POS_STATES_MAX];
    u16 dist_slot[LZMA_LEN_STATES][64];
    /* Reverse trees of slots 4..13; index 0 unused (trees count from 1). */
    u16 dist_special[115];
    u16 dist_align[16];
    struct lzma_len match_len, rep_len;
    u16 literal[LZMA_LIT_SIZE << LZMA_LCLP_MAX];
};

struct rc {
    u32 range, code;
    const u8 *ip, *end;
    bool overrun; /* wanted a byte past the chunk */
};

struct xz_dec {
    struct lzma_probs p;
    const u8 *in;
    size_t in_len, ip;
    u8 *out;
    size_t out_cap, pos;
    size_t dict_start; /* out offset of the last dictionary reset */
    u32 dict_size;
    unsigned lc, lp, pb;
    unsigned state;
    u32 rep[4];
    /* Running digest of (unpadded, uncompressed) sizes, checked by index. */
    u64 nblocks;
    u32 block_hash;
};

static const u8 xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

static struct xz_dec xz_state;
static bool xz_busy;
static const char *xz_why;

const char *unxz_reason(void)
{
    return xz_why;
}

static int fail(int rc, const char *why)
{
    xz_why = why;
    return rc;
}

#define TRUNCATED() fail(XZ_EINVAL, "truncated stream")

static u32 get_le32(const u8 *p)
{
    return p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
}

static u64 get_le64(const u8 *p)
{
    return get_le32(p) | ((u64)get_le32(p + 4) << 32);
}

/* Bytes left in the input from the cursor. */
static size_t avail(const struct xz_dec *d)
{
    return d->in_len - d->ip;
}

/*
 * Variable-length integer: 7 bits a byte, low first, top bit = more. At
 * most nine bytes, and no superfluous trailing zero group.
 */
static int get_vli(struct xz_dec *d, size_t end, u64 *v)
{
    *v = 0;
    for (unsigned i = 0; i < XZ_VLI_MAX_BYTES; i++) {
        u8 b;

        if (d->ip >= end)
            return TRUNCATED();
        b = d->in[d->ip++];
        *v |= (u64)(b & 0x7f) << (7 * i);
        if (!(b & 0x80))
            return b || !i ? XZ_OK : fail(XZ_EINVAL, "non-minimal integer");
    }
    return fail(XZ_EINVAL, "integer longer than nine bytes");
}

/* ---------------------------------------------------------- range decoder */

static inline __attribute__((always_inline)) void rc_norm(struct rc *rc)
{
    if (rc->range < RC_TOP) {
        rc->range <<= 8;
        rc->code <<= 8;
        if (rc->ip < rc->end)
            rc->code |= *rc->ip++;
        else
            rc->overrun = true;
    }
}

static inline __attribute__((always_inline)) unsigned rc_bit(struct rc *rc,
                                                             u16 *prob)
{
    u32 bound;

    rc_norm(rc);
    bound = (rc->range >> LZMA_PROB_BITS) * *prob;
    if (rc->code < bound) {
        rc->range = bound;
        *prob += ((1u << LZMA_PROB_BITS) - *prob) >> LZMA_MOVE_BITS;
        return 0;
    }
    rc->range -= bound;
    rc->code -= bound;
    *prob -= *prob >> LZMA_MOVE_BITS;
    return 1;
}

/* A bits-deep binary tree, most significant bit first; probs[1..]. */
static inline __attribute__((always_inline)) unsigned
rc_tree(struct rc *rc, u16 *probs, unsigned bits)
{
    unsigned sym = 1;

    do
        sym = (sym << 1) | rc_bit(rc, &probs[sym]);
    while (sym < (1u << bits));
    return sym - (1u << bits);
}

/* The same tree with the value's bits taken least significant first. */
static inline unsigned rc_rtree(struct rc *rc, u16 *probs, unsigned bits)
{
    unsigned sym = 1, val = 0;

    for (unsigned i = 0; i < bits; i++) {
        unsigned b = rc_bit(rc, &probs[sym]);

        sym = (sym << 1) | b;
        val |= b << i;
    }
    return val;
}

/* Bits of probability one half, no model. */
static inline u32 rc_direct(struct rc *rc, unsigned bits)
{
    u32 val = 0;

    while (bits--) {
        u32 bit;

        rc_norm(rc);
        rc->range >>= 1;
        bit = rc->code >= rc->range;
        if (bit)
            rc->code -= rc->range;
        val = (val << 1) | bit;
    }
    return val;
}

static unsigned rc_len(struct rc *rc, struct lzma_len *l, unsigned ps)
{
    if (!rc_bit(rc, &l->choice))
        return LZMA_MATCH_MIN + rc_tree(rc, l->low[ps], 3);
    if (!rc_bit(rc, &l->choice2))
        return LZMA_MATCH_MIN + 8 + rc_tree(rc, l->mid[ps], 3);
    return LZMA_MATCH_MIN + 16 + rc_tree(rc, l->high, 8);
}

/* ------------------------------------------------------------------- LZMA */

static void lzma_reset_state(struct xz_dec *d)
{
    u16 *p = (u16 *)&d->p;

    for (size_t i = 0; i < sizeof(d->p) / sizeof(u16); i++)
        p[i] = LZMA_PROB_INIT;
    d->state = 0;
    d->rep[0] = d->rep[1] = d->rep[2] = d->rep[3] = 0;
}

/* Distance (minus one) of a new match of length len. */
static u32 lzma_dist(struct xz_dec *d, struct rc *rc, unsigned len)
{
    unsigned ls = len - LZMA_MATCH_MIN < LZMA_LEN_STATES - 1
                      ? len - LZMA_MATCH_MIN
                      : LZMA_LEN_STATES - 1;
    unsigned slot = rc_tree(rc, d->p.dist_slot[ls], 6);
    unsigned nbits;
    u32 dist;

    if (slot < 4)
        return slot;
    nbits = (slot >> 1) - 1;
    dist = (2 | (slot & 1)) << nbits;
    if (slot < 14)
        return dist + rc_rtree(rc, d->p.dist_special + dist - slot, nbits);
    dist += rc_direct(rc, nbits - 4) << 4;
    return dist + rc_rtree(rc, d->p.dist_align, 4);
}

/*
 * Decode one LZMA chunk's symbols until out reaches end. A match must not
 * reach before the last dictionary reset, farther than the dictionary size,
 * or past the chunk's end (LZMA2 never splits one across chunks).
 */
static int lzma_chunk(struct xz_dec *d, struct rc *rc, size_t end)
{
    u8 *out = d->out;
    size_t pos = d->pos, ds = d->dict_start;
    unsigned state = d->state, lc = d->lc;
    u32 pb_mask = (1u << d->pb) - 1, lp_mask = (1u << d->lp) - 1;
    u32 rep0 = d->rep[0], rep1 = d->rep[1], rep2 = d->rep[2], rep3 = d->rep[3];
    int rc_err = XZ_OK;

    while (pos < end && !rc->overrun) {
        unsigned ps = (unsigned)(pos - ds) & pb_mask;
        size_t len;

        if (!rc_bit(rc, &d->p.is_match[state][ps])) {
            unsigned prev = pos > ds ? out[pos - 1] : 0;
            u16 *probs =
                d->p.literal +
                LZMA_LIT_SIZE * (((((unsigned)(pos - ds)) & lp_mask) << lc) +
                                 (prev >> (8 - lc)));
            unsigned sym = 1;

            if (state >= LZMA_LIT_STATES) {
                /*
                 * After a match: predict from the byte at rep0. Such a
                 * state is only reached by a match that passed the
                 * distance check below since the last state reset (which
                 * every dictionary reset forces), so the byte exists.
                 */
                unsigned mb = out[pos - rep0 - 1];

                do {
                    unsigned mbit = (mb >> 7) & 1, bit;

                    mb <<= 1;
                    bit = rc_bit(rc, &probs[((1 + mbit) << 8) + sym]);
                    sym = (sym << 1) | bit;
                    if (mbit != bit)
                        break;
                } while (sym < 0x100);
            }
            while (sym < 0x100)
                sym = (sym << 1) | rc_bit(rc, &probs[sym]);
            out[pos++] = (u8)sym;
            state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
            continue;
        }
        if (!rc_bit(rc, &d->p.is_rep[state])) {
            len = rc_len(rc, &d->p.match_len, ps);
            rep3 = rep2;
            rep2 = rep1;
            rep1 = rep0;
            rep0 = lzma_dist(d, rc, (unsigned)len);
            state = state < LZMA_LIT_STATES ? 7 : 10;
        } else if (!rc_bit(rc, &d->p.is_rep0[state])) {
            if (!rc_bit(rc, &d->p.is_rep0_long[state][ps])) {
                /* Short rep: one byte from rep0. */
                state = state < LZMA_LIT_STATES ? 9 : 11;
                len = 1;
                goto copy;
            }
            len = rc_len(rc, &d->p.rep_len, ps);
            state = state < LZMA_LIT_STATES ? 8 : 11;
        } else {
            u32 dist;

            if (!rc_bit(rc, &d->p.is_rep1[state])) {
                dist = rep1;
            } else {
                if (!rc_bit(rc, &d->p.is_rep2[state])) {
                    dist = rep2;
                } else {
                    dist = rep3;
                    rep3 = rep2;
                }
                rep2 = rep1;
            }
            rep1 = rep0;
            rep0 = dist;
            len = rc_len(rc, &d->p.rep_len, ps);
            state = state < LZMA_LIT_STATES ? 8 : 11;
        }
    copy:
        /* rep0 = 0xffffffff (the end marker) fails here too. */
        if (rep0 >= pos - ds || rep0 >= d->dict_size) {
            rc_err = fail(XZ_EINVAL, "LZMA match distance beyond dictionary");
            break;
        }
        if (len > end - pos) {
            rc_err = fail(XZ_EINVAL, "LZMA match runs past its chunk");
            break;
        }
        {
            const u8 *src = out + pos - rep0 - 1;
            u8 *dst = out + pos;

            pos += len;
            /* Overlapping copies repeat the last rep0 + 1 bytes: bytewise. */
            while (len--)
                *dst++ = *src++;
        }
    }
    d->pos = pos;
    d->state = state;
    d->rep[0] = rep0, d->rep[1] = rep1, d->rep[2] = rep2, d->rep[3] = rep3;
    return rc_err;
}

/* ------------------------------------------------------------------ LZMA2 */

static int lzma2_props(struct xz_dec *d, u8 b)
{
    /* props = (pb * 5 + lp) * 9 + lc */
    if (b >= 9 * 5 * 5)
        return fail(XZ_EINVAL, "LZMA2 chunk properties out of range");
    d->lc = b % 9;
    b /= 9;
    d->lp = b % 5;
    d->pb = b / 5;
    if (d->lc + d->lp > LZMA_LCLP_MAX)
        return fail(XZ_EINVAL, "LZMA2 chunk properties: lc + lp > 4");
    return XZ_OK;
}

/* Decode LZMA2 chunks from d->ip until the end-of-data control byte. */
static int lzma2_decode(struct xz_dec *d)
{
    bool need_dict_reset = true, need_props = true;

    for (;;) {
        size_t usize, csize;
        u8 c;
        int rc;

        if (!avail(d))
            return TRUNCATED();
        c = d->in[d->ip++];
        if (!c)
            return XZ_OK;
        if (c >= 0xe0 || c == 1) {
            /* A dictionary reset; the next LZMA chunk must set props. */
            need_props = true;
            need_dict_reset = false;
            d->dict_start = d->pos;
        } else if (need_dict_reset) {
            return fail(XZ_EINVAL, "LZMA2 data does not begin with a "
                                   "dictionary reset");
        }
        if (c < 0x80) {
            if (c > 2)
                return fail(XZ_EINVAL, "reserved LZMA2 control byte");
            if (avail(d) < 2)
                return TRUNCATED();
            usize = ((size_t)d->in[d->ip] << 8 | d->in[d->ip + 1]) + 1;
            d->ip += 2;
            if (usize > d->out_cap - d->pos)
                return fail(XZ_E2BIG, "output buffer too small");
            if (usize > avail(d))
                return TRUNCATED();
            memcpy(d->out + d->pos, d->in + d->ip, usize);
            d->pos += usize;
            d->ip += usize;
            continue;
        }
        if (avail(d) < 4)
            return TRUNCATED();
        usize = ((size_t)(c & 0x1f) << 16 | (size_t)d->in[d->ip] << 8 |
                 d->in[d->ip + 1]) +
                1;
        csize = ((size_t)d->in[d->ip + 2] << 8 | d->in[d->ip + 3]) + 1;
        d->ip += 4;
        if (c >= 0xc0) {
            if (!avail(d))
                return TRUNCATED();
            rc = lzma2_props(d, d->in[d->ip++]);
            if (rc)
                return rc;
            need_props = false;
        } else if (need_props) {
            return fail(XZ_EINVAL, "LZMA2 chunk without properties");
        }
        if (c >= 0xa0)
            lzma_reset_state(d);
        if (usize > d->out_cap - d->pos)
            return fail(XZ_E2BIG, "output buffer too small");
        if (csize > avail(d))
            return TRUNCATED();
        /* The range coder starts with a zero byte and a 32-bit code. */
        if (csize < 5 || d->in[d->ip])
            return fail(XZ_EINVAL, "bad LZMA range coder start");
        {
            size_t cend = d->pos + usize;
            struct rc r = {
                .range = 0xffffffff,
                .code = get_le32(d->in + d->ip + 1),
                .ip = d->in + d->ip + 5,
                .end = d->in + d->ip + csize,
            };

            r.code = __builtin_bswap32(r.code); /* big-endian */
            rc = lzma_chunk(d, &r, cend);
            if (rc)
                return rc;
            /* Leave the coder normalised, as the encoder flushed it. */
            rc_norm(&r);
            if (r.overrun || d->pos != cend || r.ip != r.end || r.code)
                return fail(XZ_EINVAL, "LZMA chunk does not end where its "
                                       "header says");
        }
        d->ip += csize;
    }
}

/* -------------------------------------------------------------- x86 BCJ */

static bool bcj_ms_byte(u8 b)
{
    return b == 0 || b == 0xff;
}

/*
 * Undo the x86 branch converter over one block's output: E8 (call) and E9
 * (jmp) rel32 operands that the encoder made absolute (position + 5 +
 * operand) are turned back into relative ones. Only operands whose top byte
 * is 00 or ff are converted, and a mask of the E8/E9 bytes seen in the
 * previous three positions decides whether this candidate was really an
 * opcode; the rules are the filter's definition (the encoder applies the
 * same ones). The last four bytes can hold no whole operand and stay.
 */
static void bcj_x86(u8 *buf, size_t size, u32 start)
{
    static const bool allowed[8] = { 1, 1, 1, 0, 1, 0, 0, 0 };
    static const u8 bitnum[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };
    size_t prev = (size_t)-1; /* so the first gap is > 0 */
    u32 mask = 0;

    for (size_t i = 0; size >= 5 && i <= size - 5; i++) {
        size_t gap;

        if ((buf[i] & 0xfe) != 0xe8)
            continue;
        gap = i - prev;
        prev = i;
        if (gap > 3) {
            mask = 0;
        } else {
            mask = (mask << (gap - 1)) & 7;
            if (mask &&
                (!allowed[mask] || bcj_ms_byte(buf[i + 4 - bitnum[mask]]))) {
                mask = (mask << 1) | 1;
                continue;
            }
        }
        if (!bcj_ms_byte(buf[i + 4])) {
            mask = (mask << 1) | 1;
            continue;
        }
        {
            u32 src = get_le32(buf + i + 1), dst;

            for (;;) {
                unsigned sh;

                dst = src - (start + (u32)i + 5);
                if (!mask)
                    break;
                sh = bitnum[mask] * 8;
                if (!bcj_ms_byte((u8)(dst >> (24 - sh))))
                    break;
                src = dst ^ ((1u << (32 - sh)) - 1);
            }
            /* Sign-extend from bit 24: the top byte is 00 or ff again. */
            dst &= 0x01ffffff;
            dst |= 0 - (dst & 0x01000000);
            buf[i + 1] = (u8)dst;
            buf[i + 2] = (u8)(dst >> 8);
            buf[i + 3] = (u8)(dst >> 16);
            buf[i + 4] = (u8)(dst >> 24);
            i += 4;
        }
    }
}

/* ------------------------------------------------------------- container */

static size_t check_size(unsigned check)
{
    /* Sizes of check IDs 0..15 (2.1.1.2): known even when unsupported. */
    static const u8 sizes[16] = { 0,  4,  4,  4,  8,  8,  8,  16,
                                  16, 16, 32, 32, 32, 64, 64, 64 };

    return sizes[check & 15];
}

/* Fold one block's (unpadded, uncompressed) size pair into a digest. */
static u32 record_hash(u32 h, u64 unpadded, u64 usize)
{
    u8 rec[16];

    for (unsigned i = 0; i < 8; i++) {
        rec[i] = (u8)(unpadded >> (8 * i));
        rec[8 + i] = (u8)(usize >> (8 * i));
    }
    return crc32_update(h, rec, sizeof(rec));
}

struct filters {
    bool x86;
    u32 x86_start;
};

/* Block header (3.1), from its size byte; leaves d->ip after it. */
static int block_header(struct xz_dec *d, size_t *hsize, u64 *csize, u64 *usize,
                        struct filters *f)
{
    size_t start = d->ip, end;
    unsigned flags, nfilters;
    u64 dict = 0;
    int rc;

    *hsize = ((size_t)d->in[start] + 1) * 4;
    if (*hsize > avail(d))
        return TRUNCATED();
    end = start + *hsize - 4;
    if (crc32_update(0, d->in + start, *hsize - 4) != get_le32(d->in + end))
        return fail(XZ_EINVAL, "block header CRC32 mismatch");
    flags = d->in[start + 1];
    d->ip = start + 2;
    if (flags & 0x3c)
        return fail(XZ_ENOEXEC, "reserved block header flags set");
    nfilters = (flags & 3) + 1;
    *csize = *usize = (u64)-1;
    if (flags & 0x40) {
        rc = get_vli(d, end, csize);
        if (rc)
            return rc;
        if (!*csize)
            return fail(XZ_EINVAL, "block header: zero compressed size");
    }
    if (flags & 0x80) {
        rc = get_vli(d, end, usize);
        if (rc)
            return rc;
    }
    memset(f, 0, sizeof(*f));
    for (unsigned i = 0; i < nfilters; i++) {
        bool last = i == nfilters - 1;
        u64 id, psize;

        rc = get_vli(d, end, &id);
        if (!rc)
            rc = get_vli(d, end, &psize);
        if (rc)
            return rc;
        if (psize > end - d->ip)
            return TRUNCATED();
        if (id == XZ_FILTER_LZMA2 && last) {
            if (psize != 1)
                return fail(XZ_ENOEXEC, "LZMA2 filter properties not one "
                                        "byte");
            dict = d->in[d->ip];
        } else if (id == XZ_FILTER_X86 && !last && !f->x86) {
            if (psize == 4)
                f->x86_start = get_le32(d->in + d->ip);
            else if (psize)
                return fail(XZ_ENOEXEC, "x86 BCJ filter properties not 0 or "
                                        "4 bytes");
            f->x86 = true;
        } else {
            return fail(XZ_ENOEXEC, "unsupported filter chain (only LZMA2, "
                                    "optionally after x86 BCJ)");
        }
        d->ip += (size_t)psize;
    }
    /* Dictionary size byte: 40 means 4 GiB - 1, beyond that is reserved. */
    if (dict > 40)
        return fail(XZ_ENOEXEC, "unsupported LZMA2 dictionary size");
    d->dict_size =
        dict == 40 ? 0xffffffffu : (u32)(2 | (dict & 1)) << (dict / 2 + 11);
    while (d->ip < end)
        if (d->in[d->ip++])
            return fail(XZ_ENOEXEC, "block header padding not zero");
    d->ip = end + 4;
    return XZ_OK;
}

static int block(struct xz_dec *d, unsigned check)
{
    size_t hsize, bstart = d->pos, cstart, comp, out;
    u64 csize, usize;
    struct filters f;
    size_t csz = check_size(check);
    int rc = block_header(d, &hsize, &csize, &usize, &f);

    if (rc)
        return rc;
    if (usize != (u64)-1 && usize > d->out_cap - d->pos)
        return fail(XZ_E2BIG, "output buffer too small");
    cstart = d->ip;
    rc = lzma2_decode(d);
    if (rc)
        return rc;
    comp = d->ip - cstart;
    out = d->pos - bstart;
    if ((csize != (u64)-1 && csize != comp) ||
        (usize != (u64)-1 && usize != out))
        return fail(XZ_EINVAL, "block sizes differ from its header");
    /* Block padding: to a multiple of four, zeros. */
    while ((hsize + d->ip - cstart) & 3) {
        if (!avail(d))
            return TRUNCATED();
        if (d->in[d->ip++])
            return fail(XZ_EINVAL, "block padding not zero");
    }
    if (f.x86)
        bcj_x86(d->out + bstart, out, f.x86_start);
    if (csz > avail(d))
        return TRUNCATED();
    if (check == XZ_CHECK_CRC32 &&
        crc32_update(0, d->out + bstart, out) != get_le32(d->in + d->ip))
        return fail(XZ_EINVAL, "block CRC32 mismatch");
    if (check == XZ_CHECK_CRC64 &&
        crc64_update(0, d->out + bstart, out) != get_le64(d->in + d->ip))
        return fail(XZ_EINVAL, "block CRC64 mismatch");
    d->ip += csz;
    d->nblocks++;
    d->block_hash = record_hash(d->block_hash, hsize + comp + csz, out);
    return XZ_OK;
}

/* Index (4): must list exactly the blocks just decoded. Returns its size. */
static int stream_index(struct xz_dec *d, size_t *isize)
{
    size_t start = d->ip;
    u64 count;
    u32 hash = 0;
    int rc;

    d->ip++; /* the index indicator, 0 */
    rc = get_vli(d, d->in_len, &count);
    if (rc)
        return rc;
    if (count != d->nblocks)
        return fail(XZ_EINVAL, "index block count differs from the stream");
    /* Bounded: count is the number of blocks actually decoded. */
    for (u64 i = 0; i < count; i++) {
        u64 unpadded, usize;

        rc = get_vli(d, d->in_len, &unpadded);
        if (!rc)
            rc = get_vli(d, d->in_len, &usize);
        if (rc)
            return rc;
        hash = record_hash(hash, unpadded, usize);
    }
    if (hash != d->block_hash)
        return fail(XZ_EINVAL, "index records differ from the blocks");
    while ((d->ip - start) & 3) {
        if (!avail(d))
            return TRUNCATED();
        if (d->in[d->ip++])
            return fail(XZ_EINVAL, "index padding not zero");
    }
    if (avail(d) < 4)
        return TRUNCATED();
    if (crc32_update(0, d->in + start, d->ip - start) !=
        get_le32(d->in + d->ip))
        return fail(XZ_EINVAL, "index CRC32 mismatch");
    d->ip += 4;
    *isize = d->ip - start;
    return XZ_OK;
}

static int stream(struct xz_dec *d, bool first)
{
    const u8 *h = d->in + d->ip, *ft;
    unsigned check;
    size_t isize;
    int rc;

    if (avail(d) < sizeof(xz_magic) || memcmp(h, xz_magic, sizeof(xz_magic))) {
        if (first)
            return fail(XZ_ENOEXEC, "not an xz stream");
        return fail(XZ_EINVAL, "garbage after the xz stream");
    }
    if (avail(d) < XZ_HEADER_SIZE)
        return TRUNCATED();
    if (crc32_update(0, h + 6, 2) != get_le32(h + 8))
        return fail(XZ_EINVAL, "stream header CRC32 mismatch");
    if (h[6] || h[7] & 0xf0)
        return fail(XZ_ENOEXEC, "reserved stream flags set");
    check = h[7];
    if (check == XZ_CHECK_SHA256)
        return fail(XZ_ENOEXEC, "SHA-256 check not supported");
    if (check != XZ_CHECK_NONE && check != XZ_CHECK_CRC32 &&
        check != XZ_CHECK_CRC64)
        return fail(XZ_ENOEXEC, "unsupported check type");
    d->ip += XZ_HEADER_SIZE;
    d->nblocks = 0;
    d->block_hash = 0;
    /* Blocks until the index indicator; each consumes input. */
    for (;;) {
        if (!avail(d))
            return TRUNCATED();
        if (!d->in[d->ip])
            break;
        rc = block(d, check);
        if (rc)
            return rc;
    }
    rc = stream_index(d, &isize);
    if (rc)
        return rc;
    if (avail(d) < XZ_FOOTER_SIZE)
        return TRUNCATED();
    ft = d->in + d->ip;
    if (crc32_update(0, ft + 4, 6) != get_le32(ft))
        return fail(XZ_EINVAL, "stream footer CRC32 mismatch");
    if (memcmp(ft + 10, "YZ", 2))
        return fail(XZ_EINVAL, "bad stream footer magic");
    if (((size_t)get_le32(ft + 4) + 1) * 4 != isize)
        return fail(XZ_EINVAL, "stream footer backward size wrong");
    if (ft[8] != h[6] || ft[9] != h[7])
        return fail(XZ_EINVAL, "stream footer flags differ from header");
    d->ip += XZ_FOOTER_SIZE;
    return XZ_OK;
}

int unxz(const void *in, size_t in_len, void *out, size_t out_cap,
         size_t *out_len)
{
    struct xz_dec *d = &xz_state;
    int rc = XZ_OK;

    *out_len = 0;
    if (xz_busy)
        return fail(XZ_EBUSY, "decoder already in use");
    xz_busy = true;
    xz_why = NULL;
    d->in = in;
    d->in_len = in_len;
    d->ip = 0;
    d->out = out;
    d->out_cap = out_cap;
    d->pos = 0;
    for (bool first = true; !rc; first = false) {
        size_t pad = 0;

        rc = stream(d, first);
        if (rc)
            break;
        /* Stream padding: zeros, a multiple of four, then maybe a stream. */
        while (avail(d) && !d->in[d->ip]) {
            d->ip++;
            pad++;
        }
        if (pad & 3)
            rc = fail(XZ_EINVAL, "stream padding not a multiple of four");
        else if (!avail(d))
            break;
    }
    if (!rc)
        *out_len = d->pos;
    xz_busy = false;
    return rc;
}
