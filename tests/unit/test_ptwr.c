/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the page-table store decoder (hyp/arch/x86/pv/ptwr.c). */
#include "harness.h"
#include "types.h"
#include "asm/ptwr.h"

static struct ptwr_insn dec(const u8 *b, size_t n, int *rc)
{
    struct ptwr_insn in;

    *rc = ptwr_decode(b, n, &in);
    return in;
}

TEST(mov_store_64)
{
    /* mov %rsi,(%rdi) ; mov %r9,0x10(%rax,%rbx,8) */
    const u8 a[] = { 0x48, 0x89, 0x37 };
    const u8 b[] = { 0x4c, 0x89, 0x4c, 0xd8, 0x10 };
    int rc;
    struct ptwr_insn in = dec(a, sizeof(a), &rc);

    CHECK_EQ(rc, 0);
    CHECK_EQ(in.op, PTWR_MOV);
    CHECK_EQ(in.len, 3);
    CHECK_EQ(in.size, 8);
    CHECK_EQ(in.src_reg, 6);
    in = dec(b, sizeof(b), &rc);
    CHECK_EQ(rc, 0);
    CHECK_EQ(in.len, 5);
    CHECK_EQ(in.src_reg, 9);
}

TEST(displacement_forms)
{
    /* mov %rax,0x12345678(%rip) ; mov %rax,0x1000(%rbx) ; mov %eax,(%rsp) */
    const u8 rip[] = { 0x48, 0x89, 0x05, 0x78, 0x56, 0x34, 0x12 };
    const u8 d32[] = { 0x48, 0x89, 0x83, 0x00, 0x10, 0x00, 0x00 };
    const u8 sib[] = { 0x89, 0x04, 0x24 };
    int rc;

    CHECK_EQ(dec(rip, sizeof(rip), &rc).len, 7);
    CHECK_EQ(dec(d32, sizeof(d32), &rc).len, 7);
    struct ptwr_insn in = dec(sib, sizeof(sib), &rc);
    CHECK_EQ(rc, 0);
    CHECK_EQ(in.len, 3);
    CHECK_EQ(in.size, 4);
}

TEST(xchg_cmpxchg_and_or)
{
    const u8 xchg[] = { 0x48, 0x87, 0x07 }; /* xchg %rax,(%rdi) */
    const u8 cx[] = { 0xf0, 0x48, 0x0f, 0xb1,
                      0x0e };                     /* lock cmpxchg %rcx,(%rsi) */
    const u8 andb[] = { 0xf0, 0x80, 0x27, 0xfd }; /* lock andb $0xfd,(%rdi) */
    const u8 orq[] = { 0xf0, 0x48, 0x09, 0x07 };  /* lock or %rax,(%rdi) */
    int rc;
    struct ptwr_insn in = dec(xchg, sizeof(xchg), &rc);

    CHECK(rc == 0 && in.op == PTWR_XCHG && in.lock && in.size == 8);
    in = dec(cx, sizeof(cx), &rc);
    CHECK(rc == 0 && in.op == PTWR_CMPXCHG && in.lock && in.len == 5 &&
          in.src_reg == 1);
    in = dec(andb, sizeof(andb), &rc);
    CHECK(rc == 0 && in.op == PTWR_AND && in.size == 1 && in.len == 4 &&
          in.src_reg == -1);
    CHECK_EQ(in.imm, (u64)-3); /* sign-extended 0xfd */
    in = dec(orq, sizeof(orq), &rc);
    CHECK(rc == 0 && in.op == PTWR_OR && in.size == 8 && in.src_reg == 0);
}

TEST(segment_prefixes)
{
    /* ds andb $0xfd,(%rdi): Linux's lock prefix patched for one CPU */
    const u8 dsand[] = { 0x3e, 0x80, 0x27, 0xfd };
    /* ds lock or %rax,(%rdi) ; gs mov %rsi,(%rdi) */
    const u8 dslockor[] = { 0x3e, 0xf0, 0x48, 0x09, 0x07 };
    const u8 gsmov[] = { 0x65, 0x48, 0x89, 0x37 };
    int rc;
    struct ptwr_insn in = dec(dsand, sizeof(dsand), &rc);

    CHECK(rc == 0 && in.op == PTWR_AND && !in.lock && in.size == 1 &&
          in.len == 4);
    in = dec(dslockor, sizeof(dslockor), &rc);
    CHECK(rc == 0 && in.op == PTWR_OR && in.lock && in.size == 8 &&
          in.len == 5);
    in = dec(gsmov, sizeof(gsmov), &rc);
    CHECK(rc == 0 && in.op == PTWR_MOV && in.len == 4 && in.src_reg == 6);
}

