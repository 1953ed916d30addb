// The staff's day: the dashboard, deposits (list, one job, upload), audits
// (start, watch, read) and the audit log. Each page asks the services the
// JSON API asks, with the person logged in as the caller.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "src/common/clock.h"
#include "src/common/percent_encoding.h"
#include "src/services/copy_service.h"
#include "src/web/page.h"
#include "src/web/public_pages.h"
#include "src/web/render.h"
#include "src/web/staff_roles.h"

namespace bevara::web {
namespace {

using server::Exchange;
using services::Job;

// The Monday of this week (UTC), YYYY-MM-DD.
std::string ThisWeeksMonday(Env* env) {
  constexpr int64_t kDayUs = 86'400'000'000;
  const int64_t day = env->NowMicros() / kDayUs;
  const int64_t weekday = (day + 3) % 7;  // 1970-01-01 was a Thursday: Monday is 0
  return FormatRfc3339((day - weekday) * kDayUs).substr(0, 10);
}

std::string Bucket(services::JobState s) {
  if (!services::IsDone(s)) return "waiting";
  return services::JobStateName(s);  // archived, rejected, failed
}

nlohmann::json JobRow(const std::string& lang, const Job& job) {
  nlohmann::json j = {{"id", job.id},
                      {"href", (job.kind == services::JobKind::kAudit ? "/personal/granskningar/" : "/personal/inleveranser/") + job.id},
                      {"state", services::JobStateName(job.state)},
                      {"state_label", Text(lang, std::string("state_") + services::JobStateName(job.state))},
                      {"created", job.created.substr(0, 19)},
                      {"producer", job.producer},
                      {"size", HumanBytes(job.size)},
                      {"package_id", job.package_id}};
  if (!job.package_id.empty()) j["package_href"] = "/personal/paket/" + PercentEncode(job.package_id, false);
  return j;
}

// Each copy of the blobs (from the copy service, as GET /api/v1/copies):
// what it lacks, what is damaged, how far this period's fixity has come.
// A copy behind and failing, damaged or overdue needs a person.
void AddCopies(WebApi* web, const std::string& lang, nlohmann::json* data, nlohmann::json* attention) {
  services::CopyService* service = web->api->audits.copies;
  if (!service) return;
  auto status = service->StatusJson();
  if (!status.ok()) {  // not silence: the copies' state is what a person must know
    attention->push_back({{"text", Text(lang, "attention_copies_unknown")}});
    return;
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const nlohmann::json& c : (*status)["copies"]) {
    const std::string name = c.value("name", "");
    const bool remote = c.value("type", "") != "local";
    const uint64_t lag = remote ? c["lag"].value("blobs", uint64_t{0}) : 0;
    const uint64_t damaged = c["damaged"].size();
    const nlohmann::json fixity = c.value("fixity", nlohmann::json::object());
    const uint64_t overdue = fixity.value("overdue", uint64_t{0});
    char done[16];
    std::snprintf(done, sizeof done, "%.0f %%", 100.0 * fixity.value("done", 0.0));
    nlohmann::json row = {{"name", name},
                          {"lag", remote ? std::to_string(lag) + " (" + HumanBytes(c["lag"].value("bytes", uint64_t{0})) + ")" : "–"},
                          {"damaged", std::to_string(damaged)},
                          {"fixity", std::string(done) + (overdue ? ", " + std::to_string(overdue) + " " + Text(lang, "copies_overdue") : "")}};
    if (c.contains("last_error")) row["error"] = c["last_error"];
    rows.push_back(row);
    if (remote && damaged > 0) attention->push_back({{"text", Text(lang, "attention_copy_damaged") + " " + name + ": " + std::to_string(damaged)}});
    if (lag > 0 && c.contains("last_error")) attention->push_back({{"text", Text(lang, "attention_copy_behind") + " " + name}});
    if (overdue > 0) attention->push_back({{"text", Text(lang, "attention_copy_overdue") + " " + name + ": " + std::to_string(overdue)}});
  }
  (*data)["copies"] = rows;
  (*data)["has_copies"] = !rows.empty();
}

void Dashboard(WebApi* web, Exchange& ex) {
  auto v = Staff(web, ex, kStaff);
  if (!v) return;
  const std::string today = TodayUtc(ex.env), monday = ThisWeeksMonday(ex.env);
  std::map<std::string, uint64_t> day, week;
  for (const Job& job : web->jobs->List(services::JobKind::kDeposit, true)) {
    const std::string created = job.created.substr(0, 10);
    if (created < monday) break;  // newest first
    ++week[Bucket(job.state)];
    if (created == today) ++day[Bucket(job.state)];
  }
  nlohmann::json deposits = nlohmann::json::array();
  for (const char* b : {"archived", "rejected", "failed", "waiting"}) {
    deposits.push_back({{"label", Text(v->lang, std::string("state_") + b)},
                        {"today", std::to_string(day[b])},
                        {"week", std::to_string(week[b])},
                        {"href", std::string("/personal/inleveranser?state=") + b}});
  }
  const bool archivist = v->session->role == access::Role::kArchivist;
  // An admin sees what the API shows an admin: storage, not the work on packages.
  const bool reader = kReaders.count(v->session->role) > 0;
  nlohmann::json data = {{"title", Text(v->lang, "dashboard_title")}, {"week_start", monday}, {"reader", reader}};
  if (reader) data["deposits"] = deposits;
  if (archivist) data["requests_waiting"] = std::to_string(web->api->requests.requests->List(true).size());
  auto audits = web->jobs->List(services::JobKind::kAudit, true);
  if (!audits.empty() && reader) {
    auto run = web->api->audits.audits->Get(audits.front().id);
    if (run) {
      data["last_audit"] = {{"href", "/personal/granskningar/" + run->id},
                            {"state_label", Text(v->lang, std::string("state_") + services::JobStateName(run->state))},
                            {"started", run->started.substr(0, 19)},
                            {"problems", std::to_string(run->report.is_object() && run->report.contains("problems")
                                                            ? run->report["problems"].size() : 0)}};
    }
  }
  auto storage = web->storage->Get();
  if (storage.ok()) {
    data["storage"] = {{"packages", std::to_string(storage->packages)},
                       {"files", std::to_string(storage->files)},
                       {"archived", HumanBytes(storage->archived_bytes)},
                       {"disk_total", HumanBytes(storage->disk_total)},
                       {"disk_free", HumanBytes(storage->disk_available)}};
  }
  nlohmann::json attention = nlohmann::json::array();
  AddCopies(web, v->lang, &data, &attention);
  for (const storage::DamageNote& d : web->api->packages.archive->damage()->All()) {
    if (!reader || attention.size() == 20) break;
    attention.push_back({{"text", Text(v->lang, "attention_damaged") + " " + d.blob.substr(0, 16) + "… (" + d.kind + ", " + d.at.substr(0, 10) + ")"}});
  }
  if (archivist && web->api->search.search) {
    search::SearchQuery q;
    q.review_only = true;
    q.limit = 1;
    auto r = web->api->search.search->Search(q, search::Audience::kArchive);
    if (r.ok() && r->total > 0) {
      attention.push_back({{"text", std::to_string(r->total) + " " + Text(v->lang, "attention_reviews")},
                           {"href", "/personal/paket?granska=1"}});
    }
  }
  data["attention"] = attention;
  data["archivist"] = archivist;
  SendPage(web, ex, *v, "dashboard", std::move(data));
}

void Deposits(WebApi* web, Exchange& ex) {
  auto v = Staff(web, ex, kReaders);
  if (!v) return;
  // The API's filter parameters (state, producer, from, to, after), read by its code.
  server::JobFilter filter;
  filter.limit = 50;
  if (Status s = filter.FromQuery(ex, 100); !s.ok()) return SendErrorPage(web, ex, *v, 400, s.message());
  std::string next;
  nlohmann::json rows = nlohmann::json::array();
  for (const Job& job : server::ListJobsMatching(web->jobs, filter, ex.who, &next)) rows.push_back(JobRow(v->lang, job));
  nlohmann::json states = nlohmann::json::array();
  for (const char* s : {"", "waiting", "archived", "rejected", "failed"}) {
    states.push_back({{"value", s}, {"label", Text(v->lang, std::string("state_") + (*s ? s : "any"))}, {"selected", filter.state == s}});
  }
  nlohmann::json data = {{"title", Text(v->lang, "deposits_title")}, {"jobs", rows}, {"states", states},
                         {"producer", filter.producer}, {"from", filter.from}, {"to", filter.to},
                         {"may_upload", v->session->role == access::Role::kArchivist}};
  if (!next.empty()) {
    data["next_href"] = "/personal/inleveranser?state=" + PercentEncode(filter.state, false) + "&producer=" +
                        PercentEncode(filter.producer, false) + "&from=" + filter.from + "&to=" + filter.to +
                        "&after=" + PercentEncode(next, false);
  }
  SendPage(web, ex, *v, "deposits", std::move(data));
}

void DepositJob(WebApi* web, Exchange& ex) {
  auto v = Staff(web, ex, kReaders);
  if (!v) return;
  auto job = web->api->deposits.deposits->Find(ex.Param("id"), ex.who);
  if (!job) return SendErrorPage(web, ex, *v, 404, Text(v->lang, "error_no_job"));
  auto doc = server::DepositJobDocument(&web->api->deposits, *job);
  if (!doc.ok()) return SendErrorPage(web, ex, *v, 500, Text(v->lang, "error_unavailable"));
  nlohmann::json problems = nlohmann::json::array();
  if (doc->contains("error") && (*doc)["error"].contains("problems")) problems = (*doc)["error"]["problems"];
  nlohmann::json data = {{"title", Text(v->lang, "job_title") + " " + job->id},
                         {"job", JobRow(v->lang, *job)},
                         {"finished", job->finished.substr(0, 19)},
                         {"problems", problems},
                         {"has_problems", !problems.empty()},
                         {"error", doc->contains("error") ? (*doc)["error"].value("message", "") : ""},
                         {"running", !services::IsDone(job->state)}};
  if (!services::IsDone(job->state)) ex.response.set("Refresh", "2");
  SendPage(web, ex, *v, "job", std::move(data));
}

void UploadForm(WebApi* web, Exchange& ex) {
  auto v = Staff(web, ex, kDepositors);
  if (!v) return;
  SendPage(web, ex, *v, "upload", {{"title", Text(v->lang, "upload_title")}});
}

// The browser sends the package as the raw body (static/upload.js, with
// progress), the CSRF token in a header; the deposit is the API's own.
void Upload(WebApi* web, Exchange& ex) {
  auto v = Staff(web, ex, kDepositors);
  if (!v) return;
  const std::string csrf = ex.request.get("X-CSRF-Token", "");
  if (!CheckCsrf(web, ex, *v, {{"csrf", csrf}})) return;
  server::ReceiveDeposit(&web->api->deposits, ex);
}

}  // namespace

void AddStaffPages(WebApi* web, std::vector<server::Route>* routes) {
  routes->push_back(PageRoute(web, "GET", "/personal", Dashboard));
  routes->push_back(PageRoute(web, "GET", "/personal/inleveranser", Deposits));
  routes->push_back(PageRoute(web, "GET", "/personal/inleveranser/ny", UploadForm));
  routes->push_back(PageRoute(web, "POST", "/personal/inleveranser", Upload));
  routes->push_back(PageRoute(web, "GET", "/personal/inleveranser/{id}", DepositJob));
  AddAuditPages(web, routes);
}

}  // namespace bevara::web
