/* SPDX-License-Identifier: GPL-2.0-only */
/* Domain and vCPU lifecycle: create, shut down, crash, destroy. */
#include "arch.h"
#include "conring.h"
#include "errno.h"
#include "grant_table.h"
#include "lib.h"
#include "sched.h"
#include <public/sched.h>

struct domain *domain_list[MAX_DOMAINS];
/* Destroyed domains whose frames or grants others still use. */
static struct domain *zombies;

static const char *const shutdown_names[] = {
    [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
    [SHUTDOWN_suspend] = "suspend",   [SHUTDOWN_crash] = "crash",
    [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

const char *shutdown_reason_name(unsigned int reason);
const char *shutdown_reason_name(unsigned int reason)
{
    if (reason < ARRAY_SIZE(shutdown_names) && shutdown_names[reason])
        return shutdown_names[reason];
    return "unknown";
}

struct domain *domain_by_id(domid_t id)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domain_list[i] && domain_list[i]->domain_id == id)
            return domain_list[i];
    return NULL;
}

struct domain *domain_next(domid_t id)
{
    struct domain *best = NULL;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domain_list[i];

        if (d && d->domain_id >= id &&
            (!best || d->domain_id < best->domain_id))
            best = d;
    }
    return best;
}

/*
 * Xen keeps a destroyed domain findable by its id while anything holds
 * its pages: its grant table still answers and grants what is left. The
 * grant paths that Xen lets reach a dying domain look it up here.
 */
struct domain *domain_by_id_or_zombie(domid_t id)
{
    struct domain *d = domain_by_id(id);

    for (struct domain *z = zombies; !d && z; z = z->zombie_next)
        if (z->domain_id == id)
            d = z;
    return d;
}

bool domain_id_in_use(domid_t id)
{
    return domain_by_id_or_zombie(id) != NULL;
}

struct domain *domain_create(domid_t id, const char *name, unsigned int vcpus)
{
    static u64 created;
    struct domain *d;
    unsigned int slot;

    if (vcpus == 0 || vcpus > MAX_VCPUS || domain_by_id(id))
        return NULL;
    for (slot = 0; slot < MAX_DOMAINS && domain_list[slot]; slot++)
        ;
    if (slot == MAX_DOMAINS)
        return NULL;
    d = xzalloc(sizeof(*d));
    if (!d)
        return NULL;
    d->domain_id = id;
    d->serial = ++created;
    strlcpy(d->name, name, sizeof(d->name));
    d->max_vcpus = vcpus;
    d->weight = 256;
    /* Until a toolstack names it: unique, and zero for dom0 as on Xen. */
    d->handle[15] = (u8)id;
    if (evtchn_domain_init(d))
        goto fail;
    csched_dom_init(d);
    d->shared_info = alloc_page_va();
    if (!d->shared_info)
        goto fail;
    d->shared_info_mfn = virt_to_mfn(d->shared_info);
    /* Shared with the guest: it may map this hypervisor page writable. */
    mfn_to_page(d->shared_info_mfn)->owner = d;
    for (unsigned int i = 0; i < vcpus; i++) {
        struct vcpu *v = xzalloc(sizeof(*v));

        if (!v)
            goto fail;
        d->vcpu[i] = v;
        v->domain = d;
        v->vcpu_id = i;
        v->vcpu_info = &d->shared_info->vcpu_info[i];
        /* Events start masked, as the PV ABI promises. */
        v->vcpu_info->evtchn_upcall_mask = 1;
        /* Down until the builder or VCPUOP_up starts it. */
        v->pause_flags = VPF_down;
        v->affinity = cpu_online_mask;
        v->soft_affinity = ~0ULL; /* Xen's default: every CPU */
        v->runstate.state = RUNSTATE_offline;
        v->runstate.state_entry_time = arch_now_ns();
        time_vcpu_publish(v);
        timer_init(&v->singleshot_timer, vcpu_singleshot_timer_fn, v, 0);
        timer_init(&v->periodic_timer, vcpu_periodic_timer_fn, v, 0);
        /*
         * Xen starts every vCPU with a 100 Hz tick (Linux stops it first
         * thing); it runs once the vCPU is first switched in.
         */
        v->periodic_period = VCPU_DEFAULT_PERIOD_NS;
        timer_init(&v->poll_timer, vcpu_poll_timer_fn, v, 0);
        if (arch_vcpu_init(v))
            goto fail;
        csched_vcpu_insert(v);
    }
    if (arch_domain_init(d))
        goto fail;
    if (gnttab_domain_init(d))
        goto fail;
    time_domain_init(d);
    d->state = DOM_RUNNING;
    domain_list[slot] = d;
    return d;

fail:
    domain_destroy(d);
    return NULL;
}

int domain_alloc_pages(struct domain *d, u64 nr_pages)
{
    u64 pfn = 0;

    d->p2m = xmalloc(nr_pages * sizeof(mfn_t));
    if (!d->p2m)
        return -ENOMEM;
    while (pfn < nr_pages) {
        unsigned int order = MAX_ORDER;
        struct page_info *pg = NULL;

        /* Big blocks first: fewer allocator calls, friendlier TLBs. */
        while ((1UL << order) > nr_pages - pfn)
            order--;
        for (; !pg; order--) {
            pg = alloc_pages(order);
            if (!pg && order == 0)
                return -ENOMEM;
            if (pg)
                break;
        }
        for (u64 i = 0; i < (1UL << order); i++, pfn++) {
            pg[i].owner = d;
            page_list_add(&d->page_list, &pg[i]);
            d->p2m[pfn] = page_to_mfn(&pg[i]);
            d->tot_pages++;
        }
    }
    d->nr_pfns = nr_pages;
    d->max_pages = nr_pages;
    return 0;
}

