/* SPDX-License-Identifier: MIT */
/* Trap table setup and dispatch of bounced exceptions to C handlers. */
#include <guest/guest.h>

extern const uint64_t trap_stubs[TRAP_NR_VECTORS];

static trap_handler_t handlers[TRAP_NR_VECTORS];
static trap_handler_t failsafe_handler;
volatile uint8_t trap_iret_raw;
void (*trap_upcall_hook)(struct trap_frame *frame);

/* traps.S depends on this exact layout. */
_Static_assert(sizeof(struct trap_frame) == 23 * 8, "trap_frame layout");

static const char *const vector_names[TRAP_NR_VECTORS] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO",
    "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
};

void trap_set_handler(unsigned int vector, trap_handler_t handler)
{
    if (vector < TRAP_NR_VECTORS)
        handlers[vector] = handler;
    else if (vector == TRAP_VEC_FAILSAFE)
        failsafe_handler = handler;
}

long traps_init(void)
{
    static struct trap_info table[TRAP_NR_VECTORS + 1];
    unsigned int v;

    for (v = 0; v < TRAP_NR_VECTORS; v++) {
        table[v].vector = (uint8_t)v;
        /*
         * The guest kernel runs in ring 3, so int3/into from it are
         * software interrupts that the hypervisor only delivers when the
         * gate's DPL allows user code; every other vector stays DPL 0.
         */
        table[v].flags = (v == 3 || v == 4) ? 3 : 0;
        table[v].cs = FLAT_KERNEL_CS;
        table[v].address = trap_stubs[v];
    }
    /* A zero address terminates the table; the static storage gives it. */
    return HYPERVISOR_set_trap_table(table);
}

void trap_dump(const struct trap_frame *f)
{
    printk("  vector %lu (%s) error_code 0x%lx cr2 0x%lx\n",
           (unsigned long)f->vector,
           f->vector < TRAP_NR_VECTORS ? vector_names[f->vector] : "?",
           (unsigned long)f->error_code, (unsigned long)f->cr2);
    printk("  rip %016lx cs %016lx rflags %016lx\n", (unsigned long)f->rip,
           (unsigned long)f->cs, (unsigned long)f->rflags);
    printk("  rsp %016lx ss %016lx\n", (unsigned long)f->rsp,
           (unsigned long)f->ss);
    printk("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n",
           (unsigned long)f->rax, (unsigned long)f->rbx, (unsigned long)f->rcx,
           (unsigned long)f->rdx);
    printk("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n",
           (unsigned long)f->rsi, (unsigned long)f->rdi, (unsigned long)f->rbp,
           (unsigned long)f->r8);
    printk("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n",
           (unsigned long)f->r9, (unsigned long)f->r10, (unsigned long)f->r11,
           (unsigned long)f->r12);
    printk("  r13 %016lx r14 %016lx r15 %016lx\n", (unsigned long)f->r13,
           (unsigned long)f->r14, (unsigned long)f->r15);
}

/* Called by traps.S with the saved frame. */
void trap_dispatch(struct trap_frame *f);
void trap_dispatch(struct trap_frame *f)
{
    trap_handler_t h = NULL;

    if (f->vector == TRAP_VEC_UPCALL) {
        if (trap_upcall_hook)
            trap_upcall_hook(f);
        return;
    }
    if (f->vector == TRAP_VEC_FAILSAFE) {
        if (failsafe_handler && failsafe_handler(f))
            return;
        printk("Failsafe callback (the hypervisor could not return to us):\n");
        trap_dump(f);
        printk("Test result: FAIL (failsafe callback)\n");
        guest_shutdown(SHUTDOWN_crash);
    }
    if (f->vector == 14)
        f->cr2 = guest_cr2();
    if (f->vector < TRAP_NR_VECTORS)
        h = handlers[f->vector];
    if (h && h(f))
        return;

    printk("Unhandled exception in guest:\n");
    trap_dump(f);
    printk("Test result: FAIL (unhandled exception %lu)\n",
           (unsigned long)f->vector);
    guest_shutdown(SHUTDOWN_crash);
}
