// StoredContainer: the entries of a container file, for container
// signatures, read from a caller's seekable ReadableFile: ZIP with
// libarchive's seekable reader (the central directory), OLE2 with
// ole2_container.h.
//
// Hostile input: at most kMaxEntries names, and of each wanted entry at most
// PronomIdentifier::kScanBytes from each end, out of at most kMaxBytes
// decompressed in all; past a limit the container counts as unreadable.
//
// Thread-safety: one per file.
#pragma once

#include "ingest/formats/pronom_identifier.h"
#include "src/common/env.h"

namespace bevara::ingest::formats {

class StoredContainer final : public ContainerReader {
 public:
  static constexpr size_t kMaxEntries = 100000;
  static constexpr uint64_t kMaxBytes = 256 << 20;

  // Not owned; must be seekable and outlive this.
  explicit StoredContainer(ReadableFile* file) : file_(file) {}

  Status ForEachEntry(ContainerType type, const std::function<bool(const std::string& name)>& wants_content,
                      const std::function<void(const std::string& name, const ScanWindow* content)>& entry) override;

 private:
  ReadableFile* file_;
};

}  // namespace bevara::ingest::formats
