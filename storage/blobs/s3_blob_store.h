// S3BlobStore: the BlobStore on an S3-compatible object store (Ceph RGW,
// Swift's s3api, a cloud S3), for bevara's copies.
//
// Same contract as LocalBlobStore: a blob is stored under its SHA-256
// (key "sha256/ab/<hex>"), never under a wrong name, and is visible whole or
// not at all. The store's own hash of the bytes is compared with the name
// before anything is completed; the object store checks each request's
// bytes against the signed SHA-256 and Content-MD5 (S3Client). A blob larger
// than one part is a multipart upload whose completion is the only moment
// it becomes visible (s3_upload.h: up to four parts at once, within 32 MiB
// of parts for all uploads of the store together). Reading hands out a ReadableFile that fetches the
// object in ranged windows; it is not trusted by itself: callers that need
// the bytes whole wrap it (VerifyingReader) or hash it (ReadHashing).
//
// A batch's blobs wait in a local spool directory until Publish() sends
// them; the spool is this process's own (RemoveStaleStaging clears it).
//
// Thread-safety: as BlobStore.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "src/common/mutex.h"
#include "storage/blobs/blob_store.h"
#include "storage/blobs/s3_client.h"
#include "storage/blobs/s3_upload.h"

namespace bevara::storage {

class S3BlobStore final : public BlobStore {
 public:
  // `spool_dir` holds the staged blobs of batches (created when missing).
  // With `check_bucket`, checks that the bucket is there and the credentials
  // may use it (without: the store is opened while it does not answer, and
  // its operations fail until it does). REQUIRES: env outlives the store.
  static Result<std::unique_ptr<S3BlobStore>> Open(Env* env, S3Settings settings, const std::string& spool_dir,
                                                   bool check_bucket = true);
  ~S3BlobStore() override;

  Result<std::unique_ptr<BlobBatch>> NewBatch() override;
  Result<std::unique_ptr<ReadableFile>> Open(const std::string& name) override;
  Result<uint64_t> Size(const std::string& name) override;
  Status ForEach(const std::function<Status(const std::string& name)>& fn) override;
  // Lists blobs with their sizes (one request per thousand).
  Status ForEachWithSize(const std::function<Status(const std::string& name, uint64_t size)>& fn);
  Status Remove(const std::string& name) override;
  Result<uint64_t> RemoveStaleStaging() override;
  Status Restore(const std::string& name, ReadableFile* source) override;

  S3Client* client() const { return client_.get(); }

 private:
  friend class S3BlobBatch;
  S3BlobStore(Env* env, std::unique_ptr<S3Client> client, std::string spool_dir)
      : env_(env), client_(std::move(client)), spool_(std::move(spool_dir)) {}
  void EndBatch(const std::string& id);

  Env* const env_;
  std::unique_ptr<S3Client> client_;
  const std::string spool_;
  // Parts of uploads in flight, across all threads sending to this store:
  // four of the default size, what one blob needs to keep the line busy.
  PartMemory part_memory_{32ull << 20};
  Mutex mu_;
  std::set<std::string> live_batches_ GUARDED_BY(mu_);
};

}  // namespace bevara::storage
