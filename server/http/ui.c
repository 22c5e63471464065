/*
 * server/http/ui.c - serves the dashboard (ui.h): the embedded static files
 * and the server-rendered persona sheet. Not on the gateway path: nothing
 * here runs for POST /UnifiedPay/Gateway.
 */
#include "http/ui.h"

#include <civetweb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/assets.h"
#include "ui/personas_sheet.h"

/* Write one whole answer; a HEAD request gets the headers only. */
static int answer(struct mg_connection *conn, int status, const char *type, const void *body,
                  size_t len, const char *extra_headers)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    mg_printf(conn,
              "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n%s\r\n",
              status, mg_get_response_code_text(conn, status), type, len,
              extra_headers ? extra_headers : "");
    if (strcmp(ri->request_method, "HEAD") != 0 && len)
        mg_write(conn, body, len);
    return status;
}

static int answer_error(struct mg_connection *conn, int status, const char *message,
                        const char *extra_headers)
{
    char json[256];
    int n = snprintf(json, sizeof json, "{\"error\":\"%s\"}", message);
    return answer(conn, status, "application/json; charset=utf-8", json,
                  n > 0 && (size_t)n < sizeof json ? (size_t)n : 0, extra_headers);
}

/* The `wallet` query parameter into `out`; NULL when absent or unusable. */
static const char *wallet_param(const struct mg_request_info *ri, char *out, size_t size)
{
    if (!ri->query_string)
        return NULL;
    int n = mg_get_var(ri->query_string, strlen(ri->query_string), "wallet", out, size);
    return n > 0 ? out : NULL;
}

int mock_http_ui_handle(struct mg_connection *conn, int allowed, int refused_status)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    if (!allowed)
        return answer_error(conn, refused_status,
                            refused_status == 401
                                ? "admin token required (Authorization: Bearer T)"
                                : "the dashboard answers loopback clients only",
                            NULL);
    if (strcmp(ri->request_method, "GET") != 0 && strcmp(ri->request_method, "HEAD") != 0)
        return answer_error(conn, 405, "the dashboard is read with GET", "Allow: GET, HEAD\r\n");
    const char *uri = ri->local_uri ? ri->local_uri : "";
    if (strcmp(uri, "/mock/ui") == 0)
        return answer(conn, 301, "text/plain; charset=utf-8", "", 0, "Location: /mock/ui/\r\n");
    if (strncmp(uri, "/mock/ui/", 9) != 0)
        return answer_error(conn, 404, "no such page of the dashboard", NULL);
    const char *name = uri + 9;
    if (strcmp(name, "personas") == 0) {
        char wallet[16];
        size_t len = 0;
        char *page = mock_ui_personas_sheet(wallet_param(ri, wallet, sizeof wallet), &len);
        if (!page)
            return answer_error(conn, 500, "cannot draw the persona sheet (out of memory?)", NULL);
        int status = answer(conn, 200, "text/html; charset=utf-8", page, len, NULL);
        free(page);
        return status;
    }
    if (strcmp(name, "qr") == 0) {   /* a pre-order's code_url as a QR code */
        char text[520];
        size_t len = 0;
        char *svg = NULL;
        if (ri->query_string
            && mg_get_var(ri->query_string, strlen(ri->query_string), "text", text, sizeof text) > 0)
            svg = mock_ui_qr_svg(text, &len);
        if (!svg)
            return answer_error(conn, 400, "qr wants ?text= of 1-512 printable bytes", NULL);
        int status = answer(conn, 200, "image/svg+xml", svg, len, NULL);
        free(svg);
        return status;
    }
    const mock_ui_asset *asset = mock_ui_asset_find(*name ? name : "index.html");
    if (!asset)
        return answer_error(conn, 404, "no such page of the dashboard", NULL);
    return answer(conn, 200, asset->content_type, asset->data, asset->len, NULL);
}
