#include "storage/blobs/local_blob_store.h"

#include <algorithm>

#include <cstring>
#include <set>
#include <unordered_map>
#include <vector>

#include "src/common/digest.h"
#include "src/common/hex.h"
#include "src/common/mutex.h"
#include "src/common/path.h"
#include "src/common/random.h"
#include "storage/blobs/hashing_writer.h"

namespace bevara::storage {

// A finished blob waiting in staging for Publish().
struct StagedBlob {
  std::string staging_path;
  std::string name;
  uint64_t size = 0;
  bool synced = false;
};

class LocalBlobWriter final : public BlobWriter {
 public:
  LocalBlobWriter(class LocalBlobBatch* batch, std::string path, std::unique_ptr<WritableFile> file)
      : batch_(batch), path_(std::move(path)), writer_(std::move(file)) {}
  ~LocalBlobWriter() override;

  // Checks the reserve at the first byte, then again whenever half of it
  // could have been written since: at least half of it always stays free.
  Status Append(const char* data, size_t n) override {
    if (written_ >= next_space_check_) BEVARA_RETURN_IF_ERROR(CheckRoom(n));
    written_ += n;
    return writer_.Append(data, n);
  }
  Result<std::string> Finish(std::string_view expected) override;

 private:
  Status CheckRoom(size_t n);
  uint64_t written_ = 0, next_space_check_ = 0;
  LocalBlobBatch* batch_;
  std::string path_;
  HashingWriter writer_;  // the store's own hash of the bytes it writes
  bool finished_ = false;
};

class LocalBlobBatch final : public BlobBatch {
 public:
  LocalBlobBatch(LocalBlobStore* store, std::string id)
      : store_(store), env_(store->env_), id_(std::move(id)), dir_(store->root_ + "/staging/" + id_) {}

  ~LocalBlobBatch() override {
    // Best effort: what cannot be removed now, gc removes later.
    for (const StagedBlob& b : staged_) env_->RemoveFile(b.staging_path);
    for (const std::string& path : abandoned_) env_->RemoveFile(path);
    env_->RemoveDir(dir_);
    store_->EndBatch(id_);
  }

  Status Init() { return env_->CreateDir(dir_, kDefaultDirMode); }

  Result<std::unique_ptr<BlobWriter>> NewBlob() override {
    std::string path = dir_ + "/" + std::to_string(next_++);
    auto file = env_->CreateExclusive(path, kDefaultFileMode);
    if (!file.ok()) return file.status();
    return std::unique_ptr<BlobWriter>(new LocalBlobWriter(this, path, std::move(*file)));
  }

  Result<PublishStats> Publish() override;
  // Publish, but each blob replaces what is stored under its name (a
  // damaged copy being repaired): rename(2) over it, so a reader sees the
  // old file or the new one, never neither.
  Status PublishReplacing();

  // Safe beside NewBlob() and a writer's Finish() on another thread (format
  // identification reads staged blobs back while the ingest goes on).
  Result<std::unique_ptr<ReadableFile>> OpenStaged(const std::string& name) override {
    std::string path;
    {
      MutexLock lock(&staged_mu_);
      auto it = staged_by_name_.find(name);
      if (it == staged_by_name_.end()) return Status::NotFound("no staged blob " + name);
      path = it->second;
    }
    OpenOptions options;
    options.no_follow = true;
    return env_->OpenForRead(path, options);
  }

  const BlobStoreOptions& options() const { return store_->options_; }
  const LocalBlobStore* store() const { return store_; }
  void Staged(StagedBlob blob) {
    {
      MutexLock lock(&staged_mu_);
      staged_by_name_.emplace(blob.name, blob.staging_path);
    }
    staged_.push_back(std::move(blob));
  }
  void Abandoned(std::string path) { abandoned_.push_back(std::move(path)); }

 private:
  Status MakeDataDurable();
  Status Rename(const StagedBlob& blob, std::set<std::string>* dirs);