/*
 * Free every frame nothing else holds; the rest stay on the page list
 * (their owner lives on as a zombie). Returns how many stayed.
 */
static u64 free_unused_pages(struct domain *d, u64 *freed)
{
    struct page_list kept = { NULL };
    struct page_info *pg;
    u64 n = 0;

    while ((pg = d->page_list.head)) {
        page_list_del(&d->page_list, pg);
        if (page_in_use(pg)) {
            page_list_add(&kept, pg);
            n++;
            continue;
        }
        d->tot_pages--;
        pg->owner = NULL;
        free_pages(pg, 0);
        (*freed)++;
    }
    d->page_list = kept;
    return n;
}

void domain_free_pages(struct domain *d)
{
    u64 freed = 0, held;

    /*
     * arch_domain_destroy() has dropped every reference; a frame still
     * counted is mapped by someone else (a grant or foreign mapping), and
     * keeping it (and its owner, as a zombie) beats freeing it.
     */
    held = free_unused_pages(d, &freed);
    for (struct page_info *pg = d->page_list.head; pg; pg = pg->next)
        printk_lvl(LOG_INFO, "d%u: frame %llx still mapped (%llx/%llx), kept\n",
                   d->domain_id, (unsigned long long)page_to_mfn(pg),
                   (unsigned long long)pg->count_info,
                   (unsigned long long)pg->type_info);
    xfree(d->p2m);
    d->p2m = NULL;
    /* One line per teardown, for the fuzzer and anyone hunting leaks. */
    if (held || gnttab_pinned(d))
        printk("d%u: zombie: %llu frames freed, %llu still mapped by other "
               "domains\n",
               d->domain_id, (unsigned long long)freed,
               (unsigned long long)held);
    else
        printk("d%u: destroyed: %llu frames freed, 0 leaked\n", d->domain_id,
               (unsigned long long)freed);
}

/* The zombie's last frame and pin are gone: free what is left of it. */
static void zombie_finish(struct domain *d)
{
    printk("d%u: zombie gone: its last frames are free, 0 leaked\n",
           d->domain_id);
    gnttab_domain_destroy(d);
    xfree(d);
}

void domain_reap_zombies(void)
{
    struct domain **pp = &zombies, *d;

    while ((d = *pp)) {
        if (d->page_list.head || gnttab_pinned(d)) {
            pp = &d->zombie_next;
            continue;
        }
        *pp = d->zombie_next;
        zombie_finish(d);
    }
}

void domain_destroy(struct domain *d)
{
    if (!d)
        return;
    /* Its claim ends with it. */
    page_claims_adjust(-(s64)d->outstanding_pages);
    d->outstanding_pages = 0;
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domain_list[i] == d)
            domain_list[i] = NULL;
    /* Needs the vCPUs, and frees FIFO frames before the audit counts. */
    evtchn_domain_destroy(d);
    time_domain_destroy(d);
    conring_domain_destroy(d);
    /* Its grant mappings' pins; the references go with its tables. */
    gnttab_release_mappings(d);
    arch_domain_destroy(d);
    domain_free_pages(d);
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        stop_timer(&v->singleshot_timer);
        stop_timer(&v->periodic_timer);
        stop_timer(&v->poll_timer);
        csched_vcpu_remove(v);
        xfree(v);
        d->vcpu[i] = NULL;
    }
    if (d->shared_info) {
        struct page_info *pg = mfn_to_page(d->shared_info_mfn);

        if (page_in_use(pg)) {
            printk_lvl(LOG_WARN, "d%u: shared_info still mapped, not freed\n",
                       d->domain_id);
        } else {
            pg->owner = NULL;
            free_page_va(d->shared_info);
        }
        d->shared_info = NULL;
    }
    if (d->page_list.head || gnttab_pinned(d)) {
        /* Frees its remaining frames as their last users let go. */
        d->state = DOM_DYING;
        d->zombie = true;
        d->zombie_next = zombies;
        zombies = d;
    } else {
        gnttab_domain_destroy(d);
        xfree(d);
    }
    /* This domain's end may have released frames of earlier ones. */
    domain_reap_zombies();
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    if (d->state != DOM_RUNNING)
        return;
    /* What the guest left in its console ring belongs before the news. */
    conring_drain(d);
    if (d->conlen)
        guest_console_write(d, "\n", 1);
    d->state = DOM_SHUTDOWN;
    d->shutdown_code = reason;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_pause_flag(d->vcpu[i], VPF_dead);
    /* Tell the control domain, as Xen does, if it is not the one going. */
    if (domain_by_id(0) && d->domain_id != 0)
        send_guest_global_virq(domain_by_id(0), VIRQ_DOM_EXC);
    printk("domain %u (%s) shut down: %s\n", d->domain_id, d->name,
           shutdown_reason_name(reason));
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (d->state != DOM_RUNNING)
        return;
    printk_lvl(LOG_ERR, "domain %u crashed: %s\n", d->domain_id, buf);
    domain_shutdown(d, SHUTDOWN_crash);
}
