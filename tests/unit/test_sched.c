/* SPDX-License-Identifier: GPL-2.0-only */
/* Credit scheduler tests: a discrete-event simulator over hyp/sched_credit.c. */
#include "harness.h"
#include "sched.h"

/*
 * The simulator plays the part of hyp/schedule.c and the hardware: CPUs
 * with one-shot slice timers and SCHEDULE softirqs, vCPUs that compute,
 * block and wake. It calls the real scheduler the way schedule.c does and
 * checks every decision against the contract.
 */

#define MS 1000000ull
#define SEC (1000 * MS)
#define NEVER (~0ull)
#define SIM_MAX_V 256
#define SIM_MAX_D 64

/* What the scheduler links against instead of hyp/arch/x86/smp.c. */
unsigned int nr_cpus;
cpumask_t cpu_online_mask;
/* hyp/domain.c's table, kept filled as the hypervisor does. */
struct domain *domain_list[MAX_DOMAINS];

struct simv {
    struct vcpu *v;
    u64 burst;      /* CPU time per burst before blocking; 0 = CPU-bound */
    u64 sleep;      /* blocked time between bursts */
    u64 burst_left; /* of the current burst */
    u64 wake_at;    /* while blocked: when it wakes (NEVER = on request) */
    u64 runtime;    /* CPU time received */
    u64 started;    /* when it last went onto a CPU */
    u64 woke;       /* when it last became runnable */
    u64 max_latency, sum_latency, nr_wakes;
    bool has_run;
};

static struct sim {
    u64 now;
    unsigned int ncpu;
    struct vcpu *cur[MAX_CPUS];
    u64 timer[MAX_CPUS];
    bool pend[MAX_CPUS];
    u64 busy[MAX_CPUS]; /* time a vCPU ran there */
    struct simv vs[SIM_MAX_V];
    unsigned int nv;
    struct domain *doms[SIM_MAX_D];
    unsigned int nd;
    /* Contract violations seen (each should stay 0). */
    unsigned int bad_double, bad_affinity, bad_unrunnable, bad_slice;
    unsigned int bad_wake_cpu;
    u64 migrations, switches, picks;
    /* Time some allowed CPU sat idle while a runnable vCPU waited. */
    u64 idle_with_work;
} S;

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    if (nr == SOFTIRQ_SCHEDULE && cpu < S.ncpu)
        S.pend[cpu] = true;
}

static struct simv *simv_of(struct vcpu *v)
{
    for (unsigned int i = 0; i < S.nv; i++)
        if (S.vs[i].v == v)
            return &S.vs[i];
    return NULL;
}

static void sim_free(void)
{
    for (unsigned int i = 0; i < S.nd; i++) {
        struct domain *d = S.doms[i];

        for (unsigned int j = 0; j < d->max_vcpus; j++) {
            if (!d->vcpu[j])
                continue;
            csched_vcpu_remove(d->vcpu[j]);
            free(d->vcpu[j]);
        }
        free(d);
        domain_list[i] = NULL;
    }
    S.nd = 0;
}

static void sim_init(unsigned int ncpu)
{
    sim_free();
    memset(&S, 0, sizeof(S));
    S.ncpu = ncpu;
    nr_cpus = ncpu;
    cpu_online_mask = ncpu == 64 ? ~0ull : (1ull << ncpu) - 1;
    /* Every CPU enters schedule() once when it comes up. */
    for (unsigned int c = 0; c < ncpu; c++) {
        S.timer[c] = NEVER;
        S.pend[c] = true;
    }
    csched_init();
}

/* Like hyp/domain.c: weight and cap are set after csched_dom_init. */
static struct domain *sim_dom(unsigned int weight, unsigned int cap,
                              unsigned int nvcpus, u64 burst, u64 sleep)
{
    struct domain *d = calloc(1, sizeof(*d));

    d->domain_id = (domid_t)S.nd;
    d->max_vcpus = nvcpus;
    d->weight = 256;
    csched_dom_init(d);
    d->weight = weight;
    d->cap = cap;
    domain_list[S.nd] = d;
    S.doms[S.nd++] = d;
    for (unsigned int i = 0; i < nvcpus; i++) {
        struct vcpu *v = calloc(1, sizeof(*v));
        struct simv *s = &S.vs[S.nv++];

        v->domain = d;
        v->vcpu_id = i;
        v->pause_flags = VPF_down;
        v->affinity = cpu_online_mask;
        d->vcpu[i] = v;
        csched_vcpu_insert(v);
        s->v = v;
        s->burst = burst;
        s->sleep = sleep;
        s->burst_left = burst;
        s->wake_at = NEVER;
    }
    return d;
}

