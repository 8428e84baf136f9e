// `infx serve`: the dashboard (docs/dashboard.md) and its read-only JSON API
// (docs/api.md) over a results store, until SIGINT/SIGTERM.
#include <fmt/format.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/command.h"
#include "common/files.h"
#include "web/dashboard_server.h"
#include "web/static_files.h"

namespace infx::cli {
namespace {

struct ServeFlags {
  std::string db = "infx.db";
  std::string store_url;
  web::DashboardOptions options;
  std::string auth_token_env;
  std::string auth_token_file;
};

// The token from the named environment variable or file (trailing
// whitespace trimmed); never printed.
Result<std::string> ReadAuthToken(const ServeFlags& f) {
  std::string token;
  if (!f.auth_token_env.empty()) {
    const char* v = std::getenv(f.auth_token_env.c_str());
    if (!v || !*v) {
      return Status::InvalidArgument(fmt::format(
          "--auth-token-env: environment variable {} is unset or empty",
          f.auth_token_env));
    }
    token = v;
  } else if (!f.auth_token_file.empty()) {
    auto text = ReadFile(f.auth_token_file);
    if (!text.ok()) {
      return Status::InvalidArgument("--auth-token-file: " +
                                     text.status().message());
    }
    token = *text;
  } else {
    return std::string();
  }
  while (!token.empty() &&
         std::isspace(static_cast<unsigned char>(token.back()))) {
    token.pop_back();
  }
  if (token.empty()) {
    return Status::InvalidArgument("--auth-token-*: the token is empty");
  }
  return token;
}

Status Serve(ServeFlags f) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  INFX_ASSIGN_OR_RETURN(f.options.auth_token, ReadAuthToken(f));
  const std::string& location = f.store_url.empty() ? f.db : f.store_url;
  if (f.options.web_root.empty()) f.options.web_root = web::DefaultWebRoot();
  if (f.options.web_root.empty()) {
    std::cerr << "infx serve: warning: the front end is not built (no web-app/ "
                 "beside the infx binary; run scripts/setup.sh then "
                 "scripts/build.sh, or pass --web-dir); serving the API only\n";
  }
  if (!web::IsLoopbackHost(f.options.host)) {
    std::cerr << fmt::format(
        "infx serve: warning: listening on {}, not loopback: anyone who can "
        "reach this host can read the store{}\n",
        f.options.host,
        f.options.auth_token.empty() ? " (no --auth-token-env/-file given)"
                                     : "");
  }
  INFX_ASSIGN_OR_RETURN(auto server,
                        web::DashboardServer::Start(f.options, location));
  std::cout << fmt::format("infx serve: {} on http://{}:{}/",
                           server->store_description(), f.options.host,
                           server->port())
            << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  std::cerr << "infx serve: signal " << received << ", shutting down"
            << std::endl;
  server->Stop();
  return Status::Ok();
}

void SetupServe(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "serve the interactive dashboard and a read-only JSON API over a "
      "results store");
  auto* db = cmd->add_option("--db", flags->db, "SQLite results file")
                 ->capture_default_str();
  cmd->add_option("--store", flags->store_url,
                  "results store URL (postgresql://...) or SQLite path")
      ->excludes(db);
  cmd->add_option("--host", flags->options.host,
                  "address to listen on (a non-loopback one is warned about)")
      ->capture_default_str();
  cmd->add_option("--port", flags->options.port, "TCP port (0 = any free)")
      ->capture_default_str();
  auto* env = cmd->add_option("--auth-token-env", flags->auth_token_env,
                              "require this environment variable's value as "
                              "a bearer token on /api/");
  cmd->add_option("--auth-token-file", flags->auth_token_file,
                  "require this file's content as a bearer token on /api/")
      ->excludes(env);
  cmd->add_option("--web-dir", flags->options.web_root,
                  "front end directory (default: web/ beside the binary)");
  cmd->footer(ExampleFooter("infx serve --db out/quickstart.db"));
  cmd->callback([flags] {
    Status s = Serve(*flags);
    if (s.ok()) {
      SetExitCode(0);
    } else {
      ExitWithError(s);
    }
  });
}

}  // namespace

INFX_REGISTER_COMMAND(75, SetupServe);

}  // namespace infx::cli
