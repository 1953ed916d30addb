#include "storage/blobs/s3_blob_store.h"

#include <algorithm>
#include <cstring>
#include <future>
#include <system_error>
#include <vector>

#include "src/common/digest.h"
#include "src/common/file_util.h"
#include "src/common/random.h"

namespace bevara::storage {
namespace {

constexpr size_t kReadWindow = 8 << 20;

// An object read in ranged windows of kReadWindow bytes. Read from start to
// end (audits, repairs), the next window is fetched while the caller works
// through this one: the store's answer time is not added to every window.
class S3File final : public ReadableFile {
 public:
  S3File(S3Client* client, std::string key, uint64_t size) : client_(client), key_(std::move(key)), size_(size) {}
  ~S3File() override { DropAhead(); }

  Result<size_t> Read(char* buf, size_t n) override {
    if (at_ >= size_) return size_t{0};
    if (at_ < window_start_ || at_ >= window_start_ + window_.size()) BEVARA_RETURN_IF_ERROR(Load());
    const size_t from = static_cast<size_t>(at_ - window_start_);
    const size_t take = std::min(n, window_.size() - from);
    std::memcpy(buf, window_.data() + from, take);
    at_ += take;
    return take;
  }

  Result<int64_t> Seek(int64_t offset, int whence) override {
    const int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? static_cast<int64_t>(at_) : static_cast<int64_t>(size_);
    if (base + offset < 0) return Status::InvalidArgument("seek before the start of " + key_);
    at_ = static_cast<uint64_t>(base + offset);
    return static_cast<int64_t>(at_);
  }

  // The first window, read when the file is opened (it also tells the size).
  Status LoadFirst(uint64_t* size) {
    Window w = Fetch(0, size);
    if (w.status.code() == StatusCode::kInvalidArgument) {  // an empty object has no first byte to ask for
      auto head = client_->Head(key_);
      if (!head.ok()) return head.status();
      *size = *head;
      return *head == 0 ? Status::OK() : w.status;
    }
    if (!w.status.ok()) return w.status;
    size_ = *size;
    window_ = std::move(w.bytes);
    window_start_ = 0;
    ReadAhead();
    return Status::OK();
  }

 private:
  struct Window {
    uint64_t start = 0;
    std::vector<char> bytes;
    Status status;
  };

  // One window from `start`; runs on the read-ahead thread too (it reads
  // only what does not change while the file is open). The first one, with
  // `object_size`, also learns the size (and may be the whole object).
  Window Fetch(uint64_t start, uint64_t* object_size = nullptr) const {
    Window w;
    w.start = start;
    const uint64_t want = object_size ? kReadWindow : std::min<uint64_t>(kReadWindow, size_ - start);
    if (!object_size) w.bytes.reserve(want);  // a first window is often a whole small object
    w.status = client_->Get(
        key_, start, want,
        [&](const char* d, size_t n) {
          if (w.bytes.size() + n > want) return Status::Corruption("object store sent more than was asked for " + key_);
          w.bytes.insert(w.bytes.end(), d, d + n);
          return Status::OK();
        },
        object_size);
    if (w.status.ok() && !object_size && w.bytes.size() != want) {
      w.status = Status::Corruption("object " + key_ + " is shorter than its size said (" +
                                    std::to_string(start + w.bytes.size()) + " of " + std::to_string(size_) + " bytes)");
    }
    return w;
  }

  Status Load() {
    Window w;
    if (ahead_.valid() && ahead_start_ == at_) {
      w = ahead_.get();
    } else {
      DropAhead();
      w = Fetch(at_);
    }
    if (!w.status.ok()) return w.status;
    window_ = std::move(w.bytes);
    window_start_ = w.start;
    ReadAhead();
    return Status::OK();
  }

