// infx_web_fixture: writes a synthetic store (web/synthetic_store.h) for the
// dashboard's browser tests and API benchmark.
//   infx_web_fixture --db FILE [--runs N] [--configs N] [--workloads N]
//       [--concurrencies N] [--repetitions N] [--seed S] [--hostile]
//       [--invalid]
//       [--regression-at-run N]
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "web/synthetic_store.h"

int main(int argc, char** argv) {
  infx::web::SyntheticOptions o;
  std::string db;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> long {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return std::strtol(argv[++i], nullptr, 10);
    };
    if (a == "--db" && i + 1 < argc) {
      db = argv[++i];
    } else if (a == "--runs") {
      o.runs = static_cast<int>(next());
    } else if (a == "--configs") {
      o.configs = static_cast<int>(next());
    } else if (a == "--workloads") {
      o.workloads = static_cast<int>(next());
    } else if (a == "--concurrencies") {
      o.concurrencies = static_cast<int>(next());
    } else if (a == "--repetitions") {
      o.repetitions = static_cast<int>(next());
    } else if (a == "--seed") {
      o.seed = static_cast<uint64_t>(next());
    } else if (a == "--hostile") {
      o.hostile_names = true;
    } else if (a == "--regression-at-run") {
      o.regression_at_run = static_cast<int>(next());
    } else if (a == "--invalid") {
      o.with_invalid = true;
    } else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  if (db.empty()) {
    std::cerr << "usage: infx_web_fixture --db FILE [options]\n";
    return 2;
  }
  auto store = infx::store::OpenResultsStore(db);
  if (!store.ok()) {
    std::cerr << store.status().message() << "\n";
    return 1;
  }
  infx::Status s = infx::web::FillSyntheticStore(**store, o);
  if (!s.ok()) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  std::cout << "wrote " << o.runs * infx::web::SyntheticPointsPerRun(o)
            << " points to " << db << "\n";
  return 0;
}
