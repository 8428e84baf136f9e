// The results-store schema as an ordered list of migrations, one per schema
// version, written once for both SQL dialects (docs/store.md). A database's
// version lives in table infx_schema; EnsureSchema applies the missing
// migrations, each in its own transaction, and refuses databases that are
// newer than this binary or that hold unrelated SQLite tables.
//
// Thread-safety: stateless; EnsureSchema uses the given connection only.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "store/sql_connection.h"

namespace infx::store {

struct Migration {
  int version = 0;           // schema version after applying it
  std::string description;   // one line, for docs and errors
  std::string sql_template;  // {pk} {real} {bigint} are dialect placeholders
};

// All migrations in version order; the last one's version is kSchemaVersion.
const std::vector<Migration>& Migrations();

// The migration's SQL for `dialect`.
std::string MigrationSql(const Migration& migration, SqlDialect dialect);

// Stored schema version; 0 for a database without infx tables.
Result<int> ReadSchemaVersion(SqlConnection& conn);

// Brings the database to kSchemaVersion. FailedPrecondition (and no write)
// when it is newer than this binary, or when an SQLite file already holds
// tables that are not an infx results store.
Status EnsureSchema(SqlConnection& conn);

}  // namespace infx::store
