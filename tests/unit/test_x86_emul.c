/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the HVM instruction emulator (hyp/arch/x86/hvm/x86_emul.c). */
#include "harness.h"
#include "types.h"
#include "../../hyp/arch/x86/hvm/x86_emul.h"

/*
 * The fake guest: RAM at linear 0..RAM_SIZE, a device page at linear
 * MMIO_LIN that the read/write callbacks report as guest-physical
 * MMIO_GPA (a different number, so the hand-over is visible), ports that
 * answer port_val; everything else is a #PF. Every access is logged.
 */
#define RAM_SIZE 0x20000
#define MMIO_LIN 0xfee00000ULL
#define MMIO_GPA 0xc0000000ULL
#define MMIO_SIZE 0x1000
#define LOG_MAX 64

struct acc {
    char kind; /* r/w RAM, R/W MMIO, I/O port in/out */
    u64 addr;
    unsigned int size;
    u64 val;
};

static struct {
    u8 ram[RAM_SIZE];
    u8 mmio[MMIO_SIZE];
    struct acc log[LOG_MAX];
    unsigned int nlog;
    u32 port_val;
    unsigned int retry_at; /* device access number that answers RETRY */
    unsigned int ndev;
    u64 ro_lo, ro_hi; /* RAM writes here fault (present, write) */
} F;

static struct x86_emul E;

static void log_acc(char kind, u64 addr, unsigned int size, u64 val)
{
    if (F.nlog < LOG_MAX)
        F.log[F.nlog] = (struct acc){ kind, addr, size, val };
    F.nlog++;
}

static u64 get_le(const u8 *p, unsigned int size)
{
    u64 v = 0;

    for (unsigned int i = 0; i < size; i++)
        v |= (u64)p[i] << (8 * i);
    return v;
}

static void put_le(u8 *p, unsigned int size, u64 v)
{
    for (unsigned int i = 0; i < size; i++)
        p[i] = (u8)(v >> (8 * i));
}

static int page_fault(struct x86_emul *e, u64 lin, bool write)
{
    e->event.cr2 = lin;
    return x86_emul_raise(e, 14, true, write ? 2 : 0);
}

static bool in_mmio(u64 lin, unsigned int size)
{
    return lin >= MMIO_LIN && lin + size <= MMIO_LIN + MMIO_SIZE;
}

static int fake_read(struct x86_emul *e, u64 lin, unsigned int size, u64 *val,
                     u64 *gpa)
{
    if (in_mmio(lin, size)) {
        *gpa = MMIO_GPA + (lin - MMIO_LIN);
        return X86_EMUL_MMIO;
    }
    if (lin >= RAM_SIZE || size > RAM_SIZE - lin)
        return page_fault(e, lin, false);
    *val = get_le(F.ram + lin, size);
    log_acc('r', lin, size, *val);
    return X86_EMUL_OK;
}

static int fake_write(struct x86_emul *e, u64 lin, unsigned int size, u64 val,
                      u64 *gpa)
{
    if (in_mmio(lin, size)) {
        *gpa = MMIO_GPA + (lin - MMIO_LIN);
        return X86_EMUL_MMIO;
    }
    if (lin >= RAM_SIZE || size > RAM_SIZE - lin)
        return page_fault(e, lin, true);
    if (lin < F.ro_hi && lin + size > F.ro_lo) {
        e->event.cr2 = lin;
        return x86_emul_raise(e, 14, true, 3);
    }
    put_le(F.ram + lin, size, val);
    log_acc('w', lin, size, val);
    return X86_EMUL_OK;
}

static bool device_retry(void)
{
    return ++F.ndev == F.retry_at;
}

static int fake_mmio_read(struct x86_emul *e, u64 gpa, unsigned int size,
                          u64 *val)
{
    if (device_retry())
        return X86_EMUL_RETRY;
    *val = get_le(F.mmio + (gpa - MMIO_GPA), size);
    log_acc('R', gpa, size, *val);
    return X86_EMUL_OK;
}

static int fake_mmio_write(struct x86_emul *e, u64 gpa, unsigned int size,
                           u64 val)
{
    if (device_retry())
        return X86_EMUL_RETRY;
    put_le(F.mmio + (gpa - MMIO_GPA), size, val);
    log_acc('W', gpa, size, val);
    return X86_EMUL_OK;
}

static int fake_io_read(struct x86_emul *e, u16 port, unsigned int size,
                        u32 *val)
{
    if (device_retry())
        return X86_EMUL_RETRY;
    /* More bits than asked for: the emulator must cut them. */
    *val = F.port_val;
    log_acc('I', port, size, F.port_val);
    F.port_val += 0x01010101;
    return X86_EMUL_OK;
}

static int fake_io_write(struct x86_emul *e, u16 port, unsigned int size,
                         u32 val)
{
    if (device_retry())
        return X86_EMUL_RETRY;
    log_acc('O', port, size, val);
    return X86_EMUL_OK;
}

static const struct x86_emul_ops fake_ops = {
    .read = fake_read,
    .write = fake_write,
    .mmio_read = fake_mmio_read,
    .mmio_write = fake_mmio_write,
    .io_read = fake_io_read,
    .io_write = fake_io_write,
};

#define RIP0 0x1000ULL

static void setup(enum x86_emul_mode mode)
{
    memset(&F, 0, sizeof(F));
    memset(&E, 0, sizeof(E));
    E.mode = mode;
    E.ops = &fake_ops;
    E.regs.rip = RIP0;
    E.regs.rflags = 0x2;
    F.port_val = 0x89abcdef;
}

/* Run from an exact-size heap copy, so ASan sees any read past n. */
static int run_bytes(const u8 *b, size_t n)
{
    u8 *copy = malloc(n ? n : 1);
    int rc;

    memcpy(copy, b, n);
    rc = x86_emulate(&E, copy, n);
    free(copy);
    return rc;
}

static struct x86_insn I;

static int dec_bytes(enum x86_emul_mode mode, const u8 *b, size_t n)
{
    u8 *copy = malloc(n ? n : 1);
    int rc;

    memcpy(copy, b, n);
    rc = x86_decode(copy, n, mode, &I);
    free(copy);
    return rc;
}

#define BYTES(...) \
    ((const u8[]){ __VA_ARGS__ }), sizeof((const u8[]){ __VA_ARGS__ })
#define RUN(...) run_bytes(BYTES(__VA_ARGS__))
#define DEC(mode, ...) dec_bytes(mode, BYTES(__VA_ARGS__))

#define R(r) E.regs.gpr[X86_##r]

#define ACC(i, k, a, s, v)                 \
    do {                                   \
        CHECK_EQ(F.log[i].kind, k);        \
        CHECK_EQ(F.log[i].addr, (u64)(a)); \
        CHECK_EQ(F.log[i].size, s);        \
        CHECK_EQ(F.log[i].val, (u64)(v));  \
    } while (0)

static u64 mmio_get(unsigned int off, unsigned int size)
{
    return get_le(F.mmio + off, size);
}

static void mmio_put(unsigned int off, unsigned int size, u64 v)
{
    put_le(F.mmio + off, size, v);
}

static u64 ram_get(u64 lin, unsigned int size)
{
    return get_le(F.ram + lin, size);
}

static void ram_put(u64 lin, unsigned int size, u64 v)
{
    put_le(F.ram + lin, size, v);
}

#define ARITH X86_EMUL_ARITH_FLAGS
#define FL(f) (E.regs.rflags & (f))

/* ------------------------------------------------------------ MOV */

TEST(mov_store_sizes_64)
{
    setup(X86_MODE_64);
    R(RAX) = 0x1122334455667788;
    R(RDI) = MMIO_LIN + 0x10;
    CHECK_EQ(RUN(0x89, 0x07), X86_EMUL_OK); /* mov %eax,(%rdi) */
    CHECK_EQ(F.nlog, 1);
    ACC(0, 'W', MMIO_GPA + 0x10, 4, 0x55667788);
    CHECK_EQ(E.regs.rip, RIP0 + 2);
    CHECK_EQ(E.insn.len, 2);
    CHECK_EQ(RUN(0x48, 0x89, 0x07), X86_EMUL_OK); /* mov %rax,(%rdi) */
    ACC(1, 'W', MMIO_GPA + 0x10, 8, 0x1122334455667788);
    CHECK_EQ(E.regs.rip, RIP0 + 5);
    CHECK_EQ(RUN(0x66, 0x89, 0x07), X86_EMUL_OK); /* mov %ax,(%rdi) */
    ACC(2, 'W', MMIO_GPA + 0x10, 2, 0x7788);
    CHECK_EQ(RUN(0x88, 0x07), X86_EMUL_OK); /* mov %al,(%rdi) */
    ACC(3, 'W', MMIO_GPA + 0x10, 1, 0x88);
    CHECK_EQ(RUN(0x88, 0x27), X86_EMUL_OK); /* mov %ah,(%rdi) */
    ACC(4, 'W', MMIO_GPA + 0x10, 1, 0x77);
    R(RSP) = 0xabcd;
    CHECK_EQ(RUN(0x40, 0x88, 0x27), X86_EMUL_OK); /* mov %spl,(%rdi) */
    ACC(5, 'W', MMIO_GPA + 0x10, 1, 0xcd);
    R(R9) = 0x99;
    CHECK_EQ(RUN(0x44, 0x88, 0x0f), X86_EMUL_OK); /* mov %r9b,(%rdi) */
    ACC(6, 'W', MMIO_GPA + 0x10, 1, 0x99);
    CHECK_EQ(E.regs.rip, RIP0 + 2 + 3 + 3 + 2 + 2 + 3 + 3);
    /* Flags are untouched by MOV. */
    CHECK_EQ(E.regs.rflags, 0x2);
}

TEST(mov_load_register_widths_64)
{
    setup(X86_MODE_64);
    mmio_put(0, 8, 0x8877665544332211);
    R(RDI) = MMIO_LIN;
    R(RAX) = ~0ULL;
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_OK); /* mov (%rdi),%eax */
    CHECK_EQ(R(RAX), 0x44332211);           /* upper half zeroed */
    R(RAX) = ~0ULL;
    CHECK_EQ(RUN(0x66, 0x8b, 0x07), X86_EMUL_OK); /* mov (%rdi),%ax */
    CHECK_EQ(R(RAX), 0xffffffffffff2211ULL);
    R(RAX) = ~0ULL;
    CHECK_EQ(RUN(0x8a, 0x07), X86_EMUL_OK); /* mov (%rdi),%al */
    CHECK_EQ(R(RAX), 0xffffffffffffff11ULL);
    R(RAX) = ~0ULL;
    CHECK_EQ(RUN(0x8a, 0x27), X86_EMUL_OK); /* mov (%rdi),%ah */
    CHECK_EQ(R(RAX), 0xffffffffffff11ffULL);
    CHECK_EQ(R(RSP), 0);
    R(RSP) = ~0ULL;
    CHECK_EQ(RUN(0x40, 0x8a, 0x27), X86_EMUL_OK); /* mov (%rdi),%spl */
    CHECK_EQ(R(RSP), 0xffffffffffffff11ULL);
    R(RBX) = 0;
    CHECK_EQ(RUN(0x8a, 0x3f), X86_EMUL_OK); /* mov (%rdi),%bh */
    CHECK_EQ(R(RBX), 0x1100);
    R(RDI) = MMIO_LIN;
    CHECK_EQ(RUN(0x40, 0x8a, 0x3f), X86_EMUL_OK); /* mov (%rdi),%dil */
    CHECK_EQ(R(RDI), MMIO_LIN + 0x11);
    R(RDI) = MMIO_LIN;
    CHECK_EQ(RUN(0x48, 0x8b, 0x07), X86_EMUL_OK); /* mov (%rdi),%rax */
    CHECK_EQ(R(RAX), 0x8877665544332211ULL);
    R(R8) = ~0ULL;
    CHECK_EQ(RUN(0x44, 0x8b, 0x07), X86_EMUL_OK); /* mov (%rdi),%r8d */
    CHECK_EQ(R(R8), 0x44332211);
    R(R15) = ~0ULL;
    CHECK_EQ(RUN(0x66, 0x44, 0x8b, 0x3f), X86_EMUL_OK); /* mov (%rdi),%r15w */
    CHECK_EQ(R(R15), 0xffffffffffff2211ULL);
    R(R8) = MMIO_LIN + 4;
    CHECK_EQ(RUN(0x41, 0x8b, 0x00), X86_EMUL_OK); /* mov (%r8),%eax */
    CHECK_EQ(R(RAX), 0x88776655);
    CHECK_EQ(F.nlog, 11);
    ACC(10, 'R', MMIO_GPA + 4, 4, 0x88776655);
}

TEST(mov_32bit_mode_and_ram)
{
    setup(X86_MODE_32);
    ram_put(0x500, 4, 0xcafef00d);
    R(RBX) = 0x500;
    CHECK_EQ(RUN(0x8b, 0x03), X86_EMUL_OK); /* mov (%ebx),%eax */
    CHECK_EQ(R(RAX) & 0xffffffff, 0xcafef00d);
    CHECK_EQ(F.nlog, 1);
    ACC(0, 'r', 0x500, 4, 0xcafef00d); /* RAM, not MMIO */
    R(RCX) = 0x12345678;
    CHECK_EQ(RUN(0x66, 0x89, 0x0b), X86_EMUL_OK); /* mov %cx,(%ebx) */
    CHECK_EQ(ram_get(0x500, 4), 0xcafe5678);
    CHECK_EQ(E.regs.rip, RIP0 + 2 + 3);
    /* 32-bit mode: no REX, so 48 is DEC %eax, which is not emulated. */
    CHECK_EQ(RUN(0x48, 0x89, 0x03), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0x41, 0x8b, 0x03), X86_EMUL_UNHANDLED);
    CHECK_EQ(E.regs.rip, RIP0 + 5);
}

