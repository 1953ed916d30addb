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

#include "ingest/formats/pronom_identifier.h"
#include "ingest/formats/scan_window.h"
#include "ingest/pipeline/format_worker.h"
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

class StagingSink final : public EntrySink {
 public:
  // Not owned; both outlive the sink. An empty `pronom`: no identification.
  StagingSink(storage::BlobBatch* batch, storage::FormatIdentifier* identifier, FormatWorker::IdentifierSource pronom);

  Status BeginFile(const std::string& path) override;
  Status Write(const char* data, size_t n) override;
  bool ComputesSha256() const override { return true; }
  Result<std::array<uint8_t, 32>> CompleteSha256() override;
  Status EndFile(const ScannedFile& file) override;

  // The files staged so far, with their PRONOM formats once the worker is
  // done with them. Hands the list over (memory: a package may have 100,000
  // files). Not OK when identification could not read a staged file back.
  Result<std::vector<StagedFile>> TakeFiles();
  // The version of the signature files used; empty without identification.
  // REQUIRES: TakeFiles() returned OK.
  std::string signatures() const { return pronom_ ? pronom_->identifier().version() : ""; }

 private:
  storage::BlobBatch* batch_;
  storage::FormatIdentifier* identifier_;
  std::unique_ptr<FormatWorker> pronom_;  // null: no identification
  std::unique_ptr<storage::BlobWriter> writer_;
  std::string path_;
  std::string name_;  // the current file's blob name, once complete
  // The current file's first bytes (libmagic, PRONOM; its last are read back).
  formats::ScanBuffer ends_{formats::PronomIdentifier::kScanBytes, /*collect_tail=*/false};
  std::vector<StagedFile> files_;
};

}  // namespace bevara::ingest
