#include "src/services/format_report.h"

#include <algorithm>
#include <map>

namespace bevara::services {

Result<FormatReport> BuildFormatReport(storage::Catalog* catalog, const ingest::formats::FormatPolicy& policy) {
  FormatReport report;
  std::map<std::string, FormatCount> by_key;
  Status s = catalog->ListPackages({}, [&](const storage::PackageSummary& p) -> Status {
    ++report.packages;
    return catalog->ForEachFile(p.id, p.head, [&](const storage::FileRecord& f) -> Status {
      if (f.path.rfind("submission/", 0) != 0) return Status::OK();  // bevara's own AIP METS
      const storage::FormatIdentity& id = f.format;
      std::string key = !id.puid.empty() ? id.puid : id.candidates.size() > 1 ? "ambiguous" : "unidentified";
      FormatCount& c = by_key[key];
      if (c.files == 0) {
        c.puid = key;
        c.name = id.puid.empty() ? "" : id.name;
        c.version = id.puid.empty() ? "" : id.version;
        c.policy = ingest::formats::StateName(policy.Judge(id.puid));
      }
      ++c.files;
      c.bytes += f.size;
      if (!id.policy.empty() && id.policy != c.policy) ++c.recorded_other_policy;
      ++report.files;
      report.bytes += f.size;
      return Status::OK();
    });
  });
  if (!s.ok()) return s;
  for (auto& [key, c] : by_key) report.formats.push_back(std::move(c));
  std::stable_sort(report.formats.begin(), report.formats.end(),
                   [](const FormatCount& a, const FormatCount& b) { return a.files > b.files; });
  return report;
}

nlohmann::json ToJson(const FormatReport& report) {
  nlohmann::json formats = nlohmann::json::array();
  for (const FormatCount& c : report.formats) {
    nlohmann::json j = {{"puid", c.puid}, {"name", c.name}, {"policy", c.policy}, {"files", c.files},
                        {"bytes", c.bytes}};
    if (!c.version.empty()) j["version"] = c.version;
    if (c.recorded_other_policy) j["recorded_under_another_policy"] = c.recorded_other_policy;
    formats.push_back(std::move(j));
  }
  return {{"packages", report.packages}, {"files", report.files}, {"bytes", report.bytes}, {"formats", formats}};
}

}  // namespace bevara::services
