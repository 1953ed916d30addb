// GET /api/v1/packages[/{id}[/files/{path+}|/mets|/events|/dip]]
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/percent_encoding.h"
#include "src/server/api.h"
#include "src/server/blob_response.h"
#include "storage/catalog/catalog.h"

namespace bevara::server {
namespace {

using storage::PackageSummary;

nlohmann::json SummaryJson(const PackageSummary& p) {
  return {{"id", p.id},
          {"label", p.label},
          {"producer", {{"id", p.producer_id}, {"name", p.producer_name}}},
          {"head", p.head},
          {"created", p.created},
          {"updated", p.updated},
          {"href", "/api/v1/packages/" + PercentEncode(p.id, false)}};
}

// The package if the caller may see it; otherwise answers 404 (or 500) and
// returns nullopt. A package of another producer is as absent as a missing one.
std::optional<PackageSummary> VisiblePackage(PackageApi* api, Exchange& ex) {
  auto p = api->archive->catalog()->GetPackage(ex.Param("id"));
  if (!p.ok()) {
    SendStatus(ex, p.status());
    return std::nullopt;
  }
  if (!*p || !ex.who.MaySeeProducer((*p)->producer_id)) {
    // Another producer's package is refused exactly like a missing one, but
    // the attempt is recorded.
    if (*p) Audit(api->context, ex, "read.denied", (*p)->id, "denied", "package of another producer");
    SendError(ex, 404, "not_found", "no package '" + ex.Param("id") + "'");
    return std::nullopt;
  }
  return **p;
}

// ?version=N (default: the head); answers 400/404 itself on failure.
std::optional<uint32_t> RequestedVersion(Exchange& ex, const PackageSummary& p) {
  uint64_t v = p.head;
  Status s = QueryNumber(ex, "version", 1, UINT32_MAX, &v);
  if (!s.ok()) {
    SendStatus(ex, s);
    return std::nullopt;
  }
  if (v > p.head) {
    SendError(ex, 404, "not_found", "package '" + p.id + "' has no version " + std::to_string(v));
    return std::nullopt;
  }
  return static_cast<uint32_t>(v);
}

void ListPackages(PackageApi* api, Exchange& ex) {
  uint64_t limit = 100;
  Status s = QueryNumber(ex, "limit", 1, static_cast<uint64_t>(api->context->config.max_page_size), &limit);
  if (!s.ok()) return SendStatus(ex, s);
  std::string state = ex.Query("state").value_or("archived");
  if (state != "archived") return SendError(ex, 400, "bad_request", "state must be 'archived' (the only state a package has)");
  storage::PackageFilter filter;
  filter.producer = ex.Query("producer").value_or("");
  filter.created_from = ex.Query("from").value_or("");
  filter.created_to = ex.Query("to").value_or("");
  if (ex.who.role == access::Role::kEService) {
    if (!filter.producer.empty() && filter.producer != ex.who.producer) return SendJson(ex, 200, R"({"packages":[],"next":null})");
    filter.producer = ex.who.producer;
  }
  const std::string after = ex.Query("after").value_or("");
  bool passed = after.empty();
  nlohmann::json list = nlohmann::json::array();
  std::string next;
  s = api->archive->catalog()->ListPackages(filter, [&](const PackageSummary& p) {
    if (!passed) {
      passed = p.id == after;
      return Status::OK();
    }
    if (list.size() == limit) {
      next = list.back()["id"];
      return Status::StopIteration();
    }
    list.push_back(SummaryJson(p));
    return Status::OK();
  });
  if (!s.ok()) return SendStatus(ex, s);
  nlohmann::json body = {{"packages", list}, {"next", next.empty() ? nlohmann::json() : nlohmann::json(next)}};
  SendJson(ex, 200, JsonText(body));
}

void GetPackage(PackageApi* api, Exchange& ex) {
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  auto version = RequestedVersion(ex, *p);
  if (!version) return;
  storage::Catalog* catalog = api->archive->catalog();
  nlohmann::json body = SummaryJson(*p);
  nlohmann::json versions = nlohmann::json::array();
  for (uint32_t v = 1; v <= p->head; ++v) {
    auto vs = catalog->GetVersion(p->id, v);
    if (!vs.ok()) return SendStatus(ex, vs.status());
    if (!*vs) continue;
    versions.push_back({{"version", v},
                        {"created", (*vs)->created},
                        {"message", (*vs)->message},
                        {"file_count", (*vs)->file_count},
                        {"total_bytes", (*vs)->total_bytes}});
  }
  body["versions"] = std::move(versions);
  body["version"] = *version;
  nlohmann::json files = nlohmann::json::array();
  const std::string base = "/api/v1/packages/" + PercentEncode(p->id, false) + "/files/";
  Status s = catalog->ForEachFile(p->id, *version, [&](const storage::FileRecord& f) {
    nlohmann::json j = storage::ToJson(f);
    j["href"] = base + PercentEncode(f.path, true) + (*version == p->head ? "" : "?version=" + std::to_string(*version));
    files.push_back(std::move(j));
    return Status::OK();
  });
  if (!s.ok()) return SendStatus(ex, s);
  body["files"] = std::move(files);
  SendJson(ex, 200, JsonText(body));
}

void GetFile(PackageApi* api, Exchange& ex) {
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  auto version = RequestedVersion(ex, *p);
  if (!version) return;
  const std::string path = ex.Param("path");
  auto f = api->archive->catalog()->GetFile(p->id, *version, path);
  if (!f.ok()) return SendStatus(ex, f.status());
  if (!*f) return SendError(ex, 404, "not_found", "package '" + p->id + "' has no file '" + path + "'");
  if (!Audit(api->context, ex, "file.read", p->id + "/" + path, "ok", "version " + std::to_string(*version)).ok()) {
    return RefuseUnrecorded(ex);
  }
  SendBlob({api->archive, api->context->pins}, ex, (*f)->sha256, (*f)->size, BlobContentType(**f), path);
}

void GetMets(PackageApi* api, Exchange& ex) {
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  auto version = RequestedVersion(ex, *p);
  if (!version) return;
  auto f = api->archive->catalog()->GetFile(p->id, *version, "METS.xml");
  if (!f.ok()) return SendStatus(ex, f.status());
  if (!*f) return SendError(ex, 404, "not_found", "version has no AIP METS");
  if (!Audit(api->context, ex, "file.read", p->id + "/METS.xml", "ok", "version " + std::to_string(*version)).ok()) {
    return RefuseUnrecorded(ex);
  }
  SendBlob({api->archive, api->context->pins}, ex, (*f)->sha256, (*f)->size, "application/xml", "METS.xml");
}

void GetEvents(PackageApi* api, Exchange& ex) {
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  nlohmann::json events = nlohmann::json::array();
  for (uint32_t v = 1; v <= p->head; ++v) {
    Status s = api->archive->catalog()->ForEachEvent(p->id, v, [&](const storage::PremisEvent& e) {
      nlohmann::json j = storage::ToJson(e);
      j["version"] = v;
      events.push_back(std::move(j));
      return Status::OK();
    });
    if (!s.ok()) return SendStatus(ex, s);
  }
  SendJson(ex, 200, JsonText(nlohmann::json({{"package_id", p->id}, {"events", events}})));
}

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

void GetCase(PackageApi* api, Exchange& ex) {
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  auto version = RequestedVersion(ex, *p);
  if (!version) return;
  const std::string today = TodayUtc(api->context->env);
  auto view = api->cases->Get(p->id, *version, today);
  if (!view.ok()) return SendStatus(ex, view.status());
  if (!*view) return SendError(ex, 404, "not_found", "package '" + p->id + "' holds no case metadata (ERMS)");
  // Titles of secret records are in it: the read is recorded like a file's.
  if (!Audit(api->context, ex, "case.read", p->id, "ok", "version " + std::to_string(*version)).ok()) return RefuseUnrecorded(ex);
  const ingest::CaseMetadata& c = (*view)->metadata;
  const std::string href = "/api/v1/packages/" + PercentEncode(p->id, false);
  nlohmann::json records = nlohmann::json::array();
  for (const services::CaseRecordView& r : (*view)->records) {
    records.push_back(RecordJson(r, href));
    AddIndexedState(api, p->id, &records.back());
  }
  nlohmann::json body = {
      {"package_id", p->id},
      {"version", *version},
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
  SendJson(ex, 200, JsonText(body));
}

// PUT .../records/{record}/access {"state": "published|public|restricted|secret", "reason": "...",
//                                 "version": N (required to publish)}
// The decision is bound to the head version and the digests of the
// record's files as they are now: what the archivist decided on.
void DecideAccess(PackageApi* api, Exchange& ex) {
  nlohmann::json body;
  if (!ReadJsonObject(ex, &body)) return;
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  if (!body.contains("state") || !body["state"].is_string() || !body.contains("reason") || !body["reason"].is_string()) {
    return SendError(ex, 400, "bad_request", "the body must be {\"state\": ..., \"reason\": ...}");
  }
  // What the archivist reviewed: a publication must name the version, and
  // any decision that names one is refused if the package moved on since.
  const bool publishing = body["state"] == "published";
  if (!CheckReviewedVersion(ex, body, p->head)) return;
  if (publishing && !body.contains("version")) {
    return SendError(ex, 400, "bad_request", "a publication names the version the archivist reviewed: {\"version\": N}");
  }
  const std::string today = TodayUtc(api->context->env);
  const std::string record_id = ex.Param("record");
  auto view = api->cases->Get(p->id, p->head, today);
  if (!view.ok()) return SendStatus(ex, view.status());
  const services::CaseRecordView* seen = nullptr;
  if (*view) {
    for (const services::CaseRecordView& r : (*view)->records) {
      if (r.record.system_id == record_id) seen = &r;
    }
  }
  if (!seen) return SendError(ex, 404, "not_found", "package '" + p->id + "' has no record '" + record_id + "'");
  // A version may name a file it does not hold: what cannot be read cannot be decided on.
  if (publishing && seen->digests.size() != seen->files.size()) {
    return SendError(ex, 409, "conflict", "the record names a file the package does not hold; it cannot be published");
  }
  access::AccessDecision d{p->id,           record_id, body["state"], body["reason"], ex.who.token_id,
                           NowRfc3339(api->context->env), p->head, seen->digests};
  Status s = api->decisions->Record(d);
  if (!s.ok()) return SendStatus(ex, s);
  Audit(api->context, ex, "access.change", p->id + "/" + record_id, "ok",
        "state " + d.state + " on version " + std::to_string(d.version) + ": " + d.reason, true);
  // In search before the answer: the public index gains or loses the record now.
  if (api->indexer) {
    Status indexed = api->indexer->Refresh(p->id, today);
    if (!indexed.ok()) {
      api->context->env->Log(LogLevel::kError, "search index: " + p->id + ": " + indexed.ToString());
      if (api->index_worker) api->index_worker->Enqueue(p->id);
      ex.response.set("Retry-After", "60");
      return SendError(ex, 503, "search_not_updated",
                       "the decision is recorded and in force for records and files; search could not be updated "
                       "yet, and public search is paused until it is");
    }
  }
  auto after = api->cases->Get(p->id, p->head, today);
  if (!after.ok() || !*after) return SendStatus(ex, after.ok() ? Status::Internal("case vanished") : after.status());
  const std::string href = "/api/v1/packages/" + PercentEncode(p->id, false);
  for (const auto& r : (*after)->records) {
    if (r.record.system_id != record_id) continue;
    nlohmann::json j = RecordJson(r, href);
    AddIndexedState(api, p->id, &j);
    return SendJson(ex, 200, JsonText(j));
  }
  SendStatus(ex, Status::Internal("record vanished"));
}

void GetDip(PackageApi* api, Exchange& ex) {
  auto p = VisiblePackage(api, ex);
  if (!p) return;
  auto version = RequestedVersion(ex, *p);
  if (!version) return;
  if (!Audit(api->context, ex, "dip.read", p->id, "ok", "version " + std::to_string(*version)).ok()) return RefuseUnrecorded(ex);
  SendDip(api->archive, ex, *p, *version);
}

// What the archive holds per format. Counted on the request: one catalog
// pass over every head version's file rows (no blob is read).
void ListFormats(PackageApi* api, Exchange& ex) {
  auto report = services::BuildFormatReport(api->archive->catalog(), *api->format_policy);
  if (!report.ok()) return SendStatus(ex, report.status());
  SendJson(ex, 200, JsonText(services::ToJson(*report)));
}

}  // namespace

std::vector<Route> PackageRoutes(PackageApi* api) {
  return {
      {"GET", "/api/v1/packages", roles::kReaders, Bind(api, ListPackages)},
      {"GET", "/api/v1/formats", {access::Role::kArchivist, access::Role::kAuditor}, Bind(api, ListFormats)},
      {"GET", "/api/v1/packages/{id}", roles::kReaders, Bind(api, GetPackage)},
      {"GET", "/api/v1/packages/{id}/files/{path+}", roles::kReaders, Bind(api, GetFile)},
      {"GET", "/api/v1/packages/{id}/mets", roles::kReaders, Bind(api, GetMets)},
      {"GET", "/api/v1/packages/{id}/events", roles::kReaders, Bind(api, GetEvents)},
      {"GET", "/api/v1/packages/{id}/dip", roles::kReaders, Bind(api, GetDip)},
      {"GET", "/api/v1/packages/{id}/case", roles::kReaders, Bind(api, GetCase)},
      {"PUT", "/api/v1/packages/{id}/records/{record}/access", {access::Role::kArchivist}, Bind(api, DecideAccess)},
  };
}

}  // namespace bevara::server
