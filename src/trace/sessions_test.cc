#include "trace/sessions.h"

#include <gtest/gtest.h>

#include <string>

namespace infx::trace {
namespace {

TEST(AgenticJsonlTest, BuildsSessionDags) {
  const std::string text =
      R"({"session_id": "s", "id": "a", "input_tokens": 100, "output_tokens": 5, "hash_ids": [1]})"
      "\n"
      R"({"session_id": "t", "id": "a", "input_tokens": 10, "output_tokens": 1})"
      "\n"
      R"({"session_id": "s", "id": "b", "after": ["a"], "delay_s": 1.5, "input_tokens": 200, "output_tokens": 5, "hash_ids": [1, 2]})"
      "\n"
      R"({"session_id": "s", "id": "c", "after": ["a"], "input_tokens": 200, "output_tokens": 5})"
      "\n"
      R"({"session_id": "s", "id": "d", "after": ["b", "c"], "input_tokens": 300, "output_tokens": 5})"
      "\n";
  auto s = ParseAgenticJsonl(text, "a.jsonl", 64);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 2u);
  const SessionTrace& first = (*s)[0];
  EXPECT_EQ(first.id, "s");
  ASSERT_EQ(first.requests.size(), 4u);
  EXPECT_EQ(first.requests[1].after, std::vector<size_t>{0});
  EXPECT_DOUBLE_EQ(first.requests[1].delay_s, 1.5);
  EXPECT_EQ(first.requests[3].after, (std::vector<size_t>{1, 2}));
  EXPECT_EQ((*s)[1].requests.size(), 1u);
}

TEST(AgenticJsonlTest, BadRowsNameFileAndLine) {
  struct Case {
    std::string text, needle;
  } cases[] = {
      {R"({"session_id": "s", "id": "a", "input_tokens": 100, "output_tokens": 5})"
       "\n"
       R"({"session_id": "s", "id": "b", "after": ["zz"], "input_tokens": 1, "output_tokens": 1})",
       "a.jsonl:2: 'after' names \"zz\""},
      {R"({"session_id": "s", "id": "a", "input_tokens": 100, "output_tokens": 5, "hash_ids": [1, 2]})",
       "a.jsonl:1: 2 hash_ids of 64 tokens do not fit input_tokens 100"},
      {R"({"session_id": 3, "id": "a"})", "a.jsonl:1: 'session_id' and 'id'"},
      {R"({"session_id": "s", "id": "a", "output_tokens": 5})",
       "a.jsonl:1: 'input_tokens' must be an integer >= 1"},
      {R"({"session_id": "s", "id": "a", "input_tokens": 1, "output_tokens": 1})"
       "\n"
       R"({"session_id": "s", "id": "a", "input_tokens": 1, "output_tokens": 1})",
       "a.jsonl:2: duplicate id 'a'"},
  };
  for (const Case& c : cases) {
    auto s = ParseAgenticJsonl(c.text, "a.jsonl", 64);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_NE(s.status().message().find(c.needle), std::string::npos)
        << s.status().message();
  }
}

}  // namespace
}  // namespace infx::trace
