// BlobStore: archival storage of immutable files named by their SHA-256.
//
// Every file bevara keeps (package files, AIP METS, inventories, version
// records) is a blob. A blob is written once, through a BlobBatch, and is
// never changed afterwards; the same bytes stored twice are kept once.
//
// Writing is two-phase so that an ingest is all or nothing:
//   1. NewBatch(); for each file NewBlob(), Append(), Finish(). The bytes go
//      to staging files that no reader can see, and are hashed as they pass.
//   2. Publish(): every finished blob becomes durable and visible under its
//      name. Only after Publish() returned OK may anything (the catalog) point
//      at the batch's blobs.
// A batch destroyed without Publish() removes its staging files. A crash
// leaves staging files behind; RemoveStaleStaging() (bevara gc) clears them.
//
// This is the interface ingest and the archive use; LocalBlobStore is the
// local-disk implementation. An object-store backend would implement the same
// three classes.
//
// Thread-safety: a BlobStore is safe for concurrent use. A BlobBatch and its
// BlobWriters belong to one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "src/common/env.h"
#include "src/common/result.h"
#include "src/common/status.h"

namespace bevara::storage {

// True when `name` is a blob name: 64 lower-case hexadecimal digits.
bool IsBlobName(std::string_view name);

// Reads an opened blob to its end, handing each piece to `consume`, and
// returns the SHA-256 (lower-case hex) of what was read. Callers compare it
// with the blob's name: a blob that no longer matches its name is corrupt.
// Stops at, and returns, the first error of the read or of `consume`.
Result<std::string> ReadHashing(ReadableFile* blob, const std::function<Status(const char* data, size_t n)>& consume);

// One blob being written.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual Status Append(const char* data, size_t n) = 0;
  // Ends the blob and returns its name, the SHA-256 of the bytes appended.
  // When `expected` (hex, any case) is given and differs, the blob is dropped
  // and Corruption is returned: a blob is never stored under a wrong name.
  // REQUIRES: called once; no Append() afterwards.
  virtual Result<std::string> Finish(std::string_view expected = {}) = 0;
};

struct PublishStats {
  uint64_t blobs = 0;        // finished blobs in the batch
  uint64_t new_blobs = 0;    // of which were not stored before
  uint64_t new_bytes = 0;
};

// The blobs of one ingest.
class BlobBatch {
 public:
  // Removes the staging files of a batch that was not published.
  virtual ~BlobBatch() = default;
  virtual Result<std::unique_ptr<BlobWriter>> NewBlob() = 0;
  // Makes every finished blob durable and visible. When it returns OK, each
  // blob of the batch survives a crash or power loss. On failure some blobs
  // may be visible, none is referenced yet, and gc removes them.
  // REQUIRES: every writer of the batch was finished or destroyed; called once.
  virtual Result<PublishStats> Publish() = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  virtual Result<std::unique_ptr<BlobBatch>> NewBatch() = 0;
  // NotFound when no blob has that name.
  virtual Result<std::unique_ptr<ReadableFile>> Open(const std::string& name) = 0;
  // The blob's size; NotFound when absent.
  virtual Result<uint64_t> Size(const std::string& name) = 0;
  // Calls `fn` with the name of every stored blob, in no particular order.
  // Stops at, and returns, the first non-OK status `fn` returns.
  virtual Status ForEach(const std::function<Status(const std::string& name)>& fn) = 0;
  // Deletes a blob (gc only). REQUIRES: nothing references it and no batch
  // that may have deduplicated against it is being published.
  virtual Status Remove(const std::string& name) = 0;
  // Deletes staging files left by batches that no longer exist (a crash, a
  // killed process). Safe while this process has batches open: they are kept.
  // Returns how many files were removed.
  virtual Result<uint64_t> RemoveStaleStaging() = 0;
};

}  // namespace bevara::storage
