// SseParser: incremental Server-Sent Events parser (WHATWG HTML "event
// stream interpretation") for streamed completions. Events may be split
// across reads or several may arrive in one read; lines end in LF, CRLF or
// CR; comment lines (":...") and fields other than "data" are ignored;
// several data lines join with "\n". Each event carries the arrival time of
// its first byte, which is what TTFT and ITL are measured on.
//
// Thread-safety: not thread-safe; one parser per stream.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace infx::client {

struct SseEvent {
  std::string_view data;      // the joined data lines; valid until next Feed
  int64_t first_byte_ns = 0;  // arrival time of the event's first byte
};

class SseParser {
 public:
  // Parses `bytes`, which arrived at `arrival_ns`, and returns the events
  // completed by them (in order). The returned views stay valid until the
  // next Feed/Reset. An event with no data lines is not returned.
  const std::vector<SseEvent>& Feed(std::string_view bytes, int64_t arrival_ns);
  // Bytes held for an incomplete line or event.
  size_t pending_bytes() const { return line_.size() + data_.size(); }
  // True when nothing of an unfinished event is buffered.
  bool idle() const { return line_.empty() && !in_event_; }
  void Reset();

 private:
  void ProcessLine(std::string_view line);
  void Dispatch();

  std::string line_;            // incomplete line carried over between feeds
  int64_t line_start_ns_ = 0;   // arrival of the carried line's first byte
  bool skip_lf_ = false;        // last feed ended with CR: drop a leading LF
  bool in_event_ = false;       // some line of the current event was seen
  int64_t event_start_ns_ = 0;  // arrival of the current event's first byte
  bool has_data_ = false;
  std::string data_;                   // data lines of the current event
  std::vector<std::string> out_data_;  // storage behind returned events
  std::vector<SseEvent> out_;
  size_t num_out_ = 0;
};

}  // namespace infx::client
