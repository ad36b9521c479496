/* Mirroring: `configure mirror mirror-dest N` with `debug mirror-source N`
 * sources (a port, a SAP or an IP filter entry, ingress and/or egress)
 * copies the matching frames into a pcap file in the run directory. */
#include <string.h>
#include <sys/time.h>

#include "iom.h"
#include "log.h"

struct mirror_out {
    uint32_t id;
    pcap_t *dead;
    pcap_dumper_t *dump;
    uint64_t frames;
};

static struct mirror_out *dest(struct iom *iom, uint32_t id)
{
    for (size_t i = 0; i < iom->n_mirrors; i++)
        if (iom->mirrors[i].id == id && iom->mirrors[i].dump)
            return &iom->mirrors[i];
    return NULL;
}

static void write_frame(struct mirror_out *m, const uint8_t *frame, size_t len)
{
    struct pcap_pkthdr h;
    gettimeofday(&h.ts, NULL);
    h.caplen = h.len = (bpf_u_int32)len;
    pcap_dump((u_char *)m->dump, &h, frame);
    m->frames++;
}

void mirror_port(struct iom *iom, int port, const uint8_t *frame, size_t len, bool ingress)
{
    const Srlab__CardConfig *cfg = iom->config;
    if (!iom->n_mirrors || !cfg)
        return;
    for (size_t i = 0; i < cfg->n_mirror_sources; i++) {
        const Srlab__MirrorSource *s = cfg->mirror_sources[i];
        if (!s->port[0] || strcmp(s->port, iom->ports[port].name) != 0 ||
            !(ingress ? s->ingress : s->egress))
            continue;
        struct mirror_out *m = dest(iom, s->dest);
        if (m)
            write_frame(m, frame, len);
    }
}

void mirror_sap(struct iom *iom, const struct iom_if *ifp, const uint8_t *frame, size_t len,
                bool ingress)
{
    const Srlab__CardConfig *cfg = iom->config;
    if (!iom->n_mirrors || !cfg)
        return;
    for (size_t i = 0; i < cfg->n_mirror_sources; i++) {
        const Srlab__MirrorSource *s = cfg->mirror_sources[i];
        if (!s->sap[0] || s->svc != ifp->svc || strcmp(s->sap, ifp->sap) != 0 ||
            !(ingress ? s->ingress : s->egress))
            continue;
        struct mirror_out *m = dest(iom, s->dest);
        if (m)
            write_frame(m, frame, len);
    }
}

/* Filter-entry sources see the packet at routing input; the frame written
 * carries a synthetic Ethernet header (the L2 header is gone by then). */
void mirror_filter(struct iom *iom, const uint8_t *l3, size_t len, bool v6)
{
    const Srlab__CardConfig *cfg = iom->config;
    if (!iom->n_mirrors || !cfg)
        return;
    for (size_t i = 0; i < cfg->n_mirror_sources; i++) {
        const Srlab__MirrorSource *s = cfg->mirror_sources[i];
        if (!s->filter)
            continue;
        const struct ip_filter *f = NULL;
        for (size_t k = 0; k < iom->n_filters; k++)
            if (iom->filters[k].id == s->filter)
                f = &iom->filters[k];
        const struct filter_entry *e = f ? filter_match(f, l3, len, v6) : NULL;
        struct mirror_out *m = e && e->id == s->entry ? dest(iom, s->dest) : NULL;
        if (!m)
            continue;
        static uint8_t frame[ETH_HDR_LEN + PKT_MAX];
        memset(frame, 0, 12);
        wr16(frame + 12, v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
        size_t n = len > PKT_MAX ? PKT_MAX : len;
        memcpy(frame + ETH_HDR_LEN, l3, n);
        write_frame(m, frame, ETH_HDR_LEN + n);
    }
}

void mirror_close_all(struct iom *iom)
{
    for (size_t i = 0; i < iom->n_mirrors; i++) {
        if (iom->mirrors[i].dump)
            pcap_dump_close(iom->mirrors[i].dump);
        if (iom->mirrors[i].dead)
            pcap_close(iom->mirrors[i].dead);
    }
    free(iom->mirrors);
    iom->mirrors = NULL;
    iom->n_mirrors = 0;
}

/* (Re)opens the pcap files of the mirror destinations that are up. A file
 * already open for the same destination keeps growing. */
void mirror_apply(struct iom *iom)
{
    const Srlab__CardConfig *cfg = iom->config;
    struct mirror_out *next = calloc(cfg && cfg->n_mirror_dests ? cfg->n_mirror_dests : 1,
                                     sizeof *next);
    size_t n = 0;
    for (size_t i = 0; cfg && i < cfg->n_mirror_dests; i++) {
        const Srlab__MirrorDest *d = cfg->mirror_dests[i];
        if (!d->admin_up || !d->file[0])
            continue;
        struct mirror_out *old = NULL;
        for (size_t k = 0; k < iom->n_mirrors; k++)
            if (iom->mirrors[k].id == d->id && iom->mirrors[k].dump)
                old = &iom->mirrors[k];
        if (old) {
            next[n++] = *old;
            old->dump = NULL;
            old->dead = NULL;
            continue;
        }
        pcap_t *dead = pcap_open_dead(DLT_EN10MB, PKT_MAX + ETH_HDR_LEN);
        pcap_dumper_t *dump = dead ? pcap_dump_open_append(dead, d->file) : NULL;
        if (!dump) {
            log_warn("mirror_open_failed", "dest=%u file=%s reason=%s", d->id, log_q(d->file),
                     log_q(dead ? pcap_geterr(dead) : "pcap"));
            if (dead)
                pcap_close(dead);
            continue;
        }
        log_info("mirror_open", "dest=%u file=%s", d->id, log_q(d->file));
        next[n++] = (struct mirror_out){ .id = d->id, .dead = dead, .dump = dump };
    }
    mirror_close_all(iom);
    iom->mirrors = next;
    iom->n_mirrors = n;
}

/* Called from a timer: readers of the files see frames promptly. */
void mirror_flush(struct iom *iom)
{
    for (size_t i = 0; i < iom->n_mirrors; i++)
        if (iom->mirrors[i].dump)
            pcap_dump_flush(iom->mirrors[i].dump);
}
