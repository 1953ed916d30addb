#include "storage/aip/version_log.h"

#include <nlohmann/json.hpp>

#include "src/common/json_util.h"

namespace bevara::storage {

// The record's JSON: {"kind": "version", "id", "version", "created", "record"}
// or {"kind": "removal", "id", "version", "created", "reason", "by"}. Entries
// of the first bevara have no "kind": they are versions.
void to_json(nlohmann::json& j, const VersionLogEntry& e) {
  if (e.kind == VersionLogKind::kVersion) {
    j = {{"kind", "version"}, {"id", e.package_id}, {"version", e.version}, {"created", e.created}, {"record", e.record}};
  } else {
    j = {{"kind", "removal"}, {"id", e.package_id}, {"version", e.version}, {"created", e.created},
         {"reason", e.reason}, {"by", e.by}};
  }
}

void from_json(const nlohmann::json& j, VersionLogEntry& e) {
  const std::string kind = j.contains("kind") ? j.at("kind").get<std::string>() : "version";
  j.at("id").get_to(e.package_id);
  j.at("version").get_to(e.version);
  j.at("created").get_to(e.created);
  if (kind == "version") {
    e.kind = VersionLogKind::kVersion;
    j.at("record").get_to(e.record);
  } else if (kind == "removal") {
    e.kind = VersionLogKind::kRemoval;
    j.at("reason").get_to(e.reason);
    j.at("by").get_to(e.by);
  } else {
    throw std::invalid_argument("an entry of kind '" + kind + "', which this bevara does not know");
  }
}

Result<std::unique_ptr<VersionLog>> VersionLog::Open(Env* env, const std::string& path) {
  auto log = RecordLog::Open(env, path);
  if (!log.ok()) return log.status();
  return std::unique_ptr<VersionLog>(new VersionLog(env, std::move(*log)));
}

Status VersionLog::Append(const VersionLogEntry& entry) {
  return log_->Append(ToJsonText(entry), /*sync=*/true).status();
}

Status VersionLog::ForEach(const std::function<Status(const VersionLogEntry&)>& fn) {
  const std::string& path = log_->path();
  return ReadRecordLog(env_, path, [&](uint64_t offset, std::string_view payload) -> Status {
    auto entry = ParseJsonAs<VersionLogEntry>(payload);
    if (!entry.ok()) {
      const bool unknown_kind = entry.status().message().find("does not know") != std::string::npos;
      std::string what = path + ": the record at offset " + std::to_string(offset) + " is not a version log entry (" +
                         entry.status().message() + ")";
      return unknown_kind ? Status::NotSupported(what) : Status::Corruption(what);
    }
    return fn(*entry);
  });
}

}  // namespace bevara::storage
