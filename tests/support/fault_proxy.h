// An HTTP proxy in front of the real object store that misbehaves on
// purpose: it answers some requests itself with a server error, or holds
// them back before forwarding, and passes the rest through unchanged (the
// Host header too, so the client's SigV4 signature still holds at the
// gateway). The store behind it is the real one; only the faults are made.
//
// Thread-safety: the counters and the plan may be read and changed while
// requests go through.
#pragma once

#include <memory>
#include <string>

namespace bevara::testing {

struct FaultPlan {
  // Every `fail_every`-th request (1: all, 0: none) is answered by the proxy
  // with `fail_status` and an S3 error body, and never reaches the store.
  int fail_every = 0;
  int fail_status = 503;
  // Every `slow_every`-th request (not failed) is forwarded, and its answer
  // held back `slow_ms` before anything of it is sent: the store did the
  // work, the client may have given up waiting.
  int slow_every = 0;
  int slow_ms = 0;
  // Only requests with this method (empty: any) whose URI holds
  // `slow_matching` are counted for slow_every; and no more than
  // `slow_limit` are slowed (0: no limit).
  std::string slow_method;
  std::string slow_matching;
  int slow_limit = 0;
  // Instead of holding the answer back, hang up without one: the store did
  // the work and the client never hears of it.
  bool drop_answer = false;
  // A request made again (same method and URI) after a fault goes through:
  // with many senders at once, counting alone could hit one request at
  // every attempt.
  bool first_try_only = false;
};

class FaultProxy {
 public:
  // Listens on an ephemeral port of 127.0.0.1 and forwards to
  // 127.0.0.1:`upstream_port`. Null when it cannot listen.
  static std::unique_ptr<FaultProxy> Start(int upstream_port, const FaultPlan& plan);
  virtual ~FaultProxy() = default;

  virtual std::string endpoint() const = 0;  // "http://127.0.0.1:PORT"
  virtual void set_plan(const FaultPlan& plan) = 0;
  // Requests seen, and of those answered with a fault or held back.
  virtual int requests() const = 0;
  virtual int failed() const = 0;
  virtual int slowed() const = 0;
};

}  // namespace bevara::testing
