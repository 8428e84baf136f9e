// Status and Result<T>: recoverable errors as values (LevelDB's Status, with
// an expected-like Result). A Status carries a code and a message that names
// the bad input ("config.json: missing field 'hidden_size'"). Exceptions stop
// at main() and at coroutine boundaries; everything in between returns these.
//
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace infx {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,     // bad flag, bad field value, bad request
  kNotFound,            // unknown model, GPU, file, run id
  kParseError,          // malformed JSON / YAML / HTTP
  kIoError,             // file or socket failure
  kUnavailable,         // server down, connection refused
  kTimeout,             // an operation passed its deadline
  kFailedPrecondition,  // e.g. model does not fit, store schema too new
  kAlreadyExists,
  kCancelled,
  kInternal,
};

std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {ErrorCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) {
    return {ErrorCode::kNotFound, std::move(m)};
  }
  static Status ParseError(std::string m) {
    return {ErrorCode::kParseError, std::move(m)};
  }
  static Status IoError(std::string m) {
    return {ErrorCode::kIoError, std::move(m)};
  }
  static Status Unavailable(std::string m) {
    return {ErrorCode::kUnavailable, std::move(m)};
  }
  static Status Timeout(std::string m) {
    return {ErrorCode::kTimeout, std::move(m)};
  }
  static Status FailedPrecondition(std::string m) {
    return {ErrorCode::kFailedPrecondition, std::move(m)};
  }
  static Status Internal(std::string m) {
    return {ErrorCode::kInternal, std::move(m)};
  }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "not found: unknown GPU 'h300'"; "ok" when ok().
  std::string ToString() const;
  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(std::string_view context) const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Holds either a T or a non-ok Status. Accessing value() on an error is a
// programming bug (asserts).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(data_));
  }
  T value_or(T fallback) const {
    return ok() ? std::get<T>(data_) : std::move(fallback);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace infx

#define INFX_CONCAT_INNER_(a, b) a##b
#define INFX_CONCAT_(a, b) INFX_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` is not ok.
#define INFX_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::infx::Status infx_status_ = (expr);        \
    if (!infx_status_.ok()) return infx_status_; \
  } while (0)

// `lhs` = value of Result `rexpr`, or return its Status.
#define INFX_ASSIGN_OR_RETURN(lhs, rexpr) \
  INFX_ASSIGN_OR_RETURN_IMPL_(INFX_CONCAT_(infx_result_, __LINE__), lhs, rexpr)
#define INFX_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
