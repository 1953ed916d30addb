#include "storage/blobs/s3_client.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "src/common/digest.h"
#include "src/common/percent_encoding.h"

namespace bevara::storage {
namespace {

constexpr size_t kMaxErrorBody = 64 << 10;
const char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string Base64(const std::string& raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Md5Base64(const char* data, size_t n) {
  MultiDigester md5(DigestSet::Of(DigestAlgorithm::kMd5));
  md5.Update(data, n);
  md5.Finish();
  return Base64(md5.Raw(DigestAlgorithm::kMd5));
}

// RFC 3986, as SigV4 signs it: unreserved characters stay; '/' stays in a key's path.
std::string Encode(const std::string& s, bool keep_slash) { return PercentEncode(s, keep_slash); }

// The text of every element named `name` under `node`, in document order.
void CollectTexts(xmlNode* node, const char* name, std::vector<std::string>* out) {
  for (xmlNode* n = node; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0) {
      xmlChar* text = xmlNodeGetContent(n);
      out->emplace_back(text ? reinterpret_cast<const char*>(text) : "");
      xmlFree(text);
    } else {
      CollectTexts(n->children, name, out);
    }
  }
}

struct XmlDoc {
  xmlDoc* doc = nullptr;
  explicit XmlDoc(const std::string& text)
      : doc(xmlReadMemory(text.data(), static_cast<int>(text.size()), "s3.xml", nullptr,
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) {}
  ~XmlDoc() { xmlFreeDoc(doc); }
  // S3 answers have no DOCTYPE: one with a DTD is not believed.
  xmlNode* root() const { return doc && !doc->intSubset ? xmlDocGetRootElement(doc) : nullptr; }
  std::vector<std::string> Texts(const char* name) const {
    std::vector<std::string> out;
    if (root()) CollectTexts(root(), name, &out);
    return out;
  }
};

std::string FirstText(const std::string& xml, const char* name) {
  auto texts = XmlDoc(xml).Texts(name);
  return texts.empty() ? "" : texts[0];
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser();  // before the replicator's threads parse answers side by side
  });
}

// A decimal number that fits (what a hostile server sends is checked).
bool ParseSize(const std::string& text, uint64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// Answers other than a streamed object's bytes are small; a server sending
// more is cut off rather than believed.
constexpr size_t kMaxAnswer = 16 << 20;

}  // namespace

struct S3Client::Stats {
  std::atomic<uint64_t> requests{0}, retries{0};
};

struct S3Client::Request {
  std::string method = "GET";
  std::string key;    // empty: the bucket
  std::string query;  // sorted, encoded, without '?'
  const char* body = nullptr;
  size_t body_size = 0;
  std::string body_sha256 = kEmptySha256;
  std::vector<std::string> headers;
  // Streaming GET: bytes of a 2xx answer go here; after a cut, the next
  // attempt asks for the rest (Range) from range_start + delivered.
  const std::function<Status(const char*, size_t)>* sink = nullptr;
  uint64_t range_start = 0;
  uint64_t range_length = 0;  // 0: to the end
  uint64_t delivered = 0;
  bool ranged = false;  // this attempt sent a Range header
  // The answer.
  long status = 0;
  std::string response;
  std::map<std::string, std::string> response_headers;  // lower-case names
  // Per attempt.
  size_t sent = 0;
  Status sink_status;
  void* handle = nullptr;

