/* srlab cli / config / exec / kill / start: verbs on one node of a lab. */
#include <czmq.h>
#include <errno.h>
#include <fcntl.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "srlab.h"
#include "strbuf.h"

#define CLI_TIMEOUT_MS 30000

/* Common option parsing: [-l LAB] NODE ... ; returns the index of NODE. */
static int lab_and_node(int argc, char **argv, char *lab, size_t lablen, int *node_idx)
{
    const char *name = NULL;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-l") == 0) {
        name = argv[i + 1];
        i += 2;
    }
    if (i >= argc)
        return -1;
    *node_idx = i;
    return pick_lab(name, lab, lablen);
}

static const struct topo_node *node_of(const struct topology *t, const char *node,
                                       enum topo_kind want, bool any)
{
    int i = topo_find_node(t, node);
    if (i < 0) {
        fprintf(stderr, "srlab: lab %s has no node '%s'\n", t->name, node);
        return NULL;
    }
    if (!any && t->nodes[i].kind != want) {
        fprintf(stderr, "srlab: %s is a %s node, not a %s\n", node,
                topo_kind_name(t->nodes[i].kind), topo_kind_name(want));
        return NULL;
    }
    return &t->nodes[i];
}

/* ---- cli / config ------------------------------------------------------------ */

static Srlab__CliReply *cli_send(const char *lab, const char *node, Srlab__CliMode mode,
                                 uint32_t session, const char *input, bool json,
                                 Srlab__Envelope **owner)
{
    char dir[512], ep[600];
    node_dir(lab, node, dir, sizeof dir);
    snprintf(ep, sizeof ep, "ipc://%s/cli.sock", dir);
    Srlab__CliRequest rq = SRLAB__CLI_REQUEST__INIT;
    rq.session = session;
    rq.mode = mode;
    rq.input = (char *)input;
    rq.json = json;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_CLI_REQUEST;
    env.cli_request = &rq;
    *owner = ipc_request(ep, &env, CLI_TIMEOUT_MS);
    if (!*owner || (*owner)->body_case != SRLAB__ENVELOPE__BODY_CLI_REPLY) {
        fprintf(stderr, "srlab: %s: cpm is not answering (is it running? see srlab status)\n",
                node);
        return NULL;
    }
    return (*owner)->cli_reply;
}

static void cli_close(const char *lab, const char *node, uint32_t session)
{
    Srlab__Envelope *owner = NULL;
    char dir[512], ep[600];
    node_dir(lab, node, dir, sizeof dir);
    snprintf(ep, sizeof ep, "ipc://%s/cli.sock", dir);
    Srlab__CliRequest rq = SRLAB__CLI_REQUEST__INIT;
    rq.session = session;
    rq.mode = SRLAB__CLI_MODE__CLI_CLOSE;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_CLI_REQUEST;
    env.cli_request = &rq;
    owner = ipc_request(ep, &env, 2000);
    if (owner)
        srlab__envelope__free_unpacked(owner, NULL);
}

static int interactive(const char *lab, const char *node, bool json)
{
    Srlab__Envelope *owner = NULL;
    Srlab__CliReply *r = cli_send(lab, node, SRLAB__CLI_MODE__CLI_LINE, 0, "", json, &owner);
    if (!r)
        return 1;
    uint32_t session = r->session;
    char *prompt = strdup(r->prompt);
    srlab__envelope__free_unpacked(owner, NULL);
    printf("srlab CLI on %s (lab %s). 'logout' or Ctrl-D to leave.\n", node, lab);
    int rc = 0;
    for (;;) {
        char *line = readline(prompt);
        if (!line)
            break;
        char *p = line;
        while (*p == ' ')
            p++;
        if (strcmp(p, "logout") == 0 || strcmp(p, "quit") == 0) {
            free(line);
            break;
        }
        if (*p)
            add_history(line);
        r = cli_send(lab, node, SRLAB__CLI_MODE__CLI_LINE, session, line, json, &owner);
        free(line);
        if (!r) {
            rc = 1;
            break;
        }
        fputs(r->output, stdout);
        fflush(stdout);
        free(prompt);
        prompt = strdup(r->prompt);
        session = r->session;
        srlab__envelope__free_unpacked(owner, NULL);
    }
    free(prompt);
    cli_close(lab, node, session);
    return rc;
}

