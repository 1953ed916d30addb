// bevara token create|revoke|list, bevara log verify: the access side of a
// data directory, usable while the server runs on it.
#include <iostream>
#include <nlohmann/json.hpp>

#include "src/access/audit_log.h"
#include "src/access/log_checkpoint.h"
#include "src/access/token_store.h"
#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/copy_config.h"
#include "src/services/checkpoint_copies.h"
#include "storage/archive/archive.h"

namespace bevara::cli {
namespace {

struct TokenArgs {
  std::string role, producer, expires, label, id;
};

int TokenCreate(access::TokenStore* tokens, access::AuditLog* log, const TokenArgs& args) {
  auto role = access::ParseRole(args.role);
  if (!role) return std::cerr << "bevara token: --role must be admin, archivist, auditor or eservice\n", 2;
  auto issued = tokens->Create({*role, args.producer, args.expires, args.label});
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

int TokenRevoke(access::TokenStore* tokens, access::AuditLog* log, const TokenArgs& args) {
  const std::string& id = args.id;
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
  CLI::App app("API tokens for machines (e-services) and people. create prints the token once; only its\n"
               "SHA-256 is kept.",
               "bevara token");
  std::string data;
  TokenArgs args;
  AddDataOption(app, &data);
  app.require_subcommand(1);
  CLI::App* create = app.add_subcommand("create", "issue a new token");
  create->add_option("--role", args.role, "what it may do")
      ->required()
      ->check(CLI::IsMember({"admin", "archivist", "auditor", "eservice"}));
  create->add_option("--producer", args.producer, "the organisation an e-service deposits for")->type_name("ORG-ID");
  create->add_option("--expires", args.expires, "when it stops working")->type_name("YYYY-MM-DD|RFC3339");
  create->add_option("--label", args.label, "a note for people");
  CLI::App* revoke = app.add_subcommand("revoke", "revoke a token by its id");
  revoke->add_option("TOKEN-ID", args.id, "the token's id (from list)")->required();
  CLI::App* list = app.add_subcommand("list", "list the tokens (never their secrets)");
  for (CLI::App* sub : {create, revoke, list}) AddDataOption(*sub, &data);
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  data = DataDir(data);
  if (!RequireArchive(data, "token")) return 2;
  const std::string access_dir = data + "/access";
  auto tokens = access::TokenStore::Open(Env::Default(), access_dir);
  if (!tokens.ok()) return Fail("token", tokens.status().ToString());
  auto log = access::AuditLog::Open(Env::Default(), access_dir);
  if (!log.ok()) return Fail("token", log.status().ToString());
  if (create->parsed()) return TokenCreate(tokens->get(), log->get(), args);
  if (revoke->parsed()) return TokenRevoke(tokens->get(), log->get(), args);
  return TokenList(tokens->get());
}

namespace {

struct LogArgs {
  std::string data, public_key, private_key, checkpoints, copy_to, config, from_copy;
  storage::CopyPolicy copies;  // from --config, read before anything is done
};

// The checkpoints to verify with: a copy on an object store, a file kept
// elsewhere, or those in the data directory.
Result<std::vector<access::LogCheckpoint>> CheckpointsToVerify(const LogArgs& args, const std::string& dir) {
  if (args.from_copy.empty()) {
    return access::ReadCheckpoints(Env::Default(), !args.checkpoints.empty() ? args.checkpoints : access::CheckpointsPath(dir));
  }
  const storage::CopySpec* copy = args.copies.Find(args.from_copy);
  if (!copy) return Status::InvalidArgument("the configuration names no copy " + args.from_copy);
  return services::ReadCheckpointsFromCopy(*copy);
}

int LogVerify(const LogArgs& args) {
  const std::string dir = DataDir(args.data) + "/access";
  if (args.public_key.empty()) {
    auto v = access::VerifyAuditLog(Env::Default(), dir);
    if (!v.ok()) return Fail("log", v.status().ToString());
    if (!v->ok()) {
      std::cout << "audit log BROKEN" << (v->entry ? " at entry " + std::to_string(v->entry) : "") << ": "
                << v->problem << "\n";
      return 1;
    }
    std::cout << "audit log intact: " << v->entries << " entries\n";
    return 0;
  }
  auto checkpoints = CheckpointsToVerify(args, dir);
  // What a copy holds that is no checkpoint proves nothing: not proven.
  if (checkpoints.status().code() == StatusCode::kCorruption) {
    return std::cout << "audit log NOT PROVEN: " << checkpoints.status().message() << "\n", 1;
  }
  if (!checkpoints.ok()) return Fail("log", checkpoints.status().message());
  auto v = access::VerifyCheckpoints(Env::Default(), dir, args.public_key, *checkpoints);
  if (!v.ok()) return Fail("log", v.status().message());
  if (!v->ok()) return std::cout << "audit log NOT PROVEN: " << v->problem << "\n", 1;
  std::cout << "audit log intact: " << v->entries << " entries, " << v->checkpoints
            << " signed checkpoints hold\n";
  return 0;
}

int LogKeygen(const LogArgs& args) {
  Status s = access::GenerateCheckpointKey(Env::Default(), args.private_key, args.public_key);
  if (!s.ok()) return Fail("log", s.message());
  std::cerr << "Ed25519 key pair written. Keep the private key outside the data directory.\n";
  return 0;
}

int LogCheckpointCommand(const LogArgs& args) {
  auto c = access::WriteCheckpoint(Env::Default(), DataDir(args.data), args.private_key);
  if (!c.ok()) {
    Fail("log", c.status().message());
    return c.status().code() == StatusCode::kCorruption ? 1 : 2;  // a damaged log, or could not run
  }
  if (!args.copy_to.empty()) {
    Status s = access::AppendCheckpoint(Env::Default(), args.copy_to, *c);
    if (!s.ok()) return Fail("log", "the checkpoint is made, the copy is not: " + s.message());
  }
  if (!args.config.empty()) {
    std::vector<std::string> stored;
    Status s = services::StoreCheckpointOnCopies(args.copies, *c, &stored);
    if (!s.ok()) return Fail("log", "the checkpoint is made, not on every copy: " + s.message());
    for (const std::string& name : stored) std::cerr << "checkpoint stored on copy " << name << "\n";
  }
  std::cout << access::CheckpointJson(*c) << "\n";
  return 0;
}

}  // namespace

int LogCommand(const std::vector<std::string>& argv) {
  CLI::App app("The audit log. verify checks its hash chain, and with --public-key every signed checkpoint\n"
               "(those in the data directory, a file kept elsewhere, or those on an object-store copy): exit 0\n"
               "intact, 1 broken, 2 could not\n"
               "run. keygen makes an Ed25519 key pair; keep the private key outside the data directory.\n"
               "checkpoint signs the log's head and prints the checkpoint (one line of JSON) to copy elsewhere;\n"
               "with --config it is also written to every object-store copy (locked where the copy has Object Lock).",
               "bevara log");
  LogArgs args;
  app.require_subcommand(1);
  CLI::App* verify = app.add_subcommand("verify", "check the audit log");
  AddDataOption(*verify, &args.data);
  auto* key = verify->add_option("--public-key", args.public_key, "verify the signed checkpoints with this key");
  key->type_name("FILE");
  auto* file = verify->add_option("--checkpoints", args.checkpoints, "a copy of the checkpoints kept elsewhere")
                   ->type_name("FILE")
                   ->needs(key);
  auto* config = verify->add_option("--config", args.config, "the server's configuration file naming the copies")
                     ->type_name("FILE");
  auto* from_copy = verify->add_option("--checkpoints-from-copy", args.from_copy, "the checkpoints kept on this object-store copy")
                        ->type_name("NAME")
                        ->needs(key)
                        ->needs(config)
                        ->excludes(file);
  config->needs(from_copy);
  CLI::App* keygen = app.add_subcommand("keygen", "make an Ed25519 key pair for checkpoints");
  keygen->add_option("--private-key", args.private_key, "where to write the private key")->required()->type_name("FILE");
  keygen->add_option("--public-key", args.public_key, "where to write the public key")->required()->type_name("FILE");
  CLI::App* checkpoint = app.add_subcommand("checkpoint", "sign the log's head");
  AddDataOption(*checkpoint, &args.data);
  checkpoint->add_option("--private-key", args.private_key, "the signing key")->required()->type_name("FILE");
  checkpoint->add_option("--copy-to", args.copy_to, "also append the checkpoint to FILE")->type_name("FILE");
  checkpoint->add_option("--config", args.config, "also write it to every object-store copy this configuration names")
      ->type_name("FILE");
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  if (keygen->parsed()) return LogKeygen(args);
  if (!args.config.empty()) {  // read, and its data directory taken, before anything is done
    auto config = LoadCopyConfig(args.config, args.data);
    if (!config.ok()) return Fail("log", config.status().message());
    if (!config->copies.has_remote()) return Fail("log", "the configuration " + args.config + " names no object-store copy");
    args.copies = config->copies;
    args.data = config->data_dir;
  }
  if (!RequireArchive(DataDir(args.data), "log")) return 2;
  if (verify->parsed()) return LogVerify(args);
  return LogCheckpointCommand(args);
}

}  // namespace bevara::cli
