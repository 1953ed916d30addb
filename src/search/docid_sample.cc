#include "src/search/docid_sample.h"

#include <algorithm>

namespace bevara::search {

DocidSample::DocidSample(Xapian::docid first, Xapian::docid last, Xapian::docid stride, Xapian::docid take)
    : first_(first), last_(last), stride_(stride), take_(take) {
  const uint64_t span = last_ - first_ + 1;
  const uint64_t full = span / stride_ * take_ + std::min(span % stride_, take_);
  count_ = static_cast<Xapian::doccount>(full);
}

void DocidSample::Seek(uint64_t did) {
  did = std::max(did, first_);
  const uint64_t offset = (did - first_) % stride_;
  if (offset >= take_) did += stride_ - offset;  // to the start of the next stride
  current_ = did;
}

std::string DocidSample::get_description() const {
  return "DocidSample(" + std::to_string(first_) + ".." + std::to_string(last_) + ", " + std::to_string(take_) +
         " of every " + std::to_string(stride_) + ")";
}

}  // namespace bevara::search
