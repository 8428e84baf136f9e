#include "eval/fetch.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include "client/http_get.h"
#include "client/url.h"
#include "common/files.h"

namespace infx::eval {
namespace {

constexpr const char* kGsm8kBase =
    "https://raw.githubusercontent.com/openai/grade-school-math/master/"
    "grade_school_math/data";

}  // namespace

std::vector<FetchFile> Gsm8kFiles(const std::string& base_url) {
  const std::string base = base_url.empty() ? kGsm8kBase : base_url;
  // Digests of the published files (MIT license, OpenAI 2021).
  return {
      {"test.jsonl", base + "/test.jsonl",
       "3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14"},
      {"train.jsonl", base + "/train.jsonl",
       "17f347dc51477c50d4efb83959dbb7c56297aba886e5544ee2aaed3024813465"},
  };
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i)
    hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

Result<std::string> HttpGet(const std::string& url_text, double timeout_s) {
  INFX_ASSIGN_OR_RETURN(client::Url url, client::ParseUrl(url_text));
  client::GetOptions options;
  options.timeout_s = timeout_s;
  options.user_agent = "infx-data-fetch";
  auto reply = client::HttpGet(url, "", options);
  if (!reply.ok()) {
    return Status::Unavailable("cannot download " + url_text + ": " +
                               reply.status().message());
  }
  if (reply->status != 200) {
    return Status::Unavailable(
        fmt::format("cannot download {}: HTTP {}", url_text, reply->status));
  }
  return std::move(reply->body);
}

Result<std::vector<FetchedFile>> FetchFiles(const std::vector<FetchFile>& files,
                                            const std::filesystem::path& dir,
                                            double timeout_s) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Status::IoError("cannot create " + dir.string() + ": " +
                           ec.message());
  }
  std::vector<FetchedFile> out;
  for (const FetchFile& f : files) {
    FetchedFile fetched{dir / f.name, false};
    Result<std::string> existing = ReadFile(fetched.path);
    if (existing.ok() && Sha256Hex(*existing) == f.sha256) {
      out.push_back(fetched);
      continue;
    }
    Result<std::string> body = HttpGet(f.url, timeout_s);
    if (!body.ok()) {
      return Status::Unavailable(
          body.status().message() + " (no network? copy " + f.name +
          " with SHA-256 " + f.sha256 + " into " + dir.string() + " by hand)");
    }
    const std::string digest = Sha256Hex(*body);
    if (digest != f.sha256) {
      return Status::FailedPrecondition(
          f.url + ": SHA-256 mismatch: expected " + f.sha256 + ", got " +
          digest + " (file not written)");
    }
    INFX_RETURN_IF_ERROR(WriteFileAtomic(fetched.path, *body));
    fetched.downloaded = true;
    out.push_back(fetched);
  }
  return out;
}

}  // namespace infx::eval
