// `infx schedule MATRIX --every daily|6h|CRON`: re-run a matrix through an
// existing scheduler. Prints (--dry-run) or installs (--install) a systemd
// timer + service where systemd runs, else a crontab line; with
// `--executor slurm`, a batch script that resubmits itself with
// `sbatch --begin`. Each run sweeps into the same store, then compares
// with the previous run (living/schedule.h, docs/living.md).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "cli/store_flags.h"
#include "living/provenance.h"
#include "living/schedule.h"
#include "sweep/matrix.h"

namespace infx::cli {
namespace {

namespace fs = std::filesystem;

struct ScheduleFlags {
  std::string matrix_path;
  std::string every;
  StoreFlags store;
  std::string via = "auto";  // auto | systemd | cron
  std::string executor;      // "" | slurm
  std::string name;          // default infx-<matrix stem>
  std::string workdir;       // default: the current directory
  std::string reports_dir;   // default: <workdir>/infx-reports
  std::vector<std::string> labels;
  bool dry_run = false;
  bool install = false;
  std::string next_cron;  // --next-cron EXPR: print its next time, exit
};

std::string Absolute(const std::string& path) {
  if (path.empty()) return fs::current_path().string();
  return fs::absolute(path).lexically_normal().string();
}

// The infx binary running now (for the scripts to call).
std::string SelfPath() {
  std::error_code ec;
  auto self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("infx") : self.string();
}

Result<living::ScheduleForm> PickForm(const ScheduleFlags& f) {
  if (f.executor == "slurm") return living::ScheduleForm::kSlurm;
  if (!f.executor.empty() && f.executor != "local") {
    return Status::InvalidArgument(fmt::format(
        "--executor '{}': schedule supports local (default) or slurm",
        f.executor));
  }
  if (f.via == "systemd") return living::ScheduleForm::kSystemd;
  if (f.via == "cron") return living::ScheduleForm::kCron;
  if (f.via != "auto") {
    return Status::InvalidArgument(
        fmt::format("--via '{}': expected auto, systemd or cron", f.via));
  }
  // systemd is PID 1 when this directory exists (sd_booted()).
  return fs::exists("/run/systemd/system") ? living::ScheduleForm::kSystemd
                                           : living::ScheduleForm::kCron;
}

Result<living::ScheduleSpec> MakeSpec(const ScheduleFlags& f) {
  if (f.matrix_path.empty()) {
    return Status::InvalidArgument("schedule: give the matrix file");
  }
  // Refuse a matrix that would fail every night.
  INFX_RETURN_IF_ERROR(sweep::LoadMatrixFile(f.matrix_path).status());
  INFX_RETURN_IF_ERROR(living::ParseLabels(f.labels).status());
  living::ScheduleSpec s;
  INFX_ASSIGN_OR_RETURN(s.every, living::ParseEvery(f.every));
  s.matrix_path = Absolute(f.matrix_path);
  s.name = f.name.empty() ? "infx-" + fs::path(f.matrix_path).stem().string()
                          : f.name;
  s.infx_bin = SelfPath();
  s.workdir = Absolute(f.workdir);
  s.reports_dir = f.reports_dir.empty() ? s.workdir + "/infx-reports"
                                        : Absolute(f.reports_dir);
  if (f.store.store_url.empty()) {
    s.store_flag = "--db";
    s.store_value = Absolute(f.store.db);
  } else {
    s.store_flag = "--store";
    const bool url = f.store.store_url.find("://") != std::string::npos;
    s.store_value = url ? f.store.store_url : Absolute(f.store.store_url);
  }
  s.labels = f.labels;
  s.system_units = geteuid() == 0;
  const char* home = std::getenv("HOME");
  s.units_dir = s.system_units
                    ? "/etc/systemd/system"
                    : std::string(home ? home : "~") + "/.config/systemd/user";
  return s;
}

Status Install(const living::SchedulePlan& plan) {
  for (const auto& file : plan.files) {
    std::error_code ec;
    fs::create_directories(fs::path(file.path).parent_path(), ec);
    std::ofstream out(file.path, std::ios::trunc);
    out << file.content;
    out.close();
    if (!out) return Status::IoError("cannot write " + file.path);
    if (file.executable) {
      fs::permissions(file.path, fs::perms::owner_exec | fs::perms::group_exec,
                      fs::perm_options::add, ec);
    }
    std::cout << "wrote " << file.path << "\n";
  }
  for (const auto& cmd : plan.activate) {
    std::cout << "running: " << cmd << "\n";
    if (std::system(cmd.c_str()) != 0) {
      return Status::Unavailable(fmt::format("'{}' failed", cmd));
    }
  }
  return Status::Ok();
}

Status RunSchedule(const ScheduleFlags& f) {
  if (!f.next_cron.empty()) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    INFX_ASSIGN_OR_RETURN(auto next, living::NextCronTime(f.next_cron, now));
    std::cout << next << "\n";
    return Status::Ok();
  }
  if (f.every.empty()) {
    return Status::InvalidArgument("schedule: --every is required");
  }
  if (f.dry_run == f.install) {
    return Status::InvalidArgument(
        "schedule: give --dry-run (print the files) or --install");
  }
  INFX_ASSIGN_OR_RETURN(auto form, PickForm(f));
  INFX_ASSIGN_OR_RETURN(auto spec, MakeSpec(f));
  INFX_ASSIGN_OR_RETURN(auto plan, living::PlanSchedule(spec, form));
  if (f.dry_run) {
    std::cout << living::FormatPlan(plan);
    return Status::Ok();
  }
  return Install(plan);
}

void SetupSchedule(CLI::App& app) {
  auto flags = std::make_shared<ScheduleFlags>();
  CLI::App* cmd = app.add_subcommand(
      "schedule",
      "Re-run a matrix on a schedule through systemd, cron or Slurm; each "
      "run appends to the store and is compared with the previous one");
  cmd->add_option("matrix", flags->matrix_path, "matrix YAML (docs/matrix.md)");
  cmd->add_option("--every", flags->every,
                  "hourly | daily | weekly | <N>m | <N>h | 'cron expression'");
  AddStoreLocationFlags(cmd, &flags->store,
                        "SQLite results file every run appends to");
  cmd->add_option("--via", flags->via,
                  "auto (systemd where it runs, else cron) | systemd | cron")
      ->capture_default_str();
  cmd->add_option("--executor", flags->executor,
                  "slurm: a batch script that resubmits itself with "
                  "sbatch --begin");
  cmd->add_option("--name", flags->name,
                  "unit / job name (default infx-<matrix file stem>)");
  cmd->add_option("--workdir", flags->workdir,
                  "where the run script lives and runs (default: here)");
  cmd->add_option("--reports", flags->reports_dir,
                  "reports, verdicts, logs (default <workdir>/infx-reports)");
  cmd->add_option("--label", flags->labels,
                  "run label key=value passed on to every sweep (repeatable)");
  cmd->add_flag("--dry-run", flags->dry_run, "print the files, install none");
  cmd->add_flag("--install", flags->install,
                "write the files and enable the timer / crontab / job");
  cmd->add_option("--next-cron", flags->next_cron,
                  "print the next UTC time a cron expression fires, and exit "
                  "(used by the Slurm script)");
  cmd->footer(ExampleFooter(
      "infx schedule nightly.yaml --every daily --db nightly.db --dry-run"));
  cmd->callback([flags] {
    Status s = RunSchedule(*flags);
    if (s.ok()) {
      SetExitCode(0);
    } else {
      ExitWithError(s);
    }
  });
}

}  // namespace

INFX_REGISTER_COMMAND(74, SetupSchedule);

}  // namespace infx::cli
