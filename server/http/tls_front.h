/*
 * server/http/tls_front.h - HTTPS for upay-mock without CivetWeb's own TLS.
 *
 * Debian 12's CivetWeb 1.15 loads libssl at run time and needs
 * SSL_get_peer_certificate, which OpenSSL 3 no longer exports, so its TLS
 * cannot be used. The front terminates TLS itself (OpenSSL, linked at build
 * time) and relays the plain bytes to the mock's CivetWeb listeners on
 * loopback. Two backend ports keep the admin API's loopback rule honest:
 * loopback clients are relayed to `local_port`, every other client to
 * `remote_port`, and the mock treats requests arriving on `remote_port` as
 * remote.
 */
#ifndef UPAY_MOCK_TLS_FRONT_H
#define UPAY_MOCK_TLS_FRONT_H

#include <stddef.h>

typedef struct mock_tls_front mock_tls_front;

/*
 * Listen on `host`:`port` (0 = a free port) with the PEM certificate and key
 * files, relaying to 127.0.0.1:`local_port` / 127.0.0.1:`remote_port`.
 * Returns NULL with a sentence in `err` when the files or the address are
 * unusable.
 */
mock_tls_front *mock_tls_front_start(const char *host, int port, const char *cert_file,
                                     const char *key_file, int local_port, int remote_port,
                                     char *err, size_t errlen);

/* The port the front listens on. */
int mock_tls_front_port(const mock_tls_front *front);

/*
 * Stop accepting, end every relay (open connections are closed), free
 * everything. NULL is a no-op.
 */
void mock_tls_front_stop(mock_tls_front *front);

#endif /* UPAY_MOCK_TLS_FRONT_H */
