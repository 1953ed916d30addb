// Clients that send too much, too many, too slowly, and a server that dies
// mid-deposit.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "src/common/clock.h"
#include "storage/archive/archive.h"
#include "tests/cli/run_bevara.h"
#include "tests/server/server_fixture.h"

namespace bevara::testing {
namespace {

using Clock = std::chrono::steady_clock;

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// A connection from `source` (any 127.0.0.0/8 address reaches the server on
// loopback), as if from another client; -1 when it could not be made.
int ConnectFrom(int port, const std::string& source) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

TEST(Abuse, AnOversizedContentLengthIsRefusedBeforeTheBody) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"), "[limits]\nmax_package_bytes = 1048576\n");
  const std::string token = server->CreateToken("archivist");
  int fd = Connect(server->port());
  std::string head = "POST /api/v1/packages HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " + token +
                     "\r\nContent-Length: 1000000000000\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), 0), static_cast<ssize_t>(head.size()));
  // Not one byte of the body is sent: the answer must come anyway, and the
  // server closes the connection rather than read a terabyte.
  auto start = Clock::now();
  std::string reply = ReadAll(fd);
  ::close(fd);
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
  EXPECT_NE(reply.find("\"too_large\""), std::string::npos);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST(Abuse, TooManyOrTooLongHeadersAreRefused) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  auto ask = [&](const std::string& extra) {
    int fd = Connect(server->port());
    std::string head = "GET /health HTTP/1.1\r\nHost: test\r\n" + extra + "Connection: close\r\n\r\n";
    ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
    std::string reply = ReadAll(fd);
    ::close(fd);
    return reply;
  };
  EXPECT_EQ(ask("").rfind("HTTP/1.1 200", 0), 0u);
  std::string many;
  for (int i = 0; i < 150; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(ask(many).rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_EQ(ask("X-Long: " + std::string(20000, 'a') + "\r\n").rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_EQ(server->Request("GET", "/health", "").status, 200) << "the server is still there";
}

// The small JSON bodies (tokens, audits, access decisions) need a length.
TEST(Abuse, ASmallJsonBodyWithoutContentLengthIsABadRequest) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string auditor = server->CreateToken("auditor");
  int fd = Connect(server->port());
  std::string request = "POST /api/v1/audits HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " + auditor +
                        "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string reply = ReadAll(fd);
  ::close(fd);
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply.substr(0, 300);
}

TEST(Abuse, AChunkedBodyOverTheLimitIsCutOff) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"), "[limits]\nmax_package_bytes = 1048576\n");
  const std::string token = server->CreateToken("archivist");
  int fd = Connect(server->port());
  std::string head = "POST /api/v1/packages HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " + token +
                     "\r\nTransfer-Encoding: chunked\r\n\r\n";
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
  for (int i = 0; i < 40; ++i) {  // 2.5 MiB, unless the server stops listening first
    if (::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) break;
  }
  std::string reply = ReadAll(fd);
  ::close(fd);
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply.substr(0, 200);
  // Nothing of it stays in the staging area.
  EXPECT_EQ(::system(("test -z \"$(ls " + dir.Join("data/server/uploads") + ")\"").c_str()), 0);
}

TEST(Abuse, ADepositCutOffMidwayLeavesNothing) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string token = server->CreateToken("archivist");
  std::string package = ReadFile(GenerateProducerPackage(dir, 77, "212000-0001", 20));
  int fd = Connect(server->port());
  std::string head = "POST /api/v1/packages HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " + token +
                     "\r\nContent-Length: " + std::to_string(package.size()) + "\r\n\r\n";
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  ::send(fd, package.data(), package.size() - 5000, MSG_NOSIGNAL);  // all but the end
  std::this_thread::sleep_for(std::chrono::milliseconds(300));      // the ingest is following it
  ::close(fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  HttpReply list = server->Request("GET", "/api/v1/packages", token);
  EXPECT_EQ(nlohmann::json::parse(list.body)["packages"].size(), 0u) << list.body;
  EXPECT_EQ(::system(("test -z \"$(ls " + dir.Join("data/server/uploads") + ")\"").c_str()), 0);
  EXPECT_EQ(ReadFile(dir.Join("data/server/jobs.log")).find("\"event\":\"created\""), std::string::npos)
      << "a deposit never finished was recorded as a job";
  // The same package, sent whole, is archived: nothing of the first attempt is in the way.
  std::ofstream(dir.Join("whole.tar"), std::ios::binary) << package;
  HttpReply job = server->DepositAndWait(token, dir.Join("whole.tar"));
  EXPECT_EQ(nlohmann::json::parse(job.body)["state"], "archived") << job.body;
}

// An Idempotency-Key that is not text (once, its invalid UTF-8 ended the
// whole server on a worker thread): refused, and the server stays up.
TEST(Abuse, AnIdempotencyKeyThatIsNotTextIsRefusedAndTheServerStaysUp) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string token = server->CreateToken("archivist");
  const std::string package = ReadFile(GenerateProducerPackage(dir, 79, "212000-0001", 2));
  for (const std::string& key : {std::string("\xff\xfe\x80"), std::string("k\x01y"), std::string(300, 'k')}) {
    int fd = Connect(server->port());
    std::string request = "POST /api/v1/packages HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " + token +
                          "\r\nIdempotency-Key: " + key + "\r\nContent-Length: " + std::to_string(package.size()) +
                          "\r\nConnection: close\r\n\r\n" + package;
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string reply = ReadAll(fd);
    ::close(fd);
    EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply.substr(0, 300);
  }
  EXPECT_EQ(server->Request("GET", "/health", "").status, 200);
  HttpReply job = server->Upload("/api/v1/packages", token, GenerateProducerPackage(dir, 79, "212000-0001", 2),
                                 {{"Idempotency-Key", "6f1e0b7c-2d4a-4c55-9a51-3b8f9e2d7a10"}});
  ASSERT_EQ(job.status, 202) << job.body;
  HttpReply done = server->WaitForJob(job.Header("location"), token);
  EXPECT_EQ(nlohmann::json::parse(done.body)["state"], "archived") << done.body;
}

// Bytes that are not UTF-8 in a path segment or a query go into error
// messages and searches: an answer of 4xx, never 500, and the server stays up.
TEST(Abuse, InvalidUtf8InPathsAndQueriesIsAClientError) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string archivist = server->CreateToken("archivist");
  const std::string auditor = server->CreateToken("auditor");
  for (const char* path :
       {"/api/v1/packages/%ff", "/api/v1/packages/%ff%fe/files/a", "/api/v1/packages/%c3/case", "/api/v1/jobs/%ff%fe",
        "/api/v1/search?q=%ff%fe", "/api/v1/search?creator=%c3", "/public/v1/records/%ff%fe",
        "/public/v1/records/%ff/files/x%fe", "/public/v1/search?q=%80abc", "/public/v1/requests/%ff"}) {
    HttpReply r = server->Request("GET", path, archivist);
    EXPECT_GE(r.status, 400) << path;
    EXPECT_LT(r.status, 500) << path << ": " << r.body.substr(0, 200);
    EXPECT_TRUE(nlohmann::json::parse(r.body, nullptr, false).is_object()) << path;
  }
  const std::string admin = server->admin_token();
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"PUT", "/api/v1/packages/%ff/records/x/access"},
           {"PUT", "/api/v1/packages/p/records/%fe%ff/access"},
           {"POST", "/api/v1/requests/%ff/decisions"},
           {"DELETE", "/api/v1/publication-rules/%ff"},
           {"DELETE", "/api/v1/tokens/%c3"},
           {"GET", "/public/v1/requests/%ff/files/%fe/x"},
           {"GET", "/api/v1/packages/x/files/%ff%fe"},
           {"GET", "/api/v1/log?actor=%ff"}}) {
    HttpReply r = server->Request(method, path, admin, "{}", {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 400) << method << " " << path << ": " << r.body.substr(0, 200);
  }
  HttpReply audit = server->Request("GET", "/api/v1/audits/%ff%fe", auditor);
  EXPECT_EQ(audit.status, 400) << audit.body;
  EXPECT_EQ(server->Request("GET", "/health", "").status, 200);
}

