#include "src/common/record_log.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "src/common/file_util.h"
#include "src/common/log_head.h"
#include "src/common/path.h"
#include "src/common/record_log_format.h"
#include "src/common/record_log_recovery.h"

namespace bevara {
namespace {

// Reads records one after another from an offset.
class Scanner {
 public:
  enum class Step { kRecord, kEnd, kInvalid };

  Scanner(ReadableFile* file, uint64_t offset) : file_(file), offset_(offset) {}

  // kRecord: *payload and crc() hold it, record_offset() is where it began.
  // kInvalid: why() says what is wrong at record_offset().
  Step Next(std::string* payload) {
    record_offset_ = offset_;
    auto have = Fill(kRecordHeaderSize);
    if (!have.ok()) return Invalid("cannot be read: " + have.status().ToString());
    if (*have == 0) return Step::kEnd;
    if (*have < kRecordHeaderSize) return Invalid("a record header cut short");
    // A copy: filling the buffer for the payload below may move it.
    const std::string h(buf_.data() + pos_, kRecordHeaderSize);
    uint32_t length = 0, crc = 0;
    const std::string_view hv(h);
    if (!ParseHex32(hv.substr(0, 8), &length) || h[8] != ' ' || !ParseHex32(hv.substr(9, 8), &crc) || h[17] != ' ') {
      return Invalid("not a record header");
    }
    if (length > kMaxRecordPayload) return Invalid("a record header with an impossible length");
    pos_ += kRecordHeaderSize;
    have = Fill(static_cast<size_t>(length) + 1);
    if (!have.ok()) return Invalid("cannot be read: " + have.status().ToString());
    if (*have < length + 1) return Invalid("a record cut short");
    payload->assign(buf_.data() + pos_, length);
    const bool terminated = buf_[pos_ + length] == '\n';
    pos_ += length + 1;
    if (!terminated || RecordCrc(RecordCrc(0, hv.substr(0, 8)), *payload) != crc) return Invalid("a record whose checksum does not match");
    crc_ = crc;
    offset_ += kRecordHeaderSize + length + 1;
    return Step::kRecord;
  }

  uint64_t record_offset() const { return record_offset_; }
  uint64_t end_offset() const { return offset_; }
  uint32_t crc() const { return crc_; }
  const std::string& why() const { return why_; }

 private:
  Step Invalid(std::string why) {
    why_ = std::move(why);
    return Step::kInvalid;
  }

  // Makes `need` bytes available from pos_ if the file has them; returns how many are.
  Result<size_t> Fill(size_t need) {
    if (pos_ > 0 && buf_.size() - pos_ < need) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    while (buf_.size() - pos_ < need && !eof_) {
      // In steps of at most 1 MiB: a length field may promise more than the file holds.
      const size_t want = std::clamp<size_t>(need - (buf_.size() - pos_), 64 << 10, 1 << 20);
      const size_t at = buf_.size();
      buf_.resize(at + want);
      auto n = file_->Read(buf_.data() + at, want);
      buf_.resize(at + (n.ok() ? *n : 0));
      if (!n.ok()) return n.status();
      if (*n == 0) eof_ = true;
    }
    return std::min(need, buf_.size() - pos_);
  }

