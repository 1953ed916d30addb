// A person of the staff for tests against the real server: made with
// `bevara user create`, logged in through the login form with password and
// TOTP code. Header-only: BEVARA_BINARY is defined per test target.
#pragma once

#include <ctime>
#include <map>
#include <string>

#include "src/access/totp.h"
#include "src/common/percent_encoding.h"
#include "tests/cli/run_bevara.h"
#include "tests/server/server_fixture.h"

namespace bevara::testing {

struct Person {
  std::string password, secret;
};

inline Person MakeUser(ServerProcess& s, const std::string& name, const std::string& role) {
  CommandRun r = RunShell("printf 'ett-langt-losenord\\n' | " + std::string(BEVARA_BINARY) + " user create " + name +
                          " --role " + role + " --password-stdin --data " + s.data_dir());
  EXPECT_EQ(r.exit_code, 0);
  const std::string tag = "one-time code secret: ";
  const size_t at = r.out.find(tag);
  return {"ett-langt-losenord", at == std::string::npos ? "" : r.out.substr(at + tag.size(), 32)};
}

inline std::string Form(const std::map<std::string, std::string>& fields) {
  std::string body;
  for (const auto& [k, v] : fields) body += (body.empty() ? "" : "&") + k + "=" + PercentEncode(v, false);
  return body;
}

inline HttpReply PostForm(ServerProcess& s, const std::string& path, const std::map<std::string, std::string>& fields,
                          const std::string& cookie = "") {
  std::map<std::string, std::string> headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  if (!cookie.empty()) headers["Cookie"] = cookie;
  return s.Request("POST", path, "", Form(fields), headers);
}

inline std::string Code(const Person& p) {
  return *access::TotpCode(p.secret, static_cast<uint64_t>(std::time(nullptr)) / 30);
}

// A new user with `role`, logged in: the session cookie ("name=value"), or
// empty (and the test failed) when the login was refused.
inline std::string LogIn(ServerProcess& s, const std::string& name, const std::string& role) {
  Person p = MakeUser(s, name, role);
  HttpReply ok = PostForm(s, "/logga-in", {{"anvandare", name}, {"losenord", p.password}, {"kod", Code(p)}});
  EXPECT_EQ(ok.status, 303) << ok.body;
  const std::string cookie = ok.Header("set-cookie");
  return cookie.substr(0, cookie.find(';'));
}

}  // namespace bevara::testing