TEST(mov_imm)
{
    setup(X86_MODE_64);
    R(RDI) = MMIO_LIN;
    CHECK_EQ(RUN(0xc6, 0x07, 0xa5), X86_EMUL_OK); /* movb $0xa5,(%rdi) */
    ACC(0, 'W', MMIO_GPA, 1, 0xa5);
    CHECK_EQ(E.insn.len, 3);
    /* movw $0x8001,(%rdi) */
    CHECK_EQ(RUN(0x66, 0xc7, 0x07, 0x01, 0x80), X86_EMUL_OK);
    ACC(1, 'W', MMIO_GPA, 2, 0x8001);
    CHECK_EQ(E.insn.len, 5);
    /* movl $0x80000001,(%rdi) */
    CHECK_EQ(RUN(0xc7, 0x07, 0x01, 0x00, 0x00, 0x80), X86_EMUL_OK);
    ACC(2, 'W', MMIO_GPA, 4, 0x80000001);
    /* movq $-2,(%rdi): imm32 sign-extended to 64 bits */
    CHECK_EQ(RUN(0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff), X86_EMUL_OK);
    ACC(3, 'W', MMIO_GPA, 8, 0xfffffffffffffffeULL);
    /* movq $0x7fffffff,(%rdi): no sign */
    CHECK_EQ(RUN(0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0x7f), X86_EMUL_OK);
    ACC(4, 'W', MMIO_GPA, 8, 0x7fffffff);
    /* movl $0x12345678,0x100(%rdi,%rcx,4): SIB + disp32 + imm32 */
    R(RCX) = 2;
    CHECK_EQ(
        RUN(0xc7, 0x84, 0x8f, 0x00, 0x01, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12),
        X86_EMUL_OK);
    ACC(5, 'W', MMIO_GPA + 0x108, 4, 0x12345678);
    CHECK_EQ(E.insn.len, 11);
    CHECK_EQ(E.regs.rip, RIP0 + 3 + 5 + 6 + 7 + 7 + 11);
    /* movb $imm,disp8(%rip) */
    E.regs.rip = MMIO_LIN - 0x100;
    CHECK_EQ(RUN(0xc6, 0x05, 0x10, 0x01, 0x00, 0x00, 0x5a), X86_EMUL_OK);
    /* The displacement is from the end, after the immediate. */
    ACC(6, 'W', MMIO_GPA + 0x17, 1, 0x5a);
    /* Only /0 is MOV. */
    for (u8 r = 1; r < 8; r++)
        CHECK_EQ(RUN(0xc7, (u8)(0x07 | r << 3), 0, 0, 0, 0),
                 X86_EMUL_UNHANDLED);
    CHECK_EQ(F.nlog, 7);
}

TEST(moffs_all_modes)
{
    setup(X86_MODE_64);
    mmio_put(0x20, 8, 0x0807060504030201);
    R(RAX) = ~0ULL;
    /* mov 0xfee00020,%al: 8-byte offset */
    CHECK_EQ(RUN(0xa0, 0x20, 0x00, 0xe0, 0xfe, 0, 0, 0, 0), X86_EMUL_OK);
    CHECK_EQ(E.insn.len, 9);
    CHECK_EQ(R(RAX), 0xffffffffffffff01ULL);
    CHECK_EQ(RUN(0xa1, 0x20, 0x00, 0xe0, 0xfe, 0, 0, 0, 0), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0x04030201);
    CHECK_EQ(RUN(0x48, 0xa1, 0x20, 0x00, 0xe0, 0xfe, 0, 0, 0, 0), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0x0807060504030201ULL);
    CHECK_EQ(E.insn.len, 10);
    /* addr32: a 4-byte offset */
    R(RAX) = 0xaabbccdd;
    CHECK_EQ(RUN(0x67, 0xa3, 0x40, 0x00, 0xe0, 0xfe), X86_EMUL_OK);
    CHECK_EQ(E.insn.len, 6);
    CHECK_EQ(mmio_get(0x40, 4), 0xaabbccdd);
    CHECK_EQ(RUN(0x66, 0xa3, 0x48, 0x00, 0xe0, 0xfe, 0, 0, 0, 0), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0x48, 4), 0xccdd);
    CHECK_EQ(RUN(0xa2, 0x50, 0x00, 0xe0, 0xfe, 0, 0, 0, 0), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0x50, 2), 0xdd);
    /* fs:0x60 */
    E.seg_base[X86_SEG_FS] = MMIO_LIN;
    CHECK_EQ(RUN(0x64, 0xa2, 0x60, 0, 0, 0, 0, 0, 0, 0), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0x60, 1), 0xdd);
    CHECK_EQ(E.regs.rip, RIP0 + 9 + 9 + 10 + 6 + 10 + 9 + 10);

    setup(X86_MODE_32);
    mmio_put(0x20, 4, 0x11223344);
    R(RAX) = 0;
    CHECK_EQ(RUN(0xa1, 0x20, 0x00, 0xe0, 0xfe), X86_EMUL_OK);
    CHECK_EQ(E.insn.len, 5);
    CHECK_EQ(R(RAX), 0x11223344);
    /* addr16 in 32-bit mode: 2-byte offset from the DS base */
    E.seg_base[X86_SEG_DS] = MMIO_LIN;
    CHECK_EQ(RUN(0x67, 0xa1, 0x20, 0x00), X86_EMUL_OK);
    CHECK_EQ(E.insn.len, 4);
    CHECK_EQ(R(RAX), 0x11223344);

    setup(X86_MODE_16);
    E.seg_base[X86_SEG_DS] = 0x1230; /* real-mode DS = 0x123 */
    ram_put(0x1230 + 0x10, 2, 0xbeef);
    CHECK_EQ(RUN(0xa1, 0x10, 0x00), X86_EMUL_OK); /* mov 0x10,%ax */
    CHECK_EQ(E.insn.len, 3);
    CHECK_EQ(R(RAX), 0xbeef);
    CHECK_EQ(E.regs.rip, RIP0 + 3);
}

TEST(movzx_movsx)
{
    setup(X86_MODE_64);
    mmio_put(0, 2, 0x8180);
    R(RSI) = MMIO_LIN;
    R(RAX) = ~0ULL;
    CHECK_EQ(RUN(0x0f, 0xb6, 0x06), X86_EMUL_OK); /* movzbl (%rsi),%eax */
    CHECK_EQ(R(RAX), 0x80);
    CHECK_EQ(F.log[0].size, 1);
    R(RAX) = ~0ULL;
    CHECK_EQ(RUN(0x0f, 0xbe, 0x06), X86_EMUL_OK); /* movsbl (%rsi),%eax */
    CHECK_EQ(R(RAX), 0xffffff80);
    CHECK_EQ(RUN(0x48, 0x0f, 0xbe, 0x06), X86_EMUL_OK); /* movsbq */
    CHECK_EQ(R(RAX), 0xffffffffffffff80ULL);
    R(RAX) = 0x1111111111111111;
    CHECK_EQ(RUN(0x66, 0x0f, 0xbe, 0x06), X86_EMUL_OK); /* movsbw */
    CHECK_EQ(R(RAX), 0x111111111111ff80ULL);
    R(RAX) = 0x1111111111111111;
    CHECK_EQ(RUN(0x66, 0x0f, 0xb6, 0x06), X86_EMUL_OK); /* movzbw */
    CHECK_EQ(R(RAX), 0x1111111111110080ULL);
    R(RAX) = ~0ULL;
    CHECK_EQ(RUN(0x0f, 0xb7, 0x06), X86_EMUL_OK); /* movzwl (%rsi),%eax */
    CHECK_EQ(R(RAX), 0x8180);
    CHECK_EQ(F.log[5].size, 2);
    CHECK_EQ(RUN(0x0f, 0xbf, 0x06), X86_EMUL_OK); /* movswl */
    CHECK_EQ(R(RAX), 0xffff8180);
    CHECK_EQ(RUN(0x48, 0x0f, 0xbf, 0x06), X86_EMUL_OK); /* movswq */
    CHECK_EQ(R(RAX), 0xffffffffffff8180ULL);
    R(R11) = 0;
    CHECK_EQ(RUN(0x4c, 0x0f, 0xb6, 0x1e), X86_EMUL_OK); /* movzbq ,%r11 */
    CHECK_EQ(R(R11), 0x80);
    R(RBX) = 0;
    mmio_put(2, 1, 0x7f);
    CHECK_EQ(RUN(0x0f, 0xbe, 0x5e, 0x02), X86_EMUL_OK); /* movsbl 2(%rsi) */
    CHECK_EQ(R(RBX), 0x7f);
    CHECK_EQ(E.regs.rip, RIP0 + 3 + 3 + 4 + 4 + 4 + 3 + 3 + 4 + 4 + 4);
    /* F2/F3 with 0F opcodes name other instructions. */
    CHECK_EQ(RUN(0xf3, 0x0f, 0xb6, 0x06), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xf2, 0x0f, 0xbf, 0x06), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0x0f, 0xb8, 0x06), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0x0f, 0xa3, 0x06), X86_EMUL_UNHANDLED); /* BT: not here */
    CHECK_EQ(RUN(0x0f, 0x6e, 0x06), X86_EMUL_UNHANDLED); /* MOVD */
    CHECK_EQ(RUN(0x0f, 0xb6, 0xc0), X86_EMUL_UNHANDLED); /* register */
    CHECK_EQ(E.regs.rip, RIP0 + 36);
}

/* ------------------------------------------------------ addressing */

/* Run "mov MEM,%eax" with MEM's ModRM bytes and return what it read. */
static u64 load_via(const u8 *modrm_etc, size_t n, int *rc)
{
    u8 buf[16] = { 0x8b };

    memcpy(buf + 1, modrm_etc, n);
    R(RAX) = 0;
    *rc = run_bytes(buf, n + 1);
    return R(RAX);
}

#define LOAD(rc, ...) load_via(BYTES(__VA_ARGS__), &rc)

static void fill_mmio_pattern(void)
{
    /* Each dword holds its own offset, so a read says where it went. */
    for (unsigned int off = 0; off < MMIO_SIZE; off += 4)
        mmio_put(off, 4, 0xd0000000 | off);
}

TEST(addressing_64)
{
    int rc;

    setup(X86_MODE_64);
    fill_mmio_pattern();
    R(RAX) = MMIO_LIN + 0x100;
    R(RCX) = 0x10;
    R(RBX) = MMIO_LIN + 0x200;
    R(RBP) = MMIO_LIN + 0x300;
    R(RSP) = MMIO_LIN + 0x400;
    R(RDI) = MMIO_LIN + 0x500;
    R(R12) = MMIO_LIN + 0x600;
    R(R13) = MMIO_LIN + 0x700;
    R(R9) = 0x20;
    /* (%rbx), 8(%rbx), -0x10(%rdi) via disp8, disp32 */
    CHECK_EQ(LOAD(rc, 0x03), 0xd0000200);
    CHECK_EQ(LOAD(rc, 0x43, 0x08), 0xd0000208);
    CHECK_EQ(LOAD(rc, 0x47, 0xf0), 0xd00004f0);
    CHECK_EQ(LOAD(rc, 0x87, 0x00, 0x01, 0x00, 0x00), 0xd0000600);
    CHECK_EQ(LOAD(rc, 0x87, 0x00, 0xff, 0xff, 0xff), 0xd0000400);
    /* SIB: 0x10(%rbx,%rcx,8), (%rbx,%rcx,1), (%rbx,%rcx,2), 4 */
    CHECK_EQ(LOAD(rc, 0x44, 0xcb, 0x10), 0xd0000290);
    CHECK_EQ(LOAD(rc, 0x04, 0x0b), 0xd0000210);
    CHECK_EQ(LOAD(rc, 0x04, 0x4b), 0xd0000220);
    CHECK_EQ(LOAD(rc, 0x04, 0x8b), 0xd0000240);
    /* index 100b: none, (%rbx) with the scale bits ignored */
    CHECK_EQ(LOAD(rc, 0x04, 0xe3), 0xd0000200);
    /* (%rax) as a base: load_via has cleared rax, so address 0 (RAM) */
    ram_put(0, 4, 0x600d);
    CHECK_EQ(LOAD(rc, 0x04, 0x20), 0x600d);
    /* (%rsp), 8(%rsp) need SIB */
    CHECK_EQ(LOAD(rc, 0x04, 0x24), 0xd0000400);
    CHECK_EQ(LOAD(rc, 0x44, 0x24, 0x08), 0xd0000408);
    /* 8(%rbp): mod 1 */
    CHECK_EQ(LOAD(rc, 0x45, 0x08), 0xd0000308);
    /* SIB base 101b, mod 0: disp32 + index, no base */
    R(RDX) = (MMIO_LIN + 0x80) / 2;
    CHECK_EQ(LOAD(rc, 0x04, 0x55, 0x04, 0x00, 0x00, 0x00), 0xd0000084);
    /* absolute disp32 (no base, no index): sign-extended! */
    CHECK_EQ(LOAD(rc, 0x04, 0x25, 0x10, 0x00, 0xe0, 0xfe), 0);
    CHECK_EQ(rc, X86_EMUL_EXCEPTION); /* 0xfffffffffee00010: no mapping */
    CHECK_EQ(E.event.vector, 14);
    CHECK_EQ(E.event.cr2, 0xfffffffffee00010ULL);
    /* REX.B: (%r12) needs SIB, 0(%r13) needs mod 1 */
    {
        u8 r12[] = { 0x41, 0x8b, 0x04, 0x24 };
        u8 r13[] = { 0x41, 0x8b, 0x45, 0x00 };
        u8 r13b[] = { 0x41, 0x8b, 0x44, 0x25, 0x00 }; /* SIB base r13 */
        u8 idx12[] = { 0x42, 0x8b, 0x04, 0x20 };      /* (%rax,%r12) */
        u8 idx12b[] = { 0x43, 0x8b, 0x04, 0x0c };     /* (%r12,%r9) */

        R(RAX) = MMIO_LIN + 0x100;
        CHECK_EQ(run_bytes(r12, sizeof(r12)), X86_EMUL_OK);
        CHECK_EQ(R(RAX), 0xd0000600);
        CHECK_EQ(run_bytes(r13, sizeof(r13)), X86_EMUL_OK);
        CHECK_EQ(R(RAX), 0xd0000700);
        CHECK_EQ(run_bytes(r13b, sizeof(r13b)), X86_EMUL_OK);
        CHECK_EQ(R(RAX), 0xd0000700);
        R(RAX) = MMIO_LIN + 0x100;
        R(R12) = 0x30;
        CHECK_EQ(run_bytes(idx12, sizeof(idx12)), X86_EMUL_OK);
        CHECK_EQ(R(RAX), 0xd0000130);
        R(R12) = MMIO_LIN + 0x600;
        CHECK_EQ(run_bytes(idx12b, sizeof(idx12b)), X86_EMUL_OK);
        CHECK_EQ(R(RAX), 0xd0000620);
        /* SIB base 101b with mod 0 is "no base" with REX.B too, not r13 */
        ram_put(0x10, 4, 0x13131313);
        CHECK_EQ(RUN(0x41, 0x8b, 0x04, 0x25, 0x10, 0, 0, 0), X86_EMUL_OK);
        CHECK_EQ(R(RAX), 0x13131313);
        CHECK_EQ(E.insn.len, 8);
        CHECK_EQ(E.insn.ea.base, -1);
    }
    CHECK(F.nlog > 10);
}

