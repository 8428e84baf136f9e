#include "cli/command.h"

#include <algorithm>
#include <iostream>
#include <utility>
#include <vector>

namespace infx::cli {
namespace {

std::vector<std::pair<int, CommandSetup>>& Registry() {
  static std::vector<std::pair<int, CommandSetup>> registry;
  return registry;
}

int g_exit_code = 0;

}  // namespace

bool RegisterCommand(int order, CommandSetup setup) {
  Registry().emplace_back(order, std::move(setup));
  return true;
}

void SetupAllCommands(CLI::App& app) {
  auto& registry = Registry();
  std::stable_sort(
      registry.begin(), registry.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, setup] : registry) setup(app);
}

void SetExitCode(int code) { g_exit_code = code; }
int ExitCode() { return g_exit_code; }

void ExitWithError(const Status& status) {
  std::cerr << "infx: error: " << status.message() << '\n';
  g_exit_code = 1;
}

std::string ExampleFooter(const std::string& example) {
  return "\nExample:\n  " + example + "\n";
}

}  // namespace infx::cli
