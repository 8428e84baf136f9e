#include "store/results_store.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <utility>
#include <vector>

#include "store/schema.h"
#include "store/sql_connection.h"
#include "store/sql_results_store.h"

namespace infx::store {
namespace {

bool IsPostgresUrl(const std::string& s) {
  return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0;
}

// "mysql://..." and the like: a scheme of letters, digits, '+', '-', '.'.
std::optional<std::string> OtherUrlScheme(const std::string& s) {
  const size_t sep = s.find("://");
  if (sep == std::string::npos || sep == 0) return std::nullopt;
  for (size_t i = 0; i < sep; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') {
      return std::nullopt;
    }
  }
  return s.substr(0, sep);
}

Result<std::unique_ptr<SqlConnection>> Connect(const std::string& path_or_url,
                                               SqliteOpenMode mode) {
  if (IsPostgresUrl(path_or_url)) {
    return OpenPostgresConnection(path_or_url,
                                  mode == SqliteOpenMode::kReadOnly);
  }
  if (auto scheme = OtherUrlScheme(path_or_url)) {
    return Status::InvalidArgument(fmt::format(
        "{}: unknown store URL scheme '{}' (use postgresql://... or an "
        "SQLite file path)",
        RedactStoreUrl(path_or_url), *scheme));
  }
  const std::string path = path_or_url.empty() ? "infx.db" : path_or_url;
  return OpenSqliteConnection(path, mode);
}

Result<std::unique_ptr<ResultsStore>> Open(const std::string& path_or_url,
                                           SqliteOpenMode mode) {
  INFX_ASSIGN_OR_RETURN(auto conn, Connect(path_or_url, mode));
  if (mode != SqliteOpenMode::kReadOnly) {
    return MakeSqlResultsStore(std::move(conn));
  }
  INFX_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(*conn));
  if (version == 0) {
    return Status::FailedPrecondition(
        fmt::format("{}: not an infx results store (no infx_schema table; "
                    "left untouched)",
                    conn->Describe()));
  }
  if (version < kSchemaVersion) {
    // An infx store written by an older infx: migrate it, then read.
    conn.reset();
    INFX_ASSIGN_OR_RETURN(conn,
                          Connect(path_or_url, SqliteOpenMode::kExisting));
    return MakeSqlResultsStore(std::move(conn));
  }
  // Newer than this binary: EnsureSchema refuses without writing.
  INFX_RETURN_IF_ERROR(EnsureSchema(*conn));
  return MakeSqlResultsStore(std::move(conn), /*migrate=*/false);
}

// Where the password of "scheme://user:pw@host" sits: [colon, at), or
// nullopt when the URL has no password.
std::optional<std::pair<size_t, size_t>> UserinfoPasswordSpan(
    const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return std::nullopt;
  const size_t host_start = scheme + 3;
  const size_t end = url.find_first_of("/?", host_start);
  const size_t at = url.rfind('@', end == std::string::npos ? end : end - 1);
  if (at == std::string::npos || at < host_start) return std::nullopt;
  const size_t colon = url.find(':', host_start);
  if (colon == std::string::npos || colon > at) return std::nullopt;
  return std::make_pair(colon, at);
}

std::string UserinfoPassword(const std::string& url) {
  const auto span = UserinfoPasswordSpan(url);
  if (!span) return "";
  return url.substr(span->first + 1, span->second - span->first - 1);
}

// Values of "password=" query parameters (raw).
std::vector<std::string> QueryPasswords(const std::string& url) {
  std::vector<std::string> out;
  const size_t q = url.find('?');
  if (q == std::string::npos) return out;
  size_t pos = q + 1;
  while (pos <= url.size()) {
    size_t amp = url.find('&', pos);
    if (amp == std::string::npos) amp = url.size();
    const std::string param = url.substr(pos, amp - pos);
    if (param.rfind("password=", 0) == 0) out.push_back(param.substr(9));
    pos = amp + 1;
  }
  return out;
}

std::string PercentDecode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<ResultsStore>> OpenResultsStore(
    const std::string& path_or_url) {
  return Open(path_or_url, SqliteOpenMode::kCreate);
}

Result<std::unique_ptr<ResultsStore>> OpenExistingResultsStore(
    const std::string& path_or_url) {
  return Open(path_or_url, SqliteOpenMode::kExisting);
}

Result<std::unique_ptr<ResultsStore>> OpenResultsStoreReadOnly(
    const std::string& path_or_url) {
  return Open(path_or_url, SqliteOpenMode::kReadOnly);
}

std::string RedactStoreUrl(const std::string& url) {
  if (url.find("://") == std::string::npos) return url;
  std::string out = url;
  if (const auto span = UserinfoPasswordSpan(out)) {
    out.erase(span->first, span->second - span->first);
  }
  const size_t q = out.find('?');
  if (q == std::string::npos) return out;
  std::string query;
  size_t pos = q + 1;
  while (pos <= out.size()) {
    size_t amp = out.find('&', pos);
    if (amp == std::string::npos) amp = out.size();
    const std::string param = out.substr(pos, amp - pos);
    if (!param.empty() && param.rfind("password=", 0) != 0) {
      query += (query.empty() ? "" : "&") + param;
    }
    pos = amp + 1;
  }
  return out.substr(0, q) + (query.empty() ? "" : "?" + query);
}

std::string ScrubStoreUrlSecrets(const std::string& text,
                                 const std::string& url) {
  std::vector<std::string> secrets = QueryPasswords(url);
  secrets.push_back(UserinfoPassword(url));
  const size_t n = secrets.size();
  for (size_t i = 0; i < n; ++i) secrets.push_back(PercentDecode(secrets[i]));
  std::string out = text;
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t pos = out.find(secret); pos != std::string::npos;
         pos = out.find(secret, pos + 3)) {
      out.replace(pos, secret.size(), "***");
    }
  }
  return out;
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
