// FormatWorker: PRONOM identification of an ingest's files on a thread of
// its own, beside the thread that reads, hashes and stores them.
//
// The storing thread hands over each file as it is finished: its first
// bytes (a copy, at most 2 * kScanBytes), its blob name and size, and
// libmagic's answer. The worker reads a large file's last bytes and a
// container's entries back from the staged blob (BlobBatch::OpenStaged),
// identifies it, and keeps the answer for Finish(). At most kQueued files
// wait (a few MB); the storing thread waits beyond that.
//
// Thread-safety: Add() and Finish() from one thread (the ingest's).
// REQUIRES: the batch's OpenStaged() is safe beside NewBlob()/Finish() on
// another thread (the local store's is).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ingest/formats/pronom_identifier.h"
#include "src/common/env.h"
#include "src/common/mutex.h"
#include "storage/blobs/blob_store.h"
#include "storage/catalog/version_record.h"

namespace bevara::ingest {

// What the record keeps of a PRONOM identification. A format known only by
// its extension stands only when libmagic's MIME type agrees with it.
storage::FormatIdentity FormatIdentityOf(const formats::Identification& id, const std::string& mime_detected);

// Of a file's first bytes, those its scan window holds: all of a file of at
// most 2 * kScanBytes, else its first kScanBytes.
std::string_view WindowHead(std::string_view first_bytes, uint64_t size);

// Gives the file itself, opened on first use.
using FileOpener = std::function<Result<ReadableFile*>()>;

// A file's identity from its window head (WindowHead()) and, only when
// they are needed, its last kScanBytes and a container's entries, read
// from the file `open` gives. An I/O error reading it is returned (the
// container's own damage is not: it is in the identity's note).
// Shared by the ingest's worker (a staged blob) and re-identification (a
// stored one), so that both see the same window.
Result<storage::FormatIdentity> IdentifyFile(const formats::PronomIdentifier& pronom, std::string_view head,
                                             uint64_t size, const FileOpener& open, const std::string& path,
                                             const std::string& mime_detected);

class FormatWorker {
 public:
  static constexpr size_t kQueued = 32;

  // Gives the identifier; called on the worker's thread, so that compiling
  // the signature files overlaps the ingest's first reads.
  using IdentifierSource = std::function<Result<std::shared_ptr<const formats::PronomIdentifier>>()>;
  // `batch` is not owned and outlives the worker.
  FormatWorker(storage::BlobBatch* batch, IdentifierSource source);
  ~FormatWorker();  // stops the thread; what was not finished is dropped
  FormatWorker(const FormatWorker&) = delete;
  FormatWorker& operator=(const FormatWorker&) = delete;

  // Queues file number `index` (its `head`: the whole file when it is at
  // most 2 * kScanBytes, else its first kScanBytes).
  void Add(size_t index, std::string path, std::string blob, uint64_t size, std::string head, std::string mime);

  // Waits until every file is identified; their identities by index
  // (resized to cover every index added), or the first error (an I/O error
  // reading a staged blob back).
  Status Finish(std::vector<storage::FormatIdentity>* out);
  // The identifier used. REQUIRES: Finish() returned OK.
  const formats::PronomIdentifier& identifier() const { return *pronom_; }

 private:
  struct Job {
    size_t index = 0;
    std::string path, blob;
    uint64_t size = 0;
    std::string head, mime;
  };
  void Run();

  storage::BlobBatch* batch_;
  IdentifierSource source_;
  // Set by the worker before ready_, then only read.
  std::shared_ptr<const formats::PronomIdentifier> pronom_;
  Mutex mu_;
  CondVar changed_;
  std::deque<Job> queue_ GUARDED_BY(mu_);
  bool busy_ GUARDED_BY(mu_) = false;  // the worker holds a job
  bool ready_ GUARDED_BY(mu_) = false;  // the worker has its identifier (or failed to get it)
  // Who sleeps on changed_: each side signals only when the other waits
  // (a signal per file would cost a system call per file).
  bool worker_waits_ GUARDED_BY(mu_) = false;
  bool caller_waits_ GUARDED_BY(mu_) = false;
  bool stop_ GUARDED_BY(mu_) = false;
  Status error_ GUARDED_BY(mu_);
  std::vector<std::pair<size_t, storage::FormatIdentity>> done_ GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace bevara::ingest
