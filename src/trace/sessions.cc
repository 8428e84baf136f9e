#include "trace/sessions.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "common/jsonl.h"

namespace infx::trace {
namespace {

using nlohmann::json;

Result<int64_t> Int(const json& j, const char* key, int64_t min,
                    const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer() || it->get<int64_t>() < min) {
    return Status::ParseError(
        fmt::format("{}: '{}' must be an integer >= {}", where, key, min));
  }
  return it->get<int64_t>();
}

Result<std::vector<int64_t>> HashIds(const json& j, const std::string& where) {
  std::vector<int64_t> ids;
  auto it = j.find("hash_ids");
  if (it == j.end()) return ids;
  if (!it->is_array())
    return Status::ParseError(where + ": 'hash_ids' must be a list");
  for (const json& id : *it) {
    if (!id.is_number_integer())
      return Status::ParseError(where + ": 'hash_ids' must hold integers");
    ids.push_back(id.get<int64_t>());
  }
  return ids;
}

struct JsonlSessions {
  std::vector<SessionTrace> sessions;
  std::map<std::string, size_t> index;                     // session -> pos
  std::vector<std::map<std::string, size_t>> request_ids;  // per session
};

Status AddAgenticRow(const json& j, const std::string& where, int64_t block,
                     JsonlSessions& s) {
  auto sid = j.find("session_id");
  auto rid = j.find("id");
  if (sid == j.end() || !sid->is_string() || rid == j.end() ||
      !rid->is_string()) {
    return Status::ParseError(where +
                              ": 'session_id' and 'id' must be strings");
  }
  auto [pos, added] = s.index.try_emplace(*sid, s.sessions.size());
  if (added) {
    s.sessions.push_back({sid->get<std::string>(), {}, false});
    s.request_ids.emplace_back();
  }
  SessionTrace& session = s.sessions[pos->second];
  auto& ids = s.request_ids[pos->second];
  SessionRequest r;
  r.id = rid->get<std::string>();
  if (ids.contains(r.id))
    return Status::ParseError(where + ": duplicate id '" + r.id + "'");
  INFX_ASSIGN_OR_RETURN(r.input_tokens, Int(j, "input_tokens", 1, where));
  INFX_ASSIGN_OR_RETURN(r.output_tokens, Int(j, "output_tokens", 1, where));
  INFX_ASSIGN_OR_RETURN(r.hash_ids, HashIds(j, where));
  if (static_cast<int64_t>(r.hash_ids.size()) * block > r.input_tokens) {
    return Status::InvalidArgument(
        fmt::format("{}: {} hash_ids of {} tokens do not fit input_tokens {}",
                    where, r.hash_ids.size(), block, r.input_tokens));
  }
  r.delay_s = j.value("delay_s", 0.0);
  if (!(r.delay_s >= 0)) return Status::ParseError(where + ": bad 'delay_s'");
  if (auto after = j.find("after"); after != j.end()) {
    if (!after->is_array())
      return Status::ParseError(where + ": 'after' must be a list of ids");
    for (const json& a : *after) {
      auto found = a.is_string() ? ids.find(a.get<std::string>()) : ids.end();
      if (found == ids.end()) {
        return Status::ParseError(where + ": 'after' names " + a.dump() +
                                  ", not an earlier id of session '" +
                                  session.id + "'");
      }
      r.after.push_back(found->second);
    }
  }
  ids[r.id] = session.requests.size();
  session.requests.push_back(std::move(r));
  return Status::Ok();
}

// One WEKA conversation; `salt` keeps its hash ids apart from other files'.
Status AddWekaRequests(const json& requests, const std::string& where,
                       int64_t salt, SessionTrace& s,
                       std::vector<size_t> after_start) {
  std::vector<size_t> after = std::move(after_start);
  std::vector<size_t> pending_subagents;  // joined by the next request
  for (size_t i = 0; i < requests.size(); ++i) {
    const json& q = requests[i];
    const std::string at = fmt::format("{} request {}", where, i);
    if (!q.is_object()) return Status::ParseError(at + ": expected an object");
    if (q.value("type", "") == "subagent") {
      auto nested = q.find("requests");
      if (nested == q.end() || !nested->is_array()) continue;
      const size_t before = s.requests.size();
      INFX_RETURN_IF_ERROR(
          AddWekaRequests(*nested, at + " subagent", salt, s, after));
      if (s.requests.size() > before)
        pending_subagents.push_back(s.requests.size() - 1);
      continue;
    }
    SessionRequest r;
    r.id = fmt::format("{}", s.requests.size());
    INFX_ASSIGN_OR_RETURN(r.input_tokens, Int(q, "in", 1, at));
    auto out = q.find("out");
    r.output_tokens = out != q.end() && out->is_number_integer()
                          ? std::max<int64_t>(1, out->get<int64_t>())
                          : 1;
    INFX_ASSIGN_OR_RETURN(r.hash_ids, HashIds(q, at));
    for (int64_t& id : r.hash_ids) id += salt;
    if (static_cast<int64_t>(r.hash_ids.size()) * 64 > r.input_tokens) {
      return Status::InvalidArgument(
          fmt::format("{}: {} hash_ids of 64 tokens do not fit in {}", at,
                      r.hash_ids.size(), r.input_tokens));
    }
    r.delay_s = std::max(0.0, q.value("think_time", 0.0));
    r.after = after;
    r.after.insert(r.after.end(), pending_subagents.begin(),
                   pending_subagents.end());
    pending_subagents.clear();
    after = {s.requests.size()};
    s.requests.push_back(std::move(r));
  }
  return Status::Ok();
}

Status AddWekaConversation(const json& doc, const std::string& where,
                           std::vector<SessionTrace>& out) {
  if (!doc.is_object() || !doc.contains("requests") ||
      !doc["requests"].is_array()) {
    return Status::ParseError(where +
                              ": expected a WEKA trace object with "
                              "'requests'");
  }
  if (doc.value("block_size", 64) != 64) {
    return Status::InvalidArgument(where + ": block_size " +
                                   doc["block_size"].dump() +
                                   " (WEKA traces use 64)");
  }
  SessionTrace s;
  s.id = doc.value("id", fmt::format("trace{}", out.size()));
  const auto salt = static_cast<int64_t>(out.size()) << 40;
  INFX_RETURN_IF_ERROR(AddWekaRequests(doc["requests"], where, salt, s, {}));
  out.push_back(std::move(s));
  return Status::Ok();
}

}  // namespace

