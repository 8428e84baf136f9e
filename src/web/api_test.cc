#include "web/api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "web/synthetic_store.h"

namespace infx::web {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::OpenResultsStore(":memory:");
    ASSERT_TRUE(store.ok()) << store.status().message();
    SyntheticOptions o;
    o.runs = 2;
    o.configs = 4;
    o.workloads = 2;
    o.concurrencies = 5;
    ASSERT_TRUE(FillSyntheticStore(**store, o).ok());
    auto snap = LoadSnapshot(**store);
    ASSERT_TRUE(snap.ok()) << snap.status().message();
    snap_ = *snap;
  }
  json Get(const std::string& target, unsigned want = 200) {
    ApiResponse r = HandleApi(*snap_, target);
    EXPECT_EQ(r.status, want) << target << ": " << r.body;
    return r.content_type == "application/json" ? json::parse(r.body)
                                                : json(r.body);
  }
  std::shared_ptr<const StoreSnapshot> snap_;
};

TEST_F(ApiTest, RunsListsEveryRunNewestFirst) {
  json j = Get("/api/runs");
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_GT(j["runs"][0]["run_id"], j["runs"][1]["run_id"]);
  EXPECT_EQ(j["runs"][0]["num_points"], 4 * 2 * 5);
  EXPECT_EQ(j["runs"][0]["num_configs"], 4);
}

TEST_F(ApiTest, PointsFilterByEveryField) {
  EXPECT_EQ(Get("/api/points")["points"].size(), 2u * 40);
  EXPECT_EQ(Get("/api/points?run=1")["points"].size(), 40u);
  // Configs 0 and 2 are llama-3.1-8b, 1 and 3 the 70b.
  EXPECT_EQ(Get("/api/points?model=llama-3.1-8b")["points"].size(), 40u);
  EXPECT_EQ(Get("/api/points?isl=1024&osl=8192")["points"].size(), 40u);
  EXPECT_EQ(Get("/api/points?hardware=h200&run=2")["points"].size(), 20u);
  EXPECT_EQ(Get("/api/points?engine=sglang")["points"].size(), 0u);
  EXPECT_EQ(Get("/api/points?precision=bf16,fp8")["points"].size(), 80u);
  const json one = Get("/api/points?run=1")["points"][0];
  EXPECT_EQ(Get("/api/points?config=" +
                one["config_key"].get<std::string>().replace(
                    one["config_key"].get<std::string>().find('/'), 1,
                    "%2F"))["points"]
                .size(),
            20u);
  EXPECT_TRUE(one.contains("tput_per_gpu_total"));
  EXPECT_TRUE(one.contains("accuracy_status"));
}

TEST_F(ApiTest, UnknownParametersAre400NamingThem) {
  json j = Get("/api/points?modle=x&gpu=h200", 400);
  EXPECT_THAT(j["error"].get<std::string>(), HasSubstr("'modle'"));
  EXPECT_THAT(j["error"].get<std::string>(), HasSubstr("'gpu'"));
  EXPECT_THAT(Get("/api/frontier?x=speed", 400)["error"].get<std::string>(),
              HasSubstr("speed"));
  EXPECT_THAT(Get("/api/points?isl=big", 400)["error"].get<std::string>(),
              HasSubstr("'big'"));
  EXPECT_THAT(Get("/api/points?model=%zz", 400)["error"].get<std::string>(),
              HasSubstr("%zz"));
  EXPECT_THAT(Get("/api/frontier?iso=-5", 400)["error"].get<std::string>(),
              HasSubstr("-5"));
  EXPECT_THAT(Get("/api/history?metric=nope", 400)["error"].get<std::string>(),
              HasSubstr("nope"));
  Get("/api/compare?a=1&b=99", 400);
  Get("/api/run?run=99", 404);
  Get("/api/nothing", 404);
}

