// Escaping text for XML, SVG and HTML output (charts, the HTML report).
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace infx {

// Replaces & < > " with their entities; everything else is copied.
std::string XmlEscape(std::string_view text);

}  // namespace infx
