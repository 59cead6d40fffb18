/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU descriptor tables, syscall MSRs and control-register features. */
#include "arch.h"
#include "lib.h"
#include "mm.h"
#include "asm/cpu.h"
#include "asm/mm.h"
#include "asm/percpu.h"
#include "asm/x86.h"

struct idt_gate {
    u16 off0;
    u16 sel;
    u8 ist;
    u8 type;
    u16 off1;
    u32 off2;
    u32 rsvd;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
extern const char vector_stubs[];
extern const char syscall_common[];

bool cpu_has_smap, cpu_has_smep;
u32 cpu_vendor_ebx;

#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3

static void set_gate(unsigned int vec, unsigned int dpl, unsigned int ist)
{
    u64 addr = (u64)(uintptr_t)(vector_stubs + 16 * vec);

    idt[vec].off0 = addr & 0xffff;
    idt[vec].sel = HYP_CS;
    idt[vec].ist = ist;
    idt[vec].type = 0x8e | (dpl << 5); /* present interrupt gate */
    idt[vec].off1 = (addr >> 16) & 0xffff;
    idt[vec].off2 = addr >> 32;
    idt[vec].rsvd = 0;
}

static void idt_build(void)
{
    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, 0, 0);
    /* int3 and into are usable from ring 3, as on bare metal. */
    set_gate(TRAP_BP, 3, 0);
    set_gate(TRAP_OF, 3, 0);
    /* Stacks that are known good even if RSP is not. */
    set_gate(TRAP_DF, 0, IST_DF);
    /*
     * #DB too: a guest data breakpoint on the operand of `mov %ss` is
     * delivered after the following syscall, at Vesper's entry stub with
     * the guest's RSP still loaded (CVE-2018-8897). It shares #DF's stack:
     * a #DF is fatal, so it never needs the #DB frame it would overwrite.
     */
    set_gate(TRAP_DB, 0, IST_DF);
    set_gate(TRAP_NMI, 0, IST_NMI);
    set_gate(TRAP_MC, 0, IST_MC);
}

static u64 seg_desc(u32 flags_hi)
{
    /* base 0, limit 0xfffff; flags_hi holds the access byte and flags. */
    return 0x000000000000ffffUL | ((u64)flags_hi << 32);
}

/* Descriptors in Vesper's GDT page: selector 0xe000 + x is offset x. */
#define HYP_SEL(sel) (((sel)-0xe000) / 8)

mfn_t gdt_zero_mfn;

static void gdt_build(struct percpu *pc)
{
    u64 *g = pc->gdt;
    u64 tss = (u64)(uintptr_t)&pc->tss;
    u64 lim = sizeof(pc->tss) - 1;
    static u64 *zero_page;

    memset(g, 0, PAGE_SIZE);
    g[HYP_SEL(HYP_CS)] = seg_desc(0x00af9a00); /* ring-0 64-bit code */
    g[HYP_SEL(HYP_DS)] = seg_desc(0x00cf9200); /* ring-0 data */
    g[HYP_SEL(FLAT_RING3_CS32_VAL)] =
        seg_desc(0x00cffa00); /* ring-3 32-bit code */
    g[HYP_SEL(FLAT_RING3_SS64_VAL)] = seg_desc(0x00cff200); /* ring-3 data */
    g[HYP_SEL(FLAT_RING3_CS64_VAL)] =
        seg_desc(0x00affa00); /* ring-3 64-bit code */
    g[HYP_SEL(HYP_TSS)] = (lim & 0xffff) | ((tss & 0xffffff) << 16) |
                          (0x89UL << 40) | (((lim >> 16) & 0xf) << 48) |
                          (((tss >> 24) & 0xff) << 56);
    g[HYP_SEL(HYP_TSS) + 1] = tss >> 32;

    /* Guest pages start as a shared page of null descriptors. */
    if (!zero_page)
        zero_page = alloc_page_va();
    if (!zero_page)
        panic("no memory for the GDT window");
    gdt_zero_mfn = virt_to_mfn(zero_page);
    pc->gdt_va = GDT_VIRT(pc->cpu_id);
    map_pages(idle_l4, pc->gdt_va, gdt_zero_mfn, GUEST_GDT_PAGES,
              _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX);
    pc->ldt_va = LDT_VIRT(pc->cpu_id);
    map_pages(idle_l4, pc->ldt_va, gdt_zero_mfn, LDT_MAX_ENTS * 8 / PAGE_SIZE,
              _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX);
    map_pages(idle_l4, pc->gdt_va + GUEST_GDT_PAGES * PAGE_SIZE, virt_to_mfn(g),
              1,
              _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY |
                  _PAGE_GLOBAL | _PAGE_NX);
}