TEST(addressing_rip_relative)
{
    setup(X86_MODE_64);
    fill_mmio_pattern();
    /* mov 0x100(%rip),%eax at MMIO_LIN - 0x1000: next insn + 0x100 */
    E.regs.rip = MMIO_LIN - 0xf06;
    CHECK_EQ(RUN(0x8b, 0x05, 0x00, 0x0f, 0x00, 0x00), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000000);
    CHECK_EQ(E.insn.ea.rip_rel, true);
    CHECK_EQ(E.regs.rip, MMIO_LIN - 0xf00);
    /* REX.B does not make it 0(%r13): still RIP-relative */
    E.regs.rip = MMIO_LIN - 7;
    R(R13) = 0;
    CHECK_EQ(RUN(0x41, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000010);
    /* a negative displacement */
    E.regs.rip = MMIO_LIN + 0x7fa;
    CHECK_EQ(RUN(0x8b, 0x05, 0x00, 0xfe, 0xff, 0xff), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000600);
    /* addr32: EIP-relative, wrapped to 32 bits */
    E.regs.rip = 0x100000000ULL + MMIO_LIN - 7;
    CHECK_EQ(RUN(0x67, 0x8b, 0x05, 0x20, 0x00, 0x00, 0x00), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000020);
    /* 32-bit mode: mod 0 rm 101b is absolute disp32 */
    setup(X86_MODE_32);
    fill_mmio_pattern();
    E.regs.rip = 0x5000;
    CHECK_EQ(RUN(0x8b, 0x05, 0x30, 0x00, 0xe0, 0xfe), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000030);
    CHECK_EQ(E.insn.ea.rip_rel, false);
}

TEST(addressing_64_segments_and_addr32)
{
    setup(X86_MODE_64);
    fill_mmio_pattern();
    /* 64-bit: ES/CS/SS/DS bases do not count, FS/GS do. */
    for (int s = 0; s < X86_SEG_NUM; s++)
        E.seg_base[s] = 0x10000;
    E.seg_base[X86_SEG_FS] = MMIO_LIN + 0x100;
    E.seg_base[X86_SEG_GS] = MMIO_LIN + 0x200;
    R(RBX) = MMIO_LIN + 0x40;
    CHECK_EQ(RUN(0x8b, 0x03), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000040);
    CHECK_EQ(RUN(0x26, 0x8b, 0x03), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000040);
    CHECK_EQ(RUN(0x36, 0x8b, 0x03), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000040);
    CHECK_EQ(RUN(0x2e, 0x8b, 0x03), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000040);
    R(RBX) = 0x8;
    CHECK_EQ(RUN(0x64, 0x8b, 0x03), X86_EMUL_OK); /* mov %fs:(%rbx) */
    CHECK_EQ(R(RAX), 0xd0000108);
    CHECK_EQ(RUN(0x65, 0x8b, 0x03), X86_EMUL_OK); /* mov %gs:(%rbx) */
    CHECK_EQ(R(RAX), 0xd0000208);
    /* the last override wins */
    CHECK_EQ(RUN(0x65, 0x64, 0x8b, 0x03), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000108);
    CHECK_EQ(E.insn.seg, X86_SEG_FS);
    /* mov %gs:0x10,%eax (absolute disp32) */
    CHECK_EQ(RUN(0x65, 0x8b, 0x04, 0x25, 0x10, 0, 0, 0), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000210);
    /* addr32: the high half of the base is ignored, the sum wraps */
    R(RBX) = 0xdead000000000000ULL | MMIO_LIN;
    CHECK_EQ(RUN(0x67, 0x8b, 0x43, 0x44), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000044);
    R(RBX) = 0xffffffffULL;
    R(RCX) = MMIO_LIN / 2 + 0x10;
    CHECK_EQ(RUN(0x67, 0x8b, 0x44, 0x4b, 0x01), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xd0000020);
    CHECK_EQ(E.insn.addr_bytes, 4);
}

TEST(addressing_32)
{
    setup(X86_MODE_32);
    E.seg_base[X86_SEG_DS] = 0x1000;
    E.seg_base[X86_SEG_SS] = 0x2000;
    E.seg_base[X86_SEG_ES] = 0x3000;
    E.seg_base[X86_SEG_FS] = 0x4000;
    for (u64 a = 0; a < 0x8000; a += 4)
        ram_put(a, 4, a);
    R(RBX) = 0x10;
    R(RBP) = 0x20;
    R(RSP) = 0x30;
    R(RSI) = 0x2;
    CHECK_EQ(RUN(0x8b, 0x03), X86_EMUL_OK); /* (%ebx): DS */
    CHECK_EQ(R(RAX), 0x1010);
    CHECK_EQ(RUN(0x8b, 0x45, 0x04), X86_EMUL_OK); /* 4(%ebp): SS */
    CHECK_EQ(R(RAX), 0x2024);
    CHECK_EQ(E.insn.seg, X86_SEG_SS);
    CHECK_EQ(RUN(0x8b, 0x04, 0x24), X86_EMUL_OK); /* (%esp): SS */
    CHECK_EQ(R(RAX), 0x2030);
    CHECK_EQ(RUN(0x3e, 0x8b, 0x45, 0x04), X86_EMUL_OK); /* %ds:4(%ebp) */
    CHECK_EQ(R(RAX), 0x1024);
    CHECK_EQ(RUN(0x26, 0x8b, 0x03), X86_EMUL_OK); /* %es:(%ebx) */
    CHECK_EQ(R(RAX), 0x3010);
    CHECK_EQ(RUN(0x64, 0x8b, 0x03), X86_EMUL_OK); /* %fs:(%ebx) */
    CHECK_EQ(R(RAX), 0x4010);
    /* (%ebx,%ebp,1) has base ebx: DS; (%ebp,%ebx,1) has base ebp: SS */
    CHECK_EQ(RUN(0x8b, 0x04, 0x2b), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0x1030);
    CHECK_EQ(RUN(0x8b, 0x44, 0x1d, 0x00), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0x2030);
    /* disp32 + index*4, no base: DS */
    CHECK_EQ(RUN(0x8b, 0x04, 0xb5, 0x00, 0x01, 0, 0), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0x1108);
    /* The linear address wraps at 4 GiB: DS base + 0xfffff000. */
    R(RBX) = 0xfffff100;
    CHECK_EQ(RUN(0x8b, 0x03), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0x100);
    /* addr16 in 32-bit mode: (%bx,%si) */
    R(RBX) = 0xabcd0010;
    R(RSI) = 0xabcd0004;
    CHECK_EQ(RUN(0x67, 0x8b, 0x00), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0x1014);
    CHECK_EQ(E.insn.addr_bytes, 2);
    CHECK_EQ(E.insn.len, 3);
    /* opsize 16 in 32-bit mode */
    R(RAX) = 0xffffffff;
    R(RBX) = 0x10;
    CHECK_EQ(RUN(0x66, 0x8b, 0x03), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xffff1010);
    /* rip stays 32-bit */
    E.regs.rip = 0xffffffff;
    CHECK_EQ(RUN(0x8b, 0x03), X86_EMUL_OK);
    CHECK_EQ(E.regs.rip, 1);
}

TEST(addressing_16)
{
    setup(X86_MODE_16);
    E.seg_base[X86_SEG_DS] = 0x1000;
    E.seg_base[X86_SEG_SS] = 0x8000;
    for (u64 a = 0; a < RAM_SIZE; a += 2)
        ram_put(a, 2, a >> 1);
    R(RBX) = 0x100;
    R(RBP) = 0x200;
    R(RSI) = 0x10;
    R(RDI) = 0x20;
    /* rm 0-7, mod 0: result is (linear >> 1) */
    CHECK_EQ(RUN(0x8b, 0x00), X86_EMUL_OK); /* (%bx,%si) */
    CHECK_EQ(R(RAX), (0x1000 + 0x110) >> 1);
    CHECK_EQ(RUN(0x8b, 0x01), X86_EMUL_OK); /* (%bx,%di) */
    CHECK_EQ(R(RAX), (0x1000 + 0x120) >> 1);
    CHECK_EQ(RUN(0x8b, 0x02), X86_EMUL_OK); /* (%bp,%si): SS */
    CHECK_EQ(R(RAX), (0x8000 + 0x210) >> 1);
    CHECK_EQ(RUN(0x8b, 0x03), X86_EMUL_OK); /* (%bp,%di): SS */
    CHECK_EQ(R(RAX), (0x8000 + 0x220) >> 1);
    CHECK_EQ(RUN(0x8b, 0x04), X86_EMUL_OK); /* (%si) */
    CHECK_EQ(R(RAX), (0x1000 + 0x10) >> 1);
    CHECK_EQ(RUN(0x8b, 0x05), X86_EMUL_OK); /* (%di) */
    CHECK_EQ(R(RAX), (0x1000 + 0x20) >> 1);
    CHECK_EQ(RUN(0x8b, 0x06, 0x34, 0x12), X86_EMUL_OK); /* 0x1234: DS */
    CHECK_EQ(R(RAX), (0x1000 + 0x1234) >> 1);
    CHECK_EQ(E.insn.len, 4);
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_OK); /* (%bx) */
    CHECK_EQ(R(RAX), (0x1000 + 0x100) >> 1);
    /* mod 1: disp8 sign-extended; mod 2: disp16 */
    CHECK_EQ(RUN(0x8b, 0x46, 0xfe), X86_EMUL_OK); /* -2(%bp): SS */
    CHECK_EQ(R(RAX), (0x8000 + 0x1fe) >> 1);
    CHECK_EQ(RUN(0x8b, 0x40, 0x04), X86_EMUL_OK); /* 4(%bx,%si) */
    CHECK_EQ(R(RAX), (0x1000 + 0x114) >> 1);
    CHECK_EQ(RUN(0x8b, 0x87, 0x00, 0x10), X86_EMUL_OK); /* 0x1000(%bx) */
    CHECK_EQ(R(RAX), (0x1000 + 0x1100) >> 1);
    CHECK_EQ(E.insn.len, 4);
    /* the offset wraps at 64 KiB: bx + si = 0x10002 -> 2 */
    R(RBX) = 0xfff0;
    R(RSI) = 0x12;
    CHECK_EQ(RUN(0x8b, 0x00), X86_EMUL_OK);
    CHECK_EQ(R(RAX), (0x1000 + 0x2) >> 1);
    /* disp16 wraps too: 0xfff0(%bx) with bx 0x20 -> 0x10 */
    R(RBX) = 0x20;
    CHECK_EQ(RUN(0x8b, 0x87, 0xf0, 0xff), X86_EMUL_OK);
    CHECK_EQ(R(RAX), (0x1000 + 0x10) >> 1);
    /* upper register bits do not take part */
    R(RBX) = 0xffff0100;
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_OK);
    CHECK_EQ(R(RAX), (0x1000 + 0x100) >> 1);
    /* 16-bit writes keep the rest of the register */
    R(RAX) = 0xaaaaaaaa;
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xaaaa0000 | ((0x1000 + 0x100) >> 1));
    /* opsize 32: 66 prefix */
    CHECK_EQ(RUN(0x66, 0x8b, 0x07), X86_EMUL_OK);
    CHECK_EQ(E.insn.op_bytes, 4);
    CHECK_EQ(R(RAX), ram_get(0x1100, 4));
    /* addr32 in 16-bit mode: (%ebx) with the upper half */
    R(RBX) = 0x00000300;
    CHECK_EQ(RUN(0x67, 0x8b, 0x03), X86_EMUL_OK);
    CHECK_EQ(R(RAX) & 0xffff, (0x1000 + 0x300) >> 1);
    CHECK_EQ(E.insn.addr_bytes, 4);
    /* IP wraps at 64 KiB */
    E.regs.rip = 0xfffe;
    CHECK_EQ(RUN(0x8b, 0x87, 0x00, 0x00), X86_EMUL_OK);
    CHECK_EQ(E.regs.rip, 2);
    /* real-mode segment override */
    E.seg_base[X86_SEG_ES] = 0x4000;
    R(RBX) = 0x10;
    CHECK_EQ(RUN(0x26, 0x8b, 0x07), X86_EMUL_OK);
    CHECK_EQ(R(RAX) & 0xffff, (0x4000 + 0x10) >> 1);
    /* 16-bit mode has no REX either */
    CHECK_EQ(RUN(0x48, 0x8b, 0x07), X86_EMUL_UNHANDLED);
}

TEST(mode_helper)
{
    CHECK_EQ(x86_emul_mode_of(false, false, false, false, false), X86_MODE_16);
    CHECK_EQ(x86_emul_mode_of(false, false, false, false, true), X86_MODE_16);
    CHECK_EQ(x86_emul_mode_of(true, true, false, false, true), X86_MODE_16);
    CHECK_EQ(x86_emul_mode_of(true, false, false, false, false), X86_MODE_16);
    CHECK_EQ(x86_emul_mode_of(true, false, false, false, true), X86_MODE_32);
    CHECK_EQ(x86_emul_mode_of(true, false, false, true, true), X86_MODE_32);
    CHECK_EQ(x86_emul_mode_of(true, false, true, false, true), X86_MODE_32);
    CHECK_EQ(x86_emul_mode_of(true, false, true, false, false), X86_MODE_16);
    CHECK_EQ(x86_emul_mode_of(true, false, true, true, false), X86_MODE_64);
}

/* ------------------------------------------------------------ ALU */

/*
 * The host CPU is the reference for flags: run the same operation on it
 * (AT&T "op y, x" computes x op y) and compare. The stack pointer moves
 * past the red zone before pushf/popf touch the stack.
 */
#define HOST_ALU(T, insn)                                  \
    do {                                                   \
        T x_ = (T)a, y_ = (T)b;                            \
        u64 f_;                                            \
        __asm__ volatile("sub $128, %%rsp\n\t"             \
                         "push %[fi]\n\t"                  \
                         "popf\n\t" insn " %[y], %[x]\n\t" \
                         "pushf\n\t"                       \
                         "pop %[f]\n\t"                    \
                         "add $128, %%rsp"                 \
                         : [x] "+r"(x_), [f] "=&r"(f_)     \
                         : [y] "r"(y_), [fi] "r"(fin)      \
                         : "cc");                          \
        *fout = f_;                                        \
        r = x_;                                            \
    } while (0)

#define HOST_SIZES(insn)         \
    do {                         \
        switch (size) {          \
        case 1:                  \
            HOST_ALU(u8, insn);  \
            break;               \
        case 2:                  \
            HOST_ALU(u16, insn); \
            break;               \
        case 4:                  \
            HOST_ALU(u32, insn); \
            break;               \
        default:                 \
            HOST_ALU(u64, insn); \
            break;               \
        }                        \
    } while (0)

