#include "src/server/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace bevara::server {

RateLimiter::RateLimiter(double per_second, double burst, size_t max_clients)
    : per_second_(per_second), burst_(std::max(1.0, burst)), max_clients_(max_clients),
      overflow_{burst_, Clock::now()} {}

void RateLimiter::Refill(Bucket* b, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - b->updated).count();
  if (elapsed > 0) {
    b->tokens = std::min(burst_, b->tokens + elapsed * per_second_);
    b->updated = now;
  }
}

void RateLimiter::DropIdle(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Refill(&it->second, now);
    it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

int RateLimiter::Admit(const std::string& client, Clock::time_point now) {
  if (per_second_ <= 0) return 0;
  MutexLock lock(&mu_);
  auto it = buckets_.find(client);
  Bucket* b;
  if (it != buckets_.end()) {
    b = &it->second;
  } else {
    if (buckets_.size() >= max_clients_) DropIdle(now);
    b = buckets_.size() < max_clients_ ? &buckets_.emplace(client, Bucket{burst_, now}).first->second : &overflow_;
  }
  Refill(b, now);
  if (b->tokens >= 1.0) {
    b->tokens -= 1.0;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - b->tokens) / per_second_)));
}

}  // namespace bevara::server
