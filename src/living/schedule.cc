#include "living/schedule.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <charconv>
#include <ctime>
#include <sstream>

namespace infx::living {
namespace {

struct CronField {
  const char* name;
  int lo, hi;
};
constexpr std::array<CronField, 5> kCronFields = {{{"minute", 0, 59},
                                                   {"hour", 0, 23},
                                                   {"day-of-month", 1, 31},
                                                   {"month", 1, 12},
                                                   {"day-of-week", 0, 7}}};

struct CronSpec {
  std::array<std::vector<bool>, 5> allowed;  // indexed by value
  std::array<bool, 5> star{};                // field was "*" (or "*/1")
};

Result<int> ParseNumber(const std::string& s, const std::string& what) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
    return Status::InvalidArgument(what);
  }
  return v;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, sep)) out.push_back(item);
  return out;
}

Result<CronSpec> ParseCron(const std::string& text) {
  std::stringstream in(text);
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  const std::string bad = fmt::format(
      "--every '{}': not a 5-field cron expression (minute hour "
      "day-of-month month day-of-week; numbers, *, a-b, */n, lists)",
      text);
  if (fields.size() != 5) return Status::InvalidArgument(bad);
  CronSpec spec;
  for (size_t i = 0; i < 5; ++i) {
    const CronField& cf = kCronFields[i];
    spec.allowed[i].assign(cf.hi + 1, false);
    spec.star[i] = fields[i] == "*" || fields[i] == "*/1";
    for (const std::string& item : Split(fields[i], ',')) {
      std::string range = item;
      int step = 1;
      if (auto slash = item.find('/'); slash != std::string::npos) {
        range = item.substr(0, slash);
        INFX_ASSIGN_OR_RETURN(step, ParseNumber(item.substr(slash + 1), bad));
        if (step < 1) return Status::InvalidArgument(bad);
      }
      int lo = cf.lo, hi = cf.hi;
      if (range != "*") {
        const auto dash = range.find('-');
        INFX_ASSIGN_OR_RETURN(lo, ParseNumber(range.substr(0, dash), bad));
        hi = lo;
        if (dash != std::string::npos) {
          INFX_ASSIGN_OR_RETURN(hi, ParseNumber(range.substr(dash + 1), bad));
        }
      }
      if (lo < cf.lo || hi > cf.hi || lo > hi) {
        return Status::InvalidArgument(
            fmt::format("{} ({} must be {}-{})", bad, cf.name, cf.lo, cf.hi));
      }
      for (int v = lo; v <= hi; v += step) spec.allowed[i][v] = true;
    }
  }
  if (spec.allowed[4][7]) spec.allowed[4][0] = true;  // 7 = Sunday
  return spec;
}

bool Matches(const CronSpec& c, const std::tm& t) {
  if (!c.allowed[0][t.tm_min] || !c.allowed[1][t.tm_hour] ||
      !c.allowed[3][t.tm_mon + 1]) {
    return false;
  }
  const bool dom = c.allowed[2][t.tm_mday];
  const bool dow = c.allowed[4][t.tm_wday];
  // cron: when both day fields are restricted, either may match.
  if (!c.star[2] && !c.star[4]) return dom || dow;
  return dom && dow;
}

// A systemd calendar component: "*" or the explicit list of values.
std::string CalendarList(const CronSpec& c, size_t field, bool pad) {
  if (c.star[field]) return "*";
  std::vector<std::string> values;
  const CronField& cf = kCronFields[field];
  for (int v = cf.lo; v <= cf.hi; ++v) {
    if (c.allowed[field][v]) {
      values.push_back(pad ? fmt::format("{:02d}", v) : std::to_string(v));
    }
  }
  return fmt::format("{}", fmt::join(values, ","));
}

Result<std::string> CronToOnCalendar(const std::string& text,
                                     const CronSpec& c) {
  if (!c.star[2] && !c.star[4]) {
    return Status::InvalidArgument(fmt::format(
        "--every '{}': cron restricts both day-of-month and day-of-week "
        "(either may match), which systemd cannot express; use --via cron",
        text));
  }
  std::string out;
  if (!c.star[4]) {
    static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                  "Thu", "Fri", "Sat"};
    std::vector<std::string> days;
    for (int d = 0; d < 7; ++d) {
      if (c.allowed[4][d]) days.push_back(kDays[d]);
    }
    out = fmt::format("{} ", fmt::join(days, ","));
  }
  return out + fmt::format("*-{}-{} {}:{}:00", CalendarList(c, 3, true),
                           CalendarList(c, 2, true), CalendarList(c, 1, true),
                           CalendarList(c, 0, true));
}

std::string JoinQuoted(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    out += (i == 0 ? "" : " ") + ShellQuote(words[i]);
  }
  return out;
}

}  // namespace

