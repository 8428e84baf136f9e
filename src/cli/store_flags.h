// The flags that pick a stored run, shared by the commands that read one
// (`infx frontier`, `infx report`): --db FILE (SQLite, default infx.db) or
// --store URL (PostgreSQL or an SQLite path; excludes --db), and --run ID
// (default: the latest run).
//
// Thread-safety: call from the CLI setup and callback thread only.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "store/results_store.h"

namespace infx::cli {

struct StoreFlags {
  std::string db = "infx.db";
  std::string store_url;
  int64_t run_id = 0;  // 0 = latest run

  // --store when given, else --db.
  const std::string& Location() const {
    return store_url.empty() ? db : store_url;
  }
};

// Adds --db and --store (mutually exclusive) to `cmd`, writing into
// `flags` (which must outlive the parse), for commands that read a whole
// store rather than one run. `db_help` describes --db.
void AddStoreLocationFlags(CLI::App* cmd, StoreFlags* flags,
                           const std::string& db_help = "SQLite results file");

// Adds --db, --store and --run to `cmd`, writing into `flags` (which must
// outlive the parse). `run_help` describes --run for this command.
void AddStoreFlags(
    CLI::App* cmd, StoreFlags* flags,
    const std::string& run_help = "run id (default: latest run)");

// An existing store opened read-only (a missing SQLite file is NotFound,
// never created; a file that is not an infx store is refused untouched) and
// the run the flags name.
struct OpenedRun {
  std::unique_ptr<store::ResultsStore> store;
  store::RunRecord run;
};
Result<OpenedRun> OpenStoredRun(const StoreFlags& flags);

}  // namespace infx::cli
