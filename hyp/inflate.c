/* SPDX-License-Identifier: GPL-2.0-only */
/* DEFLATE (RFC 1951) decoder and gzip (RFC 1952) wrapper into a flat buffer. */
#include "types.h"
#include "lib.h"
#include "inflate.h"

/*
 * Huffman decoding uses a two-level table of u16 entries.  The first level
 * is indexed by the next ROOT bits of input (deflate sends codes LSB first,
 * so the table is indexed by bit-reversed codes).  Codes longer than ROOT
 * bits go through a link entry to a second-level table sized for the
 * longest code sharing that prefix.
 *
 *   leaf: bit 15 = 0, bits 9..12 = bits consumed (0 = invalid), 0..8 = symbol
 *   link: bit 15 = 1, bits 11..14 = sub-table index bits, 0..10 = offset
 */
#define HT_LINK 0x8000u
#define HT_LEAF(sym, len) ((u16)(((len) << 9) | (sym)))
#define HT_LINKE(off, bits) ((u16)(HT_LINK | ((bits) << 11) | (off)))

#define LIT_ROOT 9
#define DIST_ROOT 6
#define CL_ROOT 7
/*
 * Worst-case table sizes (root plus all sub-tables) for any complete code
 * with these roots: 286 symbols/9 bits and 30 symbols/6 bits, max length 15.
 * These are the published bounds from zlib's "enough" analysis; the
 * builder still checks capacity so a wrong bound fails safe.
 */
#define LIT_TABLE 852
#define DIST_TABLE 592

#define MAX_BITS 15
#define NLIT_MAX 288
#define NDIST_MAX 32

struct inflate_state {
    const u8 *in, *ip, *end;
    u64 bb;      /* bit buffer, next bit in bit 0 */
    unsigned nb; /* valid bits in bb (may include zero padding) */
    size_t over; /* zero bytes fed in past the end of input */
    u8 *out;
    size_t op, cap;
    u16 lit[LIT_TABLE];
    u16 dist[DIST_TABLE];
    u8 lens[NLIT_MAX + NDIST_MAX];
};

/* Keep the decoder comfortably inside a 16 KiB hypervisor stack. */
BUILD_BUG_ON(sizeof(struct inflate_state) > 3584);

/*
 * Top the bit buffer up to at least 56 bits.  Past the end of input we feed
 * zero bytes and count them; consuming any of them means truncated input.
 */
static inline void refill(struct inflate_state *s)
{
    if (likely(s->end - s->ip >= 8)) {
        u64 w;

        /*
         * Whole-word load; bytes beyond the ones we count are ORed in again,
         * identically, on the next refill, so the overlap is harmless.
         */
        __builtin_memcpy(&w, s->ip, 8);
        s->bb |= w << s->nb;
        s->ip += (63 - s->nb) >> 3;
        s->nb |= 56;
        return;
    }
    while (s->nb <= 56) {
        u64 b = 0;

        if (s->ip < s->end)
            b = *s->ip++;
        else
            s->over++;
        s->bb |= b << s->nb;
        s->nb += 8;
    }
}

static inline bool overrun(const struct inflate_state *s)
{
    return unlikely(s->over) && s->nb < s->over * 8;
}

static inline u32 getbits(struct inflate_state *s, unsigned n)
{
    u32 v;

    if (s->nb < n)
        refill(s);
    v = (u32)(s->bb & ((1ull << n) - 1));
    s->bb >>= n;
    s->nb -= n;
    return v;
}

/*
 * Build a decoding table for code lengths lens[0..n).  Over-subscribed codes
 * are always rejected; incomplete codes only in the one case RFC 1951 needs
 * (a single distance code of one bit) and only when allow_incomplete.
 */
