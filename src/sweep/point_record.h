// What a sweep stores for one point and one config: the point's natural
// key and seed, the config's identifying details, and the store record
// built from a bench result (metrics, validity, the vLLM-compatible result
// JSON and one summary per measured request). Pure functions of their
// inputs; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "bench/runner.h"
#include "store/results_store.h"
#include "sweep/matrix.h"

namespace infx::sweep {

// Stable seed of one point: the matrix seed plus the repetition, so every
// config sees the same prompts at the same repetition.
uint64_t PointSeed(const Matrix& matrix, const Point& point);

// What the store records about a config besides its points: model,
// engine, precision, parallelism, engine_flags (the launch command
// template or the emulator's non-default limits), canary, and for launched
// engines the image and its digest. Series keys derive from it
// (living/series_key.h).
nlohmann::json ConfigDetails(const Matrix& matrix, int config_index);

// The store's natural key of a point.
store::PointKey MakePointKey(const Matrix& matrix, const Point& point,
                             int64_t run_id);

// The record StorePoint writes for `result`, measured at `point` of
// `matrix` in run `run_id`; `identity` is the config as stored (its series
// key derives from it).
store::PointRecord MakePointRecord(const Matrix& matrix, const Point& point,
                                   const store::ConfigRecord& identity,
                                   const bench::BenchResult& result,
                                   int64_t run_id);

}  // namespace infx::sweep
