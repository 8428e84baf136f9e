// Scraper: GETs a Prometheus /metrics URL every `interval_s` on its own
// thread (through client::HttpGet, the client's one control-plane GET) and
// keeps every scrape, parsed, with the steady-clock time it was taken. It
// never touches the load generator's event loop, so stream reads are not
// delayed by it; a failed, slow or malformed scrape is kept as a failed
// scrape with its reason and scraping goes on.
//
// Thread-safety: Start/Stop from one owner thread; the scraping thread is
// internal. Stop joins it and hands over the scrapes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/url.h"
#include "common/result.h"
#include "telemetry/exposition.h"

namespace infx::telemetry {

struct ScrapeOptions {
  std::string url;  // full URL of the endpoint, "http://h:p/metrics"
  double interval_s = 0.5;
  double timeout_s = 2;       // one GET, connect to whole body
  std::string authorization;  // full header value, or ""
  bool verify_tls = true;
  size_t body_limit_bytes = 64u << 20;
};

struct Scrape {
  int64_t t_ns = 0;        // steady clock: midpoint of the GET
  double duration_ms = 0;  // how long the GET took
  double cpu_ms = 0;       // CPU time of the scraping thread: GET + parse
  bool ok = false;
  std::string error;      // why not ok (HTTP status, timeout, parse error)
  Exposition exposition;  // when ok
};

// One GET + parse, now.
Scrape ScrapeOnce(const client::Url& url, const std::string& target,
                  const ScrapeOptions& options);

class Scraper {
 public:
  // InvalidArgument for a bad URL or interval. The first scrape is taken
  // before Start returns (at most timeout_s), the rest on the thread.
  static Result<std::unique_ptr<Scraper>> Start(ScrapeOptions options);
  ~Scraper();
  Scraper(const Scraper&) = delete;
  Scraper& operator=(const Scraper&) = delete;

  // Takes one last scrape, stops, and returns all scrapes in time order.
  std::vector<Scrape> Stop();

 private:
  Scraper(ScrapeOptions options, client::Url url, std::string target);
  void Run();

  ScrapeOptions options_;
  client::Url url_;
  std::string target_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<Scrape> scrapes_;  // guarded by mu_ while running
  std::thread thread_;
};

// "http://h:p[/v1]" -> "http://h:p/metrics" (the engine's root /metrics).
Result<std::string> MetricsUrlFor(const std::string& base_url);

}  // namespace infx::telemetry