// A Content-Length that is not a number of bytes: "-5" and "+7", which the
// HTTP parser reads as numbers, are answered 400; what it cannot read at all
// ("1e3") it answers by closing the connection. Never a 5xx, and the server
// answers the next client.
TEST(Abuse, AContentLengthThatIsNotANumberIsABadRequest) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  for (const char* length : {"-5", "+7", "1e3", "0x10", "99999999999999999999"}) {
    int fd = Connect(server->port());
    const std::string request = std::string("POST /public/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                            "application/json\r\nContent-Length: ") + length + "\r\n\r\n{}";
    ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
    std::string reply = ReadAll(fd);
    ::close(fd);
    const bool numeric_to_the_parser = length[0] == '-' || length[0] == '+';
    if (numeric_to_the_parser || !reply.empty()) {
      EXPECT_TRUE(reply.rfind("HTTP/1.1 400", 0) == 0) << length << ": " << reply.substr(0, 200);
    }
  }
  EXPECT_EQ(server->Request("GET", "/health", "").status, 200);
}

// A valid tar followed by more bytes than the streaming buffer holds: the
// ingest has read the package before the body ends, and must not wait for it.
TEST(Abuse, ATarWithALongTailAfterItsEndIsAnsweredNotStuck) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string token = server->CreateToken("archivist");
  std::string package = ReadFile(GenerateProducerPackage(dir, 78, "212000-0001", 3));
  std::ofstream(dir.Join("tail.tar"), std::ios::binary) << package << std::string(40u << 20, '\0');
  HttpReply job = server->DepositAndWait(token, dir.Join("tail.tar"));
  ASSERT_EQ(job.status, 200) << job.body.substr(0, 300);
  EXPECT_NE(nlohmann::json::parse(job.body)["state"], "running");
}

