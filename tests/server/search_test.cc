// Search and the public interface, against the real server: the secrecy
// leak tests on a generated corpus, expiry of secrecy, archivists'
// decisions taking effect at once, and the public rate limit.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <atomic>
#include <regex>
#include <thread>

#include "src/common/percent_encoding.h"
#include "tests/server/server_fixture.h"
#include "tools/sipgen/sip_generator.h"

namespace bevara::testing {
namespace {

// Any personnummer or samordningsnummer as written (with or without century
// and separator: a date, then four digits); a public body must never match
// it. Organisation numbers (third digit 2 or more) do not.
const std::regex kPersonnummer(
    R"((^|[^0-9])((19|20)?[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])[-+]?[0-9]{4})([^0-9]|$))");

std::string Day(int offset_days) {
  std::time_t t = std::time(nullptr) + offset_days * 86400;
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
  return buf;
}

struct Corpus {
  std::vector<sipgen::SecretMark> secrets;
  uint64_t records = 0;
};

// Deposits `packages` generated packages of `files` files each.
Corpus DepositCorpus(ServerProcess& s, const TempDir& dir, const std::string& token, uint64_t first_seed,
                     int packages, int files, const std::string& secrecy_ends = "", bool personnummer = true) {
  Corpus c;
  for (int i = 0; i < packages; ++i) {
    sipgen::SipSpec spec;
    spec.seed = first_seed + i;
    spec.files = files;
    spec.secrecy_ends = secrecy_ends;
    spec.secret_personnummer = personnummer;
    sipgen::SipPlan plan = sipgen::PlanSip(spec);
    c.secrets.insert(c.secrets.end(), plan.secrets.begin(), plan.secrets.end());
    c.records += std::min(files, 50);
    HttpReply r = s.DepositAndWait(token, WritePackage(plan, "tar", dir, "corpus-" + std::to_string(spec.seed)));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("\"archived\""), std::string::npos) << r.body.substr(0, 500);
  }
  return c;
}

// The generated packages' creator: a rule publishes its public records.
void PublishCreatorByRule(ServerProcess& s, const std::string& archivist) {
  HttpReply r = s.Request("POST", "/api/v1/publication-rules", archivist,
                          R"({"creator":"Exempelby kommun, kommunstyrelsen","reason":"bygglov publiceras"})");
  ASSERT_EQ(r.status, 201) << r.body;
}

class PublicBodies {
 public:
  HttpReply Get(ServerProcess& s, const std::string& path) {
    HttpReply r = s.Request("GET", path, "");
    std::smatch m;
    EXPECT_FALSE(std::regex_search(r.body, m, kPersonnummer)) << path << " leaks " << m.str(2);
    ++count_;
    return r;
  }
  int count() const { return count_; }

 private:
  int count_ = 0;
};

uint64_t FacetSum(const nlohmann::json& result, const std::string& facet) {
  uint64_t sum = 0;
  for (const auto& v : result["facets"][facet]) sum += v["count"].get<uint64_t>();
  return sum;
}

TEST(PublicSearch, SecretRecordsLeakNothing) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  ServerProcess& s = *server;
  const std::string archivist = s.CreateToken("archivist");
  PublishCreatorByRule(s, archivist);
  Corpus corpus = DepositCorpus(s, dir, archivist, 500, 6, 12);
  ASSERT_GE(corpus.secrets.size(), 5u) << "the generator should make about one record in five secret";
  s.SearchWhenIndexed(archivist, "limit=1", corpus.records);
  const uint64_t expected_public = corpus.records - corpus.secrets.size();

  PublicBodies pub;
  auto everything = nlohmann::json::parse(pub.Get(s, "/public/v1/search?limit=100").body);
  EXPECT_EQ(everything["total"], expected_public);
  EXPECT_EQ(FacetSum(everything, "direction"), expected_public);
  EXPECT_EQ(FacetSum(everything, "creator"), expected_public);

  for (const sipgen::SecretMark& m : corpus.secrets) {
    SCOPED_TRACE(m.record_id);
    // The archivist finds the record by its word and by its personnummer.
    auto found = s.SearchWhenIndexed(archivist, "q=" + m.word);
    ASSERT_EQ(found["total"], 1);
    EXPECT_EQ(found["hits"][0]["record_id"], m.record_id);
    EXPECT_EQ(found["hits"][0]["access"]["state"], "secret");
    EXPECT_EQ(s.SearchWhenIndexed(archivist, "q=%22" + m.personnummer + "%22")["total"], 1);
    const std::string id = found["hits"][0]["id"];
    const std::string file = PercentEncode(found["hits"][0]["files"][0].get<std::string>(), true);

    // The public: no hit, no count, no facet, no record, no file.
    for (const std::string& q : {m.word, "%22" + m.personnummer + "%22", m.word + "%20OR%20bygglov"}) {
      auto r = nlohmann::json::parse(pub.Get(s, "/public/v1/search?q=" + q).body);
      for (const auto& hit : r["hits"]) EXPECT_NE(hit["id"], id);
      if (q.find("OR") == std::string::npos) {
        EXPECT_EQ(r["total"], 0) << q;
        for (const auto& [name, values] : r["facets"].items()) EXPECT_TRUE(values.empty()) << name;
      }
    }
    EXPECT_EQ(pub.Get(s, "/public/v1/records/" + id).status, 404);
    EXPECT_EQ(pub.Get(s, "/public/v1/records/" + id + "/files/" + file).status, 404);
  }