int cmd_cli(int argc, char **argv)
{
    char lab[TOPO_NAME_MAX + 1];
    int ni;
    if (lab_and_node(argc, argv, lab, sizeof lab, &ni) != 0) {
        if (argc < 2)
            fprintf(stderr, "usage: srlab cli [-l LAB] NODE [--json] [COMMAND...]\n");
        return argc < 2 ? 2 : 1;
    }
    const char *node = argv[ni];
    bool json = false;
    struct strbuf cmd;
    sb_init(&cmd);
    for (int i = ni + 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0 && cmd.len == 0) {
            json = true;
            continue;
        }
        sb_printf(&cmd, "%s%s", cmd.len ? " " : "", argv[i]);
    }
    char err[512];
    struct topology *t = lab_topology(lab, err, sizeof err);
    if (!t || !node_of(t, node, KIND_SR, false)) {
        if (!t)
            fprintf(stderr, "srlab: %s\n", err);
        topo_free(&t);
        sb_free(&cmd);
        return 1;
    }
    topo_free(&t);
    if (cmd.len == 0) {
        sb_free(&cmd);
        return interactive(lab, node, json);
    }
    Srlab__Envelope *owner = NULL;
    Srlab__CliReply *r = cli_send(lab, node, SRLAB__CLI_MODE__CLI_LINE, 0, cmd.s, json, &owner);
    sb_free(&cmd);
    if (!r)
        return 1;
    fputs(r->output, r->status ? stderr : stdout);
    int rc = r->status ? 1 : 0;
    uint32_t session = r->session;
    srlab__envelope__free_unpacked(owner, NULL);
    cli_close(lab, node, session);
    return rc;
}

int cmd_config(int argc, char **argv)
{
    char lab[TOPO_NAME_MAX + 1];
    int ni;
    if (lab_and_node(argc, argv, lab, sizeof lab, &ni) != 0 || ni + 2 != argc) {
        fprintf(stderr, "usage: srlab config [-l LAB] NODE FILE\n");
        return 2;
    }
    const char *node = argv[ni], *file = argv[ni + 1];
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (!f) {
        fprintf(stderr, "srlab: %s: %s\n", file, strerror(errno));
        return 1;
    }
    struct strbuf text;
    sb_init(&text);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t i = 0; i < n; i++)
            sb_putc(&text, buf[i] ? buf[i] : '\x01'); /* NUL: refused by the parser */
        if (text.len > (64u << 20)) {
            fprintf(stderr, "srlab: %s is larger than 64 MiB\n", file);
            sb_free(&text);
            return 1;
        }
    }
    if (f != stdin)
        fclose(f);
    Srlab__Envelope *owner = NULL;
    Srlab__CliReply *r = cli_send(lab, node, SRLAB__CLI_MODE__CLI_TRANSACTION, 0,
                                  text.s ? text.s : "", false, &owner);
    sb_free(&text);
    if (!r)
        return 1;
    fputs(r->output, r->status ? stderr : stdout);
    int rc = r->status ? 1 : 0;
    srlab__envelope__free_unpacked(owner, NULL);
    return rc;
}

/* ---- exec / kill / start ------------------------------------------------------ */

/* A supervisor request; says so on stderr when the supervisor does not answer. */
static Srlab__SupReply *sup_ask(const char *lab, const char *verb, const char *node,
                                const char *proc, Srlab__Envelope **owner)
{
    Srlab__SupReply *r = sup_request(lab, verb, node, proc, owner);
    if (!r)
        fprintf(stderr, "srlab: the supervisor of lab %s is not answering\n", lab);
    return r;
}

