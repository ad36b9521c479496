/* srlab up / down / status. */
#define _XOPEN_SOURCE 700
#include <czmq.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "srlab.h"

/* ---- shared ---------------------------------------------------------------- */

int pick_lab(const char *given, char *out, size_t len)
{
    const char *env = getenv("SRLAB_LAB");
    if (given || (env && *env)) {
        snprintf(out, len, "%s", given ? given : env);
        char dir[512];
        lab_dir(out, dir, sizeof dir);
        struct stat st;
        if (stat(dir, &st) != 0) {
            fprintf(stderr, "srlab: no lab called '%s' is running\n", out);
            return -1;
        }
        return 0;
    }
    char names[16][TOPO_NAME_MAX + 1];
    int n = lab_list(names, 16);
    if (n == 1) {
        snprintf(out, len, "%s", names[0]);
        return 0;
    }
    if (n == 0)
        fprintf(stderr, "srlab: no lab is running (start one with 'srlab up FILE')\n");
    else
        fprintf(stderr, "srlab: %d labs are running: name one with -l NAME\n", n);
    return -1;
}

struct topology *lab_topology(const char *lab, char *err, size_t errlen)
{
    char dir[512], path[600], base[600];
    lab_dir(lab, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/topology.dir", dir);
    FILE *f = fopen(path, "r");
    char orig[600] = "", name[64] = "";
    if (!f || !fgets(base, sizeof base, f)) {
        if (f)
            fclose(f);
        snprintf(err, errlen, "lab %s: %s is missing", lab, path);
        return NULL;
    }
    if (!fgets(orig, sizeof orig, f) || !fgets(name, sizeof name, f))
        orig[0] = name[0] = 0;
    fclose(f);
    base[strcspn(base, "\n")] = 0;
    orig[strcspn(orig, "\n")] = 0;
    name[strcspn(name, "\n")] = 0;
    snprintf(path, sizeof path, "%s/topology.yaml", dir);
    f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "lab %s: %s is missing", lab, path);
        return NULL;
    }
    char *text = malloc(1 << 20);
    size_t n = fread(text, 1, (1 << 20) - 1, f);
    fclose(f);
    text[n] = 0;
    struct topology *t = topo_parse(text, n, base, err, errlen);
    free(text);
    if (t) {
        t->path = strdup(orig);
        if (name[0])
            snprintf(t->name, sizeof t->name, "%s", name);
    }
    return t;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int rm_rf(const char *path)
{
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static pid_t read_pid(const char *path)
{
    FILE *f = fopen(path, "r");
    int pid = 0;
    if (f) {
        if (fscanf(f, "%d", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return (pid_t)pid;
}

static bool pid_alive(pid_t pid)
{
    return pid > 0 && kill(pid, 0) == 0;
}

/* ---- down -------------------------------------------------------------------- */

static int kill_pidfile(const char *fpath, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    size_t n = strlen(fpath);
    if (flag == FTW_F && n > 4 && strcmp(fpath + n - 4, ".pid") == 0) {
        pid_t pid = read_pid(fpath);
        if (pid_alive(pid))
            kill(pid, SIGKILL);
    }
    return 0;
}

static void lab_down(const char *lab)
{
    char dir[512], path[600];
    lab_dir(lab, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/supervisor.pid", dir);
    pid_t sup = read_pid(path);
    if (pid_alive(sup)) {
        Srlab__Envelope *owner = NULL;
        sup_request(lab, "shutdown", NULL, NULL, &owner);
        if (owner)
            srlab__envelope__free_unpacked(owner, NULL);
        for (int i = 0; i < 100 && pid_alive(sup); i++)
            zclock_sleep(100);
        if (pid_alive(sup))
            kill(sup, SIGKILL);
    }
    /* whatever survived (a supervisor killed by hand, say) */
    nftw(dir, kill_pidfile, 16, FTW_PHYS);
    lab_destroy_net(lab);
    rm_rf(dir);
}

int cmd_down(int argc, char **argv)
{
    bool all = false;
    const char *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0)
            all = true;
        else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (argv[i][0] != '-')
            name = argv[i];
        else {
            fprintf(stderr, "usage: srlab down [NAME | --all]\n");
            return 2;
        }
    }
    if (all) {
        char names[64][TOPO_NAME_MAX + 1];
        int n = lab_list(names, 64);
        for (int i = 0; i < n; i++) {
            lab_down(names[i]);
            printf("lab %s removed\n", names[i]);
        }
        if (n == 0)
            printf("no lab is running\n");
        return 0;
    }
    char lab[TOPO_NAME_MAX + 1];
    if (pick_lab(name, lab, sizeof lab) != 0)
        return 1;
    lab_down(lab);
    printf("lab %s removed\n", lab);
    return 0;
}

/* ---- status -------------------------------------------------------------------- */

static const Srlab__CardStatus *cpm_card(const Srlab__CpmStatus *cs, const char *name)
{
    for (size_t i = 0; cs && i < cs->n_cards; i++)
        if (strcmp(cs->cards[i]->name, name) == 0)
            return cs->cards[i];
    return NULL;
}

static void proc_state(const Srlab__ProcStatus *p, char *out, size_t len)
{
    if (p->running)
        snprintf(out, len, "running");
    else if (p->exit_signal)
        snprintf(out, len, "killed (%s)", sigabbrev_np(p->exit_signal) ? sigabbrev_np(p->exit_signal) : "?");
    else if (p->starts == 0)
        snprintf(out, len, "not started");
    else
        snprintf(out, len, "exited (%d)", p->exit_code);
}

static int lab_status(const char *lab, bool json)
{
    char err[512], ns[64];
    struct topology *t = lab_topology(lab, err, sizeof err);
    if (!t) {
        fprintf(stderr, "srlab: %s\n", err);
        return 1;
    }
    Srlab__Envelope *sup_owner = NULL;
    Srlab__SupReply *sup = sup_request(lab, "status", NULL, NULL, &sup_owner);
    char dir[512];
    lab_dir(lab, dir, sizeof dir);
    struct json j;
    json_init(&j);
    if (json) {
        json_obj(&j, NULL);
        json_str(&j, "lab", lab);
        json_str(&j, "topology", t->path ? t->path : "");
        json_str(&j, "rundir", dir);
        json_bool(&j, "supervisor_running", sup != NULL);
        json_arr(&j, "nodes");
    } else {
        printf("Lab %s   run directory %s   supervisor %s\n", lab, dir,
               sup ? "running" : "NOT RUNNING");
        printf("%-12s %-10s %-9s %-8s %-16s %s\n", "NODE", "KIND", "PROCESS", "PID", "STATE",
               "CHASSIS VIEW");
    }
    for (int i = 0; i < t->n_nodes; i++) {
        const struct topo_node *n = &t->nodes[i];
        netns_name(lab, n->name, ns, sizeof ns);
        Srlab__Envelope *cpm_owner = NULL;
        Srlab__CpmStatus *cs = n->kind == KIND_SR ? cpm_status(lab, n->name, &cpm_owner) : NULL;
        if (json) {
            json_obj(&j, NULL);
            json_str(&j, "name", n->name);
            json_str(&j, "kind", topo_kind_name(n->kind));
            json_str(&j, "namespace", ns);
            if (n->kind == KIND_SR) {
                json_bool(&j, "cpm_answering", cs != NULL);
                json_uint(&j, "config_generation", cs ? cs->generation : 0);
                const char *ms = n->mgmt[0] ? mgmt_link_state(lab, t, i) : NULL;
                json_str(&j, "mgmt", n->mgmt[0] ? n->mgmt : NULL);
                json_str(&j, "mgmt_link", ms);
                json_bool(&j, "mgmt_up", ms && strcmp(ms, "up") == 0);
            }
            json_arr(&j, "processes");
        } else if (n->kind != KIND_SR && n->kind != KIND_STRONGSWAN) {
            printf("%-12s %-10s %-9s %-8s %-16s %s\n", n->name, topo_kind_name(n->kind), "-",
                   "-", "-", ns);
        }
        bool first = true;
        for (size_t k = 0; sup && k < sup->n_procs; k++) {
            const Srlab__ProcStatus *p = sup->procs[k];
            if (strcmp(p->node, n->name) != 0)
                continue;
            char st[40];
            proc_state(p, st, sizeof st);
            const Srlab__CardStatus *c = cpm_card(cs, p->proc);
            const char *view = strcmp(p->proc, "cpm") == 0 ? (cs ? "answering" : "not answering")
                               : c ? c->state : n->kind == KIND_SR ? "unknown" : p->detail;
            if (json) {
                json_obj(&j, NULL);
                json_str(&j, "name", p->proc);
                json_int(&j, "pid", p->pid);
                json_bool(&j, "running", p->running);
                json_str(&j, "state", st);
                json_int(&j, "exit_code", p->exit_code);
                json_int(&j, "exit_signal", p->exit_signal);
                json_uint(&j, "starts", p->starts);
                json_str(&j, "restart", p->restart);
                if (n->kind == KIND_SR && strcmp(p->proc, "cpm") != 0)
                    json_str(&j, "chassis_state", c ? c->state : NULL);
                if (c && c->reason && c->reason[0])
                    json_str(&j, "chassis_reason", c->reason);
                if (p->detail && p->detail[0])
                    json_str(&j, "detail", p->detail);
                json_end(&j);
            } else {
                printf("%-12s %-10s %-9s %-8d %-16s %s\n", first ? n->name : "",
                       first ? topo_kind_name(n->kind) : "", p->proc, (int)p->pid, st, view);
            }
            first = false;
        }
        if (json) {
            json_end(&j);
            json_end(&j);
        }
        if (cpm_owner)
            srlab__envelope__free_unpacked(cpm_owner, NULL);
    }
    struct link_state links[64];
    int nl = link_states(lab, t, links, 64);
    if (json) {
        json_end(&j);
        json_arr(&j, "links");
        for (int i = 0; i < nl; i++) {
            json_obj(&j, NULL);
            json_str(&j, "node", links[i].node);
            json_str(&j, "port", links[i].port);
            json_bool(&j, "down", links[i].down);
            json_uint(&j, "loss_ppm", links[i].loss_ppm);
            json_uint(&j, "delay_ms", links[i].delay_ms);
            json_uint(&j, "rate_kbps", links[i].rate_kbps);
            json_end(&j);
        }
        json_end(&j);
        json_end(&j);
        char *text = json_take(&j);
        fputs(text, stdout);
        free(text);
    } else {
        int nm = 0;
        for (int i = 0; i < t->n_nodes; i++)
            if (t->nodes[i].mgmt[0])
                printf("%s %s:mgmt  %s  %s\n", nm++ ? "     " : "Mgmt ", t->nodes[i].name,
                       t->nodes[i].mgmt, mgmt_link_state(lab, t, i));
        for (int i = 0; i < nl; i++)
            printf("%s %s:%s  %s loss %.2f%% delay %u ms rate %s\n", i ? "    " : "Links",
                   links[i].node, links[i].port, links[i].down ? "DOWN," : "up,",
                   links[i].loss_ppm / 10000.0, links[i].delay_ms,
                   links[i].rate_kbps ? "limited" : "unlimited");
        sb_free(&j.sb);
    }
    if (sup_owner)
        srlab__envelope__free_unpacked(sup_owner, NULL);
    topo_free(&t);
    return 0;
}

int cmd_status(int argc, char **argv)
{
    bool json = false;
    const char *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (argv[i][0] != '-')
            name = argv[i];
        else {
            fprintf(stderr, "usage: srlab status [--json] [NAME]\n");
            return 2;
        }
    }
    char lab[TOPO_NAME_MAX + 1];
    if (pick_lab(name, lab, sizeof lab) != 0)
        return 1;
    return lab_status(lab, json);
}

/* ---- up --------------------------------------------------------------------------- */

static int check_configs(const struct topology *t)
{
    char cpm[600];
    snprintf(cpm, sizeof cpm, "%s/cpm", srlab_bindir());
    for (int i = 0; i < t->n_nodes; i++) {
        const struct topo_node *n = &t->nodes[i];
        if (n->kind != KIND_SR || !n->config)
            continue;
        char out[1024];
        const char *argv[] = { cpm, "--check", n->config, NULL };
        if (run_argv(NULL, argv, out, sizeof out) != 0) {
            fprintf(stderr, "srlab: nodes.%s.config: %s\n", n->name, out);
            return -1;
        }
    }
    return 0;
}

static int save_topology(const struct topology *t, const char *dir)
{
    char path[600], base[600];
    snprintf(path, sizeof path, "%s/topology.yaml", dir);
    if (copy_file(t->path, path) != 0)
        return -1;
    snprintf(base, sizeof base, "%s", t->path);
    char *slash = strrchr(base, '/');
    if (slash)
        *slash = 0;
    snprintf(path, sizeof path, "%s/topology.dir", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    /* the directory relative paths start from, the file, the lab's name */
    fprintf(f, "%s\n%s\n%s\n", base, t->path, t->name);
    return fclose(f);
}

static void tail_log(const char *path)
{
    char cmd[700];
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    fclose(f);
    snprintf(cmd, sizeof cmd, "tail -n 5 '%s' | sed 's/^/    /' >&2", path);
    if (system(cmd) != 0)
        return;
}

/* Waits until every chassis reports each of its processes up and every
 * strongSwan peer has loaded its configuration. */
static int wait_ready(const struct topology *t, int64_t deadline)
{
    char names[64][16];
    bool ready[TOPO_MAX_NODES] = { false };
    int remaining = 0;
    for (int i = 0; i < t->n_nodes; i++)
        remaining += t->nodes[i].kind == KIND_SR || t->nodes[i].kind == KIND_STRONGSWAN;
    while (remaining > 0) {
        Srlab__Envelope *sup_owner = NULL;
        Srlab__SupReply *sup = sup_request(t->name, "status", NULL, NULL, &sup_owner);
        for (size_t k = 0; sup && k < sup->n_procs; k++) {
            const Srlab__ProcStatus *p = sup->procs[k];
            if (!p->running && p->starts > 0) {
                char dir[512], file[32], log[600];
                node_dir(t->name, p->node, dir, sizeof dir);
                proc_file_name(p->proc, file, sizeof file);
                snprintf(log, sizeof log, "%s/log/%s.out", dir, file);
                fprintf(stderr, "srlab: %s %s stopped during start-up (exit %d, signal %d); "
                        "last lines of %s:\n", p->node, p->proc, p->exit_code, p->exit_signal, log);
                tail_log(log);
                srlab__envelope__free_unpacked(sup_owner, NULL);
                return -1;
            }
        }
        for (int i = 0; i < t->n_nodes; i++) {
            const struct topo_node *n = &t->nodes[i];
            if (ready[i])
                continue;
            bool ok = false;
            if (n->kind == KIND_SR) {
                Srlab__Envelope *owner = NULL;
                Srlab__CpmStatus *cs = cpm_status(t->name, n->name, &owner);
                int count = topo_chassis_procs(n, names, 64);
                ok = cs != NULL;
                for (int p = 1; ok && p < count; p++) {
                    const Srlab__CardStatus *c = cpm_card(cs, names[p]);
                    ok = c && strcmp(c->state, "up") == 0;
                }
                if (owner)
                    srlab__envelope__free_unpacked(owner, NULL);
            } else if (n->kind == KIND_STRONGSWAN) {
                for (size_t k = 0; sup && k < sup->n_procs; k++) {
                    const Srlab__ProcStatus *p = sup->procs[k];
                    if (strcmp(p->node, n->name) == 0 && p->detail && p->detail[0]) {
                        if (strcmp(p->detail, "swanctl loaded") != 0) {
                            fprintf(stderr, "srlab: %s: %s\n", n->name, p->detail);
                            srlab__envelope__free_unpacked(sup_owner, NULL);
                            return -1;
                        }
                        ok = true;
                    }
                }
            } else {
                continue;
            }
            if (ok) {
                ready[i] = true;
                remaining--;
                printf("  %s ready\n", n->name);
                fflush(stdout);
            }
        }
        if (sup_owner)
            srlab__envelope__free_unpacked(sup_owner, NULL);
        if (remaining == 0)
            break;
        if (zclock_mono() > deadline) {
            for (int i = 0; i < t->n_nodes; i++)
                if ((t->nodes[i].kind == KIND_SR || t->nodes[i].kind == KIND_STRONGSWAN) &&
                    !ready[i])
                    fprintf(stderr, "srlab: %s did not become ready within %d s\n",
                            t->nodes[i].name, SRLAB_UP_TIMEOUT_MS / 1000);
            return -1;
        }
        zclock_sleep(100);
    }
    return 0;
}

int cmd_up(int argc, char **argv)
{
    const char *file = NULL, *name = NULL;
    bool keep = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(argv[i], "--keep-on-failure") == 0)
            keep = true;
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else
            file = NULL, i = argc;
    }
    if (!file) {
        fprintf(stderr, "usage: srlab up TOPOLOGY.yaml [--name LAB] [--keep-on-failure]\n");
        return 2;
    }
    int64_t t0 = zclock_mono();
    char err[1024];
    struct topology *t = topo_load(file, err, sizeof err);
    if (!t) {
        fprintf(stderr, "srlab: %s\n", err);
        return 1;
    }
    if (name) {
        /* the same topology under another name (tests, a second copy) */
        if (strlen(name) > 20 || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(name) || !*name) {
            fprintf(stderr, "srlab: --name: lab names are 1..20 of [a-z0-9_-]\n");
            topo_free(&t);
            return 2;
        }
        snprintf(t->name, sizeof t->name, "%s", name);
    }
    int rc = 1;
    char dir[512];
    lab_dir(t->name, dir, sizeof dir);
    if (geteuid() != 0) {
        fprintf(stderr, "srlab: labs need root (network namespaces)\n");
        goto out;
    }
    if (check_configs(t) != 0)
        goto out;
    struct stat st;
    if (stat(dir, &st) == 0) {
        char pidpath[600];
        snprintf(pidpath, sizeof pidpath, "%s/supervisor.pid", dir);
        if (pid_alive(read_pid(pidpath))) {
            fprintf(stderr, "srlab: lab %s is already running (srlab down %s first)\n", t->name,
                    t->name);
            goto out;
        }
        printf("Removing what is left of an earlier lab %s\n", t->name);
        lab_down(t->name);
    }
    mkdir(srlab_runbase(), 0700);
    if (mkdir(dir, 0700) != 0) {
        fprintf(stderr, "srlab: cannot create %s: %s\n", dir, strerror(errno));
        goto out;
    }
    if (save_topology(t, dir) != 0) {
        fprintf(stderr, "srlab: cannot write into %s\n", dir);
        goto teardown;
    }
    printf("Lab %s: %d nodes, %d links\n", t->name, t->n_nodes, t->n_links);
    printf("  creating namespaces and links\n");
    fflush(stdout);
    if (lab_create(t, err, sizeof err) != 0) {
        fprintf(stderr, "srlab: %s\n", err);
        goto teardown;
    }
    for (int i = 0; i < t->n_nodes; i++) {
        const struct topo_node *n = &t->nodes[i];
        char ns[64];
        netns_name(t->name, n->name, ns, sizeof ns);
        for (int k = 0; k < n->n_exec; k++) {
            if (run_shell_in(ns, n->exec[k], err, sizeof err) != 0) {
                fprintf(stderr, "srlab: nodes.%s.exec[%d] '%s' failed: %s\n", n->name, k,
                        n->exec[k], err);
                goto teardown;
            }
        }
    }
    printf("  starting processes\n");
    fflush(stdout);
    if (supervisor_spawn(t->name, err, sizeof err) != 0) {
        fprintf(stderr, "srlab: %s\n", err);
        goto teardown;
    }
    if (wait_ready(t, t0 + SRLAB_UP_TIMEOUT_MS) != 0)
        goto teardown;
    printf("Lab %s is up (%.1f s)\n\n", t->name, (double)(zclock_mono() - t0) / 1000.0);
    fflush(stdout);
    lab_status(t->name, false);
    rc = 0;
    goto out;
teardown:
    if (keep) {
        fprintf(stderr, "srlab: lab %s left as it is for inspection (srlab down %s)\n",
                t->name, t->name);
        goto out;
    }
    fprintf(stderr, "srlab: removing the partly started lab %s\n", t->name);
    lab_down(t->name);
out:
    topo_free(&t);
    return rc;
}