  // Every public record and file, fetched: none holds a personnummer.
  for (const auto& hit : everything["hits"]) {
    EXPECT_FALSE(hit.contains("package_id")) << hit;  // the public knows records, not archival packages
    EXPECT_TRUE(hit["snippet"].is_string()) << hit;
    auto record = pub.Get(s, hit["href"].get<std::string>());
    ASSERT_EQ(record.status, 200) << record.body;
    const nlohmann::json body = nlohmann::json::parse(record.body);
    for (const auto& f : body["files"]) {
      EXPECT_EQ(pub.Get(s, f["href"].get<std::string>()).status, 200);
    }
  }
  EXPECT_GT(pub.count(), 50);
  EXPECT_EQ(pub.Get(s, "/public/v1/records/r000000000000000000000000").status, 404);
}

TEST(PublicSearch, SecrecyThatEndedYesterdayIsPublicToday) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  ServerProcess& s = *server;
  const std::string archivist = s.CreateToken("archivist");
  PublishCreatorByRule(s, archivist);
  Corpus ended = DepositCorpus(s, dir, archivist, 600, 2, 12, Day(-1), false);
  Corpus ending = DepositCorpus(s, dir, archivist, 700, 2, 12, Day(0), false);
  ASSERT_FALSE(ended.secrets.empty());
  ASSERT_FALSE(ending.secrets.empty());
  s.SearchWhenIndexed(archivist, "limit=1", ended.records + ending.records);
  for (const sipgen::SecretMark& m : ended.secrets) {
    auto r = nlohmann::json::parse(s.Request("GET", "/public/v1/search?q=" + m.word, "").body);
    ASSERT_EQ(r["total"], 1) << m.record_id;
    EXPECT_EQ(s.Request("GET", r["hits"][0]["href"].get<std::string>(), "").status, 200);
  }
  for (const sipgen::SecretMark& m : ending.secrets) {  // today is the last day of secrecy
    auto r = nlohmann::json::parse(s.Request("GET", "/public/v1/search?q=" + m.word, "").body);
    EXPECT_EQ(r["total"], 0) << m.record_id;
  }
}

