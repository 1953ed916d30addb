// Public access fails closed, against the real server: a corpus of hostile
// packages (each naming a word that must never reach the public), versions
// that try to lift secrecy or outlive a decision, and a crawl of every
// public answer (search, facets, totals, snippets, records, files, request
// downloads) for those words and for personal identity numbers.
//
// A publication rule publishes every record of the generated creator that
// bevara can prove public; the control records beside the hostile ones show
// that the rule works, so the test fails if nothing were published at all.
#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "src/common/percent_encoding.h"
#include "src/search/personnummer.h"
#include "tests/server/server_fixture.h"
#include "tools/sipgen/sip_generator.h"

namespace bevara::testing {
namespace {

const char kErms[] = "metadata/descriptive/erms.xml";
const char kCreator[] = "Exempelby kommun, kommunstyrelsen";

// The i-th content file (record i + 1's), relative to the package root.
std::string DataPath(const sipgen::SipPlan& p, size_t i) {
  for (const sipgen::PlannedEntry& e : p.entries) {
    if (e.path.find("/data/") == std::string::npos) continue;
    if (i-- == 0) return e.path.substr(p.root.size());
  }
  ADD_FAILURE() << "no content file " << i;
  return "";
}

// Gives the entry new bytes and the METS their size and checksum.
void SetContent(sipgen::SipPlan& p, const std::string& rel, const std::string& bytes) {
  sipgen::PlannedEntry* e = p.Find(rel);
  ASSERT_NE(e, nullptr) << rel;
  const std::string old_sum = sipgen::ContentDigest(*e, DigestAlgorithm::kSha256);
  const std::string old_size = "SIZE=\"" + std::to_string(sipgen::ContentSize(*e)) + "\"";
  e->content = sipgen::ContentKind::kLiteral;
  e->literal = bytes;
  std::string& m = p.Mets();
  const size_t at = m.find("CHECKSUM=\"" + old_sum + "\"");
  ASSERT_NE(at, std::string::npos) << rel;
  const size_t size_at = m.rfind(old_size, at);
  ASSERT_NE(size_at, std::string::npos) << rel;
  m.replace(at, 10 + old_sum.size() + 1, "CHECKSUM=\"" + sipgen::ContentDigest(*e, DigestAlgorithm::kSha256) + "\"");
  m.replace(size_at, old_size.size(), "SIZE=\"" + std::to_string(bytes.size()) + "\"");
}

void EditErms(sipgen::SipPlan& p, const std::function<void(std::string&)>& edit) {
  std::string erms = p.Find(kErms)->literal;
  edit(erms);
  SetContent(p, kErms, erms);
}

// Inserts `xml` into record n (1-based), before its documents.
void IntoRecord(sipgen::SipPlan& p, int n, const std::string& xml) {
  EditErms(p, [&](std::string& erms) {
    size_t at = erms.find("systemIdentifier=\"" + p.objid + "-r" + std::to_string(n) + "\"");
    ASSERT_NE(at, std::string::npos);
    at = erms.find("<documents>", at);
    erms.insert(at, xml);
  });
}

void IntoCase(sipgen::SipPlan& p, const std::string& xml) {
  EditErms(p, [&](std::string& erms) {
    const size_t at = erms.find("<status value=");
    ASSERT_NE(at, std::string::npos);
    erms.insert(at, xml);
  });
}

void RecordTitle(sipgen::SipPlan& p, int n, const std::string& title) {
  EditErms(p, [&](std::string& erms) {
    size_t at = erms.find("systemIdentifier=\"" + p.objid + "-r" + std::to_string(n) + "\"");
    at = erms.find("<title>", at);
    const size_t end = erms.find("</title>", at);
    erms.replace(at + 7, end - at - 7, title);
  });
}

// Record 1's file holds `text` (and nothing else).
void FirstFile(sipgen::SipPlan& p, const std::string& text) { SetContent(p, DataPath(p, 0), text); }

std::string Restriction(const std::string& attrs, const std::string& inside = "") {
  return "<restriction " + attrs + "><regulation>OSL 26 kap. 1 §</regulation>" + inside + "</restriction>";
}
std::string End(const std::string& date) { return "<dates><date dateType=\"end\">" + date + "</date></dates>"; }

struct Hostile {
  std::string name;
  std::function<void(sipgen::SipPlan&, const std::string& word)> edit;
};

// Every way this test knows to make a record that must not be published.
std::vector<Hostile> Corpus() {
  std::vector<Hostile> c;
  const std::vector<std::pair<std::string, std::string>> restrictions = {
      {"confidential", Restriction("restrictionType=\"confidential\"")},
      {"Confidential", Restriction("restrictionType=\"Confidential\"")},
      {"space confidential", Restriction("restrictionType=\" confidential\"")},
      {"other_type sekretess", Restriction("restrictionType=\"other_type\" otherRestrictionType=\"sekretess\"")},
      {"other_type unknown", Restriction("restrictionType=\"other_type\" otherRestrictionType=\"nämndbeslut\"")},
      {"unknown type", Restriction("restrictionType=\"hush-hush\"")},
      {"protected identity", Restriction("restrictionType=\"protectedIdentity\"")},
      {"personal data", Restriction("restrictionType=\"personalData\"")},
      {"end in year 10000", Restriction("restrictionType=\"confidential\"", End("10000-01-01T00:00:00Z"))},
      {"lapsed before active", Restriction("restrictionType=\"confidential\"", End("2001-01-01T00:00:00Z")) +
                                   Restriction("restrictionType=\"confidential\"")},
      {"two ends, one passed",
       Restriction("restrictionType=\"confidential\"", End("2001-01-01T00:00:00Z") + End("2999-01-01T00:00:00Z"))},
      {"lapsed secrecy, personal data", Restriction("restrictionType=\"confidential\"", End("2001-01-01T00:00:00Z")) +
                                            Restriction("restrictionType=\"personalData\"")},
      {"foreign record before it", "<additionalXMLData><record xmlns=\"urn:x\"><title>t</title></record>"
                                   "</additionalXMLData>" + Restriction("restrictionType=\"confidential\"")},
  };
  for (const auto& [name, xml] : restrictions) {
    c.push_back({"record: " + name, [xml = xml](sipgen::SipPlan& p, const std::string& w) {
                   IntoRecord(p, 1, xml);
                   FirstFile(p, "Uppgift om " + w + ".\n");
                 }});
    if (name.find("foreign") != std::string::npos) continue;  // a case holds no such element before its records
    c.push_back({"case: " + name, [xml = xml](sipgen::SipPlan& p, const std::string& w) {
                   IntoCase(p, xml);
                   FirstFile(p, "Uppgift om " + w + ".\n");
                 }});
  }
  const std::vector<std::string> numbers = {
      "19121212-1212", "19121212\u20131212", "19121212\u20111212", "19121212\u22121212", "19121212 1212",
      "121212 1212",   "121212-\n1212",      "1912 1212 1212",     "121212+1212",        "1212121212",
      "191212121212",  "701263-0005",        "19121212\u00ad1212", "19121212\u00a01212", "121212\u20141212",
      "19121212\u200b1212"};
  for (const std::string& n : numbers) {
    c.push_back({"number in text: " + n, [n](sipgen::SipPlan& p, const std::string& w) {
                   FirstFile(p, "Sökande " + n + " om " + w + ".\n");
                 }});
    if (n.find('\n') != std::string::npos) continue;
    c.push_back({"number in title: " + n, [n](sipgen::SipPlan& p, const std::string& w) {
                   RecordTitle(p, 1, "Ansökan från " + n + " om " + w);
                   FirstFile(p, "Ansökan om " + w + ".\n");
                 }});
  }
  c.push_back({"number in the case title", [](sipgen::SipPlan& p, const std::string& w) {
                 EditErms(p, [&](std::string& erms) {
                   const size_t at = erms.find("<title>Ansökan om bygglov");
                   erms.insert(at + 7, "Sökande 19121212\u20131212 ");
                 });
                 FirstFile(p, "Uppgift om " + w + ".\n");
               }});
  c.push_back({"number in the registration number", [](sipgen::SipPlan& p, const std::string& w) {
                 EditErms(p, [&](std::string& erms) {
                   size_t at = erms.find("systemIdentifier=\"" + p.objid + "-r1\"");
                   at = erms.find("<objectId>", at);
                   erms.insert(at + 10, "19121212-1212 ");
                 });
                 FirstFile(p, "Uppgift om " + w + ".\n");
               }});
  c.push_back({"number in the record type", [](sipgen::SipPlan& p, const std::string& w) {
                 EditErms(p, [&](std::string& erms) {
                   const std::string from = "systemIdentifier=\"" + p.objid + "-r1\" recordType=\"handling";
                   const size_t at = erms.find(from);
                   ASSERT_NE(at, std::string::npos);
                   erms.insert(at + from.size(), " 121212-1212");
                 });
                 FirstFile(p, "Uppgift om " + w + ".\n");
               }});
  c.push_back({"number of a party", [](sipgen::SipPlan& p, const std::string& w) {
                 EditErms(p, [&](std::string& erms) {
                   const size_t at = erms.find("<name>Handläggare");
                   erms.insert(at + 6, "Part 121212-1212, ");
                 });
                 FirstFile(p, "Uppgift om " + w + ".\n");
               }});
  c.push_back({"number in a file name", [](sipgen::SipPlan& p, const std::string& w) {
                 const std::string old = DataPath(p, 0);
                 const std::string renamed = old.substr(0, old.rfind('/') + 1) + "19121212-1212.txt";
                 FirstFile(p, "Uppgift om " + w + ".\n");
                 p.Find(old)->path = p.root + renamed;
                 ASSERT_TRUE(p.EditMets(sipgen::Href(old), sipgen::Href(renamed)));
                 EditErms(p, [&](std::string& erms) {
                   const size_t at = erms.find(sipgen::Href(old));
                   ASSERT_NE(at, std::string::npos);
                   erms.replace(at, sipgen::Href(old).size(), sipgen::Href(renamed));
                 });
               }});
  const std::vector<std::pair<std::string, std::function<std::string(const std::string&)>>> files = {
      {"e-mail", [](const std::string& w) { return "From: a@example.se\r\nSubject: 19121212-1212\r\n\r\nOm " + w + "\r\n"; }},
      {"RTF", [](const std::string& w) { return "{\\rtf1\\ansi Om " + w + " 19121212-1212}"; }},
      {"XML with a DOCTYPE", [](const std::string& w) {
         return "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"" + w + "\">]><a p=\"19121212-1212\">&x;</a>";
       }},
      {"XML attribute", [](const std::string& w) { return "<?xml version=\"1.0\"?><a p=\"19121212-1212\">" + w + "</a>"; }},
      {"HTML comment", [](const std::string& w) { return "<html><body><!-- 19121212-1212 --><p>" + w + "</p></body></html>"; }},
      {"HTML script", [](const std::string& w) {
         return "<html><head><script>var p='19121212-1212';</script></head><body><p>" + w + "</p></body></html>";
       }},
      {"HTML attribute", [](const std::string& w) { return "<html><body><p title=\"19121212-1212\">" + w + "</p></body></html>"; }},
      {"HTML spans", [](const std::string& w) {
         return "<html><body><p>" + w + " <span>191212</span><span>12-12</span><span>12</span></p></body></html>";
       }},
      {"UTF-16", [](const std::string& w) {
         const std::string ascii = "Om " + w + ", 19121212-1212.\n";
         return Utf16(std::u16string(ascii.begin(), ascii.end()), /*little_endian=*/true, /*bom=*/true);
       }},
      {"Windows-1252 dash", [](const std::string& w) { return "Om " + w + ", 19121212\x96" "1212.\n"; }},
      {"PDF author", [](const std::string& w) { return MinimalPdf("Om " + w, "19121212-1212"); }},
      {"number after 1 MiB", [](const std::string& w) { return std::string(1100000, 'a') + " " + w + " 19121212-1212\n"; }},
      {"text after 1 MiB", [](const std::string& w) {
         std::string t;
         while (t.size() < 1100000) t += "beslut om bygglov ";
         return t + w + "\n";
       }},
      {"binary", [](const std::string& w) { return std::string("\x89\x01\x02\x03\xfe\xff", 6) + w + std::string(200, '\x07'); }},
  };
  for (const auto& [name, make] : files) {
    c.push_back({"file: " + name, [make = make](sipgen::SipPlan& p, const std::string& w) { FirstFile(p, make(w)); }});
  }
  return c;
}

// A word that occurs in no generated text: letters only, so it is one term.
std::string Word(size_t i) {
  std::string w = "qzx";
  for (int k = 0; k < 5; ++k) {
    w += static_cast<char>('a' + i % 26);
    i /= 26;
  }
  return w;
}

const std::regex kNumber(R"((^|[^0-9])((19|20)?[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])[-+ ]?[0-9]{4})([^0-9]|$))");

class PublicCrawl {
 public:
  PublicCrawl(ServerProcess& s, std::set<std::string> forbidden) : s_(s), forbidden_(std::move(forbidden)) {}

