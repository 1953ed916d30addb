#include "src/web/hit_fields.h"

#include <nlohmann/json.hpp>

namespace bevara::web {
namespace {

// nlohmann's SAX parser, keeping the top level's texts under the five keys.
class Reader : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit Reader(HitFields* out) : out_(out) {}

  bool Read(const std::string& json) { return nlohmann::json::sax_parse(json, this) && saw_object_ && depth_ == 0; }

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t) override { return Scalar(); }
  bool number_unsigned(number_unsigned_t) override { return Scalar(); }
  bool number_float(number_float_t, const string_t&) override { return Scalar(); }
  bool binary(binary_t&) override { return Scalar(); }
  bool string(string_t& s) override {
    if (target_) *target_ = std::move(s);
    return Scalar();
  }
  bool key(string_t& k) override {
    target_ = depth_ != 1                ? nullptr
              : k == "title"             ? &out_->title
              : k == "date"              ? &out_->date
              : k == "creator"           ? &out_->creator
              : k == "case_number"       ? &out_->case_number
              : k == "record_type"       ? &out_->record_type
                                         : nullptr;
    // A key given twice counts as its last value, as a parsed object has it.
    if (target_) target_->clear();
    return true;
  }
  bool start_object(std::size_t) override { return Open(true); }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(false); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool Scalar() {
    target_ = nullptr;
    return depth_ > 0;  // a bare value is not a summary
  }
  bool Open(bool object) {
    if (depth_ == 0) saw_object_ = object;
    target_ = nullptr;
    ++depth_;
    return saw_object_;
  }
  bool Close() {
    --depth_;
    return true;
  }

  HitFields* out_;
  int depth_ = 0;
  bool saw_object_ = false;
  std::string* target_ = nullptr;
};

}  // namespace

bool ReadHitFields(const std::string& summary_json, HitFields* out) {
  *out = HitFields();
  Reader reader(out);
  if (reader.Read(summary_json)) return true;
  *out = HitFields();
  return false;
}

}  // namespace bevara::web
