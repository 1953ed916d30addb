// POST /api/v1/audits, GET /api/v1/audits/{id}, GET /api/v1/log.
#include <nlohmann/json.hpp>

#include "src/server/api.h"

namespace bevara::server {
namespace {

nlohmann::json RunJson(const services::AuditRun& run) {
  nlohmann::json j = {{"id", run.id},
                      {"href", "/api/v1/audits/" + run.id},
                      {"state", run.state},
                      {"scope", run.package_id.empty() ? nlohmann::json("archive") : nlohmann::json(run.package_id)},
                      {"started", run.started},
                      {"progress",
                       {{"blobs_done", run.progress.blobs_done},
                        {"blobs_total", run.progress.blobs_total},
                        {"bytes_done", run.progress.bytes_done},
                        {"seconds", run.progress.seconds}}}};
  if (!run.finished.empty()) j["finished"] = run.finished;
  if (!run.report_json.empty()) j["report"] = nlohmann::json::parse(run.report_json, nullptr, false);
  return j;
}

void StartAudit(Api* api, Exchange& ex) {
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
  auto run = api->audits->Start(package_id, ex.who.token_id);
  if (!run.ok() && run.status().IsAlreadyExists()) {
    ex.response.set("Location", "/api/v1/audits/" + run.status().message());
    return SendError(ex, 409, "audit_running", "an audit is already running", {{"id", run.status().message()}});
  }
  if (!run.ok()) return SendStatus(ex, run.status());
  Audit(api, ex, "audit.start", package_id.empty() ? "(archive)" : package_id, "ok", "audit " + run->id, true);
  ex.response.set("Location", "/api/v1/audits/" + run->id);
  SendJson(ex, 202, RunJson(*run).dump());
}

void GetAudit(Api* api, Exchange& ex) {
  auto run = api->audits->Get(ex.Param("id"));
  if (!run) return SendError(ex, 404, "not_found", "no audit '" + ex.Param("id") + "'");
  SendJson(ex, 200, RunJson(*run).dump());
}

void GetLog(Api* api, Exchange& ex) {
  uint64_t from = 1, limit = 100;
  Status s = QueryNumber(ex, "from", 1, UINT64_MAX, &from);
  if (s.ok()) s = QueryNumber(ex, "limit", 1, static_cast<uint64_t>(api->config.max_page_size), &limit);
  if (!s.ok()) return SendStatus(ex, s);
  (void)api->log->Sync();  // what the auditor reads is on disk
  std::string body = "{\"entries\":[";
  uint64_t count = 0, last = 0;
  s = access::ReadAuditLog(api->archive->env(), api->access_dir, from, limit, [&](const std::string& line) {
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

std::vector<Route> AuditRoutes(Api* api) {
  return {
      {"POST", "/api/v1/audits", roles::kAuditors, [api](Exchange& ex) { StartAudit(api, ex); }},
      {"GET", "/api/v1/audits/{id}", roles::kAuditors, [api](Exchange& ex) { GetAudit(api, ex); }},
      {"GET", "/api/v1/log", roles::kLogReaders, [api](Exchange& ex) { GetLog(api, ex); }},
  };
}

}  // namespace bevara::server