  HttpReply Get(const std::string& path) {
    HttpReply r = s_.Request("GET", path, "");
    EXPECT_NE(r.status, 0) << path;
    EXPECT_LT(r.status, 500) << path << ": " << r.body.substr(0, 200);
    std::string lower = r.body;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const std::string& w : forbidden_) EXPECT_EQ(lower.find(w), std::string::npos) << path << " shows " << w;
    std::smatch m;
    EXPECT_FALSE(std::regex_search(r.body, m, kNumber)) << path << " shows " << m.str(2);
    // Every spelling, in any encoding (a downloaded file is raw bytes).
    search::RawPersonnummerScanner raw;
    raw.Feed(r.body.data(), r.body.size());
    EXPECT_FALSE(raw.Finish() || search::ContainsPersonnummer(r.body)) << path << " shows an identity number";
    ++answers_;
    return r;
  }

  // Every hit of every page, every record, every file.
  size_t Everything() {
    std::set<std::string> records;
    for (int offset = 0;; offset += 100) {
      auto page = nlohmann::json::parse(Get("/public/v1/search?limit=100&offset=" + std::to_string(offset)).body);
      if (page["hits"].empty()) break;
      for (const auto& hit : page["hits"]) {
        if (!records.insert(hit["id"].get<std::string>()).second) continue;
        HttpReply record = Get(hit["href"].get<std::string>());
        EXPECT_EQ(record.status, 200) << record.body.substr(0, 200);
        if (record.status != 200) continue;
        const nlohmann::json body = nlohmann::json::parse(record.body);  // outlives the loop over its files
        for (const auto& f : body["files"]) {
          EXPECT_EQ(Get(f["href"].get<std::string>()).status, 200);
        }
      }
    }
    return records.size();
  }