TEST(Abuse, TwoHundredConcurrentDepositsGetOnly202Or503AndEvery202IsArchived) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"), "[ingest]\ndeposit_queue = 16\nworkers = 2\n");
  const std::string token = server->CreateToken("archivist");
  std::vector<std::string> packages;
  for (int i = 0; i < 200; ++i) packages.push_back(GenerateProducerPackage(dir, 1000 + i, "212000-0001", 1));
  std::vector<HttpReply> replies(packages.size());
  std::vector<std::thread> clients;
  std::atomic<int> ready{0};
  for (size_t i = 0; i < packages.size(); ++i) {
    clients.emplace_back([&, i] {
      ++ready;
      while (ready < static_cast<int>(packages.size())) std::this_thread::yield();
      replies[i] = server->Upload("/api/v1/packages", token, packages[i]);
    });
  }
  for (auto& t : clients) t.join();
  int accepted = 0, refused = 0;
  for (const HttpReply& r : replies) {
    if (r.status == 202) {
      ++accepted;
      HttpReply job = server->WaitForJob(r.Header("location"), token);
      EXPECT_EQ(nlohmann::json::parse(job.body)["state"], "archived") << job.body;
    } else {
      EXPECT_EQ(r.status, 503) << r.body;
      EXPECT_FALSE(r.Header("retry-after").empty());
      ++refused;
    }
  }
  EXPECT_GE(accepted, 16);
  EXPECT_GT(refused, 0) << "a queue of 16 took 200 deposits at once";
  EXPECT_EQ(accepted + refused, 200);
}

