#include "telemetry/exposition.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>

namespace infx::telemetry {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == ':';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return std::hash<std::string_view>{}(s);
  }
};

// Cursor over one line.
struct Line {
  std::string_view text;
  size_t pos = 0;
  bool done() const { return pos >= text.size(); }
  char peek() const { return text[pos]; }
  void SkipSpace() {
    while (pos < text.size() && IsSpace(text[pos])) ++pos;
  }
  std::string_view Token() {
    const size_t start = pos;
    while (pos < text.size() && !IsSpace(text[pos])) ++pos;
    return text.substr(start, pos - start);
  }
  std::string_view Name(bool allow_colon) {
    const size_t start = pos;
    if (pos < text.size() && IsNameStart(text[pos]) &&
        (allow_colon || text[pos] != ':')) {
      ++pos;
      while (pos < text.size() && IsNameChar(text[pos]) &&
             (allow_colon || text[pos] != ':')) {
        ++pos;
      }
    }
    return text.substr(start, pos - start);
  }
};

class Parser {
 public:
  Result<Exposition> Run(std::string_view text);

 private:
  Status Fail(const std::string& what) const {
    return Status::ParseError(fmt::format("line {}: {}", line_no_, what));
  }
  Status ParseComment(Line& line);
  Status ParseSample(Line& line);
  Status ParseLabels(Line& line, std::vector<Label>* labels);
  Status ParseQuoted(Line& line, std::string* out);
  size_t FamilyFor(std::string_view sample_name);
  size_t Declare(std::string_view name);

  Exposition out_;
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> index_;
  size_t line_no_ = 0;
  bool eof_ = false;
};

size_t Parser::Declare(std::string_view name) {
  auto it = index_.find(name);
  if (it != index_.end()) return it->second;
  out_.families.push_back(MetricFamily{std::string(name), {}, {}, {}});
  index_.emplace(std::string(name), out_.families.size() - 1);
  return out_.families.size() - 1;
}

// The family a sample belongs to: its declared name, or the base name of a
// histogram/summary/counter series (x_bucket, x_sum, x_count, x_created,
// x_total), else a new untyped family of its own.
size_t Parser::FamilyFor(std::string_view sample_name) {
  if (!out_.families.empty() && out_.families.back().name == sample_name) {
    return out_.families.size() - 1;
  }
  auto it = index_.find(sample_name);
  if (it != index_.end()) return it->second;
  static constexpr std::string_view kSuffixes[] = {
      "_bucket", "_sum", "_count", "_created", "_total", "_gsum", "_gcount"};
  for (std::string_view suffix : kSuffixes) {
    if (sample_name.size() <= suffix.size() || !sample_name.ends_with(suffix))
      continue;
    auto base =
        index_.find(sample_name.substr(0, sample_name.size() - suffix.size()));
    if (base == index_.end()) continue;
    const MetricType t = out_.families[base->second].type;
    const bool hist = t == MetricType::kHistogram;
    const bool summ = t == MetricType::kSummary;
    const bool counter = t == MetricType::kCounter;
    if ((suffix == "_bucket" && hist) ||
        ((suffix == "_sum" || suffix == "_count") && (hist || summ)) ||
        (suffix == "_created" && (hist || summ || counter)) ||
        (suffix == "_total" && counter) ||
        ((suffix == "_gsum" || suffix == "_gcount") && hist)) {
      return base->second;
    }
  }
  return Declare(sample_name);
}

Status Parser::ParseComment(Line& line) {
  ++line.pos;  // '#'
  line.SkipSpace();
  const std::string_view keyword = line.Token();
  if (keyword == "EOF") {
    eof_ = true;
    return Status::Ok();
  }
  if (keyword != "HELP" && keyword != "TYPE") return Status::Ok();  // comment
  line.SkipSpace();
  const std::string_view name = line.Name(true);
  if (name.empty())
    return Fail("# " + std::string(keyword) + " without a metric name");
  if (!line.done() && !IsSpace(line.peek())) {
    return Fail("bad metric name in # " + std::string(keyword));
  }
  line.SkipSpace();
  std::string_view rest = line.text.substr(line.pos);
  while (!rest.empty() && IsSpace(rest.back())) rest.remove_suffix(1);
  MetricFamily& family = out_.families[Declare(name)];
  if (keyword == "HELP") {
    family.help.clear();
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == '\\' && i + 1 < rest.size() &&
          (rest[i + 1] == '\\' || rest[i + 1] == 'n')) {
        family.help += rest[i + 1] == 'n' ? '\n' : '\\';
        ++i;
      } else {
        family.help += rest[i];
      }
    }
    return Status::Ok();
  }
  MetricType type;
  if (rest == "counter") {
    type = MetricType::kCounter;
  } else if (rest == "gauge") {
    type = MetricType::kGauge;
  } else if (rest == "histogram" || rest == "gaugehistogram") {
    type = MetricType::kHistogram;
  } else if (rest == "summary") {
    type = MetricType::kSummary;
  } else if (rest == "untyped" || rest == "unknown" || rest == "info" ||
             rest == "stateset") {
    type = MetricType::kUntyped;
  } else {
    return Fail(fmt::format("unknown metric type '{}' for {}", rest, name));
  }
  // A repeated TYPE with the same type is tolerated (pages concatenated
  // from several processes repeat their headers); a change is not.
  if (!family.samples.empty() && family.type != type) {
    return Fail(fmt::format("# TYPE for {} after its samples", name));
  }
  family.type = type;
  return Status::Ok();
}