TEST_F(ApiTest, FrontierIsTheFrontierModulesPerRunAndScenario) {
  json j = Get("/api/frontier?run=1&iso=20,50");
  ASSERT_EQ(j["runs"].size(), 1u);
  const json& run = j["runs"][0];
  // Two models at two ISL/OSL pairs.
  ASSERT_EQ(run["scenarios"].size(), 4u);
  const json& s = run["scenarios"][0];
  EXPECT_EQ(s["curves"].size(), 2u);
  EXPECT_EQ(s["curves"][0]["measured"].size(), 5u);
  EXPECT_EQ(s["iso"].size(), 2u);
  EXPECT_FALSE(s["frontier"].empty());
  EXPECT_EQ(s["curves"][0]["engine"], "vllm");
  // Frontier points are sorted by x and not dominated.
  double prev = -1;
  for (const auto& p : s["frontier"]) {
    EXPECT_GT(p["x"].get<double>(), prev);
    prev = p["x"].get<double>();
  }
  json e = Get("/api/frontier?x=e2el&y=output&model=llama-3.1-70b");
  EXPECT_EQ(e["x"], "e2el");
  EXPECT_EQ(e["runs"][0]["scenarios"][0]["curves"].size(), 2u);
  EXPECT_TRUE(e["iso_levels"].empty());
}

TEST_F(ApiTest, FrontierColumnsHoldTheRowsValues) {
  const std::string q = "/api/frontier?run=1&x=e2el&y=output&iso=20,50";
  json rows = Get(q);
  json cols = Get(q + "&format=columns");
  EXPECT_EQ(rows["format"], "rows");
  EXPECT_EQ(cols["format"], "columns");
  const json& rr = rows["runs"][0];
  const json& cr = cols["runs"][0];
  ASSERT_EQ(cr["scenarios"].size(), rr["scenarios"].size());
  size_t points = 0;
  for (size_t s = 0; s < rr["scenarios"].size(); ++s) {
    const json& rs = rr["scenarios"][s];
    const json& cs = cr["scenarios"][s];
    // Frontier and iso rows are the row form's, unchanged.
    EXPECT_EQ(cs["frontier"], rs["frontier"]);
    EXPECT_EQ(cs["iso"], rs["iso"]);
    ASSERT_EQ(cs["curves"].size(), rs["curves"].size());
    for (size_t c = 0; c < rs["curves"].size(); ++c) {
      const json& rc = rs["curves"][c];
      const json& cc = cs["curves"][c];
      EXPECT_EQ(cc["config_key"], rc["config_key"]);
      EXPECT_EQ(cc["parallelism"], rc["parallelism"]);
      for (const char* part : {"measured", "predicted"}) {
        const json& m = cc[part];
        ASSERT_EQ(m["x"].size(), rc[part].size()) << part;
        for (size_t i = 0; i < rc[part].size(); ++i) {
          const json& p = rc[part][i];
          EXPECT_EQ(m["x"][i], p["x"]);
          EXPECT_EQ(m["y"][i], p["y"]);
          EXPECT_EQ(m["concurrency"][i], p["concurrency"]);
          EXPECT_EQ(m["point_id"][i], p["point_id"]);
          if (std::string(part) == "measured") {
            EXPECT_EQ(m["accuracy_status"][i], p["accuracy_status"]);
          }
          if (p.contains("y_source")) {
            EXPECT_EQ(m["y_source"][i], p["y_source"]);
          }
          ++points;
        }
      }
    }
  }
  EXPECT_GT(points, 0u);
  // Power y metrics carry where each y came from (no power measured here:
  // the catalog's watts).
  json power = Get("/api/frontier?run=1&y=tokens_per_mw&format=columns");
  const json& pm = power["runs"][0]["scenarios"][0]["curves"][0]["measured"];
  ASSERT_FALSE(pm["y_source"].empty());
  EXPECT_EQ(pm["y_source"][0], "catalog");
  EXPECT_EQ(pm["y_source"].size(), pm["x"].size());
  EXPECT_THAT(Get("/api/frontier?format=csv", 400)["error"].get<std::string>(),
              HasSubstr("'csv'"));
  // `format` is the frontier's own parameter.
  Get("/api/points?format=columns", 400);
}

