/* srlab: the lab launcher and supervisor. Shared declarations. */
#ifndef SRLAB_SRLAB_H
#define SRLAB_SRLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "topology.h"

#define SRLAB_DEFAULT_RUNBASE "/run/srlab"
#define SRLAB_UP_TIMEOUT_MS 30000

/* ---- paths (paths.c) ---- */
const char *srlab_runbase(void);                   /* $SRLAB_RUNDIR or /run/srlab */
void lab_dir(const char *lab, char *out, size_t len);
void node_dir(const char *lab, const char *node, char *out, size_t len);
void netns_name(const char *lab, const char *node, char *out, size_t len);
/* Directory holding cpm, iom, isa, mcs: the one srlab itself runs from. */
const char *srlab_bindir(void);
/* "isa-1/2" -> "isa-1-2" (file names) */
void proc_file_name(const char *proc, char *out, size_t len);

/* ---- running commands (run.c) ---- */
/* Runs argv (no shell), optionally inside netns ns; captures up to errlen
 * bytes of its output in err. Returns its exit status, or -1. */
int run_argv(const char *ns, const char *const argv[], char *err, size_t errlen);
/* Runs a shell command line inside netns ns (linux node `exec`). */
int run_shell_in(const char *ns, const char *cmdline, char *err, size_t errlen);
int netns_enter(const char *ns);
int copy_file(const char *from, const char *to);

/* ---- lab (lab.c) ---- */
/* Creates namespaces and links of the topology, recording each in the lab's
 * state file. On failure everything created is removed again. */
int lab_create(const struct topology *t, char *err, size_t errlen);
/* Removes everything the state file lists, and any srl-LAB-* namespace. */
void lab_destroy_net(const char *lab);
/* A chassis's management interface: "up", "down" (set down), "no-carrier"
 * (its far end is down), "absent", or "not linked" (no mgmt link). */
const char *mgmt_link_state(const char *lab, const struct topology *t, int node);
/* Names of labs with a run directory. */
int lab_list(char names[][TOPO_NAME_MAX + 1], int max);

/* ---- supervisor (supervisor.c) ---- */
/* Starts the lab's supervisor daemon; returns once it is listening. */
int supervisor_spawn(const char *lab, char *err, size_t errlen);
int supervisor_main(const char *lab);

/* ---- clients (client.c) ---- */
#include "srlab.pb-c.h"
/* One request/reply on an ipc endpoint; NULL on timeout or error. Free the
 * reply with srlab__envelope__free_unpacked(). */
Srlab__Envelope *ipc_request(const char *endpoint, Srlab__Envelope *req, int timeout_ms);
Srlab__SupReply *sup_request(const char *lab, const char *verb, const char *node,
                             const char *proc, Srlab__Envelope **owner);
Srlab__CpmStatus *cpm_status(const char *lab, const char *node, Srlab__Envelope **owner);

/* ---- verbs (cmd_*.c) ---- */
int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_cli(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_keys(int argc, char **argv);

/* Chassis ports a tester cut or impaired (srlab link), for status. */
struct link_state {
    char node[TOPO_NAME_MAX + 1];
    char port[32];
    bool down;
    unsigned loss_ppm, delay_ms, rate_kbps;
};
int link_states(const char *lab, const struct topology *t, struct link_state *out, int max);

/* Picks the lab a verb works on: -l NAME / $SRLAB_LAB / the only one running. */
int pick_lab(const char *given, char *out, size_t len);
/* The lab's topology, from the copy kept in its run directory. */
struct topology *lab_topology(const char *lab, char *err, size_t errlen);

#endif