/* schedule.c's wake_queue(). */
static void sim_wake_queue(struct vcpu *v)
{
    int cpu;

    if (!vcpu_runnable(v) || v->is_running)
        return;
    simv_of(v)->woke = S.now;
    cpu = csched_wake(v, S.now);
    if (cpu >= (int)S.ncpu || (cpu >= 0 && !(v->affinity & (1ull << cpu))))
        S.bad_wake_cpu++;
    else if (cpu >= 0)
        S.pend[cpu] = true;
}

static void sim_unpause(struct vcpu *v, u32 flag)
{
    if (!(v->pause_flags & flag))
        return;
    v->pause_flags &= ~flag;
    sim_wake_queue(v);
}

static void sim_pause(struct vcpu *v, u32 flag)
{
    if (v->pause_flags & flag)
        return;
    v->pause_flags |= flag;
    csched_sleep(v, S.now);
    if (v->is_running)
        S.pend[v->processor] = true;
}

static void sim_start_all(void)
{
    for (unsigned int i = 0; i < S.nv; i++)
        sim_unpause(S.vs[i].v, VPF_down);
}

static u64 sim_runtime(const struct simv *s)
{
    return s->runtime + (s->v->is_running ? S.now - s->started : 0);
}

static void sim_desched(struct vcpu *v)
{
    struct simv *s = simv_of(v);
    u64 ran = S.now - s->started;

    s->runtime += ran;
    S.busy[v->processor] += ran;
    if (s->burst)
        s->burst_left -= ran < s->burst_left ? ran : s->burst_left;
    v->is_running = false;
    S.cur[v->processor] = NULL;
}

static void sim_run_vcpu(struct vcpu *v, unsigned int cpu)
{
    struct simv *s = simv_of(v);

    for (unsigned int c = 0; c < S.ncpu; c++)
        if (S.cur[c] == v || v->is_running)
            S.bad_double++;
    if (s->has_run && v->processor != cpu)
        S.migrations++;
    s->has_run = true;
    if (S.now - s->woke > s->max_latency)
        s->max_latency = S.now - s->woke;
    s->sum_latency += S.now - s->woke;
    s->nr_wakes++;
    s->woke = NEVER / 2; /* counted once per wake */
    v->processor = cpu;
    v->is_running = true;
    S.cur[cpu] = v;
    s->started = S.now;
    S.switches++;
}

/* schedule.c's loop body for one CPU. */
static void sim_schedule(unsigned int cpu)
{
    struct vcpu *prev = S.cur[cpu], *next;
    u64 slice = 0;

    if (prev && !vcpu_runnable(prev)) {
        sim_desched(prev);
        prev = NULL;
    }
    next = csched_pick(cpu, prev, S.now, &slice);
    S.picks++;
    if (slice < 1000 || slice > 10 * SEC)
        S.bad_slice++;
    if (next) {
        if (!vcpu_runnable(next))
            S.bad_unrunnable++;
        if (!(next->affinity & (1ull << cpu)))
            S.bad_affinity++;
        if (next->is_running && next != prev)
            S.bad_double++;
    }
    if (prev && prev != next)
        sim_desched(prev);
    if (next && next != prev)
        sim_run_vcpu(next, cpu);
    S.timer[cpu] = S.now + (slice ? slice : 1000);
}

/* Is there a CPU idling while a runnable vCPU allowed there waits? */
static bool sim_idle_with_work(void)
{
    cpumask_t idle = 0;

    for (unsigned int c = 0; c < S.ncpu; c++)
        if (!S.cur[c])
            idle |= 1ull << c;
    for (unsigned int i = 0; idle && i < S.nv; i++) {
        struct vcpu *v = S.vs[i].v;

        if (vcpu_runnable(v) && !v->is_running && !v->domain->cap &&
            (v->affinity & idle))
            return true;
    }
    return false;
}

static void sim_block(struct simv *s)
{
    s->wake_at = s->sleep ? S.now + s->sleep : NEVER;
    sim_pause(s->v, VPF_blocked);
}

