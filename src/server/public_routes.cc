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
#include "src/server/public_view.h"

namespace bevara::server {
namespace {

// The record if it is published now; otherwise answers 404 and returns nullopt.
std::optional<PublicRecord> FindPublicRecord(PublicApi* api, Exchange& ex) {
  const std::string id = ex.Param("id");
  auto found = LookUpPublicRecord(api->search, api->check, api->archive, id);
  if (!found.ok()) {
    SendStatus(ex, found.status());
    return std::nullopt;
  }
  if (!*found) {
    SendPublicJson(ex, 404, JsonText(nlohmann::json({{"error", {{"code", "not_found"}, {"message", "no public record '" + id + "'"}}}})));
    return std::nullopt;
  }
  return std::move(**found);
}

void GetPublicRecord(PublicApi* api, Exchange& ex) {
  if (!AdmitPublic(api->public_limiter, ex)) return;
  auto r = FindPublicRecord(api, ex);
  if (!r) return;
  const std::string href = "/public/v1/records/" + ex.Param("id");
  nlohmann::json files = nlohmann::json::array();
  for (const PublicFile& f : r->files) {
    files.push_back({{"path", f.path},
                     {"size", f.size},
                     {"sha256", f.sha256},
                     {"content_type", f.content_type},
                     {"href", href + "/files/" + PercentEncode(f.path, true)}});
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
  auto f = std::find_if(r->files.begin(), r->files.end(), [&](const PublicFile& p) { return p.path == path; });
  // The bytes the publication names, or nothing.
  if (f == r->files.end()) return SendError(ex, 404, "not_found", "the record has no such file");
  ex.response.set("Cache-Control", "no-store");
  SendBlob({api->archive, api->context->pins, api->context->copies}, ex, f->sha256, f->size, f->content_type, path);
}

}  // namespace

std::vector<Route> PublicRoutes(PublicApi* api) {
  return {
      {"GET", "/public/v1/records/{id}", roles::kAnyone, Bind(api, GetPublicRecord)},
      {"GET", "/public/v1/records/{id}/files/{path+}", roles::kAnyone, Bind(api, GetPublicFile)},
  };
}

}  // namespace bevara::server
