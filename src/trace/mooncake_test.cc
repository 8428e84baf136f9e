#include "trace/mooncake.h"

#include <gtest/gtest.h>

#include <string>

namespace infx::trace {
namespace {

TEST(MooncakeTest, ParsesRowsAndChecksHashBlocks) {
  const std::string text =
      R"({"timestamp": 0, "input_length": 10, "output_length": 3, "hash_ids": [1, 2, 3]})"
      "\n\n"
      R"({"timestamp": 5, "input_length": 8, "output_length": 1, "hash_ids": [1, 2]})"
      "\n";
  auto rows = ParseMooncake(text, "t.jsonl", 4);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].timestamp_ms, 5);
  EXPECT_EQ((*rows)[0].hash_ids.size(), 3u);
}

TEST(MooncakeTest, MalformedRowsNameFileAndLine) {
  struct Case {
    std::string text, needle;
  } cases[] = {
      {"{\"timestamp\": 0, \"input_length\": 4, \"output_length\": 1, "
       "\"hash_ids\": [1]}\n{oops\n",
       "t.jsonl:2"},
      {"{\"timestamp\": 0, \"output_length\": 1, \"hash_ids\": [1]}\n",
       "t.jsonl:1: missing 'input_length'"},
      {"{\"timestamp\": 0, \"input_length\": 0, \"output_length\": 1, "
       "\"hash_ids\": []}\n",
       "t.jsonl:1: 'input_length' must be an integer >= 1"},
      {"{\"timestamp\": 0, \"input_length\": 4, \"output_length\": 1, "
       "\"hash_ids\": [\"a\"]}\n",
       "t.jsonl:1: 'hash_ids' must hold integers"},
      // 9 tokens in 4-token blocks need 3 ids, not 2.
      {"{\"timestamp\": 0, \"input_length\": 9, \"output_length\": 1, "
       "\"hash_ids\": [1, 2]}\n",
       "t.jsonl:1: 2 hash_ids do not fit input_length 9"},
      {"", "no rows"},
  };
  for (const Case& c : cases) {
    auto rows = ParseMooncake(c.text, "t.jsonl", 4);
    ASSERT_FALSE(rows.ok()) << c.text;
    EXPECT_NE(rows.status().message().find(c.needle), std::string::npos)
        << rows.status().message();
  }
}

TEST(MooncakeTest, EqualHashIdsGiveIdenticalTokenBlocks) {
  MooncakeRow a{0, 10, 1, {7, 8, 9}};
  MooncakeRow b{0, 6, 1, {7, 5}};
  BlockSynthesizer synth(4, 32000, 42);
  std::vector<int32_t> ta, tb;
  synth.Append(a, ta);
  synth.Append(b, tb);
  ASSERT_EQ(ta.size(), 10u);
  ASSERT_EQ(tb.size(), 6u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(ta[i], tb[i]);  // id 7
  EXPECT_NE(std::vector<int32_t>(ta.begin() + 4, ta.begin() + 6),
            std::vector<int32_t>(tb.begin() + 4, tb.end()));
  for (int32_t t : ta) {
    EXPECT_GE(t, 100);
    EXPECT_LT(t, 32000);
  }
  // Seeded and independent of order: a fresh synthesizer gives b the same.
  BlockSynthesizer again(4, 32000, 42);
  std::vector<int32_t> tb2;
  again.Append(b, tb2);
  EXPECT_EQ(tb, tb2);
  EXPECT_EQ(synth.distinct_blocks(), 4u);
}

TEST(MooncakeTest, TheoreticalHitRateCountsLeadingSeenIds) {
  std::vector<MooncakeRow> rows = {
      {0, 8, 1, {1, 2}},      // nothing seen: 0 of 8
      {1, 10, 1, {1, 2, 3}},  // 1, 2 seen: 8 of 10
      {2, 8, 1, {1, 2}},      // all seen: capped at 8 - 1
      {3, 8, 1, {4, 2}},      // 4 unseen: 0 (2 is not a prefix here)
  };
  HitRate r = TheoreticalHitRate(rows, 4);
  EXPECT_EQ(r.prompt_tokens, 34);
  EXPECT_EQ(r.hit_tokens, 15);
  EXPECT_NEAR(r.rate(), 15.0 / 34, 1e-12);
}

TEST(MooncakeTest, PartialBlockSeenShorterHitsOnlyWhatWasSeen) {
  std::vector<MooncakeRow> rows = {
      {0, 6, 1, {1, 2}},  // id 2 seen with 2 tokens
      {1, 8, 1, {1, 2}},  // hits 4 + 2
  };
  EXPECT_EQ(TheoreticalHitRate(rows, 4).hit_tokens, 6);
}

}  // namespace
}  // namespace infx::trace
