/* SPDX-License-Identifier: GPL-2.0-only */
/* Credit scheduler: proportional share by weight, caps, boost, stealing. */
#include "lib.h"
#include "sched.h"

/*
 * The ideas follow Xen's credit scheduler; the code is our own and much
 * smaller. Credit is CPU time in nanoseconds. Every accounting period the
 * CPU time of the period (times the CPUs in use) is handed to the domains
 * that were active, in proportion to weight; a running vCPU burns credit
 * for the time it ran. Positive credit means UNDER its share, otherwise
 * OVER; a vCPU woken with credit is BOOSTed until its CPU next decides.
 * Each CPU has a FIFO run queue; a CPU steals from the others when they
 * hold something better than its own best, and always when it would idle.
 * Accounting runs lazily from csched_pick / csched_wake: no tick.
 * Everything runs under the big hypervisor lock.
 */

#define TSLICE_NS 10000000ull       /* 10 ms timeslice */
#define ACCT_NS 30000000ull         /* 30 ms accounting period */
#define IDLE_SLICE_NS 1000000000ull /* an idle CPU with nothing parked */
#define MIN_SLICE_NS 100000ull      /* shortest slice worth a timer */
/* Credit bounds: unused credit does not pile up, debt stays bounded. */
#define CREDIT_MAX ((s64)ACCT_NS)
#define CREDIT_MIN (-2 * (s64)ACCT_NS)

enum { PRI_PARKED = -1, PRI_OVER, PRI_UNDER, PRI_BOOST };

struct csched_pcpu {
    struct vcpu *curr; /* what csched_pick last chose here (NULL = idle) */
    struct vcpu *head, *tail; /* run queue, FIFO */
    u64 slice_end;            /* curr's timeslice ends */
};

static struct csched_pcpu pcpu[MAX_CPUS];
static cpumask_t busy_mask;    /* CPUs whose curr is a vCPU */
static cpumask_t tickled_mask; /* idle CPUs already asked to schedule */
/* Every vCPU the scheduler knows, for accounting. */
static struct vcpu *all_vcpus[MAX_DOMAINS * MAX_VCPUS];
static unsigned int nr_all;
static u64 next_acct; /* 0 = not started */
static u64 last_acct; /* when the current period began */
static u64 acct_gen;
static u64 qseq;

static cpumask_t cpu_bit(unsigned int cpu)
{
    return cpu < MAX_CPUS ? 1ull << cpu : 0;
}

/* No libgcc in the hypervisor: count the bits by hand. */
static unsigned int nr_cpus_in(cpumask_t m)
{
    unsigned int n = 0;

    for (; m; m &= m - 1)
        n++;
    return n;
}

static unsigned int dom_weight(const struct domain *d)
{
    return d->weight ? d->weight : 256;
}

/* Capped and out of CPU time for this period. */
static bool parked(const struct vcpu *v)
{
    const struct domain *d = v->domain;

    return d->cap && d->sched.cap_primed && d->sched.cap_left <= 0;
}

static int prio(const struct vcpu *v, s64 credit)
{
    if (parked(v))
        return PRI_PARKED;
    if (v->sched.boost)
        return PRI_BOOST;
    return credit > 0 ? PRI_UNDER : PRI_OVER;
}

/* Priority of a vCPU running since start_ns, counting what it burnt. */
static int live_prio(const struct vcpu *v, u64 now)
{
    s64 credit = v->sched.credit;

    if (now > v->sched.start_ns)
        credit -= (s64)(now - v->sched.start_ns);
    return prio(v, credit);
}

static void rq_insert(struct vcpu *v, unsigned int cpu)
{
    struct csched_pcpu *pc = &pcpu[cpu];
    struct csched_vcpu *sv = &v->sched;

    if (sv->queued)
        return;
    sv->queued = true;
    sv->rq_cpu = cpu;
    sv->qseq = ++qseq;
    sv->next = NULL;
    sv->prev = pc->tail;
    if (pc->tail)
        pc->tail->sched.next = v;
    else
        pc->head = v;
    pc->tail = v;
}

