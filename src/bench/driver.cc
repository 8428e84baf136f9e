#include "bench/driver.h"

#include <fmt/format.h>
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
#include <thread>
#include <utility>

#include "bench/dispatcher.h"

namespace infx::bench {
namespace {

namespace asio = boost::asio;
using metrics::RequestRecord;

constexpr auto kMonitorPeriod = std::chrono::milliseconds(10);

// The generator owns the clock: Run() alternates between carrying out the
// Dispatcher's steps (start every request that is due and has a slot, stop
// those in flight when --duration ran out) and running ONE completion
// handler of the client, so a due request waits at most for the handler in
// progress, never behind a queue of socket reads.
class Runner {
 public:
  Runner(asio::io_context& io, const DriveOptions& options,
         const std::vector<client::PreparedRequest>& requests,
         std::vector<RequestRecord>* records, const std::vector<Phase>& phases)
      : io_(io),
        options_(options),
        clock_(options.client.clock ? *options.client.clock
                                    : client::SteadyClock::Instance()),
        client_(io, options.client),
        requests_(requests),
        records_(*records),
        phases_(phases),
        dispatcher_(phases, clock_) {
    for (const Phase& phase : phases) total_ += phase.end - phase.begin;
  }

  void Run() {
    asio::co_spawn(io_, Monitor(), asio::detached);
    while (true) {
      const Step step = dispatcher_.Next(in_flight_, cancelled_);
      if (step.kind == Step::Kind::kDone) break;
      if (step.kind == Step::Kind::kStart) {
        Start(step.index, step.scheduled_ns);
      } else if (step.kind == Step::Kind::kStop) {
        const Phase& phase = phases_[dispatcher_.phase_index()];
        client_.StopInFlight("in flight when --duration (" +
                             fmt::format("{:g}", phase.duration_s) +
                             " s) ended");
      } else {
        ArmWake(step.wake_at_ns);
        if (io_.run_one() == 0) io_.restart();
      }
    }
    finished_ = true;
    wake_.cancel();
    io_.run();  // lets the monitor and the client's timers wind down
  }

  bool cancelled() const { return cancelled_; }
  int64_t connections_opened() const { return client_.connections_opened(); }

 private:
  void Start(size_t i, int64_t scheduled_ns) {
    records_[i].scheduled_ns = scheduled_ns;
    ++in_flight_;
    client_.Start(requests_[i], &records_[i], [this] {
      --in_flight_;
      ++finished_count_;
    });
  }

  // Keeps a timer at the next wake-up time so the loop wakes for it.
  void ArmWake(int64_t wake_at) {
    if (wake_at == wake_at_ns_) return;
    wake_at_ns_ = wake_at;
    if (wake_at == Step::kNever) {
      wake_.cancel();
      return;
    }
    wake_.expires_after(std::chrono::nanoseconds(
        std::max<int64_t>(0, wake_at - clock_.NowNs())));
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
      if (tty && client::NowNs() - last_draw > 200'000'000) {
        last_draw = client::NowNs();
        DrawProgress(false);
      }
    }
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
  const client::Clock& clock_;
  client::HttpClient client_;
  const std::vector<client::PreparedRequest>& requests_;
  std::vector<RequestRecord>& records_;
  const std::vector<Phase>& phases_;
  Dispatcher dispatcher_;
  asio::steady_timer wake_{io_};
  int64_t wake_at_ns_ = Step::kNever;
  int64_t in_flight_ = 0, finished_count_ = 0, total_ = 0;
  bool finished_ = false, cancelled_ = false;
};

// Client threads that can be used: no more than the requests, nor than a
// phase's concurrency cap (each thread gets at least one slot).
int UsableThreads(const DriveOptions& options, const std::vector<Phase>& phases,
                  size_t requests) {
  int64_t n = std::max(1, options.client_threads);
  n = std::min<int64_t>(n, static_cast<int64_t>(std::max<size_t>(requests, 1)));
  for (const Phase& phase : phases) {
    if (phase.concurrency > 0) n = std::min(n, phase.concurrency);
  }
  return static_cast<int>(n);
}

DriveOutcome DriveOne(const DriveOptions& options,
                      const std::vector<client::PreparedRequest>& requests,
                      std::vector<RequestRecord>* records,
                      const std::vector<Phase>& phases) {
  asio::io_context io(1);
  Runner runner(io, options, requests, records, phases);
  runner.Run();
  return DriveOutcome{runner.cancelled(), runner.connections_opened()};
}

// Thread t's share: requests i with i % n == t (round-robin keeps an open
// loop's arrivals evenly spread), with the phases and caps cut to match.
struct Share {
  std::vector<size_t> index;  // global index of each local request
  std::vector<client::PreparedRequest> requests;
  std::vector<RequestRecord> records;
  std::vector<Phase> phases;
};

Share MakeShare(int t, int n, const std::vector<client::PreparedRequest>& all,
                std::vector<RequestRecord>* records,
                const std::vector<Phase>& phases) {
  Share s;
  for (const Phase& phase : phases) {
    Phase local;
    local.begin = s.index.size();
    for (size_t i = phase.begin; i < phase.end; ++i) {
      if (static_cast<int>(i % n) != t) continue;
      if (!phase.offsets_ns.empty()) {
        local.offsets_ns.push_back(phase.offsets_ns[i - phase.begin]);
      }
      s.index.push_back(i);
      s.requests.push_back(all[i]);
      s.records.push_back(std::move((*records)[i]));
    }
    local.end = s.index.size();
    local.concurrency = phase.concurrency > 0 ? phase.concurrency / n +
                                                    (t < phase.concurrency % n)
                                              : 0;
    local.duration_s = phase.duration_s;
    s.phases.push_back(std::move(local));
  }
  return s;
}

}  // namespace

DriveOutcome Drive(const DriveOptions& options,
                   const std::vector<client::PreparedRequest>& requests,
                   std::vector<RequestRecord>* records,
                   const std::vector<Phase>& phases) {
  const int n = UsableThreads(options, phases, requests.size());
  if (n <= 1) return DriveOne(options, requests, records, phases);
  std::vector<Share> shares;
  for (int t = 0; t < n; ++t) {
    shares.push_back(MakeShare(t, n, requests, records, phases));
  }
  std::vector<DriveOutcome> outcomes(n);
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      DriveOptions mine = options;
      mine.progress = options.progress && t == 0;  // one bar (thread 0's)
      outcomes[t] = DriveOne(mine, shares[t].requests, &shares[t].records,
                             shares[t].phases);
    });
  }
  for (std::thread& thread : threads) thread.join();
  DriveOutcome total;
  for (int t = 0; t < n; ++t) {
    for (size_t k = 0; k < shares[t].index.size(); ++k) {
      (*records)[shares[t].index[k]] = std::move(shares[t].records[k]);
    }
    total.cancelled = total.cancelled || outcomes[t].cancelled;
    total.connections_opened += outcomes[t].connections_opened;
  }
  return total;
}

}  // namespace infx::bench
