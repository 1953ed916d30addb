// Requests for records (begäran om allmän handling), end to end: a citizen
// asks, an archivist decides per record, the citizen downloads what is
// released — and nothing else.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/server/server_fixture.h"

namespace bevara::testing {
namespace {

using nlohmann::json;

class RequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = ServerProcess::Start(dir_.Join("data"));
    archivist_ = server_->CreateToken("archivist");
    HttpReply r = server_->DepositAndWait(archivist_, GenerateProducerPackage(dir_, 900, "212000-0001", 12));
    ASSERT_EQ(r.status, 200);
    package_ = json::parse(r.body)["package_id"];
    secret_ = server_->SearchWhenIndexed(archivist_, "state=secret&limit=100", 2)["hits"];
    public_ = server_->SearchWhenIndexed(archivist_, "state=public&limit=100", 1)["hits"];
    ASSERT_GE(secret_.size(), 2u);
  }
  HttpReply Public(const std::string& method, const std::string& path, const std::string& body = "") {
    return server_->Request(method, path, "", body);
  }
  HttpReply Decide(const std::string& request_id, const json& decision) {
    return server_->Request("POST", "/api/v1/requests/" + request_id + "/decisions", archivist_, decision.dump());
  }
  // The bytes of a file as the archivist fetches it.
  std::string ArchivedFile(const std::string& encoded_path) {
    HttpReply r = server_->Request("GET", "/api/v1/packages/" + package_ + "/files/" + encoded_path, archivist_);
    EXPECT_EQ(r.status, 200);
    return r.body;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string archivist_, package_;
  json secret_, public_;
};

TEST_F(RequestTest, AskDecideEachWayAndDownloadOnlyWhatIsReleased) {
  const json released = public_[0], partial = secret_[0], denied = secret_[1];
  HttpReply created = Public("POST", "/public/v1/requests",
                             json({{"records", {released["id"], partial["id"], denied["id"]}},
                                   {"description", "Handlingarna i bygglovsärendet"},
                                   {"contact", "anna@example.se"}}).dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const json request = json::parse(created.body);
  const std::string token = request["token"], href = request["href"];
  EXPECT_EQ(created.Header("location"), href);
  EXPECT_EQ(request["state"], "open");
  for (const auto& item : request["items"]) EXPECT_EQ(item["decision"], "pending");
  EXPECT_EQ(created.body.find("anna@example.se"), std::string::npos) << "the contact is not echoed";

  // The queue shows the request, its contact and the records with their states.
  json queue = json::parse(server_->Request("GET", "/api/v1/requests", archivist_).body);
  ASSERT_EQ(queue["requests"].size(), 1u);
  const json& q = queue["requests"][0];
  EXPECT_EQ(q["contact"], "anna@example.se");
  ASSERT_EQ(q["candidates"].size(), 3u);
  EXPECT_EQ(q["candidates"][1]["access"]["state"], "secret");
  const std::string id = q["id"];

  // Decisions: a partial release needs a note and its files; a denial its ground.
  EXPECT_EQ(Decide(id, {{"record", partial["id"]}, {"decision", "partial"}, {"files", partial["files"]}}).status, 400);
  EXPECT_EQ(Decide(id, {{"record", denied["id"]}, {"decision", "deny"}}).status, 400);
  EXPECT_EQ(Decide(id, {{"record", public_.back()["id"]}, {"decision", "release"}}).status == 200,
            public_.back()["id"] == released["id"]) << "a record the request does not name cannot be decided";
  ASSERT_EQ(Decide(id, {{"record", released["id"]}, {"decision", "release"}}).status, 200);
  ASSERT_EQ(Decide(id, {{"record", partial["id"]}, {"decision", "partial"}, {"files", partial["files"]},
                        {"note", "Personnummer och hälsouppgifter maskerade (OSL 26 kap. 1 §)"}}).status, 200);
  HttpReply last = Decide(id, {{"record", denied["id"]}, {"decision", "deny"}, {"note", "OSL 26 kap. 1 §"}});
  ASSERT_EQ(last.status, 200) << last.body;
  EXPECT_EQ(json::parse(last.body)["state"], "decided");

  // The citizen sees each decision and downloads the released files.
  HttpReply status = Public("GET", href);
  ASSERT_EQ(status.status, 200);
  json items = json::parse(status.body)["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["decision"], "release");
  EXPECT_EQ(items[1]["decision"], "partial");
  EXPECT_NE(items[1]["note"].get<std::string>().find("maskerade"), std::string::npos);
  EXPECT_EQ(items[2]["decision"], "deny");
  EXPECT_EQ(items[2]["note"], "OSL 26 kap. 1 §");
  EXPECT_FALSE(items[2].contains("files"));
  EXPECT_FALSE(items[2].contains("title"));
  for (int i : {0, 1}) {
    ASSERT_FALSE(items[i]["files"].empty());
    const std::string file_href = items[i]["files"][0]["href"];
    HttpReply file = Public("GET", file_href);
    ASSERT_EQ(file.status, 200) << file_href;
    const std::string encoded = file_href.substr(file_href.find("/files/") + 7 + items[i]["record"].get<std::string>().size() + 1);
    EXPECT_EQ(file.body, ArchivedFile(encoded));
  }

  // Nothing else: the denied record's file, through this token or any other
  // way; the partly released secret record stays out of the public interface.
  const std::string denied_file = href + "/files/" + denied["id"].get<std::string>() + "/submission/x";
  EXPECT_EQ(Public("GET", denied_file).status, 404);
  EXPECT_EQ(Public("GET", "/public/v1/records/" + denied["id"].get<std::string>()).status, 404);
  EXPECT_EQ(Public("GET", "/public/v1/records/" + partial["id"].get<std::string>()).status, 404);
  std::string forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(Public("GET", "/public/v1/requests/" + forged).status, 404);
  EXPECT_EQ(Public("GET", "/public/v1/requests/" + forged + items[0]["files"][0]["href"].get<std::string>().substr(href.size())).status, 404);
  EXPECT_TRUE(json::parse(server_->Request("GET", "/api/v1/requests", archivist_).body)["requests"].empty());

  std::string log = server_->Request("GET", "/api/v1/log?limit=1000", server_->CreateToken("auditor")).body;
  for (const char* action : {"request.create", "request.list", "request.decision", "request.download"}) {
    EXPECT_NE(log.find(action), std::string::npos) << action;
  }
}

TEST_F(RequestTest, ACaseNumberBringsEveryRecordOfTheCaseToTheArchivist) {
  const std::string case_number = secret_[0]["case_number"];
  HttpReply created = Public("POST", "/public/v1/requests",
                             json({{"case_number", case_number}, {"description", "Hela ärendet"},
                                   {"contact", "Box 1, 123 45 Exempelby"}}).dump());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_TRUE(json::parse(created.body)["items"].empty()) << "the case's records are not listed before a decision";
  json q = json::parse(server_->Request("GET", "/api/v1/requests", archivist_).body)["requests"][0];
  EXPECT_EQ(q["candidates"].size(), 12u);
  ASSERT_EQ(Decide(q["id"], {{"record", secret_[0]["id"]}, {"decision", "deny"}, {"note", "OSL 26 kap. 1 §"}}).status, 200);
  json items = json::parse(Public("GET", json::parse(created.body)["href"]).body)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["decision"], "deny");
}

TEST_F(RequestTest, IncompleteRequestsAre400) {
  for (const json& body : {json({{"description", "x"}, {"contact", "a@b.se"}}),
                           json({{"records", {"r1"}}, {"description", "x"}, {"contact", "a@b.se"}}),
                           json({{"case_number", "KS 1"}, {"contact", "a@b.se"}}),
                           json({{"case_number", "KS 1"}, {"description", "x"}})}) {
    EXPECT_EQ(Public("POST", "/public/v1/requests", body.dump()).status, 400) << body;
  }
  EXPECT_EQ(Public("POST", "/public/v1/requests", "not json").status, 400);
  EXPECT_EQ(Public("GET", "/public/v1/requests/req_nothing").status, 404);
}

}  // namespace
}  // namespace bevara::testing
