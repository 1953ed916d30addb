// PackageReader: a submission package read as a stream of entries.
//
// A package is untrusted. Every implementation applies the same EntryPolicy
// (entry_policy.h) before an entry is handed out, so a caller only ever sees
// regular files and directories with safe, relative, NFC-unique UTF-8 names,
// and the reader stops at the first entry that breaks a rule: Next() then
// returns a Status with IsRejected() and rule() naming it.
//
// Nothing is extracted and no path from the package is ever used to open or
// create a file: callers receive bytes and a name, and decide.
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "src/common/env.h"
#include "src/common/result.h"

namespace bevara::ingest {

enum class EntryKind { kFile, kDirectory };

struct PackageEntry {
  std::string path;            // relative, '/'-separated, no trailing '/'
  EntryKind kind = EntryKind::kFile;
  int64_t declared_size = -1;  // from the archive header; -1 when unknown
};

struct ReaderLimits {
  // Files and directories are limited separately: whether an archive lists
  // its directories at all depends on the tool that made it.
  uint64_t max_entries = 100'000;      // files
  uint64_t max_directories = 100'000;
  uint64_t max_name_bytes = 1024;
  uint64_t max_total_bytes = 1ull << 40;  // 1 TiB of uncompressed content
  // Compressed packages: more than max_ratio bytes out per byte in, once
  // more than ratio_grace_bytes have come out, is treated as a bomb.
  uint64_t max_ratio = 100;
  uint64_t ratio_grace_bytes = 16ull << 20;
};

class PackageReader {
 public:
  virtual ~PackageReader() = default;

  // Advances to the next entry. Returns true and fills *entry, false at the
  // end of the package, or a non-OK Status (a rejection or an I/O error);
  // after an error the reader must not be used again.
  virtual Result<bool> Next(PackageEntry* entry) = 0;

  // Reads data of the current file entry; returns 0 at its end. Data not read
  // before the next Next() is skipped.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;

  // "tar", "tar.gz", "zip" or "directory"; known after the first Next().
  virtual std::string format() const = 0;
};

// Opens a tar, tar.gz or zip file, or an unpacked directory.
// Errors: NotFound / IOError when the path cannot be opened; a rejection
// (PKG-FORMAT, PKG-EMPTY) when it is not a package bevara reads.
Result<std::unique_ptr<PackageReader>> OpenPackage(Env* env, const std::string& path,
                                                   const ReaderLimits& limits = {});

}  // namespace bevara::ingest
