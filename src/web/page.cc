#include "src/web/page.h"

#include <openssl/crypto.h>

#include <cstdio>

#include "src/common/percent_encoding.h"
#include "src/common/utf8.h"
#include "src/web/render.h"

namespace bevara::web {
namespace {

constexpr char kCsp[] =
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void SendHtml(server::Exchange& ex, int status, const std::string& html) {
  auto& res = ex.response;
  res.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  SetPageHeaders(ex);
  res.setContentType("text/html; charset=utf-8");
  // A body the handler did not read would be taken for the next request.
  if (ex.HasBody() && !ex.body_read) res.setKeepAlive(false);
  res.setContentLength64(static_cast<Poco::Int64>(html.size()));
  // Written and flushed now: a refusal is followed by a lingering close
  // that stops sending (Router's LingerAfterRefusal).
  std::ostream& out = res.send();
  if (ex.request.getMethod() != "HEAD") out.write(html.data(), static_cast<std::streamsize>(html.size()));
  out.flush();
}

}  // namespace

void SetPageHeaders(server::Exchange& ex) {
  auto& res = ex.response;
  res.set("Content-Security-Policy", kCsp);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Cache-Control", "no-store");
}

std::map<std::string, std::string> Cookies(const server::Exchange& ex) {
  std::map<std::string, std::string> out;
  const std::string header = ex.request.get("Cookie", "");
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(start, end - start);
    start = end + 1;
    const size_t first = pair.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    pair = pair.substr(first);
    const size_t eq = pair.find('=');
    if (eq == std::string::npos) continue;
    out.emplace(pair.substr(0, eq), pair.substr(eq + 1));  // the first of a name counts
  }
  return out;
}

server::Route PageRoute(WebApi* web, const char* method, const char* pattern, void (*fn)(WebApi*, server::Exchange&)) {
  return {method, pattern, server::roles::kAnyone, [web, fn](server::Exchange& ex) { fn(web, ex); }};
}

Visitor SeeVisitor(WebApi* web, server::Exchange& ex) {
  Visitor v;
  auto cookies = Cookies(ex);
  if (cookies["bevara_lang"] == "en") v.lang = "en";
  auto s = cookies.find("bevara_session");
  if (s != cookies.end() && web->sessions) {
    v.session = web->sessions->Find(s->second);
    if (v.session) v.session_secret = s->second;
  }
  return v;
}

std::string SafeReturnPath(const std::string& path) {
  if (path.empty() || path[0] != '/' || (path.size() > 1 && (path[1] == '/' || path[1] == '\\'))) return "/";
  for (char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') return "/";
  }
  return path;
}

std::string HumanBytes(uint64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 5) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

void SendPage(WebApi* web, server::Exchange& ex, const Visitor& v, const std::string& page, const nlohmann::json& data,
              int status) {
  SendPage(web, ex, v, page, PageData::FromJson(data, PageForPublic(v)), status);
}

void SendPage(WebApi* web, server::Exchange& ex, const Visitor& v, const std::string& page, PageData data, int status) {
  (void)web;
  // What a citizen sees is masked like the public API's answers (staff see
  // the archive as it is). Data built for the other kind of visitor is
  // refused, not sent: unmasked for a citizen it could show a personnummer;
  // masked for staff it could break their CSRF token.
  if (data.for_public() != PageForPublic(v)) {
    ex.env->Log(LogLevel::kError, "web page " + page + ": built for another kind of visitor");
    return SendHtml(ex, 500, "<!DOCTYPE html><title>bevara</title><p>The page could not be made.</p>");
  }
  PageNode root = data.Root();
  const std::string other = v.lang == "en" ? "sv" : "en";
  root.Text("lang", v.lang);
  PageNode lang_switch = root.Object("lang_switch");
  lang_switch.Text("href", "/sprak?till=" + other + "&tillbaka=" + PercentEncode(ex.request.getURI(), false));
  lang_switch.Text("label", Text(v.lang, "switch_language"));
  lang_switch.Text("lang", other);
  if (v.session) {
    PageNode user = root.Object("user");
    user.Text("name", v.session->user);
    user.Text("role", Text(v.lang, std::string("role_") + access::RoleName(v.session->role)));
    root.Text("csrf", v.session->csrf);
    const access::Role r = v.session->role;
    const bool archivist = r == access::Role::kArchivist, auditor = r == access::Role::kAuditor;
    PageNode nav = root.Object("nav");
    nav.Flag("deposits", archivist || auditor);
    nav.Flag("packages", archivist || auditor);
    nav.Flag("requests", archivist);
    nav.Flag("audits", archivist || auditor);
    nav.Flag("log", auditor);
  }
  // The page's title is the layout's alone: a list item without a title of
  // its own must not show the page's (mustache looks up through contexts).
  if (!data.Rename("title", "page_title")) root.Text("page_title", Text(v.lang, "site_name"));
  auto html = RenderPage(page, data, v.lang);
  if (!html.ok()) {
    ex.env->Log(LogLevel::kError, "web page " + page + ": " + html.status().ToString());
    return SendHtml(ex, 500, "<!DOCTYPE html><title>bevara</title><p>The page could not be made.</p>");
  }
  SendHtml(ex, status, *html);
}

