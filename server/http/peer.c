/*
 * server/http/peer.c - loopback or not (see peer.h).
 */
#include "http/peer.h"

#include <string.h>

int mock_peer_is_loopback(const char *addr)
{
    return addr && (strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0);
}
