/* The lab supervisor: a daemon per lab, parent of every chassis process and
 * strongSwan peer. It reaps them, records each death (pid, exit code or
 * signal) in RUNDIR/events.log, restarts a process only when the topology's
 * `restart` asks, and answers srlab's requests (status, start, stop,
 * shutdown) on RUNDIR/supervisor.sock. */
#include <czmq.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bus.h"
#include "hw.h"
#include "log.h"
#include "srlab.h"

#define SUP_MAX_PROCS 256
#define SUP_SHUTDOWN_GRACE_MS 5000
#define SUP_RESTART_DELAY_MS 1000

enum sproc_kind { SP_CHASSIS, SP_CHARON };

struct sproc {
    char node[TOPO_NAME_MAX + 1];
    char name[16];
    enum sproc_kind kind;
    char *argv[16];
    int argc;
    char ns[64];
    char logfile[512];
    char nodedir[512];
    pid_t pid;
    bool running;
    int exit_code, exit_signal;
    unsigned starts;
    uint64_t since_ms;
    enum topo_restart restart;
    int64_t restart_at;        /* monotonic ms; 0: none pending */
    bool stop_requested;
    char detail[256];
    bool swanctl_loaded;
};

struct sup {
    char lab[TOPO_NAME_MAX + 1];
    char dir[512];
    struct topology *topo;
    struct sproc procs[SUP_MAX_PROCS];
    int n;
    zsock_t *rep;
    int sigfd;
    bool shutting_down;
    int64_t shutdown_deadline;
    struct bus_stats stats;
};

static void lab_event(struct sup *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void lab_event(struct sup *s, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char path[600];
    snprintf(path, sizeof path, "%s/events.log", s->dir);
    FILE *f = fopen(path, "a");
    if (f) {
        char ts[40];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(f, "%s %s\n", ts, msg);
        fclose(f);
    }
    log_info("lab_event", "msg=%s", log_q(msg));
}

static const char *restart_name(enum topo_restart r)
{
    return r == RESTART_ALWAYS ? "always" : r == RESTART_ON_FAILURE ? "on-failure" : "no";
}

static void add_arg(struct sproc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_arg(struct sproc *p, const char *fmt, ...)
{
    if (p->argc >= 15)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&p->argv[p->argc], fmt, ap) < 0)
        p->argv[p->argc] = NULL;
    va_end(ap);
    p->argc++;
    p->argv[p->argc] = NULL;
}

static struct sproc *new_proc(struct sup *s, const struct topo_node *n, const char *name)
{
    if (s->n >= SUP_MAX_PROCS)
        return NULL;
    struct sproc *p = &s->procs[s->n++];
    memset(p, 0, sizeof *p);
    snprintf(p->node, sizeof p->node, "%s", n->name);
    snprintf(p->name, sizeof p->name, "%s", name);
    netns_name(s->lab, n->name, p->ns, sizeof p->ns);
    node_dir(s->lab, n->name, p->nodedir, sizeof p->nodedir);
    char file[32], dir[sizeof p->nodedir];
    proc_file_name(name, file, sizeof file);
    memcpy(dir, p->nodedir, sizeof dir);
    snprintf(p->logfile, sizeof p->logfile, "%s/log/%s.out", dir, file);
    p->restart = n->restart;
    p->exit_code = -1;
    return p;
}

/* This IOM's udp pseudo-wires, as --udp wants them: PORT=LOCAL:REMOTE,... */
static bool udp_ports_of(struct sup *s, const char *node, unsigned slot, char *out, size_t len)
{
    char path[600], line[256];
    snprintf(path, sizeof path, "%s/udp-links", s->dir);
    FILE *f = fopen(path, "r");
    out[0] = 0;
    while (f && fgets(line, sizeof line, f)) {
        char nname[64], port[32];
        unsigned local, remote, pslot;
        if (sscanf(line, "%63s %31s %u %u", nname, port, &local, &remote) != 4 ||
            strcmp(nname, node) != 0 || sscanf(port, "%u/", &pslot) != 1 || pslot != slot)
            continue;
        size_t o = strlen(out);
        snprintf(out + o, len - o, "%s%s=%u:%u", o ? "," : "", port, local, remote);
    }
    if (f)
        fclose(f);
    return out[0] != 0;
}

