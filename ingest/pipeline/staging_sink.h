// StagingSink: the EntrySink that stores a package's files while the
// validator reads them — every byte goes to a staging blob and its first
// bytes to format identification (libmagic and PRONOM), in the same pass
// that validates. PRONOM also needs a file's last bytes and, for a
// container (ZIP, OLE2), its entries: those are read back from the staged
// blob, which is still in the page cache. The store
// hashes what it writes; that digest, of the bytes stored, is the one the
// validator checks against the package's declarations.
//
// Thread-safety: one per ingest.
#pragma once

#include <string>
#include <vector>

#include "ingest/formats/scan_window.h"
#include "ingest/formats/pronom_identifier.h"
#include "ingest/validate/entry_sink.h"
#include "storage/aip/format_identifier.h"
#include "storage/blobs/blob_store.h"
#include "storage/catalog/version_record.h"

namespace bevara::ingest {

struct StagedFile {
  std::string archive_path;  // as the package names it
  uint64_t size = 0;
  std::string sha256;        // the blob's name
  std::vector<std::pair<DigestAlgorithm, std::string>> other_digests;
  std::string mime_detected;
  storage::FormatIdentity format;  // PRONOM's answer; no policy yet
};

// What the record keeps of a PRONOM identification. A format known only by
// its extension stands only when libmagic's MIME type agrees with it.
storage::FormatIdentity FormatIdentityOf(const formats::Identification& id, const std::string& mime_detected);

class StagingSink final : public EntrySink {
 public:
  // Not owned; all outlive the sink.
  StagingSink(storage::BlobBatch* batch, storage::FormatIdentifier* identifier,
              const formats::PronomIdentifier* pronom)
      : batch_(batch), identifier_(identifier), pronom_(pronom) {}

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
  const formats::PronomIdentifier* pronom_;
  std::unique_ptr<storage::BlobWriter> writer_;
  std::string path_;
  std::string name_;  // the current file's blob name, once complete
  // The current file's first bytes (libmagic, PRONOM); its last are read back.
  formats::ScanBuffer ends_{formats::PronomIdentifier::kScanBytes, /*collect_tail=*/false};
  std::vector<StagedFile> files_;
};

}  // namespace bevara::ingest
