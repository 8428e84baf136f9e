// ChangeWatcher: a cheap token that moves whenever anything a reader of a
// results store can see changes (a run created or finished, a config
// upserted, a point or eval inserted), from one small query on its own
// read connection. Readers that cache what they read (`infx serve`) re-read
// the store only when the token moved.
//
// Config upserts that replace an existing config's details in place do not
// move the token (no row count or id changes); sweeps write configs before
// their points, so a new point follows and moves it.
//
// Thread-safety: not thread-safe; one thread at a time per watcher (it owns
// one database connection).
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "store/sql_connection.h"

namespace infx::store {

class ChangeWatcher {
 public:
  // Same locations as OpenExistingResultsStore (a missing SQLite file is
  // NotFound; the store must have been created already).
  static Result<std::unique_ptr<ChangeWatcher>> Open(
      const std::string& path_or_url);
  // Opaque; equal tokens mean nothing visible changed in between.
  Result<std::string> Token();

 private:
  explicit ChangeWatcher(std::unique_ptr<SqlConnection> conn)
      : conn_(std::move(conn)) {}
  std::unique_ptr<SqlConnection> conn_;
};

}  // namespace infx::store