TEST_F(ApiTest, ConfigsFieldsKeepsOnlyTheNamedFields) {
  json all = Get("/api/configs?run=1");
  ASSERT_EQ(all["configs"].size(), 4u);
  EXPECT_TRUE(all["configs"][0].contains("details"));
  json lean = Get("/api/configs?run=1&fields=config_key,hardware,model");
  ASSERT_EQ(lean["configs"].size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const json& c = lean["configs"][i];
    EXPECT_EQ(c.size(), 3u) << c.dump();
    EXPECT_EQ(c["config_key"], all["configs"][i]["config_key"]);
    EXPECT_EQ(c["hardware"], all["configs"][i]["hardware"]);
    EXPECT_EQ(c["model"], all["configs"][i]["model"]);
  }
  EXPECT_THAT(Get("/api/configs?fields=config_key,secret", 400)["error"]
                  .get<std::string>(),
              HasSubstr("'secret'"));
}

TEST_F(ApiTest, HistoryComparePredictionsEvals) {
  json h = Get(
      "/api/history?config=" +
      Get("/api/points?run=1")["points"][0]["config_key"].get<std::string>());
  EXPECT_EQ(h["metric"], "tput_per_gpu");
  ASSERT_FALSE(h["series"].empty());
  EXPECT_EQ(h["series"][0]["runs"].size(), 2u);  // one value per run
  EXPECT_TRUE(h["series"][0]["change_points"].is_array());
  json c = Get("/api/compare?a=2&b=1");
  EXPECT_EQ(c["scenarios"].size(), 4u);
  EXPECT_EQ(c["points"].size(), 40u);
  EXPECT_EQ(c["verdicts"]["baseline_run"], 2);
  EXPECT_EQ(c["verdicts"]["current_run"], 1);
  // 40 shared series x 6 metrics, each with a verdict.
  ASSERT_EQ(c["verdicts"]["rows"].size(), 40u * 6);
  EXPECT_TRUE(c["verdicts"]["rows"][0].contains("verdict"));
  json p = Get("/api/predictions?run=1&isl=1024&osl=1024");
  EXPECT_EQ(p["predictions"].size(), 20u);
  EXPECT_TRUE(p["predictions"][0]["tput_error_pct"].is_number());
  json ev = Get("/api/evals?run=1");
  ASSERT_EQ(ev["evals"].size(), 4u);
  int failed = 0;
  for (const auto& e : ev["evals"]) failed += e["pass"] ? 0 : 1;
  EXPECT_EQ(failed, 1);
  json run = Get("/api/run?run=1");
  EXPECT_EQ(run["configs"].size(), 4u);
  EXPECT_EQ(run["matrix_text"], "name: synthetic\n");
}

TEST_F(ApiTest, PointsArePagedWithTheFilteredTotal) {
  json all = Get("/api/points");
  EXPECT_EQ(all["total"], 80);
  EXPECT_EQ(all["offset"], 0);
  EXPECT_EQ(all["limit"], kDefaultPageSize);
  EXPECT_TRUE(all["next_offset"].is_null());
  json page = Get("/api/points?limit=30&offset=30&run=1,2");
  EXPECT_EQ(page["total"], 80);
  ASSERT_EQ(page["points"].size(), 30u);
  EXPECT_EQ(page["next_offset"], 60);
  EXPECT_EQ(page["points"][0], all["points"][30]);
  EXPECT_EQ(page["points"][29], all["points"][59]);
  json last = Get("/api/points?limit=30&offset=60");
  EXPECT_EQ(last["points"].size(), 20u);
  EXPECT_TRUE(last["next_offset"].is_null());
  EXPECT_TRUE(Get("/api/points?offset=500")["points"].empty());
  EXPECT_EQ(Get("/api/points?run=1&limit=7")["total"], 40);
  // The export is every filtered point, not a page.
  EXPECT_EQ(Get("/api/export.json")["points"].size(), 80u);
  EXPECT_FALSE(Get("/api/export.json").contains("total"));
  for (const char* bad :
       {"limit=0", "limit=10001", "limit=x", "offset=-1", "limit=1&limit=2"}) {
    Get(std::string("/api/points?") + bad, 400);
  }
  Get("/api/export.json?limit=5", 400);  // not an export parameter
}

