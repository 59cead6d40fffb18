/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot-time domains: one per kernel module, all built and started at boot. */
#include "arch.h"
#include "bootcfg.h"
#include "conring.h"
#include "grant_table.h"
#include "kimage.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/mm.h"
#include "asm/multiboot.h"
#include "asm/pv.h"

#define MAX_BOOT_MODULES 64
#define DOM0_DEFAULT_MEM (64UL << 20)
#define DOMU_DEFAULT_MEM (32UL << 20)
#define HVM_DEFAULT_MEM (16UL << 20)

_Static_assert(BOOTCFG_MAX_VCPUS == MAX_VCPUS, "vcpus= bound is MAX_VCPUS");
_Static_assert(BOOTCFG_MAX_CPUS == MAX_CPUS, "cpus= bound is MAX_CPUS");

static const struct mb_info *boot_mbi;
static u64 dom0_mem, nr_cycles;
static u64 cycles_done, cycle_baseline;
/* Idle frames before any domain, plus the boot modules given back. */
static u64 idle_expected;

/* One module, as parsed and classified. */
struct boot_mod {
    struct bootcfg cfg;
    char err[160]; /* parse error, "" if none */
    const void *data;
    size_t len;
    bool ramdisk;
};

static struct boot_mod mods_parsed[MAX_BOOT_MODULES];

/* Return a boot module's frames once every domain is built. */
static void release_module(const struct mb_module *m)
{
    page_alloc_free_range(ALIGN_UP((u64)m->start, PAGE_SIZE) >> PAGE_SHIFT,
                          ALIGN_DOWN((u64)m->end, PAGE_SIZE) >> PAGE_SHIFT);
}

/*
 * Kernel or ramdisk? kind= decides; otherwise anything kimage_probe does
 * not call "not a kernel format" (ENOEXEC) is a kernel, so a damaged
 * kernel fails loudly in the builder instead of becoming someone's ramdisk.
 */
static bool is_ramdisk(unsigned int i, const struct boot_mod *m)
{
    struct kimage_info ki;

    if (i == 0)
        return false;
    if (m->cfg.kind != BOOTCFG_KIND_AUTO)
        return m->cfg.kind == BOOTCFG_KIND_RAMDISK;
    return kimage_probe(m->data, m->len, &ki) == KIMG_ENOEXEC;
}

/* Domain 0 cannot be skipped: without it there is nothing to run. */
static void refuse(domid_t id, unsigned int mod, const char *why)
{
    if (id == 0)
        panic("could not build domain 0: module 0: %s", why);
    printk_lvl(LOG_ERR, "d%u: not started: module %u: %s\n", id, mod, why);
}

/*
 * A kind=hvm module: a flat image, a multiboot or a Linux kernel for an HVM
 * domain, which has no PV console; domain 0 stays PV (it is the toolstack).
 */
static bool build_hvm(domid_t id, unsigned int k, int rd, cpumask_t affinity)
{
    const struct boot_mod *m = &mods_parsed[k];
    const struct bootcfg *c = &m->cfg;
    struct hvm_build_args h;
    int rc;

    if (id == 0) {
        refuse(id, k, "kind=hvm: domain 0 must be a PV kernel");
        return false;
    }
    memset(&h, 0, sizeof(h));
    /* A multiboot or Linux kernel takes its ramdisk (the loader checks). */
    if (rd >= 0) {
        h.ramdisk = mods_parsed[rd].data;
        h.ramdisk_len = mods_parsed[rd].len;
    }
    h.cmdline = c->cmdline;
    h.domid = id;
    h.name = c->name;
    h.image = m->data;
    h.image_len = m->len;
    h.load_gpa = c->load;
    h.mem_bytes = c->mem ? c->mem : HVM_DEFAULT_MEM;
    h.vcpus = c->vcpus;
    h.weight = c->weight;
    h.cap = c->cap;
    h.affinity = affinity;
    h.paused = c->paused;
    rc = hvm_build_domain(&h);
    if (rc) {
        printk_lvl(LOG_ERR,
                   "d%u: not started: module %u: the HVM builder refused it "
                   "(error %d)\n",
                   id, k, rc);
        return false;
    }
    return true;
}

/* Build domain id from kernel module k and ramdisk module rd (or -1). */
static bool build_one(domid_t id, unsigned int k, int rd)
{
    const struct boot_mod *m = &mods_parsed[k];
    const struct bootcfg *c = &m->cfg;
    struct pv_build_args a;
    char why[160], want[64], online[64];
    int rc;

    if (m->err[0]) {
        refuse(id, k, m->err);
        return false;
    }
    if (rd >= 0 && mods_parsed[rd].err[0]) {
        snprintf(why, sizeof(why), "its ramdisk (module %d): %s", rd,
                 mods_parsed[rd].err);
        refuse(id, k, why);
        return false;
    }
    memset(&a, 0, sizeof(a));
    a.affinity = cpu_online_mask;
    if (c->cpus) {
        a.affinity = c->cpus & cpu_online_mask;
        if (!a.affinity) {
            bootcfg_format_cpus(c->cpus, want, sizeof(want));
            bootcfg_format_cpus(cpu_online_mask, online, sizeof(online));
            snprintf(why, sizeof(why),
                     "cpus=%s: none of these CPUs is online (online: %s)", want,
                     online);
            refuse(id, k, why);
            return false;
        }
    }
    if (c->kind == BOOTCFG_KIND_HVM)
        return build_hvm(id, k, rd, a.affinity);
    a.kernel = m->data;
    a.kernel_len = m->len;
    if (rd >= 0) {
        a.initrd = mods_parsed[rd].data;
        a.initrd_len = mods_parsed[rd].len;
    }
    a.cmdline = c->cmdline;
    strlcpy(a.name, c->name, sizeof(a.name));
    if (c->mem)
        a.mem_bytes = c->mem;
    else if (id == 0)
        a.mem_bytes = dom0_mem ? dom0_mem : DOM0_DEFAULT_MEM;
    else
        a.mem_bytes = DOMU_DEFAULT_MEM;
    /* Like Xen, domain 0 gets a vCPU per physical CPU unless told. */
    a.vcpus = c->vcpus_set || id != 0 ? c->vcpus : MIN(nr_cpus, MAX_VCPUS);
    a.weight = c->weight;
    a.cap = c->cap;
    a.domid = id;
    a.privileged = id == 0;
    a.console_ring = id != 0;
    rc = pv_build_domain(&a);
    if (rc) {
        if (id == 0)
            panic("could not build domain 0 (error %d)", rc);
        printk_lvl(LOG_ERR,
                   "d%u: not started: module %u: the builder refused it "
                   "(error %d)\n",
                   id, k, rc);
        return false;
    }
    /*
     * As Xen's toolstack (xc_dom_gnttab_init) does: the console ring's
     * reserved grant entry names it for the console backend, domain 0.
     */
    {
        struct domain *d = domain_by_id(id);

        if (d && d->conring)
            gnttab_seed_entry(d, GNTTAB_RESERVED_CONSOLE, 0,
                              virt_to_mfn((const void *)d->conring->intf));
    }
    return true;
}