static u64 host_alu(enum x86_alu op, unsigned int size, u64 a, u64 b, u64 fin,
                    u64 *fout)
{
    u64 r = 0;

    switch (op) {
    case X86_ALU_ADD:
        HOST_SIZES("add");
        break;
    case X86_ALU_OR:
        HOST_SIZES("or");
        break;
    case X86_ALU_ADC:
        HOST_SIZES("adc");
        break;
    case X86_ALU_SBB:
        HOST_SIZES("sbb");
        break;
    case X86_ALU_AND:
        HOST_SIZES("and");
        break;
    case X86_ALU_SUB:
        HOST_SIZES("sub");
        break;
    case X86_ALU_XOR:
        HOST_SIZES("xor");
        break;
    case X86_ALU_CMP:
        HOST_SIZES("cmp");
        break;
    default:
        HOST_SIZES("test");
        break;
    }
    return r;
}

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static u64 mask_of(unsigned int size)
{
    return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* Random values, a third of them at the edges where flags flip. */
static u64 rnd_val(unsigned int size)
{
    u64 m = mask_of(size), top = 1ULL << (8 * size - 1);
    const u64 edges[] = { 0, 1, 2, top, top - 1, top + 1, m, m - 1, 0xf, 0x10 };
    u64 x = rnd();

    if (x % 3 == 0)
        return edges[(x >> 8) % (sizeof(edges) / sizeof(edges[0]))] & m;
    return rnd() & m;
}

static bool is_logic(enum x86_alu op)
{
    return op == X86_ALU_OR || op == X86_ALU_AND || op == X86_ALU_XOR ||
           op == X86_ALU_TEST;
}

static unsigned int alu_mismatch;

/* Compare one emulated result with the host's; print the first few. */
static void alu_compare(const char *form, enum x86_alu op, unsigned int size,
                        u64 a, u64 b, u64 fin, u64 got, u64 gotf, u64 want,
                        u64 wantf, int rc)
{
    /* AF is undefined after logical operations. */
    u64 fm = is_logic(op) ? ARITH & ~X86_EMUL_AF : ARITH;

    if (rc == X86_EMUL_OK && got == want && (gotf & fm) == (wantf & fm) &&
        (gotf & ~ARITH) == (fin & ~ARITH))
        return;
    if (alu_mismatch++ < 8)
        printf("  %s op %d size %u a %#llx b %#llx fin %#llx: rc %d got "
               "%#llx/%#llx want %#llx/%#llx\n",
               form, op, size, (unsigned long long)a, (unsigned long long)b,
               (unsigned long long)fin, rc, (unsigned long long)got,
               (unsigned long long)gotf, (unsigned long long)want,
               (unsigned long long)wantf);
}

/* Operand-size prefixes for size, then opcode (byte form when size 1). */
static size_t alu_prefix(u8 *buf, unsigned int size, u8 op8, u8 op)
{
    size_t n = 0;

    if (size == 2)
        buf[n++] = 0x66;
    if (size == 8)
        buf[n++] = 0x48;
    buf[n++] = size == 1 ? op8 : op;
    return n;
}

TEST(alu_flags_match_the_host_cpu)
{
    static const unsigned int sizes[] = { 1, 2, 4, 8 };
    unsigned int cases = 0;

    alu_mismatch = 0;
    for (int op = X86_ALU_ADD; op <= X86_ALU_TEST; op++) {
        for (unsigned int si = 0; si < 4; si++) {
            unsigned int size = sizes[si];
            u64 m = mask_of(size);

            for (int it = 0; it < 400; it++) {
                u64 a = rnd_val(size), b = rnd_val(size);
                u64 fin = 0x2 | (rnd() & ARITH), wantf, want, got;
                bool writes = op != X86_ALU_CMP && op != X86_ALU_TEST;
                u8 buf[16];
                size_t n;
                int rc;

                want = host_alu(op, size, a, b, fin, &wantf) & m;

                /* op %cl/%cx/%ecx/%rcx,(%rdi): memory is the destination */
                setup(X86_MODE_64);
                mmio_put(0, 8, a);
                R(RCX) = b;
                R(RDI) = MMIO_LIN;
                E.regs.rflags = fin;
                if (op == X86_ALU_TEST)
                    n = alu_prefix(buf, size, 0x84, 0x85);
                else
                    n = alu_prefix(buf, size, (u8)(op << 3), (u8)(op << 3 | 1));
                buf[n++] = 0x0f;
                rc = run_bytes(buf, n);
                got = mmio_get(0, size);
                alu_compare("r/m,r", op, size, a, b, fin, got, E.regs.rflags,
                            writes ? want : a, wantf, rc);
                if (F.nlog != (writes ? 2u : 1u) || E.regs.rip != RIP0 + n)
                    alu_mismatch++;
                cases++;
                if (op == X86_ALU_TEST)
                    continue;

                /* op (%rdi),%reg: the register is the destination */
                setup(X86_MODE_64);
                mmio_put(0, 8, b);
                R(RCX) = a | ~m; /* bits above size must survive (< 4) */
                R(RDI) = MMIO_LIN;
                E.regs.rflags = fin;
                n = alu_prefix(buf, size, (u8)(op << 3 | 2), (u8)(op << 3 | 3));
                buf[n++] = 0x0f;
                rc = run_bytes(buf, n);
                got = R(RCX);
                {
                    u64 res = writes ? want : a;
                    u64 full = size == 4   ? (op == X86_ALU_CMP ? a | ~m : res)
                               : size == 8 ? res
                                           : (~m) | res;

                    alu_compare("r,r/m", op, size, a, b, fin, got,
                                E.regs.rflags, full, wantf, rc);
                }
                if (F.nlog != 1)
                    alu_mismatch++;
                cases++;

                /* group 1: op $imm,(%rdi) with 80/81/83 */
                {
                    u64 bi = b;
                    u8 opc = size == 1 ? 0x80 : 0x81;
                    unsigned int ib = size == 1 ? 1 : size == 2 ? 2 : 4;

                    if (size > 1 && rnd() % 2) {
                        opc = 0x83; /* imm8, sign-extended */
                        ib = 1;
                    }
                    /* What the CPU sees: the immediate sign-extended. */
                    if (ib == 1)
                        bi = (u64)(s64)(s8)b & m;
                    else if (ib == 4)
                        bi = (u64)(s64)(s32)b & m;
                    want = host_alu(op, size, a, bi, fin, &wantf) & m;
                    setup(X86_MODE_64);
                    mmio_put(0, 8, a);
                    R(RDI) = MMIO_LIN;
                    E.regs.rflags = fin;
                    n = alu_prefix(buf, size, opc, opc);
                    buf[n++] = (u8)(op << 3 | 7);
                    for (unsigned int i = 0; i < ib; i++)
                        buf[n++] = (u8)(b >> (8 * i));
                    rc = run_bytes(buf, n);
                    alu_compare("r/m,imm", op, size, a, bi, fin,
                                mmio_get(0, size), E.regs.rflags,
                                writes ? want : a, wantf, rc);
                    if (E.insn.len != n)
                        alu_mismatch++;
                    cases++;
                }
            }
        }
    }
    printf("  %u cases against the host CPU\n", cases);
    CHECK_EQ(alu_mismatch, 0);
}

TEST(alu_known_answers)
{
    setup(X86_MODE_64);
    R(RDI) = MMIO_LIN;
    /* 0x7f + 1 = 0x80: signed overflow, half carry, odd parity */
    mmio_put(0, 1, 0x7f);
    R(RCX) = 1;
    CHECK_EQ(RUN(0x00, 0x0f), X86_EMUL_OK); /* add %cl,(%rdi) */
    CHECK_EQ(mmio_get(0, 1), 0x80);
    CHECK_EQ(FL(ARITH), X86_EMUL_OF | X86_EMUL_SF | X86_EMUL_AF);
    ACC(0, 'R', MMIO_GPA, 1, 0x7f);
    ACC(1, 'W', MMIO_GPA, 1, 0x80);
    /* 0 - 1 = 0xff: borrow, even parity (eight ones) */
    mmio_put(0, 1, 0);
    CHECK_EQ(RUN(0x28, 0x0f), X86_EMUL_OK); /* sub %cl,(%rdi) */
    CHECK_EQ(mmio_get(0, 1), 0xff);
    CHECK_EQ(FL(ARITH), X86_EMUL_CF | X86_EMUL_SF | X86_EMUL_AF | X86_EMUL_PF);
    /* cmp of equal values: ZF PF, and no write */
    mmio_put(0, 4, 0x12345678);
    R(RCX) = 0x12345678;
    F.nlog = 0;
    CHECK_EQ(RUN(0x39, 0x0f), X86_EMUL_OK); /* cmp %ecx,(%rdi) */
    CHECK_EQ(FL(ARITH), X86_EMUL_ZF | X86_EMUL_PF);
    CHECK_EQ(F.nlog, 1);
    /* and to zero clears CF and OF that were set */
    E.regs.rflags = 0x2 | X86_EMUL_CF | X86_EMUL_OF | X86_EMUL_SF;
    mmio_put(0, 8, 0xf0f0f0f0f0f0f0f0ULL);
    R(RCX) = 0x0f0f0f0f0f0f0f0fULL;
    CHECK_EQ(RUN(0x48, 0x21, 0x0f), X86_EMUL_OK); /* and %rcx,(%rdi) */
    CHECK_EQ(mmio_get(0, 8), 0);
    CHECK_EQ(FL(ARITH), X86_EMUL_ZF | X86_EMUL_PF);
    /* adc with CF in: 0xffffffff + 0 + 1 = 0, carry out */
    E.regs.rflags = 0x2 | X86_EMUL_CF;
    mmio_put(0, 4, 0xffffffff);
    R(RCX) = 0;
    CHECK_EQ(RUN(0x11, 0x0f), X86_EMUL_OK); /* adc %ecx,(%rdi) */
    CHECK_EQ(mmio_get(0, 4), 0);
    CHECK_EQ(FL(ARITH), X86_EMUL_CF | X86_EMUL_ZF | X86_EMUL_PF | X86_EMUL_AF);
    /* sbb with CF in: 0 - 0 - 1 */
    E.regs.rflags = 0x2 | X86_EMUL_CF;
    mmio_put(0, 2, 0);
    CHECK_EQ(RUN(0x66, 0x19, 0x0f), X86_EMUL_OK); /* sbb %cx,(%rdi) */
    CHECK_EQ(mmio_get(0, 4), 0xffff);
    CHECK_EQ(FL(ARITH), X86_EMUL_CF | X86_EMUL_SF | X86_EMUL_PF | X86_EMUL_AF);
    /* or, xor */
    mmio_put(0, 2, 0x0100);
    R(RCX) = 0x0001;
    CHECK_EQ(RUN(0x66, 0x09, 0x0f), X86_EMUL_OK); /* or %cx,(%rdi) */
    CHECK_EQ(mmio_get(0, 2), 0x0101);
    CHECK_EQ(FL(ARITH), 0); /* low byte 0x01: odd parity */
    R(RCX) = 0x0101;
    CHECK_EQ(RUN(0x66, 0x31, 0x0f), X86_EMUL_OK); /* xor %cx,(%rdi) */
    CHECK_EQ(mmio_get(0, 2), 0);
    CHECK_EQ(FL(ARITH), X86_EMUL_ZF | X86_EMUL_PF);
    /* every flag bit outside the six is kept */
    E.regs.rflags = 0x2 | X86_EMUL_DF | 0x200 | 0x100000;
    mmio_put(0, 4, 1);
    CHECK_EQ(RUN(0x83, 0x07, 0xff), X86_EMUL_OK); /* addl $-1,(%rdi) */
    CHECK_EQ(mmio_get(0, 4), 0);
    CHECK_EQ(E.regs.rflags, 0x2 | X86_EMUL_DF | 0x200 | 0x100000 | X86_EMUL_CF |
                                X86_EMUL_ZF | X86_EMUL_PF | X86_EMUL_AF);
}

TEST(alu_immediates)
{
    setup(X86_MODE_64);
    R(RDI) = MMIO_LIN;
    /* subl $0x80000000,(%rdi) from 0: overflow and borrow */
    mmio_put(0, 4, 0);
    CHECK_EQ(RUN(0x81, 0x2f, 0x00, 0x00, 0x00, 0x80), X86_EMUL_OK);
    CHECK_EQ(E.insn.len, 6);
    CHECK_EQ(mmio_get(0, 4), 0x80000000);
    CHECK_EQ(FL(X86_EMUL_OF | X86_EMUL_CF | X86_EMUL_SF),
             X86_EMUL_OF | X86_EMUL_CF | X86_EMUL_SF);
    /* addw $0x8001,(%rdi): a 16-bit immediate, length 5 */
    mmio_put(0, 4, 0x11110001);
    CHECK_EQ(RUN(0x66, 0x81, 0x07, 0x01, 0x80), X86_EMUL_OK);
    CHECK_EQ(E.insn.len, 5);
    CHECK_EQ(mmio_get(0, 4), 0x11118002);
    /* addq $-0x80000000,(%rdi): imm32 sign-extended */
    mmio_put(0, 8, 0x100000000ULL);
    CHECK_EQ(RUN(0x48, 0x81, 0x07, 0x00, 0x00, 0x00, 0x80), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0, 8), 0x80000000ULL);
    CHECK_EQ(FL(X86_EMUL_CF), X86_EMUL_CF);
    /* addq $-1 via 83: all 64 bits */
    mmio_put(0, 8, 5);
    CHECK_EQ(RUN(0x48, 0x83, 0x07, 0xff), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0, 8), 4);
    /* orw $0x7f via 83 does not sign-extend into bit 15 */
    mmio_put(0, 2, 0);
    CHECK_EQ(RUN(0x66, 0x83, 0x0f, 0x7f), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0, 2), 0x7f);
    /* xorb $0xff */
    mmio_put(0, 2, 0x5a5a);
    CHECK_EQ(RUN(0x80, 0x37, 0xff), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0, 2), 0x5aa5);
    /* cmpl $5 reads only */
    F.nlog = 0;
    CHECK_EQ(RUN(0x83, 0x3f, 0x05), X86_EMUL_OK);
    CHECK_EQ(F.nlog, 1);
    CHECK_EQ(F.log[0].kind, 'R');
    /* adcb/sbbb/andb via 80 /2 /3 /4 */
    E.regs.rflags = 0x2 | X86_EMUL_CF;
    mmio_put(0, 1, 0x10);
    CHECK_EQ(RUN(0x80, 0x17, 0x01), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0, 1), 0x12);
    E.regs.rflags = 0x2 | X86_EMUL_CF;
    CHECK_EQ(RUN(0x80, 0x1f, 0x01), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0, 1), 0x10);
    CHECK_EQ(RUN(0x80, 0x27, 0x30), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0, 1), 0x10);
    /* 82 is 80 outside 64-bit mode */
    CHECK_EQ(RUN(0x82, 0x07, 0x01), X86_EMUL_UNHANDLED);
    setup(X86_MODE_32);
    R(RDI) = MMIO_LIN;
    mmio_put(0, 1, 0x41);
    CHECK_EQ(RUN(0x82, 0x07, 0x01), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0, 1), 0x42);
    CHECK_EQ(E.insn.len, 3);
    /* 32-bit mode, 16-bit operand with disp8 and imm16 */
    mmio_put(0x10, 2, 0x1000);
    CHECK_EQ(RUN(0x66, 0x81, 0x6f, 0x10, 0x01, 0x00), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0x10, 2), 0x0fff);
    CHECK_EQ(FL(X86_EMUL_AF), X86_EMUL_AF);
    CHECK_EQ(E.insn.len, 6);
}