static void rq_remove(struct vcpu *v)
{
    struct csched_vcpu *sv = &v->sched;
    struct csched_pcpu *pc = &pcpu[sv->rq_cpu];

    if (!sv->queued)
        return;
    if (sv->prev)
        sv->prev->sched.next = sv->next;
    else
        pc->head = sv->next;
    if (sv->next)
        sv->next->sched.prev = sv->prev;
    else
        pc->tail = sv->prev;
    sv->next = sv->prev = NULL;
    sv->queued = false;
}

/* CPUs v may use now; a vCPU pinned only to offline CPUs never runs. */
static cpumask_t allowed(const struct vcpu *v)
{
    return v->affinity & cpu_online_mask;
}

/*
 * The CPUs v would rather run on, as Xen's credit scheduler's soft
 * affinity step: its soft set cut to the CPUs it may use. Empty when it
 * states no preference (every CPU) or none of its soft CPUs is usable,
 * then only the hard set counts.
 */
static cpumask_t preferred(const struct vcpu *v)
{
    cpumask_t m = allowed(v), s = v->soft_affinity & m;

    return s == m ? 0 : s;
}

/*
 * Is cpu outside v's soft set while a CPU in it is free: not running a
 * vCPU and not in also_taken? With the tickled CPUs as also_taken: cpu
 * should hand v to an idle CPU it prefers. With none: cpu should leave v
 * for one (idle, or woken for it), as Xen's load balancer steals such a
 * vCPU only in its hard-affinity step when no CPU it prefers is idle.
 */
static bool soft_elsewhere(const struct vcpu *v, unsigned int cpu,
                           cpumask_t also_taken)
{
    cpumask_t s = preferred(v);

    return s && !(s & cpu_bit(cpu)) && (s & ~busy_mask & ~also_taken);
}

/* Home run queue for a vCPU that does not preempt anybody. */
static unsigned int home_cpu(const struct vcpu *v)
{
    cpumask_t s = preferred(v), m = s ? s : allowed(v);

    if (m & cpu_bit(v->processor))
        return v->processor;
    if (m)
        return cpumask_first(m);
    return v->processor < MAX_CPUS ? v->processor : 0;
}

/* Charge v for the time since it was last charged. */
static void burn(struct vcpu *v, u64 now)
{
    struct csched_vcpu *sv = &v->sched;
    struct domain *d = v->domain;
    s64 used;

    if (now <= sv->start_ns)
        return;
    used = (s64)(now - sv->start_ns);
    sv->start_ns = now;
    sv->credit -= used;
    if (sv->credit < CREDIT_MIN)
        sv->credit = CREDIT_MIN;
    sv->ran = true;
    if (d->cap && d->sched.cap_primed)
        d->sched.cap_left -= used;
}

/* Active vCPUs grouped by domain, rebuilt by every accounting round. */
static struct vcpu *by_dom[MAX_DOMAINS * MAX_VCPUS];

/*
 * Split a domain's share between its active vCPUs: equally, but none gets
 * more than its demand; what one cannot use, the others get. Credit above
 * CREDIT_MAX is dropped: a vCPU that waited for the CPU all period is owed
 * no more than a period.
 */
static void fill_vcpus(struct vcpu **vs, unsigned int n, u64 share)
{
    u64 got[MAX_VCPUS] = { 0 };
    bool full[MAX_VCPUS] = { false };
    unsigned int open = n;
    bool again = true;

    while (again && open) {
        u64 each = share / open;

        again = false;
        for (unsigned int i = 0; i < n; i++) {
            u64 want = vs[i]->sched.demand;

            if (full[i] || want > each)
                continue;
            got[i] = want;
            share -= want;
            full[i] = true;
            open--;
            again = true;
        }
    }
    for (unsigned int i = 0; i < n; i++) {
        struct csched_vcpu *sv = &vs[i]->sched;

        if (!full[i])
            got[i] = share / open;
        sv->credit += (s64)got[i];
        if (sv->credit > CREDIT_MAX)
            sv->credit = CREDIT_MAX;
    }
}