TEST(PublicSearch, AnArchivistsDecisionTakesEffectAtOnce) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  ServerProcess& s = *server;
  const std::string archivist = s.CreateToken("archivist");
  Corpus corpus = DepositCorpus(s, dir, archivist, 800, 1, 10);
  auto pub = s.SearchWhenIndexed(archivist, "state=public&limit=1");
  const nlohmann::json hit = pub["hits"][0];
  const std::string access = "/api/v1/packages/" + hit["package_id"].get<std::string>() + "/records/" +
                             hit["record_id"].get<std::string>() + "/access";
  const std::string href = "/public/v1/records/" + hit["id"].get<std::string>();
  auto total = [&] { return nlohmann::json::parse(s.Request("GET", "/public/v1/search", "").body)["total"].get<int>(); };
  // Public is not published: without a decision nobody online sees it.
  EXPECT_EQ(s.Request("GET", href, "").status, 404);
  EXPECT_EQ(total(), 0);
  // A publication names the version the archivist reviewed, and only that one.
  EXPECT_EQ(s.Request("PUT", access, archivist, R"({"state":"published","reason":"r"})").status, 400);
  EXPECT_EQ(s.Request("PUT", access, archivist, R"({"state":"published","reason":"r","version":2})").status, 409);
  HttpReply r = s.Request("PUT", access, archivist, R"({"state":"published","reason":"offentlig, publiceras","version":1})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["access"]["state"], "published") << r.body;
  EXPECT_EQ(s.Request("GET", href, "").status, 200);
  const int before = total();
  EXPECT_EQ(before, 1);

  r = s.Request("PUT", access, archivist, R"({"state":"secret","reason":"OSL 21 kap. 1 §, hälsa"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(s.Request("GET", href, "").status, 404);
  EXPECT_EQ(total(), before - 1);
  auto archive_view = s.SearchWhenIndexed(archivist, "q=" + hit["title"].get<std::string>() + "&state=secret");
  EXPECT_GE(archive_view["total"].get<int>(), 1);

  r = s.Request("PUT", access, archivist, R"({"state":"published","reason":"omprövning: ingen skadeverkan","version":1})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(s.Request("GET", href, "").status, 200);
  EXPECT_EQ(total(), before);
  auto log = s.Request("GET", "/api/v1/log?limit=1000", s.CreateToken("auditor"));
  EXPECT_NE(log.body.find("access.change"), std::string::npos);
}

// Many request threads share the index's pooled readers; a shared Xapian
// query object once crashed the server under 50 connections.
TEST(PublicSearch, ConcurrentSearchesAllAnswer) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  ServerProcess& s = *server;
  const std::string archivist = s.CreateToken("archivist");
  Corpus corpus = DepositCorpus(s, dir, archivist, 950, 2, 12);
  s.SearchWhenIndexed(archivist, "limit=1", corpus.records);
  std::atomic<int> answered{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const char* queries[] = {"", "q=bygglov", "q=handling+OR+beslut", "q=%22ansökan+om%22", "q=arkiv*&limit=5"};
      for (int i = 0; i < 150; ++i) {
        HttpReply r = s.Request("GET", std::string("/public/v1/search?") + queries[(t + i) % 5], "");
        (r.status == 200 ? answered : failed)++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(answered.load(), 1200);
  EXPECT_EQ(s.Request("GET", "/health", "").status, 200);
}

TEST(PublicSearch, ClientsOverTheirRateGet429WithRetryAfter) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"), "[public]\nrequests_per_second = 1\nburst = 3\n");
  ServerProcess& s = *server;
  int ok = 0, limited = 0;
  std::string retry;
  for (int i = 0; i < 6; ++i) {
    HttpReply r = s.Request("GET", "/public/v1/search?q=bygglov", "");
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++limited;
      retry = r.Header("retry-after");
    }
  }
  EXPECT_GE(ok, 3);
  EXPECT_GE(limited, 2);
  EXPECT_GE(std::atoi(retry.c_str()), 1);
  // The archivists' API is not the public's: no limit there.
  const std::string archivist = s.CreateToken("archivist");
  for (int i = 0; i < 6; ++i) EXPECT_EQ(s.Request("GET", "/api/v1/search", archivist).status, 200);
}

// Behind a reverse proxy (here: the test itself, on 127.0.0.1) every peer
// address is the proxy's; X-Forwarded-For tells the clients apart, and is
// believed only from a proxy the configuration names.
int Admitted(ServerProcess& s, const std::string& forwarded_for, int tries) {
  int ok = 0;
  for (int i = 0; i < tries; ++i) {
    ok += s.Request("GET", "/public/v1/search?q=bygglov", "", "", {{"X-Forwarded-For", forwarded_for}}).status == 200;
  }
  return ok;
}

TEST(PublicSearch, ClientsBehindATrustedProxyHaveTheirOwnLimits) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"),
                                     "[public]\nrequests_per_second = 0.01\nburst = 2\n"
                                     "[http]\ntrusted_proxies = 10.9.9.9, 127.0.0.1\n");
  ServerProcess& s = *server;
  EXPECT_EQ(Admitted(s, "192.0.2.1", 4), 2);
  EXPECT_EQ(Admitted(s, "192.0.2.2", 4), 2);               // another client: its own bucket
  EXPECT_EQ(Admitted(s, "198.51.100.7, 192.0.2.1", 2), 0);  // what the client wrote itself counts for nothing
  EXPECT_EQ(Admitted(s, "192.0.2.3, 10.9.9.9", 4), 2);     // through a second trusted proxy
}

TEST(PublicSearch, ForwardedForFromAnUntrustedPeerIsIgnored) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"), "[public]\nrequests_per_second = 0.01\nburst = 2\n");
  ServerProcess& s = *server;
  EXPECT_EQ(Admitted(s, "192.0.2.1", 2), 2);
  EXPECT_EQ(Admitted(s, "192.0.2.2", 2), 0);  // the same peer, whatever it claims
}

TEST(PublicSearch, BadParametersAre400) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  ServerProcess& s = *server;
  for (const char* q : {"from=2024-13", "to=yesterday", "limit=0", "limit=1000", "offset=99999999"}) {
    EXPECT_EQ(s.Request("GET", std::string("/public/v1/search?") + q, "").status, 400) << q;
  }
  EXPECT_EQ(s.Request("GET", "/public/v1/search?q=" + std::string(2000, 'a'), "").status, 400);
}

}  // namespace
}  // namespace bevara::testing
