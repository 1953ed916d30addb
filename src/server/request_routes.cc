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
#include "src/server/public_view.h"

namespace bevara::server {
namespace {

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
  nlohmann::json answer = CitizenRequestView(api->search, q, token);
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
  SendPublicJson(ex, 200, JsonText(CitizenRequestView(api->search, *q, ex.Param("token"))));
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
  SendBlob({api->archive, api->context->pins, api->context->copies}, ex, (*f)->sha256, (*f)->size, BlobContentType(**f), path);
}

void ListRequests(RequestApi* api, Exchange& ex) {
  const std::string state = ex.Query("state").value_or("open");
  if (state != "open" && state != "all") return SendError(ex, 400, "bad_request", "state is open or all");
  nlohmann::json list = nlohmann::json::array();
  for (const access::RecordRequest& q : api->requests->List(state == "open")) list.push_back(ArchivistRequestView(q, RequestCandidates(api->search, q)));
  // The queue holds citizens' contacts: reading it is recorded.
  if (!Audit(api->context, ex, "request.list", "requests", "ok", std::to_string(list.size()) + " requests").ok()) {
    return RefuseUnrecorded(ex);
  }
  SendJson(ex, 200, JsonText(nlohmann::json({{"requests", list}})));
}

void DecideRequest(RequestApi* api, Exchange& ex) {
  nlohmann::json body;
  if (!ReadJsonObject(ex, &body)) return;
  access::RecordDecision d;
  d.record = JsonStringField(body, "record");
  d.decision = JsonStringField(body, "decision");
  d.note = JsonStringField(body, "note");
  if (body.contains("files") && body["files"].is_array()) {
    for (const auto& f : body["files"]) d.files.push_back(f.is_string() ? f.get<std::string>() : "");
  }
  // A decision that names the version the archivist reviewed is refused if the package moved on.
  if (!CheckReviewedVersion(ex, body, std::nullopt)) return;
  std::optional<uint32_t> reviewed;
  if (body.contains("version")) reviewed = static_cast<uint32_t>(std::min<uint64_t>(body["version"].get<uint64_t>(), UINT32_MAX));
  d.by = ex.who.token_id;
  d.at = NowRfc3339(api->context->env);
  std::vector<nlohmann::json> candidates;
  auto decided = DecideOnRequest(api->requests, api->search, api->archive, ex.Param("id"), d, reviewed, &candidates);
  if (!decided.ok()) {
    if (decided.status().code() == StatusCode::kAlreadyExists) return SendError(ex, 409, "conflict", decided.status().message());
    return SendStatus(ex, decided.status());
  }
  Audit(api->context, ex, "request.decision", decided->id + "/" + d.record, "ok", d.decision + (d.note.empty() ? "" : ": " + d.note), true);
  // The records a request concerns do not depend on its decisions.
  SendJson(ex, 200, JsonText(ArchivistRequestView(*decided, std::move(candidates))));
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