  int answers() const { return answers_; }

 private:
  ServerProcess& s_;
  std::set<std::string> forbidden_;
  int answers_ = 0;
};

sipgen::SipPlan Plan(uint64_t seed, int files = 3, const std::string& producer = "212000-0001") {
  sipgen::SipSpec spec;
  spec.seed = seed;
  spec.files = files;
  spec.producer = producer;
  return sipgen::PlanSip(spec);
}

TEST(PublicAccess, HostileCorpusPublishesNothingItMustNot) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  ServerProcess& s = *server;
  const std::string archivist = s.CreateToken("archivist");
  const std::string eservice = s.CreateToken("eservice", "212000-0001");
  ASSERT_EQ(s.Request("POST", "/api/v1/publication-rules", archivist,
                      nlohmann::json({{"creator", kCreator}, {"reason", "bygglov publiceras"}}).dump())
                .status,
            201);

  std::set<std::string> forbidden;
  size_t packages = 0, records = 0;
  auto deposit = [&](const sipgen::SipPlan& plan, const std::string& token, const std::string& name) {
    HttpReply r = s.DepositAndWait(token, WritePackage(plan, "tar", dir, name));
    EXPECT_NE(r.body.find("\"archived\""), std::string::npos) << name << ": " << r.body.substr(0, 600);
    EXPECT_EQ(r.body.find(s.data_dir()), std::string::npos) << "a server path in the answer: " << r.body.substr(0, 600);
    ++packages;
  };
  const std::vector<Hostile> corpus = Corpus();
  for (size_t i = 0; i < corpus.size(); ++i) {
    SCOPED_TRACE(corpus[i].name);
    sipgen::SipPlan plan = Plan(5000 + i);
    const std::string word = Word(i);
    corpus[i].edit(plan, word);
    forbidden.insert(word);
    for (const sipgen::SecretMark& m : plan.secrets) forbidden.insert(m.word);
    deposit(plan, archivist, "hostile-" + std::to_string(i));
    records += 3;
  }

