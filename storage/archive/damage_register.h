// DamageRegister: what bevara has found wrong with stored blobs, kept across
// restarts, so that a blob an audit, a verify, an export or a transfer found
// damaged is never again served as good, until an audit reads it whole (a
// repair put the right bytes back).
//
// On disk, <data>/store/damage.log: a RecordLog of JSON records, one per
// finding: {"blob", "state": "damaged"|"whole", "kind", "detail", "found_by",
// "at"}. The last record of a blob is what holds.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/common/env.h"
#include "src/common/mutex.h"
#include "src/common/record_log.h"
#include "src/common/result.h"

namespace bevara::storage {

struct DamageNote {
  std::string blob;
  std::string kind;      // "corrupt", "missing", "unreadable", "truncated"
  std::string detail;
  std::string found_by;  // "audit", "verify", "transfer", "export"
  std::string at;        // RFC 3339
};

class DamageRegister {
 public:
  // Opens the register at `path`; the file is made at the first finding
  // (so that reading commands work on a full disk). Corruption when damaged.
  static Result<std::unique_ptr<DamageRegister>> Open(Env* env, const std::string& path);

  // The finding that holds for `blob`, when it is damaged.
  std::optional<DamageNote> Find(const std::string& blob) const;
  // Every damaged blob, ordered by name.
  std::vector<DamageNote> All() const;

  // Records that `note.blob` is damaged (durably; a blob already recorded
  // with the same kind is not recorded again). Find() knows it afterwards
  // even when writing the register failed (the error is returned).
  Status MarkDamaged(DamageNote note);
  // Records that `blob` read whole again; nothing when it was not damaged.
  Status MarkWhole(const std::string& blob, const std::string& found_by);

 private:
  DamageRegister(Env* env, std::string path) : env_(env), path_(std::move(path)) {}
  // Opens (creating) the log for a first write.
  Status OpenLog(RecordLog** log);
  Env* const env_;
  const std::string path_;
  Mutex log_mu_;
  std::unique_ptr<RecordLog> log_ GUARDED_BY(log_mu_);
  mutable Mutex mu_;
  std::map<std::string, DamageNote> damaged_ GUARDED_BY(mu_);
};

}  // namespace bevara::storage