static pid_t proc_pid(const char *lab, const char *node, const char *proc, bool *running)
{
    Srlab__Envelope *owner = NULL;
    Srlab__SupReply *r = sup_ask(lab, "status", NULL, NULL, &owner);
    pid_t pid = 0;
    *running = false;
    for (size_t i = 0; r && i < r->n_procs; i++)
        if (strcmp(r->procs[i]->node, node) == 0 && strcmp(r->procs[i]->proc, proc) == 0) {
            pid = (pid_t)r->procs[i]->pid;
            *running = r->procs[i]->running;
        }
    if (owner)
        srlab__envelope__free_unpacked(owner, NULL);
    return pid;
}

int cmd_exec(int argc, char **argv)
{
    char lab[TOPO_NAME_MAX + 1];
    int ni;
    if (lab_and_node(argc, argv, lab, sizeof lab, &ni) != 0 || ni + 2 >= argc ||
        strcmp(argv[ni + 1], "--") != 0) {
        fprintf(stderr, "usage: srlab exec [-l LAB] NODE -- COMMAND [ARGS...]\n");
        return 2;
    }
    const char *node = argv[ni];
    char err[512], ns[64];
    struct topology *t = lab_topology(lab, err, sizeof err);
    const struct topo_node *n = t ? node_of(t, node, KIND_LINUX, true) : NULL;
    if (!n) {
        if (!t)
            fprintf(stderr, "srlab: %s\n", err);
        topo_free(&t);
        return 1;
    }
    bool swan = n->kind == KIND_STRONGSWAN;
    topo_free(&t);
    netns_name(lab, node, ns, sizeof ns);
    if (netns_enter(ns) != 0) {
        fprintf(stderr, "srlab: cannot enter %s: %s\n", ns, strerror(errno));
        return 1;
    }
    if (swan) {
        /* swanctl talks to charon through /run inside charon's mount
         * namespace. setns() of a mount namespace needs a single-threaded
         * process: the pid comes from the supervisor's pid file, not a
         * (threaded) zmq request. */
        char dir[512], pidfile[600];
        node_dir(lab, node, dir, sizeof dir);
        snprintf(pidfile, sizeof pidfile, "%s/charon.pid", dir);
        FILE *f = fopen(pidfile, "r");
        int pid = 0;
        if (f) {
            if (fscanf(f, "%d", &pid) != 1)
                pid = 0;
            fclose(f);
        }
        char mnt[64];
        snprintf(mnt, sizeof mnt, "/proc/%d/ns/mnt", pid);
        int fd = pid > 0 && kill(pid, 0) == 0 ? open(mnt, O_RDONLY) : -1;
        if (fd < 0 || setns(fd, CLONE_NEWNS) != 0) {
            fprintf(stderr, "srlab: %s: charon is not running\n", node);
            return 1;
        }
        close(fd);
    }
    execvp(argv[ni + 2], argv + ni + 2);
    fprintf(stderr, "srlab: %s: %s\n", argv[ni + 2], strerror(errno));
    return 127;
}

static int parse_signal(const char *s)
{
    if (!s)
        return SIGKILL;
    char *end;
    long v = strtol(s, &end, 10);
    if (!*end && v > 0 && v < 65)
        return (int)v;
    const char *name = strncmp(s, "SIG", 3) == 0 ? s + 3 : s;
    for (int sig = 1; sig < 32; sig++) {
        const char *abbrev = sigabbrev_np(sig);
        if (abbrev && strcasecmp(abbrev, name) == 0)
            return sig;
    }
    return -1;
}

/* srlab kill NODE all: every running process of the node at once, as
 * when a whole chassis loses power; each is reported. */
static int kill_node(const char *lab, const char *node, int sig)
{
    Srlab__Envelope *owner = NULL;
    Srlab__SupReply *r = sup_ask(lab, "status", NULL, NULL, &owner);
    if (!r)
        return 1;
    int killed = 0, failed = 0;
    for (size_t i = 0; i < r->n_procs; i++) {
        const Srlab__ProcStatus *p = r->procs[i];
        if (strcmp(p->node, node) != 0 || !p->running || !p->pid)
            continue;
        if (kill((pid_t)p->pid, sig) != 0) {
            fprintf(stderr, "srlab: kill %s %s (pid %u): %s\n", node, p->proc, p->pid,
                    strerror(errno));
            failed++;
            continue;
        }
        printf("%s %s (pid %u): sent SIG%s\n", node, p->proc, p->pid, sigabbrev_np(sig));
        killed++;
    }
    srlab__envelope__free_unpacked(owner, NULL);
    if (!killed && !failed) {
        fprintf(stderr, "srlab: %s has no running process\n", node);
        return 1;
    }
    return failed ? 1 : 0;
}

