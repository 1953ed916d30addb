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
// This is the only way bevara reads and writes blobs: ingest, the archive,
// the server and search see this interface and nothing else of a store.
// LocalBlobStore (local_blob_store.h) is the local-disk implementation, made
// by OpenBlobStore; an object-store backend implements the same three
// classes. What a local file can do beyond (sendfile) comes through the
// ReadableFile a store hands out (NativeHandle), never through a path.
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

// How the local store makes blobs durable: what is synced how is a matter of
// speed, not of safety (local_blob_store.h).
struct BlobStoreOptions {
  uint64_t fsync_threshold = 256 << 10;  // blobs this large are fsynced one by one
  // More directories than this to make durable after the renames: one syncfs.
  size_t max_directory_syncs = 8;
  // False: never syncfs; every blob and directory is fsynced on its own
  // (slower for many small files; tests run both ways).
  bool use_syncfs = true;
};

class BlobStore;

// Opens (creating when needed) the archive's blob store in `root`: the local
// disk store. Unavailable when another process has it open.
// REQUIRES: env outlives the store.
Result<std::unique_ptr<BlobStore>> OpenBlobStore(Env* env, const std::string& root,
                                                 const BlobStoreOptions& options = {});

// Wraps an opened blob so that reading it checks it: the last Read (the one
// that would return 0 at the end) returns Corruption instead when the bytes
// read do not hash to `sha256`. A reader that takes in a whole blob this
// way never takes damaged bytes for good ones.
std::unique_ptr<ReadableFile> VerifyingReader(std::unique_ptr<ReadableFile> blob, std::string sha256);

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
  // A finished blob of this batch, before Publish(), for checks that need
  // the whole file (formats inside containers, virus scanning). Seekable.
  // NotFound when no finished blob of this batch has that name.
  virtual Result<std::unique_ptr<ReadableFile>> OpenStaged(const std::string& name) = 0;
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
  // NotFound when no blob has that name. The file is seekable; a local
  // store's has a NativeHandle.
  virtual Result<std::unique_ptr<ReadableFile>> Open(const std::string& name) = 0;
  // The blob's size; NotFound when absent.
  virtual Result<uint64_t> Size(const std::string& name) = 0;
  // Calls `fn` with the name of every stored blob, in no particular order.
  // Stops at, and returns, the first non-OK status `fn` returns
  // (StopIteration: stops, OK).
  virtual Status ForEach(const std::function<Status(const std::string& name)>& fn) = 0;
  // Deletes a blob (gc only). REQUIRES: nothing references it and no batch
  // that may have deduplicated against it is being published.
  virtual Status Remove(const std::string& name) = 0;
  // Deletes staging files left by batches that no longer exist (a crash, a
  // killed process). Safe while this process has batches open: they are kept.
  // Returns how many files were removed.
  virtual Result<uint64_t> RemoveStaleStaging() = 0;
  // Stores blob `name` from the bytes of `source`, read to its end, which
  // must hash to `name` (Corruption otherwise, and nothing changes). It
  // replaces whatever the store holds under the name — a damaged or lost
  // copy being repaired, or a copy being made — whole or not at all, and is
  // durable when OK is returned. Copies and repairs use it; ingests use
  // batches.
  virtual Status Restore(const std::string& name, ReadableFile* source) = 0;
};

}  // namespace bevara::storage
