#include "emulator/trace.h"

#include <nlohmann/json.hpp>

namespace infx::emulator {

std::string TraceRecordToJson(const TraceRecord& r) {
  nlohmann::json j;
  j["request_id"] = r.request_id;
  j["x_request_id"] =
      r.x_request_id ? nlohmann::json(*r.x_request_id) : nlohmann::json();
  j["arrival_ns"] = r.arrival_ns;
  j["first_token_ns"] =
      r.token_ns.empty() ? nlohmann::json() : nlohmann::json(r.token_ns[0]);
  j["token_ns"] = r.token_ns;
  j["finish_ns"] = r.finish_ns;
  j["prompt_tokens"] = r.prompt_tokens;
  j["completion_tokens"] = r.completion_tokens;
  j["status"] = r.status;
  j["error"] = r.error ? nlohmann::json(*r.error) : nlohmann::json();
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::unique_ptr<TraceWriter>> TraceWriter::Open(
    const std::string& path) {
  std::unique_ptr<TraceWriter> w(new TraceWriter());
  w->out_.open(path, std::ios::out | std::ios::trunc);
  if (!w->out_)
    return Status::IoError("cannot write trace file '" + path + "'");
  w->thread_ = std::thread([p = w.get()] { p->Run(); });
  return w;
}

TraceWriter::~TraceWriter() { Close(); }

void TraceWriter::Record(TraceRecord record) {
  {
    std::lock_guard lock(mu_);
    if (closing_) return;
    queue_.push_back(std::move(record));
  }
  cv_.notify_one();
}

void TraceWriter::Run() {
  std::vector<TraceRecord> batch;
  for (;;) {
    bool closing = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      batch.swap(queue_);
      closing = closing_;
    }
    for (const TraceRecord& r : batch) out_ << TraceRecordToJson(r) << '\n';
    batch.clear();
    out_.flush();
    if (closing) {
      std::lock_guard lock(mu_);
      if (queue_.empty()) return;
    }
  }
}

void TraceWriter::Close() {
  {
    std::lock_guard lock(mu_);
    if (closing_) return;
    closing_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  out_.close();
}

}  // namespace infx::emulator
