// Requests from citizens as archivists work them: the queue, one request
// with the records it concerns and their states, and the decision on each
// (release, release in part with what is withheld, deny with the ground).
#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/utf8.h"
#include "src/server/public_view.h"
#include "src/web/page.h"
#include "src/web/public_pages.h"
#include "src/web/render.h"
#include "src/web/staff_roles.h"

namespace bevara::web {
namespace {

using server::Exchange;

void Queue(WebApi* web, Exchange& ex) {
  auto v = Staff(web, ex, kArchivists);
  if (!v) return;
  const bool all = ex.Query("alla").value_or("") == "1";
  auto list = web->api->requests.requests->List(!all);
  // The queue holds citizens' contacts: reading it is recorded.
  if (!server::Audit(&web->api->context, ex, "request.list", "requests", "ok", std::to_string(list.size()) + " requests (web)").ok()) {
    return SendErrorPage(web, ex, *v, 503, Text(v->lang, "error_unavailable"));
  }
  nlohmann::json rows = nlohmann::json::array();
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    rows.push_back({{"id", it->id}, {"href", "/personal/begaranden/" + it->id}, {"created", it->created.substr(0, 19)},
                    {"state", Text(v->lang, std::string("request_state_") + (it->open() ? "open" : "decided"))},
                    {"case_number", it->case_number}, {"records", std::to_string(it->records.size())},
                    {"description", CutUtf8(it->description, 200)}});
  }
  SendPage(web, ex, *v, "queue", {{"title", Text(v->lang, "queue_title")}, {"requests", rows}, {"all", all}});
}

void RequestPage(WebApi* web, Exchange& ex) {
  auto v = Staff(web, ex, kArchivists);
  if (!v) return;
  server::RequestApi& api = web->api->requests;
  auto q = api.requests->Find(ex.Param("id"));
  if (!q) return SendErrorPage(web, ex, *v, 404, Text(v->lang, "error_no_request"));
  if (!server::Audit(&web->api->context, ex, "request.read", q->id, "ok", "(web)").ok()) {
    return SendErrorPage(web, ex, *v, 503, Text(v->lang, "error_unavailable"));
  }
  nlohmann::json view = server::ArchivistRequestView(*q, server::RequestCandidates(api.search, *q));
  nlohmann::json records = nlohmann::json::array();
  for (const nlohmann::json& c : view["candidates"]) {
    const std::string id = c.value("id", "");
    // Every key set on every row, empty or not: mustache would otherwise
    // find the page's own value of that name.
    nlohmann::json row = {{"id", id},
                          {"anchor", "rec-" + std::to_string(records.size())},
                          {"title", c.value("title", "")},
                          {"case_number", c.value("case_number", "")},
                          {"unknown", c.contains("unknown")},
                          {"state", ""},
                          {"ground", ""},
                          {"decided", ""},
                          // The version the archivist sees: a decision is refused if the package moved on.
                          {"version", c.contains("version") ? std::to_string(c.value("version", 0)) : ""}};
    nlohmann::json files = nlohmann::json::array();
    for (const nlohmann::json& path : c.value("files", nlohmann::json::array())) {
      files.push_back({{"path", path}, {"fid", "f" + std::to_string(records.size()) + "-" + std::to_string(files.size())}});
    }
    row["files"] = std::move(files);
    if (c.contains("access")) {
      row["state"] = Text(v->lang, "access_" + c["access"].value("state", std::string("restricted")));
      row["ground"] = c["access"].value("ground", "");
    }
    auto d = q->decisions.find(id);
    if (d != q->decisions.end()) {
      row["decided"] = Text(v->lang, "decision_" + d->second.decision) + (d->second.note.empty() ? "" : ": " + d->second.note);
    }
    row["has_files"] = !row["files"].empty();
    records.push_back(std::move(row));
  }
  SendPage(web, ex, *v, "request",
           {{"title", Text(v->lang, "request_page_title") + " " + q->id},
            {"request", view},
            {"request_state", Text(v->lang, std::string("request_state_") + (q->open() ? "open" : "decided"))},
            {"records", records}});
}

void Decide(WebApi* web, Exchange& ex) {
  std::map<std::string, std::string> f;
  auto v = StaffForm(web, ex, kArchivists, &f);
  if (!v) return;
  server::RequestApi& api = web->api->requests;
  access::RecordDecision d;
  d.record = f["handling"];
  d.decision = f["beslut"];
  d.note = f["anteckning"];
  if (d.decision == "partial") {
    size_t start = 0;
    const std::string& files = f["filer"];
    while (start < files.size()) {
      size_t nl = files.find('\n', start);
      if (nl == std::string::npos) nl = files.size();
      if (nl > start) d.files.push_back(files.substr(start, nl - start));
      start = nl + 1;
    }
  }
  d.by = ex.who.token_id;
  d.at = NowRfc3339(ex.env);
  std::optional<uint32_t> reviewed;
  if (!f["version"].empty()) {
    if (f["version"].size() > 9 || f["version"].find_first_not_of("0123456789") != std::string::npos) {
      return SendErrorPage(web, ex, *v, 400, Text(v->lang, "error_form_malformed"));
    }
    reviewed = static_cast<uint32_t>(std::stoul(f["version"]));
  }
  std::vector<nlohmann::json> candidates;
  auto decided = server::DecideOnRequest(api.requests, api.search, api.archive, ex.Param("id"), d, reviewed, &candidates);
  if (!decided.ok()) {
    if (decided.status().IsNotFound()) return SendErrorPage(web, ex, *v, 404, Text(v->lang, "error_no_request"));
    return SendStatusPage(web, ex, *v, decided.status());
  }
  server::Audit(&web->api->context, ex, "request.decision", decided->id + "/" + d.record, "ok",
                d.decision + (d.note.empty() ? "" : ": " + d.note), true);
  SeeOther(ex, "/personal/begaranden/" + decided->id);
}

}  // namespace

void AddQueuePages(WebApi* web, std::vector<server::Route>* routes) {
  routes->push_back(PageRoute(web, "GET", "/personal/begaranden", Queue));
  routes->push_back(PageRoute(web, "GET", "/personal/begaranden/{id}", RequestPage));
  routes->push_back(PageRoute(web, "POST", "/personal/begaranden/{id}/beslut", Decide));
}

}  // namespace bevara::web
