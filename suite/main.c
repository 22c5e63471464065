/*
 * suite/main.c - the upay-suite program: everything is in suite_cli_main().
 */
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
    return suite_cli_main(argc, argv, stdout, stderr);
}
