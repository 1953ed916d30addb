// RateLimiter: per-client token buckets for the public interface, which
// anyone may call without a token.
//
// Each client (peer address) may make `burst` requests at once and
// `per_second` a second after that; a refused request learns how many
// seconds until its next one is allowed (Retry-After). At most
// `max_clients` buckets are kept: idle ones are dropped (a full bucket is
// the same as none), and when that is not enough, new clients share one
// overflow bucket so that a flood of addresses cannot grow memory.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "src/common/mutex.h"

namespace bevara::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // per_second <= 0 turns limiting off.
  RateLimiter(double per_second, double burst, size_t max_clients = 100000);

  // 0 when the request may go ahead; else the seconds to wait (>= 1).
  int Admit(const std::string& client, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  void Refill(Bucket* b, Clock::time_point now) const;
  void DropIdle(Clock::time_point now) REQUIRES(mu_);

  const double per_second_, burst_;
  const size_t max_clients_;
  Mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_ GUARDED_BY(mu_);
  Bucket overflow_ GUARDED_BY(mu_);
};

}  // namespace bevara::server
