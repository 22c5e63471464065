/*
 * bench/startup.c - time from starting upay-mock to its first answered
 * request: fork/exec with --listen 127.0.0.1:0, read the "listening" line,
 * send GET /mock/health on a fresh socket, read the whole answer.
 *
 * usage: upay-bench-startup PATH_TO_UPAY_MOCK ROUNDS
 * Prints "STARTUP median_ms=.. min_ms=.. max_ms=..".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One start; returns milliseconds, or -1 on failure. */
static double one_start(const char *mock)
{
    int out[2];
    if (pipe(out) != 0)
        return -1;
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        execl(mock, mock, "--listen", "127.0.0.1:0", "--quiet", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char line[256];
    size_t n = 0;
    while (n < sizeof line - 1) {
        ssize_t r = read(out[0], line + n, 1);
        if (r <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    double ms = -1;
    const char *colon = strrchr(line, ':');
    int port = colon ? atoi(colon + 1) : 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const char req[] = "GET /mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (port > 0 && fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        write(fd, req, sizeof req - 1) == (ssize_t)(sizeof req - 1)) {
        char buf[4096];
        size_t got = 0;
        ssize_t r;
        while ((r = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
            got += (size_t)r;
        buf[got] = '\0';
        if (strncmp(buf, "HTTP/1.1 200", 12) == 0)
            ms = now_ms() - t0;
    }
    if (fd >= 0)
        close(fd);
    close(out[0]);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return ms;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s UPAY_MOCK ROUNDS\n", argv[0]);
        return 2;
    }
    int rounds = atoi(argv[2]);
    if (rounds < 1 || rounds > 1000)
        return 2;
    double *ms = calloc((size_t)rounds, sizeof *ms);
    if (!ms)
        return 1;
    for (int i = 0; i < rounds; i++) {
        ms[i] = one_start(argv[1]);
        if (ms[i] < 0) {
            fprintf(stderr, "startup: round %d failed\n", i);
            free(ms);
            return 1;
        }
    }
    qsort(ms, (size_t)rounds, sizeof *ms, cmp_double);
    printf("STARTUP median_ms=%.2f min_ms=%.2f max_ms=%.2f\n", ms[rounds / 2], ms[0],
           ms[rounds - 1]);
    free(ms);
    return 0;
}
