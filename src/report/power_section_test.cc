// The report's GPU power and server telemetry table (issue 19): shown only
// when some point had telemetry; per point the power verdict, measured
// tokens per MW beside the catalog's, all-in J/token and the server's
// token count against the client's.
#include "report/power_section.h"

#include <gtest/gtest.h>

namespace infx::report {
namespace {

store::PointRecord Point(int conc) {
  store::PointRecord p;
  p.key = {1, "cfg", 1024, 1024, 1.0, conc, 0, 0};
  p.metrics.tput_per_gpu_total = 1000;
  p.metrics.completed = 4;
  return p;
}

ReportData Data() {
  ReportData d;
  store::ConfigRecord c;
  c.config_key = "cfg";
  c.hardware = "h200";
  d.configs.push_back(c);
  return d;
}

TEST(PowerSectionTest, AbsentWithoutTelemetry) {
  ReportData d = Data();
  d.points.push_back(Point(1));
  EXPECT_EQ(PowerSection(d, {{"h200", {3.6, 1250}}}), "");
}

TEST(PowerSectionTest, MeasuredBesideCatalogWithServerTokens) {
  ReportData d = Data();
  store::PointRecord p = Point(8);
  store::PointPower& pw = p.metrics.power;
  pw.measured = pw.valid = true;
  pw.source = "dcgm";
  pw.avg_power_w = 412.5;
  pw.tokens_per_mw = 123456;
  pw.joules_per_total_token = 2;
  pw.facility_factor = 2;
  p.metrics_json["server_telemetry"] = {{"available", true},
                                        {"generation_tokens", 4096},
                                        {"client_generation_tokens", 4096},
                                        {"prefix_cache_hit_rate", 0.25}};
  d.points.push_back(p);
  store::PointRecord bad = Point(16);
  bad.metrics.power.measured = true;
  bad.metrics.power.invalid_reasons = "gpu 0: sample_gap 4 s > 3 s";
  bad.metrics_json["server_telemetry"] = {
      {"available", false}, {"missing_reason", "HTTP 404 from /metrics"}};
  d.points.push_back(bad);
  const std::string html = PowerSection(d, {{"h200", {3.6, 1250}}});
  EXPECT_NE(html.find("GPU power and server telemetry"), std::string::npos);
  EXPECT_NE(html.find("123456"), std::string::npos) << html;  // measured
  EXPECT_NE(html.find("800000"), std::string::npos);  // catalog 1000/1250 W
  EXPECT_NE(html.find("4.0000"), std::string::npos);  // all-in J/token
  EXPECT_NE(html.find("4096 / 4096"), std::string::npos);
  EXPECT_NE(html.find("0.250"), std::string::npos);
  EXPECT_NE(html.find("INVALID: gpu 0: sample_gap 4 s &gt; 3 s"),
            std::string::npos);
  EXPECT_NE(html.find("missing: HTTP 404 from /metrics"), std::string::npos);
}

}  // namespace
}  // namespace infx::report
