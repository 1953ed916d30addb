#include "src/server/connection_gate.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string_view>
#include <vector>

namespace bevara::server {
namespace {

using Clock = std::chrono::steady_clock;

std::string AddressOf(const sockaddr_storage& a) {
  char text[INET6_ADDRSTRLEN] = {};
  if (a.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, text, sizeof text);
  } else if (a.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, text, sizeof text);
  }
  return text;
}

void SetBlocking(int fd, bool blocking) {
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK);
}

}  // namespace

struct ConnectionGate::Waiting {
  std::string client;
  Clock::time_point deadline;
  bool counted = true;     // holds one of its client's places
  bool lingering = false;  // answered: reading and dropping what still comes, then closing
};

ConnectionGate::ConnectionGate(int listen_fd, GateOptions options, Handoff handoff)
    : listen_fd_(listen_fd), options_(std::move(options)), handoff_(std::move(handoff)) {}

Result<std::unique_ptr<ConnectionGate>> ConnectionGate::Create(int listen_fd, GateOptions options, Handoff handoff) {
  std::unique_ptr<ConnectionGate> gate(new ConnectionGate(listen_fd, std::move(options), std::move(handoff)));
  gate->epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  gate->wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (gate->epoll_fd_ < 0 || gate->wake_fd_ < 0) return Status::FromErrno(errno, "epoll");
  SetBlocking(listen_fd, false);
  epoll_event listen{};
  listen.events = EPOLLIN;
  listen.data.fd = listen_fd;
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.fd = gate->wake_fd_;
  if (::epoll_ctl(gate->epoll_fd_, EPOLL_CTL_ADD, listen_fd, &listen) != 0 ||
      ::epoll_ctl(gate->epoll_fd_, EPOLL_CTL_ADD, gate->wake_fd_, &wake) != 0) {
    return Status::FromErrno(errno, "epoll_ctl");
  }
  return gate;
}

void ConnectionGate::StartAccepting() { thread_ = std::thread([this] { Run(); }); }

std::string PeerAddressOf(int fd) {
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return "";
  return AddressOf(peer);
}

ConnectionGate::~ConnectionGate() { Stop(); }

void ConnectionGate::Stop() {
  if (stop_.exchange(true)) return;
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  for (auto& [fd, w] : waiting_) {
    ::close(fd);
    if (w->counted) Released(w->client);
  }
  waiting_.clear();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  epoll_fd_ = wake_fd_ = -1;
}

void ConnectionGate::Run() {
  std::vector<epoll_event> events(256);
  while (!stop_) {
    const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), 250);
    for (int i = 0; i < n && !stop_; ++i) {
      const int fd = events[i].data.fd;
      if (fd == wake_fd_) continue;
      if (fd == listen_fd_) {
        Accept();
      } else {
        Check(fd, events[i].events);
      }
    }
    ExpireOld();
  }
}

bool ConnectionGate::Admit(const std::string& client) {
  MutexLock lock(&mu_);
  int& n = per_client_[client];
  if (!options_.uncapped.count(client) && n >= options_.max_connections_per_client) return false;
  ++n;
  return true;
}

void ConnectionGate::Released(const std::string& client) {
  MutexLock lock(&mu_);
  auto it = per_client_.find(client);
  if (it != per_client_.end() && --it->second <= 0) per_client_.erase(it);
}

void ConnectionGate::Accept() {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      // Out of descriptors: the waiting connection stays in the backlog, and
      // the listening socket would wake this loop at once, again and again.
      if (errno == EMFILE || errno == ENFILE) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return;  // EAGAIN: none left
    }
    // As Poco's own acceptor does: small answers go out at once, not after
    // the peer's delayed acknowledgement (40 ms a request on keep-alive).
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const std::string client = AddressOf(peer);
    const bool admitted = Admit(client);
    if (!Watch(fd, client, admitted)) continue;
    if (!admitted) {
      Refuse(fd, 503, "Service Unavailable", "this address has too many connections open; close some and try again");
    }
  }
}

bool ConnectionGate::Watch(int fd, const std::string& client, bool counted) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.fd = fd;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    ::close(fd);
    if (counted) Released(client);
    return false;
  }
  auto w = std::make_unique<Waiting>();
  w->client = client;
  w->deadline = Clock::now() + std::chrono::seconds(options_.head_deadline_seconds);
  w->counted = counted;
  waiting_[fd] = std::move(w);
  return true;
}

// Peeks at what has arrived: hands the connection on once the head is whole.
void ConnectionGate::Check(int fd, uint32_t events) {
  auto it = waiting_.find(fd);
  if (it == waiting_.end()) return;
  std::string& buf = peek_buffer_;
  if (buf.size() != options_.max_head_bytes) buf.resize(options_.max_head_bytes);
  if (it->second->lingering) {  // answered already: what comes now is dropped
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) Drop(fd);
    return;
  }
  const ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_PEEK);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return Drop(fd);  // gone before asking
  if (n < 0) return;
  const std::string_view seen(buf.data(), static_cast<size_t>(n));
  if (seen.find("\r\n\r\n") == std::string_view::npos && seen.find("\n\n") == std::string_view::npos) {
    if (static_cast<size_t>(n) >= options_.max_head_bytes) {
      Refuse(fd, 431, "Request Header Fields Too Large", "the request head is too large");
    } else if (events & (EPOLLRDHUP | EPOLLHUP)) {
      // The client has stopped sending: the head will never be whole (and a
      // level-triggered hang-up would wake this loop again and again).
      Refuse(fd, 400, "Bad Request", "the request head ended before it was whole");
    }
    return;
  }
  const std::string client = it->second->client;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  waiting_.erase(it);
  SetBlocking(fd, true);
  if (!handoff_(fd, client)) {
    SetBlocking(fd, false);
    if (Watch(fd, client, /*counted=*/true)) Refuse(fd, 503, "Service Unavailable", "the server is busy; try again shortly");
  }
}

void ConnectionGate::ExpireOld() {
  const auto now = Clock::now();
  std::vector<int> expired;
  for (const auto& [fd, w] : waiting_) {
    if (w->deadline <= now) expired.push_back(fd);
  }
  for (int fd : expired) {
    if (waiting_[fd]->lingering) {
      Drop(fd);
    } else {
      Refuse(fd, 408, "Request Timeout", "the request head did not arrive in time");
    }
  }
}

// Answers a waiting connection and closes it the way nginx's lingering close
// does: stop sending, then read and drop what the client still sends for a
// short while. Closing with unread data would make the kernel send a reset,
// which can destroy the answer before the client reads it.
void ConnectionGate::Refuse(int fd, int status, const char* reason, const std::string& message) {
  const std::string code = status == 408   ? "request_timeout"
                           : status == 431 ? "header_too_large"
                           : status == 400 ? "bad_request"
                                           : "unavailable";
  const std::string body = "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}";
  const std::string reply = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                            "\r\nContent-Type: application/json\r\nConnection: close\r\n" +
                            (status == 503 ? "Retry-After: 5\r\n" : "") +
                            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  (void)!::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(fd, SHUT_WR);
  Waiting* w = waiting_.at(fd).get();
  w->lingering = true;
  w->deadline = Clock::now() + std::chrono::seconds(2);
}

void ConnectionGate::Drop(int fd) {
  auto it = waiting_.find(fd);
  if (it == waiting_.end()) return;
  const std::string client = it->second->client;
  const bool counted = it->second->counted;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  waiting_.erase(it);
  if (counted) Released(client);
}

}  // namespace bevara::server
