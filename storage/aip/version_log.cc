#include "storage/aip/version_log.h"

#include <nlohmann/json.hpp>

#include <vector>

#include "src/common/path.h"

namespace bevara::storage {
namespace {

bool ParseEntry(const std::string& line, VersionLogEntry* e) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j["id"].is_string() || !j["version"].is_number_unsigned() || !j["record"].is_string() ||
      !j["created"].is_string()) {
    return false;
  }
  e->package_id = j["id"];
  e->version = j["version"];
  e->created = j["created"];
  e->record = j["record"];
  return true;
}

}  // namespace

Result<std::unique_ptr<VersionLog>> VersionLog::Open(Env* env, const std::string& path) {
  std::unique_ptr<VersionLog> log(new VersionLog(env, path));
  auto info = env->Lstat(path);
  if (!info.ok()) {
    if (!info.status().IsNotFound()) return info.status();
    auto file = env->OpenForAppend(path);
    if (!file.ok()) return file.status();
    BEVARA_RETURN_IF_ERROR((*file)->Sync());
    BEVARA_RETURN_IF_ERROR((*file)->Close());
    BEVARA_RETURN_IF_ERROR(env->SyncDir(DirName(path)));
    return log;
  }
  if (info->type != FileType::kRegular) return Status::Corruption(path + " is not a regular file");
  if (info->size > 0) {
    auto file = env->OpenForRead(path);
    if (!file.ok()) return file.status();
    BEVARA_RETURN_IF_ERROR((*file)->Seek(static_cast<int64_t>(info->size) - 1, SEEK_SET).status());
    char last = 0;
    auto r = (*file)->Read(&last, 1);
    if (!r.ok()) return r.status();
    log->needs_newline_ = last != '\n';
  }
  return log;
}

Status VersionLog::Append(const VersionLogEntry& entry) {
  nlohmann::json j = {{"id", entry.package_id},
                      {"version", entry.version},
                      {"created", entry.created},
                      {"record", entry.record}};
  std::lock_guard<std::mutex> lock(mu_);
  std::string line = (needs_newline_ ? "\n" : "") + j.dump() + "\n";
  auto file = env_->OpenForAppend(path_);
  if (!file.ok()) return file.status();
  // After any failure the file may end in a partial line.
  needs_newline_ = true;
  BEVARA_RETURN_IF_ERROR((*file)->Append(line.data(), line.size()));
  BEVARA_RETURN_IF_ERROR((*file)->Sync());
  BEVARA_RETURN_IF_ERROR((*file)->Close());
  needs_newline_ = false;
  return Status::OK();
}

Status VersionLog::ForEach(const std::function<Status(const VersionLogEntry&)>& fn, uint64_t* skipped) {
  if (skipped) *skipped = 0;
  auto file = env_->OpenForRead(path_);
  if (!file.ok()) return file.status();
  std::vector<char> buf(1 << 16);
  std::string line;
  auto flush = [&]() -> Status {
    if (line.empty()) return Status::OK();
    VersionLogEntry e;
    Status s;
    if (ParseEntry(line, &e)) {
      s = fn(e);
    } else if (skipped) {
      ++*skipped;
    }
    line.clear();
    return s;
  };
  for (;;) {
    auto n = (*file)->Read(buf.data(), buf.size());
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    for (size_t i = 0; i < *n; ++i) {
      if (buf[i] == '\n') {
        BEVARA_RETURN_IF_ERROR(flush());
      } else {
        line.push_back(buf[i]);
      }
    }
  }
  return flush();
}

}  // namespace bevara::storage