/* Show a descriptor frame (or the zero page) at va in a window. */
static void window_map(u64 va, mfn_t mfn)
{
    u64 flags = _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX;

    /* The CPU sets accessed bits in loaded descriptors. */
    if (mfn != gdt_zero_mfn)
        flags |= _PAGE_RW | _PAGE_DIRTY;
    *hyp_l1e(va) = (mfn << PAGE_SHIFT) | flags;
    invlpg((void *)(uintptr_t)va);
}

/* Point GDT page i of this CPU's window at mfn (a guest descriptor frame). */
void gdt_map_page(unsigned int i, mfn_t mfn)
{
    window_map(this_cpu()->gdt_va + (u64)i * PAGE_SIZE, mfn);
}

void ldt_map_page(unsigned int i, mfn_t mfn)
{
    window_map(this_cpu()->ldt_va + (u64)i * PAGE_SIZE, mfn);
}

/*
 * Show the LDT frames in this CPU's LDT window and load LDTR with a
 * system descriptor for it (Xen's slot 0xe050); no entries: no LDT. A
 * page not mapped yet is not present: its first use faults, and the
 * fault maps it (pv_ldt_fault).
 */
void ldt_load(const mfn_t *frames, unsigned int ents)
{
    struct percpu *pc = this_cpu();
    unsigned int pages = (ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
    u64 base = pc->ldt_va, lim = ents * 8UL - 1;

    for (unsigned int i = 0; i < LDT_MAX_ENTS * 8 / PAGE_SIZE; i++) {
        u64 va = base + (u64)i * PAGE_SIZE;

        if (i < pages && frames[i]) {
            window_map(va, frames[i]);
        } else {
            *hyp_l1e(va) = 0;
            invlpg((void *)(uintptr_t)va);
        }
    }
    if (!ents) {
        __asm__ volatile("lldt %w0" ::"r"(0));
        return;
    }
    pc->gdt[HYP_SEL(HYP_LDT)] = (lim & 0xffff) | ((base & 0xffffff) << 16) |
                                (0x82UL << 40) | (((lim >> 16) & 0xf) << 48) |
                                (((base >> 24) & 0xff) << 56);
    pc->gdt[HYP_SEL(HYP_LDT) + 1] = base >> 32;
    __asm__ volatile("lldt %w0" ::"r"(HYP_LDT));
}

/*
 * SYSCALL leaves RSP as the guest had it. Each CPU gets its own stub page,
 * mapped executable in the per-CPU slot next to a writable scratch page,
 * that parks the guest RSP in the guest frame and moves onto this CPU's
 * stack before jumping to the shared code. Returns the stub's address.
 */
static u64 build_syscall_stub(struct percpu *pc)
{
    u8 *code = pc->block + PCPU_STUB_OFFSET;
    u64 *scratch = (u64 *)(pc->block + PCPU_SCRATCH_OFFSET);
    u64 stub_va = PERCPU_VIRT_START + pc->cpu_id * 2 * PAGE_SIZE;
    u64 scratch_va = stub_va + PAGE_SIZE;
    u64 frame_top = (u64)(uintptr_t)(&pc->info->guest_regs.rsp + 1);
    u8 *p = code;
    s32 rel;

#define EMIT_REL(target)                                         \
    do {                                                         \
        rel = (s32)((target) - (stub_va + (u64)(p - code) + 4)); \
        memcpy(p, &rel, 4);                                      \
        p += 4;                                                  \
    } while (0)
    *p++ = 0x48, *p++ = 0x89, *p++ = 0x25; /* mov %rsp, scratch[0](%rip) */
    EMIT_REL(scratch_va);
    *p++ = 0x48, *p++ = 0xbc; /* movabs $frame_top, %rsp */
    memcpy(p, &frame_top, 8), p += 8;
    *p++ = 0xff, *p++ = 0x35; /* pushq scratch[0](%rip) */
    EMIT_REL(scratch_va);
    *p++ = 0xff, *p++ = 0x25; /* jmp *scratch[1](%rip) */
    EMIT_REL(scratch_va + 8);
#undef EMIT_REL
    scratch[1] = (u64)(uintptr_t)syscall_common;

    map_pages(idle_l4, stub_va, virt_to_mfn(code), 1,
              _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL);
    map_pages(idle_l4, scratch_va, virt_to_mfn(scratch), 1,
              _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY |
                  _PAGE_GLOBAL | _PAGE_NX);
    invlpg((void *)(uintptr_t)stub_va);
    invlpg((void *)(uintptr_t)scratch_va);
    return stub_va;
}

void cpu_init(struct percpu *pc)
{
    struct {
        u16 limit;
        u64 base;
    } __attribute__((packed)) dtr;
    u32 a, b, c, d;
    u64 cr4 = read_cr4();

    BUILD_BUG_ON(
        (PCPU_STACK_SIZE - sizeof(struct cpu_info) + sizeof(struct cpu_regs)) %
        16);
    BUILD_BUG_ON(sizeof(struct idt_gate) != 16);

    pc->info->pcpu = pc;
    pc->info->cpu_id = pc->cpu_id;
    gdt_build(pc);
    if (pc->cpu_id == 0)
        idt_build();

    memset(&pc->tss, 0, sizeof(pc->tss));
    pc->tss.rsp[0] = (u64)(uintptr_t)(&pc->info->guest_regs + 1);
    for (int i = 0; i < 3; i++)
        pc->tss.ist[i] = (u64)(uintptr_t)(pc->block + PCPU_IST_OFFSET +
                                          (i + 1) * PCPU_IST_SIZE);
    pc->tss.iomap_base = sizeof(pc->tss); /* no I/O bitmap: IOPL 0 rules */

    dtr.limit = HYP_GDT_BYTES - 1;
    dtr.base = pc->gdt_va;
    __asm__ volatile("lgdt %0" ::"m"(dtr));
    /* Reload CS through a far return, then the data segments. */
    __asm__ volatile(
        "pushq %0; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:" ::"i"(HYP_CS)
        : "rax", "memory");
    __asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss" ::"r"(HYP_DS));
    __asm__ volatile("ltr %w0" ::"r"(HYP_TSS));
    dtr.limit = sizeof(idt) - 1;
    dtr.base = (u64)(uintptr_t)idt;
    __asm__ volatile("lidt %0" ::"m"(dtr));

    u64 stub = build_syscall_stub(pc);

    wrmsr(MSR_STAR, ((u64)FLAT_RING3_CS32_VAL << 48) | ((u64)HYP_CS << 32));
    wrmsr(MSR_LSTAR, stub);
    wrmsr(MSR_CSTAR, stub);
    wrmsr(MSR_FMASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF |
                         X86_EFLAGS_NT | X86_EFLAGS_AC | X86_EFLAGS_IOPL);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
    wrmsr(MSR_PAT, VESPER_PAT);

    cpuid_count(0, 0, &a, &cpu_vendor_ebx, &c, &d);
    cpuid_count(7, 0, &a, &b, &c, &d);
    cpu_has_smep = b & (1u << 7);
    cpu_has_smap = b & (1u << 20);
    cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_PGE;
    if (cpu_has_smep)
        cr4 |= CR4_SMEP;
    if (cpu_has_smap)
        cr4 |= CR4_SMAP;
    write_cr4(cr4);
    write_cr0((read_cr0() | CR0_MP | CR0_NE | CR0_WP) & ~(CR0_EM | CR0_TS));
    __asm__ volatile("fninit");
}

u64 arch_cpu_khz(void)
{
    return tsc_khz;
}

void arch_cpu_words(u32 *w, unsigned int n)
{
    static const struct {
        u32 leaf, sub;
        u8 reg; /* 0 EAX, 1 EBX, 2 ECX, 3 EDX */
    } words[] = { { 1, 0, 3 },          { 1, 0, 2 },
                  { 0x80000001, 0, 3 }, { 0x80000001, 0, 2 },
                  { 0xd, 1, 0 },        { 7, 0, 1 },
                  { 7, 0, 2 },          { 0x80000007, 0, 3 } };
    u32 max, ext, r[4];

    cpuid_count(0, 0, &max, &r[1], &r[2], &r[3]);
    cpuid_count(0x80000000, 0, &ext, &r[1], &r[2], &r[3]);
    for (unsigned int i = 0; i < n; i++) {
        w[i] = 0;
        if (i >= sizeof(words) / sizeof(words[0]))
            continue;
        if (words[i].leaf >= 0x80000000 ? words[i].leaf > ext
                                        : words[i].leaf > max)
            continue;
        cpuid_count(words[i].leaf, words[i].sub, &r[0], &r[1], &r[2], &r[3]);
        w[i] = r[words[i].reg];
    }
}
