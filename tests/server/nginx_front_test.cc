// bevara behind the nginx front configuration it ships (tools/nginx/):
// TLS at nginx, deposits streamed through, files downloaded whole, and the
// client's own address in bevara's audit trail.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "src/common/digest.h"
#include "tests/server/server_fixture.h"

namespace bevara::testing {
namespace {


int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string Render(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) text = std::regex_replace(text, std::regex(name), value);
  return text;
}

class NginxFront {
 public:
  NginxFront(const TempDir& dir, int bevara_port) : prefix_(dir.Join("nginx")) {
    if (ShellOutput("command -v nginx || ls /usr/sbin/nginx").empty()) return;
    std::filesystem::create_directories(prefix_);
    std::filesystem::permissions(prefix_, std::filesystem::perms::all);  // nginx's workers run as nobody
    cert_ = prefix_ + "/cert.pem";
    const std::string key = prefix_ + "/key.pem";
    ShellOutput("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
          "-keyout " + key + " -out " + cert_);
    port_ = FreePort();
    std::ofstream(prefix_ + "/nginx.conf")
        << Render(ReadFile(std::string(BEVARA_SOURCE_DIR) + "/tools/nginx/bevara.conf.in"),
                  {{"@LISTEN@", "127.0.0.1:" + std::to_string(port_)},
                   {"@BEVARA@", "127.0.0.1:" + std::to_string(bevara_port)},
                   {"@CERT@", cert_},
                   {"@KEY@", key},
                   {"@PREFIX@", prefix_}});
    started_ = std::system(("nginx -c " + prefix_ + "/nginx.conf -p " + prefix_ + " -e " + prefix_ + "/error.log")
                               .c_str()) == 0;
    for (int i = 0; started_ && i < 50 && Curl("-o /dev/null -w '%{http_code}' /health") != "200"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~NginxFront() {
    if (started_) std::system(("nginx -c " + prefix_ + "/nginx.conf -p " + prefix_ + " -s stop 2>/dev/null").c_str());
  }
  bool started() const { return started_; }
  std::string Url(const std::string& path) const { return "https://127.0.0.1:" + std::to_string(port_) + path; }
  // curl over TLS, checking nginx's certificate.
  std::string Curl(const std::string& args) const {
    return ShellOutput("curl -s --cacert " + cert_ + " " + args.substr(0, args.rfind(' ') + 1) +
                 Url(args.substr(args.rfind(' ') + 1)));
  }
  std::string error_log() const { return ReadFile(prefix_ + "/error.log"); }

 private:
  std::string prefix_, cert_;
  int port_ = 0;
  bool started_ = false;
};

TEST(NginxFront, DepositsDownloadsAndTheRealClientAddressPassThrough) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"), "[http]\ntrusted_proxies = 127.0.0.1\n");
  NginxFront nginx(dir, server->port());
  ASSERT_TRUE(nginx.started()) << "nginx (Debian's) did not start with tools/nginx/bevara.conf.in: "
                               << nginx.error_log();
  EXPECT_EQ(nginx.Curl("/health"), R"({"status":"ok"})");
  const std::string token = server->CreateToken("archivist");
  const std::string auth = "-H 'Authorization: Bearer " + token + "' ";

  // A deposit streamed through nginx, from a client address of its own.
  const std::string package = GenerateProducerPackage(dir, 91, "212000-0001", 3);
  const std::string accepted = nginx.Curl("--interface 127.0.3.7 -X POST " + auth + "-T " + package + " /api/v1/packages");
  auto job = nlohmann::json::parse(accepted, nullptr, false);
  ASSERT_TRUE(job.is_object() && job.contains("href")) << accepted;
  HttpReply done = server->WaitForJob(job["href"], token);
  auto j = nlohmann::json::parse(done.body);
  ASSERT_EQ(j["state"], "archived") << done.body;

  // A file downloaded through nginx arrives whole, with its digest.
  for (const auto& f : j["receipt"]["aip"]["files"]) {
    if (f["path"].get<std::string>().find("README") == std::string::npos) continue;
    const std::string body =
        nginx.Curl("--interface 127.0.3.7 " + auth + "/api/v1/packages/" + j["package_id"].get<std::string>() + "/files/" + f["path"].get<std::string>());
    EXPECT_EQ(Sha256Hex(body), f["sha256"].get<std::string>());
  }
  EXPECT_NE(ReadFile(dir.Join("data/access/audit.log")).find("127.0.3.7"), std::string::npos)
      << "the audit trail names the client, not the proxy";
  // Claims in X-Forwarded-For from the client are replaced by nginx.
  nginx.Curl("--interface 127.0.3.8 -H 'X-Forwarded-For: 10.6.6.6' /api/v1/packages");
  const std::string log = ReadFile(dir.Join("data/access/audit.log"));
  EXPECT_EQ(log.find("10.6.6.6"), std::string::npos);
  EXPECT_NE(log.find("127.0.3.8"), std::string::npos);
}

}  // namespace
}  // namespace bevara::testing