static void plan_chassis(struct sup *s, const struct topo_node *n)
{
    const char *bin = srlab_bindir();
    char names[64][16];
    int count = topo_chassis_procs(n, names, 64);
    for (int i = 0; i < count; i++) {
        struct sproc *p = new_proc(s, n, names[i]);
        if (!p)
            return;
        p->kind = SP_CHASSIS;
        unsigned slot = 0, mda = 0;
        if (strcmp(names[i], "cpm") == 0) {
            add_arg(p, "%s/cpm", bin);
            add_arg(p, "--rundir=%s", p->nodedir);
            add_arg(p, "--name=%s", n->name);
            if (n->config)
                add_arg(p, "--startup=%s", n->config);
        } else if (sscanf(names[i], "iom-%u", &slot) == 1) {
            const struct topo_card *card = NULL;
            for (int c = 0; c < n->n_cards; c++)
                if (n->cards[c].slot == slot)
                    card = &n->cards[c];
            char mdas[128] = "";
            for (int m = 0; card && m < card->n_mdas; m++) {
                const struct hw_mda_type *t = hw_mda_type(card->mdas[m].type);
                if (t && t->ports > 0)
                    snprintf(mdas + strlen(mdas), sizeof mdas - strlen(mdas), "%s%u=%s",
                             mdas[0] ? "," : "", card->mdas[m].mda, card->mdas[m].type);
            }
            add_arg(p, "%s/iom", bin);
            add_arg(p, "--rundir=%s", p->nodedir);
            add_arg(p, "--name=%s", names[i]);
            add_arg(p, "--slot=%u", slot);
            add_arg(p, "--type=%s", card ? card->iom : "");
            add_arg(p, "--mdas=%s", mdas);
            char udp[512];
            if (udp_ports_of(s, n->name, slot, udp, sizeof udp))
                add_arg(p, "--udp=%s", udp);
        } else if (sscanf(names[i], "isa-%u/%u", &slot, &mda) == 2) {
            const char *type = "isa2-tunnel";
            for (int c = 0; c < n->n_cards; c++)
                for (int m = 0; m < n->cards[c].n_mdas; m++)
                    if (n->cards[c].slot == slot && n->cards[c].mdas[m].mda == mda)
                        type = n->cards[c].mdas[m].type;
            add_arg(p, "%s/isa", bin);
            add_arg(p, "--rundir=%s", p->nodedir);
            add_arg(p, "--name=%s", names[i]);
            add_arg(p, "--slot=%u", slot);
            add_arg(p, "--mda=%u", mda);
            add_arg(p, "--type=%s", type);
            if (n->isa_memory_mb)
                add_arg(p, "--memory-mb=%u", n->isa_memory_mb);
        } else {
            add_arg(p, "%s/mcs", bin);
            add_arg(p, "--rundir=%s", p->nodedir);
            add_arg(p, "--name=mcs");
        }
    }
}

static const char *const default_strongswan_conf =
    "# written by srlab: charon with userspace ESP (kernel-libipsec), since this\n"
    "# kernel has no XFRM; routes are left to the lab.\n"
    "charon {\n"
    "  install_routes = no\n"
    "  install_virtual_ip = no\n"
    "  routing_table = 0\n"
    "  filelog {\n"
    "    charon {\n"
    "      path = %s/charon.log\n"
    "      time_format = %%F %%T\n"
    "      default = 1\n"
    "      flush_line = yes\n"
    "      ike = 2\n"
    "    }\n"
    "  }\n"
    "  plugins {\n"
    "    include /etc/strongswan.d/charon/*.conf\n"
    "    kernel-libipsec {\n"
    "      load = yes\n"
    "    }\n"
    "  }\n"
    "}\n";

static void plan_charon(struct sup *s, const struct topo_node *n)
{
    struct sproc *p = new_proc(s, n, "charon");
    if (!p)
        return;
    p->kind = SP_CHARON;
    add_arg(p, "/usr/lib/ipsec/charon");
}

/* charon needs a private /run (fixed pid file and vici socket): a mount
 * namespace of its own, set up in the child. Its swanctl.conf and
 * credentials live in NODEDIR/swanctl, loaded with swanctl --file. */
