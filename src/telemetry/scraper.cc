#include "telemetry/scraper.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <ctime>

#include "client/clock.h"
#include "client/http_get.h"

namespace infx::telemetry {
namespace {

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 +
         static_cast<double>(ts.tv_nsec) * 1e-6;
}

}  // namespace

Scrape ScrapeOnce(const client::Url& url, const std::string& target,
                  const ScrapeOptions& options) {
  client::GetOptions get;
  get.timeout_s = options.timeout_s;
  get.authorization = options.authorization;
  get.verify_tls = options.verify_tls;
  get.body_limit_bytes = options.body_limit_bytes;
  Scrape s;
  const double cpu0 = ThreadCpuMs();
  const int64_t t0 = client::NowNs();
  Result<client::GetReply> reply = client::HttpGet(url, target, get);
  const int64_t t1 = client::NowNs();
  s.t_ns = t0 + (t1 - t0) / 2;
  s.duration_ms = static_cast<double>(t1 - t0) * 1e-6;
  if (!reply.ok()) {
    s.error = reply.status().ToString();
    return s;
  }
  if (reply->status != 200) {
    s.error = fmt::format("GET {}: HTTP {}", target, reply->status);
    return s;
  }
  Result<Exposition> e = ParseExposition(reply->body);
  if (!e.ok()) {
    s.error = fmt::format("GET {}: {}", target, e.status().ToString());
    return s;
  }
  s.ok = true;
  s.exposition = std::move(e).value();
  s.cpu_ms = ThreadCpuMs() - cpu0;
  return s;
}

Result<std::unique_ptr<Scraper>> Scraper::Start(ScrapeOptions options) {
  if (!(options.interval_s > 0) || !std::isfinite(options.interval_s)) {
    return Status::InvalidArgument(fmt::format(
        "--scrape-interval must be > 0 seconds, got {}", options.interval_s));
  }
  INFX_ASSIGN_OR_RETURN(client::Url url, client::ParseUrl(options.url));
  std::string target = url.path.empty() ? "/" : url.path;
  url.path.clear();
  std::unique_ptr<Scraper> s(
      new Scraper(std::move(options), std::move(url), std::move(target)));
  // The baseline scrape is taken before returning, so counters' increases
  // cover every request sent after Start.
  s->scrapes_.push_back(ScrapeOnce(s->url_, s->target_, s->options_));
  s->thread_ = std::thread([p = s.get()] { p->Run(); });
  return s;
}

Scraper::Scraper(ScrapeOptions options, client::Url url, std::string target)
    : options_(std::move(options)),
      url_(std::move(url)),
      target_(std::move(target)) {}

Scraper::~Scraper() { (void)Stop(); }

void Scraper::Run() {
  using Clock = std::chrono::steady_clock;
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options_.interval_s));
  auto due = Clock::now() + interval;
  std::unique_lock lock(mu_);
  for (;;) {
    if (cv_.wait_until(lock, due, [this] { return stop_; })) break;
    lock.unlock();
    Scrape s = ScrapeOnce(url_, target_, options_);
    lock.lock();
    scrapes_.push_back(std::move(s));
    due += interval;
    const auto now = Clock::now();
    if (due < now) due = now;  // a slow scrape: skip, do not burst
  }
}

std::vector<Scrape> Scraper::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return {};
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  std::vector<Scrape> out = std::move(scrapes_);
  out.push_back(ScrapeOnce(url_, target_, options_));  // the point's end
  return out;
}

Result<std::string> MetricsUrlFor(const std::string& base_url) {
  INFX_ASSIGN_OR_RETURN(client::Url url, client::ParseUrl(base_url));
  std::string host =
      url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  return fmt::format("{}://{}:{}/metrics", url.scheme, host, url.port);
}

}  // namespace infx::telemetry