  void ReadAhead() {
    const uint64_t next = window_start_ + window_.size();
    if (next >= size_ || window_.empty()) return;
    try {
      ahead_ = std::async(std::launch::async, [this, next] { return Fetch(next); });
      ahead_start_ = next;
    } catch (const std::system_error&) {  // no thread to be had: the next Load fetches it
    }
  }

  void DropAhead() {
    if (ahead_.valid()) ahead_.wait();
    ahead_ = {};
  }

  S3Client* client_;
  const std::string key_;
  uint64_t size_;
  uint64_t at_ = 0;
  uint64_t window_start_ = 0;
  std::vector<char> window_;
  std::future<Window> ahead_;  // the window from ahead_start_, on its way
  uint64_t ahead_start_ = 0;
};

struct StagedS3Blob {
  std::string path, name;
};

class S3BlobWriter final : public BlobWriter {
 public:
  S3BlobWriter(std::string path, std::unique_ptr<WritableFile> file, std::vector<StagedS3Blob>* staged)
      : path_(std::move(path)), file_(std::move(file)), staged_(staged), digester_(DigestSet::Of(DigestAlgorithm::kSha256)) {}
  Status Append(const char* data, size_t n) override {
    digester_.Update(data, n);
    return file_->Append(data, n);
  }
  Result<std::string> Finish(std::string_view expected) override {
    digester_.Finish();
    BEVARA_RETURN_IF_ERROR(file_->Close());
    const std::string name = digester_.Hex(DigestAlgorithm::kSha256);
    if (!expected.empty() && !HexDigestEquals(expected, name)) {
      return Status::Corruption("blob bytes hash to " + name + ", not to the expected " + std::string(expected));
    }
    staged_->push_back({path_, name});
    return name;
  }

 private:
  std::string path_;
  std::unique_ptr<WritableFile> file_;
  std::vector<StagedS3Blob>* staged_;
  MultiDigester digester_;
};

}  // namespace

class S3BlobBatch final : public BlobBatch {
 public:
  S3BlobBatch(S3BlobStore* store, std::string id) : store_(store), id_(std::move(id)), dir_(store->spool_ + "/" + id_) {}
  ~S3BlobBatch() override {
    auto names = store_->env_->ListDir(dir_);
    if (names.ok()) {
      for (const std::string& n : *names) (void)store_->env_->RemoveFile(dir_ + "/" + n);
    }
    (void)store_->env_->RemoveDir(dir_);
    store_->EndBatch(id_);
  }
  Status Init() { return store_->env_->CreateDir(dir_, kDefaultDirMode); }

  Result<std::unique_ptr<BlobWriter>> NewBlob() override {
    const std::string path = dir_ + "/" + std::to_string(next_++);
    auto file = store_->env_->CreateExclusive(path, kDefaultFileMode);
    if (!file.ok()) return file.status();
    return std::unique_ptr<BlobWriter>(new S3BlobWriter(path, std::move(*file), &staged_));
  }

  Result<std::unique_ptr<ReadableFile>> OpenStaged(const std::string& name) override {
    for (const StagedS3Blob& b : staged_) {
      if (b.name == name) return store_->env_->OpenForRead(b.path);
    }
    return Status::NotFound("no staged blob " + name);
  }

  Result<PublishStats> Publish() override {
    PublishStats stats;
    stats.blobs = staged_.size();
    std::set<std::string> sent;
    for (const StagedS3Blob& b : staged_) {
      if (!sent.insert(b.name).second) continue;
      if (store_->Size(b.name).ok()) continue;  // stored before: immutable, kept once
      auto file = store_->env_->OpenForRead(b.path);
      if (!file.ok()) return file.status();
      auto size = store_->env_->Lstat(b.path);
      if (!size.ok()) return size.status();
      BEVARA_RETURN_IF_ERROR(store_->Restore(b.name, file->get()));
      ++stats.new_blobs;
      stats.new_bytes += size->size;
    }
    return stats;
  }

