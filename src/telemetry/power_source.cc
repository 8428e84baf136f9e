#include "telemetry/power_source.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "client/clock.h"
#include "telemetry/histogram.h"

extern char** environ;

namespace infx::telemetry {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitCsv(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    out.push_back(Trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::optional<double> FirstNumber(std::string_view cell) {
  static const std::regex number(R"(-?\d+(?:\.\d+)?)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(cell.begin(), cell.end(), m, number))
    return std::nullopt;
  return std::strtod(m.str().c_str(), nullptr);
}

int64_t WallToSteadyOffsetNs() {
  const int64_t wall = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  return client::NowNs() - wall;
}

// A child process whose stdout is the read end `stdout_fd` of a pipe.
struct SpawnedChild {
  pid_t pid = 0;
  int stdout_fd = -1;
};

// Starts `argv` (searched on PATH) with stdout on a pipe and stderr on
// /dev/null. Returns 0, or the errno of the pipe or of posix_spawnp (then
// nothing is left open).
int SpawnWithStdoutPipe(const std::vector<std::string>& argv,
                        SpawnedChild* child) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return errno;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null",
                                   O_WRONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int rc = posix_spawnp(&child->pid, args[0], &actions, nullptr,
                              args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return rc;
  }
  child->stdout_fd = fds[0];
  return 0;
}

// stdout of `argv` when it exits 0 within timeout_s; nullopt otherwise
// (killed on timeout).
std::optional<std::string> RunForOutput(const std::vector<std::string>& argv,
                                        double timeout_s) {
  SpawnedChild child;
  if (SpawnWithStdoutPipe(argv, &child) != 0) return std::nullopt;
  const int fd = child.stdout_fd;
  const pid_t pid = child.pid;
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration<double>(timeout_s);
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      timed_out = true;
      break;
    }
    char chunk[1024];
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) break;
    out.append(chunk, static_cast<size_t>(n));
  }
  close(fd);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return std::nullopt;
  }
  return out;
}

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view rest = path;
  while (!rest.empty()) {
    const size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0)
      return true;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return false;
}

class NoneRecorder final : public PowerRecorder {
 public:
  explicit NoneRecorder(std::string why) : why_(std::move(why)) {}
  Recording Stop() override { return {"", {}, why_}; }

 private:
  std::string why_;
};

class DcgmRecorder final : public PowerRecorder {
 public:
  explicit DcgmRecorder(std::unique_ptr<Scraper> s) : scraper_(std::move(s)) {}
  Recording Stop() override {
    std::vector<Scrape> scrapes = scraper_->Stop();
    Recording r{"dcgm", PowerSamplesFromScrapes(scrapes), ""};
    // A failed scrape is a gap in the samples, judged by the integration
    // (bracketing, --power-max-gap); only no sample at all is named here.
    if (r.samples.empty()) {
      r.problem = "no DCGM power samples";
      for (const Scrape& s : scrapes) {
        if (!s.ok) {
          r.problem += ": " + s.error;
          break;
        }
      }
    }
    return r;
  }

 private:
  std::unique_ptr<Scraper> scraper_;
};

// A child process whose stdout is power CSV, read on a thread.
class CsvChildRecorder final : public PowerRecorder {
 public:
  static Result<std::unique_ptr<PowerRecorder>> Start(
      std::string source, const std::vector<std::string>& argv) {
    SpawnedChild child;
    if (const int rc = SpawnWithStdoutPipe(argv, &child); rc != 0) {
      return Status::Unavailable(fmt::format(
          "cannot start {} for {}: {}", argv[0], source, std::strerror(rc)));
    }
    auto r = std::unique_ptr<CsvChildRecorder>(
        new CsvChildRecorder(std::move(source), child.pid, child.stdout_fd));
    r->reader_ = std::thread([p = r.get()] { p->Read(); });
    return std::unique_ptr<PowerRecorder>(std::move(r));
  }

  ~CsvChildRecorder() override { (void)Stop(); }

  bool WaitForSourceEnd(double timeout_s) override {
    std::unique_lock lock(mu_);
    return ended_cv_.wait_for(lock, std::chrono::duration<double>(timeout_s),
                              [this] { return ended_; });
  }

  Recording Stop() override {
    if (!reader_.joinable()) return {source_, {}, "stopped"};
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    kill(pid_, SIGTERM);
    reader_.join();
    int status = 0;
    waitpid(pid_, &status, 0);
    close(fd_);
    std::lock_guard lock(mu_);
    return {source_, std::move(samples_), problem_};
  }

 private:
  CsvChildRecorder(std::string source, pid_t pid, int fd)
      : source_(std::move(source)), pid_(pid), fd_(fd) {}

