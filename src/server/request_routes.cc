// Requests for records (begäran om allmän handling):
//   POST /public/v1/requests                       a citizen asks; gets a token
//   GET  /public/v1/requests/{token}               and follows the request
//   GET  /public/v1/requests/{token}/files/{record}/{path+}   released files
//   GET  /api/v1/requests                          the archivists' queue
//   POST /api/v1/requests/{id}/decisions           release, partial or deny
// Every step is in the audit log.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/json_util.h"
#include "src/common/percent_encoding.h"
#include "src/server/api.h"
#include "src/server/blob_response.h"

namespace bevara::server {
namespace {

// The records a request concerns: those it names, and those of the case it
// names, as the archive index describes them (summaries with access state).
std::vector<nlohmann::json> Candidates(RequestApi* api, const access::RecordRequest& q) {
  std::vector<nlohmann::json> out;
  std::set<std::string> seen;
  for (const std::string& id : q.records) {
    auto found = api->search->Find(id, search::Audience::kArchive);
    seen.insert(id);
    out.push_back(found.ok() && *found ? **found : nlohmann::json{{"id", id}, {"unknown", true}});
  }
  if (!q.case_number.empty()) {
    search::SearchQuery sq;
    sq.case_number = q.case_number;
    sq.limit = 100;
    auto result = api->search->Search(sq, search::Audience::kArchive);
    if (result.ok()) {
      for (const search::SearchHit& hit : result->hits) {
        if (!seen.insert(hit.id).second) continue;
        nlohmann::json candidate = hit.Json();
        candidate.erase("snippet");
        out.push_back(std::move(candidate));
      }
    }
  }
  return out;
}

nlohmann::json DecisionJson(const access::RecordDecision& d) {
  return {{"record", d.record}, {"decision", d.decision}, {"note", d.note}, {"files", d.files}, {"by", d.by}, {"at", d.at}};
}

nlohmann::json ArchivistView(const access::RecordRequest& q, std::vector<nlohmann::json> candidates) {
  nlohmann::json decisions = nlohmann::json::array();
  for (const auto& [record, d] : q.decisions) decisions.push_back(DecisionJson(d));
  return {{"id", q.id},
          {"created", q.created},
          {"state", q.open() ? "open" : "decided"},
          {"records", q.records},
          {"case_number", q.case_number},
          {"description", q.description},
          {"contact", q.contact},
          {"candidates", std::move(candidates)},
          {"decisions", decisions}};
}

// What the citizen sees: decisions (with what was released) and what waits.
nlohmann::json CitizenView(RequestApi* api, const access::RecordRequest& q, const std::string& token) {
  nlohmann::json items = nlohmann::json::array();
  std::set<std::string> listed;
  auto item = [&](const std::string& record) {
    nlohmann::json j = {{"record", record}};
    auto d = q.decisions.find(record);
    if (d == q.decisions.end()) {
      j["decision"] = "pending";
    } else {
      j["decision"] = d->second.decision;
      j["note"] = d->second.note;
      j["decided"] = d->second.at;
      if (d->second.decision != "deny") {
        auto found = api->search->Find(record, search::Audience::kArchive);
        if (found.ok() && *found) j["title"] = (*found)->value("title", "");
        nlohmann::json files = nlohmann::json::array();
        for (const std::string& path : d->second.files) {
          files.push_back({{"path", path},
                           {"href", "/public/v1/requests/" + token + "/files/" + record + "/" + PercentEncode(path, true)}});
        }
        j["files"] = std::move(files);
      }
    }
    listed.insert(record);
    items.push_back(std::move(j));
  };
  for (const std::string& r : q.records) item(r);
  for (const auto& [record, d] : q.decisions) {
    if (!listed.count(record)) item(record);  // records of the case, once decided
  }
  return {{"reference", q.id},         {"created", q.created},       {"state", q.open() ? "open" : "decided"},
          {"case_number", q.case_number}, {"description", q.description}, {"items", items}};
}

void CreateRequest(RequestApi* api, Exchange& ex) {
  if (!AdmitPublic(api->public_limiter, ex)) return;
  nlohmann::json body;
  if (!ReadJsonObject(ex, &body)) return;
  access::NewRequest n;
  if (body.contains("records")) {
    if (!body["records"].is_array()) return SendError(ex, 400, "bad_request", "records must be an array of record ids");
    for (const auto& r : body["records"]) n.records.push_back(r.is_string() ? r.get<std::string>() : "");
  }
  n.case_number = JsonStringField(body, "case_number");
  n.description = JsonStringField(body, "description");
  n.contact = JsonStringField(body, "contact");
  auto created = api->requests->Create(n, NowRfc3339(api->context->env));
  if (!created.ok()) return SendStatus(ex, created.status());
  const auto& [q, token] = *created;
  Audit(api->context, ex, "request.create", q.id, "ok",
        std::to_string(q.records.size()) + " records" + (q.case_number.empty() ? "" : ", case " + q.case_number), true);
  nlohmann::json answer = CitizenView(api, q, token);
  answer["token"] = token;
  answer["href"] = "/public/v1/requests/" + token;
  ex.response.set("Location", answer["href"].get<std::string>());
  SendPublicJson(ex, 201, JsonText(answer));
}

std::optional<access::RecordRequest> RequestByToken(RequestApi* api, Exchange& ex) {
  auto q = api->requests->FindByToken(ex.Param("token"));
  if (!q) SendError(ex, 404, "not_found", "no request with this token");
  return q;
}

void GetRequest(RequestApi* api, Exchange& ex) {
  if (!AdmitPublic(api->public_limiter, ex)) return;
  auto q = RequestByToken(api, ex);
  if (!q) return;
  SendPublicJson(ex, 200, JsonText(CitizenView(api, *q, ex.Param("token"))));
}

void GetReleasedFile(RequestApi* api, Exchange& ex) {
  if (!AdmitPublic(api->public_limiter, ex)) return;
  auto q = RequestByToken(api, ex);
  if (!q) return;
  const std::string record = ex.Param("record"), path = ex.Param("path");
  auto d = q->decisions.find(record);
  if (d == q->decisions.end() || d->second.decision == "deny" ||
      std::find(d->second.files.begin(), d->second.files.end(), path) == d->second.files.end()) {
    return SendError(ex, 404, "not_found", "nothing released under this name");
  }
  auto found = api->search->Find(record, search::Audience::kArchive);
  if (!found.ok()) return SendStatus(ex, found.status());
  if (!*found) return SendError(ex, 404, "not_found", "nothing released under this name");
  const std::string package = (*found)->value("package_id", "");
  auto p = api->archive->catalog()->GetPackage(package);
  if (!p.ok()) return SendStatus(ex, p.status());
  if (!*p) return SendError(ex, 404, "not_found", "nothing released under this name");
  auto f = api->archive->catalog()->GetFile(package, (*p)->head, path);
  if (!f.ok()) return SendStatus(ex, f.status());
  if (!*f) return SendError(ex, 404, "not_found", "nothing released under this name");
  // The release follows the content, not the path.
  auto released = d->second.digests.find(path);
  if (released == d->second.digests.end() || released->second != (*f)->sha256) {
    return SendError(ex, 404, "not_found", "the file has changed since it was released; the archive decides on it again");
  }
  if (!Audit(api->context, ex, "request.download", q->id + "/" + record, "ok", path, true).ok()) return RefuseUnrecorded(ex);
  ex.response.set("Cache-Control", "no-store");
  SendBlob({api->archive, api->context->pins}, ex, (*f)->sha256, (*f)->size, BlobContentType(**f), path);
}

void ListRequests(RequestApi* api, Exchange& ex) {
  const std::string state = ex.Query("state").value_or("open");
  if (state != "open" && state != "all") return SendError(ex, 400, "bad_request", "state is open or all");
  nlohmann::json list = nlohmann::json::array();
  for (const access::RecordRequest& q : api->requests->List(state == "open")) list.push_back(ArchivistView(q, Candidates(api, q)));
  // The queue holds citizens' contacts: reading it is recorded.
  if (!Audit(api->context, ex, "request.list", "requests", "ok", std::to_string(list.size()) + " requests").ok()) {
    return RefuseUnrecorded(ex);
  }
  SendJson(ex, 200, JsonText(nlohmann::json({{"requests", list}})));
}

void DecideRequest(RequestApi* api, Exchange& ex) {
  nlohmann::json body;
  if (!ReadJsonObject(ex, &body)) return;
  auto q = api->requests->Find(ex.Param("id"));
  if (!q) return SendError(ex, 404, "not_found", "no request '" + ex.Param("id") + "'");
  access::RecordDecision d;
  d.record = JsonStringField(body, "record");
  d.decision = JsonStringField(body, "decision");
  d.note = JsonStringField(body, "note");
  if (body.contains("files") && body["files"].is_array()) {
    for (const auto& f : body["files"]) d.files.push_back(f.is_string() ? f.get<std::string>() : "");
  }
  // The record must be one the request concerns, and known to the archive.
  std::vector<nlohmann::json> candidates = Candidates(api, *q);
  std::optional<nlohmann::json> record;
  for (const nlohmann::json& c : candidates) {
    if (c.value("id", "") == d.record && !c.contains("unknown")) record = c;
  }
  if (!record && d.decision != "deny") {
    return SendError(ex, 400, "bad_request", "the request does not concern a known record '" + d.record + "'");
  }
  const std::vector<std::string> files = record ? record->value("files", std::vector<std::string>()) : std::vector<std::string>();
  if (d.decision == "release") d.files = files;
  for (const std::string& f : d.files) {
    if (std::find(files.begin(), files.end(), f) == files.end()) {
      return SendError(ex, 400, "bad_request", "'" + f + "' is not a file of the record");
    }
  }
  // Bound to the bytes as they are now, at the package's head; a decision
  // that names the version the archivist reviewed is refused if it moved on.
  if (!CheckReviewedVersion(ex, body, std::nullopt)) return;
  if (record && !d.files.empty()) {
    const std::string package = record->value("package_id", "");
    auto p = api->archive->catalog()->GetPackage(package);
    if (!p.ok()) return SendStatus(ex, p.status());
    if (!*p) return SendError(ex, 409, "conflict", "the record's package is no longer in the archive");
    if (!CheckReviewedVersion(ex, body, (*p)->head)) return;
    for (const std::string& path : d.files) {
      auto f = api->archive->catalog()->GetFile(package, (*p)->head, path);
      if (!f.ok()) return SendStatus(ex, f.status());
      if (!*f) return SendError(ex, 409, "conflict", "'" + path + "' is not in the package's current version");
      d.digests[path] = (*f)->sha256;
    }
  }
  d.by = ex.who.token_id;
  d.at = NowRfc3339(api->context->env);
  auto decided = api->requests->Decide(q->id, d);
  if (!decided.ok()) return SendStatus(ex, decided.status());
  Audit(api->context, ex, "request.decision", q->id + "/" + d.record, "ok", d.decision + (d.note.empty() ? "" : ": " + d.note), true);
  // The records a request concerns do not depend on its decisions.
  SendJson(ex, 200, JsonText(ArchivistView(*decided, std::move(candidates))));
}

}  // namespace

std::vector<Route> RequestRoutes(RequestApi* api) {
  return {
      {"POST", "/public/v1/requests", roles::kAnyone, Bind(api, CreateRequest)},
      {"GET", "/public/v1/requests/{token}", roles::kAnyone, Bind(api, GetRequest)},
      {"GET", "/public/v1/requests/{token}/files/{record}/{path+}", roles::kAnyone, Bind(api, GetReleasedFile)},
      {"GET", "/api/v1/requests", roles::kSearchers, Bind(api, ListRequests)},
      {"POST", "/api/v1/requests/{id}/decisions", roles::kSearchers, Bind(api, DecideRequest)},
  };
}

}  // namespace bevara::server