  // An e-service lifts secrecy with a new version: the stricter state stays.
  {
    sipgen::SipPlan v1 = Plan(7001);
    IntoRecord(v1, 1, Restriction("restrictionType=\"confidential\""));
    FirstFile(v1, "Uppgift om " + Word(9001) + ".\n");
    forbidden.insert(Word(9001));
    deposit(v1, eservice, "lift-v1");
    sipgen::SipPlan v2 = Plan(7001);
    FirstFile(v2, "Uppgift om " + Word(9001) + ".\n");
    deposit(v2, eservice, "lift-v2");
    records += 3;
  }
  // An archivist publishes r1 of version 1; version 2 makes it secret with
  // new text: the publication does not follow.
  std::string outlived_id;
  {
    sipgen::SipPlan v1 = Plan(7002);
    deposit(v1, archivist, "outlive-v1");
    auto found = s.SearchWhenIndexed(archivist, "package=" + v1.objid + "&limit=10", 3);
    for (const auto& hit : found["hits"]) {
      if (hit["record_id"] == v1.objid + "-r1") outlived_id = hit["id"];
    }
    ASSERT_FALSE(outlived_id.empty());
    HttpReply published = s.Request("PUT", "/api/v1/packages/" + v1.objid + "/records/" + v1.objid + "-r1/access",
                                    archivist, R"({"state":"published","reason":"prövad","version":1})");
    ASSERT_EQ(published.status, 200) << published.body;
    EXPECT_EQ(s.Request("GET", "/public/v1/records/" + outlived_id, "").status, 200);
    sipgen::SipPlan v2 = Plan(7002);
    IntoRecord(v2, 1, Restriction("restrictionType=\"confidential\""));
    FirstFile(v2, "Ny uppgift om " + Word(9002) + ", 19121212-1212.\n");
    forbidden.insert(Word(9002));
    deposit(v2, archivist, "outlive-v2");
    records += 3;
  }
  // A citizen's request released for version 1's file; version 2 puts other
  // bytes at the same path: the release does not follow the path.
  std::string release_href;
  {
    sipgen::SipPlan v1 = Plan(7003);
    deposit(v1, archivist, "release-v1");
    auto found = s.SearchWhenIndexed(archivist, "package=" + v1.objid + "&limit=10", 3);
    std::string id;
    for (const auto& hit : found["hits"]) {
      if (hit["record_id"] == v1.objid + "-r1") id = hit["id"];
    }
    ASSERT_FALSE(id.empty());
    HttpReply created = s.Request("POST", "/public/v1/requests", "",
                                  nlohmann::json({{"records", {id}}, {"description", "d"}, {"contact", "c"}}).dump());
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string token = nlohmann::json::parse(created.body)["token"];
    auto queue = nlohmann::json::parse(s.Request("GET", "/api/v1/requests", archivist).body);
    const std::string request = queue["requests"].back()["id"];
    EXPECT_EQ(s.Request("POST", "/api/v1/requests/" + request + "/decisions", archivist,
                        nlohmann::json({{"record", id}, {"decision", "release"}, {"version", 2}}).dump())
                  .status,
              409) << "a release names the version reviewed";
    ASSERT_EQ(s.Request("POST", "/api/v1/requests/" + request + "/decisions", archivist,
                        nlohmann::json({{"record", id}, {"decision", "release"}, {"version", 1}}).dump())
                  .status,
              200);
    auto view = nlohmann::json::parse(s.Request("GET", "/public/v1/requests/" + token, "").body);
    release_href = view["items"][0]["files"][0]["href"];
    EXPECT_EQ(s.Request("GET", release_href, "").status, 200);
    sipgen::SipPlan v2 = Plan(7003);
    FirstFile(v2, "Annan handling om " + Word(9003) + ".\n");
    IntoRecord(v2, 1, Restriction("restrictionType=\"confidential\""));
    forbidden.insert(Word(9003));
    deposit(v2, archivist, "release-v2");
    records += 3;
  }
  // Another producer's package whose id differs only in letter case: the
  // first producer's records stay where they were.
  std::vector<std::string> first_producers;
  {
    sipgen::SipPlan a = Plan(7004);
    deposit(a, archivist, "case-a");
    s.SearchWhenIndexed(archivist, "package=" + a.objid, 3);
    auto found = s.SearchWhenIndexed(archivist, "package=" + a.objid + "&state=published&limit=10", 1);
    for (const auto& hit : found["hits"]) first_producers.push_back(hit["id"]);
    sipgen::SipPlan b = Plan(7004, 3, "556000-0002");
    std::string upper = b.objid;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const std::string old_root = b.root;
    for (sipgen::PlannedEntry& e : b.entries) e.path = upper + "/" + e.path.substr(old_root.size());
    b.root = upper + "/";
    ASSERT_TRUE(b.EditMets("OBJID=\"" + b.objid + "\"", "OBJID=\"" + upper + "\""));
    b.objid = upper;
    FirstFile(b, "Uppgift om " + Word(9004) + ", 19121212-1212.\n");
    forbidden.insert(Word(9004));
    deposit(b, s.CreateToken("eservice", "556000-0002"), "case-b");
    records += 6;
  }
  ASSERT_GE(packages, 80u) << "the corpus is the issue's minimum";
  s.SearchWhenIndexed(archivist, "limit=1", records);