Result<std::vector<SessionTrace>> ParseAgenticJsonl(const std::string& text,
                                                    const std::string& what,
                                                    int64_t hash_block_size) {
  if (hash_block_size < 1)
    return Status::InvalidArgument("--hash-block-size must be >= 1");
  JsonlSessions s;
  INFX_RETURN_IF_ERROR(ForEachJsonObjectLine(
      text, what, [&](const json& j, const std::string& where) {
        return AddAgenticRow(j, where, hash_block_size, s);
      }));
  if (s.sessions.empty()) return Status::InvalidArgument(what + ": no rows");
  return std::move(s.sessions);
}

Result<std::vector<SessionTrace>> LoadAgenticJsonl(const std::string& path,
                                                   int64_t hash_block_size) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok())
    return Status::NotFound("cannot open trace file '" + path + "'");
  return ParseAgenticJsonl(*text, path, hash_block_size);
}

Result<std::vector<SessionTrace>> LoadWekaTrace(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok())
    return Status::NotFound("cannot open trace file '" + path + "'");
  std::vector<SessionTrace> out;
  const size_t first = text->find_first_not_of(" \t\r\n");
  json doc = json::parse(*text, nullptr, false);
  if (!doc.is_discarded()) {
    INFX_RETURN_IF_ERROR(AddWekaConversation(doc, path, out));
  } else if (first != std::string::npos && (*text)[first] == '{') {
    INFX_RETURN_IF_ERROR(ForEachJsonObjectLine(
        *text, path, [&](const json& j, const std::string& where) {
          return AddWekaConversation(j, where, out);
        }));
  } else {
    return Status::ParseError(path + ": not a WEKA trace (JSON object)");
  }
  if (out.empty()) return Status::InvalidArgument(path + ": no traces");
  return out;
}

Result<std::vector<SessionTrace>> LoadShareGptSessions(
    const std::string& path) {
  INFX_ASSIGN_OR_RETURN(json doc, ReadJsonFile(path));
  if (!doc.is_array()) {
    return Status::ParseError(path + ": ShareGPT file must be a JSON array");
  }
  std::vector<SessionTrace> out;
  for (size_t e = 0; e < doc.size(); ++e) {
    const json& entry = doc[e];
    if (!entry.is_object() || !entry.contains("conversations") ||
        !entry["conversations"].is_array()) {
      return Status::ParseError(
          fmt::format("{}: entry {} has no 'conversations' list", path, e));
    }
    SessionTrace s;
    s.chat_history = true;
    s.id = entry.value("id", fmt::format("conv{}", e));
    for (const json& m : entry["conversations"]) {
      if (!m.is_object() || !m.contains("value") || !m["value"].is_string())
        continue;
      const std::string from = m.value("from", "");
      const std::string& value = m["value"].get_ref<const std::string&>();
      if (from == "human" || from == "user") {
        SessionRequest r;
        r.id = std::to_string(s.requests.size());
        if (!s.requests.empty()) r.after = {s.requests.size() - 1};
        r.user_text = value;
        r.output_tokens = 256;
        s.requests.push_back(std::move(r));
      } else if (!s.requests.empty()) {  // gpt: the previous turn's length
        s.requests.back().output_tokens =
            std::max<int64_t>(4, static_cast<int64_t>((value.size() + 3) / 4));
      }
    }
    if (!s.requests.empty()) out.push_back(std::move(s));
  }
  if (out.empty()) return Status::InvalidArgument(path + ": no conversations");
  return out;
}

}  // namespace infx::trace
