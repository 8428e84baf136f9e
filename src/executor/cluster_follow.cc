#include "executor/cluster_follow.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <thread>

#include "executor/job_scripts.h"
#include "executor/result_file.h"
#include "sweep/process.h"

namespace infx::executor {
namespace {

using Clock = std::chrono::steady_clock;

int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr int kLogTailLines = 20;

struct Track {
  int index = 0;
  std::string key;
  std::string job_id;  // Slurm id ("123", "123_4") or Kubernetes Job name
  std::string state = "PENDING";
  bool final = false;
  JobState end;
  int64_t offset = 0;
  int64_t submit_unix_ms = 0;
  IngestStats seen;  // accumulated over ingests
};

bool Kubernetes(const FollowContext& fc) {
  return fc.options.settings.kind == ExecutorKind::kKubernetes;
}

std::string Ns(const FollowContext& fc) {
  return fc.options.settings.kubernetes.ns;
}

bool Cancelled(const FollowContext& fc) {
  return fc.options.sweep.cancel && fc.options.sweep.cancel->load();
}

void Note(const FollowContext& fc, const std::string& line) {
  if (fc.options.sweep.progress) *fc.options.sweep.progress << line << "\n";
}

Status Ingest(const FollowContext& fc, Track& t) {
  INFX_ASSIGN_OR_RETURN(
      std::string text,
      ReadCompleteLines(ConfigResultPath(fc.run_dir, t.index), &t.offset));
  if (text.empty()) return Status::Ok();
  INFX_ASSIGN_OR_RETURN(IngestStats st,
                        IngestResultLines(text, fc.store, fc.run_id));
  t.seen.points_new += st.points_new;
  t.seen.points_existing += st.points_existing;
  t.seen.failures.insert(t.seen.failures.end(), st.failures.begin(),
                         st.failures.end());
  if (st.ended) {
    t.seen.ended = true;
    t.seen.end_ok = st.end_ok;
  }
  if (t.seen.ready_unix_ms == 0) t.seen.ready_unix_ms = st.ready_unix_ms;
  return Status::Ok();
}

Result<std::vector<Track>> Submit(const FollowContext& fc,
                                  const std::vector<SubmitUnit>& units) {
  std::vector<Track> tracks;
  std::vector<std::string> submitted;
  for (const SubmitUnit& u : units) {
    const int64_t now = UnixMs();
    std::string id;
    if (Kubernetes(fc)) {
      CommandResult r = RunCommand({"kubectl", "apply", "-f", u.path});
      if (r.exit_code != 0) {
        return Status::Unavailable(fmt::format(
            "kubectl apply -f {}: {}", u.path,
            r.exit_code == 127 ? "kubectl not found on PATH" : r.output));
      }
      id = u.k8s_job_name;
    } else {
      auto sid = fc.slurm.Submit(u.path);
      if (!sid.ok()) {
        (void)fc.slurm.Cancel(submitted);
        return sid.status().WithContext("submitted jobs cancelled");
      }
      id = *sid;
      submitted.push_back(id);
    }
    Note(fc, fmt::format("submitted {} ({}): {} config(s)", id, u.path,
                         u.configs.size()));
    for (int k : u.configs) {
      Track t;
      t.index = k;
      t.key = fc.matrix.configs[k].Key();
      t.job_id = u.array ? fmt::format("{}_{}", id, k) : id;
      t.submit_unix_ms = now;
      tracks.push_back(std::move(t));
    }
  }
  return tracks;
}

Status PollKubernetes(const FollowContext& fc, std::vector<Track>& tracks) {
  for (Track& t : tracks) {
    if (t.final) continue;
    CommandResult r = RunCommand(
        {"kubectl", "get", "job", t.job_id, "-n", Ns(fc), "-o",
         "jsonpath={.status.active}:{.status.succeeded}:{.status.failed}"});
    if (r.exit_code != 0) {
      return Status::Unavailable("kubectl get job " + t.job_id + ": " +
                                 r.output);
    }
    const auto a = r.output.find(':'), b = r.output.find(':', a + 1);
    const std::string active = r.output.substr(0, a);
    const std::string ok = r.output.substr(a + 1, b - a - 1);
    const std::string failed = r.output.substr(b + 1);
    if (!ok.empty() && ok != "0") {
      t.end = {"COMPLETED", "None", "0"};
    } else if (!failed.empty() && failed != "0") {
      t.end = {"FAILED", "BackoffLimitExceeded", ""};
    } else {
      t.state = active.empty() || active == "0" ? "PENDING" : "RUNNING";
      continue;
    }
    t.state = t.end.state;
    t.final = true;
  }
  return Status::Ok();
}

Status PollSlurm(const FollowContext& fc, std::vector<Track>& tracks) {
  std::vector<std::string> ids;
  for (const Track& t : tracks) {
    if (!t.final) ids.push_back(t.job_id);
  }
  INFX_ASSIGN_OR_RETURN(auto queue, fc.slurm.Queue(ids));
  for (Track& t : tracks) {
    if (t.final) continue;
    if (auto it = queue.find(t.job_id); it != queue.end()) {
      t.state = it->second.state;
      continue;
    }
    INFX_ASSIGN_OR_RETURN(auto shown, fc.slurm.Show(t.job_id));
    if (!shown) {
      // Gone from squeue and scontrol: judge by the result file.
      t.end = {"UNKNOWN", "job no longer known to Slurm", ""};
      t.final = true;
    } else if (IsFinalState(shown->state)) {
      t.end = *shown;
      t.final = true;
    } else {
      t.state = shown->state;
      continue;
    }
    t.state = t.end.state;
  }
  return Status::Ok();
}

Status Poll(const FollowContext& fc, std::vector<Track>& tracks) {
  return Kubernetes(fc) ? PollKubernetes(fc, tracks) : PollSlurm(fc, tracks);
}

bool Succeeded(const Track& t) {
  return t.final && (t.end.state == "COMPLETED" || t.end.state == "UNKNOWN") &&
         t.seen.ended && t.seen.end_ok;
}

void Progress(const FollowContext& fc, const std::vector<Track>& tracks,
              int to_run, Clock::time_point start, std::string& last) {
  int pending = 0, running = 0, done = 0, failed = 0, points = 0;
  for (const Track& t : tracks) {
    points += t.seen.points_new + t.seen.points_existing;
    if (!t.final) {
      ++(t.state == "PENDING" ? pending : running);
    } else {
      ++(Succeeded(t) ? done : failed);
    }
  }
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  const int ended = done + failed;
  const int total = static_cast<int>(tracks.size());
  std::string eta = "?";
  if (ended > 0 && ended < total) {
    eta = fmt::format("{:.0f} s", elapsed / ended * (total - ended));
  } else if (ended == total) {
    eta = "0 s";
  }
  std::string line = fmt::format(
      "{} run {}: configs {} pending, {} running, {} done, {} failed; {} "
      "points stored (of {} to run)",
      ExecutorName(fc.options.settings.kind), fc.run_id, pending, running, done,
      failed, points, to_run);
  if (line == last) return;
  last = line;
  Note(fc, line + "; ETA " + eta);
}

std::string LogTail(const FollowContext& fc, const Track& t) {
  if (Kubernetes(fc)) {
    return RunCommand({"kubectl", "logs", "job/" + t.job_id, "-n", Ns(fc),
                       fmt::format("--tail={}", kLogTailLines)})
        .output;
  }
  return sweep::TailOfFile(ConfigLogPath(fc.run_dir, t.index), kLogTailLines);
}

// Records the end of every config whose job did not store all its points.
Status RecordEnds(const FollowContext& fc, const std::vector<Track>& tracks,
                  int stored_before, sweep::SweepSummary& summary) {
  const sweep::Matrix& m = fc.matrix;
  std::map<int, int> missing;
  int stored = 0;
  for (const sweep::Point& p : sweep::ExpandPoints(m)) {
    INFX_ASSIGN_OR_RETURN(
        bool have, fc.store.HasPoint(sweep::MakePointKey(m, p, fc.run_id)));
    if (!have) ++missing[p.config_index];
    stored += have;
  }
  // Stored by the jobs of this invocation (ingested here, or written to
  // PostgreSQL by the jobs themselves).
  summary.points_measured = stored - stored_before;
  for (const Track& t : tracks) {
    const int miss = missing.count(t.index) ? missing[t.index] : 0;
    if (Succeeded(t) && miss == 0) continue;
    summary.points_failed += miss;
    std::string why = fmt::format(
        "job {} {} (reason {}{})", t.job_id, t.final ? t.end.state : t.state,
        t.end.reason.empty() ? "None" : t.end.reason,
        t.end.exit_code.empty() ? "" : ", exit " + t.end.exit_code);
    if (t.final && !t.seen.ended) why += "; the job wrote no end record";
    for (const auto& f : t.seen.failures) why += "; " + f;
    why += fmt::format("; {} point(s) missing", miss);
    const std::string tail = LogTail(fc, t);
    summary.failures.push_back(
        {t.key, why + (tail.empty() ? "" : "\n    log tail:\n" + tail)});
    // Keep the reason with the config in the store.
    store::ConfigRecord rec;
    rec.run_id = fc.run_id;
    rec.config_key = t.key;
    rec.hardware = m.configs[t.index].hardware;
    rec.num_gpus = m.configs[t.index].gpus();
    INFX_ASSIGN_OR_RETURN(auto configs, fc.store.ListConfigs(fc.run_id));
    for (const auto& c : configs) {
      if (c.config_key == t.key) {
        rec.details = c.details;
        rec.engine_version = c.engine_version;
        rec.canary = c.canary;
      }
    }
    rec.details["cluster_job"] = {{"id", t.job_id},
                                  {"state", t.final ? t.end.state : t.state},
                                  {"reason", why},
                                  {"log_tail", tail}};
    INFX_RETURN_IF_ERROR(fc.store.UpsertConfig(rec).status());
  }
  return Status::Ok();
}

void SleepPoll(const FollowContext& fc) {
  const auto until = Clock::now() + std::chrono::duration<double>(
                                        fc.options.settings.poll_interval_s);
  while (Clock::now() < until && !Cancelled(fc)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Cancels every job still live and waits (bounded) for them to end.
Status CancelAll(const FollowContext& fc, std::vector<Track>& tracks) {
  std::vector<std::string> ids;
  for (const Track& t : tracks) {
    if (!t.final) ids.push_back(t.job_id);
  }
  Note(fc, fmt::format("interrupted: cancelling {} job(s)", ids.size()));
  if (Kubernetes(fc)) {
    for (const auto& id : ids) {
      RunCommand({"kubectl", "delete", "job", id, "-n", Ns(fc)});
    }
    return Status::Ok();
  }
  INFX_RETURN_IF_ERROR(fc.slurm.Cancel(ids));
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    INFX_RETURN_IF_ERROR(PollSlurm(fc, tracks));
    bool live = false;
    for (const Track& t : tracks) live = live || !t.final;
    if (!live) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return Status::Ok();
}

}  // namespace

Status SubmitAndFollow(const FollowContext& fc,
                       const std::vector<SubmitUnit>& units, int stored_before,
                       ClusterSweepResult& out) {
  const auto start = Clock::now();
  INFX_ASSIGN_OR_RETURN(std::vector<Track> tracks, Submit(fc, units));
  const int to_run =
      static_cast<int>(sweep::ExpandPoints(fc.matrix).size()) - stored_before;
  std::string last;
  bool interrupted = false;
  while (true) {
    if (Cancelled(fc)) {
      interrupted = true;
      INFX_RETURN_IF_ERROR(CancelAll(fc, tracks));
      break;
    }
    INFX_RETURN_IF_ERROR(Poll(fc, tracks));
    bool live = false;
    for (Track& t : tracks) {
      INFX_RETURN_IF_ERROR(Ingest(fc, t));
      live = live || !t.final;
    }
    Progress(fc, tracks, to_run, start, last);
    if (!live) break;
    SleepPoll(fc);
  }
  for (Track& t : tracks) INFX_RETURN_IF_ERROR(Ingest(fc, t));
  Progress(fc, tracks, to_run, start, last);
  sweep::SweepSummary& s = out.summary;
  INFX_RETURN_IF_ERROR(RecordEnds(fc, tracks, stored_before, s));
  for (const Track& t : tracks) {
    if (t.seen.ready_unix_ms > 0) {
      out.overhead_s.push_back((t.seen.ready_unix_ms - t.submit_unix_ms) /
                               1000.0);
    }
  }
  s.interrupted = interrupted;
  s.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  const bool nothing = s.points_measured == 0 && s.points_resumed == 0;
  return fc.store.FinishRun(fc.run_id, interrupted ? store::kRunInterrupted
                                       : nothing   ? store::kRunFailed
                                                   : store::kRunCompleted);
}

}  // namespace infx::executor
