// bevara sip create, end to end: a folder and a case description become a
// SIP that `bevara validate` accepts without a warning, that the server
// archives, and whose every field comes back in the case view.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "src/common/env.h"
#include "tests/cli/run_bevara.h"
#include "tests/server/server_fixture.h"
#include "tests/test_util.h"

namespace bevara {
namespace {

using testing::CommandRun;
using testing::RunBevara;
using testing::TempDir;

constexpr const char* kCase = R"({
  "package": {
    "id": "bn-2024-112",
    "submission_agreement": "KS 2024/17",
    "archival_creator": {"name": "Exempelby kommun, byggnadsnämnden", "id": "212000-0001"},
    "producer": {"name": "Exempelby kommun, e-tjänst Bygglov", "id": "212000-0001"},
    "software": {"name": "Bygglovstjänsten", "version": "4.2"}
  },
  "case": {
    "case_number": "BN 2024/112",
    "title": "Bygglov för garage <Exempelby 1:23> & förråd",
    "classification": {"code": "3.2.1", "name": "Bygglov"},
    "status": "closed",
    "opened": "2024-01-15",
    "closed": "2024-03-02",
    "agents": [{"type": "handläggare", "name": "Anna Andersson", "organisation": "Samhällsbyggnad"}],
    "records": [
      {"id": "bn-112-1", "number": "BN 2024/112:1", "title": "Ansökan om bygglov", "type": "ansökan",
       "direction": "incoming", "date": "2024-01-15",
       "parties": [{"type": "sökande", "name": "Sven Svensson", "personnummer": "19121212-1212"}],
       "files": ["ansökan.txt", "ritningar/ritning 1.txt"]},
      {"title": "Beslut om bygglov", "type": "beslut", "direction": "outgoing", "date": "2024-03-01",
       "restrictions": [{"ground": "OSL 21 kap. 3 §", "explanation": "Skyddad adress", "ends": "2094-03-01"}],
       "files": [{"path": "beslut.pdf", "mimetype": "application/pdf"}]},
      {"title": "Kvittens", "direction": "internal", "files": ["kvittens.txt"]}
    ]
  }
})";

bool Exists(const std::string& path) { return Env::Default()->Lstat(path).ok(); }

void WriteFolder(const TempDir& dir) {
  testing::WriteFile(dir.Join("case.json"), kCase);
  ASSERT_EQ(::system(("mkdir -p " + dir.Join("files/ritningar")).c_str()), 0);
  testing::WriteFile(dir.Join("files/ansökan.txt"), "Ansökan om bygglov för garage.\n");
  testing::WriteFile(dir.Join("files/ritningar/ritning 1.txt"), "Ritning, fasad mot norr.\n");
  testing::WriteFile(dir.Join("files/beslut.pdf"), "%PDF-1.4\n% beslut\n");
  testing::WriteFile(dir.Join("files/kvittens.txt"), "Mottaget.\n");
}

CommandRun Create(const TempDir& dir, const std::string& out) {
  return RunBevara("sip create --case " + dir.Join("case.json") + " --files " + dir.Join("files") + " --out " + out,
                   /*with_stderr=*/true);
}

TEST(SipCreate, MakesAValidDeterministicPackageInTarAndZip) {
  TempDir dir;
  WriteFolder(dir);
  for (const char* ext : {"tar", "zip"}) {
    std::string a = dir.Join(std::string("a.") + ext), b = dir.Join(std::string("b.") + ext);
    CommandRun made = Create(dir, a);
    ASSERT_EQ(made.exit_code, 0) << made.out;
    ASSERT_EQ(Create(dir, b).exit_code, 0);
    EXPECT_EQ(testing::ReadFile(a), testing::ReadFile(b)) << ext << ": the same input must give the same bytes";
    // In another time zone too (a zip's DOS dates are local time).
    std::string c = dir.Join(std::string("c.") + ext);
    ASSERT_EQ(testing::RunShell("TZ=Asia/Tokyo " + std::string(BEVARA_BINARY) + " sip create --case " +
                                dir.Join("case.json") + " --files " + dir.Join("files") + " --out " + c + " >/dev/null")
                  .exit_code, 0);
    EXPECT_EQ(testing::ReadFile(a), testing::ReadFile(c)) << ext << ": the bytes must not depend on the time zone";
    CommandRun v = RunBevara("validate --format json " + a);
    ASSERT_EQ(v.exit_code, 0) << v.out;
    auto report = nlohmann::json::parse(v.out);
    EXPECT_EQ(report["summary"]["warnings"], 0) << v.out;
    EXPECT_EQ(report["objid"], "bn-2024-112");
    EXPECT_EQ(report["profile"], "FGS Paketstruktur 2.0 (E-ARK CSIP 2.1 + SIP 2.1)");
    // Never replaces what exists.
    CommandRun again = Create(dir, a);
    EXPECT_EQ(again.exit_code, 2);
    EXPECT_NE(again.out.find("exists"), std::string::npos) << again.out;
  }
}

