// One HTTP exchange as a raw client does it: connect to 127.0.0.1:port,
// send the bytes as they are, close the sending side, read what comes back
// until the server closes (or `timeout_seconds` pass without a byte, or
// `max_reply` bytes arrived). For the HTTP fuzz target and its regression
// test. Header-only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace bevara::fuzz {

inline std::string RawHttpExchange(int port, const std::string& request, int timeout_seconds = 10,
                                   size_t max_reply = 1u << 20) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{timeout_seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    char buf[16384];
    for (ssize_t n; reply.size() < max_reply && (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) {
      reply.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return reply;
}

}  // namespace bevara::fuzz
