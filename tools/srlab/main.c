/* srlab: start, inspect and break emulated 7750 SR labs. */
#include <stdio.h>
#include <string.h>

#include "srlab.h"

static const struct {
    const char *verb;
    int (*fn)(int, char **);
    const char *usage;
} verbs[] = {
    { "up", cmd_up, "up FILE [--name LAB]         start the lab a topology file describes" },
    { "down", cmd_down, "down [NAME|--all]            stop a lab and remove all it made" },
    { "status", cmd_status, "status [--json] [NAME]       nodes, processes and their state" },
    { "cli", cmd_cli, "cli NODE [--json] [CMD...]   the chassis CLI (interactive without CMD)" },
    { "config", cmd_config, "config NODE FILE             apply a config file: all lines or none" },
    { "exec", cmd_exec, "exec NODE -- CMD...          run a command in a node's namespace" },
    { "kill", cmd_kill, "kill NODE PROC [--signal S]  kill cpm, iom-N, isa-S/M, mcs, or all (SIGKILL)" },
    { "start", cmd_start, "start NODE PROC              start a stopped process (all: every one, cpm first)" },
    { "link", cmd_link, "link NODE:PORT up|down|clear|set [--loss PCT] [--delay MS] [--rate MBPS]" },
    { "capture", cmd_capture, "capture NODE:PORT [-w FILE|-] [--seconds S] [--count N]   pcap, both ways" },
    { "keys", cmd_keys, "keys NODE [--wireshark DIR] [TUNNEL]   live ESP SAs and keys (Wireshark esp_sa)" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: srlab VERB [-l LAB] ...\n");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(out, "  srlab %s\n", verbs[i].usage);
    fprintf(out, "Labs live under $SRLAB_RUNDIR (default %s)/NAME. With several labs\n"
                 "running, name one with -l NAME or $SRLAB_LAB.\n", SRLAB_DEFAULT_RUNBASE);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "_supervise") == 0)
        return supervisor_main(argv[2]);
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcmp(argv[1], verbs[i].verb) == 0)
            return verbs[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "srlab: unknown verb '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