/*
 * What v could have used of the period [last_acct, now]: the part it was
 * runnable (running or waiting), scaled to ACCT_NS. Starts the next
 * period's sleep count.
 */
static u64 demand_of(struct csched_vcpu *sv, u64 now)
{
    u64 period = now > last_acct ? now - last_acct : 0, slept = sv->slept;

    if (sv->asleep) {
        u64 from = MAX(sv->sleep_since, last_acct);

        if (now > from)
            slept += now - from;
        sv->sleep_since = now;
    }
    sv->slept = 0;
    if (!period)
        return ACCT_NS;
    if (slept >= period)
        return 0;
    /* Keep the product in 64 bits after a long idle spell. */
    while (period >> 32) {
        period >>= 1;
        slept >>= 1;
    }
    return ACCT_NS * (period - slept) / period;
}

/*
 * Hand out one period's credit. Active vCPUs (runnable now, or ran in the
 * period) share it. A domain gets at most its demand (the time its vCPUs
 * were runnable, so credit a sleeper cannot use goes to the busy ones) and
 * its cap; the rest goes to the others by weight (water-filling). Demand
 * counts time spent waiting for a CPU: a CPU-bound vCPU always asks for a
 * whole period, however much credit it holds, so heavier domains are not
 * starved of their share by having been kept waiting.
 */
static void account(u64 now)
{
    struct domain *doms[MAX_DOMAINS];
    unsigned int nd = 0, first[MAX_DOMAINS + 1], pos[MAX_DOMAINS];
    cpumask_t used = 0;
    u64 left;
    bool again;

    acct_gen++;
    for (unsigned int i = 0; i < nr_all; i++) {
        struct vcpu *v = all_vcpus[i];
        struct csched_vcpu *sv = &v->sched;
        struct domain *d = v->domain;

        if (d->sched.acct_gen != acct_gen) {
            BUG_ON(nd >= MAX_DOMAINS);
            d->sched.acct_gen = acct_gen;
            d->sched.acct_idx = nd;
            d->sched.nr_active = 0;
            d->sched.clamped = false;
            d->sched.share = 0;
            d->sched.limit = 0;
            doms[nd++] = d;
        }
        sv->active = vcpu_runnable(v) || sv->ran;
        sv->ran = false;
        sv->demand = demand_of(sv, now);
        if (sv->active) {
            d->sched.nr_active++;
            d->sched.limit += sv->demand;
            used |= allowed(v);
        }
    }
    last_acct = now;
    first[0] = 0;
    for (unsigned int i = 0; i < nd; i++) {
        struct domain *d = doms[i];

        first[i + 1] = first[i] + d->sched.nr_active;
        pos[i] = first[i];
        if (d->cap && ACCT_NS * d->cap / 100 < d->sched.limit)
            d->sched.limit = ACCT_NS * d->cap / 100;
    }
    for (unsigned int i = 0; i < nr_all; i++)
        if (all_vcpus[i]->sched.active)
            by_dom[pos[all_vcpus[i]->domain->sched.acct_idx]++] = all_vcpus[i];

    left = ACCT_NS * nr_cpus_in(used);
    do {
        u64 wsum = 0;

        again = false;
        for (unsigned int i = 0; i < nd; i++)
            if (doms[i]->sched.nr_active && !doms[i]->sched.clamped)
                wsum += dom_weight(doms[i]);
        for (unsigned int i = 0; wsum && i < nd; i++) {
            struct domain *d = doms[i];

            if (!d->sched.nr_active || d->sched.clamped)
                continue;
            d->sched.share = left * dom_weight(d) / wsum;
            if (d->sched.share >= d->sched.limit) {
                d->sched.share = d->sched.limit;
                d->sched.clamped = true;
                left -= d->sched.limit;
                again = true;
            }
        }
    } while (again);

    for (unsigned int i = 0; i < nd; i++) {
        struct domain *d = doms[i];

        fill_vcpus(&by_dom[first[i]], d->sched.nr_active, d->sched.share);
        if (!d->cap) {
            d->sched.cap_primed = false;
            continue;
        }
        /* Overuse (a slice that ran past the budget) is paid back. */
        if (!d->sched.cap_primed || d->sched.cap_left > 0)
            d->sched.cap_left = 0;
        d->sched.cap_left += (s64)(ACCT_NS * d->cap / 100);
        d->sched.cap_primed = true;
    }
}

