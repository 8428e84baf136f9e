#include "living/series_key.h"

#include <gtest/gtest.h>

#include <set>

namespace infx::living {
namespace {

SeriesParts Base() {
  SeriesParts p;
  p.model = "llama-3.1-8b";
  p.hardware = "h200";
  p.engine = "vllm";
  p.precision = "bf16";
  p.parallelism = "tp2";
  p.isl = 1024;
  p.osl = 1024;
  p.concurrency = 64;
  return p;
}

TEST(SeriesKeyTest, ReadableCanonicalForm) {
  EXPECT_EQ(SeriesKey(Base()), "llama-3.1-8b/h200/vllm/bf16/tp2/1024x1024/c64");
  SeriesParts p = Base();
  p.kv_precision = "fp8";
  p.variant["spec"] = "mtp";
  p.range_ratio = 0.8;
  p.prefix = "dsr1-fp8-h200-sglang";
  EXPECT_EQ(SeriesKey(p),
            "dsr1-fp8-h200-sglang:llama-3.1-8b/h200/vllm/bf16/kv-fp8/"
            "spec-mtp/tp2/1024x1024~0.8/c64");
  p = Base();
  p.concurrency = 0;
  p.request_rate = 2.5;
  p.distribution = "sharegpt";
  EXPECT_EQ(SeriesKey(p),
            "llama-3.1-8b/h200/vllm/bf16/tp2/1024x1024-sharegpt/r2.5");
  p.kv_precision = "bf16";  // same as precision: not shown
  EXPECT_EQ(SeriesKey(p),
            "llama-3.1-8b/h200/vllm/bf16/tp2/1024x1024-sharegpt/r2.5");
}

TEST(SeriesKeyTest, EveryIdentityFieldChangesTheKey) {
  const std::string base = SeriesKey(Base());
  std::vector<void (*)(SeriesParts&)> changes = {
      [](SeriesParts& p) { p.model = "llama-3.1-70b"; },
      [](SeriesParts& p) { p.hardware = "b200"; },
      [](SeriesParts& p) { p.engine = "sglang"; },
      [](SeriesParts& p) { p.engine_flags = "--enable-chunked-prefill"; },
      [](SeriesParts& p) { p.precision = "fp8"; },
      [](SeriesParts& p) { p.kv_precision = "fp8"; },
      [](SeriesParts& p) { p.parallelism = "tp4"; },
      [](SeriesParts& p) { p.isl = 8192; },
      [](SeriesParts& p) { p.osl = 128; },
      [](SeriesParts& p) { p.range_ratio = 0.5; },
      [](SeriesParts& p) { p.distribution = "sharegpt"; },
      [](SeriesParts& p) { p.concurrency = 32; },
      [](SeriesParts& p) { p.request_rate = 4; },
      [](SeriesParts& p) { p.variant["spec"] = "eagle"; },
      [](SeriesParts& p) { p.prefix = "entry"; },
  };
  std::set<std::string> keys = {base};
  for (auto change : changes) {
    SeriesParts p = Base();
    change(p);
    EXPECT_TRUE(keys.insert(SeriesKey(p)).second) << SeriesKey(p);
  }
}

TEST(SeriesKeyTest, EngineFlagsAreADigestStableAcrossCalls) {
  SeriesParts p = Base();
  p.engine_flags = "vllm serve {model} --port {port} --max-num-seqs 512";
  const std::string key = SeriesKey(p);
  EXPECT_EQ(key, SeriesKey(p));
  // vllm@ + 8 hex digits of SHA-256 of the flags text.
  const std::string digest = Sha256Digest(p.engine_flags).substr(7, 8);
  EXPECT_NE(key.find("/vllm@" + digest + "/"), std::string::npos) << key;
}

TEST(SeriesKeyTest, Sha256MatchesKnownVector) {
  // FIPS 180-2 example "abc".
  EXPECT_EQ(Sha256Digest("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f2"
            "0015ad");
}

TEST(SeriesKeyTest, PartsFromStoredConfigMatchSweepDetails) {
  store::ConfigRecord c;
  c.config_key = "llama-3.1-8b/h200/vllm/bf16/tp2";
  c.hardware = "h200";
  c.details = {{"model", "llama-3.1-8b"},
               {"hardware", "h200"},
               {"engine", "vllm"},
               {"precision", "bf16"},
               {"kv_precision", "bf16"},
               {"parallelism", "tp2"},
               {"engine_version", "vllm 0.9.2"},
               {"metadata", {{"spec-decoding", "none"}}}};
  store::PointKey k;
  k.isl = 1024;
  k.osl = 1024;
  k.concurrency = 64;
  k.repetition = 3;  // repetitions share the series
  EXPECT_EQ(SeriesPartsOf(c, k), Base());
  EXPECT_EQ(SeriesKeyOf(c, k), SeriesKey(Base()));
  // The engine version is an attribute, not part of the key.
  c.details["engine_version"] = "vllm 0.9.3";
  c.engine_version = "vllm 0.9.3";
  EXPECT_EQ(SeriesKeyOf(c, k), SeriesKey(Base()));
}

TEST(SeriesKeyTest, ConfigWithoutDetailsIsKeyedByItsConfigKey) {
  store::ConfigRecord c;
  c.config_key = "my-config";
  store::PointKey k;
  k.isl = 128;
  k.osl = 32;
  k.concurrency = 4;
  EXPECT_EQ(SeriesKeyOf(c, k), "my-config/128x32/c4");
}

}  // namespace
}  // namespace infx::living
