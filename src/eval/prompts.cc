#include "eval/prompts.h"

#include "eval/python_random.h"

namespace infx::eval {
namespace {

struct Turn {
  std::string text;    // doc_to_text
  std::string target;  // doc_to_target
};

std::string DocToText(TaskKind kind, const std::string& question) {
  return kind == TaskKind::kGsm8k ? "Question: " + question + "\nAnswer:"
                                  : "Q: " + question + "\nA:";
}

EvalPrompt Assemble(const TaskOptions& task, size_t doc_id,
                    const std::vector<Turn>& shots, const std::string& text) {
  EvalPrompt out;
  out.doc_id = doc_id;
  if (task.chat) {
    for (const Turn& shot : shots) {
      out.messages.push_back({"user", shot.text});
      out.messages.push_back({"assistant", shot.target});
    }
    out.messages.push_back({"user", text});
    return out;
  }
  for (const Turn& shot : shots) {
    out.prompt += shot.text + " " + shot.target + "\n\n";
  }
  out.prompt += text;
  return out;
}

}  // namespace

Result<TaskOptions> ParseTaskName(const std::string& name) {
  TaskOptions task;
  if (name == "gsm8k") return task;
  if (name == "gsm8k_chat") {
    task.chat = true;
    task.num_fewshot = 0;
    return task;
  }
  task.kind = TaskKind::kGsm8kCot;
  if (name == "gsm8k_cot") {
    task.num_fewshot = 8;
    return task;
  }
  if (name == "gsm8k_cot_chat") {
    task.chat = true;
    task.num_fewshot = 0;
    return task;
  }
  return Status::InvalidArgument(
      "unknown eval task '" + name +
      "' (expected gsm8k, gsm8k_cot, gsm8k_chat or gsm8k_cot_chat)");
}

std::string TaskName(const TaskOptions& task) {
  std::string name = task.kind == TaskKind::kGsm8k ? "gsm8k" : "gsm8k_cot";
  return task.chat ? name + "_chat" : name;
}

StrictPattern StrictPatternFor(TaskKind kind) {
  return kind == TaskKind::kGsm8k ? StrictPattern::kHashes
                                  : StrictPattern::kAnswerIs;
}

std::vector<std::string> StopSequences(TaskKind kind) {
  return {kind == TaskKind::kGsm8k ? "Question:" : "Q:", "</s>", "<|im_end|>"};
}

const std::vector<Gsm8kItem>& CotExemplars() {
  static const std::vector<Gsm8kItem> kExemplars = {
      {"There are 15 trees in the grove. Grove workers will plant trees in the "
       "grove today. After they are done, there will be 21 trees. How many "
       "trees did the grove workers plant today?",
       "There are 15 trees originally. Then there were 21 trees after some "
       "more were planted. So there must have been 21 - 15 = 6. The answer is "
       "6."},
      {"If there are 3 cars in the parking lot and 2 more cars arrive, how "
       "many cars are in the parking lot?",
       "There are originally 3 cars. 2 more cars arrive. 3 + 2 = 5. The "
       "answer is 5."},
      {"Leah had 32 chocolates and her sister had 42. If they ate 35, how many "
       "pieces do they have left in total?",
       "Originally, Leah had 32 chocolates. Her sister had 42. So in total "
       "they had 32 + 42 = 74. After eating 35, they had 74 - 35 = 39. The "
       "answer is 39."},
      {"Jason had 20 lollipops. He gave Denny some lollipops. Now Jason has "
       "12 lollipops. How many lollipops did Jason give to Denny?",
       "Jason started with 20 lollipops. Then he had 12 after giving some to "
       "Denny. So he gave Denny 20 - 12 = 8. The answer is 8."},
      {"Shawn has five toys. For Christmas, he got two toys each from his mom "
       "and dad. How many toys does he have now?",
       "Shawn started with 5 toys. If he got 2 toys each from his mom and "
       "dad, then that is 4 more toys. 5 + 4 = 9. The answer is 9."},
      {"There were nine computers in the server room. Five more computers "
       "were installed each day, from monday to thursday. How many computers "
       "are now in the server room?",
       "There were originally 9 computers. For each of 4 days, 5 more "
       "computers were added. So 5 * 4 = 20 computers were added. 9 + 20 is "
       "29. The answer is 29."},
      {"Michael had 58 golf balls. On tuesday, he lost 23 golf balls. On "
       "wednesday, he lost 2 more. How many golf balls did he have at the end "
       "of wednesday?",
       "Michael started with 58 golf balls. After losing 23 on tuesday, he "
       "had 58 - 23 = 35. After losing 2 more, he had 35 - 2 = 33 golf balls. "
       "The answer is 33."},
      {"Olivia has $23. She bought five bagels for $3 each. How much money "
       "does she have left?",
       "Olivia had 23 dollars. 5 bagels for 3 dollars each will be 5 x 3 = 15 "
       "dollars. So she has 23 - 15 dollars left. 23 - 15 is 8. The answer is "
       "8."},
  };
  return kExemplars;
}

Result<std::vector<EvalPrompt>> BuildPrompts(
    const TaskOptions& task, const std::vector<Gsm8kItem>& test,
    const std::vector<Gsm8kItem>& train, size_t limit) {
  if (task.num_fewshot < 0) {
    return Status::InvalidArgument("--num-fewshot must be >= 0");
  }
  const size_t shots = static_cast<size_t>(task.num_fewshot);
  if (task.kind == TaskKind::kGsm8kCot && shots > CotExemplars().size()) {
    return Status::InvalidArgument(
        "gsm8k_cot has 8 fixed exemplars; --num-fewshot " +
        std::to_string(shots) + " is too many");
  }
  if (task.kind == TaskKind::kGsm8k && shots > 0 && train.size() < shots) {
    return Status::InvalidArgument("gsm8k few-shot needs the train split (" +
                                   std::to_string(shots) + " exemplars, have " +
                                   std::to_string(train.size()) + ")");
  }
  const size_t count = limit == 0 ? test.size() : std::min(limit, test.size());
  PythonRandom rnd(task.fewshot_seed);
  std::vector<Turn> cot_turns;
  for (size_t i = 0; task.kind == TaskKind::kGsm8kCot && i < shots; ++i) {
    const Gsm8kItem& ex = CotExemplars()[i];
    cot_turns.push_back({DocToText(task.kind, ex.question), ex.answer});
  }
  std::vector<EvalPrompt> prompts;
  prompts.reserve(count);
  for (size_t doc = 0; doc < count; ++doc) {
    std::vector<Turn> turns = cot_turns;
    if (task.kind == TaskKind::kGsm8k && shots > 0) {
      for (uint32_t idx : rnd.SampleIndices(static_cast<uint32_t>(train.size()),
                                            static_cast<uint32_t>(shots))) {
        turns.push_back(
            {DocToText(task.kind, train[idx].question), train[idx].answer});
      }
    }
    prompts.push_back(
        Assemble(task, doc, turns, DocToText(task.kind, test[doc].question)));
  }
  return prompts;
}

}  // namespace infx::eval
