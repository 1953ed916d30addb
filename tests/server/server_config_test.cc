#include "src/server/server_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/test_util.h"

namespace bevara::server {
namespace {

using testing::TempDir;

TEST(ServerConfig, DefaultsAreTheDocumentedOnes) {
  ServerConfig c;
  EXPECT_EQ(c.address, "127.0.0.1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.data_dir, "./bevara-data");
  EXPECT_FALSE(c.tls());
  EXPECT_TRUE(c.Check().ok());
}

TEST(ServerConfig, ReadsJsonAndIni) {
  TempDir dir;
  std::ofstream(dir.Join("c.json")) << R"({"server": {"port": 9443, "address": "0.0.0.0"},
    "ingest": {"workers": 4, "deposit_queue": 32}, "limits": {"max_package_bytes": 1048576}})";
  auto json = LoadServerConfig(dir.Join("c.json"));
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(json->port, 9443);
  EXPECT_EQ(json->address, "0.0.0.0");
  EXPECT_EQ(json->ingest_workers, 4);
  EXPECT_EQ(json->deposit_queue, 32);
  EXPECT_EQ(json->max_package_bytes, 1048576u);
  EXPECT_EQ(json->http_threads, 64) << "unset keys keep their defaults";

  std::ofstream(dir.Join("c.ini")) << "[http]\nthreads = 8\nkeep_alive_seconds = 3\n[server]\ndata_dir = /srv/arkiv\n";
  auto ini = LoadServerConfig(dir.Join("c.ini"));
  ASSERT_TRUE(ini.ok()) << ini.status().ToString();
  EXPECT_EQ(ini->http_threads, 8);
  EXPECT_EQ(ini->keep_alive_seconds, 3);
  EXPECT_EQ(ini->data_dir, "/srv/arkiv");
}

TEST(ServerConfig, RefusesNonsenseWithTheKeyNamed) {
  TempDir dir;
  std::ofstream(dir.Join("bad.ini")) << "[ingest]\nworkers = 0\n";
  auto bad = LoadServerConfig(dir.Join("bad.ini"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ingest.workers"), std::string::npos);
  std::ofstream(dir.Join("half.ini")) << "[tls]\ncertificate = /x.pem\n";
  EXPECT_FALSE(LoadServerConfig(dir.Join("half.ini")).ok());
  std::ofstream(dir.Join("broken.json")) << "{\"server\": ";
  EXPECT_FALSE(LoadServerConfig(dir.Join("broken.json")).ok());
  EXPECT_FALSE(LoadServerConfig(dir.Join("missing.ini")).ok());
  std::ofstream(dir.Join("proxy.ini")) << "[http]\ntrusted_proxies = 10.0.0.1, proxy.example\n";
  auto proxy = LoadServerConfig(dir.Join("proxy.ini"));
  ASSERT_FALSE(proxy.ok());
  EXPECT_NE(proxy.status().message().find("http.trusted_proxies"), std::string::npos);
}

// A setting bevara does not know is one the operator believes in and does
// not have: refused, with the key (and INI line) named.
TEST(ServerConfig, UnknownKeysAndUnreadableLinesAreErrors) {
  TempDir dir;
  auto refused = [&](const std::string& name, const std::string& text, const std::string& named) {
    std::ofstream(dir.Join(name)) << text;
    auto c = LoadServerConfig(dir.Join(name));
    ASSERT_FALSE(c.ok()) << name;
    EXPECT_NE(c.status().message().find(named), std::string::npos) << c.status().message();
  };
  refused("typo.json", R"({"server": {"datadir": "/srv/arkiv"}})", "server.datadir");
  refused("section.json", R"({"sever": {"port": 1}})", "sever");
  refused("array.json", R"({"http": {"trusted_proxies": ["10.0.0.1"]}})", "http.trusted_proxies");
  refused("top.json", R"({"port": 1})", "port");
  refused("typo.ini", "[http]\nthread = 8\n", "http.thread");
  refused("typo.ini", "[http]\nthread = 8\n", "threads");  // what it might have meant
  refused("noeq.ini", "[server]\nport 8443\n", "line 2");
  refused("nosection.ini", "port = 8443\n", "line 1");
  refused("comment.ini", "[server]\ndata_dir = /srv/bevara ; main archive\n", "line 2");
  refused("quoted.ini", "[server]\ndata_dir = \"/srv/bevara\"\n", "quotes");
  refused("twice.ini", "[server]\nport = 1\nport = 2\n", "twice");
  refused("unit.ini", "[limits]\nmax_package_bytes = 64 parsecs\n", "limits.max_package_bytes");
  refused("duration.ini", "[http]\nkeep_alive_seconds = soon\n", "http.keep_alive_seconds");
  std::ofstream(dir.Join("comments.ini")) << "; a comment\n# another\n\n[server]\nport = 8443 \n";
  EXPECT_TRUE(LoadServerConfig(dir.Join("comments.ini")).ok());
}

TEST(ServerConfig, SizesAndDurationsTakeUnits) {
  TempDir dir;
  std::ofstream(dir.Join("units.ini")) << "[limits]\nmax_package_bytes = 64GiB\n[http]\npinned_bytes = 512 MiB\n"
                                          "request_timeout_seconds = 2min\nkeep_alive_seconds = 15s\n"
                                          "[audit]\nmax_bytes_per_second = 50MB\n";
  auto c = LoadServerConfig(dir.Join("units.ini"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->max_package_bytes, 64ull << 30);
  EXPECT_EQ(c->pinned_bytes, 512ull << 20);
  EXPECT_EQ(c->request_timeout_seconds, 120);
  EXPECT_EQ(c->keep_alive_seconds, 15);
  EXPECT_EQ(c->audit_max_bytes_per_second, 50000000u);
  std::ofstream(dir.Join("units.json")) << R"({"limits": {"max_package_bytes": "1TiB", "max_page_size": 50}})";
  auto j = LoadServerConfig(dir.Join("units.json"));
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->max_package_bytes, 1ull << 40);
  EXPECT_EQ(j->max_page_size, 50);
}

}  // namespace
}  // namespace bevara::server