TEST(immediates)
{
    const u8 movq0[] = { 0x48, 0xc7, 0x07, 0, 0, 0, 0 }; /* movq $0,(%rdi) */
    const u8 movneg[] = { 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff };
    const u8 and83[] = { 0x48, 0x83, 0x27, 0xfe }; /* andq $-2,(%rdi) */
    int rc;
    struct ptwr_insn in = dec(movq0, sizeof(movq0), &rc);

    CHECK(rc == 0 && in.op == PTWR_MOV && in.len == 7 && in.imm == 0);
    in = dec(movneg, sizeof(movneg), &rc);
    CHECK_EQ(in.imm, ~0ULL);
    in = dec(and83, sizeof(and83), &rc);
    CHECK(rc == 0 && in.op == PTWR_AND && in.imm == (u64)-2 && in.len == 4);
}

TEST(refuses_other_instructions)
{
    const u8 load[] = { 0x48, 0x8b, 0x07 };     /* mov (%rdi),%rax */
    const u8 regdst[] = { 0x48, 0x89, 0xc7 };   /* mov %rax,%rdi */
    const u8 add[] = { 0x48, 0x01, 0x07 };      /* add %rax,(%rdi) */
    const u8 sub83[] = { 0x48, 0x83, 0x2f, 1 }; /* subq $1,(%rdi) */
    const u8 trunc[] = { 0x48, 0x89, 0x83, 0x00 };
    int rc;

    dec(load, sizeof(load), &rc);
    CHECK_EQ(rc, -1);
    dec(regdst, sizeof(regdst), &rc);
    CHECK_EQ(rc, -1);
    dec(add, sizeof(add), &rc);
    CHECK_EQ(rc, -1);
    dec(sub83, sizeof(sub83), &rc);
    CHECK_EQ(rc, -1);
    dec(trunc, sizeof(trunc), &rc);
    CHECK_EQ(rc, -1);
}

TEST(compute_results)
{
    struct ptwr_insn in = { .op = PTWR_MOV, .size = 8, .src_reg = 0 };
    u64 n, o;
    bool zf;

    CHECK_EQ(ptwr_compute(&in, 0x1111, 0, 0x2067, 0, &n, &o, &zf), 0);
    CHECK_EQ(n, 0x2067);
    /* 4-byte store to the upper half keeps the lower half. */
    in.size = 4;
    CHECK_EQ(
        ptwr_compute(&in, 0x1234567800000067ULL, 4, 0x8000, 0, &n, &o, &zf), 0);
    CHECK_EQ(n, 0x0000800000000067ULL);
    /* Misaligned or straddling accesses are refused. */
    CHECK_EQ(ptwr_compute(&in, 0, 6, 0, 0, &n, &o, &zf), -1);
    in.op = PTWR_CMPXCHG;
    in.size = 8;
    CHECK_EQ(ptwr_compute(&in, 0x5067, 0, 0x6067, 0x5067, &n, &o, &zf), 0);
    CHECK(zf && n == 0x6067 && o == 0x5067);
    CHECK_EQ(ptwr_compute(&in, 0x5067, 0, 0x6067, 0x4067, &n, &o, &zf), 0);
    CHECK(!zf && n == 0x5067 && o == 0x5067);
    in.op = PTWR_AND;
    in.size = 1;
    in.src_reg = -1;
    in.imm = (u64)-3;
    CHECK_EQ(ptwr_compute(&in, 0x8000000000005067ULL, 0, 0, 0, &n, &o, &zf), 0);
    CHECK_EQ(n, 0x8000000000005065ULL); /* RW bit cleared, rest intact */
}
