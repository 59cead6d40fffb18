/* SPDX-License-Identifier: MIT */
/* Benchmark guest: the timing loop and report lines shared by its files. */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <guest/guest.h>

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/* Nonzero with the "smoke" command-line word: counts divided by 100. */
extern int smoke;
unsigned long iters_for(unsigned long full);

/* "BENCH name=... status=unsupported reason=<reason>(<rc>)" */
void unsupported(const char *name, const char *reason, long rc);

/*
 * Run op(k) for a warm-up of iters/10 + 1, then iters times under rdtsc,
 * and report. op returns 0 on success; the first failure aborts the
 * figure (reported unsupported).
 */
typedef long (*bench_op_t)(unsigned long k);
void run(const char *name, unsigned long full, bench_op_t op);

/* The BENCH line of a figure measured by hand; extra: " key=value ..." */
void report(const char *name, unsigned long iters, uint64_t cycles,
            const char *extra);

/* The two-vCPU figures (vcpus.c). */
void bench_vcpus(void);

/* Grant map/unmap and copy; domain create/destroy (ctl.c). */
void bench_grant(void);
void bench_domains(void);
void bench_build_run(void);

#endif /* BENCH_BENCH_H */
