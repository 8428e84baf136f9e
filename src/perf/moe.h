// Routed-expert statistics for the step-time model: how many distinct
// experts a batch touches (whose weights must be read) and how unevenly the
// batch's (token, expert) assignments land on expert-parallel ranks (the
// busiest rank sets the step time, since every MoE layer ends in a combine
// that waits for all ranks).
//
// Routing model: every token picks `top_k` distinct experts out of `experts`;
// tokens are independent. With expert_load_cv = 0 all experts are equally
// popular (uniform routing, the statistical floor of imbalance); a positive
// coefficient of variation of the per-expert routing frequency adds the
// systematic imbalance of hot experts that EPLB-style rebalancing removes.
// Experts are placed on ranks in contiguous blocks, i.e. without regard to
// popularity. Derivations in docs/perf-model.md ("Routed experts").
//
// Thread-safety: pure functions and an immutable value type.
#pragma once

namespace infx::perf {

// Expected distinct experts touched by `tokens` tokens each routed to
// `top_k` of `experts` experts uniformly: E (1 - (1 - k/E)^T). Exact under
// independent uniform routing (an expert is missed by one token with
// probability 1 - k/E). 0 when there are no tokens or experts.
double ExpectedDistinctExperts(double tokens, double experts, double top_k);

// Expected maximum of n independent standard normal variables: exact
// (tabulated) for n <= 8, Blom's approximation Phi^-1((n - 0.375) /
// (n + 0.25)) beyond (within 1%). 0 for n <= 1.
double ExpectedMaxStandardNormal(int n);

// Load imbalance across `ep` expert-parallel ranks, precomputed once per
// deployment (MakeExpertLoadModel) and evaluated per step.
struct ExpertLoadModel {
  int ep = 1;
  double experts_per_rank = 0;  // E / ep
  double z = 0;                 // E[max of ep standard normals]
  // Relative variance of one rank's (token, expert) count times the tokens:
  // (ep - 1)(E - k) / ((E - 1) k) (hypergeometric per token).
  double stat_coeff = 0;
  // Relative variance of a rank's share of the routing from unequal expert
  // popularity: cv^2 (ep - 1) / (E - 1) (mean of E/ep of E experts drawn
  // without replacement).
  double systematic_var = 0;
  // The busiest rank cannot take more than min(k, E/ep) assignments per
  // token: cap on the ratio to the mean k/ep.
  double token_cap = 1;

  // (token, expert) assignments on the busiest rank over the mean rank's:
  // min(cap, 1 + z sqrt(stat_coeff / tokens + systematic_var)); 1 when
  // ep <= 1 (experts TP-sharded: every GPU does the same share).
  double TokenImbalance(double tokens) const;
  // Distinct experts whose weights the busiest rank reads over the mean,
  // when `distinct` of all experts are touched: a rank's count is ~
  // Binomial(E/ep, q = distinct / E), so 1 + z sqrt((1 - q) / (E/ep q)),
  // at most 1 / q (all of the rank's experts). 1 when ep <= 1.
  double WeightImbalance(double distinct) const;
};

// `experts` routed experts, `top_k` per token, sharded over `ep` ranks;
// `expert_load_cv` >= 0 as above.
ExpertLoadModel MakeExpertLoadModel(double experts, double top_k, int ep,
                                    double expert_load_cv);

}  // namespace infx::perf
