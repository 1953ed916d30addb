// Audits (start one, watch it, read its findings) and the audit log with
// its filters.
#include <nlohmann/json.hpp>

#include "src/common/percent_encoding.h"
#include "src/web/page.h"
#include "src/web/public_pages.h"
#include "src/web/render.h"
#include "src/web/staff_roles.h"

namespace bevara::web {
namespace {

using server::Exchange;

nlohmann::json RunRow(const std::string& lang, const services::AuditRun& run) {
  const auto& p = run.progress;
  const uint64_t percent = p.blobs_total ? p.blobs_done * 100 / p.blobs_total : (services::IsDone(run.state) ? 100 : 0);
  const size_t problems = run.report.is_object() && run.report.contains("problems") ? run.report["problems"].size() : 0;
  return {{"id", run.id},
          {"href", "/personal/granskningar/" + run.id},
          {"scope", run.package_id.empty() ? Text(lang, "audit_scope_all") : run.package_id},
          {"state_label", Text(lang, std::string("state_") + services::JobStateName(run.state))},
          {"started", run.started.substr(0, 19)},
          {"finished", run.finished.substr(0, 19)},
          {"percent", std::to_string(percent)},
          {"blobs", std::to_string(p.blobs_done) + " / " + std::to_string(p.blobs_total)},
          {"bytes", HumanBytes(p.bytes_done)},
          {"problems", std::to_string(problems)},
          {"running", !services::IsDone(run.state)}};
}

void Audits(WebApi* web, Exchange& ex) {
  auto v = Staff(web, ex, kAuditors);
  if (!v) return;
  server::JobFilter filter;
  filter.kind = services::JobKind::kAudit;
  filter.limit = 50;
  std::string next;
  nlohmann::json rows = nlohmann::json::array();
  for (const services::Job& job : server::ListJobsMatching(web->jobs, filter, ex.who, &next)) {
    auto run = web->api->audits.audits->Get(job.id);
    if (run) rows.push_back(RunRow(v->lang, *run));
  }
  SendPage(web, ex, *v, "audits", {{"title", Text(v->lang, "audits_title")}, {"audits", rows}});
}

void StartAudit(WebApi* web, Exchange& ex) {
  std::map<std::string, std::string> f;
  auto v = StaffForm(web, ex, kAuditors, &f);
  if (!v) return;
  const std::string package = f["paket"];
  auto started = web->api->audits.audits->Start(package, ex.who.token_id);
  if (!started.ok()) {
    if (started.status().IsNotFound()) return SendErrorPage(web, ex, *v, 404, Text(v->lang, "error_no_package"));
    return SendStatusPage(web, ex, *v, started.status());
  }
  if (!started->already_running) {
    server::Audit(&web->api->context, ex, "audit.start", package.empty() ? "(archive)" : package, "ok",
                  "audit " + started->run.id, true);
  }
  SeeOther(ex, "/personal/granskningar/" + started->run.id);
}

void AuditPage(WebApi* web, Exchange& ex) {
  auto v = Staff(web, ex, kAuditors);
  if (!v) return;
  auto run = web->api->audits.audits->Get(ex.Param("id"));
  if (!run) return SendErrorPage(web, ex, *v, 404, Text(v->lang, "error_no_audit"));
  nlohmann::json findings = nlohmann::json::array();
  if (run->report.is_object() && run->report.contains("problems")) {
    for (const nlohmann::json& p : run->report["problems"]) {
      nlohmann::json affected = nlohmann::json::array();
      for (const nlohmann::json& a : p.value("affected", nlohmann::json::array())) {
        const std::string pkg = a.value("package_id", "");
        affected.push_back({{"package_id", pkg}, {"href", "/personal/paket/" + PercentEncode(pkg, false)},
                            {"version", std::to_string(a.value("version", 0))}, {"path", a.value("path", "")}});
      }
      findings.push_back({{"kind", p.value("kind", "")}, {"blob", p.value("blob", "")}, {"detail", p.value("detail", "")},
                          {"affected", affected}});
    }
  }
  if (!services::IsDone(run->state)) ex.response.set("Refresh", "2");
  SendPage(web, ex, *v, "audit",
           {{"title", Text(v->lang, "audit_title") + " " + run->id}, {"run", RunRow(v->lang, *run)},
            {"findings", findings}, {"has_findings", !findings.empty()}});
}

void LogPage(WebApi* web, Exchange& ex) {
  auto v = Staff(web, ex, kLogReaders);
  if (!v) return;
  // The API's filter parameters (action, actor, target, since, until, from), read by its code.
  access::AuditLogFilter filter;
  if (Status s = server::LogFilterFromQuery(ex, &filter); !s.ok()) return SendErrorPage(web, ex, *v, 400, s.message());
  const bool filtered = !(filter.action + filter.actor + filter.target + filter.since + filter.until).empty();
  // Without "from", the newest page: for a filter the newest 100,000
  // entries (the API's window), else the newest hundred.
  const uint64_t last = web->api->context.log->last_seq(), window = filtered ? 100000 : 100;
  if (!ex.Query("from")) filter.from = last > window ? last - window + 1 : 1;
  uint64_t next = 0;
  auto entries = server::ReadLogEntries(&web->api->audits, filter, 100, window, &next);
  if (!entries.ok()) return SendStatusPage(web, ex, *v, entries.status());
  nlohmann::json rows = nlohmann::json::array();
  for (auto it = entries->rbegin(); it != entries->rend(); ++it) {  // newest first
    rows.push_back({{"seq", std::to_string(it->value("seq", 0))}, {"time", it->value("time", "").substr(0, 19)},
                    {"actor", it->value("actor", "")}, {"role", it->value("role", "")}, {"action", it->value("action", "")},
                    {"target", it->value("target", "")}, {"outcome", it->value("outcome", "")}, {"detail", it->value("detail", "")}});
  }
  const std::string query = "action=" + PercentEncode(filter.action, false) + "&actor=" + PercentEncode(filter.actor, false) +
                            "&target=" + PercentEncode(filter.target, false) + "&since=" + PercentEncode(filter.since, false) +
                            "&until=" + PercentEncode(filter.until, false);
  nlohmann::json data = {{"title", Text(v->lang, "log_title")}, {"entries", rows}, {"action", filter.action},
                         {"actor", filter.actor}, {"target", filter.target}, {"since", filter.since}, {"until", filter.until}};
  if (!filtered && filter.from > 1) data["older_href"] = "/personal/logg?from=" + std::to_string(filter.from > 100 ? filter.from - 100 : 1);
  if (next) data["newer_href"] = "/personal/logg?" + query + "&from=" + std::to_string(next);
  SendPage(web, ex, *v, "log", std::move(data));
}

}  // namespace

void AddAuditPages(WebApi* web, std::vector<server::Route>* routes) {
  routes->push_back(PageRoute(web, "GET", "/personal/granskningar", Audits));
  routes->push_back(PageRoute(web, "POST", "/personal/granskningar", StartAudit));
  routes->push_back(PageRoute(web, "GET", "/personal/granskningar/{id}", AuditPage));
  routes->push_back(PageRoute(web, "GET", "/personal/logg", LogPage));
}

}  // namespace bevara::web
