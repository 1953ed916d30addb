#include "ingest/reader/directory_reader.h"

#include <algorithm>
#include <vector>

#include "ingest/reader/archive_reader.h"
#include "ingest/reader/entry_policy.h"

namespace bevara::ingest {
namespace {

RawEntryType RawTypeOf(FileType t) {
  switch (t) {
    case FileType::kRegular: return RawEntryType::kFile;
    case FileType::kDirectory: return RawEntryType::kDirectory;
    case FileType::kSymlink: return RawEntryType::kSymlink;
    case FileType::kCharDevice: return RawEntryType::kCharDevice;
    case FileType::kBlockDevice: return RawEntryType::kBlockDevice;
    case FileType::kFifo: return RawEntryType::kFifo;
    default: return RawEntryType::kOther;
  }
}

// METS documents first, then the rest in byte order: deterministic, and the
// validator learns the declared checksums before it meets the files.
bool ListingOrder(const std::string& a, const std::string& b) {
  auto rank = [](const std::string& n) { return (n == "METS.xml" || n == "sip.xml") ? 0 : 1; };
  if (rank(a) != rank(b)) return rank(a) < rank(b);
  return a < b;
}

class DirectoryReader final : public PackageReader {
 public:
  DirectoryReader(Env* env, std::string root, const ReaderLimits& limits)
      : env_(env), root_(std::move(root)), policy_(limits) {}

  Status Start() {
    BEVARA_RETURN_IF_ERROR(PushDirectory(""));
    return Status::OK();
  }

  Result<bool> Next(PackageEntry* entry) override {
    file_.reset();
    while (!pending_.empty()) {
      std::string rel = std::move(pending_.back());
      pending_.pop_back();
      std::string full = root_ + "/" + rel;
      Result<FileInfo> info = env_->Lstat(full);
      if (!info.ok()) return info.status();
      bool skip = false;
      BEVARA_RETURN_IF_ERROR(policy_.Admit(rel, RawTypeOf(info->type),
                                           static_cast<int64_t>(info->size), entry, &skip));
      if (info->type == FileType::kDirectory) {
        BEVARA_RETURN_IF_ERROR(PushDirectory(rel));
      } else {
        OpenOptions no_follow;
        no_follow.no_follow = true;
        auto f = env_->OpenForRead(full, no_follow);
        if (!f.ok()) return f.status();
        file_ = std::move(*f);
        current_ = rel;
      }
      return true;
    }
    return false;
  }

  Result<size_t> Read(char* buf, size_t n) override {
    if (!file_) return size_t{0};
    Result<size_t> r = file_->Read(buf, n);
    if (!r.ok()) return r.status();
    BEVARA_RETURN_IF_ERROR(policy_.CountBytes(*r));
    return r;
  }

  std::string format() const override { return "directory"; }

 private:
  Status PushDirectory(const std::string& rel) {
    std::string dir = rel.empty() ? root_ : root_ + "/" + rel;
    Result<std::vector<std::string>> names = env_->ListDir(dir);
    if (!names.ok()) return names.status();
    std::sort(names->begin(), names->end(), ListingOrder);
    // pending_ is a stack: push in reverse so the first name is taken first.
    for (auto it = names->rbegin(); it != names->rend(); ++it) {
      pending_.push_back(rel.empty() ? *it : rel + "/" + *it);
    }
    return Status::OK();
  }

  Env* env_;
  std::string root_;
  EntryPolicy policy_;
  std::vector<std::string> pending_;
  std::unique_ptr<ReadableFile> file_;
  std::string current_;
};

}  // namespace

Result<std::unique_ptr<PackageReader>> NewDirectoryReader(Env* env, const std::string& root,
                                                          const ReaderLimits& limits) {
  auto reader = std::make_unique<DirectoryReader>(env, root, limits);
  BEVARA_RETURN_IF_ERROR(reader->Start());
  return std::unique_ptr<PackageReader>(std::move(reader));
}

Result<std::unique_ptr<PackageReader>> OpenPackage(Env* env, const std::string& path,
                                                   const ReaderLimits& limits) {
  // The path the caller names may be a link (to a mounted share, say); what
  // is inside the package is never followed.
  Result<FileInfo> info = env->Stat(path);
  if (!info.ok()) return info.status();
  if (info->type == FileType::kDirectory) return NewDirectoryReader(env, path, limits);
  if (info->type == FileType::kRegular && info->size == 0) {
    return Status::Rejected("PKG-EMPTY", "the package file is empty", path);
  }
  auto file = env->OpenForRead(path);
  if (!file.ok()) return file.status();
  return NewArchiveReader(std::move(*file), path, limits);
}

}  // namespace bevara::ingest
