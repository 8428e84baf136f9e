// HardwareCatalog: the built-in accelerator entries (each with its source)
// plus user additions and overrides from a YAML file (--hardware-file).
// Unknown keys and missing fields in the YAML are errors that name them.
//
// Thread-safety: immutable after construction/merging; concurrent reads are
// safe, MergeYamlFile is not.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "hardware/hardware_spec.h"

namespace YAML {
class Node;
}  // namespace YAML

namespace infx::hardware {

class HardwareCatalog {
 public:
  // H100 SXM, H200, B200, B300, GB200 NVL72, GB300 NVL72, MI300X, MI325X,
  // MI355X, TPU v5e, TPU v6e, ...
  static HardwareCatalog Builtin();

  // Adds entries, or overrides fields of existing ones, from a YAML file.
  Status MergeYamlFile(const std::string& path);

  // Case-insensitive; accepts aliases such as "h200-sxm". NotFound lists the
  // known names.
  Result<HardwareSpec> Find(std::string_view name) const;

  const std::vector<HardwareSpec>& entries() const { return entries_; }

 private:
  // One YAML entry: overrides fields of an existing entry (by name or
  // alias), or adds a new one (complete, or `based_on` an existing one).
  Status MergeEntry(const YAML::Node& node, const std::string& where);
  Status MergeYamlRoot(const YAML::Node& root, const std::string& path);

  std::vector<HardwareSpec> entries_;
};

}  // namespace infx::hardware
