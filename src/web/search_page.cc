// The citizens' search page, /sok: the public search (the same query, the
// same checks at answer time as /public/v1/search) as a page of hits,
// facets to narrow by, filters to remove and paging.
//
// It is the busiest page and must answer within 1.3x of the JSON search, so
// its data goes straight into the template's tree (PageData): no JSON is
// built, and a hit's stored summary is read for the five fields it shows
// without being built either.
#include <algorithm>
#include <iterator>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "src/common/percent_encoding.h"
#include "src/server/public_view.h"
#include "src/web/hit_fields.h"
#include "src/web/page.h"
#include "src/web/public_pages.h"
#include "src/web/render.h"

namespace bevara::web {
namespace {

using server::Exchange;

// A page shows the ten largest values of each facet (the JSON API gives
// twenty): enough to narrow by, and half the page to make.
constexpr size_t kFacetValuesShown = 10;

// The parameters of a search, as the page links them: the query and filters
// of the JSON API, under the same names.
const char* const kSearchParams[] = {"q", "case_number", "creator", "classification", "record_type", "direction", "from", "to"};

using Params = std::map<std::string, std::string>;

std::string SearchHref(const Params& params) {
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
std::string Unescape(const std::string& s, size_t from, size_t to) {
  static const std::pair<std::string, char> kEntities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}};
  std::string out;
  out.reserve(to - from);
  for (size_t i = from; i < to; ++i) {
    if (s[i] == '&') {
      auto entity = std::find_if(std::begin(kEntities), std::end(kEntities),
                                 [&](const auto& e) { return i + e.first.size() <= to && s.compare(i, e.first.size(), e.first) == 0; });
      if (entity != std::end(kEntities)) {
        out.push_back(entity->second);
        i += entity->first.size() - 1;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

void AddSnippet(PageNode hit, const std::string& html) {
  size_t marks = 0;
  for (size_t at = html.find("<mark>"); at != std::string::npos; at = html.find("<mark>", at + 6)) ++marks;
  PageNode parts = hit.List("snippet", 2 * marks + 1);
  auto part = [&](size_t from, size_t to, bool mark) {
    PageNode p = parts.Append();
    p.Text("text", Unescape(html, from, to));
    p.Flag("mark", mark);
  };
  size_t at = 0;
  while (at < html.size()) {
    size_t open = html.find("<mark>", at);
    if (open == std::string::npos) open = html.size();
    if (open > at) part(at, open, false);
    if (open == html.size()) break;
    size_t close = html.find("</mark>", open);
    if (close == std::string::npos) close = html.size();
    part(open + 6, close, true);
    at = close == html.size() ? close : close + 7;
  }
}

void AddHits(PageNode root, const search::SearchResult& r) {
  PageNode hits = root.List("hits", r.hits.size());
  for (const search::SearchHit& hit : r.hits) {
    HitFields f;
    if (!ReadHitFields(hit.summary_json, &f)) continue;
    PageNode h = hits.Append();
    h.Text("title", std::move(f.title));
    h.Text("href", "/handling/" + PercentEncode(hit.id, false));
    h.Text("date", std::move(f.date));
    h.Text("creator", std::move(f.creator));
    h.Text("case_number", std::move(f.case_number));
    h.Text("record_type", std::move(f.record_type));
    AddSnippet(h, hit.snippet);
  }
}

void AddFacets(PageNode root, const std::string& lang, const search::SearchResult& r, const Params& params) {
  PageNode facets = root.List("facets", r.facets.size());
  for (const auto& [name, counts] : r.facets) {
    if (counts.empty() || name == "access_state") continue;
    // The search's link without this facet's own filter, made once per facet.
    Params others = params;
    others.erase(name == "year" ? "from" : name);
    if (name == "year") others.erase("to");
    std::string base = SearchHref(others);
    base += base.find('?') == std::string::npos ? '?' : '&';
    PageNode facet = facets.Append();
    facet.Text("label", Text(lang, "facet_" + name));
    PageNode values = facet.List("values", std::min(counts.size(), kFacetValuesShown));
    for (size_t i = 0; i < counts.size() && i < kFacetValuesShown; ++i) {
      const search::FacetCount& c = counts[i];
      PageNode value = values.Append();
      value.Text("href", base + (name == "year" ? "from=" + c.value + "-01-01&to=" + c.value + "-12-31"
                                                : name + "=" + PercentEncode(c.value, false)));
      value.Text("value", c.value);
      value.Text("count", std::to_string(c.count));
    }
  }
}

void AddFilters(PageNode root, const std::string& lang, const Params& params) {
  PageNode filters = root.List("filters", std::size(kSearchParams));
  bool any = false;
  for (const char* name : kSearchParams) {
    auto it = params.find(name);
    if (std::string(name) == "q" || it->second.empty()) continue;
    Params without = params;
    without.erase(name);
    PageNode filter = filters.Append();
    filter.Text("label", Text(lang, std::string("filter_") + name));
    filter.Text("value", it->second);
    filter.Text("href", SearchHref(without));
    any = true;
  }
  root.Flag("has_filters", any);
}

// Paging: the same query, another offset.
void AddPaging(PageNode root, const search::SearchQuery& q, const search::SearchResult& r, const Params& params) {
  auto page_href = [&](uint64_t offset) {
    std::string href = SearchHref(params);
    return href + (href.find('?') == std::string::npos ? "?" : "&") + "offset=" + std::to_string(offset);
  };
  const uint64_t shown_to = q.offset + r.hits.size();
  root.Text("range", r.total == 0 ? "" : std::to_string(q.offset + 1) + "–" + std::to_string(shown_to));
  if (q.offset > 0) root.Text("prev_href", page_href(q.offset >= q.limit ? q.offset - q.limit : 0));
  if (q.offset + q.limit < r.total && q.offset + q.limit <= 10000) root.Text("next_href", page_href(q.offset + q.limit));
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
  Params params;
  for (const char* name : kSearchParams) params[name] = ex.Query(name).value_or("");
  PageData data(PageForPublic(v));
  PageNode root = data.Root();
  root.Text("title", Text(v.lang, "search_title") + (q->text.empty() ? "" : ": " + q->text));
  root.Text("q", q->text);
  root.Text("total", std::to_string(result->total));
  root.Flag("approximate", !result->exact);
  AddHits(root, *result);
  AddFacets(root, v.lang, *result, params);
  AddFilters(root, v.lang, params);
  AddPaging(root, *q, *result, params);
  SendPage(web, ex, v, "search", std::move(data));
}

}  // namespace

void AddSearchPage(WebApi* web, std::vector<server::Route>* routes) {
  routes->push_back(PageRoute(web, "GET", "/sok", Search));
}

}  // namespace bevara::web