 private:
  S3BlobStore* store_;
  const std::string id_, dir_;
  uint64_t next_ = 0;
  std::vector<StagedS3Blob> staged_;
};

Result<std::unique_ptr<S3BlobStore>> S3BlobStore::Open(Env* env, S3Settings settings, const std::string& spool_dir,
                                                       bool check_bucket) {
  auto client = S3Client::Make(std::move(settings));
  if (!client.ok()) return client.status();
  if (check_bucket) BEVARA_RETURN_IF_ERROR((*client)->CheckBucket());
  BEVARA_RETURN_IF_ERROR(env->CreateDir(spool_dir, kDefaultDirMode));
  return std::unique_ptr<S3BlobStore>(new S3BlobStore(env, std::move(*client), spool_dir));
}

S3BlobStore::~S3BlobStore() = default;

Result<std::unique_ptr<BlobBatch>> S3BlobStore::NewBatch() {
  std::string id = RandomHex(8);
  {
    MutexLock lock(&mu_);
    live_batches_.insert(id);
  }
  auto batch = std::make_unique<S3BlobBatch>(this, id);
  BEVARA_RETURN_IF_ERROR(batch->Init());
  return std::unique_ptr<BlobBatch>(std::move(batch));
}

void S3BlobStore::EndBatch(const std::string& id) {
  MutexLock lock(&mu_);
  live_batches_.erase(id);
}

Result<std::unique_ptr<ReadableFile>> S3BlobStore::Open(const std::string& name) {
  if (!IsBlobName(name)) return Status::InvalidArgument("not a blob name: " + name);
  auto file = std::make_unique<S3File>(client_.get(), S3KeyForBlob(name), 0);
  uint64_t size = 0;
  BEVARA_RETURN_IF_ERROR(file->LoadFirst(&size));
  return std::unique_ptr<ReadableFile>(std::move(file));
}

Result<uint64_t> S3BlobStore::Size(const std::string& name) {
  if (!IsBlobName(name)) return Status::InvalidArgument("not a blob name: " + name);
  return client_->Head(S3KeyForBlob(name));
}

Status S3BlobStore::ForEachWithSize(const std::function<Status(const std::string&, uint64_t)>& fn) {
  return client_->List("sha256/", [&](const S3Object& o) {
    const std::string name = o.key.substr(o.key.rfind('/') + 1);
    // Only what is named as a blob is one (anything else in the bucket is not ours).
    if (!IsBlobName(name) || o.key != S3KeyForBlob(name)) return Status::OK();
    return fn(name, o.size);
  });
}

Status S3BlobStore::ForEach(const std::function<Status(const std::string&)>& fn) {
  return ForEachWithSize([&](const std::string& name, uint64_t) { return fn(name); });
}

Status S3BlobStore::Remove(const std::string& name) {
  if (!IsBlobName(name)) return Status::InvalidArgument("not a blob name: " + name);
  return client_->Delete(S3KeyForBlob(name));
}

Result<uint64_t> S3BlobStore::RemoveStaleStaging() {
  auto batches = env_->ListDir(spool_);
  if (!batches.ok()) return batches.status();
  uint64_t removed = 0;
  for (const std::string& id : *batches) {
    {
      MutexLock lock(&mu_);
      if (live_batches_.count(id)) continue;
    }
    const std::string dir = spool_ + "/" + id;
    auto files = env_->ListDir(dir);
    if (files.ok()) {
      for (const std::string& f : *files) {
        if (env_->RemoveFile(dir + "/" + f).ok()) ++removed;
      }
      (void)env_->RemoveDir(dir);
    } else if (env_->RemoveFile(dir).ok()) {
      ++removed;
    }
  }
  return removed;
}

Status S3BlobStore::Restore(const std::string& name, ReadableFile* source) {
  if (!IsBlobName(name)) return Status::InvalidArgument("not a blob name: " + name);
  return UploadVerified(client_.get(), S3KeyForBlob(name), name, source, {.parts_in_flight = 4, .memory = &part_memory_});
}

}  // namespace bevara::storage
