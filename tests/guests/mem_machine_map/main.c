/* SPDX-License-Identifier: MIT */
/* XENMEM_machine_memory_map for dom0: the host's map, sane and complete. */
#include <guest/mm.h>
#include <guest/test.h>
#include <public/memory.h>

#define MAX_E 64
#define MSI_WINDOW 0xfee00000ULL /* holds the LAPIC page: never dom0's */

struct e820e {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

static struct e820e map[MAX_E];

static long machine_map(struct e820e *buf, unsigned int *nr)
{
    struct xen_memory_map m;
    long rc;

    memset(&m, 0, sizeof(m));
    m.nr_entries = *nr;
    set_xen_guest_handle(m.buffer, buf);
    rc = HYPERVISOR_memory_op(XENMEM_machine_memory_map, &m);
    *nr = m.nr_entries;
    return rc;
}

/* The entry holding address a, or -1. */
static int entry_of(unsigned int n, uint64_t a)
{
    for (unsigned int i = 0; i < n; i++)
        if (a >= map[i].addr && a - map[i].addr < map[i].size)
            return (int)i;
    return -1;
}

void test_main(void)
{
    unsigned int n = 0, counted, i;
    unsigned long pfns[3], xf;
    int e;

    mm_init();
    /* No buffer: only the count. */
    TEST_EQ(machine_map(NULL, &n), 0);
    counted = n;
    printk("machine map: %u entries\n", counted);
    TEST_CHECK(counted >= 2 && counted < MAX_E);
    /* Too small a buffer: -EINVAL. */
    n = 1;
    TEST_EQ(machine_map(map, &n), -XEN_EINVAL);
    n = MAX_E;
    TEST_EQ(machine_map(map, &n), 0);
    TEST_EQ(n, counted);
    for (i = 0; i < n && i < MAX_E; i++) {
        printk("  %016llx-%016llx type %u\n", (unsigned long long)map[i].addr,
               (unsigned long long)(map[i].addr + map[i].size), map[i].type);
        TEST_CHECK(map[i].size != 0);
        /* Sorted, no overlaps. */
        if (i)
            TEST_CHECK(map[i].addr >= map[i - 1].addr + map[i - 1].size);
    }
    /* Our frames (first, middle, last) are RAM of the map. */
    pfns[0] = 0;
    pfns[1] = start_info->nr_pages / 2;
    pfns[2] = start_info->nr_pages - 1;
    for (i = 0; i < 3; i++) {
        e = entry_of(n, (uint64_t)mm_pfn_to_mfn(pfns[i]) << 12);
        TEST_CHECK(e >= 0 && map[e].type == 1);
    }
    /* The hypervisor's own RAM (an M2P frame) is reported as RAM, as Xen. */
    xf = mm_xen_frame();
    TEST_CHECK(xf != 0);
    e = entry_of(n, (uint64_t)xf << 12);
    TEST_CHECK(e >= 0 && map[e].type == 1);
    /* A PV dom0 has no pseudo-physical map of its own in Xen. */
    {
        struct xen_memory_map m;

        memset(&m, 0, sizeof(m));
        m.nr_entries = MAX_E;
        set_xen_guest_handle(m.buffer, map + MAX_E / 2);
        TEST_EQ(HYPERVISOR_memory_op(XENMEM_memory_map, &m), -XEN_ENOSYS);
    }
    /* The LAPIC/MSI window is a reserved entry dom0 must not use. */
    e = entry_of(n, MSI_WINDOW);
    TEST_CHECK(e >= 0 && map[e].type == 2);
}
