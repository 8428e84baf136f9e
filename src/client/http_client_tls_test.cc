// HttpClient over https: a TLS server with a throwaway self-signed
// certificate (made in memory) streams SSE; the client must read it with
// verification off and refuse it with verification on.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <string>
#include <thread>
#include <vector>

#include "client/http_client.h"

namespace infx::client {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using metrics::ErrorKind;
using metrics::RequestRecord;

// A server context holding a fresh P-256 key and a self-signed certificate
// for CN=localhost, valid for an hour.
void UseSelfSignedCertificate(ssl::context& ctx) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  SSL_CTX_use_certificate(ctx.native_handle(), cert);
  SSL_CTX_use_PrivateKey(ctx.native_handle(), key);
  X509_free(cert);
  EVP_PKEY_free(key);
}

std::string Chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

// Serves one TLS connection: each request gets a two-token SSE stream.
class TlsServer {
 public:
  TlsServer()
      : ctx_(ssl::context::tls_server),
        acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    UseSelfSignedCertificate(ctx_);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TlsServer() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  uint16_t port() const { return port_; }
  int requests() const { return requests_; }

 private:
  void Serve() {
    boost::system::error_code ec;
    tcp::socket socket(io_);
    acceptor_.accept(socket, ec);
    if (ec) return;
    ssl::stream<tcp::socket> stream(std::move(socket), ctx_);
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) return;  // the client refused the certificate
    asio::streambuf buf;
    while (!ec) {
      size_t n = asio::read_until(stream, buf, "\r\n\r\n", ec);
      if (ec) break;
      std::string head(asio::buffers_begin(buf.data()),
                       asio::buffers_begin(buf.data()) + n);
      buf.consume(n);
      size_t at = head.find("Content-Length: ");
      size_t length = std::stoul(head.substr(at + 16));
      while (buf.size() < length && !ec) {
        asio::read(stream, buf, asio::transfer_exactly(length - buf.size()),
                   ec);
      }
      buf.consume(length);
      ++requests_;
      std::string body;
      for (const char* t : {"x", "y"}) {
        body +=
            Chunk(std::string("data: {\"choices\":[{\"index\":0,\"text\":\"") +
                  t + "\",\"finish_reason\":null}]}\n\n");
      }
      body += Chunk("data: [DONE]\n\n") + "0\r\n\r\n";
      asio::write(
          stream,
          asio::buffer(
              std::string(
                  "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n") +
              body),
          ec);
    }
  }

  asio::io_context io_;
  ssl::context ctx_;
  tcp::acceptor acceptor_;
  uint16_t port_ = acceptor_.local_endpoint().port();
  std::thread thread_;
  std::atomic<int> requests_{0};
};

std::vector<RequestRecord> RunTls(uint16_t port, bool verify, int n) {
  asio::io_context io;
  ClientOptions options;
  options.base = *ParseUrl("https://127.0.0.1:" + std::to_string(port));
  options.verify_tls = verify;
  options.capture_text = true;
  options.request_timeout_s = 10;
  HttpClient client(io, options);
  std::vector<RequestRecord> records(n);
  PreparedRequest req{"/v1/completions", "{\"prompt\":\"hi\"}"};
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (RequestRecord& r : records) co_await client.Stream(req, &r);
      },
      asio::detached);
  io.run();
  return records;
}

TEST(HttpClientTlsTest, StreamsOverTlsWithVerificationOff) {
  TlsServer server;
  auto records = RunTls(server.port(), /*verify=*/false, 2);
  for (const RequestRecord& r : records) {
    EXPECT_TRUE(r.ok()) << r.error_message;
    EXPECT_EQ(r.text, "xy");
    ASSERT_EQ(r.chunk_ns.size(), 2u);
    EXPECT_GE(r.chunk_ns[0], r.send_ns);
    EXPECT_LE(r.chunk_ns[0], r.chunk_ns[1]);
  }
  EXPECT_EQ(server.requests(), 2);  // both on one kept-alive TLS connection
}

TEST(HttpClientTlsTest, RefusesAnUntrustedCertificate) {
  TlsServer server;
  auto records = RunTls(server.port(), /*verify=*/true, 1);
  EXPECT_EQ(records[0].error, ErrorKind::kConnectFailed)
      << records[0].error_message;
  EXPECT_NE(records[0].error_message.find("TLS handshake"), std::string::npos);
  EXPECT_EQ(server.requests(), 0);
}

}  // namespace
}  // namespace infx::client