TEST(Abuse, AClientSendingAHeaderByteASecondDoesNotStopOthers) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  std::atomic<bool> done{false};
  std::thread slow([&] {
    int fd = Connect(server->port());
    const std::string head = "GET /health HTTP/1.1\r\nHost: slow\r\nX-Slow: ";
    for (size_t i = 0; !done && i < head.size() + 60; ++i) {
      char c = i < head.size() ? head[i] : 'z';
      if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) break;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    ::close(fd);
  });
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the slow client is in the middle of its header
  for (int i = 0; i < 20; ++i) {
    auto start = Clock::now();
    HttpReply r = server->Request("GET", "/health", "");
    EXPECT_EQ(r.status, 200);
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1000));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  done = true;
  slow.join();
}

// 200 clients, each from its own address, send their request heads a byte
// at a time: they hold no worker, and everyone else is answered at once.
TEST(Abuse, TwoHundredSlowClientsStopNoOne) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  const std::string archivist = server->CreateToken("archivist");
  std::vector<int> slow;
  for (int i = 0; i < 200; ++i) {
    int fd = ConnectFrom(server->port(), "127.0.1." + std::to_string(i + 1));
    ASSERT_GE(fd, 0);
    slow.push_back(fd);
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    const std::string head = "GET /health HTTP/1.1\r\nHost: slow\r\nX-Slow: ";
    for (size_t i = 0; !done && i < head.size(); ++i) {
      for (int fd : slow) (void)::send(fd, &head[i], 1, MSG_NOSIGNAL);
      for (int t = 0; !done && t < 5; ++t) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  for (int i = 0; i < 10; ++i) {
    auto start = Clock::now();
    EXPECT_EQ(server->Request("GET", "/health", "").status, 200);
    EXPECT_EQ(server->Request("GET", "/api/v1/packages", archivist).status, 200);
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  }
  done = true;
  trickle.join();
  for (int fd : slow) ::close(fd);
}

// Requests on a kept-alive connection are answered at once: the gate's
// connections have Nagle's algorithm off, as Poco's own had (with it, every
// small answer waited 40 ms for the peer's delayed acknowledgement).
TEST(Abuse, KeptAliveRequestsAreNotDelayed) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  int fd = Connect(server->port());
  const std::string request = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  auto start = Clock::now();
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
    std::string reply;
    char buf[4096];
    while (reply.find("{\"status\":\"ok\"}") == std::string::npos) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      ASSERT_GT(n, 0) << "request " << i;
      reply.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2)) << "100 kept-alive requests";
}

