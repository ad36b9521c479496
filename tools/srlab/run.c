/* Paths of a lab, and running commands (optionally inside a namespace). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "srlab.h"

const char *srlab_runbase(void)
{
    /* every path under it must fit the ipc socket path limit (108 bytes) */
    const char *env = getenv("SRLAB_RUNDIR");
    return env && *env && strlen(env) <= 48 && env[0] == '/' ? env : SRLAB_DEFAULT_RUNBASE;
}

void lab_dir(const char *lab, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", srlab_runbase(), lab);
}

void node_dir(const char *lab, const char *node, char *out, size_t len)
{
    snprintf(out, len, "%s/%s/%s", srlab_runbase(), lab, node);
}

void netns_name(const char *lab, const char *node, char *out, size_t len)
{
    snprintf(out, len, "srl-%s-%s", lab, node);
}

const char *srlab_bindir(void)
{
    static char dir[PATH_MAX];
    if (!dir[0]) {
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0)
            return ".";
        self[n] = 0;
        snprintf(dir, sizeof dir, "%s", dirname(self));
    }
    return dir;
}

void proc_file_name(const char *proc, char *out, size_t len)
{
    snprintf(out, len, "%s", proc);
    for (char *p = out; *p; p++)
        if (*p == '/')
            *p = '-';
}

int netns_enter(const char *ns)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "/run/netns/%s", ns);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = setns(fd, CLONE_NEWNET);
    close(fd);
    return rc;
}

static int run_child(const char *ns, const char *const argv[], char *err, size_t errlen)
{
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        close(pipefd[0]);
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        if (ns && netns_enter(ns) != 0) {
            fprintf(stderr, "cannot enter namespace %s: %s\n", ns, strerror(errno));
            _exit(126);
        }
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    size_t got = 0;
    char buf[512];
    ssize_t n;
    while ((n = read(pipefd[0], buf, sizeof buf)) > 0) {
        if (err && got + 1 < errlen) {
            size_t take = (size_t)n < errlen - got - 1 ? (size_t)n : errlen - got - 1;
            memcpy(err + got, buf, take);
            got += take;
        }
    }
    close(pipefd[0]);
    if (err && errlen)
        err[got] = 0;
    /* trailing newline off, for messages */
    while (err && got > 0 && (err[got - 1] == '\n' || err[got - 1] == '\r'))
        err[--got] = 0;
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_argv(const char *ns, const char *const argv[], char *err, size_t errlen)
{
    return run_child(ns, argv, err, errlen);
}

int run_shell_in(const char *ns, const char *cmdline, char *err, size_t errlen)
{
    const char *argv[] = { "/bin/sh", "-c", cmdline, NULL };
    return run_child(ns, argv, err, errlen);
}

int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "r"), *out = in ? fopen(to, "w") : NULL;
    if (!in || !out) {
        if (in)
            fclose(in);
        return -1;
    }
    char buf[8192];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, k, out);
    fclose(in);
    return fclose(out);
}
