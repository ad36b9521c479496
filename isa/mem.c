/* Memory watch of a tunnel ISA (the chapter): three fixed thresholds.
 *   high-watermark  usage above it raises an alarm (event log)
 *   low-watermark   usage back below it clears the alarm
 *   max-threshold   usage above it rejects new IKE states until usage is
 *                   back under the high-watermark
 * The card's memory is --memory-mb (srlab topology `isa-memory-mb`); the
 * usage is what the process holds on its heap, sampled every second, every
 * 100 ms once it is above 70 % (a burst of new tunnels must not overshoot
 * the max-threshold much; a sample walks the heap's free lists, so not
 * more often than that), and reported to cpm in the heartbeats. Between
 * samples each new IKE state counts as MEM_IKE_STATE_EST bytes: when that
 * projection enters the 70 % band a sample is taken at once (at most every
 * 100 ms), so a burst of setups cannot run past the max-threshold unseen
 * for a whole second. */
#include <malloc.h>
#include <stdio.h>

#include "isa.h"
#include "log.h"

#define MEM_SAMPLE_MS 1000
#define MEM_SAMPLE_CLOSE_MS 100
#define MEM_CLOSE_PCT 70
#define MEM_IKE_STATE_EST 4096 /* a tunnel with its IKE and CHILD SAs (bench ike: ~3.9 KiB) */
#define EVENT_MEM_HIGH 2201
#define EVENT_MEM_CLEAR 2202
#define EVENT_MEM_MAX 2203
#define EVENT_MEM_MAX_CLEAR 2204

static uint64_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
}

static unsigned percent(const struct isa *isa)
{
    return isa->mem_capacity ? (unsigned)(isa->mem_used * 100 / isa->mem_capacity) : 0;
}

static void mem_event(struct isa *isa, unsigned severity, unsigned id, const char *what,
                      unsigned threshold)
{
    char subject[32], text[200];
    snprintf(subject, sizeof subject, "ISA %u/%u", isa->slot, isa->mda);
    snprintf(text, sizeof text, "ISA %u/%u memory usage %u%% (%.1f of %.1f MiB) %s (%u%%)", isa->slot,
             isa->mda, percent(isa), (double)isa->mem_used / (1 << 20),
             (double)isa->mem_capacity / (1 << 20), what, threshold);
    log_warn("isa_memory", "used=%lu capacity=%lu percent=%u event=%u", (unsigned long)isa->mem_used,
             (unsigned long)isa->mem_capacity, percent(isa), id);
    tunnel_event(isa, severity, id, subject, text);
}

/* Applies one sample: raises and clears the alarms. */
void isa_mem_update(struct isa *isa, uint64_t used)
{
    isa->mem_used = used;
    card_set_memory(isa->card, used, isa->mem_capacity);
    unsigned p = percent(isa);
    if (!isa->mem_high && p >= ISA_MEM_HIGH_PCT) {
        isa->mem_high = true;
        mem_event(isa, 3, EVENT_MEM_HIGH, "is above the high-watermark", ISA_MEM_HIGH_PCT);
    } else if (isa->mem_high && p < ISA_MEM_LOW_PCT) {
        isa->mem_high = false;
        mem_event(isa, 4, EVENT_MEM_CLEAR, "is back below the low-watermark", ISA_MEM_LOW_PCT);
    }
    if (!isa->mem_full && p >= ISA_MEM_MAX_PCT) {
        isa->mem_full = true;
        mem_event(isa, 2, EVENT_MEM_MAX, "is above the max-threshold: new IKE states are rejected",
                  ISA_MEM_MAX_PCT);
    } else if (isa->mem_full && p < ISA_MEM_HIGH_PCT) {
        isa->mem_full = false;
        mem_event(isa, 4, EVENT_MEM_MAX_CLEAR,
                  "is back below the high-watermark: new IKE states are accepted again",
                  ISA_MEM_HIGH_PCT);
    }
}

static void sample(struct isa *isa, uint64_t now_ms)
{
    isa_mem_update(isa, heap_in_use());
    isa->mem_new_states = 0;
    isa->mem_sampled_ms = now_ms;
    isa->mem_next_ms = now_ms + (percent(isa) >= MEM_CLOSE_PCT ? MEM_SAMPLE_CLOSE_MS : MEM_SAMPLE_MS);
}

void isa_mem_tick(struct isa *isa, uint64_t now_ms)
{
    if (now_ms >= isa->mem_next_ms)
        sample(isa, now_ms);
}

bool isa_mem_admit(struct isa *isa)
{
    uint64_t projected = isa->mem_used + (uint64_t)++isa->mem_new_states * MEM_IKE_STATE_EST;
    uint64_t now = (uint64_t)zclock_mono();
    if (isa->mem_capacity && projected * 100 / isa->mem_capacity >= MEM_CLOSE_PCT &&
        now >= isa->mem_sampled_ms + MEM_SAMPLE_CLOSE_MS)
        sample(isa, now);
    return !isa->mem_full;
}
