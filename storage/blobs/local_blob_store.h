// LocalBlobStore: the BlobStore on a local file system.
//
// Layout under the store's root directory:
//   blobs/sha256/ab/abcdef...   one file per blob, fanned out by its first
//                               two hex digits (256 directories at most)
//   staging/<batch>/<n>         files of batches being written
//   LOCK                        held while the store is open
//
// Publishing follows the temp, sync, rename, sync-directory recipe. What is
// synced how (BlobStoreOptions) is a matter of speed, not of safety:
//   * a blob of at least `fsync_threshold` bytes is fsynced when finished;
//   * smaller blobs are made durable together by one syncfs(2) in Publish()
//     (thousands of fsyncs would cost more than the writes themselves);
//   * after the renames, the directories touched are fsynced one by one when
//     they are few, otherwise one more syncfs covers them.
// Either way Publish() returns only when every blob of the batch is durable.
//
// Space is kept in reserve: a blob is refused (NoSpace) before the file
// system's free space would fall below the reserve (a fiftieth of the file
// system, at least 1 MiB, at most 64 MiB), so that what the store holds can
// always be recorded in the version log and the catalog, and reading and
// gc go on working.
//
// Thread-safety: as BlobStore.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "src/common/mutex.h"
#include "storage/blobs/blob_store.h"

namespace bevara::storage {

class LocalBlobStore final : public BlobStore {
 public:
  // Opens (creating when needed) the store in `root`. Fails when another
  // process has it open. REQUIRES: env outlives the store.
  static Result<std::unique_ptr<LocalBlobStore>> Open(Env* env, const std::string& root,
                                                      BlobStoreOptions options = {});
  ~LocalBlobStore() override;

  Result<std::unique_ptr<BlobBatch>> NewBatch() override;
  Result<std::unique_ptr<ReadableFile>> Open(const std::string& name) override;
  Result<uint64_t> Size(const std::string& name) override;
  Status ForEach(const std::function<Status(const std::string& name)>& fn) override;
  Status Remove(const std::string& name) override;
  Result<uint64_t> RemoveStaleStaging() override;
  Status Restore(const std::string& name, ReadableFile* source) override;

  // Where a blob lives: <root>/blobs/sha256/<first two hex digits>/<name>.
  std::string PathOf(const std::string& name) const;

  // OK when `bytes` more can be written and the reserve stays free; NoSpace
  // saying how much there is otherwise. OK when the space cannot be known.
  // Sets *reserve to the reserve's size.
  Status EnsureRoom(uint64_t bytes, uint64_t* reserve) const;

 private:
  friend class LocalBlobBatch;
  LocalBlobStore(Env* env, std::string root, BlobStoreOptions options);
  void EndBatch(const std::string& id);

  Env* const env_;
  const std::string root_;
  const BlobStoreOptions options_;
  std::unique_ptr<FileLock> lock_;
  Mutex mu_;
  std::set<std::string> live_batches_ GUARDED_BY(mu_);
};

}  // namespace bevara::storage