static void sim_wake(struct simv *s)
{
    s->wake_at = NEVER;
    s->burst_left = s->burst;
    sim_unpause(s->v, VPF_blocked);
}

/* Advance simulated time to `until`, running every event on the way. */
static void sim_run(u64 until)
{
    for (unsigned long guard = 0; guard < 100000000ul; guard++) {
        bool any = false;
        u64 t = until;

        for (unsigned int c = 0; c < S.ncpu; c++) {
            if (S.pend[c]) {
                S.pend[c] = false;
                sim_schedule(c);
                any = true;
            }
        }
        if (any)
            continue;
        if (S.now >= until)
            return;
        for (unsigned int c = 0; c < S.ncpu; c++)
            if (S.timer[c] < t)
                t = S.timer[c];
        for (unsigned int i = 0; i < S.nv; i++) {
            struct simv *s = &S.vs[i];

            if (s->v->is_running && s->burst && s->started + s->burst_left < t)
                t = s->started + s->burst_left;
            if (s->wake_at < t)
                t = s->wake_at;
        }
        if (t < S.now)
            t = S.now;
        if (sim_idle_with_work())
            S.idle_with_work += t - S.now;
        S.now = t;
        for (unsigned int i = 0; i < S.nv; i++) {
            struct simv *s = &S.vs[i];

            if (s->v->is_running && s->burst &&
                S.now - s->started >= s->burst_left)
                sim_block(s);
            else if (s->wake_at <= S.now)
                sim_wake(s);
        }
        for (unsigned int c = 0; c < S.ncpu; c++) {
            if (S.timer[c] <= S.now) {
                S.timer[c] = NEVER;
                S.pend[c] = true;
            }
        }
    }
    fprintf(stdout, "  simulator made no progress\n");
    unit_cur_failed++;
}

/* Every scheduling decision obeyed the contract. */
static void check_contract(void)
{
    CHECK_EQ(S.bad_double, 0);
    CHECK_EQ(S.bad_affinity, 0);
    CHECK_EQ(S.bad_unrunnable, 0);
    CHECK_EQ(S.bad_slice, 0);
    CHECK_EQ(S.bad_wake_cpu, 0);
}

/* CPU time each domain got between two snapshots. */
static void dom_times(u64 *out)
{
    for (unsigned int i = 0; i < S.nd; i++)
        out[i] = 0;
    for (unsigned int i = 0; i < S.nv; i++)
        for (unsigned int j = 0; j < S.nd; j++)
            if (S.vs[i].v->domain == S.doms[j])
                out[j] += sim_runtime(&S.vs[i]);
}

/* Runs from `warm` to `end`; out[i] = domain i's CPU time in that window. */
static void measure(u64 warm, u64 end, u64 *out)
{
    u64 a[SIM_MAX_D], b[SIM_MAX_D];

    sim_run(warm);
    dom_times(a);
    sim_run(end);
    dom_times(b);
    for (unsigned int i = 0; i < S.nd; i++)
        out[i] = b[i] - a[i];
}

static bool within(double got, double want, double tol)
{
    return got >= want * (1 - tol) && got <= want * (1 + tol);
}

#define CHECK_NEAR(got, want, tol)                                             \
    do {                                                                       \
        double g_ = (got), w_ = (want);                                        \
        if (!within(g_, w_, (tol)))                                            \
            unit_fail(__FILE__, __LINE__, "%s = %.4f, want %.4f +-%g%%", #got, \
                      g_, w_, (tol)*100);                                      \
    } while (0)

TEST(weights_one_cpu)
{
    u64 t[2];

    sim_init(1);
    sim_dom(256, 0, 1, 0, 0);
    sim_dom(512, 0, 1, 0, 0);
    sim_start_all();
    measure(1 * SEC, 6 * SEC, t);
    printf("  1 CPU, weights 256:512 -> %.1f ms : %.1f ms (ratio %.3f)\n",
           t[0] / 1e6, t[1] / 1e6, (double)t[1] / (double)t[0]);
    CHECK_NEAR((double)t[1] / (double)t[0], 2.0, 0.05);
    CHECK_NEAR((double)(t[0] + t[1]), 5.0 * SEC, 0.001);
    check_contract();
}

