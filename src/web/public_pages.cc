// The citizens' pages: search, a record, asking for records and following
// the request. No login. What they show comes from the same checks as the
// public API: the public index, the publication check asked again, the
// request store; the downloads are the public API's own file routes.
#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/percent_encoding.h"
#include "src/server/public_view.h"
#include "src/web/page.h"
#include "src/web/public_pages.h"
#include "src/web/render.h"

namespace bevara::web {
namespace {

using server::Exchange;

// The parameters of a search, as the page links them: the query and filters
// of the JSON API, under the same names.
// A page shows the ten largest values of each facet (the JSON API gives
// twenty): enough to narrow by, and half the page to make.
constexpr size_t kFacetValuesShown = 10;

const char* const kSearchParams[] = {"q", "case_number", "creator", "classification", "record_type", "direction", "from", "to"};

std::string SearchHref(const std::map<std::string, std::string>& params) {
  std::string href = "/sok";
  char sep = '?';
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    href += sep + k + "=" + PercentEncode(v, false);
    sep = '&';
  }
  return href;
}

// The index's snippet (HTML: escaped text, the query's words in <mark>) as
// parts the template escapes again itself: [{text, mark}].
nlohmann::json SnippetParts(const std::string& html) {
  auto unescape = [](std::string s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '&') {
        out.push_back(s[i]);
        continue;
      }
      for (auto [entity, c] : {std::pair{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}}) {
        const std::string e = entity;
        if (s.compare(i, e.size(), e) == 0) {
          out.push_back(c);
          i += e.size() - 1;
          goto next;
        }
      }
      out.push_back('&');
    next:;
    }
    return out;
  };
  nlohmann::json parts = nlohmann::json::array();
  size_t at = 0;
  while (at < html.size()) {
    size_t open = html.find("<mark>", at);
    if (open == std::string::npos) open = html.size();
    if (open > at) parts.push_back({{"text", unescape(html.substr(at, open - at))}, {"mark", false}});
    if (open == html.size()) break;
    size_t close = html.find("</mark>", open);
    if (close == std::string::npos) close = html.size();
    parts.push_back({{"text", unescape(html.substr(open + 6, close - open - 6))}, {"mark", true}});
    at = close == html.size() ? close : close + 7;
  }
  return parts;
}

void Home(WebApi* web, Exchange& ex) {
  Visitor v = SeeVisitor(web, ex);
  SendPage(web, ex, v, "home", {{"title", Text(v.lang, "home_heading")}});
}

nlohmann::json FacetsJson(const std::string& lang, const search::SearchResult& r,
                          const std::map<std::string, std::string>& params) {
  nlohmann::json facets = nlohmann::json::array();
  for (const auto& [name, counts] : r.facets) {
    if (counts.empty() || name == "access_state") continue;
    // The search's link without this facet's own filter, made once per facet.
    std::map<std::string, std::string> others = params;
    others.erase(name == "year" ? "from" : name);
    if (name == "year") others.erase("to");
    std::string base = SearchHref(others);
    base += base.find('?') == std::string::npos ? '?' : '&';
    nlohmann::json values = nlohmann::json::array();
    for (const search::FacetCount& c : counts) {
      if (values.size() == kFacetValuesShown) break;
      const std::string narrow = name == "year" ? "from=" + c.value + "-01-01&to=" + c.value + "-12-31"
                                                : name + "=" + PercentEncode(c.value, false);
      values.push_back({{"value", c.value}, {"count", std::to_string(c.count)}, {"href", base + narrow}});
    }
    facets.push_back({{"label", Text(lang, "facet_" + name)}, {"values", values}});
  }
  return facets;
}

// A hit's stored summary, without what the page does not show (its file
// list can be long).
nlohmann::json HitSummary(const std::string& json) {
  return nlohmann::json::parse(json, [](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    return !(depth == 1 && event == nlohmann::json::parse_event_t::key && parsed == "files");
  }, false);
}

