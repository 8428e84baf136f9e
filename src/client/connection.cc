#include "client/connection.h"

#include <sys/socket.h>

#include <array>
#include <boost/beast/core/buffers_suffix.hpp>
#include <cerrno>

namespace infx::client {

namespace asio = boost::asio;

Connection::Connection(asio::io_context& io, asio::ssl::context* tls_context,
                       const ReaderOptions& reader_options, size_t read_bytes)
    : raw(std::max<size_t>(read_bytes, 512)), reader(reader_options) {
  if (tls_context != nullptr) {
    tls.emplace(io, *tls_context);
  } else {
    plain.emplace(io);
  }
}

void Connection::Close() { transport().Close(); }

bool Connection::Reusable() {
  if (!socket().is_open()) return false;
  char byte;
  ssize_t n =
      ::recv(socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
  if (n == 0) return false;  // the server closed it (FIN)
  // Unasked-for bytes: on plain HTTP a protocol error (often a 408 before
  // a close); under TLS they may be a session ticket, which is harmless.
  return tls.has_value();
}

void Connection::BuildHead(const std::string& target,
                           const std::string& header_prefix,
                           const std::string& request_id, size_t body_bytes) {
  head.clear();
  head.append("POST ").append(target).append(" HTTP/1.1\r\n");
  head.append(header_prefix).append("X-Request-Id: ").append(request_id);
  head.append("\r\nContent-Length: ")
      .append(std::to_string(body_bytes))
      .append("\r\n\r\n");
}

std::optional<size_t> Connection::WriteNow(const std::string& body) {
  std::array<asio::const_buffer, 2> buffers = {asio::buffer(head),
                                               asio::buffer(body)};
  boost::beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(buffers);
  size_t written = 0;
  const size_t total = head.size() + body.size();
  while (written < total) {
    boost::system::error_code ec;
    size_t n = plain->socket().write_some(rest, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) return std::nullopt;
    written += n;
    rest.consume(n);
  }
  return written;
}

}  // namespace infx::client
