// The public's records: GET /public/v1/records/{id} and its files. Only
// public records exist here; every other id is a 404, the same 404 as an id
// that was never issued.
//
// The public index says which ids are public; the case in the AIP, with
// the archivists' decisions, is asked again on every request, so a record
// made secret a moment ago is refused even if the index were behind.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/percent_encoding.h"
#include "src/server/api.h"
#include "src/server/blob_response.h"

namespace bevara::server {
namespace {

struct PublicRecord {
  nlohmann::json summary;  // from the public index (personnummer masked)
  std::string package_id;
  uint32_t version = 0;
  std::vector<std::string> files;
};

// The record if it is public today; otherwise answers 404 and returns nullopt.
std::optional<PublicRecord> FindPublicRecord(PublicApi* api, Exchange& ex) {
  const std::string id = ex.Param("id");
  auto not_found = [&]() -> std::optional<PublicRecord> {
    SendPublicJson(ex, 404, JsonText(nlohmann::json({{"error", {{"code", "not_found"}, {"message", "no public record '" + id + "'"}}}})));
    return std::nullopt;
  };
  auto found = api->search->Find(id, search::Audience::kPublic);
  if (!found.ok()) {
    SendStatus(ex, found.status());
    return std::nullopt;
  }
  if (!*found) return not_found();
  PublicRecord r;
  r.summary = std::move(**found);
  r.package_id = r.summary.value("package_id", "");
  const std::string record_id = r.summary.value("record_id", "");
  auto package = api->archive->catalog()->GetPackage(r.package_id);
  if (!package.ok()) {
    SendStatus(ex, package.status());
    return std::nullopt;
  }
  if (!*package) return not_found();
  r.version = (*package)->head;
  auto view = api->cases->Get(r.package_id, r.version, TodayUtc(api->context->env));
  if (!view.ok()) {
    SendStatus(ex, view.status());
    return std::nullopt;
  }
  if (!*view) return not_found();
  for (const services::CaseRecordView& rv : (*view)->records) {
    if (rv.record.system_id != record_id) continue;
    if (rv.access.state != ingest::AccessState::kPublic) break;
    r.files = rv.files;
    return r;
  }
  return not_found();
}

void GetPublicRecord(PublicApi* api, Exchange& ex) {
  if (!AdmitPublic(api->public_limiter, ex)) return;
  auto r = FindPublicRecord(api, ex);
  if (!r) return;
  const std::string href = "/public/v1/records/" + ex.Param("id");
  nlohmann::json files = nlohmann::json::array();
  for (const std::string& path : r->files) {
    auto f = api->archive->catalog()->GetFile(r->package_id, r->version, path);
    if (!f.ok()) return SendStatus(ex, f.status());
    if (!*f) continue;
    files.push_back({{"path", path},
                     {"size", (*f)->size},
                     {"sha256", (*f)->sha256},
                     {"content_type", BlobContentType(**f)},
                     {"href", href + "/files/" + PercentEncode(path, true)}});
  }
  nlohmann::json body = std::move(r->summary);
  body.erase("package_id");
  body["files"] = std::move(files);
  body["href"] = href;
  SendPublicJson(ex, 200, JsonText(body));
}

void GetPublicFile(PublicApi* api, Exchange& ex) {
  if (!AdmitPublic(api->public_limiter, ex)) return;
  auto r = FindPublicRecord(api, ex);
  if (!r) return;
  const std::string path = ex.Param("path");
  if (std::find(r->files.begin(), r->files.end(), path) == r->files.end()) {
    return SendError(ex, 404, "not_found", "the record has no such file");
  }
  auto f = api->archive->catalog()->GetFile(r->package_id, r->version, path);
  if (!f.ok()) return SendStatus(ex, f.status());
  if (!*f) return SendError(ex, 404, "not_found", "the record has no such file");
  ex.response.set("Cache-Control", "no-store");
  SendBlob(api->archive, ex, (*f)->sha256, (*f)->size, BlobContentType(**f), path);
}

}  // namespace

std::vector<Route> PublicRoutes(PublicApi* api) {
  return {
      {"GET", "/public/v1/records/{id}", roles::kAnyone, Bind(api, GetPublicRecord)},
      {"GET", "/public/v1/records/{id}/files/{path+}", roles::kAnyone, Bind(api, GetPublicFile)},
  };
}

}  // namespace bevara::server