Status Parser::ParseQuoted(Line& line, std::string* out) {
  ++line.pos;  // opening quote
  const std::string_view t = line.text;
  size_t start = line.pos;
  while (line.pos < t.size()) {
    const char c = t[line.pos];
    if (c == '"') {
      out->append(t.substr(start, line.pos - start));
      ++line.pos;
      return Status::Ok();
    }
    if (c == '\\') {
      out->append(t.substr(start, line.pos - start));
      if (line.pos + 1 >= t.size()) break;
      const char e = t[line.pos + 1];
      if (e == 'n') {
        *out += '\n';
      } else if (e == '\\' || e == '"') {
        *out += e;
      } else {
        return Fail(fmt::format("unknown escape '\\{}' in a label value", e));
      }
      line.pos += 2;
      start = line.pos;
      continue;
    }
    ++line.pos;
  }
  return Fail("unterminated label value");
}

Status Parser::ParseLabels(Line& line, std::vector<Label>* labels) {
  ++line.pos;  // '{'
  for (;;) {
    line.SkipSpace();
    if (line.done()) return Fail("unterminated label set");
    if (line.peek() == '}') {
      ++line.pos;
      return Status::Ok();
    }
    Label label;
    label.name = std::string(line.Name(false));
    if (label.name.empty()) {
      return Fail(fmt::format("bad label name at column {}", line.pos + 1));
    }
    line.SkipSpace();
    if (line.done() || line.peek() != '=') {
      return Fail("expected '=' after label " + label.name);
    }
    ++line.pos;
    line.SkipSpace();
    if (line.done() || line.peek() != '"') {
      return Fail("expected '\"' to open the value of label " + label.name);
    }
    INFX_RETURN_IF_ERROR(ParseQuoted(line, &label.value));
    labels->push_back(std::move(label));
    line.SkipSpace();
    if (line.done()) return Fail("unterminated label set");
    if (line.peek() == ',') {
      ++line.pos;
    } else if (line.peek() != '}') {
      return Fail(fmt::format("expected ',' or '}}' after label {}",
                              labels->back().name));
    }
  }
}

Status Parser::ParseSample(Line& line) {
  Sample sample;
  const std::string_view name = line.Name(true);
  if (name.empty()) {
    return Fail(fmt::format("expected a metric name, got '{}'",
                            line.text.substr(0, 40)));
  }
  sample.name = std::string(name);
  line.SkipSpace();
  if (!line.done() && line.peek() == '{') {
    INFX_RETURN_IF_ERROR(ParseLabels(line, &sample.labels));
    line.SkipSpace();
  }
  if (line.done()) return Fail("sample " + sample.name + " has no value");
  const std::string_view value_text = line.Token();
  const std::optional<double> value = ParsePromNumber(value_text);
  if (!value) {
    return Fail(
        fmt::format("sample {} has a bad value '{}'", sample.name, value_text));
  }
  sample.value = *value;
  line.SkipSpace();
  if (!line.done() && line.peek() != '#') {  // '#': an OpenMetrics exemplar
    const std::string_view ts = line.Token();
    // OpenMetrics writes seconds with a fraction; 0.0.4 integer ms.
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), ms);
    if (ec == std::errc() && end == ts.data() + ts.size()) {
      sample.timestamp_ms = ms;
    } else if (auto s = ParsePromNumber(ts); s && std::isfinite(*s)) {
      sample.timestamp_ms = static_cast<int64_t>(std::llround(*s * 1000));
    } else {
      return Fail(
          fmt::format("sample {} has a bad timestamp '{}'", sample.name, ts));
    }
    line.SkipSpace();
    if (!line.done() && line.peek() != '#') {
      return Fail("unexpected text after the timestamp of " + sample.name);
    }
  }
  out_.families[FamilyFor(sample.name)].samples.push_back(std::move(sample));
  return Status::Ok();
}

Result<Exposition> Parser::Run(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size() && !eof_) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    Line line{text.substr(pos, nl - pos)};
    pos = nl + 1;
    ++line_no_;
    if (!line.text.empty() && line.text.back() == '\r') {
      line.text.remove_suffix(1);
    }
    line.SkipSpace();
    if (line.done()) continue;
    if (line.peek() == '#') {
      INFX_RETURN_IF_ERROR(ParseComment(line));
    } else {
      INFX_RETURN_IF_ERROR(ParseSample(line));
    }
  }
  return std::move(out_);
}

}  // namespace

std::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kUntyped:
      break;
  }
  return "untyped";
}

const std::string* Sample::FindLabel(std::string_view label) const {
  for (const Label& l : labels) {
    if (l.name == label) return &l.value;
  }
  return nullptr;
}

const MetricFamily* Exposition::Find(std::string_view name) const {
  for (const MetricFamily& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::optional<double> ParsePromNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool negative = false;
  std::string_view body = text;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return std::nullopt;
  if (EqualsNoCase(body, "nan")) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (EqualsNoCase(body, "inf") || EqualsNoCase(body, "infinity")) {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (!((body[0] >= '0' && body[0] <= '9') || body[0] == '.')) {
    return std::nullopt;
  }
  double v = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec != std::errc() || end != body.data() + body.size()) {
    // from_chars reports out-of-range for values like 1e999: Go's
    // ParseFloat (Prometheus) gives +-Inf there.
    if (ec == std::errc::result_out_of_range &&
        end == body.data() + body.size()) {
      const bool tiny = body.find("e-") != std::string_view::npos ||
                        body.find("E-") != std::string_view::npos;
      v = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    } else {
      return std::nullopt;
    }
  }
  return negative ? -v : v;
}

Result<Exposition> ParseExposition(std::string_view text) {
  Parser parser;
  return parser.Run(text);
}

}  // namespace infx::telemetry
