// Embedded config.json of well-known models, reduced to the fields that
// inference cost depends on. Copied from the Hugging Face repositories named
// beside each entry (Llama-4 entries carry the published vision_config so the
// vision encoder is counted; Maverick from its published config.json).
#include "model/known_models.h"

namespace infx::model {

const std::vector<KnownModel>& KnownModels() {
  static const std::vector<KnownModel> models = {
      // meta-llama/Llama-3.1-8B config.json.
      {"llama-3.1-8b", "meta-llama/Llama-3.1-8B",
       R"json(
{"architectures":["LlamaForCausalLM"],"attention_bias":false,"hidden_size":4096,
"intermediate_size":14336,"max_position_embeddings":131072,"model_type":"llama",
"num_attention_heads":32,"num_hidden_layers":32,"num_key_value_heads":8,
"tie_word_embeddings":false,"torch_dtype":"bfloat16","vocab_size":128256})json",
       R"json()json"},
      // meta-llama/Llama-3.1-70B config.json.
      {"llama-3.1-70b", "meta-llama/Llama-3.1-70B",
       R"json(
{"architectures":["LlamaForCausalLM"],"attention_bias":false,"hidden_size":8192,
"intermediate_size":28672,"max_position_embeddings":131072,"model_type":"llama",
"num_attention_heads":64,"num_hidden_layers":80,"num_key_value_heads":8,
"tie_word_embeddings":false,"torch_dtype":"bfloat16","vocab_size":128256})json",
       R"json()json"},
      // nvidia/Llama-3.1-70B-Instruct-FP8 config.json.
      {"llama-3.1-70b-fp8", "nvidia/Llama-3.1-70B-Instruct-FP8",
       R"json(
{"architectures":["LlamaForCausalLM"],"attention_bias":false,"hidden_size":8192,
"intermediate_size":28672,"max_position_embeddings":131072,"model_type":"llama",
"num_attention_heads":64,"num_hidden_layers":80,"num_key_value_heads":8,
"tie_word_embeddings":false,"torch_dtype":"bfloat16","vocab_size":128256})json",
       R"json(
{"producer":{"name":"modelopt","version":"0.23.0"},"quantization":{"quant_algo":"FP8",
"kv_cache_quant_algo":"FP8","exclude_modules":["lm_head"]}})json"},
      // meta-llama/Llama-3.1-405B config.json.
      {"llama-3.1-405b", "meta-llama/Llama-3.1-405B",
       R"json(
{"architectures":["LlamaForCausalLM"],"attention_bias":false,"hidden_size":16384,
"intermediate_size":53248,"max_position_embeddings":131072,"model_type":"llama",
"num_attention_heads":128,"num_hidden_layers":126,"num_key_value_heads":8,
"tie_word_embeddings":false,"torch_dtype":"bfloat16","vocab_size":128256})json",
       R"json()json"},
      // meta-llama/Llama-4-Scout-17B-16E-Instruct config.json.
      {"llama-4-scout", "meta-llama/Llama-4-Scout-17B-16E-Instruct",
       R"json(
{"architectures":["Llama4ForConditionalGeneration"],"model_type":"llama4",
"text_config":{"attention_bias":false,"attention_chunk_size":8192,"head_dim":128,
"hidden_size":5120,"interleave_moe_layer_step":1,"intermediate_size":8192,
"intermediate_size_mlp":16384,"max_position_embeddings":10485760,"model_type":"llama4_text",
"num_attention_heads":40,"num_experts_per_tok":1,"num_hidden_layers":48,
"num_key_value_heads":8,"num_local_experts":16,"torch_dtype":"bfloat16",
"use_qk_norm":true,"vocab_size":202048},"torch_dtype":"bfloat16","vision_config":{"hidden_size":1408,
"image_size":336,"intermediate_size":5632,"num_attention_heads":16,
"num_hidden_layers":34,"num_channels":3,"patch_size":14,"pixel_shuffle_ratio":0.5,
"projector_input_dim":4096,"projector_output_dim":4096,"vision_output_dim":4096}})json",
       R"json()json"},
      // meta-llama/Llama-4-Maverick-17B-128E-Instruct config.json.
      {"llama-4-maverick", "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
       R"json(
{"architectures":["Llama4ForConditionalGeneration"],"model_type":"llama4",
"text_config":{"attention_chunk_size":8192,"head_dim":128,"hidden_size":5120,
"interleave_moe_layer_step":2,"intermediate_size":8192,"intermediate_size_mlp":16384,
"max_position_embeddings":1048576,"model_type":"llama4_text","num_attention_heads":40,
"num_experts_per_tok":1,"num_hidden_layers":48,"num_key_value_heads":8,
"num_local_experts":128,"use_qk_norm":false,"vocab_size":202048},"vision_config":{"hidden_size":1408,
"image_size":336,"intermediate_size":5632,"num_attention_heads":16,
"num_hidden_layers":34,"num_channels":3,"patch_size":14,"pixel_shuffle_ratio":0.5,
"projector_input_dim":4096,"projector_output_dim":4096,"vision_output_dim":4096}})json",
       R"json()json"},
      // Qwen/Qwen3-0.6B config.json.
      {"qwen3-0.6b", "Qwen/Qwen3-0.6B",
       R"json(
{"architectures":["Qwen3ForCausalLM"],"attention_bias":false,"head_dim":128,
"hidden_size":1024,"intermediate_size":3072,"max_position_embeddings":40960,
"max_window_layers":28,"model_type":"qwen3","num_attention_heads":16,
"num_hidden_layers":28,"num_key_value_heads":8,"sliding_window":null,
"tie_word_embeddings":true,"torch_dtype":"bfloat16","use_sliding_window":false,
"vocab_size":151936})json",
       R"json()json"},
      // Qwen/Qwen3-8B config.json.
      {"qwen3-8b", "Qwen/Qwen3-8B",
       R"json(
{"architectures":["Qwen3ForCausalLM"],"attention_bias":false,"head_dim":128,
"hidden_size":4096,"intermediate_size":12288,"max_position_embeddings":40960,
"max_window_layers":36,"model_type":"qwen3","num_attention_heads":32,
"num_hidden_layers":36,"num_key_value_heads":8,"sliding_window":null,
"tie_word_embeddings":false,"torch_dtype":"bfloat16","use_sliding_window":false,
"vocab_size":151936})json",
       R"json()json"},
      // Qwen/Qwen3-32B config.json.
      {"qwen3-32b", "Qwen/Qwen3-32B",
       R"json(
{"architectures":["Qwen3ForCausalLM"],"attention_bias":false,"head_dim":128,
"hidden_size":5120,"intermediate_size":25600,"max_position_embeddings":40960,
"max_window_layers":64,"model_type":"qwen3","num_attention_heads":64,
"num_hidden_layers":64,"num_key_value_heads":8,"sliding_window":null,
"tie_word_embeddings":false,"torch_dtype":"bfloat16","use_sliding_window":false,
"vocab_size":151936})json",
       R"json()json"},
      // Qwen/Qwen3-30B-A3B config.json.
      {"qwen3-30b-a3b", "Qwen/Qwen3-30B-A3B",
       R"json(
{"architectures":["Qwen3MoeForCausalLM"],"attention_bias":false,"decoder_sparse_step":1,
"head_dim":128,"hidden_size":2048,"intermediate_size":6144,"max_position_embeddings":40960,
"max_window_layers":48,"mlp_only_layers":[],"model_type":"qwen3_moe",
"moe_intermediate_size":768,"num_attention_heads":32,"num_experts":128,
"num_experts_per_tok":8,"num_hidden_layers":48,"num_key_value_heads":4,
"sliding_window":null,"tie_word_embeddings":false,"torch_dtype":"bfloat16",
"use_sliding_window":false,"vocab_size":151936})json",
       R"json()json"},
      // Qwen/Qwen3-235B-A22B config.json.
      {"qwen3-235b-a22b", "Qwen/Qwen3-235B-A22B",
       R"json(
{"architectures":["Qwen3MoeForCausalLM"],"attention_bias":false,"decoder_sparse_step":1,
"head_dim":128,"hidden_size":4096,"intermediate_size":12288,"max_position_embeddings":40960,
"max_window_layers":94,"mlp_only_layers":[],"model_type":"qwen3_moe",
"moe_intermediate_size":1536,"num_attention_heads":64,"num_experts":128,
"num_experts_per_tok":8,"num_hidden_layers":94,"num_key_value_heads":4,
"sliding_window":null,"tie_word_embeddings":false,"torch_dtype":"bfloat16",
"use_sliding_window":false,"vocab_size":151936})json",
       R"json()json"},
      // mistralai/Mixtral-8x7B-v0.1 config.json.
      {"mixtral-8x7b", "mistralai/Mixtral-8x7B-v0.1",
       R"json(
{"architectures":["MixtralForCausalLM"],"hidden_size":4096,"intermediate_size":14336,
"max_position_embeddings":32768,"model_type":"mixtral","num_attention_heads":32,
"num_experts_per_tok":2,"num_hidden_layers":32,"num_key_value_heads":8,
"num_local_experts":8,"sliding_window":null,"tie_word_embeddings":false,
"torch_dtype":"bfloat16","vocab_size":32000})json",
       R"json()json"},
      // openai/gpt-oss-20b config.json.
      {"gpt-oss-20b", "openai/gpt-oss-20b",
       R"json(
{"architectures":["GptOssForCausalLM"],"attention_bias":true,"experts_per_token":4,
"head_dim":64,"hidden_size":2880,"intermediate_size":2880,"layer_types":["sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention"],"max_position_embeddings":131072,
"model_type":"gpt_oss","num_attention_heads":64,"num_experts_per_tok":4,
"num_hidden_layers":24,"num_key_value_heads":8,"num_local_experts":32,
"quantization_config":{"modules_to_not_convert":["model.layers.*.self_attn",
"model.layers.*.mlp.router","model.embed_tokens","lm_head"],"quant_method":"mxfp4"},
"sliding_window":128,"tie_word_embeddings":false,"vocab_size":201088})json",
       R"json()json"},
      // openai/gpt-oss-120b config.json.
      {"gpt-oss-120b", "openai/gpt-oss-120b",
       R"json(
{"architectures":["GptOssForCausalLM"],"attention_bias":true,"experts_per_token":4,
"head_dim":64,"hidden_size":2880,"intermediate_size":2880,"layer_types":["sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention","sliding_attention",
"full_attention","sliding_attention","full_attention"],"max_position_embeddings":131072,
"model_type":"gpt_oss","num_attention_heads":64,"num_experts_per_tok":4,
"num_hidden_layers":36,"num_key_value_heads":8,"num_local_experts":128,
"quantization_config":{"modules_to_not_convert":["model.layers.*.self_attn",
"model.layers.*.mlp.router","model.embed_tokens","lm_head"],"quant_method":"mxfp4"},
"sliding_window":128,"tie_word_embeddings":false,"vocab_size":201088})json",
       R"json()json"},
      // deepseek-ai/DeepSeek-V3 config.json.
      {"deepseek-v3", "deepseek-ai/DeepSeek-V3",
       R"json(
{"architectures":["DeepseekV3ForCausalLM"],"attention_bias":false,"first_k_dense_replace":3,
"hidden_size":7168,"intermediate_size":18432,"kv_lora_rank":512,"max_position_embeddings":163840,
"model_type":"deepseek_v3","moe_intermediate_size":2048,"moe_layer_freq":1,
"n_routed_experts":256,"n_shared_experts":1,"num_attention_heads":128,
"num_experts_per_tok":8,"num_hidden_layers":61,"num_key_value_heads":128,
"num_nextn_predict_layers":1,"q_lora_rank":1536,"qk_nope_head_dim":128,
"qk_rope_head_dim":64,"quantization_config":{"activation_scheme":"dynamic",
"fmt":"e4m3","quant_method":"fp8","weight_block_size":[128,128]},"tie_word_embeddings":false,
"torch_dtype":"bfloat16","v_head_dim":128,"vocab_size":129280})json",
       R"json()json"},
      // deepseek-ai/DeepSeek-R1 config.json.
      {"deepseek-r1", "deepseek-ai/DeepSeek-R1",
       R"json(
{"architectures":["DeepseekV3ForCausalLM"],"attention_bias":false,"first_k_dense_replace":3,
"hidden_size":7168,"intermediate_size":18432,"kv_lora_rank":512,"max_position_embeddings":163840,
"model_type":"deepseek_v3","moe_intermediate_size":2048,"moe_layer_freq":1,
"n_routed_experts":256,"n_shared_experts":1,"num_attention_heads":128,
"num_experts_per_tok":8,"num_hidden_layers":61,"num_key_value_heads":128,
"num_nextn_predict_layers":1,"q_lora_rank":1536,"qk_nope_head_dim":128,
"qk_rope_head_dim":64,"quantization_config":{"activation_scheme":"dynamic",
"fmt":"e4m3","quant_method":"fp8","weight_block_size":[128,128]},"tie_word_embeddings":false,
"torch_dtype":"bfloat16","v_head_dim":128,"vocab_size":129280})json",
       R"json()json"},
      // moonshotai/Kimi-K2-Instruct config.json.
      {"kimi-k2", "moonshotai/Kimi-K2-Instruct",
       R"json(
{"architectures":["DeepseekV3ForCausalLM"],"attention_bias":false,"first_k_dense_replace":1,
"hidden_size":7168,"intermediate_size":18432,"kv_lora_rank":512,"max_position_embeddings":131072,
"model_type":"kimi_k2","moe_intermediate_size":2048,"moe_layer_freq":1,
"n_routed_experts":384,"n_shared_experts":1,"num_attention_heads":64,
"num_experts_per_tok":8,"num_hidden_layers":61,"num_key_value_heads":64,
"num_nextn_predict_layers":0,"q_lora_rank":1536,"qk_nope_head_dim":128,
"qk_rope_head_dim":64,"quantization_config":{"activation_scheme":"dynamic",
"fmt":"e4m3","quant_method":"fp8","weight_block_size":[128,128]},"tie_word_embeddings":false,
"torch_dtype":"bfloat16","v_head_dim":128,"vocab_size":163840})json",
       R"json()json"},
  };
  return models;
}

}  // namespace infx::model
