#include "src/web/sessions.h"

#include "src/common/digest.h"
#include "src/common/random.h"

#include <Poco/Net/IPAddress.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace bevara::web {

std::string Sessions::Start(const access::UserInfo& user) {
  const std::string secret = RandomHex(32);
  const int64_t now = env_->NowMicros();
  Entry e{{user.name, user.role, RandomHex(32)}, user.changed, now, now};
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
  std::string credentials;
  {
    MutexLock lock(&mu_);
    DropIdleLocked(now);
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return std::nullopt;
    if (now - it->second.last_used_us > idle_ * 1000000 || now - it->second.started_us > kMaxLifeUs) {
      by_hash_.erase(it);
      return std::nullopt;
    }
    it->second.last_used_us = now;
    found = it->second.info;
    credentials = it->second.credentials;
  }
  // A disabled user is out at once, whatever sessions they had; so are the
  // sessions from before new credentials.
  const std::string current = users_->CredentialsSince(found->user);
  if (current.empty() || current != credentials) {
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
    const bool over = now_us - it->second.last_used_us > idle_ * 1000000 || now_us - it->second.started_us > kMaxLifeUs;
    it = over ? by_hash_.erase(it) : std::next(it);
  }
}

int64_t LoginThrottle::Reserve(const std::vector<Key>& keys) {
  const int64_t now = env_->NowMicros();
  MutexLock lock(&mu_);
  int64_t wait_us = 0;
  for (const Key& k : keys) {
    auto it = counts_.find(k.name);
    if (it == counts_.end()) continue;
    if (now - it->second.last_us > window_us_) {
      counts_.erase(it);
      continue;
    }
    if (it->second.failures >= k.limit) wait_us = std::max(wait_us, it->second.last_us + window_us_ - now);
  }
  if (wait_us > 0) return wait_us / 1000000 + 1;
  if (counts_.size() + keys.size() > kMaxKeys) {
    for (auto it = counts_.begin(); it != counts_.end();) {
      it = now - it->second.last_us > window_us_ ? counts_.erase(it) : std::next(it);
    }
    // Still full of live counts (a flood from very many addresses): the
    // oldest go, rather than every login being refused.
    while (counts_.size() + keys.size() > kMaxKeys) {
      auto oldest = std::min_element(counts_.begin(), counts_.end(),
                                     [](const auto& a, const auto& b) { return a.second.last_us < b.second.last_us; });
      counts_.erase(oldest);
    }
  }
  for (const Key& k : keys) {
    Count& c = counts_[k.name];
    ++c.failures;
    c.last_us = now;
  }
  return 0;
}

void LoginThrottle::Succeeded(const std::vector<Key>& keys) {
  MutexLock lock(&mu_);
  for (const Key& k : keys) {
    auto it = counts_.find(k.name);
    if (it == counts_.end()) continue;
    if (--it->second.failures <= 0) counts_.erase(it);
  }
}

bool LoginThrottle::Enter(const std::string& address) {
  MutexLock lock(&mu_);
  if (in_flight_.count(address)) return false;
  // A free place is waited for a little (a login takes a tenth of a
  // second), then the login is refused rather than hold a thread longer.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (in_flight_.size() >= max_hashing_) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return false;
    freed_.WaitFor(&mu_, left);
    if (in_flight_.count(address)) return false;
  }
  in_flight_.insert(address);
  return true;
}

std::string LoginThrottle::AddressKey(const std::string& address) {
  try {
    Poco::Net::IPAddress ip(address);
    if (ip.family() == Poco::Net::IPAddress::IPv6 && !ip.isIPv4Mapped() && ip.length() == 16) {
      unsigned char bytes[16];
      std::memcpy(bytes, ip.addr(), 16);
      std::memset(bytes + 8, 0, 8);  // the network, not the interface
      return Poco::Net::IPAddress(bytes, 16).toString() + "/64";
    }
  } catch (const std::exception&) {  // not an address (a test's client name): itself
  }
  return address;
}

void LoginThrottle::Leave(const std::string& address) {
  MutexLock lock(&mu_);
  in_flight_.erase(address);
  freed_.Signal();
}

}  // namespace bevara::web
