// The readable name of a config's model in config keys. A catalog name
// (`llama-3.1-8b`) is kept as written. A model given as a path (a HF
// config.json or its directory) is named by the model itself: the last
// component of its `_name_or_path`, else its directory's name, plus "@" and
// a short stable hash of the path as written (6 hex digits of FNV-1a), so
// that two checkpoints with the same name stay distinct:
// `models/tiny-hf/config.json` -> `tiny-hf@3f09c1`. The path itself is kept
// in the config's details (`model`).
//
// Thread-safety: pure functions (reads the config file).
#pragma once

#include <string>

namespace infx::sweep {

// True when `model` is a path rather than a catalog name: it exists on
// disk, ends in .json, or starts with /, ./ or ../.
bool IsModelPath(const std::string& model);

// The key name of `model` as described above.
std::string ModelKeyName(const std::string& model);

}  // namespace infx::sweep