void Search(WebApi* web, Exchange& ex) {
  Visitor v = SeeVisitor(web, ex);
  if (!server::AdmitPublic(web->api->search.public_limiter, ex)) return;
  auto q = server::SearchQueryFromRequest(ex, search::Audience::kPublic);
  if (!q.ok()) return SendErrorPage(web, ex, v, 400, Text(v.lang, "error_search") + " " + q.status().message());
  auto result = server::SearchPublic(&web->api->search, *q);
  if (!result.ok()) {
    // A query that does not parse is the asker's to mend, as /public/v1/search says.
    if (result.status().code() == StatusCode::kInvalidArgument) {
      return SendErrorPage(web, ex, v, 400, Text(v.lang, "error_search") + " " + result.status().message());
    }
    if (result.status().code() != StatusCode::kUnavailable) return SendStatusPage(web, ex, v, result.status());
    ex.response.set("Retry-After", "60");
    return SendErrorPage(web, ex, v, 503, Text(v.lang, "error_search_unavailable"));
  }
  std::map<std::string, std::string> params;
  for (const char* name : kSearchParams) params[name] = ex.Query(name).value_or("");
  nlohmann::json hits = nlohmann::json::array();
  for (const search::SearchHit& hit : result->hits) {
    nlohmann::json s = HitSummary(hit.summary_json);
    if (!s.is_object()) continue;
    hits.push_back({{"title", s.value("title", "")},
                    {"href", "/handling/" + PercentEncode(hit.id, false)},
                    {"date", s.value("date", "")},
                    {"creator", s.value("creator", "")},
                    {"case_number", s.value("case_number", "")},
                    {"record_type", s.value("record_type", "")},
                    {"snippet", SnippetParts(hit.snippet)}});
  }
  nlohmann::json filters = nlohmann::json::array();
  for (const char* name : kSearchParams) {
    if (std::string(name) == "q" || params[name].empty()) continue;
    std::map<std::string, std::string> without = params;
    without.erase(name);
    filters.push_back({{"label", Text(v.lang, std::string("filter_") + name)}, {"value", params[name]},
                       {"href", SearchHref(without)}});
  }
  nlohmann::json data = {{"title", Text(v.lang, "search_title") + (q->text.empty() ? "" : ": " + q->text)},
                         {"q", q->text},
                         {"hits", hits},
                         {"total", std::to_string(result->total)},
                         {"approximate", !result->exact},
                         {"facets", FacetsJson(v.lang, *result, params)},
                         {"filters", filters},
                         {"has_filters", !filters.empty()}};
  // Paging: the same query, another offset.
  auto page_href = [&](uint64_t offset) {
    std::string href = SearchHref(params);
    return href + (href.find('?') == std::string::npos ? "?" : "&") + "offset=" + std::to_string(offset);
  };
  const uint64_t shown_to = q->offset + result->hits.size();
  data["range"] = result->total == 0 ? "" : std::to_string(q->offset + 1) + "–" + std::to_string(shown_to);
  if (q->offset > 0) data["prev_href"] = page_href(q->offset >= q->limit ? q->offset - q->limit : 0);
  if (q->offset + q->limit < result->total && q->offset + q->limit <= 10000) data["next_href"] = page_href(q->offset + q->limit);
  SendPage(web, ex, v, "search", std::move(data));
}

void Record(WebApi* web, Exchange& ex) {
  Visitor v = SeeVisitor(web, ex);
  if (!server::AdmitPublic(web->api->public_records.public_limiter, ex)) return;
  server::PublicApi& api = web->api->public_records;
  const std::string id = ex.Param("id");
  auto found = server::LookUpPublicRecord(api.search, api.check, api.archive, id);
  if (!found.ok()) return SendStatusPage(web, ex, v, found.status());
  if (!*found) return SendErrorPage(web, ex, v, 404, Text(v.lang, "error_no_record"));
  const nlohmann::json& s = (*found)->summary;
  nlohmann::json files = nlohmann::json::array();
  for (const server::PublicFile& f : (*found)->files) {
    files.push_back({{"path", f.path}, {"size", HumanBytes(f.size)}, {"format", f.content_type},
                     {"href", "/public/v1/records/" + PercentEncode(id, false) + "/files/" + PercentEncode(f.path, true)}});
  }
  const std::string url = "/handling/" + PercentEncode(id, false);
  const std::string cite = s.value("creator", "") + ", " + s.value("case_number", "") + ", \u201c" + s.value("title", "") +
                           "\u201d, " + s.value("date", "") + ". " + Text(v.lang, "cite_archive") + " " + url;
  nlohmann::json data = {{"title", s.value("title", "")},
                         {"record", s},
                         {"files", files},
                         {"has_files", !files.empty()},
                         {"cite", cite},
                         {"ask_record_href", "/begaran/ny?handling=" + PercentEncode(id, false)}};
  if (!s.value("case_number", "").empty()) {
    data["ask_case_href"] = "/begaran/ny?arende=" + PercentEncode(s.value("case_number", ""), false);
  }
  SendPage(web, ex, v, "record", std::move(data));
}

}  // namespace

void AddPublicPages(WebApi* web, std::vector<server::Route>* routes) {
  routes->push_back(PageRoute(web, "GET", "/", Home));
  routes->push_back(PageRoute(web, "GET", "/sok", Search));
  routes->push_back(PageRoute(web, "GET", "/handling/{id}", Record));
  AddRequestPages(web, routes);
}

}  // namespace bevara::web