TEST(alu_register_destination)
{
    setup(X86_MODE_64);
    R(RDI) = MMIO_LIN;
    mmio_put(0, 8, 0x0000000100000001ULL);
    R(RAX) = 0xffffffff00000002ULL;
    CHECK_EQ(RUN(0x03, 0x07), X86_EMUL_OK); /* add (%rdi),%eax */
    CHECK_EQ(R(RAX), 3);                    /* upper half cleared */
    R(RAX) = 0xffffffff00000002ULL;
    CHECK_EQ(RUN(0x66, 0x03, 0x07), X86_EMUL_OK); /* add (%rdi),%ax */
    CHECK_EQ(R(RAX), 0xffffffff00000003ULL);
    R(RAX) = 0xffffffff00000002ULL;
    CHECK_EQ(RUN(0x3b, 0x07), X86_EMUL_OK); /* cmp: register untouched */
    CHECK_EQ(R(RAX), 0xffffffff00000002ULL);
    CHECK_EQ(FL(ARITH), 0);
    R(RAX) = 0x0000000000007f00ULL;
    CHECK_EQ(RUN(0x02, 0x27), X86_EMUL_OK); /* add (%rdi),%ah */
    CHECK_EQ(R(RAX), 0x8000);
    CHECK_EQ(FL(X86_EMUL_OF | X86_EMUL_SF), X86_EMUL_OF | X86_EMUL_SF);
    R(R10) = 0x10;
    CHECK_EQ(RUN(0x4c, 0x2b, 0x17), X86_EMUL_OK); /* sub (%rdi),%r10 */
    CHECK_EQ(R(R10), 0xffffffff0000000fULL);      /* 0x10 - 0x100000001 */
    CHECK_EQ(F.nlog, 5);
    for (unsigned int i = 0; i < 5; i++)
        CHECK_EQ(F.log[i].kind, 'R');
    /* 22 and (%rdi),%dl; 0A or; 32 xor; 1A sbb; 12 adc */
    R(RDX) = 0xff;
    CHECK_EQ(RUN(0x22, 0x17), X86_EMUL_OK);
    CHECK_EQ(R(RDX), 0x01);
    CHECK_EQ(RUN(0x0a, 0x37), X86_EMUL_OK); /* or (%rdi),%dh */
    CHECK_EQ(R(RDX), 0x0101);
    CHECK_EQ(RUN(0x32, 0x17), X86_EMUL_OK); /* xor (%rdi),%dl */
    CHECK_EQ(R(RDX), 0x0100);
    CHECK_EQ(FL(ARITH), X86_EMUL_ZF | X86_EMUL_PF);
}

TEST(test_forms)
{
    setup(X86_MODE_64);
    R(RDI) = MMIO_LIN;
    mmio_put(0, 8, 0x8000000000000000ULL);
    R(RCX) = ~0ULL;
    CHECK_EQ(RUN(0x48, 0x85, 0x0f), X86_EMUL_OK); /* test %rcx,(%rdi) */
    CHECK_EQ(FL(ARITH), X86_EMUL_SF | X86_EMUL_PF);
    CHECK_EQ(RUN(0x85, 0x0f), X86_EMUL_OK); /* test %ecx,(%rdi) */
    CHECK_EQ(FL(ARITH), X86_EMUL_ZF | X86_EMUL_PF);
    /* testq $-1: the imm32 sign-extends to every bit */
    CHECK_EQ(RUN(0x48, 0xf7, 0x07, 0xff, 0xff, 0xff, 0xff), X86_EMUL_OK);
    CHECK_EQ(FL(X86_EMUL_ZF | X86_EMUL_SF), X86_EMUL_SF);
    CHECK_EQ(E.insn.len, 7);
    mmio_put(0, 8, 0x0380);
    CHECK_EQ(RUN(0xf6, 0x07, 0x80), X86_EMUL_OK); /* testb $0x80 */
    CHECK_EQ(FL(X86_EMUL_ZF | X86_EMUL_SF), X86_EMUL_SF);
    CHECK_EQ(RUN(0xf6, 0x07, 0x01), X86_EMUL_OK);
    CHECK_EQ(FL(X86_EMUL_ZF), X86_EMUL_ZF);
    CHECK_EQ(RUN(0x66, 0xf7, 0x07, 0x00, 0x02), X86_EMUL_OK); /* testw */
    CHECK_EQ(FL(X86_EMUL_ZF), 0);
    CHECK_EQ(E.insn.len, 5);
    R(RAX) = 0x0300;
    CHECK_EQ(RUN(0x84, 0x27), X86_EMUL_OK); /* test %ah,(%rdi) */
    CHECK_EQ(FL(X86_EMUL_ZF), X86_EMUL_ZF); /* 0x80 & 0x03 */
    CHECK_EQ(RUN(0xf7, 0x07, 0x00, 0x01, 0x00, 0x00), X86_EMUL_OK);
    CHECK_EQ(FL(X86_EMUL_ZF), 0);
    /* TEST never writes */
    for (unsigned int i = 0; i < F.nlog; i++)
        CHECK_EQ(F.log[i].kind, 'R');
    CHECK_EQ(mmio_get(0, 8), 0x0380);
    /* F6/F7 /1 to /7 are not TEST here */
    for (u8 r = 1; r < 8; r++) {
        CHECK_EQ(RUN(0xf6, (u8)(0x07 | r << 3), 0x01), X86_EMUL_UNHANDLED);
        CHECK_EQ(RUN(0xf7, (u8)(0x07 | r << 3), 1, 0, 0, 0),
                 X86_EMUL_UNHANDLED);
    }
}

TEST(xchg)
{
    setup(X86_MODE_64);
    R(RDI) = MMIO_LIN;
    mmio_put(0, 8, 0x1111111133333333ULL);
    R(RAX) = 0xffffffff22222222ULL;
    E.regs.rflags = 0x2 | X86_EMUL_ZF;
    CHECK_EQ(RUN(0x87, 0x07), X86_EMUL_OK); /* xchg %eax,(%rdi) */
    CHECK_EQ(mmio_get(0, 8), 0x1111111122222222ULL);
    CHECK_EQ(R(RAX), 0x33333333);
    ACC(0, 'R', MMIO_GPA, 4, 0x33333333);
    ACC(1, 'W', MMIO_GPA, 4, 0x22222222);
    CHECK_EQ(E.regs.rflags, 0x2 | X86_EMUL_ZF);
    R(RBX) = 0xaaaa;
    CHECK_EQ(RUN(0x66, 0x87, 0x1f), X86_EMUL_OK); /* xchg %bx,(%rdi) */
    CHECK_EQ(R(RBX), 0x2222);
    CHECK_EQ(mmio_get(0, 4), 0x2222aaaa);
    R(RAX) = 0x1234;
    CHECK_EQ(RUN(0x86, 0x27), X86_EMUL_OK); /* xchg %ah,(%rdi) */
    CHECK_EQ(R(RAX), 0xaa34);
    CHECK_EQ(mmio_get(0, 1), 0x12);
    R(R14) = 0x0102030405060708ULL;
    CHECK_EQ(RUN(0xf0, 0x4c, 0x87, 0x37), X86_EMUL_OK); /* lock xchg r14 */
    CHECK_EQ(mmio_get(0, 8), 0x0102030405060708ULL);
    CHECK_EQ(R(R14), 0x111111112222aa12ULL);
    CHECK_EQ(E.insn.lock, true);
    CHECK_EQ(E.regs.rip, RIP0 + 2 + 3 + 2 + 4);
}

/* ------------------------------------------------------------ strings */

TEST(stos)
{
    setup(X86_MODE_64);
    R(RDI) = MMIO_LIN + 0x10;
    R(RAX) = 0x1122334455667788ULL;
    CHECK_EQ(RUN(0xaa), X86_EMUL_OK); /* stosb */
    ACC(0, 'W', MMIO_GPA + 0x10, 1, 0x88);
    CHECK_EQ(R(RDI), MMIO_LIN + 0x11);
    CHECK_EQ(E.regs.rip, RIP0 + 1);
    E.regs.rflags |= X86_EMUL_DF;
    CHECK_EQ(RUN(0xaa), X86_EMUL_OK);
    ACC(1, 'W', MMIO_GPA + 0x11, 1, 0x88);
    CHECK_EQ(R(RDI), MMIO_LIN + 0x10);
    E.regs.rflags &= ~X86_EMUL_DF;
    CHECK_EQ(RUN(0xab), X86_EMUL_OK); /* stosl */
    ACC(2, 'W', MMIO_GPA + 0x10, 4, 0x55667788);
    CHECK_EQ(R(RDI), MMIO_LIN + 0x14);
    CHECK_EQ(RUN(0x66, 0xab), X86_EMUL_OK); /* stosw */
    ACC(3, 'W', MMIO_GPA + 0x14, 2, 0x7788);
    CHECK_EQ(R(RDI), MMIO_LIN + 0x16);
    CHECK_EQ(RUN(0x48, 0xab), X86_EMUL_OK); /* stosq */
    ACC(4, 'W', MMIO_GPA + 0x16, 8, 0x1122334455667788ULL);
    CHECK_EQ(R(RDI), MMIO_LIN + 0x1e);
    CHECK_EQ(E.regs.rip, RIP0 + 1 + 1 + 1 + 2 + 2);
    /* STOS ignores segment overrides: ES:rDI, and ES counts 0 here */
    E.seg_base[X86_SEG_FS] = 0x1000;
    CHECK_EQ(RUN(0x64, 0xaa), X86_EMUL_OK);
    ACC(5, 'W', MMIO_GPA + 0x1e, 1, 0x88);
    /* rCX and rSI are untouched without REP */
    CHECK_EQ(R(RCX), 0);
    CHECK_EQ(R(RSI), 0);
}

TEST(rep_stos)
{
    setup(X86_MODE_64);
    R(RAX) = 0xa5a5a5a5a5a5a5a5ULL;
    R(RDI) = MMIO_LIN + 0x100;
    R(RCX) = 3;
    CHECK_EQ(RUN(0xf3, 0x48, 0xab), X86_EMUL_OK); /* rep stosq */
    CHECK_EQ(F.nlog, 3);
    ACC(0, 'W', MMIO_GPA + 0x100, 8, 0xa5a5a5a5a5a5a5a5ULL);
    ACC(1, 'W', MMIO_GPA + 0x108, 8, 0xa5a5a5a5a5a5a5a5ULL);
    ACC(2, 'W', MMIO_GPA + 0x110, 8, 0xa5a5a5a5a5a5a5a5ULL);
    CHECK_EQ(R(RCX), 0);
    CHECK_EQ(R(RDI), MMIO_LIN + 0x118);
    CHECK_EQ(E.regs.rip, RIP0 + 3);
    CHECK_EQ(E.rep_partial, false);
    /* DF = 1: downwards */
    E.regs.rflags |= X86_EMUL_DF;
    R(RCX) = 3;
    R(RDI) = MMIO_LIN + 0x200;
    CHECK_EQ(RUN(0xf3, 0xab), X86_EMUL_OK); /* rep stosl */
    ACC(3, 'W', MMIO_GPA + 0x200, 4, 0xa5a5a5a5);
    ACC(4, 'W', MMIO_GPA + 0x1fc, 4, 0xa5a5a5a5);
    ACC(5, 'W', MMIO_GPA + 0x1f8, 4, 0xa5a5a5a5);
    CHECK_EQ(R(RDI), MMIO_LIN + 0x1f4);
    E.regs.rflags &= ~X86_EMUL_DF;
    /* rCX = 0: nothing, but the instruction is done */
    F.nlog = 0;
    CHECK_EQ(RUN(0xf3, 0xaa), X86_EMUL_OK);
    CHECK_EQ(F.nlog, 0);
    CHECK_EQ(R(RDI), MMIO_LIN + 0x1f4);
    CHECK_EQ(E.regs.rip, RIP0 + 3 + 2 + 2);
    /* F2 repeats STOS as F3 does */
    R(RCX) = 2;
    CHECK_EQ(RUN(0xf2, 0xaa), X86_EMUL_OK);
    CHECK_EQ(F.nlog, 2);
    CHECK_EQ(R(RCX), 0);
    /* addr32: ECX counts and EDI/ECX are written as 32-bit registers */
    E.regs.rflags |= X86_EMUL_DF;
    R(RCX) = 0xffffffff00000002ULL;
    R(RDI) = 0xffffffff00000004ULL;
    F.nlog = 0;
    CHECK_EQ(RUN(0x67, 0xf3, 0xaa), X86_EMUL_OK);
    CHECK_EQ(F.nlog, 2);
    ACC(0, 'w', 4, 1, 0xa5);
    ACC(1, 'w', 3, 1, 0xa5);
    CHECK_EQ(R(RCX), 0);
    CHECK_EQ(R(RDI), 2);
    /* and EDI wraps at 4 GiB going down */
    R(RCX) = 2;
    R(RDI) = 0;
    CHECK_EQ(RUN(0x67, 0xf3, 0xaa), X86_EMUL_EXCEPTION);
    ACC(2, 'w', 0, 1, 0xa5);
    CHECK_EQ(F.nlog, 3); /* the second store, at 0xffffffff, faults */
    CHECK_EQ(E.event.cr2, 0xffffffffULL);
    CHECK_EQ(R(RDI), 0xffffffffULL);
    CHECK_EQ(R(RCX), 1);
    R(RCX) = 1;
    R(RDI) = 0x10;
    E.regs.rflags &= ~X86_EMUL_DF;
    CHECK_EQ(RUN(0x67, 0xf3, 0x48, 0xab), X86_EMUL_OK);
    CHECK_EQ(R(RDI), 0x18);
}

TEST(rep_stos_16bit_wrap)
{
    setup(X86_MODE_16);
    E.seg_base[X86_SEG_ES] = 0x100;
    E.seg_base[X86_SEG_DS] = 0x9000; /* must not be used */
    R(RAX) = 0x5a;
    R(RDI) = 0x123400000000fffeULL;
    R(RCX) = 0xabcd0004ULL;
    CHECK_EQ(RUN(0xf3, 0xaa), X86_EMUL_OK);
    CHECK_EQ(F.nlog, 4);
    ACC(0, 'w', 0x100 + 0xfffe, 1, 0x5a);
    ACC(1, 'w', 0x100 + 0xffff, 1, 0x5a);
    ACC(2, 'w', 0x100 + 0x0000, 1, 0x5a);
    ACC(3, 'w', 0x100 + 0x0001, 1, 0x5a);
    CHECK_EQ(R(RDI), 0x1234000000000002ULL); /* only DI moved */
    CHECK_EQ(R(RCX), 0xabcd0000ULL);
    CHECK_EQ(E.regs.rip, RIP0 + 2);
    /* CX = 0 with upper bits set: no iteration */
    R(RCX) = 0x10000;
    F.nlog = 0;
    CHECK_EQ(RUN(0xf3, 0xab), X86_EMUL_OK);
    CHECK_EQ(F.nlog, 0);
    CHECK_EQ(R(RCX), 0x10000);
    /* addr32 in 16-bit mode: ECX and EDI */
    R(RCX) = 0x1;
    R(RDI) = 0x10000;
    CHECK_EQ(RUN(0x67, 0xf3, 0x66, 0xab), X86_EMUL_OK); /* rep stosd */
    ACC(0, 'w', 0x100 + 0x10000, 4, 0x5a);
    CHECK_EQ(R(RDI), 0x10004);
}