static bool parked_work(void);
static void tickle_idlers(unsigned int self);

static void maybe_account(u64 now, unsigned int self)
{
    if (!next_acct) {
        next_acct = now + ACCT_NS;
        last_acct = now;
        return;
    }
    if (now < next_acct)
        return;
    account(now);
    /* After a long idle spell, start a fresh period rather than catch up. */
    next_acct =
        now - next_acct >= ACCT_NS ? now + ACCT_NS : next_acct + ACCT_NS;
    /* Refilled caps and new priorities may give idle CPUs work. */
    tickle_idlers(self);
}

/* Is any queued vCPU waiting for its domain's cap to refill? */
static bool parked_work(void)
{
    for (unsigned int c = 0; c < nr_cpus && c < MAX_CPUS; c++)
        for (struct vcpu *v = pcpu[c].head; v; v = v->sched.next)
            if (parked(v))
                return true;
    return false;
}

/* Can cpu run v now? */
static bool eligible(const struct vcpu *v, unsigned int cpu)
{
    return vcpu_runnable(v) && !v->is_running && (allowed(v) & (1ull << cpu)) &&
           !parked(v);
}

/* Wake idle CPUs (other than self) that could run queued work. */
static void tickle_idlers(unsigned int self)
{
    cpumask_t idle = cpu_online_mask & ~busy_mask & ~tickled_mask;

    if (self < MAX_CPUS)
        idle &= ~(1ull << self);
    for (unsigned int c = 0; idle && c < nr_cpus && c < MAX_CPUS; c++) {
        for (struct vcpu *v = pcpu[c].head; idle && v; v = v->sched.next) {
            cpumask_t m, pref;
            unsigned int t;

            /*
             * A queued vCPU may still be marked running: the prev being
             * switched out right now. The tickled CPU looks only after
             * the big lock is dropped, when it no longer is.
             */
            if (!vcpu_runnable(v) || parked(v))
                continue;
            m = allowed(v) & idle;
            if (!m)
                continue;
            pref = preferred(v);
            if (m & pref)
                m &= pref; /* its soft set first */
            t = m & (1ull << c) ? c : cpumask_first(m);
            idle &= ~(1ull << t);
            tickled_mask |= 1ull << t;
            cpu_raise_softirq(t, SOFTIRQ_SCHEDULE);
        }
    }
}

void csched_init(void)
{
    memset(pcpu, 0, sizeof(pcpu));
    busy_mask = tickled_mask = 0;
    nr_all = 0;
    next_acct = 0;
    last_acct = 0;
    acct_gen = 0;
    qseq = 0;
}

void csched_dom_init(struct domain *d)
{
    memset(&d->sched, 0, sizeof(d->sched));
}

void csched_vcpu_insert(struct vcpu *v)
{
    memset(&v->sched, 0, sizeof(v->sched));
    v->sched.asleep = true; /* vCPUs are created down */
    BUG_ON(nr_all >= ARRAY_SIZE(all_vcpus));
    v->sched.idx = nr_all;
    all_vcpus[nr_all++] = v;
}

void csched_vcpu_remove(struct vcpu *v)
{
    unsigned int i = v->sched.idx;

    if (i >= nr_all || all_vcpus[i] != v)
        return;
    rq_remove(v);
    for (unsigned int c = 0; c < MAX_CPUS; c++) {
        if (pcpu[c].curr == v) {
            pcpu[c].curr = NULL;
            busy_mask &= ~(1ull << c);
        }
    }
    all_vcpus[i] = all_vcpus[--nr_all];
    all_vcpus[i]->sched.idx = i;
}

/* v is runnable from now on: stop counting its sleep. */
static void note_awake(struct vcpu *v, u64 now)
{
    struct csched_vcpu *sv = &v->sched;

    if (!sv->asleep)
        return;
    sv->asleep = false;
    if (now > sv->sleep_since)
        sv->slept += now - sv->sleep_since;
}