std::string ShellQuote(const std::string& word) {
  const bool plain =
      !word.empty() && word.find_first_not_of(
                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
                           "VWXYZ0123456789_-./:=@%+,") == std::string::npos;
  if (plain) return word;
  std::string out = "'";
  for (char ch : word)
    out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

Result<Every> ParseEvery(const std::string& text) {
  Every e;
  e.text = text;
  if (text == "hourly") return Every{text, "hourly", "0 * * * *", "now+1hour"};
  if (text == "daily") return Every{text, "daily", "0 0 * * *", "now+1day"};
  if (text == "weekly") return Every{text, "weekly", "0 0 * * 1", "now+7days"};
  const std::string forms =
      "hourly, daily, weekly, <N>m (N divides 60), <N>h (N divides 24) or a "
      "5-field cron expression";
  if (text.size() >= 2 && (text.back() == 'm' || text.back() == 'h') &&
      text.find(' ') == std::string::npos) {
    const bool minutes = text.back() == 'm';
    auto n = ParseNumber(text.substr(0, text.size() - 1), "");
    const int period = minutes ? 60 : 24;
    if (!n.ok() || *n < 1 || *n >= period || period % *n != 0) {
      return Status::InvalidArgument(
          fmt::format("--every '{}': expected {}", text, forms));
    }
    if (minutes) {
      return Every{text, fmt::format("*-*-* *:00/{:02d}:00", *n),
                   fmt::format("*/{} * * * *", *n),
                   fmt::format("now+{}minutes", *n)};
    }
    return Every{text, fmt::format("*-*-* 00/{:02d}:00:00", *n),
                 fmt::format("0 */{} * * *", *n),
                 fmt::format("now+{}hours", *n)};
  }
  auto cron = ParseCron(text);
  if (!cron.ok()) {
    if (text.find(' ') == std::string::npos) {
      return Status::InvalidArgument(
          fmt::format("--every '{}': expected {}", text, forms));
    }
    return cron.status();
  }
  e.cron = text;
  auto calendar = CronToOnCalendar(text, *cron);
  // Kept for cron and Slurm; PlanSchedule reports it for systemd.
  e.on_calendar = calendar.ok() ? *calendar : "";
  return e;
}

Result<std::string> NextCronTime(const std::string& cron, int64_t after) {
  INFX_ASSIGN_OR_RETURN(CronSpec spec, ParseCron(cron));
  std::time_t t = static_cast<std::time_t>((after / 60 + 1) * 60);
  for (int i = 0; i < 366 * 24 * 60; ++i, t += 60) {
    std::tm utc{};
    gmtime_r(&t, &utc);
    if (Matches(spec, utc)) {
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
      return std::string(buf);
    }
  }
  return Status::NotFound(
      fmt::format("cron '{}' does not fire within a year", cron));
}

std::string RunScript(const ScheduleSpec& s) {
  std::string out;
  out += "set -u\n";
  out += "INFX_BIN=" + ShellQuote(s.infx_bin) + "\n";
  out += "REPORTS=" + ShellQuote(s.reports_dir) + "\n";
  out += "cd " + ShellQuote(s.workdir) + " || exit 1\n";
  out += "mkdir -p \"$REPORTS\"\n";
  out += "stamp=$(date -u +%Y%m%dT%H%M%SZ)\n";
  out += "report=\"$REPORTS/" + s.name + "-$stamp.html\"\n";
  const std::string store = JoinQuoted({s.store_flag, s.store_value});
  std::string labels;
  for (const auto& l : s.labels) labels += " --label " + ShellQuote(l);
  out += "# 1. Append a run to the store.\n";
  out += fmt::format(
      "\"$INFX_BIN\" sweep {} {} --report \"$report\" --quiet --label "
      "schedule={}{}\n",
      ShellQuote(s.matrix_path), store, s.name, labels);
  out += "sweep_rc=$?\n";
  out += "# 2. Compare with the previous run (none yet on the first run).\n";
  out += fmt::format(
      "runs=$(\"$INFX_BIN\" runs {} --json | grep -c '\"run_id\":')\n", store);
  out += "if [ \"${runs:-0}\" -lt 2 ]; then\n";
  out +=
      "  echo \"infx schedule: first run in the store, nothing to compare "
      "yet\"\n";
  out += "  exit \"$sweep_rc\"\n";
  out += "fi\n";
  out += fmt::format(
      "\"$INFX_BIN\" compare {} --markdown --fail-on-regression > "
      "\"${{report%.html}}.compare.md\"\n",
      store);
  out += "compare_rc=$?\n";
  out += "cat \"${report%.html}.compare.md\"\n";
  out += "# Non-zero on a failed sweep or a regression (compare exits 4).\n";
  out += "if [ \"$compare_rc\" -ne 0 ]; then exit \"$compare_rc\"; fi\n";
  out += "exit \"$sweep_rc\"\n";
  return out;
}

namespace {

const char* kHeader =
    "# Generated by `infx schedule`: one living-benchmark run. Appends a run\n"
    "# to the store, compares it with the previous run and exits non-zero\n"
    "# on a failed sweep or a regression.\n";

SchedulePlan SystemdPlan(const ScheduleSpec& s, const std::string& script) {
  const std::string& dir = s.units_dir;
  const std::string systemctl =
      s.system_units ? "systemctl" : "systemctl --user";
  SchedulePlan plan;
  plan.files.push_back(
      {script, "#!/bin/bash\n" + std::string(kHeader) + RunScript(s), true});
  plan.files.push_back(
      {dir + "/" + s.name + ".service",
       fmt::format("[Unit]\n"
                   "Description=infx living benchmark {} (sweep, then "
                   "compare with the previous run)\n"
                   "Wants=network-online.target\n"
                   "After=network-online.target\n\n"
                   "[Service]\n"
                   "Type=oneshot\n"
                   "WorkingDirectory={}\n"
                   "ExecStart=/bin/bash \"{}\"\n",
                   s.matrix_path, s.workdir, script),
       false});
  plan.files.push_back({dir + "/" + s.name + ".timer",
                        fmt::format("[Unit]\n"
                                    "Description=Run {}.service ({})\n\n"
                                    "[Timer]\n"
                                    "OnCalendar={}\n"
                                    "Persistent=true\n\n"
                                    "[Install]\n"
                                    "WantedBy=timers.target\n",
                                    s.name, s.every.text, s.every.on_calendar),
                        false});
  plan.activate = {systemctl + " daemon-reload",
                   fmt::format("{} enable --now {}.timer", systemctl, s.name)};
  return plan;
}

SchedulePlan CronPlan(const ScheduleSpec& s, const std::string& script) {
  SchedulePlan plan;
  plan.files.push_back(
      {script, "#!/bin/bash\n" + std::string(kHeader) + RunScript(s), true});
  const std::string line =
      fmt::format("{} /bin/bash {} >> {} 2>&1 # infx-schedule:{}", s.every.cron,
                  ShellQuote(script),
                  ShellQuote(s.reports_dir + "/" + s.name + ".log"), s.name);
  plan.activate = {fmt::format(
      "(crontab -l 2>/dev/null | grep -v '# infx-schedule:{}$'; echo {}) | "
      "crontab -",
      s.name, ShellQuote(line))};
  return plan;
}

SchedulePlan SlurmPlan(const ScheduleSpec& s) {
  const std::string path = s.workdir + "/" + s.name + ".sbatch";
  std::string begin = s.every.slurm_begin;
  std::string next;
  if (begin.empty()) {
    next = fmt::format("next=$({} schedule --next-cron {})\n",
                       ShellQuote(s.infx_bin), ShellQuote(s.every.cron));
    begin = "$next";
  }
  std::string body = "#!/bin/bash\n";
  body += "#SBATCH --job-name=" + s.name + "\n";
  body += "#SBATCH --output=" + s.reports_dir + "/" + s.name + "-%j.log\n";
  body += "#SBATCH --open-mode=append\n";
  body += kHeader;
  body += "# Debian 12's Slurm 22.05 has no scrontab: the job resubmits\n";
  body += "# itself for the next run first, so a failing run never breaks\n";
  body += "# the chain (cancel with: scancel --name=" + s.name + ").\n";
  body += next;
  body += fmt::format("sbatch --begin=\"{}\" {} >/dev/null\n", begin,
                      ShellQuote(path));
  body += RunScript(s);
  SchedulePlan plan;
  plan.files.push_back({path, body, true});
  plan.activate = {"sbatch " + ShellQuote(path)};
  return plan;
}

}  // namespace

Result<SchedulePlan> PlanSchedule(const ScheduleSpec& s, ScheduleForm form) {
  if (s.name.empty() || s.name.find_first_of(" /'\"$") != std::string::npos) {
    return Status::InvalidArgument(fmt::format(
        "schedule name '{}': use letters, digits, '-' and '_'", s.name));
  }
  const std::string script = s.workdir + "/" + s.name + ".sh";
  SchedulePlan plan;
  switch (form) {
    case ScheduleForm::kSystemd:
      if (s.every.on_calendar.empty()) {
        INFX_ASSIGN_OR_RETURN(auto spec, ParseCron(s.every.cron));
        INFX_RETURN_IF_ERROR(CronToOnCalendar(s.every.text, spec).status());
      }
      plan = SystemdPlan(s, script);
      break;
    case ScheduleForm::kCron:
      plan = CronPlan(s, script);
      break;
    case ScheduleForm::kSlurm:
      plan = SlurmPlan(s);
      break;
  }
  // Logs and reports go there before the first script runs.
  plan.activate.insert(plan.activate.begin(),
                       "mkdir -p " + ShellQuote(s.reports_dir));
  return plan;
}

std::string FormatPlan(const SchedulePlan& plan) {
  std::string out;
  for (const auto& f : plan.files) {
    out += fmt::format("# ==> {} <==\n{}\n", f.path, f.content);
  }
  out += "# ==> install with <==\n";
  for (const auto& cmd : plan.activate) out += cmd + "\n";
  return out;
}

}  // namespace infx::living
