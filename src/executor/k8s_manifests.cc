#include "executor/k8s_manifests.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace infx::executor {
namespace {

// A YAML scalar: JSON string syntax is valid YAML and needs no escaping
// rules of its own.
std::string Q(const std::string& s) { return nlohmann::json(s).dump(); }

// "02:00:00" / "1-00:00:00" / "90" (minutes, as sbatch) -> seconds; 0 = none.
long long TimeLimitSeconds(const std::string& t) {
  if (t.empty()) return 0;
  long long days = 0;
  std::string rest = t;
  if (auto dash = t.find('-'); dash != std::string::npos) {
    days = std::atoll(t.substr(0, dash).c_str());
    rest = t.substr(dash + 1);
  }
  std::vector<long long> parts;
  std::stringstream ss(rest);
  std::string part;
  while (std::getline(ss, part, ':')) parts.push_back(std::atoll(part.c_str()));
  long long s = 0;
  if (parts.size() == 1) s = parts[0] * 60;
  if (parts.size() == 2) s = parts[0] * 60 + parts[1];
  if (parts.size() == 3) s = parts[0] * 3600 + parts[1] * 60 + parts[2];
  return days * 86400 + s;
}

std::string Labels(const JobContext& ctx, int k, const std::string& indent) {
  std::string out =
      fmt::format("{0}app.kubernetes.io/name: infx\n{0}infx/run: {1}\n", indent,
                  Q(std::to_string(ctx.run_id)));
  if (k >= 0)
    out += fmt::format("{}infx/config: {}\n", indent, Q(std::to_string(k)));
  return out;
}

std::string ConfigMapName(const JobContext& ctx) {
  return fmt::format("infx-run{}-matrix", ctx.run_id);
}

// `key: |` and `text` indented as a YAML literal block under `data:`.
void AppendBlock(const std::string& key, const std::string& text,
                 std::string* out) {
  *out += fmt::format("  {}: |\n", key);
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) {
    *out += line.empty() ? "\n" : "    " + line + "\n";
  }
}

Manifest ConfigMap(const std::string& matrix_text, const JobContext& ctx) {
  const KubernetesSettings& k = ctx.settings.kubernetes;
  std::string t = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n";
  t += fmt::format("  name: {}\n  namespace: {}\n  labels:\n",
                   ConfigMapName(ctx), Q(k.ns));
  t += Labels(ctx, -1, "    ");
  t += "data:\n";
  AppendBlock("matrix.yaml", matrix_text, &t);
  if (!ctx.hardware_yaml.empty()) {
    AppendBlock("hardware.yaml", ctx.hardware_yaml, &t);
  }
  return {"configmap.yaml", t, -1, ConfigMapName(ctx)};
}

Manifest JobManifest(const sweep::Matrix& m, int k, const JobContext& ctx) {
  const ExecutorSettings& s = ctx.settings;
  const KubernetesSettings& ks = s.kubernetes;
  const auto& c = m.configs[k];
  const std::string name = fmt::format("infx-run{}-config-{}", ctx.run_id, k);
  std::string t = "apiVersion: batch/v1\nkind: Job\nmetadata:\n";
  t += fmt::format("  name: {}\n  namespace: {}\n", name, Q(ks.ns));
  t += fmt::format("  annotations:\n    infx/config-key: {}\n", Q(c.Key()));
  t += "  labels:\n" + Labels(ctx, k, "    ");
  t += "spec:\n  backoffLimit: 0\n";
  if (long long secs = TimeLimitSeconds(s.time_limit); secs > 0) {
    t += fmt::format("  activeDeadlineSeconds: {}\n", secs);
  }
  t += "  template:\n    metadata:\n      labels:\n" +
       Labels(ctx, k, "        ");
  t += "    spec:\n      restartPolicy: Never\n";
  if (!ks.service_account.empty()) {
    t += fmt::format("      serviceAccountName: {}\n", Q(ks.service_account));
  }
  t += "      containers:\n        - name: infx\n";
  t += fmt::format("          image: {}\n", Q(ks.image));
  t += "          command:\n";
  std::vector<std::string> argv = {
      ks.infx,     "sweep-job",
      "--matrix",  std::string(kK8sMatrixDir) + "/matrix.yaml",
      "--run-dir", ctx.run_dir,
      "--run",     std::to_string(ctx.run_id),
      "--config",  std::to_string(k)};
  if (!ctx.store_url.empty()) {
    argv.insert(argv.end(), {"--store", ctx.store_url});
  }
  if (!ctx.url.empty()) argv.insert(argv.end(), {"--url", ctx.url});
  if (!ctx.hardware_yaml.empty()) {
    argv.insert(argv.end(), {"--hardware-file",
                             std::string(kK8sMatrixDir) + "/hardware.yaml"});
  }
  for (const auto& a : argv) t += fmt::format("            - {}\n", Q(a));
  if (!s.env.empty()) {
    t += "          env:\n";
    for (const auto& [key, v] : s.env) {
      t += fmt::format("            - name: {}\n              value: {}\n",
                       Q(key), Q(v));
    }
  }
  t += fmt::format(
      "          resources:\n            limits:\n              {}: {}\n",
      ks.gpu_resource, c.gpus());
  t += fmt::format(
      "          volumeMounts:\n            - name: matrix\n"
      "              mountPath: {}\n            - name: run\n"
      "              mountPath: {}\n",
      kK8sMatrixDir, Q(ctx.run_dir));
  t += fmt::format(
      "      volumes:\n        - name: matrix\n          configMap:\n"
      "            name: {}\n        - name: run\n",
      ConfigMapName(ctx));
  if (ks.volume_claim.empty()) {
    t += "          emptyDir: {}\n";
  } else {
    t += fmt::format(
        "          persistentVolumeClaim:\n            claimName: {}\n",
        Q(ks.volume_claim));
  }
  return {fmt::format("job-config-{}.yaml", k), t, k, name};
}

}  // namespace

std::vector<Manifest> RenderKubernetes(const sweep::Matrix& matrix,
                                       const std::string& matrix_text,
                                       const std::vector<int>& configs,
                                       const JobContext& context) {
  std::vector<Manifest> out = {ConfigMap(matrix_text, context)};
  for (int k : configs) out.push_back(JobManifest(matrix, k, context));
  return out;
}

}  // namespace infx::executor