  void Read() {
    const int64_t offset = WallToSteadyOffsetNs();
    std::string buffer;
    std::optional<CsvColumns> columns;
    char chunk[4096];
    for (;;) {
      const ssize_t n = read(fd_, chunk, sizeof chunk);
      if (n <= 0) break;
      buffer.append(chunk, static_cast<size_t>(n));
      size_t nl;
      while ((nl = buffer.find('\n')) != std::string::npos) {
        std::string line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        if (Trim(line).empty()) continue;
        if (!columns) {
          columns = DetectCsvColumns(line);
          if (!columns) {
            std::lock_guard lock(mu_);
            problem_ = source_ + ": no power column in header '" + line + "'";
          }
          continue;
        }
        auto s = ParseCsvRow(line, *columns, client::NowNs(), offset);
        if (s) {
          std::lock_guard lock(mu_);
          samples_.push_back(std::move(*s));
        }
      }
    }
    std::lock_guard lock(mu_);
    if (!stopping_ && problem_.empty()) {
      problem_ = fmt::format("{} exited during the point", source_);
    }
    ended_ = true;
    ended_cv_.notify_all();
  }

  std::string source_;
  pid_t pid_;
  int fd_;
  std::thread reader_;
  std::mutex mu_;
  bool stopping_ = false;
  bool ended_ = false;
  std::condition_variable ended_cv_;
  std::vector<PowerSample> samples_;
  std::string problem_;
};

}  // namespace

std::optional<CsvColumns> DetectCsvColumns(std::string_view header_line) {
  static const std::regex gpu_re("^(index|gpu|gpu_id|gpu_index|card|device)$");
  CsvColumns c;
  const auto cells = SplitCsv(header_line);
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string name = Lower(cells[i]);
    // nvidia-smi's header carries units: "power.draw [W]".
    const std::string bare = name.substr(0, name.find(" ["));
    const int idx = static_cast<int>(i);
    if (c.timestamp < 0 && name.find("time") != std::string::npos) {
      c.timestamp = idx;
    } else if (c.power < 0 && name.find("power") != std::string::npos &&
               name.find("limit") == std::string::npos &&
               name.find("cap") == std::string::npos &&
               name.find("max") == std::string::npos &&
               name.find("min") == std::string::npos) {
      c.power = idx;
    } else if (c.gpu < 0 && std::regex_match(bare, gpu_re)) {
      c.gpu = idx;
    } else if (c.energy < 0 && name.find("energy") != std::string::npos) {
      c.energy = idx;
      if (name.find("[j]") != std::string::npos) c.energy_scale_j = 1;
      if (name.find("[kj]") != std::string::npos) c.energy_scale_j = 1e3;
      if (name.find("[uj]") != std::string::npos) c.energy_scale_j = 1e-6;
    }
  }
  if (c.power < 0) return std::nullopt;
  return c;
}

std::optional<double> ParseWallTimestamp(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return std::nullopt;
  double number = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc() && end == text.data() + text.size()) {
    return number > 1e12 ? number / 1000 : number;
  }
  std::tm tm{};
  int year, mon, day, hour, min;
  double sec;
  char sep1, sep2, sep3;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%d%c%d%c%d%c%d:%d:%lf", &year, &sep1, &mon, &sep2,
                  &day, &sep3, &hour, &min, &sec) != 9 ||
      sep1 != sep2 || (sep1 != '/' && sep1 != '-') ||
      (sep3 != ' ' && sep3 != 'T')) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = 0;
  tm.tm_isdst = -1;
  const bool utc = s.back() == 'Z';
  const std::time_t t = utc ? timegm(&tm) : std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<double>(t) + sec;
}

std::optional<PowerSample> ParseCsvRow(std::string_view line,
                                       const CsvColumns& columns,
                                       int64_t read_ns,
                                       int64_t wall_to_steady_ns) {
  const auto cells = SplitCsv(line);
  if (columns.power >= static_cast<int>(cells.size())) return std::nullopt;
  std::optional<double> watts = FirstNumber(cells[columns.power]);
  if (!watts) return std::nullopt;
  PowerSample s;
  s.watts = *watts;
  s.t_ns = read_ns;
  if (columns.timestamp >= 0 &&
      columns.timestamp < static_cast<int>(cells.size())) {
    if (auto wall = ParseWallTimestamp(cells[columns.timestamp])) {
      s.t_ns =
          static_cast<int64_t>(std::llround(*wall * 1e9)) + wall_to_steady_ns;
    }
  }
  s.gpu = columns.gpu >= 0 && columns.gpu < static_cast<int>(cells.size())
              ? std::string(cells[columns.gpu])
              : "0";
  if (columns.energy >= 0 && columns.energy < static_cast<int>(cells.size())) {
    if (auto e = FirstNumber(cells[columns.energy])) {
      s.energy_j = *e * columns.energy_scale_j;
    }
  }
  return s;
}

