// infx: measure LLM inference. Thin dispatcher; every command registers
// itself from its own *_cmd.cc file.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli/command.h"
#include "cli/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "infx: map the throughput-per-GPU vs interactivity curve of LLM "
      "inference.\nplan configs from first principles, bench OpenAI-compatible "
      "servers, sweep, eval, emulate."};
  app.set_version_flag("--version", infx::cli::VersionString());
  app.require_subcommand(1);
  app.footer(infx::cli::ExampleFooter(
      "infx sweep examples/quickstart.yaml   # run `infx <command> --help`"));
  infx::cli::SetupAllCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);  // prints the message naming the bad flag
    return rc == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::cerr << "infx: error: " << e.what() << '\n';
    return 1;
  }
  return infx::cli::ExitCode();
}
