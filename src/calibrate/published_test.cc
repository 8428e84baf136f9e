// Published rows: CSV parsing (errors name file:line and the column), the
// import into a store as a named source, and the round trip to the points
// the fitter reads.
#include "calibrate/published.h"

#include <gtest/gtest.h>

#include "calibrate/measured_point.h"

namespace infx::calibrate {
namespace {

const char* kHeader =
    "source_url,model,hardware,engine,engine_version,precision,tp,ep,pp,"
    "dp_attention,isl,osl,concurrency,output_tok_s_per_gpu,tpot_ms\n";

TEST(PublishedCsvTest, ParsesRowsAndMaxThroughput) {
  const std::string text =
      std::string("# a comment\n") + kHeader +
      "https://x/y,llama-3.1-8b,h200,trtllm,1.0,fp8,1,1,1,false,128,128,max,"
      "27911,\n"
      "\"https://x/z,q\",llama-3.1-8b,h200,vllm,0.10.2,bf16,2,1,1,true,1024,"
      "1024,64,1500.5,20\n";
  auto rows = ParsePublishedCsv(text, "pub.csv");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].line, 3);
  EXPECT_EQ((*rows)[0].concurrency, 0);
  EXPECT_DOUBLE_EQ((*rows)[0].output_tok_s_per_gpu, 27911);
  EXPECT_EQ((*rows)[1].source_url, "https://x/z,q");
  EXPECT_EQ((*rows)[1].tp, 2);
  EXPECT_TRUE((*rows)[1].dp_attention);
  EXPECT_EQ((*rows)[1].concurrency, 64);
  EXPECT_DOUBLE_EQ((*rows)[1].tpot_ms, 20);
}

TEST(PublishedCsvTest, BadRowsNameFileLineAndColumn) {
  const std::string row =
      "u,llama-3.1-8b,h200,trtllm,1.0,fp8,two,1,1,false,128,128,max,100,\n";
  auto bad = ParsePublishedCsv(std::string(kHeader) + row, "pub.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("pub.csv:2: column 'tp'"),
            std::string::npos)
      << bad.status().message();
  auto short_row = ParsePublishedCsv(std::string(kHeader) + "u,m\n", "p.csv");
  ASSERT_FALSE(short_row.ok());
  EXPECT_NE(short_row.status().message().find("p.csv:2"), std::string::npos);
  auto unknown = ParsePublishedCsv("model,speed\n", "p.csv");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("p.csv:1: unknown column 'speed'"),
            std::string::npos)
      << unknown.status().message();
  auto conc = ParsePublishedCsv(
      std::string(kHeader) +
          "u,llama-3.1-8b,h200,trtllm,1.0,fp8,1,1,1,false,128,128,lots,100,\n",
      "p.csv");
  ASSERT_FALSE(conc.ok());
  EXPECT_NE(conc.status().message().find("column 'concurrency'"),
            std::string::npos);
}

TEST(PublishedImportTest, StoresANamedSourceTheFitterReads) {
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  const std::string text =
      std::string(kHeader) +
      "u1,llama-3.1-8b,h200,trtllm,1.0,fp8,1,1,1,false,128,128,max,27911,\n"
      "u2,llama-3.1-8b,h200,trtllm,1.0,fp8,1,1,1,false,2048,128,max,3538,\n"
      "u3,llama-3.1-8b,h200,trtllm,1.0,fp8,1,1,1,false,2048,128,max,3600,\n";
  auto rows = ParsePublishedCsv(text, "pub.csv");
  ASSERT_TRUE(rows.ok());
  auto s = ImportPublished(**store, *rows, text, "pub.csv", "trt-overview");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->configs, 1);
  EXPECT_EQ(s->points, 3);
  auto run = (*store)->GetRun(s->run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->matrix_name, "trt-overview");
  EXPECT_EQ(run->labels.at("source"), "trt-overview");
  auto loaded = LoadMeasuredPoints(**store, {s->run_id, "", ""});
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_EQ(loaded->points.size(), 3u) << loaded->skipped.size();
  const MeasuredPoint& p = loaded->points[0];
  EXPECT_EQ(p.concurrency, 0);
  EXPECT_EQ(p.engine_version, "1.0");
  EXPECT_EQ(p.limits.max_num_seqs, 2048);
  EXPECT_EQ(p.deployment.engine, perf::Engine::kTrtllm);
  EXPECT_DOUBLE_EQ(p.workload.range_ratio, 1.0);
  EXPECT_GT(PredictMeasured(p, p.deployment.calibration).output_tok_s_per_gpu,
            0);
}

TEST(PublishedImportTest, UnknownHardwareNamesTheLine) {
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  const std::string text =
      std::string(kHeader) +
      "u,llama-3.1-8b,h999,trtllm,1.0,fp8,1,1,1,false,128,128,max,100,\n";
  auto rows = ParsePublishedCsv(text, "pub.csv");
  ASSERT_TRUE(rows.ok());
  auto s = ImportPublished(**store, *rows, text, "pub.csv", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("pub.csv:2"), std::string::npos)
      << s.status().message();
}

}  // namespace
}  // namespace infx::calibrate
