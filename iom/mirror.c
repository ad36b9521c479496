/* Mirroring: `configure mirror mirror-dest N` with `debug mirror-source N`
 * sources (a port, a SAP or an IP filter entry, ingress and/or egress)
 * copies the matching frames into a pcap file in the run directory.
 * Every IOM of the chassis may write to the same file, so each record goes
 * out in one write() on an O_APPEND descriptor (atomic between processes)
 * and the file header is written once, under an exclusive flock. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "iom.h"
#include "log.h"

#define PCAP_MAGIC 0xa1b2c3d4u
#define PCAP_HDR_LEN 24
#define PCAP_REC_HDR_LEN 16
#define PCAP_LINKTYPE_ETHERNET 1 /* DLT_EN10MB */

struct mirror_out {
    uint32_t id;
    int fd;
    uint64_t frames;
};

static struct mirror_out *dest(struct iom *iom, uint32_t id)
{
    for (size_t i = 0; i < iom->n_mirrors; i++)
        if (iom->mirrors[i].id == id && iom->mirrors[i].fd >= 0)
            return &iom->mirrors[i];
    return NULL;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4); /* pcap files are in the writer's byte order */
}

static void write_frame(struct mirror_out *m, const uint8_t *frame, size_t len)
{
    static uint8_t rec[PCAP_REC_HDR_LEN + ETH_HDR_LEN + PKT_MAX];
    if (len > sizeof rec - PCAP_REC_HDR_LEN)
        len = sizeof rec - PCAP_REC_HDR_LEN;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    put32(rec, (uint32_t)tv.tv_sec);
    put32(rec + 4, (uint32_t)tv.tv_usec);
    put32(rec + 8, (uint32_t)len);
    put32(rec + 12, (uint32_t)len);
    memcpy(rec + PCAP_REC_HDR_LEN, frame, len);
    ssize_t w = write(m->fd, rec, PCAP_REC_HDR_LEN + len);
    if (w != (ssize_t)(PCAP_REC_HDR_LEN + len))
        log_warn("mirror_write_failed", "dest=%u reason=%s", m->id,
                 log_q(w < 0 ? strerror(errno) : "short write"));
    else
        m->frames++;
}

/* Opens the destination file for appending; the first opener writes the
 * pcap file header. */
static int open_dest(const char *file)
{
    int fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    struct stat st;
    if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0) {
        close(fd);
        return -1;
    }
    if (st.st_size == 0) {
        uint8_t h[PCAP_HDR_LEN];
        put32(h, PCAP_MAGIC);
        uint16_t major = 2, minor = 4;
        memcpy(h + 4, &major, 2);
        memcpy(h + 6, &minor, 2);
        put32(h + 8, 0);
        put32(h + 12, 0);
        put32(h + 16, PKT_MAX + ETH_HDR_LEN);
        put32(h + 20, PCAP_LINKTYPE_ETHERNET);
        if (write(fd, h, sizeof h) != (ssize_t)sizeof h) {
            close(fd);
            return -1;
        }
    }
    flock(fd, LOCK_UN);
    return fd;
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
    for (size_t i = 0; i < iom->n_mirrors; i++)
        if (iom->mirrors[i].fd >= 0)
            close(iom->mirrors[i].fd);
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
            if (iom->mirrors[k].id == d->id && iom->mirrors[k].fd >= 0)
                old = &iom->mirrors[k];
        if (old) {
            next[n++] = *old;
            old->fd = -1;
            continue;
        }
        int fd = open_dest(d->file);
        if (fd < 0) {
            log_warn("mirror_open_failed", "dest=%u file=%s reason=%s", d->id, log_q(d->file),
                     log_q(strerror(errno)));
            continue;
        }
        log_info("mirror_open", "dest=%u file=%s", d->id, log_q(d->file));
        next[n++] = (struct mirror_out){ .id = d->id, .fd = fd };
    }
    mirror_close_all(iom);
    iom->mirrors = next;
    iom->n_mirrors = n;
}
