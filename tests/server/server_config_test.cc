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

}  // namespace
}  // namespace bevara::server
