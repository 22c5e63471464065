/*
 * suite/client/client_program.c - run the point-of-sale program (see
 * client_program.h). fork + execve of /bin/sh in a process group of its
 * own, so a timeout kills the shell and whatever it started.
 */
#define _GNU_SOURCE
#include "client_program.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

#define OUT_MAX (256u * 1024u)
#define ERR_MAX (64u * 1024u)

/* environ with `env` laid over it: a NULL-terminated array of borrowed strings. */
static char **merged_env(const char *const *env, size_t n)
{
    size_t have = 0;
    while (environ && environ[have])
        have++;
    char **out = calloc(have + n + 1, sizeof *out);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < have; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t len = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        int replaced = 0;
        for (size_t j = 0; j < n && !replaced; j++)
            replaced = strncmp(env[j], environ[i], len) == 0 && env[j][len] == '=';
        if (!replaced)
            out[k++] = environ[i];
    }
    for (size_t j = 0; j < n; j++)
        out[k++] = (char *)env[j];
    return out;
}

/* Read what is available from `fd` into `b` (up to `max`). 0 at EOF, else 1. */
static int drain(int fd, suite_buf *b, size_t max)
{
    char chunk[4096];
    ssize_t got = read(fd, chunk, sizeof chunk);
    if (got == 0)
        return 0;
    if (got < 0)
        return errno == EINTR || errno == EAGAIN ? 1 : 0;
    if (b->len < max)
        suite_buf_append(b, chunk, b->len + (size_t)got > max ? max - b->len : (size_t)got);
    return 1;
}

int suite_prog_run(const char *command, const char *const *env, size_t n,
                   double limit_seconds, suite_prog_result *r)
{
    memset(r, 0, sizeof *r);
    int outp[2] = {-1, -1}, errp[2] = {-1, -1};
    char **envp = merged_env(env, n);
    if (!envp || pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
        r->out = suite_strdup("");
        r->err = suite_strfmt("cannot start /bin/sh: %s", envp ? strerror(errno) : "out of memory");
        free(envp);
        for (int i = 0; i < 2; i++) {
            if (outp[i] >= 0)
                close(outp[i]);
            if (errp[i] >= 0)
                close(errp[i]);
        }
        return -1;
    }
    double start = suite_now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        /* The child: only async-signal-safe calls until execve. */
        setpgid(0, 0);
        int in = open("/dev/null", O_RDONLY);
        if (in >= 0)
            dup2(in, 0);
        dup2(outp[1], 1);
        dup2(errp[1], 2);
        char *const argv[] = {"sh", "-c", (char *)command, NULL};
        execve("/bin/sh", argv, envp);
        _exit(127);
    }
    int fork_errno = errno;
    free(envp);
    close(outp[1]);
    close(errp[1]);
    if (pid < 0) {
        close(outp[0]);
        close(errp[0]);
        r->out = suite_strdup("");
        r->err = suite_strfmt("cannot start /bin/sh: %s", strerror(fork_errno));
        return -1;
    }
    setpgid(pid, pid); /* also from here: no race with the child's own call */
    r->started = 1;

    suite_buf out = {0}, err = {0};
    int open_out = 1, open_err = 1, status = 0, reaped = 0;
    double deadline = start + limit_seconds * 1000.0, grace_end = 0;
    while (open_out || open_err || !reaped) {
        double now = suite_now_ms();
        if (!r->timed_out && now >= deadline) {
            r->timed_out = 1;
            kill(-pid, SIGKILL);
        }
        if (reaped && grace_end == 0)
            grace_end = now + 1000.0;   /* the shell is gone; its children get 1 s */
        if (reaped && now >= grace_end) {
            kill(-pid, SIGKILL);
            break;
        }
        if (!reaped) {
            pid_t w = waitpid(pid, &status, WNOHANG);
            if (w == pid) {
                reaped = 1;
                continue;
            }
        }
        struct pollfd fds[2];
        int nf = 0;
        if (open_out)
            fds[nf++] = (struct pollfd){.fd = outp[0], .events = POLLIN};
        if (open_err)
            fds[nf++] = (struct pollfd){.fd = errp[0], .events = POLLIN};
        if (nf == 0) {
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
            continue;
        }
        if (poll(fds, (nfds_t)nf, 50) <= 0)
            continue;
        for (int i = 0; i < nf; i++) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (fds[i].fd == outp[0])
                open_out = drain(outp[0], &out, OUT_MAX);
            else
                open_err = drain(errp[0], &err, ERR_MAX);
        }
    }
    if (!reaped)
        waitpid(pid, &status, 0);
    close(outp[0]);
    close(errp[0]);
    r->seconds = (suite_now_ms() - start) / 1000.0;
    if (WIFEXITED(status)) {
        r->exited = 1;
        r->exit_status = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        r->signal = WTERMSIG(status);
    }
    r->out = out.data ? suite_buf_take(&out) : suite_strdup("");
    r->err = err.data ? suite_buf_take(&err) : suite_strdup("");
    suite_buf_free(&out);
    suite_buf_free(&err);
    return 0;
}

void suite_prog_result_clear(suite_prog_result *r)
{
    if (!r)
        return;
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

char *suite_prog_last_line(const char *out)
{
    if (!out)
        return NULL;
    const char *end = out + strlen(out);
    while (end > out) {
        while (end > out && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end == out)
            return NULL;
        const char *begin = end;
        while (begin > out && begin[-1] != '\n')
            begin--;
        char *line = malloc((size_t)(end - begin) + 1);
        if (!line)
            return NULL;
        memcpy(line, begin, (size_t)(end - begin));
        line[end - begin] = '\0';
        return line;
    }
    return NULL;
}
