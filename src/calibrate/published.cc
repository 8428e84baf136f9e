#include "calibrate/published.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>

#include "common/precision.h"

namespace infx::calibrate {
namespace {

constexpr size_t kRequiredColumns = 14;

// One CSV record: comma-separated, fields optionally in double quotes
// ("" inside quotes is a quote). Whitespace around fields is trimmed.
Result<std::vector<std::string>> SplitCsv(const std::string& line,
                                          const std::string& where) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(field);
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (quoted) return Status::ParseError(where + ": unterminated quote");
  out.push_back(field);
  for (std::string& f : out) {
    const auto b = f.find_first_not_of(" \t");
    const auto e = f.find_last_not_of(" \t");
    f = b == std::string::npos ? "" : f.substr(b, e - b + 1);
  }
  return out;
}

struct Cells {
  const std::map<std::string, std::string>* values;
  std::string where;

  std::string Text(const std::string& col) const {
    auto it = values->find(col);
    return it == values->end() ? "" : it->second;
  }
  template <typename T>
  Result<T> Number(const std::string& col, T fallback, T min) const {
    const std::string s = Text(col);
    if (s.empty()) return fallback;
    T v{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || !(v >= min)) {
      return Status::InvalidArgument(fmt::format(
          "{}: column '{}': '{}' is not a number >= {}", where, col, s, min));
    }
    return v;
  }
};

Status ParseLoad(const Cells& c, PublishedRow& r) {
  const std::string conc = c.Text("concurrency");
  if (conc == "max" || conc == "max throughput") {
    r.concurrency = 0;
  } else {
    INFX_ASSIGN_OR_RETURN(r.concurrency,
                          c.Number<int64_t>("concurrency", -1, 1));
    if (r.concurrency < 1) {
      return Status::InvalidArgument(
          c.where + ": column 'concurrency' is required (a number or 'max')");
    }
  }
  INFX_ASSIGN_OR_RETURN(r.output_tok_s_per_gpu,
                        c.Number<double>("output_tok_s_per_gpu", 0, 0));
  if (!(r.output_tok_s_per_gpu > 0)) {
    return Status::InvalidArgument(
        c.where + ": column 'output_tok_s_per_gpu' must be > 0");
  }
  INFX_ASSIGN_OR_RETURN(r.ttft_ms, c.Number<double>("ttft_ms", 0, 0));
  INFX_ASSIGN_OR_RETURN(r.tpot_ms, c.Number<double>("tpot_ms", 0, 0));
  INFX_ASSIGN_OR_RETURN(r.max_num_seqs,
                        c.Number<int64_t>("max_num_seqs", 0, 1));
  return Status::Ok();
}

Result<PublishedRow> ParseRow(const Cells& c) {
  PublishedRow r;
  for (const std::string& col : PublishedColumns()) {
    if (&col - &PublishedColumns()[0] >= static_cast<long>(kRequiredColumns))
      break;
    if (c.Text(col).empty()) {
      return Status::InvalidArgument(
          fmt::format("{}: column '{}' is empty", c.where, col));
    }
  }
  r.source_url = c.Text("source_url");
  r.model = c.Text("model");
  r.hardware = c.Text("hardware");
  r.engine = c.Text("engine");
  r.engine_version = c.Text("engine_version");
  r.precision = c.Text("precision");
  if (!ParsePrecision(r.precision).ok()) {
    return Status::InvalidArgument(
        fmt::format("{}: column 'precision': unknown precision '{}'", c.where,
                    r.precision));
  }
  INFX_ASSIGN_OR_RETURN(r.tp, c.Number<int>("tp", 1, 1));
  INFX_ASSIGN_OR_RETURN(r.ep, c.Number<int>("ep", 1, 1));
  INFX_ASSIGN_OR_RETURN(r.pp, c.Number<int>("pp", 1, 1));
  const std::string dpa = c.Text("dp_attention");
  if (dpa != "true" && dpa != "false" && !dpa.empty()) {
    return Status::InvalidArgument(fmt::format(
        "{}: column 'dp_attention': '{}' is not true or false", c.where, dpa));
  }
  r.dp_attention = dpa == "true";
  INFX_ASSIGN_OR_RETURN(r.isl, c.Number<int64_t>("isl", 0, 1));
  INFX_ASSIGN_OR_RETURN(r.osl, c.Number<int64_t>("osl", 0, 1));
  INFX_ASSIGN_OR_RETURN(r.range_ratio,
                        c.Number<double>("range_ratio", 1.0, 0.0));
  if (r.range_ratio > 1) {
    return Status::InvalidArgument(c.where +
                                   ": column 'range_ratio' must be in [0, 1]");
  }
  INFX_RETURN_IF_ERROR(ParseLoad(c, r));
  return r;
}

}  // namespace

const std::vector<std::string>& PublishedColumns() {
  static const std::vector<std::string> kColumns = {
      "source_url", "model", "hardware", "engine", "engine_version",
      "precision", "tp", "ep", "pp", "dp_attention", "isl", "osl",
      "concurrency", "output_tok_s_per_gpu",
      // optional
      "ttft_ms", "tpot_ms", "range_ratio", "max_num_seqs"};
  return kColumns;
}

Result<std::vector<PublishedRow>> ParsePublishedCsv(const std::string& text,
                                                    const std::string& path) {
  std::istringstream in(text);
  std::vector<std::string> header;
  std::vector<PublishedRow> rows;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    const std::string where = fmt::format("{}:{}", path, line_no);
    if (line.find_first_not_of(" \t\r") == std::string::npos ||
        line[line.find_first_not_of(" \t")] == '#') {
      continue;
    }
    INFX_ASSIGN_OR_RETURN(std::vector<std::string> fields,
                          SplitCsv(line, where));
    if (header.empty()) {
      for (const std::string& f : fields) {
        const auto& cols = PublishedColumns();
        if (std::find(cols.begin(), cols.end(), f) == cols.end()) {
          return Status::InvalidArgument(fmt::format(
              "{}: unknown column '{}' (docs/calibration.md)", where, f));
        }
      }
      for (size_t i = 0; i < kRequiredColumns; ++i) {
        const std::string& col = PublishedColumns()[i];
        if (std::find(fields.begin(), fields.end(), col) == fields.end()) {
          return Status::InvalidArgument(fmt::format(
              "{}: header lacks the required column '{}'", where, col));
        }
      }
      header = fields;
      continue;
    }
    if (fields.size() != header.size()) {
      return Status::InvalidArgument(
          fmt::format("{}: {} fields, the header has {}", where, fields.size(),
                      header.size()));
    }
    std::map<std::string, std::string> values;
    for (size_t i = 0; i < header.size(); ++i) values[header[i]] = fields[i];
    INFX_ASSIGN_OR_RETURN(PublishedRow row, ParseRow(Cells{&values, where}));
    row.line = line_no;
    rows.push_back(std::move(row));
  }
  if (rows.empty()) {
    return Status::InvalidArgument(path +
                                   ": no rows (a header and at least "
                                   "one row, docs/calibration.md)");
  }
  return rows;
}

}  // namespace infx::calibrate