// One address may hold so many connections; the next is told 503 at once,
// and other addresses are not affected.
TEST(Abuse, OneAddressCannotHoldEveryConnection) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"), "[http]\nmax_connections_per_client = 8\n");
  std::vector<int> held;
  for (int i = 0; i < 8; ++i) held.push_back(ConnectFrom(server->port(), "127.0.2.1"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int extra = ConnectFrom(server->port(), "127.0.2.1");
  ASSERT_GE(extra, 0);
  const std::string request = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  (void)::send(extra, request.data(), request.size(), MSG_NOSIGNAL);
  std::string reply = ReadAll(extra);
  EXPECT_EQ(reply.rfind("HTTP/1.1 503", 0), 0u) << reply;
  EXPECT_NE(reply.find("Retry-After"), std::string::npos) << reply;
  ::close(extra);
  EXPECT_EQ(server->Request("GET", "/health", "").status, 200) << "another address is served";
  for (int fd : held) ::close(fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int again = ConnectFrom(server->port(), "127.0.2.1");
  (void)::send(again, request.data(), request.size(), MSG_NOSIGNAL);
  EXPECT_EQ(ReadAll(again).rfind("HTTP/1.1 200", 0), 0u) << "places are given back";
  ::close(again);
}

// A client that stops sending before its head is whole (a half-close) is
// answered at once, not at the head deadline, and costs the server nothing
// meanwhile.
TEST(Abuse, AHeadCutOffByAHalfCloseIsAnsweredAtOnce) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"));
  auto start = Clock::now();
  int fd = Connect(server->port());
  (void)::send(fd, "GET /health HTTP/1.1\r\nHo", 25, MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  std::string reply = ReadAll(fd);
  ::close(fd);
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
}

// The whole head has a deadline (408), and a body must keep a minimum pace.
TEST(Abuse, SlowHeadsAndSlowBodiesAreCutOff) {
  TempDir dir;
  auto server = ServerProcess::Start(dir.Join("data"), "[http]\nhead_timeout_seconds = 2\n");
  auto start = Clock::now();
  int head = Connect(server->port());
  (void)::send(head, "GET /health HTTP/1.1\r\n", 23, MSG_NOSIGNAL);
  std::string reply = ReadAll(head);
  ::close(head);
  EXPECT_EQ(reply.rfind("HTTP/1.1 408", 0), 0u) << reply;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));

  start = Clock::now();
  int body = Connect(server->port());
  timeval tv{30, 0};
  ::setsockopt(body, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string request =
      "POST /public/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{";
  (void)::send(body, request.data(), request.size(), MSG_NOSIGNAL);
  std::atomic<bool> stop{false};
  std::thread drip([&] {
    while (!stop && ::send(body, " ", 1, MSG_NOSIGNAL) == 1) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  });
  reply = ReadAll(body);
  stop = true;
  drip.join();
  ::close(body);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(20)) << "held " << reply;
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
}

// Deposits in flight when the server is killed: every one that was answered
// 202 is archived after the restart, and the archive is intact.
TEST(Abuse, KilledDuringDepositsEveryAcknowledgedPackageSurvives) {
  TempDir dir;
  const std::string data = dir.Join("data");
  std::mt19937 rng(7);
  std::vector<std::pair<std::string, int>> acknowledged;  // job href, cycle
  std::vector<std::string> killed_at;                    // per cycle
  std::string token;
  for (int cycle = 0; cycle < 3; ++cycle) {
    // One worker: most deposits wait in the queue, where a kill finds them.
    auto server = ServerProcess::Start(data, "[ingest]\ndeposit_queue = 64\nworkers = 1\n");
    if (token.empty()) token = server->CreateToken("archivist");
    std::vector<std::string> packages;
    for (int i = 0; i < 12; ++i) packages.push_back(GenerateProducerPackage(dir, 5000 + cycle * 100 + i, "212000-0001", 40));
    std::mutex mu;
    std::vector<std::thread> clients;
    for (const std::string& p : packages) {
      clients.emplace_back([&, p] {
        HttpReply r = server->Upload("/api/v1/packages", token, p);
        if (r.status == 202) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.push_back({r.Header("location"), cycle});
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 250));
    killed_at.push_back(NowRfc3339(Env::Default()));
    server->Kill();
    for (auto& t : clients) t.join();
  }
  auto server = ServerProcess::Start(data);
  ASSERT_FALSE(acknowledged.empty());
  int resumed = 0;  // finished only after a kill: the kill interrupted them
  for (const auto& [job, cycle] : acknowledged) {
    HttpReply r = server->WaitForJob(job, token);
    ASSERT_EQ(r.status, 200) << job;
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["state"], "archived") << r.body;
    if (j.value("finished", "") > killed_at[cycle]) ++resumed;
  }
  EXPECT_GT(resumed, 0) << "no kill interrupted a deposit: the test proves nothing";
  server.reset();
  CommandRun audit = RunBevara("audit --data " + data);
  EXPECT_EQ(audit.exit_code, 0) << audit.out;
  CommandRun log = RunBevara("log verify --data " + data);
  EXPECT_EQ(log.exit_code, 0) << log.out;
  std::cerr << acknowledged.size() << " deposits acknowledged across 3 kills, " << resumed
            << " of them finished after a restart\n";
}

}  // namespace
}  // namespace bevara::testing
