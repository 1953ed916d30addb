// POST /api/v1/audits, GET /api/v1/audits[/{id}], GET /api/v1/storage, GET /api/v1/log,
// GET /api/v1/copies, POST /api/v1/copies/sync, POST /api/v1/copies/{name}/audit.
#include <nlohmann/json.hpp>

#include "src/server/api.h"

namespace bevara::server {

nlohmann::json AuditRunJson(const services::AuditRun& run) {
  nlohmann::json j = {{"id", run.id},
                      {"href", "/api/v1/audits/" + run.id},
                      {"state", services::JobStateName(run.state)},
                      {"scope", run.package_id.empty() ? nlohmann::json("archive") : nlohmann::json(run.package_id)},
                      {"started", run.started},
                      {"progress",
                       {{"blobs_done", run.progress.blobs_done},
                        {"blobs_total", run.progress.blobs_total},
                        {"bytes_done", run.progress.bytes_done},
                        {"seconds", run.progress.seconds}}}};
  if (!run.finished.empty()) j["finished"] = run.finished;
  if (!run.report.is_null()) j["report"] = run.report;
  return j;
}

Status LogFilterFromQuery(const Exchange& ex, access::AuditLogFilter* filter) {
  filter->action = ex.Query("action").value_or("");
  filter->actor = ex.Query("actor").value_or("");
  filter->target = ex.Query("target").value_or("");
  filter->since = ex.Query("since").value_or("");
  filter->until = ex.Query("until").value_or("");
  BEVARA_RETURN_IF_ERROR(QueryNumber(ex, "from", 1, UINT64_MAX, &filter->from));
  return filter->Check();
}

Result<std::vector<nlohmann::json>> ReadLogEntries(AuditApi* api, const access::AuditLogFilter& filter, uint64_t limit,
                                                   uint64_t max_scan, uint64_t* next) {
  BEVARA_RETURN_IF_ERROR(filter.Check());
  (void)api->context->log->Sync();  // what the auditor reads is on disk
  std::vector<nlohmann::json> out;
  uint64_t seq = filter.from, scanned = 0;
  *next = 0;
  Status s = access::ReadAuditLog(api->context->env, api->access_dir, filter.from, max_scan, [&](const std::string& line) {
    ++scanned;
    if (out.size() == limit) {
      *next = seq;
      return Status::StopIteration();
    }
    ++seq;
    nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
    if (e.is_object() && filter.Matches(e)) out.push_back(std::move(e));
    return Status::OK();
  });
  if (!s.ok()) return s;
  if (*next == 0 && scanned == max_scan) *next = seq;  // the window ended before the log did
  return out;
}

namespace {

void StartAudit(AuditApi* api, Exchange& ex) {
  // Optional JSON body {"package_id": "..."}: one package instead of all.
  std::string package_id;
  if (ex.HasBody()) {
    if (!ex.request.hasContentLength()) return SendError(ex, 400, "bad_request", "send the body with Content-Length");
    if (ex.request.getContentLength64() > 64 * 1024) return SendError(ex, 413, "too_large", "the body is too large");
    const std::string body = ex.ReadSmallBody();
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || (j.contains("package_id") && !j["package_id"].is_string())) {
      return SendError(ex, 400, "bad_request", "the body must be a JSON object, optionally with \"package_id\"");
    }
    package_id = j.value("package_id", "");
  }
  auto started = api->audits->Start(package_id, ex.who.token_id);
  if (!started.ok()) return SendStatus(ex, started.status());
  const services::AuditRun& run = started->run;
  ex.response.set("Location", "/api/v1/audits/" + run.id);
  if (started->already_running) {
    return SendError(ex, 409, "audit_running", "an audit is already running", {{"id", run.id}});
  }
  Audit(api->context, ex, "audit.start", package_id.empty() ? "(archive)" : package_id, "ok", "audit " + run.id, true);
  SendJson(ex, 202, JsonText(AuditRunJson(run)));
}

void GetAudit(AuditApi* api, Exchange& ex) {
  auto run = api->audits->Get(ex.Param("id"));
  if (!run) return SendError(ex, 404, "not_found", "no audit '" + ex.Param("id") + "'");
  SendJson(ex, 200, JsonText(AuditRunJson(*run)));
}

void GetLog(AuditApi* api, Exchange& ex) {
  access::AuditLogFilter filter;
  uint64_t limit = 100;
  Status s = LogFilterFromQuery(ex, &filter);
  if (s.ok()) s = QueryNumber(ex, "limit", 1, static_cast<uint64_t>(api->context->config.max_page_size), &limit);
  if (!s.ok()) return SendStatus(ex, s);
  uint64_t next = 0;
  // A filter reads on through the log for its matches, 100,000 entries a page at most.
  auto entries = ReadLogEntries(api, filter, limit, 100000, &next);
  if (!entries.ok()) return SendStatus(ex, entries.status());
  nlohmann::json body = {{"entries", *entries}, {"next", next ? nlohmann::json(next) : nlohmann::json(nullptr)}};
  SendJson(ex, 200, JsonText(body));
}

void ListAudits(AuditApi* api, Exchange& ex) {
  JobFilter filter;
  filter.kind = services::JobKind::kAudit;
  if (Status s = filter.FromQuery(ex, api->context->config.max_page_size); !s.ok()) return SendStatus(ex, s);
  std::string next;
  nlohmann::json list = nlohmann::json::array();
  for (const services::Job& job : ListJobsMatching(api->jobs, filter, ex.who, &next)) {
    auto run = api->audits->Get(job.id);
    if (run) list.push_back(AuditRunJson(*run));
  }
  SendJson(ex, 200, JsonText({{"audits", list}, {"next", next.empty() ? nlohmann::json(nullptr) : nlohmann::json(next)}}));
}

void GetStorage(AuditApi* api, Exchange& ex) {
  auto f = api->storage->Get();
  if (!f.ok()) return SendStatus(ex, f.status());
  SendJson(ex, 200, JsonText({{"packages", f->packages},
                              {"versions", f->versions},
                              {"files", f->files},
                              {"archived_bytes", f->archived_bytes},
                              {"disk", {{"total_bytes", f->disk_total}, {"available_bytes", f->disk_available}}},
                              {"damaged_blobs", f->damaged_blobs},
                              {"counted", f->counted}}));
}

// Each copy of the blobs: what it holds and lacks, what is damaged where,
// its last replication and its fixity schedule.
void GetCopies(AuditApi* api, Exchange& ex) {
  auto status = api->copies->StatusJson();
  if (!status.ok()) return SendStatus(ex, status.status());
  SendJson(ex, 200, JsonText(*status));
}

// Replicate now (the copies are brought level in the background).
void SyncCopies(AuditApi* api, Exchange& ex) {
  api->copies->Notify();
  (void)Audit(api->context, ex, "copy.sync", "(copies)", "ok", "", true);
  SendJson(ex, 202, JsonText({{"status", "replicating"}, {"see", "/api/v1/copies"}}));
}

// Audit one copy now: {"repair": true} repairs what it finds from a good copy.
void AuditOneCopy(AuditApi* api, Exchange& ex) {
  const std::string name = ex.Param("name");
  if (!api->copies->policy().Find(name)) return SendError(ex, 404, "not_found", "there is no copy named " + name);
  bool repair = false;
  if (ex.HasBody()) {
    nlohmann::json body;
    if (!ReadJsonObject(ex, &body)) return;
    if (body.contains("repair") && !body["repair"].is_boolean()) {
      return SendError(ex, 400, "bad_request", "repair must be true or false");
    }
    repair = body.value("repair", false);
  }
  const bool queued = api->copies->RequestAudit(name, repair);
  (void)Audit(api->context, ex, "copy.audit", name, "ok", repair ? "with repair" : "", true);
  SendJson(ex, 202, JsonText({{"copy", name}, {"repair", repair}, {"queued", queued}, {"see", "/api/v1/copies"}}));
}

}  // namespace

std::vector<Route> AuditRoutes(AuditApi* api) {
  return {
      {"POST", "/api/v1/audits", roles::kAuditors, Bind(api, StartAudit)},
      {"GET", "/api/v1/audits", roles::kAuditors, Bind(api, ListAudits)},
      {"GET", "/api/v1/audits/{id}", roles::kAuditors, Bind(api, GetAudit)},
      {"GET", "/api/v1/storage", {access::Role::kArchivist, access::Role::kAuditor, access::Role::kAdmin}, Bind(api, GetStorage)},
      {"GET", "/api/v1/log", roles::kLogReaders, Bind(api, GetLog)},
      {"GET", "/api/v1/copies", {access::Role::kArchivist, access::Role::kAuditor, access::Role::kAdmin}, Bind(api, GetCopies)},
      {"POST", "/api/v1/copies/sync", roles::kAuditors, Bind(api, SyncCopies)},
      {"POST", "/api/v1/copies/{name}/audit", roles::kAuditors, Bind(api, AuditOneCopy)},
  };
}

}  // namespace bevara::server
