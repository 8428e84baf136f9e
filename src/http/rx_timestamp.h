// Kernel receive timestamps for TCP sockets (SO_TIMESTAMPNS): the time the
// kernel took in the bytes that a read returns, on the steady clock. Latency
// measured this way is the wire's, not "when a busy event loop got round to
// reading": a client handling thousands of streams on one thread, or a
// server busy writing, still timestamps each byte when it arrived. Reads
// that lag their bytes can be measured as read time minus kernel time.
//
// For TCP the kernel reports the timestamp of the newest segment consumed
// by the read (tcp_recvmsg), so a read that drains several segments dates
// them all at the last one: exact while the reader keeps up, conservative
// (late) by at most the reader's lag when it does not.
//
// Thread-safety: free functions over a file descriptor; safe from any
// thread, with the usual rule that concurrent reads of one socket race.
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstdint>

namespace infx::http {

// Asks the kernel to timestamp data received on `fd`. False when the
// option is refused (the reads then report kernel_rx_ns == 0). When no other
// socket on the machine has timestamps on, the kernel starts them in
// deferred work, so the first bytes after this call may come undated.
bool EnableRxTimestamps(int fd);

struct RxRead {
  ssize_t bytes = 0;         // > 0 read, 0 end of stream, < 0 error
  int error = 0;             // errno when bytes < 0 (EAGAIN: nothing ready)
  int64_t kernel_rx_ns = 0;  // steady ns of the newest segment; 0 = none
  int64_t read_ns = 0;       // steady ns when the read returned (bytes >= 0)
};

// One non-blocking recvmsg into `iov`; with `peek` the bytes stay queued
// (used to date a request before a parser consumes it).
RxRead ReceiveTimestamped(int fd, const iovec* iov, size_t iov_count,
                          bool peek = false);

// A CLOCK_REALTIME time (ns) on the steady clock (CLOCK_MONOTONIC), by the
// clocks' offset (sampled tightly, cached 50 ms per thread). Exact up to
// a wall-clock step within that time.
int64_t RealtimeToSteadyNs(int64_t realtime_ns);
// The same, given the steady clock's current time (saves reading it).
int64_t RealtimeToSteadyNs(int64_t realtime_ns, int64_t steady_now_ns);

}  // namespace infx::http
