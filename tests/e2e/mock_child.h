/*
 * tests/e2e/mock_child.h - run the real upay-mock program as a child
 * process: start it with arguments, read its "listening" line, stop it
 * with a signal. Header-only, for the e2e tests that need the program
 * itself (restart, SIGKILL, command line) rather than an in-process mock.
 */
#ifndef UPAY_MOCK_CHILD_H
#define UPAY_MOCK_CHILD_H

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MT_MOCK_BIN UPAY_BIN_DIR "/upay-mock"

typedef struct mt_child {
    pid_t pid;
    int out_fd;
    char url[128];    /* from the listening line, e.g. http://127.0.0.1:40123 */
} mt_child;

/* Start upay-mock with `args` (NULL-terminated, after argv[0]); read its listening line.
 * Not inlined: inlined into a caller's loop, GCC 12 -O2 (Release) unrolls the
 * argument copy past the caller's NULL and reports -Warray-bounds on indices
 * the loop never reaches (a false positive; the bound is checked before the read). */
__attribute__((noinline)) static void mt_child_start(mt_child *c, const char *const *args)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    const char *argv[16] = { MT_MOCK_BIN };
    int n = 1;
    for (; n < 15 && args[n - 1]; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    c->pid = fork();
    ck_assert_int_ge(c->pid, 0);
    if (c->pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(MT_MOCK_BIN, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    c->out_fd = fds[0];
    char line[256];
    size_t len = 0;
    while (len < sizeof line - 1) {
        struct pollfd pfd = { c->out_fd, POLLIN, 0 };
        ck_assert_msg(poll(&pfd, 1, 20000) == 1, "upay-mock printed nothing in 20 s");
        ck_assert_msg(read(c->out_fd, line + len, 1) == 1, "upay-mock exited before it was ready");
        if (line[len] == '\n')
            break;
        len++;
    }
    line[len] = '\0';
    const char *prefix = "upay-mock listening on ";
    ck_assert_msg(strncmp(line, prefix, strlen(prefix)) == 0, "unexpected line: %s", line);
    const char *url = line + strlen(prefix);
    ck_assert_msg(strlen(url) < sizeof c->url, "listening URL too long: %s", url);
    memcpy(c->url, url, strlen(url) + 1);
}

/* Send `sig` and wait; returns the exit status (or 128 + signal). */
static inline int mt_child_stop(mt_child *c, int sig)
{
    kill(c->pid, sig);
    int status = 0;
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
        ;
    close(c->out_fd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#endif /* UPAY_MOCK_CHILD_H */