  std::string What(const std::string& bucket) const {
    return method + " " + bucket + (key.empty() ? "" : "/" + key);
  }
};

Status S3Settings::Check() const {
  if (endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("endpoint must start with http:// or https://");
  }
  // Credentials in the URL would be shown wherever the endpoint is.
  if (endpoint.find_first_of("@?#", endpoint.find("://") + 3) != std::string::npos) {
    return Status::InvalidArgument("endpoint must be scheme://host[:port][/path], without credentials, query or fragment");
  }
  if (bucket.size() < 3 || bucket.size() > 63 ||
      !std::all_of(bucket.begin(), bucket.end(), [](char c) { return islower(c) || isdigit(c) || c == '-' || c == '.'; })) {
    return Status::InvalidArgument("bucket must be 3 to 63 lower-case letters, digits, '-' or '.'");
  }
  if (region.empty() || region.find(':') != std::string::npos) return Status::InvalidArgument("region is missing or has a ':'");
  if (access_key_id.empty() || secret_access_key.empty()) return Status::InvalidArgument("credentials are missing");
  if (object_lock_days < 0 || object_lock_days > 36500) return Status::InvalidArgument("object lock days must be 0..36500");
  if (part_bytes < (5ull << 20) || part_bytes > (512ull << 20)) return Status::InvalidArgument("part size must be 5 MiB..512 MiB");
  if (retry.attempts < 1) return Status::InvalidArgument("retry attempts must be at least 1");
  return Status::OK();
}

namespace {
constexpr char kMissingBucket[] = "object store: no such bucket: ";
}  // namespace

bool IsMissingBucket(const Status& s) {
  return s.code() == StatusCode::kNotFound && s.message().find(kMissingBucket) != std::string::npos;
}

bool IsStoreWideFailure(const Status& s) {
  return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kPermissionDenied || IsMissingBucket(s);
}

std::string S3KeyForBlob(const std::string& name) { return "sha256/" + name.substr(0, 2) + "/" + name; }

Result<std::unique_ptr<S3Client>> S3Client::Make(S3Settings settings) {
  BEVARA_RETURN_IF_ERROR(settings.Check());
  InitCurlOnce();
  return std::unique_ptr<S3Client>(new S3Client(std::move(settings)));
}

S3Client::S3Client(S3Settings settings) : settings_(std::move(settings)), stats_(std::make_unique<Stats>()) {}
S3Client::~S3Client() = default;

uint64_t S3Client::requests() const { return stats_->requests.load(); }
uint64_t S3Client::retries() const { return stats_->retries.load(); }

std::string S3Client::UrlFor(const std::string& key, const std::string& query) const {
  std::string base = settings_.endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url;
  if (settings_.virtual_host) {
    const size_t host = base.find("://") + 3;
    url = base.substr(0, host) + settings_.bucket + "." + base.substr(host) + "/" + Encode(key, true);
  } else {
    url = base + "/" + settings_.bucket + (key.empty() ? "" : "/" + Encode(key, true));
  }
  return query.empty() ? url : url + "?" + query;
}

namespace {

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<S3Client::Request*>(user);
  const size_t n = size * count;
  if (r->sink && r->status == 0) curl_easy_getinfo(r->handle, CURLINFO_RESPONSE_CODE, &r->status);
  // Bytes asked for by range must come as a range (206) starting where
  // they were asked from: a 200 would start the object again.
  if (r->sink && r->ranged && r->status == 200) {
    r->sink_status = Status::IOError("object store ignored the byte range asked for");
    return 0;
  }
  if (r->sink && r->status >= 200 && r->status < 300) {
    r->sink_status = (*r->sink)(data, n);
    if (!r->sink_status.ok()) return 0;  // aborts the transfer
    r->delivered += n;
    return n;
  }
  if (r->response.size() + n > (r->sink ? kMaxErrorBody : kMaxAnswer)) {
    if (r->sink) return n;  // an error's body: its start is enough
    r->sink_status = Status::IOError("object store sent an answer larger than " + std::to_string(kMaxAnswer) + " bytes");
    return 0;
  }
  r->response.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<S3Client::Request*>(user);
  std::string line(data, size * count);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    r->response_headers[name] = value;
  }
  return size * count;
}

size_t OnUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* r = static_cast<S3Client::Request*>(user);
  const size_t n = std::min(size * count, r->body_size - r->sent);
  if (n) std::memcpy(buffer, r->body + r->sent, n);
  r->sent += n;
  return n;
}

