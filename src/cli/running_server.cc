#include "src/cli/running_server.h"

#include "src/cli/preservation_checks.h"

#include <sys/resource.h>

#include <iostream>

#include "ingest/xml/schema_set.h"
#include "src/access/access_decisions.h"
#include "src/access/audit_log.h"
#include "src/access/publication_rules.h"
#include "src/access/record_requests.h"
#include "src/access/token_store.h"
#include "src/cli/startup_recovery.h"
#include "src/common/clock.h"
#include "src/common/file_util.h"
#include "src/server/api.h"
#include "src/server/client_address.h"
#include "src/server/http_server.h"
#include "src/services/index_worker.h"
#include "src/access/user_store.h"
#include "src/services/storage_stats.h"
#include "src/web/sessions.h"
#include "src/web/web.h"
#include "storage/archive/archive.h"

namespace bevara::cli {
namespace {

// Creates the first admin token when there is none, and writes it where
// only the server's user can read it.
Status EnsureAdminToken(Env* env, access::TokenStore* tokens, access::AuditLog* log, const std::string& data_dir) {
  auto has = tokens->HasActiveAdmin(NowRfc3339(env));
  if (!has.ok()) return has.status();
  if (*has) return Status::OK();
  auto issued = tokens->Create({access::Role::kAdmin, "", "", "created at first start"});
  if (!issued.ok()) return issued.status();
  const std::string path = data_dir + "/admin.token";
  if (Status removed = env->RemoveFile(path); !removed.ok() && !removed.IsNotFound()) return removed;
  auto file = env->CreateExclusive(path, kPrivateFileMode);
  if (!file.ok()) return file.status();
  const std::string text = issued->secret + "\n";
  Status s = (*file)->Append(text.data(), text.size());
  if (s.ok()) s = (*file)->Sync();
  Status closed = (*file)->Close();
  if (s.ok()) s = closed;
  if (s.ok()) s = env->SyncDir(data_dir);
  if (!s.ok()) return s;
  (void)log->Append({"server", "admin", "token.create", issued->info.id, "ok", "first admin token", ""}, true);
  std::cout << "bevara: created an admin token in " << path << " (mode 0600)\n";
  return Status::OK();
}

}  // namespace

// Declared in the order of construction; destroyed in reverse.
struct RunningServer::Parts {
  Env* env = Env::Default();
  std::unique_ptr<storage::Archive> archive;
  std::unique_ptr<access::TokenStore> tokens;
  std::unique_ptr<access::AuditLog> log;
  std::unique_ptr<access::AccessDecisions> decisions;
  std::unique_ptr<services::CaseService> cases;
  std::unique_ptr<search::SearchIndex> index;
  std::unique_ptr<access::PublicationRules> rules;
  std::unique_ptr<services::Indexer> indexer;
  std::unique_ptr<services::PublicationCheck> publication_check;
  std::unique_ptr<services::IndexWorker> index_worker;
  std::unique_ptr<services::JobStore> jobs;
  std::unique_ptr<services::CopyService> copies;  // before deposits, which wait for it
  std::unique_ptr<services::DepositService> deposits;
  std::unique_ptr<server::PinnedBlobs> pins;  // before audits: an audit lets go of them
  std::unique_ptr<services::AuditService> audits;
  std::unique_ptr<access::RecordRequests> requests;
  std::unique_ptr<server::RateLimiter> public_limiter;
  ingest::formats::FormatPolicy format_policy;  // the deposits' own copy is in their options
  std::unique_ptr<services::StorageStats> storage_stats;
  std::unique_ptr<access::UserStore> users;
  std::unique_ptr<web::Sessions> sessions;
  std::unique_ptr<web::LoginThrottle> login_throttle;
  server::Api api;
  web::WebApi web;
  std::unique_ptr<server::Router> router;
  std::unique_ptr<server::HttpServer> http;
};

int RunningServer::port() const { return parts_->http->port(); }

RunningServer::~RunningServer() {
  if (!parts_) return;
  parts_->http.reset();  // no new requests; those in progress end
  if (parts_->copies) parts_->copies->Stop();  // deposits waiting for copies go
  parts_->deposits.reset();
  if (parts_->index_worker) parts_->index_worker->Stop();
  if (parts_->log && !url_.empty()) (void)parts_->log->Append({"server", "", "server.stop", url_, "ok", "", ""}, true);
}

Result<std::unique_ptr<RunningServer>> RunningServer::Start(const server::ServerConfig& config, bool init) {
  std::unique_ptr<RunningServer> running(new RunningServer());
  running->parts_ = std::make_unique<Parts>();
  Parts& p = *running->parts_;
  Env* env = p.env;
  auto fail = [](const std::string& what) { return Status::InvalidArgument(what); };
  storage::ArchiveOptions archive_options;
  archive_options.create_if_missing = init;
  auto archive = storage::Archive::Open(env, config.data_dir, archive_options);
  if (!archive.ok()) return fail("cannot open the archive: " + archive.status().ToString());
  p.archive = std::move(*archive);
  const std::string access_dir = config.data_dir + "/access";
  // Damaged tokens or job history are set aside (fail closed: no token of
  // the set-aside log works; a new admin token is written), not a reason to
  // keep the whole archive offline.
  std::vector<SetAside> set_aside;
  auto tokens = OpenOrSetAside<std::unique_ptr<access::TokenStore>>(
      env, access_dir + "/tokens.log", [&] { return access::TokenStore::Open(env, access_dir); }, &set_aside);
  if (!tokens.ok()) return fail(tokens.status().ToString());
  p.tokens = std::move(*tokens);
  (void)env->SetPermissions(access_dir, kPrivateDirMode);  // tokens, contacts: the server's user only
  auto log = access::AuditLog::Open(env, access_dir);
  if (!log.ok()) return fail(log.status().ToString());
  p.log = std::move(*log);
  if (Status s = EnsureAdminToken(env, p.tokens.get(), p.log.get(), config.data_dir); !s.ok()) return fail(s.ToString());
  auto schemas = ingest::SchemaSet::Shared();
  if (!schemas.ok()) return fail(schemas.status().ToString());

  auto decisions = access::AccessDecisions::Open(env, access_dir);
  if (!decisions.ok()) return fail(decisions.status().ToString());
  p.decisions = std::move(*decisions);
  p.cases = std::make_unique<services::CaseService>(p.archive.get(), *schemas, p.decisions.get());
  // The search index: derived data, caught up with the archive in the background.
  auto index = search::SearchIndex::Open(env, config.data_dir + "/index");
  if (!index.ok()) return fail(index.status().message());
  p.index = std::move(*index);
  search::ExtractLimits limits{config.extract_max_file_bytes, static_cast<size_t>(config.extract_max_text_bytes)};
  auto rules = access::PublicationRules::Open(env, access_dir);
  if (!rules.ok()) return fail(rules.status().ToString());
  p.rules = std::move(*rules);
  p.indexer = std::make_unique<services::Indexer>(p.archive.get(), p.cases.get(), p.index.get(), *schemas, limits,
                                                  p.rules.get());
  p.publication_check =
      std::make_unique<services::PublicationCheck>(p.archive.get(), p.decisions.get(), p.rules.get());
  p.index_worker = std::make_unique<services::IndexWorker>(env, p.indexer.get(), [env] { return TodayUtc(env); });

  // The copies: replication, fixity on a schedule, repair (an object store
  // that does not answer yet is waited for, not a reason not to start).
  auto copies = services::CopyService::Start(p.archive.get(), config.copies, p.log.get());
  if (!copies.ok()) return fail(copies.status().ToString());
  p.copies = std::move(*copies);
  services::CopyService* copy_service = p.copies.get();
  services::IndexWorker* worker = p.index_worker.get();
  services::DepositOptions deposit_options{config.data_dir + "/server", config.ingest_workers, config.deposit_queue,
                                           config.max_package_bytes, [worker, copy_service](const std::string& id) {
                                             worker->Enqueue(id);
                                             copy_service->Notify();
                                           }};
  if (!config.copies.AcknowledgedBy().empty()) {
    const auto wait = std::chrono::milliseconds(static_cast<int64_t>(config.copies.acknowledge_wait_seconds * 1000));
    deposit_options.before_acknowledge = [copy_service, wait](const std::string& package, uint32_t version) {
      return copy_service->WaitForCopies(package, version, wait);
    };
  }
  if (Status s = ConfigurePreservationChecks(env, config, &deposit_options.ingest); !s.ok()) return fail(s.message());
  p.format_policy = deposit_options.ingest.format_policy;
  if (deposit_options.ingest.scan_required && !deposit_options.ingest.scanner) {
    env->Log(LogLevel::kError, "scan.required is set but scan.clamav_database is not: every deposit will be refused");
  }
  auto jobs = OpenOrSetAside<std::unique_ptr<services::JobStore>>(
      env, config.data_dir + "/server/jobs.log", [&] { return services::JobStore::Open(env, config.data_dir + "/server"); },
      &set_aside);
  if (!jobs.ok()) return fail(jobs.status().ToString());
  p.jobs = std::move(*jobs);
  for (const SetAside& a : set_aside) {
    if (a.file == config.data_dir + "/server/jobs.log") deposit_options.job_log_was_reset = true;
  }
  for (const SetAside& a : set_aside) {
    const std::string what = a.file + " did not read (" + a.why + "); it is kept as " + a.kept_as +
                             " and a new one was started";
    std::cerr << "bevara serve: " << what << "\n";
    env->Log(LogLevel::kError, what);
    (void)p.log->Append({"server", "", "sidefile.set-aside", a.file, "ok", what, ""}, true);
  }
  auto leftovers = RemoveLeftovers(env, p.archive.get(), config.data_dir);
  if (!leftovers.ok()) return fail("cannot remove what an earlier crash left: " + leftovers.status().ToString());
  if (*leftovers > 0) env->Log(LogLevel::kInfo, "removed " + std::to_string(*leftovers) + " files an earlier crash left");
  auto deposits = services::DepositService::Start(p.archive.get(), *schemas, p.log.get(), p.jobs.get(), deposit_options);
  if (!deposits.ok()) return fail(deposits.status().ToString());
  p.deposits = std::move(*deposits);
  p.index_worker->Start();

  auto requests = access::RecordRequests::Open(env, access_dir);
  if (!requests.ok()) return fail(requests.status().ToString());
  p.requests = std::move(*requests);
  p.public_limiter = std::make_unique<server::RateLimiter>(config.public_requests_per_second, config.public_burst);
  // Verified blobs stay locked in memory (PinnedBlobs): allow what the hard limit allows.
  struct rlimit memlock {};
  if (::getrlimit(RLIMIT_MEMLOCK, &memlock) == 0 && memlock.rlim_cur < memlock.rlim_max) {
    memlock.rlim_cur = memlock.rlim_max;
    (void)::setrlimit(RLIMIT_MEMLOCK, &memlock);
  }
  p.pins = std::make_unique<server::PinnedBlobs>(config.pinned_bytes);
  server::PinnedBlobs* pins = p.pins.get();
  p.audits = std::make_unique<services::AuditService>(p.archive.get(), p.log.get(), p.jobs.get(),
                                                      config.audit_max_bytes_per_second, [pins] { pins->ForgetAll(); });
  p.storage_stats = std::make_unique<services::StorageStats>(p.archive.get());
  auto users = access::UserStore::Open(env, access_dir);
  if (!users.ok()) return fail(users.status().ToString());
  p.users = std::move(*users);
  // Thirty minutes without a request end a session. Failed logins hold
  // further tries for fifteen minutes (limits in src/web/login_pages.cc).
  p.sessions = std::make_unique<web::Sessions>(env, p.users.get(), 30 * 60);
  p.login_throttle = std::make_unique<web::LoginThrottle>(env, 15 * 60);
  server::Api& api = p.api;
  api.context = {config, env, p.log.get(), p.pins.get(), p.copies.get()};
  server::Context* context = &api.context;
  api.deposits = {context, p.deposits.get(), p.jobs.get(), p.archive.get()};
  api.packages = {context,          p.archive.get(), p.cases.get(), p.decisions.get(), p.indexer.get(), worker,
                  p.index.get(),    &p.format_policy};
  api.audits = {context, p.audits.get(), p.jobs.get(), p.storage_stats.get(), p.copies.get(), access_dir};
  api.admin = {context, p.tokens.get(), p.deposits.get()};
  api.search = {context, p.index.get(), p.indexer.get(), p.publication_check.get(), p.public_limiter.get()};
  api.public_records = {context, p.index.get(), p.archive.get(), p.publication_check.get(), p.public_limiter.get()};
  api.publication = {context, p.rules.get(), p.index.get(), p.archive.get(), worker};
  api.requests = {context, p.requests.get(), p.index.get(), p.archive.get(), p.public_limiter.get()};
  p.web = {&api, p.users.get(), p.sessions.get(), p.login_throttle.get(), p.jobs.get(), p.storage_stats.get()};
  std::vector<server::Route> routes = server::ApiRoutes(&api);
  for (server::Route& r : web::WebRoutes(&p.web)) routes.push_back(std::move(r));
  p.router = std::make_unique<server::Router>(env, std::move(routes), p.tokens.get(), p.log.get());
  std::set<std::string> proxies;
  std::string unused;  // Check() has refused a bad list
  server::ParseAddressList(config.trusted_proxies, &proxies, &unused);
  p.router->TrustProxies(std::move(proxies));
  p.router->SetMinBodyRate(config.min_body_bytes_per_second);
  auto http = server::HttpServer::Start(config, p.router.get());
  if (!http.ok()) return fail(http.status().message());
  p.http = std::move(*http);

  running->url_ = std::string(config.tls() ? "https" : "http") + "://" + config.address + ":" +
                  std::to_string(p.http->port());
  if (Status s = WriteFileDurably(env, config.data_dir + "/server/address", running->url_ + "\n"); !s.ok()) {
    return fail(s.ToString());
  }
  (void)p.log->Append({"server", "", "server.start", running->url_, "ok", "bevara " BEVARA_VERSION, ""}, true);
  return running;
}

}  // namespace bevara::cli