static int prepare_charon_dir(struct sup *s, const struct topo_node *n)
{
    char dir[600], path[700];
    node_dir(s->lab, n->name, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/swanctl", dir);
    mkdir(path, 0700);
    static const char *const subdirs[] = { "conf.d", "x509", "x509ca", "private", "rsa",
                                           "ecdsa", "pkcs8", "pkcs12", "x509crl", "x509ocsp",
                                           "x509aa", "x509ac", "pubkey", "bliss", NULL };
    for (const char *const *d = subdirs; *d; d++) {
        snprintf(path, sizeof path, "%s/swanctl/%s", dir, *d);
        mkdir(path, 0700);
    }
    snprintf(path, sizeof path, "%s/swanctl/swanctl.conf", dir);
    if (copy_file(n->swanctl, path) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/strongswan.conf", dir);
    if (n->strongswan_conf)
        return copy_file(n->strongswan_conf, path);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, default_strongswan_conf, dir);
    return fclose(f);
}

static int mkdir_p(const char *path)
{
    char buf[600];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *q = buf + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = 0;
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return -1;
        *q = '/';
    }
    return mkdir(buf, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* An iom's udp pseudo-wires: sockets bound on the root namespace's
 * loopback, made here (the supervisor's namespace) before the child enters
 * the chassis namespace, and inherited as descriptors 100.. named in
 * SRLAB_UDP_FDS ("PORT=FD,..."). */
static void child_udp_sockets(const struct sproc *p)
{
    const char *arg = NULL;
    for (int i = 0; i < p->argc; i++)
        if (strncmp(p->argv[i], "--udp=", 6) == 0)
            arg = p->argv[i] + 6;
    if (!arg)
        return;
    char copy[512], env[512] = "";
    snprintf(copy, sizeof copy, "%s", arg);
    int next_fd = 100;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char port[32];
        unsigned local, remote;
        if (sscanf(tok, "%31[^=]=%u:%u", port, &local, &remote) != 3)
            continue;
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)local) };
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
            fprintf(stderr, "udp port %s: cannot bind 127.0.0.1:%u: %s\n", port, local,
                    strerror(errno));
            _exit(126);
        }
        dup2(fd, next_fd);
        close(fd);
        snprintf(env + strlen(env), sizeof env - strlen(env), "%s%s=%d", env[0] ? "," : "",
                 port, next_fd);
        next_fd++;
    }
    setenv("SRLAB_UDP_FDS", env, 1);
}

static void child_setup_charon(const struct sproc *p)
{
    char conf[600];
    snprintf(conf, sizeof conf, "%s/strongswan.conf", p->nodedir);
    /* The node directory is under /run too: park it on /mnt (in this
     * namespace only) while /run is replaced, then bind it back. */
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount(p->nodedir, "/mnt", NULL, MS_BIND, NULL) != 0 ||
        mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") != 0 || mkdir_p(p->nodedir) != 0 ||
        mount("/mnt", p->nodedir, NULL, MS_BIND, NULL) != 0 || umount2("/mnt", MNT_DETACH) != 0) {
        fprintf(stderr, "charon: cannot set up its mount namespace: %s\n", strerror(errno));
        _exit(126);
    }
    setenv("STRONGSWAN_CONF", conf, 1);
}

static int spawn(struct sup *s, struct sproc *p)
{
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(p->detail, sizeof p->detail, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGCHLD, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        setpgid(0, 0);
        int fd = open(p->logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        child_udp_sockets(p);
        if (netns_enter(p->ns) != 0) {
            fprintf(stderr, "cannot enter namespace %s: %s\n", p->ns, strerror(errno));
            _exit(126);
        }
        if (p->kind == SP_CHARON)
            child_setup_charon(p);
        execv(p->argv[0], p->argv);
        fprintf(stderr, "exec %s: %s\n", p->argv[0], strerror(errno));
        _exit(127);
    }
    p->pid = pid;
    p->running = true;
    p->exit_code = -1;
    p->exit_signal = 0;
    p->starts++;
    p->since_ms = (uint64_t)zclock_time();
    p->restart_at = 0;
    p->stop_requested = false;
    p->swanctl_loaded = false;
    p->detail[0] = 0;
    char pidfile[600], file[32];
    proc_file_name(p->name, file, sizeof file);
    snprintf(pidfile, sizeof pidfile, "%s/%s.pid", p->nodedir, file);
    FILE *f = fopen(pidfile, "w");
    if (f) {
        fprintf(f, "%d\n", (int)pid);
        fclose(f);
    }
    lab_event(s, "%s %s started pid %d (start %u)", p->node, p->name, (int)pid, p->starts);
    return 0;
}

static struct sproc *find_proc(struct sup *s, const char *node, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->procs[i].node, node) == 0 && strcmp(s->procs[i].name, name) == 0)
            return &s->procs[i];
    return NULL;
}

