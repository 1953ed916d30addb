#include "src/web/sessions.h"

#include "src/common/digest.h"
#include "src/common/random.h"

namespace bevara::web {

std::string Sessions::Start(const access::UserInfo& user) {
  const std::string secret = RandomHex(32);
  Entry e{{user.name, user.role, RandomHex(32)}, env_->NowMicros()};
  MutexLock lock(&mu_);
  DropIdleLocked(e.last_used_us);
  by_hash_[Sha256Hex(secret)] = std::move(e);
  return secret;
}

std::optional<SessionInfo> Sessions::Find(const std::string& secret) {
  if (secret.size() != 64) return std::nullopt;
  const std::string hash = Sha256Hex(secret);
  const int64_t now = env_->NowMicros();
  std::optional<SessionInfo> found;
  {
    MutexLock lock(&mu_);
    DropIdleLocked(now);
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return std::nullopt;
    if (now - it->second.last_used_us > idle_ * 1000000) {
      by_hash_.erase(it);
      return std::nullopt;
    }
    it->second.last_used_us = now;
    found = it->second.info;
  }
  // A disabled user is out at once, whatever sessions they had.
  if (!users_->Active(found->user)) {
    End(secret);
    return std::nullopt;
  }
  return found;
}

void Sessions::End(const std::string& secret) {
  MutexLock lock(&mu_);
  by_hash_.erase(Sha256Hex(secret));
}

void Sessions::DropIdleLocked(int64_t now_us) {
  if (now_us - last_sweep_us_ < 60 * 1000000) return;
  last_sweep_us_ = now_us;
  for (auto it = by_hash_.begin(); it != by_hash_.end();) {
    it = now_us - it->second.last_used_us > idle_ * 1000000 ? by_hash_.erase(it) : std::next(it);
  }
}

int64_t LoginThrottle::WaitFor(const std::string& key) {
  const int64_t now = env_->NowMicros();
  MutexLock lock(&mu_);
  auto it = counts_.find(key);
  if (it == counts_.end() || it->second.failures < max_) return 0;
  const int64_t left = it->second.last_us + window_us_ - now;
  if (left <= 0) {
    counts_.erase(it);
    return 0;
  }
  return left / 1000000 + 1;
}

void LoginThrottle::Failed(const std::string& key) {
  const int64_t now = env_->NowMicros();
  MutexLock lock(&mu_);
  // A flood of made-up names must not grow memory without end, nor wipe
  // the counts of the names under attack: forget only what has expired.
  if (counts_.size() >= 100000 && !counts_.count(key)) {
    for (auto it = counts_.begin(); it != counts_.end();) {
      it = now - it->second.last_us > window_us_ ? counts_.erase(it) : std::next(it);
    }
    if (counts_.size() >= 100000) return;  // the address's own count still holds
  }
  Count& c = counts_[key];
  if (now - c.last_us > window_us_) c.failures = 0;
  ++c.failures;
  c.last_us = now;
}

void LoginThrottle::Succeeded(const std::string& key) {
  MutexLock lock(&mu_);
  counts_.erase(key);
}

}  // namespace bevara::web
