// SqlResultsStore: the one ResultsStore implementation, over any
// SqlConnection (SQLite or PostgreSQL). Each mutating call runs in its own
// transaction; on any error the transaction is rolled back.
//
// Thread-safety: not thread-safe (see ResultsStore).
#pragma once

#include <memory>
#include <string>

#include "store/results_store.h"
#include "store/sql_connection.h"

namespace infx::store {

// Current UTC time as "2026-11-21T07:04:54Z".
std::string NowUtcIso8601();

// Runs EnsureSchema on `conn` (unless !migrate: the caller checked the
// schema version) and wraps it.
Result<std::unique_ptr<ResultsStore>> MakeSqlResultsStore(
    std::unique_ptr<SqlConnection> conn, bool migrate = true);

}  // namespace infx::store
