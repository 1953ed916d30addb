#include "src/common/json_lines.h"

#include "src/common/file_util.h"
#include "src/common/path.h"

namespace bevara {

Status JsonLinesFile::Replay(const std::function<void(const nlohmann::json&)>& fn) {
  auto complete = ForEachLine(env_, path_, [&](std::string_view line, uint64_t) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object()) fn(j);
    return Status::OK();
  });
  if (!complete.ok()) return complete.status().IsNotFound() ? Status::OK() : complete.status();
  auto size = env_->Stat(path_);
  if (!size.ok()) return size.status();
  needs_newline_ = size->size > *complete;
  return Status::OK();
}

Status JsonLinesFile::Append(const nlohmann::json& j) {
  auto file = env_->OpenForAppend(path_);
  if (!file.ok()) return file.status();
  // A line torn by a crash ends without '\n': start on a fresh line.
  std::string line = (needs_newline_ ? "\n" : "") + j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  Status s = (*file)->Append(line.data(), line.size());
  if (s.ok()) s = (*file)->Sync();
  Status closed = (*file)->Close();
  if (!s.ok()) return s;
  if (!closed.ok()) return closed;
  BEVARA_RETURN_IF_ERROR(env_->SyncDir(DirName(path_)));
  needs_newline_ = false;
  return Status::OK();
}

}  // namespace bevara
