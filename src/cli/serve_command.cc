// bevara serve: the HTTP API over one data directory.
#include <signal.h>

#include <sys/resource.h>

#include <iostream>

#include "ingest/xml/schema_set.h"
#include "src/access/audit_log.h"
#include "src/access/token_store.h"
#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/startup_recovery.h"
#include "src/common/clock.h"
#include "src/common/file_util.h"
#include "src/server/api.h"
#include "src/server/client_address.h"
#include "src/server/http_server.h"
#include "src/services/index_worker.h"
#include "storage/archive/archive.h"

namespace bevara::cli {
namespace {

int Fail(const std::string& what) { return cli::Fail("serve", what); }

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

// Blocks until SIGINT or SIGTERM.
void WaitForStop() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
}

}  // namespace

int ServeCommand(const std::vector<std::string>& argv) {
  CLI::App app("Serves the HTTP API (default http://127.0.0.1:8080, data in ./bevara-data). On first start an\n"
               "admin token is written to DATA/admin.token (mode 0600). Stops cleanly on SIGINT or SIGTERM.",
               "bevara serve");
  std::string config_file, address, data;
  int port = -1;
  bool init = false;
  app.add_option("--config", config_file, "JSON (.json) or INI settings (see README.md); options here override it")
      ->type_name("FILE");
  auto* address_option = app.add_option("--address", address, "the address to listen on (default 127.0.0.1)");
  auto* port_option = app.add_option("--port", port, "the port (0: any free one)")->check(CLI::Range(0, 65535));
  AddDataOption(app, &data);
  app.add_flag("--init", init, "create a new, empty archive in the data directory if it holds none");
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  server::ServerConfig config;
  if (!config_file.empty()) {
    auto loaded = server::LoadServerConfig(config_file);
    if (!loaded.ok()) return Fail(loaded.status().message());
    config = *loaded;
  }
  if (address_option->count() > 0) config.address = address;
  if (port_option->count() > 0) config.port = port;
  if (!data.empty() || std::getenv("BEVARA_DATA")) config.data_dir = DataDir(data);
  if (Status s = config.Check(); !s.ok()) return Fail(s.message());
  if (!init && !RequireArchive(config.data_dir, "serve")) return 2;

  // Signals are taken by WaitForStop, in every thread started from here on.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up mid-file is an error return, not a death

  Env* env = Env::Default();
  storage::ArchiveOptions archive_options;
  archive_options.create_if_missing = init;
  auto archive = storage::Archive::Open(env, config.data_dir, archive_options);
  if (!archive.ok()) return Fail("cannot open the archive: " + archive.status().ToString());
  const std::string access_dir = config.data_dir + "/access";
  // Damaged tokens or job history are set aside (fail closed: no token of
  // the set-aside log works; a new admin token is written), not a reason to
  // keep the whole archive offline.
  std::vector<SetAside> set_aside;
  auto tokens = OpenOrSetAside<std::unique_ptr<access::TokenStore>>(
      env, access_dir + "/tokens.log", [&] { return access::TokenStore::Open(env, access_dir); }, &set_aside);
  if (!tokens.ok()) return Fail(tokens.status().ToString());
  (void)env->SetPermissions(access_dir, kPrivateDirMode);  // tokens, contacts: the server's user only
  auto log = access::AuditLog::Open(env, access_dir);
  if (!log.ok()) return Fail(log.status().ToString());
  if (Status s = EnsureAdminToken(env, tokens->get(), log->get(), config.data_dir); !s.ok()) return Fail(s.ToString());
  auto schemas = ingest::SchemaSet::Shared();
  if (!schemas.ok()) return Fail(schemas.status().ToString());

  auto decisions = access::AccessDecisions::Open(env, access_dir);
  if (!decisions.ok()) return Fail(decisions.status().ToString());
  services::CaseService cases(archive->get(), *schemas, decisions->get());
  // The search index: derived data, caught up with the archive in the background.
  auto index = search::SearchIndex::Open(env, config.data_dir + "/index");
  if (!index.ok()) return Fail(index.status().message());
  search::ExtractLimits limits{config.extract_max_file_bytes, static_cast<size_t>(config.extract_max_text_bytes)};
  auto rules = access::PublicationRules::Open(env, access_dir);
  if (!rules.ok()) return Fail(rules.status().ToString());
  services::Indexer indexer(archive->get(), &cases, index->get(), *schemas, limits, rules->get());
  services::PublicationCheck publication_check(archive->get(), decisions->get(), rules->get());
  services::IndexWorker index_worker(env, &indexer, [env] { return TodayUtc(env); });

  services::DepositOptions deposit_options{config.data_dir + "/server", config.ingest_workers, config.deposit_queue,
                                           config.max_package_bytes,
                                           [&index_worker](const std::string& id) { index_worker.Enqueue(id); }};
  auto jobs = OpenOrSetAside<std::unique_ptr<services::JobStore>>(
      env, config.data_dir + "/server/jobs.log", [&] { return services::JobStore::Open(env, config.data_dir + "/server"); },
      &set_aside);
  if (!jobs.ok()) return Fail(jobs.status().ToString());
  for (const SetAside& a : set_aside) {
    const std::string what = a.file + " did not read (" + a.why + "); it is kept as " + a.kept_as +
                             " and a new one was started";
    std::cerr << "bevara serve: " << what << "\n";
    env->Log(LogLevel::kError, what);
    (void)log->get()->Append({"server", "", "sidefile.set-aside", a.file, "ok", what, ""}, true);
  }
  auto leftovers = RemoveLeftovers(env, archive->get(), config.data_dir);
  if (!leftovers.ok()) return Fail("cannot remove what an earlier crash left: " + leftovers.status().ToString());
  if (*leftovers > 0) env->Log(LogLevel::kInfo, "removed " + std::to_string(*leftovers) + " files an earlier crash left");
  auto deposits = services::DepositService::Start(archive->get(), *schemas, log->get(), jobs->get(), deposit_options);
  if (!deposits.ok()) return Fail(deposits.status().ToString());
  index_worker.Start();
  services::AuditService audits(archive->get(), log->get(), jobs->get(), config.audit_max_bytes_per_second);
  auto requests = access::RecordRequests::Open(env, access_dir);
  if (!requests.ok()) return Fail(requests.status().ToString());
  server::RateLimiter public_limiter(config.public_requests_per_second, config.public_burst);
  // Verified blobs stay locked in memory (PinnedBlobs): allow what the hard limit allows.
  struct rlimit memlock {};
  if (::getrlimit(RLIMIT_MEMLOCK, &memlock) == 0 && memlock.rlim_cur < memlock.rlim_max) {
    memlock.rlim_cur = memlock.rlim_max;
    (void)::setrlimit(RLIMIT_MEMLOCK, &memlock);
  }
  server::PinnedBlobs pins(config.pinned_bytes);
  server::Api api;
  api.context = {config, env, log->get(), &pins};
  server::Context* context = &api.context;
  api.deposits = {context, deposits->get(), archive->get()};
  api.packages = {context, archive->get(), &cases, decisions->get(), &indexer, &index_worker, index->get()};
  api.audits = {context, &audits, access_dir};
  api.admin = {context, tokens->get(), deposits->get()};
  api.search = {context, index->get(), &indexer, &publication_check, &public_limiter};
  api.public_records = {context, index->get(), archive->get(), &publication_check, &public_limiter};
  api.publication = {context, rules->get(), index->get(), archive->get(), &index_worker};
  api.requests = {context, requests->get(), index->get(), archive->get(), &public_limiter};
  server::Router router(env, server::ApiRoutes(&api), tokens->get(), log->get());
  std::set<std::string> proxies;
  std::string unused;  // Check() has refused a bad list
  server::ParseAddressList(config.trusted_proxies, &proxies, &unused);
  router.TrustProxies(std::move(proxies));
  router.SetMinBodyRate(config.min_body_bytes_per_second);
  auto http = server::HttpServer::Start(config, &router);
  if (!http.ok()) return Fail(http.status().message());

  const std::string url = std::string(config.tls() ? "https" : "http") + "://" + config.address + ":" +
                          std::to_string((*http)->port());
  if (Status s = WriteFileDurably(env, config.data_dir + "/server/address", url + "\n"); !s.ok()) return Fail(s.ToString());
  (void)log->get()->Append({"server", "", "server.start", url, "ok", "bevara " BEVARA_VERSION, ""}, true);
  std::cout << "bevara: serving " << url << "/api/v1 with data in " << config.data_dir << std::endl;

  WaitForStop();
  std::cout << "bevara: stopping" << std::endl;
  http->reset();  // no new requests; those in progress finish
  deposits->reset();
  index_worker.Stop();
  (void)log->get()->Append({"server", "", "server.stop", url, "ok", "", ""}, true);
  return 0;
}

}  // namespace bevara::cli
