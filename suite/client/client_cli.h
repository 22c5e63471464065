/*
 * suite/client/client_cli.h - `upay-suite client`: client conformance.
 * Runs the client scenarios (scenarios/client/) against the integrator's
 * own point-of-sale program and gives a verdict per scenario, with the
 * suite's usual reports. docs/client-conformance.md is the contract.
 */
#ifndef SUITE_CLIENT_CLI_H
#define SUITE_CLIENT_CLI_H

#include <stdio.h>

/*
 * The `upay-suite client` command; argv[0] is "client". Options: --cmd
 * COMMAND (required), --target URL, --agent-id, --key, -j N, --junit FILE,
 * --tap, --name GLOB, --tag GLOB, --rule GLOB, --seed N, --list, -q,
 * --help; then FILES or DIRS (default scenarios/client). Returns the exit
 * status of upay-suite (exit.h): 0 nothing failed (an empty selection
 * included), 1 a scenario failed, 2 usage, scenario-file (file:line:column)
 * or report-path errors, 3 the --target cannot be reached, is no UnifiedPay
 * gateway or has no mock control, or an embedded mock cannot start. A run
 * that cannot run still writes the JUnit and TAP reports asked for (bail.h).
 */
int suite_client_main(int argc, char **argv, FILE *out, FILE *errout);

#endif /* SUITE_CLIENT_CLI_H */