TEST(weights_from_full_credit)
{
    u64 t[2];

    /*
     * Both CPU-bound domains start holding a full period of credit (the
     * most a vCPU may hold): the heavier one must still pull ahead rather
     * than both being topped up to the maximum forever at 1:1.
     */
    sim_init(1);
    sim_dom(256, 0, 1, 0, 0);
    sim_dom(512, 0, 1, 0, 0);
    sim_start_all();
    S.vs[0].v->sched.credit = 30 * (s64)MS;
    S.vs[1].v->sched.credit = 30 * (s64)MS;
    measure(1 * SEC, 6 * SEC, t);
    printf("  full credit at start, 256:512 -> ratio %.3f\n",
           (double)t[1] / (double)t[0]);
    CHECK_NEAR((double)t[1] / (double)t[0], 2.0, 0.05);

    /* The same with two vCPUs each on two CPUs. */
    sim_init(2);
    sim_dom(256, 0, 2, 0, 0);
    sim_dom(512, 0, 2, 0, 0);
    sim_start_all();
    for (unsigned int i = 0; i < 4; i++)
        S.vs[i].v->sched.credit = 30 * (s64)MS;
    measure(1 * SEC, 6 * SEC, t);
    printf("  2 CPUs, full credit, 256:512 -> ratio %.3f\n",
           (double)t[1] / (double)t[0]);
    CHECK_NEAR((double)t[1] / (double)t[0], 2.0, 0.05);
    CHECK_NEAR((double)(t[0] + t[1]), 10.0 * SEC, 0.001);
    check_contract();
}

TEST(weights_two_vcpus_two_cpus)
{
    u64 t[2];

    sim_init(2);
    sim_dom(256, 0, 2, 0, 0);
    sim_dom(512, 0, 2, 0, 0);
    sim_start_all();
    measure(1 * SEC, 6 * SEC, t);
    printf("  2 CPUs, 2+2 vCPUs, weights 256:512 -> %.1f : %.1f ms (ratio "
           "%.3f), %llu migrations\n",
           t[0] / 1e6, t[1] / 1e6, (double)t[1] / (double)t[0],
           (unsigned long long)S.migrations);
    CHECK_NEAR((double)t[1] / (double)t[0], 2.0, 0.05);
    /* Both CPUs were busy all the time. */
    CHECK_NEAR((double)(t[0] + t[1]), 10.0 * SEC, 0.001);
    CHECK(S.idle_with_work < 1 * MS);
    check_contract();
}

TEST(weights_rebalance_from_bad_placement)
{
    u64 t[2];

    /* Start with each domain on its own CPU, then let them mix. */
    sim_init(2);
    sim_dom(256, 0, 2, 0, 0);
    sim_dom(512, 0, 2, 0, 0);
    for (unsigned int j = 0; j < 2; j++) {
        S.doms[0]->vcpu[j]->affinity = 0x1;
        S.doms[1]->vcpu[j]->affinity = 0x2;
    }
    sim_start_all();
    sim_run(1 * SEC);
    for (unsigned int j = 0; j < 2; j++) {
        S.doms[0]->vcpu[j]->affinity = 0x3;
        S.doms[1]->vcpu[j]->affinity = 0x3;
    }
    measure(2 * SEC, 7 * SEC, t);
    printf("  from split placement: %.1f : %.1f ms (ratio %.3f), %llu "
           "migrations\n",
           t[0] / 1e6, t[1] / 1e6, (double)t[1] / (double)t[0],
           (unsigned long long)S.migrations);
    CHECK_NEAR((double)t[1] / (double)t[0], 2.0, 0.05);
    CHECK_NEAR((double)(t[0] + t[1]), 10.0 * SEC, 0.001);
    check_contract();
}