static void reap(struct sup *s)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        struct sproc *p = NULL;
        for (int i = 0; i < s->n; i++)
            if (s->procs[i].pid == pid && s->procs[i].running)
                p = &s->procs[i];
        if (!p)
            continue; /* a helper child (swanctl) */
        p->running = false;
        p->since_ms = (uint64_t)zclock_time();
        if (WIFSIGNALED(status)) {
            p->exit_signal = WTERMSIG(status);
            p->exit_code = -1;
            lab_event(s, "%s %s pid %d killed by signal %d (%s)", p->node, p->name, (int)pid,
                      p->exit_signal, strsignal(p->exit_signal));
        } else {
            p->exit_code = WEXITSTATUS(status);
            p->exit_signal = 0;
            lab_event(s, "%s %s pid %d exited with status %d", p->node, p->name, (int)pid,
                      p->exit_code);
        }
        bool failed = p->exit_signal || p->exit_code != 0;
        if (!s->shutting_down && !p->stop_requested &&
            (p->restart == RESTART_ALWAYS || (p->restart == RESTART_ON_FAILURE && failed)))
            p->restart_at = zclock_mono() + SUP_RESTART_DELAY_MS;
    }
}

/* charon is ready when its vici socket exists; then load the connections. */
static void charon_load(struct sup *s, struct sproc *p)
{
    char sock[128];
    snprintf(sock, sizeof sock, "/proc/%d/root/run/charon.vici", (int)p->pid);
    struct stat st;
    if (stat(sock, &st) != 0)
        return;
    p->swanctl_loaded = true;
    pid_t pid = fork();
    if (pid == 0) {
        char mnt[64];
        snprintf(mnt, sizeof mnt, "/proc/%d/ns/mnt", (int)p->pid);
        int fd = open(mnt, O_RDONLY);
        int out = open(p->logfile, O_WRONLY | O_APPEND);
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
        }
        /* the network namespace first: its handle is under /run/netns,
         * which charon's mount namespace hides */
        if (fd < 0 || netns_enter(p->ns) != 0 || setns(fd, CLONE_NEWNS) != 0)
            _exit(126);
        char file[600];
        snprintf(file, sizeof file, "%s/swanctl/swanctl.conf", p->nodedir);
        execlp("swanctl", "swanctl", "--load-all", "--file", file, "--uri",
               "unix:///run/charon.vici", NULL);
        _exit(127);
    }
    int status = 0;
    if (pid > 0)
        waitpid(pid, &status, 0);
    bool ok = pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    snprintf(p->detail, sizeof p->detail, "%s", ok ? "swanctl loaded" : "swanctl --load-all failed");
    lab_event(s, "%s charon: %s", p->node, p->detail);
}

static void fill_status(const struct sproc *p, Srlab__ProcStatus *ps)
{
    srlab__proc_status__init(ps);
    ps->node = (char *)p->node;
    ps->proc = (char *)p->name;
    ps->pid = (uint32_t)p->pid;
    ps->running = p->running;
    ps->exit_code = p->exit_code;
    ps->exit_signal = p->exit_signal;
    ps->starts = p->starts;
    ps->since_ms = p->since_ms;
    ps->restart = (char *)restart_name(p->restart);
    ps->detail = (char *)p->detail;
}

