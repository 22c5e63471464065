/*
 * server/http/listen_tune.c - TCP_DEFER_ACCEPT on CivetWeb's listening sockets
 * (see listen_tune.h for why).
 */
#include "http/listen_tune.h"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/socket.h>

int mock_listen_defer_accept(int port, int seconds)
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return 0;
    int changed = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end != '\0' || fd < 0 || fd == dirfd(dir))
            continue;
        int listening = 0;
        socklen_t len = sizeof listening;
        if (getsockopt((int)fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening)
            continue;
        struct sockaddr_storage ss;
        len = sizeof ss;
        if (getsockname((int)fd, (struct sockaddr *)&ss, &len) != 0)
            continue;
        int bound = ss.ss_family == AF_INET    ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
                    : ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                               : -1;
        if (bound == port &&
            setsockopt((int)fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds) == 0)
            changed++;
    }
    closedir(dir);
    return changed;
}
