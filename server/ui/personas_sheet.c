/*
 * server/ui/personas_sheet.c - renders the persona sheet (personas_sheet.h):
 * libzint encodes each code and lays it out as vector rectangles
 * (ZBarcode_Buffer_Vector), which become inline SVG, so the page needs no
 * image files and prints sharp at any size (print CSS: A4).
 */
#include "ui/personas_sheet.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zint.h>

#include "domain/persona.h"

/* docs/personas.md, "Example codes to print as barcodes". */
static const mock_ui_wallet wallets[] = {
    {"WECHAT", "13"}, {"ALIPAY", "28"}, {"UNIONPAY", "623"},
    {"QQ", "91"},     {"JDPAY", "18"},  {"BESTPAY", "51"},
};

const mock_ui_wallet *mock_ui_wallets(unsigned *count)
{
    *count = (unsigned)(sizeof wallets / sizeof wallets[0]);
    return wallets;
}

int mock_ui_persona_code(const mock_ui_wallet *wallet, const char *suffix, char *out, size_t size)
{
    const char *tail = suffix && *suffix ? suffix : "0000";
    int n = snprintf(out, size, "%s456789012345%s", wallet->prefix, tail);
    return n < 0 || (size_t)n >= size || strlen(tail) != 4 ? -1 : 0;
}

/* A growing text buffer; `failed` sticks once memory runs out. */
typedef struct sheet_buf {
    char *s;
    size_t len, cap;
    int failed;
} sheet_buf;

static void put(sheet_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 65536;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *bigger = realloc(b->s, cap);
        if (!bigger) {
            b->failed = 1;
            return;
        }
        b->s = bigger;
        b->cap = cap;
    }
}

/*
 * One barcode of `type` for `code` as an inline SVG of CSS class `cls`
 * (the print CSS sizes it). Returns 0, -1 when libzint refuses.
 */
static int put_svg(sheet_buf *b, int type, const char *code, const char *cls)
{
    struct zint_symbol *sym = ZBarcode_Create();
    if (!sym)
        return -1;
    sym->symbology = type;
    sym->show_hrt = 0;               /* the code is written under it by the page */
    sym->scale = 1.0f;
    if (type == BARCODE_QRCODE) {
        sym->whitespace_width = 4;   /* QR quiet zone: 4 modules */
        sym->whitespace_height = 4;
    } else {
        sym->height = 40.0f;
        sym->whitespace_width = 10;  /* Code 128 quiet zone: 10 modules */
    }
    int rc = ZBarcode_Encode(sym, (const unsigned char *)code, (int)strlen(code));
    if (rc < ZINT_ERROR)
        rc = ZBarcode_Buffer_Vector(sym, 0);
    if (rc >= ZINT_ERROR || !sym->vector) {
        ZBarcode_Delete(sym);
        return -1;
    }
    const struct zint_vector *v = sym->vector;
    put(b, "<svg class=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %g %g\" "
           "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"%s\">"
           "<rect width=\"%g\" height=\"%g\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
        cls, v->width, v->height, code, v->width, v->height);
    for (const struct zint_vector_rect *r = v->rectangles; r; r = r->next)
        put(b, "M%g %gh%gv%gh%gz", r->x, r->y, r->width, r->height, -r->width);
    put(b, "\"/></svg>");
    ZBarcode_Delete(sym);
    return 0;
}

/* One card: both barcodes of `code`, the code, the persona and its effect. */
static int put_card(sheet_buf *b, const char *wallet, const char *code, const char *suffix,
                    const char *summary)
{
    put(b, "<figure class=\"card\" data-code=\"%s\" data-wallet=\"%s\"><div class=\"codes\">",
        code, wallet);
    if (put_svg(b, BARCODE_CODE128, code, "c128") != 0 || put_svg(b, BARCODE_QRCODE, code, "qr") != 0)
        return -1;
    put(b, "</div><figcaption><b class=\"code\">%s</b> <span class=\"tag\">%s %s</span>"
           "<span class=\"effect\">%s</span></figcaption></figure>\n",
        code, wallet, *suffix ? suffix : "default", summary);
    return 0;
}

char *mock_ui_personas_sheet(const char *wallet_filter, size_t *len)
{
    sheet_buf b = {0};
    unsigned np = 0;
    const mock_persona *table = mock_persona_table(&np);
    put(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>upay-mock persona sheet</title>"
            "<link rel=\"stylesheet\" href=\"/mock/ui/sheet.css\"></head><body>\n"
            "<header><h1>upay-mock personas: payment codes to scan</h1>"
            "<p>Scan a code at the till (Code 128 or QR). The last four digits pick the "
            "customer's behaviour (docs/personas.md). <a class=\"noprint\" href=\"/mock/ui/\">"
            "Dashboard</a></p></header>\n");
    int shown = 0;
    for (size_t w = 0; w < sizeof wallets / sizeof wallets[0]; w++) {
        if (wallet_filter && strcmp(wallet_filter, wallets[w].name) != 0)
            continue;
        shown++;
        put(&b, "<section class=\"wallet\" id=\"%s\"><h2>%s</h2><div class=\"grid\">\n",
            wallets[w].name, wallets[w].name);
        for (unsigned p = 0; p <= np; p++) {
            const char *suffix = p == 0 ? "" : table[p - 1].suffix;
            const char *summary = p == 0 ? "pays at once: 10000/SUCCESS; refunds settle at once"
                                         : table[p - 1].summary;
            char code[24];
            if (mock_ui_persona_code(&wallets[w], suffix, code, sizeof code) != 0 ||
                put_card(&b, wallets[w].name, code, suffix, summary) != 0) {
                free(b.s);
                return NULL;
            }
        }
        put(&b, "</div></section>\n");
    }
    if (!shown)
        put(&b, "<p class=\"error\">No wallet is called that: use WECHAT, ALIPAY, UNIONPAY, "
                "QQ, JDPAY or BESTPAY.</p>\n");
    put(&b, "<footer>QQ wallet payments need <code>device_info</code> on pay.</footer>"
            "</body></html>\n");
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    *len = b.len;
    return b.s;
}

char *mock_ui_qr_svg(const char *text, size_t *len)
{
    sheet_buf b = { NULL, 0, 0, 0 };
    if (!text || !*text || strlen(text) > 512)
        return NULL;
    /* the code goes into an attribute: only what needs no escaping */
    for (const char *p = text; *p; p++)
        if (*p == '"' || *p == '<' || *p == '>' || *p == '&' || (unsigned char)*p < 0x20)
            return NULL;
    if (put_svg(&b, BARCODE_QRCODE, text, "qr") != 0 || b.failed) {
        free(b.s);
        return NULL;
    }
    *len = b.len;
    return b.s;
}