TEST(cap_limits_even_with_idle_cpu)
{
    u64 t[2];

    /* Two CPUs, two CPU-bound vCPUs: one CPU is free for the capped one. */
    sim_init(2);
    sim_dom(256, 25, 1, 0, 0);
    sim_dom(256, 0, 1, 0, 0);
    sim_start_all();
    measure(1 * SEC, 6 * SEC, t);
    printf("  cap=25 on 2 CPUs: capped %.2f %%, other %.2f %%\n",
           t[0] * 100.0 / (5.0 * SEC), t[1] * 100.0 / (5.0 * SEC));
    CHECK_NEAR(t[0] * 100.0 / (5.0 * SEC), 25.0, 0.12);
    CHECK_NEAR(t[1] * 100.0 / (5.0 * SEC), 100.0, 0.01);
    check_contract();

    /* A capped domain alone with two vCPUs: 25 % of one CPU in total. */
    sim_init(2);
    sim_dom(256, 25, 2, 0, 0);
    sim_start_all();
    measure(1 * SEC, 6 * SEC, t);
    printf("  cap=25, 2 vCPUs alone on 2 CPUs: %.2f %%\n",
           t[0] * 100.0 / (5.0 * SEC));
    CHECK_NEAR(t[0] * 100.0 / (5.0 * SEC), 25.0, 0.12);
    check_contract();

    /* One CPU, cap below the weight share: the rest goes to the other. */
    sim_init(1);
    sim_dom(1024, 30, 1, 0, 0);
    sim_dom(256, 0, 1, 0, 0);
    sim_start_all();
    measure(1 * SEC, 6 * SEC, t);
    printf("  cap=30 weight 1024 vs 256 on 1 CPU: %.2f %% : %.2f %%\n",
           t[0] * 100.0 / (5.0 * SEC), t[1] * 100.0 / (5.0 * SEC));
    CHECK_NEAR(t[0] * 100.0 / (5.0 * SEC), 30.0, 0.1);
    CHECK_NEAR(t[1] * 100.0 / (5.0 * SEC), 70.0, 0.05);
    check_contract();
}

TEST(blocked_vcpu_gets_nothing)
{
    struct simv *a, *b;
    u64 a0, b0, a1, b1;

    sim_init(1);
    sim_dom(256, 0, 1, 0, 0);
    sim_dom(256, 0, 1, 0, 0);
    a = &S.vs[0];
    b = &S.vs[1];
    sim_start_all();
    sim_run(1 * SEC);
    /* a blocks with no wake-up scheduled: b must get the whole CPU. */
    sim_pause(a->v, VPF_blocked);
    sim_run(1 * SEC + 20 * MS); /* a's last slice ends */
    a0 = sim_runtime(a);
    b0 = sim_runtime(b);
    sim_run(3 * SEC);
    a1 = sim_runtime(a);
    b1 = sim_runtime(b);
    printf("  while blocked: a %.3f ms, b %.3f ms of %.1f ms\n",
           (a1 - a0) / 1e6, (b1 - b0) / 1e6, (2 * SEC - 20 * MS) / 1e6);
    CHECK_EQ(a1 - a0, 0);
    CHECK_EQ(b1 - b0, 3 * SEC - 1 * SEC - 20 * MS);
    CHECK(!a->v->is_running);
    /* After waking, a gets its half again. */
    sim_unpause(a->v, VPF_blocked);
    sim_run(4 * SEC);
    a0 = sim_runtime(a);
    b0 = sim_runtime(b);
    sim_run(8 * SEC);
    a1 = sim_runtime(a);
    b1 = sim_runtime(b);
    printf("  after waking: a %.1f ms, b %.1f ms\n", (a1 - a0) / 1e6,
           (b1 - b0) / 1e6);
    CHECK_NEAR((double)(a1 - a0) / (double)(b1 - b0), 1.0, 0.05);
    check_contract();
}

TEST(wake_boost_preempts_cpu_hog)
{
    struct simv *io;
    u64 t[2];

    /*
     * One CPU: a CPU-bound domain and an I/O-like one that computes 0.5 ms
     * and then sleeps 17 ms. The sleeper wakes with credit, so it must get
     * the CPU at once, not after the hog's slice.
     */
    sim_init(1);
    sim_dom(256, 0, 1, 0, 0);
    sim_dom(256, 0, 1, MS / 2, 17 * MS);
    io = &S.vs[1];
    sim_start_all();
    /* The first wake-ups have no credit yet (nothing handed out). */
    sim_run(1 * SEC);
    io->max_latency = io->sum_latency = io->nr_wakes = 0;
    measure(1 * SEC, 6 * SEC, t);
    printf("  sleeper: %llu wakes, latency max %.3f ms mean %.4f ms; "
           "CPU %.2f %% (wants %.2f %%)\n",
           (unsigned long long)io->nr_wakes, io->max_latency / 1e6,
           io->sum_latency / 1e6 / (double)io->nr_wakes,
           t[1] * 100.0 / (5.0 * SEC), 100.0 * 0.5 / 17.5);
    CHECK(io->nr_wakes > 200);
    CHECK(io->max_latency <= 10 * MS);
    CHECK(io->nr_wakes && io->sum_latency / io->nr_wakes < MS / 10);
    CHECK_NEAR(t[1] * 100.0 / (5.0 * SEC), 100.0 * 0.5 / 17.5, 0.05);
    CHECK_NEAR((double)(t[0] + t[1]), 5.0 * SEC, 0.001);
    check_contract();
}

