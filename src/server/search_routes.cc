// GET /api/v1/search (archivists: every record) and GET /public/v1/search
// (anyone: the public index, which holds only public records).
#include <algorithm>

#include <nlohmann/json.hpp>

#include "src/common/utf8.h"
#include "src/search/personnummer.h"
#include "src/server/api.h"
#include "storage/archive/archive.h"

namespace bevara::server {
namespace {

constexpr uint64_t kMaxOffset = 10000;  // deeper pages: narrow the query instead
constexpr uint64_t kMaxLimit = 100;

}  // namespace

Result<search::SearchQuery> SearchQueryFromRequest(const Exchange& ex, search::Audience audience) {
  search::SearchQuery q;
  auto text = [&](const char* name, std::string* out) {
    if (auto v = ex.Query(name)) *out = *v;
  };
  text("q", &q.text);
  text("case_number", &q.case_number);
  text("creator", &q.creator);
  text("classification", &q.classification);
  text("record_type", &q.record_type);
  text("direction", &q.direction);
  text("from", &q.date_from);
  text("to", &q.date_to);
  if (audience == search::Audience::kArchive) {
    text("state", &q.access_state);
    text("package", &q.package_id);
    if (auto review = ex.Query("review")) {
      if (*review != "0" && *review != "1") return Status::InvalidArgument("review is 0 or 1");
      q.review_only = *review == "1";
    }
  }
  if (q.text.size() > 1024) return Status::InvalidArgument("q is longer than 1024 bytes");
  for (const std::string* v : {&q.text, &q.case_number, &q.creator, &q.classification, &q.record_type, &q.direction,
                               &q.access_state, &q.package_id}) {
    if (!IsValidUtf8(*v)) return Status::InvalidArgument("search parameters are text: percent-encoded UTF-8");
  }
  for (const std::string* d : {&q.date_from, &q.date_to}) {
    if (!d->empty() && (d->size() != 10 || !search::StartsWithIsoDate(*d))) {
      return Status::InvalidArgument("from and to are dates, YYYY-MM-DD");
    }
  }
  uint64_t offset = 0, limit = 20;
  Status s = QueryNumber(ex, "offset", 0, kMaxOffset, &offset);
  if (s.ok()) s = QueryNumber(ex, "limit", 1, kMaxLimit, &limit);
  if (!s.ok()) return s;
  q.offset = static_cast<uint32_t>(offset);
  q.limit = static_cast<uint32_t>(limit);
  return q;
}

Result<search::SearchResult> SearchPublic(SearchApi* api, const search::SearchQuery& q) {
  if (!api->indexer->public_index_trusted()) {
    return Status::Unavailable("search is being brought up to date; try again shortly");
  }
  auto result = api->search->Search(q, search::Audience::kPublic);
  if (!result.ok()) return result.status();
  // One truth at the moment of answering: a hit whose publication no longer
  // stands (a new version waits to be indexed, a decision or rule was
  // withdrawn) is left out.
  auto& hits = result->hits;
  hits.erase(std::remove_if(hits.begin(), hits.end(),
                            [&](const search::SearchHit& h) { return !api->check->StillPublished(h.proof); }),
             hits.end());
  return result;
}

namespace {

// A JSON string, invalid UTF-8 replaced.
std::string JsonString(const std::string& s) {
  return JsonText(nlohmann::json(s));
}

// Whether `json` looks like the object the index writes (anything else is
// left out rather than break the response).
bool StoredObject(const std::string& json) { return json.size() >= 2 && json.front() == '{' && json.back() == '}'; }

// A hit as sent: the stored summary (a JSON object, valid UTF-8: the index
// wrote it so) with its links and snippet spliced in, not parsed and
// written again. The public sees records, not archival packages.
// REQUIRES: StoredObject(hit.summary_json).
void AppendHit(const search::SearchHit& hit, search::Audience audience, std::string* out) {
  const std::string& summary = hit.summary_json;
  out->append(summary, 0, summary.size() - 1);
  if (summary.size() > 2) out->push_back(',');
  if (audience == search::Audience::kPublic) {
    *out += "\"href\":" + JsonString("/public/v1/records/" + hit.id);
  } else {
    *out += "\"package_id\":" + JsonString(hit.package_id);
    *out += ",\"href\":" + JsonString("/api/v1/packages/" + hit.package_id + "/case");
  }
  *out += ",\"snippet\":" + JsonString(hit.snippet) + "}";
}

// The response body: the hits spliced in as stored, the rest written by nlohmann.
std::string ResultBody(const search::SearchQuery& q, const search::SearchResult& r, search::Audience audience) {
  nlohmann::json facets = nlohmann::json::object();
  for (const auto& [name, counts] : r.facets) {
    nlohmann::json values = nlohmann::json::array();
    for (const search::FacetCount& c : counts) values.push_back({{"value", c.value}, {"count", c.count}});
    facets[name] = std::move(values);
  }
  const nlohmann::json rest = {{"total", r.total}, {"exact", r.exact},   {"sampled", r.sampled},
                               {"offset", q.offset}, {"limit", q.limit}, {"facets", std::move(facets)}};
  std::string body = "{\"hits\":[";
  for (const search::SearchHit& hit : r.hits) {
    if (!StoredObject(hit.summary_json)) continue;
    if (body.back() != '[') body.push_back(',');
    AppendHit(hit, audience, &body);
  }
  body += "],";
  body += JsonText(rest).substr(1);
  return body;
}

void ArchiveSearch(SearchApi* api, Exchange& ex) {
  auto q = SearchQueryFromRequest(ex, search::Audience::kArchive);
  if (!q.ok()) return SendStatus(ex, q.status());
  auto result = api->search->Search(*q, search::Audience::kArchive);
  if (!result.ok()) return SendStatus(ex, result.status());
  // Hits show secret records' titles and snippets: searches are recorded.
  if (!Audit(api->context, ex, "search", "records", "ok", "q=" + q->text + ", hits " + std::to_string(result->total)).ok()) {
    return RefuseUnrecorded(ex);
  }
  SendJson(ex, 200, ResultBody(*q, *result, search::Audience::kArchive));
}

void PublicSearch(SearchApi* api, Exchange& ex) {
  if (!AdmitPublic(api->public_limiter, ex)) return;
  auto q = SearchQueryFromRequest(ex, search::Audience::kPublic);
  if (!q.ok()) return SendStatus(ex, q.status());
  auto result = SearchPublic(api, *q);
  if (!result.ok() && result.status().code() == StatusCode::kUnavailable) {
    ex.response.set("Retry-After", "60");
    return SendError(ex, 503, "search_unavailable", result.status().message());
  }
  if (!result.ok()) return SendStatus(ex, result.status());
  SendPublicJson(ex, 200, ResultBody(*q, *result, search::Audience::kPublic));
}

}  // namespace

bool AdmitPublic(RateLimiter* limiter, Exchange& ex) {
  const int wait = limiter ? limiter->Admit(ex.client) : 0;
  if (wait == 0) return true;
  ex.response.set("Retry-After", std::to_string(wait));
  SendError(ex, 429, "too_many_requests", "too many requests from this address; try again in " +
                                              std::to_string(wait) + " s");
  return false;
}

void SendPublicJson(Exchange& ex, int status, std::string json) {
  search::MaskPersonnummer(&json);
  ex.response.set("Cache-Control", "no-store");
  SendJson(ex, status, json);
}

std::vector<Route> SearchRoutes(SearchApi* api) {
  return {
      {"GET", "/api/v1/search", roles::kSearchers, Bind(api, ArchiveSearch)},
      {"GET", "/public/v1/search", roles::kAnyone, Bind(api, PublicSearch)},
  };
}

}  // namespace bevara::server
