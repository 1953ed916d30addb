// TLS: served with the configured certificate, TLS 1.2 at least.
#include <gtest/gtest.h>

#include <cstdio>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "src/common/digest.h"

#include "tests/server/server_fixture.h"

namespace bevara::testing {
namespace {


TEST(Tls, ServesOverTls12AndRefusesOlderProtocols) {
  TempDir dir;
  const std::string cert = dir.Join("cert.pem"), key = dir.Join("key.pem");
  ASSERT_EQ(::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout " + key +
                      " -out " + cert + " >/dev/null 2>&1")
                         .c_str()),
            0);
  auto server = ServerProcess::Start(dir.Join("data"), "[tls]\ncertificate = " + cert + "\nprivate_key = " + key + "\n");
  const std::string url = "https://127.0.0.1:" + std::to_string(server->port());
  // The certificate is the configured one (curl checks it against --cacert).
  EXPECT_EQ(ShellOutput("curl -s --cacert " + cert + " --tlsv1.2 " + url + "/health"), R"({"status":"ok"})");
  EXPECT_EQ(ShellOutput("curl -s -o /dev/null -w '%{http_code}' --cacert " + cert + " " + url + "/api/v1/packages"), "401");
  // A deposit and a file download over TLS (files are copied through the
  // TLS session there, not sent with sendfile).
  const std::string token = server->CreateToken("archivist");
  const std::string curl = "curl -s --cacert " + cert + " -H 'Authorization: Bearer " + token + "' ";
  std::string package = GenerateProducerPackage(dir, 61, "212000-0001", 3);
  std::string accepted = ShellOutput(curl + "-X POST -T " + package + " " + url + "/api/v1/packages");
  auto a = nlohmann::json::parse(accepted, nullptr, false);
  ASSERT_TRUE(a.is_object()) << accepted;
  std::string job;
  for (int i = 0; i < 200; ++i) {
    job = ShellOutput(curl + url + a["href"].get<std::string>());
    if (job.find("\"state\":\"queued\"") == std::string::npos && job.find("\"state\":\"running\"") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto j = nlohmann::json::parse(job, nullptr, false);
  ASSERT_EQ(j.value("state", ""), "archived") << job.substr(0, 300);
  for (const auto& f : j["receipt"]["aip"]["files"]) {
    std::string got = ShellOutput(curl + url + "/api/v1/packages/" + j["package_id"].get<std::string>() + "/files/" +
                            f["path"].get<std::string>());
    EXPECT_EQ(Sha256Hex(got), f["sha256"]) << f["path"];
  }

  // A client that offers only TLS 1.1 (its own floor lowered) is refused by
  // the server with a protocol_version alert; plain HTTP gets nothing.
  std::string old = ShellOutput("(echo | openssl s_client -connect 127.0.0.1:" + std::to_string(server->port()) +
                          " -tls1_1 -cipher DEFAULT:@SECLEVEL=0 2>&1)");
  EXPECT_NE(old.find("alert protocol version"), std::string::npos) << old;
  EXPECT_EQ(ShellOutput("curl -s http://127.0.0.1:" + std::to_string(server->port()) + "/health"), "");
}

}  // namespace
}  // namespace bevara::testing
