// TimestampedSocket: a TCP socket (Asio AsyncReadStream/AsyncWriteStream,
// so Beast and asio::ssl::stream layer on it) whose reads go through
// recvmsg with kernel receive timestamps (http/rx_timestamp.h). After each
// read, last_rx_ns() is when the kernel took in the newest bytes returned
// and last_read_ns() when this process read them; the client dates SSE
// events by the first and reports the gap as its own read lag.
//
// A read tries the socket at once unless the previous one drained it, and
// waits for readiness when it is empty; completions are never invoked
// inside the initiating call. With a ReadinessPoller (UsePoller), the wait
// is the poller's edge-triggered one (the socket is registered once);
// without, Asio's per-read wait. Close() ends a pending read with
// operation_aborted either way.
//
// With a poller, async_read_each() takes every read of a whole response:
// each wake-up reads the socket until it is drained and hands each read to
// a ReadSink, without an asynchronous operation (or coroutine resumption)
// per read; the operation completes once, when the sink is done.
//
// Thread-safety: like tcp::socket: one thread (the io_context's) at a time.
#pragma once

// clang-format off
#include <utility>  // before asio/awaitable.hpp, which needs std::exchange
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
// clang-format on

#include "client/readiness_poller.h"
#include "http/rx_timestamp.h"

namespace infx::client {

// A move-only void(error_code) callable stored in place (on the heap only
// when larger than the inline room): a read waiting for the poller.
class PendingRead {
 public:
  using error_code = boost::system::error_code;
  PendingRead() = default;
  ~PendingRead() { Reset(); }
  PendingRead(const PendingRead&) = delete;
  PendingRead& operator=(const PendingRead&) = delete;

  template <typename F>
  void Set(F&& f) {
    using T = std::decay_t<F>;
    Reset();
    if constexpr (sizeof(T) <= kInline &&
                  alignof(T) <= alignof(std::max_align_t)) {
      object_ = new (storage_) T(std::forward<F>(f));
      destroy_ = [](void* p) { static_cast<T*>(p)->~T(); };
    } else {
      object_ = new T(std::forward<F>(f));
      destroy_ = [](void* p) { delete static_cast<T*>(p); };
    }
    call_ = [](PendingRead* self, error_code ec) {
      T f(std::move(*static_cast<T*>(self->object_)));
      self->Reset();
      std::move(f)(ec);
    };
  }
  bool has_value() const { return object_ != nullptr; }
  // Runs the callable once; it is gone (and may be Set again) as it runs.
  void operator()(error_code ec) { call_(this, ec); }
  void Reset() {
    if (object_ != nullptr) destroy_(object_);
    object_ = nullptr;
  }

 private:
  static constexpr size_t kInline = 160;
  alignas(std::max_align_t) unsigned char storage_[kInline];
  void* object_ = nullptr;
  void (*destroy_)(void*) = nullptr;
  void (*call_)(PendingRead*, error_code) = nullptr;
};

class TimestampedSocket final : private ReadinessPoller::Waiter {
 public:
  // Takes the reads of async_read_each(), on the poller's wake-up.
  class ReadSink {
   public:
    // One read's `bytes` (0 with `ec` set: the end or an error); true when
    // the sink wants no more reads (always when `ec` is set).
    virtual bool OnRead(size_t bytes, const boost::system::error_code& ec) = 0;

   protected:
    ~ReadSink() = default;
  };

  using tcp = boost::asio::ip::tcp;
  using executor_type = tcp::socket::executor_type;
  using lowest_layer_type = tcp::socket::lowest_layer_type;
  using error_code = boost::system::error_code;

  explicit TimestampedSocket(boost::asio::io_context& io) : socket_(io) {}
  ~TimestampedSocket() {
    Unregister();
    if (pending_.has_value()) {
      poller_->WaitEnded();
      pending_.Reset();
    }
  }
  TimestampedSocket(const TimestampedSocket&) = delete;
  TimestampedSocket& operator=(const TimestampedSocket&) = delete;

  executor_type get_executor() { return socket_.get_executor(); }
  tcp::socket& socket() { return socket_; }
  lowest_layer_type& lowest_layer() { return socket_.lowest_layer(); }
  const lowest_layer_type& lowest_layer() const {
    return socket_.lowest_layer();
  }

