// Every route x every kind of caller x own / foreign / missing object, from
// one table. The table states who may call each route independently of the
// server's code; a route the server has and the table lacks fails the test.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "src/common/percent_encoding.h"
#include "src/server/api.h"
#include "tests/cli/run_bevara.h"
#include "tests/server/server_fixture.h"

namespace bevara::testing {
namespace {

enum class Object { kNone, kOwn, kForeign, kMissing };
const char* ObjectName(Object o) {
  switch (o) {
    case Object::kNone: return "-";
    case Object::kOwn: return "own";
    case Object::kForeign: return "foreign";
    case Object::kMissing: return "missing";
  }
  return "?";
}

struct Fixture;

struct Row {
  std::string method, pattern;
  std::set<std::string> allowed;  // roles; empty: public
  std::set<int> success;
  bool has_object;                // the path names an object (own/foreign/missing)
  bool owned;                     // an eservice sees only its producer's objects
  std::function<std::string(Fixture&, Object)> path;
  std::function<std::string(Fixture&, Object)> body = nullptr;
  std::function<std::string(Fixture&, Object)> upload = nullptr;  // a file to send as the body
};

struct Fixture {
  TempDir dir;
  std::unique_ptr<ServerProcess> server;
  std::string own_package, foreign_package, own_job, foreign_job, audit;
  std::string own_file, foreign_file;  // packages to deposit (producer A and B)
  // A public record of each package (not r1, which the access row makes secret), and one of its files.
  std::string own_record, foreign_record, own_record_file, foreign_record_file;
  // A request for each of those records, released: its reference, token and file link.
  std::string own_request, foreign_request, own_request_token, foreign_request_token;
  std::string setup;  // an archivist's token for making objects
  uint64_t seed = 100;
};

const std::string kOwner = "212000-0001", kOther = "556000-0002";

std::string Pkg(Fixture& f, Object o, const std::string& rest) {
  std::string id = o == Object::kOwn ? f.own_package : o == Object::kForeign ? f.foreign_package : "no-such-package";
  return "/api/v1/packages/" + id + rest;
}

std::string PublicRecord(Fixture& f, Object o, const std::string& rest) {
  std::string id = o == Object::kOwn ? f.own_record : o == Object::kForeign ? f.foreign_record : "r000000000000000000000000";
  return "/public/v1/records/" + id + rest;
}

std::string RequestToken(Fixture& f, Object o) {
  return o == Object::kOwn ? f.own_request_token : o == Object::kForeign ? f.foreign_request_token : "req_" + std::string(64, '0');
}

// A request for `record`, released by the archivist; returns its reference and token.
void ReleasedRequest(ServerProcess& s, const std::string& archivist, const std::string& record, std::string* id,
                     std::string* token) {
  HttpReply created = s.Request("POST", "/public/v1/requests", "",
                                nlohmann::json({{"records", {record}}, {"description", "d"}, {"contact", "c"}}).dump());
  ASSERT_EQ(created.status, 201) << created.body;
  *token = nlohmann::json::parse(created.body)["token"];
  auto queue = nlohmann::json::parse(s.Request("GET", "/api/v1/requests", archivist).body);
  *id = queue["requests"].back()["id"];
  HttpReply decided = s.Request("POST", "/api/v1/requests/" + *id + "/decisions", archivist,
                                nlohmann::json({{"record", record}, {"decision", "release"}}).dump());
  ASSERT_EQ(decided.status, 200) << decided.body;
}

// A public record of `package` other than its first, and the path of its first file.
void FindPublicRecord(ServerProcess& s, const std::string& token, const std::string& package, std::string* id,
                      std::string* file) {
  nlohmann::json found = s.SearchWhenIndexed(token, "package=" + package + "&state=public&limit=50");
  for (const auto& hit : found["hits"]) {
    const std::string record = hit["record_id"];
    if (record.size() > 3 && record.compare(record.size() - 3, 3, "-r1") == 0) continue;
    *id = hit["id"];
    *file = PercentEncode(hit["files"][0].get<std::string>(), true);
    // Public is not published: an archivist publishes it.
    HttpReply published = s.Request("PUT", "/api/v1/packages/" + package + "/records/" + record + "/access", token,
                                    R"({"state":"published","reason":"matrix","version":1})");
    ASSERT_EQ(published.status, 200) << published.body;
    return;
  }
  ADD_FAILURE() << "no public record besides r1 in " << package;
}

std::vector<Row> Table() {
  const std::set<std::string> readers = {"archivist", "auditor", "eservice"};
  return {
      {"POST", "/api/v1/packages", {"archivist", "eservice"}, {202}, true, false, [](Fixture&, Object) { return "/api/v1/packages"; },
       nullptr,
       [](Fixture& f, Object o) {
         // A fresh package each time: a repeat would answer with the first job.
         return GenerateProducerPackage(f.dir, ++f.seed, o == Object::kOwn ? kOwner : kOther, 1);
       }},
      {"GET", "/api/v1/packages", readers, {200}, false, false, [](Fixture&, Object) { return "/api/v1/packages"; }},
      {"GET", "/api/v1/formats", {"archivist", "auditor"}, {200}, false, false,
       [](Fixture&, Object) { return "/api/v1/formats"; }},
      {"GET", "/api/v1/packages/{id}", readers, {200}, true, true, [](Fixture& f, Object o) { return Pkg(f, o, ""); }},
      {"GET", "/api/v1/packages/{id}/files/{path+}", readers, {200}, true, true,
       [](Fixture& f, Object o) { return Pkg(f, o, "/files/submission/documentation/README.txt"); }},
      {"GET", "/api/v1/packages/{id}/mets", readers, {200}, true, true, [](Fixture& f, Object o) { return Pkg(f, o, "/mets"); }},
      {"GET", "/api/v1/packages/{id}/events", readers, {200}, true, true, [](Fixture& f, Object o) { return Pkg(f, o, "/events"); }},
      {"GET", "/api/v1/packages/{id}/dip", readers, {200}, true, true, [](Fixture& f, Object o) { return Pkg(f, o, "/dip"); }},
      {"GET", "/api/v1/packages/{id}/case", readers, {200}, true, true, [](Fixture& f, Object o) { return Pkg(f, o, "/case"); }},
      {"PUT", "/api/v1/packages/{id}/records/{record}/access", {"archivist"}, {200}, true, false,
       [](Fixture& f, Object o) {
         std::string id = o == Object::kOwn ? f.own_package : o == Object::kForeign ? f.foreign_package : "no-such-package";
         return Pkg(f, o, "/records/" + id + "-r1/access");  // sipgen names records <OBJID>-r<n>
       },
       [](Fixture&, Object) { return std::string(R"({"state":"secret","reason":"matrix"})"); }},
      {"GET", "/api/v1/jobs/{id}", readers, {200}, true, true,
       [](Fixture& f, Object o) {
         return "/api/v1/jobs/" + (o == Object::kOwn ? f.own_job : o == Object::kForeign ? f.foreign_job : "0000");
       }},
      {"GET", "/api/v1/jobs", readers, {200}, false, false, [](Fixture&, Object) { return "/api/v1/jobs"; }},
      {"POST", "/api/v1/audits", {"archivist", "auditor"}, {202, 409}, false, false, [](Fixture&, Object) { return "/api/v1/audits"; }},
      {"GET", "/api/v1/audits", {"archivist", "auditor"}, {200}, false, false, [](Fixture&, Object) { return "/api/v1/audits"; }},
      {"GET", "/api/v1/storage", {"archivist", "auditor", "admin"}, {200}, false, false,
       [](Fixture&, Object) { return "/api/v1/storage"; }},
      {"GET", "/api/v1/audits/{id}", {"archivist", "auditor"}, {200}, true, false,
       [](Fixture& f, Object o) { return "/api/v1/audits/" + (o == Object::kMissing ? "0000" : f.audit); }},
      {"GET", "/api/v1/log", {"auditor"}, {200}, false, false, [](Fixture&, Object) { return "/api/v1/log"; }},
      {"GET", "/api/v1/copies", {"archivist", "auditor", "admin"}, {200}, false, false,
       [](Fixture&, Object) { return "/api/v1/copies"; }},
      {"POST", "/api/v1/copies/sync", {"archivist", "auditor"}, {202}, false, false,
       [](Fixture&, Object) { return "/api/v1/copies/sync"; }},
      {"POST", "/api/v1/copies/{name}/audit", {"archivist", "auditor"}, {202}, true, false,
       [](Fixture&, Object o) { return std::string("/api/v1/copies/") + (o == Object::kMissing ? "nowhere" : "local") + "/audit"; }},
      {"GET", "/api/v1/tokens", {"admin"}, {200}, false, false, [](Fixture&, Object) { return "/api/v1/tokens"; }},
      {"POST", "/api/v1/tokens", {"admin"}, {201}, false, false, [](Fixture&, Object) { return "/api/v1/tokens"; },
       [](Fixture&, Object) { return std::string(R"({"role":"auditor","label":"matrix"})"); }},
      {"DELETE", "/api/v1/tokens/{id}", {"admin"}, {204}, true, false,
       [](Fixture& f, Object o) {
         if (o == Object::kMissing) return std::string("/api/v1/tokens/000000000000");
         // A fresh token to revoke; its id is the first field `token list` prints.
         f.server->CreateToken("auditor");
         CommandRun list = RunBevara("token list --data " + f.server->data_dir());
         std::string last = list.out.substr(list.out.rfind('\n', list.out.size() - 2) + 1);
         return "/api/v1/tokens/" + last.substr(0, last.find(' '));
       }},
      {"GET", "/api/v1/config", {"admin"}, {200}, false, false, [](Fixture&, Object) { return "/api/v1/config"; }},
      {"GET", "/api/v1/search", {"archivist"}, {200}, false, false, [](Fixture&, Object) { return "/api/v1/search?q=bygglov"; }},
      {"GET", "/public/v1/search", {}, {200}, false, false, [](Fixture&, Object) { return "/public/v1/search?q=bygglov"; }},
      {"GET", "/public/v1/records/{id}", {}, {200}, true, false, [](Fixture& f, Object o) { return PublicRecord(f, o, ""); }},
      {"GET", "/public/v1/records/{id}/files/{path+}", {}, {200}, true, false,
       [](Fixture& f, Object o) {
         return PublicRecord(f, o, "/files/" + (o == Object::kOwn ? f.own_record_file : f.foreign_record_file));
       }},
      {"POST", "/public/v1/requests", {}, {201}, false, false, [](Fixture&, Object) { return "/public/v1/requests"; },
       [](Fixture& f, Object) {
         return nlohmann::json({{"records", {f.own_record}}, {"description", "matrix"}, {"contact", "m@x.se"}}).dump();
       }},
      {"GET", "/public/v1/requests/{token}", {}, {200}, true, false,
       [](Fixture& f, Object o) { return "/public/v1/requests/" + RequestToken(f, o); }},
      {"GET", "/public/v1/requests/{token}/files/{record}/{path+}", {}, {200}, true, false,
       [](Fixture& f, Object o) {
         bool own = o != Object::kForeign;
         return "/public/v1/requests/" + RequestToken(f, o) + "/files/" + (own ? f.own_record : f.foreign_record) + "/" +
                (own ? f.own_record_file : f.foreign_record_file);
       }},
      {"GET", "/api/v1/requests", {"archivist"}, {200}, false, false, [](Fixture&, Object) { return "/api/v1/requests?state=all"; }},
      {"POST", "/api/v1/requests/{id}/decisions", {"archivist"}, {200}, true, false,
       [](Fixture& f, Object o) {
         return "/api/v1/requests/" + (o == Object::kOwn ? f.own_request : o == Object::kForeign ? f.foreign_request : "req-0000") +
                "/decisions";
       },
       [](Fixture& f, Object o) {
         return nlohmann::json({{"record", o == Object::kForeign ? f.foreign_record : f.own_record}, {"decision", "release"}}).dump();
       }},
      {"GET", "/api/v1/publication-rules", {"archivist"}, {200}, false, false,
       [](Fixture&, Object) { return "/api/v1/publication-rules"; }},
      {"POST", "/api/v1/publication-rules", {"archivist"}, {201}, false, false,
       [](Fixture&, Object) { return "/api/v1/publication-rules"; },
       [](Fixture&, Object) { return std::string(R"({"creator":"Ingen nämnd","reason":"matrix"})"); }},
      {"DELETE", "/api/v1/publication-rules/{id}", {"archivist"}, {200}, true, false,
       [](Fixture& f, Object o) {
         if (o == Object::kMissing) return std::string("/api/v1/publication-rules/rule-0000000000000000");
         HttpReply made = f.server->Request("POST", "/api/v1/publication-rules", f.setup,
                                            R"({"creator":"Ingen nämnd","reason":"matrix"})");
         return "/api/v1/publication-rules/" + nlohmann::json::parse(made.body).value("id", std::string("none"));
       }},
      {"GET", "/api/v1/openapi.json", {}, {200}, false, false, [](Fixture&, Object) { return "/api/v1/openapi.json"; }},
      {"GET", "/health", {}, {200}, false, false, [](Fixture&, Object) { return "/health"; }},
  };
}

TEST(AuthorizationMatrix, EveryRouteHasARow) {
  std::set<std::string> rows;
  for (const Row& r : Table()) rows.insert(r.method + " " + r.pattern);
  for (const server::Route& route : server::ApiRoutes(nullptr)) {
    EXPECT_TRUE(rows.count(route.method + " " + route.pattern))
        << route.method << " " << route.pattern << " has no row in the authorisation matrix";
  }
  EXPECT_EQ(rows.size(), server::ApiRoutes(nullptr).size()) << "the table has a row for a route the server lacks";
}

TEST(AuthorizationMatrix, EveryRoleEveryObject) {
  Fixture f;
  f.server = ServerProcess::Start(f.dir.Join("data"));
  ServerProcess& s = *f.server;
  const std::string setup = s.CreateToken("archivist");
  f.setup = setup;
  std::map<std::string, std::string> callers = {
      {"admin", s.admin_token()},
      {"archivist", s.CreateToken("archivist")},
      {"auditor", s.CreateToken("auditor")},
      {"eservice", s.CreateToken("eservice", kOwner)},
      {"none", ""},
      {"expired", s.CreateToken("archivist", "", "2020-01-01")},
      {"forged", "bvr_" + std::string(64, 'a')},
  };
  const std::string revoked = s.CreateToken("archivist");
  callers["revoked"] = revoked;
  {
    CommandRun list = RunBevara("token list --data " + s.data_dir());
    std::string last = list.out.substr(list.out.rfind('\n', list.out.size() - 2) + 1);
    ASSERT_EQ(RunBevara("token revoke --data " + s.data_dir() + " " + last.substr(0, last.find(' '))).exit_code, 0);
  }
  // The objects: a package and a job of each producer, and an audit.
  HttpReply own = s.DepositAndWait(callers["eservice"], GenerateProducerPackage(f.dir, 1, kOwner, 4));
  HttpReply foreign = s.DepositAndWait(setup, GenerateProducerPackage(f.dir, 2, kOther, 4));
  ASSERT_EQ(own.status, 200);
  ASSERT_EQ(foreign.status, 200);
  f.own_package = nlohmann::json::parse(own.body)["package_id"];
  f.own_job = nlohmann::json::parse(own.body)["id"];
  f.foreign_package = nlohmann::json::parse(foreign.body)["package_id"];
  f.foreign_job = nlohmann::json::parse(foreign.body)["id"];
  FindPublicRecord(s, setup, f.own_package, &f.own_record, &f.own_record_file);
  FindPublicRecord(s, setup, f.foreign_package, &f.foreign_record, &f.foreign_record_file);
  ReleasedRequest(s, setup, f.own_record, &f.own_request, &f.own_request_token);
  ReleasedRequest(s, setup, f.foreign_record, &f.foreign_request, &f.foreign_request_token);
  HttpReply audit = s.Request("POST", "/api/v1/audits", setup);
  ASSERT_EQ(audit.status, 202);
  f.audit = nlohmann::json::parse(audit.body)["id"];

  int cells = 0;
  for (const Row& row : Table()) {
    std::vector<Object> objects = row.has_object ? std::vector<Object>{Object::kOwn, Object::kForeign, Object::kMissing}
                                                 : std::vector<Object>{Object::kNone};
    if (row.upload) objects = {Object::kOwn, Object::kForeign};
    for (const auto& [caller, token] : callers) {
      for (Object object : objects) {
        std::set<int> expected;
        bool role_known = caller == "admin" || caller == "archivist" || caller == "auditor" || caller == "eservice";
        if (row.allowed.empty()) {
          expected = object == Object::kMissing ? std::set<int>{404} : row.success;
        } else if (!role_known) {
          expected = {401};
        } else if (!row.allowed.count(caller)) {
          expected = {403};
        } else if (object == Object::kMissing && !row.upload) {
          expected = {404};
        } else if (object == Object::kForeign && caller == "eservice" && row.owned) {
          expected = {404};
        } else {
          expected = row.success;
        }
        const std::string path = row.path(f, object);
        HttpReply r;
        if (row.upload) {
          r = s.Upload(path, token, row.upload(f, object));
        } else {
          r = s.Request(row.method, path, token, row.body ? row.body(f, object) : "");
        }
        ++cells;
        EXPECT_TRUE(expected.count(r.status)) << row.method << " " << row.pattern << " as " << caller << ", object "
                                              << ObjectName(object) << ": got " << r.status << " " << r.body.substr(0, 200);
        if (r.status >= 400) {
          auto j = nlohmann::json::parse(r.body, nullptr, false);
          EXPECT_TRUE(j.is_object() && j["error"].is_object() && j["error"]["code"].is_string())
              << "not the error shape: " << r.body.substr(0, 200);
        }
        if (r.status == 401) {
          EXPECT_EQ(r.Header("www-authenticate").rfind("Bearer", 0), 0u);
        }
      }
    }
  }
  EXPECT_GT(cells, 150);
}

}  // namespace
}  // namespace bevara::testing
