#include "store/change_watcher.h"

namespace infx::store {

Result<std::unique_ptr<ChangeWatcher>> ChangeWatcher::Open(
    const std::string& path_or_url) {
  std::unique_ptr<SqlConnection> conn;
  if (path_or_url.rfind("postgresql://", 0) == 0 ||
      path_or_url.rfind("postgres://", 0) == 0) {
    INFX_ASSIGN_OR_RETURN(
        conn, OpenPostgresConnection(path_or_url, /*read_only=*/true));
  } else {
    INFX_ASSIGN_OR_RETURN(
        conn,
        OpenSqliteConnection(path_or_url.empty() ? "infx.db" : path_or_url,
                             SqliteOpenMode::kReadOnly));
  }
  return std::unique_ptr<ChangeWatcher>(new ChangeWatcher(std::move(conn)));
}

Result<std::string> ChangeWatcher::Token() {
  // Ids only grow and every write adds a row or changes a run's status or
  // finished_at.
  INFX_ASSIGN_OR_RETURN(
      auto rows,
      conn_->Query("SELECT (SELECT COUNT(*) FROM runs), "
                   "(SELECT COALESCE(MAX(run_id), 0) FROM runs), "
                   "(SELECT COALESCE(MAX(finished_at), '') FROM runs), "
                   "(SELECT COUNT(*) FROM runs WHERE status = 'running'), "
                   "(SELECT COUNT(*) FROM configs), "
                   "(SELECT COUNT(*) FROM points), "
                   "(SELECT COALESCE(MAX(point_id), 0) FROM points), "
                   "(SELECT COUNT(*) FROM evals), "
                   "(SELECT COALESCE(MAX(eval_id), 0) FROM evals)",
                   {}));
  if (rows.empty()) return Status::Internal("change token: no row");
  std::string token;
  for (const auto& cell : rows.front()) {
    token += cell.value_or("-");
    token += '|';
  }
  return token;
}

}  // namespace infx::store
