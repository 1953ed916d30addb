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
#include "src/access/publication_rules.h"
#include "src/access/record_requests.h"
#include "src/access/token_store.h"
#include "src/search/search_index.h"
#include "src/server/pinned_blobs.h"
#include "src/server/rate_limiter.h"
#include "src/server/router.h"
#include "src/server/server_config.h"
#include "src/services/audit_service.h"
#include "src/services/case_service.h"
#include "src/services/copy_service.h"
#include "src/services/deposit_service.h"
#include "src/services/format_report.h"
#include "src/services/index_worker.h"
#include "src/services/job_store.h"
#include "src/services/storage_stats.h"
#include "src/services/indexer.h"
#include "src/services/publication_check.h"
#include "storage/archive/archive.h"

namespace bevara::server {

// What every handler may use: the configuration, the Env (files, the clock,
// the operator's log) and the audit trail.
struct Context {
  ServerConfig config;
  Env* env = nullptr;
  access::AuditLog* log = nullptr;
  PinnedBlobs* pins = nullptr;  // verified blobs in memory, for every route that sends files
  // The copies: a file damaged here is repaired from a good copy before it
  // is sent. Null without copies.
  services::CopyService* copies = nullptr;
};

// Each route family is handed only what it uses.
struct DepositApi {
  Context* context = nullptr;
  services::DepositService* deposits = nullptr;
  services::JobStore* jobs = nullptr;    // lists of jobs
  storage::Archive* archive = nullptr;  // a receipt's version record
};
struct PackageApi {
  Context* context = nullptr;
  storage::Archive* archive = nullptr;
  services::CaseService* cases = nullptr;
  access::AccessDecisions* decisions = nullptr;
  services::Indexer* indexer = nullptr;
  services::IndexWorker* index_worker = nullptr;
  search::SearchIndex* search = nullptr;  // what the index made of a record (may be null)
  const ingest::formats::FormatPolicy* format_policy = nullptr;  // GET /api/v1/formats
};
struct AuditApi {
  Context* context = nullptr;
  services::AuditService* audits = nullptr;
  services::JobStore* jobs = nullptr;  // the list of audits
  services::StorageStats* storage = nullptr;  // GET /api/v1/storage
  services::CopyService* copies = nullptr;     // GET /api/v1/copies (null: the local copy alone)
  std::string access_dir;  // <data>/access: the audit log
};
struct AdminApi {
  Context* context = nullptr;
  access::TokenStore* tokens = nullptr;
  services::DepositService* deposits = nullptr;  // how many wait
};
struct SearchApi {
  Context* context = nullptr;
  search::SearchIndex* search = nullptr;
  services::Indexer* indexer = nullptr;
  services::PublicationCheck* check = nullptr;
  RateLimiter* public_limiter = nullptr;
};
struct PublicApi {
  Context* context = nullptr;
  search::SearchIndex* search = nullptr;
  storage::Archive* archive = nullptr;
  services::PublicationCheck* check = nullptr;
  RateLimiter* public_limiter = nullptr;
};
struct PublicationApi {
  Context* context = nullptr;
  access::PublicationRules* rules = nullptr;
  search::SearchIndex* search = nullptr;        // a revoked rule's records leave public search at once
  storage::Archive* archive = nullptr;          // which packages to index again
  services::IndexWorker* index_worker = nullptr;
};
struct RequestApi {
  Context* context = nullptr;
  access::RecordRequests* requests = nullptr;
  search::SearchIndex* search = nullptr;
  storage::Archive* archive = nullptr;
  RateLimiter* public_limiter = nullptr;
};

// The server's route families, wired once by `bevara serve`.
struct Api {
  Context context;
  DepositApi deposits;
  PackageApi packages;
  AuditApi audits;
  AdminApi admin;
  SearchApi search;
  PublicApi public_records;
  RequestApi requests;
  PublicationApi publication;
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

// A route handler that calls `fn` with its family's `api`.
template <typename FamilyApi>
std::function<void(Exchange&)> Bind(FamilyApi* api, void (*fn)(FamilyApi*, Exchange&)) {
  return [api, fn](Exchange& ex) { fn(api, ex); };
}

// With a null api the handlers must not be called (tests read the tables).
std::vector<Route> DepositRoutes(DepositApi* api);
std::vector<Route> PackageRoutes(PackageApi* api);
std::vector<Route> AuditRoutes(AuditApi* api);
std::vector<Route> AdminRoutes(AdminApi* api);
std::vector<Route> SearchRoutes(SearchApi* api);  // the archivists' search and the public's
std::vector<Route> PublicRoutes(PublicApi* api);  // public records and their files
std::vector<Route> RequestRoutes(RequestApi* api);  // requests for records, and decisions on them
std::vector<Route> PublicationRoutes(PublicationApi* api);  // publication rules

// The answer when an access that must be recorded cannot be: 503 with
// Retry-After. Every retrieval of stored content, and every read of what
// only archivists may see, is recorded first; none goes unrecorded.
void RefuseUnrecorded(Exchange& ex);

// The public interface's gate: answers 429 with Retry-After and returns
// false when the client has used up its rate. `limiter` may be null (no limit).
bool AdmitPublic(RateLimiter* limiter, Exchange& ex);
// The search query of a request's parameters (q, case_number, creator,
// classification, record_type, direction, from, to, offset, limit; and for
// the archive state, package, review): InvalidArgument when one is unusable.
Result<search::SearchQuery> SearchQueryFromRequest(const Exchange& ex, search::Audience audience);
// A public search as /public/v1/search answers it: Unavailable while the
// public index is not trusted; hits whose publication no longer stands are
// left out.
Result<search::SearchResult> SearchPublic(SearchApi* api, const search::SearchQuery& q);
// Sends a public answer: personnummer masked (whatever the body holds), and
// not stored by caches, since a record can be made secret at any time.
void SendPublicJson(Exchange& ex, int status, std::string json);
// All of them. With api == nullptr the handlers must not be called (tests
// read the table).
std::vector<Route> ApiRoutes(Api* api);

// Jobs as GET /api/v1/jobs lists them: of one kind, newest first, those
// `who` may see (Principal::MaySeeWorkOf) that match the filter; at most
// `limit`, and *next names the last one listed when more follow.
struct JobFilter {
  services::JobKind kind = services::JobKind::kDeposit;
  std::string state;     // a JobStateName, "waiting" (queued or running), or empty
  std::string producer;  // empty: any
  std::string from, to;  // YYYY-MM-DD of creation, inclusive; empty: open
  std::string after;     // a job id: list those after it
  uint64_t limit = 100;
  Status Check() const;  // InvalidArgument for an unknown state or a malformed date
  // The filter of a request's state, producer, from, to, after and limit
  // (at most `max_limit`), checked.
  Status FromQuery(const Exchange& ex, uint64_t max_limit);
};
std::vector<services::Job> ListJobsMatching(services::JobStore* jobs, const JobFilter& filter,
                                            const access::Principal& who, std::string* next);
// A deposit's job as GET /api/v1/jobs/{id} answers it.
Result<nlohmann::json> DepositJobDocument(DepositApi* api, const services::Job& job);
// POST /api/v1/packages for a caller already authenticated (ex.who), as the
// web page's upload uses it.
void ReceiveDeposit(DepositApi* api, Exchange& ex);
// An audit as GET /api/v1/audits/{id} answers it.
nlohmann::json AuditRunJson(const services::AuditRun& run);
// The audit-log filter of a request's action, actor, target, since, until
// and from, checked.
Status LogFilterFromQuery(const Exchange& ex, access::AuditLogFilter* filter);
// The audit log's entries from `filter.from` on that match the filter, at
// most `limit`, reading no more than `max_scan` entries; *next is the seq to
// read on from (0: the end was reached).
Result<std::vector<nlohmann::json>> ReadLogEntries(AuditApi* api, const access::AuditLogFilter& filter, uint64_t limit,
                                                   uint64_t max_scan, uint64_t* next);

// The OpenAPI 3 document (src/server/openapi.json, built in).
const std::string& OpenApiDocument();

// Records `action` on `target` by the caller in the audit log. A failure is
// also written to stderr; callers that must not act unrecorded (serving a
// file) check the status.
Status Audit(Context* context, const Exchange& ex, const std::string& action, const std::string& target,
             const std::string& outcome, const std::string& detail = {}, bool durable = false);

}  // namespace bevara::server
