// RecordLog: the one append-only file format of bevara, for every log it
// keeps (AIP versions, the audit log, tokens, access decisions, requests for
// records, jobs).
//
// On disk, <path>:
//   #bevara-record-log 1\n               the file's first line
//   LLLLLLLL CCCCCCCC <payload>\n       one record: the payload's length and
//                                        a CRC-32 of length field and payload,
//                                        both in hex
// Every log bevara keeps has JSON payloads, so a log still reads with less
// and grep; the framing is what makes damage visible.
//
// Beside it, <path>.head holds the acknowledged extent: the log's size, its
// record count and a running checksum of its records, written after every
// synced append and before that append returns (in one of two slots, in
// turn, so that a torn write of one leaves the other). Reading a log tells
// three things apart:
//   * records that read, up to the end;
//   * a torn tail: bytes after the acknowledged extent that are not a whole
//     record, left by an append a crash interrupted, which nobody was told
//     of. The writer sets them aside in <path>.torn-<offset>, cuts the file
//     there and logs that it did;
//   * damage: a record inside the acknowledged extent that does not read, a
//     log shorter than the extent, or records up to it that are not those
//     acknowledged (one removed, changed or reordered). An error that names
//     the file and the offset; never skipped.
//
// Several processes may append (the server, and `bevara token` beside it):
// an append takes <path>.lock, reads what others appended since this process
// last looked (handing it to `on_record`), then writes.
//
// Thread-safety: safe for concurrent use. `on_record` and the payload maker
// run with the log's lock held and must not call back into the log.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "src/common/env.h"
#include "src/common/mutex.h"
#include "src/common/result.h"

namespace bevara {

struct LogTally;

// Called with each record: its offset in the file and its payload. A non-OK
// status stops the reading and is returned (StopIteration: stop, OK).
using RecordFn = std::function<Status(uint64_t offset, std::string_view payload)>;

struct RecordLogOptions {
  // Every record, at Open and later those other processes appended. May be empty.
  RecordFn on_record;
  // A file of JSON lines that bevara kept before the record log (same path,
  // or an older name): at Open, each complete line that is JSON becomes a
  // record, and the old file is kept as <legacy_path>.migrated. Lines that
  // were torn or are not JSON were ignored by the old readers; they are
  // named in the operator's log and left out.
  std::string legacy_path;
};

class RecordLog {
 public:
  // Opens the log at `path`, creating it when absent; reads it whole (every
  // record to options.on_record) and sets a torn tail aside.
  static Result<std::unique_ptr<RecordLog>> Open(Env* env, const std::string& path, RecordLogOptions options = {});
  ~RecordLog();

  // Appends one record and returns its offset. With `sync` it is durable
  // (and the head says so) when this returns OK; without, it becomes durable
  // at the next Sync() of any process. On error the record is cut from the
  // file again: it never becomes part of the log. When a failed fsync may
  // also have lost records appended before without sync, or the cut itself
  // failed, every later call is an IOError until the log is opened again.
  Result<uint64_t> Append(std::string_view payload, bool sync = true);
  // As Append, with the payload made under the log's lock after what other
  // processes appended was read (the audit log chains each entry to the last).
  Result<uint64_t> AppendWith(const std::function<Result<std::string>()>& make_payload, bool sync);
  // Makes every record appended so far durable, and the head say so.
  Status Sync();
  // Reads what other processes appended since this one last looked.
  Status CatchUp();
  // The record at `offset` (as Append or on_record gave it), checked.
  Result<std::string> ReadAt(uint64_t offset);

  const std::string& path() const { return path_; }
  // How far this process has read or written the log: a file of another
  // size means another process appended (CatchUp() reads it).
  uint64_t size();

 private:
  RecordLog(Env* env, std::string path, RecordLogOptions options);
  struct State;
  Status OpenLocked() REQUIRES(mu_);
  Status CatchUpLocked() REQUIRES(mu_);
  Result<uint64_t> AppendLocked(const std::string& payload, bool sync) REQUIRES(mu_);
  void UndoLocked(uint64_t offset, const LogTally& before) REQUIRES(mu_);
  Status SyncLocked() REQUIRES(mu_);

  Env* const env_;
  const std::string path_;
  const RecordLogOptions options_;
  Mutex mu_;
  std::unique_ptr<State> state_ PT_GUARDED_BY(mu_);
};

struct RecordLogStats {
  uint64_t records = 0;
  uint64_t acknowledged_bytes = 0;  // the extent the head vouches for
  uint64_t unacknowledged_bytes = 0;  // after it: records not yet synced, or a torn tail
};

// Reads a log without writing to it (verification, or a reader beside the
// writing process): every record to `fn`. Damage is Corruption naming the
// file and offset; a torn tail after the acknowledged extent is counted in
// `stats`, not an error (a writer may be appending it right now).
Status ReadRecordLog(Env* env, const std::string& path, const RecordFn& fn, RecordLogStats* stats = nullptr);

}  // namespace bevara
