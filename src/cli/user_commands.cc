// bevara user create|reset|disable|list: the people who log in to the web
// interface, usable while the server runs on the data directory.
#include <iostream>

#include "src/access/audit_log.h"
#include "src/access/user_store.h"
#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace bevara::cli {
namespace {

struct UserArgs {
  std::string name, role;
  bool password_stdin = false;
};

// The password from the first line of stdin, when asked for; otherwise
// empty, and the store makes one.
bool ReadPassword(const UserArgs& args, std::string* password) {
  if (!args.password_stdin) return true;
  if (!std::getline(std::cin, *password)) return false;
  if (!password->empty() && password->back() == '\r') password->pop_back();
  return true;
}

void PrintCredentials(const std::string& name, const access::NewCredentials& c, bool generated) {
  if (generated) std::cout << "password: " << c.password << "\n";
  std::cout << "one-time code secret: " << c.totp_secret << "\n" << "authenticator link: " << c.totp_uri << "\n";
  std::cerr << "Give these to " << name << " by a safe way; they are not shown again. The secret goes into an\n"
            << "authenticator app (TOTP, 6 digits, 30 s); the login asks for its code beside the password.\n";
}

}  // namespace

int UserCommand(const std::vector<std::string>& argv) {
  CLI::App app("People who log in to the web interface, with a password and a one-time code (TOTP).\n"
               "Machines use tokens (bevara token).",
               "bevara user");
  std::string data;
  UserArgs args;
  AddDataOption(app, &data);
  app.require_subcommand(1);
  CLI::App* create = app.add_subcommand("create", "add a person: prints a password (unless given) and the code secret once");
  create->add_option("NAME", args.name, "the user name: a-z, 0-9, '.', '_', '-'")->required();
  create->add_option("--role", args.role, "what they may do")->required()->check(CLI::IsMember({"admin", "archivist", "auditor"}));
  CLI::App* reset = app.add_subcommand("reset", "a new password and code secret (and let a disabled person in again)");
  reset->add_option("NAME", args.name, "the user name")->required();
  for (CLI::App* sub : {create, reset}) {
    sub->add_flag("--password-stdin", args.password_stdin, "read the password (12 characters or more) from stdin");
  }
  CLI::App* disable = app.add_subcommand("disable", "stop a person from logging in; their sessions end");
  disable->add_option("NAME", args.name, "the user name")->required();
  CLI::App* list = app.add_subcommand("list", "list the people (never their secrets)");
  for (CLI::App* sub : {create, reset, disable, list}) AddDataOption(*sub, &data);
  if (int rc = ParseCommandLine(app, argv); rc >= 0) return rc;
  data = DataDir(data);
  if (!RequireArchive(data, "user")) return 2;
  const std::string access_dir = data + "/access";
  std::string password;
  if (!ReadPassword(args, &password)) return Fail("user", "--password-stdin: no password on stdin");
  auto users = access::UserStore::Open(Env::Default(), access_dir);
  if (!users.ok()) return Fail("user", users.status().ToString());
  auto log = access::AuditLog::Open(Env::Default(), access_dir);
  if (!log.ok()) return Fail("user", log.status().ToString());
  auto record = [&](const char* action, const std::string& detail) {
    (void)(*log)->Append({"cli", "admin", action, args.name, "ok", detail, "local"}, true);
  };
  if (create->parsed()) {
    auto c = (*users)->Create(args.name, *access::ParseRole(args.role), password);
    if (!c.ok()) return std::cerr << "bevara user: " << c.status().message() << "\n", c.status().IsNotFound() ? 1 : 2;
    record("user.create", "role " + args.role);
    PrintCredentials(args.name, *c, password.empty());
    return 0;
  }
  if (reset->parsed()) {
    auto c = (*users)->Reset(args.name, password);
    if (!c.ok()) return std::cerr << "bevara user: " << c.status().message() << "\n", c.status().IsNotFound() ? 1 : 2;
    record("user.reset", "");
    PrintCredentials(args.name, *c, password.empty());
    return 0;
  }
  if (disable->parsed()) {
    Status s = (*users)->Disable(args.name);
    if (!s.ok()) return std::cerr << "bevara user: " << s.message() << "\n", s.IsNotFound() ? 1 : 2;
    record("user.disable", "");
    std::cerr << "disabled " << args.name << "\n";
    return 0;
  }
  auto all = (*users)->List();
  if (!all.ok()) return Fail("user", all.status().ToString());
  for (const access::UserInfo& u : *all) {
    std::cout << u.name << "  " << access::RoleName(u.role) << "  created " << u.created
              << (u.changed != u.created ? "  reset " + u.changed : "") << (u.disabled.empty() ? "" : "  DISABLED " + u.disabled)
              << "\n";
  }
  return 0;
}

}  // namespace bevara::cli
