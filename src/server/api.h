// The API's routes, grouped by what they serve, over the services a running
// server holds. Handlers are thin: parse, authorise, call a service or the
// archive, map the outcome to HTTP.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "src/access/audit_log.h"
#include "src/access/record_requests.h"
#include "src/access/token_store.h"
#include "src/search/search_index.h"
#include "src/server/rate_limiter.h"
#include "src/server/router.h"
#include "src/server/server_config.h"
#include "src/services/audit_service.h"
#include "src/services/case_service.h"
#include "src/services/deposit_service.h"
#include "src/services/index_worker.h"
#include "src/services/indexer.h"
#include "storage/archive/archive.h"

namespace bevara::server {

struct Api {
  ServerConfig config;
  Env* env = nullptr;  // files, the clock and the operator's log
  storage::Archive* archive = nullptr;
  access::TokenStore* tokens = nullptr;
  access::AuditLog* log = nullptr;
  services::DepositService* deposits = nullptr;
  services::AuditService* audits = nullptr;
  services::CaseService* cases = nullptr;
  access::AccessDecisions* decisions = nullptr;
  std::string access_dir;  // <data>/access: tokens and the audit log
  search::SearchIndex* search = nullptr;
  services::Indexer* indexer = nullptr;
  services::IndexWorker* index_worker = nullptr;
  RateLimiter* public_limiter = nullptr;
  access::RecordRequests* requests = nullptr;
};

// Who may call what. Route tables use these sets, and the authorisation
// matrix test reads them back from the routes.
namespace roles {
using access::Role;
inline const std::set<Role> kReaders = {Role::kArchivist, Role::kAuditor, Role::kEService};
inline const std::set<Role> kDepositors = {Role::kArchivist, Role::kEService};
inline const std::set<Role> kAuditors = {Role::kArchivist, Role::kAuditor};
inline const std::set<Role> kLogReaders = {Role::kAuditor};
inline const std::set<Role> kAdmins = {Role::kAdmin};
inline const std::set<Role> kSearchers = {Role::kArchivist};
inline const std::set<Role> kAnyone = {};
}  // namespace roles

// A route handler that calls `fn` with `api`.
inline std::function<void(Exchange&)> Bind(Api* api, void (*fn)(Api*, Exchange&)) {
  return [api, fn](Exchange& ex) { fn(api, ex); };
}

std::vector<Route> DepositRoutes(Api* api);
std::vector<Route> PackageRoutes(Api* api);
std::vector<Route> AuditRoutes(Api* api);
std::vector<Route> AdminRoutes(Api* api);
std::vector<Route> SearchRoutes(Api* api);  // the archivists' search and the public's
std::vector<Route> PublicRoutes(Api* api);  // public records and their files
std::vector<Route> RequestRoutes(Api* api);  // requests for records, and decisions on them

// The answer when an access that must be recorded cannot be: 503 with
// Retry-After. Every retrieval of stored content, and every read of what
// only archivists may see, is recorded first; none goes unrecorded.
void RefuseUnrecorded(Exchange& ex);

// The public interface's gate: answers 429 with Retry-After and returns
// false when the client has used up its rate.
bool AdmitPublic(Api* api, Exchange& ex);
// Sends a public answer: personnummer masked (whatever the body holds), and
// not stored by caches, since a record can be made secret at any time.
void SendPublicJson(Exchange& ex, int status, std::string json);
// All of them. With api == nullptr the handlers must not be called (tests
// read the table).
std::vector<Route> ApiRoutes(Api* api);

// The OpenAPI 3 document (src/server/openapi.json, built in).
const std::string& OpenApiDocument();

// Records `action` on `target` by the caller in the audit log. A failure is
// also written to stderr; callers that must not act unrecorded (serving a
// file) check the status.
Status Audit(Api* api, const Exchange& ex, const std::string& action, const std::string& target,
           const std::string& outcome, const std::string& detail = {}, bool durable = false);

}  // namespace bevara::server