  LocalBlobStore* store_;
  Env* env_;
  std::string id_;
  std::string dir_;
  uint64_t next_ = 0;
  std::vector<StagedBlob> staged_;
  Mutex staged_mu_;
  // The first staged file of each blob name, until Publish() moves them.
  std::unordered_map<std::string, std::string> staged_by_name_ GUARDED_BY(staged_mu_);
  std::vector<std::string> abandoned_;  // staging files of writers never finished
};

LocalBlobWriter::~LocalBlobWriter() {
  if (!finished_) batch_->Abandoned(path_);
}

Result<std::string> LocalBlobWriter::Finish(std::string_view expected) {
  finished_ = true;
  Status s = writer_.Finish();
  const std::string name = writer_.sha256();
  StagedBlob blob{path_, name, writer_.bytes(), false};
  if (s.ok() && !expected.empty() && !HexDigestEquals(expected, name)) {
    s = Status::Corruption("blob has SHA-256 " + name + ", expected " + std::string(expected));
  }
  bool sync_now = !batch_->options().use_syncfs || blob.size >= batch_->options().fsync_threshold;
  if (s.ok() && sync_now) {
    s = writer_.file()->Sync();
    blob.synced = s.ok();
  }
  Status closed = writer_.file()->Close();
  if (s.ok()) s = closed;
  if (!s.ok()) {
    batch_->Abandoned(path_);
    return s;
  }
  batch_->Staged(std::move(blob));
  return name;
}

Status LocalBlobBatch::MakeDataDurable() {
  for (const StagedBlob& b : staged_) {
    if (!b.synced) return env_->SyncFileSystem(store_->root_);
  }
  return Status::OK();
}

Status LocalBlobBatch::Rename(const StagedBlob& blob, std::set<std::string>* dirs) {
  std::string target = store_->PathOf(blob.name);
  std::string fanout = DirName(target);
  Status s = env_->RenameNoReplace(blob.staging_path, target);
  if (s.code() == StatusCode::kNotFound) {
    // The first blob of this fan-out directory: make it, and make its entry
    // in the parent durable too.
    BEVARA_RETURN_IF_ERROR(env_->CreateDir(fanout, kDefaultDirMode));
    dirs->insert(DirName(fanout));
    s = env_->RenameNoReplace(blob.staging_path, target);
  }
  if (s.IsAlreadyExists()) {
    // Stored meanwhile by another batch, which synced it before renaming.
    s = env_->RemoveFile(blob.staging_path);
  }
  dirs->insert(fanout);
  return s;
}

Result<PublishStats> LocalBlobBatch::Publish() {
  {
    MutexLock lock(&staged_mu_);
    staged_by_name_.clear();
  }
  PublishStats stats;
  stats.blobs = staged_.size();
  // Blobs already stored (or twice in this batch) are not written again.
  std::set<std::string> seen;
  std::vector<StagedBlob> fresh;
  for (StagedBlob& b : staged_) {
    bool stored = seen.count(b.name) > 0 || env_->Lstat(store_->PathOf(b.name)).ok();
    seen.insert(b.name);
    if (stored) {
      abandoned_.push_back(b.staging_path);
    } else {
      stats.new_bytes += b.size;
      fresh.push_back(std::move(b));
    }
  }
  staged_ = std::move(fresh);
  stats.new_blobs = staged_.size();
  if (staged_.empty()) return stats;

  BEVARA_RETURN_IF_ERROR(MakeDataDurable());
  std::set<std::string> dirs;
  while (!staged_.empty()) {
    BEVARA_RETURN_IF_ERROR(Rename(staged_.back(), &dirs));
    staged_.pop_back();
  }
  if (options().use_syncfs && dirs.size() > options().max_directory_syncs) {
    BEVARA_RETURN_IF_ERROR(env_->SyncFileSystem(store_->root_));
  } else {
    for (const std::string& d : dirs) BEVARA_RETURN_IF_ERROR(env_->SyncDir(d));
  }
  return stats;
}

Status LocalBlobBatch::PublishReplacing() {
  {
    MutexLock lock(&staged_mu_);
    staged_by_name_.clear();
  }
  BEVARA_RETURN_IF_ERROR(MakeDataDurable());
  while (!staged_.empty()) {
    const StagedBlob& blob = staged_.back();
    const std::string target = store_->PathOf(blob.name), fanout = DirName(target);
    Status s = env_->Rename(blob.staging_path, target);
    if (s.code() == StatusCode::kNotFound && !env_->Lstat(fanout).ok()) {
      BEVARA_RETURN_IF_ERROR(env_->CreateDir(fanout, kDefaultDirMode));
      BEVARA_RETURN_IF_ERROR(env_->SyncDir(DirName(fanout)));
      s = env_->Rename(blob.staging_path, target);
    }
    BEVARA_RETURN_IF_ERROR(s);
    staged_.pop_back();
    BEVARA_RETURN_IF_ERROR(env_->SyncDir(fanout));
  }
  return Status::OK();
}

LocalBlobStore::LocalBlobStore(Env* env, std::string root, BlobStoreOptions options)
    : env_(env), root_(std::move(root)), options_(options) {}

LocalBlobStore::~LocalBlobStore() = default;

Result<std::unique_ptr<BlobStore>> OpenBlobStore(Env* env, const std::string& root, const BlobStoreOptions& options) {
  auto store = LocalBlobStore::Open(env, root, options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<BlobStore>(std::move(*store));
}

Result<std::unique_ptr<LocalBlobStore>> LocalBlobStore::Open(Env* env, const std::string& root,
                                                             BlobStoreOptions options) {
  std::unique_ptr<LocalBlobStore> store(new LocalBlobStore(env, root, options));
  BEVARA_RETURN_IF_ERROR(env->CreateDir(root, kDefaultDirMode));
  auto lock = env->LockFile(root + "/LOCK");
  if (!lock.ok()) return lock.status();
  store->lock_ = std::move(*lock);
  // Fan-out directories are made when a blob first needs one (Rename).
  bool created = !env->Lstat(root + "/blobs/sha256").ok();
  if (created) {
    for (const char* d : {"/blobs", "/blobs/sha256", "/staging"}) BEVARA_RETURN_IF_ERROR(env->CreateDir(root + d, kDefaultDirMode));
    BEVARA_RETURN_IF_ERROR(env->SyncDir(root + "/blobs"));
    BEVARA_RETURN_IF_ERROR(env->SyncDir(root));
  }
  BEVARA_RETURN_IF_ERROR(env->CreateDir(root + "/staging", kDefaultDirMode));
  return store;
}

Status LocalBlobWriter::CheckRoom(size_t n) {
  uint64_t reserve = 0;
  BEVARA_RETURN_IF_ERROR(batch_->store()->EnsureRoom(n, &reserve));
  next_space_check_ = written_ + std::max<uint64_t>(reserve / 2, n);
  return Status::OK();
}

Status LocalBlobStore::EnsureRoom(uint64_t bytes, uint64_t* reserve_out) const {
  *reserve_out = 64ull << 20;
  auto space = env_->GetDiskSpace(root_);
  if (!space.ok()) return Status::OK();  // unknown: the write itself will tell
  const uint64_t reserve = std::clamp<uint64_t>(space->total / 50, 1ull << 20, 64ull << 20);
  *reserve_out = reserve;
  if (space->available >= reserve && space->available - reserve >= bytes) return Status::OK();
  return Status::NoSpace("the disk holding the archive has " + std::to_string(space->available >> 20) +
                         " MiB free; bevara keeps " + std::to_string(reserve >> 20) +
                         " MiB in reserve so that what it holds can always be recorded: free space, then try again");
}

std::string LocalBlobStore::PathOf(const std::string& name) const {
  return root_ + "/blobs/sha256/" + name.substr(0, 2) + "/" + name;
}

Result<std::unique_ptr<BlobBatch>> LocalBlobStore::NewBatch() {
  std::string id = RandomHex(8);
  {
    MutexLock lock(&mu_);
    live_batches_.insert(id);
  }
  auto batch = std::make_unique<LocalBlobBatch>(this, id);
  BEVARA_RETURN_IF_ERROR(batch->Init());
  return std::unique_ptr<BlobBatch>(std::move(batch));
}

void LocalBlobStore::EndBatch(const std::string& id) {
  MutexLock lock(&mu_);
  live_batches_.erase(id);
}

Result<std::unique_ptr<ReadableFile>> LocalBlobStore::Open(const std::string& name) {
  if (!IsBlobName(name)) return Status::InvalidArgument("not a blob name: " + name);
  OpenOptions options;
  options.no_follow = true;
  return env_->OpenForRead(PathOf(name), options);
}

Status LocalBlobStore::Restore(const std::string& name, ReadableFile* source) {
  if (!IsBlobName(name)) return Status::InvalidArgument("not a blob name: " + name);
  auto batch = NewBatch();
  if (!batch.ok()) return batch.status();
  auto* local = static_cast<LocalBlobBatch*>(batch->get());
  {
    auto writer = local->NewBlob();
    if (!writer.ok()) return writer.status();
    std::vector<char> buffer(1 << 20);
    for (;;) {
      auto n = source->Read(buffer.data(), buffer.size());
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      BEVARA_RETURN_IF_ERROR((*writer)->Append(buffer.data(), *n));
    }
    auto got = (*writer)->Finish(name);
    if (!got.ok()) return got.status();
  }
  return local->PublishReplacing();
}

Result<uint64_t> LocalBlobStore::Size(const std::string& name) {
  if (!IsBlobName(name)) return Status::InvalidArgument("not a blob name: " + name);
  auto info = env_->Lstat(PathOf(name));
  if (!info.ok()) return info.status();
  return info->size;
}

Status LocalBlobStore::ForEach(const std::function<Status(const std::string& name)>& fn) {
  for (int i = 0; i < 256; ++i) {
    const unsigned char byte = static_cast<unsigned char>(i);
    const std::string fan = HexEncode(&byte, 1);
    auto names = env_->ListDir(root_ + "/blobs/sha256/" + fan);
    if (!names.ok()) {
      if (names.status().IsNotFound()) continue;
      return names.status();
    }
    for (const std::string& n : *names) {
      if (!IsBlobName(n) || n.compare(0, 2, fan) != 0) continue;
      Status s = fn(n);
      if (s.IsStopIteration()) return Status::OK();
      BEVARA_RETURN_IF_ERROR(s);
    }
  }
  return Status::OK();
}

Status LocalBlobStore::Remove(const std::string& name) {
  if (!IsBlobName(name)) return Status::InvalidArgument("not a blob name: " + name);
  std::string path = PathOf(name);
  BEVARA_RETURN_IF_ERROR(env_->RemoveFile(path));
  return env_->SyncDir(DirName(path));
}

Result<uint64_t> LocalBlobStore::RemoveStaleStaging() {
  auto batches = env_->ListDir(root_ + "/staging");
  if (!batches.ok()) return batches.status();
  uint64_t removed = 0;
  for (const std::string& id : *batches) {
    {
      MutexLock lock(&mu_);
      if (live_batches_.count(id)) continue;
    }
    std::string dir = root_ + "/staging/" + id;
    auto info = env_->Lstat(dir);
    if (info.ok() && info->type != FileType::kDirectory) {  // not a batch of ours: nothing belongs here
      BEVARA_RETURN_IF_ERROR(env_->RemoveFile(dir));
      ++removed;
      continue;
    }
    auto files = env_->ListDir(dir);
    if (!files.ok()) return files.status();
    for (const std::string& f : *files) {
      BEVARA_RETURN_IF_ERROR(env_->RemoveFile(dir + "/" + f));
      ++removed;
    }
    BEVARA_RETURN_IF_ERROR(env_->RemoveDir(dir));
  }
  return removed;
}

}  // namespace bevara::storage