TEST(wake_boost_against_under_hog)
{
    struct simv *io;

    /*
     * The hog on CPU 0 stays UNDER (its domain's share is a whole CPU), so
     * only the boost lets the sleeper in at once. CPU 1 runs another hog.
     */
    sim_init(2);
    sim_dom(256, 0, 1, 0, 0);
    sim_dom(256, 0, 1, 0, 0);
    sim_dom(256, 0, 1, MS / 2, 17 * MS);
    S.doms[0]->vcpu[0]->affinity = 0x1;
    S.doms[1]->vcpu[0]->affinity = 0x2;
    S.doms[2]->vcpu[0]->affinity = 0x1;
    io = &S.vs[2];
    sim_start_all();
    sim_run(1 * SEC);
    io->max_latency = io->sum_latency = io->nr_wakes = 0;
    sim_run(6 * SEC);
    printf("  sleeper vs UNDER hog: %llu wakes, latency max %.3f ms mean "
           "%.4f ms, hog credit %.1f ms\n",
           (unsigned long long)io->nr_wakes, io->max_latency / 1e6,
           io->sum_latency / 1e6 / (double)(io->nr_wakes ? io->nr_wakes : 1),
           S.vs[0].v->sched.credit / 1e6);
    CHECK(io->nr_wakes > 200);
    CHECK(io->max_latency <= 10 * MS);
    CHECK(io->nr_wakes && io->sum_latency / io->nr_wakes < MS / 10);
    check_contract();
}

TEST(affinity_respected)
{
    static const cpumask_t masks[] = { 0x1, 0x6, 0x8, 0xf, 0x3, 0xc };
    u64 t[6];

    sim_init(4);
    for (unsigned int i = 0; i < 6; i++) {
        sim_dom(256, 0, 2, i & 1 ? 3 * MS : 0, 2 * MS);
        for (unsigned int j = 0; j < 2; j++)
            S.doms[i]->vcpu[j]->affinity = masks[i];
    }
    sim_start_all();
    measure(1 * SEC, 4 * SEC, t);
    for (unsigned int i = 0; i < 6; i++)
        CHECK(t[i] > 100 * MS);
    /* Every vCPU only ever ran where it may (checked on every pick). */
    for (unsigned int i = 0; i < S.nv; i++)
        CHECK(S.vs[i].v->affinity & (1ull << S.vs[i].v->processor));
    printf("  %llu picks, %llu switches, %llu migrations, idle with work "
           "%.3f ms\n",
           (unsigned long long)S.picks, (unsigned long long)S.switches,
           (unsigned long long)S.migrations, S.idle_with_work / 1e6);
    CHECK(S.idle_with_work < 10 * MS);
    check_contract();
}