static int build_table(u16 *table, unsigned cap, unsigned root, const u8 *lens,
                       unsigned n, bool allow_incomplete)
{
    unsigned count[MAX_BITS + 1] = { 0 };
    unsigned remain[MAX_BITS + 1];
    unsigned len, sym, max = 0, next, code = 0;
    unsigned prefix = ~0u, sub_off = 0, sub_bits = 0;
    int left = 1;

    for (sym = 0; sym < n; sym++)
        count[lens[sym]]++;
    for (len = 1; len <= MAX_BITS; len++) {
        left <<= 1;
        left -= (int)count[len];
        if (left < 0)
            return INFLATE_EINVAL;
        if (count[len])
            max = len;
    }
    if (left > 0 && !(allow_incomplete && max <= 1))
        return INFLATE_EINVAL;

    /* Unused slots stay 0 (a leaf of length 0), which decodes as invalid. */
    memset(table, 0, (sizeof(*table) << root));
    next = 1u << root;
    memcpy(remain, count, sizeof(remain));

    /* Walk symbols in canonical order: by length, then by symbol value. */
    for (len = 1; len <= max; len++, code <<= 1) {
        for (sym = 0; sym < n; sym++) {
            unsigned rev = 0, c = code, i;

            if (lens[sym] != len)
                continue;
            for (i = 0; i < len; i++, c >>= 1)
                rev = (rev << 1) | (c & 1);
            code++;

            if (len <= root) {
                for (i = rev; i < (1u << root); i += 1u << len)
                    table[i] = HT_LEAF(sym, len);
                remain[len]--;
                continue;
            }

            if ((rev & ((1u << root) - 1)) != prefix) {
                /*
                 * First code with this root prefix: canonical order keeps
                 * the group contiguous, so size the sub-table by how many
                 * of the remaining codes it takes to fill it.
                 */
                int fill;

                prefix = rev & ((1u << root) - 1);
                sub_bits = len - root;
                fill = 1 << sub_bits;
                while (sub_bits + root < max) {
                    fill -= (int)remain[sub_bits + root];
                    if (fill <= 0)
                        break;
                    sub_bits++;
                    fill <<= 1;
                }
                if (next + (1u << sub_bits) > cap)
                    return INFLATE_EINVAL;
                sub_off = next;
                next += 1u << sub_bits;
                memset(&table[sub_off], 0, sizeof(*table) << sub_bits);
                table[prefix] = HT_LINKE(sub_off, sub_bits);
            }
            for (i = rev >> root; i < (1u << sub_bits); i += 1u << (len - root))
                table[sub_off + i] = HT_LEAF(sym, len - root);
            remain[len]--;
        }
    }
    return INFLATE_OK;
}

/* Needs at least MAX_BITS bits in the buffer; returns symbol or -1. */
static inline int decode(struct inflate_state *s, const u16 *table,
                         unsigned root)
{
    unsigned e = table[s->bb & ((1u << root) - 1)], l;

    if (e & HT_LINK) {
        s->bb >>= root;
        s->nb -= root;
        e = table[(e & 0x7ff) + (s->bb & ((1u << ((e >> 11) & 0xf)) - 1))];
    }
    l = (e >> 9) & 0xf;
    if (unlikely(l == 0))
        return -1;
    s->bb >>= l;
    s->nb -= l;
    return (int)(e & 0x1ff);
}

/* Decode literal/length + distance symbols until end-of-block. */
static int inflate_codes(struct inflate_state *s)
{
    u8 *out = s->out;
    size_t op = s->op, cap = s->cap;

    for (;;) {
        int sym;
        unsigned len, dist, extra, c;

        if (s->nb < 48) {
            /*
             * Catch reads past the end here too: zero padding may decode as
             * literals, which would otherwise run on until out_cap.
             */
            if (overrun(s))
                return INFLATE_EINVAL;
            refill(s);
        }
        sym = decode(s, s->lit, LIT_ROOT);
        if (unlikely(sym < 0))
            return INFLATE_EINVAL;
        if (sym < 256) {
            if (unlikely(op >= cap))
                return INFLATE_E2BIG;
            out[op++] = (u8)sym;
            continue;
        }
        if (sym == 256)
            break;
        c = (unsigned)sym - 257;
        if (unlikely(c > 28))
            return INFLATE_EINVAL;
        /* RFC 1951 3.2.5 length table in closed form. */
        if (c < 8) {
            len = c + 3;
        } else if (c == 28) {
            len = 258;
        } else {
            extra = (c >> 2) - 1;
            len = ((4 + (c & 3)) << extra) + 3;
            len += (unsigned)(s->bb & ((1u << extra) - 1));
            s->bb >>= extra;
            s->nb -= extra;
        }

        sym = decode(s, s->dist, DIST_ROOT);
        if (unlikely(sym < 0 || sym > 29))
            return INFLATE_EINVAL;
        c = (unsigned)sym;
        if (c < 4) {
            dist = c + 1;
        } else {
            extra = (c >> 1) - 1;
            dist = ((2 + (c & 1)) << extra) + 1;
            dist += (unsigned)(s->bb & ((1u << extra) - 1));
            s->bb >>= extra;
            s->nb -= extra;
        }
        if (overrun(s))
            return INFLATE_EINVAL;
        /* The output is flat, so the "window" is everything written so far. */
        if (unlikely(dist > op))
            return INFLATE_EINVAL;
        if (unlikely(len > cap - op))
            return INFLATE_E2BIG;
        if (dist >= len) {
            memcpy(out + op, out + op - dist, len);
            op += len;
        } else {
            /* Overlapping copy replicates a short pattern: go bytewise. */
            const u8 *from = out + op - dist;
            u8 *to = out + op;

            op += len;
            while (len--)
                *to++ = *from++;
        }
    }
    s->op = op;
    return overrun(s) ? INFLATE_EINVAL : INFLATE_OK;
}

