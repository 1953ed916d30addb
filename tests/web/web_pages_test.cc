// The web interface over HTTP against the real server (the browser tests in
// tools/webtest cover what needs a browser): every page's headers, staff
// pages closed to the anonymous, login with its brakes, hostile forms, and
// the JSON routes the pages brought.
#include <gtest/gtest.h>

#include <unistd.h>

#include <ctime>

#include "src/access/totp.h"
#include "src/common/percent_encoding.h"
#include "src/common/xml_escape.h"
#include "src/web/web.h"
#include "tests/cli/run_bevara.h"
#include "tests/server/server_fixture.h"
#include "tests/web/staff_login.h"

namespace bevara::testing {
namespace {

const std::string kOwner = "212000-0001", kOther = "556000-0002";

class WebPages : public ::testing::Test {
 protected:
  void SetUp() override { server_ = ServerProcess::Start(dir_.Join("data")); }
  // A generated package of `files` records deposited by `token`, then the
  // archive search's hits in it, with `filter` added; none if the deposit failed.
  nlohmann::json DepositedHits(const std::string& token, int files, const std::string& filter) {
    HttpReply job = server_->DepositAndWait(token, GenerateProducerPackage(dir_, 7, kOwner, files));
    EXPECT_EQ(job.status, 200) << job.body;
    if (job.status != 200) return nlohmann::json::array();
    const std::string package = nlohmann::json::parse(job.body).value("package_id", "");
    return server_->SearchWhenIndexed(token, "package=" + package + filter)["hits"];
  }
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(WebPages, EveryPageHasAStrictPolicyAndStaffPagesAreClosedToTheAnonymous) {
  ServerProcess& s = *server_;
  for (const server::Route& r : web::WebRoutes(nullptr)) {
    std::string path = r.pattern;
    for (auto p : {"{id}", "{token}", "{record}", "{name}"}) {
      if (size_t at = path.find(p); at != std::string::npos) path.replace(at, std::string(p).size(), "x");
    }
    HttpReply reply = r.method == "GET" ? s.Request("GET", path, "") : PostForm(s, path, {{"csrf", "x"}});
    SCOPED_TRACE(r.method + " " + path);
    ASSERT_NE(reply.status, 0);
    EXPECT_LT(reply.status, 500) << reply.body;
    const std::string csp = reply.Header("content-security-policy");
    if (path != "/static/x") {
      EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
      EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
      EXPECT_EQ(reply.Header("x-content-type-options"), "nosniff");
      EXPECT_EQ(reply.Header("cache-control"), "no-store");
      EXPECT_EQ(reply.Header("referrer-policy"), "no-referrer");
    }
    if (path.rfind("/personal", 0) == 0) {
      EXPECT_EQ(reply.status, 303) << "a staff page without a session";
      EXPECT_EQ(reply.Header("location").rfind("/logga-in?tillbaka=", 0), 0u);
    }
  }
  // Nothing a refused POST asked for happened.
  EXPECT_EQ(s.Request("GET", "/api/v1/audits", s.CreateToken("auditor")).body.find("\"id\""), std::string::npos);
}

TEST_F(WebPages, LoginNeedsBothFactorsIsBrakedAndRecorded) {
  ServerProcess& s = *server_;
  Person anna = MakeUser(s, "anna", "archivist");
  ASSERT_EQ(anna.secret.size(), 32u);
  HttpReply wrong = PostForm(s, "/logga-in", {{"anvandare", "anna"}, {"losenord", anna.password}, {"kod", "12345"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.Header("set-cookie"), "");
  HttpReply ok = PostForm(s, "/logga-in", {{"anvandare", "anna"}, {"losenord", anna.password}, {"kod", Code(anna)},
                                            {"tillbaka", "//evil.example/"}});
  ASSERT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(ok.Header("location"), "/");  // never to another host
  const std::string cookie = ok.Header("set-cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  const std::string session = cookie.substr(0, cookie.find(';'));
  HttpReply dashboard = s.Request("GET", "/personal", "", "", {{"Cookie", session}});
  EXPECT_EQ(dashboard.status, 200);
  // A session is not a bearer token: the API stays closed to it.
  EXPECT_EQ(s.Request("GET", "/api/v1/packages", "", "", {{"Cookie", session}}).status, 401);
  // Logout needs the form's token; then the session is gone.
  EXPECT_EQ(PostForm(s, "/logga-ut", {{"csrf", "nope"}}, session).status, 403);
  const size_t at = dashboard.body.find("name=\"csrf\" value=\"");
  ASSERT_NE(at, std::string::npos);
  const std::string csrf = dashboard.body.substr(at + 19, 64);
  EXPECT_EQ(PostForm(s, "/logga-ut", {{"csrf", csrf}}, session).status, 303);
  EXPECT_EQ(s.Request("GET", "/personal", "", "", {{"Cookie", session}}).status, 303);
  // Five failures of a name from one address (the wrong code above was the
  // first) hold it there for a while, even with the right password and code.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(PostForm(s, "/logga-in", {{"anvandare", "anna"}, {"losenord", "fel-losenord-" + std::to_string(i)},
                                        {"kod", "000000"}}).status, 401);
  }
  HttpReply held = PostForm(s, "/logga-in", {{"anvandare", "anna"}, {"losenord", anna.password}, {"kod", Code(anna)}});
  EXPECT_EQ(held.status, 429);
  EXPECT_FALSE(held.Header("retry-after").empty());
  const std::string log = s.Request("GET", "/api/v1/log?action=login.failed&limit=100", s.CreateToken("auditor")).body;
  EXPECT_NE(log.find("wrong one-time code"), std::string::npos);
  EXPECT_NE(log.find("wrong password"), std::string::npos);
  EXPECT_NE(log.find("too many failed logins"), std::string::npos);
  EXPECT_EQ(log.find(anna.password), std::string::npos) << "a password is never logged";
  EXPECT_EQ(log.find("\"action\":\"login\""), std::string::npos) << "the filter gives only what it names";
}

TEST_F(WebPages, HostileFormsAndPathsGetAClearAnswer) {
  ServerProcess& s = *server_;
  auto post = [&](const std::string& body, const std::string& type) {
    return s.Request("POST", "/begaran", "", body, {{"Content-Type", type}});
  };
  EXPECT_EQ(post("beskrivning=x", "multipart/form-data; boundary=x").status, 415);
  EXPECT_EQ(post(std::string(20000, 'a'), "application/x-www-form-urlencoded").status, 413);
  EXPECT_EQ(post("beskrivning=%ff%fe&kontakt=a", "application/x-www-form-urlencoded").status, 400);
  EXPECT_EQ(post("beskrivning=%zz", "application/x-www-form-urlencoded").status, 400);
  HttpReply nothing = post("kontakt=a&beskrivning=b", "application/x-www-form-urlencoded");
  EXPECT_EQ(nothing.status, 400) << "a request must name a record or a case";
  HttpReply made = post("arende=BN+2024%2F1&beskrivning=%3Cscript%3Ex%3C%2Fscript%3E&anonym=1",
                        "application/x-www-form-urlencoded");
  ASSERT_EQ(made.status, 303) << made.body;
  HttpReply status = s.Request("GET", made.Header("location"), "");
  EXPECT_EQ(status.status, 200);
  EXPECT_EQ(status.body.find("<script>x"), std::string::npos);
  EXPECT_NE(status.body.find("&lt;script&gt;x"), std::string::npos);
  // A damaged request store is the server's trouble: a 5xx, and no path of its files.
  {
    const std::string log = s.data_dir() + "/access/requests.log";
    ASSERT_EQ(::truncate(log.c_str(), 100), 0);
    HttpReply broken = post("arende=BN+1&beskrivning=x&anonym=1", "application/x-www-form-urlencoded");
    EXPECT_GE(broken.status, 500) << broken.body;
    EXPECT_EQ(broken.body.find(s.data_dir()), std::string::npos) << broken.body;
    EXPECT_EQ(broken.body.find("requests.log"), std::string::npos) << broken.body;
  }
  EXPECT_EQ(s.Request("GET", "/sok?q=NOT", "").status, 400) << "a query that does not parse is the asker's";
  for (const char* path : {"/handling/r000000000000000000000000", "/handling/..%2f..%2fetc", "/begaran/req_nope",
                           "/sok?from=yesterday", "/sok?offset=999999999", "/static/..%2fweb.h"}) {
    HttpReply r = s.Request("GET", path, "");
    EXPECT_GE(r.status, 400) << path;
    EXPECT_LT(r.status, 500) << path;
    EXPECT_EQ(r.body.find(s.data_dir()), std::string::npos) << path;
  }
  HttpReply english = s.Request("GET", "/", "", "", {{"Cookie", "bevara_lang=en"}});
  EXPECT_NE(english.body.find("lang=\"en\""), std::string::npos);
  HttpReply other = s.Request("GET", "/", "", "", {{"Cookie", "bevara_lang=<x>"}});
  EXPECT_NE(other.body.find("lang=\"sv\""), std::string::npos);
  HttpReply head = s.Request("HEAD", "/sok?q=x", "");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(WebPages, UnpublishedRecordsAreNotOnThePublicPages) {
  ServerProcess& s = *server_;
  const std::string archivist = s.CreateToken("archivist");
  const nlohmann::json hits = DepositedHits(archivist, 2, "&limit=50");
  ASSERT_GT(hits.size(), 0u);
  for (const auto& hit : hits) {
    const std::string title = hit["title"];
    HttpReply page = s.Request("GET", "/handling/" + hit["id"].get<std::string>(), "");
    EXPECT_EQ(page.status, 404) << "not published: " << title;
    EXPECT_EQ(page.body.find(title), std::string::npos);
  }
  HttpReply search = s.Request("GET", "/sok", "");
  EXPECT_EQ(search.status, 200);
  EXPECT_NE(search.body.find(">0 träffar"), std::string::npos) << "no hits for the public";
}

// The search page shows a published hit as the JSON search has it: the
// page reads each hit's stored summary for the fields it shows.
TEST_F(WebPages, APublishedRecordIsOnTheSearchPageAsTheJsonSearchHasIt) {
  ServerProcess& s = *server_;
  const std::string archivist = s.CreateToken("archivist");
  const nlohmann::json candidates = DepositedHits(archivist, 4, "&state=public&limit=1");
  ASSERT_GT(candidates.size(), 0u) << "a record the public may see, once published";
  const nlohmann::json& candidate = candidates[0];
  HttpReply put = s.Request("PUT",
                            "/api/v1/packages/" + candidate["package_id"].get<std::string>() + "/records/" +
                                PercentEncode(candidate["record_id"].get<std::string>(), false) + "/access",
                            archivist, R"({"state":"published","reason":"offentlig, prövad","version":1})");
  ASSERT_EQ(put.status, 200) << put.body;

  const nlohmann::json json = nlohmann::json::parse(s.Request("GET", "/public/v1/search", "").body);
  ASSERT_EQ(json["total"], 1) << json.dump();
  const nlohmann::json& hit = json["hits"][0];
  HttpReply page = s.Request("GET", "/sok", "");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find(">1 träffar"), std::string::npos);
  EXPECT_NE(page.body.find("href=\"/handling/" + PercentEncode(hit["id"].get<std::string>(), false) + "\""),
            std::string::npos);
  int shown = 0;
  for (const char* field : {"title", "date", "creator", "case_number", "record_type"}) {
    const std::string value = hit.value(field, "");
    if (value.empty()) continue;
    ++shown;
    EXPECT_NE(page.body.find(XmlEscape(value)), std::string::npos) << field << " " << value;
  }
  EXPECT_GE(shown, 4) << hit.dump();
}

TEST_F(WebPages, JobsAuditsStorageAndTheLogOverTheApi) {
  ServerProcess& s = *server_;
  const std::string archivist = s.CreateToken("archivist");
  const std::string own = s.CreateToken("eservice", kOwner);
  ASSERT_EQ(s.DepositAndWait(own, GenerateProducerPackage(dir_, 1, kOwner, 1)).status, 200);
  ASSERT_EQ(s.DepositAndWait(archivist, GenerateProducerPackage(dir_, 2, kOther, 1)).status, 200);
  auto jobs = [&](const std::string& token, const std::string& query) {
    HttpReply r = s.Request("GET", "/api/v1/jobs" + query, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body, nullptr, false);
  };
  EXPECT_EQ(jobs(archivist, "")["jobs"].size(), 2u);
  nlohmann::json mine = jobs(own, "");
  ASSERT_EQ(mine["jobs"].size(), 1u) << "an e-service sees its producer's jobs only";
  EXPECT_EQ(mine["jobs"][0]["producer"], kOwner);
  EXPECT_EQ(jobs(archivist, "?state=archived&limit=1")["jobs"].size(), 1u);
  EXPECT_FALSE(jobs(archivist, "?state=archived&limit=1")["next"].is_null());
  EXPECT_EQ(jobs(archivist, "?state=rejected")["jobs"].size(), 0u);
  EXPECT_EQ(jobs(archivist, "?from=2000-01-01&to=2000-12-31")["jobs"].size(), 0u);
  for (const char* bad : {"?state=bogus", "?from=yesterday", "?kind=other", "?limit=0"}) {
    EXPECT_EQ(s.Request("GET", std::string("/api/v1/jobs") + bad, archivist).status, 400) << bad;
  }
  ASSERT_EQ(s.Request("POST", "/api/v1/audits", archivist).status, 202);
  HttpReply audits = s.Request("GET", "/api/v1/audits", archivist);
  ASSERT_EQ(audits.status, 200);
  EXPECT_EQ(nlohmann::json::parse(audits.body)["audits"].size(), 1u);
  HttpReply storage = s.Request("GET", "/api/v1/storage", s.admin_token());
  ASSERT_EQ(storage.status, 200) << storage.body;
  nlohmann::json st = nlohmann::json::parse(storage.body);
  EXPECT_EQ(st["packages"], 2);
  EXPECT_GT(st["archived_bytes"].get<uint64_t>(), 0u);
  EXPECT_GT(st["disk"]["total_bytes"].get<uint64_t>(), 0u);
  const std::string auditor = s.CreateToken("auditor");
  nlohmann::json log = nlohmann::json::parse(s.Request("GET", "/api/v1/log?action=deposit&limit=1000", auditor).body);
  ASSERT_FALSE(log["entries"].empty());
  for (const auto& e : log["entries"]) EXPECT_EQ(e["action"], "deposit");
  EXPECT_EQ(s.Request("GET", "/api/v1/log?since=soon", auditor).status, 400);
  nlohmann::json none = nlohmann::json::parse(s.Request("GET", "/api/v1/log?until=2000-01-01", auditor).body);
  EXPECT_TRUE(none["entries"].empty());
}

}  // namespace
}  // namespace bevara::testing
