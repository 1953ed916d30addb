// IdempotencyIndex: which earlier deposit a deposit repeats. Per token, a
// repeat is the same Idempotency-Key (which must then carry the same
// bytes) or, without a key, the same bytes (their SHA-256). A failed
// deposit is forgotten, so that sending it again runs it again.
//
// Thread-safety: none; the deposit service guards it.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "src/common/result.h"
#include "src/services/job_store.h"

namespace bevara::services {

class IdempotencyIndex {
 public:
  // The id of the job `deposit` repeats; Rejected (IDEMPOTENCY-KEY-REUSED)
  // when its key was used before for other bytes; nullopt when it is new.
  std::optional<Result<std::string>> FirstOf(const Job& deposit) const;
  // Remembers a deposit that stands (queued, running or done, not failed).
  void Remember(const Job& deposit);
  // Forgets a deposit that failed.
  void Forget(const Job& deposit);

 private:
  std::map<std::string, std::pair<std::string, std::string>> key_bytes_;  // token \0 key -> (job, sha256)
  std::map<std::string, std::string> by_bytes_;  // token \0 sha256 -> job id
};

}  // namespace bevara::services
