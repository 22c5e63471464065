/*
 * server/ui/assets.h - the dashboard's static files, compiled into the mock
 * (embed.cmake generates the table from server/ui/files/).
 */
#ifndef UPAY_MOCK_UI_ASSETS_H
#define UPAY_MOCK_UI_ASSETS_H

#include <stddef.h>

typedef struct mock_ui_asset {
    const char *name;              /* file name, e.g. "app.js" */
    const char *content_type;      /* HTTP Content-Type */
    const unsigned char *data;     /* the bytes (static) */
    size_t len;
} mock_ui_asset;

/* Every file, ended by an entry whose name is NULL. */
extern const mock_ui_asset mock_ui_assets[];

/*
 * The file called `name` (no slash: "index.html"), or NULL when there is
 * none. Static storage; never allocates.
 */
const mock_ui_asset *mock_ui_asset_find(const char *name);

#endif /* UPAY_MOCK_UI_ASSETS_H */
