#include "bench/session_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <queue>
#include <thread>

#include "bench/portable_random.h"
#include "bench/trace_workload.h"
#include "metrics/metrics.h"

namespace infx::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Token-id prompts of an agentic session: shared blocks, then the
// request's own tokens (seeded by session and request).
std::vector<Prompt> SynthesizePrompts(const SessionRunConfig& c,
                                      const trace::SessionTrace& s,
                                      size_t session, bool text) {
  trace::BlockSynthesizer blocks(c.hash_block_size, c.vocab_size, c.seed);
  std::vector<Prompt> out(s.requests.size());
  for (size_t i = 0; i < s.requests.size(); ++i) {
    const trace::SessionRequest& r = s.requests[i];
    Prompt& p = out[i];
    p.prompt_len = r.input_tokens;
    p.max_tokens = r.output_tokens;
    trace::MooncakeRow row{0, r.input_tokens, r.output_tokens, r.hash_ids};
    row.input_length = static_cast<int64_t>(r.hash_ids.size()) *
                       std::max<int64_t>(1, c.hash_block_size);
    blocks.Append(row, p.token_ids);
    SplitMix64 rng(DeriveSeed(c.seed, (session << 24) + i + 1));
    while (static_cast<int64_t>(p.token_ids.size()) < r.input_tokens) {
      p.token_ids.push_back(
          static_cast<int32_t>(rng.Uniform(100, c.vocab_size - 1)));
    }
    if (text) {
      TokenIdsToWords(p.token_ids, p.text);
      p.token_ids.clear();
    }
  }
  return out;
}

class SessionRun {
 public:
  SessionRun(const SessionRunConfig& c, const trace::SessionTrace& s,
             size_t index, std::vector<SessionRecord>& out)
      : c_(c), s_(s), index_(index), out_(out) {}

  void Run();

 private:
  Prompt ChatPrompt(size_t i) const;
  void Send(size_t i);
  double DelayS(size_t i) const {
    return std::min(s_.requests[i].delay_s * c_.think_time_scale,
                    c_.max_think_time_s);
  }
  bool Cancelled() const { return c_.cancel && c_.cancel->load(); }

  const SessionRunConfig& c_;
  const trace::SessionTrace& s_;
  size_t index_;
  std::vector<SessionRecord>& out_;  // this session's slice, preallocated
  std::vector<Prompt> prompts_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<size_t> finished_;  // completions not yet processed
};

Prompt SessionRun::ChatPrompt(size_t i) const {
  std::vector<size_t> chain;  // this turn and its ancestors, newest first
  for (size_t k = i;;) {
    chain.push_back(k);
    if (s_.requests[k].after.empty()) break;
    k = s_.requests[k].after.front();
  }
  Prompt p;
  p.max_tokens = s_.requests[i].output_tokens;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const std::string& user = s_.requests[*it].user_text;
    p.messages.emplace_back("user", user);
    p.text += user + "\n";
    if (*it == i) break;
    const std::string& reply = out_[*it].record.text;
    p.messages.emplace_back("assistant", reply);
    p.text += reply + "\n";
  }
  if (c_.client.endpoint == Endpoint::kCompletions) p.messages.clear();
  return p;
}

void SessionRun::Send(size_t i) {
  ClientConfig client = c_.client;
  client.request_id_prefix =
      fmt::format("{}-s{}-r{}", c_.client.request_id_prefix, index_, i);
  client.capture_text = client.capture_text || s_.chat_history;
  const Prompt prompt = s_.chat_history ? ChatPrompt(i) : prompts_[i];
  auto records = RunRequests(client, {prompt}, c_.sampling, 1, c_.cancel);
  std::lock_guard lock(mu_);
  if (records.ok() && !records->empty()) {
    out_[i].record = std::move(records->front());
  } else {
    out_[i].record.error = metrics::ErrorKind::kCancelled;
    out_[i].record.error_message =
        records.ok() ? "not sent" : records.status().message();
  }
  finished_.push_back(i);
  cv_.notify_one();
}

void SessionRun::Run() {
  const size_t n = s_.requests.size();
  if (!s_.chat_history) {
    prompts_ = SynthesizePrompts(c_, s_, index_,
                                 c_.client.endpoint == Endpoint::kChat);
  }
  std::vector<size_t> waiting(n);
  std::vector<std::vector<size_t>> dependents(n);
  using Due = std::pair<Clock::time_point, size_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
  const auto start = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    waiting[i] = s_.requests[i].after.size();
    for (size_t a : s_.requests[i].after) dependents[a].push_back(i);
    if (waiting[i] == 0)
      due.push({start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(DelayS(i))),
                i});
  }
  std::vector<std::thread> threads;
  size_t done = 0, started = 0;
  std::unique_lock lock(mu_);
  while (done < started || !due.empty()) {
    while (!due.empty() && due.top().first <= Clock::now() && !Cancelled()) {
      const size_t i = due.top().second;
      due.pop();
      ++started;
      threads.emplace_back([this, i] { Send(i); });
    }
    if (Cancelled() && done == started) break;
    if (due.empty() || Cancelled()) {
      cv_.wait(lock, [&] { return !finished_.empty(); });
    } else {
      cv_.wait_until(lock, due.top().first, [&] { return !finished_.empty(); });
    }
    for (size_t f : finished_) {
      ++done;
      for (size_t d : dependents[f]) {
        if (--waiting[d] == 0) {
          due.push(
              {Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(DelayS(d))),
               d});
        }
      }
    }
    finished_.clear();
  }
  lock.unlock();
  for (std::thread& t : threads) t.join();
}

