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

// How an SQLite file is opened.
enum class SqliteOpenMode {
  kCreate,    // read-write; a missing file is created
  kExisting,  // read-write; a missing file is NotFound
  kReadOnly,  // SQLITE_OPEN_READONLY; never writes, never changes the mode
};

// SQLite file or ":memory:". Sets the busy timeout before anything else (so
// concurrent openers wait instead of failing with "database is locked") and
// checks the file really is an SQLite database. Writable modes then refuse a
// database holding tables but no infx_schema (an unrelated file, left
// untouched) and only then turn on WAL mode; every mode sets
// synchronous=FULL and foreign keys (per-connection settings).
Result<std::unique_ptr<SqlConnection>> OpenSqliteConnection(
    const std::string& path, SqliteOpenMode mode);

// PostgreSQL via libpqxx; `url` is a libpq connection URI. A read-only
// connection sets default_transaction_read_only. Messages never carry the
// URL's password.
Result<std::unique_ptr<SqlConnection>> OpenPostgresConnection(
    const std::string& url, bool read_only = false);

// Formats a double in the shortest form that parses back to the same value.
std::string FormatDoubleExact(double value);
// Parses a stored number; 0 for nullopt/garbage is NOT silent: returns
// ParseError naming `what`.
Result<double> ParseStoredDouble(const std::optional<std::string>& text,
                                 std::string_view what);
Result<int64_t> ParseStoredInt(const std::optional<std::string>& text,
                               std::string_view what);

}  // namespace infx::store