TEST(ApiValidityTest, InvalidPointsAreFlaggedAndOffTheFrontierByDefault) {
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  SyntheticOptions o;
  o.configs = 2;
  o.concurrencies = 4;
  o.with_invalid = true;
  ASSERT_TRUE(FillSyntheticStore(**store, o).ok());
  auto snap = LoadSnapshot(**store);
  ASSERT_TRUE(snap.ok());
  auto get = [&](const std::string& target) {
    ApiResponse r = HandleApi(**snap, target);
    EXPECT_EQ(r.status, 200u) << target << ": " << r.body;
    return json::parse(r.body);
  };
  int invalid = 0;
  const json points = get("/api/points")["points"];
  for (const auto& p : points) {
    if (!p["valid"].get<bool>()) {
      ++invalid;
      EXPECT_EQ(p["invalid_reasons"], "error_rate: 0.3 > 0.01");
      EXPECT_EQ(p["concurrency"], 4);
    } else {
      EXPECT_EQ(p["invalid_reasons"], "");
    }
  }
  EXPECT_EQ(invalid, 1);
  EXPECT_EQ(get("/api/export.json")["points"].size(), 8u);
  ApiResponse csv = HandleApi(**snap, "/api/export.csv");
  EXPECT_THAT(csv.body, HasSubstr(",false,error_rate: 0.3 > 0.01,"));
  // Default: left off the curves and frontier, listed with where it lies.
  json f = get("/api/frontier?model=llama-3.1-8b");
  const json& run = f["runs"][0];
  EXPECT_EQ(run["include_invalid"], false);
  ASSERT_EQ(run["invalid_points"].size(), 1u);
  const json& ip = run["invalid_points"][0];
  EXPECT_TRUE(ip["x"].is_number());
  EXPECT_TRUE(ip["y"].is_number());
  EXPECT_EQ(ip["reasons"], "error_rate: 0.3 > 0.01");
  const json& curve = run["scenarios"][0]["curves"][0];
  EXPECT_EQ(curve["measured"].size(), 3u);
  for (const auto& p : run["scenarios"][0]["frontier"]) {
    EXPECT_LT(p["y"].get<double>(), ip["y"].get<double>());
  }
  // include_invalid=1: on the curve, and (3x the throughput) the frontier.
  json g = get("/api/frontier?model=llama-3.1-8b&include_invalid=1");
  EXPECT_EQ(g["runs"][0]["include_invalid"], true);
  EXPECT_EQ(g["runs"][0]["scenarios"][0]["curves"][0]["measured"].size(), 4u);
  double top = 0;
  const json front = g["runs"][0]["scenarios"][0]["frontier"];
  for (const auto& p : front) {
    top = std::max(top, p["y"].get<double>());
  }
  EXPECT_DOUBLE_EQ(top, ip["y"].get<double>());
  EXPECT_EQ(HandleApi(**snap, "/api/frontier?include_invalid=yes").status,
            400u);
}

TEST(ApiLivingTest, HistoryHasTheChangePointsOfInfxHistory) {
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  SyntheticOptions o;
  o.runs = 10;
  o.configs = 2;
  o.concurrencies = 2;
  o.repetitions = 3;
  o.regression_at_run = 5;
  o.with_evals = false;
  ASSERT_TRUE(FillSyntheticStore(**store, o).ok());
  auto snap = LoadSnapshot(**store);
  ASSERT_TRUE(snap.ok());
  ApiResponse r = HandleApi(**snap, "/api/history?isl=1024");
  ASSERT_EQ(r.status, 200u) << r.body;
  json h = json::parse(r.body);
  ASSERT_EQ(h["series"].size(), 4u);  // 2 configs x 2 concurrencies
  for (const auto& s : h["series"]) {
    EXPECT_EQ(s["runs"].size(), 10u);
    ASSERT_EQ(s["change_points"].size(), 1u) << s.dump();
    const json& cp = s["change_points"][0];
    EXPECT_EQ(cp["run"], 6);  // run ids from 1: the 6th run is index 5
    EXPECT_NEAR(cp["change"].get<double>(), -0.3, 0.08);
    EXPECT_LT(cp["p_value"].get<double>(), 0.0002);
    bool engine = false;
    for (const auto& sus : cp["suspects"]) {
      engine = engine || sus["attribute"] == "engine_version";
    }
    EXPECT_TRUE(engine) << cp.dump();
  }
  EXPECT_EQ(h["num_change_points"], 4);
  // Compare across the step: every tput_per_gpu row is "worse".
  json c = json::parse(HandleApi(**snap, "/api/compare?a=5&b=6").body);
  int worse = 0, tput = 0;
  for (const auto& row : c["verdicts"]["rows"]) {
    if (row["metric"] != "tput_per_gpu") continue;
    ++tput;
    worse += row["verdict"] == "worse";
  }
  EXPECT_EQ(tput, 4);
  EXPECT_EQ(worse, 4);
  EXPECT_EQ(c["verdicts"]["regression"], true);
  // Runs 1-4 (before the baseline, same matrix) are the noise history, as
  // `infx compare` picks them (living::NoiseHistoryRuns).
  EXPECT_EQ(c["verdicts"]["history_runs"], 4);
  EXPECT_EQ(HandleApi(**snap, "/api/history?metric=tput_per_gpu_total").status,
            400u);
}

