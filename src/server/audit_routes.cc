// POST /api/v1/audits, GET /api/v1/audits/{id}, GET /api/v1/log.
#include <nlohmann/json.hpp>

#include "src/server/api.h"

namespace bevara::server {
namespace {

nlohmann::json RunJson(const services::AuditRun& run) {
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
  SendJson(ex, 202, JsonText(RunJson(run)));
}

void GetAudit(AuditApi* api, Exchange& ex) {
  auto run = api->audits->Get(ex.Param("id"));
  if (!run) return SendError(ex, 404, "not_found", "no audit '" + ex.Param("id") + "'");
  SendJson(ex, 200, JsonText(RunJson(*run)));
}

void GetLog(AuditApi* api, Exchange& ex) {
  uint64_t from = 1, limit = 100;
  Status s = QueryNumber(ex, "from", 1, UINT64_MAX, &from);
  if (s.ok()) s = QueryNumber(ex, "limit", 1, static_cast<uint64_t>(api->context->config.max_page_size), &limit);
  if (!s.ok()) return SendStatus(ex, s);
  (void)api->context->log->Sync();  // what the auditor reads is on disk
  std::string body = "{\"entries\":[";
  uint64_t count = 0, last = 0;
  s = access::ReadAuditLog(api->context->env, api->access_dir, from, limit, [&](const std::string& line) {
    body += (count++ ? "," : "") + line;
    last = from + count - 1;
    return Status::OK();
  });
  if (!s.ok()) return SendStatus(ex, s);
  body += "],\"next\":";
  body += count == limit ? std::to_string(last + 1) : "null";
  body += "}";
  SendJson(ex, 200, body);
}

}  // namespace

std::vector<Route> AuditRoutes(AuditApi* api) {
  return {
      {"POST", "/api/v1/audits", roles::kAuditors, Bind(api, StartAudit)},
      {"GET", "/api/v1/audits/{id}", roles::kAuditors, Bind(api, GetAudit)},
      {"GET", "/api/v1/log", roles::kLogReaders, Bind(api, GetLog)},
  };
}

}  // namespace bevara::server