/* Frames not in use by anyone: free ones plus the heap's slab cache. */
static u64 idle_frames(void)
{
    return free_frame_count() + heap_slab_pages();
}

static void boot_domains(void)
{
    const struct mb_module *mods = maddr_to_virt(boot_mbi->mods_addr);
    unsigned int n = boot_mbi->mods_count, built = 0, refused = 0;
    domid_t next_id = 0, input = 0;
    bool input_set = false;

    if (!(boot_mbi->flags & MBI_MODS) || n == 0)
        panic("no guest kernel: pass one as a multiboot module "
              "(QEMU: -initrd \"guest.elf [args]\")");
    if (n > MAX_BOOT_MODULES)
        panic("%u boot modules; at most %u are supported", n, MAX_BOOT_MODULES);
    for (unsigned int i = 0; i < n; i++) {
        struct boot_mod *m = &mods_parsed[i];

        bootcfg_parse(mods[i].string ? maddr_to_virt(mods[i].string) : "",
                      &m->cfg, m->err, sizeof(m->err));
        m->data = maddr_to_virt(mods[i].start);
        m->len = mods[i].end - mods[i].start;
        m->ramdisk = is_ramdisk(i, m);
    }
    if (mods_parsed[0].cfg.kind == BOOTCFG_KIND_RAMDISK)
        panic("could not build domain 0: module 0 is domain 0's kernel, "
              "not a ramdisk");

    for (unsigned int k = 0; k < n; k++) {
        int rd = -1;
        domid_t id;

        if (mods_parsed[k].ramdisk)
            continue;
        id = next_id++;
        if (k + 1 < n && mods_parsed[k + 1].ramdisk)
            rd = (int)k + 1;
        /* Only ramdisks after this kernel's own are extra. */
        for (unsigned int j = k + 2; rd >= 0 && j < n && mods_parsed[j].ramdisk;
             j++)
            printk_lvl(LOG_WARN,
                       "module %u: d%u already has a ramdisk (module %d); "
                       "ignored\n",
                       j, id, rd);
        if (!build_one(id, k, rd)) {
            refused++;
            continue;
        }
        built++;
        if (mods_parsed[k].cfg.console) {
            if (input_set)
                printk_lvl(LOG_WARN,
                           "d%u: 'console' ignored, d%u already has serial "
                           "input\n",
                           id, input);
            else
                input = id, input_set = true;
        }
    }
    if (n > 1)
        printk("boot: %u domain%s built, %u refused\n", built,
               built == 1 ? "" : "s", refused);
    conring_set_input(input);
    conring_start();
    /* Repeated builds need the modules; otherwise give them back. */
    if (nr_cycles <= 1) {
        u64 before = idle_frames();

        for (unsigned int i = 0; i < n; i++)
            release_module(&mods[i]);
        idle_expected += idle_frames() - before;
    }
}

void boot_domains_init(const struct mb_info *mbi, u64 dom0_mem_opt, u64 cycles)
{
    boot_mbi = mbi;
    dom0_mem = dom0_mem_opt;
    nr_cycles = cycles;
    /*
     * The auditor's buffers last for the whole run: allocate them (and
     * audit the empty machine) before the baseline, so they are no leak.
     */
    if (opt_audit && pv_audit_domain(NULL))
        panic("audit: mismatches before any domain was built");
    cycle_baseline = idle_frames();
    idle_expected = cycle_baseline;
    boot_domains();
}

bool boot_next_cycle(void)
{
    u64 now = idle_frames();

    if (nr_cycles <= 1) {
        /* Every domain is gone: what none of them gave back is leaked. */
        printk("boot: all domains destroyed, %lld frames leaked\n",
               (long long)(idle_expected - now));
        return false;
    }
    cycles_done++;
    if (now != cycle_baseline)
        panic("cycle %llu: %lld frames leaked (%llu idle, %llu at start)",
              (unsigned long long)cycles_done,
              (long long)(cycle_baseline - now), (unsigned long long)now,
              (unsigned long long)cycle_baseline);
    if (cycles_done % 100 == 0 || cycles_done == nr_cycles)
        printk_lvl(LOG_WARN, "cycles: %llu done, 0 frames leaked\n",
                   (unsigned long long)cycles_done);
    if (cycles_done >= nr_cycles)
        return false;
    boot_domains();
    return true;
}
