// Which address a request comes from, when a reverse proxy may stand in
// front: the rate limits of the public interface and the audit log are
// kept per client, and behind a proxy every peer address is the proxy's.
#pragma once

#include <set>
#include <string>

namespace bevara::server {

// The client of a request from `peer` carrying `forwarded_for` (the
// X-Forwarded-For header, "client, proxy1, proxy2"; empty when absent).
// Only a peer in `trusted_proxies` is believed: then the rightmost address
// of the header that is not itself a trusted proxy is the client (the ones
// left of it were written by the client and prove nothing). A header that
// is not a list of IP addresses is ignored: the peer is the client.
std::string ClientAddress(const std::string& peer, const std::string& forwarded_for,
                          const std::set<std::string>& trusted_proxies);

// "10.0.0.5, ::1" -> {"10.0.0.5", "::1"}; InvalidArgument-style message in
// `error` (and false) when an entry is not an IP address.
bool ParseAddressList(const std::string& list, std::set<std::string>* out, std::string* error);

}  // namespace bevara::server
