/* SPDX-License-Identifier: GPL-2.0-only */
/* Virtual MC146818 RTC/CMOS for HVM guests at ports 0x70/0x71: the host's wall clock, BCD or binary. */
#include "arch.h"
#include "lib.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include "vdev.h"

#define REG_SEC 0
#define REG_MIN 2
#define REG_HOUR 4
#define REG_WDAY 6
#define REG_MDAY 7
#define REG_MON 8
#define REG_YEAR 9
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define REG_CENTURY 0x32
#define A_UIP 0x80
#define B_SET 0x80
#define B_BINARY 0x04
#define B_24H 0x02
#define D_VRT 0x80
/* The update cycle: UIP rises 244 us before the seconds change. */
#define UIP_NS 244000ULL
#define UIP_CATCHUP_NS 50000000ULL
#define NS_PER_S 1000000000ULL

static struct vrtc *vrtc_of(struct domain *d)
{
    return &d->arch.hvm->plat->vrtc;
}

/* Host wall time in ns: shared_info's boot-time wall clock plus system time. */
static u64 wall_ns(struct domain *d)
{
    const struct shared_info *s = d->shared_info;
    u64 boot = ((u64)s->wc_sec_hi << 32 | s->wc_sec) * NS_PER_S + s->wc_nsec;

    return boot + arch_now_ns();
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil_from_days(s64 z, int *y, unsigned int *m, unsigned int *d)
{
    s64 era, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    yoe = z - era * 146097;
    yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
    doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static s64 days_from_civil(int y, unsigned int m, unsigned int d)
{
    s64 era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static u8 to_reg(const struct vrtc *r, unsigned int v)
{
    return (r->cmos[REG_B] & B_BINARY) ? (u8)v : (u8)(((v / 10) << 4) | v % 10);
}

static unsigned int from_reg(const struct vrtc *r, u8 v)
{
    return (r->cmos[REG_B] & B_BINARY) ? v : (v >> 4) * 10 + (v & 15);
}

/* The time registers from the guest's clock (host wall clock + offset). */
static void time_to_regs(struct domain *d, struct vrtc *r)
{
    s64 t = (s64)(wall_ns(d) / NS_PER_S) + r->offset_s;
    s64 days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    unsigned int sod = (unsigned int)(t - days * 86400), mon, mday, hour;
    int year;

    civil_from_days(days, &year, &mon, &mday);
    hour = sod / 3600;
    r->cmos[REG_SEC] = to_reg(r, sod % 60);
    r->cmos[REG_MIN] = to_reg(r, (sod / 60) % 60);
    if (r->cmos[REG_B] & B_24H)
        r->cmos[REG_HOUR] = to_reg(r, hour);
    else /* 12-hour: 1-12, bit 7 for PM */
        r->cmos[REG_HOUR] = (u8)(to_reg(r, hour % 12 ? hour % 12 : 12) |
                                 (hour >= 12 ? 0x80 : 0));
    /* 1970-01-01 was a Thursday; the register counts Sunday as 1. */
    r->cmos[REG_WDAY] = to_reg(r, (unsigned int)(((days % 7) + 11) % 7) + 1);
    r->cmos[REG_MDAY] = to_reg(r, mday);
    r->cmos[REG_MON] = to_reg(r, mon);
    r->cmos[REG_YEAR] = to_reg(r, (unsigned int)(year % 100));
    r->cmos[REG_CENTURY] = to_reg(r, (unsigned int)(year / 100));
}

/* SET cleared: the registers the guest wrote become its clock's offset. */
static void regs_to_offset(struct domain *d, struct vrtc *r)
{
    u8 h = r->cmos[REG_HOUR];
    unsigned int hour;
    int year = (int)(from_reg(r, r->cmos[REG_CENTURY]) * 100 +
                     from_reg(r, r->cmos[REG_YEAR]));
    s64 t;

    if (r->cmos[REG_B] & B_24H)
        hour = from_reg(r, h);
    else
        hour = from_reg(r, h & 0x7f) % 12 + (h & 0x80 ? 12 : 0);
    t = days_from_civil(year, from_reg(r, r->cmos[REG_MON]),
                        from_reg(r, r->cmos[REG_MDAY])) *
            86400 +
        hour * 3600 + from_reg(r, r->cmos[REG_MIN]) * 60 +
        from_reg(r, r->cmos[REG_SEC]);
    r->offset_s = t - (s64)(wall_ns(d) / NS_PER_S);
}

static bool is_time_reg(u8 idx)
{
    return idx <= REG_YEAR || idx == REG_CENTURY;
}

static int rtc_io(struct vcpu *v, u16 port, unsigned int size, bool in,
                  u32 *val, void *opaque)
{
    struct domain *d = v->domain;
    struct vrtc *r = vrtc_of(d);
    u8 idx = r->index;

    (void)size;
    (void)opaque;
    if (port == 0x70) {
        /* Bit 7 is the NMI mask, which no one reads back. */
        if (in)
            *val = 0xff;
        else
            r->index = (u8)*val & 0x7f;
        return 0;
    }
    if (in) {
        if (is_time_reg(idx) && !(r->cmos[REG_B] & B_SET))
            time_to_regs(d, r);
        if (idx == REG_A) {
            u64 now = wall_ns(d);
            /*
             * UIP for the 244 us before each update; and, within 50 ms
             * after an update, once if the guest's last read (in the
             * second before) did not see it in progress: a guest polling
             * slower than that window (an emulated read takes a while)
             * still sees each update's edge near its time, and merely
             * waits one more read for time that is already new.
             */
            bool uip = !(r->cmos[REG_B] & B_SET) &&
                       (now % NS_PER_S >= NS_PER_S - UIP_NS ||
                        (now / NS_PER_S == r->last_a_sec + 1 &&
                         now % NS_PER_S < UIP_CATCHUP_NS && !r->last_a_uip));

            r->last_a_sec = now / NS_PER_S;
            r->last_a_uip = uip;

            *val = (r->cmos[REG_A] & ~A_UIP) | (uip ? A_UIP : 0);
        } else {
            *val = r->cmos[idx];
        }
        /* Register C's flags clear on read. */
        if (idx == REG_C)
            r->cmos[REG_C] = 0;
        return 0;
    }
    switch (idx) {
    case REG_A:
        r->cmos[REG_A] = (u8)*val & ~A_UIP;
        break;
    case REG_B:
        /* Setting SET freezes the registers; clearing it sets the clock. */
        if ((*val & B_SET) && !(r->cmos[REG_B] & B_SET))
            time_to_regs(d, r);
        else if (!(*val & B_SET) && (r->cmos[REG_B] & B_SET)) {
            r->cmos[REG_B] = (u8)*val | B_SET;
            regs_to_offset(d, r);
        }
        /* Switching BCD/binary or 12/24 h re-encodes on the next read. */
        r->cmos[REG_B] = (u8)*val;
        break;
    case REG_C:
    case REG_D:
        break; /* read-only */
    default:
        r->cmos[idx] = (u8)*val;
        break;
    }
    return 0;
}

void vrtc_init(struct domain *d)
{
    struct vrtc *r = vrtc_of(d);

    /* Xen's rtc_init: 32.768 kHz time base at rate 6, 24-hour BCD, valid. */
    r->cmos[REG_A] = 0x26;
    r->cmos[REG_B] = B_24H;
    r->cmos[REG_D] = D_VRT;
    time_to_regs(d, r);
    hvm_portio_register(d, 0x70, 2, rtc_io, NULL);
}