/*
 * Queue a runnable v that is on no CPU where it should run soonest: an
 * idle CPU, else the CPU running the lowest-priority vCPU below it (its
 * last CPU first), else its home queue. Returns the CPU that should
 * reschedule, or -1.
 */
static int place(struct vcpu *v, u64 now)
{
    struct csched_vcpu *sv = &v->sched;
    cpumask_t m = allowed(v), idle, pref;
    int best = -1, best_pri, p;

    p = prio(v, sv->credit);
    if (p == PRI_PARKED || !m) {
        rq_insert(v, home_cpu(v));
        return -1;
    }
    idle = m & ~busy_mask & ~tickled_mask;
    /* An idle CPU it prefers first, as Xen's soft affinity step. */
    pref = preferred(v);
    if (idle & pref)
        idle &= pref;
    if (idle) {
        unsigned int t =
            idle & cpu_bit(v->processor) ? v->processor : cpumask_first(idle);

        rq_insert(v, t);
        tickled_mask |= 1ull << t;
        return (int)t;
    }
    /* Preempt the lowest-priority vCPU below v, its last CPU first. */
    best_pri = p;
    for (unsigned int c = 0; c < nr_cpus && c < MAX_CPUS; c++) {
        struct vcpu *cur = pcpu[c].curr;
        int cp;

        if (!(m & (1ull << c)) || !cur)
            continue;
        cp = live_prio(cur, now);
        if (cp >= p)
            continue;
        if (best < 0 || cp < best_pri ||
            (cp == best_pri && c == v->processor)) {
            best_pri = cp;
            best = (int)c;
        }
    }
    if (best >= 0) {
        rq_insert(v, (unsigned int)best);
        return best;
    }
    rq_insert(v, home_cpu(v));
    return -1;
}

int csched_wake(struct vcpu *v, u64 now)
{
    struct csched_vcpu *sv = &v->sched;

    if (vcpu_runnable(v))
        note_awake(v, now);
    if (sv->queued || v->is_running)
        return -1;
    maybe_account(now, MAX_CPUS);
    /* Woken from sleep with credit left: jump ahead of the busy ones. */
    sv->boost = sv->credit > 0;
    return place(v, now);
}

void csched_sleep(struct vcpu *v, u64 now)
{
    rq_remove(v);
    v->sched.boost = false;
    if (!v->sched.asleep) {
        v->sched.asleep = true;
        v->sched.sleep_since = now;
    }
}

void csched_yield(struct vcpu *v)
{
    v->sched.yield = true;
}

/* The best vCPU queued on `from` that cpu may run: priority, then age. */
static struct vcpu *rq_best(unsigned int from, unsigned int cpu, int *pri)
{
    struct vcpu *best = NULL;

    for (struct vcpu *v = pcpu[from].head; v; v = v->sched.next) {
        int p;

        if (!eligible(v, cpu))
            continue;
        p = prio(v, v->sched.credit);
        /*
         * Within a priority, the one furthest behind its share (most
         * credit) first: round robin alone would split a CPU evenly
         * between two UNDER domains whatever their weights.
         */
        if (!best || p > *pri ||
            (p == *pri && (v->sched.credit > best->sched.credit ||
                           (v->sched.credit == best->sched.credit &&
                            v->sched.qseq < best->sched.qseq)))) {
            best = v;
            *pri = p;
        }
    }
    return best;
}

