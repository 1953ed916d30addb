// Replication: brings one copy level with the archive's version log.
//
// Every blob a held version references (archive_blobs.h) that the copy's
// ledger does not confirm is read from the local store and sent with
// BlobStore::Restore, which refuses bytes that do not hash to the blob's
// name — a blob damaged locally is never copied as good — and is then
// confirmed in the ledger (a PREMIS replication event). Confirmations are
// synced once per round of blobs; a crash loses at most a round's records,
// whose blobs are sent again. What is confirmed is never sent again: a
// catch-up after a crash or a stop resumes where the ledger stands.
//
// A store that stops answering ends the run with Unavailable (the caller
// waits and runs again); wrong credentials with PermissionDenied. A blob that
// cannot be read locally is a problem in the report, and the others go on.
//
// Thread-safety: one Replicate() per copy at a time (the copy service and
// `bevara copies sync` each hold the archive, so they never meet).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "src/common/result.h"
#include "storage/archive/archive.h"
#include "storage/blobs/blob_store.h"
#include "storage/copies/archive_blobs.h"
#include "storage/copies/copy_ledger.h"

namespace bevara::storage {

struct ReplicationOptions {
  int threads = 8;  // blobs sent at once
  // Set to true to stop early (shutdown); what was confirmed stays confirmed.
  const std::atomic<bool>* cancel = nullptr;
  // Only these versions ("package" -> versions); empty: every held version.
  std::function<bool(const std::string& package, uint32_t version)> only;
  // Called after each round's confirmations are durable (acknowledgements wait on it).
  std::function<void()> on_round;
};

struct ReplicationReport {
  uint64_t versions_copied = 0;  // versions whose every blob is now confirmed
  uint64_t blobs_sent = 0, bytes_sent = 0;
  double seconds = 0;
  std::vector<std::string> problems;  // blobs that could not be copied, and why
  std::string ToJson() const;
};

Result<ReplicationReport> Replicate(Archive* archive, BlobStore* target, CopyLedger* ledger,
                                    const ReplicationOptions& options = {});

// How far a copy is behind the version log: blobs of held versions it does
// not confirm (versions the ledger has as copied are not read again).
struct MissingBlob {
  std::string blob;
  uint64_t size = 0;
  std::string package;  // a package that holds it
  uint32_t version = 0;
};

struct CopyLag {
  uint64_t blobs = 0, bytes = 0;
  std::vector<MissingBlob> sample;  // the first 20 missing
};

Result<CopyLag> MeasureLag(Archive* archive, const CopyLedger& ledger);

}  // namespace bevara::storage
