// Command registration for the `infx` binary. Each command lives in its own
// src/cli/<name>_cmd.cc, registers itself with INFX_REGISTER_COMMAND, and
// stays thin: parse flags, call a library function, print. Registration
// order is the order commands appear in `infx --help` (sorted by `order`).
//
// Exit codes: 0 success, 1 runtime error (bad file, unknown model, failed
// run), 2 usage error (CLI11 parse errors), 3 a check the user asked for
// failed (`infx eval gsm8k --min-score`).
//
// Thread-safety: registration happens during static initialization; the
// registry is read-only afterwards.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "common/result.h"

namespace infx::cli {

// Adds a subcommand to `app`. The subcommand's callback must call
// SetExitCode() (or ExitWithError()) with its outcome.
using CommandSetup = std::function<void(CLI::App& app)>;

bool RegisterCommand(int order, CommandSetup setup);
void SetupAllCommands(CLI::App& app);

void SetExitCode(int code);
int ExitCode();

// Prints "infx: error: <status message>" to stderr and sets exit code 1.
void ExitWithError(const Status& status);

// Standard footer: "Example:\n  <example>".
std::string ExampleFooter(const std::string& example);

}  // namespace infx::cli

#define INFX_REGISTER_COMMAND(order, setup_fn)                     \
  static const bool INFX_CONCAT_(infx_cmd_registered_, __LINE__) = \
      ::infx::cli::RegisterCommand(order, setup_fn)
