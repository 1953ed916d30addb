#include "common/file_util.h"

#include "common/random.h"

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

std::string DirName(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status WriteFileDurably(Env* env, const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp-" + RandomHex(6);
  auto file = env->CreateExclusive(tmp);
  if (!file.ok()) return file.status();
  Status s = (*file)->Append(content.data(), content.size());
  if (s.ok()) s = (*file)->Sync();
  Status closed = (*file)->Close();
  if (s.ok()) s = closed;
  if (s.ok()) s = env->Rename(tmp, path);
  if (!s.ok()) {
    (void)env->RemoveFile(tmp);
    return s;
  }
  return env->SyncDir(DirName(path));
}

}  // namespace bevara