void SendErrorPage(WebApi* web, server::Exchange& ex, const Visitor& v, int status, const std::string& message) {
  SendPage(web, ex, v, "error",
           {{"title", Text(v.lang, "error_title")}, {"status", std::to_string(status)}, {"message", message}}, status);
}

void SendStatusPage(WebApi* web, server::Exchange& ex, const Visitor& v, const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return SendErrorPage(web, ex, v, 400, status.message());
    case StatusCode::kAlreadyExists: return SendErrorPage(web, ex, v, 409, status.message());
    case StatusCode::kNotFound: return SendErrorPage(web, ex, v, 404, Text(v.lang, "error_not_found"));
    default: break;
  }
  ex.env->Log(LogLevel::kError, ex.request.getMethod() + " " + ex.request.getURI() + ": " + status.ToString());
  const int code = status.code() == StatusCode::kUnavailable ? 503 : status.code() == StatusCode::kNoSpace ? 507 : 500;
  if (code != 500) ex.response.set("Retry-After", "60");
  SendErrorPage(web, ex, v, code, Text(v.lang, "error_unavailable"));
}

void SeeOther(server::Exchange& ex, const std::string& location) {
  SetPageHeaders(ex);
  ex.response.set("Location", SafeReturnPath(location));
  ex.response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_SEE_OTHER);
  ex.response.setContentLength64(0);
  if (ex.HasBody() && !ex.body_read) ex.response.setKeepAlive(false);
  ex.response.send().flush();
}

bool ReadForm(WebApi* web, server::Exchange& ex, const Visitor& v, size_t max_bytes,
              std::map<std::string, std::string>* form) {
  const std::string type = ex.request.getContentType();
  if (type.rfind("application/x-www-form-urlencoded", 0) != 0) {
    SendErrorPage(web, ex, v, 415, Text(v.lang, "error_form_type"));
    return false;
  }
  if (!ex.request.hasContentLength() || ex.request.getContentLength64() < 0) {
    SendErrorPage(web, ex, v, 411, Text(v.lang, "error_form_length"));
    return false;
  }
  if (static_cast<uint64_t>(ex.request.getContentLength64()) > max_bytes) {
    SendErrorPage(web, ex, v, 413, Text(v.lang, "error_form_large"));
    return false;
  }
  if (!server::ParseUrlEncoded(ex.ReadSmallBody(), /*join_repeats=*/true, form)) {
    SendErrorPage(web, ex, v, 400, Text(v.lang, "error_form_malformed"));
    return false;
  }
  return true;
}

bool RequireStaff(WebApi* web, server::Exchange& ex, const Visitor& v, const std::set<access::Role>& roles) {
  if (!v.session) {
    SeeOther(ex, "/logga-in?tillbaka=" + PercentEncode(ex.request.getURI(), false));
    return false;
  }
  if (!roles.count(v.session->role)) {
    SendErrorPage(web, ex, v, 403, Text(v.lang, "error_role"));
    return false;
  }
  return true;
}

bool CheckCsrf(WebApi* web, server::Exchange& ex, const Visitor& v, const std::map<std::string, std::string>& form) {
  auto it = form.find("csrf");
  if (!v.session || it == form.end() || it->second.size() != v.session->csrf.size() ||
      CRYPTO_memcmp(it->second.data(), v.session->csrf.data(), it->second.size()) != 0) {
    SendErrorPage(web, ex, v, 403, Text(v.lang, "error_csrf"));
    return false;
  }
  return true;
}

access::Principal StaffPrincipal(const SessionInfo& session) {
  access::Principal p;
  p.role = session.role;
  p.token_id = "user:" + session.user;
  return p;
}

std::optional<Visitor> Staff(WebApi* web, server::Exchange& ex, const std::set<access::Role>& roles) {
  Visitor v = SeeVisitor(web, ex);
  if (!RequireStaff(web, ex, v, roles)) return std::nullopt;
  ex.who = StaffPrincipal(*v.session);
  return v;
}

std::optional<Visitor> StaffForm(WebApi* web, server::Exchange& ex, const std::set<access::Role>& roles,
                                 std::map<std::string, std::string>* form) {
  auto v = Staff(web, ex, roles);
  if (!v) return std::nullopt;
  if (!ReadForm(web, ex, *v, 64 * 1024, form) || !CheckCsrf(web, ex, *v, *form)) return std::nullopt;
  return v;
}

}  // namespace bevara::web
