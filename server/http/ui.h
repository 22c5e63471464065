/*
 * server/http/ui.h - the dashboard's HTTP handler: GET /mock/ui/ and its
 * files (ui/assets.h), GET /mock/ui/personas (ui/personas_sheet.h).
 * server.c routes /mock/ui to it after the admin guard; it reads only
 * embedded files and the persona table, so it adds no work to the gateway.
 */
#ifndef UPAY_MOCK_HTTP_UI_H
#define UPAY_MOCK_HTTP_UI_H

struct mg_connection;

/*
 * Answer one request under /mock/ui. `allowed` is the admin guard's verdict
 * (loopback, or the admin token); when 0 the answer is `refused_status`
 * (401 or 403) with a JSON error. GET and HEAD only (else 405); an unknown
 * file is 404. Returns the HTTP status sent.
 */
int mock_http_ui_handle(struct mg_connection *conn, int allowed, int refused_status);

#endif /* UPAY_MOCK_HTTP_UI_H */
