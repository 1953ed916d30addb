// Tokens and configuration (admins), the OpenAPI document and /health.
#include <nlohmann/json.hpp>

#include "src/server/api.h"

namespace bevara::server {
namespace {

nlohmann::json TokenJson(const access::TokenInfo& t) {
  nlohmann::json j = {{"id", t.id},       {"role", access::RoleName(t.role)}, {"label", t.label},
                      {"created", t.created}, {"href", "/api/v1/tokens/" + t.id}};
  if (!t.producer.empty()) j["producer"] = t.producer;
  if (!t.expires.empty()) j["expires"] = t.expires;
  if (!t.revoked.empty()) j["revoked"] = t.revoked;
  return j;
}

void ListTokens(AdminApi* api, Exchange& ex) {
  auto all = api->tokens->List();
  if (!all.ok()) return SendStatus(ex, all.status());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& t : *all) list.push_back(TokenJson(t));
  SendJson(ex, 200, JsonText(nlohmann::json({{"tokens", list}})));
}

void CreateToken(AdminApi* api, Exchange& ex) {
  nlohmann::json j;
  if (!ReadJsonObject(ex, &j)) return;
  auto text = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; };
  auto role = access::ParseRole(text("role"));
  if (!role) return SendError(ex, 400, "bad_request", "role must be admin, archivist, auditor or eservice");
  auto issued = api->tokens->Create({*role, text("producer"), text("expires"), text("label")});
  if (!issued.ok()) return SendStatus(ex, issued.status());
  Audit(api->context, ex, "token.create", issued->info.id, "ok",
        std::string("role ") + access::RoleName(*role) + (issued->info.producer.empty() ? "" : ", producer " + issued->info.producer),
        true);
  nlohmann::json out = TokenJson(issued->info);
  out["token"] = issued->secret;  // shown this once
  ex.response.set("Location", "/api/v1/tokens/" + issued->info.id);
  SendJson(ex, 201, JsonText(out));
}

void RevokeToken(AdminApi* api, Exchange& ex) {
  Status s = api->tokens->Revoke(ex.Param("id"));
  if (!s.ok()) return SendStatus(ex, s);
  Audit(api->context, ex, "token.revoke", ex.Param("id"), "ok", "", true);
  ex.response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
  ex.response.setContentLength(0);
  ex.response.send();
}

void GetConfig(AdminApi* api, Exchange& ex) {
  const ServerConfig& c = api->context->config;
  nlohmann::json j = {
      {"server", {{"address", c.address}, {"port", c.port}}},
      {"http",
       {{"threads", c.http_threads},
        {"max_queued", c.http_max_queued},
        {"request_timeout_seconds", c.request_timeout_seconds},
        {"keep_alive_seconds", c.keep_alive_seconds},
        {"max_keep_alive_requests", c.max_keep_alive_requests}}},
      {"limits", {{"max_package_bytes", c.max_package_bytes}, {"max_page_size", c.max_page_size}}},
      {"ingest", {{"workers", c.ingest_workers}, {"deposit_queue", c.deposit_queue}, {"waiting", api->deposits->waiting()}}},
      {"audit", {{"max_bytes_per_second", c.audit_max_bytes_per_second}}},
      {"tls", c.tls()}};
  SendJson(ex, 200, JsonText(j));
}

}  // namespace

std::vector<Route> AdminRoutes(AdminApi* api) {
  return {
      {"GET", "/api/v1/tokens", roles::kAdmins, Bind(api, ListTokens)},
      {"POST", "/api/v1/tokens", roles::kAdmins, Bind(api, CreateToken)},
      {"DELETE", "/api/v1/tokens/{id}", roles::kAdmins, Bind(api, RevokeToken)},
      {"GET", "/api/v1/config", roles::kAdmins, Bind(api, GetConfig)},
      // The API's description is documentation, not data: anyone may read it.
      {"GET", "/api/v1/openapi.json", roles::kAnyone, [](Exchange& ex) { SendJson(ex, 200, OpenApiDocument()); }},
      {"GET", "/health", roles::kAnyone, [](Exchange& ex) { SendJson(ex, 200, R"({"status":"ok"})"); }},
  };
}

std::vector<Route> ApiRoutes(Api* api) {
  std::vector<std::vector<Route>> groups = {
      DepositRoutes(api ? &api->deposits : nullptr), PackageRoutes(api ? &api->packages : nullptr),
      AuditRoutes(api ? &api->audits : nullptr),     AdminRoutes(api ? &api->admin : nullptr),
      SearchRoutes(api ? &api->search : nullptr),    PublicRoutes(api ? &api->public_records : nullptr),
      RequestRoutes(api ? &api->requests : nullptr), PublicationRoutes(api ? &api->publication : nullptr)};
  std::vector<Route> all;
  for (auto& group : groups) {
    for (Route& r : group) all.push_back(std::move(r));
  }
  return all;
}

Status Audit(Context* context, const Exchange& ex, const std::string& action, const std::string& target,
             const std::string& outcome, const std::string& detail, bool durable) {
  Status s = context->log->Append({ex.who.anonymous() ? "anonymous" : ex.who.token_id, access::RoleName(ex.who.role),
                                   action, target, outcome, detail, ex.client},
                                  durable);
  if (!s.ok()) context->env->Log(LogLevel::kError, "audit log: " + s.ToString());
  return s;
}

void RefuseUnrecorded(Exchange& ex) {
  ex.response.set("Retry-After", "30");
  SendError(ex, 503, "audit_log_unavailable", "the audit log cannot be written; nothing is served until it can");
}

}  // namespace bevara::server
