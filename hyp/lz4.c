/* SPDX-License-Identifier: GPL-2.0-only */
/* LZ4 legacy-frame decoder, written from the LZ4 block format description. */
#include "types.h"
#include "lib.h"
#include "lz4.h"

/*
 * Block format, as the LZ4 documentation describes it: a block is a run of
 * sequences.  A sequence starts with a token byte; its high nibble is the
 * literal count, its low nibble the match length minus 4 (the minimum
 * match).  A nibble of 15 is continued by extra bytes, each added to it,
 * until one is not 255.  Then come the literals, then a 2-byte
 * little-endian offset back into the output (0 is invalid), then the match
 * length's extra bytes.  The last sequence has literals only and ends the
 * block.  Its end conditions: the last 5 bytes are literals and the last
 * match starts at least 12 bytes before the end; every LZ4 compressor
 * keeps to them, so a block that breaks them is corrupt.
 */
#define MIN_MATCH 4
#define LAST_LITERALS 5
#define MATCH_END_LIMIT 12
#define BLOCK_BOUND LZ4_COMPRESS_BOUND(LZ4_LEGACY_BLOCK_MAX)

/* Why the last unlz4_legacy call failed; the builder prints it. */
static const char *fail_why;

static int fail(int rc, const char *why)
{
    fail_why = why;
    return rc;
}

const char *unlz4_reason(void)
{
    return fail_why;
}

static u32 get_le32(const u8 *p)
{
    return p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
}

/*
 * Copy n bytes forward, eight at a time while eight remain.  dst may lie
 * after src in the same buffer as long as they are 8 or more bytes apart:
 * each word is then read before any byte of it is written.  Words, not
 * rep movsb, because under an emulator (QEMU's TCG) string instructions
 * run byte by byte and cost several times as much.
 */
static void copy_fwd(u8 *dst, const u8 *src, size_t n)
{
    while (n >= 8) {
        u64 w;

        __builtin_memcpy(&w, src, 8);
        __builtin_memcpy(dst, &w, 8);
        dst += 8;
        src += 8;
        n -= 8;
    }
    while (n--)
        *dst++ = *src++;
}

/*
 * A match of n bytes from off bytes back.  When off < 8 the source runs
 * into the bytes being written (a repeating pattern): copy it in chunks
 * from the match's fixed start, each chunk as long as everything written
 * since, so each chunk's source lies wholly before its target and the
 * chunks double.  Once the distance is 8 or more, one forward copy does.
 */
static void copy_match(u8 *dst, size_t off, size_t n)
{
    const u8 *src = dst - off;

    while (n && (size_t)(dst - src) < 8) {
        size_t chunk = (size_t)(dst - src);

        if (chunk > n)
            chunk = n;
        copy_fwd(dst, src, chunk);
        dst += chunk;
        n -= chunk;
    }
    copy_fwd(dst, src, n);
}

/*
 * Add a length's continuation bytes to *len.  Each byte read moves *ip on,
 * so the loop ends by the input's end at the latest; a total above limit
 * is refused before it can grow further.
 */
static int read_ext_len(const u8 **ip, const u8 *end, size_t *len, size_t limit)
{
    u8 b;

    do {
        if (*ip >= end)
            return fail(LZ4_EINVAL, "a length runs past the block");
        b = *(*ip)++;
        *len += b;
        if (*len > limit)
            return fail(LZ4_EINVAL, "a length beyond the block's bounds");
    } while (b == 255);
    return LZ4_OK;
}

/*
 * Room for n more bytes at block offset op: a block never exceeds
 * LZ4_LEGACY_BLOCK_MAX (corrupt otherwise), and the caller's buffer has
 * room more bytes from the block's start.  op never exceeds either bound.
 */
static int check_room(size_t op, size_t n, size_t room)
{
    if (n > LZ4_LEGACY_BLOCK_MAX - op)
        return fail(LZ4_EINVAL, "a block decodes to more than 8 MiB");
    if (n > room - op)
        return fail(LZ4_E2BIG, "output larger than its buffer");
    return LZ4_OK;
}

/*
 * Decode the block [ip, end) to out, which has room bytes.  The block is
 * independent: offsets reach back within its own output only.  Each turn
 * of the loop consumes at least the token byte.
 */
static int decode_block(const u8 *ip, const u8 *end, u8 *out, size_t room,
                        size_t *produced)
{
    size_t op = 0, last_match = 0, last_end = 0;
    bool matched = false;
    int rc;

    for (;;) {
        size_t lit, len, off;
        u8 token;

        /* The last sequence ends on literals; a match cannot end a block. */
        if (ip >= end)
            return fail(LZ4_EINVAL, "a block ends on a match");
        token = *ip++;
        lit = token >> 4;
        if (lit == 15) {
            rc = read_ext_len(&ip, end, &lit, (size_t)(end - ip));
            if (rc)
                return rc;
        }
        if (lit > (size_t)(end - ip))
            return fail(LZ4_EINVAL, "literals run past the block");
        rc = check_room(op, lit, room);
        if (rc)
            return rc;
        copy_fwd(out + op, ip, lit);
        ip += lit;
        op += lit;
        if (ip == end)
            break;

        if (end - ip < 2)
            return fail(LZ4_EINVAL,
                        "a match offset cut off by the block's end");
        off = ip[0] | ((size_t)ip[1] << 8);
        ip += 2;
        if (off == 0)
            return fail(LZ4_EINVAL, "match offset 0");
        if (off > op)
            return fail(LZ4_EINVAL, "a match offset before the block's start");
        len = token & 15;
        if (len == 15) {
            rc = read_ext_len(&ip, end, &len, LZ4_LEGACY_BLOCK_MAX);
            if (rc)
                return rc;
        }
        len += MIN_MATCH;
        rc = check_room(op, len, room);
        if (rc)
            return rc;
        copy_match(out + op, off, len);
        last_match = op;
        matched = true;
        op += len;
        last_end = op;
    }
    /* The end conditions, once the block's length is known. */
    if (matched &&
        (op - last_match < MATCH_END_LIMIT || op - last_end < LAST_LITERALS))
        return fail(LZ4_EINVAL, "a block's end breaks the format's end rules");
    *produced = op;
    return LZ4_OK;
}

int unlz4_legacy(const void *in, size_t in_len, void *out, size_t out_cap,
                 size_t *out_len)
{
    const u8 *p = in;
    u8 *o = out;
    size_t pos = 4, done = 0;

    *out_len = 0;
    fail_why = NULL;
    if (in_len < 4 || get_le32(p) != LZ4_LEGACY_MAGIC)
        return fail(LZ4_ENOEXEC, "no legacy lz4 magic");
    /* Each turn consumes at least the 4-byte size or magic. */
    while (pos < in_len) {
        size_t size, got = 0;
        int rc;

        if (in_len - pos < 4)
            return fail(LZ4_EINVAL, "a block size cut off");
        size = get_le32(p + pos);
        pos += 4;
        if (size == LZ4_LEGACY_MAGIC)
            continue; /* a concatenated frame: its output follows on */
        /* Anything else that is no block size is trailing garbage. */
        if (size == 0)
            return fail(LZ4_EINVAL, "block size 0");
        if (size > BLOCK_BOUND)
            return fail(LZ4_EINVAL, "data after the stream that is no block");
        if (size > in_len - pos)
            return fail(LZ4_EINVAL, "a block runs past the input");
        rc = decode_block(p + pos, p + pos + size, o + done, out_cap - done,
                          &got);
        if (rc)
            return rc;
        pos += size;
        done += got;
    }
    *out_len = done;
    return LZ4_OK;
}