static void reply(struct sup *s, int status, const char *error, const struct sproc *only)
{
    Srlab__SupReply r = SRLAB__SUP_REPLY__INIT;
    Srlab__ProcStatus ps[SUP_MAX_PROCS];
    Srlab__ProcStatus *ptrs[SUP_MAX_PROCS];
    size_t k = 0;
    for (int i = 0; i < s->n; i++) {
        if (only && only != &s->procs[i])
            continue;
        fill_status(&s->procs[i], &ps[k]);
        ptrs[k] = &ps[k];
        k++;
    }
    r.status = status;
    r.error = (char *)(error ? error : "");
    r.procs = ptrs;
    r.n_procs = k;
    Srlab__Envelope env = SRLAB__ENVELOPE__INIT;
    env.body_case = SRLAB__ENVELOPE__BODY_SUP_REPLY;
    env.sup_reply = &r;
    bus_send(s->rep, NULL, &env, &s->stats);
}

static void begin_shutdown(struct sup *s)
{
    if (s->shutting_down)
        return;
    s->shutting_down = true;
    s->shutdown_deadline = zclock_mono() + SUP_SHUTDOWN_GRACE_MS;
    for (int i = 0; i < s->n; i++)
        if (s->procs[i].running)
            kill(s->procs[i].pid, SIGTERM);
    lab_event(s, "lab %s: shutting down", s->lab);
}

static int on_request(zloop_t *loop, zsock_t *sock, void *arg)
{
    (void)loop;
    struct sup *s = arg;
    bus_msg_t *env = bus_recv(sock, NULL, &s->stats);
    if (!env) {
        reply(s, 1, "bad request", NULL);
        return 0;
    }
    if (env->body_case != SRLAB__ENVELOPE__BODY_SUP_REQUEST) {
        reply(s, 1, "not a supervisor request", NULL);
        bus_free(&env);
        return 0;
    }
    const Srlab__SupRequest *rq = env->sup_request;
    const char *verb = rq->verb ? rq->verb : "";
    char err[256];
    struct sproc *p = rq->node && rq->proc ? find_proc(s, rq->node, rq->proc) : NULL;
    if (strcmp(verb, "status") == 0) {
        reply(s, 0, NULL, NULL);
    } else if (strcmp(verb, "shutdown") == 0) {
        begin_shutdown(s);
        reply(s, 0, NULL, NULL);
    } else if (strcmp(verb, "start") == 0 || strcmp(verb, "stop") == 0) {
        if (!p) {
            snprintf(err, sizeof err, "%s has no process '%s'", rq->node ? rq->node : "?",
                     rq->proc ? rq->proc : "?");
            reply(s, 1, err, NULL);
        } else if (s->shutting_down) {
            reply(s, 1, "the lab is shutting down", NULL);
        } else if (strcmp(verb, "start") == 0) {
            if (p->running) {
                snprintf(err, sizeof err, "%s %s is already running (pid %d)", p->node, p->name,
                         (int)p->pid);
                reply(s, 1, err, p);
            } else {
                int rc = spawn(s, p);
                reply(s, rc ? 1 : 0, rc ? p->detail : NULL, p);
            }
        } else {
            if (p->running) {
                p->stop_requested = true;
                kill(p->pid, SIGTERM);
            }
            reply(s, 0, NULL, p);
        }
    } else {
        snprintf(err, sizeof err, "unknown verb '%s'", verb);
        reply(s, 1, err, NULL);
    }
    bus_free(&env);
    return 0;
}

static int on_signal(zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
    (void)loop;
    (void)item;
    struct sup *s = arg;
    struct signalfd_siginfo si;
    while (read(s->sigfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGCHLD)
            reap(s);
        else
            begin_shutdown(s);
    }
    return 0;
}

static int on_tick(zloop_t *loop, int timer_id, void *arg)
{
    (void)loop;
    (void)timer_id;
    struct sup *s = arg;
    reap(s); /* in case a SIGCHLD was merged */
    int64_t now = zclock_mono();
    int alive = 0;
    for (int i = 0; i < s->n; i++) {
        struct sproc *p = &s->procs[i];
        alive += p->running;
        if (!s->shutting_down && !p->running && p->restart_at && now >= p->restart_at)
            spawn(s, p);
        if (p->running && p->kind == SP_CHARON && !p->swanctl_loaded && !s->shutting_down)
            charon_load(s, p);
    }
    if (s->shutting_down) {
        if (alive == 0)
            return -1; /* ends the loop */
        if (now >= s->shutdown_deadline)
            for (int i = 0; i < s->n; i++)
                if (s->procs[i].running)
                    kill(s->procs[i].pid, SIGKILL);
    }
    return 0;
}