  // The release no longer follows, the outlived publication is gone, the
  // first producer's records are all still there.
  EXPECT_EQ(s.Request("GET", release_href, "").status, 404);
  EXPECT_EQ(s.Request("GET", "/public/v1/records/" + outlived_id, "").status, 404);
  ASSERT_FALSE(first_producers.empty());
  for (const std::string& id : first_producers) {
    EXPECT_EQ(s.Request("GET", "/public/v1/records/" + id, "").status, 200) << id;
  }

  PublicCrawl crawl(s, forbidden);
  for (const std::string& w : forbidden) {
    auto r = nlohmann::json::parse(crawl.Get("/public/v1/search?q=" + w).body);
    EXPECT_EQ(r["total"], 0) << w;
  }
  for (const char* q : {"%2219121212-1212%22", "19121212", "121212", "qzx*", "bygglov&limit=100"}) {
    crawl.Get(std::string("/public/v1/search?q=") + q);
  }
  const size_t published = crawl.Everything();
  // The controls: records 2 and 3 of most hostile packages are ordinary,
  // and the rule publishes them.
  EXPECT_GT(published, corpus.size()) << "the publication rule published almost nothing";
  // A record with an identity number is personal data, not public.
  auto restricted = s.SearchWhenIndexed(archivist, "q=%2219121212-1212%22&state=public", 0);
  EXPECT_EQ(restricted["total"], 0) << restricted.dump().substr(0, 400);
  EXPECT_GT(crawl.answers(), 200);

