#include "tests/server/server_fixture.h"

#include <sys/prctl.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/cli/run_bevara.h"
#include "tools/sipgen/sip_generator.h"

namespace bevara::testing {

std::unique_ptr<ServerProcess> ServerProcess::Start(const std::string& data_dir, const std::string& ini) {
  std::unique_ptr<ServerProcess> s(new ServerProcess());
  s->data_dir_ = data_dir;
  std::string config = data_dir + ".ini";
  // Tests call the public interface far faster than a citizen would; the
  // rate-limit test sets its own limit (a key may be set only once).
  const bool own_limit = ini.find("requests_per_second") != std::string::npos;
  std::ofstream(config) << "[server]\nport = 0\ndata_dir = " << data_dir << "\n"
                        << (own_limit ? "" : "[public]\nrequests_per_second = 0\n") << ini;
  ::unlink((data_dir + "/server/address").c_str());
  s->pid_ = ::fork();
  if (s->pid_ == 0) {
    // A test that crashes runs no destructor: the server must not outlive
    // it (it would hold the test's output open, and ctest would wait).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::execl(BEVARA_BINARY, BEVARA_BINARY, "serve", "--init", "--config", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 300; ++i) {
    std::string address = ReadFile(data_dir + "/server/address");
    if (!address.empty()) {
      s->port_ = std::stoi(address.substr(address.rfind(':') + 1));
      s->admin_token_ = ReadFile(data_dir + "/admin.token");
      while (!s->admin_token_.empty() && s->admin_token_.back() == '\n') s->admin_token_.pop_back();
      // The address is written once the server listens; over TLS this
      // plain-HTTP client cannot ask /health, the test does.
      if (address.rfind("https", 0) == 0 || s->Request("GET", "/health", "").status == 200) return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "bevara serve did not start on " << data_dir;
  return s;
}

ServerProcess::~ServerProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "bevara serve did not stop cleanly: " << status;
}

void ServerProcess::Kill() {
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string ServerProcess::CreateToken(const std::string& role, const std::string& producer, const std::string& expires) {
  std::string args = "token create --data " + data_dir_ + " --role " + role;
  if (!producer.empty()) args += " --producer " + producer;
  if (!expires.empty()) args += " --expires " + expires;
  CommandRun run = RunBevara(args);
  EXPECT_EQ(run.exit_code, 0) << args;
  while (!run.out.empty() && run.out.back() == '\n') run.out.pop_back();
  return run.out;
}

namespace {

HttpReply Exchange(int port, const std::string& method, const std::string& path, const std::string& token,
                   std::istream* body, int64_t body_size, const std::map<std::string, std::string>& headers) {
  HttpReply reply;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(120, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (body) req.setContentLength64(body_size);
    std::ostream& out = session.sendRequest(req);
    if (body) Poco::StreamCopier::copyStream64(*body, out, 1 << 20);
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    reply.status = res.getStatus();
    for (const auto& [k, v] : res) {
      std::string name = k;
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers[name] = v;
    }
    std::ostringstream s;
    Poco::StreamCopier::copyStream64(in, s);
    reply.body = s.str();
  } catch (const std::exception& e) {
    reply.status = 0;
    reply.body = e.what();
  }
  return reply;
}

}  // namespace

HttpReply ServerProcess::Request(const std::string& method, const std::string& path, const std::string& token,
                                 const std::string& body, const std::map<std::string, std::string>& headers) {
  std::istringstream in(body);
  bool has_body = !body.empty() || method == "POST";
  return Exchange(port_, method, path, token, has_body ? &in : nullptr, static_cast<int64_t>(body.size()), headers);
}

HttpReply ServerProcess::Upload(const std::string& path, const std::string& token, const std::string& file,
                                const std::map<std::string, std::string>& headers) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  int64_t size = in.tellg();
  in.seekg(0);
  return Exchange(port_, "POST", path, token, &in, size, headers);
}

HttpReply ServerProcess::WaitForJob(const std::string& job_href, const std::string& token) {
  HttpReply r;
  for (int i = 0; i < 1200; ++i) {
    r = Request("GET", job_href, token);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status != 200 || !j.is_object()) return r;
    std::string state = j.value("state", "");
    if (state != "queued" && state != "running") return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "job " << job_href << " did not finish";
  return r;
}

HttpReply ServerProcess::DepositAndWait(const std::string& token, const std::string& file) {
  HttpReply r = Upload("/api/v1/packages", token, file);
  if (r.status != 202 && r.status != 200) return r;
  return WaitForJob(r.Header("location"), token);
}

nlohmann::json ServerProcess::SearchWhenIndexed(const std::string& token, const std::string& query, uint64_t at_least) {
  nlohmann::json last;
  for (int i = 0; i < 400; ++i) {
    HttpReply r = Request("GET", "/api/v1/search?" + query, token);
    last = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status == 200 && last.is_object() && last["total"].get<uint64_t>() >= at_least) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "search for '" << query << "' did not reach " << at_least << " hits: " << last.dump().substr(0, 300);
  return last;
}

std::string ShellOutput(const std::string& command) {
  FILE* p = ::popen((command + " 2>/dev/null").c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  return out;
}

std::string GenerateProducerPackage(const TempDir& dir, uint64_t seed, const std::string& producer, int files) {
  sipgen::SipSpec spec;
  spec.seed = seed;
  spec.files = files;
  spec.producer = producer;
  return WritePackage(sipgen::PlanSip(spec), "tar", dir, "pkg-" + producer + "-" + std::to_string(seed));
}

}  // namespace bevara::testing