/* Byte offset of the next unconsumed input byte (bit buffer rewound). */
static size_t byte_pos(const struct inflate_state *s)
{
    return (size_t)(s->ip - s->in) + s->over - (s->nb >> 3);
}

static int inflate_stored(struct inflate_state *s)
{
    size_t pos, avail;
    unsigned len, nlen;

    /* Drop to a byte boundary, then rewind the bit buffer into the input. */
    s->bb >>= s->nb & 7;
    s->nb &= ~7u;
    pos = byte_pos(s);
    avail = (size_t)(s->end - s->in);
    if (pos > avail || avail - pos < 4)
        return INFLATE_EINVAL;
    s->ip = s->in + pos;
    s->bb = 0;
    s->nb = 0;
    s->over = 0;

    len = s->ip[0] | ((unsigned)s->ip[1] << 8);
    nlen = s->ip[2] | ((unsigned)s->ip[3] << 8);
    s->ip += 4;
    if ((len ^ 0xffffu) != nlen)
        return INFLATE_EINVAL;
    if ((size_t)(s->end - s->ip) < len)
        return INFLATE_EINVAL;
    if (len > s->cap - s->op) {
        /* Fill what fits: a caller peeking at the start gets its bytes. */
        memcpy(s->out + s->op, s->ip, s->cap - s->op);
        s->op = s->cap;
        return INFLATE_E2BIG;
    }
    memcpy(s->out + s->op, s->ip, len);
    s->op += len;
    s->ip += len;
    return INFLATE_OK;
}

static int build_fixed(struct inflate_state *s)
{
    unsigned i;
    int rc;

    for (i = 0; i < 144; i++)
        s->lens[i] = 8;
    for (; i < 256; i++)
        s->lens[i] = 9;
    for (; i < 280; i++)
        s->lens[i] = 7;
    for (; i < 288; i++)
        s->lens[i] = 8;
    rc = build_table(s->lit, LIT_TABLE, LIT_ROOT, s->lens, 288, false);
    if (rc)
        return rc;
    /* 32 five-bit codes; 30 and 31 are rejected when decoded. */
    for (i = 0; i < 32; i++)
        s->lens[i] = 5;
    return build_table(s->dist, DIST_TABLE, DIST_ROOT, s->lens, 32, false);
}

static int build_dynamic(struct inflate_state *s)
{
    /* Order in which code-length code lengths are sent (RFC 1951 3.2.7). */
    static const u8 cl_order[19] = { 16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                     11, 4,  12, 3, 13, 2, 14, 1, 15 };
    unsigned hlit, hdist, hclen, i, n;
    int rc;

    hlit = getbits(s, 5) + 257;
    hdist = getbits(s, 5) + 1;
    hclen = getbits(s, 4) + 4;
    if (hlit > 286 || hdist > 30)
        return INFLATE_EINVAL;

    for (i = 0; i < 19; i++)
        s->lens[cl_order[i]] = i < hclen ? (u8)getbits(s, 3) : 0;
    if (overrun(s))
        return INFLATE_EINVAL;
    /* The code-length code borrows the distance table; it is rebuilt below. */
    rc = build_table(s->dist, DIST_TABLE, CL_ROOT, s->lens, 19, false);
    if (rc)
        return rc;

    for (n = 0; n < hlit + hdist;) {
        int sym;
        unsigned rep;
        u8 val = 0;

        if (s->nb < 16)
            refill(s);
        sym = decode(s, s->dist, CL_ROOT);
        if (sym < 0)
            return INFLATE_EINVAL;
        if (sym < 16) {
            s->lens[n++] = (u8)sym;
            continue;
        }
        if (sym == 16) {
            if (n == 0)
                return INFLATE_EINVAL;
            val = s->lens[n - 1];
            rep = 3 + getbits(s, 2);
        } else if (sym == 17) {
            rep = 3 + getbits(s, 3);
        } else {
            rep = 11 + getbits(s, 7);
        }
        if (rep > hlit + hdist - n)
            return INFLATE_EINVAL;
        while (rep--)
            s->lens[n++] = val;
    }
    if (overrun(s))
        return INFLATE_EINVAL;
    /* Without an end-of-block code the block could never finish. */
    if (s->lens[256] == 0)
        return INFLATE_EINVAL;

    rc = build_table(s->lit, LIT_TABLE, LIT_ROOT, s->lens, hlit, true);
    if (rc)
        return rc;
    return build_table(s->dist, DIST_TABLE, DIST_ROOT, s->lens + hlit, hdist,
                       true);
}

