// Enumeration: every candidate serving configuration within the GPU budget
// (TP, PP, EP, DP-attention, replicas, precision, xPyD splits), with the
// static cuts applied (scale-up domain, divisibility, EP on dense models,
// duplicates, memory fit) and the deployment each survivor runs.
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "perf/deployment.h"
#include "plan/candidate.h"
#include "plan/plan.h"

namespace infx::plan {

// The GPU budget the request asks for (its default resolved).
int ResolveGpuBudget(const PlanRequest& request);

// All candidates in a stable order; cut ones carry kind and reason.
std::vector<Candidate> Enumerate(const PlanRequest& request, int gpu_budget);

// The deployment of one instance of `c` (the decode instance when
// disaggregated; prefill instances use the same parallelism).
perf::Deployment MakeDeployment(const PlanRequest& request, const Candidate& c);

// Scheduler limits per instance: DP-attention runs one scheduler per rank.
perf::SchedulerLimits InstanceLimits(const PlanRequest& request,
                                     const Candidate& c);

}  // namespace infx::plan