int cmd_kill(int argc, char **argv)
{
    char lab[TOPO_NAME_MAX + 1];
    int ni;
    const char *sigarg = NULL;
    int args = argc;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--signal") == 0) {
            sigarg = argv[i + 1];
            args = i;
        }
    if (lab_and_node(args, argv, lab, sizeof lab, &ni) != 0 || ni + 2 != args) {
        fprintf(stderr, "usage: srlab kill [-l LAB] NODE PROC [--signal S]   "
                        "(PROC: cpm, iom-1, isa-1/2, mcs, charon, all)\n");
        return 2;
    }
    int sig = parse_signal(sigarg);
    if (sig < 0) {
        fprintf(stderr, "srlab: unknown signal '%s'\n", sigarg);
        return 2;
    }
    const char *node = argv[ni], *proc = argv[ni + 1];
    if (strcmp(proc, "all") == 0)
        return kill_node(lab, node, sig);
    bool running;
    pid_t pid = proc_pid(lab, node, proc, &running);
    if (!pid) {
        fprintf(stderr, "srlab: %s has no process '%s'\n", node, proc);
        return 1;
    }
    if (!running) {
        fprintf(stderr, "srlab: %s %s is not running\n", node, proc);
        return 1;
    }
    if (kill(pid, sig) != 0) {
        fprintf(stderr, "srlab: kill %d: %s\n", (int)pid, strerror(errno));
        return 1;
    }
    printf("%s %s (pid %d): sent SIG%s\n", node, proc, (int)pid, sigabbrev_np(sig));
    return 0;
}

static int start_one(const char *lab, const char *node, const char *proc)
{
    Srlab__Envelope *owner = NULL;
    Srlab__SupReply *r = sup_ask(lab, "start", node, proc, &owner);
    int rc = 1;
    if (r && r->status != 0)
        fprintf(stderr, "srlab: %s\n", r->error);
    else if (r) {
        printf("%s %s started (pid %u)\n", node, proc, r->n_procs ? r->procs[0]->pid : 0);
        rc = 0;
    }
    if (owner)
        srlab__envelope__free_unpacked(owner, NULL);
    return rc;
}

/* srlab start NODE all: every stopped process of the node, cpm first (the
 * cards register with it), as a chassis boots. */
static int start_node(const char *lab, const char *node)
{
    Srlab__Envelope *owner = NULL;
    Srlab__SupReply *r = sup_ask(lab, "status", NULL, NULL, &owner);
    if (!r)
        return 1;
    int started = 0, failed = 0;
    for (int cpm_pass = 1; cpm_pass >= 0; cpm_pass--)
        for (size_t i = 0; i < r->n_procs; i++) {
            const Srlab__ProcStatus *p = r->procs[i];
            if (strcmp(p->node, node) != 0 || p->running ||
                (strcmp(p->proc, "cpm") == 0) != (cpm_pass == 1))
                continue;
            if (start_one(lab, node, p->proc) == 0)
                started++;
            else
                failed++;
        }
    srlab__envelope__free_unpacked(owner, NULL);
    if (!started && !failed) {
        fprintf(stderr, "srlab: %s has no stopped process\n", node);
        return 1;
    }
    return failed ? 1 : 0;
}

int cmd_start(int argc, char **argv)
{
    char lab[TOPO_NAME_MAX + 1];
    int ni;
    if (lab_and_node(argc, argv, lab, sizeof lab, &ni) != 0 || ni + 2 != argc) {
        fprintf(stderr, "usage: srlab start [-l LAB] NODE PROC|all\n");
        return 2;
    }
    if (strcmp(argv[ni + 1], "all") == 0)
        return start_node(lab, argv[ni]);
    return start_one(lab, argv[ni], argv[ni + 1]);
}

