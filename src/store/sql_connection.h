// SqlConnection: the few operations the results store needs from a SQL
// database, so that one implementation of the store (sql_results_store.h)
// runs on SQLite and PostgreSQL. Statements use PostgreSQL-style numbered
// parameters ($1, $2, ...); the SQLite connection rewrites them. Values
// come back as text (NULL as nullopt); REAL values use the shortest
// round-trip decimal form, so doubles survive storage exactly.
//
// Thread-safety: not thread-safe; one thread per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"

namespace infx::store {

enum class SqlDialect { kSqlite, kPostgres };

using SqlValue = std::variant<std::nullptr_t, int64_t, double, std::string>;
using SqlRow = std::vector<std::optional<std::string>>;

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  virtual SqlDialect dialect() const = 0;
  // Where the data lives, for messages: "sqlite:infx.db".
  virtual std::string Describe() const = 0;

  // One explicit transaction at a time. Begin on SQLite takes the write
  // lock immediately (BEGIN IMMEDIATE).
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  // Never fails visibly; used on error paths.
  virtual void Rollback() = 0;

  // Runs one statement (inside the open transaction, if any) and returns
  // its rows. Errors name the database and the failing statement's verb.
  virtual Result<std::vector<SqlRow>> Query(
      std::string_view sql, const std::vector<SqlValue>& params) = 0;
  // Runs several ';'-separated statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  // Whether a table of that name exists.
  virtual Result<bool> TableExists(std::string_view table) = 0;
  // Whether the database holds any table at all.
  virtual Result<bool> HasAnyTable() = 0;
};

// SQLite file (created if missing unless must_exist), or ":memory:".
// Checks the file really is a SQLite database before writing anything, then
// turns on WAL mode, synchronous=FULL, foreign keys and a busy timeout.
Result<std::unique_ptr<SqlConnection>> OpenSqliteConnection(
    const std::string& path, bool must_exist);

// PostgreSQL via libpqxx; `url` is a libpq connection URI.
Result<std::unique_ptr<SqlConnection>> OpenPostgresConnection(
    const std::string& url);

// Formats a double in the shortest form that parses back to the same value.
std::string FormatDoubleExact(double value);
// Parses a stored number; 0 for nullopt/garbage is NOT silent: returns
// ParseError naming `what`.
Result<double> ParseStoredDouble(const std::optional<std::string>& text,
                                 std::string_view what);
Result<int64_t> ParseStoredInt(const std::optional<std::string>& text,
                               std::string_view what);

}  // namespace infx::store
