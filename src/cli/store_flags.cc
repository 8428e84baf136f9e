#include "cli/store_flags.h"

namespace infx::cli {

void AddStoreLocationFlags(CLI::App* cmd, StoreFlags* flags,
                           const std::string& db_help) {
  auto* db = cmd->add_option("--db", flags->db, db_help)->capture_default_str();
  cmd->add_option("--store", flags->store_url,
                  "results store URL (postgresql://...) or SQLite path")
      ->excludes(db);
}

void AddStoreFlags(CLI::App* cmd, StoreFlags* flags,
                   const std::string& run_help) {
  AddStoreLocationFlags(cmd, flags);
  cmd->add_option("--run", flags->run_id, run_help);
}

Result<OpenedRun> OpenStoredRun(const StoreFlags& flags) {
  OpenedRun out;
  INFX_ASSIGN_OR_RETURN(out.store,
                        store::OpenResultsStoreReadOnly(flags.Location()));
  if (flags.run_id > 0) {
    INFX_ASSIGN_OR_RETURN(out.run, out.store->GetRun(flags.run_id));
  } else {
    INFX_ASSIGN_OR_RETURN(out.run, out.store->LatestRun());
  }
  return out;
}

}  // namespace infx::cli
