// `infx data fetch gsm8k`: downloads the GSM8K splits from their public home
// (github.com/openai/grade-school-math, raw files over https) and verifies
// each file's SHA-256 before it is written. The download is the client's
// control-plane GET (client/http_get.h: https with peer verification).
//
// Failure modes: no network / DNS / TLS / non-200 -> Unavailable naming the
// URL and the cause; a checksum mismatch -> FailedPrecondition naming the
// file and both digests; nothing is written unless the checksum matches.
//
// Thread-safety: free functions; no shared state.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace infx::eval {

struct FetchFile {
  std::string name;    // "test.jsonl"
  std::string url;     // where it is downloaded from
  std::string sha256;  // expected lowercase hex digest
};

// The two GSM8K splits. `base_url` replaces the default host and directory
// ("https://raw.githubusercontent.com/openai/grade-school-math/master/
// grade_school_math/data") for mirrors.
std::vector<FetchFile> Gsm8kFiles(const std::string& base_url = "");

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// GET `url` (http or https), following no redirects; the body on 200.
Result<std::string> HttpGet(const std::string& url, double timeout_s);

struct FetchedFile {
  std::filesystem::path path;
  bool downloaded = false;  // false: already present with the right digest
};

// Makes `dir` hold every file of `files`, verified. Files already present
// with the expected digest are kept as they are.
Result<std::vector<FetchedFile>> FetchFiles(const std::vector<FetchFile>& files,
                                            const std::filesystem::path& dir,
                                            double timeout_s);

}  // namespace infx::eval
