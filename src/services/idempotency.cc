#include "src/services/idempotency.h"

namespace bevara::services {
namespace {

std::string Key(const std::string& token, const std::string& part) { return token + '\0' + part; }

}  // namespace

std::optional<Result<std::string>> IdempotencyIndex::FirstOf(const Job& d) const {
  if (!d.idempotency_key.empty()) {
    auto it = key_bytes_.find(Key(d.token_id, d.idempotency_key));
    if (it != key_bytes_.end()) {
      if (it->second.second != d.body_sha256) {
        return Result<std::string>(Status::Rejected("IDEMPOTENCY-KEY-REUSED", "Idempotency-Key '" + d.idempotency_key +
                                                                                   "' was used before for a different package"));
      }
      return Result<std::string>(it->second.first);
    }
  }
  auto it = by_bytes_.find(Key(d.token_id, d.body_sha256));
  if (it != by_bytes_.end()) return Result<std::string>(it->second);
  return std::nullopt;
}

void IdempotencyIndex::Remember(const Job& d) {
  if (!d.idempotency_key.empty()) key_bytes_[Key(d.token_id, d.idempotency_key)] = {d.id, d.body_sha256};
  by_bytes_[Key(d.token_id, d.body_sha256)] = d.id;
}

void IdempotencyIndex::Forget(const Job& d) {
  auto k = key_bytes_.find(Key(d.token_id, d.idempotency_key));
  if (k != key_bytes_.end() && k->second.first == d.id) key_bytes_.erase(k);
  auto b = by_bytes_.find(Key(d.token_id, d.body_sha256));
  if (b != by_bytes_.end() && b->second == d.id) by_bytes_.erase(b);
}

}  // namespace bevara::services
