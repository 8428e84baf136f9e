// GSM8K prompts compatible with lm-evaluation-harness tasks:
//   gsm8k      "Question: {q}\nAnswer:" with num_fewshot (default 5)
//              exemplars drawn from train by lm-eval's sampler
//              (random.Random(fewshot_seed).sample(train, n), one draw per
//              test question in order), target delimiter " ", fewshot
//              delimiter "\n\n", stop ["Question:", "</s>", "<|im_end|>"].
//   gsm8k_cot  "Q: {q}\nA:" with the 8 fixed chain-of-thought exemplars of
//              gsm8k-cot.yaml (sampler first_n), stop ["Q:", "</s>",
//              "<|im_end|>"].
//   *_chat     the same turns for the chat endpoint: zero-shot by default,
//              few-shot as multi-turn chat (lm-eval --apply_chat_template
//              --fewshot_as_multiturn: user = exemplar text, assistant =
//              exemplar target, then the question as the last user turn).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "eval/extract.h"
#include "eval/gsm8k_data.h"

namespace infx::eval {

enum class TaskKind { kGsm8k, kGsm8kCot };

struct TaskOptions {
  TaskKind kind = TaskKind::kGsm8k;
  bool chat = false;             // chat endpoint, few-shot as multi-turn
  int num_fewshot = 5;           // exemplars per prompt
  uint64_t fewshot_seed = 1234;  // lm-eval's default fewshot_random_seed
};

// "gsm8k", "gsm8k_cot", "gsm8k_chat", "gsm8k_cot_chat" with that task's
// default num_fewshot (5, 8, 0, 0). InvalidArgument names the bad task.
Result<TaskOptions> ParseTaskName(const std::string& name);
std::string TaskName(const TaskOptions& task);

StrictPattern StrictPatternFor(TaskKind kind);
std::vector<std::string> StopSequences(TaskKind kind);

struct ChatMessage {
  std::string role;  // "user" or "assistant"
  std::string content;
};

// One request: `prompt` for the completions endpoint, `messages` for chat
// (exactly one of them is filled, by TaskOptions::chat).
struct EvalPrompt {
  size_t doc_id = 0;  // index in the test split
  std::string prompt;
  std::vector<ChatMessage> messages;
};

// Prompts for the first `limit` test questions (0 = all). gsm8k few-shot
// needs `train` (InvalidArgument if empty); gsm8k_cot allows at most 8
// exemplars.
Result<std::vector<EvalPrompt>> BuildPrompts(
    const TaskOptions& task, const std::vector<Gsm8kItem>& test,
    const std::vector<Gsm8kItem>& train, size_t limit);

// The 8 exemplars of lm-eval's gsm8k-cot.yaml as (question, target).
const std::vector<Gsm8kItem>& CotExemplars();

}  // namespace infx::eval
