#include <guest/test.h>
void test_main(void) {
    { struct sched_shutdown sd = { 77 }; printk("shutdown reason 77: %ld\n", HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd)); }
    printk("console_io count -1: %ld\n", HYPERVISOR_console_io(CONSOLEIO_write, -1, "x"));
    printk("xen_version(extraversion, NULL): %ld\n", HYPERVISOR_xen_version(XENVER_extraversion, NULL));
    printk("multicall nr 1000 NULL: %ld\n", HYPERVISOR_multicall(NULL, 1000));
    TEST_CHECK(1);
}
