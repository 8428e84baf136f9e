#include "client/sse_parser.h"

#include <cstring>

namespace infx::client {

void SseParser::Reset() {
  line_.clear();
  skip_lf_ = false;
  in_event_ = false;
  has_data_ = false;
  data_.clear();
  num_out_ = 0;
  out_.clear();
}

const std::vector<SseEvent>& SseParser::Feed(std::string_view bytes,
                                             int64_t arrival_ns) {
  num_out_ = 0;
  out_.clear();
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  if (skip_lf_ && p < end) {
    if (*p == '\n') ++p;
    skip_lf_ = false;
  }
  while (p < end) {
    // The next LF, or an earlier CR (rare: servers end lines with LF).
    const char* eol = static_cast<const char*>(std::memchr(p, '\n', end - p));
    if (eol == nullptr) eol = end;
    if (const void* cr = std::memchr(p, '\r', eol - p)) {
      eol = static_cast<const char*>(cr);
    }
    if (eol == end) {  // incomplete line: keep it
      if (line_.empty()) line_start_ns_ = arrival_ns;
      line_.append(p, end - p);
      break;
    }
    int64_t start_ns = line_.empty() ? arrival_ns : line_start_ns_;
    if (!in_event_ && (eol > p || !line_.empty())) {
      in_event_ = true;
      event_start_ns_ = start_ns;
    }
    if (line_.empty()) {
      ProcessLine(std::string_view(p, eol - p));
    } else {
      line_.append(p, eol - p);
      ProcessLine(line_);
      line_.clear();
    }
    if (*eol == '\r') {
      if (eol + 1 < end) {
        if (eol[1] == '\n') ++eol;
      } else {
        skip_lf_ = true;
      }
    }
    p = eol + 1;
  }
  for (size_t i = 0; i < out_.size(); ++i) out_[i].data = out_data_[i];
  return out_;
}

void SseParser::ProcessLine(std::string_view line) {
  if (line.empty()) {
    Dispatch();
    return;
  }
  if (line.front() == ':') return;  // comment
  size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field != "data") return;  // event, id, retry: not needed
  if (has_data_) data_.push_back('\n');
  data_.append(value);
  has_data_ = true;
}

void SseParser::Dispatch() {
  if (has_data_ && !data_.empty()) {
    if (out_data_.size() <= num_out_) out_data_.emplace_back();
    std::string& slot = out_data_[num_out_++];
    slot.swap(data_);
    data_.clear();
    // The view is set at the end of Feed: out_data_ may still reallocate.
    out_.push_back(SseEvent{std::string_view(), event_start_ns_});
  }
  data_.clear();
  has_data_ = false;
  in_event_ = false;
}

}  // namespace infx::client
