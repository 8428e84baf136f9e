#include "sweep/redact.h"

#include <gtest/gtest.h>

namespace infx::sweep {
namespace {

// issue 12 defect 9: values of flags and variables named like keys, tokens
// or passwords are redacted; variable references and the rest are kept.
TEST(RedactTest, RedactsSecretFlagsAndAssignments) {
  EXPECT_EQ(RedactSecrets("vllm serve m --api-key sk-1 --tp 2"),
            "vllm serve m --api-key *** --tp 2");
  EXPECT_EQ(RedactSecrets("HF_TOKEN=hf_1 OPENAI_API_KEY='a b' x --hf-token=t"),
            "HF_TOKEN=*** OPENAI_API_KEY=*** x --hf-token=***");
  EXPECT_EQ(RedactSecrets("db --password \"p w\" --tokenizer t "
                          "--max-num-batched-tokens 8192"),
            "db --password *** --tokenizer t --max-num-batched-tokens 8192");
  EXPECT_EQ(RedactSecrets("serve --api-key $VLLM_API_KEY --x=${TOKEN}"),
            "serve --api-key $VLLM_API_KEY --x=${TOKEN}");
  EXPECT_EQ(RedactSecrets("command: >-\n  vllm serve --api-key\n  sk-9\n"),
            "command: >-\n  vllm serve --api-key\n  ***\n");
  EXPECT_EQ(RedactSecrets("AWS_SECRET_ACCESS_KEY=abc"),
            "AWS_SECRET_ACCESS_KEY=***");
  EXPECT_FALSE(IsSecretName("--max-num-batched-tokens"));
  EXPECT_FALSE(IsSecretName("--tokenizer"));
  EXPECT_TRUE(IsSecretName("--api-key"));
  EXPECT_TRUE(IsSecretName("DB_PASSWORD"));
}

TEST(RedactTest, RedactsSecretValuesInADocument) {
  const std::string yaml =
      "launch:\n  command: \"serve --api-key 'sk-1 2' HF_TOKEN=hf_9\"\n"
      "  # sk-1 2 again\n";
  std::vector<std::string> values;
  for (auto& v : SecretValues("serve --api-key 'sk-1 2' HF_TOKEN=hf_9")) {
    values.push_back(v);
  }
  EXPECT_EQ(RedactValues(yaml, values),
            "launch:\n  command: \"serve --api-key *** HF_TOKEN=***\"\n"
            "  # *** again\n");
}

}  // namespace
}  // namespace infx::sweep
