#include "eval/fetch.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <exception>

#include "client/url.h"
#include "common/files.h"

namespace infx::eval {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr const char* kGsm8kBase =
    "https://raw.githubusercontent.com/openai/grade-school-math/master/"
    "grade_school_math/data";

template <typename Stream>
std::string Exchange(Stream& stream, const client::Url& url) {
  http::request<http::empty_body> req{http::verb::get,
                                      url.path.empty() ? "/" : url.path, 11};
  req.set(http::field::host, url.HostHeader());
  req.set(http::field::user_agent, "infx-data-fetch");
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  http::read(stream, buffer, parser);
  const auto& res = parser.get();
  if (res.result() != http::status::ok) {
    throw std::runtime_error(fmt::format("HTTP {}", res.result_int()));
  }
  return res.body();
}

std::string Get(const client::Url& url, double timeout_s) {
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(url.host, std::to_string(url.port));
  const auto timeout =
      std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  if (!url.tls()) {
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    stream.connect(endpoints);
    return Exchange(stream, url);
  }
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_default_verify_paths();
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    throw std::runtime_error("cannot set TLS server name");
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  beast::get_lowest_layer(stream).expires_after(timeout);
  beast::get_lowest_layer(stream).connect(endpoints);
  stream.handshake(asio::ssl::stream_base::client);
  return Exchange(stream, url);
}

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
  try {
    return Get(url, timeout_s);
  } catch (const std::exception& e) {
    return Status::Unavailable("cannot download " + url_text + ": " + e.what());
  }
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
