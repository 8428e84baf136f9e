#include "executor/job_scripts.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace infx::executor {
namespace {

bool Disaggregated(const sweep::ServingConfig& c, int gpn) {
  return c.disaggregated() && gpn > 0 && c.gpus() > gpn;
}

std::string GresFor(const ExecutorSettings& s, int gpus) {
  if (s.gres != "auto") return s.gres;
  const int per_node =
      s.gpus_per_node > 0 ? std::min(gpus, s.gpus_per_node) : gpus;
  return fmt::format("gpu:{}", per_node);
}

// #SBATCH lines every job component repeats (site settings, extra lines).
std::string SiteLines(const ExecutorSettings& s, int nodes,
                      const std::string& gres) {
  std::string out = fmt::format("#SBATCH --nodes={}\n", nodes);
  auto line = [&out](const char* flag, const std::string& v) {
    if (!v.empty()) out += fmt::format("#SBATCH --{}={}\n", flag, v);
  };
  line("partition", s.partition);
  line("account", s.account);
  line("qos", s.qos);
  line("time", s.time_limit);
  line("gres", gres);
  if (s.exclusive) out += "#SBATCH --exclusive\n";
  for (const auto& e : s.extra_sbatch) {
    out += e.rfind("#SBATCH", 0) == 0 ? e + "\n" : "#SBATCH " + e + "\n";
  }
  return out;
}

std::string ExtraAndEnv(const ExecutorSettings& s, const JobContext& ctx) {
  std::string out = "set -uo pipefail\n";
  out += fmt::format("export INFX_RUN_DIR={}\n", ShellQuote(ctx.run_dir));
  for (const auto& [k, v] : s.env) {
    out += fmt::format("export {}={}\n", k, ShellQuote(v));
  }
  return out;
}

// The command that starts infx: pyxis srun options or a prefix.
std::string Launcher(const JobContext& ctx, const std::string& srun_opts) {
  const ContainerSettings& c = ctx.settings.container;
  switch (c.runtime) {
    case ContainerRuntime::kPyxis: {
      std::string out = fmt::format("srun {}--container-image={}", srun_opts,
                                    ShellQuote(c.image));
      if (!c.mounts.empty()) {
        out += " --container-mounts=" + ShellQuote(c.mounts);
      }
      return out + " " + ctx.infx;
    }
    case ContainerRuntime::kPrefix:
      return (srun_opts.empty() ? "" : "srun " + srun_opts) + c.prefix + " " +
             ctx.infx;
    case ContainerRuntime::kNone:
      break;
  }
  return (srun_opts.empty() ? "" : "srun " + srun_opts) + ctx.infx;
}

std::string ArrayList(const std::vector<int>& configs, int throttle) {
  std::string out;
  for (int c : configs) out += (out.empty() ? "" : ",") + std::to_string(c);
  if (throttle > 0) out += fmt::format("%{}", throttle);
  return out;
}

JobScript ArrayScript(const sweep::Matrix& m, const std::vector<int>& configs,
                      int nodes, const std::string& gres, int index,
                      const JobContext& ctx) {
  const ExecutorSettings& s = ctx.settings;
  JobScript js;
  js.file_name = fmt::format("array-{}.sbatch", index);
  js.configs = configs;
  js.array = true;
  std::string t = "#!/bin/bash\n";
  t += fmt::format(
      "# infx sweep '{}', run {}: {} config(s), one array task per config\n"
      "# (task id = config index in {}). Written by infx; docs/cluster.md.\n",
      m.name, ctx.run_id, configs.size(), RunMatrixPath(ctx.run_dir));
  t += fmt::format("#SBATCH --job-name=infx-run{}\n", ctx.run_id);
  t += fmt::format("#SBATCH --array={}\n", ArrayList(configs, s.max_parallel));
  t += SiteLines(s, nodes, gres);
  t += "#SBATCH --open-mode=append\n";
  t += fmt::format("#SBATCH --output={}/logs/config-%a.log\n", ctx.run_dir);
  t += ExtraAndEnv(s, ctx);
  t += "export INFX_NODES=\"${SLURM_JOB_NODELIST:-$(hostname)}\"\n";
  const std::string srun =
      s.container.runtime == ContainerRuntime::kPyxis ? "--ntasks=1 " : "";
  t += fmt::format("exec {} {}\n", Launcher(ctx, srun),
                   JobArguments(ctx, RunMatrixPath(ctx.run_dir),
                                "\"${SLURM_ARRAY_TASK_ID}\""));
  js.text = std::move(t);
  return js;
}

JobScript HetScript(const sweep::Matrix& m, int k, const JobContext& ctx) {
  const ExecutorSettings& s = ctx.settings;
  const sweep::ServingConfig& c = m.configs[k];
  const int gpn = s.gpus_per_node;
  const int pn = NodesFor(c.prefill->gpus(), gpn);
  const int dn = NodesFor(c.decode->gpus(), gpn);
  JobScript js;
  js.file_name = fmt::format("het-config-{}.sbatch", k);
  js.configs = {k};
  std::string t = "#!/bin/bash\n";
  t += fmt::format(
      "# infx sweep '{}', run {}: config {} ({}), disaggregated:\n"
      "# prefill on {} node(s) (het group 0), decode on {} node(s) (het group "
      "1).\n# Written by infx; docs/cluster.md.\n",
      m.name, ctx.run_id, k, c.Key(), pn, dn);
  t += fmt::format("#SBATCH --job-name=infx-run{}-c{}\n", ctx.run_id, k);
  t += "#SBATCH --open-mode=append\n";
  t += fmt::format("#SBATCH --output={}\n", ConfigLogPath(ctx.run_dir, k));
  t += SiteLines(s, pn, GresFor(s, c.prefill->gpus()));
  t += "#SBATCH hetjob\n";
  t += SiteLines(s, dn, GresFor(s, c.decode->gpus()));
  t += ExtraAndEnv(s, ctx);
  t += "export INFX_PREFILL_NODES=\"${SLURM_JOB_NODELIST_HET_GROUP_0}\"\n";
  t += "export INFX_DECODE_NODES=\"${SLURM_JOB_NODELIST_HET_GROUP_1}\"\n";
  t += "export INFX_NODES=\"${INFX_PREFILL_NODES},${INFX_DECODE_NODES}\"\n";
  t += "# infx drives the config from the first prefill node; the launch "
       "recipe\n# places workers with {prefill_nodes}/{decode_nodes} (srun "
       "--het-group=0|1).\n";
  t += fmt::format(
      "exec {} {}\n",
      Launcher(ctx, "--het-group=0 --nodes=1 --ntasks=1 --overlap "),
      JobArguments(ctx, RunMatrixPath(ctx.run_dir), std::to_string(k)));
  js.text = std::move(t);
  return js;
}

}  // namespace

