/* SPDX-License-Identifier: MIT */
/* Exceptions reach the guest's handlers with a correct bounce frame. */
#include <guest/test.h>

/*
 * Each probe loads magic values into RCX and R11 just before faulting.
 * The bounce frame must carry them (the hypervisor enters our handler
 * with sysret, which destroys both), and HYPERVISOR_iret must put them
 * back, which we see in the registers after resuming.
 */
#define MAGIC_RCX 0x5ca1ab1ec0ffee01ULL
#define MAGIC_R11 0x0ddba11ca5cade02ULL
#define STR_(x) #x
#define STR(x) STR_(x)

#define PROLOGUE                            \
    "mov %%rsp, %[sp]\n\t"                  \
    "movabs $" STR(MAGIC_RCX) ", %%rcx\n\t" \
                              "movabs $" STR(MAGIC_R11) ", %%r11\n\t"
#define EPILOGUE            \
    "mov %%rcx, %[rcx]\n\t" \
    "mov %%r11, %[r11]\n\t"
#define OUTPUTS [sp] "=&r"(r->sp), [rcx] "=&r"(r->rcx), [r11] "=&r"(r->r11)

/* What the probe saw: RSP at the fault and RCX/R11 after resuming. */
struct probe {
    uint64_t sp, rcx, r11;
};

/* Labels inside the probes, so faulting RIPs are known exactly. */
extern const char de_rip[], de_resume[], bp_after[], ud_rip[], ud_resume[];
extern const char load_rip[], load_resume[], store_rip[], store_resume[];

static struct trap_frame seen;
static unsigned int hits;
static uint64_t resume_at; /* RIP to resume at; 0 = where the frame says */

static int record(struct trap_frame *f)
{
    seen = *f;
    hits++;
    if (resume_at)
        f->rip = resume_at;
    return 1;
}

static __attribute__((noinline)) void probe_de(struct probe *r)
{
    __asm__ volatile(PROLOGUE "xor %%edx, %%edx\n\t"
                              "mov $1, %%eax\n\t"
                              "xor %%r8d, %%r8d\n\t"
                              ".globl de_rip\nde_rip:\n\t"
                              "div %%r8\n\t"
                              ".globl de_resume\nde_resume:\n\t" EPILOGUE
:OUTPUTS
                     :
                     : "rax", "rcx", "rdx", "r8", "r11", "memory");
}

static __attribute__((noinline)) void probe_bp(struct probe *r)
{
    __asm__ volatile(PROLOGUE "int3\n\t"
                              ".globl bp_after\nbp_after:\n\t" EPILOGUE:OUTPUTS
                     :
                     : "rcx", "r11", "memory");
}

static __attribute__((noinline)) void probe_ud(struct probe *r)
{
    __asm__ volatile(PROLOGUE ".globl ud_rip\nud_rip:\n\t"
                              "ud2\n\t"
                              ".globl ud_resume\nud_resume:\n\t" EPILOGUE
:OUTPUTS
                     :
                     : "rcx", "r11", "memory");
}

static __attribute__((noinline)) void probe_load(struct probe *r, uint64_t addr)
{
    __asm__ volatile(PROLOGUE ".globl load_rip\nload_rip:\n\t"
                              "mov (%[addr]), %%rax\n\t"
                              ".globl load_resume\nload_resume:\n\t" EPILOGUE
:OUTPUTS
                     : [addr] "r"(addr)
                     : "rax", "rcx", "r11", "memory");
}

static __attribute__((noinline)) void probe_store(struct probe *r,
                                                  uint64_t addr)
{
    __asm__ volatile(PROLOGUE ".globl store_rip\nstore_rip:\n\t"
                              "movq $0x42, (%[addr])\n\t"
                              ".globl store_resume\nstore_resume:\n\t" EPILOGUE
:OUTPUTS
                     : [addr] "r"(addr)
                     : "rcx", "r11", "memory");
}

static void expect(const char *what, const char *field, uint64_t got,
                   uint64_t want)
{
    if (got == want)
        test_pass("%s: %s = 0x%lx", what, field, (unsigned long)got);
    else
        test_fail("%s: %s = 0x%lx, want 0x%lx", what, field, (unsigned long)got,
                  (unsigned long)want);
}

static uint8_t upcall_mask(void)
{
    return shared_info ? shared_info->vcpu_info[0].evtchn_upcall_mask : 1;
}

/*
 * The checks every delivery must pass. rip is the expected frame RIP;
 * ec is the expected error code, or ~0 for a vector that has none.
 */
