// Table: the aligned text tables every human-facing command prints.
// Columns are left-aligned for text and right-aligned for numbers (a column
// is numeric when every non-empty cell parses as a number).
//
// Thread-safety: not thread-safe; build and print from one thread.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace infx {

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Adds one row; a row shorter than the header is padded with "".
  void AddRow(std::vector<std::string> cells);
  size_t num_rows() const { return rows_.size(); }

  // Writes the header, a rule, and the rows, columns separated by two spaces.
  void Print(std::ostream& out) const;
  std::string ToString() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Fixed-point formatting helpers for table cells.
std::string FormatFixed(double value, int decimals);
// 1234567 -> "1.23 M", 8.03e9 -> "8.03 B", 1.03e12 -> "1.03 T".
std::string FormatCount(double value);
// Bytes in decimal units: 16.06e9 -> "16.06 GB".
std::string FormatBytes(double bytes);

}  // namespace infx
