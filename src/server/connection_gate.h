// ConnectionGate: the door of the plain-HTTP server. It accepts connections
// and holds each one, in a single epoll thread, until its request head has
// arrived whole; only then does a worker thread get it. A client that sends
// its head a byte at a time therefore holds a file descriptor, not one of
// the server's threads, and loses it at the head deadline (408).
//
// It also caps the connections one client address may hold at once (beyond
// that: 503 at once), except for trusted proxies, whose clients are told
// apart by X-Forwarded-For later.
//
// What it does not cover: TLS connections (a head cannot be read before the
// handshake; those go straight to workers, and internet-facing TLS belongs
// in the nginx front, tools/nginx/), and the requests after the first on a
// kept-alive connection (read by the worker, under the request timeout).
//
// Thread-safety: Released() may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "src/common/mutex.h"
#include "src/common/result.h"

namespace bevara::server {

struct GateOptions {
  int head_deadline_seconds = 10;      // the whole request head, from accept
  int max_connections_per_client = 64;
  size_t max_head_bytes = 64 * 1024;   // Poco's own limits refuse less than this anyway
  std::set<std::string> uncapped;      // trusted proxies' addresses
};

class ConnectionGate {
 public:
  // Called on the gate's thread with a connection whose head has arrived
  // (the descriptor is blocking again and owned by the callee) and its
  // client's address. The callee calls Released(client) when it ends.
  // Returns false when it could not take it (the gate answers 503).
  using Handoff = std::function<bool(int fd, const std::string& client)>;

  // A gate for `listen_fd` (bound and listening; not owned). It accepts
  // nothing until StartAccepting().
  static Result<std::unique_ptr<ConnectionGate>> Create(int listen_fd, GateOptions options, Handoff handoff);
  // Starts the gate's thread. REQUIRES: called once, after whatever
  // `handoff` uses is ready.
  void StartAccepting();
  ~ConnectionGate();  // stops accepting; closes connections still waiting

  // A connection handed off for `client` has ended.
  void Released(const std::string& client);

  // Stops accepting and closes the connections still waiting (idempotent;
  // the destructor calls it). Released() keeps working afterwards.
  void Stop();

 private:
  struct Waiting;
  ConnectionGate(int listen_fd, GateOptions options, Handoff handoff);
  void Run();
  void Accept();
  void Check(int fd, uint32_t events);
  // Watches a new connection; false (and it is closed) when it cannot.
  bool Watch(int fd, const std::string& client, bool counted);
  // REQUIRES: fd is watched.
  void Refuse(int fd, int status, const char* reason, const std::string& message);
  void Drop(int fd);
  void ExpireOld();
  bool Admit(const std::string& client);

  const int listen_fd_;
  const GateOptions options_;
  const Handoff handoff_;
  int epoll_fd_ = -1, wake_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::map<int, std::unique_ptr<Waiting>> waiting_;  // only the gate's thread touches it
  std::string peek_buffer_;                          // the same (one head's worth, made once)
  Mutex mu_;
  std::map<std::string, int> per_client_ GUARDED_BY(mu_);
};

// The peer's address of a connected socket, as the gate counts it.
std::string PeerAddressOf(int fd);

}  // namespace bevara::server
