#include "src/common/file_util.h"

#include <thread>

#include "src/common/path.h"
#include "src/common/random.h"

namespace bevara {

Result<std::string> ReadFileToString(Env* env, const std::string& path, uint64_t max_bytes) {
  auto file = env->OpenForRead(path);
  if (!file.ok()) return file.status();
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    auto n = (*file)->Read(buf, sizeof buf);
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    if (out.size() + *n > max_bytes) return Status::ResourceExhausted(path + " is larger than expected");
    out.append(buf, *n);
  }
}

Result<size_t> ReadFull(ReadableFile* file, char* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    auto r = file->Read(buf + got, n - got);
    if (!r.ok()) return r.status();
    if (*r == 0) break;
    got += *r;
  }
  return got;
}

Status ReadExactlyAt(ReadableFile* file, uint64_t offset, size_t n, std::string* out, const char* short_message) {
  BEVARA_RETURN_IF_ERROR(file->Seek(static_cast<int64_t>(offset), SEEK_SET).status());
  out->resize(n);
  for (size_t got = 0; got < n;) {
    auto r = file->Read(out->data() + got, n - got);
    if (!r.ok()) return r.status();
    if (*r == 0) return Status::Corruption(short_message);
    got += *r;
  }
  return Status::OK();
}

void PaceReading(std::chrono::steady_clock::time_point start, uint64_t bytes, uint64_t bytes_per_second) {
  if (bytes_per_second == 0) return;
  const auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(static_cast<double>(bytes) / static_cast<double>(bytes_per_second)));
  std::this_thread::sleep_until(due);
}

Status CreateDirs(Env* env, const std::string& dir, uint32_t mode) {
  auto info = env->Stat(dir);
  if (info.ok()) {
    return info->type == FileType::kDirectory ? Status::OK() : Status::AlreadyExists(dir + " is not a directory");
  }
  if (!info.status().IsNotFound()) return info.status();
  const std::string parent = DirName(dir);
  if (parent != dir && parent != "." && parent != "/") BEVARA_RETURN_IF_ERROR(CreateDirs(env, parent, mode));
  return env->CreateDir(dir, mode);
}

Status RemoveTree(Env* env, const std::string& path) {
  auto info = env->Lstat(path);
  if (!info.ok()) return info.status().IsNotFound() ? Status::OK() : info.status();
  if (info->type != FileType::kDirectory) return env->RemoveFile(path);
  auto names = env->ListDir(path);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) BEVARA_RETURN_IF_ERROR(RemoveTree(env, path + "/" + name));
  return env->RemoveDir(path);
}

Result<uint64_t> ForEachLine(Env* env, const std::string& path,
                             const std::function<Status(std::string_view line, uint64_t line_number)>& fn) {
  auto file = env->OpenForRead(path);
  if (!file.ok()) return file.status();
  std::string pending;
  uint64_t complete = 0, line_number = 0;
  std::string buf(256 * 1024, '\0');
  for (;;) {
    auto n = (*file)->Read(buf.data(), buf.size());
    if (!n.ok()) return n.status();
    if (*n == 0) return complete;
    pending.append(buf.data(), *n);
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      complete += nl + 1 - start;
      BEVARA_RETURN_IF_ERROR(fn(std::string_view(pending).substr(start, nl - start), ++line_number));
    }
    pending.erase(0, start);
  }
}

Status WriteFileDurably(Env* env, const std::string& path, std::string_view content, bool replace_existing) {
  const std::string tmp = path + ".tmp-" + RandomHex(6);
  auto file = env->CreateExclusive(tmp, kDefaultFileMode);
  if (!file.ok()) return file.status();
  Status s = (*file)->Append(content.data(), content.size());
  if (s.ok()) s = (*file)->Sync();
  Status closed = (*file)->Close();
  if (s.ok()) s = closed;
  if (s.ok()) s = replace_existing ? env->Rename(tmp, path) : env->RenameNoReplace(tmp, path);
  if (!s.ok()) {
    (void)env->RemoveFile(tmp);
    return s;
  }
  return env->SyncDir(DirName(path));
}

}  // namespace bevara