  // Call once connected; false when the kernel refuses timestamps (reads
  // then date bytes when they are read).
  bool EnableTimestamps() {
    return http::EnableRxTimestamps(socket_.native_handle());
  }

  // Call once connected: reads wait through `poller` (which must outlive
  // this socket) instead of Asio's per-read wait. False (nothing changes)
  // when the poller cannot take the socket.
  bool UsePoller(ReadinessPoller* poller) {
    if (poller == nullptr || !socket_.is_open()) return false;
    if (!poller->Add(socket_.native_handle(), this)) return false;
    poller_ = poller;
    return true;
  }

  // Reads wait through a poller (UsePoller succeeded).
  bool polled() const { return poller_ != nullptr; }

  // Shuts the socket down and closes it; a pending read ends with
  // operation_aborted (posted, as Asio does).
  void Close() {
    Unregister();
    if (pending_.has_value()) {
      poller_->WaitEnded();
      each_sink_ = nullptr;
      post_completion_ = true;
      pending_(boost::asio::error::operation_aborted);
    }
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  // Date reads by when they returned, ignoring kernel timestamps (only to
  // measure what user-space dating costs).
  void set_user_space_dating(bool on) { user_space_dating_ = on; }

  // Kernel arrival of the newest bytes of the last read (steady ns; falls
  // back to last_read_ns() without kernel timestamps) and when it was read.
  int64_t last_rx_ns() const { return last_rx_ns_; }
  int64_t last_read_ns() const { return last_read_ns_; }

  template <typename ConstBuffers, typename Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return socket_.async_write_some(buffers, std::forward<Token>(token));
  }

