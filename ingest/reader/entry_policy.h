// EntryPolicy: the rules every package entry must pass before anyone sees it.
//
// Rule ids (stable, reported to users):
//   PKG-NAME-TOO-LONG   name longer than ReaderLimits::max_name_bytes
//   PKG-INVALID-UTF8    name is not valid UTF-8
//   PKG-CONTROL-CHAR    name holds a control character (C0, DEL or C1)
//   PKG-BACKSLASH       name holds '\' (a Windows separator in disguise)
//   PKG-ABSOLUTE-PATH   name starts with '/' or a drive letter
//   PKG-DOTDOT          a '..' component
//   PKG-EMPTY-COMPONENT an empty or '.' component inside the name
//   PKG-NAME-COLLISION  two entries equal after Unicode NFC, or a file that
//                       is also used as a directory
//   PKG-SYMLINK, PKG-HARDLINK, PKG-DEVICE, PKG-FIFO, PKG-SPECIAL-FILE
//   PKG-TOO-MANY-ENTRIES, PKG-TOO-LARGE
//
// Thread-safety: one thread at a time.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "ingest/reader/package_reader.h"
#include "src/common/status.h"

namespace bevara::ingest {

enum class RawEntryType { kFile, kDirectory, kSymlink, kHardlink, kCharDevice, kBlockDevice, kFifo, kOther };

class EntryPolicy {
 public:
  explicit EntryPolicy(const ReaderLimits& limits) : limits_(limits) {}

  // Checks one entry header and, when it passes, fills *entry with the
  // normalised name (leading "./" and trailing "/" removed). Returns OK with
  // *skip set for the package root itself ("." or "./"), which is no entry.
  Status Admit(std::string_view raw_name, RawEntryType type, int64_t declared_size,
               PackageEntry* entry, bool* skip);

  // Counts content bytes as they are read; rejects past max_total_bytes.
  Status CountBytes(uint64_t n);

  uint64_t total_bytes() const { return total_bytes_; }
  const ReaderLimits& limits() const { return limits_; }

 private:
  Status CheckName(std::string_view name, const std::string& shown) const;
  Status CheckCollision(const std::string& name, EntryKind kind);

  ReaderLimits limits_;
  uint64_t files_ = 0, directories_ = 0;
  uint64_t total_bytes_ = 0;
  // Hash of the NFC form -> kind; directories are also implied by the files
  // inside them. Hashes, not names: a package may hold 100,000 entries, and
  // their names are kept elsewhere already. Two different names with equal
  // 64-bit hashes would be reported as a collision; that costs the package
  // that crafted them its acceptance, and nothing else.
  std::unordered_map<uint64_t, EntryKind> seen_;
};

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
// The Unicode NFC form of valid UTF-8 text.
std::string NfcNormalize(std::string_view utf8);
// Renders a raw name for a report: invalid bytes and controls as \xNN.
std::string Printable(std::string_view raw);

}  // namespace bevara::ingest
