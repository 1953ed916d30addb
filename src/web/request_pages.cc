// A citizen asks for records (begäran om allmän handling) and follows the
// request: the form, the receipt with the request's own link, the status
// with what was released, in part or denied and on what ground.
#include <nlohmann/json.hpp>

#include "src/access/record_requests.h"
#include "src/common/clock.h"
#include "src/common/percent_encoding.h"
#include "src/server/public_view.h"
#include "src/web/page.h"
#include "src/web/public_pages.h"
#include "src/web/render.h"

namespace bevara::web {
namespace {

using server::Exchange;

// The form, with what was asked for and what was typed (after a refusal).
void SendForm(WebApi* web, Exchange& ex, const Visitor& v, const std::map<std::string, std::string>& f,
              const std::string& problem, int status) {
  auto get = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  nlohmann::json data = {{"title", Text(v.lang, "request_title")},
                         {"record", get("handling")},
                         {"case_number", get("arende")},
                         {"name", get("namn")},
                         {"contact", get("kontakt")},
                         {"description", get("beskrivning")},
                         {"anonymous", get("anonym") == "1"},
                         {"problem", problem}};
  if (!get("handling").empty()) {
    server::PublicApi& api = web->api->public_records;
    auto r = server::LookUpPublicRecord(api.search, api.check, api.archive, get("handling"));
    if (r.ok() && *r) data["record_title"] = (*r)->summary.value("title", "");
  }
  SendPage(web, ex, v, "request_form", std::move(data), status);
}

void NewRequestForm(WebApi* web, Exchange& ex) {
  Visitor v = SeeVisitor(web, ex);
  if (!server::AdmitPublic(web->api->requests.public_limiter, ex)) return;
  std::map<std::string, std::string> f;
  f["handling"] = ex.Query("handling").value_or("");
  f["arende"] = ex.Query("arende").value_or("");
  if (f["handling"].size() > 64) f["handling"].clear();  // no record id is longer; Create refuses a malformed one
  SendForm(web, ex, v, f, "", 200);
}

void CreateRequest(WebApi* web, Exchange& ex) {
  Visitor v = SeeVisitor(web, ex);
  server::RequestApi& api = web->api->requests;
  if (!server::AdmitPublic(api.public_limiter, ex)) return;
  std::map<std::string, std::string> f;
  if (!ReadForm(web, ex, v, 16 * 1024, &f)) return;
  access::NewRequest n;
  // A public hit's id names the record in the archive index too.
  if (!f["handling"].empty()) n.records.push_back(f["handling"]);
  n.case_number = f["arende"];
  n.description = f["beskrivning"];
  const bool anonymous = f["anonym"] == "1";
  std::string contact = f["kontakt"];
  if (!anonymous && !f["namn"].empty()) contact = f["namn"] + (contact.empty() ? "" : " \u2014 " + contact);
  if (contact.empty() && anonymous) contact = "(anonym: följer begäran med sin länk)";
  n.contact = contact;
  if (n.description.empty()) return SendForm(web, ex, v, f, Text(v.lang, "request_need_description"), 400);
  if (n.contact.empty()) return SendForm(web, ex, v, f, Text(v.lang, "request_need_contact"), 400);
  auto created = api.requests->Create(n, NowRfc3339(api.context->env));
  if (!created.ok()) {
    if (created.status().code() != StatusCode::kInvalidArgument) return SendStatusPage(web, ex, v, created.status());
    return SendForm(web, ex, v, f, Text(v.lang, "request_refused") + " " + created.status().message(), 400);
  }
  const auto& [q, token] = *created;
  server::Audit(api.context, ex, "request.create", q.id, "ok",
                std::to_string(q.records.size()) + " records" + (q.case_number.empty() ? "" : ", case " + q.case_number) +
                    " (web)",
                true);
  SeeOther(ex, "/begaran/" + token + "?ny=1");
}

void RequestStatus(WebApi* web, Exchange& ex) {
  Visitor v = SeeVisitor(web, ex);
  server::RequestApi& api = web->api->requests;
  if (!server::AdmitPublic(api.public_limiter, ex)) return;
  const std::string token = ex.Param("token");
  auto q = api.requests->FindByToken(token);
  if (!q) return SendErrorPage(web, ex, v, 404, Text(v.lang, "error_no_request"));
  nlohmann::json view = server::CitizenRequestView(api.search, *q, token);
  for (auto& item : view["items"]) {
    const std::string d = item.value("decision", "pending");
    if (!item.contains("title")) item["title"] = "";  // not the page's title
    if (!item.contains("note")) item["note"] = "";
    item["decision_label"] = Text(v.lang, "decision_" + d);
    item["is_" + d] = true;
    item["has_files"] = item.contains("files") && !item["files"].empty();
  }
  const std::string state = view.value("state", "open");
  nlohmann::json data = {{"title", Text(v.lang, "status_title") + " " + q->id},
                         {"request", view},
                         {"state_label", Text(v.lang, "request_state_" + state)},
                         {"new", ex.Query("ny").value_or("") == "1"},
                         {"link", "/begaran/" + token}};
  SendPage(web, ex, v, "request_status", std::move(data));
}

}  // namespace

void AddRequestPages(WebApi* web, std::vector<server::Route>* routes) {
  routes->push_back(PageRoute(web, "GET", "/begaran/ny", NewRequestForm));
  routes->push_back(PageRoute(web, "POST", "/begaran", CreateRequest));
  routes->push_back(PageRoute(web, "GET", "/begaran/{token}", RequestStatus));
}

}  // namespace bevara::web
