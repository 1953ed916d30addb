// FixitySchedule: when each blob of one copy is due for its fixity check, so
// that every blob is re-hashed once per period with the work spread evenly
// over it, and how far the copy is — kept across restarts.
//
// A blob's place in the period is fixed by its name: its first 16 hex digits
// as a fraction of 2^64 (SHA-256 names are uniform). At time t of a period,
// the blobs due are those whose place is below (t - start) / period. The
// schedule keeps the fraction checked so far; each run checks the blobs from
// there to now's fraction, so the checks of one period are spread over it
// and a server down for a week catches up (within its byte-rate budget) when
// it starts. When a period is checked through and over, the next begins.
//
// On disk, <data>/store/copies/<copy>.schedule.log: a RecordLog of
// {"period_start", "done", "blobs", "bytes", "at"} after each run; the last
// record holds.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/env.h"
#include "src/common/mutex.h"
#include "src/common/record_log.h"
#include "src/common/result.h"
#include "storage/copies/archive_blobs.h"

namespace bevara::storage {

// The place of a blob in a period, in [0, 1).
double PlaceInPeriod(const std::string& blob);

struct FixityState {
  int64_t period_start_us = 0;
  double done = 0;            // blobs placed below this were checked this period
  uint64_t blobs = 0, bytes = 0;  // checked this period
  std::string at;             // the last run
};

class FixitySchedule {
 public:
  // Opens (creating) the schedule of `copy`; a new one starts its first
  // period now.
  static Result<std::unique_ptr<FixitySchedule>> Open(Env* env, const std::string& dir, const std::string& copy,
                                                      int period_days);

  FixityState state() const;
  int64_t period_us() const { return period_us_; }

  // What to check now: blobs placed in [from, to). Starts the next period
  // first when this one is done and over.
  struct Due {
    double from = 0, to = 0;
  };
  Result<Due> DueNow(int64_t now_us);
  // Records that [from, to) was checked (durably).
  Status Checked(const Due& due, uint64_t blobs, uint64_t bytes, int64_t now_us);

  // For people: {"period_start", "period_end", "done", "due", "behind_blobs",
  // "behind_bytes", "overdue" (blobs whose day has passed unchecked),
  // "checked_blobs", "checked_bytes", "last_run"}, over the held blobs.
  nlohmann::json Progress(int64_t now_us, const std::vector<HeldBlob>& blobs) const;

 private:
  FixitySchedule(Env* env, int64_t period_us) : env_(env), period_us_(period_us) {}
  Status Write(const FixityState& s);
  double Fraction(const FixityState& s, int64_t now_us) const;

  Env* const env_;
  const int64_t period_us_;
  std::unique_ptr<RecordLog> log_;
  mutable Mutex mu_;
  FixityState state_ GUARDED_BY(mu_);
};

}  // namespace bevara::storage
