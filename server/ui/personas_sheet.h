/*
 * server/ui/personas_sheet.h - the printable persona sheet of the dashboard
 * (GET /mock/ui/personas): for every persona and every wallet, a payment
 * code as a Code 128 barcode and a QR code drawn by libzint, with the code
 * and the persona's effect written under them (docs/dashboard.md); and the
 * QR code of one pre-order's code_url, drawn the same way.
 */
#ifndef UPAY_MOCK_UI_PERSONAS_SHEET_H
#define UPAY_MOCK_UI_PERSONAS_SHEET_H

#include <stddef.h>

/* One wallet of the sheet: its name and the leading digits of its codes. */
typedef struct mock_ui_wallet {
    const char *name;     /* "WECHAT", ... as paytype names it */
    const char *prefix;   /* the code starts with these digits */
} mock_ui_wallet;

/* The wallets on the sheet, in order; `*count` receives their number. Static. */
const mock_ui_wallet *mock_ui_wallets(unsigned *count);

/*
 * The payment code of `wallet` whose last four digits are `suffix` ("" or
 * NULL: the default persona, "0000") into `out` (at least 24 bytes), the
 * codes of docs/personas.md. Returns 0, or -1 when it does not fit.
 */
int mock_ui_persona_code(const mock_ui_wallet *wallet, const char *suffix, char *out, size_t size);

/*
 * The sheet as one HTML page (malloc'ed, NUL-terminated, length in *len):
 * every wallet, or only the one named `wallet_filter` when it is not NULL
 * (an unknown name gives a page that says so, with no codes).
 * NULL when memory runs out or libzint fails.
 */
char *mock_ui_personas_sheet(const char *wallet_filter, size_t *len);

/*
 * `text` (at most 512 bytes, e.g. a pre-order's code_url) as one QR code
 * in a standalone SVG document (malloc'ed, NUL-terminated, length in
 * *len), for the dashboard's pre-order panel. NULL when `text` is empty or
 * too long, memory runs out or libzint fails.
 */
char *mock_ui_qr_svg(const char *text, size_t *len);

#endif /* UPAY_MOCK_UI_PERSONAS_SHEET_H */
