// EntrySink: where the validator hands each file's bytes as they stream by,
// so that ingest stores a package in the same single pass that validates it.
//
// For every file of the package, in archive order: BeginFile(), then the
// file's bytes in one or more Write() calls, then (a sink that hashes)
// CompleteSha256(), then EndFile() with the digests of those same bytes. A
// non-OK Status from any call stops the validation with that status (an I/O
// error, not a finding about the package).
//
// A sink that computes the SHA-256 of what it is given (the archive's store,
// which names every file by it) says so, and then the validator does not
// compute SHA-256 itself: it checks the declared checksum against the digest
// of the bytes the sink stored. One hash per byte, in the pass that writes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "src/common/digest.h"
#include "src/common/result.h"
#include "src/common/status.h"

namespace bevara::ingest {

// A file's size and digests as read.
struct ScannedFile {
  uint64_t size = 0;
  std::array<uint8_t, 32> sha256{};  // always computed
  // Digests in other algorithms, for files whose METS declares one.
  std::vector<std::pair<DigestAlgorithm, std::string>> other_digests;  // lower-case hex

  // The digest in lower-case hex, or nullopt when it was not computed.
  std::optional<std::string> Hex(DigestAlgorithm a) const;
};

class EntrySink {
 public:
  virtual ~EntrySink() = default;
  // `path` is the entry's path in the package, as the reader accepted it.
  virtual Status BeginFile(const std::string& path) = 0;
  virtual Status Write(const char* data, size_t n) = 0;
  virtual Status EndFile(const ScannedFile& file) = 0;
  // Whether CompleteSha256() gives the SHA-256 of each file's bytes.
  virtual bool ComputesSha256() const { return false; }
  // After a file's last Write(): the SHA-256 of its bytes (32 bytes).
  // REQUIRES: ComputesSha256().
  virtual Result<std::array<uint8_t, 32>> CompleteSha256() { return Status::NotSupported("this sink does not hash"); }
};

}  // namespace bevara::ingest