int inflate_raw(const void *in, size_t in_len, size_t *in_used, void *out,
                size_t out_cap, size_t *out_len)
{
    struct inflate_state s;
    unsigned final, type;
    size_t pos;
    int rc;

    *out_len = 0;
    if (in_used)
        *in_used = 0;
    s.in = s.ip = in;
    s.end = s.in + in_len;
    s.bb = 0;
    s.nb = 0;
    s.over = 0;
    s.out = out;
    s.op = 0;
    s.cap = out_cap;

    do {
        final = getbits(&s, 1);
        type = getbits(&s, 2);
        if (overrun(&s))
            return INFLATE_EINVAL;
        switch (type) {
        case 0:
            rc = inflate_stored(&s);
            break;
        case 1:
            rc = build_fixed(&s);
            if (!rc)
                rc = inflate_codes(&s);
            break;
        case 2:
            rc = build_dynamic(&s);
            if (!rc)
                rc = inflate_codes(&s);
            break;
        default:
            rc = INFLATE_EINVAL;
            break;
        }
        if (rc)
            return rc;
    } while (!final);

    /* Count the final partial byte as used. */
    pos = (size_t)(s.ip - s.in) + s.over - (s.nb >> 3);
    if (pos > in_len)
        return INFLATE_EINVAL;
    if (in_used)
        *in_used = pos;
    *out_len = s.op;
    return INFLATE_OK;
}

static u32 le32(const u8 *p)
{
    return p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
}

enum {
    GZ_FTEXT = 1 << 0,
    GZ_FHCRC = 1 << 1,
    GZ_FEXTRA = 1 << 2,
    GZ_FNAME = 1 << 3,
    GZ_FCOMMENT = 1 << 4,
    GZ_FRESERVED = 0xe0,
    GZ_HDR = 10,
    GZ_TRAILER = 8,
};

/* Skip a NUL-terminated header string; returns false if it runs off the end. */
static bool skip_cstr(const u8 *p, size_t len, size_t *pos)
{
    while (*pos < len) {
        if (p[(*pos)++] == 0)
            return true;
    }
    return false;
}

int gunzip(const void *in, size_t in_len, void *out, size_t out_cap,
           size_t *out_len)
{
    const u8 *p = in;
    size_t pos = GZ_HDR, used, n;
    u8 flg;
    int rc;

    *out_len = 0;
    if (in_len < GZ_HDR + GZ_TRAILER || p[0] != 0x1f || p[1] != 0x8b)
        return INFLATE_ENOEXEC;
    if (p[2] != 8)
        return INFLATE_ENOEXEC;
    flg = p[3];
    if (flg & GZ_FRESERVED)
        return INFLATE_EINVAL;

    if (flg & GZ_FEXTRA) {
        size_t xlen;

        if (in_len - pos < 2)
            return INFLATE_EINVAL;
        xlen = p[pos] | ((size_t)p[pos + 1] << 8);
        pos += 2;
        if (in_len - pos < xlen)
            return INFLATE_EINVAL;
        pos += xlen;
    }
    if ((flg & GZ_FNAME) && !skip_cstr(p, in_len, &pos))
        return INFLATE_EINVAL;
    if ((flg & GZ_FCOMMENT) && !skip_cstr(p, in_len, &pos))
        return INFLATE_EINVAL;
    if (flg & GZ_FHCRC) {
        if (in_len - pos < 2)
            return INFLATE_EINVAL;
        /* FHCRC is the low half of the CRC-32 of the header before it. */
        if ((crc32_update(0, p, pos) & 0xffff) !=
            (p[pos] | ((u32)p[pos + 1] << 8)))
            return INFLATE_EINVAL;
        pos += 2;
    }
    if (in_len - pos < GZ_TRAILER)
        return INFLATE_EINVAL;

    rc = inflate_raw(p + pos, in_len - pos - GZ_TRAILER, &used, out, out_cap,
                     &n);
    if (rc)
        return rc;
    pos += used;
    if (crc32_update(0, out, n) != le32(p + pos) || (u32)n != le32(p + pos + 4))
        return INFLATE_EINVAL;
    *out_len = n;
    return INFLATE_OK;
}

size_t gzip_isize(const void *in, size_t in_len)
{
    const u8 *p = in;

    if (in_len < GZ_HDR + GZ_TRAILER || p[0] != 0x1f || p[1] != 0x8b)
        return 0;
    return le32(p + in_len - 4);
}