std::vector<PowerSample> PowerSamplesFromScrapes(
    const std::vector<Scrape>& scrapes) {
  std::vector<PowerSample> out;
  for (const Scrape& sc : scrapes) {
    if (!sc.ok) continue;
    const MetricFamily* f = sc.exposition.Find("DCGM_FI_DEV_POWER_USAGE");
    if (f == nullptr) continue;
    const MetricFamily* energy =
        sc.exposition.Find("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");
    const auto gpu_of = [](const Sample& s) {
      const std::string* gpu = s.FindLabel("gpu");
      if (gpu == nullptr) gpu = s.FindLabel("UUID");
      return gpu ? *gpu : std::string("0");
    };
    for (const Sample& s : f->samples) {
      PowerSample p{sc.t_ns, gpu_of(s), s.value, std::nullopt};
      if (energy != nullptr) {
        for (const Sample& e : energy->samples) {
          if (gpu_of(e) == p.gpu) p.energy_j = e.value * 1e-3;  // mJ
        }
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

std::vector<std::string> NvidiaSmiArgv(const std::string& program,
                                       double interval_s, bool with_energy) {
  return {program,
          with_energy ? "--query-gpu=timestamp,index,power.draw,"
                        "total_energy_consumption"
                      : "--query-gpu=timestamp,index,power.draw",
          "--format=csv,nounits", "-lms",
          std::to_string(std::max<int64_t>(1, std::llround(interval_s * 1e3)))};
}

bool NvidiaSmiQueriesEnergy(const std::string& program) {
  static std::mutex mu;
  static std::map<std::string, bool> known;
  std::lock_guard lock(mu);
  if (auto it = known.find(program); it != known.end()) return it->second;
  const std::optional<std::string> out =
      RunForOutput({program, "--query-gpu=total_energy_consumption",
                    "--format=csv,noheader,nounits"},
                   5.0);
  const bool ok = out && FirstNumber(*out).has_value() &&
                  out->find("not") == std::string::npos;
  known[program] = ok;
  return ok;
}

Result<std::unique_ptr<PowerRecorder>> PowerRecorder::Start(
    const PowerOptions& o) {
  std::string source = o.source;
  if (source != "auto" && source != "nvidia-smi" && source != "amd-smi" &&
      source != "dcgm" && source != "none") {
    return Status::InvalidArgument(
        "--power-source must be auto, nvidia-smi, amd-smi, dcgm or none, got "
        "'" +
        source + "'");
  }
  if (!(o.interval_s > 0)) {
    return Status::InvalidArgument("--power-interval must be > 0 seconds");
  }
  if (source == "auto") {
    if (!o.dcgm_url.empty()) {
      source = "dcgm";
    } else if (!o.command.empty() || OnPath("nvidia-smi")) {
      source = "nvidia-smi";
    } else if (OnPath("amd-smi")) {
      source = "amd-smi";
    } else {
      return std::unique_ptr<PowerRecorder>(new NoneRecorder(
          "no power source: no nvidia-smi or amd-smi on PATH and no "
          "--power-url"));
    }
  }
  if (source == "none") {
    return std::unique_ptr<PowerRecorder>(
        new NoneRecorder("power measurement off (--power-source none)"));
  }
  if (source == "dcgm") {
    if (o.dcgm_url.empty()) {
      return Status::InvalidArgument("--power-source dcgm needs --power-url");
    }
    ScrapeOptions so;
    so.url = o.dcgm_url;
    so.interval_s = o.interval_s;
    so.timeout_s = o.dcgm_timeout_s;
    INFX_ASSIGN_OR_RETURN(std::unique_ptr<Scraper> s, Scraper::Start(so));
    return std::unique_ptr<PowerRecorder>(new DcgmRecorder(std::move(s)));
  }
  std::vector<std::string> argv = o.command;
  if (argv.empty() && source == "nvidia-smi") {
    argv = NvidiaSmiArgv(o.nvidia_smi, o.interval_s,
                         NvidiaSmiQueriesEnergy(o.nvidia_smi));
  } else if (argv.empty()) {
    argv = {"amd-smi", "metric", "--power", "--csv", "-w", "1"};
  }
  auto started = CsvChildRecorder::Start(source, argv);
  if (!started.ok()) {
    return std::unique_ptr<PowerRecorder>(
        new NoneRecorder(started.status().ToString()));
  }
  return started;
}

}  // namespace infx::telemetry
