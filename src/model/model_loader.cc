// Hugging Face config.json -> ModelSpec. Field meanings follow the
// transformers configuration classes (LlamaConfig, Qwen3MoeConfig,
// MixtralConfig, GptOssConfig, Llama4TextConfig, DeepseekV3Config).
#include "model/model_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "model/json_fields.h"
#include "model/quant_config.h"

namespace infx::model {
namespace {

// model_type values whose fields this reader knows; anything else is read
// generically from the standard fields with a note.
const std::set<std::string>& KnownModelTypes() {
  static const std::set<std::string> types = {
      "llama",       "llama4",      "llama4_text", "mistral",   "mixtral",
      "qwen2",       "qwen3",       "qwen2_moe",   "qwen3_moe", "gpt_oss",
      "deepseek_v2", "deepseek_v3", "kimi_k2"};
  return types;
}

Status ReadCoreDims(JsonFields& f, ModelSpec& spec) {
  spec.hidden_size = f.Int("hidden_size");
  spec.num_layers = f.Int("num_hidden_layers");
  spec.vocab_size = f.Int("vocab_size");
  // Absent (null/0) in configs whose every layer is MoE; BuildLayers checks
  // that dense layers have it.
  spec.dense_intermediate_size = f.SizeOr("intermediate_size", 0);
  spec.max_position_embeddings = f.IntOr("max_position_embeddings", 0);
  spec.tie_word_embeddings = f.BoolOr("tie_word_embeddings", false);
  spec.mlp_gated = true;  // every supported family uses SwiGLU
  // Llama-4 dense layers use intermediate_size_mlp; intermediate_size is the
  // expert width there.
  if (f.Has("intermediate_size_mlp")) {
    spec.dense_intermediate_size = f.Int("intermediate_size_mlp");
  }
  return f.status();
}

Status ReadAttention(JsonFields& f, ModelSpec& spec) {
  AttentionSpec& attn = spec.attention;
  attn.num_heads = f.Int("num_attention_heads");
  if (!f.status().ok()) return f.status();
  if (f.Has("num_key_value_heads")) {
    attn.num_kv_heads = f.Int("num_key_value_heads");
  } else {
    attn.num_kv_heads = attn.num_heads;
    spec.notes.push_back(
        "num_key_value_heads absent: assuming multi-head attention "
        "(kv heads = attention heads)");
  }
  attn.head_dim =
      f.Has("head_dim") ? f.Int("head_dim") : spec.hidden_size / attn.num_heads;
  if (!f.Has("head_dim") && attn.head_dim == 0) {
    f.Fail(fmt::format(
        "hidden_size {} / num_attention_heads {} gives head_dim 0; give "
        "head_dim",
        spec.hidden_size, attn.num_heads));
  }
  // DeepSeek-VL2-small spells "no MLA" as "kv_lora_rank": null.
  if (f.SizeOr("kv_lora_rank", 0) > 0) {
    attn.kind = AttentionKind::kMla;
    attn.mla.kv_lora_rank = f.Int("kv_lora_rank");
    attn.mla.q_lora_rank = f.IntOr("q_lora_rank", 0);
    attn.mla.qk_nope_head_dim = f.Int("qk_nope_head_dim");
    attn.mla.qk_rope_head_dim = f.Int("qk_rope_head_dim");
    attn.mla.v_head_dim = f.Int("v_head_dim");
    attn.num_kv_heads = attn.num_heads;
    attn.head_dim = attn.mla.qk_nope_head_dim + attn.mla.qk_rope_head_dim;
  }
  const bool bias = f.BoolOr("attention_bias", false);
  attn.qkv_bias =
      bias || spec.model_type == "qwen2" || spec.model_type == "qwen2_moe";
  attn.o_bias = bias;
  attn.qk_norm = spec.model_type == "qwen3" || spec.model_type == "qwen3_moe";
  // Llama-4's use_qk_norm is a weightless L2 norm: no parameters, no flag.
  attn.sinks = spec.model_type == "gpt_oss";
  return f.status();
}

// Routed experts: num_local_experts (Mixtral, gpt-oss, Llama-4),
// num_experts (Qwen-MoE) or n_routed_experts (DeepSeek).
Status ReadMoe(JsonFields& f, ModelSpec& spec) {
  int64_t experts = f.IntOr("num_local_experts", 0);
  if (experts == 0) experts = f.IntOr("num_experts", 0);
  if (experts == 0) experts = f.IntOr("n_routed_experts", 0);
  if (experts == 0) return f.status();
  MoeSpec moe;
  moe.num_experts = experts;
  moe.experts_per_token = f.Has("num_experts_per_tok")
                              ? f.Int("num_experts_per_tok")
                              : f.Int("experts_per_token");
  moe.expert_intermediate_size = f.SizeOr("moe_intermediate_size", 0) > 0
                                     ? f.Int("moe_intermediate_size")
                                     : f.Int("intermediate_size");
  // "No shared expert" is spelled n_shared_experts: 0 or null (DeepSeek,
  // Kimi) or shared_expert_intermediate_size: 0 (Qwen3-MoE style).
  if (f.SizeOr("n_shared_experts", 0) > 0) {
    moe.num_shared_experts = f.Int("n_shared_experts");
    moe.shared_expert_intermediate_size = moe.expert_intermediate_size;
  } else if (f.Has("n_shared_experts")) {
    moe.num_shared_experts = 0;
  } else if (f.Has("shared_expert_intermediate_size")) {
    moe.shared_expert_intermediate_size =
        f.SizeOr("shared_expert_intermediate_size", 0);
    moe.num_shared_experts = moe.shared_expert_intermediate_size > 0 ? 1 : 0;
  } else if (spec.model_type == "llama4" || spec.model_type == "llama4_text") {
    moe.num_shared_experts = 1;  // Llama4TextMoe always has one
    moe.shared_expert_intermediate_size = moe.expert_intermediate_size;
  }
  moe.expert_bias = spec.model_type == "gpt_oss";
  spec.moe = moe;
  return f.status();
}

// Which layers are MoE, per family.
bool IsMoeLayer(JsonFields& f, const ModelSpec& spec, int64_t layer) {
  if (!spec.moe) return false;
  if (f.Has("first_k_dense_replace") || f.Has("moe_layer_freq")) {
    const int64_t first_dense = f.IntOr("first_k_dense_replace", 0);
    const int64_t freq = std::max<int64_t>(1, f.IntOr("moe_layer_freq", 1));
    return layer >= first_dense && layer % freq == 0;
  }
  if (f.Has("interleave_moe_layer_step")) {
    std::vector<int64_t> moe_layers = f.Ints("moe_layers");
    if (!moe_layers.empty()) {
      return std::find(moe_layers.begin(), moe_layers.end(), layer) !=
             moe_layers.end();
    }
    const int64_t step =
        std::max<int64_t>(1, f.IntOr("interleave_moe_layer_step", 1));
    return (layer + 1) % step == 0;
  }
  std::vector<int64_t> mlp_only = f.Ints("mlp_only_layers");
  if (std::find(mlp_only.begin(), mlp_only.end(), layer) != mlp_only.end()) {
    return false;
  }
  const int64_t sparse_step =
      std::max<int64_t>(1, f.IntOr("decoder_sparse_step", 1));
  return (layer + 1) % sparse_step == 0;
}

// Attention span of each layer: explicit layer_types (gpt-oss), Llama-4
// chunked attention on RoPE layers (every 4th layer is a global NoPE layer),
// Mistral-style all-sliding, Qwen2-style sliding above max_window_layers.
Status ReadLayerAttention(JsonFields& f, ModelSpec& spec) {
  const int64_t window = f.IntOr("sliding_window", 0);
  const int64_t chunk = f.IntOr("attention_chunk_size", 0);
  std::vector<std::string> types = f.Strings("layer_types");
  std::vector<int64_t> no_rope = f.Ints("no_rope_layers");
  const bool use_sliding = f.BoolOr("use_sliding_window", true);
  const int64_t max_window_layers = f.IntOr("max_window_layers", 0);
  INFX_RETURN_IF_ERROR(f.status());
  if (!types.empty() && static_cast<int64_t>(types.size()) != spec.num_layers) {
    return Status::InvalidArgument(fmt::format(
        "{}: field 'layer_types' has {} entries but num_hidden_layers is {}",
        f.source(), types.size(), spec.num_layers));
  }
  for (int64_t i = 0; i < spec.num_layers; ++i) {
    LayerSpec& layer = spec.layers[i];
    if (!types.empty()) {
      if (types[i] == "sliding_attention" && window > 0) {
        layer.attention = LayerAttention::kSlidingWindow;
        layer.window_tokens = window;
      } else if (types[i] == "chunked_attention" && chunk > 0) {
        layer.attention = LayerAttention::kChunked;
        layer.window_tokens = chunk;
      }
    } else if (chunk > 0) {
      const bool rope = no_rope.size() == static_cast<size_t>(spec.num_layers)
                            ? no_rope[i] != 0
                            : (i + 1) % 4 != 0;
      if (rope) {
        layer.attention = LayerAttention::kChunked;
        layer.window_tokens = chunk;
      }
    } else if (window > 0 && use_sliding) {
      const bool qwen_style = f.Has("max_window_layers");
      if (!qwen_style || i >= max_window_layers) {
        layer.attention = LayerAttention::kSlidingWindow;
        layer.window_tokens = window;
      }
    }
  }
  return Status::Ok();
}

// Rejects shapes no real model has, so bad input fails with a message
// instead of an absurd allocation or a division by zero later.
Status ValidateShape(const ModelSpec& spec, const std::string& source) {
  constexpr int64_t kMaxLayers = 10000;
  constexpr int64_t kMaxWidth = int64_t{1} << 24;
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument(fmt::format("{}: {}", source, what));
  };
  if (spec.num_layers > kMaxLayers) {
    return bad(fmt::format("num_hidden_layers {} is implausible (max {})",
                           spec.num_layers, kMaxLayers));
  }
  for (int64_t width :
       {spec.hidden_size, spec.vocab_size, spec.dense_intermediate_size,
        spec.attention.head_dim, spec.attention.num_heads}) {
    if (width > kMaxWidth) {
      return bad(fmt::format("dimension {} is implausible (max {})", width,
                             kMaxWidth));
    }
  }
  const AttentionSpec& a = spec.attention;
  if (a.num_kv_heads > a.num_heads || a.num_heads % a.num_kv_heads != 0) {
    return bad(fmt::format(
        "num_attention_heads {} is not a multiple of num_key_value_heads {}",
        a.num_heads, a.num_kv_heads));
  }
  if (spec.moe && (spec.moe->experts_per_token > spec.moe->num_experts ||
                   spec.moe->num_experts > kMaxWidth)) {
    return bad(fmt::format("{} experts per token of {} experts",
                           spec.moe->experts_per_token, spec.moe->num_experts));
  }
  return Status::Ok();
}

Status BuildLayers(JsonFields& f, ModelSpec& spec) {
  INFX_RETURN_IF_ERROR(ValidateShape(spec, f.source()));
  spec.layers.assign(spec.num_layers, LayerSpec{});
  for (int64_t i = 0; i < spec.num_layers; ++i) {
    spec.layers[i].moe = IsMoeLayer(f, spec, i);
    if (!spec.layers[i].moe && spec.dense_intermediate_size == 0) {
      return Status::InvalidArgument(fmt::format(
          "{}: field 'intermediate_size' is missing (or 0/null) but layer {} "
          "is a dense MLP layer",
          f.source(), i));
    }
  }
  INFX_RETURN_IF_ERROR(f.status());
  return ReadLayerAttention(f, spec);
}

// Llama-4 vision tower + projector (Llama4VisionModel and
// Llama4MultiModalProjector in transformers), counted from vision_config.
int64_t Llama4VisionParams(const nlohmann::json& vision, int64_t text_hidden) {
  // Values outside (0, 2^20] are ignored: the encoder is a side figure
  // and must not overflow.
  auto get = [&](const char* key, int64_t fallback) {
    auto it = vision.find(key);
    if (it == vision.end() || !it->is_number()) return fallback;
    const double value = it->get<double>();
    return value >= 1 && value <= (1 << 20) ? static_cast<int64_t>(value)
                                            : fallback;
  };
  const int64_t h = get("hidden_size", 1408);
  const int64_t layers = get("num_hidden_layers", 34);
  const int64_t inter = get("intermediate_size", 5632);
  const int64_t patch = get("patch_size", 14);
  const int64_t image = get("image_size", 336);
  const int64_t channels = get("num_channels", 3);
  const int64_t proj_in = get("projector_input_dim", 4096);
  const int64_t proj_out = get("projector_output_dim", 4096);
  const int64_t out_dim = get("vision_output_dim", 4096);
  const int64_t patches = (image / patch) * (image / patch);
  const int64_t embed = channels * patch * patch * h + h + (patches + 1) * h;
  const int64_t per_layer =
      4 * (h * h + h) + (h * inter + inter) + (inter * h + h) + 4 * h;
  const int64_t adapter = inter * proj_in + proj_out * proj_out;
  const int64_t projector = out_dim * text_hidden;
  return embed + 4 * h + layers * per_layer + adapter + projector;
}

void ReadExtraParams(const nlohmann::json& top, ModelSpec& spec) {
  if (spec.model_type != "llama4") return;
  auto vision = top.find("vision_config");
  if (vision != top.end() && vision->is_object()) {
    spec.extra_params = Llama4VisionParams(*vision, spec.hidden_size);
    spec.extra_params_note = "vision encoder and projector (vision_config)";
  } else {
    spec.extra_params =
        Llama4VisionParams(nlohmann::json::object(), spec.hidden_size);
    spec.extra_params_note =
        "vision encoder and projector (vision_config absent: Llama-4 "
        "Scout/Maverick published vision_config assumed)";
    spec.notes.push_back(
        "vision_config absent: extra params assume the published Llama-4 "
        "vision encoder");
  }
}

Status ReadQuant(const nlohmann::json& top, const std::string& source,
                 ModelSpec& spec) {
  auto quant = top.find("quantization_config");
  if (quant == top.end() || quant->is_null()) return Status::Ok();
  INFX_ASSIGN_OR_RETURN(QuantConfig parsed,
                        ParseQuantizationConfig(*quant, source, spec.notes));
  spec.quant = std::move(parsed);
  return Status::Ok();
}

}  // namespace

