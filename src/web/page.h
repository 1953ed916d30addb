// What every page handler uses: who is looking (language, session), the
// page sent with its security headers, forms read and checked.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "src/server/exchange.h"
#include "src/web/page_data.h"
#include "src/web/web.h"

namespace bevara::web {

struct Visitor {
  std::string lang = "sv";  // "sv" or "en", from the bevara_lang cookie
  std::string session_secret;
  std::optional<SessionInfo> session;  // logged in
};

// A route of the web interface: anyone may reach it (pages check sessions
// themselves: Staff, StaffForm), and its handler is given the WebApi.
server::Route PageRoute(WebApi* web, const char* method, const char* pattern, void (*fn)(WebApi*, server::Exchange&));

// The visitor of this request (cookies read; a session that ended is none).
Visitor SeeVisitor(WebApi* web, server::Exchange& ex);

// Whether a page for `v` is a citizen's: no login, personnummer masked.
inline bool PageForPublic(const Visitor& v) { return !v.session; }

// Sends `page` with `data` and what the layout needs (texts, language
// switch, the user and the CSRF token), as text/html with a strict
// Content-Security-Policy (no inline script or style), no caching, no
// referrer (a request's status page carries its token in the path). Public
// pages have personnummer masked, as the public API's answers have: data
// must be built as PageData(PageForPublic(v)), or the page is refused (500).
void SendPage(WebApi* web, server::Exchange& ex, const Visitor& v, const std::string& page, PageData data,
              int status = 200);
void SendPage(WebApi* web, server::Exchange& ex, const Visitor& v, const std::string& page, const nlohmann::json& data,
              int status = 200);
// An error page: the status, and a message already in the visitor's language.
void SendErrorPage(WebApi* web, server::Exchange& ex, const Visitor& v, int status, const std::string& message);
// The page for a Status from a service, as SendStatus is the API's: the
// message of InvalidArgument (400) and AlreadyExists (409), which are about
// what was asked; for everything else a status and a text of our own (the
// message, which may name a file of the server, goes to the log).
void SendStatusPage(WebApi* web, server::Exchange& ex, const Visitor& v, const Status& status);
// 303 See Other to a path of this server.
void SeeOther(server::Exchange& ex, const std::string& location);
// The headers every answer of the web interface carries.
void SetPageHeaders(server::Exchange& ex);

// The cookies of the request.
std::map<std::string, std::string> Cookies(const server::Exchange& ex);

// An application/x-www-form-urlencoded body of at most `max_bytes`. On
// anything else answers 400/413/415 with an error page and returns false.
bool ReadForm(WebApi* web, server::Exchange& ex, const Visitor& v, size_t max_bytes,
              std::map<std::string, std::string>* form);
// For staff pages: the visitor is logged in with one of `roles`; otherwise
// answers (303 to the login page, or 403) and returns false.
bool RequireStaff(WebApi* web, server::Exchange& ex, const Visitor& v, const std::set<access::Role>& roles);
// A form's CSRF token is the session's (compared in constant time);
// otherwise answers 403 and returns false.
bool CheckCsrf(WebApi* web, server::Exchange& ex, const Visitor& v, const std::map<std::string, std::string>& form);

// The caller a logged-in person acts as towards the services and the audit
// log: their role, named "user:NAME" where a token would be named by its id.
access::Principal StaffPrincipal(const SessionInfo& session);
// For staff pages: the visitor with one of `roles`, or answers and returns
// nullopt; on success ex.who is the person (StaffPrincipal).
std::optional<Visitor> Staff(WebApi* web, server::Exchange& ex, const std::set<access::Role>& roles);
// Staff(), then for a POST the form read and its CSRF token checked.
std::optional<Visitor> StaffForm(WebApi* web, server::Exchange& ex, const std::set<access::Role>& roles,
                                 std::map<std::string, std::string>* form);

// A local path to return to after a language switch or login: only
// "/..." paths of this server (never "//host" or a scheme), else "/".
std::string SafeReturnPath(const std::string& path);
// "1.5 MB" for a byte count.
std::string HumanBytes(uint64_t bytes);

}  // namespace bevara::web
