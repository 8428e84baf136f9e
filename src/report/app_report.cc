#include "report/app_report.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "common/files.h"
#include "web/api.h"
#include "web/snapshot.h"

namespace infx::report {
namespace {

// The API targets the page asks for on its run's default views.
std::vector<std::string> Targets(int64_t run_id) {
  // The views' configs and frontier requests (web/src/views/filters.js,
  // frontier.js): lean configs, frontiers as columns.
  std::vector<std::string> t = {
      "/api/runs",
      "/api/configs?fields=config_key,model,hardware,engine,precision,"
      "usd_per_gpu_hour,all_in_power_watts",
      "/api/run",
      fmt::format("/api/run?run={}", run_id),
      "/api/evals",
      "/api/predictions",
      "/api/frontier?format=columns&iso=20,50,100"};
  for (const char* x : {"interactivity", "e2el", "ttft"}) {
    for (const char* y :
         {"total", "output", "input", "tokens_per_mw", "joules_per_token"}) {
      const std::string q =
          fmt::format("/api/frontier?format=columns&x={}&y={}", x, y);
      t.push_back(q);
      t.push_back(q + "&include_invalid=1");
    }
  }
  for (const char* m : {"tput_per_gpu", "interactivity", "median_ttft_ms",
                        "p99_ttft_ms", "median_tpot_ms", "p99_tpot_ms"}) {
    t.push_back(fmt::format("/api/history?metric={}", m));
  }
  return t;
}

void ReplaceAll(std::string& s, const std::string& from,
                const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos;
       at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

Status ReplaceOnce(std::string& s, const std::string& from,
                   const std::string& to) {
  const size_t at = s.find(from);
  if (at == std::string::npos) {
    return Status::InvalidArgument(fmt::format(
        "the front end's index.html has no '{}' (rebuild web/)", from));
  }
  s.replace(at, from.size(), to);
  return Status::Ok();
}

}  // namespace

std::string CspSha256(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         digest);
  unsigned char b64[4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1];
  EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
  return "sha256-" + std::string(reinterpret_cast<char*>(b64));
}

Result<AppBundle> ReadAppBundle(const std::string& web_root) {
  AppBundle b;
  INFX_ASSIGN_OR_RETURN(b.index_html, ReadFile(web_root + "/index.html"));
  INFX_ASSIGN_OR_RETURN(b.app_js, ReadFile(web_root + "/app.js"));
  INFX_ASSIGN_OR_RETURN(b.app_css, ReadFile(web_root + "/app.css"));
  return b;
}

Result<std::string> RenderAppReport(store::ResultsStore& store, int64_t run_id,
                                    const AppBundle& bundle) {
  INFX_ASSIGN_OR_RETURN(auto all, web::LoadSnapshot(store));
  const web::RunData* run = all->Run(run_id);
  if (!run) {
    return Status::NotFound(
        fmt::format("no run {} in {}", run_id, store.Describe()));
  }
  web::StoreSnapshot one;
  one.store_description = all->store_description;
  one.runs.push_back(*run);
  one.total_points = run->points.size();
  std::string data = R"({"responses":{)";
  bool first = true;
  for (const std::string& target : Targets(run_id)) {
    web::ApiResponse r = web::HandleApi(one, target);
    if (r.status != 200) continue;  // e.g. a view the run has no data for
    data += (first ? "" : ",") + nlohmann::json(target).dump() + ":" + r.body;
    first = false;
  }
  data += "}}";
  ReplaceAll(data, "<", "\\u003c");  // only inside JSON strings: same text
  std::string js = bundle.app_js;
  ReplaceAll(js, "</script", "<\\/script");
  const std::string csp = fmt::format(
      "default-src 'none'; script-src '{}'; style-src 'unsafe-inline'; "
      "img-src data:; base-uri 'none'; form-action 'none'",
      CspSha256(js));
  std::string html = bundle.index_html;
  INFX_RETURN_IF_ERROR(ReplaceOnce(
      html, "<meta charset=\"utf-8\">",
      "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" "
      "content=\"" +
          csp + "\">"));
  std::string css = bundle.app_css;
  ReplaceAll(css, "</style", "<\\/style");
  INFX_RETURN_IF_ERROR(ReplaceOnce(html,
                                   "<link rel=\"stylesheet\" href=\"app.css\">",
                                   "<style>" + css + "</style>"));
  INFX_RETURN_IF_ERROR(
      ReplaceOnce(html, "<script src=\"app.js\" defer></script>\n", ""));
  INFX_RETURN_IF_ERROR(
      ReplaceOnce(html, "</body>",
                  "<script type=\"application/json\" id=\"infx-data\">" + data +
                      "</script>\n<script>" + js + "</script>\n</body>"));
  return html;
}

}  // namespace infx::report
