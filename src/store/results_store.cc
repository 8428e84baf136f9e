#include "store/results_store.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "store/sql_connection.h"
#include "store/sql_results_store.h"

namespace infx::store {
namespace {

bool IsPostgresUrl(const std::string& s) {
  return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<ResultsStore>> Open(const std::string& path_or_url,
                                           bool must_exist) {
  std::unique_ptr<SqlConnection> conn;
  if (IsPostgresUrl(path_or_url)) {
    INFX_ASSIGN_OR_RETURN(conn, OpenPostgresConnection(path_or_url));
  } else {
    const std::string path = path_or_url.empty() ? "infx.db" : path_or_url;
    INFX_ASSIGN_OR_RETURN(conn, OpenSqliteConnection(path, must_exist));
  }
  return MakeSqlResultsStore(std::move(conn));
}

}  // namespace

Result<std::unique_ptr<ResultsStore>> OpenResultsStore(
    const std::string& path_or_url) {
  return Open(path_or_url, /*must_exist=*/false);
}

Result<std::unique_ptr<ResultsStore>> OpenExistingResultsStore(
    const std::string& path_or_url) {
  return Open(path_or_url, /*must_exist=*/true);
}

std::string FormatDoubleExact(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", value);  // shortest round-trip form
}

Result<double> ParseStoredDouble(const std::optional<std::string>& text,
                                 std::string_view what) {
  if (!text) {
    return Status::ParseError(fmt::format("stored {} is NULL", what));
  }
  if (*text == "NaN") return std::nan("");
  if (*text == "Infinity") return HUGE_VAL;
  if (*text == "-Infinity") return -HUGE_VAL;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text->c_str(), &end);
  if (text->empty() || end != text->c_str() + text->size()) {
    return Status::ParseError(
        fmt::format("stored {} '{}' is not a number", what, *text));
  }
  return v;
}

Result<int64_t> ParseStoredInt(const std::optional<std::string>& text,
                               std::string_view what) {
  if (!text) {
    return Status::ParseError(fmt::format("stored {} is NULL", what));
  }
  int64_t v = 0;
  const char* first = text->data();
  const char* last = first + text->size();
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last) {
    return Status::ParseError(
        fmt::format("stored {} '{}' is not an integer", what, *text));
  }
  return v;
}

}  // namespace infx::store