std::string ShellQuote(const std::string& s) {
  if (!s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) ||
               std::string_view("@%+=:,./_-").find(ch) !=
                   std::string_view::npos;
      })) {
    return s;
  }
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out += ch;
    }
  }
  return out + "'";
}

std::string ConfigLogPath(const std::string& run_dir, int config_index) {
  return fmt::format("{}/logs/config-{}.log", run_dir, config_index);
}

std::string ConfigResultPath(const std::string& run_dir, int config_index) {
  return fmt::format("{}/results/config-{}.jsonl", run_dir, config_index);
}

std::string RunHardwarePath(const std::string& run_dir) {
  return run_dir + "/hardware.yaml";
}

std::string RunMatrixPath(const std::string& run_dir) {
  return run_dir + "/matrix.yaml";
}

std::string JobArguments(const JobContext& ctx, const std::string& matrix_path,
                         const std::string& config_arg) {
  std::string out = fmt::format(
      "sweep-job --matrix {} --run-dir {} --run {} --config {}",
      ShellQuote(matrix_path), ShellQuote(ctx.run_dir), ctx.run_id, config_arg);
  if (!ctx.store_url.empty()) out += " --store " + ShellQuote(ctx.store_url);
  if (!ctx.url.empty()) out += " --url " + ShellQuote(ctx.url);
  if (!ctx.hardware_yaml.empty()) {
    out += " --hardware-file " + ShellQuote(RunHardwarePath(ctx.run_dir));
  }
  return out;
}

std::vector<JobScript> RenderSlurmScripts(const sweep::Matrix& m,
                                          const std::vector<int>& configs,
                                          const JobContext& ctx) {
  const ExecutorSettings& s = ctx.settings;
  // Arrays by shape (nodes, gres), in order of first appearance.
  std::vector<std::tuple<int, std::string, std::vector<int>>> shapes;
  std::vector<int> het;
  for (int k : configs) {
    const auto& c = m.configs[k];
    if (Disaggregated(c, s.gpus_per_node)) {
      het.push_back(k);
      continue;
    }
    const int nodes = NodesFor(c.gpus(), s.gpus_per_node);
    const std::string gres = GresFor(s, c.gpus());
    auto it = std::find_if(shapes.begin(), shapes.end(), [&](const auto& sh) {
      return std::get<0>(sh) == nodes && std::get<1>(sh) == gres;
    });
    if (it == shapes.end()) {
      shapes.push_back({nodes, gres, {k}});
    } else {
      std::get<2>(*it).push_back(k);
    }
  }
  std::vector<JobScript> out;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const auto& [nodes, gres, ks] = shapes[i];
    out.push_back(ArrayScript(m, ks, nodes, gres, static_cast<int>(i), ctx));
  }
  for (int k : het) out.push_back(HetScript(m, k, ctx));
  return out;
}

}  // namespace infx::executor
