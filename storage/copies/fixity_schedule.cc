#include "storage/copies/fixity_schedule.h"

#include <algorithm>
#include <cmath>

#include "src/common/clock.h"
#include "src/common/file_util.h"

namespace bevara::storage {

double PlaceInPeriod(const std::string& blob) {
  uint64_t v = 0;
  for (size_t i = 0; i < 16 && i < blob.size(); ++i) {
    const char c = blob[i];
    v = (v << 4) | static_cast<uint64_t>(c >= 'a' ? c - 'a' + 10 : c - '0');
  }
  return std::ldexp(static_cast<double>(v), -64);
}

Result<std::unique_ptr<FixitySchedule>> FixitySchedule::Open(Env* env, const std::string& dir, const std::string& copy,
                                                             int period_days) {
  BEVARA_RETURN_IF_ERROR(CreateDirs(env, dir));
  std::unique_ptr<FixitySchedule> schedule(new FixitySchedule(env, static_cast<int64_t>(period_days) * 86400 * 1000000));
  FixityState last;
  bool any = false;
  RecordLogOptions options;
  options.on_record = [&](uint64_t, std::string_view payload) {
    nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object() || !j.contains("period_start") || !j["period_start"].is_number_integer() || !j.contains("done") ||
        !j["done"].is_number()) {
      return Status::Corruption("fixity schedule of copy " + copy + ": a record that is not a schedule's");
    }
    last.period_start_us = j["period_start"].get<int64_t>();
    last.done = std::clamp(j["done"].get<double>(), 0.0, 1.0);
    auto number = [&](const char* key) {
      return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<uint64_t>() : uint64_t{0};
    };
    last.blobs = number("blobs");
    last.bytes = number("bytes");
    last.at = j.contains("at") && j["at"].is_string() ? j["at"].get<std::string>() : "";
    any = true;
    return Status::OK();
  };
  auto log = RecordLog::Open(env, dir + "/" + copy + ".schedule.log", options);
  if (!log.ok()) return log.status();
  schedule->log_ = std::move(*log);
  if (!any) {
    last.period_start_us = env->NowMicros();
    BEVARA_RETURN_IF_ERROR(schedule->Write(last));
  }
  MutexLock lock(&schedule->mu_);
  schedule->state_ = last;
  return schedule;
}

Status FixitySchedule::Write(const FixityState& s) {
  nlohmann::json j = {{"period_start", s.period_start_us}, {"done", s.done}, {"blobs", s.blobs}, {"bytes", s.bytes},
                      {"at", s.at}};
  return log_->Append(j.dump()).status();
}

FixityState FixitySchedule::state() const {
  MutexLock lock(&mu_);
  return state_;
}

double FixitySchedule::Fraction(const FixityState& s, int64_t now_us) const {
  if (now_us <= s.period_start_us) return 0;
  return std::min(1.0, static_cast<double>(now_us - s.period_start_us) / static_cast<double>(period_us_));
}

Result<FixitySchedule::Due> FixitySchedule::DueNow(int64_t now_us) {
  MutexLock lock(&mu_);
  if (state_.done >= 1.0 && now_us >= state_.period_start_us + period_us_) {
    // The next period: from the end of this one, or from now when the
    // server was down for more than a period (nothing is gained by
    // checking everything twice at once).
    FixityState next;
    next.period_start_us = state_.period_start_us + period_us_;
    if (now_us - next.period_start_us > period_us_) next.period_start_us = now_us;
    next.at = NowRfc3339(env_);
    BEVARA_RETURN_IF_ERROR(Write(next));
    state_ = next;
  }
  return Due{state_.done, std::max(state_.done, Fraction(state_, now_us))};
}

Status FixitySchedule::Checked(const Due& due, uint64_t blobs, uint64_t bytes, int64_t now_us) {
  MutexLock lock(&mu_);
  if (due.from != state_.done) return Status::OK();  // a new period began meanwhile
  FixityState next = state_;
  next.done = std::max(state_.done, due.to);
  next.blobs += blobs;
  next.bytes += bytes;
  next.at = FormatRfc3339(now_us);
  BEVARA_RETURN_IF_ERROR(Write(next));
  state_ = next;
  return Status::OK();
}

nlohmann::json FixitySchedule::Progress(int64_t now_us, const std::vector<HeldBlob>& blobs) const {
  const FixityState s = state();
  const double due = Fraction(s, now_us);
  // A blob is overdue when its place is more than a day of the period behind.
  const double day = 86400e6 / static_cast<double>(period_us_);
  uint64_t behind_blobs = 0, behind_bytes = 0, overdue = 0;
  for (const HeldBlob& b : blobs) {
    const double place = PlaceInPeriod(b.name);
    if (place < s.done || place >= due) continue;
    ++behind_blobs;
    behind_bytes += b.size;
    if (place < due - day) ++overdue;
  }
  return {{"period_start", FormatRfc3339(s.period_start_us)},
          {"period_end", FormatRfc3339(s.period_start_us + period_us_)},
          {"done", s.done},
          {"due", due},
          {"behind_blobs", behind_blobs},
          {"behind_bytes", behind_bytes},
          {"overdue", overdue},
          {"checked_blobs", s.blobs},
          {"checked_bytes", s.bytes},
          {"last_run", s.at}};
}

}  // namespace bevara::storage