/* ---- keys ---------------------------------------------------------------------- */

/* srlab keys NODE --wireshark DIR [TUNNEL]: the node's live ESP SAs as
 * Wireshark's esp_sa table in DIR/esp_sa, with a preferences file that
 * turns decryption on, so WIRESHARK_CONFIG_DIR=DIR tshark -r CAPTURE shows
 * the payload. Without --wireshark: the keys as the admin command shows them. */
int cmd_keys(int argc, char **argv)
{
    char lab[TOPO_NAME_MAX + 1];
    int ni;
    if (lab_and_node(argc, argv, lab, sizeof lab, &ni) != 0) {
        if (argc < 2)
            fprintf(stderr, "usage: srlab keys [-l LAB] NODE [--wireshark DIR] [TUNNEL]\n");
        return argc < 2 ? 2 : 1;
    }
    const char *node = argv[ni], *dir = NULL, *tunnel = NULL;
    for (int i = ni + 1; i < argc; i++) {
        if (strcmp(argv[i], "--wireshark") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (argv[i][0] != '-' && !tunnel)
            tunnel = argv[i];
        else {
            fprintf(stderr, "usage: srlab keys [-l LAB] NODE [--wireshark DIR] [TUNNEL]\n");
            return 2;
        }
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "admin ipsec display-keys%s%s%s", tunnel ? " \"" : "",
             tunnel ? tunnel : "", tunnel ? "\"" : "");
    if (dir)
        snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " wireshark");
    Srlab__Envelope *owner = NULL;
    Srlab__CliReply *r = cli_send(lab, node, SRLAB__CLI_MODE__CLI_LINE, 0, cmd, false, &owner);
    if (!r)
        return 1;
    int rc = r->status ? 1 : 0;
    if (rc || !dir) {
        fputs(r->output, rc ? stderr : stdout);
    } else {
        char path[1024];
        snprintf(path, sizeof path, "%s/esp_sa", dir);
        FILE *f = NULL;
        if (mkdir(dir, 0755) == 0 || errno == EEXIST)
            f = fopen(path, "w");
        /* the IKE SAs' table follows its marker line */
        char *ike = strstr(r->output, "# ikev2_decryption_table\n");
        if (ike)
            *ike = 0;
        int ike_sas = 0;
        if (ike) {
            char ipath[1024];
            snprintf(ipath, sizeof ipath, "%s/ikev2_decryption_table", dir);
            FILE *g = fopen(ipath, "w");
            const char *lines = ike + strlen("# ikev2_decryption_table\n");
            for (const char *p = lines; (p = strchr(p, '\n')); p++)
                ike_sas++;
            if (!g || fputs(lines, g) < 0 || fclose(g) != 0)
                fprintf(stderr, "srlab: cannot write %s: %s\n", ipath, strerror(errno));
        }
        if (!f || fputs(r->output, f) < 0 || fclose(f) != 0) {
            fprintf(stderr, "srlab: cannot write %s: %s\n", path, strerror(errno));
            rc = 1;
        } else {
            snprintf(path, sizeof path, "%s/preferences", dir);
            f = fopen(path, "w");
            if (!f || fputs("esp.enable_encryption_decode: TRUE\n"
                            "esp.enable_authentication_check: TRUE\n", f) < 0 || fclose(f) != 0) {
                fprintf(stderr, "srlab: cannot write %s: %s\n", path, strerror(errno));
                rc = 1;
            } else {
                int sas = 0;
                for (const char *p = r->output; (p = strchr(p, '\n')); p++)
                    sas++;
                printf("%s/esp_sa: %d SA%s of %s\n%s/ikev2_decryption_table: %d IKE SA%s\n"
                       "decrypt a capture: WIRESHARK_CONFIG_DIR=%s tshark -r CAPTURE\n",
                       dir, sas - 1, sas == 2 ? "" : "s", node, dir, ike_sas, ike_sas == 1 ? "" : "s", dir);
            }
        }
    }
    uint32_t session = r->session;
    srlab__envelope__free_unpacked(owner, NULL);
    cli_close(lab, node, session);
    return rc;
}
