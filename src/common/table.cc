#include "common/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace infx {
namespace {

bool LooksNumeric(const std::string& cell) {
  if (cell.empty()) return true;
  char* end = nullptr;
  std::strtod(cell.c_str(), &end);
  // Accept a trailing unit suffix such as "16.06 GB" or "12%".
  return end != cell.c_str();
}

}  // namespace

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(std::max(cells.size(), headers_.size()));
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out) const {
  const size_t ncols = headers_.size();
  std::vector<size_t> width(ncols, 0);
  std::vector<bool> numeric(ncols, true);
  for (size_t c = 0; c < ncols; ++c) {
    width[c] = headers_[c].size();
    bool any_value = false;
    for (const auto& row : rows_) {
      width[c] = std::max(width[c], row[c].size());
      if (!row[c].empty()) any_value = true;
      if (!LooksNumeric(row[c])) numeric[c] = false;
    }
    if (!any_value) numeric[c] = false;
  }
  auto print_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < ncols; ++c) {
      if (c > 0) line += "  ";
      const std::string& cell = cells[c];
      std::string pad(width[c] - std::min(width[c], cell.size()), ' ');
      line += numeric[c] ? pad + cell : cell + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  print_row(headers_);
  size_t total = 0;
  for (size_t c = 0; c < ncols; ++c) total += width[c] + (c > 0 ? 2 : 0);
  out << std::string(total, '-') << '\n';
  for (const auto& row : rows_) print_row(row);
}

std::string Table::ToString() const {
  std::ostringstream out;
  Print(out);
  return out.str();
}

std::string FormatFixed(double value, int decimals) {
  if (std::isnan(value)) return "-";
  return fmt::format("{:.{}f}", value, decimals);
}

std::string FormatCount(double value) {
  const double a = std::fabs(value);
  if (a >= 1e12) return fmt::format("{:.2f} T", value / 1e12);
  if (a >= 1e9) return fmt::format("{:.2f} B", value / 1e9);
  if (a >= 1e6) return fmt::format("{:.2f} M", value / 1e6);
  if (a >= 1e3) return fmt::format("{:.2f} K", value / 1e3);
  return fmt::format("{:.0f}", value);
}

std::string FormatBytes(double bytes) {
  const double a = std::fabs(bytes);
  if (a >= 1e12) return fmt::format("{:.2f} TB", bytes / 1e12);
  if (a >= 1e9) return fmt::format("{:.2f} GB", bytes / 1e9);
  if (a >= 1e6) return fmt::format("{:.2f} MB", bytes / 1e6);
  if (a >= 1e3) return fmt::format("{:.2f} KB", bytes / 1e3);
  return fmt::format("{:.0f} B", bytes);
}

}  // namespace infx
