/*
 * server/ui/assets.c - looks up the dashboard's embedded files (assets.h).
 */
#include "ui/assets.h"

#include <string.h>

const mock_ui_asset *mock_ui_asset_find(const char *name)
{
    if (!name)
        return NULL;
    for (const mock_ui_asset *a = mock_ui_assets; a->name; a++)
        if (strcmp(a->name, name) == 0)
            return a;
    return NULL;
}
