// LogHead: how far a record log was acknowledged, kept beside it in
// <log>.head (see record_log.h). Two slots, 512 bytes apart, are written in
// turn, each a line with its own checksum; the valid slot with the higher
// sequence number is the head. A torn write spoils at most the slot being
// written, which held the head before the last one.
//
// Thread-safety: a LogHeadFile is used under its log's locks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "src/common/env.h"
#include "src/common/result.h"

namespace bevara {

// A running summary of a log's records: their number and a checksum over
// their checksums, in order. Two logs with equal tallies hold the same
// records (short of deliberate forgery).
struct LogTally {
  uint64_t count = 0;
  uint32_t chain = 0;
  void Add(uint32_t record_crc);
  bool operator==(const LogTally& other) const { return count == other.count && chain == other.chain; }
};

struct LogHead {
  bool present = false;  // false: no head was ever written (a log just created)
  uint64_t seq = 0;      // which write of the head this is
  uint64_t size = 0;     // the log's acknowledged size in bytes
  LogTally tally;        // of the records up to `size`
};

class LogHeadFile {
 public:
  // Opens (creating) the head file at `path`.
  static Result<std::unique_ptr<LogHeadFile>> Open(Env* env, const std::string& path);
  // Reads a head without writing it. Absent, or no slot that reads:
  // present == false, size 0.
  static Result<LogHead> Read(Env* env, const std::string& path);

  bool present() const { return head_.present; }
  const LogHead& head() const { return head_; }
  // Reads the head again (another process may have written it).
  Result<LogHead> Reload();
  // Writes {size, tally} as the next head and makes it durable.
  // REQUIRES: size is at least the current head's, unless it takes back an
  // extent whose write failed (under the log's file lock, so that no other
  // process saw it).
  Status Write(uint64_t size, const LogTally& tally);

 private:
  LogHeadFile(Env* env, std::string path, std::unique_ptr<UpdatableFile> file)
      : env_(env), path_(std::move(path)), file_(std::move(file)) {}

  Env* env_;
  std::string path_;
  std::unique_ptr<UpdatableFile> file_;
  LogHead head_;
};

}  // namespace bevara