TEST(rep_limit_and_resume)
{
    setup(X86_MODE_64);
    E.rep_limit = 2;
    R(RDI) = 0x100;
    R(RCX) = 5;
    R(RAX) = 0x77;
    CHECK_EQ(RUN(0xf3, 0xaa), X86_EMUL_OK);
    CHECK_EQ(E.rep_partial, true);
    CHECK_EQ(R(RCX), 3);
    CHECK_EQ(R(RDI), 0x102);
    CHECK_EQ(E.regs.rip, RIP0); /* the guest runs it again */
    CHECK_EQ(RUN(0xf3, 0xaa), X86_EMUL_OK);
    CHECK_EQ(R(RCX), 1);
    CHECK_EQ(E.regs.rip, RIP0);
    CHECK_EQ(RUN(0xf3, 0xaa), X86_EMUL_OK);
    CHECK_EQ(E.rep_partial, false);
    CHECK_EQ(R(RCX), 0);
    CHECK_EQ(R(RDI), 0x105);
    CHECK_EQ(E.regs.rip, RIP0 + 2);
    CHECK_EQ(F.nlog, 5);
    /* exactly the limit: done in one go */
    E.regs.rip = RIP0;
    R(RCX) = 2;
    CHECK_EQ(RUN(0xf3, 0xaa), X86_EMUL_OK);
    CHECK_EQ(E.rep_partial, false);
    CHECK_EQ(E.regs.rip, RIP0 + 2);
    /* the default limit */
    E.rep_limit = 0;
    E.regs.rip = RIP0;
    R(RCX) = 3000;
    R(RDI) = 0x1000;
    CHECK_EQ(RUN(0xf3, 0xaa), X86_EMUL_OK);
    CHECK_EQ(R(RCX), 3000 - X86_EMUL_REP_LIMIT);
    CHECK_EQ(R(RDI), 0x1000 + X86_EMUL_REP_LIMIT);
    CHECK_EQ(E.regs.rip, RIP0);
}

TEST(rep_fault_and_retry_midway)
{
    setup(X86_MODE_64);
    /* the third dword falls off the device page into nothing: #PF */
    R(RDI) = MMIO_LIN + MMIO_SIZE - 8;
    R(RCX) = 4;
    CHECK_EQ(RUN(0xf3, 0xab), X86_EMUL_EXCEPTION);
    CHECK_EQ(E.event.vector, 14);
    CHECK_EQ(E.event.error_code, 2);
    CHECK_EQ(E.event.cr2, MMIO_LIN + MMIO_SIZE);
    CHECK_EQ(F.nlog, 2);
    CHECK_EQ(R(RCX), 2);
    CHECK_EQ(R(RDI), MMIO_LIN + MMIO_SIZE);
    CHECK_EQ(E.regs.rip, RIP0);
    /* a device that cannot answer now: RETRY keeps what was done */
    setup(X86_MODE_64);
    R(RDI) = MMIO_LIN;
    R(RCX) = 3;
    F.retry_at = 2;
    CHECK_EQ(RUN(0xf3, 0xab), X86_EMUL_RETRY);
    CHECK_EQ(R(RCX), 2);
    CHECK_EQ(R(RDI), MMIO_LIN + 4);
    CHECK_EQ(E.regs.rip, RIP0);
    CHECK_EQ(RUN(0xf3, 0xab), X86_EMUL_OK);
    CHECK_EQ(R(RCX), 0);
    CHECK_EQ(R(RDI), MMIO_LIN + 12);
    CHECK_EQ(E.regs.rip, RIP0 + 2);
    CHECK_EQ(F.nlog, 3);
    /* not REP: RETRY commits nothing */
    setup(X86_MODE_64);
    R(RDI) = MMIO_LIN;
    R(RAX) = 5;
    F.retry_at = 1;
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_RETRY);
    CHECK_EQ(R(RAX), 5);
    CHECK_EQ(E.regs.rip, RIP0);
    /* RMW whose write must wait: flags not committed */
    mmio_put(0, 4, 1);
    F.ndev = 0;
    F.retry_at = 2;
    E.regs.rflags = 0x2 | X86_EMUL_CF;
    CHECK_EQ(RUN(0x83, 0x07, 0x01), X86_EMUL_RETRY);
    CHECK_EQ(E.regs.rflags, 0x2 | X86_EMUL_CF);
    CHECK_EQ(mmio_get(0, 4), 1);
}

TEST(movs)
{
    setup(X86_MODE_64);
    ram_put(0x800, 8, 0x1122334455667788ULL);
    R(RSI) = 0x800;
    R(RDI) = MMIO_LIN + 0x20;
    CHECK_EQ(RUN(0xa5), X86_EMUL_OK); /* movsl RAM -> MMIO */
    ACC(0, 'r', 0x800, 4, 0x55667788);
    ACC(1, 'W', MMIO_GPA + 0x20, 4, 0x55667788);
    CHECK_EQ(R(RSI), 0x804);
    CHECK_EQ(R(RDI), MMIO_LIN + 0x24);
    CHECK_EQ(E.regs.rip, RIP0 + 1);
    /* rep movsb MMIO -> RAM */
    for (unsigned int i = 0; i < 4; i++)
        mmio_put(0x30 + i, 1, i + 1);
    R(RSI) = MMIO_LIN + 0x30;
    R(RDI) = 0x900;
    R(RCX) = 4;
    F.nlog = 0;
    CHECK_EQ(RUN(0xf3, 0xa4), X86_EMUL_OK);
    CHECK_EQ(ram_get(0x900, 4), 0x04030201);
    CHECK_EQ(F.nlog, 8);
    ACC(0, 'R', MMIO_GPA + 0x30, 1, 1);
    ACC(1, 'w', 0x900, 1, 1);
    ACC(6, 'R', MMIO_GPA + 0x33, 1, 4);
    ACC(7, 'w', 0x903, 1, 4);
    CHECK_EQ(R(RSI), MMIO_LIN + 0x34);
    CHECK_EQ(R(RDI), 0x904);
    CHECK_EQ(R(RCX), 0);
    /* DF = 1, rep movsq, RAM -> MMIO */
    ram_put(0xa00, 8, 0xaaaaaaaaaaaaaaaaULL);
    ram_put(0xa08, 8, 0xbbbbbbbbbbbbbbbbULL);
    E.regs.rflags |= X86_EMUL_DF;
    R(RSI) = 0xa08;
    R(RDI) = MMIO_LIN + 0x108;
    R(RCX) = 2;
    CHECK_EQ(RUN(0xf3, 0x48, 0xa5), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0x108, 8), 0xbbbbbbbbbbbbbbbbULL);
    CHECK_EQ(mmio_get(0x100, 8), 0xaaaaaaaaaaaaaaaaULL);
    CHECK_EQ(R(RSI), 0x9f8);
    CHECK_EQ(R(RDI), MMIO_LIN + 0xf8);
    E.regs.rflags &= ~X86_EMUL_DF;
    /* the source segment may be overridden: %fs:(%rsi) */
    E.seg_base[X86_SEG_FS] = 0x1000;
    ram_put(0x1010, 2, 0xbeef);
    R(RSI) = 0x10;
    R(RDI) = MMIO_LIN;
    CHECK_EQ(RUN(0x66, 0x64, 0xa5), X86_EMUL_OK);
    CHECK_EQ(mmio_get(0, 2), 0xbeef);
    CHECK_EQ(R(RSI), 0x12);
    CHECK_EQ(E.insn.seg, X86_SEG_FS);
}

TEST(movs_32bit_segments)
{
    setup(X86_MODE_32);
    E.seg_base[X86_SEG_DS] = 0x3000;
    E.seg_base[X86_SEG_ES] = 0x2000;
    ram_put(0x3010, 4, 0x33333333);
    ram_put(0x2010, 4, 0x22222222);
    R(RSI) = 0x10;
    R(RDI) = 0x100;
    CHECK_EQ(RUN(0xa5), X86_EMUL_OK); /* DS:esi -> ES:edi */
    CHECK_EQ(ram_get(0x2100, 4), 0x33333333);
    R(RSI) = 0x10;
    CHECK_EQ(RUN(0x26, 0xa5), X86_EMUL_OK); /* ES:esi -> ES:edi */
    CHECK_EQ(ram_get(0x2104, 4), 0x22222222);
    /* the destination is always ES, even with DS named */
    R(RSI) = 0x10;
    CHECK_EQ(RUN(0x3e, 0xa5), X86_EMUL_OK);
    CHECK_EQ(ram_get(0x2108, 4), 0x33333333);
    CHECK_EQ(ram_get(0x3108, 4), 0);
    /* addr16: SI/DI/CX only */
    R(RSI) = 0xffff0010;
    R(RDI) = 0xffff0200;
    R(RCX) = 0xffff0001;
    CHECK_EQ(RUN(0x67, 0xf3, 0xa5), X86_EMUL_OK);
    CHECK_EQ(ram_get(0x2200, 4), 0x33333333);
    CHECK_EQ(R(RSI), 0xffff0014);
    CHECK_EQ(R(RDI), 0xffff0204);
    CHECK_EQ(R(RCX), 0xffff0000);
}

TEST(ins_outs)
{
    setup(X86_MODE_64);
    R(RDX) = 0xffffffff00000060ULL; /* only DX names the port */
    R(RDI) = MMIO_LIN;
    CHECK_EQ(RUN(0x6c), X86_EMUL_OK); /* insb */
    ACC(0, 'I', 0x60, 1, 0x89abcdef);
    ACC(1, 'W', MMIO_GPA, 1, 0xef);
    CHECK_EQ(R(RDI), MMIO_LIN + 1);
    R(RCX) = 3;
    R(RDI) = 0x400;
    CHECK_EQ(RUN(0xf3, 0x6d), X86_EMUL_OK); /* rep insl */
    CHECK_EQ(F.nlog, 8);
    CHECK_EQ(ram_get(0x400, 4), 0x8aaccef0);
    CHECK_EQ(ram_get(0x404, 4), 0x8badcff1);
    CHECK_EQ(ram_get(0x408, 4), 0x8caed0f2);
    CHECK_EQ(R(RDI), 0x40c);
    CHECK_EQ(R(RCX), 0);
    CHECK_EQ(R(RSI), 0);
    CHECK_EQ(RUN(0x66, 0x6d), X86_EMUL_OK); /* insw */
    CHECK_EQ(ram_get(0x40c, 4), 0xd1f3);
    CHECK_EQ(F.log[8].size, 2);
    CHECK_EQ(RUN(0x48, 0x6d), X86_EMUL_OK); /* REX.W: still 32 bits */
    CHECK_EQ(F.log[10].size, 4);
    CHECK_EQ(R(RDI), 0x412);
    /* outs: memory at DS:rSI (overridable) to the port */
    R(RSI) = MMIO_LIN;
    mmio_put(0, 8, 0x0807060504030201ULL);
    F.nlog = 0;
    CHECK_EQ(RUN(0x6e), X86_EMUL_OK); /* outsb */
    ACC(0, 'R', MMIO_GPA, 1, 0x01);
    ACC(1, 'O', 0x60, 1, 0x01);
    CHECK_EQ(R(RSI), MMIO_LIN + 1);
    R(RCX) = 2;
    CHECK_EQ(RUN(0xf3, 0x66, 0x6f), X86_EMUL_OK); /* rep outsw */
    ACC(3, 'O', 0x60, 2, 0x0302);
    ACC(5, 'O', 0x60, 2, 0x0504);
    CHECK_EQ(R(RSI), MMIO_LIN + 5);
    CHECK_EQ(R(RDI), 0x412); /* OUTS leaves rDI */
    E.seg_base[X86_SEG_GS] = MMIO_LIN;
    R(RSI) = 4;
    E.regs.rflags |= X86_EMUL_DF;
    CHECK_EQ(RUN(0x65, 0x6f), X86_EMUL_OK); /* outsl %gs:(%rsi) */
    ACC(7, 'O', 0x60, 4, 0x08070605);
    CHECK_EQ(R(RSI), 0);
    /* INS: a non-canonical destination faults before the port is read */
    R(RDI) = 0x0000800000000000ULL;
    F.nlog = 0;
    CHECK_EQ(RUN(0x6c), X86_EMUL_EXCEPTION);
    CHECK_EQ(E.event.vector, 13);
    CHECK_EQ(F.nlog, 0);
    CHECK_EQ(E.regs.rip, RIP0 + 1 + 2 + 2 + 2 + 1 + 3 + 2);
}

TEST(in_out)
{
    setup(X86_MODE_64);
    R(RAX) = ~0ULL;
    CHECK_EQ(RUN(0xe4, 0x60), X86_EMUL_OK); /* in $0x60,%al */
    ACC(0, 'I', 0x60, 1, 0x89abcdef);
    CHECK_EQ(R(RAX), 0xffffffffffffffefULL);
    CHECK_EQ(E.insn.len, 2);
    CHECK_EQ(RUN(0xe5, 0x61), X86_EMUL_OK); /* in $0x61,%eax */
    CHECK_EQ(R(RAX), 0x8aaccef0);
    R(RAX) = ~0ULL;
    CHECK_EQ(RUN(0x66, 0xe5, 0x62), X86_EMUL_OK); /* in $0x62,%ax */
    CHECK_EQ(R(RAX), 0xffffffffffffcff1ULL);
    CHECK_EQ(RUN(0x48, 0xe5, 0xff), X86_EMUL_OK); /* port 0xff, 32 bits */
    ACC(3, 'I', 0xff, 4, 0x8caed0f2);
    CHECK_EQ(R(RAX), 0x8caed0f2);
    R(RDX) = 0xffff0000000003f8ULL;
    CHECK_EQ(RUN(0xec), X86_EMUL_OK); /* in (%dx),%al */
    ACC(4, 'I', 0x3f8, 1, 0x8dafd1f3);
    CHECK_EQ(R(RAX), 0x8caed0f3);
    CHECK_EQ(RUN(0xed), X86_EMUL_OK);
    ACC(5, 'I', 0x3f8, 4, 0x8eb0d2f4);
    CHECK_EQ(RUN(0x66, 0xed), X86_EMUL_OK);
    ACC(6, 'I', 0x3f8, 2, 0x8fb1d3f5);
    CHECK_EQ(R(RAX), 0x8eb0d3f5);
    R(RAX) = 0x1122334455667788ULL;
    CHECK_EQ(RUN(0xe6, 0x80), X86_EMUL_OK); /* out %al,$0x80 */
    ACC(7, 'O', 0x80, 1, 0x88);
    CHECK_EQ(RUN(0xe7, 0xf0), X86_EMUL_OK); /* out %eax,$0xf0 */
    ACC(8, 'O', 0xf0, 4, 0x55667788);
    CHECK_EQ(RUN(0x66, 0xe7, 0x70), X86_EMUL_OK);
    ACC(9, 'O', 0x70, 2, 0x7788);
    CHECK_EQ(RUN(0xee), X86_EMUL_OK);
    ACC(10, 'O', 0x3f8, 1, 0x88);
    CHECK_EQ(RUN(0x48, 0xef), X86_EMUL_OK);
    ACC(11, 'O', 0x3f8, 4, 0x55667788);
    CHECK_EQ(RUN(0x66, 0xef), X86_EMUL_OK);
    ACC(12, 'O', 0x3f8, 2, 0x7788);
    CHECK_EQ(R(RAX), 0x1122334455667788ULL);
    CHECK_EQ(E.regs.rip,
             RIP0 + 2 + 2 + 3 + 3 + 1 + 1 + 2 + 2 + 2 + 3 + 1 + 2 + 2);
    CHECK_EQ(E.regs.rflags, 0x2);
    /* 16-bit mode: IN AX is the default, 66 makes it EAX */
    setup(X86_MODE_16);
    R(RAX) = 0xffffffff;
    CHECK_EQ(RUN(0xe5, 0x60), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xffffcdef);
    CHECK_EQ(RUN(0x66, 0xe5, 0x60), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0x8aaccef0);
    /* LOCK and REP make no sense here */
    CHECK_EQ(RUN(0xf0, 0xe4, 0x60), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xf0, 0xee), X86_EMUL_UNHANDLED);
}

