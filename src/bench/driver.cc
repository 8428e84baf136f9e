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
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

std::chrono::steady_clock::time_point AtNs(int64_t ns) {
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ns));
}

// The generator owns the clock: Run() alternates between starting every
// request that is due and has a slot (Dispatch) and running ONE completion
// handler of the client, so a due request waits at most for the handler in
// progress, never behind a queue of socket reads.
class Runner {
 public:
  Runner(asio::io_context& io, const DriveOptions& options,
         const std::vector<client::PreparedRequest>& requests,
         std::vector<RequestRecord>* records, const std::vector<Phase>& phases)
      : io_(io),
        options_(options),
        client_(io, options.client),
        requests_(requests),
        records_(*records),
        phases_(phases) {
    for (const Phase& phase : phases) total_ += phase.end - phase.begin;
  }

  void Run() {
    asio::co_spawn(io_, Monitor(), asio::detached);
    BeginPhase(0);
    while (!finished_) {
      Dispatch();
      if (finished_) break;
      ArmWake();
      if (io_.run_one() == 0) io_.restart();
    }
    io_.run();  // lets the monitor and the client's timers wind down
  }

  bool cancelled() const { return cancelled_; }
  int64_t connections_opened() const { return client_.connections_opened(); }

 private:
  const Phase& phase() const { return phases_[phase_index_]; }
  bool open_loop() const { return !phase().offsets_ns.empty(); }

  void BeginPhase(size_t index) {
    phase_index_ = index;
    if (phase_index_ >= phases_.size()) {
      finished_ = true;
      return;
    }
    next_ = phase().begin;
    phase_start_ns_ = NowNs();
    stop_at_ns_ =
        phase().duration_s > 0
            ? phase_start_ns_ + static_cast<int64_t>(phase().duration_s * 1e9)
            : kNever;
    cap_ = phase().concurrency > 0 ? phase().concurrency : kNever;
    waited_for_slot_ = false;
  }

  // Due time of request next_ (closed loop: now).
  int64_t DueNs(int64_t now) const {
    return open_loop()
               ? phase_start_ns_ + phase().offsets_ns[next_ - phase().begin]
               : now;
  }

  // Starts every request that is due and has a slot; moves to the next
  // phase once this one has nothing left to send or in flight.
  void Dispatch() {
    while (!finished_) {
      const bool all_sent = cancelled_ || next_ >= phase().end;
      const int64_t now = all_sent ? 0 : NowNs();
      const bool exhausted = all_sent || now >= stop_at_ns_;
      if (exhausted) {
        if (in_flight_ > 0) return;
        BeginPhase(phase_index_ + 1);
        continue;
      }
      const int64_t due = DueNs(now);
      if (due > now) return;  // the wake timer brings us back
      if (in_flight_ >= cap_) {
        waited_for_slot_ = true;
        return;  // a finishing request brings us back
      }
      // Latency origin: the due time (open loop), or when a slot freed.
      const bool closed = !open_loop() || waited_for_slot_;
      Start(next_++, closed ? now : due);
      waited_for_slot_ = false;
    }
  }

  void Start(size_t i, int64_t scheduled_ns) {
    records_[i].scheduled_ns = scheduled_ns;
    ++in_flight_;
    client_.Start(requests_[i], &records_[i], [this] {
      --in_flight_;
      ++finished_count_;
    });
  }

  // Keeps a timer at the next due time so the loop wakes for it.
  void ArmWake() {
    int64_t wake_at = kNever;
    if (!finished_ && !cancelled_ && open_loop() && next_ < phase().end &&
        in_flight_ < cap_) {
      wake_at = std::min(DueNs(0), stop_at_ns_);
    }
    if (wake_at == wake_at_ns_) return;
    wake_at_ns_ = wake_at;
    if (wake_at == kNever) {
      wake_.cancel();
      return;
    }
    wake_.expires_at(AtNs(wake_at));
    wake_.async_wait([](const boost::system::error_code&) {});
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
      }
      if (tty && NowNs() - last_draw > 200'000'000) {
        last_draw = NowNs();
        DrawProgress(false);
      }
    }
    wake_.cancel();
    if (tty) DrawProgress(true);
  }

  void DrawProgress(bool last) const {
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

  asio::io_context& io_;
  const DriveOptions& options_;
  client::HttpClient client_;
  const std::vector<client::PreparedRequest>& requests_;
  std::vector<RequestRecord>& records_;
  const std::vector<Phase>& phases_;
  asio::steady_timer wake_{io_};
  int64_t wake_at_ns_ = kNever;
  size_t phase_index_ = 0, next_ = 0;
  int64_t phase_start_ns_ = 0, stop_at_ns_ = kNever, cap_ = kNever;
  bool waited_for_slot_ = false;
  int64_t in_flight_ = 0, finished_count_ = 0, total_ = 0;
  bool finished_ = false, cancelled_ = false;
};

}  // namespace

DriveOutcome Drive(const DriveOptions& options,
                   const std::vector<client::PreparedRequest>& requests,
                   std::vector<RequestRecord>* records,
                   const std::vector<Phase>& phases) {
  asio::io_context io(1);
  Runner runner(io, options, requests, records, phases);
  runner.Run();
  return DriveOutcome{runner.cancelled(), runner.connections_opened()};
}

}  // namespace infx::bench
