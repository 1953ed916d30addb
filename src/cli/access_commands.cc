// bevara token create|revoke|list, bevara log verify: the access side of a
// data directory, usable while the server runs on it.
#include <iostream>
#include <nlohmann/json.hpp>

#include "src/access/audit_log.h"
#include "src/access/log_checkpoint.h"
#include "src/access/token_store.h"
#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "storage/archive/archive.h"

namespace bevara::cli {
namespace {

constexpr const char* kTokenUsage =
    "usage: bevara token create --role admin|archivist|auditor|eservice [--producer ORG-ID]\n"
    "                           [--expires YYYY-MM-DD|RFC3339] [--label TEXT] [--data DIR]\n"
    "       bevara token revoke [--data DIR] TOKEN-ID\n"
    "       bevara token list [--data DIR]\n"
    "  create prints the token once; only its SHA-256 is kept.\n";

constexpr const char* kLogUsage =
    "usage: bevara log verify [--data DIR] [--public-key FILE [--checkpoints FILE]]\n"
    "       bevara log keygen --private-key FILE --public-key FILE\n"
    "       bevara log checkpoint --private-key FILE [--data DIR] [--copy-to FILE]\n"
    "  verify checks the audit log's hash chain, and with --public-key every signed\n"
    "  checkpoint (those in the data directory, or a copy kept elsewhere): exit 0\n"
    "  intact, 1 broken, 2 could not run. keygen makes an Ed25519 key pair; keep the\n"
    "  private key outside the data directory. checkpoint signs the log's head and\n"
    "  prints the checkpoint (one line of JSON) to copy to a second place.\n";

int TokenCreate(access::TokenStore* tokens, access::AuditLog* log, const Args& args) {
  auto role = access::ParseRole(args.Get("--role"));
  if (!role) return std::cerr << "bevara token: --role must be admin, archivist, auditor or eservice\n", 2;
  auto issued = tokens->Create({*role, args.Get("--producer"), args.Get("--expires"), args.Get("--label")});
  if (!issued.ok()) return std::cerr << "bevara token: " << issued.status().message() << "\n", 2;
  (void)log->Append({"cli", "admin", "token.create", issued->info.id, "ok",
                     std::string("role ") + access::RoleName(*role) +
                         (issued->info.producer.empty() ? "" : ", producer " + issued->info.producer),
                     "local"},
                    true);
  std::cout << issued->secret << "\n";
  std::cerr << "token id " << issued->info.id << ", role " << access::RoleName(*role)
            << (issued->info.expires.empty() ? "" : ", expires " + issued->info.expires)
            << ". Keep the token secret: it is not shown again.\n";
  return 0;
}

int TokenRevoke(access::TokenStore* tokens, access::AuditLog* log, const Args& args) {
  if (args.positional.size() != 2) return std::cerr << kTokenUsage, 2;
  const std::string& id = args.positional[1];
  Status s = tokens->Revoke(id);
  if (!s.ok()) return std::cerr << "bevara token: " << s.message() << "\n", s.IsNotFound() ? 1 : 2;
  (void)log->Append({"cli", "admin", "token.revoke", id, "ok", "", "local"}, true);
  std::cerr << "revoked " << id << "\n";
  return 0;
}

int TokenList(access::TokenStore* tokens) {
  auto all = tokens->List();
  if (!all.ok()) return std::cerr << "bevara token: " << all.status().ToString() << "\n", 2;
  for (const auto& t : *all) {
    std::cout << t.id << "  " << access::RoleName(t.role) << (t.producer.empty() ? "" : " " + t.producer) << "  created "
              << t.created << (t.expires.empty() ? "" : "  expires " + t.expires)
              << (t.revoked.empty() ? "" : "  REVOKED " + t.revoked) << (t.label.empty() ? "" : "  " + t.label) << "\n";
  }
  return 0;
}

}  // namespace

int TokenCommand(const std::vector<std::string>& argv) {
  Args args = ParseArgs(argv, {"--data", "--role", "--producer", "--expires", "--label"}, {});
  if (args.help || args.positional.empty()) return std::cout << kTokenUsage, args.help ? 0 : 2;
  if (!args.error.empty()) return std::cerr << "bevara token: " << args.error << "\n" << kTokenUsage, 2;
  const std::string access_dir = DataDir(args) + "/access";
  if (Status s = Env::Default()->CreateDir(DataDir(args), kDefaultDirMode); !s.ok()) return std::cerr << s.ToString() << "\n", 2;
  auto tokens = access::TokenStore::Open(Env::Default(), access_dir);
  if (!tokens.ok()) return std::cerr << "bevara token: " << tokens.status().ToString() << "\n", 2;
  auto log = access::AuditLog::Open(Env::Default(), access_dir);
  if (!log.ok()) return std::cerr << "bevara token: " << log.status().ToString() << "\n", 2;
  const std::string& verb = args.positional[0];
  if (verb == "create" && args.positional.size() == 1) return TokenCreate(tokens->get(), log->get(), args);
  if (verb == "revoke") return TokenRevoke(tokens->get(), log->get(), args);
  if (verb == "list" && args.positional.size() == 1) return TokenList(tokens->get());
  std::cerr << kTokenUsage;
  return 2;
}

namespace {

bool Given(const Args& args, const char* name) { return args.values.count(name) > 0; }

int LogVerify(const Args& args) {
  const std::string dir = DataDir(args) + "/access";
  if (!Given(args, "--public-key")) {
    if (Given(args, "--checkpoints")) return std::cerr << "bevara log: --checkpoints needs --public-key\n" << kLogUsage, 2;
    auto v = access::VerifyAuditLog(Env::Default(), dir);
    if (!v.ok()) return std::cerr << "bevara log: " << v.status().ToString() << "\n", 2;
    if (!v->ok()) {
      std::cout << "audit log BROKEN" << (v->entry ? " at entry " + std::to_string(v->entry) : "") << ": "
                << v->problem << "\n";
      return 1;
    }
    std::cout << "audit log intact: " << v->entries << " entries\n";
    return 0;
  }
  const std::string from = Given(args, "--checkpoints") ? args.Get("--checkpoints") : access::CheckpointsPath(dir);
  auto checkpoints = access::ReadCheckpoints(Env::Default(), from);
  if (!checkpoints.ok()) return std::cerr << "bevara log: " << checkpoints.status().message() << "\n", 2;
  auto v = access::VerifyCheckpoints(Env::Default(), dir, args.Get("--public-key"), *checkpoints);
  if (!v.ok()) return std::cerr << "bevara log: " << v.status().message() << "\n", 2;
  if (!v->ok()) return std::cout << "audit log NOT PROVEN: " << v->problem << "\n", 1;
  std::cout << "audit log intact: " << v->entries << " entries, " << v->checkpoints
            << " signed checkpoints hold\n";
  return 0;
}

int LogKeygen(const Args& args) {
  if (!Given(args, "--private-key") || !Given(args, "--public-key")) return std::cerr << kLogUsage, 2;
  Status s = access::GenerateCheckpointKey(Env::Default(), args.Get("--private-key"), args.Get("--public-key"));
  if (!s.ok()) return std::cerr << "bevara log: " << s.message() << "\n", 2;
  std::cerr << "Ed25519 key pair written. Keep the private key outside the data directory.\n";
  return 0;
}

int LogCheckpointCommand(const Args& args) {
  if (!Given(args, "--private-key")) return std::cerr << kLogUsage, 2;
  auto c = access::WriteCheckpoint(Env::Default(), DataDir(args), args.Get("--private-key"));
  if (!c.ok()) return std::cerr << "bevara log: " << c.status().message() << "\n", c.status().code() == StatusCode::kCorruption ? 1 : 2;
  if (Given(args, "--copy-to")) {
    Status s = access::AppendCheckpoint(Env::Default(), args.Get("--copy-to"), *c);
    if (!s.ok()) return std::cerr << "bevara log: the checkpoint is made, the copy is not: " << s.message() << "\n", 2;
  }
  std::cout << access::CheckpointJson(*c) << "\n";
  return 0;
}

}  // namespace

int LogCommand(const std::vector<std::string>& argv) {
  Args args = ParseArgs(argv, {"--data", "--public-key", "--private-key", "--checkpoints", "--copy-to"}, {});
  if (args.help) return std::cout << kLogUsage, 0;
  if (!args.error.empty() || args.positional.size() != 1) return std::cerr << kLogUsage, 2;
  const std::string& verb = args.positional[0];
  if (verb == "verify") return LogVerify(args);
  if (verb == "keygen") return LogKeygen(args);
  if (verb == "checkpoint") return LogCheckpointCommand(args);
  return std::cerr << kLogUsage, 2;
}

}  // namespace bevara::cli