TEST(missing_callbacks)
{
    static const struct x86_emul_ops none = { 0 };
    static const struct x86_emul_ops ram_only = { .read = fake_read,
                                                  .write = fake_write };

    setup(X86_MODE_64);
    E.ops = &none;
    CHECK_EQ(RUN(0xe4, 0x60), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xe6, 0x60), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0x89, 0x07), X86_EMUL_UNHANDLED);
    CHECK_EQ(E.regs.rip, RIP0);
    /* RAM works, a device page without mmio callbacks does not */
    E.ops = &ram_only;
    R(RDI) = 0x100;
    CHECK_EQ(RUN(0x89, 0x07), X86_EMUL_OK);
    R(RDI) = MMIO_LIN;
    CHECK_EQ(RUN(0x89, 0x07), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0x6c), X86_EMUL_UNHANDLED);
    CHECK_EQ(E.regs.rip, RIP0 + 2);
}

static int odd_read(struct x86_emul *e, u64 lin, unsigned int size, u64 *val,
                    u64 *gpa)
{
    return X86_EMUL_TRUNCATED; /* not a callback answer */
}

TEST(odd_callback_answers_are_unhandled)
{
    static const struct x86_emul_ops odd = { .read = odd_read };

    setup(X86_MODE_64);
    E.ops = &odd;
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_UNHANDLED);
    CHECK_EQ(E.regs.rip, RIP0);
}

/* ------------------------------------------------------------ refusals */

/* One-byte opcodes the emulator takes (with a memory ModRM where needed). */
static bool accepted_1byte(u8 b, enum x86_emul_mode mode)
{
    if (b < 0x40 && (b & 7) < 4)
        return true;
    if (b == 0x82)
        return mode != X86_MODE_64;
    return b == 0x80 || b == 0x81 || b == 0x83 || (b >= 0x84 && b <= 0x8b) ||
           (b >= 0xa0 && b <= 0xa5) || b == 0xaa || b == 0xab ||
           (b >= 0x6c && b <= 0x6f) || b == 0xc6 || b == 0xc7 ||
           (b >= 0xe4 && b <= 0xe7) || (b >= 0xec && b <= 0xef) || b == 0xf6 ||
           b == 0xf7 || b == 0xf4; /* HLT: decoded for its length */
}

static bool is_prefix(u8 b, enum x86_emul_mode mode)
{
    if (mode == X86_MODE_64 && (b & 0xf0) == 0x40)
        return true;
    return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 ||
           b == 0x65 || b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 ||
           b == 0xf3;
}

TEST(every_opcode_byte)
{
    static const enum x86_emul_mode modes[] = { X86_MODE_16, X86_MODE_32,
                                                X86_MODE_64 };
    unsigned int bad = 0, ok = 0;

    for (unsigned int mi = 0; mi < 3; mi++) {
        for (unsigned int b = 0; b < 256; b++) {
            /* modrm (%bx)/(%rdi) /0, then room for any tail */
            u8 buf[12] = { (u8)b, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
            bool want = accepted_1byte((u8)b, modes[mi]);
            int rc;

            if (is_prefix((u8)b, modes[mi]))
                continue;
            rc = dec_bytes(modes[mi], buf, sizeof(buf));
            if ((rc == X86_EMUL_OK) != want ||
                (!want && rc != X86_EMUL_UNHANDLED)) {
                if (bad++ < 8)
                    printf("  mode %u opcode %#x: rc %d\n", mi, b, rc);
            }
            ok += want;
            /* 0F xx: the four MOVZX/MOVSX, and the system ones' lengths */
            buf[0] = 0x0f;
            buf[1] = (u8)b;
            buf[2] = 0x07;
            rc = dec_bytes(modes[mi], buf, sizeof(buf));
            want = b == 0xb6 || b == 0xb7 || b == 0xbe || b == 0xbf ||
                   b == 0xa2 || b == 0x30 || b == 0x32 || b == 0x08 ||
                   b == 0x09;
            if (rc != (want ? X86_EMUL_OK : X86_EMUL_UNHANDLED)) {
                if (bad++ < 8)
                    printf("  mode %u opcode 0f %#x: rc %d\n", mi, b, rc);
            }
        }
    }
    CHECK_EQ(bad, 0);
    /* 64-bit: 32 ALU forms, 80/81/83, 84-8B, A0-A5, AA/AB, 6C-6F, C6/C7,
     * E4-E7, EC-EF, F6/F7, F4 */
    CHECK_EQ(ok, 3 * (32 + 3 + 8 + 6 + 2 + 4 + 2 + 4 + 4 + 2 + 1) + 2);
}

TEST(register_operands_refused)
{
    static const u8 modrm_ops[] = { 0x00, 0x01, 0x02, 0x03, 0x09, 0x0b, 0x11,
                                    0x13, 0x19, 0x1b, 0x21, 0x23, 0x29, 0x2b,
                                    0x31, 0x33, 0x39, 0x3b, 0x80, 0x81, 0x83,
                                    0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a,
                                    0x8b, 0xc6, 0xc7, 0xf6, 0xf7 };
    unsigned int bad = 0;

    setup(X86_MODE_64);
    for (unsigned int i = 0; i < sizeof(modrm_ops); i++) {
        for (unsigned int m = 0xc0; m < 0x100; m += 9) {
            u8 buf[8] = { modrm_ops[i], (u8)m, 1, 0, 0, 0, 0, 0 };

            if (modrm_ops[i] >= 0xc6)
                buf[1] &= 0xc7; /* /0 */
            if (run_bytes(buf, sizeof(buf)) != X86_EMUL_UNHANDLED)
                bad++;
        }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(RUN(0x0f, 0xb7, 0xc8), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0x48, 0x0f, 0xbe, 0xff), X86_EMUL_UNHANDLED);
    CHECK_EQ(F.nlog, 0);
    CHECK_EQ(E.regs.rip, RIP0);
    CHECK_EQ(R(RAX), 0);
}

TEST(lock_rules)
{
    setup(X86_MODE_64);
    R(RDI) = MMIO_LIN;
    /* lockable: RMW with memory destination, XCHG */
    CHECK_EQ(RUN(0xf0, 0x01, 0x07), X86_EMUL_OK);       /* lock add */
    CHECK_EQ(RUN(0xf0, 0x08, 0x07), X86_EMUL_OK);       /* lock or %al */
    CHECK_EQ(RUN(0xf0, 0x48, 0x29, 0x07), X86_EMUL_OK); /* lock sub */
    CHECK_EQ(RUN(0xf0, 0x83, 0x37, 0x01), X86_EMUL_OK); /* lock xorl $1 */
    CHECK_EQ(RUN(0xf0, 0x80, 0x0f, 0x01), X86_EMUL_OK); /* lock orb $1 */
    CHECK_EQ(RUN(0xf0, 0x86, 0x07), X86_EMUL_OK);       /* lock xchg */
    CHECK_EQ(RUN(0x66, 0xf0, 0x11, 0x07), X86_EMUL_OK); /* lock adc */
    CHECK_EQ(F.nlog, 14);
    F.nlog = 0;
    /* not lockable: #UD, nothing touched */
    CHECK_EQ(RUN(0xf0, 0x03, 0x07), X86_EMUL_UNHANDLED); /* reg dest */
    CHECK_EQ(RUN(0xf0, 0x02, 0x07), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xf0, 0x39, 0x07), X86_EMUL_UNHANDLED); /* cmp */
    CHECK_EQ(RUN(0xf0, 0x38, 0x07), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xf0, 0x83, 0x3f, 0x01), X86_EMUL_UNHANDLED); /* cmp $ */
    CHECK_EQ(RUN(0xf0, 0x85, 0x07), X86_EMUL_UNHANDLED);       /* test */
    CHECK_EQ(RUN(0xf0, 0xf6, 0x07, 0x01), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xf0, 0x89, 0x07), X86_EMUL_UNHANDLED); /* mov */
    CHECK_EQ(RUN(0xf0, 0x8b, 0x07), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xf0, 0xc7, 0x07, 0, 0, 0, 0), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xf0, 0xa1, 0, 0, 0, 0, 0, 0, 0, 0), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xf0, 0x0f, 0xb6, 0x07), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xf0, 0xaa), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xf0, 0xf3, 0xa4), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xf0, 0x6c), X86_EMUL_UNHANDLED);
    CHECK_EQ(RUN(0xf0, 0xef), X86_EMUL_UNHANDLED);
    /* and never with a register operand */
    CHECK_EQ(RUN(0xf0, 0x01, 0xc0), X86_EMUL_UNHANDLED);
    CHECK_EQ(F.nlog, 0);
    CHECK_EQ(E.regs.rip, RIP0 + 3 + 3 + 4 + 4 + 4 + 3 + 4);
}

TEST(every_truncation_point)
{
    /*
     * lock addq $0xdeadbeef,%gs:0x40(%eax,%ecx,4): every part there is,
     * 15 bytes: F0 65 67 48 | 81 | 84 | 88 | disp32 | imm32
     */
    static const u8 insn[15] = { 0xf0, 0x65, 0x67, 0x48, 0x81, 0x84, 0x88, 0x40,
                                 0x00, 0x00, 0x00, 0xef, 0xbe, 0xad, 0xde };
    struct x86_emul_regs saved;

    for (size_t n = 0; n < sizeof(insn); n++) {
        setup(X86_MODE_64);
        saved = E.regs;
        CHECK_EQ(run_bytes(insn, n), X86_EMUL_TRUNCATED);
        CHECK_EQ(F.nlog, 0);
        CHECK(!memcmp(&saved, &E.regs, sizeof(saved)));
        CHECK_EQ(dec_bytes(X86_MODE_64, insn, n), X86_EMUL_TRUNCATED);
    }
    setup(X86_MODE_64);
    E.seg_base[X86_SEG_GS] = MMIO_LIN;
    R(RAX) = 0xffffffff00000010ULL;
    R(RCX) = 4;
    mmio_put(0x60, 8, 0x100000000ULL);
    CHECK_EQ(run_bytes(insn, sizeof(insn)), X86_EMUL_OK);
    CHECK_EQ(E.insn.len, 15);
    CHECK_EQ(mmio_get(0x60, 8), 0xdeadbeefULL);
    CHECK_EQ(FL(X86_EMUL_CF), X86_EMUL_CF);
    CHECK_EQ(E.regs.rip, RIP0 + 15);
    CHECK_EQ(E.insn.lock, true);
    CHECK_EQ(E.insn.seg, X86_SEG_GS);
    CHECK_EQ(E.insn.addr_bytes, 4);
    CHECK_EQ(E.insn.op_bytes, 8);
    CHECK_EQ(E.insn.rex, 0x48);
    CHECK_EQ(E.insn.ea.base, X86_RAX);
    CHECK_EQ(E.insn.ea.index, X86_RCX);
    CHECK_EQ(E.insn.ea.scale, 4);
    CHECK_EQ(E.insn.ea.disp, 0x40);
    CHECK_EQ(E.insn.imm, 0xffffffffdeadbeefULL);
}

TEST(truncation_elsewhere)
{
    static const struct {
        enum x86_emul_mode mode;
        u8 len;
        u8 b[12];
    } cases[] = {
        { X86_MODE_64, 10, { 0x48, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8 } },
        { X86_MODE_32, 5, { 0xa1, 1, 2, 3, 4 } },
        { X86_MODE_16, 3, { 0xa1, 1, 2 } },
        { X86_MODE_16, 4, { 0x8b, 0x87, 0x00, 0x10 } },
        { X86_MODE_16, 5, { 0xc7, 0x46, 0x02, 0x34, 0x12 } },
        { X86_MODE_64, 5, { 0x66, 0xc7, 0x07, 0x01, 0x80 } },
        { X86_MODE_64, 2, { 0xe4, 0x60 } },
        { X86_MODE_64, 3, { 0x0f, 0xb6, 0x07 } },
        { X86_MODE_64, 8, { 0x0f, 0xb6, 0x84, 0x24, 0, 1, 0, 0 } },
        { X86_MODE_64, 7, { 0x8b, 0x04, 0x25, 0, 0, 0, 0 } },
        { X86_MODE_64, 6, { 0x8b, 0x05, 1, 2, 3, 4 } },
        { X86_MODE_32, 5, { 0xf6, 0x44, 0x24, 0x04, 0x80 } },
        { X86_MODE_32, 3, { 0x67, 0x8b, 0x00 } },
        { X86_MODE_32, 5, { 0x67, 0x8b, 0x06, 0x34, 0x12 } },
        { X86_MODE_32, 8, { 0x67, 0x66, 0x81, 0x80, 0x00, 0x01, 0xff, 0xff } },
        { X86_MODE_64,
          12,
          { 0x64, 0x66, 0x41, 0xc7, 0x84, 0x24, 0x10, 0x00, 0x00, 0x00, 0x01,
            0x00 } },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t n = 0; n < cases[i].len; n++)
            CHECK_EQ(dec_bytes(cases[i].mode, cases[i].b, n),
                     X86_EMUL_TRUNCATED);
        CHECK_EQ(dec_bytes(cases[i].mode, cases[i].b, cases[i].len),
                 X86_EMUL_OK);
        CHECK_EQ(I.len, cases[i].len);
    }
    /* every whole instruction of the table decodes at its length */
    CHECK_EQ(DEC(X86_MODE_64, 0x48, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8), X86_EMUL_OK);
    CHECK_EQ(I.moffs, 0x0807060504030201ULL);
    CHECK_EQ(DEC(X86_MODE_32, 0xa1, 1, 2, 3, 4), X86_EMUL_OK);
    CHECK_EQ(I.moffs, 0x04030201ULL);
    CHECK_EQ(DEC(X86_MODE_16, 0xa1, 0xfe, 0xff), X86_EMUL_OK);
    CHECK_EQ(I.moffs, 0xfffe); /* zero-extended */
    CHECK_EQ(DEC(X86_MODE_64), X86_EMUL_TRUNCATED);
    CHECK_EQ(DEC(X86_MODE_64, 0x66), X86_EMUL_TRUNCATED);
    CHECK_EQ(DEC(X86_MODE_64, 0x48), X86_EMUL_TRUNCATED);
    CHECK_EQ(DEC(X86_MODE_64, 0x0f), X86_EMUL_TRUNCATED);
    CHECK_EQ(DEC(X86_MODE_64, 0x89), X86_EMUL_TRUNCATED);
    CHECK_EQ(DEC(X86_MODE_64, 0x89, 0x04), X86_EMUL_TRUNCATED);
    CHECK_EQ(DEC(X86_MODE_64, 0x89, 0x44, 0x24), X86_EMUL_TRUNCATED);
}

