// Logging in and out (a password and a one-time code), the language
// switch, and the stylesheet and script the pages use.
#include <nlohmann/json.hpp>

#include "src/web/assets.h"
#include "src/web/page.h"
#include "src/web/public_pages.h"
#include "src/web/render.h"

namespace bevara::web {
namespace {

using server::Exchange;

std::string SessionCookie(WebApi* web, const std::string& value, bool expire) {
  std::string c = "bevara_session=" + value + "; Path=/; HttpOnly; SameSite=Strict";
  if (web->api->context.config.tls()) c += "; Secure";
  if (expire) c += "; Max-Age=0";
  return c;
}

void SendLogin(WebApi* web, Exchange& ex, const Visitor& v, const std::string& back, const std::string& user,
               const std::string& problem, int status) {
  SendPage(web, ex, v, "login",
           {{"title", Text(v.lang, "login_title")}, {"back", SafeReturnPath(back)}, {"user_name", user}, {"problem", problem}},
           status);
}

void LoginForm(WebApi* web, Exchange& ex) {
  Visitor v = SeeVisitor(web, ex);
  const std::string back = ex.Query("tillbaka").value_or("/personal");
  if (v.session) return SeeOther(ex, back);
  SendLogin(web, ex, v, back, "", "", 200);
}

// What one login attempt came to. `refusal` non-empty: not tried (the brake
// or too many at once), with `wait` seconds to give in Retry-After.
struct Attempt {
  std::string refusal;
  int64_t wait = 0;
  access::LoginOutcome outcome = access::LoginOutcome::kUnknown;
  access::UserInfo info;
  std::vector<LoginThrottle::Key> keys;
};

// One login per address at a time, and a few in all: hashing is slow on
// purpose, and a burst must not queue in front of everyone else's, nor hold
// the server's threads. The address is let go before the caller answers: a
// client that sends its next attempt the moment it reads this one's answer
// must not find itself still "in flight".
Attempt TryLogin(WebApi* web, const std::string& address, const std::string& user, bool is_name,
                 const std::string& password, const std::string& code, uint64_t now) {
  Attempt a;
  if (!web->throttle->Enter(address)) {
    a.refusal = "other logins are being worked on";
    a.wait = 1;
    return a;
  }
  struct Leave {
    LoginThrottle* t;
    const std::string& address;
    ~Leave() { t->Leave(address); }
  } leave{web->throttle, address};
  a.keys = {{"addr:" + address, 30}};
  if (is_name) a.keys.push_back({"pair:" + user + "|" + address, 5});
  if (const int64_t wait = web->throttle->Reserve(a.keys); wait > 0) {
    a.refusal = "too many failed logins; refused for " + std::to_string(wait) + " s";
    a.wait = wait;
  } else if (is_name) {
    a.outcome = web->users->Verify(user, password, code, now, &a.info);
  }
  return a;
}

void Login(WebApi* web, Exchange& ex) {
  Visitor v = SeeVisitor(web, ex);
  if (!server::AdmitPublic(web->api->search.public_limiter, ex)) return;
  std::map<std::string, std::string> f;
  if (!ReadForm(web, ex, v, 8 * 1024, &f)) return;
  const std::string user = f["anvandare"], back = f["tillbaka"].empty() ? "/personal" : f["tillbaka"];
  // Who tried is the name given, in the detail: the actor of a failure is
  // nobody yet (a name like "user:anna" must not write into anna's trail).
  const bool is_name = access::IsUserName(user);
  const std::string who = is_name ? user : "(not a user name)";
  // Not fsynced one by one (as the API's refused tokens are not): a flood of
  // refusals must not cost a disk flush each. A login is.
  auto record = [&](const std::string& why) {
    (void)web->api->context.log->Append({"anonymous", "", "login.failed", "web", "denied", who + ": " + why, ex.client});
  };
  const uint64_t now = static_cast<uint64_t>(ex.env->NowMicros() / 1000000);
  Attempt a = TryLogin(web, LoginThrottle::AddressKey(ex.client), user, is_name, f["losenord"], f["kod"], now);
  if (!a.refusal.empty()) {
    record(a.refusal);
    ex.response.set("Retry-After", std::to_string(a.wait));
    return SendLogin(web, ex, v, back, user, Text(v.lang, "login_throttled"), 429);
  }
  if (a.outcome != access::LoginOutcome::kOk) {
    record(access::LoginOutcomeName(a.outcome));
    // The person is not told which of the three was wrong.
    return SendLogin(web, ex, v, back, user, Text(v.lang, "login_failed"), 401);
  }
  web->throttle->Succeeded(a.keys);
  const access::UserInfo& info = a.info;
  (void)web->api->context.log->Append({"user:" + info.name, access::RoleName(info.role), "login", "web", "ok",
                                       std::string("role ") + access::RoleName(info.role), ex.client},
                                      true);
  // A new session on every login (no fixation); an old one ends.
  if (!v.session_secret.empty()) web->sessions->End(v.session_secret);
  ex.response.add("Set-Cookie", SessionCookie(web, web->sessions->Start(info), false));
  SeeOther(ex, back);
}

void Logout(WebApi* web, Exchange& ex) {
  Visitor v = SeeVisitor(web, ex);
  std::map<std::string, std::string> f;
  if (!ReadForm(web, ex, v, 4 * 1024, &f)) return;
  if (v.session) {
    if (!CheckCsrf(web, ex, v, f)) return;
    web->sessions->End(v.session_secret);
    (void)web->api->context.log->Append(
        {"user:" + v.session->user, access::RoleName(v.session->role), "logout", "web", "ok", "", ex.client}, true);
  }
  ex.response.add("Set-Cookie", SessionCookie(web, "", true));
  SeeOther(ex, "/");
}

void SwitchLanguage(WebApi* web, Exchange& ex) {
  (void)web;
  const std::string lang = ex.Query("till").value_or("sv") == "en" ? "en" : "sv";
  ex.response.add("Set-Cookie", "bevara_lang=" + lang + "; Path=/; Max-Age=31536000; SameSite=Lax");
  SeeOther(ex, ex.Query("tillbaka").value_or("/"));
}

void StaticFile(WebApi* web, Exchange& ex) {
  (void)web;
  const std::string name = ex.Param("name");
  const auto& assets = WebAssets();
  auto it = assets.find("static/" + name);
  SetPageHeaders(ex);
  if (it == assets.end() || name.find('/') != std::string::npos) {
    return server::SendError(ex, 404, "not_found", "no such file");
  }
  const bool css = name.size() > 4 && name.compare(name.size() - 4, 4, ".css") == 0;
  ex.response.setContentType(css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
  ex.response.set("Cache-Control", "no-cache");  // revalidated: a new bevara brings new pages and styles
  ex.response.setContentLength64(static_cast<Poco::Int64>(it->second.size()));
  std::ostream& out = ex.response.send();
  if (ex.request.getMethod() != "HEAD") out.write(it->second.data(), static_cast<std::streamsize>(it->second.size()));
  out.flush();
}

}  // namespace

void AddLoginPages(WebApi* web, std::vector<server::Route>* routes) {
  routes->push_back(PageRoute(web, "GET", "/logga-in", LoginForm));
  routes->push_back(PageRoute(web, "POST", "/logga-in", Login));
  routes->push_back(PageRoute(web, "POST", "/logga-ut", Logout));
  routes->push_back(PageRoute(web, "GET", "/sprak", SwitchLanguage));
  routes->push_back(PageRoute(web, "GET", "/static/{name}", StaticFile));
}

}  // namespace bevara::web
