#include "bench/driver.h"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <limits>
#include <string>

namespace infx::bench {
namespace {

namespace asio = boost::asio;
using client::NowNs;
using metrics::RequestRecord;

constexpr auto kMonitorPeriod = std::chrono::milliseconds(10);

std::chrono::steady_clock::time_point AtNs(int64_t ns) {
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ns));
}

// Single-threaded event: Wait() suspends until Notify() (no lost wake-ups
// because everything runs on one thread and Wait re-checks its condition).
class Event {
 public:
  explicit Event(asio::io_context& io) : timer_(io) {}
  asio::awaitable<void> Wait() {
    timer_.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  void Notify() { timer_.cancel(); }

 private:
  asio::steady_timer timer_;
};

class Runner {
 public:
  Runner(asio::io_context& io, const DriveOptions& options,
         const std::vector<client::PreparedRequest>& requests,
         std::vector<RequestRecord>* records)
      : io_(io),
        options_(options),
        client_(io, options.client),
        requests_(requests),
        records_(*records),
        slot_freed_(io),
        all_done_(io) {}

  asio::awaitable<void> RunPhases(const std::vector<Phase>& phases) {
    for (const Phase& phase : phases) total_ += phase.end - phase.begin;
    for (const Phase& phase : phases) {
      if (stopping()) break;
      co_await RunPhase(phase);
    }
    finished_ = true;
  }

  // Polls the cancel flag and draws the progress bar until finished.
  asio::awaitable<void> Monitor() {
    asio::steady_timer timer(io_);
    bool tty = options_.progress && ::isatty(STDERR_FILENO);
    int64_t last_draw = 0;
    while (!finished_) {
      timer.expires_after(kMonitorPeriod);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (options_.cancel && options_.cancel->load() && !cancelled_) {
        cancelled_ = true;
        client_.Cancel();
        slot_freed_.Notify();
        all_done_.Notify();
        wake_.cancel();
      }
      if (tty && NowNs() - last_draw > 200'000'000) {
        last_draw = NowNs();
        DrawProgress(false);
      }
    }
    if (tty) DrawProgress(true);
  }

  bool cancelled() const { return cancelled_; }
  int64_t connections_opened() const { return client_.connections_opened(); }

 private:
  bool stopping() const { return cancelled_; }

  void DrawProgress(bool last) {
    int width = 40;
    int filled =
        total_ ? static_cast<int>(width * finished_count_ / total_) : 0;
    std::string bar(filled, '=');
    bar.resize(width, ' ');
    std::fprintf(stderr, "\r[%s] %lld/%lld requests, %lld in flight%s",
                 bar.c_str(), static_cast<long long>(finished_count_),
                 static_cast<long long>(total_),
                 static_cast<long long>(in_flight_), last ? "\n" : "");
    std::fflush(stderr);
  }

  // Sends request i (scheduled_ns set, counted in flight by the caller).
  asio::awaitable<void> SendOne(size_t i) {
    co_await client_.Stream(requests_[i], &records_[i]);
    --in_flight_;
    ++finished_count_;
    slot_freed_.Notify();
    if (--pending_ == 0) all_done_.Notify();
  }

  asio::awaitable<void> RunPhase(const Phase& phase) {
    int64_t start = NowNs();
    int64_t stop_at = phase.duration_s > 0
                          ? start + static_cast<int64_t>(phase.duration_s * 1e9)
                          : std::numeric_limits<int64_t>::max();
    int64_t cap = phase.concurrency > 0 ? phase.concurrency
                                        : std::numeric_limits<int64_t>::max();
    pending_ = 0;
    for (size_t i = phase.begin; i < phase.end && !stopping(); ++i) {
      int64_t due = NowNs();
      if (!phase.offsets_ns.empty()) {
        due = start + phase.offsets_ns[i - phase.begin];
        if (due > NowNs()) {
          wake_.expires_at(AtNs(due));
          boost::system::error_code ec;
          co_await wake_.async_wait(
              asio::redirect_error(asio::use_awaitable, ec));
        }
      }
      bool waited = false;
      while (in_flight_ >= cap && !stopping()) {
        co_await slot_freed_.Wait();
        waited = true;
      }
      if (stopping() || NowNs() >= stop_at) break;
      // Latency origin: the due time (open loop), or when a slot freed.
      bool closed = phase.offsets_ns.empty() || waited;
      records_[i].scheduled_ns = closed ? NowNs() : due;
      ++pending_;
      ++in_flight_;  // counted now: the spawned coroutine starts later
      asio::co_spawn(io_, SendOne(i), asio::detached);
    }
    while (pending_ > 0) co_await all_done_.Wait();
  }

  asio::io_context& io_;
  const DriveOptions& options_;
  client::HttpClient client_;
  const std::vector<client::PreparedRequest>& requests_;
  std::vector<RequestRecord>& records_;
  Event slot_freed_, all_done_;
  asio::steady_timer wake_{io_};
  int64_t in_flight_ = 0, pending_ = 0, finished_count_ = 0, total_ = 0;
  bool finished_ = false, cancelled_ = false;
};

}  // namespace

DriveOutcome Drive(const DriveOptions& options,
                   const std::vector<client::PreparedRequest>& requests,
                   std::vector<RequestRecord>* records,
                   const std::vector<Phase>& phases) {
  asio::io_context io(1);
  Runner runner(io, options, requests, records);
  asio::co_spawn(io, runner.RunPhases(phases), asio::detached);
  asio::co_spawn(io, runner.Monitor(), asio::detached);
  io.run();
  return DriveOutcome{runner.cancelled(), runner.connections_opened()};
}

}  // namespace infx::bench