static void check_frame(const char *what, unsigned int vector, const void *rip,
                        uint64_t ec, const struct probe *r, uint8_t mask)
{
    /* Raw values, so logs from two hypervisors can be diffed. */
    printk("frame %s: vec %lu ec 0x%lx rip 0x%lx cs 0x%lx rflags 0x%lx "
           "rsp 0x%lx ss 0x%lx cr2 0x%lx\n",
           what, (unsigned long)seen.vector, (unsigned long)seen.error_code,
           (unsigned long)seen.rip, (unsigned long)seen.cs,
           (unsigned long)seen.rflags, (unsigned long)seen.rsp,
           (unsigned long)seen.ss, (unsigned long)seen.cr2);
    expect(what, "deliveries", hits, 1);
    expect(what, "vector", seen.vector, vector);
    expect(what, "rip", seen.rip, (uint64_t)rip);
    if (ec != ~0ULL)
        expect(what, "error_code", seen.error_code, ec);
    /* Kernel-mode context: RPL 0 in the frame although the CPU was at 3. */
    expect(what, "cs selector", seen.cs & 0xffff, FLAT_KERNEL_CS & ~3);
    expect(what, "cs saved upcall mask", (seen.cs >> 32) & 0xff, mask);
    expect(what, "ss selector", seen.ss & 0xffff, FLAT_KERNEL_SS);
    expect(what, "rsp", seen.rsp, r->sp);
    expect(what, "rflags reserved bit 1", seen.rflags & 2, 2);
    /* IF in the frame is the inverse of the saved upcall mask. */
    expect(what, "rflags IF", (seen.rflags >> 9) & 1, !mask);
    expect(what, "rflags IOPL", (seen.rflags >> 12) & 3, 0);
    expect(what, "frame rcx", seen.rcx, MAGIC_RCX);
    expect(what, "frame r11", seen.r11, MAGIC_R11);
    expect(what, "rcx after iret", r->rcx, MAGIC_RCX);
    expect(what, "r11 after iret", r->r11, MAGIC_R11);
}

static void arm(const void *resume)
{
    memset(&seen, 0, sizeof(seen));
    hits = 0;
    resume_at = (uint64_t)resume;
}

/* A page of our image we unmap and remap to provoke page faults. */
static char probe_page[4096]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

static void page_faults(uint8_t mask)
{
    const uint64_t user_va = 0x00007000deadb000ULL;
    uint64_t va = (uint64_t)probe_page;
    uint64_t pfn = (va - 0xffffffff80000000ULL) >> 12;
    uint64_t mfn = ((const uint64_t *)start_info->mfn_list)[pfn];
    struct probe r;
    long rc;

    /* Not-present read in the user half, from kernel mode: U bit clear. */
    arm(load_resume);
    probe_load(&r, user_va + 0x10);
    check_frame("#PF user-half read", 14, load_rip, 0, &r, mask);
    expect("#PF user-half read", "vcpu_info cr2", seen.cr2, user_va + 0x10);

    probe_page[0] = 1; /* make sure it is ours and mapped before we unmap */
    rc = HYPERVISOR_update_va_mapping(va, 0, UVMF_INVLPG);
    expect("unmap own page", "update_va_mapping", (uint64_t)rc, 0);

    arm(load_resume);
    probe_load(&r, va + 0x128);
    check_frame("#PF unmapped read", 14, load_rip, 0, &r, mask);
    expect("#PF unmapped read", "vcpu_info cr2", seen.cr2, va + 0x128);

    arm(store_resume);
    probe_store(&r, va + 0x230);
    check_frame("#PF unmapped write", 14, store_rip, 2, &r, mask);
    expect("#PF unmapped write", "vcpu_info cr2", seen.cr2, va + 0x230);

    /* Present but read-only: P|USER|ACCESSED, no RW. */
    rc = HYPERVISOR_update_va_mapping(va, (mfn << 12) | 0x25, UVMF_INVLPG);
    expect("map own page read-only", "update_va_mapping", (uint64_t)rc, 0);

    arm(store_resume);
    probe_store(&r, va + 0x338);
    check_frame("#PF read-only write", 14, store_rip, 3, &r, mask);
    expect("#PF read-only write", "vcpu_info cr2", seen.cr2, va + 0x338);
    expect("read-only page", "content kept", probe_page[0], 1);

    rc = HYPERVISOR_update_va_mapping(va, (mfn << 12) | 0x67, UVMF_INVLPG);
    expect("remap own page writable", "update_va_mapping", (uint64_t)rc, 0);
    probe_page[1] = 2;
    expect("writable again", "content", probe_page[0] + probe_page[1], 3);
}

void test_main(void)
{
    uint8_t mask = upcall_mask();
    struct probe r;

    TEST_CHECK(shared_info != NULL);
    trap_set_handler(0, record);
    trap_set_handler(3, record);
    trap_set_handler(6, record);
    trap_set_handler(13, record);
    trap_set_handler(14, record);

    arm(de_resume);
    probe_de(&r);
    check_frame("#DE", 0, de_rip, ~0ULL, &r, mask);

    /* int3 is a trap: RIP already points past it, so resume there. */
    arm(NULL);
    probe_bp(&r);
    check_frame("#BP", 3, bp_after, ~0ULL, &r, mask);

    arm(ud_resume);
    probe_ud(&r);
    check_frame("#UD", 6, ud_rip, ~0ULL, &r, mask);

    /* A non-canonical address is #GP(0), not #PF. */
    arm(load_resume);
    probe_load(&r, 0x8000000000000000ULL);
    check_frame("#GP non-canonical", 13, load_rip, 0, &r, mask);

    page_faults(mask);

    /* The same once more, returning by raw syscall instead of the page. */
    trap_iret_raw = 1;
    arm(de_resume);
    probe_de(&r);
    check_frame("#DE (raw iret)", 0, de_rip, ~0ULL, &r, mask);
    trap_iret_raw = 0;

    expect("after all faults", "upcall mask unchanged", upcall_mask(), mask);
}