int supervisor_main(const char *lab)
{
    struct sup *s = calloc(1, sizeof *s);
    snprintf(s->lab, sizeof s->lab, "%s", lab);
    lab_dir(lab, s->dir, sizeof s->dir);
    char path[600], err[512];
    snprintf(path, sizeof path, "%s/supervisor.log", s->dir);
    log_open("supervisor", path);
    zsys_handler_set(NULL);
    zsys_set_logstream(NULL);

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    s->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

    s->topo = lab_topology(lab, err, sizeof err);
    if (!s->topo) {
        log_error("topology", "reason=%s", log_q(err));
        return 1;
    }
    for (int i = 0; i < s->topo->n_nodes; i++) {
        const struct topo_node *n = &s->topo->nodes[i];
        char dir[512];
        node_dir(lab, n->name, dir, sizeof dir);
        if (n->kind == KIND_SR || n->kind == KIND_STRONGSWAN) {
            mkdir(dir, 0700);
            snprintf(path, sizeof path, "%s/log", dir);
            mkdir(path, 0700);
        }
        if (n->kind == KIND_SR)
            plan_chassis(s, n);
        if (n->kind == KIND_STRONGSWAN) {
            if (prepare_charon_dir(s, n) != 0)
                log_error("charon_prepare_failed", "node=%s", log_q(n->name));
            plan_charon(s, n);
        }
    }
    s->rep = zsock_new(ZMQ_REP);
    zsock_set_linger(s->rep, 0);
    if (zsock_bind(s->rep, "ipc://%s/supervisor.sock", s->dir) != 0) {
        log_error("bind_failed", "dir=%s", log_q(s->dir));
        return 1;
    }
    snprintf(path, sizeof path, "%s/supervisor.pid", s->dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%d\n", (int)getpid());
        fclose(f);
    }
    lab_event(s, "lab %s: supervisor started pid %d", lab, (int)getpid());
    for (int i = 0; i < s->n; i++)
        spawn(s, &s->procs[i]);

    zloop_t *loop = zloop_new();
    zloop_reader(loop, s->rep, on_request, s);
    zmq_pollitem_t item = { .fd = s->sigfd, .events = ZMQ_POLLIN };
    zloop_poller(loop, &item, on_signal, s);
    zloop_timer(loop, 100, 0, on_tick, s);
    zloop_set_nonstop(loop, true);
    zloop_start(loop);
    lab_event(s, "lab %s: supervisor stopped", lab);
    zloop_destroy(&loop);
    zsock_destroy(&s->rep);
    unlink(path);
    for (int i = 0; i < s->n; i++)
        for (int a = 0; a < s->procs[i].argc; a++)
            free(s->procs[i].argv[a]);
    topo_free(&s->topo);
    close(s->sigfd);
    free(s);
    log_close();
    return 0;
}

int supervisor_spawn(const char *lab, char *err, size_t errlen)
{
    char dir[512], self[600], logpath[600];
    lab_dir(lab, dir, sizeof dir);
    snprintf(self, sizeof self, "%s/srlab", srlab_bindir());
    snprintf(logpath, sizeof logpath, "%s/supervisor.out", dir);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        setsid();
        if (fork() != 0)
            _exit(0); /* the daemon is the grandchild: no controlling terminal */
        int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        for (int i = 3; i < 1024; i++)
            close(i);
        execl(self, "srlab", "_supervise", lab, NULL);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
    /* ready when it answers */
    for (int i = 0; i < 50; i++) {
        Srlab__Envelope *owner = NULL;
        Srlab__SupReply *r = sup_request(lab, "status", NULL, NULL, &owner);
        if (owner)
            srlab__envelope__free_unpacked(owner, NULL);
        if (r)
            return 0;
        zclock_sleep(100);
    }
    snprintf(err, errlen, "the lab supervisor did not start (see %s)", logpath);
    return -1;
}
