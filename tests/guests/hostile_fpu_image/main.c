/* SPDX-License-Identifier: MIT */
/* VCPUOP_initialise with an FPU image fxrstor refuses: the vCPU starts anyway. */
#include <guest/smp.h>
#include <guest/test.h>
#include <public/vcpu.h>

/*
 * MXCSR with reserved bits set makes fxrstor/xrstor #GP; loading the image
 * is the hypervisor's job, in ring 0. Xen's answer: keep MXCSR's writable
 * bits, reset x87/SSE to their initial state (FCW 0x037f) and run the vCPU.
 * We plant a recognisable FCW too, so a hypervisor that loaded the image
 * as given (or zeroed it) is told apart. An emulated CPU may accept the
 * reserved bits (QEMU's TCG does): we probe ldmxcsr first, and then the
 * image must simply arrive as given.
 */
#define BAD_MXCSR 0xffffffffu
#define ODD_FCW 0x0040u

static volatile uint32_t got_mxcsr, got_fcw, done;
static volatile int probe_faulted;
extern const char ldmxcsr_after[];

static int gp_probe(struct trap_frame *f)
{
    probe_faulted = 1;
    f->rip = (uint64_t)ldmxcsr_after;
    return 1;
}

/* Does this CPU refuse reserved MXCSR bits? */
static int cpu_refuses_bad_mxcsr(void)
{
    uint32_t bad = BAD_MXCSR, def = 0x1f80;

    trap_set_handler(13, gp_probe);
    __asm__ volatile("ldmxcsr %0\n\t"
                     ".globl ldmxcsr_after\nldmxcsr_after:\n\t" ::"m"(bad)
                     : "memory");
    __asm__ volatile("ldmxcsr %0" ::"m"(def));
    trap_set_handler(13, NULL);
    return probe_faulted;
}

static void plant(unsigned int cpu, struct vcpu_guest_context *c)
{
    uint8_t *img = (uint8_t *)c->fpu_ctxt.x;

    (void)cpu;
    img[0] = ODD_FCW & 0xff;
    img[1] = ODD_FCW >> 8;
    img[24] = 0xff, img[25] = 0xff, img[26] = 0xff, img[27] = 0xff;
    c->flags |= VGCF_i387_valid;
}

static void report(unsigned int cpu, void *arg)
{
    uint32_t m;
    uint16_t w;

    (void)cpu, (void)arg;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    __asm__ volatile("fnstcw %0" : "=m"(w));
    got_mxcsr = m;
    got_fcw = w;
    done = 1;
}

void test_main(void)
{
    uint8_t area[512] __attribute__((aligned(16)));
    uint32_t mask;
    unsigned long spins;
    int strict = cpu_refuses_bad_mxcsr();

    __asm__ volatile("fxsave64 %0" : "=m"(area));
    mask = (uint32_t)area[28] | (uint32_t)area[29] << 8 |
           (uint32_t)area[30] << 16 | (uint32_t)area[31] << 24;
    if (!mask)
        mask = 0xffbf;
    vcpu_context_hook = plant;
    TEST_EQ(vcpu_start(1, report, NULL), 0);
    vcpu_context_hook = NULL;
    for (spins = 0; !done && spins < 2000; spins++)
        sched_yield();
    printk("vCPU 1 started with MXCSR 0x%x FCW 0x%x (MXCSR_MASK 0x%x)\n",
           (unsigned int)got_mxcsr, (unsigned int)got_fcw, (unsigned int)mask);
    TEST_CHECK(done);
    if (strict) {
        /* The CPU refused the image in ring 0: Xen's reset. */
        TEST_EQ(got_mxcsr, BAD_MXCSR & mask);
        TEST_EQ(got_fcw, 0x037f);
    } else {
        printk("this CPU accepts reserved MXCSR bits: image loads as given\n");
        TEST_EQ(got_mxcsr, BAD_MXCSR);
        TEST_EQ(got_fcw, ODD_FCW);
    }
}
