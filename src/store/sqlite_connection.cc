// SqlConnection over the SQLite C API.
#include <fmt/format.h>
#include <sqlite3.h>

#include <cctype>
#include <filesystem>
#include <fstream>

#include "store/sql_connection.h"

namespace infx::store {
namespace {

// "$12" -> "?12": SQLite's explicit numbered parameters.
std::string RewriteParams(std::string_view sql) {
  std::string out(sql);
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '$' && std::isdigit(static_cast<unsigned char>(out[i + 1]))) {
      out[i] = '?';
    }
  }
  return out;
}

std::string FirstWord(std::string_view sql) {
  size_t start = sql.find_first_not_of(" \n\t");
  if (start == std::string_view::npos) return "";
  size_t end = sql.find_first_of(" \n\t(", start);
  return std::string(sql.substr(start, end - start));
}

// The 16-byte magic every SQLite 3 file starts with.
bool LooksLikeSqliteFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) == 0 && !ec) return true;
  std::ifstream in(path, std::ios::binary);
  char header[16] = {};
  in.read(header, sizeof header);
  return in.gcount() == 16 && std::string_view(header, 16) ==
                                  std::string_view("SQLite format 3\0", 16);
}

class SqliteConnection final : public SqlConnection {
 public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(path) {}
  ~SqliteConnection() override { sqlite3_close(db_); }

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  std::string Describe() const override { return "sqlite:" + path_; }

  Status Begin() override { return Exec("BEGIN IMMEDIATE"); }
  Status Commit() override { return Exec("COMMIT"); }
  void Rollback() override {
    if (!sqlite3_get_autocommit(db_)) (void)Exec("ROLLBACK");
  }

  Result<std::vector<SqlRow>> Query(
      std::string_view sql, const std::vector<SqlValue>& params) override {
    const std::string text = RewriteParams(sql);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, text.c_str(), static_cast<int>(text.size()),
                           &stmt, nullptr) != SQLITE_OK) {
      return Error(FirstWord(sql));
    }
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(
        stmt, sqlite3_finalize);
    for (size_t i = 0; i < params.size(); ++i) {
      if (Bind(stmt, static_cast<int>(i + 1), params[i]) != SQLITE_OK) {
        return Error(FirstWord(sql));
      }
    }
    std::vector<SqlRow> rows;
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return Error(FirstWord(sql));
      rows.push_back(ReadRow(stmt));
    }
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    return Exec(std::string(sql));
  }

  Result<bool> TableExists(std::string_view table) override {
    INFX_ASSIGN_OR_RETURN(
        auto rows,
        Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1",
              {std::string(table)}));
    return !rows.empty();
  }

  Result<bool> HasAnyTable() override {
    INFX_ASSIGN_OR_RETURN(
        auto rows,
        Query("SELECT 1 FROM sqlite_master WHERE type = 'table'", {}));
    return !rows.empty();
  }

  Status Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string message = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      return Status::IoError(fmt::format("{}: {} failed: {}", Describe(),
                                         FirstWord(sql), message));
    }
    return Status::Ok();
  }

 private:
  static int Bind(sqlite3_stmt* stmt, int index, const SqlValue& value) {
    if (std::holds_alternative<std::nullptr_t>(value)) {
      return sqlite3_bind_null(stmt, index);
    }
    if (auto* i = std::get_if<int64_t>(&value)) {
      return sqlite3_bind_int64(stmt, index, *i);
    }
    if (auto* d = std::get_if<double>(&value)) {
      return sqlite3_bind_double(stmt, index, *d);
    }
    const auto& s = std::get<std::string>(value);
    return sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()),
                             SQLITE_TRANSIENT);
  }

  static SqlRow ReadRow(sqlite3_stmt* stmt) {
    SqlRow row;
    const int n = sqlite3_column_count(stmt);
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
          row.emplace_back(std::nullopt);
          break;
        case SQLITE_INTEGER:
          row.emplace_back(std::to_string(sqlite3_column_int64(stmt, c)));
          break;
        case SQLITE_FLOAT:
          row.emplace_back(FormatDoubleExact(sqlite3_column_double(stmt, c)));
          break;
        default: {
          const auto* text = sqlite3_column_text(stmt, c);
          int len = sqlite3_column_bytes(stmt, c);
          row.emplace_back(std::string(reinterpret_cast<const char*>(text),
                                       static_cast<size_t>(len)));
        }
      }
    }
    return row;
  }

  Status Error(const std::string& verb) const {
    return Status::IoError(fmt::format("{}: {} failed: {}", Describe(), verb,
                                       sqlite3_errmsg(db_)));
  }

  sqlite3* db_;
  std::string path_;
};

}  // namespace

namespace {

Status CheckFileBeforeOpen(const std::string& path, SqliteOpenMode mode) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (!exists && mode != SqliteOpenMode::kCreate) {
    return Status::NotFound(fmt::format("{}: no such results database", path));
  }
  if (exists && std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument(
        fmt::format("{}: is a directory, expected a database file", path));
  }
  if (exists && !LooksLikeSqliteFile(path)) {
    return Status::FailedPrecondition(
        fmt::format("{}: not an SQLite database (left untouched)", path));
  }
  return Status::Ok();
}

// A writable open must not switch an unrelated database to WAL: tables but
// no infx_schema means "not ours". One query, so a concurrent creator that
// commits the schema meanwhile cannot make it look foreign.
Status RefuseForeignTables(SqliteConnection& conn, const std::string& path) {
  INFX_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("SELECT count(*), coalesce(sum(name = 'infx_schema'), 0) "
                 "FROM sqlite_master WHERE type = 'table'",
                 {}));
  if (rows.at(0).at(0) != "0" && rows.at(0).at(1) == "0") {
    return Status::FailedPrecondition(fmt::format(
        "{}: SQLite database holds other tables, not an infx results store "
        "(left untouched)",
        path));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenSqliteConnection(
    const std::string& path, SqliteOpenMode mode) {
  const bool in_memory = path == ":memory:";
  if (!in_memory) INFX_RETURN_IF_ERROR(CheckFileBeforeOpen(path, mode));
  sqlite3* db = nullptr;
  const int flags =
      SQLITE_OPEN_NOMUTEX |
      (mode == SqliteOpenMode::kReadOnly ? SQLITE_OPEN_READONLY
                                         : SQLITE_OPEN_READWRITE) |
      (mode == SqliteOpenMode::kCreate ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::IoError(fmt::format("{}: cannot open: {}", path, message));
  }
  // First, before any statement: a concurrent opener (another sweep creating
  // the schema, switching to WAL) then makes us wait, not fail.
  sqlite3_busy_timeout(db, 30000);
  auto conn = std::make_unique<SqliteConnection>(db, path);
  // Reading the schema first proves the file is a database before any write.
  auto probe = conn->Query("SELECT count(*) FROM sqlite_master", {});
  if (!probe.ok()) {
    return Status::FailedPrecondition(
        fmt::format("{}: not a usable SQLite database (left untouched): {}",
                    path, probe.status().message()));
  }
  if (mode != SqliteOpenMode::kReadOnly) {
    INFX_RETURN_IF_ERROR(RefuseForeignTables(*conn, path));
    if (!in_memory) {
      INFX_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode=WAL"));
    }
  }
  INFX_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=FULL"));
  INFX_RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys=ON"));
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

}  // namespace infx::store