TEST_F(ApiTest, PointsTextEqualsPointRow) {
  // /api/points is written as text; it must say what PointRow says.
  json points = Get("/api/points?run=1")["points"];
  const RunData* run = snap_->Run(1);
  ASSERT_EQ(points.size(), run->points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(points[i], PointRow(*run, run->points[i])) << i;
  }
}

TEST_F(ApiTest, CsvExportMatchesJsonExport) {
  ApiResponse csv = HandleApi(*snap_, "/api/export.csv?run=2&isl=8192");
  ASSERT_EQ(csv.status, 200u);
  EXPECT_THAT(csv.content_type, HasSubstr("text/csv"));
  json points = Get("/api/export.json?run=2&isl=8192")["points"];
  size_t lines = 0;
  for (char ch : csv.body) lines += ch == '\n';
  EXPECT_EQ(lines, points.size() + 1);
  EXPECT_EQ(csv.body.substr(0, csv.body.find('\n')),
            "run_id,point_id,config_key,model,hardware,engine,precision,"
            "parallelism,num_gpus,isl,osl,range_ratio,concurrency,"
            "request_rate,repetition,tput_per_gpu_total,tput_per_gpu_output,"
            "tput_per_gpu_input,interactivity_tok_s_user,median_ttft_ms,"
            "p99_ttft_ms,median_tpot_ms,median_itl_ms,median_e2el_ms,"
            "p99_e2el_ms,request_throughput_rps,completed,failed,duration_s,"
            "accuracy_status,valid,invalid_reasons,recorded_at");
}

TEST(ApiHostileTest, HostileNamesSurviveJsonAndCsvQuoting) {
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  SyntheticOptions o;
  o.configs = 2;
  o.concurrencies = 2;
  o.hostile_names = true;
  ASSERT_TRUE(FillSyntheticStore(**store, o).ok());
  auto snap = LoadSnapshot(**store);
  ASSERT_TRUE(snap.ok());
  ApiResponse r = HandleApi(**snap, "/api/configs");
  json j = json::parse(r.body);
  EXPECT_EQ(j["configs"][0]["config_key"], HostileConfigKey(0));
  ApiResponse csv = HandleApi(**snap, "/api/export.csv");
  // The key holds quotes: the CSV field is quoted with quotes doubled.
  EXPECT_THAT(csv.body, HasSubstr("\"<script>alert(\"\"x0\"\")</script>"));
}

TEST(QueryTest, ParsesAndDecodes) {
  auto q = ParseQuery("/api/points?model=a%2Fb+c&isl=1&isl=2&flag");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)["model"], std::vector<std::string>{"a/b c"});
  EXPECT_EQ((*q)["isl"], (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ((*q)["flag"], std::vector<std::string>{""});
  EXPECT_FALSE(ParseQuery("/x?a=%4").ok());
  auto f = ParseFilter(*ParseQuery("/x?isl=1,2&run=3"), "/x");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->isl, (std::set<int>{1, 2}));
  EXPECT_FALSE(ParseFilter(*ParseQuery("/x?run=-1"), "/x").ok());
  EXPECT_FALSE(ParseFilter(*ParseQuery("/x?x=1"), "/x").ok());
  EXPECT_TRUE(ParseFilter(*ParseQuery("/x?x=1"), "/x", {"x"}).ok());
}

}  // namespace
}  // namespace infx::web