TEST(SipCreate, BadInputIsAClearErrorAndWritesNothing) {
  TempDir dir;
  WriteFolder(dir);
  struct Bad { std::string from, to, says; };
  for (const Bad& bad : std::vector<Bad>{
           {"\"case_number\": \"BN 2024/112\",", "", "case.case_number is required"},
           {"\"kvittens.txt\"", "\"saknas.txt\"", "'saknas.txt' is not in the files folder"},
           {"\"kvittens.txt\"", "\"../case.json\"", "case.records[2].files[0] must be a relative path"},
           {"\"direction\": \"internal\"", "\"direction\": \"sideways\"", "case.records[2].direction must be"},
           {"19121212-1212", "19121212-1213", "case.records[0].parties[0].personnummer is not a valid"},
           {"\"ends\": \"2094-03-01\"", "\"ends\": \"2094-13-01\"", "case.records[1].restrictions[0].ends must be a date"},
           {"\"application/pdf\"", "\"PDF file\"", "case.records[1].files[0].mimetype must be an IANA media type"},
           {"\"date\": \"2024-03-01\"", "\"date\": \"2023-02-29\"", "case.records[1].date must be a date"},
           {"\"id\": \"bn-2024-112\"", "\"id\": \"bn/2024\"", "package.id may hold only"},
           {"\"title\": \"Kvittens\"", "\"title\": \"Kvit\\u0001tens\"", "case.records[2].title holds a control character"},
           {"\"status\": \"closed\",", "\"statu\": \"closed\",", "case.statu is not a known field"},
           {"\"kvittens.txt\"", "\"ritningar\"", "'ritningar' is not a regular file"}}) {
    std::string text = kCase;
    size_t at = text.find(bad.from);
    ASSERT_NE(at, std::string::npos) << bad.from;
    text.replace(at, bad.from.size(), bad.to);
    testing::WriteFile(dir.Join("case.json"), text);
    CommandRun r = Create(dir, dir.Join("out.tar"));
    EXPECT_EQ(r.exit_code, 2) << bad.says;
    EXPECT_NE(r.out.find(bad.says), std::string::npos) << "expected '" << bad.says << "' in: " << r.out;
    EXPECT_EQ(r.out.find(dir.path()), std::string::npos) << "no path of ours in a description error: " << r.out;
    EXPECT_FALSE(Exists(dir.Join("out.tar")));
    EXPECT_FALSE(Exists(dir.Join("out.tar.part")));
  }
  // A symbolic link in the folder is not followed.
  testing::WriteFile(dir.Join("case.json"), kCase);
  ASSERT_EQ(::system(("rm " + dir.Join("files/kvittens.txt") + " && ln -s /etc/hostname " +
                      dir.Join("files/kvittens.txt")).c_str()), 0);
  CommandRun link = Create(dir, dir.Join("out.tar"));
  EXPECT_EQ(link.exit_code, 2);
  EXPECT_NE(link.out.find("symbolic link"), std::string::npos) << link.out;
}

TEST(SipCreate, EveryFieldRoundTripsThroughIngestAndTheCaseView) {
  TempDir dir;
  WriteFolder(dir);
  ASSERT_EQ(Create(dir, dir.Join("p.zip")).exit_code, 0);
  auto server = testing::ServerProcess::Start(dir.Join("data"));
  const std::string eservice = server->CreateToken("eservice", "212000-0001");
  testing::HttpReply job = server->DepositAndWait(eservice, dir.Join("p.zip"));
  auto done = nlohmann::json::parse(job.body);
  ASSERT_EQ(done["state"], "archived") << job.body;
  const std::string archivist = server->CreateToken("archivist");
  testing::HttpReply c = server->Request("GET", "/api/v1/packages/bn-2024-112/case", archivist);
  ASSERT_EQ(c.status, 200) << c.body;
  auto j = nlohmann::json::parse(c.body);
  EXPECT_EQ(j["case"]["creator"]["name"], "Exempelby kommun, byggnadsnämnden");
  EXPECT_EQ(j["case"]["creator"]["id"], "212000-0001");
  EXPECT_EQ(j["case"]["case_number"], "BN 2024/112");
  EXPECT_EQ(j["case"]["title"], "Bygglov för garage <Exempelby 1:23> & förråd");
  EXPECT_EQ(j["case"]["classification"]["code"], "3.2.1");
  EXPECT_EQ(j["case"]["classification"]["name"], "Bygglov");
  EXPECT_EQ(j["case"]["status"], "closed");
  EXPECT_EQ(j["case"]["opened"].get<std::string>().substr(0, 10), "2024-01-15");
  EXPECT_EQ(j["case"]["closed"].get<std::string>().substr(0, 10), "2024-03-02");
  ASSERT_EQ(j["case"]["agents"].size(), 1u);
  EXPECT_EQ(j["case"]["agents"][0], "handläggare: Anna Andersson (Samhällsbyggnad)");
  ASSERT_EQ(j["records"].size(), 3u);
  const auto& ansokan = j["records"][0];
  EXPECT_EQ(ansokan["id"], "bn-112-1");
  EXPECT_EQ(ansokan["registration_number"], "BN 2024/112:1");
  EXPECT_EQ(ansokan["title"], "Ansökan om bygglov");
  EXPECT_EQ(ansokan["type"], "ansökan");
  EXPECT_EQ(ansokan["direction"], "incoming");
  EXPECT_EQ(ansokan["created"].get<std::string>().substr(0, 10), "2024-01-15");
  EXPECT_EQ(ansokan["personal_data"], true) << "a party with a personnummer";
  EXPECT_EQ(ansokan["access"]["state"], "restricted");
  ASSERT_EQ(ansokan["files"].size(), 2u);
  EXPECT_EQ(ansokan["files"][0]["path"], "submission/representations/rep1/data/ansökan.txt");
  EXPECT_EQ(ansokan["files"][1]["path"], "submission/representations/rep1/data/ritningar/ritning 1.txt");
  for (const auto& f : ansokan["files"]) {
    testing::HttpReply got = server->Request("GET", f["href"], archivist);
    EXPECT_EQ(got.status, 200) << f["href"];
  }
  const auto& beslut = j["records"][1];
  EXPECT_EQ(beslut["id"], "bn-2024-112-r2") << "the default record id";
  EXPECT_EQ(beslut["registration_number"], "BN 2024/112:2");
  EXPECT_EQ(beslut["access"]["state"], "secret");
  EXPECT_EQ(beslut["access"]["ground"], "OSL 21 kap. 3 §");
  EXPECT_EQ(beslut["secrecy"]["ends"], "2094-03-01");
  EXPECT_EQ(beslut["secrecy"]["osl"]["chapter"], 21);
  EXPECT_EQ(j["records"][2]["direction"], "internal");
  EXPECT_EQ(j["records"][2]["access"]["state"], "public");
}

