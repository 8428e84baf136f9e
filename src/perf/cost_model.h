// CostModel: the per-GPU quantities of one deployment that every step-time
// and memory prediction needs (parameters by operator group after TP/EP/PP
// sharding, KV bytes per token per GPU, peak rates, links), computed once so
// that predicting a step is a handful of arithmetic operations. The emulator
// and the serving model both evaluate steps through it.
//
// Sharding conventions are those of perf/deployment.h; what is counted per
// group is in docs/perf-model.md.
//
// Thread-safety: immutable value after BuildCostModel; safe to share.
#pragma once

#include <cstdint>

#include "perf/deployment.h"
#include "perf/moe.h"

namespace infx::perf {

struct CostModel {
  Deployment deployment;
  int tp = 1;
  int pp = 1;
  int ep = 1;
  bool dp_attention = false;
  int64_t num_layers = 0;
  int64_t hidden_size = 0;

  // Parameters held by one GPU for the whole model (all pipeline stages
  // added up, i.e. divided by TP/EP but not by PP).
  double attention_params_per_gpu = 0;   // projections; full under DP-attn
  double dense_params_per_gpu = 0;       // dense MLPs + shared experts
  double routed_expert_params_each = 0;  // one routed expert, unsharded
  double num_routed_experts = 0;
  double experts_per_token = 0;
  int64_t moe_layers = 0;
  int64_t mla_layers = 0;             // all layers when attention is MLA
  double expert_shard = 1;            // each expert's bytes split this ways
  double lm_head_params_per_gpu = 0;  // vocab-parallel over TP
  double replicated_params = 0;       // norms, routers (BF16)
  double linear_bytes_per_param = 2;  // weight precision incl. scales

  // KV: per-GPU share of one token's KV cache (all layers): 1/kv_heads per
  // head held; MLA latent replicated across TP (share 1) unless DP-attention
  // spreads sequences over the TP ranks (kv_seq_split = tp).
  double kv_head_share = 1;
  double kv_seq_split = 1;

  double gemm_peak_flops = 0;  // at the weight precision (fallback)
  // Achieved fraction of gemm_peak_flops: dense linear layers (gemm_mfu, or
  // fp4_gemm_mfu on native FP4 tensor cores) and routed experts
  // (moe_gemm_mfu, scaled by fp4_gemm_mfu / gemm_mfu on native FP4).
  double dense_gemm_mfu = 0;
  double moe_gemm_mfu = 0;
  // Routed (token, expert) load across EP ranks (identity without EP).
  ExpertLoadModel expert_load;
  double attention_peak_flops = 0;  // BF16 tensor cores
  double bf16_peak_flops = 0;
  double hbm_bytes_per_s = 0;
  double tp_link_bytes_per_s = 0;  // scale-up, or scale-out past the domain
  double pp_link_bytes_per_s = 0;
  double weight_bytes_per_gpu_max_stage = 0;  // for the memory plan
  double stage_layer_fraction = 1;  // layers of the largest stage / all
};

CostModel BuildCostModel(const Deployment& deployment);

// Peak dense FLOP/s at `p`, falling back to the next wider precision the
// hardware supports (FP4 -> FP8 -> BF16).
double PeakFlopsWithFallback(const hardware::HardwareSpec& hw, Precision p);

}  // namespace infx::perf