TEST(idle_cpu_steals_queued_work)
{
    u64 t[2], m0;

    /*
     * Three CPU-bound vCPUs on two CPUs: a fair split (2/3 of a CPU each)
     * needs them to move between CPUs, and neither CPU may idle.
     */

    sim_init(2);
    sim_dom(256, 0, 3, 0, 0);
    sim_start_all();
    sim_run(1 * SEC);
    m0 = S.migrations;
    sim_run(6 * SEC);
    printf("  3 vCPUs on 2 CPUs: %llu migrations in 5 s\n",
           (unsigned long long)(S.migrations - m0));
    CHECK(S.migrations - m0 > 10);
    CHECK(S.idle_with_work < 1 * MS);
    check_contract();

    /*
     * A sleeper pinned to CPU 1 blocks often; whenever it does, CPU 1 must
     * take hogs queued on CPU 0 rather than idle.
     */
    sim_init(2);
    sim_dom(256, 0, 3, 0, 0);
    sim_dom(256, 0, 1, 2 * MS, 3 * MS);
    S.doms[1]->vcpu[0]->affinity = 0x2;
    sim_start_all();
    measure(1 * SEC, 6 * SEC, t);
    printf("  3 hogs + sleeper on CPU 1: hogs %.1f ms, sleeper %.1f ms, "
           "migrations %llu, idle with work %.3f ms\n",
           t[0] / 1e6, t[1] / 1e6, (unsigned long long)S.migrations,
           S.idle_with_work / 1e6);
    /* Sharing CPU 1 with the sleeper must not cost one hog alone. */
    for (unsigned int i = 0; i < 3; i++) {
        printf("  hog %u: %.1f ms\n", i, sim_runtime(&S.vs[i]) / 1e6);
        CHECK_NEAR((double)sim_runtime(&S.vs[i]),
                   (double)(sim_runtime(&S.vs[0]) + sim_runtime(&S.vs[1]) +
                            sim_runtime(&S.vs[2])) /
                       3,
                   0.05);
    }
    CHECK_NEAR((double)(t[0] + t[1]), 10.0 * SEC, 0.001);
    CHECK(S.migrations > 10);
    CHECK(S.idle_with_work < 1 * MS);
    check_contract();

    /*
     * Both vCPUs queued on CPU 0 (pinned there), then allowed everywhere:
     * the idle CPU 1 must pick one up within a timeslice.
     */
    sim_init(2);
    sim_dom(256, 0, 2, 0, 0);
    S.doms[0]->vcpu[0]->affinity = 0x1;
    S.doms[0]->vcpu[1]->affinity = 0x1;
    sim_start_all();
    sim_run(100 * MS);
    CHECK(S.cur[1] == NULL);
    m0 = S.migrations;
    S.doms[0]->vcpu[0]->affinity = 0x3;
    S.doms[0]->vcpu[1]->affinity = 0x3;
    sim_run(111 * MS);
    CHECK(S.cur[0] && S.cur[1]);
    CHECK_EQ(S.migrations - m0, 1);
    measure(1 * SEC, 2 * SEC, t);
    CHECK_NEAR((double)t[0], 2.0 * SEC, 0.001);
    check_contract();
}

TEST(affinity_change_moves_running_vcpu)
{
    struct vcpu *v;
    u64 t0;

    /*
     * A running vCPU whose affinity changes to exclude its CPU (what
     * SCHEDOP_pin_override does): its CPU reschedules, and the idle CPU
     * it may now use must take it at once, not after an idle timeout.
     */
    sim_init(2);
    sim_dom(256, 0, 1, 0, 0);
    v = S.vs[0].v;
    v->affinity = 0x1;
    sim_start_all();
    sim_run(50 * MS);
    CHECK(S.cur[0] == v);
    CHECK(S.cur[1] == NULL);
    t0 = S.now;
    v->affinity = 0x2;
    S.pend[0] = true; /* vcpu_pin_override raises SCHEDULE on its CPU */
    sim_run(t0 + 1 * MS);
    CHECK(S.cur[1] == v);
    CHECK(S.cur[0] == NULL);
    CHECK(S.migrations == 1);

    /* The same when the other CPU is busy with an OVER vCPU. */
    sim_init(2);
    sim_dom(256, 0, 1, 0, 0);
    sim_dom(256, 0, 2, 0, 0);
    v = S.vs[0].v;
    v->affinity = 0x1;
    S.vs[1].v->affinity = 0x2;
    S.vs[2].v->affinity = 0x2;
    sim_start_all();
    measure(1 * SEC, 2 * SEC, (u64[2]){ 0 });
    v->affinity = 0x2;
    S.pend[0] = true;
    sim_run(S.now + 100 * MS);
    CHECK(!v->is_running || v->processor == 1);
    CHECK(simv_of(v)->runtime > 0);
    /* Three vCPUs share CPU 1 now; CPU 0 idles. */
    {
        u64 before = sim_runtime(&S.vs[0]);

        sim_run(S.now + 3 * SEC);
        CHECK_NEAR((double)(sim_runtime(&S.vs[0]) - before), 3.0 * SEC / 2,
                   0.05);
    }
    check_contract();
}

TEST(three_vcpus_fair_on_two_cpus)
{
    u64 r1[3];

    sim_init(2);
    sim_dom(256, 0, 1, 0, 0);
    sim_dom(256, 0, 1, 0, 0);
    sim_dom(256, 0, 1, 0, 0);
    sim_start_all();
    measure(1 * SEC, 11 * SEC, r1);
    for (unsigned int i = 0; i < 3; i++) {
        printf("  d%u: %.1f ms of 20000\n", i, r1[i] / 1e6);
        CHECK_NEAR((double)r1[i], 20.0 * SEC / 3, 0.05);
    }
    check_contract();
}

