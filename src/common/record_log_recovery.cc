#include "src/common/record_log_recovery.h"

#include <nlohmann/json.hpp>

#include "src/common/file_util.h"
#include "src/common/log_head.h"
#include "src/common/path.h"
#include "src/common/random.h"
#include "src/common/record_log_format.h"

namespace bevara {
namespace {

bool Exists(Env* env, const std::string& path) { return env->Lstat(path).ok(); }

// Whether `path` begins as a record log does.
Result<bool> IsRecordLog(Env* env, const std::string& path) {
  auto file = env->OpenForRead(path, OpenOptions{true});
  if (!file.ok()) return file.status();
  char first = 0;
  auto n = (*file)->Read(&first, 1);
  if (!n.ok()) return n.status();
  return *n == 1 && first == kRecordLogHeader[0];
}

}  // namespace

Status SetAsideTornTail(Env* env, const std::string& path, uint64_t offset, const std::string& why) {
  auto in = env->OpenForRead(path, OpenOptions{true});
  if (!in.ok()) return in.status();
  BEVARA_RETURN_IF_ERROR((*in)->Seek(static_cast<int64_t>(offset), SEEK_SET).status());
  std::string torn;
  char buf[64 << 10];
  for (;;) {
    auto n = (*in)->Read(buf, sizeof buf);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    torn.append(buf, *n);
  }
  std::string aside = path + ".torn-" + std::to_string(offset);
  if (Exists(env, aside)) aside += "-" + RandomHex(4);
  BEVARA_RETURN_IF_ERROR(WriteFileDurably(env, aside, torn, /*replace_existing=*/false));
  BEVARA_RETURN_IF_ERROR(env->Truncate(path, offset));
  auto file = env->OpenForAppend(path);
  if (!file.ok()) return file.status();
  BEVARA_RETURN_IF_ERROR((*file)->Sync());
  BEVARA_RETURN_IF_ERROR((*file)->Close());
  env->Log(LogLevel::kWarning, path + ": " + std::to_string(torn.size()) + " bytes after offset " +
                                   std::to_string(offset) + " (" + why +
                                   ") were left by an append that a crash interrupted, which was never acknowledged; "
                                   "they are kept in " + aside + " and the log goes on without them");
  return Status::OK();
}

Status MigrateJsonLines(Env* env, const std::string& legacy_path, const std::string& path) {
  // A migration writes <path>.migrating, then the head, then moves the old
  // file to .migrated and the new one to <path>: a crash between leaves
  // .migrating behind, and the migration is done again from the start.
  const bool interrupted = Exists(env, path + ".migrating");
  std::string source;
  if (Exists(env, path)) {
    if (legacy_path != path) return Status::OK();
    auto is_log = IsRecordLog(env, path);
    if (!is_log.ok()) return is_log.status();
    if (*is_log) return Status::OK();
    if (Exists(env, path + ".head") && !interrupted) {
      // A head is written only for a record log: this one was damaged at
      // its first byte, and reading it as JSON lines would lose it.
      return Status::Corruption(path + " does not begin as a record log, but " + path +
                                ".head says records were acknowledged in it: the log is damaged");
    }
    source = path;
  } else if (legacy_path != path && Exists(env, legacy_path)) {
    source = legacy_path;
  } else if (Exists(env, legacy_path + ".migrated")) {
    if (!interrupted) {
      return Status::Corruption(path + " is missing, though " + legacy_path +
                                ".migrated says a log was made there from it");
    }
    source = legacy_path + ".migrated";
  } else {
    return Status::OK();
  }
  std::string content(kRecordLogHeader);
  LogTally tally;
  uint64_t skipped = 0;
  auto end = ForEachLine(env, source, [&](std::string_view line, uint64_t) {
    if (line.empty()) return Status::OK();
    if (nlohmann::json::parse(line, nullptr, false).is_discarded()) {
      ++skipped;
      return Status::OK();
    }
    uint32_t crc = 0;
    content += FrameRecord(line, &crc);
    tally.Add(crc);
    return Status::OK();
  });
  if (!end.ok()) return end.status();
  auto info = env->Stat(source);
  if (!info.ok()) return info.status();
  const std::string fresh = path + ".migrating";
  BEVARA_RETURN_IF_ERROR(WriteFileDurably(env, fresh, content));
  // The head before the log: a record log is never at `path` without it.
  auto head = LogHeadFile::Open(env, path + ".head");
  if (!head.ok()) return head.status();
  BEVARA_RETURN_IF_ERROR((*head)->Write(content.size(), tally));
  if (source != legacy_path + ".migrated") {
    BEVARA_RETURN_IF_ERROR(env->RenameNoReplace(source, legacy_path + ".migrated"));
  }
  BEVARA_RETURN_IF_ERROR(env->RenameNoReplace(fresh, path));
  BEVARA_RETURN_IF_ERROR(env->SyncDir(DirName(path)));
  if (DirName(legacy_path) != DirName(path)) BEVARA_RETURN_IF_ERROR(env->SyncDir(DirName(legacy_path)));
  const bool left_out = skipped > 0 || info->size > *end;
  env->Log(left_out ? LogLevel::kWarning : LogLevel::kInfo,
           legacy_path + ": " + std::to_string(tally.count) + " JSON lines became records of " + path +
               "; the old file is kept as " + legacy_path + ".migrated" +
               (left_out ? " (" + std::to_string(skipped) + " lines that were not JSON, and " +
                               std::to_string(info->size - *end) +
                               " bytes of a torn last line, which the old readers ignored too, are left out)"
                         : ""));
  return Status::OK();
}

}  // namespace bevara