  // What waits for an archivist is listed for them.
  auto review = s.SearchWhenIndexed(archivist, "review=1&limit=100", 1);
  EXPECT_GE(review["total"].get<int>(), 5) << review.dump().substr(0, 500);
}

// An archivist's decision publishes what it names, but never an identity
// number: not one past the text the index keeps, not one in a later file of
// the record. And a decision against a rule-published record ends it at once.
TEST(PublicAccess, DecisionsNeverPublishIdentityNumbers) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  ServerProcess& s = *server;
  const std::string archivist = s.CreateToken("archivist");
  ASSERT_EQ(s.Request("POST", "/api/v1/publication-rules", archivist,
                      nlohmann::json({{"creator", kCreator}, {"reason", "r"}}).dump())
                .status,
            201);
  // Record 1 names four files of 1.1 MB of text; the last ends with a number.
  sipgen::SipPlan plan = Plan(8001, 5);
  std::string big;
  while (big.size() < 1100000) big += "beslut om bygglov ";
  for (size_t i = 0; i < 4; ++i) {
    SetContent(plan, DataPath(plan, i), big + (i == 3 ? "Sökande 19121212\u20131212.\n" : "\n"));
  }
  EditErms(plan, [&](std::string& erms) {
    size_t at = erms.find("systemIdentifier=\"" + plan.objid + "-r1\"");
    at = erms.find("</documents>", at);
    std::string more;
    for (size_t i = 1; i < 4; ++i) more += "<document href=\"" + sipgen::Href(DataPath(plan, i)) + "\"/>";
    erms.insert(at, more);
  });
  HttpReply r = s.DepositAndWait(archivist, WritePackage(plan, "tar", dir, "big"));
  ASSERT_NE(r.body.find("\"archived\""), std::string::npos) << r.body.substr(0, 400);
  auto hits = s.SearchWhenIndexed(archivist, "package=" + plan.objid + "&limit=10", 5);
  std::map<std::string, std::string> ids;  // record id -> search id
  for (const auto& h : hits["hits"]) ids[h["record_id"]] = h["id"];
  const std::string access = "/api/v1/packages/" + plan.objid + "/records/";
  HttpReply decided = s.Request("PUT", access + plan.objid + "-r1/access", archivist,
                                R"({"state":"published","reason":"granskad","version":1})");
  ASSERT_EQ(decided.status, 200) << decided.body;
  // The decision stands; the index, which read the files, keeps it from the public and says why.
  const nlohmann::json indexed = nlohmann::json::parse(decided.body)["access"]["indexed"];
  EXPECT_EQ(indexed["state"], "restricted") << decided.body.substr(0, 300);
  EXPECT_NE(indexed.value("review", "").find("personal identity number"), std::string::npos) << indexed;
  EXPECT_EQ(s.Request("GET", "/public/v1/records/" + ids[plan.objid + "-r1"], "").status, 404);

  // Record 5 is published by the rule; an archivist keeps it secret: gone.
  const std::string r5 = ids[plan.objid + "-r5"];
  ASSERT_FALSE(r5.empty());
  EXPECT_EQ(s.Request("GET", "/public/v1/records/" + r5, "").status, 200);
  ASSERT_EQ(s.Request("PUT", access + plan.objid + "-r5/access", archivist,
                      R"({"state":"secret","reason":"OSL 21 kap. 1 §"})")
                .status,
            200);
  EXPECT_EQ(s.Request("GET", "/public/v1/records/" + r5, "").status, 404);

  // A revoked rule's records leave every total and facet at once.
  HttpReply small = s.DepositAndWait(archivist, WritePackage(Plan(8002), "tar", dir, "small"));
  ASSERT_NE(small.body.find("\"archived\""), std::string::npos) << small.body.substr(0, 400);
  s.SearchWhenIndexed(archivist, "package=" + Plan(8002).objid, 3);
  auto before = nlohmann::json::parse(s.Request("GET", "/public/v1/search", "").body);
  ASSERT_GT(before["total"].get<int>(), 0);
  auto rules = nlohmann::json::parse(s.Request("GET", "/api/v1/publication-rules", archivist).body);
  ASSERT_EQ(s.Request("DELETE", rules["rules"][0]["href"].get<std::string>(), archivist).status, 200);
  auto after = nlohmann::json::parse(s.Request("GET", "/public/v1/search", "").body);
  EXPECT_EQ(after["total"], 0) << after.dump().substr(0, 400);
  for (const auto& [name, values] : after["facets"].items()) EXPECT_TRUE(values.empty()) << name;
}

}  // namespace
}  // namespace bevara::testing