static unsigned int rnd_state = 12345;

static unsigned int rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 16) & 0x7fff;
}

TEST(twenty_domains_random_weights)
{
    unsigned int w[20], sum = 0;
    u64 t[20], total = 0;
    double worst = 0;

    sim_init(2);
    for (unsigned int i = 0; i < 20; i++) {
        w[i] = 64 + rnd() % 1000;
        sum += w[i];
        sim_dom(w[i], 0, 1, 0, 0);
    }
    sim_start_all();
    measure(2 * SEC, 62 * SEC, t);
    for (unsigned int i = 0; i < 20; i++)
        total += t[i];
    for (unsigned int i = 0; i < 20; i++) {
        double want = (double)w[i] / sum, got = (double)t[i] / (double)total;
        double err = got / want - 1;

        if (err < 0)
            err = -err;
        if (err > worst)
            worst = err;
        CHECK_NEAR(got, want, 0.10);
    }
    printf("  20 domains on 2 CPUs, 60 s: worst share error %.2f %%\n",
           worst * 100);
    CHECK_NEAR((double)total, 120.0 * SEC, 0.001);
    check_contract();
}

TEST(many_vcpus_cheap_and_sane)
{
    u64 t[64];

    /* 64 CPUs, 64 domains x 4 vCPUs of mixed kinds: no contract breach. */
    sim_init(64);
    for (unsigned int i = 0; i < 64; i++)
        sim_dom(128 + 64 * (i % 8), i % 5 == 0 ? 50 : 0, 4,
                i % 3 ? 0 : (1 + i % 4) * MS, (1 + i % 7) * MS);
    sim_start_all();
    measure(SEC / 2, 2 * SEC, t);
    for (unsigned int i = 0; i < 64; i++)
        CHECK(t[i] > 0);
    printf("  %llu picks, %llu migrations\n", (unsigned long long)S.picks,
           (unsigned long long)S.migrations);
    check_contract();
}

TEST(yield_lets_the_other_run)
{
    struct vcpu *a, *b, *first;

    sim_init(1);
    sim_dom(256, 0, 1, 0, 0);
    sim_dom(256, 0, 1, 0, 0);
    a = S.doms[0]->vcpu[0];
    b = S.doms[1]->vcpu[0];
    sim_start_all();
    sim_run(1 * SEC + 1 * MS);
    first = S.cur[0];
    CHECK(first == a || first == b);
    /* A reschedule without yield keeps the running vCPU (slice not over). */
    S.pend[0] = true;
    sim_run(S.now + 1000);
    CHECK(S.cur[0] == first);
    csched_yield(first);
    S.pend[0] = true;
    sim_run(S.now + 1000);
    CHECK(S.cur[0] == (first == a ? b : a));
    /* Yield with nobody else runnable: it keeps the CPU. */
    sim_pause(S.cur[0], VPF_blocked);
    sim_run(S.now + 1000);
    CHECK(S.cur[0] == first);
    csched_yield(first);
    S.pend[0] = true;
    sim_run(S.now + 1000);
    CHECK(S.cur[0] == first);
    check_contract();
}

TEST(vcpu_removed_while_queued)
{
    struct domain *d;

    sim_init(1);
    d = sim_dom(256, 0, 2, 0, 0);
    sim_dom(256, 0, 1, 0, 0);
    sim_start_all();
    sim_run(100 * MS);
    /* The domain dies: its vCPUs go down, then the scheduler forgets them. */
    for (unsigned int j = 0; j < 2; j++)
        sim_pause(d->vcpu[j], VPF_dead);
    sim_run(200 * MS);
    for (unsigned int j = 0; j < 2; j++) {
        CHECK(!d->vcpu[j]->is_running);
        csched_vcpu_remove(d->vcpu[j]);
        free(d->vcpu[j]);
        d->vcpu[j] = NULL;
    }
    S.vs[0] = S.vs[2];
    S.nv = 1;
    sim_run(1 * SEC);
    CHECK(S.vs[0].v->is_running);
    check_contract();
    sim_free();
}