bool Retryable(CURLcode c) {
  switch (c) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
  }
}

}  // namespace

Status S3Client::SendOnce(Request& r, bool* retry) {
  *retry = false;
  CURL* h = curl_easy_init();
  if (!h) return Status::Internal("curl_easy_init failed");
  std::unique_ptr<CURL, void (*)(CURL*)> handle(h, curl_easy_cleanup);
  r.status = 0;
  r.response.clear();
  r.response_headers.clear();
  r.sent = 0;
  r.sink_status = Status::OK();
  r.handle = h;
  const std::string url = UrlFor(r.key, r.query);
  const std::string sigv4 = "aws:amz:" + settings_.region + ":s3";
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(h, CURLOPT_USERNAME, settings_.access_key_id.c_str());
  curl_easy_setopt(h, CURLOPT_PASSWORD, settings_.secret_access_key.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.retry.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, std::max(1L, static_cast<long>(settings_.retry.stall_timeout_ms / 1000)));
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &r);
  curl_slist* headers = nullptr;
  std::vector<std::string> lines = r.headers;
  lines.push_back("x-amz-content-sha256: " + r.body_sha256);
  r.ranged = r.sink && (r.range_start + r.delivered > 0 || r.range_length > 0);
  if (r.ranged) {
    lines.push_back("Range: bytes=" + std::to_string(r.range_start + r.delivered) + "-" +
                    (r.range_length ? std::to_string(r.range_start + r.range_length - 1) : ""));
  }
  for (const std::string& l : lines) headers = curl_slist_append(headers, l.c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  if (r.method == "PUT") {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, OnUpload);
    curl_easy_setopt(h, CURLOPT_READDATA, &r);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(r.body_size));
  } else if (r.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, r.body ? r.body : "");
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body_size));
  } else if (r.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (r.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  stats_->requests.fetch_add(1);
  const CURLcode code = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  const std::string what = r.What(settings_.bucket);
  if (!r.sink_status.ok()) return r.sink_status;
  if (code != CURLE_OK) {
    *retry = Retryable(code);
    return Status::Unavailable("object store " + settings_.endpoint + ": " + what + ": " + curl_easy_strerror(code));
  }
  if (r.status >= 200 && r.status < 300) return Status::OK();
  const std::string error = r.method == "HEAD" ? "" : FirstText(r.response, "Code");
  const std::string said = what + ": HTTP " + std::to_string(r.status) + (error.empty() ? "" : " " + error);
  if (r.status >= 500 || r.status == 429 || r.status == 408 || error == "SlowDown" || error == "RequestTimeout") {
    *retry = true;
    return Status::Unavailable("object store " + settings_.endpoint + ": " + said);
  }
  if (r.status == 404) {
    if (error == "NoSuchBucket") {
      return Status::NotFound(std::string(kMissingBucket) + settings_.bucket + " does not exist (" + said + ")");
    }
    return Status::NotFound("object store: " + said);
  }
  if (r.status == 403) {
    return Status::PermissionDenied("object store " + settings_.endpoint + " refused the credentials or the request (" + said +
                                    "); check access_key_id and secret_access_key");
  }
  if (error == "BadDigest" || error == "XAmzContentSHA256Mismatch" || error == "InvalidDigest") {
    return Status::Corruption("object store refused the bytes as damaged on the way: " + said);
  }
  if (r.status == 409) return Status::AlreadyExists("object store: " + said);
  if (r.status == 416) return Status::InvalidArgument("object store: " + said + " (a range past the end)");
  return Status::IOError("object store " + settings_.endpoint + ": " + said);
}

Status S3Client::Send(Request& r) {
  std::mt19937_64 jitter(std::random_device{}());
  int backoff = settings_.retry.first_backoff_ms;
  Status last;
  for (int attempt = 1;; ++attempt) {
    bool retry = false;
    last = SendOnce(r, &retry);
    if (last.ok() || !retry || attempt >= settings_.retry.attempts) break;
    stats_->retries.fetch_add(1);
    const int wait = backoff / 2 + static_cast<int>(jitter() % static_cast<uint64_t>(backoff / 2 + 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    backoff = std::min(backoff * 2, settings_.retry.max_backoff_ms);
  }
  if (!last.ok() && last.code() == StatusCode::kUnavailable && settings_.retry.attempts > 1) {
    return Status::Unavailable(last.message() + " (after " + std::to_string(settings_.retry.attempts) + " attempts)");
  }
  return last;
}

Status S3Client::CreateBucket(bool object_lock) {
  Request r;
  r.method = "PUT";
  if (object_lock) r.headers.push_back("x-amz-bucket-object-lock-enabled: true");
  Status s = Send(r);
  if (s.code() == StatusCode::kAlreadyExists && FirstText(r.response, "Code") == "BucketAlreadyOwnedByYou") return Status::OK();
  return s;
}

Status S3Client::CheckBucket() {
  Request r;
  r.method = "HEAD";
  Status s = Send(r);
  if (s.code() == StatusCode::kNotFound) return Status::NotFound(std::string(kMissingBucket) + settings_.bucket + " does not exist");
  return s;
}

namespace {
std::string RetainUntil(int days) {
  const std::time_t until = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&until, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}
}  // namespace

Status S3Client::Put(const std::string& key, const char* data, size_t n, const std::string& sha256_hex) {
  Request r;
  r.method = "PUT";
  r.key = key;
  r.body = data;
  r.body_size = n;
  r.body_sha256 = sha256_hex;
  r.headers.push_back("Content-MD5: " + Md5Base64(data, n));
  r.headers.push_back("Content-Type: application/octet-stream");
  if (settings_.object_lock_days > 0) {
    r.headers.push_back("x-amz-object-lock-mode: COMPLIANCE");
    r.headers.push_back("x-amz-object-lock-retain-until-date: " + RetainUntil(settings_.object_lock_days));
  }
  return Send(r);
}

Result<std::string> S3Client::BeginMultipart(const std::string& key) {
  Request r;
  r.method = "POST";
  r.key = key;
  r.query = "uploads=";
  r.headers.push_back("Content-Type: application/octet-stream");
  if (settings_.object_lock_days > 0) {
    r.headers.push_back("x-amz-object-lock-mode: COMPLIANCE");
    r.headers.push_back("x-amz-object-lock-retain-until-date: " + RetainUntil(settings_.object_lock_days));
  }
  BEVARA_RETURN_IF_ERROR(Send(r));
  std::string id = FirstText(r.response, "UploadId");
  if (id.empty()) return Status::IOError("object store: " + r.What(settings_.bucket) + ": no UploadId in the answer");
  return id;
}

Result<std::string> S3Client::UploadPart(const std::string& key, const std::string& upload_id, int number,
                                         const char* data, size_t n, const std::string& sha256_hex) {
  Request r;
  r.method = "PUT";
  r.key = key;
  r.query = "partNumber=" + std::to_string(number) + "&uploadId=" + Encode(upload_id, false);
  r.body = data;
  r.body_size = n;
  r.body_sha256 = sha256_hex;
  r.headers.push_back("Content-MD5: " + Md5Base64(data, n));
  BEVARA_RETURN_IF_ERROR(Send(r));
  auto etag = r.response_headers.find("etag");
  if (etag == r.response_headers.end()) return Status::IOError("object store: part " + std::to_string(number) + " of " + key + ": no ETag");
  return etag->second;
}

Status S3Client::CompleteMultipart(const std::string& key, const std::string& upload_id, const std::vector<std::string>& etags) {
  std::string body = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags[i] + "</ETag></Part>";
  }
  body += "</CompleteMultipartUpload>";
  Request r;
  r.method = "POST";
  r.key = key;
  r.query = "uploadId=" + Encode(upload_id, false);
  r.body = body.data();
  r.body_size = body.size();
  r.body_sha256 = Sha256Hex(body);
  r.headers.push_back("Content-Type: application/xml");
  BEVARA_RETURN_IF_ERROR(Send(r));
  // S3 may answer 200 and put an error in the body.
  if (!FirstText(r.response, "Code").empty() && r.response.find("<Error>") != std::string::npos) {
    return Status::IOError("object store: completing " + key + ": " + FirstText(r.response, "Code"));
  }
  return Status::OK();
}

Status S3Client::AbortMultipart(const std::string& key, const std::string& upload_id) {
  Request r;
  r.method = "DELETE";
  r.key = key;
  r.query = "uploadId=" + Encode(upload_id, false);
  Status s = Send(r);
  return s.code() == StatusCode::kNotFound ? Status::OK() : s;
}

Result<uint64_t> S3Client::Head(const std::string& key) {
  Request r;
  r.method = "HEAD";
  r.key = key;
  BEVARA_RETURN_IF_ERROR(Send(r));
  auto length = r.response_headers.find("content-length");
  uint64_t size = 0;
  if (length == r.response_headers.end() || !ParseSize(length->second, &size)) {
    return Status::IOError("object store: HEAD " + key + ": no Content-Length that is a number");
  }
  return size;
}

Status S3Client::Get(const std::string& key, uint64_t offset, uint64_t length,
                     const std::function<Status(const char*, size_t)>& sink, uint64_t* object_size) {
  Request r;
  r.key = key;
  r.sink = &sink;
  r.range_start = offset;
  r.range_length = length;
  BEVARA_RETURN_IF_ERROR(Send(r));
  if (object_size) {
    // "Content-Range: bytes 0-1023/4096" for a range; the length otherwise.
    auto range = r.response_headers.find("content-range");
    auto whole = r.response_headers.find("content-length");
    uint64_t n = 0;
    if (range != r.response_headers.end() && range->second.find('/') != std::string::npos) {
      if (!ParseSize(range->second.substr(range->second.find('/') + 1), &n)) {
        return Status::IOError("object store: GET " + key + ": a Content-Range without the object's size");
      }
      *object_size = n;
    } else if (whole != r.response_headers.end() && ParseSize(whole->second, &n)) {
      *object_size = offset + n;
    } else {
      return Status::IOError("object store: GET " + key + ": no size in the answer");
    }
  }
  return Status::OK();
}

Status S3Client::List(const std::string& prefix, const std::function<Status(const S3Object&)>& fn) {
  std::string token;
  for (;;) {
    Request r;
    // Parameters sorted by name, as SigV4 signs them.
    r.query = (token.empty() ? "" : "continuation-token=" + Encode(token, false) + "&") + "list-type=2&max-keys=1000&prefix=" +
              Encode(prefix, false);
    BEVARA_RETURN_IF_ERROR(Send(r));
    XmlDoc doc(r.response);
    if (!doc.root()) return Status::IOError("object store: listing " + prefix + ": an answer that is not XML");
    std::vector<std::string> keys = doc.Texts("Key"), sizes = doc.Texts("Size");
    if (keys.size() != sizes.size()) return Status::IOError("object store: listing " + prefix + ": keys and sizes differ in number");
    for (size_t i = 0; i < keys.size(); ++i) {
      Status s = fn(S3Object{keys[i], std::strtoull(sizes[i].c_str(), nullptr, 10)});
      if (s.code() == StatusCode::kStopIteration) return Status::OK();
      BEVARA_RETURN_IF_ERROR(s);
    }
    const auto truncated = doc.Texts("IsTruncated");
    if (truncated.empty() || truncated[0] != "true") return Status::OK();
    const auto next = doc.Texts("NextContinuationToken");
    if (next.empty() || next[0].empty() || next[0] == token) {
      return Status::IOError("object store: listing " + prefix + ": truncated without a new token");
    }
    token = next[0];
  }
}

Result<std::string> S3Client::Retention(const std::string& key) {
  Request r;
  r.key = key;
  r.query = "retention=";
  Status s = Send(r);
  if (!s.ok()) return s;
  XmlDoc doc(r.response);
  const auto mode = doc.Texts("Mode"), until = doc.Texts("RetainUntilDate");
  if (mode.empty() || until.empty()) return Status::NotFound("object store: " + key + " has no retention");
  return mode[0] + " until " + until[0];
}

Status S3Client::ListVersions(const std::string& prefix, const std::function<Status(const S3Version&)>& fn) {
  std::string key_marker, version_marker;
  for (;;) {
    Request r;
    // Parameters sorted by name, as SigV4 signs them.
    r.query = (key_marker.empty() ? "" : "key-marker=" + Encode(key_marker, false) + "&") + "max-keys=1000&prefix=" +
              Encode(prefix, false) + (version_marker.empty() ? "" : "&version-id-marker=" + Encode(version_marker, false)) +
              "&versions=";
    BEVARA_RETURN_IF_ERROR(Send(r));
    XmlDoc doc(r.response);
    if (!doc.root()) return Status::IOError("object store: listing versions of " + prefix + ": an answer that is not XML");
    for (xmlNode* n = doc.root()->children; n; n = n->next) {
      if (n->type != XML_ELEMENT_NODE) continue;
      const char* name = reinterpret_cast<const char*>(n->name);
      const bool marker = std::strcmp(name, "DeleteMarker") == 0;
      if (!marker && std::strcmp(name, "Version") != 0) continue;
      std::vector<std::string> keys, ids, sizes;
      CollectTexts(n->children, "Key", &keys);
      CollectTexts(n->children, "VersionId", &ids);
      CollectTexts(n->children, "Size", &sizes);
      if (keys.empty() || ids.empty()) return Status::IOError("object store: listing versions of " + prefix + ": a version without key or id");
      Status s = fn(S3Version{keys[0], ids[0], sizes.empty() ? 0 : std::strtoull(sizes[0].c_str(), nullptr, 10), marker});
      if (s.code() == StatusCode::kStopIteration) return Status::OK();
      BEVARA_RETURN_IF_ERROR(s);
    }
    const auto truncated = doc.Texts("IsTruncated");
    if (truncated.empty() || truncated[0] != "true") return Status::OK();
    const auto next_key = doc.Texts("NextKeyMarker"), next_version = doc.Texts("NextVersionIdMarker");
    if (next_key.empty() || (next_key[0] == key_marker && (next_version.empty() || next_version[0] == version_marker))) {
      return Status::IOError("object store: listing versions of " + prefix + ": truncated without a new marker");
    }
    key_marker = next_key[0];
    version_marker = next_version.empty() ? "" : next_version[0];
  }
}

Result<std::vector<std::string>> S3Client::Versions(const std::string& key) {
  std::vector<std::string> ids;
  BEVARA_RETURN_IF_ERROR(ListVersions(key, [&](const S3Version& v) {
    if (v.key == key && !v.delete_marker) ids.push_back(v.version_id);
    return Status::OK();
  }));
  return ids;
}

Status S3Client::GetVersion(const std::string& key, const std::string& version_id,
                            const std::function<Status(const char*, size_t)>& sink) {
  Request r;
  r.key = key;
  r.query = "versionId=" + Encode(version_id, false);
  r.sink = &sink;
  return Send(r);
}

Status S3Client::DeleteVersion(const std::string& key, const std::string& version_id) {
  Request r;
  r.method = "DELETE";
  r.key = key;
  r.query = "versionId=" + Encode(version_id, false);
  return Send(r);
}

Status S3Client::Delete(const std::string& key) {
  Request r;
  r.method = "DELETE";
  r.key = key;
  Status s = Send(r);
  return s.code() == StatusCode::kNotFound ? Status::OK() : s;
}

}  // namespace bevara::storage
