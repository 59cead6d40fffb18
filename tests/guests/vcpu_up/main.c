/* SPDX-License-Identifier: MIT */
/* A second vCPU: VCPUOP_initialise + up, it runs and takes events; down, up. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

static volatile uint64_t spins;
static volatile unsigned int seen_id = ~0u, seen_magic;
static volatile int stop;
static volatile uint32_t ipi_hits;
static volatile unsigned int ipi_cpu = ~0u;
static volatile void *seen_arg;

static void on_ipi(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    ipi_cpu = smp_cpu_id();
    ipi_hits++;
}

static void secondary(unsigned int cpu, void *arg)
{
    seen_id = cpu == smp_cpu_id() ? cpu : 1000 + smp_cpu_id();
    seen_magic = guest_cpu_self()->magic;
    seen_arg = arg;
    printk("vcpu%u: running, events %s\n", cpu,
           events_disabled() ? "masked" : "enabled");
    while (!stop)
        spins++;
}

static int wait_for(volatile uint64_t *v, uint64_t above, uint64_t ms)
{
    uint64_t end = guest_now() + ms * NS_PER_MS;

    while (*v <= above && guest_now() < end)
        cpu_relax();
    return *v > above;
}

void test_main(void)
{
    static int cookie;
    evtchn_port_t ipi, unb, loop;
    struct evtchn_status st;
    uint64_t a, b, end;

    TEST_EQ(events_init(), 0);
    events_enable();

    TEST_EQ(vcpu_is_up(0), 1);
    TEST_EQ(vcpu_is_up(1), 0);
    TEST_EQ(vcpu_is_up(200), -XEN_ENOENT);
    TEST_EQ(vcpu_up(1), -XEN_EINVAL); /* never initialised */

    TEST_EQ(vcpu_initialise(1, secondary, &cookie), 0);
    TEST_EQ(vcpu_is_up(1), 0); /* initialised, not yet up */
    TEST_EQ(vcpu_initialise(1, secondary, &cookie), -XEN_EEXIST);
    TEST_EQ(vcpu_up(1), 0);
    TEST_EQ(vcpu_is_up(1), 1);
    TEST_CHECK(wait_for(&spins, 0, 2000));
    TEST_EQ(vcpu_running[1], 1);
    TEST_EQ(seen_id, 1);
    TEST_EQ(seen_magic, GUEST_CPU_MAGIC);
    TEST_CHECK(seen_arg == &cookie);

    /* An IPI bound to vCPU 1 runs its handler there, while 0 spins on. */
    TEST_EQ(evtchn_bind_ipi(1, &ipi), 0);
    evtchn_set_handler(ipi, on_ipi, NULL);
    TEST_EQ(evtchn_send(ipi), 0);
    end = guest_now() + 500 * NS_PER_MS;
    while (!ipi_hits && guest_now() < end)
        cpu_relax();
    TEST_EQ(ipi_hits, 1);
    TEST_EQ(ipi_cpu, 1);
    /* IPIs stay on their vCPU; bind_vcpu moves interdomain ports only. */
    TEST_EQ(evtchn_bind_vcpu(ipi, 0), -XEN_EINVAL);
    events_disable();
    TEST_EQ(evtchn_alloc_unbound(DOMID_SELF, &unb), 0);
    TEST_EQ(evtchn_bind_interdomain(DOMID_SELF, unb, &loop), 0);
    evtchn_clear_pending(loop); /* the bind's own notification */
    events_enable();
    evtchn_set_handler(unb, on_ipi, NULL);
    TEST_EQ(evtchn_bind_vcpu(unb, 1), 0);
    TEST_EQ(evtchn_status(DOMID_SELF, unb, &st), 0);
    TEST_EQ(st.vcpu, 1);
    TEST_EQ(evtchn_send(loop), 0);
    end = guest_now() + 500 * NS_PER_MS;
    while (ipi_hits < 2 && guest_now() < end)
        cpu_relax();
    TEST_EQ(ipi_hits, 2);
    TEST_EQ(ipi_cpu, 1);
    TEST_EQ(evtchn_bind_vcpu(unb, 0), 0);
    TEST_EQ(evtchn_send(loop), 0);
    end = guest_now() + 500 * NS_PER_MS;
    while (ipi_hits < 3 && guest_now() < end)
        cpu_relax();
    TEST_EQ(ipi_hits, 3);
    TEST_EQ(ipi_cpu, 0);
    TEST_EQ(evtchn_bind_vcpu(unb, 200), -XEN_ENOENT);

    /* Down: it stops running, and is_up says so. */
    TEST_EQ(vcpu_down(1), 0);
    TEST_EQ(vcpu_is_up(1), 0);
    spin_until(guest_now() + 20 * NS_PER_MS); /* let it leave the CPU */
    a = spins;
    spin_until(guest_now() + 100 * NS_PER_MS);
    b = spins;
    TEST_EQ(b, a);

    /* Up again: it carries on where it was. */
    TEST_EQ(vcpu_up(1), 0);
    TEST_EQ(vcpu_is_up(1), 1);
    TEST_CHECK(wait_for(&spins, b, 2000));

    /* When its function returns, the vCPU takes itself down. */
    stop = 1;
    end = guest_now() + 2000 * NS_PER_MS;
    while (vcpu_is_up(1) == 1 && guest_now() < end)
        cpu_relax();
    TEST_EQ(vcpu_is_up(1), 0);
    TEST_EQ(vcpu_running[1], 0);
    TEST_EQ(evtchn_spurious, 0);
}
