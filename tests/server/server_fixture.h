// The real `bevara serve` in a child process on a free port, and a real
// HTTP client (Poco's) to talk to it.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace bevara::testing {

struct HttpReply {
  int status = 0;  // 0: no answer (connection failed or was cut)
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-case
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class ServerProcess {
 public:
  // Starts the server on `data_dir` with extra INI settings (may be empty),
  // waits until it answers /health. Fails the test if it does not.
  static std::unique_ptr<ServerProcess> Start(const std::string& data_dir, const std::string& ini = "");
  ~ServerProcess();  // SIGTERM, then waits

  void Kill();  // SIGKILL: a crash
  int port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& admin_token() const { return admin_token_; }

  // `bevara token create` through the CLI, beside the running server.
  std::string CreateToken(const std::string& role, const std::string& producer = "", const std::string& expires = "");

  HttpReply Request(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& body = "", const std::map<std::string, std::string>& headers = {});
  // Sends a file as the body, streamed.
  HttpReply Upload(const std::string& path, const std::string& token, const std::string& file,
                   const std::map<std::string, std::string>& headers = {});
  // Deposits and polls the job until it ends; returns the job document.
  HttpReply DepositAndWait(const std::string& token, const std::string& file);
  HttpReply WaitForJob(const std::string& job_href, const std::string& token);
  // GET /api/v1/search?`query` as `token` (an archivist), again until it
  // has at least `at_least` hits (indexing runs behind deposits).
  nlohmann::json SearchWhenIndexed(const std::string& token, const std::string& query, uint64_t at_least = 1);

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string data_dir_, admin_token_;
};

// What a shell command printed on stdout (stderr discarded).
std::string ShellOutput(const std::string& command);

// A generated package from `producer`; returns its path.
std::string GenerateProducerPackage(const TempDir& dir, uint64_t seed, const std::string& producer, int files = 5);

}  // namespace bevara::testing
