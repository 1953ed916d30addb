// StagingSink: the EntrySink that stores a package's files while the
// validator reads them — every byte goes to a staging blob and its first
// bytes to format identification, in the same pass that validates. The store
// hashes what it writes; that digest, of the bytes stored, is the one the
// validator checks against the package's declarations.
//
// Thread-safety: one per ingest.
#pragma once

#include <string>
#include <vector>

#include "ingest/validate/entry_sink.h"
#include "storage/aip/format_identifier.h"
#include "storage/blobs/blob_store.h"

namespace bevara::ingest {

struct StagedFile {
  std::string archive_path;  // as the package names it
  uint64_t size = 0;
  std::string sha256;        // the blob's name
  std::vector<std::pair<DigestAlgorithm, std::string>> other_digests;
  std::string mime_detected;
};

class StagingSink final : public EntrySink {
 public:
  // Not owned; both outlive the sink.
  StagingSink(storage::BlobBatch* batch, storage::FormatIdentifier* identifier)
      : batch_(batch), identifier_(identifier) {}

  Status BeginFile(const std::string& path) override;
  Status Write(const char* data, size_t n) override;
  bool ComputesSha256() const override { return true; }
  Result<std::array<uint8_t, 32>> CompleteSha256() override;
  Status EndFile(const ScannedFile& file) override;

  // The files staged so far. Hands the list over (memory: a package may have 100,000 files).
  std::vector<StagedFile> TakeFiles() { return std::move(files_); }

 private:
  storage::BlobBatch* batch_;
  storage::FormatIdentifier* identifier_;
  std::unique_ptr<storage::BlobWriter> writer_;
  std::string path_;
  std::string name_;  // the current file's blob name, once complete
  std::string head_;  // the first bytes of the current file, for libmagic
  std::vector<StagedFile> files_;
};

}  // namespace bevara::ingest