void MarkUnsent(std::vector<SessionRecord>& records) {
  for (SessionRecord& r : records) {
    if (r.record.send_ns == 0 && r.record.error == metrics::ErrorKind::kNone) {
      r.record.error = metrics::ErrorKind::kCancelled;
      r.record.error_message = "not sent: cancelled";
    }
  }
}

}  // namespace

Result<std::vector<SessionRecord>> RunSessions(
    const SessionRunConfig& config,
    const std::vector<trace::SessionTrace>& sessions) {
  if (config.max_sessions < 0)
    return Status::InvalidArgument("--max-concurrency must be >= 0");
  // One slice of records per session, depth filled in up front.
  std::vector<std::vector<SessionRecord>> slices(sessions.size());
  for (size_t s = 0; s < sessions.size(); ++s) {
    const auto& reqs = sessions[s].requests;
    slices[s].resize(reqs.size());
    for (size_t i = 0; i < reqs.size(); ++i) {
      int64_t depth = 0;
      for (size_t a : reqs[i].after)
        depth = std::max(depth, slices[s][a].depth + 1);
      slices[s][i] = {s, i, depth, {}};
    }
  }
  const size_t cap = config.max_sessions > 0
                         ? static_cast<size_t>(config.max_sessions)
                         : std::max<size_t>(1, sessions.size());
  std::mutex mu;
  std::condition_variable cv;
  size_t running = 0;
  std::vector<std::thread> threads;
  for (size_t s = 0; s < sessions.size(); ++s) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return running < cap; });
      ++running;
    }
    if (config.cancel && config.cancel->load()) {
      std::lock_guard lock(mu);
      --running;
      break;
    }
    threads.emplace_back([&, s] {
      SessionRun(config, sessions[s], s, slices[s]).Run();
      std::lock_guard lock(mu);
      --running;
      cv.notify_one();
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<SessionRecord> out;
  for (auto& slice : slices) {
    MarkUnsent(slice);
    for (SessionRecord& r : slice) out.push_back(std::move(r));
  }
  return out;
}

nlohmann::json SessionMetricsJson(
    const std::vector<trace::SessionTrace>& sessions,
    const std::vector<SessionRecord>& records) {
  struct Agg {
    int64_t requests = 0, completed = 0, start = 0, end = 0;
    double ttft = 0, e2el = 0, prompt = 0;
  };
  std::vector<Agg> per_session(sessions.size());
  std::map<int64_t, Agg> per_turn;
  for (const SessionRecord& r : records) {
    Agg& s = per_session[r.session];
    Agg& t = per_turn[r.depth];
    ++s.requests;
    ++t.requests;
    if (!r.record.ok()) continue;
    ++s.completed;
    ++t.completed;
    if (s.start == 0 || r.record.send_ns < s.start) s.start = r.record.send_ns;
    s.end = std::max(s.end, r.record.end_ns);
    t.ttft += metrics::TtftMs(r.record).value_or(0);
    t.e2el += metrics::E2elMs(r.record).value_or(0);
    t.prompt += static_cast<double>(r.record.PromptTokens());
  }
  nlohmann::json js = nlohmann::json::array();
  for (size_t i = 0; i < sessions.size(); ++i) {
    const Agg& a = per_session[i];
    js.push_back({{"id", sessions[i].id},
                  {"requests", a.requests},
                  {"completed", a.completed},
                  {"duration_s", a.completed ? (a.end - a.start) / 1e9 : 0.0}});
  }
  nlohmann::json jt = nlohmann::json::array();
  for (const auto& [turn, a] : per_turn) {
    const double n = std::max<int64_t>(1, a.completed);
    jt.push_back({{"turn", turn},
                  {"requests", a.requests},
                  {"completed", a.completed},
                  {"mean_ttft_ms", a.ttft / n},
                  {"mean_e2el_ms", a.e2el / n},
                  {"mean_prompt_tokens", a.prompt / n}});
  }
  return {{"sessions", js}, {"per_turn", jt}};
}

}  // namespace infx::bench
