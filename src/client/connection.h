// Connection: one keep-alive HTTP/1.1 connection of the client (plain TCP
// or TLS over a TimestampedSocket), with the scratch its requests reuse:
// the request head, the read buffer and the ResponseReader. It also holds
// what the client's deadline sweep needs (deadlines, and who closed it).
//
// Thread-safety: like the socket: used on the client's one thread only.
#pragma once

// clang-format off
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>  // before asio/awaitable.hpp, which needs std::exchange
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
// clang-format on

#include "client/response_reader.h"
#include "client/timestamped_socket.h"

namespace infx::client {

constexpr int64_t kNeverNs = std::numeric_limits<int64_t>::max();

struct Connection {
  // Who closed the socket under a pending operation.
  enum class ClosedBy { kNone, kDeadline, kIdle, kStop };

  // `tls` null: plain TCP. `read_bytes`: bytes asked for per read.
  Connection(boost::asio::io_context& io, boost::asio::ssl::context* tls,
             const ReaderOptions& reader_options, size_t read_bytes);

  TimestampedSocket& transport() { return tls ? tls->next_layer() : *plain; }
  boost::asio::ip::tcp::socket& socket() { return transport().socket(); }
  void Close();

  // Whether a kept-alive idle connection can carry another request: a
  // non-blocking peek (as curl does before reusing one) finds neither the
  // server's FIN nor an error, nor (plain TCP) bytes nobody asked for.
  bool Reusable();

  // Builds `head` (request line and headers) for a POST of `body_bytes`.
  void BuildHead(const std::string& target, const std::string& header_prefix,
                 const std::string& request_id, size_t body_bytes);
  // Writes as much of head + body as the socket takes now, without
  // blocking (plain TCP only); the bytes written, or nullopt on an error.
  std::optional<size_t> WriteNow(const std::string& body);

  std::optional<TimestampedSocket> plain;
  std::optional<boost::asio::ssl::stream<TimestampedSocket>> tls;
  std::vector<char> raw;  // one read's bytes
  std::string head;       // request line and headers of the current request
  ResponseReader reader;
  int64_t deadline_ns = 0;              // the whole request
  int64_t idle_deadline_ns = kNeverNs;  // the next body bytes (mid-stream)
  bool body_activity = false;  // body bytes since the sweep last looked
  ClosedBy closed_by = ClosedBy::kNone;
  size_t active_index = SIZE_MAX;  // position in the client's active list
};

}  // namespace infx::client
