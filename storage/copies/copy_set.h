// CopySet: the copies a policy names, opened for one archive — the local
// store, each object store (its bucket checked), and every copy's ledger in
// <data>/store/copies/<name>.log.
//
// Thread-safety: the set is immutable once opened; stores and ledgers are
// safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "src/common/result.h"
#include "storage/archive/archive.h"
#include "storage/copies/copy_audit.h"
#include "storage/copies/copy_ledger.h"
#include "storage/copies/copy_policy.h"

namespace bevara::storage {

class CopySet {
 public:
  // Opens every copy of `policy`. A remote copy whose bucket cannot be
  // reached is an error naming it (Unavailable, PermissionDenied, NotFound),
  // unless `allow_unreachable`: then it is kept, and operations on it fail
  // until it answers (the server starts while an object store is down).
  // REQUIRES: archive outlives the set.
  static Result<std::unique_ptr<CopySet>> Open(Archive* archive, const CopyPolicy& policy, bool allow_unreachable = false);
  ~CopySet();

  const CopyPolicy& policy() const { return policy_; }
  // Every copy, "local" first.
  const std::vector<OpenCopy>& copies() const { return copies_; }
  // nullptr when there is none of that name.
  const OpenCopy* Find(const std::string& name) const;
  // Where a copy is, for people: never its credentials.
  std::string Where(const std::string& name) const;

 private:
  CopySet() = default;
  CopyPolicy policy_;
  std::vector<OpenCopy> copies_;
  std::vector<std::unique_ptr<BlobStore>> stores_;
  std::vector<std::unique_ptr<CopyLedger>> ledgers_;
};

}  // namespace bevara::storage