Result<ModelSpec> ParseHfConfig(const nlohmann::json& config,
                                const std::string& name,
                                const std::string& source) {
  if (!config.is_object()) {
    return Status::InvalidArgument(
        fmt::format("{}: expected a JSON object (a config.json)", source));
  }
  ModelSpec spec;
  spec.name = name;
  JsonFields top(config, source);
  spec.model_type = top.StringOr("model_type", "");
  std::vector<std::string> archs = top.Strings("architectures");
  spec.architecture = archs.empty() ? "" : archs.front();
  INFX_RETURN_IF_ERROR(top.status());
  // Multimodal configs (Llama-4) nest the language model in text_config.
  auto text_it = config.find("text_config");
  const bool nested = text_it != config.end() && text_it->is_object();
  const nlohmann::json& text = nested ? *text_it : config;
  JsonFields f(text, nested ? source + ": text_config" : source);

  INFX_RETURN_IF_ERROR(ReadCoreDims(f, spec));
  INFX_RETURN_IF_ERROR(ReadAttention(f, spec));
  INFX_RETURN_IF_ERROR(ReadMoe(f, spec));
  INFX_RETURN_IF_ERROR(BuildLayers(f, spec));
  spec.num_mtp_layers = f.IntOr("num_nextn_predict_layers", 0);
  INFX_RETURN_IF_ERROR(f.status());
  ReadExtraParams(config, spec);
  INFX_RETURN_IF_ERROR(ReadQuant(config, source, spec));
  if (!KnownModelTypes().count(spec.model_type)) {
    spec.notes.push_back(fmt::format(
        "unknown architecture '{}' (model_type '{}'): read generically from "
        "the standard fields; check the figures",
        spec.architecture, spec.model_type));
  }
  return spec;
}

}  // namespace infx::model