TEST(fifteen_byte_limit)
{
    u8 buf[24];
    struct x86_emul_regs saved;

    /* 13 prefixes + 89 07 = 15 bytes: fine */
    memset(buf, 0x66, sizeof(buf));
    buf[13] = 0x89;
    buf[14] = 0x07;
    setup(X86_MODE_64);
    R(RDI) = MMIO_LIN;
    CHECK_EQ(run_bytes(buf, 15), X86_EMUL_OK);
    CHECK_EQ(E.insn.len, 15);
    CHECK_EQ(F.log[0].size, 2);
    /* 14 prefixes + 89 07 = 16 bytes: #GP(0), nothing done */
    memset(buf, 0x3e, sizeof(buf));
    buf[14] = 0x89;
    buf[15] = 0x07;
    setup(X86_MODE_64);
    saved = E.regs;
    CHECK_EQ(run_bytes(buf, 16), X86_EMUL_EXCEPTION);
    CHECK_EQ(E.event.vector, 13);
    CHECK_EQ(E.event.has_error_code, true);
    CHECK_EQ(E.event.error_code, 0);
    CHECK_EQ(F.nlog, 0);
    CHECK(!memcmp(&saved, &E.regs, sizeof(saved)));
    CHECK_EQ(dec_bytes(X86_MODE_64, buf, 16), X86_EMUL_EXCEPTION);
    /* the 16th byte is refused whether or not the caller had it */
    CHECK_EQ(dec_bytes(X86_MODE_64, buf, 15), X86_EMUL_EXCEPTION);
    CHECK_EQ(dec_bytes(X86_MODE_64, buf, 14), X86_EMUL_TRUNCATED);
    /* all prefixes, however many bytes supplied */
    memset(buf, 0xf3, sizeof(buf));
    CHECK_EQ(dec_bytes(X86_MODE_32, buf, 15), X86_EMUL_EXCEPTION);
    CHECK_EQ(dec_bytes(X86_MODE_32, buf, 24), X86_EMUL_EXCEPTION);
    CHECK_EQ(dec_bytes(X86_MODE_32, buf, 10), X86_EMUL_TRUNCATED);
    /* REX bytes count as prefixes too */
    memset(buf, 0x48, sizeof(buf));
    buf[14] = 0x89;
    buf[15] = 0x07;
    CHECK_EQ(dec_bytes(X86_MODE_64, buf, 16), X86_EMUL_EXCEPTION);
    /* an immediate that crosses the limit: 9 + c7 07 imm32 = 15, 10 = 16 */
    memset(buf, 0x2e, sizeof(buf));
    memcpy(buf + 9, (const u8[]){ 0xc7, 0x07, 1, 2, 3, 4 }, 6);
    CHECK_EQ(dec_bytes(X86_MODE_64, buf, 15), X86_EMUL_OK);
    CHECK_EQ(I.len, 15);
    CHECK_EQ(I.imm, 0x04030201);
    memset(buf, 0x2e, sizeof(buf));
    memcpy(buf + 10, (const u8[]){ 0xc7, 0x07, 1, 2, 3, 4 }, 6);
    CHECK_EQ(dec_bytes(X86_MODE_64, buf, 16), X86_EMUL_EXCEPTION);
    /* more than 15 bytes supplied: only the instruction is used */
    CHECK_EQ(DEC(X86_MODE_64, 0x89, 0x07, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
                 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc),
             X86_EMUL_OK);
    CHECK_EQ(I.len, 2);
}

TEST(prefix_rules)
{
    /* REX followed by a legacy prefix is dropped */
    CHECK_EQ(DEC(X86_MODE_64, 0x48, 0x66, 0x89, 0x07), X86_EMUL_OK);
    CHECK_EQ(I.rex, 0);
    CHECK_EQ(I.op_bytes, 2);
    CHECK_EQ(I.len, 4);
    /* REX.W wins over 66 */
    CHECK_EQ(DEC(X86_MODE_64, 0x66, 0x48, 0x89, 0x07), X86_EMUL_OK);
    CHECK_EQ(I.rex, 0x48);
    CHECK_EQ(I.op_bytes, 8);
    /* of two REX bytes the last counts */
    CHECK_EQ(DEC(X86_MODE_64, 0x48, 0x41, 0x89, 0x07), X86_EMUL_OK);
    CHECK_EQ(I.op_bytes, 4);
    CHECK_EQ(I.ea.base, X86_R15);
    /* a dropped REX.B does not reach the ModRM */
    CHECK_EQ(DEC(X86_MODE_64, 0x41, 0x2e, 0x89, 0x07), X86_EMUL_OK);
    CHECK_EQ(I.ea.base, X86_RDI);
    CHECK_EQ(I.reg, X86_RAX);
    /* REX.R for reg, REX.X for index, REX.B for base */
    CHECK_EQ(DEC(X86_MODE_64, 0x47, 0x89, 0x04, 0x8b), X86_EMUL_OK);
    CHECK_EQ(I.reg, X86_R8);
    CHECK_EQ(I.ea.index, X86_R9);
    CHECK_EQ(I.ea.base, X86_R11);
    CHECK_EQ(I.ea.scale, 4);
    /* default sizes per mode */
    CHECK_EQ(DEC(X86_MODE_16, 0x89, 0x07), X86_EMUL_OK);
    CHECK(I.op_bytes == 2 && I.addr_bytes == 2);
    CHECK_EQ(DEC(X86_MODE_16, 0x66, 0x67, 0x89, 0x07), X86_EMUL_OK);
    CHECK(I.op_bytes == 4 && I.addr_bytes == 4);
    CHECK_EQ(DEC(X86_MODE_32, 0x89, 0x07), X86_EMUL_OK);
    CHECK(I.op_bytes == 4 && I.addr_bytes == 4);
    CHECK_EQ(DEC(X86_MODE_32, 0x66, 0x67, 0x89, 0x07), X86_EMUL_OK);
    CHECK(I.op_bytes == 2 && I.addr_bytes == 2);
    CHECK_EQ(DEC(X86_MODE_64, 0x89, 0x07), X86_EMUL_OK);
    CHECK(I.op_bytes == 4 && I.addr_bytes == 8);
    CHECK_EQ(DEC(X86_MODE_64, 0x66, 0x67, 0x89, 0x07), X86_EMUL_OK);
    CHECK(I.op_bytes == 2 && I.addr_bytes == 4);
    /* repeated and mixed prefixes */
    CHECK_EQ(DEC(X86_MODE_32, 0xf2, 0xf3, 0x66, 0x66, 0x26, 0xab), X86_EMUL_OK);
    CHECK_EQ(I.rep, 0xf3);
    CHECK_EQ(I.op_bytes, 2);
    CHECK_EQ(I.len, 6);
    CHECK_EQ(I.kind, X86_K_STOS);
    /* REP on a non-string form is ignored (the CPU does) */
    CHECK_EQ(DEC(X86_MODE_64, 0xf3, 0x89, 0x07), X86_EMUL_OK);
    CHECK_EQ(I.kind, X86_K_MOV);
    /* kinds */
    CHECK_EQ(DEC(X86_MODE_64, 0x31, 0x07), X86_EMUL_OK);
    CHECK(I.kind == X86_K_ALU && I.alu == X86_ALU_XOR);
    CHECK_EQ(DEC(X86_MODE_64, 0x83, 0x27, 0x01), X86_EMUL_OK);
    CHECK(I.kind == X86_K_GRP1 && I.alu == X86_ALU_AND && I.imm == 1);
    CHECK_EQ(DEC(X86_MODE_64, 0x0f, 0xbf, 0x07), X86_EMUL_OK);
    CHECK(I.kind == X86_K_MOVX && I.src_bytes == 2 && I.twobyte);
    CHECK_EQ(DEC(X86_MODE_64, 0x6f), X86_EMUL_OK);
    CHECK(I.kind == X86_K_OUTS && I.seg == X86_SEG_DS);
    CHECK_EQ(DEC(X86_MODE_64, 0xe4, 0xff), X86_EMUL_OK);
    CHECK(I.kind == X86_K_IN && I.imm == 0xff); /* not sign-extended */
}

TEST(memory_exceptions)
{
    struct x86_emul_regs saved;

    /* a read that faults: nothing committed */
    setup(X86_MODE_64);
    R(RDI) = 0x50000;
    R(RAX) = 7;
    saved = E.regs;
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_EXCEPTION);
    CHECK_EQ(E.event.vector, 14);
    CHECK_EQ(E.event.error_code, 0);
    CHECK_EQ(E.event.cr2, 0x50000);
    CHECK(!memcmp(&saved, &E.regs, sizeof(saved)));
    /* a read-modify-write whose write faults: flags untouched */
    F.ro_lo = 0x100;
    F.ro_hi = 0x200;
    R(RDI) = 0x180;
    R(RCX) = 1;
    E.regs.rflags = 0x2 | X86_EMUL_ZF;
    saved = E.regs;
    CHECK_EQ(RUN(0x01, 0x0f), X86_EMUL_EXCEPTION);
    CHECK_EQ(E.event.error_code, 3);
    CHECK_EQ(F.nlog, 1);
    CHECK_EQ(F.log[0].kind, 'r');
    CHECK(!memcmp(&saved, &E.regs, sizeof(saved)));
    /* XCHG whose write faults: the register keeps its value */
    ram_put(0x180, 4, 0x5555);
    R(RAX) = 0x1234;
    CHECK_EQ(RUN(0x87, 0x07), X86_EMUL_EXCEPTION);
    CHECK_EQ(R(RAX), 0x1234);
    CHECK_EQ(ram_get(0x180, 4), 0x5555);
    /* a CMP or a load from read-only memory is fine */
    CHECK_EQ(RUN(0x39, 0x07), X86_EMUL_OK);
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0x5555);
    /* MOVS whose store faults: rSI/rDI/rCX stay */
    R(RSI) = 0x400;
    R(RDI) = 0x180;
    R(RCX) = 3;
    saved = E.regs;
    CHECK_EQ(RUN(0xf3, 0xa4), X86_EMUL_EXCEPTION);
    CHECK(!memcmp(&saved, &E.regs, sizeof(saved)));
}

TEST(non_canonical_addresses)
{
    setup(X86_MODE_64);
    R(RDI) = 0x0000800000000000ULL;
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_EXCEPTION);
    CHECK(E.event.vector == 13 && E.event.has_error_code &&
          E.event.error_code == 0);
    R(RDI) = 0xffff7fffffffffffULL;
    CHECK_EQ(RUN(0x89, 0x07), X86_EMUL_EXCEPTION);
    CHECK_EQ(E.event.vector, 13);
    /* the last byte counts: 4 bytes at 0x7ffffffffffe */
    R(RDI) = 0x00007ffffffffffeULL;
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_EXCEPTION);
    CHECK_EQ(E.event.vector, 13);
    /* stack-based references raise #SS instead */
    R(RSP) = 0x0000900000000000ULL;
    CHECK_EQ(RUN(0x8b, 0x04, 0x24), X86_EMUL_EXCEPTION);
    CHECK_EQ(E.event.vector, 12);
    R(RBP) = 0x0000900000000000ULL;
    CHECK_EQ(RUN(0x8b, 0x45, 0x00), X86_EMUL_EXCEPTION);
    CHECK_EQ(E.event.vector, 12);
    /* r13 is not rBP: #GP */
    R(R13) = 0x0000900000000000ULL;
    CHECK_EQ(RUN(0x41, 0x8b, 0x45, 0x00), X86_EMUL_EXCEPTION);
    CHECK_EQ(E.event.vector, 13);
    /* an FS base that pushes a fine offset out of range */
    E.seg_base[X86_SEG_FS] = 0x00007fffffffff00ULL;
    R(RDI) = 0x100;
    CHECK_EQ(RUN(0x64, 0x8b, 0x07), X86_EMUL_EXCEPTION);
    CHECK_EQ(E.event.vector, 13);
    /* canonical high half is fine (and unmapped here: #PF) */
    R(RDI) = 0xffff800000000000ULL;
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_EXCEPTION);
    CHECK_EQ(E.event.vector, 14);
    CHECK_EQ(F.nlog, 0);
    CHECK_EQ(E.regs.rip, RIP0);
    /* 32-bit mode has no canonical check; the address wraps instead */
    setup(X86_MODE_32);
    R(RDI) = 0xffffffff;
    E.seg_base[X86_SEG_DS] = 0x11;
    ram_put(0x10, 4, 0xabcdef01);
    CHECK_EQ(RUN(0x8b, 0x07), X86_EMUL_OK);
    CHECK_EQ(R(RAX), 0xabcdef01);
}

/* ------------------------------------------------------------ lengths */

/* Intercepted instructions without NRIPS: decoded only for their length. */
TEST(system_insn_lengths)
{
    CHECK_EQ(DEC(X86_MODE_16, 0xf4), X86_EMUL_OK);
    CHECK_EQ(I.kind, X86_K_SYSTEM);
    CHECK_EQ(I.len, 1);
    CHECK_EQ(DEC(X86_MODE_64, 0x0f, 0xa2), X86_EMUL_OK);
    CHECK_EQ(I.len, 2);
    /* prefixes count: an operand-size prefix, a REX, a segment */
    CHECK_EQ(DEC(X86_MODE_64, 0x66, 0x48, 0x0f, 0x32), X86_EMUL_OK);
    CHECK_EQ(I.len, 4);
    CHECK_EQ(DEC(X86_MODE_32, 0x2e, 0x3e, 0x0f, 0x30), X86_EMUL_OK);
    CHECK_EQ(I.len, 4);
    CHECK_EQ(DEC(X86_MODE_32, 0xf3, 0xf4), X86_EMUL_OK);
    CHECK_EQ(I.len, 2);
    CHECK_EQ(DEC(X86_MODE_32, 0x0f, 0x09), X86_EMUL_OK);
    CHECK_EQ(I.len, 2);
    /* 0F 01: VMMCALL D9 and MONITOR C8 are three bytes, memory forms not */
    CHECK_EQ(DEC(X86_MODE_64, 0x0f, 0x01, 0xd9), X86_EMUL_OK);
    CHECK_EQ(I.len, 3);
    CHECK_EQ(DEC(X86_MODE_64, 0x0f, 0x01, 0xc8), X86_EMUL_OK);
    CHECK_EQ(DEC(X86_MODE_64, 0x0f, 0x01, 0x10), X86_EMUL_UNHANDLED);
    CHECK_EQ(DEC(X86_MODE_64, 0x0f, 0x01), X86_EMUL_TRUNCATED);
    /* LOCK is #UD; 15 prefixes then the opcode is too long */
    CHECK_EQ(DEC(X86_MODE_64, 0xf0, 0xf4), X86_EMUL_UNHANDLED);
    CHECK_EQ(DEC(X86_MODE_64, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0xf4),
             X86_EMUL_EXCEPTION);
    /* x86_emulate never executes them */
    setup(X86_MODE_64);
    CHECK_EQ(RUN(0xf4), X86_EMUL_UNHANDLED);
    CHECK_EQ(E.regs.rip, RIP0);
}
