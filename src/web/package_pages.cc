// Packages: the list and search; one package with its versions, files,
// PREMIS events, case and records, and the access decision on a record.
#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/percent_encoding.h"
#include "src/server/package_view.h"
#include "src/web/page.h"
#include "src/web/public_pages.h"
#include "src/web/render.h"
#include "src/web/staff_roles.h"

namespace bevara::web {
namespace {

using server::Exchange;

std::string PackageHref(const std::string& id) { return "/personal/paket/" + PercentEncode(id, false); }

// Records found by the archive's search (archivists only; recorded, as the API's search is).
nlohmann::json SearchRecords(WebApi* web, Exchange& ex, const Visitor& v, bool* refused) {
  nlohmann::json hits = nlohmann::json::array();
  search::SearchQuery q;
  q.text = ex.Query("q").value_or("");
  q.review_only = ex.Query("granska").value_or("") == "1";
  q.limit = 50;
  auto r = web->api->search.search->Search(q, search::Audience::kArchive);
  if (!r.ok()) return hits;
  if (!server::Audit(&web->api->context, ex, "search", "records", "ok", "q=" + q.text + ", hits " + std::to_string(r->total) + " (web)").ok()) {
    *refused = true;
    return hits;
  }
  for (const search::SearchHit& hit : r->hits) {
    nlohmann::json s = hit.Json();
    const std::string state = s.contains("access") ? s["access"].value("state", "") : "";
    hits.push_back({{"title", s.value("title", "")}, {"case_number", s.value("case_number", "")},
                    {"date", s.value("date", "")}, {"state", Text(v.lang, "access_" + state)},
                    {"href", PackageHref(hit.package_id)}});
  }
  return hits;
}

void Packages(WebApi* web, Exchange& ex) {
  auto v = Staff(web, ex, kReaders);
  if (!v) return;
  nlohmann::json data = {{"title", Text(v->lang, "packages_title")}, {"q", ex.Query("q").value_or("")},
                         {"producer", ex.Query("producer").value_or("")},
                         {"may_search", v->session->role == access::Role::kArchivist}};
  if (v->session->role == access::Role::kArchivist && (ex.Query("q") || ex.Query("granska"))) {
    bool refused = false;
    data["hits"] = SearchRecords(web, ex, *v, &refused);
    if (refused) return SendErrorPage(web, ex, *v, 503, Text(v->lang, "error_unavailable"));
    data["searched"] = true;
  }
  storage::PackageFilter filter;
  filter.producer = ex.Query("producer").value_or("");
  const std::string after = ex.Query("after").value_or("");
  bool passed = after.empty();
  nlohmann::json rows = nlohmann::json::array();
  std::string next;
  Status s = web->api->packages.archive->catalog()->ListPackages(filter, [&](const storage::PackageSummary& p) {
    if (!passed) {
      passed = p.id == after;
      return Status::OK();
    }
    if (rows.size() == 50) {
      next = rows.back()["id"];
      return Status::StopIteration();
    }
    rows.push_back({{"id", p.id}, {"href", PackageHref(p.id)}, {"label", p.label}, {"producer", p.producer_name},
                    {"head", std::to_string(p.head)}, {"updated", p.updated.substr(0, 10)}});
    return Status::OK();
  });
  if (!s.ok()) return SendErrorPage(web, ex, *v, 500, Text(v->lang, "error_unavailable"));
  data["packages"] = rows;
  if (!next.empty()) {
    data["next_href"] = "/personal/paket?producer=" + PercentEncode(filter.producer, false) + "&after=" + PercentEncode(next, false);
  }
  SendPage(web, ex, *v, "packages", std::move(data));
}

nlohmann::json RecordRows(const std::string& lang, const std::string& package_id, const nlohmann::json& records,
                          bool may_decide, uint32_t head) {
  nlohmann::json rows = nlohmann::json::array();
  for (const nlohmann::json& r : records) {
    const nlohmann::json& a = r.value("access", nlohmann::json::object());
    nlohmann::json states = nlohmann::json::array();
    for (const char* s : {"published", "public", "restricted", "secret"}) {
      states.push_back({{"value", s}, {"label", Text(lang, std::string("access_") + s)}});
    }
    nlohmann::json files = nlohmann::json::array();
    for (const nlohmann::json& f : r.value("files", nlohmann::json::array())) files.push_back(f.value("path", ""));
    // The record id is the producer's (ERMS systemIdentifier): percent-encoded
    // in the form's path, or "../" in it would aim the decision elsewhere.
    const std::string decide = PackageHref(package_id) + "/handlingar/" + PercentEncode(r.value("id", ""), false) + "/atkomst";
    rows.push_back({{"id", r.value("id", "")},
                    {"anchor", "rec-" + std::to_string(rows.size())},
                    {"decide_href", decide},
                    {"title", r.value("title", "")},
                    {"type", r.value("type", "")},
                    {"created", r.value("created", "")},
                    {"state", Text(lang, "access_" + a.value("state", std::string("restricted")))},
                    {"ground", a.value("ground", "")},
                    {"review", a.value("review", "")},
                    {"files", files},
                    {"states", states},
                    {"may_decide", may_decide},
                    {"version", std::to_string(head)}});
  }
  return rows;
}

void Package(WebApi* web, Exchange& ex) {
  auto v = Staff(web, ex, kReaders);
  if (!v) return;
  server::PackageApi* api = &web->api->packages;
  auto p = api->archive->catalog()->GetPackage(ex.Param("id"));
  if (!p.ok()) return SendErrorPage(web, ex, *v, 500, Text(v->lang, "error_unavailable"));
  if (!*p || !ex.who.MaySeeProducer((*p)->producer_id)) return SendErrorPage(web, ex, *v, 404, Text(v->lang, "error_no_package"));
  auto body = server::PackageVersionJson(api->archive, **p, (*p)->head);
  auto events = server::PackageEventsJson(api->archive, **p);
  auto kase = server::PackageCaseJson(api, **p, (*p)->head, TodayUtc(ex.env));
  if (!body.ok() || !events.ok() || !kase.ok()) return SendErrorPage(web, ex, *v, 500, Text(v->lang, "error_unavailable"));
  nlohmann::json data = {{"title", Text(v->lang, "package_title") + " " + (*p)->id}, {"package", *body}};
  for (auto& f : data["package"]["files"]) {
    f["size_text"] = HumanBytes(f.value("size", uint64_t{0}));
    f["format_name"] = f.contains("format") ? f["format"].value("name", "") : "";
  }
  for (auto& e : *events) e["date_time"] = e.value("date_time", "").substr(0, 19);
  data["events"] = *events;
  if (*kase) {
    // Titles of secret records are in it: the read is recorded, as the API's is.
    if (!server::Audit(&web->api->context, ex, "case.read", (*p)->id, "ok", "version " + std::to_string((*p)->head) + " (web)").ok()) {
      return SendErrorPage(web, ex, *v, 503, Text(v->lang, "error_unavailable"));
    }
    data["case"] = (**kase)["case"];
    data["records"] = RecordRows(v->lang, (*p)->id, (**kase)["records"], v->session->role == access::Role::kArchivist, (*p)->head);
  }
  SendPage(web, ex, *v, "package", std::move(data));
}

void DecideAccess(WebApi* web, Exchange& ex) {
  std::map<std::string, std::string> f;
  auto v = StaffForm(web, ex, kArchivists, &f);
  if (!v) return;
  server::PackageApi* api = &web->api->packages;
  auto p = api->archive->catalog()->GetPackage(ex.Param("id"));
  if (!p.ok() || !*p) return SendErrorPage(web, ex, *v, 404, Text(v->lang, "error_no_package"));
  server::AccessChange change{ex.Param("record"), f["tillstand"], f["motivering"], std::nullopt, ex.who.token_id};
  uint64_t version = 0;
  if (!f["version"].empty()) {
    try {
      version = std::stoull(f["version"]);
    } catch (...) {
      return SendErrorPage(web, ex, *v, 400, Text(v->lang, "error_form_malformed"));
    }
    change.reviewed_version = static_cast<uint32_t>(std::min<uint64_t>(version, UINT32_MAX));
  }
  if (change.reason.empty()) return SendErrorPage(web, ex, *v, 400, Text(v->lang, "decide_need_reason"));
  auto r = server::DecideRecordAccess(api, **p, change);
  if (!r.ok() && r.status().code() != StatusCode::kUnavailable) {
    if (r.status().IsNotFound()) return SendErrorPage(web, ex, *v, 404, Text(v->lang, "error_no_record"));
    return SendStatusPage(web, ex, *v, r.status());
  }
  server::Audit(&web->api->context, ex, "access.change", (*p)->id + "/" + change.record_id, "ok",
                "state " + change.state + " on version " + std::to_string((*p)->head) + ": " + change.reason, true);
  // In force, but public search could not follow yet: the archivist is told, as the API tells.
  if (!r.ok()) return SendErrorPage(web, ex, *v, 503, Text(v->lang, "search_not_updated"));
  SeeOther(ex, PackageHref((*p)->id));
}

}  // namespace

void AddPackagePages(WebApi* web, std::vector<server::Route>* routes) {
  routes->push_back(PageRoute(web, "GET", "/personal/paket", Packages));
  routes->push_back(PageRoute(web, "GET", "/personal/paket/{id}", Package));
  routes->push_back(PageRoute(web, "POST", "/personal/paket/{id}/handlingar/{record}/atkomst", DecideAccess));
}

}  // namespace bevara::web
