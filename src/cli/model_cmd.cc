// `infx model show <config.json | name>` and `infx model list`: model
// specs and their derived figures (docs/models.md, JSON schema in
// docs/json-model-hardware.md).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/flag_checks.h"
#include "common/limits.h"
#include "common/table.h"
#include "model/model_loader.h"
#include "model/model_math.h"
#include "model/model_summary.h"

namespace infx::cli {
namespace {

using model::ModelSpec;

struct ShowOptions {
  std::string model;
  bool json = false;
  std::vector<int64_t> context_tokens;
};

const Precision kPrecisions[] = {Precision::kBf16, Precision::kFp8,
                                 Precision::kFp4};

void PrintParams(const ModelSpec& spec, std::ostream& out) {
  const model::ParamCounts p = model::CountParams(spec);
  Table table({"parameters", "count"});
  table.AddRow({"embedding", FormatCount(p.embedding)});
  table.AddRow(
      {"lm_head", spec.tie_word_embeddings ? "tied" : FormatCount(p.lm_head)});
  table.AddRow({"attention", FormatCount(p.attention)});
  if (p.dense_mlp > 0) table.AddRow({"dense MLP", FormatCount(p.dense_mlp)});
  if (spec.moe) {
    table.AddRow({"routed experts", FormatCount(p.routed_experts)});
    table.AddRow({"shared experts", FormatCount(p.shared_experts)});
    table.AddRow({"router", FormatCount(p.router)});
  }
  table.AddRow({"norms", FormatCount(p.norms)});
  table.AddRow({"total", FormatCount(p.total)});
  table.AddRow({"active per token", FormatCount(p.active)});
  if (p.mtp > 0) {
    table.AddRow({"MTP layers (not in total)", FormatCount(p.mtp)});
    table.AddRow({"total with MTP", FormatCount(p.total + p.mtp)});
  }
  if (spec.extra_params > 0) {
    table.AddRow({"extra (not in total)", FormatCount(spec.extra_params)});
    table.AddRow(
        {"total with extra", FormatCount(p.total + spec.extra_params)});
  }
  table.Print(out);
  if (spec.extra_params > 0) out << "extra: " << spec.extra_params_note << "\n";
}

void PrintWeights(const ModelSpec& spec, std::ostream& out) {
  Table table({"weights", "bytes"});
  for (Precision p : kPrecisions) {
    table.AddRow({std::string(PrecisionName(p)),
                  FormatBytes(model::WeightBytes(spec, p))});
  }
  if (spec.quant) {
    table.AddRow({"checkpoint (" + spec.quant->method + ")",
                  FormatBytes(model::CheckpointWeightBytes(spec))});
  }
  table.Print(out);
}

void PrintKv(const ModelSpec& spec, const std::vector<int64_t>& contexts,
             std::ostream& out) {
  const double elements = model::KvElementsPerTokenLayer(spec);
  Table kinds({"layer kind", "layers", "KV elems/token/layer",
               "bf16 B/token/layer", "fp8 B/token/layer"});
  for (const model::LayerKind& kind : model::GroupLayerKinds(spec)) {
    std::string name = model::LayerAttentionName(kind.attention);
    if (kind.window_tokens > 0) name += fmt::format(" {}", kind.window_tokens);
    name += kind.moe ? ", MoE" : ", dense";
    kinds.AddRow(
        {name, std::to_string(kind.count), FormatFixed(elements, 0),
         FormatFixed(elements * KvBytesPerElement(Precision::kBf16), 0),
         FormatFixed(elements * KvBytesPerElement(Precision::kFp8), 0)});
  }
  kinds.Print(out);
  Table per_token(
      {"context tokens", "KV bf16/token", "KV fp8/token", "KV bf16/sequence"});
  for (int64_t context : contexts) {
    per_token.AddRow(
        {std::to_string(context),
         FormatBytes(model::KvBytesPerToken(spec, Precision::kBf16, context)),
         FormatBytes(model::KvBytesPerToken(spec, Precision::kFp8, context)),
         FormatBytes(
             model::KvBytesForSequence(spec, Precision::kBf16, context))});
  }
  out << "\n";
  per_token.Print(out);
}

std::string Gflops(double flops) { return FormatFixed(flops / 1e9, 2); }

void PrintFlops(const ModelSpec& spec, const std::vector<int64_t>& contexts,
                std::ostream& out) {
  Table table({"context tokens", "decode linear GFLOP", "decode attn GFLOP",
               "decode GFLOP/token", "prefill GFLOP/token"});
  for (int64_t context : contexts) {
    const model::TokenFlops decode = model::DecodeFlopsPerToken(spec, context);
    const model::TokenFlops prefill =
        model::PrefillFlopsPerToken(spec, context);
    table.AddRow({std::to_string(context), Gflops(decode.linear),
                  Gflops(decode.attention), Gflops(decode.total()),
                  Gflops(prefill.total())});
  }
  table.Print(out);
}

void PrintQuantAndNotes(const ModelSpec& spec, std::ostream& out) {
  if (spec.quant) {
    const model::QuantConfig& q = *spec.quant;
    out << fmt::format("quantization: {} weights {}", q.method,
                       PrecisionName(q.weight_precision));
    if (q.block_size > 0) out << fmt::format(", block {}", q.block_size);
    if (q.kv_cache_precision) {
      out << ", kv cache " << PrecisionName(*q.kv_cache_precision);
    }
    if (!q.excluded_modules.empty()) {
      out << fmt::format(", excluded: {}", fmt::join(q.excluded_modules, " "));
    }
    out << "\n";
  }
  for (const std::string& note : spec.notes) out << "note: " << note << "\n";
}

void PrintModel(const ModelSpec& spec, const std::vector<int64_t>& contexts,
                std::ostream& out) {
  out << fmt::format("model: {} ({}, model_type {})\n", spec.name,
                     spec.architecture, spec.model_type);
  out << fmt::format(
      "shape: {} layers, hidden {}, {} attention, {} heads / {} kv heads, "
      "vocab {}\n\n",
      spec.num_layers, spec.hidden_size,
      spec.attention.kind == model::AttentionKind::kMla ? "MLA" : "GQA",
      spec.attention.num_heads, spec.attention.num_kv_heads, spec.vocab_size);
  PrintParams(spec, out);
  out << "\n";
  PrintWeights(spec, out);
  out << "\n";
  PrintKv(spec, contexts, out);
  out << "\n";
  PrintFlops(spec, contexts, out);
  PrintQuantAndNotes(spec, out);
}

void RunShow(const ShowOptions& options) {
  Result<ModelSpec> spec = model::LoadModel(options.model);
  if (!spec.ok()) return ExitWithError(spec.status());
  const std::vector<int64_t> contexts = options.context_tokens.empty()
                                            ? model::DefaultContextTokens()
                                            : options.context_tokens;
  if (options.json) {
    std::cout << model::ModelSummaryJson(*spec, contexts).dump(2) << "\n";
  } else {
    PrintModel(*spec, contexts, std::cout);
  }
  SetExitCode(0);
}

void RunList(bool json) {
  nlohmann::json list = nlohmann::json::array();
  Table table({"name", "architecture", "layers", "total", "active"});
  for (const std::string& name : model::KnownModelNames()) {
    Result<ModelSpec> spec = model::LoadModel(name);
    if (!spec.ok()) return ExitWithError(spec.status());
    const model::ParamCounts p = model::CountParams(*spec);
    list.push_back({{"name", name},
                    {"architecture", spec->architecture},
                    {"num_layers", spec->num_layers},
                    {"total_params", p.total},
                    {"active_params", p.active}});
    table.AddRow({name, spec->architecture, std::to_string(spec->num_layers),
                  FormatCount(p.total), FormatCount(p.active)});
  }
  if (json) {
    std::cout << list.dump(2) << "\n";
  } else {
    table.Print(std::cout);
  }
  SetExitCode(0);
}

void SetupModel(CLI::App& app) {
  CLI::App* model = app.add_subcommand(
      "model", "Model specs: parameters, weight/KV bytes, FLOPs per token");
  model->require_subcommand(1);
  model->footer(ExampleFooter("infx model show llama-3.1-70b"));

  auto show_options = std::make_shared<ShowOptions>();
  CLI::App* show = model->add_subcommand(
      "show", "Show a model from a HF config.json (or directory) or a name");
  show->add_option("model", show_options->model,
                   "config.json path, model directory, or known name "
                   "(see `infx model list`)")
      ->required();
  show->add_flag("--json", show_options->json, "Print JSON");
  show->add_option("--context", show_options->context_tokens,
                   "Context lengths in tokens for KV and FLOPs "
                   "(default 1024 8192 32768 131072)")
      ->check(IntIn(1, limits::kMaxSequenceTokens));
  show->footer(
      ExampleFooter("infx model show deepseek-r1\n  infx model show "
                    "path/to/config.json --json --context 4096"));
  show->callback([show_options] { RunShow(*show_options); });

  auto list_json = std::make_shared<bool>(false);
  CLI::App* list = model->add_subcommand("list", "List built-in models");
  list->add_flag("--json", *list_json, "Print JSON");
  list->footer(ExampleFooter("infx model list --json"));
  list->callback([list_json] { RunList(*list_json); });
}

}  // namespace
}  // namespace infx::cli

INFX_REGISTER_COMMAND(50, infx::cli::SetupModel);