  ReadableFile* file_;
  uint64_t offset_;
  uint64_t record_offset_ = 0;
  uint32_t crc_ = 0;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  std::string why_;
};

// What a scan found: the records' tally, and where reading stopped.
struct ScanEnd {
  LogTally tally;
  uint64_t end = 0;       // the end of the last record that read
  bool invalid = false;   // bytes after `end` that are not a record
  std::string why;
};

std::string Offset(uint64_t o) { return std::to_string(o); }

Status BrokenLog(const std::string& path) {
  return Status::IOError(path + ": an earlier write to the log failed and could not be undone; it takes no more "
                                "records until it is opened again");
}

// Reads records from `from` (with the tally up to there) to the end, giving
// each to `fn`, and checks them against the acknowledged extent `head`.
// Damage inside the extent is Corruption; what comes after is left to the
// caller (ScanEnd).
Status Scan(const std::string& path, ReadableFile* file, uint64_t from, LogTally tally, const LogHead& head,
            const RecordFn& fn, ScanEnd* out) {
  BEVARA_RETURN_IF_ERROR(file->Seek(static_cast<int64_t>(from), SEEK_SET).status());
  Scanner scanner(file, from);
  std::string payload;
  uint64_t end = from;
  for (;;) {
    Scanner::Step step = scanner.Next(&payload);
    if (step != Scanner::Step::kRecord) {
      out->tally = tally;
      out->end = end;
      out->invalid = step == Scanner::Step::kInvalid;
      out->why = scanner.why();
      break;
    }
    tally.Add(scanner.crc());
    end = scanner.end_offset();
    if (end == head.size && !(tally == head.tally)) {
      return Status::Corruption(path + ": the records up to offset " + Offset(head.size) +
                                " are not those acknowledged (" + std::to_string(tally.count) + " records where " +
                                std::to_string(head.tally.count) + " were written, or other ones)");
    }
    if (scanner.record_offset() < head.size && end > head.size) {
      return Status::Corruption(path + ": the record at offset " + Offset(scanner.record_offset()) +
                                " runs past the acknowledged end of the log (" + Offset(head.size) +
                                "): a record was removed, changed or inserted");
    }
    if (fn) {
      Status s = fn(scanner.record_offset(), payload);
      if (s.IsStopIteration()) return Status::StopIteration();
      BEVARA_RETURN_IF_ERROR(s);
    }
  }
  if (out->end < head.size) {
    if (out->invalid) {
      return Status::Corruption(path + ": the record at offset " + Offset(out->end) + " is damaged (" + out->why +
                                "), inside the acknowledged part of the log (" + Offset(head.size) + " bytes)");
    }
    return Status::Corruption(path + ": the log ends at offset " + Offset(out->end) + ", but " + Offset(head.size) +
                              " bytes were acknowledged: acknowledged records are missing");
  }
  return Status::OK();
}

// A head is written as soon as a log is made, before any append: a log
// without one that holds anything after its first line was damaged (its
// head lost), and what was acknowledged in it is unknown.
Status CheckHeadVouches(const std::string& path, const LogHead& head, const ScanEnd& end) {
  if (head.present || (end.tally.count == 0 && !end.invalid)) return Status::OK();
  return Status::Corruption(path + ".head is missing or unreadable, but the log holds " +
                            std::to_string(end.tally.count) + " records" + (end.invalid ? " and more bytes" : "") +
                            ": what was acknowledged is unknown");
}

// Checks the first line. Corruption when the file is not a record log.
Status CheckRecordLogHeader(const std::string& path, ReadableFile* file) {
  std::string first(kRecordLogHeader.size(), '\0');
  size_t got = 0;
  while (got < first.size()) {
    auto n = file->Read(first.data() + got, first.size() - got);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    got += *n;
  }
  if (got != first.size() || first != kRecordLogHeader) return Status::Corruption(path + " is not a bevara record log");
  return Status::OK();
}

// The file lock that orders appends of several processes; waits a while
// for a process that holds it for the moment of an append.
Result<std::unique_ptr<FileLock>> LockLog(Env* env, const std::string& path) {
  for (int attempt = 0;; ++attempt) {
    auto lock = env->LockFile(path + ".lock");
    if (lock.ok() || lock.status().code() != StatusCode::kUnavailable || attempt == 500) return lock;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

struct RecordLog::State {
  std::unique_ptr<WritableFile> file;
  std::unique_ptr<LogHeadFile> head;
  uint64_t size = 0;         // the end of the last record this process knows
  LogTally tally;            // of the records up to `size`
  uint64_t synced_size = 0;  // what the head says
  bool broken = false;       // what is durable is unknown after a failure: refuse more until reopened
};

RecordLog::RecordLog(Env* env, std::string path, RecordLogOptions options)
    : env_(env), path_(std::move(path)), options_(std::move(options)), state_(new State) {}

RecordLog::~RecordLog() = default;

Result<std::unique_ptr<RecordLog>> RecordLog::Open(Env* env, const std::string& path, RecordLogOptions options) {
  std::unique_ptr<RecordLog> log(new RecordLog(env, path, std::move(options)));
  MutexLock lock(&log->mu_);
  auto file_lock = LockLog(env, path);
  if (!file_lock.ok()) return file_lock.status();
  BEVARA_RETURN_IF_ERROR(log->OpenLocked());
  return log;
}

Status RecordLog::OpenLocked() {
  BEVARA_RETURN_IF_ERROR(MigrateJsonLines(env_, options_.legacy_path.empty() ? path_ : options_.legacy_path, path_));
  auto info = env_->Lstat(path_);
  if (!info.ok() && !info.status().IsNotFound()) return info.status();
  if (!info.ok()) {
    if (env_->Lstat(path_ + ".head").ok()) {
      return Status::Corruption(path_ + " is missing, but " + path_ + ".head says a log was written there");
    }
    BEVARA_RETURN_IF_ERROR(WriteFileDurably(env_, path_, kRecordLogHeader, /*replace_existing=*/false));
  }
  auto head = LogHeadFile::Open(env_, path_ + ".head");
  if (!head.ok()) return head.status();
  state_->head = std::move(*head);
  const LogHead acknowledged = state_->head->head();
  auto file = env_->OpenForRead(path_, OpenOptions{true});
  if (!file.ok()) return file.status();
  BEVARA_RETURN_IF_ERROR(CheckRecordLogHeader(path_, file->get()));
  ScanEnd end;
  Status s = Scan(path_, file->get(), kRecordLogHeader.size(), LogTally{}, acknowledged, options_.on_record, &end);
  if (!s.ok()) return s.IsStopIteration() ? Status::InvalidArgument(path_ + ": a reader stopped the opening") : s;
  BEVARA_RETURN_IF_ERROR(CheckHeadVouches(path_, acknowledged, end));
  state_->size = end.end;
  state_->tally = end.tally;
  if (end.invalid) BEVARA_RETURN_IF_ERROR(SetAsideTornTail(env_, path_, end.end, end.why));
  auto append = env_->OpenForAppend(path_);
  if (!append.ok()) return append.status();
  state_->file = std::move(*append);
  state_->synced_size = acknowledged.size;
  if (!state_->head->present() || end.invalid) return SyncLocked();
  return Status::OK();
}

Status RecordLog::CatchUpLocked() {
  auto info = env_->Stat(path_);
  if (!info.ok()) return info.status();
  if (info->size == state_->size) return Status::OK();
  if (info->size < state_->size) {
    return Status::Corruption(path_ + " shrank from " + Offset(state_->size) + " to " + Offset(info->size) +
                              " bytes while open: records this process read or wrote are gone");
  }
  // Another process appended (or a crash of one left a torn tail).
  auto file = env_->OpenForRead(path_, OpenOptions{true});
  if (!file.ok()) return file.status();
  auto head = state_->head->Reload();
  if (!head.ok()) return head.status();
  if (head->size < state_->synced_size || !head->present) {
    return Status::Corruption(path_ + ".head no longer vouches for what was acknowledged (it is gone, or went back "
                              "from " + Offset(state_->synced_size) + " to " + Offset(head->size) + " bytes)");
  }
  ScanEnd end;
  Status s = Scan(path_, file->get(), state_->size, state_->tally, *head, options_.on_record, &end);
  if (!s.ok()) return s;
  state_->size = end.end;
  state_->tally = end.tally;
  state_->synced_size = head->size;
  if (end.invalid) BEVARA_RETURN_IF_ERROR(SetAsideTornTail(env_, path_, end.end, end.why));
  return Status::OK();
}

Status RecordLog::CatchUp() {
  MutexLock lock(&mu_);
  if (state_->broken) return BrokenLog(path_);
  auto file_lock = LockLog(env_, path_);
  if (!file_lock.ok()) return file_lock.status();
  return CatchUpLocked();
}

Result<uint64_t> RecordLog::AppendLocked(const std::string& payload, bool sync) {
  if (state_->broken) return BrokenLog(path_);
  if (payload.size() > kMaxRecordPayload) return Status::InvalidArgument(path_ + ": a record of over 1 GiB");
  uint32_t crc = 0;
  const std::string record = FrameRecord(payload, &crc);
  const uint64_t offset = state_->size;
  const LogTally before = state_->tally;
  // Whether this append is all that is not yet durable (a failed sync can
  // then be undone without losing another caller's record).
  const bool alone = state_->synced_size == offset;
  Status s = state_->file->Append(record.data(), record.size());
  if (s.ok()) {
    state_->size += record.size();
    state_->tally.Add(crc);
    if (!sync) return offset;
    s = SyncLocked();
    if (s.ok()) return offset;
  }
  UndoLocked(offset, before);
  if (!alone) {
    // Records appended before without sync may not have reached the disk
    // either (a failed fsync may drop them), and their callers were told they
    // were appended: opening the log again reads what is really there.
    state_->broken = true;
    env_->Log(LogLevel::kError, path_ + ": an fsync failed with records appended before it not yet durable; the "
                                        "log takes no more records until it is opened again");
  }
  return s;
}

void RecordLog::UndoLocked(uint64_t offset, const LogTally& before) {
  // The file may end in part of the record, or in a whole record whose
  // caller is told it failed: cut it off, so that no later record follows a
  // partial one and a failed record never becomes acknowledged. The head may
  // hold the record's extent if its write reached the file but its fsync
  // failed: write it back first (a crash between the two then leaves a
  // record after the acknowledged end, as a crash before any answer would,
  // rather than a head that vouches for more than the file holds).
  auto head = state_->head->Reload();
  Status s = head.status();
  if (s.ok() && head->size > offset) s = state_->head->Write(offset, before);
  if (s.ok()) s = env_->Truncate(path_, offset);
  if (s.ok()) s = state_->file->Sync();
  if (s.ok()) {
    state_->size = offset;
    state_->tally = before;
  } else {
    state_->broken = true;
    env_->Log(LogLevel::kError, path_ + ": a failed append could not be undone (" + s.ToString() +
                                    "); the log takes no more records until it is opened again");
  }
}

Result<uint64_t> RecordLog::Append(std::string_view payload, bool sync) {
  return AppendWith([&]() -> Result<std::string> { return std::string(payload); }, sync);
}

Result<uint64_t> RecordLog::AppendWith(const std::function<Result<std::string>()>& make_payload, bool sync) {
  MutexLock lock(&mu_);
  if (state_->broken) return BrokenLog(path_);
  auto file_lock = LockLog(env_, path_);
  if (!file_lock.ok()) return file_lock.status();
  BEVARA_RETURN_IF_ERROR(CatchUpLocked());
  auto payload = make_payload();
  if (!payload.ok()) return payload.status();
  return AppendLocked(*payload, sync);
}

Status RecordLog::SyncLocked() {
  if (state_->synced_size == state_->size && state_->head->present()) return Status::OK();
  BEVARA_RETURN_IF_ERROR(state_->file->Sync());
  BEVARA_RETURN_IF_ERROR(state_->head->Write(state_->size, state_->tally));
  state_->synced_size = state_->size;
  return Status::OK();
}

Status RecordLog::Sync() {
  MutexLock lock(&mu_);
  if (state_->broken) return BrokenLog(path_);
  auto file_lock = LockLog(env_, path_);
  if (!file_lock.ok()) return file_lock.status();
  BEVARA_RETURN_IF_ERROR(CatchUpLocked());
  Status s = SyncLocked();
  // Whether the records appended without sync reached the disk is unknown.
  if (!s.ok()) state_->broken = true;
  return s;
}

uint64_t RecordLog::size() {
  MutexLock lock(&mu_);
  return state_->size;
}

Result<std::string> RecordLog::ReadAt(uint64_t offset) {
  auto file = env_->OpenForRead(path_, OpenOptions{true});
  if (!file.ok()) return file.status();
  BEVARA_RETURN_IF_ERROR((*file)->Seek(static_cast<int64_t>(offset), SEEK_SET).status());
  Scanner scanner(file->get(), offset);
  std::string payload;
  if (scanner.Next(&payload) != Scanner::Step::kRecord) {
    return Status::Corruption(path_ + ": the record at offset " + Offset(offset) + " does not read (" +
                              (scanner.why().empty() ? "end of the log" : scanner.why()) + ")");
  }
  return payload;
}

Status ReadRecordLog(Env* env, const std::string& path, const RecordFn& fn, RecordLogStats* stats) {
  auto head = LogHeadFile::Read(env, path + ".head");
  if (!head.ok()) return head.status();
  auto file = env->OpenForRead(path, OpenOptions{true});
  if (!file.ok()) return file.status();
  BEVARA_RETURN_IF_ERROR(CheckRecordLogHeader(path, file->get()));
  ScanEnd end;
  Status s = Scan(path, file->get(), kRecordLogHeader.size(), LogTally{}, *head, fn, &end);
  if (s.IsStopIteration()) return Status::OK();
  BEVARA_RETURN_IF_ERROR(s);
  BEVARA_RETURN_IF_ERROR(CheckHeadVouches(path, *head, end));
  if (stats) {
    auto info = env->Stat(path);
    stats->records = end.tally.count;
    stats->acknowledged_bytes = head->size;
    stats->unacknowledged_bytes = info.ok() && info->size > head->size ? info->size - head->size : 0;
  }
  return Status::OK();
}

}  // namespace bevara
