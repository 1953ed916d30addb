#include "src/server/package_view.h"

#include "src/common/clock.h"
#include "src/common/percent_encoding.h"
#include "storage/catalog/catalog.h"

namespace bevara::server {
namespace {

// What the search index made of the record: the state after the checks
// only the indexer makes (identity numbers in the files, files not read
// whole), which can keep a record from the public that its decision publishes.
void AddIndexedState(PackageApi* api, const std::string& package_id, nlohmann::json* record) {
  if (!api->search) return;
  auto found = api->search->Find(search::RecordSearchId(package_id, record->value("id", "")), search::Audience::kArchive);
  if (!found.ok() || !*found || !(*found)->contains("access")) return;
  const nlohmann::json& access = (**found)["access"];
  nlohmann::json indexed = {{"state", access.value("state", "")}, {"version", (*found)->value("version", 0)}};
  if (!access.value("review", "").empty()) indexed["review"] = access["review"];
  if (access.value("state", "") != "published" && !access.value("ground", "").empty()) indexed["ground"] = access["ground"];
  (*record)["access"]["indexed"] = std::move(indexed);
}

nlohmann::json RecordJson(const services::CaseRecordView& v, const std::string& package_href) {
  const ingest::RecordMetadata& r = v.record;
  nlohmann::json access = {{"state", services::RecordStateName(v.state.state)}};
  if (!v.state.ground.empty()) access["ground"] = v.state.ground;
  if (!v.state.public_from.empty()) access["public_from"] = v.state.public_from;
  if (!v.state.review.empty()) access["review"] = v.state.review;
  nlohmann::json files = nlohmann::json::array();
  for (const std::string& path : v.files) {
    nlohmann::json f = {{"path", path}, {"href", package_href + "/files/" + PercentEncode(path, true)}};
    auto digest = v.digests.find(path);
    if (digest != v.digests.end()) f["sha256"] = digest->second;
    files.push_back(std::move(f));
  }
  nlohmann::json j = {{"id", r.system_id},     {"registration_number", r.object_id}, {"title", r.title},
                      {"type", r.record_type}, {"direction", r.direction},          {"created", r.created},
                      {"personal_data", r.personal_data}, {"access", access},       {"files", files}};
  if (v.decision) {
    j["access"]["decision"] = {{"state", v.decision->state}, {"reason", v.decision->reason},
                               {"by", v.decision->by},       {"at", v.decision->at},
                               {"version", v.decision->version}, {"files", v.decision->files},
                               {"in_force", v.state.by_decision}};
  }
  if (r.secrecy) {
    j["secrecy"] = {{"regulation", r.secrecy->regulation}, {"ends", r.secrecy->ends}};
    if (r.secrecy->chapter) j["secrecy"]["osl"] = {{"chapter", r.secrecy->chapter}, {"section", r.secrecy->section}};
  }
  return j;
}

}  // namespace

nlohmann::json PackageSummaryJson(const storage::PackageSummary& p) {
  return {{"id", p.id},
          {"label", p.label},
          {"producer", {{"id", p.producer_id}, {"name", p.producer_name}}},
          {"head", p.head},
          {"created", p.created},
          {"updated", p.updated},
          {"href", "/api/v1/packages/" + PercentEncode(p.id, false)}};
}


Result<nlohmann::json> PackageVersionJson(storage::Archive* archive, const storage::PackageSummary& p, uint32_t version) {
  storage::Catalog* catalog = archive->catalog();
  nlohmann::json body = PackageSummaryJson(p);
  nlohmann::json versions = nlohmann::json::array();
  for (uint32_t v = 1; v <= p.head; ++v) {
    auto vs = catalog->GetVersion(p.id, v);
    if (!vs.ok()) return vs.status();
    if (!*vs) continue;
    versions.push_back({{"version", v},
                        {"created", (*vs)->created},
                        {"message", (*vs)->message},
                        {"file_count", (*vs)->file_count},
                        {"total_bytes", (*vs)->total_bytes}});
  }
  body["versions"] = std::move(versions);
  body["version"] = version;
  nlohmann::json files = nlohmann::json::array();
  const std::string base = "/api/v1/packages/" + PercentEncode(p.id, false) + "/files/";
  Status s = catalog->ForEachFile(p.id, version, [&](const storage::FileRecord& f) {
    nlohmann::json j = storage::ToJson(f);
    j["href"] = base + PercentEncode(f.path, true) + (version == p.head ? "" : "?version=" + std::to_string(version));
    files.push_back(std::move(j));
    return Status::OK();
  });
  if (!s.ok()) return s;
  body["files"] = std::move(files);
  return body;
}

Result<nlohmann::json> PackageEventsJson(storage::Archive* archive, const storage::PackageSummary& p) {
  nlohmann::json events = nlohmann::json::array();
  for (uint32_t v = 1; v <= p.head; ++v) {
    Status s = archive->catalog()->ForEachEvent(p.id, v, [&](const storage::PremisEvent& e) {
      nlohmann::json j = storage::ToJson(e);
      j["version"] = v;
      events.push_back(std::move(j));
      return Status::OK();
    });
    if (!s.ok()) return s;
  }
  return events;
}

Result<std::optional<nlohmann::json>> PackageCaseJson(PackageApi* api, const storage::PackageSummary& p, uint32_t version,
                                                      const std::string& today) {
  auto view = api->cases->Get(p.id, version, today);
  if (!view.ok()) return view.status();
  if (!*view) return std::optional<nlohmann::json>();
  const ingest::CaseMetadata& c = (*view)->metadata;
  const std::string href = "/api/v1/packages/" + PercentEncode(p.id, false);
  nlohmann::json records = nlohmann::json::array();
  for (const services::CaseRecordView& r : (*view)->records) {
    records.push_back(RecordJson(r, href));
    AddIndexedState(api, p.id, &records.back());
  }
  nlohmann::json body = {
      {"package_id", p.id},
      {"version", version},
      {"source", (*view)->source},
      {"as_of", today},
      {"case",
       {{"creator", {{"name", c.creator}, {"id", c.creator_id}}},
        {"case_number", c.case_number},
        {"title", c.title},
        {"classification", {{"code", c.classification_code}, {"name", c.classification}}},
        {"status", c.status},
        {"opened", c.opened},
        {"closed", c.closed},
        {"agents", c.agents}}},
      {"records", records}};
  return std::optional<nlohmann::json>(std::move(body));
}

Result<nlohmann::json> DecideRecordAccess(PackageApi* api, const storage::PackageSummary& p, const AccessChange& change) {
  const bool publishing = change.state == "published";
  if (publishing && !change.reviewed_version) {
    return Status::InvalidArgument("a publication names the version the archivist reviewed: {\"version\": N}");
  }
  if (change.reviewed_version && *change.reviewed_version != p.head) {
    return Status::AlreadyExists("the package is at version " + std::to_string(p.head) +
                                 " now; review that version and decide again");
  }
  const std::string today = TodayUtc(api->context->env);
  auto view = api->cases->Get(p.id, p.head, today);
  if (!view.ok()) return view.status();
  const services::CaseRecordView* seen = nullptr;
  if (*view) {
    for (const services::CaseRecordView& r : (*view)->records) {
      if (r.record.system_id == change.record_id) seen = &r;
    }
  }
  if (!seen) return Status::NotFound("package '" + p.id + "' has no record '" + change.record_id + "'");
  // A version may name a file it does not hold: what cannot be read cannot be decided on.
  if (publishing && seen->digests.size() != seen->files.size()) {
    return Status::AlreadyExists("the record names a file the package does not hold; it cannot be published");
  }
  access::AccessDecision d{p.id,      change.record_id, change.state, change.reason, change.by,
                           NowRfc3339(api->context->env), p.head, seen->digests};
  BEVARA_RETURN_IF_ERROR(api->decisions->Record(d));
  // In search before the answer: the public index gains or loses the record now.
  if (api->indexer) {
    Status indexed = api->indexer->Refresh(p.id, today);
    if (!indexed.ok()) {
      api->context->env->Log(LogLevel::kError, "search index: " + p.id + ": " + indexed.ToString());
      if (api->index_worker) api->index_worker->Enqueue(p.id);
      return Status::Unavailable(
          "the decision is recorded and in force for records and files; search could not be updated "
          "yet, and public search is paused until it is");
    }
  }
  auto after = api->cases->Get(p.id, p.head, today);
  if (!after.ok()) return after.status();
  if (!*after) return Status::Internal("case vanished");
  const std::string href = "/api/v1/packages/" + PercentEncode(p.id, false);
  for (const auto& r : (*after)->records) {
    if (r.record.system_id != change.record_id) continue;
    nlohmann::json j = RecordJson(r, href);
    AddIndexedState(api, p.id, &j);
    return j;
  }
  return Status::Internal("record vanished");
}

}  // namespace bevara::server
