// The citizens' pages: the start page, a record (search: search_page.cc;
// asking for records and following the request: request_pages.cc). No login. What they show comes from the same checks as the
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

void Home(WebApi* web, Exchange& ex) {
  Visitor v = SeeVisitor(web, ex);
  SendPage(web, ex, v, "home", {{"title", Text(v.lang, "home_heading")}});
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
  AddSearchPage(web, routes);
  routes->push_back(PageRoute(web, "GET", "/handling/{id}", Record));
  AddRequestPages(web, routes);
}

}  // namespace bevara::web
