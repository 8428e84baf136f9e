// SqlConnection over libpqxx 6.4. Every pqxx exception is caught here and
// returned as a Status.
#include <fmt/format.h>

#include <exception>
#include <memory>
#include <pqxx/pqxx>

#include "store/results_store.h"
#include "store/sql_connection.h"

namespace infx::store {
namespace {

std::string FirstWord(std::string_view sql) {
  size_t start = sql.find_first_not_of(" \n\t");
  if (start == std::string_view::npos) return "";
  size_t end = sql.find_first_of(" \n\t(", start);
  return std::string(sql.substr(start, end - start));
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

class PostgresConnection final : public SqlConnection {
 public:
  PostgresConnection(std::unique_ptr<pqxx::connection> conn, std::string name)
      : conn_(std::move(conn)), name_(std::move(name)) {}
  ~PostgresConnection() override { Rollback(); }

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  std::string Describe() const override { return name_; }

  Status Begin() override {
    if (txn_) return Status::Internal(name_ + ": transaction already open");
    try {
      txn_ = std::make_unique<pqxx::work>(*conn_);
      return Status::Ok();
    } catch (const std::exception& e) {
      return Error("BEGIN", e);
    }
  }

  Status Commit() override {
    if (!txn_) return Status::Internal(name_ + ": no transaction to commit");
    try {
      txn_->commit();
      txn_.reset();
      return Status::Ok();
    } catch (const std::exception& e) {
      txn_.reset();
      return Error("COMMIT", e);
    }
  }

  void Rollback() override {
    if (!txn_) return;
    try {
      txn_->abort();
    } catch (const std::exception&) {
      // The connection may be gone; nothing more to undo.
    }
    txn_.reset();
  }

  Result<std::vector<SqlRow>> Query(
      std::string_view sql, const std::vector<SqlValue>& params) override {
    std::vector<std::string> storage;
    storage.reserve(params.size());
    std::vector<const char*> pointers;
    for (const SqlValue& v : params) {
      if (std::holds_alternative<std::nullptr_t>(v)) {
        storage.emplace_back();
      } else if (auto* i = std::get_if<int64_t>(&v)) {
        storage.push_back(std::to_string(*i));
      } else if (auto* d = std::get_if<double>(&v)) {
        storage.push_back(FormatDoubleExact(*d));
      } else {
        storage.push_back(std::get<std::string>(v));
      }
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const bool is_null = std::holds_alternative<std::nullptr_t>(params[i]);
      pointers.push_back(is_null ? nullptr : storage[i].c_str());
    }
    try {
      pqxx::result result;
      const std::string text(sql);
      auto dynamic = pqxx::prepare::make_dynamic_params(pointers);
      if (txn_) {
        result = txn_->exec_params(text, dynamic);
      } else {
        pqxx::nontransaction ntx(*conn_);
        result = ntx.exec_params(text, dynamic);
      }
      return ToRows(result);
    } catch (const std::exception& e) {
      return Error(FirstWord(sql), e);
    }
  }

  Status ExecScript(std::string_view sql) override {
    try {
      const std::string text(sql);
      if (txn_) {
        txn_->exec(text);
      } else {
        pqxx::nontransaction ntx(*conn_);
        ntx.exec(text);
      }
      return Status::Ok();
    } catch (const std::exception& e) {
      return Error(FirstWord(sql), e);
    }
  }

  Result<bool> TableExists(std::string_view table) override {
    INFX_ASSIGN_OR_RETURN(auto rows,
                          Query("SELECT 1 FROM information_schema.tables "
                                "WHERE table_schema = current_schema() "
                                "AND table_name = $1",
                                {std::string(table)}));
    return !rows.empty();
  }

  Result<bool> HasAnyTable() override {
    INFX_ASSIGN_OR_RETURN(auto rows,
                          Query("SELECT 1 FROM information_schema.tables "
                                "WHERE table_schema = current_schema()",
                                {}));
    return !rows.empty();
  }

 private:
  static std::vector<SqlRow> ToRows(const pqxx::result& result) {
    std::vector<SqlRow> rows;
    rows.reserve(result.size());
    for (const auto& r : result) {
      SqlRow row;
      for (const auto& field : r) {
        if (field.is_null()) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(field.c_str(), field.size()));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Status Error(const std::string& verb, const std::exception& e) const {
    return Status::IoError(
        fmt::format("{}: {} failed: {}", name_, verb, OneLine(e.what())));
  }

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::work> txn_;
  std::string name_;
};

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenPostgresConnection(
    const std::string& url, bool read_only) {
  const std::string name = RedactStoreUrl(url);
  try {
    auto conn = std::make_unique<pqxx::connection>(url);
    // Doubles must round-trip exactly (the default since PostgreSQL 12).
    pqxx::nontransaction(*conn).exec("SET extra_float_digits = 3");
    pqxx::nontransaction(*conn).exec("SET client_min_messages = warning");
    if (read_only) {
      pqxx::nontransaction(*conn).exec(
          "SET default_transaction_read_only = on");
    }
    return std::unique_ptr<SqlConnection>(
        std::make_unique<PostgresConnection>(std::move(conn), name));
  } catch (const std::exception& e) {
    return Status::Unavailable(
        fmt::format("{}: cannot connect: {}", name,
                    ScrubStoreUrlSecrets(OneLine(e.what()), url)));
  }
}

}  // namespace infx::store