struct vcpu *csched_pick(unsigned int cpu, struct vcpu *prev, u64 now,
                         u64 *slice_ns)
{
    struct csched_pcpu *pc = &pcpu[cpu];
    struct vcpu *ran = pc->curr, *next = NULL, *cand;
    int keep_pri = PRI_PARKED, cand_pri = PRI_PARKED, kp;
    bool yield = false;
    u64 slice;

    if (ran) {
        burn(ran, now);
        ran->sched.boost = false;
    }
    if (prev && prev != ran) {
        burn(prev, now);
        prev->sched.boost = false;
    }
    /* Woken again before it left the CPU: csched_wake was skipped. */
    if (prev && vcpu_runnable(prev))
        note_awake(prev, now);
    tickled_mask &= ~(1ull << cpu);
    maybe_account(now, cpu);

    /* prev is a candidate only while it may still run here. */
    if (prev && vcpu_runnable(prev)) {
        yield = prev->sched.yield;
        prev->sched.yield = false;
        rq_remove(prev);
        if ((allowed(prev) & (1ull << cpu)) && !parked(prev) &&
            !soft_elsewhere(prev, cpu, tickled_mask)) {
            keep_pri = prio(prev, prev->sched.credit);
        } else if (!(allowed(prev) & (1ull << cpu)) || !parked(prev)) {
            /*
             * Its affinity changed under it, or a CPU it prefers is idle
             * now: move it, waking that CPU.
             */
            int t = place(prev, now);

            if (t >= 0 && (unsigned int)t != cpu)
                cpu_raise_softirq((unsigned int)t, SOFTIRQ_SCHEDULE);
        } else {
            rq_insert(prev, home_cpu(prev));
        }
    } else {
        prev = NULL;
    }

    /* A yielding prev counts for less than anything else. */
    kp = yield ? PRI_PARKED : keep_pri;
    cand = rq_best(cpu, cpu, &cand_pri);
    {
        /* Steal what is better than anything here (anything, if idle). */
        int floor = kp > cand_pri ? kp : cand_pri, rp = 0;
        struct vcpu *steal = NULL;

        for (unsigned int c = 0; c < nr_cpus && c < MAX_CPUS; c++) {
            int p = PRI_PARKED;
            struct vcpu *v;

            if (c == cpu)
                continue;
            v = rq_best(c, cpu, &p);
            if (!v || p <= floor || soft_elsewhere(v, cpu, 0))
                continue;
            if (!steal || p > rp ||
                (p == rp && v->sched.qseq < steal->sched.qseq)) {
                steal = v;
                rp = p;
            }
        }
        if (steal) {
            cand = steal;
            cand_pri = rp;
        }
    }

    /*
     * prev keeps the CPU if nothing beats it, or something only ties with
     * it before its timeslice is over: round robin at slice granularity.
     */
    if (prev && keep_pri != PRI_PARKED &&
        (kp > cand_pri || !cand ||
         (kp == cand_pri &&
          (now < pc->slice_end || prev->sched.credit > cand->sched.credit)))) {
        next = prev;
        if (kp > cand_pri || !cand || now >= pc->slice_end)
            pc->slice_end = now + TSLICE_NS;
    } else if (cand) {
        rq_remove(cand);
        next = cand;
        pc->slice_end = now + TSLICE_NS;
        if (prev)
            rq_insert(prev, cpu);
    } else if (prev) {
        rq_insert(prev, home_cpu(prev));
    }

    pc->curr = next;
    if (next) {
        struct domain *d = next->domain;

        busy_mask |= 1ull << cpu;
        next->sched.start_ns = now;
        slice = pc->slice_end > now ? pc->slice_end - now : TSLICE_NS;
        if (d->cap && d->sched.cap_primed) {
            /* Stop it when the domain's budget, shared by its running
             * vCPUs, is gone. */
            unsigned int running = 1;
            u64 budget;

            for (unsigned int c = 0; c < nr_cpus && c < MAX_CPUS; c++)
                if (c != cpu && pcpu[c].curr && pcpu[c].curr->domain == d)
                    running++;
            budget = d->sched.cap_left > 0 ? (u64)d->sched.cap_left : 0;
            if (budget / running < slice)
                slice = budget / running;
        }
    } else {
        busy_mask &= ~(1ull << cpu);
        /* A parked domain refills at the next accounting: be there. */
        slice =
            parked_work() && next_acct > now ? next_acct - now : IDLE_SLICE_NS;
    }
    if (slice < MIN_SLICE_NS)
        slice = MIN_SLICE_NS;
    *slice_ns = slice;

    /* Work left queued here that an idle CPU could take. */
    if (pc->head)
        tickle_idlers(cpu);
    return next;
}