// A deposit is one shape through every state, and a rejected one says what
// to fix: the failed rules only, each with its id, location and a hint.
TEST(SipCreate, ARejectedDepositSaysWhatToFixAndAFormIs415) {
  TempDir dir;
  sipgen::SipSpec spec;
  spec.files = 3;
  sipgen::SipPlan plan = sipgen::PlanSip(spec);
  ASSERT_TRUE(plan.EditMets("MIMETYPE=\"text/plain\"", "MIMETYPE=\"plain text\""));  // CSIP68
  ASSERT_EQ(testing::WritePackage(plan, "tar", dir, "bad"), dir.Join("bad.tar"));
  auto server = testing::ServerProcess::Start(dir.Join("data"));
  const std::string archivist = server->CreateToken("archivist");
  testing::HttpReply accepted = server->Upload("/api/v1/packages", archivist, dir.Join("bad.tar"));
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  auto queued = nlohmann::json::parse(accepted.body);
  testing::HttpReply job = server->DepositAndWait(archivist, dir.Join("bad.tar"));
  auto done = nlohmann::json::parse(job.body);
  // The fields the API description says every job has, in every state.
  auto doc = nlohmann::json::parse(server->Request("GET", "/api/v1/openapi.json", "").body);
  const auto& required = doc["components"]["schemas"]["Job"]["required"];
  ASSERT_GE(required.size(), 10u);
  for (const auto& key : required) {
    EXPECT_TRUE(queued.contains(key.get<std::string>())) << key << " missing while queued: " << accepted.body;
    EXPECT_TRUE(done.contains(key.get<std::string>())) << key << " missing when done: " << job.body;
  }
  ASSERT_EQ(done["state"], "rejected") << job.body;
  const auto& problems = done["error"]["problems"];
  ASSERT_FALSE(problems.empty()) << job.body;
  for (const auto& p : problems) {
    EXPECT_FALSE(p["rule"].get<std::string>().empty());
    EXPECT_FALSE(p["hint"].get<std::string>().empty());
    EXPECT_TRUE(p.contains("location")) << p.dump();
    EXPECT_EQ(p["message"].get<std::string>().find(dir.path()), std::string::npos) << "no server path: " << p.dump();
  }
  EXPECT_EQ(problems[0]["rule"], "CSIP68") << problems.dump();
  EXPECT_EQ(problems.size(), 1u) << "the failed rule only: " << problems.dump();

  // Not a package at all: the answer names no file of the server's.
  testing::WriteFile(dir.Join("junk.bin"), std::string(4096, 'j'));
  testing::HttpReply junk = server->DepositAndWait(archivist, dir.Join("junk.bin"));
  EXPECT_NE(junk.body.find("rejected"), std::string::npos) << junk.body;
  EXPECT_EQ(junk.body.find(dir.path()), std::string::npos) << "a server path in: " << junk.body;
  EXPECT_EQ(junk.body.find("uploads"), std::string::npos) << "a server path in: " << junk.body;

  testing::HttpReply form = server->Request("POST", "/api/v1/packages", archivist, "--x\r\n\r\nbytes\r\n--x--\r\n",
                                            {{"Content-Type", "multipart/form-data; boundary=x"}});
  EXPECT_EQ(form.status, 415) << form.body;
  EXPECT_NE(form.body.find("send the raw package"), std::string::npos) << form.body;
}

}  // namespace
}  // namespace bevara
