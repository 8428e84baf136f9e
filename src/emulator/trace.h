// TraceWriter: the ground-truth trace (--trace FILE), JSON Lines, one object
// per finished request, written by a background thread so the request path
// only enqueues:
//   {"request_id", "x_request_id", "arrival_ns", "first_token_ns",
//    "token_ns", "finish_ns", "prompt_tokens", "completion_tokens",
//    "status": "ok"|"error"|"aborted", "error"}
// Times are steady_clock (CLOCK_MONOTONIC) nanoseconds; token_ns[i] is when
// the SSE event carrying token i was handed to the socket (for
// non-streaming responses, when the engine produced the token).
//
// Thread-safety: Record is safe from any thread; Close flushes and joins.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"

namespace infx::emulator {

struct TraceRecord {
  std::string request_id;
  std::optional<std::string> x_request_id;
  int64_t arrival_ns = 0;
  std::vector<int64_t> token_ns;
  int64_t finish_ns = 0;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  std::string status = "ok";  // ok | error | aborted
  std::optional<std::string> error;
};

std::string TraceRecordToJson(const TraceRecord& record);

class TraceWriter {
 public:
  static Result<std::unique_ptr<TraceWriter>> Open(const std::string& path);
  ~TraceWriter();
  void Record(TraceRecord record);
  void Close();  // idempotent

 private:
  TraceWriter() = default;
  void Run();
  std::ofstream out_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<TraceRecord> queue_;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace infx::emulator