  // Polled sockets only: reads into `buffer` until `sink` is done, handing
  // it each read (dated as by async_read_some); completes with the error
  // that ended the reads (none when the sink asked to stop) or
  // operation_aborted when Close() came first. Never completes inside the
  // initiating call. `sink` and `buffer` must outlive the operation.
  template <typename Token>
  auto async_read_each(boost::asio::mutable_buffer buffer, ReadSink* sink,
                       Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code)>(
        [this](auto handler, boost::asio::mutable_buffer b, ReadSink* s) {
          StartReadEach(std::move(handler), b, s);
        },
        token, buffer, sink);
  }

  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& b) {
          StartRead(std::move(handler), b, /*first_try=*/true);
        },
        token, buffers);
  }

 private:
  static constexpr size_t kMaxIov = 16;

  // Reads what is there; would_block when nothing is.
  template <typename MutableBuffers>
  size_t ReadNow(const MutableBuffers& buffers, error_code& ec) {
    std::array<iovec, kMaxIov> iov{};
    size_t n = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && n < kMaxIov; ++it) {
      boost::asio::mutable_buffer b(*it);
      if (b.size() == 0) continue;
      iov[n++] = iovec{b.data(), b.size()};
    }
    if (n == 0) {
      ec = {};
      return 0;
    }
    const http::RxRead r =
        http::ReceiveTimestamped(socket_.native_handle(), iov.data(), n);
    if (r.bytes < 0) {
      ec = r.error == EAGAIN || r.error == EWOULDBLOCK
               ? error_code(boost::asio::error::would_block)
               : error_code(r.error, boost::system::system_category());
      return 0;
    }
    // Fewer bytes than asked: the socket is drained, so the next read
    // waits for readiness first instead of trying (and failing) at once.
    drained_ = static_cast<size_t>(r.bytes) < boost::asio::buffer_size(buffers);
    last_read_ns_ = r.read_ns;
    last_rx_ns_ = r.kernel_rx_ns != 0 && !user_space_dating_ ? r.kernel_rx_ns
                                                             : last_read_ns_;
    ec = r.bytes == 0 && boost::asio::buffer_size(buffers) > 0
             ? error_code(boost::asio::error::eof)
             : error_code();
    return static_cast<size_t>(r.bytes);
  }

  template <typename Handler, typename MutableBuffers>
  void StartRead(Handler handler, const MutableBuffers& buffers,
                 bool first_try) {
    error_code ec = boost::asio::error::would_block;
    size_t n = 0;
    // After a hang-up the end (or error) is read now: no edge will come.
    if (!(first_try && drained_ && !hung_up_)) n = ReadNow(buffers, ec);
    if (ec != boost::asio::error::would_block) {
      if (first_try) {  // never complete inside the initiating call
        boost::asio::post(socket_.get_executor(),
                          [handler = std::move(handler), ec, n]() mutable {
                            std::move(handler)(ec, n);
                          });
      } else {
        std::move(handler)(ec, n);
      }
      return;
    }
    if (poller_ != nullptr) {
      WaitForPoller(std::move(handler), buffers);
      return;
    }
    socket_.async_wait(
        tcp::socket::wait_read, [this, buffers, handler = std::move(handler)](
                                    error_code wait_ec) mutable {
          if (wait_ec) {
            std::move(handler)(wait_ec, size_t{0});
            return;
          }
          StartRead(std::move(handler), buffers, /*first_try=*/false);
        });
  }

  template <typename Handler, typename MutableBuffers>
  void WaitForPoller(Handler handler, const MutableBuffers& buffers) {
    pending_.Set(
        [this, buffers, handler = std::move(handler)](error_code ec) mutable {
          if (ec) {  // closed: complete as Asio would, outside this call
            boost::asio::post(socket_.get_executor(),
                              [handler = std::move(handler), ec]() mutable {
                                std::move(handler)(ec, size_t{0});
                              });
            return;
          }
          StartRead(std::move(handler), buffers, /*first_try=*/false);
        });
    poller_->WaitStarted();
  }

  template <typename Handler>
  void StartReadEach(Handler handler, boost::asio::mutable_buffer buffer,
                     ReadSink* sink) {
    pending_.Set([this, handler = std::move(handler)](error_code ec) mutable {
      if (post_completion_) {
        boost::asio::post(socket_.get_executor(),
                          [handler = std::move(handler), ec]() mutable {
                            std::move(handler)(ec);
                          });
      } else {
        std::move(handler)(ec);
      }
    });
    if (!socket_.is_open()) {  // closed before the read began
      post_completion_ = true;
      pending_(boost::asio::error::operation_aborted);
      return;
    }
    each_buffer_ = buffer;
    each_sink_ = sink;
    poller_->WaitStarted();
    PumpEach(/*initiating=*/true);
  }

  // Reads until the socket is drained (then the next edge goes on) or the
  // sink is done (then the operation completes).
  void PumpEach(bool initiating) {
    while (!drained_ || hung_up_) {
      error_code ec;
      const size_t n =
          ReadNow(boost::asio::mutable_buffers_1(each_buffer_), ec);
      if (ec == boost::asio::error::would_block) {
        drained_ = true;
        return;
      }
      if (each_sink_->OnRead(n, ec) || ec) {
        each_sink_ = nullptr;
        poller_->WaitEnded();
        post_completion_ = initiating;
        pending_(ec);
        return;
      }
    }
  }

  void OnReadable(uint32_t events) override {
    drained_ = false;  // an edge: the next read tries the socket
    if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) hung_up_ = true;
    if (!pending_.has_value()) return;
    if (each_sink_ != nullptr) {
      PumpEach(/*initiating=*/false);
      return;
    }
    poller_->WaitEnded();
    pending_(error_code());
  }

  void Unregister() {
    if (poller_ == nullptr || !registered()) return;
    poller_->Remove(socket_.native_handle(), this);
    unregistered_ = true;
  }
  bool registered() const { return !unregistered_ && socket_.is_open(); }

  tcp::socket socket_;
  ReadinessPoller* poller_ = nullptr;
  PendingRead pending_;
  ReadSink* each_sink_ = nullptr;  // async_read_each() in progress
  boost::asio::mutable_buffer each_buffer_;
  bool post_completion_ = false;  // for the read-each completion
  bool unregistered_ = false;
  bool user_space_dating_ = false;
  bool hung_up_ = false;  // the poller saw the peer close or an error
  int64_t last_rx_ns_ = 0;
  int64_t last_read_ns_ = 0;
  bool drained_ = false;  // the last read left the socket empty
};

}  // namespace infx::client
