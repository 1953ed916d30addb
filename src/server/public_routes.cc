// The public's records: GET /public/v1/records/{id} and its files. Only
// published records exist here; every other id is a 404, the same 404 as
// an id that was never issued.
//
// The public index says which ids were published; the publication check
// asks again on every request (the package's head is the version indexed,
// the decision or rule still stands), and a file is served only if its
// bytes are the ones the publication names.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "src/common/percent_encoding.h"
#include "src/server/api.h"
#include "src/server/blob_response.h"

namespace bevara::server {
namespace {

struct PublicRecord {
  nlohmann::json summary;  // from the public index (personnummer masked), without its proof
  services::PublicationProof proof;
};

// The record if it is published now; otherwise answers 404 and returns nullopt.
std::optional<PublicRecord> FindPublicRecord(PublicApi* api, Exchange& ex) {
  const std::string id = ex.Param("id");
  auto found = api->search->Find(id, search::Audience::kPublic);
  if (!found.ok()) {
    SendStatus(ex, found.status());
    return std::nullopt;
  }
  std::optional<services::PublicationProof> proof;
  if (*found && (*found)->contains("proof") && (**found)["proof"].is_string()) {
    proof = search::DecodeProof((**found)["proof"].get<std::string>());
  }
  if (!proof || !api->check->StillPublished(*proof)) {
    SendPublicJson(ex, 404, JsonText(nlohmann::json({{"error", {{"code", "not_found"}, {"message", "no public record '" + id + "'"}}}})));
    return std::nullopt;
  }
  PublicRecord r{std::move(**found), std::move(*proof)};
  r.summary.erase("proof");
  r.summary.erase("package_id");
  return r;
}

void GetPublicRecord(PublicApi* api, Exchange& ex) {
  if (!AdmitPublic(api->public_limiter, ex)) return;
  auto r = FindPublicRecord(api, ex);
  if (!r) return;
  const std::string href = "/public/v1/records/" + ex.Param("id");
  nlohmann::json files = nlohmann::json::array();
  for (const auto& [path, sha256] : r->proof.digests) {
    auto f = api->archive->catalog()->GetFile(r->proof.package_id, r->proof.version, path);
    if (!f.ok()) return SendStatus(ex, f.status());
    if (!*f || (*f)->sha256 != sha256) continue;
    files.push_back({{"path", path},
                     {"size", (*f)->size},
                     {"sha256", (*f)->sha256},
                     {"content_type", BlobContentType(**f)},
                     {"href", href + "/files/" + PercentEncode(path, true)}});
  }
  nlohmann::json body = std::move(r->summary);
  body["files"] = std::move(files);
  body["href"] = href;
  SendPublicJson(ex, 200, JsonText(body));
}

void GetPublicFile(PublicApi* api, Exchange& ex) {
  if (!AdmitPublic(api->public_limiter, ex)) return;
  auto r = FindPublicRecord(api, ex);
  if (!r) return;
  const std::string path = ex.Param("path");
  auto published = r->proof.digests.find(path);
  if (published == r->proof.digests.end()) return SendError(ex, 404, "not_found", "the record has no such file");
  auto f = api->archive->catalog()->GetFile(r->proof.package_id, r->proof.version, path);
  if (!f.ok()) return SendStatus(ex, f.status());
  // The bytes the publication names, or nothing.
  if (!*f || (*f)->sha256 != published->second) return SendError(ex, 404, "not_found", "the record has no such file");
  ex.response.set("Cache-Control", "no-store");
  SendBlob({api->archive, api->context->pins}, ex, (*f)->sha256, (*f)->size, BlobContentType(**f), path);
}

}  // namespace

std::vector<Route> PublicRoutes(PublicApi* api) {
  return {
      {"GET", "/public/v1/records/{id}", roles::kAnyone, Bind(api, GetPublicRecord)},
      {"GET", "/public/v1/records/{id}/files/{path+}", roles::kAnyone, Bind(api, GetPublicFile)},
  };
}

}  // namespace bevara::server
