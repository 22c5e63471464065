/*
 * server/http/peer.h - who is at the other end of a connection. The admin
 * guard (server.c) and the TLS front (tls_front.c, which sends loopback
 * clients to the backend port that trusts them) ask the same question.
 */
#ifndef UPAY_MOCK_PEER_H
#define UPAY_MOCK_PEER_H

/*
 * Nonzero when `addr`, a numeric IPv4 or IPv6 address as CivetWeb or
 * inet_ntop writes it, is a loopback address (127.0.0.0/8 or ::1). NULL is
 * not loopback.
 */
int mock_peer_is_loopback(const char *addr);

#endif /* UPAY_MOCK_PEER_H */
