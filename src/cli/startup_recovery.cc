#include "src/cli/startup_recovery.h"

#include "src/common/clock.h"
#include "src/common/path.h"

namespace bevara::cli {
namespace {

// "NAME.tmp-" and six lower-case hex digits: WriteFileDurably's temporary.
bool IsDurableWriteTemp(const std::string& name) {
  const size_t at = name.rfind(".tmp-");
  if (at == std::string::npos || at == 0 || name.size() != at + 5 + 12) return false;
  for (size_t i = at + 5; i < name.size(); ++i) {
    const char c = name[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<std::string> SetLogAside(Env* env, const std::string& path) {
  std::string stamp = NowRfc3339(env);
  for (char& c : stamp) {
    if (c == ':') c = '-';
  }
  const std::string kept = path + ".damaged-" + stamp;
  BEVARA_RETURN_IF_ERROR(env->RenameNoReplace(path, kept));
  Status head = env->RenameNoReplace(path + ".head", kept + ".head");
  if (!head.ok() && !head.IsNotFound()) return head;
  BEVARA_RETURN_IF_ERROR(env->SyncDir(DirName(path)));
  return kept;
}

Result<uint64_t> RemoveLeftovers(Env* env, storage::Archive* archive, const std::string& data_dir) {
  auto staging = archive->store()->RemoveStaleStaging();
  if (!staging.ok()) return staging.status();
  uint64_t removed = *staging;
  for (const std::string& dir : {data_dir, data_dir + "/server", data_dir + "/access"}) {
    auto names = env->ListDir(dir);
    if (!names.ok()) {
      if (names.status().IsNotFound()) continue;
      return names.status();
    }
    for (const std::string& name : *names) {
      if (!IsDurableWriteTemp(name)) continue;
      BEVARA_RETURN_IF_ERROR(env->RemoveFile(dir + "/" + name));
      ++removed;
    }
  }
  return removed;
}

}  // namespace bevara::cli
