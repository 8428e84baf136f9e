// Series key: what makes two measurements "the same measurement" across
// runs, so that a living benchmark can follow one number over time. A
// series is identified by the model, hardware, engine name and its flags,
// precision, parallelism, workload (ISL/OSL/distribution) and the load
// (concurrency or request rate). Engine version, container image, driver
// and labels are run attributes, deliberately NOT part of the key: an
// engine upgrade shows up as a change inside one series.
//
// Key text (stable; stored per point in points.series_key, docs/store.md):
//   [<prefix>:]<model>/<hardware>/<engine>[@<flags8>]/<precision>
//   [/kv-<kv>][/<variant>-<value>...]/<parallelism>/<isl>x<osl>[~<rr>]
//   [-<distribution>]/c<concurrency>[-r<rate>] | /r<rate>
// e.g. "llama-3.1-8b/h200/vllm/bf16/tp2/1024x1024/c64". <flags8> is the
// first 8 hex digits of SHA-256 of the engine flags text, present only
// when flags were recorded.
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "store/results_store.h"

namespace infx::living {

struct SeriesParts {
  // Groups configs apart that share everything else (the InferenceX entry
  // of an imported config); "" = none.
  std::string prefix;
  std::string model;
  std::string hardware;
  std::string engine;
  // Canonical text of the engine's settings: the launch recipe's command
  // template for this engine, or the emulator's scheduler limits. "" = none
  // recorded. Never includes ports, versions or images.
  std::string engine_flags;
  std::string precision;
  std::string kv_precision;  // "" or == precision: not shown
  // Other identity fields (e.g. {"spec", "mtp"}), sorted by name.
  std::map<std::string, std::string> variant;
  std::string parallelism;  // "tp2", "tp8-ep8-dpa", "p1x4-d2x8"
  int64_t isl = 0;
  int64_t osl = 0;
  double range_ratio = 1.0;
  std::string distribution = "random";
  int concurrency = 0;      // 0 = rate-driven
  double request_rate = 0;  // requests/s; 0 = concurrency-driven

  bool operator==(const SeriesParts&) const = default;
};

// The key text of `parts` (format above). Pure and stable: the same parts
// give the same key in every run and every infx version that writes
// schema 2.
std::string SeriesKey(const SeriesParts& parts);

// Parts of a stored point: the config's details (as the sweep writes them:
// model, hardware, engine, engine_flags, precision, kv_precision,
// parallelism, metadata) and the point's workload and load. A config
// without details (stores written by other tools) is identified by its
// config_key alone, as the prefix.
SeriesParts SeriesPartsOf(const store::ConfigRecord& config,
                          const store::PointKey& point);

// SeriesKey(SeriesPartsOf(config, point)).
std::string SeriesKeyOf(const store::ConfigRecord& config,
                        const store::PointKey& point);

// "sha256:<64 hex digits>" of `text` (matrix hashes, flag digests).
std::string Sha256Digest(std::string_view text);

}  // namespace infx::living
