/* show service id N sap SAP stats: per-SAP, per-forwarding-class counters
 * (offered and forwarded, ingress and egress): the figures billing uses.
 * show srlab dataplane: the IOMs' drop counters by reason. */
#include <stdlib.h>
#include <string.h>

#include "cpm.h"

int render_sap_stats(struct cpm *cpm, const char *line, const Srlab__QueryReply **r, size_t n,
                     bool incomplete, struct strbuf *out, struct json *j)
{
    char buf[CLI_MAX_LINE], err[128];
    struct token t[CLI_MAX_TOKENS];
    int nt = cli_tokenize(line, buf, sizeof buf, t, CLI_MAX_TOKENS, err, sizeof err);
    if (nt < 6)
        return -1;
    const char *svc = t[3].text, *sapname = t[5].text;
    const Srlab__SapStats *s = NULL;
    for (size_t i = 0; i < n && !s; i++)
        for (size_t k = 0; k < r[i]->n_saps; k++)
            if (r[i]->saps[k]->svc == (uint32_t)strtoul(svc, NULL, 10) &&
                strcmp(r[i]->saps[k]->sap, sapname) == 0)
                s = r[i]->saps[k];
    if (!s) {
        sb_printf(out, "Error: service %s has no SAP %s%s\n", svc, sapname,
                  incomplete ? " (or its IOM did not answer)" : "");
        return -1;
    }
    if (j) {
        json_obj(j, NULL);
        json_int(j, "service", s->svc);
        json_str(j, "sap", s->sap);
        json_str(j, "interface", s->interface);
        json_uint(j, "ingress_qos", s->ingress_qos);
        json_uint(j, "egress_qos", s->egress_qos);
        json_uint(j, "ingress_dropped_packets", s->in_dropped_packets);
        json_uint(j, "ingress_dropped_octets", s->in_dropped_octets);
        json_arr(j, "forwarding_classes");
        for (size_t f = 0; f < s->n_fcs; f++) {
            const Srlab__FcStats *fc = s->fcs[f];
            json_obj(j, NULL);
            json_str(j, "fc", fc->fc);
            json_uint(j, "ingress_offered_packets", fc->in_off_packets);
            json_uint(j, "ingress_offered_octets", fc->in_off_octets);
            json_uint(j, "ingress_forwarded_packets", fc->in_fwd_packets);
            json_uint(j, "ingress_forwarded_octets", fc->in_fwd_octets);
            json_uint(j, "egress_offered_packets", fc->out_off_packets);
            json_uint(j, "egress_offered_octets", fc->out_off_octets);
            json_uint(j, "egress_forwarded_packets", fc->out_fwd_packets);
            json_uint(j, "egress_forwarded_octets", fc->out_fwd_octets);
            json_end(j);
        }
        json_end(j);
        json_end(j);
        return 0;
    }
    (void)cpm;
    show_title(out, "Service Access Points(SAP)");
    show_row(out, "Service Id         : %-25s SAP               : %s", svc, s->sap);
    show_row(out, "Interface          : %-25s Ingress qos-policy: %u", s->interface,
             s->ingress_qos ? s->ingress_qos : 1);
    show_row(out, "Egress qos-policy  : %u", s->egress_qos ? s->egress_qos : 1);
    show_rule(out, '-');
    sb_puts(out, "Sap Statistics\n");
    show_rule(out, '-');
    sb_puts(out, "                        Packets                 Octets\n");
    show_row(out, "Dropped (ingress)   : %-23lu %lu", (unsigned long)s->in_dropped_packets,
             (unsigned long)s->in_dropped_octets);
    show_rule(out, '-');
    sb_puts(out, "Sap per Forwarding Class stats\n");
    show_rule(out, '-');
    sb_puts(out, "                        Packets                 Octets\n");
    for (size_t f = 0; f < s->n_fcs; f++) {
        const Srlab__FcStats *fc = s->fcs[f];
        if (!fc->in_off_packets && !fc->out_off_packets && strcmp(fc->fc, "be") != 0)
            continue;
        sb_printf(out, "Ingress FC \"%s\"\n", fc->fc);
        show_row(out, "Off. All          : %-23lu %lu", (unsigned long)fc->in_off_packets,
                 (unsigned long)fc->in_off_octets);
        show_row(out, "For. All          : %-23lu %lu", (unsigned long)fc->in_fwd_packets,
                 (unsigned long)fc->in_fwd_octets);
        sb_printf(out, "Egress FC \"%s\"\n", fc->fc);
        show_row(out, "Off. All          : %-23lu %lu", (unsigned long)fc->out_off_packets,
                 (unsigned long)fc->out_off_octets);
        show_row(out, "For. All          : %-23lu %lu", (unsigned long)fc->out_fwd_packets,
                 (unsigned long)fc->out_fwd_octets);
        sb_putc(out, '\n');
    }
    show_rule(out, '=');
    return 0;
}

int render_dataplane(struct cpm *cpm, const char *line, const Srlab__QueryReply **r, size_t n,
                     bool incomplete, struct strbuf *out, struct json *j)
{
    (void)cpm;
    (void)line;
    if (j) {
        json_obj(j, NULL);
        json_bool(j, "complete", !incomplete);
        json_arr(j, "cards");
    } else {
        show_title(out, "srlab Dataplane Counters");
    }
    for (size_t i = 0; i < n; i++) {
        bool isa = r[i]->slot >= 10;
        if (j) {
            json_obj(j, NULL);
            json_str(j, "card", isa ? "isa" : "iom");
            json_int(j, "slot", isa ? r[i]->slot / 10 : r[i]->slot);
            if (isa)
                json_int(j, "mda", r[i]->slot % 10);
            json_obj(j, "counters");
            for (size_t k = 0; k < r[i]->n_counters; k++)
                json_uint(j, r[i]->counters[k]->name, r[i]->counters[k]->count);
            json_end(j);
            json_end(j);
            continue;
        }
        if (isa)
            sb_printf(out, "ISA %u/%u\n", r[i]->slot / 10, r[i]->slot % 10);
        else
            sb_printf(out, "IOM %u\n", r[i]->slot);
        for (size_t k = 0; k < r[i]->n_counters; k++)
            if (r[i]->counters[k]->count)
                show_row(out, "  %-48s %lu", r[i]->counters[k]->name,
                         (unsigned long)r[i]->counters[k]->count);
    }
    if (j) {
        json_end(j);
        json_end(j);
    } else {
        show_rule(out, '=');
    }
    return 0;
}
